"""Texts of several lines (a note, an address) show every line in the workbook: their
cells wrap and their rows are tall enough, whether Refresh wrote them or the user typed
them into a row a Save wrote back. Checked in the file and as LibreOffice lays it out.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of, table_rows

NOTE = "老客户\n累计消费: 12000"
ADDRESS = "Flat 2\n10 Downing Street\nLondon"


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "客户.xlsx")


def _height(path, row: int, sheet: str = "Customers"):
    return openpyxl.load_workbook(path)[sheet].row_dimensions[row].height


def test_refresh_wraps_multi_line_notes_and_addresses_and_makes_their_rows_tall_enough(admin, book):
    ids = [records.create(admin, "customer", data)["id"] for data in (
        {"name": "王芳", "notes": NOTE},
        {"name": "Oliver Brown", "address": ADDRESS, "notes": "VIP"},
        {"name": "Jean Martin", "notes": "une ligne"},
    )]
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    wang, oliver, jean = (row_of(book, i) for i in ids)
    assert wang["Notes"] == NOTE and wang["@cell"]["Notes"].alignment.wrap_text
    assert _height(book, wang["@row"]) >= 2 * 15
    assert oliver["@cell"]["Address"].alignment.wrap_text and not oliver["@cell"]["Notes"].alignment.wrap_text
    assert _height(book, oliver["@row"]) >= 3 * 15
    assert not jean["@cell"]["Notes"].alignment.wrap_text and _height(book, jean["@row"]) is None


def test_a_row_already_taller_keeps_its_height_and_a_note_wider_than_its_column_counts_its_wrapped_lines(
        admin, book):
    long_line = "Ruft nur vormittags an, bitte immer zuerst die Zentrale wählen und nach Frau Schmidt fragen"
    cid = records.create(admin, "customer", {"name": "Anna Schmidt", "notes": f"{long_line}\nKundin seit 2019"})["id"]
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    row = row_of(book, cid)
    assert _height(book, row["@row"]) >= 3 * 15          # the long line wraps within the column
    with Editor(book) as ed:
        ed.ws.row_dimensions[row["@row"]].height = 200
        ed.set(cid, "City", "Köln")
    sync.sync_file(admin, book, "save", sheets=["Customers"])
    assert row_of(book, cid)["Status"] == "Updated" and _height(book, row["@row"]) == 200


def test_a_multi_line_note_typed_into_a_new_row_wraps_once_the_row_is_saved(admin, book):
    with Editor(book) as ed:
        ed.add_row({"Name": "Fatima Al-Sayed", "Notes": "Prefers WhatsApp\nArabic or French\nNo calls on Friday"})
    sync.sync_file(admin, book, "save", sheets=["Customers"])
    (row,) = table_rows(book)
    assert row["Status"] == "Created" and row["@cell"]["Notes"].alignment.wrap_text
    assert _height(book, row["@row"]) >= 3 * 15


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("fc-match") is None,
                    reason="LibreOffice and fontconfig lay the workbook out")
def test_libreoffice_shows_every_line_of_the_notes(admin, book, tmp_path):
    pytest.importorskip("fontTools", reason="fontTools measures text as LibreOffice draws it (dev extra)")
    import render_check as rc

    ids = [records.create(admin, "customer", {"name": n, "notes": t})["id"] for n, t in (
        ("王芳", NOTE), ("Oliver Brown", "Line one\nLine two\nLine three\nLine four"),
        ("Sakura Ito", "東京都渋谷区の本社\n担当: 伊藤\n毎月第一月曜日に訪問"))]
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    rows = {row_of(book, i)["@row"] for i in ids}
    sheet = next(s for s in rc.read_ods(rc.convert(book, "ods", tmp_path / "ods", tmp_path / "profile"))
                 if s.name == "Customers")
    notes_col = list(table_rows(book)[0]).index("Notes") + 1
    shown = {r: sheet.cells[(r, notes_col)] for r in rows}
    assert all(c.look.wrap and "\n" in c.text for c in shown.values())
    cut = [str(p) for p in rc.problems(sheet, pages=False) if p.cell.row in rows and p.kind == "cut off below"]
    assert cut == []
