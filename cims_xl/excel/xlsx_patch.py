"""Write back only what CIMS changed in an openpyxl model into the original package.

openpyxl stays the in-memory model the adapters and report writers edit (it reads
values, styles, tables). Saving it with openpyxl would re-serialise the whole file and
lose what openpyxl does not model (pictures without Pillow, shapes, sparklines and data
bars in `extLst`, comment formatting, VML beyond vmlDrawing9, slicers, ...). Instead,
`Snapshot.take(wb)` records the model right after loading, and `apply(wb, snapshot,
package)` compares the model with it and edits, with lxml, only:

- the `<c>` elements of cells whose value or style changed (sheet XML),
- new entries appended to the shared strings and to `styles.xml` (existing indices
  never move),
- table parts whose range, columns or totals changed (and new/removed tables),
- data validation ranges that grew with a table, column widths (`columns.patch_cols`:
  ranges split, never overlapping), row heights, merged cells and page setup
  attributes that a report sheet sets,
- the charts of report sheets (`replace_charts`): the anchors of the charts cims made
  (marked by name, or recognised by title and data: `is_report_chart`) are replaced,
  every other anchor (the user's charts, pictures, shapes) keeps its bytes,
- new sheets and defined names a writer created.

Everything else in the package keeps its bytes. Formulas we write get a cached value
where we can compute it (table totals `SUBTOTAL(109|9, table[column])`), so readers
that do not recalculate show it.

Sources: ECMA-376 Part 1 §18.3 (worksheet: sheetData, element order of
CT_Worksheet), §18.4 (shared strings), §18.8 (styles: cellXfs, fonts, fills,
borders, numFmts), §18.5 (tables), §20.5 (SpreadsheetML drawing).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.formula import ArrayFormula

from .columns import model_changes, patch_cols, tidy_cols
from .package import (CT_CHART, CT_DRAWING, CT_TABLE, DOC_REL_NS, REL_CHART,
                      REL_DRAWING, REL_OFFICE_DOCUMENT, REL_SHARED_STRINGS, REL_STYLES, REL_TABLE,
                      REL_WORKSHEET, SML_NS, Package, rels_name, resolve)

S = f"{{{SML_NS}}}"
R_ID = f"{{{DOC_REL_NS}}}id"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# CT_Worksheet child order (ECMA-376 Part 1 §18.3.1.99).
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst")
# CT_SheetPr child order (§18.3.1.82).
SHEET_PR_ORDER = ("tabColor", "outlinePr", "pageSetUpPr")
# CT_Stylesheet child order (§18.8.39).
STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                "dxfs", "tableStyles", "colors", "extLst")
# CT_Workbook child order (§18.2.27), the part we may add to.
WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
                  "sheets", "functionGroups", "externalReferences", "definedNames", "calcPr",
                  "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                  "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


_COLUMNS: dict[str, int] = {}


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _coord(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def insert_ordered(parent: etree._Element, child: etree._Element, order: tuple[str, ...]) -> None:
    """Insert `child` into `parent` where the schema's sequence `order` wants it."""
    name = etree.QName(child).localname
    rank = order.index(name)
    for i, el in enumerate(parent):
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in order and order.index(local) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def _sml(xml_bytes: bytes) -> etree._Element:
    """An element openpyxl serialised without a namespace, moved into SpreadsheetML's."""
    wrapped = b'<x xmlns="' + SML_NS.encode() + b'">' + xml_bytes + b"</x>"
    return etree.fromstring(wrapped)[0]


def _openpyxl_bytes(el) -> bytes:
    """An element openpyxl built, as bytes without a default namespace (see `_sml`)."""
    from openpyxl.xml.functions import tostring

    data = tostring(el)
    return re.sub(rb'\sxmlns="[^"]*"', b"", data, count=1) if data.startswith(b"<") else data


# ----- what the model looked like when loaded ---------------------------------------------

@dataclass
class TableSnap:
    ref: str
    filter_ref: str | None
    sorted: bool
    columns: tuple[str, ...]
    totals: int
    obj: Any


@dataclass
class SheetSnap:
    cells: dict[tuple[int, int], tuple]
    tables: dict[str, TableSnap]
    charts: list[Any]          # the chart objects themselves: ids of freed ones get reused
    validations: list[str]
    widths: dict[str, Any]
    settings: dict[str, Any]
    dv_objs: list[Any] = field(default_factory=list)   # the validation objects, in file order


@dataclass
class Snapshot:
    sheets: dict[str, SheetSnap] = field(default_factory=dict)
    n_styles: int = 0
    n_fonts: int = 0
    n_fills: int = 0
    n_borders: int = 0
    names: frozenset[str] = frozenset()

    @classmethod
    def take(cls, wb) -> "Snapshot":
        snap = cls(n_styles=len(wb._cell_styles), n_fonts=len(wb._fonts), n_fills=len(wb._fills),
                   n_borders=len(wb._borders), names=frozenset(wb.defined_names))
        for ws in wb.worksheets:
            snap.sheets[ws.title] = sheet_snap(ws)
        return snap


def cell_state(cell) -> tuple:
    """What a save compares: value, type and the style ids (as bytes: a cheap copy)."""
    return (cell._value, cell.data_type, bytes(cell._style or b""))


def _table_snap(t) -> TableSnap:
    return TableSnap(t.ref, t.autoFilter.ref if t.autoFilter is not None else None,
                     t.sortState is not None or (t.autoFilter is not None and t.autoFilter.sortState is not None),
                     tuple(c.name for c in t.tableColumns), t.totalsRowCount or 0, t)


def sheet_snap(ws) -> SheetSnap:
    return SheetSnap(
        cells={k: (c._value, c.data_type, bytes(c._style or b"")) for k, c in ws._cells.items()},  # = cell_state
        tables={name: _table_snap(t) for name, t in dict.items(ws.tables)},
        charts=list(ws._charts),
        validations=[str(dv.sqref) for dv in ws.data_validations.dataValidation],
        widths={k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()},
        settings=sheet_settings(ws),
        dv_objs=list(ws.data_validations.dataValidation))


