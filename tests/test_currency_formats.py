"""Amounts whose Excel number format shows a currency are stored in that currency
(ECMA-376 Part 1, 18.8.31 numFmts; the [$SYMBOL-LCID] form)."""

from __future__ import annotations

import pickle
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.domain import money
from cims_xl.importer import readers
from cims_xl.importer.cell_facts import format_currency
from cims_xl.importer.errors import AmbiguousCurrency
from cims_xl.importer.run import import_file
from cims_xl.services.records import list_records

FORMATS = [("E-1", 1234.5, "#,##0.00 [$€-407]", "EUR"),
           ("U-1", 99.25, "[$$-409]#,##0.00", "USD"),
           ("G-1", 10, '"£"#,##0.00', "GBP"),
           ("Y-1", 3000, "¥#,##0", None)]          # "¥" alone: the house rule (CNY, assumed)


def _orders_book(path, rows, header=("Order ID", "Order Date", "Customer Name", "Amount")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for r, (oid, amount, fmt, *rest) in enumerate(rows, start=2):
        ws.append([oid, "2024-03-05", "Wang Fang", amount, *rest])
        if fmt:
            ws.cell(row=r, column=4).number_format = fmt
    wb.save(path)
    return path


def _stored(admin) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"])
            for o in list_records(admin, "order")}


@pytest.mark.parametrize("code,expected", [
    ("#,##0.00 [$€-407]", ("€", ("EUR",))),
    ("[$$-409]#,##0.00", ("$", ("USD",))),
    ("[$$-1009]#,##0.00", ("$", ("CAD",))),
    ("[$$-C09]#,##0.00", ("$", ("AUD",))),
    ('"£"#,##0.00', ("£", ())),
    ("¥#,##0", ("¥", ())),
    ('#,##0.00\\ "元";[Red]-#,##0.00\\ "元"', ("元", ())),
    ('"CHF "#,##0.00', ("CHF", ())),
    ("[$kr-41D] #,##0", ("kr", ("SEK",))),
    ("#,##0.00", None), ("General", None), ("[$-409]d-mmm-yy", None), ('0 "kg"', None),
    ("0.00_);[Red](0.00)", None), ("0%", None),
])
def test_a_number_format_names_the_currency_it_shows(code, expected):
    assert format_currency(code) == expected


def test_a_locale_id_names_its_territorys_currency_through_cldr():
    assert money.currencies_of_lcid(0x409) == ("USD",)
    assert money.currencies_of_lcid(0x1009) == ("CAD",)
    assert money.currencies_of_lcid(0x0C09) == ("AUD",)
    assert money.currencies_of_lcid(0x804) == ("CNY",)
    assert money.currencies_of_lcid(0x7FFF) == ()


def test_a_shown_amount_is_read_with_its_currency_and_survives_a_trip_to_a_worker():
    shown = money.ShownAmount("1234.50", "$", ("CAD",))
    assert money.read_money(shown) == money.MoneyReading(Decimal("1234.50"), "CAD", "$", False)
    assert money.read_money(money.ShownAmount("5", "$")).assumed
    assert money.named_currency(shown) == "CAD" and money.named_currency(money.ShownAmount("5", "$")) is None
    back = pickle.loads(pickle.dumps(shown))
    assert (back, back.token, back.locale_currencies) == (shown, "$", ("CAD",))
    with pytest.raises(ValueError, match="DKK, NOK, SEK"):
        money.read_money(money.ShownAmount("5", "kr"))


def test_amounts_formatted_with_a_currency_are_stored_in_it(admin, tmp_path):
    path = _orders_book(tmp_path / "priced.xlsx", FORMATS)
    result = import_file(admin, path, kind="orders")
    assert result.created == 4 and result.rejected == 0
    stored = _stored(admin)
    assert stored["E-1"] == (Decimal("1234.5"), "EUR")
    assert stored["U-1"] == (Decimal("99.25"), "USD")
    assert stored["G-1"] == (Decimal("10"), "GBP")
    assert stored["Y-1"][1] == money.currency_of_token("¥")[0]
    assert result.currency_defaulted == {}
    assert any(i["what"] == "currency formats" and i["decided"].startswith("4 number(s)")
               for i in result.inferences)


