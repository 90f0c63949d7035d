"""When Refresh removes records, the user's drop-downs (data validations) follow their
rows: one on a removed record's row goes with it (named in Refresh's message), every
other one moves up with its record, however many of them are
removed; a drop-down spread over several rows keeps the rows that stay."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from cims_xl.services import records

from test_sync_support import new_workbook

NAMES = ["Zoë Ångström", "张伟", "Ελένη Παπαδοπούλου", "محمد علي", "Ivan Petrov", "Aaron Abbott", "Jürgen Groß"]


def _rows_by_id(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}


def _column(ws, heading: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == heading)


def _lists_at(ws, cell: str) -> list[str]:
    """The lists of the drop-downs covering a cell."""
    return [dv.formula1 for dv in ws.data_validations.dataValidation if cell in dv.sqref]


@pytest.mark.parametrize("gone", [[1], [0, 3], [1, 2, 5]])
def test_refresh_removing_records_moves_every_users_drop_down_with_its_record(run, admin, tmp_path, gone):
    ids = [records.create(admin, "customer", {"name": n, "city": f"City {i}"})["id"] for i, n in enumerate(NAMES)]
    book = new_workbook(tmp_path / "book.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    ws.auto_filter.ref = None
    rows = _rows_by_id(ws)
    city = _column(ws, "City")
    for cid in ids:     # one drop-down per record, its list naming the record
        dv = DataValidation(type="list", formula1=f'"{cid}-a,{cid}-b"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{city}{rows[cid]}")
    both = DataValidation(type="list", formula1='"both-a,both-b"')     # one over two records' rows
    ws.add_data_validation(both)
    keep = next(i for i in range(len(ids)) if i not in gone)
    both.add(f"Z{rows[ids[gone[0]]]}")
    both.add(f"Z{rows[ids[keep]]}")
    wb.save(book)
    for i in gone:
        records.delete(admin, ids[i])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    ws = openpyxl.load_workbook(book)["Customers"]
    rows_after = _rows_by_id(ws)
    assert set(rows_after) == {ids[i] for i in range(len(ids)) if i not in gone}
    every = [dv.formula1 for dv in ws.data_validations.dataValidation]
    for i, cid in enumerate(ids):
        if i in gone:
            assert f'"{cid}-a,{cid}-b"' not in every
            assert f"{city}{rows[cid]}" in out + err                  # named in Refresh's message
        else:
            assert _lists_at(ws, f"{city}{rows_after[cid]}") == [f'"{cid}-a,{cid}-b"'], cid
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation
            if dv.formula1 == '"both-a,both-b"'] == [f"Z{rows_after[ids[keep]]}"]
    import zipfile

    from test_package_preserved import _validate
    with zipfile.ZipFile(book) as z:        # the sheets validate against ECMA-376
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                _validate(name, z.read(name))


X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"


def _sheet_part(book, title: str) -> str:
    import zipfile

    from lxml import etree
    with zipfile.ZipFile(book) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
               for s in wb.iter("{*}sheet") if s.get("name") == title)
    target = rels[rid]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _add_x14_drop_downs(book, cells: dict[str, str]) -> None:
    """Drop-downs as Excel 2010+ writes a list read from another sheet (x14, in extLst)."""
    import zipfile

    part = _sheet_part(book, "Customers")
    with zipfile.ZipFile(book) as z:
        items = {n: z.read(n) for n in z.namelist()}
    dvs = "".join(f'<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$A${i + 1}:$B${i + 1}'
                  f'</xm:f></x14:formula1><xm:sqref>{cell}</xm:sqref></x14:dataValidation>'
                  for i, cell in enumerate(cells))
    ext = (f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
           f'<x14:dataValidations count="{len(cells)}" xmlns:xm="{XM}">{dvs}</x14:dataValidations></ext></extLst>')
    text = items[part].decode()
    assert "<extLst" not in text
    items[part] = text.replace("</worksheet>", ext + "</worksheet>").encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in items.items():
            z.writestr(n, data)


def test_refresh_removing_a_record_moves_excel_2010_drop_downs_and_names_the_one_removed(run, admin, tmp_path):
    ids = [records.create(admin, "customer", {"name": n})["id"] for n in NAMES]
    book = new_workbook(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Lists").append(["Ja", "Nein"])
    wb.save(book)
    assert run("sync", str(book), "refresh")[0] == 0
    ws = openpyxl.load_workbook(book)["Customers"]
    rows = _rows_by_id(ws)
    city = _column(ws, "City")
    _add_x14_drop_downs(book, {f"{city}{rows[cid]}": cid for cid in ids})
    for cid in ids[2:4]:
        records.delete(admin, cid)
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    import zipfile

    from lxml import etree
    with zipfile.ZipFile(book) as z:
        root = etree.fromstring(z.read(_sheet_part(book, "Customers")))
    placed = {dv.find(f"{{{XM}}}sqref").text: dv.find(f"{{{X14}}}formula1/{{{XM}}}f").text
              for dv in root.iter(f"{{{X14}}}dataValidation")}
    after = _rows_by_id(openpyxl.load_workbook(book)["Customers"])
    expected = {f"{city}{after[cid]}": f"Lists!$A${i + 1}:$B${i + 1}" for i, cid in enumerate(ids) if cid in after}
    assert placed == expected
    for cid in ids[2:4]:
        assert f"{city}{rows[cid]}" in out + err
