"""A bare amount ("500.00") in a file that names currencies is never put in the store's
currency (CNY) unless that is the only currency the file names (cur20b, issue 14). Where
the file names several currencies (in its amounts' signs or codes, in a Currency column,
or by a row's country reading a shared sign), its bare amounts stop the import before
anything is written, naming the column, examples of the bare and of the named amounts,
and --currency CODE, which then imports the file (amounts naming their own currency keep
it). A file naming no currency keeps the store's currency, except where the language its
writer used (its encoding, headings, dates' calendar; not its customers' names) says it
comes from a country using another one (a Japanese file in a CNY store): then it stops,
naming --currency JPY and --currency CNY."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file

from table_files import orders_by_number as _orders, write_csv, write_xlsx

HEAD = ["Order No", "Customer", "Order Date", "Amount"]
WRITERS = pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])


def _file(tmp_path, writer, rows, head=HEAD, name="orders"):
    path = tmp_path / f"{name}.{'csv' if writer is write_csv else 'xlsx'}"
    return writer(path, [head] + [list(r) for r in rows])


def _stops(session, path, **kw) -> str:
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(session, path, kind="orders", dry_run=dry, **kw)
    assert _orders(session) == {}
    return str(stop.value)


@WRITERS
@pytest.mark.parametrize("first, other, codes, given", [
    ("$1,200.00", "300.00 EUR", {"G1": "USD", "G3": "EUR"}, "GBP"),
    ("€1,200.00", "£300.00", {"G1": "EUR", "G3": "GBP"}, "USD"),
    ("USD 1,200.00", "CHF 300.00", {"G1": "USD", "G3": "CHF"}, "JPY"),
    ("1,200.00 CNY", "$300.00", {"G1": "CNY", "G3": "USD"}, "EUR"),     # the store's currency is one of them
], ids=["dollar-euro", "euro-pound", "codes", "store-and-dollar"])
def test_a_bare_amount_beside_amounts_in_two_currencies_stops_until_the_option_says_which(
        admin, tmp_path, writer, first, other, codes, given):
    f = _file(tmp_path, writer, [("G1", "Maple Inc", "2024-03-05", first), ("G2", "Maple Inc", "2024-03-06", "500.00"),
                                 ("G3", "Euro GmbH", "2024-03-07", other)])
    said = _stops(admin, f)
    assert "'Amount'" in said and "'500.00'" in said and "row 3" in said
    assert f"'{first}'" in said and f"'{other}'" in said
    assert "--currency" in said and "Nothing was imported" in said
    result = import_file(admin, f, kind="orders", currency=given)
    assert _orders(admin) == {"G1": (Decimal("1200"), codes["G1"]), "G2": (Decimal("500"), given),
                              "G3": (Decimal("300"), codes["G3"])}
    assert result.currency_defaulted == {}


@WRITERS
def test_a_blank_currency_cell_beside_dollar_and_euro_rows_stops_and_the_option_settles_it(admin, tmp_path, writer):
    f = _file(tmp_path, writer, [("F1", "Maple Inc", "2024-03-05", "$1,200.00", ""),
                                 ("F2", "Maple Inc", "2024-03-06", "500.00", ""),
                                 ("F3", "Euro GmbH", "2024-03-07", "300.00", "EUR")],
              head=HEAD + ["Currency"])
    said = _stops(admin, f)
    assert "'500.00'" in said and "'$1,200.00'" in said and "EUR" in said and "--currency" in said
    import_file(admin, f, kind="orders", currency="USD")
    assert _orders(admin) == {"F1": (Decimal("1200"), "USD"), "F2": (Decimal("500"), "USD"),
                              "F3": (Decimal("300"), "EUR")}


def test_a_currency_column_naming_two_codes_stops_a_row_that_gives_none(admin, tmp_path):
    f = _file(tmp_path, write_xlsx, [("K1", "Kim", "2024-03-05", 1200, "KRW"), ("K2", "Kim", "2024-03-06", 800, None),
                                     ("K3", "Lee", "2024-03-07", 30, "USD")], head=HEAD + ["Currency"])
    said = _stops(admin, f)
    assert "KRW" in said and "USD" in said and "'800'" in said
    import_file(admin, f, kind="orders", currency="KRW")
    assert {n: c for n, (_, c) in _orders(admin).items()} == {"K1": "KRW", "K2": "KRW", "K3": "USD"}


@WRITERS
def test_rupees_read_by_two_countries_and_a_bare_amount_without_a_country_stop(admin, tmp_path, writer):
    f = _file(tmp_path, writer, [("P1", "Lahore Traders", "2024-03-05", "Rs. 1,200.00", "Pakistan"),
                                 ("P2", "Lahore Traders", "2024-03-06", "1,500.00", "Pakistan"),
                                 ("P3", "Mumbai Pvt Ltd", "2024-03-07", "Rs 800", "India"),
                                 ("P4", "Mumbai Pvt Ltd", "2024-03-08", "900", "India"),
                                 ("P5", "Colombo", "2024-03-09", "950", "")], head=HEAD + ["Country"])
    said = _stops(admin, f)
    assert "PKR" in said and "INR" in said and "'950'" in said and "--currency" in said
    import_file(admin, f, kind="orders", currency="LKR")
    assert _orders(admin) == {"P1": (Decimal("1200"), "PKR"), "P2": (Decimal("1500"), "PKR"),
                              "P3": (Decimal("800"), "INR"), "P4": (Decimal("900"), "INR"),
                              "P5": (Decimal("950"), "LKR")}
    # rupees of one country: the bare amount beside them is in theirs, as before
    g = _file(tmp_path, writer, [("Q1", "Lahore Traders", "2024-03-05", "Rs. 1,200.00", "Pakistan"),
                                 ("Q2", "Karachi Traders", "2024-03-06", "1,500.00", ""),
                                 ("Q3", "Lahore Traders", "2024-03-07", "Rs 800", "Pakistan")],
              head=HEAD + ["Country"], name="pakistan")
    import_file(admin, g, kind="orders")
    assert {n: c for n, (_, c) in _orders(admin).items() if n[0] == "Q"} == {"Q1": "PKR", "Q2": "PKR", "Q3": "PKR"}


@WRITERS
@pytest.mark.parametrize("head, names, home, language", [
    (["注文番号", "顧客名", "注文日", "金額"], ["ヤマダ タロウ", "サトウ ハナコ", "スズキ イチロウ"], "JPY", "Japanese"),
    (["주문번호", "고객명", "주문일", "금액"], ["김민준", "이서연", "박지호"], "KRW", "Korean"),
], ids=["japanese", "korean"])
def test_bare_amounts_in_a_file_written_in_another_countrys_language_stop_naming_both_currencies(
        admin, tmp_path, writer, head, names, home, language):
    f = _file(tmp_path, writer, [(f"J{i}", name, f"2024-03-0{i}", amount)
                                 for i, (name, amount) in enumerate(zip(names, ["120000", "3500", "800"]), 1)],
              head=head)
    said = _stops(admin, f)
    assert f"'{head[3]}'" in said and "'120000'" in said and language in said
    assert f"--currency {home}" in said and "--currency CNY" in said
    import_file(admin, f, kind="orders", currency=home)
    assert {c for _, c in _orders(admin).values()} == {home}
    # a Chinese file in the yuan store keeps the store's currency, said; a heading naming yen settles it
    c = _file(tmp_path, writer, [("C1", "北京科技有限公司", "2024-03-05", "1200"),
                                 ("C2", "上海贸易有限公司", "2024-03-06", "800")],
              head=["订单号", "客户", "订单日期", "金额"], name="chinese")
    assert import_file(admin, c, kind="orders").currency_defaulted == {"CNY": 2}
    # customers' names in that language under English headings say where the customers are, not the
    # currency of the books: the store's, said
    n = _file(tmp_path, writer, [("N1", names[0], "2024-03-05", "1200"), ("N2", names[1], "2024-03-06", "800")],
              name="names")
    assert import_file(admin, n, kind="orders").currency_defaulted == {"CNY": 2}
    y = _file(tmp_path, writer, [("Y1", "ヤマダ タロウ", "2024-03-05", "1200")],
              head=["注文番号", "顧客名", "注文日", "金額 (JPY)"], name="yen")
    import_file(admin, y, kind="orders")
    stored = _orders(admin)
    assert (stored["C1"][1], stored["C2"][1], stored["N1"][1], stored["Y1"]) == (
        "CNY", "CNY", "CNY", (Decimal("1200"), "JPY"))
