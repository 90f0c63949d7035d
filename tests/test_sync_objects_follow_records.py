"""What else a user places on a data sheet follows its record when Refresh deletes or
inserts sheet rows, as links and comments already do: form controls (a check box beside
a record, a drop-down under the table) with the cells they are linked to and the list
they show, on their own sheet or another; embedded (OLE) objects; pivot tables placed on
the sheet and the range their cache reads; slicers (drawn in `mc:AlternateContent`, with
a fallback shape) like the pictures beside them. An object that stood only on a removed
record's row is kept and named in Refresh's message, as is a link that now points at no
cell (#REF!) and a pivot table rows were inserted into or removed from.

Each workbook is built here (openpyxl for cells, then the parts openpyxl cannot write as
zip + XML), refreshed through `cims sync` against a real store, and read back part by
part; every part written validates against the ECMA-376 schemas, each branch of its
Markup Compatibility alternatives that the schemas describe."""
from __future__ import annotations

import io
import posixpath
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, quoteattr, unescape

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils import get_column_letter

from cims_xl.services import records

from test_package_preserved import SCHEMAS, _validate
from test_sync_support import new_workbook

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
V, O, XL = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office", \
    "urn:schemas-microsoft-com:office:excel"
S = f"{{{SML}}}"
R_ID = f"{{{REL}}}id"

PEOPLE = ["Alice", "Bob", "Carl", "Dora", "محمد", "Émile", "Frank", "李娜", "Gus", "Hana"]
NAMES = f'xmlns:r="{REL}" xmlns:mc="{MC}" xmlns:xdr="{XDR}" xmlns:x14="{X14}"'


# ----- a package edited as zip + XML -----------------------------------------------------

class Book:
    """The parts of a workbook file, edited in memory and written back."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}

    def xml(self, name: str):
        return etree.fromstring(self.parts[name])

    def put(self, name: str, root) -> None:
        self.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def sheet_part(self, title: str) -> str:
        rid = next(el.get(R_ID) for el in self.xml("xl/workbook.xml").iter(S + "sheet") if el.get("name") == title)
        rels = self.xml("xl/_rels/workbook.xml.rels")
        return "xl/" + next(el.get("Target") for el in rels if el.get("Id") == rid).lstrip("/").removeprefix("xl/")

    def free(self, pattern: str) -> str:
        n = 1
        while pattern.format(n=n) in self.parts:
            n += 1
        return pattern.format(n=n)

    def rel(self, source: str, rtype: str, target: str, content_type: str | None = None) -> str:
        """A relationship of `source` to part `target` (added with its content type)."""
        p = PurePosixPath(source)
        rels_name = str(p.parent / "_rels" / (p.name + ".rels"))
        root = self.xml(rels_name) if rels_name in self.parts else etree.Element(f"{{{PKG}}}Relationships",
                                                                                 nsmap={None: PKG})
        rid = f"rId{len(root) + 101}"
        el = etree.SubElement(root, f"{{{PKG}}}Relationship", Id=rid, Type=f"{REL}/{rtype}"
                              if "/" not in rtype else rtype)
        el.set("Target", "/" + target)
        self.put(rels_name, root)
        if content_type:
            types = self.xml("[Content_Types].xml")
            if not any(e.get("PartName") == "/" + target for e in types):
                etree.SubElement(types, f"{{{CT}}}Override", PartName="/" + target, ContentType=content_type)
            self.put("[Content_Types].xml", types)
        return rid

    def default_type(self, ext: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        if not any(e.get("Extension") == ext for e in types):
            types.insert(0, etree.Element(f"{{{CT}}}Default", Extension=ext, ContentType=content_type))
        self.put("[Content_Types].xml", types)

    def add_to_sheet(self, part: str, fragment: str) -> None:
        """Put an element into a sheet at its place in the schema's order (an element in
        `mc:AlternateContent` takes the place of the one it holds)."""
        order = ["sheetData", "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
                 "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
                 "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
                 "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
                 "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
                 "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"]

        def name(el):
            while etree.QName(el).namespace == MC:
                el = el[0]
            return etree.QName(el).localname
        root = self.xml(part)
        el = etree.fromstring(fragment)
        before = [c for c in root if name(c) in order[:order.index(name(el))]]
        before[-1].addnext(el)
        self.put(part, root)

    def add_ext(self, part: str, ext: str) -> None:
        """An Excel extension (`<ext uri>`) added to the part's extension list."""
        root = self.xml(part)
        lst = root.find(S + "extLst")
        if lst is None:
            self.add_to_sheet(part, f'<extLst xmlns="{SML}"/>') if part != "xl/workbook.xml" else \
                root.append(etree.Element(S + "extLst"))
            if part != "xl/workbook.xml":
                root = self.xml(part)
            lst = root.find(S + "extLst")
        lst.append(etree.fromstring(ext))
        self.put(part, root)

    def defined_name(self, name: str, text: str) -> None:
        book = self.xml("xl/workbook.xml")
        names = book.find(S + "definedNames")
        if names is None:
            names = etree.Element(S + "definedNames")
            next(c for c in book if etree.QName(c).localname == "sheets").addnext(names)
        etree.SubElement(names, S + "definedName", name=name).text = text
        self.put("xl/workbook.xml", book)

    def save(self) -> None:
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in self.parts.items():
                z.writestr(n, data)


def _png(rgb: tuple[int, int, int], w: int = 48, h: int = 32) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _at(col0: int, row0: int, row_off: int = 19050) -> str:
    """A cell anchor's end (EMU offsets: 19050 is 2 px, 152400 is 16 px down a 20 px row)."""
    return (f"<xdr:col>{col0}</xdr:col><xdr:colOff>19050</xdr:colOff>"
            f"<xdr:row>{row0}</xdr:row><xdr:rowOff>{row_off}</xdr:rowOff>")


# ----- the user's workbook --------------------------------------------------------------

