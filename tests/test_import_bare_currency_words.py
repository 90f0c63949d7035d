"""Currency words written beside an amount or in a Currency cell ("100 Dollars",
"Pesos 200", "Rupees 1,500", "20 Pounds", "Francs 30", "Dinar 5", "Kronor 100", "Reais 5"):
read with CLDR's display names (singular and plural, several languages, through babel). A
word one currency has is that currency; a word several share (dollar, peso, rupee, pound,
franc, dinar) is settled by the row's Country, the store's currency or the column's other
cells written with a code, else the import stops before writing naming the column, the
examples and --currency CODE, which then imports the file right."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD, FAST_KDF
from table_files import write_table

HEAD = ["Order No", "Order Date", "Customer", "Amount"]


def _file(tmp_path, amounts, countries=None, fmt="csv", name="orders"):
    head = HEAD + (["Country"] if countries else [])
    rows = [head] + [[f"A{i}", "2024-03-05", f"Kunde {i}", a] + ([countries[i - 1]] if countries else [])
                     for i, a in enumerate(amounts, 1)]
    return write_table(tmp_path, fmt, rows, name)


def _import(session, path, **options):
    return import_file(session, path, kind="orders", **options)


def _orders(session) -> dict[str, tuple]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


SHARED_BY_COUNTRY = {
    "dollars, Canada": ("100 Dollars", "Canada", "100", "CAD"),
    "dollars lower case, Australia": ("50 dollars", "Australia", "50", "AUD"),
    "dollar, Singapore": ("Dollar 12.50", "Singapore", "12.5", "SGD"),
    "pesos, Mexico": ("Pesos 200", "Mexico", "200", "MXN"),
    "pesos, Chile": ("Pesos 200", "Chile", "200", "CLP"),
    "rupees, India": ("Rupees 1,500", "India", "1500", "INR"),
    "rupees, Pakistan": ("Rupees 1,500", "Pakistan", "1500", "PKR"),
    "pounds, United Kingdom": ("20 Pounds", "United Kingdom", "20", "GBP"),
    "pounds, Egypt": ("20 Pounds", "Egypt", "20", "EGP"),
    "francs, Switzerland": ("Francs 30", "Switzerland", "30", "CHF"),
    "dinar, Jordan": ("Dinar 5", "Jordan", "5", "JOD"),
    "spanish dólares, Canada": ("100 dólares", "Canada", "100", "CAD"),
    "german franken, Schweiz": ("30 Franken", "Schweiz", "30", "CHF"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("case", sorted(SHARED_BY_COUNTRY))
def test_a_currency_word_several_currencies_share_is_settled_by_the_rows_country(admin, tmp_path, case, fmt):
    written, country, amount, code = SHARED_BY_COUNTRY[case]
    _import(admin, _file(tmp_path, [written, written], [country, country], fmt))
    assert _orders(admin) == {"A1": (Decimal(amount), code), "A2": (Decimal(amount), code)}


@pytest.mark.parametrize("written, amount, code", [
    ("Kronor 100", "100", "SEK"), ("100 kronor", "100", "SEK"), ("Reais 5", "5", "BRL"),
    ("5 reais", "5", "BRL"), ("Rand 40", "40", "ZAR"), ("Zloty 9", "9", "PLN"),
])
def test_a_currency_word_one_currency_has_is_that_currency(admin, tmp_path, written, amount, code):
    _import(admin, _file(tmp_path, [written]))
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


@pytest.mark.parametrize("written, codes", [
    ("100 Dollars", ("USD", "CAD", "AUD")), ("Pesos 200", ("MXN", "ARS", "CLP")), ("Rupees 1500", ("INR", "PKR")),
    ("20 Pounds", ("GBP", "EGP")), ("Francs 30", ("CHF", "XAF")), ("Dinar 5", ("JOD", "KWD")),
])
def test_a_shared_currency_word_with_no_evidence_stops_naming_the_column_and_currency_settles_it(
        admin, tmp_path, written, codes):
    f = _file(tmp_path, [written, written])
    with pytest.raises(ImportRefused) as stop:
        _import(admin, f)
    said = stop.value.message
    assert "'Amount'" in said and repr(written) in said and "--currency CODE" in said
    assert all(c in said for c in codes)
    assert records.list_records(admin, "order") == []
    _import(admin, f, currency=codes[1])
    number = Decimal(written.replace(",", "").split()[0 if written[0].isdigit() else 1])
    assert _orders(admin) == {"A1": (number, codes[1]), "A2": (number, codes[1])}


def test_the_columns_cells_written_with_a_code_settle_the_word(admin, tmp_path):
    _import(admin, _file(tmp_path, ["100 Dollars", "USD 50", "20 dollars"]))
    assert _orders(admin) == {"A1": (Decimal("100"), "USD"), "A2": (Decimal("50"), "USD"),
                              "A3": (Decimal("20"), "USD")}


def test_the_stores_currency_settles_the_word(tmp_path):
    path = tmp_path / "nz.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF, currency="NZD")
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        _import(session, _file(tmp_path, ["100 Dollars", "7 dollars"]))
        assert _orders(session) == {"A1": (Decimal("100"), "NZD"), "A2": (Decimal("7"), "NZD")}
    finally:
        session.close()


def test_a_currency_column_of_words_is_settled_by_the_country_or_stops(admin, tmp_path):
    rows = [HEAD + ["Currency", "Country"], ["A1", "2024-03-05", "Ann", "100", "Dollars", "Canada"],
            ["A2", "2024-03-05", "Ben", "200", "Pesos", "Mexico"], ["A3", "2024-03-05", "Cem", "5", "Kronor", "Sweden"]]
    _import(admin, write_table(tmp_path, "csv", rows, "words"))
    assert _orders(admin) == {"A1": (Decimal("100"), "CAD"), "A2": (Decimal("200"), "MXN"),
                              "A3": (Decimal("5"), "SEK")}
    # the same words with no country: the import stops naming the Currency column and the option
    rows = [HEAD + ["Currency"], ["B1", "2024-03-05", "Dee", "100", "Dollars"], ["B2", "2024-03-05", "Eva", "7", "Dollars"]]
    f = write_table(tmp_path, "csv", rows, "nocountry")
    with pytest.raises(ImportRefused) as stop:
        _import(admin, f)
    assert "'Currency'" in stop.value.message and "'Dollars'" in stop.value.message
    assert "--currency CODE" in stop.value.message and "USD" in stop.value.message
    assert not any(n.startswith("B") for n in _orders(admin))
    _import(admin, f, currency="HKD")
    assert {n: v for n, v in _orders(admin).items() if n.startswith("B")} == {
        "B1": (Decimal("100"), "HKD"), "B2": (Decimal("7"), "HKD")}
