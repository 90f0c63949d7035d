"""Every sheet as LibreOffice draws it: no `###`, no text cut off by a filled cell or
by the edge of the printed page, and chart axes whose labels do not overlap.

The demo workbook (`cims demo`: data sheets refreshed, reports computed) and a
standalone `cims report --out` workbook are converted by LibreOffice to OpenDocument
(its own layout and displayed text, read cell by cell by tests/render_check.py) and to
PDF (what it prints: searched for `###`). A negative control shows the check catches
both defects on a deliberately spoiled copy. A third workbook is a report over five
years of orders in three currencies with yearly exchange rates (long rate notes, 60
months on the trend axes, long filters). Skipped, visibly, without LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import re
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
def test_no_cell_shows_hashes_or_text_cut_off_by_a_filled_neighbour_or_the_page_edge(rendered, book):
    """Every sheet, the help sheets (Home, Import, xlwings.conf) and the data sheets too:
    no text runs past the right edge of its printed page (at 100 %, LibreOffice's
    layout), so long help lines wrap within a band of columns."""
    found = [str(p) for sheet in rendered[book]["sheets"] for p in rc.problems(sheet)]
    assert not found, "\n".join(found)


def test_the_help_sheets_really_hold_long_help_lines_that_were_checked(rendered):
    """The help lines are there to check: each help sheet has a wrapped line merged
    across several columns that needs more than one column to fit."""
    sheets = {s.name: s for s in rendered["demo"]["sheets"]}
    for name in ("Home", "Import", "xlwings.conf"):
        long = [c for c in sheets[name].cells.values()
                if c.span > 1 and c.look.wrap and rc.text_width(c.text, c.look.family, c.look.size)
                > sheets[name].widths[c.col]]
        assert long, name


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


# ----- five years, three currencies: long notes and long month axes ---------------------

C_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
YEARS = range(2021, 2026)
REGION = "华东地区（上海、江苏、浙江、安徽）"   # a long filter value: the "Made with" line wraps
MANY_CATEGORIES = 12          # an axis with more categories than this must space its labels


@pytest.fixture(scope="module")
def five_years(tmp_path_factory) -> dict:
    """A real encrypted store: 60 months of orders in CNY, USD and EUR (a rate per
    year each for USD and EUR), tickets answered before they were opened (a "left out"
    note), and a standalone report with every filter set (a long "Made with" line)."""
    from cims_xl.excel.report_writer import write_report_workbook
    from cims_xl.services import auth, records, settings
    from conftest import ADMIN_PASSWORD, FAST_KDF

    work = tmp_path_factory.mktemp("five_years")
    path = work / "fx.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF, currency="CNY")
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        names = ["深圳天成物流有限公司", "Koala Pty", "Müller & Söhne GmbH", "株式会社東京商事", "Acme Ltd"]
        customers = records.create_many(session, "customer", [{"name": n, "owner": "admin"} for n in names])
        orders = []
        for m in range(len(YEARS) * 12):
            year, month = YEARS[0] + m // 12, m % 12 + 1
            for k, currency in enumerate(("CNY", "USD", "EUR")):
                orders.append({"customer_id": customers[(m + k) % len(customers)]["id"],
                               "order_date": f"{year}-{month:02d}-{3 + 7 * k:02d}",
                               "amount": str(200 + (m * 37 + k * 101) % 900), "currency": currency,
                               "region": REGION})
        records.create_many(session, "order", orders)
        for year in YEARS:
            settings.set_fx_rate(session, "USD", f"{6.45 + 0.15 * (year - YEARS[0]):.2f}", f"{year}-01-01")
            settings.set_fx_rate(session, "EUR", f"{7.55 + 0.1 * (year - YEARS[0]):.2f}", f"{year}-01-01")
        tickets = [{"customer_id": customers[i % len(customers)]["id"], "subject": f"Invoice {i}",
                    "priority": "High", "opened_at": f"2025-0{1 + i % 9}-10T10:00:00",
                    "first_response_at": f"2025-0{1 + i % 9}-09T10:00:00"} for i in range(14)]
        # such times only come from another help desk's history (typed, they are refused)
        records.create_many(session, "ticket", tickets, imported=True)
        book = work / "report.xlsx"
        write_report_workbook(book, session, date_from="2021-01-01", date_to="2025-12-31",
                              owner="admin", region=REGION,
                              as_of=dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc))
    finally:
        session.close()
    ods = rc.convert(book, "ods", work / "ods", work / "profile")
    pdf = rc.convert(book, "pdf", work / "pdf", work / "profile")
    return {"book": book, "sheets": rc.read_ods(ods), "pdf": pdf, "work": work}


def test_the_long_notes_are_really_there_to_check(five_years):
    sheet = next(s for s in five_years["sheets"] if s.name == "Report - Sales")
    notes = [c for c in sheet.cells.values() if "Converted to CNY at 1 USD" in c.text]
    assert notes and all(c.text.count("Converted to CNY") == 2 * len(YEARS) for c in notes)
    service = next(s for s in five_years["sheets"] if s.name == "Report - Service")
    assert any(c.text.startswith("Left out: 14 tickets") for c in service.cells.values())


def test_no_note_of_a_five_year_three_currency_report_runs_past_its_page_or_into_a_cell(five_years):
    found = [str(p) for sheet in five_years["sheets"] for p in rc.problems(sheet)]
    assert not found, "\n".join(found)


def test_every_page_with_a_rate_note_prints_all_of_its_rates(five_years):
    """On paper (pdftotext, page by page): a page that shows a rate note shows every
    rate of it, not the first few with the rest cut off or on a page of their own."""
    # LibreOffice may break a line after a hyphen: "2025-01-" / "01" is read back whole
    pages = [re.sub(r"-\s+", "-", " ".join(page.split())) for page in rc.pdf_text(five_years["pdf"]).split("\f")]
    with_notes = [page for page in pages if "Converted to" in page or "(12 rows)" in page]
    assert len(with_notes) >= 8
    for page in with_notes:
        for year in YEARS:
            for currency in ("USD", "EUR"):
                assert re.search(f"1 {currency} = [0-9.]+ CNY from {year}-01-01 \\(12 rows\\)", page), \
                    (currency, year, page[:300])
    assert any(f"Region {REGION}" in page for page in pages)


def test_a_note_running_past_a_page_break_or_past_the_page_width_is_caught(tmp_path):
    """Negative control for the page edge: a long note before a page break and one
    longer than a page is wide, both over empty cells (no filled neighbour stops them)."""
    from openpyxl.worksheet.pagebreak import Break, ColBreak

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    long = "Converted to CNY at 1 USD = 7.1 CNY from 2024-01-01 (1,234 rows); " * 4
    ws["A2"] = long                          # runs across the break before D
    ws["C1"] = "x"
    ws["D4"] = "A short note"                # fits: no problem
    ws["D6"] = long                          # wider than the page that starts at D
    ws["F1"] = "y"
    ws.col_breaks = ColBreak()
    ws.col_breaks.append(Break(id=3))        # a page starts at D (0-based id, ECMA-376 18.3.1.3)
    book = tmp_path / "notes.xlsx"
    wb.save(book)
    sheet = rc.read_ods(rc.convert(book, "ods", tmp_path, tmp_path / "profile"))[0]
    assert sheet.breaks == {4} and 400 < sheet.page_width < 600      # Letter/A4 portrait at 100 %
    found = {(p.cell.ref, p.kind) for p in rc.problems(sheet)}
    assert found == {("Notes!A2", "past the page"), ("Notes!D6", "past the page")}


def _charts(book: Path) -> list[dict]:
    """Every chart of a workbook read back from its parts: the category axis element,
    the number of categories, the chart's width in points (from the drawing's anchor)."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries
    out = []
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        widths = {}
        for drawing in (n for n in names if n.startswith("xl/drawings/drawing") and n.endswith(".xml")):
            rels = etree.fromstring(z.read(drawing.replace("drawings/", "drawings/_rels/") + ".rels"))
            targets = {r.get("Id"): r.get("Target").split("/")[-1] for r in rels}
            for anchor in etree.fromstring(z.read(drawing)):
                ext = anchor.find("xdr:ext", C_NS)
                chart = anchor.find(".//c:chart", C_NS)
                if ext is not None and chart is not None:
                    rid = chart.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                    widths[targets[rid]] = int(ext.get("cx")) / 12700      # EMU -> points
        for name in (n for n in names if n.startswith("xl/charts/chart")):
            root = etree.fromstring(z.read(name))
            ref = root.find(".//c:cat//c:f", C_NS).text.split("!")[-1].replace("$", "")
            _c1, r1, _c2, r2 = range_boundaries(ref)
            axis = root.find(".//c:plotArea/c:catAx", C_NS)
            if axis is None:
                axis = root.find(".//c:plotArea/c:dateAx", C_NS)
            bar = root.find(".//c:barChart/c:barDir", C_NS)
            out.append({"name": name, "root": root, "axis": axis, "n": r2 - r1 + 1,
                        "horizontal": bar is not None and bar.get("val") == "bar",
                        "width_pt": widths[name.split("/")[-1]], "data": z.read(name)})
    return out