def _rows_by_name(book: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(book)[DATA]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(ws.tables["tblCustomers"].ref)
    name = [ws.cell(r1, c).value for c in range(c1, c2 + 1)].index("Name") + c1
    return {ws.cell(r, name).value: r for r in range(r1 + 1, r2 + 1) if ws.cell(r, name).value}


def _end(book: Path) -> int:
    ws = openpyxl.load_workbook(book)[DATA]
    return openpyxl.utils.cell.range_boundaries(ws.tables["tblCustomers"].ref)[3]


DATA = "Customers"                              # the data sheet's name (a test renames it)


def _q(title: str) -> str:
    """A sheet's name as a formula writes it."""
    from openpyxl.utils import quote_sheetname

    return quote_sheetname(title)


BESIDE = 28                                     # AB: the first column right of the table (A:Z)
LINK = get_column_letter(BESIDE + 1)            # AC: where the check boxes write


def _shape(sid: int, kind: str, anchor: list[int], extra: str, text: str = "") -> str:
    shapetype = "#_x0000_t75" if kind == "Pict" else "#_x0000_t201"
    body = (f'<v:imagedata o:relid="{text}" o:title=""/>' if kind == "Pict" else
            f'<v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
            f'<font face="Calibri" size="220" color="auto">{text}</font></div></v:textbox>')
    return (f'<v:shape id="_x0000_s{sid}" type="{shapetype}" style="position:absolute;margin-left:0;'
            f'margin-top:0;width:80pt;height:14pt;z-index:{sid - 1024}" filled="f" stroked="f" o:insetmode="auto">'
            f'{body}<x:ClientData ObjectType="{kind}"><x:Anchor>{", ".join(map(str, anchor))}</x:Anchor>'
            f'{extra}</x:ClientData></v:shape>')


def _vml(shapes: list[str]) -> bytes:
    return (f'<xml xmlns:v="{V}" xmlns:o="{O}" xmlns:x="{XL}"><o:shapelayout v:ext="edit">'
            f'<o:idmap v:ext="edit" data="1"/></o:shapelayout>'
            f'<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
            f'<v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" '
            f'o:connecttype="rect"/><o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
            f'<v:shapetype id="_x0000_t75" coordsize="21600,21600" o:spt="75" o:preferrelative="t" '
            f'path="m@4@5l@4@11@9@11@9@5xe" filled="f" stroked="f"><v:stroke joinstyle="miter"/>'
            f'<v:path o:extrusionok="f" gradientshapeok="t" o:connecttype="rect"/>'
            f'<o:lock v:ext="edit" aspectratio="t"/></v:shapetype>' + "".join(shapes) + "</xml>").encode()


def _controls(b: Book, part: str, title: str, boxes: list[dict]) -> None:
    """Form controls (Developer > Insert), as Excel 2010 and later write them: a VML box
    each, their properties in xl/ctrlProps, and `<controls>` in the sheet in
    `mc:AlternateContent` (boxes: name, kind, object type, top row (1-based), column,
    rows tall, properties)."""
    vml = b.free("xl/drawings/vmlDrawing{n}.vml")
    b.default_type("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    shapes, controls, sid = [], [], 1025
    for box in boxes:
        row0, col0, tall = box["row"] - 1, box["col"] - 1, box.get("tall", 0)
        props = box["props"]
        prop_part = b.free("xl/ctrlProps/ctrlProp{n}.xml")
        b.parts[prop_part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<formControlPr '
                              f'xmlns="{X14}" objectType="{box["object"]}" '
                              + " ".join(f'{k}="{v}"' for k, v in props.items()) + ' lockText="1" noThreeD="1"/>'
                              ).encode()
        rid = b.rel(part, "ctrlProp", prop_part, "application/vnd.ms-excel.controlproperties+xml")
        fmla = "".join(f"<x:{k[0].upper() + k[1:]}>{v}</x:{k[0].upper() + k[1:]}>"
                       for k, v in props.items() if k.startswith("fmla"))
        shapes.append(_shape(sid, box["kind"], [col0, 2, row0, 2, col0 + 1, 40, row0 + tall, 16],
                             f"<x:AutoFill>False</x:AutoFill><x:AutoLine>False</x:AutoLine>{fmla}",
                             box["name"]))
        moves = "" if box.get("fixed") else ' moveWithCells="1"'
        controls.append(
            f'<mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="{sid}" r:id="{rid}" '
            f'name="{box["name"]}"><controlPr defaultSize="0" autoFill="0" autoLine="0" autoPict="0">'
            f'<anchor{moves}><xdr:from>{_at(col0, row0)}</xdr:from><xdr:to>{_at(col0 + 1, row0 + tall, 152400)}</xdr:to>'
            f'</anchor></controlPr></control></mc:Choice></mc:AlternateContent>')
        sid += 1
    b.parts[vml] = _vml(shapes)
    rid = b.rel(part, "vmlDrawing", vml)
    b.add_to_sheet(part, f'<legacyDrawing xmlns="{SML}" xmlns:r="{REL}" r:id="{rid}"/>')
    b.add_to_sheet(part, f'<mc:AlternateContent xmlns="{SML}" {NAMES}><mc:Choice Requires="x14"><controls>'
                         + "".join(controls) + "</controls></mc:Choice></mc:AlternateContent>")
    return vml


def _ole_object(b: Book, part: str, vml: str, row: int, col: int) -> None:
    """An embedded workbook (Insert > Object), shown by its picture: the package in
    xl/embeddings, `<oleObjects>` in the sheet and a VML box beside the controls'."""
    inner = openpyxl.Workbook()
    inner.active["A1"] = "Émile: contract 2026"
    data = io.BytesIO()
    inner.save(data)
    emb = b.free("xl/embeddings/Microsoft_Excel_Worksheet{n}.xlsx")
    b.parts[emb] = data.getvalue()
    b.default_type("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    b.default_type("png", "image/png")
    img = b.free("xl/media/image{n}.png")
    b.parts[img] = _png((70, 130, 180))
    ole = b.rel(part, "package", emb)
    pic = b.rel(part, "image", img)
    vpic = b.rel(vml, "image", img)
    sid, row0, col0 = 1100, row - 1, col - 1
    box = _shape(sid, "Pict", [col0, 2, row0, 2, col0 + 2, 2, row0 + 2, 2], "<x:CF>Pict</x:CF><x:AutoPict/>",
                 vpic)
    b.parts[vml] = b.parts[vml].replace(b"</xml>", box.encode() + b"</xml>")
    b.add_to_sheet(part, f'<mc:AlternateContent xmlns="{SML}" {NAMES}><mc:Choice Requires="x14"><oleObjects>'
                         f'<mc:AlternateContent><mc:Choice Requires="x14"><oleObject progId="Excel.Sheet.12" '
                         f'shapeId="{sid}" r:id="{ole}"><objectPr defaultSize="0" autoPict="0" r:id="{pic}">'
                         f'<anchor moveWithCells="1" sizeWithCells="1"><xdr:from>{_at(col0, row0)}</xdr:from>'
                         f'<xdr:to>{_at(col0 + 2, row0 + 2)}</xdr:to></anchor></objectPr></oleObject></mc:Choice>'
                         f'<mc:Fallback><oleObject progId="Excel.Sheet.12" shapeId="{sid}" r:id="{ole}"/>'
                         f'</mc:Fallback></mc:AlternateContent></oleObjects></mc:Choice></mc:AlternateContent>')


def _pivot(b: Book, part: str, name: str, source: str, at: str, names: list[str],
           headers: list[str]) -> tuple[str, int]:
    """A pivot table (Insert > PivotTable: Name in Rows, Count of Name in Values) at `at`
    on the sheet of `part`, reading `source` (a worksheetSource's attributes), its cache
    kept without records (refreshed in Excel)."""
    cache = b.free("xl/pivotCache/pivotCacheDefinition{n}.xml")
    fields = "".join(
        f'<cacheField name="{h}" numFmtId="0"><sharedItems count="{len(names)}">'
        + "".join(f'<s v="{n}"/>' for n in names) + "</sharedItems></cacheField>" if h == "Name" else
        f'<cacheField name="{h}" numFmtId="22"><sharedItems containsSemiMixedTypes="0" containsNonDate="0" '
        f'containsDate="1" containsString="0" minDate="2026-01-01T00:00:00" maxDate="2027-01-01T00:00:00"/>'
        f'</cacheField>' if h == "Created" else
        f'<cacheField name="{h}" numFmtId="0"><sharedItems containsBlank="1"/></cacheField>' for h in headers)
    pivot_cache_id = 100 + len([n for n in b.parts if n.startswith("xl/pivotCache/")])
    b.parts[cache] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheDefinition '
                      f'xmlns="{SML}" xmlns:r="{REL}" saveData="0" createdVersion="6" refreshedVersion="6" '
                      f'minRefreshableVersion="3" recordCount="{len(names)}"><cacheSource type="worksheet">'
                      f'<worksheetSource {source}/></cacheSource><cacheFields count="{len(headers)}">{fields}'
                      f'</cacheFields><extLst><ext uri="{{725AE2AE-9491-48be-B2B4-4EB974FC3084}}" '
                      f'xmlns:x14="{X14}"><x14:pivotCacheDefinition pivotCacheId="{pivot_cache_id}"/></ext>'
                      f'</extLst></pivotCacheDefinition>').encode()
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    wb_rid = b.rel("xl/workbook.xml", "pivotCacheDefinition", cache, ct + "pivotCacheDefinition+xml")
    book = b.xml("xl/workbook.xml")
    caches = book.find(S + "pivotCaches")
    if caches is None:
        caches = etree.Element(S + "pivotCaches")
        after = [c for c in book if etree.QName(c).localname in (
            "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
            "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews")]
        after[-1].addnext(caches)
    cache_id = 10 + len(caches)
    etree.SubElement(caches, S + "pivotCache", cacheId=str(cache_id)).set(R_ID, wb_rid)
    b.put("xl/workbook.xml", book)
    table = b.free("xl/pivotTables/pivotTable{n}.xml")
    c, r = re.match(r"([A-Z]+)(\d+)", at).groups()
    r = int(r)
    end = f"{get_column_letter(openpyxl.utils.column_index_from_string(c) + 1)}{r + len(names) + 1}"
    pfields = "".join(
        f'<pivotField axis="axisRow" dataField="1" showAll="0"><items count="{len(names) + 1}">'
        + "".join(f'<item x="{i}"/>' for i in range(len(names))) + '<item t="default"/></items></pivotField>'
        if h == "Name" else '<pivotField showAll="0"/>' for h in headers)
    rows = "".join(f'<i><x v="{i}"/></i>' if i else "<i><x/></i>" for i in range(len(names)))
    b.parts[table] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotTableDefinition xmlns="{SML}" '
        f'name="{name}" cacheId="{cache_id}" applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" '
        f'applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="1" dataCaption="Values" '
        f'updatedVersion="6" minRefreshableVersion="3" useAutoFormatting="1" itemPrintTitles="1" '
        f'createdVersion="6" indent="0" outline="1" outlineData="1" multipleFieldFilters="0">'
        f'<location ref="{at}:{end}" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
        f'<pivotFields count="{len(headers)}">{pfields}</pivotFields>'
        f'<rowFields count="1"><field x="{headers.index("Name")}"/></rowFields>'
        f'<rowItems count="{len(names) + 1}">{rows}<i t="grand"><x/></i></rowItems>'
        f'<colItems count="1"><i/></colItems><dataFields count="1"><dataField name="Count of Name" '
        f'fld="{headers.index("Name")}" subtotal="count" baseField="0" baseItem="0"/></dataFields>'
        f'<pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" showColHeaders="1" '
        f'showRowStripes="0" showColStripes="0" showLastColumn="1"/></pivotTableDefinition>').encode()
    b.rel(table, "pivotCacheDefinition", cache)
    b.rel(part, "pivotTable", table, ct + "pivotTable+xml")
    return name, pivot_cache_id


def _pivot_cells(ws, at: str, names: list[str]) -> None:
    """What the pivot table shows, in the sheet's cells (as Excel saved them)."""
    c, r = re.match(r"([A-Z]+)(\d+)", at).groups()
    col, r = openpyxl.utils.column_index_from_string(c), int(r)
    ws.cell(r, col).value, ws.cell(r, col + 1).value = "Row Labels", "Count of Name"
    for i, n in enumerate(names, 1):
        ws.cell(r + i, col).value, ws.cell(r + i, col + 1).value = n, 1
    ws.cell(r + len(names) + 1, col).value = "Grand Total"
    ws.cell(r + len(names) + 1, col + 1).value = len(names)


def _drawing(b: Book, part: str, slicer_row: int, picture_row: int, small_row: int) -> str:
    """A table slicer on Name (Table Design > Insert Slicer) and a picture, anchored to
    cells: the slicer in `mc:AlternateContent` with the shape older readers show, its
    slicer and slicer cache parts and their lists in the sheet and the workbook."""
    table = b.xml("xl/tables/table1.xml")
    assert table.get("name") == "tblCustomers"
    img = b.free("xl/media/image{n}.png")
    b.parts[img] = _png((230, 150, 40))
    b.default_type("png", "image/png")
    drawing = b.free("xl/drawings/drawing{n}.xml")
    blip = b.rel(drawing, "image", img)
    col = BESIDE + 4

    def two(r0: int, body: str, tall: int = 5, edit: str = "oneCell") -> str:
        return (f'<xdr:twoCellAnchor editAs="{edit}"><xdr:from>{_at(col, r0)}</xdr:from>'
                f'<xdr:to>{_at(col + 2, r0 + tall, 152400)}</xdr:to>{body}<xdr:clientData/></xdr:twoCellAnchor>')
    fallback_shape = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="0" name=""/><xdr:cNvSpPr>'
        '<a:spLocks noTextEdit="1"/></xdr:cNvSpPr></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="1828800" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        '<a:solidFill><a:prstClr val="white"/></a:solidFill><a:ln w="1"><a:solidFill><a:prstClr val="green"/>'
        '</a:solidFill></a:ln></xdr:spPr><xdr:txBody><a:bodyPr vertOverflow="clip" horzOverflow="clip"/>'
        '<a:lstStyle/><a:p><a:r><a:rPr lang="en-US" sz="1100"/><a:t>This shape represents a table slicer. '
        'Table slicers are supported in Excel or later versions of Excel.</a:t></a:r></a:p></xdr:txBody>'
        '</xdr:sp>')
    slicer_frame = (
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Name"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
        '</xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/drawing/2010/slicer">'
        '<sle:slicer xmlns:sle="http://schemas.microsoft.com/office/drawing/2010/slicer" name="Name"/>'
        '</a:graphicData></a:graphic></xdr:graphicFrame>')
    def picture(n: int) -> str:
        return (f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{n}" name="Picture {n}"/><xdr:cNvPicPr>'
                f'<a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>'
                f'<a:blip r:embed="{blip}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr>'
                f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="457200" cy="304800"/></a:xfrm><a:prstGeom prst="rect">'
                f'<a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>')
    b.parts[drawing] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}" '
        f'xmlns:r="{REL}"><mc:AlternateContent xmlns:mc="{MC}"><mc:Choice '
        f'xmlns:sle15="http://schemas.microsoft.com/office/drawing/2012/slicer" Requires="sle15">'
        f'{two(slicer_row - 1, slicer_frame)}</mc:Choice><mc:Fallback>{two(slicer_row - 1, fallback_shape)}'
        f'</mc:Fallback></mc:AlternateContent>{two(picture_row - 1, picture(3))}'
        f'{two(small_row - 1, picture(4), tall=0, edit="twoCell")}</xdr:wsDr>').encode()
    rid = b.rel(part, "drawing", drawing, "application/vnd.openxmlformats-officedocument.drawing+xml")
    b.add_to_sheet(part, f'<drawing xmlns="{SML}" xmlns:r="{REL}" r:id="{rid}"/>')
    slicer = b.free("xl/slicers/slicer{n}.xml")
    b.parts[slicer] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<slicers xmlns="{X14}">'
                       f'<slicer name="Name" cache="Slicer_Name" caption="Name" rowHeight="241300"/>'
                       f'</slicers>').encode()
    cache = b.free("xl/slicerCaches/slicerCache{n}.xml")
    column = next(c.get("id") for c in table.iter(S + "tableColumn") if c.get("name") == "Name")
    b.parts[cache] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<slicerCacheDefinition '
                      f'xmlns="{X14}" xmlns:x="{SML}" name="Slicer_Name" sourceName="Name"><extLst>'
                      f'<x:ext uri="{{2F2917AC-EB37-4324-AD4E-5DD8C200BD13}}" xmlns:x15="{X15}">'
                      f'<x15:tableSlicerCache tableId="{table.get("id")}" column="{column}"/></x:ext></extLst>'
                      f'</slicerCacheDefinition>').encode()
    srid = b.rel(part, "http://schemas.microsoft.com/office/2007/relationships/slicer", slicer,
                 "application/vnd.ms-excel.slicer+xml")
    crid = b.rel("xl/workbook.xml", "http://schemas.microsoft.com/office/2007/relationships/slicerCache", cache,
                 "application/vnd.ms-excel.slicerCache+xml")
    b.add_ext(part, f'<ext xmlns="{SML}" uri="{{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}}" xmlns:x14="{X14}">'
                    f'<x14:slicerList xmlns:r="{REL}"><x14:slicer r:id="{srid}"/></x14:slicerList></ext>')
    b.defined_name("Slicer_Name", "#N/A")
    b.add_ext("xl/workbook.xml", f'<ext xmlns="{SML}" uri="{{46BE6895-7355-4a93-B00E-2C351335B9C9}}" '
                                 f'xmlns:x15="{X15}"><x15:slicerCaches xmlns:x14="{X14}" xmlns:r="{REL}">'
                                 f'<x14:slicerCache r:id="{crid}"/></x15:slicerCaches></ext>')
    return drawing


