"""A report table that grows or shrinks never writes over the user's cells under it:
`cims sync FILE reports` inserts (or deletes) whole sheet rows under the lowest report
table, as Excel's row insert/delete does, so a note, a formula and what points at them on
other sheets move with the report. A cell a table would still cover (under a short table,
above a longer one's end) stops the refresh before anything is written, naming it."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.excel.report_room import plan_room
from cims_xl.services import records

from test_sync_support import new_workbook

SALES, SERVICE = "Report - Sales", "Report - Service"


def _months(admin, cid, first_year: int, months: int) -> list[str]:
    ids = []
    for m in range(months):
        y, mo = divmod(m, 12)
        ids.append(records.create(admin, "order", {"customer_id": cid, "order_date": f"{first_year + y}-{mo + 1:02d}-15",
                                                   "amount": 10 + m})["id"])
    return ids


def _bottom(path, sheet) -> int:
    ws = openpyxl.load_workbook(path)[sheet]
    return max(range_boundaries(ref)[3] for _name, ref in ws.tables.items())


def _ref(path, sheet, table) -> tuple[int, int, int, int]:
    return range_boundaries(dict(openpyxl.load_workbook(path)[sheet].tables.items())[table])


def _book_with_reports(run, tmp_path):
    book = new_workbook(tmp_path / "r.xlsx")
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    return book


def _write_user_cells(book, sheet, row):
    """A note in A{row}, a formula in C{row + 1}, a sheet Mine pointing at both."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    ws[f"A{row}"] = "MY NOTE: below the table, keep me"
    ws[f"C{row + 1}"] = "=1+1"
    mine = wb["Mine"] if "Mine" in wb.sheetnames else wb.create_sheet("Mine")
    mine["A1"] = f"='{sheet}'!A{row}"
    mine["A2"] = f"='{sheet}'!C{row + 1}"
    wb.save(book)


@pytest.mark.parametrize("more", [5, 24])
def test_a_growing_sales_table_moves_the_users_note_and_formula_below_it(run, admin, tmp_path, more):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    _months(admin, cid, 2020, 6)
    book = _book_with_reports(run, tmp_path)
    bottom = _bottom(book, SALES)
    _write_user_cells(book, SALES, bottom + 3)
    _months(admin, cid, 2018, more)                      # earlier months: the month table grows
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    new_bottom = _bottom(book, SALES)
    assert new_bottom > bottom
    moved = bottom + 3 + (new_bottom - bottom)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    assert ws[f"A{moved}"].value == "MY NOTE: below the table, keep me"
    assert ws[f"C{moved + 1}"].value == "=1+1"
    assert wb["Mine"]["A1"].value == f"='{SALES}'!A{moved}"
    assert wb["Mine"]["A2"].value == f"='{SALES}'!C{moved + 1}"
    for r in range(bottom + 1, moved):                   # nothing of the user's left in the table's rows
        assert ws[f"A{r}"].value != "MY NOTE: below the table, keep me"