def _shown_labels(chart: dict) -> int:
    axis, n = chart["axis"], chart["n"]
    val = lambda tag: axis.find(f"c:{tag}", C_NS).get("val") if axis.find(f"c:{tag}", C_NS) is not None else None  # noqa: E731
    if etree_local(axis) == "dateAx":
        assert val("majorTimeUnit") == "months" and val("baseTimeUnit") == "months", chart["name"]
        return -(-n // int(float(val("majorUnit"))))
    skip = int(val("tickLblSkip") or 1)
    assert int(val("tickMarkSkip") or 1) == skip, chart["name"]
    return -(-n // skip)


def etree_local(el) -> str:
    from lxml import etree
    return etree.QName(el).localname


def test_a_long_month_axis_shows_only_as_many_labels_as_fit_across_the_chart(five_years):
    """Read from the chart parts: an axis of more than MANY_CATEGORIES categories labels
    every k-th (tickLblSkip) or every k months (dateAx majorUnit) so that the labels,
    each as wide as "2021-01" in 10 pt (with a gap), fit in the chart's width less the
    value axis. Charts of months over five years have 60 categories."""
    charts = _charts(five_years["book"])
    long = [c for c in charts if c["n"] > MANY_CATEGORIES and not c["horizontal"]]
    assert len(long) >= 5 and max(c["n"] for c in long) == 60
    for chart in long:
        label_pt = 7 * 0.55 * 10 + 6                  # 7 characters of about 0.55 em, a gap
        room = chart["width_pt"] - 80                 # less the value axis and the margins
        shown = _shown_labels(chart)
        assert 3 <= shown and shown * label_pt <= room, (chart["name"], chart["n"], shown, room)


def test_month_axes_are_date_axes_labelled_on_whole_quarters_or_years(five_years):
    for chart in _charts(five_years["book"]):
        if chart["axis"] is not None and etree_local(chart["axis"]) == "dateAx":
            unit = int(float(chart["axis"].find("c:majorUnit", C_NS).get("val")))
            assert unit in (1, 2, 3, 4, 6) or unit % 12 == 0, chart["name"]
            assert chart["axis"].find("c:numFmt", C_NS).get("formatCode") == "yyyy-mm"


def test_the_rendered_month_labels_do_not_touch_each_other(five_years):
    """On the printed page: the words pdftotext finds on the month axis of "Sales by
    month" are whole months (no two run together) and their boxes keep apart."""
    import subprocess
    from lxml import etree
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(five_years["pdf"]), "-"],
                          capture_output=True, text=True, timeout=120, check=True).stdout
    words = [(w.text or "", float(w.get("xmin")), float(w.get("xmax")), float(w.get("ymin")))
             for w in etree.fromstring(html.encode(), etree.HTMLParser()).iter("word")]
    title_y = next(y for t, _a, _b, y in words if t == "by")          # "Sales by month (CNY)"
    note_y = next(y for t, _a, _b, y in words if t.startswith("Converted"))
    axis = sorted((a, b, t) for t, a, b, y in words if title_y < y < note_y and re.search(r"\d{4}-\d{2}", t))
    assert len(axis) >= 3, axis
    assert all(re.fullmatch(r"\d{4}-\d{2}", t) for _a, _b, t in axis), axis
    assert all(b1 + 2 < a2 for (_a1, b1, _t1), (a2, _b2, _t2) in zip(axis, axis[1:])), axis


def test_the_chart_and_sheet_parts_of_the_report_validate_against_the_ecma_376_schemas(five_years):
    from test_package_preserved import _validate
    with zipfile.ZipFile(five_years["book"]) as z:
        parts = [n for n in z.namelist() if n.startswith(("xl/charts/", "xl/worksheets/sheet"))
                 and n.endswith(".xml")]
        assert any("charts/" in n for n in parts) and any("worksheets/" in n for n in parts)
        for name in parts:
            _validate(name, z.read(name))
