"""The ribbon's Save (headless, on a real workbook file) tells a record typed too far
under the table in its message and the row's Status, and saves the active sheet when
both the sheet and its table were renamed (found by the table's header row)."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.excel import live_session, ribbon
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.services import records

from test_sync_support import new_workbook


class _UI:
    def __init__(self):
        self.messages, self.questions = [], []

    def message(self, text, title="CIMS"):
        self.messages.append(text)

    def confirm(self, text, title="CIMS"):
        self.questions.append(text)
        return True

    def ask(self, prompt, title="CIMS", default=""):
        return default or None

    def ask_password(self, prompt, title="CIMS"):
        return None

    def progress(self, done, total, text):
        pass

    def clear_progress(self):
        pass


@pytest.fixture
def signed_in(admin):
    live_session.use(admin)
    yield admin
    live_session.use(None)


def _press(path, active):
    ui = _UI()
    return ribbon.dispatch("btnSave", FileWorkbook(path, ui=ui, active=active)), ui


def _type(path, sheet, table, row_below: int, values: dict) -> int:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[table].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    for header, value in values.items():
        ws.cell(r2 + row_below, c1 + headers.index(header)).value = value
    wb.save(path)
    return r2 + row_below


def test_the_save_button_says_a_record_typed_far_below_was_not_saved(tmp_path, signed_in):
    path = new_workbook(tmp_path / "cims.xlsx")
    row = _type(path, "Customers", "tblCustomers", 6, {"Name": "Ewa Nowak", "City": "Gdańsk"})
    line, ui = _press(path, "Customers")
    assert line == "Saved Customers: 1 typed too far below the table, not saved"
    assert ui.messages == [line + ". The Status column says why for each row."]
    assert records.list_records(signed_in, "customer") == []
    ws = openpyxl.load_workbook(path)["Customers"]
    c1, r1, c2, _ = range_boundaries(ws.tables["tblCustomers"].ref)
    status = [ws.cell(r1, c).value for c in range(c1, c2 + 1)].index("Status") + c1
    assert ws.cell(row, status).value.startswith("Not saved: typed below the tblCustomers table")


def test_the_save_button_works_on_a_sheet_whose_table_was_renamed_too(tmp_path, signed_in):
    path = new_workbook(tmp_path / "cims.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Customers"]
    t = ws.tables["tblCustomers"]
    del ws.tables["tblCustomers"]
    t.displayName = t.name = "Tabla1"
    ws.tables.add(t)
    ws.title = "Clientes"
    wb.save(path)
    _type(path, "Clientes", "Tabla1", 1, {"Name": "María José Núñez", "City": "Sevilla"})
    line, ui = _press(path, "Clientes")
    assert line == "Saved Clientes: 1 created", ui.messages
    assert [c["name"] for c in records.list_records(signed_in, "customer")] == ["María José Núñez"]