def sheet_settings(ws) -> dict[str, Any]:
    """Sheet-level settings a writer may change (report print layout, header and note
    heights, merged note cells)."""
    return {
        "pageSetup": _openpyxl_bytes(ws.page_setup.to_tree()),
        "sheetPr": _openpyxl_bytes(ws.sheet_properties.to_tree()),
        "rowBreaks": _openpyxl_bytes(ws.row_breaks.to_tree()) if ws.row_breaks else b"",
        "colBreaks": _openpyxl_bytes(ws.col_breaks.to_tree()) if ws.col_breaks else b"",
        "heights": {r: row_state(d) for r, d in ws.row_dimensions.items()},
        "mergeCells": _merge_cells(ws),
    }


ROW_DEFAULT = (None, False, 0, False, None, False, False)


def row_state(dim) -> tuple:
    """What a save writes of a row (`<row>`, ECMA-376 Part 1 §18.3.1.73): its height,
    hidden state, outline level and collapsed mark, its row style, thick borders."""
    return (dim.height, bool(dim.hidden), dim.outline_level or 0, bool(dim.collapsed),
            bytes(dim._style) if dim.has_style else None, bool(dim.thickBot), bool(dim.thickTop))


def _merge_cells(ws) -> bytes:
    """The sheet's merged ranges as openpyxl writes them (ECMA-376 Part 1 §18.3.1.55);
    a report merges its wrapped notes. The user's merges are in the model too."""
    if not ws.merged_cells.ranges:
        return b""
    from openpyxl.worksheet.merge import MergeCell, MergeCells
    cells = [MergeCell(str(ref)) for ref in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))]
    return _openpyxl_bytes(MergeCells(mergeCell=cells).to_tree())


# ----- styles.xml and sharedStrings.xml: append only ------------------------------------------

class Styles:
    """Maps an openpyxl StyleArray to a cellXfs index of the original styles.xml, adding xfs."""

    def __init__(self, pkg: Package, part: str, wb, snap: Snapshot):
        self.pkg, self.part, self.wb, self.snap = pkg, part, wb, snap
        self.root = pkg.xml(part)
        self.index_of: dict[tuple, int] = {}
        for i, sa in enumerate(wb._cell_styles[: snap.n_styles]):
            self.index_of.setdefault(tuple(sa), i)
        self._added: dict[tuple[str, bytes], int] = {}
        self._formats: dict[str, int] | None = None

    def _list(self, name: str) -> etree._Element:
        el = self.root.find(S + name)
        if el is None:
            el = etree.Element(S + name)
            insert_ordered(self.root, el, STYLES_ORDER)
        return el

    def _append(self, name: str, obj, n_orig: int, index: int) -> int:
        if index < n_orig:
            return index
        data = _openpyxl_bytes(obj.to_tree())
        key = (name, data)
        if key not in self._added:
            parent = self._list(name + "s")
            parent.append(_sml(data))
            parent.set("count", str(len(parent)))
            self._added[key] = len(parent) - 1
        return self._added[key]

    def _numfmt(self, num_id: int) -> int:
        from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE

        if num_id < BUILTIN_FORMATS_MAX_SIZE:
            return num_id
        code = self.wb._number_formats[num_id - BUILTIN_FORMATS_MAX_SIZE]
        fmts = self._list("numFmts")
        if self._formats is None:
            self._formats = {el.get("formatCode"): int(el.get("numFmtId")) for el in fmts}
        if code not in self._formats:
            new_id = max([163, *self._formats.values()]) + 1
            el = etree.SubElement(fmts, S + "numFmt")
            el.set("numFmtId", str(new_id))
            el.set("formatCode", code)
            fmts.set("count", str(len(fmts)))
            self._formats[code] = new_id
        return self._formats[code]

    def xf(self, style) -> int:
        if style is None:
            return 0
        key = tuple(style)
        if key in self.index_of:
            return self.index_of[key]
        wb, snap = self.wb, self.snap
        xfs = self._list("cellXfs")
        el = etree.SubElement(xfs, S + "xf")
        values = {
            "numFmtId": self._numfmt(style.numFmtId),
            "fontId": self._append("font", wb._fonts[style.fontId], snap.n_fonts, style.fontId),
            "fillId": self._append("fill", wb._fills[style.fillId], snap.n_fills, style.fillId),
            "borderId": self._append("border", wb._borders[style.borderId], snap.n_borders, style.borderId),
        }
        for k, v in values.items():
            el.set(k, str(v))
        n_named = len(self.root.find(S + "cellStyleXfs")) if self.root.find(S + "cellStyleXfs") is not None else 0
        el.set("xfId", str(style.xfId if style.xfId < n_named else 0))
        if style.quotePrefix:
            el.set("quotePrefix", "1")
        if style.pivotButton:
            el.set("pivotButton", "1")
        for attr, on in (("applyNumberFormat", values["numFmtId"]), ("applyFont", values["fontId"]),
                         ("applyFill", values["fillId"]), ("applyBorder", values["borderId"]),
                         ("applyAlignment", style.alignmentId), ("applyProtection", style.protectionId)):
            if on:
                el.set(attr, "1")
        if style.alignmentId:
            el.append(_sml(_openpyxl_bytes(wb._alignments[style.alignmentId].to_tree())))
        if style.protectionId:
            el.append(_sml(_openpyxl_bytes(wb._protections[style.protectionId].to_tree())))
        xfs.set("count", str(len(xfs)))
        self.index_of[key] = len(xfs) - 1
        return self.index_of[key]


class Strings:
    """The shared string table; new texts are appended, existing indices kept."""

    def __init__(self, pkg: Package, workbook_part: str):
        """The table of a workbook that has one (see `Patcher.strings`)."""
        self.pkg = pkg
        found = pkg.rel_targets(workbook_part, REL_SHARED_STRINGS)
        self.part = found[0][1]
        self.root = pkg.xml(self.part)
        self._index: dict[str, int] | None = None
        self.added = 0

    def index(self, text: str) -> int:
        if self._index is None:
            self._index = {}
            for i, si in enumerate(self.root):
                kids = list(si)
                if len(kids) == 1 and kids[0].tag == S + "t":
                    self._index.setdefault(kids[0].text or "", i)
        if text not in self._index:
            si = etree.SubElement(self.root, S + "si")
            t = etree.SubElement(si, S + "t")
            t.text = text
            if text != text.strip() or "\n" in text:
                t.set(XML_SPACE, "preserve")
            self._index[text] = len(self.root) - 1
            self.added += 1
        return self._index[text]

    def finish(self) -> None:
        if self.added:
            self.root.set("uniqueCount", str(len(self.root)))
            self.root.attrib.pop("count", None)  # optional; a stale total would mislead


