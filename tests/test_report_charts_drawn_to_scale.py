"""Report charts draw what the table holds, to scale, and a static report file shows
the filters it was made with as text (prob24):

- a line series has a marker on every point: a one-month trend ("Sales by month" of a
  single order) has no segment to draw, and without markers LibreOffice and Excel show
  an empty plot;
- a value axis whose charted values are none below 0 starts at 0 (c:scaling/c:min):
  a program's automatic axis started the sales line at 7,000 and a 12 % dip looked
  like a crash;
- `cims report --out` writes no yellow input cells for From/To/Owner/Region beside
  "This file cannot be refreshed": the filters used are plain text.
Checked on the chart parts of the written file (DrawingML chart XML, ECMA-376 Part 1
§21.2.2.32 marker, §21.2.2.111 min)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from cims_xl.excel.report_writer import write_report_workbook
from cims_xl.report_layout import FILTER_CELLS
from cims_xl.services import records

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
AS_SALES = "Report - Sales"


def _charts(path: Path) -> dict[str, etree._Element]:
    """Chart title -> its chart space, for every chart part of the file."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                title = "".join(root.find(f"{C}chart/{C}title").itertext()) if root.find(
                    f"{C}chart/{C}title") is not None else name
                out[title] = root
    return out


def _orders(admin, rows) -> None:
    cid = records.create(admin, "customer", {"name": "Bahrain Trading", "country": "BH"})["id"]
    for day, amount, currency in rows:
        records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": amount,
                                        "currency": currency})


def test_a_one_month_sales_line_has_a_marker_so_its_point_is_drawn(admin, tmp_path):
    _orders(admin, [("2026-03-05", "12.5", "BHD")])
    path = tmp_path / "r.xlsx"
    write_report_workbook(path, admin)
    lines = {t: r for t, r in _charts(path).items() if r.find(f".//{C}lineChart") is not None}
    assert lines, "the sales report draws a line chart"
    for title, root in lines.items():
        for ser in root.iter(f"{C}ser"):
            symbol = ser.find(f"{C}marker/{C}symbol")
            assert symbol is not None and symbol.get("val") not in (None, "none"), title
            # the marker is coloured in the chart itself, as the line is (no theme needed)
            assert ser.find(f"{C}marker/{C}spPr/{{http://schemas.openxmlformats.org/drawingml/2006/main}}solidFill") \
                is not None


def test_an_amount_axis_starts_at_zero_so_a_small_dip_is_drawn_to_scale(admin, tmp_path):
    _orders(admin, [("2026-01-05", "8000", "CNY"), ("2026-02-05", "7040", "CNY"), ("2026-03-05", "7900", "CNY")])
    path = tmp_path / "r.xlsx"
    write_report_workbook(path, admin)
    charts = _charts(path)
    sales = [r for t, r in charts.items() if t.startswith("Sales by month")]
    assert sales
    for root in charts.values():
        # every value axis of these charts (none has a value below 0) starts at 0
        for ax in root.iter(f"{C}valAx"):
            low = ax.find(f"{C}scaling/{C}min")
            assert low is not None and float(low.get("val")) == 0


def test_a_static_report_file_shows_its_filters_as_text_not_as_inputs(admin, tmp_path):
    _orders(admin, [("2026-01-05", "100", "CNY")])
    path = tmp_path / "r.xlsx"
    write_report_workbook(path, admin, date_from="2026-01-01", owner="admin")
    wb = openpyxl.load_workbook(path)
    for sheet in wb.sheetnames:
        ws = wb[sheet]
        assert "cannot be refreshed" in str(ws["A3"].value) + str(ws["A2"].value)
        for suffix, coord in FILTER_CELLS.items():
            cell = ws[coord]
            assert cell.fill.fill_type in (None, "none"), (sheet, suffix)
            assert cell.border.bottom is None or cell.border.bottom.style is None, (sheet, suffix)
        assert ws[FILTER_CELLS["From"]].value == dt.datetime(2026, 1, 1)       # a date, shown yyyy-mm-dd
        assert ws[FILTER_CELLS["Owner"]].value == "admin"
        assert ws[FILTER_CELLS["Region"]].value in (None, "")
