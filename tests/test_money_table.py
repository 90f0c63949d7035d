"""The currency table shipped as package data is babel's, and is only used when it is."""

import json
from importlib import resources

import babel

from cims_xl.domain import money
from cims_xl.domain import normalize as nz


def _shipped_text() -> str:
    return resources.files("cims_xl.data").joinpath(money.SHIPPED_TABLE).read_text("utf-8")


def _made_by_this_babel() -> bool:
    return json.loads(_shipped_text())["babel"] == babel.__version__


def test_the_shipped_currency_table_is_babels_and_is_used_only_under_the_babel_that_made_it():
    shipped = json.loads(_shipped_text())
    if _made_by_this_babel():
        built = money.table_as_data(money._babel_table(), money._babel_codes())
        assert shipped == built, "regenerate it: python tools/gen_currency_table.py"
        assert money._shipped() is not None      # so the import does not rebuild it
    else:
        # Another babel (a fresh install may bring a newer one): the table is built from
        # babel instead, and the results are the same as with a table from this babel.
        assert money._shipped() is None


def test_the_table_read_from_the_file_answers_as_the_one_built_from_babel():
    if not _made_by_this_babel():
        data = money.table_as_data(money._babel_table(), money._babel_codes())
    else:
        data = json.loads(_shipped_text())
    from_file = money._table_from_data(data)
    built = money._babel_table()
    assert from_file == built
    for token in ("$", "US$", "€", "¥", "￥", "元", "kr", "C$", "HK$", "₩", "₹", "RMB", "euros", "人民币"):
        key = money._key(token)
        assert from_file.candidates.get(key) == built.candidates.get(key)
        assert from_file.default.get(key) == built.default.get(key)
    assert money._codes() == money._babel_codes()


def test_a_table_file_from_another_babel_version_or_damaged_is_not_used():
    text = _shipped_text()
    made_by = json.loads(text)["babel"]
    assert money._usable_table_data(text, made_by) is not None
    assert money._usable_table_data(text, "0.0.1") is None
    assert money._usable_table_data(text[: len(text) // 2], made_by) is None
    data = json.loads(text)
    del data["candidates"]
    assert money._usable_table_data(json.dumps(data), made_by) is None


# ----- named_currency: remembered per shape, the same answer as reading each cell ----------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TOKENS = ["$", "US$", "USD", "usd", "€", "EUR", "£", "¥", "￥", "元", "RMB", "CNY", "HK$", "NT$",
           "C$", "A$", "S$", "₩", "₹", "kr", "Fr.", "CHF", "zł", "₽", "円", "美金", "euros", "人民币",
           "R$", "R", "K", "X$", "", " "]
_NUMBERS = st.one_of(
    st.from_regex(r"\A[0-9]{1,7}([.,][0-9]{1,3})?\Z"),
    st.from_regex(r"\A[0-9]{1,3}([,. '][0-9]{3}){0,3}([.,][0-9]{1,2})?\Z"),
    st.from_regex(r"\A[0-9０-９.,\s]{0,9}\Z"),
    st.text(alphabet="0123456789.,-+() 万亿", max_size=10))


def _direct(value: str) -> str | None:
    try:
        try:
            reading = money.read_money(value)
        except nz.AmbiguousNumber:      # "€1.200": the amount reads two ways, the currency one
            reading = money.read_money(value, ".")
    except ValueError:
        return None
    return reading.currency if reading.currency and not reading.assumed else None


@settings(max_examples=600, deadline=None)
@given(before=st.sampled_from(_TOKENS), number=_NUMBERS, after=st.sampled_from(_TOKENS),
       sign=st.sampled_from(["", "-", "(", "+"]), gap=st.sampled_from(["", " ", "\u00a0"]))
def test_the_currency_a_cell_names_is_the_one_reading_it_gives(before, number, after, sign, gap):
    value = f"{sign}{before}{gap}{number}{gap}{after}" + (")" if sign == "(" else "")
    assert money.named_currency(value) == _direct(value)
    # the same shape with other digits was answered from memory: still the direct answer
    other = value.translate(str.maketrans("123456789", "987654321"))
    assert money.named_currency(other) == _direct(other)


def test_the_currency_a_cell_names_is_read_in_every_writing_of_amounts():
    cases = {"USD 1,200.00": "USD", "1.200,00 €": "EUR", "C$ 5": "CAD", "HK$12": "HKD",
             "$12,345.67": None, "¥300": None, "12,345.67": None, "USD abc": None, "": None,
             "£99.00": "GBP", "300元": None, "300人民币": "CNY", "(US$ 1,000)": "USD", "1 2 3 $": None}
    for value, code in cases.items():
        assert money.named_currency(value) == code == _direct(value), value
    assert money.named_currency(12.5) is None
