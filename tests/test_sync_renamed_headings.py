"""A data table's heading that names no field (City renamed Stadt, mistyped, translated)
stops Save and Refresh before anything is written, naming the sheet, the heading and
the field it most likely was; a heading differing only in case, width or spaces is the
same field; a column the user added inside the table keeps working."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.services import records

from test_sync_support import new_workbook


def _headers(ws):
    t = ws.tables["tblCustomers"]
    c1, r1, c2, r2 = range_boundaries(t.ref)
    return c1, r1, c2, r2, [ws.cell(r1, c).value for c in range(c1, c2 + 1)]


def _book_with_customer(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    book = new_workbook(tmp_path / "shop.xlsx")
    code, _, err = run("sync", str(book), "refresh")
    assert code == 0, err
    return cid, book


def _rename_and_type(book, old: str, new: str, typed: dict, *, definition: bool = True) -> None:
    """Retype heading `old` as `new` (and the table column's own name when `definition`),
    then type `typed` (heading -> value, by the headings after the rename) in the first row."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    c1, r1, c2, r2, headers = _headers(ws)
    i = headers.index(old)
    ws.cell(r1, c1 + i).value = new
    if definition:
        ws.tables["tblCustomers"].tableColumns[i].name = new
    headers[i] = new
    for h, v in typed.items():
        ws.cell(r1 + 1, c1 + headers.index(h)).value = v
    wb.save(book)


@pytest.mark.parametrize("new", ["Stadt", "城市", "Ville", "Ctiy", "Город", "مدينة"])
@pytest.mark.parametrize("definition", [True, False])
def test_a_renamed_heading_stops_save_naming_sheet_heading_and_field_and_nothing_is_written(
        run, admin, tmp_path, new, definition):
    cid, book = _book_with_customer(run, admin, tmp_path)
    _rename_and_type(book, "City", new, {new: "München"}, definition=definition)
    before = book.read_bytes()
    code, out, err = run("sync", str(book), "save")
    assert code != 0
    assert "Customers" in err and repr(new) in err and "'City'" in err and "Nothing was saved" in err
    assert "column" in err and "heading back" in err
    assert records.get(admin, cid).get("city") in (None, "")
    assert book.read_bytes() == before


@pytest.mark.parametrize("new", ["Stadt", "Ort"])
def test_a_renamed_heading_stops_refresh_instead_of_leaving_the_column_stale(run, admin, tmp_path, new):
    cid, book = _book_with_customer(run, admin, tmp_path)
    _rename_and_type(book, "City", new, {})
    records.update(admin, cid, {"city": "Paris"}, expected_version=1)
    before = book.read_bytes()
    code, out, err = run("sync", str(book), "refresh")
    assert code != 0
    assert repr(new) in err and "'City'" in err and "Nothing was refreshed" in err
    assert book.read_bytes() == before


@pytest.mark.parametrize("new", ["city", "  CITY ", "Ｃｉｔｙ", "City\u00a0"])
def test_a_heading_differing_only_in_case_width_or_spaces_is_the_same_field_both_ways(
        run, admin, tmp_path, new):
    cid, book = _book_with_customer(run, admin, tmp_path)
    _rename_and_type(book, "City", new, {new: "München"})
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    rec = records.get(admin, cid)
    assert rec["city"] == "München"
    records.update(admin, cid, {"city": "Paris"}, expected_version=rec["version"])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    ws = openpyxl.load_workbook(book)["Customers"]
    c1, r1, c2, r2, headers = _headers(ws)
    assert ws.cell(r1 + 1, c1 + headers.index(new)).value == "Paris"


@pytest.mark.parametrize("left", ["Email", "City", "Status"])
def test_a_column_the_user_adds_inside_the_table_keeps_working_beside_a_heading_retyped_in_capitals(
        run, admin, tmp_path, left):
    cid, book = _book_with_customer(run, admin, tmp_path)
    _rename_and_type(book, "Phone", "PHONE", {}, definition=False)
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    c1, r1, c2, r2, headers = _headers(ws)
    headers = ["Phone" if h == "PHONE" else h for h in headers]
    at = c1 + headers.index(left) + 1
    ws.insert_cols(at)
    t = ws.tables["tblCustomers"]
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import TableColumn
    t.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2 + 1)}{r2}"
    t.autoFilter.ref = t.ref
    cols = list(t.tableColumns)
    cols.insert(at - c1, TableColumn(id=len(cols) + 1, name="Meine Notiz"))
    t.tableColumns = cols
    ws.cell(r1, at).value = "Meine Notiz"
    ws.cell(r1 + 1, at).value = "VIP seit 2019"
    ws.cell(r1 + 1, c1 + headers.index("Phone") + (1 if headers.index("Phone") >= at - c1 else 0)).value = \
        "+49 30 1234567"
    wb.save(book)
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    assert records.get(admin, cid)["phone"].replace(" ", "").endswith("301234567")
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    ws = openpyxl.load_workbook(book)["Customers"]
    assert ws.cell(r1 + 1, at).value == "VIP seit 2019"
