"""After a user sort and records removed or added elsewhere, Refresh keeps what the user
put beside a record with that record: values in columns beside the table, comments on
its cells, references to its cells (other sheets, defined names); rows a filter hides
are hidden again by the filter's criteria, never by the row number they had."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.filters import FilterColumn, Filters

from cims_xl.services import records

from test_sync_support import new_workbook

PEOPLE = [("Alice", "Berlin"), ("Bob", "Paris"), ("Carl", "Rom"), ("Dora", "Berlin"), ("محمد", "Kairo"),
          ("Émile", "Berlin")]


def _geo(ws):
    c1, r1, c2, r2 = range_boundaries(ws.tables["tblCustomers"].ref)
    return c1, r1, c2, r2, [ws.cell(r1, c).value for c in range(c1, c2 + 1)]


def _rows_by_key(ws):
    c1, r1, c2, r2, h = _geo(ws)
    return {ws.cell(r, c1 + h.index("_key")).value: r for r in range(r1 + 1, r2 + 1)}


def _sort_descending(book) -> None:
    """The user sorts the table by Name, Z to A (rows of the table's cells permuted)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    c1, r1, c2, r2, h = _geo(ws)
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
    rows.sort(key=lambda v: v[h.index("Name")], reverse=True)
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            ws.cell(r1 + 1 + i, c1 + j).value = v
    wb.save(book)


@pytest.mark.parametrize("removed", [["Alice"], ["Émile", "Bob"], ["محمد"]])
def test_content_beside_comments_and_references_stay_with_their_record_and_the_filter_is_reapplied(
        run, admin, tmp_path, removed):
    ids = {name: records.create(admin, "customer", {"name": name, "city": city})["id"] for name, city in PEOPLE}
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    _sort_descending(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    c1, r1, c2, r2, h = _geo(ws)
    at = _rows_by_key(ws)
    beside = c2 + 2
    name_col = c1 + h.index("Name")
    city_col = h.index("City")
    for name, cid in ids.items():
        ws.cell(at[cid], beside).value = f"tier for {name}"
    ws.cell(at[ids["Bob"]], name_col).comment = Comment("call him back", "me")
    ws.cell(at[ids["Dora"]], name_col).comment = Comment("VIP", "me")
    mine = wb.create_sheet("Mine")
    mine["A1"] = f"=Customers!{get_column_letter(name_col)}{at[ids['Dora']]}"
    wb.defined_names["MyCust"] = DefinedName(
        "MyCust", attr_text=f"Customers!${get_column_letter(name_col)}${at[ids['Carl']]}")
    t = ws.tables["tblCustomers"]
    t.autoFilter.filterColumn = [FilterColumn(colId=city_col, filters=Filters(filter=["Berlin"]))]
    for name, cid in ids.items():
        ws.row_dimensions[at[cid]].hidden = dict(PEOPLE)[name] != "Berlin"
    wb.save(book)
    for name in removed:
        records.delete(admin, ids.pop(name))
    carl = records.get(admin, ids["Carl"])
    records.update(admin, ids["Carl"], {"city": "Berlin"}, expected_version=carl["version"])
    ids["Zoe"] = records.create(admin, "customer", {"name": "Zoe", "city": "Oslo"})["id"]
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    at = _rows_by_key(ws)
    assert set(at) == set(ids.values())
    for name, cid in ids.items():
        if name != "Zoe":
            assert ws.cell(at[cid], beside).value == f"tier for {name}"
        assert ws.cell(at[cid], name_col).value == name
    comments = {ws.cell(r, name_col).value: ws.cell(r, name_col).comment for r in at.values()}
    assert {n for n, c in comments.items() if c is not None} == {"Bob", "Dora"} & set(comments)
    if "Bob" in comments:
        assert "call him back" in comments["Bob"].text
    assert "VIP" in comments["Dora"].text
    assert mine_ref(wb["Mine"]["A1"].value) == at[ids["Dora"]]
    assert mine_ref(wb.defined_names["MyCust"].attr_text) == at[ids["Carl"]]
    city = {ws.cell(r, name_col).value: (ws.cell(r, c1 + city_col).value, bool(ws.row_dimensions[r].hidden))
            for r in at.values()}
    for name, (where, hidden) in city.items():
        assert hidden == (where != "Berlin"), (name, where, hidden)


def mine_ref(text: str) -> int:
    import re
    return int(re.search(r"\$?[A-Z]+\$?(\d+)$", text).group(1))
