"""Text that starts like a formula (= + - @, tab, CR, and full-width ＝ ＋ － ＠) keeps
its quote prefix on every row of a data table after Refresh or Save, also on rows they
did not rewrite: LibreOffice drops the prefix when it saves a workbook."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.cell_text import is_risky, ooxml_escape, ooxml_unescape
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.layout import BY_SHEET
from cims_xl.excel.sync import refresh_book, save_book
from cims_xl.services import records

from render_check import SOFFICE, convert
from test_sync_support import new_workbook

RISKY = {"name": "=HYPERLINK(\"http://x.example\",\"click\")", "company": "@Acme", "city": "＝SUM(1)",
         "notes": "-5 units owed"}


def _text_cells(path, sheet="Customers") -> list:
    """The body cells of the data table holding text, as openpyxl reads them."""
    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[BY_SHEET[sheet].table].ref)
    return [ws.cell(r, c) for r in range(r1 + 1, r2 + 1) for c in range(c1, c2 + 1)
            if ws.cell(r, c).data_type == "s" and isinstance(ws.cell(r, c).value, str)]


def _strip_prefixes(path, sheet="Customers") -> int:
    """What LibreOffice does to the file's text marks, done with openpyxl (for the fast tests)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    n = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.quotePrefix:
                cell.quotePrefix = False
                n += 1
    wb.save(path)
    return n


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_refresh_and_save_put_back_the_text_mark_libreoffice_dropped(admin, tmp_path):
    ids = [records.create(admin, "customer", RISKY)["id"],
           records.create(admin, "customer", {"name": "Plain Name", "notes": "+49 30 1234567 (office)"})["id"]]
    book = new_workbook(tmp_path / "shop.xlsx")
    fb = FileWorkbook(book)
    refresh_book(admin, fb, ["Customers"])
    fb.save()
    risky = [c for c in _text_cells(book) if is_risky(c.value)]
    assert len(risky) == 5 and all(c.quotePrefix for c in risky)

    saved = convert(book, "xlsx", tmp_path / "lo", tmp_path / "profile")     # LibreOffice's own output
    lo_cells = [c for c in _text_cells(saved) if is_risky(c.value)]
    assert sorted(c.value for c in lo_cells) == sorted(c.value for c in risky)
    assert not any(c.quotePrefix for c in lo_cells)                          # what the tester saw

    fb = FileWorkbook(saved)
    result = refresh_book(admin, fb, ["Customers"])       # the store did not change: no row is rewritten
    fb.save()
    assert result["Customers"]["changed"] == 0
    again = [c for c in _text_cells(saved) if is_risky(c.value)]
    assert sorted(c.value for c in again) == sorted(c.value for c in risky)
    assert all(c.quotePrefix for c in again)
    assert not any(c.quotePrefix for c in _text_cells(saved) if not is_risky(c.value))

    _strip_prefixes(saved)
    wb = openpyxl.load_workbook(saved)                    # edit one other row, then Save
    ws = wb["Customers"]
    for cell in ws["B"]:
        if cell.value == "Plain Name":
            cell.value = "Plain Name GmbH"
    wb.save(saved)
    fb = FileWorkbook(saved)
    counts = save_book(admin, fb, ["Customers"])
    fb.save()
    assert counts["Customers"]["updated"] == 1
    assert all(c.quotePrefix for c in _text_cells(saved) if is_risky(c.value))
    assert records.get(admin, ids[0])["name"] == RISKY["name"]


@pytest.mark.parametrize("text", ["=1+2", "+31 20 555 0100", "-", "@SUM(A1)", "＝１＋２", "＋86 10", "－5",
                                  "＠home"])
def test_every_formula_like_text_in_the_table_gets_its_mark_back_on_refresh(run, admin, tmp_path, text):
    records.create(admin, "customer", {"name": "Ewa Nowak", "company": "Nowak sp. z o.o."})
    records.create(admin, "customer", {"name": "Second", "company": text})
    book = new_workbook(tmp_path / "b.xlsx")
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    assert _strip_prefixes(book) >= 1                 # as LibreOffice saves it
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    cells = {c.value: c.quotePrefix for c in _text_cells(book)}
    risky = [v for v in cells if is_risky(v)]
    assert risky and all(cells[v] for v in risky)
    assert cells["Ewa Nowak"] is False and cells["Nowak sp. z o.o."] is False


@pytest.mark.parametrize("text", ["-Amara", "\tcmd|' /C calc'!A0", "\rcmd", "＝1+1", "@x"])
def test_text_typed_without_a_mark_gets_one_and_stays_the_same_text(admin, tmp_path, text):
    records.create(admin, "customer", {"name": "Amara Okafor"})
    book = new_workbook(tmp_path / "b.xlsx")
    fb = FileWorkbook(book)
    refresh_book(admin, fb, ["Customers"])
    fb.save()
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    c1, r1, c2, r2 = range_boundaries(ws.tables["tblCustomers"].ref)
    ws.cell(r1 + 1, 2).value = ooxml_escape(text)          # text typed in LibreOffice, no mark
    ws.cell(r1 + 1, 2).data_type = "s"
    ws.cell(r1 + 1, 2).quotePrefix = False
    wb.save(book)
    fb = FileWorkbook(book)
    sheet = fb.table_sheet("Customers")
    assert sheet.protect_formula_text() == 1
    fb.save()
    cell = openpyxl.load_workbook(book)["Customers"].cell(r1 + 1, 2)
    assert (ooxml_unescape(cell.value), cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet.protect_formula_text() == 0               # marked once