# ----- one worksheet's sheetData ----------------------------------------------------------------

class SheetCells:
    """Index of a sheet XML's rows and cells, for in-place edits."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.data = root.find(S + "sheetData")
        if self.data is None:
            self.data = etree.Element(S + "sheetData")
            insert_ordered(root, self.data, WORKSHEET_ORDER)
        self.rows: dict[int, etree._Element] = {}
        n = 0
        for row in self.data:
            n = int(row.get("r") or n + 1)
            if row.get("r") is None:
                row.set("r", str(n))
            self.rows[n] = row
        self.row_numbers = sorted(self.rows)
        self._cells: dict[int, dict[int, etree._Element]] = {}

    def _row_cells(self, r: int, row: etree._Element) -> dict[int, etree._Element]:
        cells = self._cells.get(r)
        if cells is None:
            cells, n = {}, 0
            digits = str(r)
            cut = -len(digits)
            for c in row:
                ref = c.get("r")
                if ref and ref.endswith(digits) and ref[:cut].isalpha():
                    letters = ref[:cut]
                    n = _COLUMNS.get(letters) or _COLUMNS.setdefault(letters, _col_number(letters))
                elif ref:
                    n = _col_number(_CELL_REF.match(ref).group(1))
                else:
                    n += 1
                    c.set("r", _coord(r, n))
                cells[n] = c
            self._cells[r] = cells
        return cells

    def add_row(self, r: int, row: etree._Element) -> None:
        """Insert a new `<row r=...>` (not yet present) in row order."""
        i = bisect.bisect(self.row_numbers, r)
        if i < len(self.row_numbers):
            self.rows[self.row_numbers[i]].addprevious(row)
        else:
            self.data.append(row)
        self.row_numbers.insert(i, r)
        self.rows[r] = row

    def put(self, r: int, col: int, el: etree._Element) -> None:
        """Put cell element `el` at (r, col) of an existing row, replacing the one there."""
        row = self.rows[r]
        if r in self._cells or not self._probe_put(r, row, col, el):
            self._indexed_put(r, row, col, el)

    @staticmethod
    def _replace(old: etree._Element, el: etree._Element) -> None:
        if old.get("ph") is not None:
            el.set("ph", old.get("ph"))  # the phonetic flag is the user's, not the value's
        old.addnext(el)
        old.getparent().remove(old)

    @staticmethod
    def _col_of(el: etree._Element, r: int) -> int | None:
        ref = el.get("r")
        if not ref:
            return None
        digits = str(r)
        letters = ref[: len(ref) - len(digits)]
        if ref.endswith(digits) and letters.isalpha():
            return _COLUMNS.get(letters) or _COLUMNS.setdefault(letters, _col_number(letters))
        m = _CELL_REF.match(ref)
        return _col_number(m.group(1)) if m else None

    def _probe_put(self, r: int, row: etree._Element, col: int, el: etree._Element) -> bool:
        """Place `el` by probing a few cells around where a dense row has it; False: give up."""
        n = len(row)
        if n == 0:
            row.append(el)
            row.attrib.pop("spans", None)
            return True
        first = self._col_of(row[0], r)
        if first is None:
            return False
        j = min(max(col - first, 0), n - 1)
        cj = self._col_of(row[j], r)
        for _ in range(16):  # a dense row needs one or two probes
            if cj is None:
                return False
            if cj > col and j > 0:
                j -= 1
                cj = self._col_of(row[j], r)
                continue
            if cj < col and j < n - 1:
                nxt = self._col_of(row[j + 1], r)
                if nxt is None:
                    return False
                if nxt <= col:
                    j, cj = j + 1, nxt
                    continue
            break
        else:
            return False
        if cj == col:
            self._replace(row[j], el)
            return True
        if cj < col:
            row[j].addnext(el)
        else:
            row[j].addprevious(el)
        row.attrib.pop("spans", None)  # an optional hint; a stale one misleads readers
        return True

    def _indexed_put(self, r: int, row: etree._Element, col: int, el: etree._Element) -> None:
        cells = self._row_cells(r, row)
        old = cells.get(col)
        if old is not None:
            self._replace(old, el)
        else:
            later = [k for k in cells if k > col]
            if later:
                cells[min(later)].addprevious(el)
            else:
                row.append(el)
            row.attrib.pop("spans", None)
        cells[col] = el

    def remove(self, r: int, col: int) -> None:
        row = self.rows.get(r)
        if row is None:
            return
        cells = self._row_cells(r, row)
        c = cells.pop(col, None)
        if c is not None:
            row.remove(c)

    def update_dimension(self) -> None:
        """Widen `<dimension>` to cover the rows now present (it is a hint for readers)."""
        from openpyxl.utils.cell import range_boundaries

        dim = self.root.find(S + "dimension")
        if dim is None or not self.row_numbers:
            return
        try:
            c1, r1, c2, r2 = range_boundaries(dim.get("ref", "A1"))
        except ValueError:
            return
        last = self.row_numbers[-1]
        if r2 is not None and last > r2:
            dim.set("ref", f"{_coord(r1 or 1, c1 or 1)}:{_coord(last, c2 or c1 or 1)}")


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return repr(float(value))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _preserve(text: str) -> str:
    return ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""


def cell_markup(cell, coord: str, style: int, strings: Strings | None, epoch, cached: Any = None) -> str:
    """The `<c>` element (SpreadsheetML, default namespace) for an openpyxl cell's value and style.

    ECMA-376 Part 1 §18.3.1.4 (c), §18.3.1.40 (f), §18.3.1.96 (v), §18.3.1.53 (is).
    """
    head = f'<c r="{coord}"' + (f' s="{style}"' if style else "")
    value, kind = cell._value, cell.data_type
    if value is None or value == "":
        return head + "/>"
    if kind == "f":
        if isinstance(value, ArrayFormula):
            text = value.text or ""
            f_attrs = f' t="array" ref="{value.ref}"'
        else:
            text, f_attrs = str(getattr(value, "text", value)), ""
        f = f"<f{f_attrs}>{_esc(text[1:] if text.startswith('=') else text)}</f>"
        if cached is None:
            return f"{head}>{f}</c>"
        if isinstance(cached, str):
            return f'{head} t="str">{f}<v>{_esc(cached)}</v></c>'
        t = ' t="b"' if isinstance(cached, bool) else ""
        return f"{head}{t}>{f}<v>{_number_text(cached)}</v></c>"
    if kind == "s":
        text = str(value)
        if strings is None or "_x005F_" in text:
            # No shared string table in the file (openpyxl builds use inline strings): we
            # do not add one. And openpyxl drops "x005F_" from shared strings when
            # reading; an inline string reads back exactly in Excel, openpyxl and calamine.
            return f'{head} t="inlineStr"><is><t{_preserve(text)}>{_esc(text)}</t></is></c>'
        return f'{head} t="s"><v>{strings.index(text)}</v></c>'
    if kind == "b":
        return f'{head} t="b"><v>{"1" if value else "0"}</v></c>'
    if kind == "e":
        return f'{head} t="e"><v>{_esc(str(value))}</v></c>'
    if kind == "d":
        return f"{head}><v>{_number_text(to_excel(value, epoch))}</v></c>"
    return f"{head}><v>{_number_text(value)}</v></c>"


def parse_markup(markup: list[str]) -> list[etree._Element]:
    """Parse many `<c>`/`<row>` snippets at once (one parser call: fast for 100,000 cells)."""
    if not markup:
        return []
    text = f'<x xmlns="{SML_NS}">' + "".join(markup) + "</x>"
    return list(etree.fromstring(text.encode("utf-8"), etree.XMLParser(huge_tree=True)))


# ----- cached values of the formulas we write -----------------------------------------------------

_SUBTOTAL = re.compile(r"^=\s*SUBTOTAL\(\s*(109|9|101|1|102|2|103|3)\s*,\s*([A-Za-z_][\w.]*)\[(.+)\]\s*\)\s*$",
                       re.IGNORECASE)


def _unescape_column(text: str) -> str:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return re.sub(r"'(.)", r"\1", text)


def formula_result(ws, formula: str) -> Any:
    """The value of a table-totals formula over the model's cells, or None if not one we know.

    SUBTOTAL 9/109 (sum), 1/101 (average), 2/102 (count), 3/103 (counta) of one table column.
    """
    from openpyxl.utils.cell import range_boundaries

    m = _SUBTOTAL.match(formula) if isinstance(formula, str) else None
    if m is None:
        return range_result(ws, formula)
    fn, table_name, column = int(m.group(1)) % 100, m.group(2), _unescape_column(m.group(3))
    table = ws.tables.get(table_name)
    if table is None:
        return None
    names = [c.name for c in table.tableColumns]
    if column not in names:
        return None
    c1, r1, _c2, r2 = range_boundaries(table.ref)
    col = c1 + names.index(column)
    first = r1 + (table.headerRowCount if table.headerRowCount is not None else 1)
    last = r2 - (table.totalsRowCount or 0)
    values = []
    for r in range(first, last + 1):
        cell = ws._cells.get((r, col))
        values.append(None if cell is None or cell.data_type == "f" else cell._value)
    numbers = [v for v in values if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)]
    if fn == 9:
        total = sum(numbers)
        return float(total) if isinstance(total, Decimal) else total
    if fn == 1:
        return float(sum(numbers)) / len(numbers) if numbers else None
    if fn == 2:
        return len(numbers)
    return len([v for v in values if v not in (None, "")])


_RANGE_CALL = re.compile(r"^=\s*(?:_xlfn\.)?(SUM|AVERAGE|COUNT|COUNTA|MIN|MAX|SUBTOTAL)\(\s*(?:(\d{1,3})\s*,\s*)?"
                         r"(\$?[A-Z]{1,3}\$?\d+)(?::(\$?[A-Z]{1,3}\$?\d+))?\s*\)\s*$", re.IGNORECASE)
_PLUS_CELLS = re.compile(r"^=\s*\$?[A-Z]{1,3}\$?\d+(?:\s*\+\s*\$?[A-Z]{1,3}\$?\d+)+\s*$", re.IGNORECASE)
_SUBTOTAL_FN = {1: "AVERAGE", 2: "COUNT", 3: "COUNTA", 4: "MAX", 5: "MIN", 9: "SUM"}


def range_result(ws, formula: Any) -> Any:
    """The value Excel computes for a user's total over a range of this sheet: SUM,
    AVERAGE, COUNT, COUNTA, MIN, MAX or SUBTOTAL(1/2/3/4/5/9 and 10x) of one range
    (=SUBTOTAL(109,L2:L11)), or a sum of cells written with + (=L2+L3+L4); None when
    it is none of these or a cell it reads holds a formula, a date, or (for 10x
    SUBTOTALs) a hidden row: then Excel computes it when the file is opened."""
    from openpyxl.utils.cell import range_boundaries

    if not isinstance(formula, str):
        return None
    if _PLUS_CELLS.match(formula):
        refs = [t.strip().replace("$", "") for t in formula.lstrip("= ").split("+")]
        boxes = [range_boundaries(r) for r in refs]
        fn, hidden_too = "SUM", True
    else:
        m = _RANGE_CALL.match(formula)
        if m is None:
            return None
        fn, code = m.group(1).upper(), m.group(2)
        if (fn == "SUBTOTAL") != (code is not None):
            return None
        hidden_too = True
        if fn == "SUBTOTAL":
            n = int(code)
            if n not in _SUBTOTAL_FN and n - 100 not in _SUBTOTAL_FN:
                return None
            hidden_too = n < 100
            fn = _SUBTOTAL_FN[n % 100]
        ref = m.group(3) + (":" + m.group(4) if m.group(4) else "")
        boxes = [range_boundaries(ref.replace("$", ""))]
    values = []
    for c1, r1, c2, r2 in boxes:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 1_000_000:
            return None
        for r in range(r1, r2 + 1):
            dim = ws.row_dimensions.get(r) if hasattr(ws.row_dimensions, "get") else None
            if dim is not None and dim.hidden and not hidden_too:
                return None
            for c in range(c1, c2 + 1):
                cell = ws._cells.get((r, c))
                if cell is None or cell._value in (None, ""):
                    continue
                if cell.data_type == "f" or cell.data_type == "d" or not isinstance(
                        cell._value, (int, float, Decimal, str, bool)):
                    return None
                values.append(cell._value)
    numbers = [float(v) if isinstance(v, Decimal) else v for v in values
               if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)]
    if fn == "SUM":
        if len(boxes) > 1 and len(numbers) != len(values):
            return None                     # =L2+L3 over text is #VALUE! in Excel
        return sum(numbers)
    if fn == "AVERAGE":
        return sum(numbers) / len(numbers) if numbers else None      # #DIV/0! left to Excel
    if fn == "COUNT":
        return len(numbers)
    if fn == "COUNTA":
        return len(values)
    if fn == "MIN":
        return min(numbers) if numbers else 0
    return max(numbers) if numbers else 0


# ----- the whole workbook -------------------------------------------------------------------------

def sheet_parts(pkg: Package) -> tuple[str, dict[str, str]]:
    """(workbook part, {sheet title: worksheet part})."""
    wb_part = next(t for _id, t in pkg.rel_targets("", REL_OFFICE_DOCUMENT))
    root = pkg.xml(wb_part)
    sheets = root.find(S + "sheets")
    out = {}
    for el in sheets if sheets is not None else []:
        target = pkg.target(wb_part, el.get(R_ID))
        if target is not None:
            out[el.get("name")] = target
    return wb_part, out


def unfill_link_cells(wb, open_package) -> None:
    """Give back their emptiness to the empty cells that carry a hyperlink.

    openpyxl's reader sets a cell's hyperlink through `Cell.hyperlink`, which writes the
    link's address into the cell when it has no value: a save would then write the
    address as text wherever such a cell is written (Refresh moving its row). A cell
    whose value is its link's address and whose `<c>` in the file holds no value is
    emptied in the model again (its style and link stay). `open_package()` gives the
    file's package, opened only when such a cell is found."""
    suspects = {ws.title: [c for c in ws._cells.values()
                           if getattr(c, "_hyperlink", None) is not None and isinstance(c._value, str)
                           and c._value == (c._hyperlink.target or c._hyperlink.location)]
                for ws in wb.worksheets}
    if not any(suspects.values()):
        return
    pkg = open_package()
    _wb_part, parts = sheet_parts(pkg)
    for title, cells in suspects.items():
        if not cells or title not in parts or not pkg.has(parts[title]):
            continue
        raw = pkg.read(parts[title])
        for cell in cells:
            found = re.search(rb'<(?:[\w.-]+:)?c\b[^>]*?\br="' + cell.coordinate.encode()
                              + rb'"[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?c>)', raw, re.S)
            if found is None or not re.search(rb"<(?:[\w.-]+:)?(?:v|is|f)\b", found.group(0)):
                cell._value = None
                cell.data_type = "n"


