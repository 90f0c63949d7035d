"""A data sheet the user renamed (Tickets -> 工单) is found by its table (tblTickets:
the table is ours) and saved and refreshed under its new name, said in the summary;
a data sheet deleted entirely is nothing to save, and Refresh says it is missing."""
from __future__ import annotations

import json

import openpyxl
import pytest

from cims_xl.excel.adapter import FileWorkbook, SheetError
from cims_xl.excel.layout import locate_data_sheets
from cims_xl.excel.sync import refresh_book, save_book
from cims_xl.services import records

from test_sync_support import new_workbook


def _rename(path, old: str, new: str) -> None:
    wb = openpyxl.load_workbook(path)
    wb[old].title = new
    wb.save(path)


def _delete(path, sheet: str) -> None:
    wb = openpyxl.load_workbook(path)
    del wb[sheet]
    wb.save(path)


def _type_under_table(path, sheet: str, table: str, values: dict[str, object]) -> int:
    """Type a row right under the table, as LibreOffice leaves it (the table not grown)."""
    from openpyxl.utils.cell import range_boundaries

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[table].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    blank_last = all(ws.cell(r2, c).value in (None, "") for c in range(c1, c2 + 1))
    row = r2 if blank_last else r2 + 1
    for header, value in values.items():
        ws.cell(row, c1 + headers.index(header)).value = value
    wb.save(path)
    return row


def _column(path, sheet: str, table: str, header: str) -> list:
    from openpyxl.utils.cell import range_boundaries

    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[table].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    col = c1 + headers.index(header)
    return [ws.cell(r, col).value for r in range(r1 + 1, r2 + 1)]


@pytest.mark.parametrize("new_name", ["工单", "Заявки", "Tickets 2026"])
def test_rows_typed_on_a_renamed_data_sheet_are_saved_and_the_summary_names_both_names(
        run, admin, tmp_path, new_name):
    cid = records.create(admin, "customer", {"name": "Chen Wei"})["id"]
    book = new_workbook(tmp_path / "shop.xlsx")
    _rename(book, "Tickets", new_name)
    _type_under_table(book, new_name, "tblTickets", {"Customer ID": cid, "Subject": "打印机坏了"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err
    result = json.loads(out)
    label = f"Tickets (sheet renamed {new_name})"
    assert result["sheets"][label]["created"] == 1
    assert [t["subject"] for t in records.list_records(admin, "ticket")] == ["打印机坏了"]
    wb = openpyxl.load_workbook(book)
    assert "Tickets" not in wb.sheetnames and new_name in wb.sheetnames     # the user's name stays
    assert _column(book, new_name, "tblTickets", "Status") == ["Created"]
    assert _column(book, new_name, "tblTickets", "_key")[0].startswith("T-")


def test_refresh_writes_the_store_rows_into_the_renamed_sheet(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ana Souza"})["id"]
    records.create(admin, "ticket", {"customer_id": cid, "subject": "Fatura duplicada"})
    book = new_workbook(tmp_path / "loja.xlsx")
    _rename(book, "Tickets", "Chamados")
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    assert "Tickets (sheet renamed Chamados)" in " ".join(out.split())
    assert _column(book, "Chamados", "tblTickets", "Subject") == ["Fatura duplicada"]


@pytest.mark.parametrize("given", ["工单", "Tickets", "tickets"])
def test_the_sheet_option_takes_the_new_name_or_the_data_sheet_name(admin, tmp_path, given):
    cid = records.create(admin, "customer", {"name": "Li Na"})["id"]
    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Tickets", "工单")
    _type_under_table(book, "工单", "tblTickets", {"Customer ID": cid, "Subject": "退款"})
    result = save_book(admin, FileWorkbook(book), [given])
    assert list(result) == ["Tickets (sheet renamed 工单)"]
    assert result["Tickets (sheet renamed 工单)"]["created"] == 1


def test_a_sheet_that_is_no_data_sheet_is_still_refused_by_name(admin, tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Tickets", "工单")
    with pytest.raises(SheetError, match="'Home' is not a data sheet"):
        save_book(admin, FileWorkbook(book), ["Home"])


def test_a_deleted_data_sheet_is_nothing_to_save_and_refresh_says_it_is_missing(run, admin, tmp_path):
    records.create(admin, "customer", {"name": "Jonas Berg"})
    book = new_workbook(tmp_path / "b.xlsx")
    _delete(book, "Tickets")
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    code, out, err = run("--format", "json", "sync", str(book), "refresh")
    assert code == 0, err
    result = json.loads(out)
    assert "Customers" in result["sheets"] and not any("Tickets" in s for s in result["sheets"])
    assert len(result["missing"]) == 1 and "no Tickets sheet" in result["missing"][0]
    assert "tblTickets" in result["missing"][0]
    code, out, err = run("sync", str(book), "refresh")
    assert "warning: Tickets: the workbook has no Tickets sheet" in " ".join((out + err).split())


def test_refreshing_a_deleted_sheet_by_name_is_refused_before_anything_changes(admin, tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    _delete(book, "Tickets")
    before = book.read_bytes()
    with pytest.raises(SheetError, match="no sheet 'Tickets'.*tblTickets"):
        refresh_book(admin, FileWorkbook(book), ["Tickets"])
    assert book.read_bytes() == before


def test_data_sheets_are_located_by_sheet_name_first_then_by_their_table():
    located = locate_data_sheets([
        ("Home", []), ("Customers", ["tblCustomers"]), ("工单", ["TBLTICKETS"]),
        ("Tickets", []),                         # a new empty sheet of the old name
        ("Orders", ["tblContacts"]),             # another data table on a data sheet's name
        ("Opportunities", ["MyTable"]),          # its table renamed by the user
    ])
    assert located["Customers"] == "Customers"
    assert located["Tickets"] == "工单"
    assert located["Contacts"] == "Orders"
    assert "Orders" not in located
    assert located["Opportunities"] == "Opportunities"
    assert "Interactions" not in located


class _FakeTable:
    def __init__(self, name):
        self.name = name


class _FakeSheet:
    def __init__(self, name, tables):
        self.name, self.tables = name, [_FakeTable(t) for t in tables]


class _FakeBook:
    def __init__(self, sheets):
        self.sheets = sheets


def test_the_live_workbook_finds_a_renamed_sheet_as_the_file_workbook_does(tmp_path):
    from cims_xl.excel.adapter import LiveWorkbook

    book = new_workbook(tmp_path / "b.xlsx")
    _rename(book, "Tickets", "工单")
    file_book = FileWorkbook(book)
    live = LiveWorkbook(_FakeBook([_FakeSheet(ws.title, list(ws.tables)) for ws in file_book.wb.worksheets]),
                        ui=object())
    assert live.data_sheets() == file_book.data_sheets()
    assert live.data_sheets()["Tickets"] == "工单"
