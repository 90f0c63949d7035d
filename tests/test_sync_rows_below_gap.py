"""Rows typed under a data table after an empty row or two are saved as the rows typed
right under it are (the table takes them in, each gets a Status); text written further
down (a note), a line of formulas and another table below are not records."""
from __future__ import annotations

import json

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.table import Table

from cims_xl.excel.adapter import FORMULA_CELL, FileWorkbook, rows_typed_below
from cims_xl.excel.layout import BY_SHEET
from cims_xl.services import records

from render_check import SOFFICE, convert
from test_sync_support import new_workbook
import fake_xlwings_sheet as fake


def _refreshed(run, tmp_path, name="shop.xlsx"):
    book = new_workbook(tmp_path / name)
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    return book


def _type_at(path, sheet: str, gap: int, rows: list[dict], *, note: tuple[int, str] | None = None) -> int:
    """Type rows under the table after `gap` empty rows; returns the first typed sheet row.
    `note`: (rows below the table's end, text) written in column B as well."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[BY_SHEET[sheet].table].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    first = r2 + 1 + gap
    for i, values in enumerate(rows):
        for header, value in values.items():
            ws.cell(first + i, c1 + headers.index(header)).value = value
    if note is not None:
        ws.cell(r2 + note[0], 2).value = note[1]
    wb.save(path)
    return first


def _body(path, sheet: str = "Customers") -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[BY_SHEET[sheet].table].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    return [{h: ws.cell(r, c1 + i).value for i, h in enumerate(headers)} | {"@row": r}
            for r in range(r1 + 1, r2 + 1)]


@pytest.mark.parametrize("gap", [1, 2])
def test_rows_typed_after_empty_rows_under_the_table_are_saved_with_a_status(run, admin, tmp_path, gap):
    records.create(admin, "customer", {"name": "Existing Kunde"})
    book = _refreshed(run, tmp_path)
    first = _type_at(book, "Customers", gap, [{"Name": "Zofia Wójcik", "City": "Łódź"},
                                               {"Name": "山田 花子", "City": "札幌"}])
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert json.loads(out)["sheets"]["Customers"]["created"] == 2
    assert sorted(r["name"] for r in records.list_records(admin, "customer")) == \
        sorted(["Existing Kunde", "Zofia Wójcik", "山田 花子"])
    rows = {r["@row"]: r for r in _body(book)}
    assert rows[first]["Status"] == rows[first + 1]["Status"] == "Created"
    assert rows[first]["ID"].startswith("C-") and rows[first + 1]["ID"].startswith("C-")
    for r in range(first - gap, first):          # the empty rows stay empty, inside the table
        assert all(v is None for k, v in rows[r].items() if k != "@row")
    code, out, err = run("--format", "json", "sync", str(book), "save")       # nothing twice
    assert code == 0 and json.loads(out)["sheets"]["Customers"]["created"] == 0


def test_blocks_of_rows_separated_by_single_empty_rows_are_all_saved(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Olu Adeyemi"})["id"]
    book = _refreshed(run, tmp_path)
    first = _type_at(book, "Tickets", 1, [{"Customer ID": cid, "Subject": "Late delivery"}, {},
                                          {"Customer ID": cid, "Subject": "Wrong size"}])
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert sorted(t["subject"] for t in records.list_records(admin, "ticket")) == ["Late delivery", "Wrong size"]
    rows = {r["@row"]: r for r in _body(book, "Tickets")}
    assert rows[first]["Status"] == rows[first + 2]["Status"] == "Created"


def test_a_note_written_far_below_the_table_is_not_taken_as_a_record(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    _type_at(book, "Customers", 1, [{"Name": "Kofi Mensah"}], note=(28, "备注：周五前给客户回电话"))
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert [r["name"] for r in records.list_records(admin, "customer")] == ["Kofi Mensah"]
    ws = openpyxl.load_workbook(book)["Customers"]
    body_end = range_boundaries(ws.tables["tblCustomers"].ref)[3]
    notes = [c for c in ws["B"] if c.value == "备注：周五前给客户回电话"]
    assert len(notes) == 1 and notes[0].row > body_end       # left where it was, outside the table


def test_rows_after_a_gap_longer_than_two_rows_are_left_alone(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    _type_at(book, "Customers", 3, [{"Name": "Prepared by: Finance"}])
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert records.list_records(admin, "customer") == []


def test_a_total_line_of_formulas_after_an_empty_row_is_not_a_record(run, admin, tmp_path):
    book = _refreshed(run, tmp_path)
    _type_at(book, "Orders", 1, [{"Amount": "=SUBTOTAL(109,tblOrders[Amount])"}])
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    assert records.list_records(admin, "order") == []
    assert all(r["Amount"] is None for r in _body(book, "Orders"))


def test_another_table_under_the_data_table_is_never_taken_in(admin, tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    ws["B4"], ws["C4"] = "Region", "Target"
    ws["B5"], ws["C5"] = "North", 1000
    ws.add_table(Table(displayName="tblTargets", ref="B4:C5"))
    wb.save(book)
    sheet = FileWorkbook(book).table_sheet("Customers")
    assert sheet.last_row == 2


@pytest.mark.parametrize("cells, taken", [
    ([], 0),
    ([["x", None]], 1),                                   # right under the table
    ([[None, None], ["x", None]], 2),                     # one empty row, then a row
    ([[None, None], [None, None], ["x", None], ["y", None]], 4),
    ([[None, None], [None, None], [None, None], ["x", None]], 0),   # three empty rows: a note
    ([[None, FORMULA_CELL]], 0),                          # beside the fields only
    ([[FORMULA_CELL, None]], 0),                          # a total
    ([["x", None], [None, None], [FORMULA_CELL, None], ["y", None]], 1),
    ([["x", None], [None, None], ["y", None], [None, None], [None, None], [None, None], ["z", None]], 3),
])
def test_the_rule_takes_typed_blocks_after_at_most_two_empty_rows(cells, taken):
    assert rows_typed_below(lambda i: cells[i], [0], len(cells)) == taken


def test_the_live_sheet_takes_rows_typed_after_an_empty_row_by_the_same_rule():
    from cims_xl.excel.adapter import LiveSheet

    layout = BY_SHEET["Customers"]
    cells = {(1, i + 1): h for i, h in enumerate(layout.headers)}
    cells[(2, 2)] = "Ana"                       # the table's one row
    cells[(4, 2)] = "Bruno"                     # after one empty row
    cells[(5, 2)] = "Carla"
    cells[(12, 2)] = "a note"                   # far below
    sheet = fake.Sheet("Customers", cells)
    sheet.tables.append(fake.Table(sheet, "tblCustomers", 1, 1, 2, len(layout.headers)))
    live = LiveSheet(object(), sheet, layout)
    assert [r[1] for r in live.read().rows] == ["Ana", None, "Bruno", "Carla"]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_by_libreoffice_with_a_renamed_sheet_and_a_gap_loses_no_typed_row(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Chen Wei"})["id"]
    book = _refreshed(run, tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Tickets"].title = "工单"
    wb.save(book)
    _type_at(book, "Customers", 1, [{"Name": "Rahel Tesfaye"}, {"Name": "Søren Kierkegaard"}])
    wb = openpyxl.load_workbook(book)
    ws = wb["工单"]
    c1, r1, c2, r2 = range_boundaries(ws.tables["tblTickets"].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    ws.cell(r2 + 2, c1 + headers.index("Customer ID")).value = cid       # row r2+1 left empty
    ws.cell(r2 + 2, c1 + headers.index("Subject")).value = "发票抬头错了"
    wb.save(book)
    saved = convert(book, "xlsx", tmp_path / "lo", tmp_path / "profile")   # LibreOffice's own file
    code, out, err = run("--format", "json", "sync", str(saved), "save")
    assert code == 0, err
    sheets = json.loads(out)["sheets"]
    assert sheets["Customers"]["created"] == 2
    assert sheets["Tickets (sheet renamed 工单)"]["created"] == 1
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == \
        sorted(["Chen Wei", "Rahel Tesfaye", "Søren Kierkegaard"])
    assert [t["subject"] for t in records.list_records(admin, "ticket")] == ["发票抬头错了"]
    statuses = [v for v in _column_values(saved, "工单", "tblTickets", "Status") if v]
    assert statuses == ["Created"]


def _column_values(path, sheet: str, table: str, header: str) -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[table].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    return [ws.cell(r, c1 + headers.index(header)).value for r in range(r1 + 1, r2 + 1)]