class Patcher:
    def __init__(self, wb, snap: Snapshot, pkg: Package):
        self.wb, self.snap, self.pkg = wb, snap, pkg
        self.wb_part, self.parts = sheet_parts(pkg)
        styles = pkg.rel_targets(self.wb_part, REL_STYLES)
        if not styles:
            raise ValueError("workbook has no styles part")
        self.styles = Styles(pkg, styles[0][1], wb, snap)
        self._strings: Strings | None = None

    @property
    def strings(self) -> Strings | None:
        """The file's shared string table, or None when it has none (inline strings then)."""
        if self._strings is None:
            found = self.pkg.rel_targets(self.wb_part, REL_SHARED_STRINGS)
            self._strings = Strings(self.pkg, self.wb_part) if found and self.pkg.has(found[0][1]) else False
        return self._strings or None

    def run(self) -> None:
        for ws in self.wb.worksheets:
            if ws.title not in self.parts:
                self._new_sheet(ws)
                before = SheetSnap({}, {}, [], [], {}, {})
            else:
                before = self.snap.sheets.get(ws.title) or SheetSnap({}, {}, [], [], {}, {})
            self._sheet(ws, self.parts[ws.title], before)
        self._names()
        if self._strings:
            self._strings.finish()

    # -- sheets --
    def _new_sheet(self, ws) -> None:
        pkg = self.pkg
        part = pkg.free_name("xl/worksheets/sheet{n}.xml")
        root = etree.Element(S + "worksheet", nsmap={None: SML_NS, "r": DOC_REL_NS})
        root.append(_sml(_openpyxl_bytes(ws.views.to_tree())))  # frozen header row, selection
        etree.SubElement(root, S + "sheetData")
        pkg.set_xml(part, root)
        pkg.content_type_override(part, CT_WORKSHEET)
        rid = pkg.add_rel(self.wb_part, REL_WORKSHEET, part)
        book = pkg.xml(self.wb_part)
        sheets = book.find(S + "sheets")
        ids = [int(el.get("sheetId", 0)) for el in sheets]
        el = etree.SubElement(sheets, S + "sheet")
        el.set("name", ws.title)
        el.set("sheetId", str(max(ids, default=0) + 1))
        el.set(R_ID, rid)
        self.parts[ws.title] = part

    def _sheet(self, ws, part: str, before: SheetSnap) -> None:
        now = ws._cells
        old = before.cells.get
        changed = [k for k, c in now.items() if old(k) != (c._value, c.data_type, bytes(c._style or b""))]
        gone = [k for k in before.cells if k not in now]
        tables_changed = self._tables_differ(ws, before)
        validations = [str(dv.sqref) for dv in ws.data_validations.dataValidation]
        widths = {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()}
        settings = sheet_settings(ws)
        settings_changed = [k for k, v in settings.items() if before.settings.get(k) != v]
        charts_changed = len(ws._charts) != len(before.charts) or any(
            a is not b for a, b in zip(ws._charts, before.charts)) or getattr(ws, "_cims_report_charts", None) is not None
        if not (changed or gone or tables_changed or validations != before.validations
                or widths != before.widths or settings_changed or charts_changed):
            return
        root = self.pkg.xml(part, edit=True)
        tidy_cols(root)   # a sheet we write never keeps overlapping column ranges
        if changed or gone:
            self._cells(ws, part, root, changed, gone)
        if validations != before.validations:
            self._validations(root, ws, before)
        if widths != before.widths:
            patch_cols(root, model_changes(ws, before.widths), WORKSHEET_ORDER)
        for key in settings_changed:
            if key == "heights":
                self._heights(ws, root, settings[key], before.settings.get(key) or {})
            else:
                self._setting(root, key, settings[key])
        if tables_changed:
            self._tables(ws, part, root, before)
        if charts_changed:
            self._charts(ws, part, root, before)

    def _cells(self, ws, part: str, root, changed, gone) -> None:
        sheet = SheetCells(root)
        epoch, strings, xf = self.wb.epoch, self.strings, self.styles.xf
        if b'"shared"' in self.pkg.original.get(part, b""):
            changed = changed + _shared_group_cells(ws, root, set(changed) | set(gone))
        for r, c in gone:
            sheet.remove(r, c)
        new_rows: dict[int, list[str]] = {}
        edits: list[tuple[int, int]] = []
        markup: list[str] = []
        for key in sorted(changed):
            cell = ws._cells[key]
            cached = formula_result(ws, cell._value) if cell.data_type == "f" else None
            text = cell_markup(cell, _coord(*key), xf(cell._style), strings, epoch, cached)
            if key[0] in sheet.rows:
                edits.append(key)
                markup.append(text)
            else:
                new_rows.setdefault(key[0], []).append(text)
        for key, el in zip(edits, parse_markup(markup)):
            sheet.put(key[0], key[1], el)
        rows = sorted(new_rows)
        for r, el in zip(rows, parse_markup([f'<row r="{r}">' + "".join(new_rows[r]) + "</row>" for r in rows])):
            sheet.add_row(r, el)
        sheet.update_dimension()

    def _validations(self, root, ws, before: SheetSnap) -> None:
        """Bring the sheet's `<dataValidation>` elements in line with the model, one by one:
        each keeps its own bytes but for its range (moved with the rows), one the model no
        longer holds (it was on rows Refresh removed) goes, one a writer added is appended.
        Each element is matched to the validation openpyxl read from it by its range as
        read (`SheetSnap`); one nothing matches (openpyxl did not read it) is left alone."""
        now = list(ws.data_validations.dataValidation)
        dvs = root.find(S + "dataValidations")
        pool = [el for el in dvs if el.tag == S + "dataValidation"] if dvs is not None else []
        for obj, read in zip(before.dv_objs, before.validations):
            cells = set(read.split())
            el = next((e for e in pool if set((e.get("sqref") or "").split()) == cells), None)
            if el is None:
                continue
            pool.remove(el)
            if not any(obj is o for o in now):
                dvs.remove(el)
            elif set((el.get("sqref") or "").split()) != set(str(obj.sqref).split()):
                el.set("sqref", str(obj.sqref))
        added = [o for o in now if not any(o is b for b in before.dv_objs)]
        if added and dvs is None:
            dvs = etree.Element(S + "dataValidations")
            insert_ordered(root, dvs, WORKSHEET_ORDER)
        for obj in added:
            dvs.append(_sml(_openpyxl_bytes(obj.to_tree())))
        if dvs is None:
            return
        left = [el for el in dvs if el.tag == S + "dataValidation"]
        if left:
            dvs.set("count", str(len(left)))
        else:
            root.remove(dvs)

    @staticmethod
    def _setting(root, tag: str, data: bytes) -> None:
        """Bring one sheet-level element in line with openpyxl's model of it.

        Attributes openpyxl models are set (or removed), its child elements replace ours
        of the same name; anything else in our element (a printer-settings r:id, an
        extension) stays. `data` empty: the element goes.
        """
        old = root.find(S + tag)
        if not data:
            if old is not None:
                root.remove(old)
            return
        new = _sml(data)
        if old is None or tag in ("rowBreaks", "colBreaks", "mergeCells"):  # lists: the model's whole
            if old is not None:
                old.addnext(new)
                root.remove(old)
            else:
                insert_ordered(root, new, WORKSHEET_ORDER)
            return
        for attr in [a for a in old.attrib if etree.QName(a).namespace is None and a not in new.attrib]:
            del old.attrib[attr]
        for attr, value in new.attrib.items():
            old.set(attr, value)
        for child in list(new):
            mine = old.find(child.tag)
            if mine is not None:
                mine.addnext(child)
                old.remove(mine)
            else:
                insert_ordered(old, child, SHEET_PR_ORDER)

    def _heights(self, ws, root, now: dict, before: dict) -> None:
        """Rows whose attributes changed: heights and hidden rows a writer set (report
        header rows that wrap), and everything a row carries when Refresh moved it
        (outline level and collapsed mark, row style, thick borders: `row_state`)."""
        sheet = SheetCells(root)
        for r in sorted(set(now) | set(before)):
            if now.get(r, ROW_DEFAULT) == before.get(r, ROW_DEFAULT):
                continue
            height, hidden, level, collapsed, style, thick_bot, thick_top = now.get(r, ROW_DEFAULT)
            row = sheet.rows.get(r)
            if row is None:
                if now.get(r, ROW_DEFAULT) == ROW_DEFAULT:
                    continue
                row = etree.Element(S + "row")
                row.set("r", str(r))
                sheet.add_row(r, row)
            for attr in ("ht", "customHeight", "hidden", "outlineLevel", "collapsed", "s", "customFormat",
                         "thickBot", "thickTop"):
                row.attrib.pop(attr, None)
            if style is not None:
                row.set("s", str(self.styles.xf(ws.row_dimensions[r]._style)))
                row.set("customFormat", "1")
            if height is not None:
                row.set("ht", _number_text(height))
                row.set("customHeight", "1")
            if hidden:
                row.set("hidden", "1")
            if level:
                row.set("outlineLevel", str(level))
            if collapsed:
                row.set("collapsed", "1")
            if thick_top:
                row.set("thickTop", "1")
            if thick_bot:
                row.set("thickBot", "1")

    # -- tables --
    @staticmethod
    def _tables_differ(ws, before: SheetSnap) -> bool:
        if set(ws.tables) != set(before.tables):
            return True
        for name, t in dict.items(ws.tables):
            old = before.tables[name]
            if t is not old.obj or _table_snap(t) != TableSnap(old.ref, old.filter_ref, old.sorted,
                                                               old.columns, old.totals, t):
                return True
        return False

    def _table_parts(self, part: str) -> dict[str, tuple[str, str]]:
        """{table name: (rel id, table part)} of a worksheet part."""
        out = {}
        for rid, target in self.pkg.rel_targets(part, REL_TABLE):
            if self.pkg.has(target):
                el = self.pkg.xml(target)
                out[el.get("displayName") or el.get("name")] = (rid, target)
        return out

    def _next_table_id(self) -> int:
        ids = [0]
        for name in self.pkg.names():
            if name.startswith("xl/tables/") and name.endswith(".xml"):
                try:
                    ids.append(int(self.pkg.xml(name).get("id", 0)))
                except (etree.XMLSyntaxError, ValueError):
                    pass
        return max(ids) + 1

    def _tables(self, ws, part: str, root, before: SheetSnap) -> None:
        pkg = self.pkg
        parts = self._table_parts(part)
        for name, (rid, target) in parts.items():
            if name not in ws.tables:
                pkg.delete(target)
                pkg.drop_content_type(target)
                pkg.remove_rel(part, rid)
                self._drop_table_part(root, rid)
        for name, t in dict.items(ws.tables):
            old = before.tables.get(name)
            if name in parts and old is not None and t is old.obj and _table_snap(t).columns == old.columns \
                    and (t.totalsRowCount or 0) == old.totals:
                self._patch_table(pkg.xml(parts[name][1]), t)
                continue
            if not t.tableColumns:
                t._initialise_columns()
            if t.headerRowCount and t.autoFilter is None and not t.totalsRowCount:
                from openpyxl.worksheet.filters import AutoFilter
                t.autoFilter = AutoFilter(ref=t.ref)
            if name in parts:
                target = parts[name][1]
                t.id = int(pkg.xml(target).get("id", 0)) or self._next_table_id()
            else:
                target = pkg.free_name("xl/tables/table{n}.xml")
                t.id = self._next_table_id()
            el = etree.fromstring(_openpyxl_bytes_ns(t.to_tree()))
            pkg.set_xml(target, el)
            if name not in parts:
                pkg.content_type_override(target, CT_TABLE)
                rid = pkg.add_rel(part, REL_TABLE, target)
                self._add_table_part(root, rid)

    @staticmethod
    def _patch_table(el, t) -> None:
        el.set("ref", t.ref)
        flt = el.find(S + "autoFilter")
        if flt is not None and t.autoFilter is not None:
            flt.set("ref", t.autoFilter.ref)
        if t.sortState is None:
            for s in el.findall(S + "sortState"):
                el.remove(s)
        if flt is not None and (t.autoFilter is None or t.autoFilter.sortState is None):
            for s in flt.findall(S + "sortState"):
                flt.remove(s)

    @staticmethod
    def _drop_table_part(root, rid: str) -> None:
        tp = root.find(S + "tableParts")
        if tp is None:
            return
        for el in list(tp):
            if el.get(R_ID) == rid:
                tp.remove(el)
        if len(tp):
            tp.set("count", str(len(tp)))
        else:
            root.remove(tp)

    @staticmethod
    def _add_table_part(root, rid: str) -> None:
        tp = root.find(S + "tableParts")
        if tp is None:
            tp = etree.Element(S + "tableParts")
            insert_ordered(root, tp, WORKSHEET_ORDER)
        el = etree.SubElement(tp, S + "tablePart")
        el.set(R_ID, rid)
        tp.set("count", str(len(tp)))

    # -- charts of report sheets --
    def _charts(self, ws, part: str, root, before: SheetSnap) -> None:
        """Write the charts a writer added to the model; when a report writer replaced its
        charts (`ReportCharts` on the sheet), drop the anchors of the charts cims made
        before (`is_report_chart`). Every other anchor (the user's charts, pictures,
        shapes) keeps its bytes."""
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        pkg = self.pkg
        report: ReportCharts | None = getattr(ws, "_cims_report_charts", None)
        new = [c for c in ws._charts if not any(c is b for b in before.charts)]
        drawings = pkg.rel_targets(part, REL_DRAWING)
        if drawings:
            drawing_part = drawings[0][1]
            drawing = pkg.xml(drawing_part)
        else:
            if not new:
                return
            drawing_part = pkg.free_name("xl/drawings/drawing{n}.xml")
            drawing = etree.Element(f"{{{DRAWING_NS}}}wsDr",
                                    nsmap={"xdr": DRAWING_NS,
                                           "a": "http://schemas.openxmlformats.org/drawingml/2006/main"})
            pkg.set_xml(drawing_part, drawing)
            pkg.content_type_override(drawing_part, CT_DRAWING)
            rid = pkg.add_rel(part, REL_DRAWING, drawing_part)
            el = etree.Element(S + "drawing")
            el.set(R_ID, rid)
            insert_ordered(root, el, WORKSHEET_ORDER)
        if report is not None:
            boxes = _table_boxes(before.tables, report.tables)
            for anchor in list(drawing):
                refs = anchor.findall(f".//{{{CHART_NS}}}chart")
                if not refs or not all(is_report_chart(pkg, drawing_part, anchor, ref, ws.title, boxes,
                                                       report.titles) for ref in refs):
                    continue
                for ref in refs:
                    rid = ref.get(R_ID)
                    target = pkg.target(drawing_part, rid)
                    if target is not None:
                        self._drop_chart(target)
                    pkg.remove_rel(drawing_part, rid)
                drawing.remove(anchor)
        if not new:
            return
        fresh = SpreadsheetDrawing()
        fresh.charts = list(new)
        tree = etree.fromstring(_openpyxl_bytes_ns(fresh._write()))
        ids = [int(el.get("id")) for el in drawing.iter("{*}cNvPr") if (el.get("id") or "").isdigit()]
        next_id = max(ids, default=1) + 1
        for anchor, chart, rel in zip(list(tree), fresh.charts, fresh._rels):
            chart_part = pkg.free_name("xl/charts/chart{n}.xml")
            pkg.write(chart_part, b"")
            pkg.write(chart_part, _openpyxl_bytes_ns(chart._write()))
            pkg.content_type_override(chart_part, CT_CHART)
            rid = pkg.add_rel(drawing_part, REL_CHART, chart_part)
            for ref in anchor.iter(f"{{{CHART_NS}}}chart"):
                ref.set(R_ID, rid)
            for nv in anchor.iter("{*}cNvPr"):
                nv.set("id", str(next_id))
                next_id += 1
                if getattr(chart, "_cims_report_title", None) is not None:
                    # cims's mark: the next rebuild replaces this chart and no other
                    nv.set("name", f"{REPORT_CHART_MARK}{chart._cims_report_title}"[:255])
                    nv.set("descr", chart._cims_report_title)
            drawing.append(anchor)

    def _drop_chart(self, chart_part: str) -> None:
        pkg = self.pkg
        for r in pkg.rels(chart_part):
            sub = resolve(chart_part, r.target)
            if not r.external and pkg.has(sub) and not _referenced_elsewhere(pkg, sub, chart_part):
                pkg.delete(sub)
                pkg.drop_content_type(sub)
        pkg.delete(chart_part)
        pkg.drop_content_type(chart_part)

    # -- defined names a writer added (new report sheets) --
    def _names(self) -> None:
        new = [n for n in self.wb.defined_names if n not in self.snap.names]
        if not new:
            return
        book = self.pkg.xml(self.wb_part)
        names = book.find(S + "definedNames")
        if names is None:
            names = etree.Element(S + "definedNames")
            insert_ordered(book, names, WORKBOOK_ORDER)
        have = {el.get("name") for el in names if el.get("localSheetId") is None}
        for name in new:
            if name in have:
                continue
            dn = self.wb.defined_names[name]
            el = etree.SubElement(names, S + "definedName")
            el.set("name", name)
            el.text = dn.attr_text