def _timeline(b: Book, part: str, drawing: str, row: int, pivot: tuple[str, int, str]) -> None:
    """A timeline on the pivot table's Created dates (PivotTable Analyze > Insert Timeline),
    anchored to cells in the sheet's drawing like the slicer, in `mc:AlternateContent`
    with the shape older readers show; its timeline and cache parts and their lists."""
    name, pivot_cache_id, title = pivot
    tab = next(el.get("sheetId") for el in b.xml("xl/workbook.xml").iter(S + "sheet") if el.get("name") == title)
    col = BESIDE + 8
    ends = (f'<xdr:from>{_at(col, row - 1)}</xdr:from><xdr:to>{_at(col + 4, row + 5)}</xdr:to>')
    frame = (
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="5" name="Created"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
        '</xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/drawing/2012/timeslicer">'
        '<tsle:timeslicer xmlns:tsle="http://schemas.microsoft.com/office/drawing/2012/timeslicer" '
        'name="Created"/></a:graphicData></a:graphic></xdr:graphicFrame>')
    shape = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="0" name=""/><xdr:cNvSpPr>'
        '<a:spLocks noTextEdit="1"/></xdr:cNvSpPr></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="3200400" cy="1143000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        '<a:solidFill><a:prstClr val="white"/></a:solidFill><a:ln w="1"><a:solidFill><a:prstClr val="green"/>'
        '</a:solidFill></a:ln></xdr:spPr><xdr:txBody><a:bodyPr vertOverflow="clip" horzOverflow="clip"/>'
        '<a:lstStyle/><a:p><a:r><a:rPr lang="en-US" sz="1100"/><a:t>Timeline: Works in Excel 2013 or higher. '
        'Do not move or resize.</a:t></a:r></a:p></xdr:txBody></xdr:sp>')
    anchor = (f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice '
              f'xmlns:tsle="http://schemas.microsoft.com/office/drawing/2012/timeslicer" Requires="tsle">'
              f'<xdr:twoCellAnchor editAs="oneCell">{ends}{frame}<xdr:clientData/></xdr:twoCellAnchor></mc:Choice>'
              f'<mc:Fallback><xdr:twoCellAnchor editAs="oneCell">{ends}{shape}<xdr:clientData/></xdr:twoCellAnchor>'
              f'</mc:Fallback></mc:AlternateContent>')
    b.parts[drawing] = b.parts[drawing].replace(b"</xdr:wsDr>", anchor.encode() + b"</xdr:wsDr>")
    cache = b.free("xl/timelineCaches/timelineCache{n}.xml")
    b.parts[cache] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<timelineCacheDefinition '
                      f'xmlns="{X15}" xmlns:x="{SML}" name="NativeTimeline_Created" sourceName="Created">'
                      f'<pivotTables><pivotTable tabId="{tab}" name="{name}"/></pivotTables>'
                      f'<state minimalRefreshVersion="6" lastRefreshVersion="6" pivotCacheId="{pivot_cache_id}" '
                      f'filterType="unknown"><bounds startDate="2026-01-01T00:00:00" endDate="2027-01-01T00:00:00"/>'
                      f'</state></timelineCacheDefinition>').encode()
    timeline = b.free("xl/timelines/timeline{n}.xml")
    b.parts[timeline] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<timelines xmlns="{X15}">'
                         f'<timeline name="Created" cache="NativeTimeline_Created" caption="Created" level="2" '
                         f'selectionLevel="2"/></timelines>').encode()
    crid = b.rel("xl/workbook.xml", "http://schemas.microsoft.com/office/2011/relationships/timelineCache", cache,
                 "application/vnd.ms-excel.timelineCache+xml")
    trid = b.rel(part, "http://schemas.microsoft.com/office/2011/relationships/timeline", timeline,
                 "application/vnd.ms-excel.timeline+xml")
    b.defined_name("NativeTimeline_Created", "#N/A")
    b.add_ext("xl/workbook.xml", f'<ext xmlns="{SML}" uri="{{D0CA8CA8-9F24-4464-BF8E-62219DCF47F9}}" '
                                 f'xmlns:x15="{X15}"><x15:timelineCacheRefs xmlns:r="{REL}">'
                                 f'<x15:timelineCacheRef r:id="{crid}"/></x15:timelineCacheRefs></ext>')
    b.add_ext(part, f'<ext xmlns="{SML}" uri="{{7E03D99C-DC04-49d9-9315-930204A7B6E9}}" xmlns:x15="{X15}">'
                    f'<x15:timelineRefs xmlns:r="{REL}"><x15:timelineRef r:id="{trid}"/></x15:timelineRefs></ext>')


