"""Data sheets print every column on one page width (landscape, fitToWidth=1,
fitToHeight=0), each page repeating the header row; a workbook built before that gets
the setup on its next Save or Refresh, unless its sheet has a print setup of its own.
Parts checked with openpyxl and against the ECMA-376 schemas; LibreOffice renders it."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from lxml import etree

from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.layout import BY_SHEET
from cims_xl.excel.sync import refresh_book, save_book
from cims_xl.services import records

from render_check import SOFFICE, convert
from test_package_preserved import _validate
from test_sync_support import new_workbook

SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DATA_SHEETS = tuple(BY_SHEET)


def _sheet_parts(path) -> dict[str, bytes]:
    """Sheet title -> its worksheet part's bytes, read from the package."""
    with zipfile.ZipFile(path) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {el.get("Id"): el.get("Target").lstrip("/").removeprefix("xl/") for el in rels}
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        return {el.get("name"): z.read("xl/" + target[el.get(rid)]) for el in book.iter(SML + "sheet")}


def _print_titles(path) -> dict[str, str]:
    """Sheet title -> its _xlnm.Print_Titles range, from workbook.xml."""
    with zipfile.ZipFile(path) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
    titles = [el.get("name") for el in book.iter(SML + "sheet")]
    return {titles[int(el.get("localSheetId"))]: el.text for el in book.iter(SML + "definedName")
            if el.get("name") == "_xlnm.Print_Titles"}


def _assert_fits_width(name: str, part: bytes) -> None:
    root = etree.fromstring(part)
    setup = root.find(SML + "pageSetup")
    props = root.find(f"{SML}sheetPr/{SML}pageSetUpPr")
    assert setup is not None and props is not None, name
    assert (setup.get("orientation"), setup.get("fitToWidth"), setup.get("fitToHeight")) == ("landscape", "1", "0")
    assert props.get("fitToPage") in ("1", "true")
    assert setup.get("scale") in (None, "100")
    _validate(name, part)


def test_a_built_workbook_prints_each_data_sheet_one_page_wide_repeating_its_header(tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    parts = _sheet_parts(book)
    titles = _print_titles(book)
    for name in DATA_SHEETS:
        _assert_fits_width(name, parts[name])
        assert re.fullmatch(rf"'?{name}'?!\$1:\$1", titles[name]), titles[name]


def _as_older_build(path, keep_scale: dict[str, int] | None = None) -> None:
    """What a workbook built before this change had: landscape at 100 %, no fit to page."""
    wb = openpyxl.load_workbook(path)
    for name in DATA_SHEETS:
        ws = wb[name]
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
        ws.page_setup.scale = (keep_scale or {}).get(name)
    wb.save(path)


@pytest.mark.parametrize("action", ["save", "refresh"])
def test_an_older_workbook_gets_the_page_setup_on_its_next_sync(admin, tmp_path, action):
    records.create(admin, "customer", {"name": "Grace Mwangi", "city": "Nairobi"})
    book = new_workbook(tmp_path / "old.xlsx")
    _as_older_build(book, keep_scale={"Orders": 70})          # someone chose 70 % for Orders
    before = _sheet_parts(book)
    assert etree.fromstring(before["Customers"]).find(SML + "pageSetup").get("fitToWidth") is None
    fb = FileWorkbook(book)
    (save_book if action == "save" else refresh_book)(admin, fb)
    fb.save()
    parts = _sheet_parts(book)
    for name in DATA_SHEETS:
        if name == "Orders":
            setup = etree.fromstring(parts[name]).find(SML + "pageSetup")
            assert setup.get("scale") == "70" and setup.get("fitToWidth") is None    # theirs, kept
            _validate(name, parts[name])
        else:
            _assert_fits_width(name, parts[name])
    assert _print_titles(book)["Customers"].endswith("$1:$1")


def test_a_broken_page_setup_fails_the_schema_check(tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    part = _sheet_parts(book)["Customers"].replace(b'fitToHeight="0"', b'fitToHeight="none"')
    with pytest.raises(AssertionError, match="does not validate"):
        _validate("Customers", part)


def _pages(pdf) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext)."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\f")[:-1]


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler's pdftotext are needed to render the workbook")
def test_libreoffice_prints_a_sheet_of_nine_customers_on_one_page_with_every_column(admin, tmp_path):
    names = ["Ава Петрова", "Bongani Dlamini", "陈静", "Diego Fernández", "Émilie Laurent", "Fatima Zahra",
             "Giulia Rossi", "Hiroshi Sato", "Ingrid Olsen"]
    for i, name in enumerate(names):
        records.create(admin, "customer", {"name": name, "email": f"c{i}@example.org", "city": "Town",
                                           "notes": "Prefers e-mail; call after 10:00 " * 2})
    book = new_workbook(tmp_path / "nine.xlsx")
    _as_older_build(book)
    fb = FileWorkbook(book)
    refresh_book(admin, fb)
    fb.save()
    wb = openpyxl.load_workbook(book)                  # print only the Customers sheet
    for ws in wb.worksheets:
        if ws.title != "Customers":
            ws.sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Customers")
    wb.save(tmp_path / "only.xlsx")
    pdf = convert(tmp_path / "only.xlsx", "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages = _pages(pdf)
    assert len(pages) == 1, f"{len(pages)} pages"
    words = " ".join(pages[0].split())
    for header in ("ID", "Name", "Email", "Notes", "Marketing", "Created", "Updated", "Status"):
        assert header in words
    assert all(name in words for name in names)
