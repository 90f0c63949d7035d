"""Everything a user anchors to a record's sheet row follows that record when Refresh
deletes, inserts or moves rows, the way comments and conditional formats already do:
cell hyperlinks (their external addresses and places in the workbook), row outline
groups, row styles, manual page breaks, ignored errors, protected ranges, watched
cells, sparklines and the series of a chart. A link on a removed record's row goes
with it, and the summary says so. Each part is read back from the written file's XML."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break

from cims_xl.services import records

from test_package_preserved import _validate
from test_sync_support import new_workbook

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
S = f"{{{SML}}}"

PEOPLE = ["Alice", "Bob", "Carl", "Dora", "محمد", "Émile", "Frank", "李娜", "Gus", "Hana"]


# ----- reading the written file ------------------------------------------------------------

def _sheet_part(z: zipfile.ZipFile, title: str) -> str:
    book = etree.fromstring(z.read("xl/workbook.xml"))
    rid = next(el.get(f"{{{REL}}}id") for el in book.iter(S + "sheet") if el.get("name") == title)
    rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(el.get("Target") for el in rels if el.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _sheet(book: Path, title: str = "Customers"):
    """(sheet root, {rel id: target}) of one sheet, read from the zip as Excel would."""
    with zipfile.ZipFile(book) as z:
        part = _sheet_part(z, title)
        root = etree.fromstring(z.read(part))
        rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        rels = {el.get("Id"): el.get("Target") for el in etree.fromstring(z.read(rels_name))} \
            if rels_name in z.namelist() else {}
    return root, rels


def _links(book: Path, title: str = "Customers") -> dict[str, str]:
    """{cell ref: external address or #place} of a sheet's cell hyperlinks."""
    root, rels = _sheet(book, title)
    out = {}
    for el in root.iter(S + "hyperlink"):
        rid = el.get(f"{{{REL}}}id")
        out[el.get("ref")] = rels[rid] if rid else "#" + el.get("location")
    return out


def _rows_by_name(book: Path) -> dict[str, int]:
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    t = ws.tables["tblCustomers"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(t.ref)
    heads = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    name = c1 + heads.index("Name")
    return {ws.cell(r, name).value: r for r in range(r1 + 1, r2 + 1) if ws.cell(r, name).value}


def _geometry(book: Path) -> tuple[int, int, int]:
    """(Name column, first column beside the table, table's last row)."""
    ws = openpyxl.load_workbook(book)["Customers"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables["tblCustomers"].ref)
    heads = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    return c1 + heads.index("Name"), c2 + 2, r2


def _raw_values(book: Path, col: str) -> dict[int, str]:
    """{row: raw <c> content} of the cells of one column that hold something."""
    root, _ = _sheet(book)
    out = {}
    for c in root.iter(S + "c"):
        m = re.match(r"([A-Z]+)(\d+)$", c.get("r"))
        if m.group(1) == col and (c.find(S + "v") is not None or c.find(S + "is") is not None):
            out[int(m.group(2))] = etree.tostring(c)
    return out


def _written_parts_validate(book: Path) -> None:
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") or name.startswith("xl/charts/chart"):
                _validate(name, z.read(name))


# ----- a person decorating the file (plain openpyxl, then Excel-only parts as XML) -----------

def _add_to_sheet(book: Path, title: str, parts: list[str]) -> None:
    """Put elements openpyxl does not write (protected ranges, watched cells, ignored
    errors, an x14 sparkline group) into a sheet part, in the schema's order."""
    order = ["sheetData", "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
             "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
             "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
             "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
             "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
             "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"]
    with zipfile.ZipFile(book) as z:
        files = {n: z.read(n) for n in z.namelist()}
        part = _sheet_part(z, title)
    root = etree.fromstring(files[part])
    for xml in parts:
        el = etree.fromstring(xml)
        name = etree.QName(el).localname
        after = [c for c in root if etree.QName(c).localname in order[:order.index(name)]]
        after[-1].addnext(el)
    files[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)


def _decorate(book: Path) -> None:
    """Links, an outline group, a row style, page breaks, a chart, a validation list and
    a conditional format on another sheet, and Excel-only parts, each on a named record's
    row (Bob's link goes when Bob is removed)."""
    name_col, beside, _end = _geometry(book)
    at = _rows_by_name(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    b, n = get_column_letter(beside), get_column_letter(name_col)
    ws.cell(at["Dora"], beside).value = "contract"
    ws.cell(at["Dora"], beside).hyperlink = "https://files.example/dora"
    ws.cell(at["Dora"], beside).value = "contract"
    ws.cell(at["Bob"], beside).value = "Bob's folder"
    ws.cell(at["Bob"], beside).hyperlink = "https://files.example/bob"
    ws.cell(at["Bob"], beside).value = "Bob's folder"
    ws.cell(at["李娜"], name_col).hyperlink = "https://shop.example/li-na"      # on a cims cell
    ws.cell(at["李娜"], name_col).value = "李娜"
    mine = wb.create_sheet("Mine")
    mine["A1"] = "go to Émile"
    mine["A1"].hyperlink = Hyperlink(ref="A1", location=f"Customers!{n}{at['Émile']}")
    mine["A1"].value = "go to Émile"
    for who in ("Gus", "Hana"):                                  # a group of two records
        ws.row_dimensions[at[who]].outline_level = 1
    ws.row_dimensions[at["Frank"]].fill = PatternFill("solid", fgColor="FFEB9C")  # a styled row
    ws.row_breaks.append(Break(id=at["Carl"] - 1))               # a new page starts with Carl
    from openpyxl.chart import BarChart, Reference
    ws.cell(at["محمد"], beside).value = 42
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=beside, min_row=at["محمد"], max_row=at["محمد"]))
    ws.add_chart(chart, "AF2")
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.worksheet.datavalidation import DataValidation
    top, bottom = sorted((at["Frank"], at["Gus"]))
    dv = DataValidation(type="list", formula1=f"Customers!${n}${top}:${n}${bottom}")
    dv.add("B1")
    mine.add_data_validation(dv)
    mine.conditional_formatting.add("C1", FormulaRule(formula=[f'Customers!${n}${at["Frank"]}="Frank"'],
                                                      fill=PatternFill("solid", fgColor="C6EFCE")))
    wb.save(book)
    _add_to_sheet(book, "Customers", [
        f'<customSheetViews xmlns="{SML}"><customSheetView guid="{{6F1C1D5E-4B5A-4C1E-9D2B-1A2B3C4D5E6F}}">'
        f'<rowBreaks count="1" manualBreakCount="1"><brk id="{at["Hana"] - 1}" max="16383" man="1"/>'
        f'</rowBreaks></customSheetView></customSheetViews>',
        f'<protectedRanges xmlns="{SML}"><protectedRange name="mine" sqref="{b}{at["Émile"]}"/></protectedRanges>',
        f'<cellWatches xmlns="{SML}"><cellWatch r="{n}{at["Frank"]}"/></cellWatches>',
        f'<ignoredErrors xmlns="{SML}"><ignoredError sqref="{b}{at["محمد"]}" numberStoredAsText="1"/>'
        f'</ignoredErrors>',
        f'<extLst xmlns="{SML}"><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="{X14}">'
        f'<x14:sparklineGroups xmlns:xm="{XM}"><x14:sparklineGroup><x14:sparklines><x14:sparkline>'
        f'<xm:f>Customers!{b}{at["محمد"]}:{b}{at["محمد"]}</xm:f><xm:sqref>{n}{at["Hana"]}</xm:sqref>'
        f'</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>',
    ])


def _sort_descending(book: Path) -> None:
    """The user sorts the table Z to A by Name (every cell of its rows permuted)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables["tblCustomers"].ref)
    heads = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
    rows.sort(key=lambda v: str(v[heads.index("Name")] or ""), reverse=True)
    for i, values in enumerate(rows):
        for j, v in enumerate(values):
            ws.cell(r1 + 1 + i, c1 + j).value = v
    wb.save(book)


def _check(book: Path, out: str, bob_gone: bool) -> None:
    name_col, beside, _end = _geometry(book)
    at = _rows_by_name(book)
    b, n = get_column_letter(beside), get_column_letter(name_col)
    links = _links(book)
    want = {f"{b}{at['Dora']}": "https://files.example/dora", f"{n}{at['李娜']}": "https://shop.example/li-na"}
    if not bob_gone:
        want[f"{b}{at['Bob']}"] = "https://files.example/bob"
    assert links == want
    root, rels = _sheet(book)
    if bob_gone:
        assert "https://files.example/bob" not in rels.values()        # its relationship went too
        assert "link" in out and "removed" in out
    assert _links(book, "Mine") == {"A1": f"#Customers!{n}{at['Émile']}"}
    # the beside column holds what the user typed, on their records' rows, and no address
    values = _raw_values(book, b)
    assert set(values) == {at["Dora"], at["محمد"]} | (set() if bob_gone else {at["Bob"]})
    outlined = {int(r.get("r")) for r in root.iter(S + "row") if r.get("outlineLevel")}
    assert outlined == {at["Gus"], at["Hana"]}
    styled = {int(r.get("r")) for r in root.iter(S + "row") if r.get("customFormat") == "1"}
    assert at["Frank"] in styled and not styled & {at[p] for p in at if p != "Frank"}
    assert sorted(int(el.get("id")) for el in root.iter(S + "brk")) == sorted([at["Hana"] - 1, at["Carl"] - 1])
    mine, _ = _sheet(book, "Mine")
    top, bottom = sorted((at["Frank"], at["Gus"]))
    assert [el.text for el in mine.iter(S + "formula1")] == [f"Customers!${n}${top}:${n}${bottom}"]
    assert [el.text for el in mine.iter(S + "formula")] == [f'Customers!${n}${at["Frank"]}="Frank"']
    assert [el.get("sqref") for el in root.iter(S + "protectedRange")] == [f"{b}{at['Émile']}"]
    assert [el.get("r") for el in root.iter(S + "cellWatch")] == [f"{n}{at['Frank']}"]
    assert [el.get("sqref") for el in root.iter(S + "ignoredError")] == [f"{b}{at['محمد']}"]
    assert [el.text for el in root.iter(f"{{{XM}}}sqref")] == [f"{n}{at['Hana']}"]
    assert [el.text for el in root.iter(f"{{{XM}}}f")] == [f"Customers!{b}{at['محمد']}:{b}{at['محمد']}"]
    with zipfile.ZipFile(book) as z:
        series = [t for name in z.namelist() if name.startswith("xl/charts/chart")
                  for t in re.findall(rb"<(?:\w+:)?f>([^<]*)</", z.read(name))]
    assert series == [f"'Customers'!${b}${at['محمد']}".encode()]
    _written_parts_validate(book)


@pytest.mark.parametrize("removed", [["Alice"], ["Bob", "Émile"], ["Alice", "Carl"], ["Dora"]])
def test_links_outlines_breaks_and_excel_only_parts_follow_their_record_when_records_above_are_removed(
        run, admin, tmp_path, removed):
    ids = {name: records.create(admin, "customer", {"name": name})["id"] for name in PEOPLE}
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    _decorate(book)
    for name in removed:
        records.delete(admin, ids[name])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    at = _rows_by_name(book)
    assert set(at) == set(PEOPLE) - set(removed)
    if "Émile" in removed or "Dora" in removed or "Carl" in removed:
        return _check_after_own_record_removed(book, removed, out + err)
    _check(book, out + err, bob_gone="Bob" in removed)


def _check_after_own_record_removed(book: Path, removed: list[str], out: str) -> None:
    """A decorated record itself removed: its row's parts go, the others still follow."""
    name_col, beside, _end = _geometry(book)
    at = _rows_by_name(book)
    b, n = get_column_letter(beside), get_column_letter(name_col)
    links = _links(book)
    root, rels = _sheet(book)
    if "Dora" in removed:
        assert "https://files.example/dora" not in links.values()
        assert "https://files.example/dora" not in rels.values()
        assert re.search(r"link on [A-Z]+\d+ was on a row Refresh removed", out)
    assert links[f"{n}{at['李娜']}"] == "https://shop.example/li-na"
    if "Bob" in at:
        assert links[f"{b}{at['Bob']}"] == "https://files.example/bob"
    if "Émile" in removed:      # the place the link went to is gone: left as it was, said
        assert [el.get("sqref") for el in root.iter(S + "protectedRange")] == []
        assert "a row Refresh removed; it was left as it was" in out
    else:
        assert _links(book, "Mine") == {"A1": f"#Customers!{n}{at['Émile']}"}
    if "Carl" in removed:       # the break above Carl stays above the record now there
        assert sorted(int(el.get("id")) for el in root.iter(S + "brk")) == sorted([at["Hana"] - 1, at["Dora"] - 1])
    assert {int(r.get("r")) for r in root.iter(S + "row") if r.get("outlineLevel")} == {at["Gus"], at["Hana"]}
    _written_parts_validate(book)


def test_links_and_breaks_follow_their_record_after_the_user_sorted_and_records_above_were_removed(
        run, admin, tmp_path):
    ids = {name: records.create(admin, "customer", {"name": name})["id"] for name in PEOPLE + ["Zoë", "Ömer"]}
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    _sort_descending(book)              # Zoë and Ömer, added last, now stand above the others
    _decorate(book)
    before = _rows_by_name(book)
    assert before["Zoë"] < before["Dora"] and before["Ömer"] < before["Dora"]
    for name in ("Zoë", "Ömer"):
        records.delete(admin, ids[name])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    assert _rows_by_name(book)["Dora"] == before["Dora"] - 2
    _check(book, out + err, bob_gone=False)


def test_parts_under_the_table_move_down_with_the_rows_records_added_by_refresh_insert(run, admin, tmp_path):
    for name in PEOPLE[:4]:
        records.create(admin, "customer", {"name": name})
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    name_col, beside, end = _geometry(book)
    note = end + 3
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    ws.cell(note, 1).value = "price list"
    ws.cell(note, 1).hyperlink = "https://files.example/prices"
    ws.cell(note, 1).value = "price list"
    ws.cell(note + 1, 1).value = "detail"
    ws.row_dimensions[note + 1].outline_level = 1
    ws.row_breaks.append(Break(id=note - 1))
    wb.save(book)
    _add_to_sheet(book, "Customers", [f'<cellWatches xmlns="{SML}"><cellWatch r="A{note}"/></cellWatches>'])
    for i in range(3):
        records.create(admin, "customer", {"name": f"Neu {i}"})
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    moved = note + 3
    assert _geometry(book)[2] == end + 3
    assert _links(book) == {f"A{moved}": "https://files.example/prices"}
    root, _ = _sheet(book)
    assert {int(r.get("r")) for r in root.iter(S + "row") if r.get("outlineLevel")} == {moved + 1}
    assert [int(el.get("id")) for el in root.iter(S + "brk")] == [moved - 1]
    assert [el.get("r") for el in root.iter(S + "cellWatch")] == [f"A{moved}"]
    _written_parts_validate(book)


def test_a_link_on_an_empty_cell_moves_without_its_address_becoming_the_cells_value(run, admin, tmp_path):
    ids = {name: records.create(admin, "customer", {"name": name})["id"] for name in PEOPLE[:5]}
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    _name_col, beside, _end = _geometry(book)
    at = _rows_by_name(book)
    b = get_column_letter(beside)
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    ws.cell(at["Dora"], beside).hyperlink = "https://files.example/dora"
    ws.cell(at["Dora"], beside).value = None            # a link on a cell the user emptied
    ws.cell(at["Dora"], beside).fill = PatternFill("solid", fgColor="DDEBF7")
    wb.save(book)
    assert _raw_values(book, b) == {} and _links(book) == {f"{b}{at['Dora']}": "https://files.example/dora"}
    records.delete(admin, ids["Alice"])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    at = _rows_by_name(book)
    assert _links(book) == {f"{b}{at['Dora']}": "https://files.example/dora"}
    assert _raw_values(book, b) == {}
