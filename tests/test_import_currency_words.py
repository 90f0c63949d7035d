"""Amounts written with the currency words people use at home: the short forms and
names CLDR gives in the currency's own languages ("บาท", "Türk lirası", "zł", "Kč",
"Ft", "₸", "сом") and the forms the central banks write where CLDR has none ("TL",
"руб.", "р.", "đ", "грн", "лв", "lei"). The amount is read with the decimal mark the
column's values decide; a word two currencies share ("руб.": RUB and BYN; "lei": RON and
MDL) is settled as a bare "kr" is — the row's Currency, --currency, the store's
currency — and otherwise stops naming the column, examples and --currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.domain import money
from cims_xl.importer.errors import AmbiguousCurrency, ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings
from table_files import write_csv, write_xlsx

HEAD = ["Order ID", "Order Date", "Customer Name", "Amount"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"])
            for o in records.list_records(session, "order")}


def _file(tmp_path, amounts: list[str], writer=write_csv, head=HEAD):
    rows = [head] + [[f"N-{i + 1}", f"2026-03-{i + 1:02d}", "Test Ltd", a] for i, a in enumerate(amounts)]
    return writer(tmp_path / f"orders.{'csv' if writer is write_csv else 'xlsx'}", rows)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("amounts, code, expected", [
    (["1.250 TL", "99,90 TL"], "TRY", ["1250", "99.90"]),                 # Turkish lira, decimal comma
    (["TL 1.250,50", "12,00 TL"], "TRY", ["1250.50", "12.00"]),
    (["1.500 Türk lirası", "7,5 Türk lirası"], "TRY", ["1500", "7.5"]),   # CLDR's Turkish name
    (["150.000 đ", "150.000₫", "75.000 đồng"], "VND", ["150000", "150000", "75000"]),   # no minor unit
    (["1,500 บาท", "250.50 บาท"], "THB", ["1500", "250.50"]),             # CLDR's Thai name, decimal point
    (["1 250,50 zł", "99,00 zł"], "PLN", ["1250.50", "99.00"]),
    (["1 250,50 Kč", "10 Kč"], "CZK", ["1250.50", "10"]),
    (["12 500 Ft", "990,50 Ft"], "HUF", ["12500", "990.50"]),
    (["1 500 лв.", "20,50 лв"], "BGN", ["1500", "20.50"]),                # the lev, before the euro
    (["1 500 грн", "20,50 грн."], "UAH", ["1500", "20.50"]),
    (["1 500 ₸", "2 000,50 тенге"], "KZT", ["1500", "2000.50"]),
    (["1 500 сом", "20,50 сом"], "KGS", ["1500", "20.50"]),
])
def test_an_amount_with_a_local_currency_word_is_stored_in_that_currency(admin, tmp_path, writer, amounts,
                                                                         code, expected):
    result = import_file(admin, _file(tmp_path, amounts, writer), kind="orders")
    assert result.rejected == 0
    got = _orders(admin)
    assert [got[f"N-{i + 1}"] for i in range(len(amounts))] == [(Decimal(e), code) for e in expected]


@pytest.mark.parametrize("amounts", [["1 500 руб.", "250,50 руб."], ["1500 руб", "99 р."], ["1500 рублей", "2 руб."]])
def test_roubles_are_the_stores_when_the_store_keeps_roubles(admin, tmp_path, amounts):
    settings.set_store_currency(admin, "RUB")
    result = import_file(admin, _file(tmp_path, amounts), kind="orders")
    assert {c for _a, c in _orders(admin).values()} == {"RUB"} and result.rejected == 0
    assert any(i["what"].startswith("currency of ") and i["decided"] == "RUB" for i in result.inferences)


def test_roubles_in_a_store_of_another_currency_stop_naming_the_column_examples_and_the_option(admin, tmp_path):
    path = _file(tmp_path, ["1 500 руб.", "250,50 руб."])
    for dry_run in (True, False):
        with pytest.raises(AmbiguousCurrency) as stop:
            import_file(admin, path, kind="orders", dry_run=dry_run)
        message = str(stop.value)
        assert "column 'Amount'" in message and "'1 500 руб.'" in message
        assert "RUB" in message and "BYN" in message and "--currency" in message
    assert _orders(admin) == {}
    import_file(admin, path, kind="orders", currency="BYN")        # Belarus writes руб. too
    assert _orders(admin) == {"N-1": (Decimal("1500"), "BYN"), "N-2": (Decimal("250.50"), "BYN")}


def test_a_rows_currency_column_settles_its_own_roubles(admin, tmp_path):
    rows = [HEAD + ["Currency"], ["R-1", "2026-03-01", "Test Ltd", "1 500 руб.", "RUB"],
            ["R-2", "2026-03-02", "Test Ltd", "2 000,50 руб.", "BYN"]]
    import_file(admin, write_csv(tmp_path / "o.csv", rows), kind="orders")
    assert _orders(admin) == {"R-1": (Decimal("1500"), "RUB"), "R-2": (Decimal("2000.50"), "BYN")}


def test_lei_are_romanian_or_moldovan_and_are_asked_about(admin, tmp_path):
    path = _file(tmp_path, ["1.250,00 lei", "99,90 lei"])
    with pytest.raises(AmbiguousCurrency, match=r"'1\.250,00 lei'.*") as stop:
        import_file(admin, path, kind="orders")
    assert "RON" in str(stop.value) and "MDL" in str(stop.value)
    import_file(admin, path, kind="orders", currency="MDL")
    assert _orders(admin) == {"N-1": (Decimal("1250.00"), "MDL"), "N-2": (Decimal("99.90"), "MDL")}


@pytest.mark.parametrize("amounts, code, expected", [
    (["1.250 TL", "2.500 TL"], "TRY", ["1250", "2500"]),           # Türkiye writes a decimal comma
    (["1.250 Kč", "2.500 Kč"], "CZK", ["1250", "2500"]),
    (["฿1,500", "2,500 บาท"], "THB", ["1500", "2500"]),             # Thailand a decimal point
    (["£1,500", "£12,000"], "GBP", ["1500", "12000"]),
])
def test_a_column_of_amounts_that_read_two_ways_takes_the_mark_of_the_currencys_home(
        admin, tmp_path, amounts, code, expected):
    result = import_file(admin, _file(tmp_path, amounts), kind="orders")
    assert [_orders(admin)[f"N-{i + 1}"] for i in range(2)] == [(Decimal(e), code) for e in expected]
    said = next(i for i in result.inferences if i["what"] == "decimal mark in 'Amount'")
    assert code in said["evidence"] and "legal tender" in said["evidence"]


def test_currency_names_the_roubles_and_so_their_decimal_comma(admin, tmp_path):
    path = _file(tmp_path, ["1.500 руб.", "2.000 руб."])
    with pytest.raises(ImportRefused):
        import_file(admin, path, kind="orders")
    result = import_file(admin, path, kind="orders", currency="RUB")
    assert _orders(admin) == {"N-1": (Decimal("1500"), "RUB"), "N-2": (Decimal("2000"), "RUB")}
    said = next(i for i in result.inferences if i["what"] == "decimal mark in 'Amount'")
    assert "--currency RUB" in said["evidence"]


def test_currency_does_not_settle_the_mark_of_bare_numbers(admin, tmp_path):
    path = _file(tmp_path, ["1.500 руб.", "2.000"])
    with pytest.raises(ImportRefused, match="--decimal"):
        import_file(admin, path, kind="orders", currency="RUB")
    assert _orders(admin) == {}


def test_the_currencys_home_does_not_overrule_the_files_other_columns(admin, tmp_path):
    rows = [HEAD + ["Profit"], ["N-1", "2026-03-01", "Test Ltd", "1.250 TL", "12.50"],
            ["N-2", "2026-03-02", "Test Ltd", "2.500 TL", "9.99"]]     # the profit's decimal point
    with pytest.raises(ImportRefused, match="--decimal") as stop:
        import_file(admin, write_csv(tmp_path / "o.csv", rows), kind="orders")
    assert "'1.250 TL'" in str(stop.value) and _orders(admin) == {}


def test_a_place_whose_languages_disagree_decides_nothing(admin, tmp_path):
    path = _file(tmp_path, ["CHF 1.250", "CHF 2.500"])        # de_CH writes ".", fr_CH ","
    with pytest.raises(ImportRefused, match="--decimal"):
        import_file(admin, path, kind="orders")
    assert _orders(admin) == {}


@pytest.mark.parametrize("word, codes", [
    ("TL", {"TRY"}), ("руб.", {"RUB", "BYN"}), ("р.", {"RUB", "BYN"}), ("đ", {"VND"}), ("грн", {"UAH"}),
    ("lei", {"RON", "MDL"}), ("бат", None), ("บาท", {"THB"}), ("российских рублей", {"RUB"}),
])
def test_the_table_knows_the_words_and_which_are_shared(word, codes):
    got = money._table().candidates.get(money._key(word))
    assert (set(got) if got else None) == codes