def decorate(book: Path, *, pivot_beside: bool = False) -> dict[str, int]:
    """The user's objects on the refreshed workbook. Returns where they were put."""
    at, end = _rows_by_name(book), _end(book)
    wb = openpyxl.load_workbook(book)
    ws = wb[DATA]
    headers = [c.value for c in ws[1]][:26]
    names = sorted(at)
    ws.cell(at["Dora"], BESIDE).value = "called"
    ws.cell(at["Dora"], BESIDE + 1).value = True
    ws.cell(at["Bob"], BESIDE + 1).value = False
    pick = end + 2
    ws.cell(pick, BESIDE).value = 3                              # the drop-down's choice
    pivot_at = f"AB{at['Alice']}" if pivot_beside else f"A{end + 6}"      # a note further down
    _pivot_cells(ws, pivot_at, names)
    mine = wb.create_sheet("Mine")
    mine["A1"] = "Émile signed?"
    mine["A3"] = True
    _pivot_cells(mine, "D2", names)
    wb.save(book)
    b = Book(book)
    part = b.sheet_part(DATA)
    vml = _controls(b, part, DATA, [
        {"name": "Check Box 1", "kind": "Checkbox", "object": "CheckBox", "row": at["Dora"], "col": BESIDE,
         "props": {"checked": "Checked", "fmlaLink": f"${LINK}${at['Dora']}"}},
        {"name": "Check Box 2", "kind": "Checkbox", "object": "CheckBox", "row": at["Bob"], "col": BESIDE,
         "props": {"fmlaLink": f"${LINK}${at['Bob']}"}},
        {"name": "Drop Down 3", "kind": "Drop", "object": "Drop", "row": pick, "col": 1,
         "props": {"dropLines": "8", "fmlaLink": f"$AB${pick}", "fmlaRange": f"$B$2:$B${end}", "sel": "3"}},
        {"name": "Button 4", "kind": "Button", "object": "Button", "row": at["Gus"], "col": BESIDE + 7,
         "fixed": True, "props": {}},          # Format Control > Don't move or size with cells
    ])
    _ole_object(b, part, vml, at["Émile"], BESIDE + 2)
    records_pivot = _pivot(b, part, "Records", f'ref="A1:Z{end}" sheet={quoteattr(DATA)}', pivot_at, names, headers)
    drawing = _drawing(b, part, at["Carl"], at["Hana"], at["Bob"])
    _timeline(b, part, drawing, at["Frank"], (*records_pivot, DATA))
    mine_part = b.sheet_part("Mine")
    _controls(b, mine_part, "Mine", [
        {"name": "Check Box 1", "kind": "Checkbox", "object": "CheckBox", "row": 1, "col": 3,
         "props": {"fmlaLink": escape(f"{_q(DATA)}!${LINK}${at['Émile']}")}}])
    _pivot(b, mine_part, "ByTable", 'name="tblCustomers"', "D2", names, headers)
    b.save()
    return {"end": end, "pick": pick, "shown": len(names), "button": at["Gus"]}


