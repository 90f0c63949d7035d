"""`cims sync FILE reports` rebuilds only the charts cims made on a report sheet: a chart
the user added there (under the tables, far to the right, one titled like a report chart
but drawing the user's own data) stays byte for byte, and one under the report tables
moves down with the rows when the tables grow, as the user's cells do. The charts cims
made before (marked, or from a version before the mark) are replaced, never doubled."""
from __future__ import annotations

import re
import zipfile

import openpyxl
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils.cell import range_boundaries

from cims_xl.services import records

from test_sync_support import new_workbook

SALES = "Report - Sales"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _orders(admin, cid, first_year: int, months: int) -> None:
    for m in range(months):
        y, mo = divmod(m, 12)
        records.create(admin, "order", {"customer_id": cid, "order_date": f"{first_year + y}-{mo + 1:02d}-15",
                                        "amount": 10 + m})


def _bottom(path) -> int:
    ws = openpyxl.load_workbook(path)[SALES]
    return max(range_boundaries(ref)[3] for _name, ref in ws.tables.items())


def _sheet_charts(path, sheet=SALES) -> list[dict]:
    """The charts anchored on a sheet, read from the file: title, top-left row (1-based),
    column, the chart part's bytes, the anchor's name."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        book = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                   for s in book.iter("{*}sheet") if s.get("name") == sheet)
        part = "xl/" + targets[rid].lstrip("/").removeprefix("xl/")

        def rel_map(p):
            rp = p.rsplit("/", 1)[0] + "/_rels/" + p.rsplit("/", 1)[1] + ".rels"
            if rp not in names:
                return {}
            out = {}
            for r in etree.fromstring(z.read(rp)):
                t = r.get("Target")
                out[r.get("Id")] = (t.lstrip("/") if t.startswith("/") else
                                    __import__("posixpath").normpath(p.rsplit("/", 1)[0] + "/" + t))
            return out

        found = []
        for _id, drawing in rel_map(part).items():
            if "drawings/" not in drawing:
                continue
            charts = rel_map(drawing)
            for anchor in etree.fromstring(z.read(drawing)):
                ref = anchor.find(f".//{C}chart")
                if ref is None:
                    continue
                chart_part = charts[ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
                data = z.read(chart_part)
                head = etree.fromstring(data).find(f"{C}chart/{C}title")
                title = "".join(t.text or "" for t in head.iter(f"{A}t")) if head is not None else ""
                nv = next(anchor.iter("{*}cNvPr"))
                found.append({"title": title, "row": int(anchor.find(f"{XDR}from/{XDR}row").text) + 1,
                              "col": int(anchor.find(f"{XDR}from/{XDR}col").text) + 1,
                              "bytes": data, "name": nv.get("name")})
        return found


def _add_user_charts(book, below: int, note: bool = True) -> None:
    """Three charts of the user on the Sales report: one under the tables (with a note
    above it), one far to the right, one titled "Sales by month" drawing a sheet of theirs."""
    wb = openpyxl.load_workbook(book)
    mine = wb.create_sheet("Mine")
    for i, v in enumerate([3, 5, 8, 13], start=1):
        mine.cell(i, 1, f"w{i}")
        mine.cell(i, 2, v)
    ws = wb[SALES]
    if note:
        ws[f"B{below - 1}"] = "my chart below"
    for title, where, kind in (("Mein Diagramm", f"B{below}", LineChart), ("右の図", "CA2", BarChart),
                               ("Sales by month", "BZ30", LineChart)):
        chart = kind()
        chart.title = title
        chart.add_data(Reference(mine, min_col=2, min_row=1, max_row=4))
        chart.set_categories(Reference(mine, min_col=1, min_row=1, max_row=4))
        ws.add_chart(chart, where)
    wb.save(book)


def test_a_report_refresh_keeps_the_users_charts_and_moves_the_one_under_growing_tables(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    _orders(admin, cid, 2020, 6)
    book = new_workbook(tmp_path / "r.xlsx")
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    cims_titles = sorted(c["title"] for c in _sheet_charts(book))
    assert cims_titles                                              # the report draws charts
    bottom = _bottom(book)
    _add_user_charts(book, bottom + 6)      # saved by openpyxl: cims's charts lose their mark
    user_before = {c["title"]: c for c in _sheet_charts(book) if c["title"] not in cims_titles
                   or c["col"] > 70}
    assert len(user_before) == 3
    _orders(admin, cid, 2017, 30)                                   # earlier months: tables grow
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    grown = _bottom(book) - bottom
    assert grown > 0
    after = _sheet_charts(book)
    user_after = {c["title"]: c for c in after if c["name"] is None or not c["name"].startswith("CIMS")}
    assert set(user_after) == set(user_before)
    for title, before in user_before.items():
        assert user_after[title]["bytes"] == before["bytes"]          # the chart itself, byte for byte
    assert user_after["Mein Diagramm"]["row"] == bottom + 6 + grown   # moved with the rows
    assert user_after["右の図"]["row"] == 2 and user_after["Sales by month"]["row"] == 30
    ws = openpyxl.load_workbook(book)[SALES]
    assert ws[f"B{bottom + 5 + grown}"].value == "my chart below"
    # cims's charts: rebuilt once each, marked, none doubled
    ours = [c for c in after if (c["name"] or "").startswith("CIMS report chart")]
    assert sorted(c["title"] for c in ours) == cims_titles
    assert len(after) == len(ours) + 3
    assert _validate_parts(book) > 3


def test_refreshing_reports_twice_keeps_one_set_of_report_charts_and_every_user_chart(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    _orders(admin, cid, 2021, 14)
    book = new_workbook(tmp_path / "r.xlsx")
    assert run("sync", str(book), "reports")[0] == 0
    n_cims = len(_sheet_charts(book))
    _add_user_charts(book, _bottom(book) + 4)
    for _ in range(2):
        code, out, err = run("sync", str(book), "reports")
        assert code == 0, err + out
    after = _sheet_charts(book)
    assert len(after) == n_cims + 3
    assert [c["col"] for c in after if c["title"] == "Sales by month"] == [78]   # the user's, kept
    assert len([c for c in after if c["title"].startswith("Sales by month (")]) == 1
    assert {"Mein Diagramm", "右の図"} <= {c["title"] for c in after}


def _validate_parts(book, prefixes=("xl/drawings/drawing", "xl/charts/chart", "xl/worksheets/sheet")) -> int:
    """Every drawing, chart and worksheet part validates against the ECMA-376 schemas."""
    from test_package_preserved import _validate

    n = 0
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith(prefixes) and name.endswith(".xml"):
                _validate(name, z.read(name))
                n += 1
    return n


def test_the_ribbons_refresh_reports_on_a_file_keeps_the_users_chart_and_moves_it_with_the_rows(
        admin, tmp_path, store_path):
    from cims_xl.excel import live_session, ribbon
    from cims_xl.excel.adapter import FileWorkbook

    cid = records.create(admin, "customer", {"name": "Ελένη Παπαδοπούλου"})["id"]
    _orders(admin, cid, 2022, 5)
    book = new_workbook(tmp_path / "cims.xlsx")
    fb = FileWorkbook(book)
    fb.set_name("CIMS_StorePath", str(store_path))
    fb.save()
    live_session.use(admin)
    try:
        assert ribbon.dispatch("btnReports", FileWorkbook(book)) == "Refreshed 4 report sheet(s)."
        bottom = _bottom(book)
        _add_user_charts(book, bottom + 3)
        mine = next(c for c in _sheet_charts(book) if c["title"] == "Mein Diagramm")
        _orders(admin, cid, 2019, 20)
        assert ribbon.dispatch("btnReports", FileWorkbook(book)) == "Refreshed 4 report sheet(s)."
    finally:
        live_session.use(None)
    grown = _bottom(book) - bottom
    assert grown > 0
    after = next(c for c in _sheet_charts(book) if c["title"] == "Mein Diagramm")
    assert after["bytes"] == mine["bytes"] and after["row"] == bottom + 3 + grown
    assert openpyxl.load_workbook(book)[SALES][f"B{bottom + 2 + grown}"].value == "my chart below"


def test_a_users_chart_alone_under_the_report_tables_moves_down_as_they_grow(run, admin, tmp_path):
    """No cell of the user's under the tables: the chart alone makes room for the report."""
    cid = records.create(admin, "customer", {"name": "محمد علي"})["id"]
    _orders(admin, cid, 2023, 3)
    book = new_workbook(tmp_path / "r.xlsx")
    assert run("sync", str(book), "reports")[0] == 0
    bottom = _bottom(book)
    _add_user_charts(book, bottom + 2, note=False)
    _orders(admin, cid, 2020, 30)
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    grown = _bottom(book) - bottom
    assert grown > 0
    mine = next(c for c in _sheet_charts(book) if c["title"] == "Mein Diagramm")
    assert mine["row"] == bottom + 2 + grown              # below the grown tables, not under them
