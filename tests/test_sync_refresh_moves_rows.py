"""Refresh inserts and deletes whole sheet rows the way Excel's row insert/delete does:
whatever is anchored to the rows under or beside the table (formulas on this and other
sheets, defined names, comments, conditional formats, merged cells, validations,
hidden rows, the user's total row) moves with them; rows inserted under the table are
inserted inside it, so a range over the table's column keeps covering every record."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from cims_xl.services import records

from test_sync_support import new_workbook


def _note_box_rows(book) -> list[int]:
    """The 1-based rows the comments' note boxes (VML x:Row, 0-based) sit on."""
    import re
    import zipfile

    with zipfile.ZipFile(book) as z:
        vml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".vml"))
    return sorted(int(r) + 1 for r in re.findall(rb"<(?:[\w.-]+:)?Row>(\d+)</", vml))


def _chart_rows(book) -> list[int]:
    """The 1-based rows the Customers sheet's drawing anchors start on (xdr:from/xdr:row)."""
    import re
    import zipfile

    with zipfile.ZipFile(book) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if re.match(r"xl/drawings/drawing\d+\.xml$", n))
    return [int(r) + 1 for r in re.findall(rb"<(?:[\w.-]+:)?from><(?:[\w.-]+:)?col>\d+</(?:[\w.-]+:)?col>"
                                          rb"<(?:[\w.-]+:)?colOff>-?\d+</(?:[\w.-]+:)?colOff>"
                                          rb"<(?:[\w.-]+:)?row>(\d+)<", xml)]


def _table_end(ws) -> int:
    return range_boundaries(ws.tables["tblCustomers"].ref)[3]


def _decorate(book, below: int) -> None:
    """Under a table ending on row `below - 2`: a total row, a note, a merged note, a
    comment, a green total row, a drop-down, a hidden row; a sheet Mine pointing at them."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    end = _table_end(ws)
    t = below
    ws[f"A{t}"] = f"=COUNTA(A2:A{end})"
    ws[f"C{t}"] = f"=COUNTA($A$2:$A${end})"
    ws[f"D{t}"] = f"=A{t + 2}"
    ws[f"A{t + 2}"] = "a note"
    ws[f"A{t + 2}"].comment = Comment("about the note", "me")
    ws[f"B{t + 3}"] = "merged note"
    ws.merge_cells(f"B{t + 3}:D{t + 3}")
    ws.conditional_formatting.add(f"A{t}:D{t}", CellIsRule(operator="greaterThan", formula=["0"],
                                                           fill=PatternFill("solid", fgColor="C6EFCE")))
    dv = DataValidation(type="list", formula1='"yes,no"')
    dv.add(f"F{t}")
    ws.add_data_validation(dv)
    ws.row_dimensions[t + 4].hidden = True
    ws[f"A{t + 4}"] = "hidden line"
    from openpyxl.chart import BarChart, Reference
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=t, max_row=t))
    ws.add_chart(chart, f"F{t + 5}")
    mine = wb.create_sheet("Mine")
    mine["A1"] = f"=Customers!A{t}"
    mine["A2"] = f"=Customers!$A${t + 2}"
    mine["A3"] = f"=COUNTA(Customers!A2:A{end})"
    mine["A4"] = f"='Customers'!D{t}"
    wb.defined_names["MyTotal"] = DefinedName("MyTotal", attr_text=f"Customers!$A${t}")
    wb.save(book)


@pytest.mark.parametrize("added", [1, 2, 5])
def test_records_added_by_refresh_move_everything_under_the_table_as_excels_row_insert(
        run, admin, tmp_path, added):
    for i in range(4):
        records.create(admin, "customer", {"name": f"Kunde {i}"})
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    end = _table_end(openpyxl.load_workbook(book)["Customers"])
    t = end + 2
    _decorate(book, t)
    for i in range(added):
        records.create(admin, "customer", {"name": f"Neu {i}"})
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    wb = openpyxl.load_workbook(book)
    ws, mine = wb["Customers"], wb["Mine"]
    new_end, n = _table_end(ws), t + added
    assert new_end == end + added
    assert ws[f"A{n}"].value == f"=COUNTA(A2:A{new_end})"          # grows with the table
    assert ws[f"C{n}"].value == f"=COUNTA($A$2:$A${new_end})"
    assert ws[f"D{n}"].value == f"=A{n + 2}"
    assert ws[f"A{n + 2}"].value == "a note"
    assert ws[f"A{n + 2}"].comment is not None and "about the note" in ws[f"A{n + 2}"].comment.text
    assert ws[f"A{t + 2}"].comment is None or t + 2 >= n
    assert _note_box_rows(book) == [n + 2]
    assert _chart_rows(book) == [n + 5]
    assert f"B{n + 3}:D{n + 3}" in [str(r) for r in ws.merged_cells.ranges]
    assert ws[f"B{n + 3}"].value == "merged note"
    assert [str(r.sqref) for r in ws.conditional_formatting] == [f"A{n}:D{n}"]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.formula1 == '"yes,no"'] == [f"F{n}"]
    assert ws.row_dimensions[n + 4].hidden and ws[f"A{n + 4}"].value == "hidden line"
    assert not ws.row_dimensions[t + 4].hidden or t + 4 == n + 4
    assert mine["A1"].value == f"=Customers!A{n}"
    assert mine["A2"].value == f"=Customers!$A${n + 2}"
    assert mine["A3"].value == f"=COUNTA(Customers!A2:A{new_end})"
    assert mine["A4"].value == f"='Customers'!D{n}"
    assert wb.defined_names["MyTotal"].attr_text == f"Customers!$A${n}"


def test_records_removed_by_refresh_move_everything_under_the_table_up_as_excels_row_delete(
        run, admin, tmp_path):
    ids = [records.create(admin, "customer", {"name": f"Kunde {i}"})["id"] for i in range(6)]
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    end = _table_end(openpyxl.load_workbook(book)["Customers"])
    t = end + 2
    _decorate(book, t)
    for cid in ids[1:3]:
        records.delete(admin, cid)
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    wb = openpyxl.load_workbook(book)
    ws, mine = wb["Customers"], wb["Mine"]
    n = t - 2
    assert _table_end(ws) == end - 2
    assert ws[f"A{n}"].value == f"=COUNTA(A2:A{end - 2})"
    assert ws[f"D{n}"].value == f"=A{n + 2}"
    assert ws[f"A{n + 2}"].value == "a note" and ws[f"A{n + 2}"].comment is not None
    assert _note_box_rows(book) == [n + 2]
    assert _chart_rows(book) == [n + 5]
    assert [str(r.sqref) for r in ws.conditional_formatting] == [f"A{n}:D{n}"]
    assert f"B{n + 3}:D{n + 3}" in [str(r) for r in ws.merged_cells.ranges]
    assert ws.row_dimensions[n + 4].hidden and not ws.row_dimensions[t + 4].hidden
    assert mine["A1"].value == f"=Customers!A{n}"
    assert mine["A3"].value == f"=COUNTA(Customers!A2:A{end - 2})"
    assert wb.defined_names["MyTotal"].attr_text == f"Customers!$A${n}"