def test_a_csv_of_the_same_numbers_takes_the_stores_currency(admin, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Order ID,Order Date,Customer Name,Amount\n"
                    + "".join(f"{oid},2024-03-05,Wang Fang,{amount}\n" for oid, amount, *_ in FORMATS),
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert result.currency_defaulted == {"CNY": 4}
    assert {c for _, c in _stored(admin).values()} == {"CNY"}


def test_a_bare_dollar_format_is_said_to_be_assumed_and_beside_a_cad_format_is_asked(admin, tmp_path):
    alone = _orders_book(tmp_path / "alone.xlsx", [("D-1", 5, "$#,##0.00"), ("D-2", 6, "$#,##0.00")])
    result = import_file(admin, alone, kind="orders", dry_run=True)
    assert result.currency_assumed and any("Assumed $ = USD in 2 row(s)" in n for n in result.currency_notes())
    with_cad = _orders_book(tmp_path / "cad.xlsx", [("D-1", 5, "$#,##0.00"), ("C-1", 6, "[$$-1009]#,##0.00")])
    with pytest.raises(AmbiguousCurrency, match=r"'\$5'.*also names CAD.*--currency"):
        import_file(admin, with_cad, kind="orders")       # another row's CAD does not make "$" CAD
    assert _stored(admin) == {}
    import_file(admin, with_cad, kind="orders", currency="CAD")
    assert _stored(admin) == {"D-1": (Decimal("5"), "CAD"), "C-1": (Decimal("6"), "CAD")}


def test_a_format_contradicting_the_currency_column_rejects_the_row_naming_both(admin, tmp_path):
    path = _orders_book(tmp_path / "both.xlsx",
                        [("OK-1", 7, "#,##0.00 [$€-407]", "EUR"), ("BAD-1", 8, "#,##0.00 [$€-407]", "USD"),
                         ("OK-2", 9, "[$$-409]#,##0.00", "usd")],
                        header=("Order ID", "Order Date", "Customer Name", "Amount", "Currency"))
    result = import_file(admin, path, kind="orders")
    assert result.rejected == 1
    problem = " ".join(str(o) for o in result.outcomes if "BAD-1" in str(o) or "EUR" in str(o))
    assert "the cell is formatted as euros (EUR) but the Currency column says USD" in problem
    assert _stored(admin) == {"OK-1": (Decimal("7"), "EUR"), "OK-2": (Decimal("9"), "USD")}


def test_the_streaming_reader_reads_the_currency_of_a_format_too(admin, tmp_path, monkeypatch):
    path = _orders_book(tmp_path / "big.xlsx", FORMATS)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    assert readers.open_sheet(path).streamed
    row = dict(readers.open_sheet(path).rows())[2]
    assert isinstance(row[3], money.ShownAmount) and row[3].token == "€"
    result = import_file(admin, path, kind="orders")
    assert result.created == 4
    stored = _stored(admin)
    assert stored["E-1"] == (Decimal("1234.5"), "EUR") and stored["U-1"] == (Decimal("99.25"), "USD")
    assert stored["G-1"] == (Decimal("10"), "GBP")


@pytest.mark.parametrize("fmt", ['"kr" #,##0.00', '#,##0.00 "kr"', '#,##0 "kr."', '"kr "#,##0.00;-"kr "#,##0.00'])
@pytest.mark.parametrize("code", ["SEK", "NOK", "DKK"])
def test_a_kr_shown_by_a_number_format_is_settled_by_currency_as_text_is(admin, tmp_path, fmt, code):
    path = _orders_book(tmp_path / "kr.xlsx", [("K-1", 75, fmt), ("K-2", 99.5, fmt)])
    with pytest.raises(AmbiguousCurrency, match="'Amount'.*DKK, (ISK, )?NOK, SEK.*--currency"):
        import_file(admin, path, kind="orders")
    assert _stored(admin) == {}
    result = import_file(admin, path, kind="orders", currency=code)
    assert result.created == 2 and result.rejected == 0
    assert _stored(admin) == {"K-1": (Decimal("75"), code), "K-2": (Decimal("99.5"), code)}


def test_a_currency_that_does_not_write_kr_does_not_settle_it(admin, tmp_path):
    path = _orders_book(tmp_path / "kr.xlsx", [("K-1", 75, '"kr" #,##0.00')])
    with pytest.raises(AmbiguousCurrency, match="'Amount'.*DKK, NOK, SEK"):
        import_file(admin, path, kind="orders", currency="EUR")
    assert _stored(admin) == {}
