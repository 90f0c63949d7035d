"""A data sheet whose sheet AND table were both renamed (Customers -> 客户, tblCustomers ->
Table1) is found by its table's header row (our column headings, the hidden columns)
and saved and refreshed; a table holding our hidden columns under headings nobody can
recognise stops Save and Refresh before anything is written, naming the table and what
to do; a data sheet deleted entirely is said in Save's summary too."""
from __future__ import annotations

import json

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.table import Table

from cims_xl.excel.adapter import FileWorkbook, LiveWorkbook
from cims_xl.excel.layout import locate_data_sheets
from cims_xl.services import records

from test_sync_support import new_workbook


def _rename(path, sheet: str, title: str, table: str, new_table: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    t = ws.tables[table]
    del ws.tables[table]
    t.displayName = t.name = new_table
    ws.tables.add(t)
    ws.title = title
    wb.save(path)


def _geometry(ws, table: str):
    c1, r1, c2, r2 = range_boundaries(ws.tables[table].ref)
    return c1, r1, c2, r2, [ws.cell(r1, c).value for c in range(c1, c2 + 1)]


def _type_row(path, sheet: str, table: str, values: dict) -> None:
    """Type a row right under the table (a closed file: the table not grown)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    c1, r1, c2, r2, headers = _geometry(ws, table)
    blank = all(ws.cell(r2, c).value in (None, "") for c in range(c1, c2 + 1))
    row = r2 if blank else r2 + 1
    for header, value in values.items():
        ws.cell(row, c1 + headers.index(header)).value = value
    wb.save(path)


def _column(path, sheet: str, table: str, header: str) -> list:
    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2, headers = _geometry(ws, table)
    return [ws.cell(r, c1 + headers.index(header)).value for r in range(r1 + 1, r2 + 1)]


@pytest.mark.parametrize("sheet, title, table, new_table, row, stored", [
    ("Customers", "客户", "tblCustomers", "Table1", {"Name": "王芳", "City": "成都"}, ("customer", "name", "王芳")),
    ("Customers", "Клиенты", "tblCustomers", "Таблица1", {"Name": "Ольга Петрова"},
     ("customer", "name", "Ольга Петрова")),
    ("Opportunities", "Chancen", "tblOpportunities", "Tabelle3", {"Opportunity": "Rahmenvertrag 2027"},
     ("opportunity", "name", "Rahmenvertrag 2027")),
])
def test_a_sheet_and_table_both_renamed_are_found_by_their_columns_and_the_typed_row_is_saved(
        run, admin, tmp_path, sheet, title, table, new_table, row, stored):
    cid = records.create(admin, "customer", {"name": "Anchor Kunde"})["id"]
    book = new_workbook(tmp_path / "shop.xlsx")
    _rename(book, sheet, title, table, new_table)
    if "Customer ID" in _geometry(openpyxl.load_workbook(book)[title], new_table)[4]:
        row = {"Customer ID": cid, **row}
    _type_row(book, title, new_table, row)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    result = json.loads(out)
    assert result["sheets"][f"{sheet} (sheet renamed {title})"]["created"] == 1
    assert result["missing"] == []
    kind, key, value = stored
    assert value in [r[key] for r in records.list_records(admin, kind)]
    statuses = [s for s in _column(book, title, new_table, "Status") if s]
    assert statuses == ["Created"]
    assert [k for k in _column(book, title, new_table, "_key") if k][-1][0] in "CPO"


def test_refresh_writes_the_store_into_a_sheet_whose_table_was_renamed_too(run, admin, tmp_path):
    records.create(admin, "customer", {"name": "Nguyễn Văn An", "city": "Hà Nội"})
    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Customers", "Khách hàng", "tblCustomers", "Bang1")
    code, out, err = run("--format", "json", "sync", str(book), "refresh")
    assert code == 0, err
    result = json.loads(out)
    assert result["sheets"]["Customers (sheet renamed Khách hàng)"]["rows"] == 1
    assert result["missing"] == []
    assert _column(book, "Khách hàng", "Bang1", "Name") == ["Nguyễn Văn An"]


def test_a_renamed_table_beside_another_table_on_the_renamed_sheet_is_told_apart_by_its_headings(
        admin, tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Customers", "客户", "tblCustomers", "Table1")
    wb = openpyxl.load_workbook(book)
    ws = wb["客户"]
    ws["AF1"], ws["AG1"], ws["AF2"], ws["AG2"] = "Region", "Target", "North", 1000
    ws.add_table(Table(displayName="Table2", ref="AF1:AG2"))
    wb.save(book)
    _type_row(book, "客户", "Table1", {"Name": "Lars Eriksson"})
    file_book = FileWorkbook(book)
    assert file_book.data_sheets()["Customers"] == "客户"
    assert file_book.table_sheet("客户").table.displayName == "Table1"
    from cims_xl.excel.sync import save_book

    assert save_book(admin, file_book)["Customers (sheet renamed 客户)"]["created"] == 1


def test_a_table_with_our_hidden_columns_but_unknown_headings_stops_save_and_refresh_before_writing(
        run, admin, tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Customers", "客户", "tblCustomers", "Table1")
    wb = openpyxl.load_workbook(book)
    ws = wb["客户"]
    c1, r1, c2, r2, headers = _geometry(ws, "Table1")
    for i, h in enumerate(headers):            # every visible heading translated
        if not h.startswith("_"):
            ws.cell(r1, c1 + i).value = f"列{i + 1}"
    wb.save(book)
    _type_row(book, "客户", "Table1", {"列2": "赵磊"})
    before = book.read_bytes()
    for action in ("save", "refresh"):
        code, out, err = run("sync", str(book), action)
        said = " ".join((out + err).split())
        assert code != 0
        assert "Table1" in said and "客户" in said and "tblCustomers" in said
        assert "nothing was saved or refreshed" in said
    assert book.read_bytes() == before
    assert records.list_records(admin, "customer") == []


def test_save_says_which_data_sheet_is_missing_and_what_to_do(run, admin, tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb["Orders"]
    wb.save(book)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    (note,) = json.loads(out)["missing"]
    assert note.startswith("Orders:") and "not saved" in note and "tblOrders" in note
    code, out, err = run("sync", str(book), "save")
    assert "warning: Orders: the workbook has no Orders sheet" in " ".join((out + err).split())


@pytest.mark.parametrize("sheet", ["Customers", "Contacts", "Orders", "Tickets", "Interactions", "Opportunities"])
def test_each_data_table_is_recognised_by_its_header_row_and_only_as_itself(sheet):
    from cims_xl.excel.layout import BY_SHEET, match_by_headers

    assert match_by_headers(BY_SHEET[sheet].headers) is BY_SHEET[sheet]
    visible = [h for h in BY_SHEET[sheet].headers if not h.startswith("_")]
    assert match_by_headers(visible) is BY_SHEET[sheet]       # hidden columns deleted: still
    assert match_by_headers(["Region", "Target", "Name"]) is None


def test_locating_by_headings_is_used_only_for_tables_not_ours():
    from cims_xl.excel.layout import BY_SHEET

    located = locate_data_sheets([
        ("客户", {"Table1": list(BY_SHEET["Customers"].headers)}),
        ("Contacts", {"tblContacts": list(BY_SHEET["Contacts"].headers)}),
        ("Notes", {"Table9": ["Region", "Target"]}),
    ])
    assert located["Customers"] == "客户" and located["Contacts"] == "Contacts"
    assert "Orders" not in located


class _Range:
    def __init__(self, values):
        self.values = values

    def options(self, **kw):
        return self

    @property
    def value(self):
        return self.values


class _FakeTable:
    def __init__(self, name, headers):
        self.name, self.header_row_range = name, _Range(headers)


class _FakeSheet:
    def __init__(self, name, tables):
        self.name, self.tables = name, tables


class _FakeBook:
    def __init__(self, sheets):
        self.sheets = sheets


def test_the_live_workbook_finds_a_sheet_and_table_both_renamed_as_the_file_workbook_does(tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Customers", "客户", "tblCustomers", "Table1")
    file_book = FileWorkbook(book)
    live = LiveWorkbook(_FakeBook([_FakeSheet(ws.title, [_FakeTable(t.displayName, [ws.cell(1, c).value for c in
                                                                        range(range_boundaries(t.ref)[0],
                                                                              range_boundaries(t.ref)[2] + 1)])
                                                         for t in ws.tables.values()])
                                   for ws in file_book.wb.worksheets]), ui=object())
    assert live.data_sheets() == file_book.data_sheets()
    assert live.data_sheets()["Customers"] == "客户"