# ----- which charts of a report sheet are cims's -------------------------------------------------

REPORT_CHART_MARK = "CIMS report chart: "     # the start of the name (cNvPr) of a chart cims made


@dataclass(frozen=True)
class ReportCharts:
    """What a report writer says when it replaces a sheet's charts: the titles its charts
    have and the report tables they read (to recognise charts older versions made)."""
    titles: frozenset[str]
    tables: frozenset[str]


_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_TITLE_TAIL = re.compile(r"\s*\([^()]*\)\s*$")


def _bare_title(text: str) -> str:
    """A chart title without its currency or unit in brackets ("Forecast by month (USD)")."""
    return _TITLE_TAIL.sub("", " ".join(text.split())).casefold()


def _table_boxes(tables: dict[str, TableSnap], names) -> list[tuple[int, int, int, int]]:
    from openpyxl.utils.cell import range_boundaries

    return [tuple(range_boundaries(t.ref)) for name, t in tables.items() if name in names and t.ref]


def is_report_chart(pkg: Package, drawing_part: str, anchor, ref, sheet: str, boxes, titles) -> bool:
    """Whether a chart anchor of a report sheet holds a chart cims made: it carries cims's
    mark (`REPORT_CHART_MARK`), or (made by a version before the mark) its title is one a
    report chart has (brackets aside) AND every series it draws reads a report table of
    the sheet. Anything else is the user's."""
    from openpyxl.utils.cell import range_boundaries

    for nv in anchor.iter("{*}cNvPr"):
        if (nv.get("name") or "").startswith(REPORT_CHART_MARK):
            return True
    target = pkg.target(drawing_part, ref.get(R_ID))
    if target is None or not pkg.has(target):
        return False
    try:
        chart = pkg.xml(target)
    except etree.XMLSyntaxError:
        return False
    title = chart.find(f"{{{CHART_NS}}}chart/{{{CHART_NS}}}title")
    if title is None:
        return False
    text = "".join(t.text or "" for t in title.iter(f"{{{_A_NS}}}t"))
    if not text:
        text = "".join(f.text or "" for f in title.iter(f"{{{CHART_NS}}}f"))
    if _bare_title(text) not in {_bare_title(t) for t in titles}:
        return False
    values = [f.text or "" for f in chart.iter(f"{{{CHART_NS}}}f")
              if f.getparent() is not None and f.getparent().getparent() is not None
              and etree.QName(f.getparent().getparent()).localname == "val"]
    if not values:
        return False
    from .row_shift import _sheet_of

    for formula in values:
        if "!" not in formula:
            return False
        prefix, area = formula.rsplit("!", 1)
        if _sheet_of(prefix + "!") != sheet:
            return False
        try:
            c1, r1, c2, r2 = range_boundaries(area.replace("$", ""))
        except ValueError:
            return False
        if not any(b[0] <= c1 and c2 <= b[2] and b[1] <= r1 and r2 <= b[3] for b in boxes):
            return False
    return True


