"""A row that looks like a record (values in two or more of the table's field columns)
typed further under a data table than Save takes in (more than two empty rows, or after
a total line) is never passed over silently: its Status cell says it was not saved and
why, the summary lists it among the rows not saved (exit 13), and once it is moved up
under the table it is saved. A note (one cell of text) or a total of formulas is still
left alone, without a word. The live Excel adapter follows the same rule."""
from __future__ import annotations

import json

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.errors import RowsNotSaved
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.layout import BY_SHEET
from cims_xl.services import records

from render_check import SOFFICE, convert
from test_sync_support import new_workbook
import fake_xlwings_sheet as fake

NOT_SAVED = RowsNotSaved.exit_code


def _refreshed(run, tmp_path, name="shop.xlsx"):
    book = new_workbook(tmp_path / name)
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    return book


def _geometry(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[BY_SHEET[sheet].table].ref)
    return c1, r1, c2, r2, [ws.cell(r1, c).value for c in range(c1, c2 + 1)]


def _type_at(path, sheet: str, row: int, values: dict) -> None:
    c1, _r1, _c2, _r2, headers = _geometry(path, sheet)
    wb = openpyxl.load_workbook(path)
    for header, value in values.items():
        wb[sheet].cell(row, c1 + headers.index(header)).value = value
    wb.save(path)


def _status_at(path, sheet: str, row: int):
    c1, _r1, _c2, _r2, headers = _geometry(path, sheet)
    return openpyxl.load_workbook(path)[sheet].cell(row, c1 + headers.index("Status")).value


@pytest.mark.parametrize("gap", [3, 7, 40])
@pytest.mark.parametrize("sheet, values, kind, key", [
    ("Customers", {"Name": "Zofia Wójcik", "City": "Łódź"}, "customer", "name"),
    ("Customers", {"Name": "山田 花子", "Email": "hanako@example.jp"}, "customer", "name"),
    ("Orders", {"Order No.": "SO-9001", "Amount": 125.5, "Currency": "EUR"}, "order", "order_no"),
])
def test_a_record_typed_far_below_the_table_is_told_not_saved_on_its_row_and_in_the_summary(
        run, admin, tmp_path, gap, sheet, values, kind, key):
    records.create(admin, "customer", {"name": "Existing Kunde"})
    book = _refreshed(run, tmp_path)
    end = _geometry(book, sheet)[3]
    row = end + gap + 1
    _type_at(book, sheet, row, values)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == NOT_SAVED, err
    result = json.loads(out)
    (line,) = result["not_saved"]
    assert line["sheet"] == sheet and line["row"] == row and line["id"] is None
    assert line["status"].startswith("Not saved") and BY_SHEET[sheet].table in line["status"]
    assert "Move it up" in line["status"]
    assert result["sheets"][sheet]["left_below"] == 1
    status = _status_at(book, sheet, row)
    assert status == line["status"]                                   # visible on the sheet
    assert _geometry(book, sheet)[3] == end                           # not taken in
    first_value = next(iter(values.values()))
    assert first_value not in [r.get(key) for r in records.list_records(admin, kind)]


