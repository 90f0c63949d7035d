"""Report charts show their bars and lines after a sync of a LibreOffice-saved workbook.

LibreOffice saves a workbook without a theme part. Our charts took their series and
gridline colours from the theme (chart style 10), so after `sync reports` on such a file
LibreOffice drew titles and axes but no bars, lines or gridlines; and openpyxl, which
cannot read LibreOffice's chart XML, printed "Unable to read chart ..." once per chart.
Checked on the chart parts read back from the file (every colour named in the chart,
schema-valid) and, with LibreOffice installed, on its own round trip: the rendered
report pages show as much bar colour after our sync as before it, and the sync says
nothing on the terminal.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cims_xl.excel import sync
from cims_xl.excel.layout import REPORT_SHEETS
from cims_xl.excel.package import Package
from cims_xl.excel.xlsx_patch import sheet_parts
from cims_xl.services import records
from test_package_preserved import A, C, _parts, _validate
from test_sync_support import new_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
THEME_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


def _orders(admin) -> None:
    ids = [records.create(admin, "customer", {"name": n, "country": c, "province": p})["id"]
           for n, c, p in (("王芳", "CN", "广东"), ("Müller GmbH", "DE", None), ("Ana Souza", "BR", "SP"))]
    for i, (day, amount) in enumerate((("2024-03-05", "1234.50"), ("2024-11-11", "880"), ("2025-01-20", "5000"),
                                       ("2025-06-02", "2400.75"), ("2026-02-14", "3100"))):
        records.create(admin, "order", {"customer_id": ids[i % 3], "order_date": day, "amount": amount,
                                        "currency": "CNY"})


def _drop_theme(path: Path) -> None:
    """The package without its theme part, as LibreOffice saves it."""
    parts = _parts(path)
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    for rel in list(rels):
        if rel.get("Type") == THEME_REL:
            parts.pop("xl/" + rel.get("Target").lstrip("/").removeprefix("xl/"), None)
            rels.remove(rel)
    parts["xl/_rels/workbook.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                         standalone=True)
    ct = etree.fromstring(parts["[Content_Types].xml"])
    for el in list(ct):
        if "theme" in (el.get("PartName") or ""):
            ct.remove(el)
    parts["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert not any("theme" in n for n in _parts(path))


def report_chart_parts(path: Path) -> dict[str, bytes]:
    """{chart part: bytes} of the charts drawn on the report sheets."""
    pkg = Package(path)
    out = {}
    for title, part in sheet_parts(pkg)[1].items():
        if title not in REPORT_SHEETS:
            continue
        for _r, drawing in pkg.rel_targets(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"):
            for _c, chart in pkg.rel_targets(drawing, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"):
                out[chart] = pkg.read(chart)
    return out


def assert_colours_named(charts: dict[str, bytes]) -> None:
    """Every series, gridline and axis line has its own RGB colour; none comes from a theme."""
    assert charts, "the report sheets have charts"
    c, a = f"{{{C}}}", f"{{{A}}}"
    for name, data in charts.items():
        _validate(name, data)
        root = etree.fromstring(data)
        assert not list(root.iter(a + "schemeClr")), f"{name}: a colour taken from the theme"
        series = list(root.iter(c + "ser"))
        assert series, name
        for ser in series:
            kind = etree.QName(ser.getparent()).localname
            colour = ser.find(f"{c}spPr/{a}ln/{a}solidFill/{a}srgbClr" if kind == "lineChart"
                              else f"{c}spPr/{a}solidFill/{a}srgbClr")
            assert colour is not None and len(colour.get("val")) == 6, f"{name}: a {kind} series without a colour"
        colours = [s.find(f"{c}spPr//{a}srgbClr").get("val") for s in series]
        assert len(set(colours)) == len(colours), f"{name}: two series of one colour"
        grid = root.find(f".//{c}valAx/{c}majorGridlines/{c}spPr/{a}ln/{a}solidFill/{a}srgbClr")
        assert grid is not None, f"{name}: gridlines without a colour"


def test_report_charts_name_every_colour_so_a_workbook_without_a_theme_still_shows_them(tmp_path, admin):
    path = new_workbook(tmp_path / "cims.xlsx")
    _orders(admin)
    _drop_theme(path)
    sync.sync_file(admin, path, "reports")
    assert_colours_named(report_chart_parts(path))
    sync.sync_file(admin, path, "reports")   # a second sync replaces them the same way
    assert_colours_named(report_chart_parts(path))


# ----- LibreOffice's own round trip, rendered ---------------------------------------------------

def _soffice(args: list[str], tmp: Path) -> None:
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
                           "--norestore", *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _chart_ink(book: Path, tmp: Path, titles: tuple[str, ...]) -> int:
    """Pixels of series colour (blue, red, green ... saturated, not grey) on the printed
    pages that show one of `titles`, at 30 dpi."""
    out = tmp / f"pdf-{book.stem}"
    _soffice(["--convert-to", "pdf", "--outdir", str(out), str(book)], tmp)
    pdf = out / f"{book.stem}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    pages = [i for i, page in enumerate(text.split("\f"), start=1) if any(t in page for t in titles)]
    assert pages, f"no page shows {titles}"
    ink = 0
    for page in pages:
        ppm = subprocess.run(["pdftoppm", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)],
                             capture_output=True, check=True, timeout=120).stdout
        ink += _saturated_pixels(ppm)
    return ink


def _saturated_pixels(ppm: bytes) -> int:
    """Pixels of a binary PPM (P6) whose channels differ by more than 60 (a colour, not grey)."""
    fields, pos = [], 2
    assert ppm[:2] == b"P6"
    while len(fields) < 3:
        while ppm[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not ppm[end:end + 1].isspace():
            end += 1
        fields.append(int(ppm[pos:end]))
        pos = end
    width, height, _maxval = fields
    data = ppm[pos + 1: pos + 1 + width * height * 3]
    return sum(1 for i in range(0, len(data), 3) if max(data[i:i + 3]) - min(data[i:i + 3]) > 60)


@pytest.mark.skipif(SOFFICE is None or not shutil.which("pdftoppm") or not shutil.which("pdftotext"),
                    reason="LibreOffice and poppler-utils are needed to render the round trip")
def test_after_a_libreoffice_save_a_reports_sync_shows_the_chart_data_and_prints_no_warnings(
        tmp_path, admin, store_path, monkeypatch, capsys):
    from conftest import ADMIN_PASSWORD

    from cims_xl.cli import main

    built = new_workbook(tmp_path / "cims.xlsx")
    _orders(admin)
    sync.sync_file(admin, built, "reports")
    _soffice(["--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(built)], tmp_path)
    path = tmp_path / "lo" / "cims.xlsx"
    assert not any("theme" in n for n in _parts(path)), "LibreOffice saves no theme part"
    titles = ("Sales by year", "Sales by region")
    before = _chart_ink(path, tmp_path, titles)
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["sync", str(path), "reports"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert not [w for w in caught if "openpyxl" in (w.filename or "") or "chart" in str(w.message)], \
        [str(w.message) for w in caught]
    assert "Warning" not in err and "Unable to read" not in err + out
    assert_colours_named(report_chart_parts(path))
    after = _chart_ink(path, tmp_path, titles)
    assert after >= 0.8 * before, f"series colour on the report pages: {before} px before our sync, {after} after"
