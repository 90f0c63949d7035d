"""Formula injection: text that looks like a formula is written as text, everywhere we write.

A customer named `=1+1` or `@SUM(A1)` must show as that text in every sheet (never
run), and reading the cell back must give the same text.
"""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from cims_xl.excel import ribbon, sync
from cims_xl.excel.adapter import FileWorkbook, QuietUI, live_value
from cims_xl.excel import live_session
from cims_xl.services import records
from test_sync_support import new_workbook, row_of

PAYLOADS = ["=1+1", "@SUM(A1)", "+1+1", "-1+1", "=HYPERLINK(\"http://x\",\"y\")", "\t=1+1", "\r=1+1"]


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "cims.xlsx")


@pytest.fixture
def risky(admin):
    """One record of every entity with a formula-looking text in a text field."""
    out = {}
    for i, payload in enumerate(PAYLOADS[:2]):
        cid = records.create(admin, "customer", {"name": payload, "company": payload, "notes": payload})["id"]
        out[("Customers", cid)] = ("Name", "Company", "Notes")
        out[("Contacts", records.create(admin, "contact", {"customer_id": cid, "name": payload, "title": payload})["id"])] = ("Job Title",)
        out[("Interactions", records.create(admin, "interaction", {"customer_id": cid, "subject": payload})["id"])] = ("Subject",)
        out[("Orders", records.create(admin, "order", {"customer_id": cid, "order_date": "2024-01-02", "amount": 5,
                                                       "product": payload, "notes": payload})["id"])] = ("Product", "Notes")
        out[("Opportunities", records.create(admin, "opportunity", {"customer_id": cid, "name": payload,
                                                                    "next_step": payload})["id"])] = ("Opportunity", "Next Step")
        out[("Tickets", records.create(admin, "ticket", {"customer_id": cid, "subject": payload})["id"])] = ("Subject",)
    return out


def _formula_cells(path):
    """Every formula cell in the workbook, as (sheet, coordinate, formula)."""
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]


def test_a_customer_named_like_a_formula_is_a_text_cell_on_every_data_sheet(admin, risky, book):
    sync.sync_file(admin, book, "refresh")
    for (sheet, key), headers in risky.items():
        row = row_of(book, key, sheet)
        stored = records.get(admin, key)
        for header in headers:
            cell = row["@cell"][header]
            assert cell.data_type == "s", (sheet, header)
            assert cell.value in PAYLOADS, (sheet, header, cell.value)
            assert cell.quotePrefix, (sheet, header)
        assert row_of(book, key, sheet)["ID"] == stored["id"]
    assert not [f for f in _formula_cells(book) if "1+1" in str(f[2]) or "SUM(A1)" in str(f[2])]


def test_no_data_sheet_of_the_refreshed_file_holds_a_formula_element(admin, risky, book):
    sync.sync_file(admin, book, "refresh")
    z = zipfile.ZipFile(book)
    for name in z.namelist():
        if name.startswith("xl/worksheets/sheet"):
            assert "1+1</f>" not in z.read(name).decode() and "SUM(A1)</f>" not in z.read(name).decode()


def test_formula_looking_text_reads_back_unchanged_so_nothing_is_pending(admin, risky, book):
    sync.sync_file(admin, book, "refresh")
    counts = sync.sync_file(admin, book, "save")["sheets"]
    assert all(c["updated"] == c["invalid"] == c["conflicts"] == 0 for c in counts.values())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_looking_text_typed_in_a_new_row_is_stored_and_kept_as_text(admin, book, payload):
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    cell = ws["B2"]
    cell.value = payload
    cell.data_type = "s"  # what Excel stores when someone types '=1+1
    wb.save(book)
    assert sync.sync_file(admin, book, "save", sheets=["Customers"])["sheets"]["Customers"]["created"] in (0, 1)
    saved = records.list_records(admin, "customer")
    if saved:  # the normaliser may reject or trim some payloads; what is stored comes back as text
        row = row_of(book, saved[0]["id"])
        assert row["Name"] == saved[0]["name"] and row["@cell"]["Name"].data_type == "s"


def test_find_results_and_customer_360_sheets_write_formula_text_as_text(admin, risky, book):
    live_session.use(admin)
    try:
        sync.sync_file(admin, book, "refresh", sheets=["Customers"])
        ui = QuietUI(answers={"Find customers": "SUM"})
        wb = FileWorkbook(book, ui=ui, active="Customers", selection={"Customers": [1]})
        assert ribbon.dispatch("btnFind", wb) is not None, ui.messages
        assert ribbon.dispatch("btn360", wb) is not None, ui.messages
        for sheet in (ribbon.FIND_SHEET, ribbon.C360_SHEET):
            ws = openpyxl.load_workbook(book)[sheet]
            texts = [c for row in ws.iter_rows() for c in row if c.value == "@SUM(A1)"]
            assert texts and all(c.data_type == "s" for c in texts), sheet
        assert not [f for f in _formula_cells(book) if "SUM(A1)" in str(f[2])]
    finally:
        live_session.use(None)


def test_report_sheets_never_turn_a_customer_name_into_a_formula(admin, risky, book):
    sync.sync_file(admin, book, "reports")
    assert not [f for f in _formula_cells(book) if "1+1" in str(f[2]) or "SUM(A1)" in str(f[2])]


def test_every_sheet_we_write_reads_back_in_excel_as_the_exact_text(admin, book):
    import python_calamine
    # A file spells "A" as "_x0041_": a customer really called that must not turn into "A".
    cid = records.create(admin, "customer", {"name": "Ann_x0041_", "company": "Co_x0042_",
                                             "segment": "Seg_x0043_"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2024-01-02", "amount": 5})
    sync.sync_file(admin, book, "refresh")
    sync.sync_file(admin, book, "reports")
    wb = python_calamine.CalamineWorkbook.from_path(str(book))
    texts = {v for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python()
             for v in row if isinstance(v, str)}
    assert {"Ann_x0041_", "Co_x0042_"} <= texts
    assert not {"AnnA", "CoB", "SegC"} & texts


@pytest.mark.parametrize("payload", PAYLOADS)
def test_excel_gets_formula_looking_text_behind_its_text_mark(payload):
    assert live_value(payload) == "'" + payload
