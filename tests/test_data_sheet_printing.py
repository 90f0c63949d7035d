"""Data sheets print at a readable scale (70 to 100 %, landscape), as many pages wide as
their visible columns need at that scale, each page repeating the header row and the
record's identifying columns (ID up to its name column); a workbook built before that
(fitted to one page wide: about 3 pt text) gets the setup on its next Save or Refresh,
unless its sheet has a print setup of its own. Parts checked with openpyxl and against
the ECMA-376 schemas; LibreOffice renders it to PDF and PNG."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils import get_column_letter

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


def _setup(part: bytes) -> tuple[dict, dict]:
    root = etree.fromstring(part)
    setup = root.find(SML + "pageSetup")
    props = root.find(f"{SML}sheetPr/{SML}pageSetUpPr")
    return dict(setup.attrib) if setup is not None else {}, dict(props.attrib) if props is not None else {}


def _assert_readable(name: str, part: bytes) -> int:
    """The sheet prints landscape at 70-100 %, not fitted to a page; returns the scale."""
    setup, props = _setup(part)
    assert setup.get("orientation") == "landscape", name
    assert props.get("fitToPage") in (None, "0", "false"), name
    assert 70 <= int(setup.get("scale", "100")) <= 100, (name, setup)
    assert setup.get("pageOrder") == "downThenOver", name
    _validate(name, part)
    return int(setup.get("scale", "100"))


TITLE_COLUMNS = {"Customers": "A:$B", "Contacts": "A:$C", "Interactions": "A:$C", "Orders": "A:$B",
                 "Opportunities": "A:$C", "Tickets": "A:$C"}


def _titles_ok(name: str, text: str) -> None:
    parts = sorted(p.split("!")[1] for p in text.split(","))
    assert parts == ["$1:$1", "$" + TITLE_COLUMNS[name]], text


def test_a_built_workbook_prints_each_data_sheet_readably_repeating_header_and_id_columns(tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    parts = _sheet_parts(book)
    titles = _print_titles(book)
    wb = openpyxl.load_workbook(book)
    for name in DATA_SHEETS:
        scale = _assert_readable(name, parts[name])
        _titles_ok(name, titles[name])
        ws = wb[name]
        heads = [ws.cell(1, c).value for c in range(1, 5)]
        assert heads[0] == "ID"
        last = TITLE_COLUMNS[name][-1]
        assert ws[f"{last}1"].value.lower().endswith(("name", "no.", "opportunity", "subject")), (name, heads)
        # the scale follows the visible columns: wider sheets print smaller, never below 70 %
        width = sum(ws.column_dimensions[get_column_letter(c)].width * 7 + 5
                    for c in range(1, ws.max_column + 1) if not ws.column_dimensions[get_column_letter(c)].hidden)
        assert width * 0.75 * scale / 100 > 684 or scale == 100     # it does not fit one page: pages across


def _as_older_build(path, keep_scale: dict[str, int] | None = None, *, one_page_wide: bool = False) -> None:
    """What a workbook built before this change had: landscape at 100 %, no fit to page,
    or (one_page_wide) fitted to one page wide (fitToWidth=1, fitToHeight=0)."""
    wb = openpyxl.load_workbook(path)
    for name in DATA_SHEETS:
        ws = wb[name]
        fitted = one_page_wide and name not in (keep_scale or {})
        ws.sheet_properties.pageSetUpPr.fitToPage = fitted
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = (1, 0) if fitted else (None, None)
        ws.page_setup.scale = (keep_scale or {}).get(name)
        ws.page_setup.pageOrder = None
        ws.print_title_cols = None
    wb.save(path)


@pytest.mark.parametrize("one_page_wide", [False, True])
@pytest.mark.parametrize("action", ["save", "refresh"])
def test_an_older_workbook_gets_the_readable_setup_on_its_next_sync(admin, tmp_path, action, one_page_wide):
    records.create(admin, "customer", {"name": "Grace Mwangi", "city": "Nairobi"})
    book = new_workbook(tmp_path / "old.xlsx")
    _as_older_build(book, keep_scale={"Orders": 85}, one_page_wide=one_page_wide)   # someone chose 85 % for Orders
    before = _sheet_parts(book)
    assert _setup(before["Customers"])[0].get("pageOrder") is None
    fb = FileWorkbook(book)
    (save_book if action == "save" else refresh_book)(admin, fb)
    fb.save()
    parts = _sheet_parts(book)
    titles = _print_titles(book)
    for name in DATA_SHEETS:
        if name == "Orders":
            setup, _props = _setup(parts[name])
            assert setup.get("scale") == "85" and setup.get("pageOrder") is None    # theirs, kept
            _validate(name, parts[name])
        else:
            _assert_readable(name, parts[name])
            _titles_ok(name, titles[name])


def test_a_sheet_whose_user_hid_most_columns_prints_at_full_size(admin, tmp_path):
    records.create(admin, "customer", {"name": "Aiko Tanaka", "city": "大阪"})
    book = new_workbook(tmp_path / "narrow.xlsx")
    _as_older_build(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    for c in range(5, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(c)].hidden = True
    wb.save(book)
    fb = FileWorkbook(book)
    refresh_book(admin, fb)
    fb.save()
    assert _assert_readable("Customers", _sheet_parts(book)["Customers"]) == 100


def test_a_broken_page_setup_fails_the_schema_check(tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    part = _sheet_parts(book)["Customers"].replace(b'pageOrder="downThenOver"', b'pageOrder="sideways"')
    with pytest.raises(AssertionError, match="does not validate"):
        _validate("Customers", part)


def _pages(pdf) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext)."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\f")[:-1]


def _word_heights(pdf) -> list[float]:
    """The height in points of every word LibreOffice printed (pdftotext -bbox)."""
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [float(m.group(2)) - float(m.group(1))
            for m in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', done.stdout)]


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice and poppler's pdftotext and pdftoppm are needed to render the workbook")
@pytest.mark.parametrize("one_page_wide", [False, True])
def test_libreoffice_prints_customers_readably_with_id_and_name_on_every_page(admin, tmp_path, one_page_wide):
    names = ["Ава Петрова", "Bongani Dlamini", "陈静", "Diego Fernández", "Émilie Laurent", "Fatima Zahra",
             "Giulia Rossi", "Hiroshi Sato", "Ingrid Olsen"]
    for i, name in enumerate(names):
        records.create(admin, "customer", {"name": name, "email": f"c{i}@example.org", "city": "Town",
                                           "notes": "Prefers e-mail; call after 10:00 " * 2})
    book = new_workbook(tmp_path / "nine.xlsx")
    _as_older_build(book, one_page_wide=one_page_wide)
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
    assert 2 <= len(pages) <= 6, f"{len(pages)} pages"
    seen = " ".join(" ".join(p.split()) for p in pages)
    for page in pages:                             # ID and Name repeat on every page, with every name
        words = " ".join(page.split())
        assert "ID" in words and "Name" in words
        assert all(name in words for name in names), words[:200]
    for header in ("Email", "Notes", "Marketing", "Created", "Updated", "Status"):
        assert header in seen
    heights = _word_heights(pdf)
    assert heights and min(heights) >= 6.0, min(heights)        # 11 pt text at >= 70 %, not 3 pt
    done = subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and list(tmp_path.glob("page*.png"))