# ----- reading the refreshed file ---------------------------------------------------------

def _parts(book: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n) for n in z.namelist()}


def _related(parts: dict[str, bytes], source: str, kind: str) -> dict[str, str]:
    """{rel id: part} of `source`'s relationships whose type ends with `kind`."""
    p = PurePosixPath(source)
    name = str(p.parent / "_rels" / (p.name + ".rels"))
    if name not in parts:
        return {}
    out = {}
    for el in etree.fromstring(parts[name]):
        if el.get("Type").endswith("/" + kind):
            t = el.get("Target")
            out[el.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(f"{p.parent}/{t}")
    return out


def _anchor_rows(el) -> tuple[int, int]:
    a = el.find(f".//{S}anchor")
    return (int(a.find(f"{{{XDR}}}from/{{{XDR}}}row").text), int(a.find(f"{{{XDR}}}to/{{{XDR}}}row").text))


def read_objects(book: Path, title: str | None = None) -> dict:
    """Each object of a sheet as the written file holds it: controls and embedded objects
    (rows of their sheet anchor and of their VML box, links), pivot tables, drawings."""
    parts = _parts(book)
    b = Book(book)
    title = title or DATA
    part = b.sheet_part(title)
    root = etree.fromstring(parts[part])
    props = {rid: etree.fromstring(parts[p]) for rid, p in _related(parts, part, "ctrlProp").items()}
    vml = next(iter(_related(parts, part, "vmlDrawing").values()), None)
    boxes = {}
    for m in re.finditer(rb'<v:shape id="_x0000_s(\d+)".*?</v:shape>', parts[vml] if vml else b"", re.S):
        nums = [int(x) for x in re.search(rb"<x:Anchor>([^<]*)<", m.group(0)).group(1).split(b",")]
        fmla = dict(re.findall(rb"<x:(Fmla\w+)>([^<]*)<", m.group(0)))
        boxes[int(m.group(1))] = ((nums[2], nums[6]), {k.decode(): unescape(v.decode()) for k, v in fmla.items()})
    out = {}
    for ctl in root.iter(S + "control"):
        p = props[ctl.get(R_ID)]
        out[ctl.get("name")] = {"rows": _anchor_rows(ctl), "box": boxes[int(ctl.get("shapeId"))][0],
                                "props": {k: v for k, v in p.attrib.items() if k.startswith("fmla")},
                                "box_fmla": boxes[int(ctl.get("shapeId"))][1]}
    for ole in root.iter(S + "oleObject"):
        if ole.find(S + "objectPr") is not None:
            out["ole"] = {"rows": _anchor_rows(ole), "box": boxes[int(ole.get("shapeId"))][0]}
    for _rid, p in _related(parts, part, "pivotTable").items():
        pt = etree.fromstring(parts[p])
        cache = next(iter(_related(parts, p, "pivotCacheDefinition").values()))
        src = etree.fromstring(parts[cache]).find(f"{S}cacheSource/{S}worksheetSource")
        out["pivot " + pt.get("name")] = {"ref": pt.find(S + "location").get("ref"), "source": dict(src.attrib)}
    for _rid, p in _related(parts, part, "drawing").items():
        d = etree.fromstring(parts[p])
        for a in d.iter(f"{{{XDR}}}twoCellAnchor"):
            where = "fallback" if any(x.tag == f"{{{MC}}}Fallback" for x in a.iterancestors()) else "choice"
            pic = next((el.get("name") for el in a.iter(f"{{{XDR}}}cNvPr")), "")
            said = etree.tostring(a)
            kind = "timeline" if b"timeslicer" in said or b"Timeline:" in said else "slicer"
            key = (pic if a.find(f"{{{XDR}}}pic") is not None else f"{kind} {where}")
            out[key] = (int(a.find(f"{{{XDR}}}from/{{{XDR}}}row").text), int(a.find(f"{{{XDR}}}to/{{{XDR}}}row").text))
    return out


# ----- schema validation, Markup Compatibility processed ----------------------------------

KNOWN = {SML, XDR, A, REL, "http://schemas.openxmlformats.org/drawingml/2006/chart", PKG, CT}


def _resolved(root, prefer_choice: bool):
    """The part as a reader that processes Markup Compatibility (ECMA-376 Part 3) sees it:
    each `mc:AlternateContent` replaced by the first Choice whose content the schemas
    describe (`prefer_choice`), else by its Fallback."""
    root = etree.fromstring(etree.tostring(root))
    for ac in list(root.iter(f"{{{MC}}}AlternateContent"))[::-1]:
        if ac.getparent() is None:
            continue
        branches = [c for c in ac if c.tag == f"{{{MC}}}Choice"]
        known = [c for c in branches if all(etree.QName(e).namespace in KNOWN | {MC}
                                            for e in c.iter() if isinstance(e.tag, str) and e is not c)]
        pick = (known[:1] if prefer_choice else []) or [c for c in ac if c.tag == f"{{{MC}}}Fallback"]
        parent, at = ac.getparent(), ac.getparent().index(ac)
        parent.remove(ac)
        for i, child in enumerate(list(pick[0]) if pick else []):
            parent.insert(at + i, child)
    return root


def validate_part(name: str, data: bytes) -> None:
    """Both readings of a part (the Choices the schemas describe; the Fallbacks) validate;
    VML boxes validate against the VML schemas shape by shape."""
    if name.endswith(".vml"):
        return _validate_vml(name, data)
    root = etree.fromstring(data)
    for choice in (True, False):
        _validate(name, etree.tostring(_resolved(root, choice)))


_VML_XSD = None


def _validate_vml(name: str, data: bytes) -> None:
    global _VML_XSD
    if _VML_XSD is None:
        folder = next(SCHEMAS.rglob("vml-main.xsd")).parent
        imports = "".join(f'<xsd:import namespace="{ns}" schemaLocation="{(folder / f).as_uri()}"/>'
                          for ns, f in ((V, "vml-main.xsd"), (O, "vml-officeDrawing.xsd"),
                                        (XL, "vml-spreadsheetDrawing.xsd")))
        _VML_XSD = etree.XMLSchema(etree.fromstring(
            f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'))
    root = etree.fromstring(data)
    for el in root:
        if not _VML_XSD.validate(etree.ElementTree(etree.fromstring(etree.tostring(el)))):
            raise AssertionError(f"{name} does not validate against the VML schemas: {_VML_XSD.error_log.last_error}")


def validate_written(before: dict[str, bytes], book: Path) -> list[str]:
    """Every part written validates, and no part of the user's was dropped."""
    now = _parts(book)
    assert set(before) <= set(now)
    sheet = now[Book(book).sheet_part(DATA)]
    assert b"slicerList" in sheet and b"timelineRefs" in sheet and b"<controls>" in sheet and b"<oleObjects>" in sheet
    assert b"slicerCaches" in now["xl/workbook.xml"] and b"timelineCacheRefs" in now["xl/workbook.xml"]
    written = [n for n, d in now.items() if before.get(n) != d and n.endswith((".xml", ".rels", ".vml"))]
    for n in written:
        validate_part(n, now[n])
    return written


# ----- the tests ---------------------------------------------------------------------------

def _start(run, admin, tmp_path, people, **kw):
    ids = {name: records.create(admin, "customer", {"name": name})["id"] for name in people}
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    if DATA != "Customers":                     # the user renamed the data sheet
        wb = openpyxl.load_workbook(book)
        wb["Customers"].title = DATA
        wb.save(book)
    placed = decorate(book, **kw)
    return ids, book, placed


def _expect(book: Path, placed: dict, moved_by: int) -> None:
    """Objects beside the records are on their records' rows; those under the table moved
    with its last row (`moved_by` rows)."""
    at, end = _rows_by_name(book), _end(book)
    pick = placed["pick"] + moved_by
    assert end == placed["end"] + moved_by
    objects = read_objects(book)
    dora = at["Dora"] - 1
    assert objects["Check Box 1"]["rows"] == objects["Check Box 1"]["box"] == (dora, dora)
    assert objects["Check Box 1"]["props"] == {"fmlaLink": f"${LINK}${at['Dora']}"}
    assert objects["Check Box 1"]["box_fmla"] == {"FmlaLink": f"${LINK}${at['Dora']}"}
    fixed = placed["button"] - 1            # set not to move with cells: it stays where it was
    assert objects["Button 4"]["rows"] == objects["Button 4"]["box"] == (fixed, fixed)
    assert objects["Drop Down 3"]["rows"] == objects["Drop Down 3"]["box"] == (pick - 1, pick - 1)
    assert objects["Drop Down 3"]["props"] == {"fmlaLink": f"$AB${pick}", "fmlaRange": f"$B$2:$B${end}"}
    assert objects["Drop Down 3"]["box_fmla"] == {"FmlaLink": f"$AB${pick}", "FmlaRange": f"$B$2:$B${end}"}
    # the embedded object covers Émile's row down to Li Na's (moves and sizes with cells)
    emile, li_na = at["Émile"] - 1, at["李娜"] - 1
    assert objects["ole"] == {"rows": (emile, li_na), "box": (emile, li_na)}
    assert objects["pivot Records"] == {"ref": f"A{end + 6}:B{end + 6 + placed['shown'] + 1}",
                                        "source": {"ref": f"A1:Z{end}", "sheet": DATA}}
    # the slicer's top stood on Carl's row: removed, it starts on the row that took its place
    carl = at["Carl"] - 1 if "Carl" in at else at["Dora"] - 1
    hana = at["Hana"] - 1
    assert objects["slicer choice"] == objects["slicer fallback"] == (carl, carl + 5)
    frank = at["Frank"] - 1 if "Frank" in at else at["李娜"] - 1        # the timeline's top: Frank's row
    assert objects["timeline choice"] == objects["timeline fallback"] == (frank, frank + 6)
    assert objects["Picture 3"] == (hana, hana + 5)
    if "Bob" in at:
        assert objects["Picture 4"] == (at["Bob"] - 1, at["Bob"] - 1)
    mine = read_objects(book, "Mine")
    assert mine["Check Box 1"]["props"] == {"fmlaLink": f"{_q(DATA)}!${LINK}${at['Émile']}"}
    assert mine["Check Box 1"]["box_fmla"] == {"FmlaLink": f"{_q(DATA)}!${LINK}${at['Émile']}"}
    assert mine["pivot ByTable"]["source"] == {"name": "tblCustomers"}
    ws = openpyxl.load_workbook(book)[DATA]
    top = int(re.match(r"[A-Z]+(\d+)", objects["pivot Records"]["ref"]).group(1))
    last = int(objects["pivot Records"]["ref"].rsplit(":", 1)[1][1:])
    assert ws.cell(top, 1).value == "Row Labels" and ws.cell(last, 1).value == "Grand Total"
    assert ws.cell(at["Dora"], BESIDE + 1).value is True


@pytest.mark.parametrize("removed", [["Alice"], ["Alice", "Carl"], ["محمد", "Frank", "Gus"]])
def test_controls_embedded_objects_pivot_tables_and_slicers_follow_their_records_when_records_are_removed(
        run, admin, tmp_path, removed):
    ids, book, placed = _start(run, admin, tmp_path, PEOPLE)
    before = _parts(book)
    for name in removed:
        records.delete(admin, ids[name])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    at = _rows_by_name(book)
    assert set(at) == set(PEOPLE) - set(removed)
    _expect(book, placed, -len(removed))
    assert "stood on row" not in out + err and "#REF!" not in out + err
    written = validate_written(before, book)
    assert any(n.startswith("xl/pivotCache/") for n in written) and any(n.endswith(".vml") for n in written)


def test_objects_under_the_table_move_down_and_pivot_sources_grow_when_refresh_adds_records(
        run, admin, tmp_path):
    _ids, book, placed = _start(run, admin, tmp_path, PEOPLE)
    before = _parts(book)
    pivot = read_objects(book)["pivot Records"]["ref"]
    for i in range(3):
        records.create(admin, "customer", {"name": f"Neu {i} Ωμέγα"})
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    _expect(book, placed, 3)
    first, last = pivot.split(":")
    assert read_objects(book)["pivot Records"]["ref"] == (
        f"A{int(first[1:]) + 3}:B{int(last[1:]) + 3}")
    assert "pivot" not in out + err
    validate_written(before, book)


@pytest.mark.parametrize("removed", [["Bob"], ["Émile", "Frank", "李娜"]])
def test_an_object_that_stood_only_on_removed_records_rows_is_kept_and_named_and_a_lost_link_is_said(
        run, admin, tmp_path, removed):
    ids, book, placed = _start(run, admin, tmp_path, PEOPLE)
    was = _rows_by_name(book)
    top = was[removed[0]]
    before = _parts(book)
    for name in removed:
        records.delete(admin, ids[name])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    said = out + err
    at = _rows_by_name(book)
    objects = read_objects(book)
    kept = f"stood on row {top}, a row Refresh removed; it was kept and now stands on row {top}, beside another"
    if removed == ["Bob"]:          # a check box linked to a cell on Bob's row, a picture on it
        assert objects["Check Box 2"]["rows"] == objects["Check Box 2"]["box"] == (top - 1, top - 1)
        assert objects["Check Box 2"]["props"] == {"fmlaLink": "#REF!"}
        assert objects["Check Box 2"]["box_fmla"] == {"FmlaLink": "#REF!"}
        assert f"the form control 'Check Box 2' {kept}" in said
        assert f"'Check Box 2' was linked to ${LINK}${top}, on a row Refresh removed; its link is now #REF!" in said
        assert objects["Picture 4"] == (top - 1, top - 1)
        assert f"the picture 'Picture 4' {kept}" in said
        assert at["Carl"] == top
        _expect(book, placed, -1)
    else:                           # the embedded object covered these three rows: kept whole
        assert objects["ole"] == {"rows": (top - 1, top + 1), "box": (top - 1, top + 1)}
        assert f"the embedded object (Excel.Sheet.12, shape 1100) {kept}" in said
        assert at["Gus"] == top
        # the check box on another sheet was linked to a cell on Émile's row
        assert read_objects(book, "Mine")["Check Box 1"]["props"] == {"fmlaLink": f"{_q(DATA)}!#REF!"}
        assert (f"Mine: the form control 'Check Box 1' was linked to {_q(DATA)}!${LINK}${top}, on a row Refresh "
                f"removed; its link is now #REF!") in said
        assert said.count("#REF!") == 1 and "Picture 4" not in said and "Check Box 2" not in said
    assert said.count("stood on row") == (2 if removed == ["Bob"] else 1)
    validate_written(before, book)
    _broken_parts_fail_the_schema_check(book)


def _broken_parts_fail_the_schema_check(book: Path) -> None:
    """The negative control: the check above fails a part that is not as the schema says."""
    parts = _parts(book)
    sheet = Book(book).sheet_part(DATA)
    broken = re.sub(rb"<xdr:to>.*?</xdr:to>", b"", parts[sheet], count=1)           # an anchor without its end
    with pytest.raises(AssertionError, match="does not validate"):
        validate_part(sheet, broken)
    pivot = next(n for n in parts if n.startswith("xl/pivotTables/pivotTable"))
    with pytest.raises(AssertionError, match="does not validate"):
        validate_part(pivot, parts[pivot].replace(b"<location ", b"<place "))
    vml = next(n for n in parts if n.endswith(".vml"))
    with pytest.raises(AssertionError, match="VML"):
        validate_part(vml, parts[vml].replace(b"<x:Anchor>", b"<x:Anchorage>").replace(b"</x:Anchor>",
                                                                                     b"</x:Anchorage>"))


@pytest.mark.parametrize("removed", [["Bob"], ["Hana", "Gus"]])
def test_a_pivot_table_beside_the_records_that_rows_were_removed_from_is_named(run, admin, tmp_path, removed):
    ids, book, _placed = _start(run, admin, tmp_path, PEOPLE, pivot_beside=True)
    ref = read_objects(book)["pivot Records"]["ref"]
    for name in removed:
        records.delete(admin, ids[name])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    now = read_objects(book)["pivot Records"]["ref"]
    first, last = ref.split(":")
    assert now == f"{first}:AC{int(last[2:]) - len(removed)}"
    assert f"the pivot table 'Records' on {ref} stood on rows Refresh inserted or removed" in out + err
    assert f"(now {now}): refresh it in Excel" in out + err


@pytest.mark.parametrize("title", ["Kunden & 客户's", "عملاء 2026"])
def test_on_a_renamed_data_sheet_objects_and_a_link_to_it_from_another_sheet_follow_their_records(
        run, admin, tmp_path, monkeypatch, title):
    monkeypatch.setattr(sys.modules[__name__], "DATA", title)     # a name Excel quotes in formulas
    ids, book, placed = _start(run, admin, tmp_path, PEOPLE)
    before = _parts(book)
    for name in ("Alice", "Carl"):
        records.delete(admin, ids[name])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    _expect(book, placed, -2)
    assert "stood on row" not in out + err and "#REF!" not in out + err
    validate_written(before, book)


def test_controls_kept_only_in_vml_as_excel_2007_wrote_them_follow_and_one_on_a_removed_row_is_named(
        run, admin, tmp_path):
    ids = {name: records.create(admin, "customer", {"name": name})["id"] for name in PEOPLE}
    book = new_workbook(tmp_path / "old.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    was = _rows_by_name(book)
    b = Book(book)
    part = b.sheet_part(DATA)
    vml = b.free("xl/drawings/vmlDrawing{n}.vml")
    b.default_type("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    b.parts[vml] = _vml([_shape(1025 + i, kind, [BESIDE - 1, 2, was[who] - 1, 2, BESIDE, 40, was[who] - 1, 16],
                                f"<x:FmlaLink>${LINK}${was[who]}</x:FmlaLink>", who)
                         for i, (who, kind) in enumerate((("Bob", "Checkbox"), ("Dora", "Radio")))])
    rid = b.rel(part, "vmlDrawing", vml)
    b.add_to_sheet(part, f'<legacyDrawing xmlns="{SML}" xmlns:r="{REL}" r:id="{rid}"/>')
    b.save()
    before = _parts(book)
    records.delete(admin, ids["Alice"])
    records.delete(admin, ids["Bob"])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    at = _rows_by_name(book)
    boxes = {}
    for m in re.finditer(rb'<v:shape id="_x0000_s(\d+)".*?</v:shape>', _parts(book)[vml], re.S):
        nums = [int(x) for x in re.search(rb"<x:Anchor>([^<]*)<", m.group(0)).group(1).split(b",")]
        boxes[int(m.group(1))] = (nums[2], nums[6], re.search(rb"<x:FmlaLink>([^<]*)<", m.group(0)).group(1))
    bob = was["Bob"]
    assert boxes == {1025: (bob - 2, bob - 2, b"#REF!"),                # rows 2 and 3 went: on row 2 now
                     1026: (at["Dora"] - 1, at["Dora"] - 1, f"${LINK}${at['Dora']}".encode())}
    said = out + err
    assert f"the check box (shape 1025) stood on row {bob}, a row Refresh removed; it was kept and now stands " \
           f"on row {bob - 1}" in said
    assert f"a form control was linked to ${LINK}${bob}, on a row Refresh removed; its link is now #REF!" in said
    assert "option button" not in said
    validate_part(vml, _parts(book)[vml])
    assert set(before) <= set(_parts(book))
