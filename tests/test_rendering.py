"""Every sheet as LibreOffice draws it: no `###`, no text cut off by a filled cell.

The demo workbook (`cims demo`: data sheets refreshed, reports computed) and a
standalone `cims report --out` workbook are converted by LibreOffice to OpenDocument
(its own layout and displayed text, read cell by cell by tests/render_check.py) and to
PDF (what it prints: searched for `###`). A negative control shows the check catches
both defects on a deliberately spoiled copy. Skipped, visibly, without LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

import render_check as rc
from cims_xl.excel.layout import SHEET_ORDER
from cims_xl.reports.compute import REPORT_SHEETS

pytestmark = pytest.mark.skipif(
    rc.SOFFICE is None or shutil.which("fc-match") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice, fontconfig (fc-match) and poppler (pdftotext) are needed to render the "
           "workbooks (CI installs them)")
pytest.importorskip("fontTools", reason="fontTools measures text as LibreOffice draws it (dev extra)")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict]:
    from cims_xl.demo import DEMO_USERS, build_demo
    from cims_xl.excel.report_writer import write_report_workbook
    from cims_xl.services import auth

    work = tmp_path_factory.mktemp("rendering")
    build_demo(work / "demo", customers=60, seed=7)
    session = auth.sign_in(work / "demo" / "demo.cims", "admin", DEMO_USERS["admin"][1])
    try:
        write_report_workbook(work / "report.xlsx", session)
    finally:
        session.close()
    books = {"demo": work / "demo" / "cims-demo.xlsm", "report": work / "report.xlsx"}
    out = {}
    for label, book in books.items():
        ods = rc.convert(book, "ods", work / "ods", work / "profile")
        pdf = rc.convert(book, "pdf", work / "pdf", work / "profile")
        out[label] = {"book": book, "sheets": rc.read_ods(ods), "pdf": pdf}
    return out


def test_every_sheet_of_the_demo_workbook_is_rendered(rendered):
    assert [s.name for s in rendered["demo"]["sheets"]] == list(SHEET_ORDER)
    assert [s.name for s in rendered["report"]["sheets"]] == list(REPORT_SHEETS)


@pytest.mark.parametrize("book", ["demo", "report"])
def test_no_cell_shows_hashes_or_text_cut_off_by_a_filled_neighbour(rendered, book):
    found = [str(p) for sheet in rendered[book]["sheets"] for p in rc.problems(sheet)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("book", ["demo", "report"])
def test_the_printed_pdf_shows_no_hashes(rendered, book):
    assert "###" not in rc.pdf_text(rendered[book]["pdf"])


def test_the_data_sheets_really_hold_values_that_were_checked(rendered):
    sheets = {s.name: s for s in rendered["demo"]["sheets"]}
    for name in ("Customers", "Orders", "Tickets", "Report - Sales"):
        assert len(sheets[name].cells) > 50, name
    emails = [c for c in sheets["Customers"].cells.values() if "@" in c.text]
    assert emails, "the demo's customers have emails"


# ----- the negative control -----------------------------------------------------------

def test_a_narrow_date_column_a_label_running_into_an_input_cell_and_a_short_wrapped_row_are_caught(tmp_path):
    """Spoil a copy on purpose: the checker (and LibreOffice's own PDF) must see it."""
    from openpyxl.styles import PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Spoiled"
    ws.column_dimensions["A"].width = 20
    ws["A1"] = "Computed"
    ws["B1"] = dt.datetime(2026, 11, 30, 18, 44)
    ws["B1"].number_format = "yyyy-mm-dd hh:mm"
    ws.column_dimensions["B"].width = 8                       # too narrow: ###
    ws["A3"] = "Currency (orders, opportunities)"             # longer than column A
    ws["B3"].fill = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")  # an empty input cell
    ws["A5"] = "客户名称很长很长很长很长的公司"                    # CJK, cut by a value beside it
    ws["B5"] = "next"
    ws["A7"] = "A short label"                                # fits: no problem
    ws["A8"] = "A long title with nothing beside it may run over empty cells"
    from openpyxl.styles import Alignment
    ws["A10"] = "Wrapped text of several lines in a row only one line tall loses its last lines"
    ws["A10"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[10].height = 15
    ws["A12"] = "Wrapped text in a row tall enough keeps all its lines"
    ws["A12"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[12].height = 90
    book = tmp_path / "spoiled.xlsx"
    wb.save(book)
    sheet = rc.read_ods(rc.convert(book, "ods", tmp_path, tmp_path / "profile"))[0]
    found = {(p.cell.ref, p.kind) for p in rc.problems(sheet)}
    assert found == {("Spoiled!B1", "###"), ("Spoiled!A3", "cut off"), ("Spoiled!A5", "cut off"),
                     ("Spoiled!A10", "cut off below")}
    assert "###" in rc.pdf_text(rc.convert(book, "pdf", tmp_path, tmp_path / "profile"))


# ----- report layout facts (read from the file) -------------------------------------------

def test_every_styled_font_on_a_report_sheet_names_its_face(rendered):
    wb = openpyxl.load_workbook(rendered["report"]["book"])
    unnamed = [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row
               if c.value is not None and (c.font.b or c.font.i) and not c.font.name]
    assert not unnamed, unnamed[:5]


def test_report_headers_are_right_aligned_over_numbers_and_left_over_text(rendered):
    wb = openpyxl.load_workbook(rendered["report"]["book"])
    ws = wb["Report - Sales"]
    table = ws.tables["tblSalesByRegion"]
    first = ws[table.ref.split(":")[0]]
    heads = {ws.cell(first.row, first.column + i).value: ws.cell(first.row, first.column + i)
             for i in range(len(table.tableColumns))}
    assert heads["Region"].alignment.horizontal in (None, "general", "left")
    assert heads["Sales"].alignment.horizontal == "right"
    assert heads["Orders"].alignment.horizontal == "right"


def test_report_sheets_print_a_band_per_page_at_a_readable_scale_not_fit_to_one_page(rendered):
    from cims_xl.reports.sheets import BANDS, band_columns
    for label in ("report", "demo"):
        wb = openpyxl.load_workbook(rendered[label]["book"])
        for sheet in REPORT_SHEETS:
            ws = wb[sheet]
            assert not ws.sheet_properties.pageSetUpPr.fitToPage, (label, sheet)
            assert ws.page_setup.scale is not None and 40 <= int(ws.page_setup.scale) <= 100
            starts = sorted(band_columns(sheet).values())
            # 0-based ids: a page starts at each band's first column
            assert [b.id for b in ws.col_breaks.brk] == [s - 1 for s in starts[1:]], (label, sheet)
            assert len(BANDS[sheet]) == len(starts)


def test_a_standalone_report_says_how_it_was_made_instead_of_asking_for_a_refresh(rendered):
    wb = openpyxl.load_workbook(rendered["report"]["book"])
    for sheet in REPORT_SHEETS:
        text = " ".join(str(wb[sheet].cell(r, 1).value or "") for r in (2, 3))
        assert "refresh the reports" not in text.lower()
        assert "Made with: All data (no filter)" in text and "cannot be refreshed" in text


def test_charts_sit_inside_their_band_so_no_page_break_cuts_them(rendered):
    from cims_xl.reports.sheets import BANDS, CHART_WIDTH_CM, band_columns
    wb = openpyxl.load_workbook(rendered["report"]["book"])
    for sheet in REPORT_SHEETS:
        ws = wb[sheet]
        for name, width in BANDS[sheet]:
            start = band_columns(sheet)[name]
            cols = range(start, start + max(width, 6))
            from openpyxl.utils import get_column_letter
            # Excel: a column of w characters is w * 7 + 5 pixels of 0.75 pt
            band_pt = sum((ws.column_dimensions[get_column_letter(c)].width or 13) * 7 + 5 for c in cols) * 0.75
            assert CHART_WIDTH_CM * 28.35 < band_pt, (sheet, name)


def test_the_report_workbook_has_its_drawing_parts(rendered):
    with zipfile.ZipFile(rendered["report"]["book"]) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 20