def test_a_shrinking_sales_table_brings_the_users_cells_up_with_it(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    _months(admin, cid, 2020, 6)
    old = _months(admin, cid, 2018, 12)
    book = _book_with_reports(run, tmp_path)
    bottom = _bottom(book, SALES)
    _write_user_cells(book, SALES, bottom + 2)
    for oid in old:
        records.delete(admin, oid)
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    new_bottom = _bottom(book, SALES)
    assert new_bottom < bottom
    wb = openpyxl.load_workbook(book)
    assert wb[SALES][f"A{new_bottom + 2}"].value == "MY NOTE: below the table, keep me"
    assert wb[SALES][f"C{new_bottom + 3}"].value == "=1+1"
    assert wb["Mine"]["A1"].value == f"='{SALES}'!A{new_bottom + 2}"


def test_a_cell_under_a_short_table_that_would_be_covered_stops_the_refresh_naming_it(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    _months(admin, cid, 2020, 24)                            # two years: the year table is short
    book = _book_with_reports(run, tmp_path)
    c1, _r1, _c2, year_end = _ref(book, SALES, "tblSalesByYear")
    col = openpyxl.utils.get_column_letter(c1)
    wb = openpyxl.load_workbook(book)
    wb[SALES][f"{col}{year_end + 1}"] = "my year note"
    wb.save(book)
    before = book.read_bytes()
    _months(admin, cid, 2016, 36)                            # three more years
    code, out, err = run("sync", str(book), "reports")
    assert code == 12, err + out
    assert f"{col}{year_end + 1}" in err + out and SALES in err + out
    assert book.read_bytes() == before                       # nothing written
    # moved away (below every table), the refresh goes through and keeps it
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    ws[f"{col}{year_end + 1}"] = None
    far = _bottom(book, SALES) + 2
    ws[f"{col}{far}"] = "my year note"
    wb.save(book)
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    ws = openpyxl.load_workbook(book)[SALES]
    assert [ws.cell(r, c1).value for r in range(1, ws.max_row + 1)].count("my year note") == 1
    assert ws.cell(_bottom(book, SALES) + 2, c1).value == "my year note"


def test_a_growing_service_table_moves_the_users_cells_too(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    for m in range(3):
        records.create(admin, "ticket", {"customer_id": cid, "subject": f"Frage {m}",
                                         "opened_at": f"2024-0{m + 1}-10 09:00"})
    book = _book_with_reports(run, tmp_path)
    bottom = _bottom(book, SERVICE)
    _write_user_cells(book, SERVICE, bottom + 1)
    for m in range(12):
        records.create(admin, "ticket", {"customer_id": cid, "subject": f"Alt {m}", "opened_at": f"2022-{m + 1:02d}-10 09:00"})
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    new_bottom = _bottom(book, SERVICE)
    assert new_bottom > bottom
    wb = openpyxl.load_workbook(book)
    assert wb[SERVICE][f"A{new_bottom + 1}"].value == "MY NOTE: below the table, keep me"
    assert wb["Mine"]["A2"].value == f"='{SERVICE}'!C{new_bottom + 2}"


@pytest.mark.parametrize("cells, old, new, change, way", [
    ([(100, 1)], [(1, 31, 5, 97)], [(1, 31, 5, 121)], (98, 24), ()),          # note below: rows inserted
    ([(100, 1)], [(1, 31, 5, 97)], [(1, 31, 5, 60)], (61, -37), ()),          # freed rows deleted
    ([(100, 1), (70, 7)], [(1, 31, 5, 97)], [(1, 31, 5, 60)], None, ()),       # a cell beside the freed rows: kept
    ([(40, 8)], [(1, 31, 5, 97), (8, 31, 13, 38)], [(1, 31, 5, 97), (8, 31, 13, 42)], None, ("H40",)),
    ([(40, 6)], [(1, 31, 5, 97)], [(1, 31, 5, 121)], None, ()),                # in the gap column: untouched
    ([(31, 6)], [(1, 31, 5, 97)], [(1, 31, 6, 97)], None, ("F31",)),           # a new column over a user cell
    ([(50, 2)], [(1, 31, 5, 97)], [(1, 31, 5, 97)], None, ()),                 # inside the old table: ours
])
def test_the_room_rule_inserts_or_deletes_rows_only_for_user_cells_and_names_those_in_the_way(
        cells, old, new, change, way):
    room = plan_room("S", old, new, cells)
    assert (None if room.change is None else (room.change.at, room.change.n)) == change
    assert room.in_the_way == way


def test_the_live_writer_refuses_by_the_same_rule_before_writing_anything():
    import fake_xlwings_sheet as fake
    from cims_xl.excel.report_room import ReportCellsInTheWay
    from cims_xl.excel.report_writer_live import XlwingsWriter
    from cims_xl.reports.sheets import TablePlan

    sheet = fake.Sheet(SALES, {(31, 8): "Year", (38, 8): "Total", (40, 8): "my year note", (1, 1): "Sales report",
                               (31, 1): "Month", (97, 1): "Total"})
    sheet.tables.append(fake.Table(sheet, "tblSalesByYear", 31, 8, 38, 13))
    sheet.tables.append(fake.Table(sheet, "tblSalesByMonth", 31, 1, 97, 5))    # the longer table
    before = dict(sheet.cells)

    class Book:
        sheets = {SALES: sheet}

    grown = TablePlan("tblSalesByYear", "By year", None, 29, 31, 8, ("Year", "Sales"),
                      tuple((2014 + i, 1.0) for i in range(10)), (None, None), (("label", "Total"), ("sum", None)),
                      None)
    plan = type("Plan", (), {"sheet": SALES, "tables": (grown,)})()
    with pytest.raises(ReportCellsInTheWay, match="H40"):
        XlwingsWriter(Book()).make_room([plan])
    assert sheet.cells == before


def _total_cells(path, sheet, table):
    """The table's Total row cells by column letter (its last row)."""
    from openpyxl.utils import get_column_letter

    c1, _r1, c2, r2 = _ref(path, sheet, table)
    return r2, [get_column_letter(c) for c in range(c1, c2 + 1)]


@pytest.mark.parametrize("change", ["grow", "shrink"])
@pytest.mark.parametrize("where", ["below", "other sheet", "both"])
def test_a_formula_reading_a_report_tables_total_by_address_reads_the_total_after_it_moves(
        run, admin, tmp_path, change, where):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    _months(admin, cid, 2020, 6)
    early = _months(admin, cid, 2018, 6) if change == "shrink" else []
    book = _book_with_reports(run, tmp_path)
    table = "tblSalesByMonth"
    total_row, cols = _total_cells(book, SALES, table)
    wb = openpyxl.load_workbook(book)
    last = next(c for c in cols if str(wb[SALES][f"{c}{total_row}"].value).startswith("=SUBTOTAL(109"))
    if where in ("below", "both"):
        wb[SALES][f"A{_bottom(book, SALES) + 3}"] = f"={last}{total_row}*2"
    mine = wb.create_sheet("Mine")
    if where in ("other sheet", "both"):
        mine["B2"] = f"='{SALES}'!{last}{total_row}+'{SALES}'!${cols[0]}${total_row}"
    mine["B3"] = f"='{SALES}'!{last}{total_row - 1}"         # a data cell: moves only with rows
    wb.save(book)
    if change == "grow":
        _months(admin, cid, 2017, 6)
    else:
        for oid in early:
            records.delete(admin, oid)
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    new_row, new_cols = _total_cells(book, SALES, table)
    assert new_cols == cols and new_row != total_row
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    assert str(ws[f"{last}{new_row}"].value).startswith("=SUBTOTAL(109")       # the Total is there
    if where in ("below", "both"):
        found = [c.value for row in ws.iter_rows(min_row=new_row + 1) for c in row if isinstance(c.value, str)
                 and c.value.endswith("*2")]
        assert found == [f"={last}{new_row}*2"]
    if where in ("other sheet", "both"):
        assert wb["Mine"]["B2"].value == f"='{SALES}'!{last}{new_row}+'{SALES}'!${cols[0]}${new_row}"
    if change == "grow":                                      # a data row above the insert stays
        assert wb["Mine"]["B3"].value == f"='{SALES}'!{last}{total_row - 1}"
