"""A headless Save, Refresh or Reports changes only what CIMS owns in the workbook file.

The built workbook gets what a person adds in Excel - a picture, a text box, a chart of
their own, a comment (its VML named vmlDrawing10.vml), a sparkline and an Excel 2010
data bar (extLst), a form button, their own defined name, data validation and sheet,
custom XML and printer settings - written here directly into the package with lxml
and zipfile. Then `sync refresh`, an edit, `sync save` and `sync reports` run on it and
the package is compared part by part with what it was.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from cims_xl.excel import build, sync
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.package import NotOurWorkbook, Package, rels_name, resolve
from cims_xl.excel.xlsx_patch import sheet_parts
from cims_xl.services import records

from shared_files import SCHEMAS, SHARED_DATA
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"


# ----- a workbook with the user's own additions -------------------------------------------------

def _png() -> bytes:
    raw = b"\x00\xff\x00\x00"  # one red pixel
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _rels(*rels: tuple[str, str, str]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG}">{body}</Relationships>').encode()


USER_DRAWING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}" xmlns:r="{R}" xmlns:c="{C}">
<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>34</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>35</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>
<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Logo 1" descr="our logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:twoCellAnchor>
<xdr:twoCellAnchor><xdr:from><xdr:col>34</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>38</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>
<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="TextBox 2"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1000000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN"/><a:t>重要客户 — call back Friday</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>
<xdr:twoCellAnchor><xdr:from><xdr:col>34</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>10</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>40</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>
<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="4" name="My chart"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="{C}"><c:chart r:id="rId2"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>
</xdr:wsDr>""".encode()

USER_CHART = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}"><c:chart><c:plotArea><c:layout/>
<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>
<c:ser><c:idx val="0"/><c:order val="0"/><c:val><c:numRef><c:f>'My notes'!$B$1:$B$3</c:f></c:numRef></c:val></c:ser>
<c:axId val="1"/><c:axId val="2"/></c:barChart>
<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:crossAx val="2"/></c:catAx>
<c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:crossAx val="1"/></c:valAx>
</c:plotArea></c:chart></c:chartSpace>""".encode()

COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<comments xmlns="{SML}"><authors><author>Wang Fang</author></authors><commentList>
<comment ref="AJ2" authorId="0"><text><r><rPr><b/><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/></rPr><t>Wang Fang:</t></r><r><rPr><sz val="9"/><rFont val="Tahoma"/></rPr><t xml:space="preserve"> 这是备注</t></r></text></comment>
</commentList></comments>""".encode()

VML = b"""<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">
<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>
<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>
<v:shape id="_x0000_s1025" type="#_x0000_t202" style="position:absolute;visibility:hidden" fillcolor="#ffffe1"><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:Row>1</x:Row><x:Column>35</x:Column></x:ClientData></v:shape>
<v:shape id="_x0000_s1026" type="#_x0000_t201" style="position:absolute"><x:ClientData ObjectType="Button"><x:Anchor>36, 0, 22, 0, 38, 0, 24, 0</x:Anchor><x:FmlaMacro>[0]!CIMS_Save</x:FmlaMacro></x:ClientData></v:shape>
</xml>"""

CTRL_PROP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>')

EXT_LST = f"""<extLst xmlns="{SML}"><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:cfRule type="dataBar" id="{{A1B2C3D4-0000-4000-8000-000000000001}}"><x14:dataBar minLength="0" maxLength="100" gradient="0"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule><xm:sqref>AK2:AK9</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>'My notes'!B1:B3</xm:f><xm:sqref>AL2</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"""

CUSTOM_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<crm xmlns="urn:example:crm"><owner>Wang Fang</owner></crm>'
PRINTER = bytes(range(256)) * 4


