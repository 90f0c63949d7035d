"""Report sheets written headless (openpyxl) and read back by openpyxl and LibreOffice.

Covers: the four sheets and their table names, a native chart part per report, number
formats, fixed anchors, a smaller second refresh leaving no stale rows, a user's
formula into a report table resolving after a refresh (LibreOffice recalculates),
formula-looking text staying text, viewers seeing no names, the PDF rendering.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.errors import CimsError
from cims_xl.excel.report_writer import OpenpyxlWriter, write_reports_openpyxl
from cims_xl.report_layout import filter_name
from cims_xl.reports import build_reports, to_jsonable
from cims_xl.reports.compute import PIPELINE, REPORT_SHEETS, SALES, SEGMENTS, SERVICE
from cims_xl.reports.refresh import refresh_with_writer
from cims_xl.reports.sheets import BANDS, OUTPUT_CELL, TABLE_HEADER_OFFSET
from test_pipeline import opportunity_frames
from test_reports_superstore import superstore_frames
from test_sla import ticket_frame

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
AS_OF = dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc)


def all_frames() -> dict:
    return {**superstore_frames(), **opportunity_frames(), "ticket": ticket_frame()}


class FakeSession:
    """What the refresh use case needs from a session, without a store."""

    def __init__(self, personal: bool = True):
        self.personal = personal
        self.username, self.role = "tester", "manager" if personal else "viewer"

    def ensure(self, action, kind=None, **kw):
        assert action == "report"

    def may(self, action, kind=None, owner=None):
        return self.personal if action == "read_personal" else True


def refresh(wb, frames, *, personal=True):
    return refresh_with_writer(OpenpyxlWriter(wb), FakeSession(personal), frames=frames, as_of=AS_OF)


def set_filters(wb, sheet, **values):
    for suffix, value in values.items():
        dest = next(iter(wb.defined_names[filter_name(sheet, suffix)].destinations))
        wb[dest[0]][dest[1].replace("$", "")].value = value


def soffice(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    profile = (tmp / "lo-profile").as_uri()
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", *args],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return done


def sheet_csv(xlsx: Path, sheet: str, tmp: Path) -> list[list[str]]:
    """One sheet's recalculated values, via LibreOffice (all sheets to CSV, UTF-8)."""
    out = tmp / "csv"
    soffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
             "--outdir", str(out), str(xlsx)], tmp)
    with open(out / f"{xlsx.stem}-{sheet}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "reports.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    write_reports_openpyxl(wb, build_reports(all_frames(), include_personal=True, as_of=AS_OF))
    wb.save(path)
    return path


# ----- structure ------------------------------------------------------------------------------

def test_the_workbook_has_the_four_report_sheets_with_their_table_names(report_file):
    wb = openpyxl.load_workbook(report_file)
    assert wb.sheetnames == list(REPORT_SHEETS)
    for sheet in REPORT_SHEETS:
        assert sorted(wb[sheet].tables) == sorted(name for name, _ in BANDS[sheet]), sheet


def _sheet_rids(workbook_xml: str) -> list[tuple[str, str]]:
    """(sheet name, relationship id) of every <sheet> in workbook.xml, however it is written
    (openpyxl declares the r: namespace on each <sheet> when lxml is installed)."""
    from xml.etree import ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return [(s.get("name"), s.get(rel)) for s in ET.fromstring(workbook_xml).iter(f"{main}sheet")]


def test_each_report_has_native_chart_parts_and_no_pictures(report_file):
    with zipfile.ZipFile(report_file) as z:
        names = z.namelist()
        charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        kinds = {n: re.findall(r"<(?:c:)?(lineChart|barChart)>", z.read(n).decode()) for n in charts}
        workbook_rels = z.read("xl/_rels/workbook.xml.rels").decode()
        sheets_xml = z.read("xl/workbook.xml").decode()
        per_sheet = {}
        for name, rid in _sheet_rids(sheets_xml):
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', workbook_rels)
            sheet_part = (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")
            rels = z.read(f"xl/worksheets/_rels/{Path(sheet_part).name}.rels").decode()
            drawing = re.search(r'Target="([^"]*drawings/drawing\d+\.xml)"', rels).group(1)
            drawing_rels = z.read(f"xl/drawings/_rels/{Path(drawing).name}.rels").decode()
            per_sheet[name] = re.findall(r"charts/chart\d+\.xml", drawing_rels)
    assert all(kinds[n] for n in charts), "every chart part holds a line or bar chart"
    assert not any(n.startswith("xl/media/") for n in names), "charts are native, not pictures"
    assert {s: len(c) for s, c in per_sheet.items()} == {SALES: 7, PIPELINE: 6, SERVICE: 4, SEGMENTS: 3}
    line_or_bar = {k for ks in kinds.values() for k in ks}
    assert line_or_bar == {"lineChart", "barChart"}


def test_the_pipeline_funnel_is_a_horizontal_bar_chart_with_stages_top_down(report_file):
    with zipfile.ZipFile(report_file) as z:
        xmls = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    funnel = [x for x in xmls if "Pipeline funnel" in x]
    assert len(funnel) == 1
    assert re.search(r'<(c:)?barDir val="bar"\s*/>', funnel[0])
    assert re.search(r'<(c:)?orientation val="maxMin"\s*/>', funnel[0])


def test_numbers_dates_and_totals_are_formatted(report_file):
    wb = openpyxl.load_workbook(report_file)
    ws = wb[SALES]
    c1, r1, c2, r2 = range_boundaries(ws.tables["tblSalesByMonth"].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    assert headers == ["Month", "Orders", "Sales", "Profit"]
    first = r1 + 1
    assert ws.cell(first, c1).number_format == "yyyy-mm"
    assert ws.cell(first, c1).value == dt.datetime(2014, 1, 1)
    assert ws.cell(first, c1 + 1).number_format == "#,##0"
    assert ws.cell(first, c1 + 2).number_format == "#,##0.00##"      # two places, up to the store's 4 where a value has them
    assert ws.cell(first, c1 + 2).value == pytest.approx(14236.895)
    assert ws.cell(r2, c1).value == "Total"
    assert ws.cell(r2, c1 + 2).value == "=SUBTOTAL(109,tblSalesByMonth[Sales])"
    region = wb[SALES].tables["tblSalesByRegion"]
    rc1, rr1, _, _ = range_boundaries(region.ref)
    assert ws.cell(rr1 + 1, rc1 + 4).number_format == "0.0%"
    service = wb[SERVICE]
    oc1, or1, _, _ = range_boundaries(service.tables["tblOpenTickets"].ref)
    due_col = [service.cell(or1, c).value for c in range(oc1, oc1 + 12)].index("Resolution Due")
    assert service.cell(or1 + 1, oc1 + due_col).number_format == "yyyy-mm-dd hh:mm"


def test_title_computed_time_and_filters_sit_at_the_output_cell(report_file):
    ws = openpyxl.load_workbook(report_file)[SALES]
    row, col = OUTPUT_CELL
    assert ws.cell(row, col).value == "Computed"
    assert ws.cell(row, col + 1).value == dt.datetime(2018, 1, 1, 8, 0)   # shown in Shanghai time
    assert ws.cell(row, col + 2).value == "(Asia/Shanghai)"
    assert ws.cell(row + 1, col + 1).value == "All data (no filter) · times in Asia/Shanghai"
    assert ws["A1"].value == "Sales report"


# ----- refresh in place --------------------------------------------------------------------------

def anchors(wb) -> dict[str, str]:
    return {t.name: t.ref.split(":")[0] for s in REPORT_SHEETS for t in wb[s].tables.values()}


def test_a_second_smaller_refresh_keeps_anchors_and_leaves_no_stale_rows():
    frames = all_frames()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    refresh(wb, frames)
    before = anchors(wb)
    ws = wb[SALES]
    old = range_boundaries(ws.tables["tblSalesByMonthProvince"].ref)
    set_filters(wb, SALES, From=dt.datetime(2017, 1, 1), Region="Central")
    refresh(wb, frames)
    assert anchors(wb) == before
    c1, r1, c2, r2 = range_boundaries(ws.tables["tblSalesByMonthProvince"].ref)
    assert r2 - r1 == 12 + 1                     # 12 months of 2017 plus the totals row
    assert old[3] - old[1] == 48 + 1
    stale = [ws.cell(r, c).value for r in range(r2 + 1, old[3] + 1) for c in range(old[0], old[2] + 1)]
    assert set(stale) == {None}
    assert ws.cell(r2, c1).value == "Total"
    assert "Region Central" in ws.cell(OUTPUT_CELL[0] + 1, 2).value


def test_the_filters_typed_on_a_sheet_apply_to_that_sheet_only():
    frames = all_frames()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    refresh(wb, frames)
    set_filters(wb, SALES, From="2017-01-01", To="2017-12-31")
    reports = refresh(wb, frames)
    assert reports[SALES].table("tblSalesByYear").data["Year"].tolist() == [2017]
    assert reports[SEGMENTS].table("tblNewCustomers").data["Month"].min() == dt.datetime(2014, 1, 1)
    assert wb[SALES]["B4"].value == "2017-01-01"        # the user's filter cell is left as typed


def test_a_bad_date_in_a_filter_cell_is_a_plain_error():
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    refresh(wb, {})
    set_filters(wb, PIPELINE, To="next Tuesday")
    with pytest.raises(CimsError, match="Report - Pipeline: To date"):
        refresh(wb, {})


@needs_soffice
def test_a_user_formula_into_a_report_table_resolves_after_a_refresh(tmp_path):
    frames = all_frames()
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    mine = wb.active
    mine.title = "Mine"
    refresh(wb, frames)
    mine["A1"] = "=SUM(tblSalesByRegion[Sales])"
    mine["A2"] = "=tblSalesByYear[[#Totals],[Sales]]"
    mine["A3"] = '=COUNTIF(tblServiceByPriority[Priority],"P*")'
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    set_filters(wb, SALES, From=dt.datetime(2017, 1, 1), To=dt.datetime(2017, 12, 31))
    refresh(wb, frames)
    wb.save(path)
    assert openpyxl.load_workbook(path)["Mine"]["A1"].value == "=SUM(tblSalesByRegion[Sales])"
    values = sheet_csv(path, "Mine", tmp_path)
    assert round(float(values[0][0]), 2) == 733215.26      # 2017 only
    assert round(float(values[1][0]), 2) == 733215.26
    assert values[2][0] == "4"


# ----- safety -----------------------------------------------------------------------------------

def formula_like_frames():
    frames = superstore_frames()
    orders = frames["order"].copy()
    orders.loc[orders["region"] == "South", "region"] = "=1+1"
    orders.loc[orders["region"] == "East", "region"] = "-East"
    orders.loc[orders["region"] == "West", "region"] = "@West"
    customers = frames["customer"].copy()
    customers.loc[customers["id"] == "SM-20320", "name"] = '=HYPERLINK("http://x.invalid","hi")'
    return {"order": orders, "customer": customers}


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    write_reports_openpyxl(wb, build_reports(formula_like_frames(), include_personal=True, as_of=AS_OF))
    path = tmp_path / "risky.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        sheet_xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    formulas = re.findall(r"<f>([^<]*)</f>", sheet_xml)
    assert formulas and all(f.startswith("SUBTOTAL(109,tbl") for f in formulas)
    back = openpyxl.load_workbook(path)
    texts = {c.value for s in back.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"=1+1", "-East", "@West", '=HYPERLINK("http://x.invalid","hi")'} <= texts
    assert not [v for v in texts if v.startswith("=") and v not in ("=1+1", '=HYPERLINK("http://x.invalid","hi")')
                and not v.startswith("=SUBTOTAL(")]


def test_a_viewer_report_holds_no_customer_names(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    refresh(wb, all_frames(), personal=False)
    texts = {c.value for s in wb.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
    assert "Sean Miller" not in texts and "Printer" not in texts   # a name, a ticket subject
    assert "SM-20320" in texts                                    # ids are shown instead
    assert "Names hidden for your role: ids only" in texts


def test_the_reports_serialise_to_json():
    data = to_jsonable(build_reports(all_frames(), include_personal=False, as_of=AS_OF))
    text = json.dumps(data)
    assert data[SALES]["tables"]["tblSalesByYear"][0] == {
        "Year": 2014, "Orders": 969, "Sales": "484247.4981", "Profit": "49543.9741", "Growth": None}
    assert "Sean Miller" not in text


# ----- the built CIMS workbook ---------------------------------------------------------------------

def test_reports_land_below_the_filter_block_of_the_built_workbook():
    from cims_xl.excel.build import build_sheets
    wb = build_sheets()
    set_filters(wb, SALES, Region="East")
    refresh(wb, all_frames())
    for sheet in REPORT_SHEETS:
        for suffix in ("From", "To", "Owner", "Region", "Output"):
            assert filter_name(sheet, suffix) in wb.defined_names, (sheet, suffix)
    ws = wb[SALES]
    assert ws["B7"].value == "East"
    _, r1, _, _ = range_boundaries(ws.tables["tblSalesByRegion"].ref)
    assert r1 == OUTPUT_CELL[0] + TABLE_HEADER_OFFSET
    assert ws.tables["tblSalesByRegion"].ref.startswith("O31:")
    assert [t for t in ws.tables] and "tblCustomers" in wb["Customers"].tables


# ----- LibreOffice renders it ---------------------------------------------------------------------

@needs_soffice
def test_libreoffice_converts_the_report_workbook_to_pdf_with_the_charts(report_file, tmp_path):
    out = tmp_path / "pdf"
    soffice(["--convert-to", "pdf", "--outdir", str(out), str(report_file)], tmp_path)
    pdf = out / "reports.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
        for title in ("Sales by month", "Pipeline funnel (open stages)", "Open tickets by age",
                      "Customers by RFM segment"):
            assert title in text, title
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")],
                       check=True, timeout=60)
        png = next(tmp_path.glob("page*.png"))
        assert png.stat().st_size > 5_000


def test_the_live_writer_offers_every_method_the_report_writer_protocol_names():
    from cims_xl.reports.sheets import ReportWriter
    from cims_xl.excel.report_writer_live import XlwingsWriter
    wanted = {n for n in vars(ReportWriter) if not n.startswith("_")}
    assert wanted == {"ensure_sheet", "output_cell", "read_filters", "clear_table", "write_cells",
                      "put_table", "format_sheet", "replace_charts", "wrap_across", "make_room"}
    assert wanted <= set(dir(XlwingsWriter)) and wanted <= set(dir(OpenpyxlWriter))


def test_importing_the_reports_never_loads_xlwings():
    import sys
    code = ("import sys, cims_xl.reports, cims_xl.excel.report_writer_live; "
            "print('xlwings' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_refreshing_the_macro_workbook_keeps_its_vba_and_ribbon(tmp_path):
    from cims_xl.excel.build import build_workbook
    from cims_xl.excel.report_writer import refresh_reports_file
    book = build_workbook(tmp_path / "cims.xlsm")
    refresh_reports_file(book, FakeSession(), frames=all_frames(), as_of=AS_OF)
    with zipfile.ZipFile(book) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        assert "customUI/customUI14.xml" in z.read("_rels/.rels").decode()
    assert "tblSalesByRegion" in openpyxl.load_workbook(book, keep_vba=True)[SALES].tables


def test_notes_stay_merged_and_wrapped_across_their_band_through_repeated_refreshes(tmp_path):
    """In place (the package patch writes mergeCells): each note is one merged, wrapped
    cell over its band; a second refresh leaves the same merges, not twice as many."""
    from cims_xl.excel.build import build_workbook
    from cims_xl.excel.report_writer import refresh_reports_file
    from cims_xl.reports.sheets import band_columns
    from test_package_preserved import _validate
    book = build_workbook(tmp_path / "cims.xlsm")
    seen = []
    for _ in range(2):
        refresh_reports_file(book, FakeSession(), frames=all_frames(), as_of=AS_OF)
        ws = openpyxl.load_workbook(book, keep_vba=True)[SALES]
        seen.append(sorted(str(r) for r in ws.merged_cells.ranges))
    assert seen[0] == seen[1]
    note_row = OUTPUT_CELL[0] + 21
    for name, start in band_columns(SALES).items():
        cell = ws.cell(note_row, start)
        merged = next(r for r in ws.merged_cells.ranges if r.min_row == note_row and r.min_col == start)
        assert merged.max_col - merged.min_col + 1 >= 6 and cell.alignment.wrap_text, name
    assert f"B{OUTPUT_CELL[0] + 1}:" in " ".join(seen[1])       # the filters line too
    with zipfile.ZipFile(book) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"):
                _validate(n, z.read(n))


def test_an_unknown_report_sheet_is_a_plain_error():
    wb = openpyxl.Workbook()
    with pytest.raises(CimsError, match="not a report sheet: Report - Cats"):
        refresh_with_writer(OpenpyxlWriter(wb), FakeSession(), frames={}, sheets=("Report - Cats",))
