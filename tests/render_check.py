"""What LibreOffice shows of a workbook, cell by cell: `###` and text cut off.

LibreOffice opens the workbook and saves it as OpenDocument: that file holds its own
layout (column widths and row visibility in points, resolved cell styles) and the text
of every cell *as displayed* (numbers and dates formatted). The width each text needs
is then measured with the font LibreOffice draws it in (fontconfig's choice for the
named face, glyph advances read with fontTools; characters the face lacks come from
the CJK fallback face). A number or date wider than its cell is what LibreOffice and
Excel draw as `###`; a text wider than its cell is cut off when the cell it would run
into holds a value or has a fill (an input cell), and runs over it otherwise.

A text that runs over empty cells is still lost on paper when it runs past the right
edge of its printed page: a page break (a column that starts a new page), or the width
the page holds at the sheet's print scale (where the next page starts by itself).

Used by tests/test_rendering.py; LibreOffice, fontconfig and fontTools are needed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TIMEOUT = 300

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
}
NUMERIC = {"float", "percentage", "currency", "date", "time"}
# LibreOffice keeps a small margin inside a cell on each side (the default cell style's
# indent); text must fit within the rest. 2 pt a side, measured against its ### output.
CELL_MARGIN_PT = 2.0
# A wrapped text may overhang the row by less than this before a line is lost (the
# last line's descent lies in the cell's bottom margin).
ROW_SLACK_PT = 3.0
UNITS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0, "pc": 12.0}


def convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """Convert with a private LibreOffice profile; returns the written file."""
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=TIMEOUT)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert done.returncode == 0 and out.exists(), f"soffice could not convert {src.name}: {done.stderr}"
    return out


def _length(text: str | None) -> float | None:
    if not text:
        return None
    m = re.fullmatch(r"(-?[\d.]+)([a-z]+)", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


# ----- fonts -------------------------------------------------------------------------

@cache
def _font_file(family: str, bold: bool, italic: bool) -> str:
    pattern = family + (":bold" if bold else "") + (":italic" if italic else "")
    return subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                          check=True, timeout=30).stdout


@cache
def _metrics(path: str) -> tuple[dict[int, float], float]:
    """(code point -> advance in em, line height in em) of a font file (first face of a
    collection); the line height is the horizontal header's ascent + descent + gap."""
    from fontTools.ttLib import TTFont
    font = TTFont(path, fontNumber=0, lazy=True)
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    cmap = font.getBestCmap() or {}
    hhea = font["hhea"]
    line = (hhea.ascent - hhea.descent + hhea.lineGap) / upem
    return {cp: hmtx[name][0] / upem for cp, name in cmap.items() if name in hmtx}, line