def user_anchor_cells(pkg: Package, sheet_part: str) -> list[tuple[int, int]]:
    """The top-left cells (1-based row, column) of the drawing objects anchored to a
    worksheet's cells whose anchors are not cims's report charts (marked): the user's
    pictures, shapes and charts."""
    out = []
    for _rid, target in pkg.rel_targets(sheet_part, REL_DRAWING):
        if not pkg.has(target):
            continue
        for anchor in pkg.xml(target):
            if any((nv.get("name") or "").startswith(REPORT_CHART_MARK) for nv in anchor.iter("{*}cNvPr")):
                continue
            row = anchor.find(f"{{{DRAWING_NS}}}from/{{{DRAWING_NS}}}row")
            col = anchor.find(f"{{{DRAWING_NS}}}from/{{{DRAWING_NS}}}col")
            if row is not None and col is not None and (row.text or "").strip().isdigit() \
                    and (col.text or "").strip().isdigit():
                out.append((int(row.text) + 1, int(col.text) + 1))
    return out



def _shared_group_cells(ws, root, touched: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Untouched cells of shared formulas (ECMA-376 §18.3.1.40) that we rewrite in part.

    A dependent `<f t="shared" si="n"/>` takes its text from the group's master; once
    one cell of a group is rewritten (a row moved or deleted), every cell of that group
    is written with its own formula (openpyxl's model holds each one's translated text).
    """
    groups: dict[str, list[tuple[int, int]]] = {}
    for f in root.iter(S + "f"):
        if f.get("t") != "shared" or f.get("si") is None:
            continue
        m = _CELL_REF.match(f.getparent().get("r") or "")
        if m:
            groups.setdefault(f.get("si"), []).append((int(m.group(2)), _col_number(m.group(1))))
    extra = []
    for keys in groups.values():
        if any(k in touched for k in keys):
            extra += [k for k in keys if k not in touched and k in ws._cells]
    return extra


def _openpyxl_bytes_ns(el) -> bytes:
    """An element openpyxl built (it carries its own namespace declaration), as bytes."""
    from openpyxl.xml.functions import tostring

    return tostring(el)


def _referenced_elsewhere(pkg: Package, part: str, but: str) -> bool:
    for name in pkg.names():
        if not name.endswith(".rels") or name == rels_name(but):
            continue
        folder = name.rsplit("_rels/", 1)[0]
        source = folder + name.rsplit("/", 1)[1][:-5]
        for r in pkg.rels(source):
            if not r.external and resolve(source, r.target) == part:
                return True
    return False


def apply(wb, snap: Snapshot, pkg: Package) -> None:
    """Write into `pkg` what changed in `wb` since `snap` was taken (see module doc)."""
    Patcher(wb, snap, pkg).run()