def _add_user_parts(path: Path) -> None:
    """Write the user's additions into the package (lxml on the XML, raw bytes otherwise)."""
    # Their own sheet, defined name and validation, as Excel would keep them.
    book = FileWorkbook(path)
    ws = book.wb.create_sheet("My notes")
    for r, v in enumerate((3, 5, 2), start=1):
        ws.cell(r, 1, f"week {r}")
        ws.cell(r, 2, v)
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    book.wb.defined_names["MyTargets"] = DefinedName("MyTargets", attr_text="'My notes'!$B$1:$B$3")
    dv = DataValidation(type="list", formula1='"hot,warm,cold"', allow_blank=True)
    dv.add("AM2:AM20")
    book.wb["Customers"].add_data_validation(dv)
    book.save_openpyxl()

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    pkg = Package(path)
    _wb, sheets = sheet_parts(pkg)
    sheet = sheets["Customers"]
    mine = sheets["My notes"]
    parts["xl/media/image91.png"] = _png()
    parts["xl/drawings/drawing91.xml"] = USER_DRAWING
    parts["xl/drawings/_rels/drawing91.xml.rels"] = _rels(
        ("rId1", R + "/image", "../media/image91.png"), ("rId2", R + "/chart", "../charts/chart91.xml"))
    parts["xl/charts/chart91.xml"] = USER_CHART
    parts["xl/comments91.xml"] = COMMENTS
    parts["xl/drawings/vmlDrawing10.vml"] = VML
    parts["xl/ctrlProps/ctrlProp1.xml"] = CTRL_PROP
    parts["customXml/item1.xml"] = CUSTOM_XML
    parts["xl/printerSettings/printerSettings1.bin"] = PRINTER

    rels_part = rels_name(sheet)
    rels = etree.fromstring(parts[rels_part]) if rels_part in parts else etree.Element(f"{{{PKG}}}Relationships", nsmap={None: PKG})
    for rid, kind, target in (("rIdU1", R + "/drawing", "../drawings/drawing91.xml"),
                              ("rIdU2", R + "/comments", "../comments91.xml"),
                              ("rIdU3", R + "/vmlDrawing", "../drawings/vmlDrawing10.vml"),
                              ("rIdU4", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp",
                               "../ctrlProps/ctrlProp1.xml"),
                              ("rIdU5", R + "/printerSettings", "../printerSettings/printerSettings1.bin")):
        el = etree.SubElement(rels, f"{{{PKG}}}Relationship", Id=rid, Type=kind, Target=target)
    parts[rels_part] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)

    root = etree.fromstring(parts[sheet])
    from cims_xl.excel.xlsx_patch import WORKSHEET_ORDER, insert_ordered
    ps = root.find(f"{{{SML}}}pageSetup")
    if ps is None:
        ps = etree.Element(f"{{{SML}}}pageSetup")
        insert_ordered(root, ps, WORKSHEET_ORDER)
    ps.set(f"{{{R}}}id", "rIdU5")
    for tag, rid in (("drawing", "rIdU1"), ("legacyDrawing", "rIdU3")):
        el = etree.Element(f"{{{SML}}}{tag}")
        el.set(f"{{{R}}}id", rid)
        insert_ordered(root, el, WORKSHEET_ORDER)
    controls = etree.Element(f"{{{SML}}}controls")
    etree.SubElement(controls, f"{{{SML}}}control", shapeId="1026", name="Button 1").set(f"{{{R}}}id", "rIdU4")
    insert_ordered(root, controls, WORKSHEET_ORDER)
    for old in root.findall(f"{{{SML}}}extLst"):
        root.remove(old)
    root.append(etree.fromstring(EXT_LST))
    parts[sheet] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # A picture of their own on a report sheet: the report's charts go into that drawing.
    report = sheets["Report - Sales"]
    pic_only = USER_DRAWING.split(b"<xdr:twoCellAnchor><xdr:from><xdr:col>34</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5")[0] + b"</xdr:wsDr>"
    parts["xl/drawings/drawing92.xml"] = pic_only
    parts["xl/drawings/_rels/drawing92.xml.rels"] = _rels(("rId1", R + "/image", "../media/image91.png"))
    report_rels = rels_name(report)
    rrels = etree.fromstring(parts[report_rels]) if report_rels in parts else etree.Element(f"{{{PKG}}}Relationships", nsmap={None: PKG})
    etree.SubElement(rrels, f"{{{PKG}}}Relationship", Id="rIdU7", Type=R + "/drawing", Target="../drawings/drawing92.xml")
    parts[report_rels] = etree.tostring(rrels, xml_declaration=True, encoding="UTF-8", standalone=True)
    rroot = etree.fromstring(parts[report])
    el = etree.Element(f"{{{SML}}}drawing")
    el.set(f"{{{R}}}id", "rIdU7")
    insert_ordered(rroot, el, WORKSHEET_ORDER)
    parts[report] = etree.tostring(rroot, xml_declaration=True, encoding="UTF-8", standalone=True)

    book_rels_part = rels_name(_wb)
    brels = etree.fromstring(parts[book_rels_part])
    etree.SubElement(brels, f"{{{PKG}}}Relationship", Id="rIdU9",
                     Type=R + "/customXml", Target="../customXml/item1.xml")
    parts[book_rels_part] = etree.tostring(brels, xml_declaration=True, encoding="UTF-8", standalone=True)

    ct = etree.fromstring(parts["[Content_Types].xml"])
    defaults = {el.get("Extension") for el in ct if el.get("Extension")}
    for ext, kind in (("png", "image/png"), ("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing"),
                      ("bin", "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings")):
        if ext not in defaults:
            ct.insert(0, etree.Element(f"{{{CT}}}Default", Extension=ext, ContentType=kind))
    for part, kind in (("xl/drawings/drawing91.xml", "application/vnd.openxmlformats-officedocument.drawing+xml"),
                       ("xl/drawings/drawing92.xml", "application/vnd.openxmlformats-officedocument.drawing+xml"),
                       ("xl/charts/chart91.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"),
                       ("xl/comments91.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"),
                       ("xl/ctrlProps/ctrlProp1.xml", "application/vnd.ms-excel.controlproperties+xml")):
        etree.SubElement(ct, f"{{{CT}}}Override", PartName="/" + part, ContentType=kind)
    parts["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
    assert mine in parts
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.fixture(scope="module")
def decorated(tmp_path_factory) -> Path:
    path = build.build_workbook(tmp_path_factory.mktemp("pkg") / "cims.xlsm")
    _add_user_parts(path)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _owned(before: dict[str, bytes]) -> set[str]:
    """Parts CIMS may rewrite: its sheets, their tables/rels, styles, strings, report charts."""
    owned = {"[Content_Types].xml", "xl/styles.xml", "xl/sharedStrings.xml"}
    from cims_xl.excel.layout import REPORT_SHEETS, SHEET_ORDER
    pkg = Package.__new__(Package)
    pkg.path, pkg._trees, pkg._pristine, pkg._data, pkg.original = Path("x"), {}, {}, dict(before), dict(before)
    _wb, sheets = sheet_parts(pkg)
    for name, part in sheets.items():
        if name in SHEET_ORDER and name != "xlwings.conf":
            owned |= {part, rels_name(part)}
            owned |= {t for _i, t in pkg.rel_targets(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table")}
        if name in REPORT_SHEETS:
            for _i, drawing in pkg.rel_targets(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"):
                owned |= {drawing, rels_name(drawing)}
                for _j, chart in pkg.rel_targets(drawing, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"):
                    owned |= {chart, rels_name(chart)}
    owned |= {n for n in before if n.startswith("xl/tables/")}
    return owned


def _run_everything(path: Path, admin) -> None:
    ids = [records.create(admin, "customer", data)["id"] for data in (
        {"name": "Alice Wang", "email": "alice@example.cn", "city": "Shanghai"},
        {"name": "李雷", "email": "lilei@example.cn", "city": "北京"})]
    for i, (day, amount) in enumerate((("2024-03-05", "1234.50"), ("2024-04-11", "99.99"), ("2025-01-20", "5000"))):
        records.create(admin, "order", {"customer_id": ids[i % 2], "order_date": day, "amount": amount})
    sync.sync_file(admin, path, "refresh")
    book = FileWorkbook(path)
    sheet = book.table_sheet("Customers")
    sheet.write({0: {"City": "Hangzhou"}})
    sheet.append([{"Name": "Chen Jing", "Email": "chen@example.cn"},
                  {"Name": "Bad Address", "Email": "no-at-sign"}])
    book.save()
    result = sync.sync_file(admin, path, "save")
    assert result["sheets"]["Customers"]["created"] == 1
    assert result["sheets"]["Customers"]["updated"] == 1
    assert result["sheets"]["Customers"]["invalid"] == 1  # its Email cell is highlighted
    sync.sync_file(admin, path, "reports")


@pytest.fixture
def after(decorated, tmp_path, admin) -> tuple[dict[str, bytes], Path]:
    path = tmp_path / "cims.xlsm"
    shutil.copy(decorated, path)
    _run_everything(path, admin)
    return _parts(decorated), path


def test_every_part_cims_does_not_own_keeps_its_bytes_through_refresh_save_and_reports(after):
    before, path = after
    now = _parts(path)
    owned = _owned(before)
    kept = {n for n in before if n not in owned}
    assert {"xl/vbaProject.bin", "customUI/customUI14.xml", "xl/media/image91.png",
            "xl/drawings/vmlDrawing10.vml", "xl/charts/chart91.xml", "xl/comments91.xml",
            "customXml/item1.xml", "xl/printerSettings/printerSettings1.bin", "xl/workbook.xml"} <= kept
    changed = sorted(n for n in kept if now.get(n) != before[n])
    # Refresh inserts rows for new records as Excel does: a picture or a form button
    # anchored to rows that moved moves with them (its anchor rows only; every other byte kept)
    moved = [n for n in changed if n.startswith("xl/drawings/") and n in now
             and _without_anchor_rows(now[n]) == _without_anchor_rows(before[n])
             and _anchor_rows(now[n]) >= _anchor_rows(before[n])]
    assert [n for n in changed if n not in moved] == [], f"parts CIMS does not own were changed or dropped: {changed}"


_ANCHOR_ROW = re.compile(rb"<xdr:row>(\d+)</xdr:row>")
# a VML box's anchor: left column, offset, top row, offset, right column, offset, bottom row, offset
_VML_ANCHOR_ROWS = re.compile(rb"(<x:Anchor>\d+, \d+, )(\d+)(, \d+, \d+, \d+, )(\d+)")


def _without_anchor_rows(xml: bytes) -> bytes:
    return _VML_ANCHOR_ROWS.sub(rb"\1\3", _ANCHOR_ROW.sub(b"<xdr:row/>", xml))


def _anchor_rows(xml: bytes) -> list[int]:
    return [int(r) for r in _ANCHOR_ROW.findall(xml)] + [
        int(r) for m in _VML_ANCHOR_ROWS.findall(xml) for r in (m[1], m[3])]


def test_the_users_elements_inside_a_data_sheet_survive_and_their_relationships_resolve(after):
    before, path = after
    pkg = Package(path)
    _wb, sheets = sheet_parts(pkg)
    root = pkg.xml(sheets["Customers"])
    ext = root.find(f"{{{SML}}}extLst")
    old = etree.fromstring(before[sheets["Customers"]]).find(f"{{{SML}}}extLst")
    assert b"sparklineGroup" in etree.tostring(old) and b"dataBar" in etree.tostring(old)
    # the data bar's range beside the table grows with the rows Refresh inserted (as in
    # Excel); everything else in the extension list is kept as it was
    rows = re.compile(rb"([A-Z]+)\d+")
    assert ext is not None and rows.sub(rb"\1", etree.tostring(ext, method="c14n")) == rows.sub(
        rb"\1", etree.tostring(old, method="c14n"))
    assert b"<xm:sqref>AK2:AK" in etree.tostring(ext) and b"'My notes'!B1:B3" in etree.tostring(ext)
    for tag in ("drawing", "legacyDrawing"):
        el = root.find(f"{{{SML}}}{tag}")
        assert el is not None and pkg.target(sheets["Customers"], el.get(f"{{{R}}}id")) is not None, tag
    control = root.find(f"{{{SML}}}controls/{{{SML}}}control")
    assert pkg.target(sheets["Customers"], control.get(f"{{{R}}}id")) == "xl/ctrlProps/ctrlProp1.xml"
    refs = [str(dv.sqref) for dv in openpyxl.load_workbook(path)["Customers"].data_validations.dataValidation]
    # the user's drop-down over AM2:AM20 grows with the rows Refresh inserted inside it, as in Excel
    assert any(r.startswith("AM2:AM") and int(r.split(":AM")[1]) >= 20 for r in refs), refs
    assert pkg.dangling() == []


def test_a_picture_on_a_report_sheet_stays_beside_the_report_charts(after):
    _before, path = after
    pkg = Package(path)
    _wb, sheets = sheet_parts(pkg)
    drawing = pkg.rel_targets(sheets["Report - Sales"], R + "/drawing")
    assert [d for _i, d in drawing] == ["xl/drawings/drawing92.xml"]
    root = pkg.xml("xl/drawings/drawing92.xml")
    pics = root.findall(f".//{{{XDR}}}pic")
    assert len(pics) == 1
    embed = pics[0].find(f".//{{{A}}}blip").get(f"{{{R}}}embed")
    assert pkg.target("xl/drawings/drawing92.xml", embed) == "xl/media/image91.png"
    assert len(pkg.rel_targets("xl/drawings/drawing92.xml", R + "/chart")) == 7
    ids = [el.get("id") for el in root.iter(f"{{{XDR}}}cNvPr")]
    assert len(ids) == len(set(ids)), "drawing object ids are unique"


def test_the_edit_and_the_new_row_are_in_the_saved_file_with_statuses(after):
    _before, path = after
    rows = FileWorkbook(path).table_sheet("Customers").read()
    cities = [rows.value(i, "City") for i in range(len(rows.rows))]
    assert "Hangzhou" in cities and "北京" in cities
    statuses = [rows.value(i, "Status") for i in range(len(rows.rows))]
    assert "Created" in statuses and "Updated" in statuses
    keys = [rows.value(i, "_key") for i in range(len(rows.rows))]
    assert sum(1 for k in keys if k) == len(keys) - 1  # all but the invalid row
    bad = next(i for i, st in enumerate(statuses) if str(st).startswith("Invalid"))
    ws = openpyxl.load_workbook(path)["Customers"]
    email = ws.cell(2 + bad, rows.columns["Email"] + 1)
    assert email.fill.fgColor.rgb == "FFFFC7CE", "the bad cell is highlighted"


# ----- schema validation --------------------------------------------------------------------

def _schema(name: str):
    if not SCHEMAS.is_dir():
        pytest.skip(f"OOXML schemas not found at {SCHEMAS}: written parts not validated")
    found = list(SCHEMAS.rglob(name))
    assert found, f"{name} missing under {SCHEMAS}"
    return etree.XMLSchema(etree.parse(str(found[0])))


_SCHEMA_FOR = {
    SML: "sml.xsd", XDR: "dml-spreadsheetDrawing.xsd", C: "dml-chart.xsd",
    PKG: "opc-relationships.xsd", CT: "opc-contentTypes.xsd",
}
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _strip_ignorable(root):
    """Markup Compatibility processing: drop extLst and content in ignorable namespaces."""
    root = etree.fromstring(etree.tostring(root))
    for el in list(root.iter("{*}extLst")):
        el.getparent().remove(el)
    for el in list(root.iter(f"{{{MC}}}AlternateContent")):
        el.getparent().remove(el)
    ignorable = set()
    for el in root.iter():
        prefixes = (el.get(f"{{{MC}}}Ignorable") or "").split()
        ignorable |= {el.nsmap.get(p) for p in prefixes}
    for el in list(root.iter()):
        for attr in list(el.attrib):
            ns = etree.QName(attr).namespace
            # xml:space is XML's own (XML 1.0 §2.10); Excel writes it on <t>, the XSD omits it
            if ns in ignorable or ns == MC or attr == "{http://www.w3.org/XML/1998/namespace}space":
                del el.attrib[attr]
    for el in list(root.iter()):
        if isinstance(el.tag, str) and etree.QName(el).namespace in ignorable and el.getparent() is not None:
            el.getparent().remove(el)
    return root


def _validate(name: str, data: bytes) -> None:
    root = etree.fromstring(data)
    ns = etree.QName(root).namespace
    schema = _SCHEMA_FOR.get(ns)
    if schema is None:
        return
    xsd = _schemas(schema)
    clean = _strip_ignorable(root)
    if not xsd.validate(clean):
        raise AssertionError(f"{name} does not validate against {schema}: {xsd.error_log.last_error}")


_CACHE: dict[str, etree.XMLSchema] = {}


def _schemas(name: str) -> etree.XMLSchema:
    if name not in _CACHE:
        _CACHE[name] = _schema(name)
    return _CACHE[name]


def test_every_xml_part_cims_wrote_validates_against_the_ecma_376_schemas(after):
    before, path = after
    now = _parts(path)
    written = [n for n, d in now.items() if before.get(n) != d and (n.endswith(".xml") or n.endswith(".rels"))]
    assert any("worksheets/" in n for n in written)
    for name in written:
        _validate(name, now[name])


def test_a_broken_part_fails_the_schema_check(after):
    _before, path = after
    now = _parts(path)
    pkg_sheet = next(n for n in now if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
    root = etree.fromstring(now[pkg_sheet])
    data = root.find(f"{{{SML}}}sheetData")
    root.remove(data)
    root.append(data)  # sheetData after everything: out of schema order
    with pytest.raises(AssertionError, match="does not validate"):
        _validate(pkg_sheet, etree.tostring(root))


# ----- the ribbon, and workbooks that are not ours -------------------------------------------

def test_a_workbook_saved_by_plain_openpyxl_gets_its_ribbon_back_on_the_next_save(tmp_path, admin):
    path = build.build_workbook(tmp_path / "cims.xlsm")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb.save(path)  # a plain openpyxl script: the customUI14 relationship is dropped
    assert b"2007/relationships/ui/extensibility" not in _parts(path)["_rels/.rels"]
    sync.sync_file(admin, path, "save")
    pkg = Package(path)
    ribbon = {r.type: resolve("", r.target) for r in pkg.rels("")}
    assert ribbon.get("http://schemas.microsoft.com/office/2007/relationships/ui/extensibility") \
        == "customUI/customUI14.xml"
    assert pkg.dangling() == []


@pytest.mark.parametrize("action", ["refresh", "save", "reports"])
def test_a_workbook_without_the_cims_layout_is_refused_and_left_byte_for_byte(tmp_path, admin, action):
    path = tmp_path / "预算 budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Customers"       # the right sheet name, but no CIMS table
    wb.active.append(["Name", "Email"])
    wb.active.append(["Zhang San", "z@example.cn"])
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(NotOurWorkbook, match="not a CIMS workbook"):
        sync.sync_file(admin, path, action)
    assert path.read_bytes() == before


def test_a_cims_workbook_whose_table_the_user_renamed_is_still_ours(tmp_path, admin):
    from test_sync_support import new_workbook
    path = new_workbook(tmp_path / "cims.xlsx")
    parts = _parts(path)
    for name, data in parts.items():
        if name.startswith("xl/tables/") and b'"tblCustomers"' in data:
            parts[name] = data.replace(b'"tblCustomers"', b'"MyCustomers"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    records.create(admin, "customer", {"name": "Nguyễn Văn An"})
    result = sync.sync_file(admin, path, "refresh", sheets=["Customers"])
    assert result["sheets"]["Customers"]["added"] == 1


def test_rows_typed_under_the_table_are_saved_and_the_table_grows(tmp_path, admin):
    from test_sync_support import new_workbook, table_ref
    path = new_workbook(tmp_path / "cims.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Customers"]
    table = ws.tables["tblCustomers"]
    last = int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    headers = [c.value for c in ws[1]]
    for i, (name, email) in enumerate((("Olga Petrova", "olga@example.ru"), ("Müller GmbH", "info@mueller.de"))):
        ws.cell(last + 1 + i, headers.index("Name") + 1, name)
        ws.cell(last + 1 + i, headers.index("Email") + 1, email)
    ws.cell(last + 3, headers.index("Name") + 1, "=COUNTA(B2:B%d)" % (last + 2))  # their total line
    wb.save(path)  # a script or LibreOffice: the table is not extended
    result = sync.sync_file(admin, path, "save", sheets=["Customers"])["sheets"]["Customers"]
    assert result["created"] == 2
    assert table_ref(path).endswith(str(last + 2)), "the total line under the rows stays outside"
    names = {r["name"] for r in records.list_records(admin, "customer")}
    assert {"Olga Petrova", "Müller GmbH"} <= names


def test_deleted_hidden_columns_come_back_on_save(tmp_path, admin):
    from test_sync_support import new_workbook
    path = new_workbook(tmp_path / "cims.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Customers"]
    table = ws.tables["tblCustomers"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(table.ref)
    for col in range(c2 - 2, c2 + 1):
        ws.cell(r1, col).value = None
    table.tableColumns = table.tableColumns[:-3]
    table.ref = table.autoFilter.ref = f"A{r1}:{openpyxl.utils.get_column_letter(c2 - 3)}{r2}"
    ws.cell(r1 + 1, 2).value = "Ana Souza"
    wb.save(path)
    sync.sync_file(admin, path, "save", sheets=["Customers"])
    wb = openpyxl.load_workbook(path)
    ws = wb["Customers"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables["tblCustomers"].ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    assert headers[-3:] == ["_key", "_version", "_fingerprint"]
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(c2)].hidden


# ----- cached formula results, checked by LibreOffice recalculating ------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_ALWAYS_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _totals(path: Path) -> dict[tuple[str, str], object]:
    """{(sheet, cell): cached value} of every report table's totals-row formula cells."""
    from cims_xl.excel.layout import REPORT_SHEETS
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for sheet in REPORT_SHEETS:
        ws = formulas[sheet]
        for table in ws.tables.values():
            if not table.totalsRowCount:
                continue
            last = openpyxl.utils.cell.range_boundaries(table.ref)[3]
            for cell in ws[last]:
                if cell.data_type == "f":
                    out[(sheet, cell.coordinate)] = values[sheet][cell.coordinate].value
    return out


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: cached totals "
                                            "not compared with a recalculation")
def test_libreoffice_opens_what_we_wrote_and_its_recalculated_totals_equal_the_cached_ones(after, tmp_path):
    _before, path = after
    ours = _totals(path)
    assert ours and all(v is not None for v in ours.values()), f"totals without cached values: {ours}"
    assert any(v for v in ours.values()), "no total is non-zero: the comparison would prove little"
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_ALWAYS_RECALC)
    out = tmp_path / "out"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=240)
    result = out / "cims.xlsx"
    assert done.returncode == 0 and result.exists(), f"soffice could not load it: {done.stdout} {done.stderr}"
    theirs = _totals(result)
    for key, value in ours.items():
        assert theirs.get(key) == pytest.approx(value), f"{key}: ours {value!r}, LibreOffice {theirs.get(key)!r}"


# ----- the atomic write -----------------------------------------------------------------------

def test_a_failed_write_leaves_the_workbook_as_it_was_and_no_temporary_copy(tmp_path, monkeypatch):
    from test_sync_support import new_workbook
    path = new_workbook(tmp_path / "客户.xlsx")
    before = path.read_bytes()
    book = FileWorkbook(path)
    book.table_sheet("Customers").append([{"Name": "Kim Min-jun", "Email": "kim@example.kr"}])

    def broken(self, fileobj):
        fileobj.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(Package, "_write_zip", broken)
    with pytest.raises(OSError, match="disk full"):
        book.save()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_scratch_copy_left_by_a_killed_save_is_removed_by_the_next_save(tmp_path):
    import os
    from test_sync_support import new_workbook
    path = new_workbook(tmp_path / "cims.xlsx")
    dead = 2**22 + 12345  # above any pid_max: no such process
    stale = tmp_path / f".cims-save-{dead}-abc12345.xlsx"
    stale.write_bytes(b"a copy of customer data")
    running = tmp_path / f".cims-save-{os.getpid()}-def45678.xlsx"  # a save in progress right now
    running.write_bytes(b"being written")
    os.chmod(path, 0o640)
    book = FileWorkbook(path)
    book.table_sheet("Customers").append([{"Name": "Ana Souza"}])
    book.save()
    assert not stale.exists() and running.exists()
    # the workbook keeps the mode its owner gave it (test_file_modes_kept): never wider
    assert (path.stat().st_mode & 0o777) == 0o640, "the workbook keeps its own mode"


# ----- in-place cell edits in sheet XML -----------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_cells_put_into_sparse_rows_land_in_column_order_and_replace_only_their_own(seed):
    import random

    from cims_xl.excel.xlsx_patch import SheetCells, _coord, parse_markup
    rng = random.Random(seed)
    rows = {}
    xml = [f'<worksheet xmlns="{SML}"><sheetData>']
    for r in range(1, 6):
        cols = sorted(rng.sample(range(1, 30), rng.randint(0, 12)))
        rows[r] = {c: f"old{r}-{c}" for c in cols}
        cells = "".join(f'<c r="{_coord(r, c)}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in rows[r].items())
        xml.append(f'<row r="{r}" spans="1:29">{cells}</row>')
    xml.append("</sheetData></worksheet>")
    sheet = SheetCells(etree.fromstring("".join(xml)))
    for _ in range(40):
        r, c = rng.randint(1, 5), rng.randint(1, 29)
        rows[r][c] = f"new{r}-{c}-{rng.random():.6f}"
        [el] = parse_markup([f'<c r="{_coord(r, c)}" t="inlineStr"><is><t>{rows[r][c]}</t></is></c>'])
        sheet.put(r, c, el)
    for r, expected in rows.items():
        row = sheet.rows[r]
        got = [(el.get("r"), el.findtext(f"{{{SML}}}is/{{{SML}}}t")) for el in row]
        assert got == [(_coord(r, c), expected[c]) for c in sorted(expected)]


def test_cims_sync_on_a_workbook_that_is_not_ours_says_so_in_one_line_and_exits_non_zero(
        tmp_path, store_path, monkeypatch, capsys):
    from conftest import ADMIN_PASSWORD

    from cims_xl.cli import main
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    path = tmp_path / "Umsatz 2025.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Kunde", "Betrag"])
    wb.active.append(["Müller GmbH", 1200])
    wb.save(path)
    before = path.read_bytes()
    code = main(["sync", str(path), "refresh"])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "not a CIMS workbook" in err and "Traceback" not in err
    assert path.read_bytes() == before


FOREIGN = sorted(p.relative_to(SHARED_DATA) for p in SHARED_DATA.glob("*/**/*.xls*")) if SHARED_DATA.is_dir() else []


@pytest.mark.skipif(not FOREIGN, reason=f"no real-world workbooks under {SHARED_DATA}")
@pytest.mark.parametrize("name", FOREIGN, ids=str)
def test_real_world_workbooks_that_are_not_ours_are_refused_and_left_as_they_were(name, tmp_path, admin):
    from cims_xl.errors import CimsError
    (tmp_path / "book").mkdir()
    path = tmp_path / "book" / name.name
    shutil.copy(SHARED_DATA / name, path)  # a copy in tmp_path: the shared file stays read-only
    before = path.read_bytes()
    for action in ("refresh", "save", "reports"):
        with pytest.raises(CimsError, match="not a CIMS workbook|cannot open|sync works on an Excel workbook"):
            sync.sync_file(admin, path, action)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# ----- a workbook with a shared string table (as Excel and LibreOffice save it) ------------------

def _to_shared_strings(path: Path) -> None:
    """Rewrite every inline string of the package into a shared string table, as Excel does."""
    parts = _parts(path)
    texts: list[str] = []
    index: dict[str, int] = {}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        root = etree.fromstring(parts[name])
        for c in root.iter(f"{{{SML}}}c"):
            if c.get("t") != "inlineStr":
                continue
            text = "".join(c.itertext())
            for child in list(c):
                c.remove(child)
            c.set("t", "s")
            index.setdefault(text, len(texts)) if text in index else (index.setdefault(text, len(texts)), texts.append(text))
            etree.SubElement(c, f"{{{SML}}}v").text = str(index[text])
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    sst = etree.Element(f"{{{SML}}}sst", nsmap={None: SML}, count=str(len(texts)), uniqueCount=str(len(texts)))
    for text in texts:
        etree.SubElement(etree.SubElement(sst, f"{{{SML}}}si"), f"{{{SML}}}t").text = text
    parts["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    etree.SubElement(rels, f"{{{PKG}}}Relationship", Id="rIdSST", Type=R + "/sharedStrings",
                     Target="sharedStrings.xml")
    parts["xl/_rels/workbook.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    ct = etree.fromstring(parts["[Content_Types].xml"])
    etree.SubElement(ct, f"{{{CT}}}Override", PartName="/xl/sharedStrings.xml",
                     ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    parts["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_workbook_with_shared_strings_gets_new_texts_appended_and_reads_back_exactly(tmp_path, admin):
    from test_sync_support import new_workbook
    path = new_workbook(tmp_path / "cims.xlsx")
    _to_shared_strings(path)
    old_sst = etree.fromstring(_parts(path)["xl/sharedStrings.xml"])
    old_texts = ["".join(si.itertext()) for si in old_sst]
    names = ["Zoë Ångström", "  leading and trailing  ", "=HYPERLINK(\"http://x\")", "多行\n文本", "Name"]
    for name in names:
        records.create(admin, "customer", {"name": name, "city": "Shanghai"})
    sync.sync_file(admin, path, "refresh")
    now = _parts(path)
    sst = etree.fromstring(now["xl/sharedStrings.xml"])
    texts = ["".join(si.itertext()) for si in sst]
    assert texts[: len(old_texts)] == old_texts, "existing entries keep their index"
    assert texts.count("Name") == 1, "a text already in the table is re-used"
    assert sst.get("uniqueCount") == str(len(sst))
    _validate("xl/sharedStrings.xml", now["xl/sharedStrings.xml"])
    rows = FileWorkbook(path).table_sheet("Customers").read()
    got = {rows.value(i, "Name") for i in range(len(rows.rows))}
    assert got == {r["name"] for r in records.list_records(admin, "customer")}  # as stored, exactly
    ws = openpyxl.load_workbook(path)["Customers"]
    formula_like = [c for c in ws["B"] if c.value == "=HYPERLINK(\"http://x\")"]
    assert formula_like and formula_like[0].data_type == "s", "formula-like text stays text"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: a LibreOffice-saved "
                                            "workbook was not synced")
def test_a_workbook_saved_by_libreoffice_syncs_and_only_what_we_own_changes(tmp_path, admin):
    from test_sync_support import new_workbook
    built = new_workbook(tmp_path / "cims.xlsx")
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(built)],
        capture_output=True, text=True, timeout=240)
    path = tmp_path / "lo" / "cims.xlsx"
    assert done.returncode == 0 and path.exists(), done.stderr
    for name in ("Alice Wang", "李雷", "=1+1 (not a formula)"):
        records.create(admin, "customer", {"name": name, "email": f"c{len(name)}@example.cn"})
    before = _parts(path)
    sync.sync_file(admin, path, "refresh")
    now = _parts(path)
    written = sorted(n for n, d in now.items() if before.get(n) != d)
    assert set(written) <= _owned(before), written
    for name in written:
        if name.endswith((".xml", ".rels")):
            _validate(name, now[name])
    assert Package(path).dangling() == []
    rows = FileWorkbook(path).table_sheet("Customers").read()
    assert sorted(rows.value(i, "Name") for i in range(len(rows.rows))) == sorted(
        r["name"] for r in records.list_records(admin, "customer"))


@pytest.mark.parametrize("action", ["refresh", "save", "reports"])
def test_a_workbook_with_a_part_that_inflates_past_the_budget_is_refused_before_it_is_read(
        tmp_path, admin, action, monkeypatch):
    from test_sync_support import new_workbook

    from cims_xl.errors import CimsError
    from cims_xl.excel import package

    path = new_workbook(tmp_path / "bomb.xlsx")
    monkeypatch.setattr(package, "MAX_PART_BYTES", 4 * 2**20)     # the same rule, at a size a test can write
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("customXml/zeros.bin", b"\0" * (5 * 2**20))   # 5 MB of zeros, a few KB on disk
    before = path.read_bytes()
    with pytest.raises(CimsError, match="too large to open safely: its part customXml/zeros.bin"):
        sync.sync_file(admin, path, action)
    assert path.read_bytes() == before


@pytest.mark.parametrize("action", ["refresh", "save", "reports"])
def test_a_workbook_with_more_cells_than_the_budget_is_refused_before_openpyxl_loads_it(
        tmp_path, admin, action, monkeypatch):
    # 8.5 million tiny cells in a 17 MB file had taken 4 GB of memory and ended in a
    # MemoryError (exit 70); the same rule here at a count a test can write
    from test_sync_support import new_workbook

    from cims_xl.errors import CimsError
    from cims_xl.excel import package

    path = new_workbook(tmp_path / "cells.xlsx")
    monkeypatch.setattr(package, "MAX_CELLS", 50_000)
    with zipfile.ZipFile(path) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="A%d"><v>1</v></c>' % r for _ in range(1)) + b"</row>"
                    for r in range(1000, 61000))
    parts[sheet] = parts[sheet].replace(b"</sheetData>", rows + b"</sheetData>", 1)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    before = path.read_bytes()
    with pytest.raises(CimsError, match="cells, too many to open safely"):
        sync.sync_file(admin, path, action)
    assert path.read_bytes() == before