def text_width(text: str, family: str, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """Width in points of one line of `text` as LibreOffice draws it."""
    main, _ = _metrics(_font_file(family, bold, italic))
    fallback, _ = _metrics(_font_file("sans-serif:lang=zh-cn", bold, italic))
    em = 0.0
    for ch in text:
        cp = ord(ch)
        em += main.get(cp) or fallback.get(cp) or 1.0
    return em * size_pt


def line_height(text: str, look: "Look") -> float:
    """Height in points of one line of `text`: the taller face's if it needs the fallback."""
    main, line = _metrics(_font_file(look.family, look.bold, look.italic))
    if any(ord(ch) not in main for ch in text if not ch.isspace()):
        line = max(line, _metrics(_font_file("sans-serif:lang=zh-cn", look.bold, look.italic))[1])
    return line * look.size


def wrapped_lines(text: str, look: "Look", width_pt: float) -> int:
    """Lines LibreOffice wraps `text` into at this width: breaks at spaces, and anywhere
    between CJK characters (which have no spaces between words)."""
    count = 0
    for para in text.split("\n"):
        tokens = re.findall(r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+",
                            para)
        lines, used = 1, 0.0
        for tok in tokens:
            w = text_width(tok, look.family, look.size, look.bold, look.italic)
            if tok.isspace():
                used += w
                continue
            if used > 0 and used + w > width_pt:
                lines, used = lines + 1, 0.0
            used += w
        count += lines
    return count


# ----- the OpenDocument layout -------------------------------------------------------

@dataclass
class Look:
    family: str = "Calibri"
    size: float = 11.0
    bold: bool = False
    italic: bool = False
    align: str = ""          # "", start, center, end, justify
    wrap: bool = False
    shrink: bool = False
    fill: bool = False
    rotated: bool = False


@dataclass
class Cell:
    sheet: str
    row: int                 # 1-based
    col: int
    text: str
    numeric: bool
    look: Look
    span: int = 1            # columns merged into this cell
    rows_down: int = 1       # rows merged into this cell

    @property
    def ref(self) -> str:
        from openpyxl.utils import get_column_letter
        return f"{self.sheet}!{get_column_letter(self.col)}{self.row}"


@dataclass
class Problem:
    cell: Cell
    kind: str                # "###" | "cut off"
    need_pt: float
    have_pt: float

    def __str__(self) -> str:
        return (f"{self.cell.ref} {self.kind}: {self.cell.text[:60]!r} needs {self.need_pt:.0f} pt, "
                f"the cell has {self.have_pt:.0f} pt")



class _Styles:
    def __init__(self, styles_root, content_root):
        self.fonts: dict[str, str] = {}
        self.raw: dict[str, etree._Element] = {}
        for root in (styles_root, content_root):
            for face in root.iterfind(".//style:font-face", NS):
                fam = face.get(f"{{{NS['svg']}}}font-family", "").strip("'\"")
                self.fonts[face.get(f"{{{NS['style']}}}name")] = fam
            for st in root.iterfind(".//style:style", NS):
                self.raw[st.get(f"{{{NS['style']}}}name")] = st
            for st in root.iterfind(".//style:default-style", NS):
                if st.get(f"{{{NS['style']}}}family") == "table-cell":
                    self.raw.setdefault("__default__", st)

    def length(self, name: str | None, attr: str) -> float | None:
        st = self.raw.get(name or "")
        if st is None:
            return None
        for props in st:
            value = props.get(f"{{{NS['style']}}}{attr}")
            if value:
                return _length(value)
        return None

    def prop(self, name: str | None, ns: str, attr: str) -> str | None:
        """An attribute of a style's properties (not inherited), e.g. fo:break-before."""
        st = self.raw.get(name or "")
        if st is None:
            return None
        for props in st:
            value = props.get(f"{{{NS[ns]}}}{attr}")
            if value:
                return value
        return None

    @cache
    def look(self, name: str | None) -> Look:
        chain = []
        seen = set()
        while name and name in self.raw and name not in seen:
            seen.add(name)
            chain.append(self.raw[name])
            name = self.raw[name].get(f"{{{NS['style']}}}parent-style-name")
        if "__default__" in self.raw:
            chain.append(self.raw["__default__"])
        look = Look()
        for st in reversed(chain):   # the root first, each child overrides
            for props in st:
                tag = etree.QName(props).localname
                get = props.get
                if tag == "text-properties":
                    fname = get(f"{{{NS['style']}}}font-name")
                    if fname:
                        look.family = self.fonts.get(fname, fname)
                    fam = get(f"{{{NS['fo']}}}font-family")
                    if fam:
                        look.family = fam.strip("'\"")
                    size = _length(get(f"{{{NS['fo']}}}font-size"))
                    if size:
                        look.size = size
                    if get(f"{{{NS['fo']}}}font-weight"):
                        look.bold = get(f"{{{NS['fo']}}}font-weight") == "bold"
                    if get(f"{{{NS['fo']}}}font-style"):
                        look.italic = get(f"{{{NS['fo']}}}font-style") == "italic"
                elif tag == "paragraph-properties":
                    if get(f"{{{NS['fo']}}}text-align"):
                        look.align = get(f"{{{NS['fo']}}}text-align")
                elif tag == "table-cell-properties":
                    if get(f"{{{NS['fo']}}}wrap-option"):
                        look.wrap = get(f"{{{NS['fo']}}}wrap-option") == "wrap"
                    if get(f"{{{NS['style']}}}shrink-to-fit"):
                        look.shrink = get(f"{{{NS['style']}}}shrink-to-fit") == "true"
                    bg = get(f"{{{NS['fo']}}}background-color")
                    if bg:
                        look.fill = bg != "transparent"
                    rot = get(f"{{{NS['style']}}}rotation-angle")
                    if rot:
                        look.rotated = rot not in ("0", "0deg")
        return look


def _text_of(cell) -> str:
    lines = []
    for p in cell.iterfind("text:p", NS):
        out = []
        for node in p.iter():
            if node is not p and etree.QName(node).localname == "s":
                out.append(" " * int(node.get(f"{{{NS['text']}}}c", "1")))
            elif node is not p and etree.QName(node).localname == "tab":
                out.append("\t")
            if node is not p and node.tail:
                out.append(node.tail)
            elif node is p and p.text:
                out.append(p.text)
        lines.append("".join(out))
    return "\n".join(lines)


@dataclass
class Sheet:
    name: str
    widths: dict[int, float]          # visible columns only: col -> points
    cells: dict[tuple[int, int], Cell]
    occupied: set[tuple[int, int]]    # cells holding a value or a fill (and covered cells)
    heights: dict[int, float]         # visible rows: row -> points
    breaks: frozenset[int] = frozenset()   # columns that start a new printed page
    page_width: float = float("inf")       # points of the sheet a printed page holds

    def page_starts(self) -> set[int]:
        """Columns that begin a printed page: a break, or the page being full."""
        starts, used = {1}, 0.0
        for col in range(1, max(self.widths, default=0) + 1):
            w = self.widths.get(col, 0.0)
            if col in self.breaks or (used > 0 and used + w > self.page_width):
                starts.add(col)
                used = 0.0
            used += w
        return starts


def read_ods(path: Path) -> list[Sheet]:
    """Every sheet's visible cells, widths and styles as LibreOffice laid them out."""
    with zipfile.ZipFile(path) as z:
        content = etree.fromstring(z.read("content.xml"))
        styles = etree.fromstring(z.read("styles.xml"))
    st = _Styles(styles, content)
    sheets = []
    for table in content.iterfind(".//table:table", NS):
        name = table.get(f"{{{NS['table']}}}name")
        page_width = _page_width(st, styles, table.get(f"{{{NS['table']}}}style-name"))
        widths: dict[int, float] = {}
        defaults: dict[int, str | None] = {}
        breaks: set[int] = set()
        col = 1
        for c in table.iter(f"{{{NS['table']}}}table-column"):
            n = int(c.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
            w = st.length(c.get(f"{{{NS['table']}}}style-name"), "column-width") or 64.0
            if st.prop(c.get(f"{{{NS['table']}}}style-name"), "fo", "break-before") == "page":
                breaks.add(col)
            hidden = c.get(f"{{{NS['table']}}}visibility", "visible") != "visible"
            default = c.get(f"{{{NS['table']}}}default-cell-style-name")
            for k in range(col, col + min(n, 1024)):
                if not hidden:
                    widths[k] = w
                defaults[k] = default
            col += n
        cells: dict[tuple[int, int], Cell] = {}
        occupied: set[tuple[int, int]] = set()
        heights: dict[int, float] = {}
        row = 1
        for r in table.iter(f"{{{NS['table']}}}table-row"):
            nrows = int(r.get(f"{{{NS['table']}}}number-rows-repeated", "1"))
            hidden_row = r.get(f"{{{NS['table']}}}visibility", "visible") != "visible"
            if nrows > 1000:   # the empty tail of the sheet
                break
            if not hidden_row:
                height = st.length(r.get(f"{{{NS['table']}}}style-name"), "row-height") or 12.8
                for rr in range(row, row + nrows):
                    heights[rr] = height
            col = 1
            for c in r:
                local = etree.QName(c).localname
                if local not in ("table-cell", "covered-table-cell"):
                    continue
                n = int(c.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
                if col > 1024:
                    break
                style = c.get(f"{{{NS['table']}}}style-name") or defaults.get(col)
                look = st.look(style)
                text = _text_of(c)
                for k in range(col, col + min(n, 1024)):
                    for rr in range(row, row + nrows):
                        if local == "covered-table-cell" or text or look.fill:
                            occupied.add((rr, k))
                        if text and local == "table-cell" and not hidden_row and k in widths:
                            vt = c.get(f"{{{NS['office']}}}value-type", "string")
                            span = int(c.get(f"{{{NS['table']}}}number-columns-spanned", "1"))
                            rows_down = int(c.get(f"{{{NS['table']}}}number-rows-spanned", "1"))
                            cells[(rr, k)] = Cell(name, rr, k, text, vt in NUMERIC, look, span, rows_down)
                col += n
            row += nrows
        sheets.append(Sheet(name, widths, cells, occupied, heights, frozenset(breaks), page_width))
    return sheets


def _page_width(st: _Styles, styles_root, table_style: str | None) -> float:
    """Points of the sheet one printed page holds across: the page width less its
    margins, divided by the print scale (the table's master page -> page layout)."""
    master = st.raw.get(table_style or "")
    master = master.get(f"{{{NS['style']}}}master-page-name") if master is not None else None
    for mp in styles_root.iterfind(".//style:master-page", NS):
        if mp.get(f"{{{NS['style']}}}name") != master:
            continue
        layout_name = mp.get(f"{{{NS['style']}}}page-layout-name")
        for layout in styles_root.iterfind(".//style:page-layout", NS):
            if layout.get(f"{{{NS['style']}}}name") != layout_name:
                continue
            props = layout.find("style:page-layout-properties", NS)
            width = _length(props.get(f"{{{NS['fo']}}}page-width"))
            if width is None:   # paper size left to the printer: the narrower of A4 and Letter
                landscape = props.get(f"{{{NS['style']}}}print-orientation") == "landscape"
                width = 11 * 72.0 if landscape else 8.27 * 72.0
            for side in ("left", "right"):
                width -= _length(props.get(f"{{{NS['fo']}}}margin-{side}")) or 0.0
            scale = props.get(f"{{{NS['style']}}}scale-to") or "100%"
            return width * 100 / float(scale.rstrip("%"))
    return float("inf")


# ----- the checks --------------------------------------------------------------------

def _need(cell: Cell) -> float:
    lk = cell.look
    return max(text_width(line, lk.family, lk.size, lk.bold, lk.italic) for line in cell.text.split("\n"))


def problems(sheet: Sheet, pages: bool = True) -> list[Problem]:
    """Cells LibreOffice draws as ### or with their text cut off by a filled neighbour;
    with `pages`, also text running past the right edge of its printed page."""
    out = []
    for (r, c), cell in sorted(sheet.cells.items()):
        lk = cell.look
        if lk.shrink or lk.rotated:
            continue
        have = sum(sheet.widths.get(k, 0.0) for k in range(c, c + cell.span)) - 2 * CELL_MARGIN_PT
        if cell.numeric:
            need = _need(cell)
            if need > have:
                out.append(Problem(cell, "###", need, have))
            continue
        if lk.wrap:
            # Wrapped text breaks at spaces; a single word longer than the cell is cut,
            # and lines below the bottom of the row are cut off.
            words = [w for line in cell.text.split("\n") for w in line.split()]
            need = max((text_width(w, lk.family, lk.size, lk.bold, lk.italic) for w in words), default=0)
            if need > have:
                out.append(Problem(cell, "cut off", need, have))
                continue
            tall = sum(sheet.heights.get(k, 0.0) for k in range(r, r + cell.rows_down))
            need_h = wrapped_lines(cell.text, lk, have) * line_height(cell.text, lk)
            if need_h > tall + ROW_SLACK_PT:
                out.append(Problem(cell, "cut off below", need_h, tall))
            continue
        need = _need(cell)
        if need <= have:
            continue
        align = lk.align or "start"
        right = align in ("start", "left", "justify", "center")
        left = align in ("end", "right", "center")
        blocked = (right and (r, c + cell.span) in sheet.occupied and (c + cell.span) in sheet.widths) or \
                  (left and (r, c - 1) in sheet.occupied and (c - 1) in sheet.widths) or \
                  (left and c == 1)
        if blocked:
            out.append(Problem(cell, "cut off", need, have))
        elif right and not left:
            room, stop = _room_right(sheet, r, c + cell.span)
            if need > have + room and (pages or stop != "past the page"):
                out.append(Problem(cell, stop, need, have + room))
    return out


def _room_right(sheet: Sheet, row: int, first: int) -> tuple[float, str]:
    """Points of empty cells a left-aligned text may run over from column `first` on,
    and what stops it: a filled cell ("cut off"), or the right edge of its printed page
    ("past the page")."""
    starts = sheet.page_starts()
    used = 0.0                       # the page's width left of `first`
    col = first - 1
    while col >= 1 and col not in starts:
        used += sheet.widths.get(col, 0.0)
        col -= 1
    used += sheet.widths.get(col, 0.0) if col >= 1 else 0.0
    room = 0.0
    col = first
    while col <= 16384:
        w = sheet.widths.get(col, 0.0)
        if (row, col) in sheet.occupied and col in sheet.widths:
            return room, "cut off"
        if col in sheet.breaks or (w and used + w > sheet.page_width):
            return room, "past the page"
        room += w
        used += w
        col += 1
    return room, "past the page"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=120, check=True).stdout
