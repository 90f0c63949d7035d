"""Money on the data sheets (Orders, Opportunities) is shown with its row's currency's
decimals, never fewer than the store keeps, and the money columns are wide enough for
the widest amount they hold: read back from the workbook's parts (number formats,
column widths) and as LibreOffice shows the cells. Real encrypted stores."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest

import render_check as rc
from cims_xl.domain.money import minor_units
from cims_xl.excel import sync
from cims_xl.excel.layout import BY_SHEET
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "money.xlsx")


def _customer(admin) -> str:
    return records.create(admin, "customer", {"name": "Salma Haddad"})["id"]


def _order(admin, cid: str, amount: str, currency: str, **more) -> str:
    return records.create(admin, "order", {"customer_id": cid, "order_date": "2024-03-04", "amount": Decimal(amount),
                                           "currency": currency, **more})["id"]


def _decimals(fmt: str) -> tuple[int, int]:
    """(fewest, most) decimal places an Excel number format shows: "#,##0.000#" -> (3, 4)."""
    m = re.fullmatch(r"[#,0]+(?:\.([0#]+))?", fmt)
    assert m, f"not a plain number format: {fmt!r}"
    tail = m.group(1) or ""
    return tail.count("0"), len(tail)


def _shown(value: Decimal, fmt: str) -> str:
    """What a plain "#,##0.00##" format shows of `value` (the digits after the point
    that the format allows, trailing optional zeros dropped)."""
    fewest, most = _decimals(fmt)
    text = format(value.quantize(Decimal(1).scaleb(-most)), f",.{most}f")
    if most > fewest:
        head, tail = text.split(".")
        tail = tail[:fewest] + tail[fewest:].rstrip("0")
        text = head + ("." + tail if tail else "")
    return text


@pytest.mark.parametrize("amount, currency", [
    ("1.235", "BHD"), ("2.0005", "KWD"), ("0.005", "BHD"), ("1507", "JPY"), ("12.3456", "USD"),
    ("0.0001", "CNY"), ("3.1416", "CLF"), ("990.505", "HUF"), ("1200", "KRW"), ("7.1", "OMR"),
])
def test_an_order_amount_on_the_orders_sheet_shows_every_stored_digit_in_its_currencys_decimals(
        admin, book, amount, currency):
    cid = _customer(admin)
    oid = _order(admin, cid, amount, currency, profit=Decimal(amount))
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    stored = Decimal(str(records.get(admin, oid)["amount"]))
    row = row_of(book, oid, "Orders")
    for header in ("Amount", "Profit"):
        fmt = row["@cell"][header].number_format
        fewest, most = _decimals(fmt)
        assert fewest == minor_units(currency), (header, fmt)
        assert most >= max(0, -stored.normalize().as_tuple().exponent), (header, fmt)
        assert Decimal(_shown(stored, fmt).replace(",", "")) == stored


def test_an_opportunity_of_half_a_fils_shows_0_005_not_0_01(admin, book):
    cid = _customer(admin)
    op = records.create(admin, "opportunity", {"customer_id": cid, "name": "Fit-out", "amount": Decimal("0.005"),
                                               "currency": "BHD"})["id"]
    sync.sync_file(admin, book, "refresh", sheets=["Opportunities"])
    fmt = row_of(book, op, "Opportunities")["@cell"]["Amount"].number_format
    assert _shown(Decimal("0.005"), fmt) == "0.005"


def test_a_currency_changed_in_the_store_changes_the_amounts_format_on_the_next_refresh(admin, book):
    cid = _customer(admin)
    oid = _order(admin, cid, "1507", "JPY")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    assert _decimals(row_of(book, oid, "Orders")["@cell"]["Amount"].number_format) == (0, 0)
    records.update(admin, oid, {"currency": "BHD", "amount": Decimal("1.2345")})
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    fmt = row_of(book, oid, "Orders")["@cell"]["Amount"].number_format
    assert _shown(Decimal("1.2345"), fmt) == "1.2345" and _decimals(fmt)[0] == 3


def test_a_row_typed_and_saved_in_kuwaiti_dinars_gets_their_three_decimals(admin, book):
    cid = _customer(admin)
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": cid, "Order Date": "2024-05-06", "Amount": 2.0005, "Currency": "KWD"})
    sync.sync_file(admin, book, "save", sheets=["Orders"])
    oid = records.list_records(admin, "order")[0]["id"]
    fmt = row_of(book, oid, "Orders")["@cell"]["Amount"].number_format
    assert _decimals(fmt)[0] == 3 and _shown(Decimal("2.0005"), fmt) == "2.0005"


def test_a_money_format_the_user_chose_is_kept_by_refresh_while_the_other_rows_follow_their_currency(
        admin, book):
    cid = _customer(admin)
    oid = _order(admin, cid, "12.5", "USD")
    other = _order(admin, cid, "1.235", "BHD")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.cell(oid, "Amount").number_format = '"US$ "#,##0.00;[Red]-"US$ "#,##0.00'
    records.update(admin, oid, {"amount": Decimal("13.75")})
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    cell = row_of(book, oid, "Orders")["@cell"]["Amount"]
    assert cell.value == 13.75 and cell.number_format.startswith('"US$ "')
    assert _shown(Decimal("1.235"), row_of(book, other, "Orders")["@cell"]["Amount"].number_format) == "1.235"


def _width(path, sheet: str, header: str) -> float:
    ws = openpyxl.load_workbook(path)[sheet]
    lay = BY_SHEET[sheet]
    table = ws.tables[lay.table]
    c1 = openpyxl.utils.cell.range_boundaries(table.ref)[0]
    headers = [ws.cell(1, c).value for c in range(c1, c1 + len(lay.headers))]
    letter = openpyxl.utils.get_column_letter(c1 + headers.index(header))
    return ws.column_dimensions[letter].width


def test_refresh_widens_the_amount_column_for_the_largest_amount_and_keeps_a_wider_width_the_user_set(
        admin, book):
    cid = _customer(admin)
    _order(admin, cid, "9999999999999.99", "USD")
    _order(admin, cid, "99999999999.9999", "BHD", profit=Decimal("-99999999999.9999"))
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    assert _width(book, "Orders", "Amount") >= len("9,999,999,999,999.99") + 2
    assert _width(book, "Orders", "Profit") >= len("-99,999,999,999.9999") + 2
    with Editor(book, "Orders") as ed:
        col = [c.column_letter for c in ed.ws[1] if c.value == "Amount"][0]
        ed.ws.column_dimensions[col].width = 40
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    assert _width(book, "Orders", "Amount") == 40


def test_libreoffice_shows_each_amount_as_stored_and_no_hashes_on_the_orders_sheet(admin, book, tmp_path):
    cid = _customer(admin)
    # (LibreOffice itself shows 9999999999999.99 as 10,000,000,000,000.00 in any format
    # with decimals, so the widest amount here is one it shows right.)
    wanted = {"1.235": "BHD", "2.0005": "KWD", "1507": "JPY", "1234567890123.45": "USD", "0.001": "CNY"}
    for amount, currency in wanted.items():
        _order(admin, cid, amount, currency)
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    ods = rc.convert(book, "ods", tmp_path / "ods", tmp_path / "profile")
    sheet = next(s for s in rc.read_ods(ods) if s.name == "Orders")
    header = {cell.text: c for (r, c), cell in sheet.cells.items() if r == 1}
    shown = {cell.text for (r, c), cell in sheet.cells.items() if c == header["Amount"] and r > 1}
    assert shown == {"1.235", "2.0005", "1,507", "1,234,567,890,123.45", "0.001"}
    assert not [p for p in rc.problems(sheet, pages=False) if p.kind == "###"]



def test_the_live_excel_sheet_gives_each_amount_its_rows_currency_format_and_keeps_a_users_own():
    import fake_xlwings_sheet as fake
    from cims_xl.excel.adapter import LiveSheet

    layout = BY_SHEET["Orders"]
    col = {h: i + 1 for i, h in enumerate(layout.headers)}
    cells = {(1, i): h for h, i in col.items()}
    rows = [("1.235", "BHD"), ("1507", "JPY"), ("1200", "JPY"), ("12.5", "USD"), ("2.0005", "kwd")]
    for r, (amount, currency) in enumerate(rows, 2):
        cells[(r, col["Amount"])], cells[(r, col["Currency"])] = float(amount), currency
    sheet = fake.Sheet("Orders", cells)
    sheet.tables.append(fake.Table(sheet, "tblOrders", 1, 1, 1 + len(rows), len(layout.headers)))
    users = '"US$ "#,##0.00'
    sheet.formats[(5, col["Amount"])] = users
    for r in range(2, 2 + len(rows)):
        sheet.formats.setdefault((r, col["Amount"]), "#,##0.00")
    LiveSheet(object(), sheet, layout).show_money()
    got = {r: sheet.formats[(r, col["Amount"])] for r in range(2, 2 + len(rows))}
    assert _shown(Decimal("1.235"), got[2]) == "1.235"
    assert _shown(Decimal("1507"), got[3]) == "1,507" and _shown(Decimal("1200"), got[4]) == "1,200"
    assert got[5] == users
    assert _shown(Decimal("2.0005"), got[6]) == "2.0005" and _decimals(got[6])[0] == 3
    assert _decimals(sheet.formats[(2, col["Profit"])])[0] == 3      # a blank Profit is ready for its currency