def test_the_row_moved_up_under_the_table_is_saved_and_its_note_goes(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    end = _geometry(book, "Customers")[3]
    _type_at(book, "Customers", end + 6, {"Name": "Kofi Mensah", "City": "Accra"})
    code, _out, _err = run("sync", str(book), "save")
    assert code == NOT_SAVED
    wb = openpyxl.load_workbook(book)                  # the user moves the row up
    ws = wb["Customers"]
    ws.move_range(f"A{end + 6}:AZ{end + 6}", rows=-5)
    wb.save(book)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert json.loads(out)["not_saved"] == []
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Kofi Mensah"]
    assert _status_at(book, "Customers", end + 1) == "Created"


def test_a_note_left_by_an_earlier_save_is_cleared_when_the_row_no_longer_looks_like_a_record(
        run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    end = _geometry(book, "Customers")[3]
    _type_at(book, "Customers", end + 9, {"Name": "Ana Souza", "City": "Recife"})
    assert run("sync", str(book), "save")[0] == NOT_SAVED
    _type_at(book, "Customers", end + 9, {"Name": None, "City": None})    # the user deletes it
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert _status_at(book, "Customers", end + 9) is None


@pytest.mark.parametrize("cells", [
    {"Name": "备注：周五前给客户回电话"},                           # a note: one cell of text
    {"Name": "Prepared by: Finance"},
    {"Name": "=COUNTA(tblCustomers[Name])", "City": "=ROWS(tblCustomers)"},   # formulas only
])
def test_of_a_note_or_total_and_a_record_far_below_only_the_record_is_told(run, admin, tmp_path, cells):
    book = _refreshed(run, tmp_path)
    end = _geometry(book, "Customers")[3]
    _type_at(book, "Customers", end + 8, cells)
    _type_at(book, "Customers", end + 15, {"Name": "Olu Adeyemi", "Phone": "+234 802 123 4567"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == NOT_SAVED, err
    assert [r["row"] for r in json.loads(out)["not_saved"]] == [end + 15]
    assert _status_at(book, "Customers", end + 8) is None
    assert _status_at(book, "Customers", end + 15).startswith("Not saved: typed below")
    assert records.list_records(admin, "customer") == []


def test_a_record_after_a_total_line_under_the_table_is_told_too(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    end = _geometry(book, "Orders")[3]
    _type_at(book, "Orders", end + 1, {"Amount": "=SUBTOTAL(109,tblOrders[Amount])"})
    _type_at(book, "Orders", end + 2, {"Order No.": "SO-77", "Amount": 10, "Currency": "USD"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == NOT_SAVED, err
    assert [r["row"] for r in json.loads(out)["not_saved"]] == [end + 2]
    assert records.list_records(admin, "order") == []


def test_the_table_summary_lists_the_row_with_its_status(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    end = _geometry(book, "Customers")[3]
    _type_at(book, "Customers", end + 5, {"Name": "Søren Kierkegaard", "City": "København"})
    code, out, err = run("sync", str(book), "save")
    assert code == NOT_SAVED
    said = " ".join((out + err).split())
    assert "Rows not saved" in said and "Not saved: typed below" in said
    assert "1 row not saved (Customers 1)" in said


def test_the_live_sheet_tells_a_far_record_by_the_same_rule_and_writes_its_status_cell():
    from cims_xl.excel.adapter import LiveSheet
    from cims_xl.excel.sync import _note_rows_left_below

    layout = BY_SHEET["Customers"]
    col = {h: i + 1 for i, h in enumerate(layout.headers)}
    cells = {(1, i): h for h, i in col.items()}
    cells[(2, col["Name"])] = "Ana"                                        # the table's one row
    cells[(4, col["Name"])], cells[(4, col["City"])] = "Bruno", "Porto"   # after one empty row: taken
    cells[(9, col["Name"])], cells[(9, col["City"])] = "Carla", "Braga"   # four empty rows: told
    cells[(12, col["Name"])] = "a note"                                    # one cell: a note
    sheet = fake.Sheet("Customers", cells)
    sheet.tables.append(fake.Table(sheet, "tblCustomers", 1, 1, 2, len(layout.headers)))
    live = LiveSheet(object(), sheet, layout)
    assert [r[col["Name"] - 1] for r in live.read().rows] == ["Ana", None, "Bruno"]
    assert live.left_below == [9]
    assert _note_rows_left_below(live, None) == 1
    assert sheet.cells[(9, col["Status"])].startswith("Not saved: typed below the tblCustomers table")
    assert (12, col["Status"]) not in sheet.cells


def test_the_file_adapter_finds_every_record_left_below_however_far_and_skips_a_note(tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    c1, r1, c2, r2, headers = _geometry(book, "Customers")
    typed = {r2 + 1: {"Name": "A", "City": "x"}, r2 + 5: {"Name": "B", "City": "y"},
             r2 + 6: {"Name": "note only"}, r2 + 30: {"Email": "c@example.org", "Phone": "+44 20 7946 0000"}}
    for row, values in typed.items():
        _type_at(book, "Customers", row, values)
    file_sheet = FileWorkbook(book).table_sheet("Customers")
    assert file_sheet.left_below == [r2 + 5, r2 + 30]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_libreoffice_saved_workbook_with_a_record_far_below_tells_it_not_saved(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    end = _geometry(book, "Customers")[3]
    _type_at(book, "Customers", end + 1, {"Name": "Rahel Tesfaye"})
    _type_at(book, "Customers", end + 12, {"Name": "Chen Wei", "City": "上海"})
    saved = convert(book, "xlsx", tmp_path / "lo", tmp_path / "profile")   # LibreOffice's own file
    code, out, err = run("--format", "json", "sync", str(saved), "save")
    assert code == NOT_SAVED, err
    result = json.loads(out)
    assert result["sheets"]["Customers"]["created"] == 1
    assert [r["row"] for r in result["not_saved"]] == [end + 12]
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Rahel Tesfaye"]
    assert _status_at(saved, "Customers", end + 12).startswith("Not saved: typed below")
