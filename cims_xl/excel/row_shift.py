"""Insert and delete whole worksheet rows in an openpyxl model the way Excel does.

When Refresh grows a data table (records added) or removes rows (records gone) it
inserts or deletes worksheet rows. Everything anchored to those rows moves as Excel's
row insert/delete moves it (ECMA-376 Part 1 §18.17 formulas; Excel's "Insert Sheet
Rows"/"Delete Sheet Rows"):

- the cells of every column of the sheet and everything a row carries (height, hidden
  state, outline level and collapsed mark, row style), manual page breaks,
- references in formulas on EVERY sheet and in defined names that point into the
  moved rows (a reference into deleted rows becomes #REF!, as in Excel; a range that
  spans the change grows or shrinks),
- data validation ranges, merged cells and the ranges of other tables on the sheet.

`grow_from`: rows inserted right under a table's last row `grow_from` are inserted
INSIDE it, as Excel's Insert Table Rows does: a range ending on that row (a total
`=COUNTA(A2:A8)` under the table) grows to keep covering every record.

What the model does not carry to the file (xlsx_patch keeps those parts' bytes) is
moved in the saved package by `shift_package`: defined names, conditional formats,
comments and their note boxes, threaded comments, pictures/charts/shapes/slicers/
timelines anchored to cells, form controls and embedded (OLE) objects with their VML
boxes and the cells controls are linked to, pivot tables placed on the sheet and the
ranges pivot caches read, cell hyperlinks, x14 extensions (validations, sparklines),
ignored errors, protected ranges, watched cells, and formulas kept outside cells on
every sheet. An object that stood only on removed rows is kept (never dropped) at the
row that took their place and named in the notes, as is a control's link that lost its
cell (#REF!) and a pivot table rows were inserted into or removed from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from openpyxl.formula.tokenizer import Token, Tokenizer

_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_ROW = re.compile(r"^(\$?)(\d+)$")
REF_ERROR = "#REF!"
MAX_ROW = 1048576                   # Excel's last row (ECMA-376 Part 1 §18.3.1.73)


@dataclass
class Change:
    """Rows `at` .. inserted (`n` > 0) or deleted (`n` < 0: rows at..at-n-1)."""
    at: int
    n: int
    grow_from: int | None = None

    def row(self, r: int) -> int | None:
        """Where row r of a single reference goes; None when it was deleted (or pushed
        past the sheet's last row)."""
        if self.n > 0:
            return (None if r + self.n > MAX_ROW else r + self.n) if r >= self.at else r
        last = self.at - self.n - 1
        if r < self.at:
            return r
        return None if r <= last else r + self.n

    def span(self, r1: int, r2: int, written: bool = False) -> tuple[int, int] | None:
        """Where rows r1..r2 of a range go; None when all were deleted. `written`: a range
        written with a colon in a formula (L2:L2, what a total over a one-row table holds),
        which grows with rows inserted inside the table under it like a longer range."""
        if self.n > 0:      # a range down to the sheet's last row keeps ending there
            if r1 >= self.at:
                return (None if r1 + self.n > MAX_ROW else (r1 + self.n, min(MAX_ROW, r2 + self.n)))
            if r2 >= self.at or (self.grow_from is not None and r2 == self.grow_from
                                    and (r1 < r2 or written)):
                return r1, min(MAX_ROW, r2 + self.n)
            return r1, r2
        last = self.at - self.n - 1
        k = -self.n
        if r1 >= self.at and r2 <= last:
            return None
        n1 = r1 if r1 < self.at else (self.at if r1 <= last else r1 - k)
        n2 = r2 if r2 < self.at else (self.at - 1 if r2 <= last else r2 - k)
        return n1, n2


class Deletion:
    """Several runs of rows deleted at once (`runs`: (first, last) sheet rows), as that
    many Excel row deletes from the bottom up: one pass over the workbook for them all."""

    def __init__(self, runs: list[tuple[int, int]]):
        import bisect

        self._bisect = bisect
        self.runs = sorted(runs)
        self.firsts = [a for a, _ in self.runs]
        self.before: list[int] = []         # rows deleted before each run
        total = 0
        for a, b in self.runs:
            self.before.append(total)
            total += b - a + 1
        self.at = self.runs[0][0] if self.runs else 0
        self.n = -total
        self.grow_from = None

    def _find(self, r: int) -> tuple[int, bool]:
        """(rows deleted above r, whether r itself is deleted)."""
        i = self._bisect.bisect_right(self.firsts, r) - 1
        if i < 0:
            return 0, False
        a, b = self.runs[i]
        if r <= b:
            return self.before[i] + (r - a), True
        return self.before[i] + (b - a + 1), False

    def row(self, r: int) -> int | None:
        gone, deleted = self._find(r)
        return None if deleted else r - gone

    def landing(self, r: int) -> int:
        """Where what stood on row r lands (a deleted row: the first row after the gap)."""
        return r - self._find(r)[0]

    def span(self, r1: int, r2: int, written: bool = False) -> tuple[int, int] | None:
        n1, n2 = self.landing(r1), r2 - self._find(r2)[0] - (0 if self.row(r2) is not None else 1)
        return None if n2 < n1 else (n1, n2)


class ColumnMap:
    """Report tables of one sheet rebuilt with their columns elsewhere (a Currency column
    that comes or goes with exchange rates, regions in another order): a reference into a
    table's old area (header row to Total row) goes to the column with the same heading
    in the rebuilt table, on the same row (`report_room.column_moves`); one into a column
    the table no longer has becomes #REF!, as Excel makes it when a column is deleted, and
    a range loses that column (from A to E without B: A to D). Rows do not move: it
    goes in a sheet's list of Changes (`FileWorkbook.row_changes`, `shift_package`) before
    the rows the rebuild inserts or deletes, and every row rule leaves rows as they are."""

    n = 0
    grow_from = None

    def __init__(self, tables: list[tuple[str, tuple[int, int, int, int], dict[int, int | None], dict[int, str]]]):
        # (table name, old box c1 r1 c2 r2, {old column: new column or None}, {old column: heading})
        self.tables = tables
        self.at = MAX_ROW + 1
        self.lost: list[tuple[str, str]] = []      # (table, heading) of each reference made #REF!

    def row(self, r: int) -> int:
        return r

    def landing(self, r: int) -> int:
        return r

    def span(self, r1: int, r2: int, written: bool = False) -> tuple[int, int]:
        return r1, r2

    def _where(self, c: int, r: int):
        for name, (c1, r1, c2, r2), cols, heads in self.tables:
            if c1 <= c <= c2 and r1 <= r <= r2:
                return name, (c1, c2), cols, heads
        return None

    def _col(self, c: int, r: int, side: int = 0, stop: int | None = None) -> int | None:
        """The new column of old column c at row r (c itself outside the tables); None
        when its heading is gone. side: for a range's end, the nearest column kept inward
        (+1 for its left end, -1 for its right end, never past old column `stop`) when c
        itself is gone."""
        hit = self._where(c, r)
        if hit is None:
            return c
        name, (c1, c2), cols, heads = hit
        new = cols.get(c)
        if new is not None:
            return new
        if side:
            k = c + side
            while c1 <= k <= c2 and (stop is None or (k - stop) * side <= 0):
                if cols.get(k) is not None:
                    return cols[k]
                k += side
        self.lost.append((name, heads.get(c, "")))
        return None

    def move_part(self, text: str) -> str | None:
        from openpyxl.utils.cell import column_index_from_string, get_column_letter

        parts = text.split(":")
        ms = [_CELL.match(p) for p in parts]
        if len(parts) > 2 or not all(ms):
            return text                             # whole rows or columns, names: as they are
        cells = [(column_index_from_string(m.group(2).upper()), int(m.group(4))) for m in ms]
        if len(cells) == 1:
            new = [self._col(*cells[0])]
        else:
            (ca, ra), (cb, rb) = cells
            same = self._where(ca, ra) is not None and self._where(ca, ra)[0] == (self._where(cb, rb) or ("",))[0]
            new = [self._col(ca, ra, side=+1, stop=cb if same else None),
                   self._col(cb, rb, side=-1, stop=ca if same else None)]
            if None not in new and new[0] > new[1] and cells[0][0] <= cells[1][0]:
                new = [new[1], new[0]]              # columns now in another order: the range keeps its ends
        if any(c is None for c in new):
            return None
        out = [f"{m.group(1)}{get_column_letter(c)}{m.group(3)}{m.group(4)}" for m, c in zip(ms, new)]
        return ":".join(out)


def _shift_part(text: str, change: Change) -> str | None:
    """One reference without its sheet (A1, $A$1:$B$5, A:A, 3:7); None: deleted."""
    if isinstance(change, ColumnMap):
        return change.move_part(text)
    parts = text.split(":")
    if len(parts) == 1:
        m = _CELL.match(text)
        if not m:
            return text
        r = change.row(int(m.group(4)))
        return None if r is None else f"{m.group(1)}{m.group(2)}{m.group(3)}{r}"
    if len(parts) != 2:
        return text
    a, b = parts
    ma, mb = _CELL.match(a), _CELL.match(b)
    if ma and mb:
        span = change.span(int(ma.group(4)), int(mb.group(4)), written=True)
        if span is None:
            return None
        return (f"{ma.group(1)}{ma.group(2)}{ma.group(3)}{span[0]}:"
                f"{mb.group(1)}{mb.group(2)}{mb.group(3)}{span[1]}")
    ra, rb = _ROW.match(a), _ROW.match(b)
    if ra and rb:                                   # whole rows 3:7
        span = change.span(int(ra.group(2)), int(rb.group(2)))
        if span is None:
            return None
        return f"{ra.group(1)}{span[0]}:{rb.group(1)}{span[1]}"
    return text                                     # whole columns A:A, names


def _sheet_of(prefix: str) -> str:
    name = prefix[:-1]                              # drop the "!"
    if name.startswith("'") and name.endswith("'"):
        name = name[1:-1].replace("''", "'")
    return name


def shift_formula(formula: str, own_sheet: str, target: str, change: Change) -> str:
    """`formula` ("=..." or a defined name's text without "=") with the references to
    sheet `target` moved by `change`; `own_sheet` is the sheet an unqualified
    reference means (None: a defined name, whose references are always qualified)."""
    bare = not formula.startswith("=")
    try:
        tok = Tokenizer(("=" + formula) if bare else formula)
    except Exception:       # noqa: BLE001 - text the tokenizer cannot read is left as it is
        return formula
    changed = False
    for t in tok.items:
        if t.type != Token.OPERAND or t.subtype != Token.RANGE:
            continue
        value = t.value
        prefix, ref = "", value
        if "!" in value:
            cut = value.rindex("!")
            prefix, ref = value[:cut + 1], value[cut + 1:]
            sheet = _sheet_of(prefix)
            if sheet.startswith("[") or "[" in sheet.split("'")[0]:
                continue                            # another workbook
        else:
            sheet = own_sheet
        if sheet != target or "[" in ref:           # structured references move with their table
            continue
        moved = _shift_part(ref, change)
        new = prefix + (REF_ERROR if moved is None else moved)
        if new != value:
            t.value = new
            changed = True
    if not changed:
        return formula
    out = tok.render()
    return out[1:] if bare else out


def shift_sqref(sqref: str, change: Change) -> str:
    """A space-separated list of ranges on the moved sheet; deleted ones are dropped."""
    out = []
    for part in str(sqref).split():
        moved = _shift_part(part, change)
        if moved is not None:
            out.append(moved)
    return " ".join(out)


def landing(change: Change, r: int) -> int:
    """Where row r goes; for a removed row, the row that takes its place (the first row
    after those removed)."""
    moved = change.row(r)
    if moved is not None:
        return moved
    return change.landing(r) if hasattr(change, "landing") else change.at


def shift_location(location: str, own_sheet: str, target: str, change: Change) -> str | None:
    """A link's place in the workbook (`location`: Sheet!A1, 'My sheet'!B2:C3, A1 on its
    own sheet, or a defined name) moved by `change` to sheet `target`; None when the
    cells it points at were removed."""
    new = shift_formula(location, own_sheet, target, change)
    return None if REF_ERROR in new and REF_ERROR not in location else new


@dataclass
class RowShift:
    """Applies Changes to one worksheet of a workbook model; `notes` says what stayed."""
    wb: Any
    ws: Any
    skip_tables: tuple = ()
    notes: list[str] = field(default_factory=list)

    def apply(self, change: Change) -> None:
        self._formulas(change)
        self._names(change)
        self._links(change)
        self._cells(change)
        self._breaks(change)
        self._rows(change)
        self._validations(change)
        self._merged(change)
        self._tables(change)

    # -- formulas everywhere --
    def _formulas(self, change: Change) -> None:
        title = self.ws.title
        for ws in self.wb.worksheets:
            for cell in ws._cells.values():
                if cell.data_type == "f" and isinstance(cell._value, str):
                    new = shift_formula(cell._value, ws.title, title, change)
                    if new != cell._value:
                        cell._value = new

    def _names(self, change: Change) -> None:
        title = self.ws.title
        scopes = [self.wb.defined_names] + [ws.defined_names for ws in self.wb.worksheets]
        for names in scopes:
            for dn in names.values():
                text = dn.attr_text
                if isinstance(text, str) and text:
                    new = shift_formula(text, None, title, change)
                    if new != text:
                        dn.attr_text = new

    # -- this sheet --
    def _cells(self, change: Change) -> None:
        cells = self.ws._cells
        where = {r: change.row(r) for r in {r for (r, _c) in cells}}
        if all(nr == r for r, nr in where.items()):
            return
        moved: dict[tuple[int, int], Any] = {}
        for (r, c), cell in cells.items():
            nr = where[r]
            if nr is None:
                continue
            if nr != r:
                cell.row = nr
            moved[(nr, c)] = cell
        cells.clear()
        cells.update(moved)

    def _rows(self, change: Change) -> None:
        dims = self.ws.row_dimensions
        items = sorted(dict.items(dims))
        for r, _ in items:
            if change.row(r) != r:
                del dims[r]
        for r, dim in items:
            nr = change.row(r)
            if nr is not None and nr != r:
                dim.index = nr
                dims[nr] = dim

    def _links(self, change: Change) -> None:
        """Cell hyperlinks (Insert > Link) move with their cells (`shift_package` moves
        them in the file); a link on a removed row goes with it, said in `notes`; a link
        to a place in the workbook follows the cell it points at, on any sheet."""
        title = self.ws.title
        for ws in self.wb.worksheets:
            for (r, _c), cell in ws._cells.items():
                link = getattr(cell, "_hyperlink", None)
                if link is None:
                    continue
                if ws is self.ws and change.row(r) is None:
                    self.notes.append(f"{title}: the link on {cell.coordinate} was on a row Refresh removed "
                                      f"and was removed with it")
                    continue
                if link.location:
                    new = shift_location(link.location, ws.title, title, change)
                    if new is None:
                        self.notes.append(f"{ws.title}: the link on {cell.coordinate} goes to "
                                          f"{link.location}, a row Refresh removed; it was left as it was")
                    elif new != link.location:
                        link.location = new

    def _breaks(self, change: Change) -> None:
        """Manual page breaks (`<rowBreaks>`): a break sits above row id+1 (ECMA-376
        Part 1 §18.3.1.3, `id` is the row above it); it moves with that row, and one
        above a removed row stays above the row that takes its place."""
        rb = self.ws.row_breaks
        if not rb or not rb.brk:
            return
        keep, seen = [], set()
        for b in rb.brk:
            below = landing(change, b.id + 1)
            if below - 1 in seen:
                continue
            seen.add(below - 1)
            b.id = below - 1
            keep.append(b)
        rb.brk = keep

    def _validations(self, change: Change) -> None:
        from openpyxl.worksheet.cell_range import MultiCellRange

        for dv in list(self.ws.data_validations.dataValidation):
            new = shift_sqref(str(dv.sqref), change)
            if new != str(dv.sqref):
                cut = [part for part in str(dv.sqref).split() if _shift_part(part, change) is None]
                if cut:     # a drop-down (or other validation) on removed rows goes with them, said
                    self.notes.append(f"{self.ws.title}: the drop-down (data validation) on {', '.join(cut)} "
                                      f"was on a row Refresh removed and was removed with it")
                if new:
                    dv.sqref = MultiCellRange(new)
                else:
                    self.ws.data_validations.dataValidation.remove(dv)

    def _merged(self, change: Change) -> None:
        from openpyxl.worksheet.cell_range import CellRange

        ranges = list(self.ws.merged_cells.ranges)
        keep = []
        touched = False
        for rng in ranges:
            span = change.span(rng.min_row, rng.max_row)
            if span is None or span[1] < span[0]:
                touched = True
                continue
            if span != (rng.min_row, rng.max_row):
                touched = True
                rng = CellRange(min_col=rng.min_col, min_row=span[0], max_col=rng.max_col, max_row=span[1])
            keep.append(rng)
        if touched:
            self.ws.merged_cells.ranges = set(keep) if isinstance(self.ws.merged_cells.ranges, set) else keep

    def _tables(self, change: Change) -> None:
        for t in self.ws.tables.values():
            if t in self.skip_tables:
                continue
            moved = _shift_part(t.ref, change)
            if moved is not None and moved != t.ref:
                t.ref = moved
                if t.autoFilter is not None:
                    t.autoFilter.ref = moved


# ----- the package parts the model does not write back (xlsx_patch keeps their bytes) -----

_X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"
_XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_C15_NS = "http://schemas.microsoft.com/office/drawing/2012/chart"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
REL_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"


def shift_package(pkg, changes: dict[str, list[Change]]) -> list[str]:
    """Move, in the saved package, what is anchored to the inserted/deleted rows of each
    sheet (`changes`: sheet title -> Changes in order) and that the model does not write:
    defined names, conditional formats (and their formulas), comments and their note
    boxes, threaded comments, pictures/charts/shapes/slicers/timelines anchored to cells,
    form controls and embedded objects (and the cells controls on every sheet are linked
    to), pivot tables on the sheet and pivot cache ranges, cell hyperlinks (and the places
    in the workbook links go to), x14 extensions (data validations, sparklines), ignored
    errors, protected ranges, watched cells, a sheet filter, and the formulas of
    validations, sparklines and chart series on every sheet. Returns notes for what
    could not be moved as it was (a comment or a link on a deleted row is removed with
    it; an object on deleted rows is kept and moved; a control's lost link; a pivot
    table rows went through), which Refresh shows."""
    from .package import REL_DRAWING, SML_NS
    from .xlsx_patch import sheet_parts

    S = f"{{{SML_NS}}}"
    notes: list[str] = []
    wb_part, parts = sheet_parts(pkg)
    book = pkg.xml(wb_part)
    names = book.find(S + "definedNames")
    for el in names if names is not None else []:
        text = el.text or ""
        new = text
        for title, seq in changes.items():
            for ch in seq:
                new = shift_formula(new, None, title, ch)
        if new != text:
            el.text = new
    for title, seq in changes.items():
        part = parts.get(title)
        if part is None or not seq:
            continue
        root = pkg.xml(part)
        # conditional formats: ranges (their formulas: below, with every sheet's)
        for cf in list(root.iter(S + "conditionalFormatting")):
            sq = _moved_sqref(cf.get("sqref", ""), seq)
            if not sq:
                cf.getparent().remove(cf)
                continue
            cf.set("sqref", sq)
        # Excel 2010 extensions (x14 conditional formats, data validations, sparklines):
        # each `xm:sqref` says where its element applies; one left on no cell goes
        for ref in list(root.iter(f"{{{_XM_NS}}}sqref")):
            if not ref.text:
                continue
            sq = _moved_sqref(ref.text, seq)
            if sq:
                ref.text = sq
            else:
                if etree.QName(ref.getparent()).localname == "dataValidation":
                    notes.append(f"{title}: the drop-down (data validation) on {ref.text} was on a row "
                                 f"Refresh removed and was removed with it")
                _drop_x14(ref.getparent())
        # cell ranges a user set on rows: errors shown as fine, ranges a password
        # unlocks, a sheet filter outside the tables
        for tag in ("ignoredError", "protectedRange"):
            for el in list(root.iter(S + tag)):
                sq = _moved_sqref(el.get("sqref", ""), seq)
                if sq:
                    el.set("sqref", sq)
                else:
                    _drop_child(el)
        for el in list(root.iter(S + "cellWatch")):
            r = _moved_ref(el.get("r", ""), seq)
            if r:
                el.set("r", r)
            else:
                _drop_child(el)
        views = root.findall(f"{S}customSheetViews/{S}customSheetView")
        for el in root.findall(S + "autoFilter") + root.findall(S + "sortState") + [
                f for v in views for f in v.findall(S + "autoFilter")]:
            r = _moved_ref(el.get("ref", ""), seq)
            if r:
                el.set("ref", r)
        for v in views:         # a custom view's own page breaks (Page Layout of that view)
            for breaks in v.findall(S + "rowBreaks"):
                _shift_breaks(breaks, seq)
        _shift_hyperlinks(pkg, part, root, title, seq, notes)
        # comments (legacy and threaded) and their note boxes
        gone: set[tuple[int, int]] = set()
        for rel in (REL_COMMENTS, REL_THREADED):
            for _rid, target in pkg.rel_targets(part, rel):
                if not pkg.has(target):
                    continue
                croot = pkg.xml(target)
                for el in list(croot.iter()):
                    ref = el.get("ref") if isinstance(el.tag, str) and el.tag.endswith("omment") else None
                    if not ref:
                        continue
                    m = _CELL.match(ref)
                    if not m:
                        continue
                    r = int(m.group(4))
                    for ch in seq:
                        r = ch.row(r) if r is not None else None
                    if r is None:
                        el.getparent().remove(el)
                        gone.add((int(m.group(4)), _col_index(m.group(2))))
                        if rel == REL_COMMENTS:
                            notes.append(f"{title}: the comment on {ref} was on a row that left the table and was "
                                         f"removed with it")
                    else:
                        el.set("ref", f"{m.group(2)}{r}")
        # form controls and embedded objects: their anchors in the sheet and their VML boxes
        still = _shift_objects(root, title, seq, notes)
        for _rid, target in pkg.rel_targets(part, REL_VML):
            if pkg.has(target):
                _shift_vml(pkg, target, seq, still, title, notes)
        for _rid, target in pkg.rel_targets(part, REL_DRAWING):
            if pkg.has(target):
                _shift_drawing(pkg.xml(target), title, seq, notes)
        _shift_pivot_tables(pkg, part, title, seq, notes)
    # formulas kept in the package that may point at the moved rows, on every sheet:
    # conditional formats' rules, validations' lists and limits, x14 formulas (sparkline
    # data), the place a link goes to; and the series of every chart
    kinds = (S + "formula", S + "formula1", S + "formula2", f"{{{_XM_NS}}}f")
    for own, part in parts.items():
        if not pkg.has(part) or not (pkg.is_parsed(part) or any(
                k in pkg.read(part) for k in (b"formula", b":f>", b"location="))):
            continue
        root = pkg.xml(part)
        for f in list(root.iter(*kinds)):
            if f.text:
                f.text = _moved_formula(f.text, own, changes)
        for link in root.iter(S + "hyperlink"):
            loc = link.get("location")
            if not loc:
                continue
            new = loc
            for target, seq in changes.items():
                for ch in seq:
                    new = shift_location(new, own, target, ch) or new
            if new != loc:
                link.set("location", new)
    # cims's report charts were just drawn for the rebuilt tables: a ColumnMap (the tables'
    # old columns) is not theirs to follow; the user's charts follow it
    ours = _report_chart_parts(pkg) if any(isinstance(ch, ColumnMap) for seq in changes.values()
                                           for ch in seq) else set()
    rows_only = {t: [ch for ch in seq if not isinstance(ch, ColumnMap)] for t, seq in changes.items()}
    for name in pkg.names():
        if re.match(r"xl/charts/chart[^/]*\.xml$", name):
            croot = pkg.xml(name)
            for f in croot.iter(f"{{{_C_NS}}}f", f"{{{_C15_NS}}}f"):
                if f.text:
                    f.text = _moved_formula(f.text, None, rows_only if name in ours else changes)
    # the cells form controls on every sheet are linked to (and the lists they show),
    # and the ranges pivot caches read
    for own, part in parts.items():
        if pkg.has(part):
            _shift_control_links(pkg, part, own, changes, notes)
    _shift_pivot_caches(pkg, wb_part, changes)
    return notes


def _shift_breaks(breaks, seq: list[Change]) -> None:
    """Page breaks in the package (a custom view's): each above row id+1, moved with it."""
    seen = set()
    for brk in list(breaks):
        if not (brk.get("id") or "").isdigit():
            continue
        r = int(brk.get("id")) + 1
        for ch in seq:
            r = landing(ch, r)
        if r - 1 in seen:
            breaks.remove(brk)
            continue
        seen.add(r - 1)
        brk.set("id", str(r - 1))
    for attr in ("count", "manualBreakCount"):
        if breaks.get(attr) is not None:
            breaks.set(attr, str(len(breaks) if attr == "count" else
                                 sum(1 for b in breaks if b.get("man") in ("1", "true"))))


def _report_chart_parts(pkg) -> set[str]:
    """The chart parts of cims's report charts (their anchors carry `REPORT_CHART_MARK`)."""
    from .xlsx_patch import REPORT_CHART_MARK

    out = set()
    for name in pkg.names():
        if not re.match(r"xl/drawings/drawing[^/]*\.xml$", name):
            continue
        for anchor in pkg.xml(name):
            if any((nv.get("name") or "").startswith(REPORT_CHART_MARK) for nv in anchor.iter("{*}cNvPr")):
                for ref in anchor.iter(f"{{{_C_NS}}}chart"):
                    rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                    target = pkg.target(name, rid) if rid else None
                    if target:
                        out.add(target)
    return out


def _moved_formula(text: str, own: str | None, changes: dict[str, list[Change]]) -> str:
    for target, seq in changes.items():
        for ch in seq:
            text = shift_formula(text, own, target, ch)
    return text


def _moved_sqref(sqref: str, seq: list[Change]) -> str:
    for ch in seq:
        sqref = shift_sqref(sqref, ch) if sqref else sqref
    return sqref


def _moved_ref(ref: str, seq: list[Change]) -> str | None:
    for ch in seq:
        ref = _shift_part(ref, ch) if ref else ref
    return ref


def _drop_child(el) -> None:
    """Remove `el`; its list element goes too when it is left empty (the schema wants at
    least one child), and a list's count says how many stay."""
    parent = el.getparent()
    parent.remove(el)
    if len(parent) == 0:
        parent.getparent().remove(parent)
    elif parent.get("count") is not None:
        parent.set("count", str(len(parent)))


def _drop_x14(el) -> None:
    """Remove an x14 element left on no cell, and each container (a sparkline group, the
    x14 list, its `ext`) it leaves empty."""
    while el is not None:
        parent = el.getparent()
        if parent is None:
            return
        parent.remove(el)
        if parent.get("count") is not None:
            parent.set("count", str(len(parent)))
        if len(parent) or etree.QName(parent).localname in ("extLst", "worksheet"):
            return
        el = parent


REL_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _shift_hyperlinks(pkg, part: str, root, title: str, seq: list[Change], notes: list[str]) -> None:
    """Cell hyperlinks (`<hyperlinks>`, ECMA-376 Part 1 §18.3.1.47) move with their
    cells; a link on rows that were all removed goes, with its relationship (an external
    address) when no other link uses it."""
    from .package import SML_NS

    links = root.find(f"{{{SML_NS}}}hyperlinks")
    if links is None:
        return
    dropped = []
    for el in list(links):
        ref = el.get("ref")
        if not ref:
            continue
        new = _moved_ref(ref, seq)
        if new:
            el.set("ref", new)
            continue
        links.remove(el)
        notes.append(f"{title}: the link on {ref} was on a row Refresh removed and was removed with it")
        if el.get(_R_ID):
            dropped.append(el.get(_R_ID))
    used = {el.get(_R_ID) for el in links}
    for rid in dropped:
        if rid not in used:
            pkg.remove_rel(part, rid)
    if len(links) == 0:
        root.remove(links)


def _col_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters.upper())


# any namespace prefix (Excel writes x: and v:, openpyxl ns0:, ns2:, ...)
_VML_ROW = re.compile(rb"(<(?:[\w.-]+:)?Row>)(\d+)(</(?:[\w.-]+:)?Row>)")
_VML_ANCHOR = re.compile(rb"(<(?:[\w.-]+:)?Anchor>)([^<]*)(</(?:[\w.-]+:)?Anchor>)")
_VML_SHAPE = re.compile(rb"<(?:[\w.-]+:)?shape\b.*?</(?:[\w.-]+:)?shape>", re.S)
_VML_SHAPE_ID = re.compile(rb"""<(?:[\w.-]+:)?shape\b[^>]*?\bid\s*=\s*["'][^"']*?(\d+)["']""")
_VML_KIND = re.compile(rb"""ObjectType\s*=\s*["'](\w+)["']""")
# the cells a control is linked to, the list it shows, the cell its text comes from
_VML_FMLA = re.compile(rb"(<((?:[\w.-]+:)?Fmla(?:Link|Range|Txbx|Group|Pict))>)([^<]*)(</\2>)")

REL_CTRL_PROP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp"
REL_PIVOT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotTable"
REL_PIVOT_CACHE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotCacheDefinition"
_CONTROL_KINDS = {"Button": "button", "Checkbox": "check box", "Drop": "drop-down", "List": "list box",
                  "Radio": "option button", "Spin": "spin button", "Scroll": "scroll bar", "Label": "label",
                  "GBox": "group box", "Edit": "edit box", "Dialog": "dialog frame", "Pict": "embedded object"}


def _moved_row0(r0: int, seq: list[Change]) -> tuple[int, bool]:
    """Where a 0-based row of an anchor goes (a removed row: the row that takes its
    place), and whether it was removed."""
    r, removed = r0 + 1, False
    for ch in seq:
        moved = ch.row(r)
        if moved is None:
            removed = True
            moved = landing(ch, r)
        r = moved
    return r - 1, removed


def _move_anchor(top: int, bottom: int | None, bottom_off: int, seq: list[Change],
                 keep_size: bool) -> tuple[int, int | None, bool]:
    """(new top, new bottom, stood only on removed rows) of an object from row `top` to
    `bottom` (0-based; None: one-cell anchor). `keep_size`: "move but don't size with
    cells", the bottom keeps its distance to the top."""
    new_top, top_gone = _moved_row0(top, seq)
    if bottom is None:
        return new_top, None, top_gone
    last = bottom if bottom_off > 0 or bottom == top else bottom - 1     # last row it covers
    gone = top_gone and all(_moved_row0(r, seq)[1] for r in range(top, last + 1))
    if keep_size or gone:       # kept whole where its rows were, never squeezed to nothing
        return new_top, new_top + (bottom - top), gone
    new_bottom, _ = _moved_row0(bottom, seq)
    return new_top, max(new_top, new_bottom), gone


def _moves(anchor) -> tuple[bool, bool]:
    """(moves with cells, keeps its size) of a control's or object's `<anchor>`
    (ECMA-376 Part 1 §18.3.1.2: both default false, an object that stays where it is)."""
    yes = ("1", "true")
    size = anchor.get("sizeWithCells") in yes
    return size or anchor.get("moveWithCells") in yes, not size


def _shift_objects(root, title: str, seq: list[Change], notes: list[str]) -> dict[int, tuple[bool, bool]]:
    """Form controls (`<controls>`) and embedded objects (`<oleObjects>`) a user put on a
    sheet, in the sheet (most often inside `mc:AlternateContent`, as Excel 2010 writes
    them): their `<anchor>` rows move with the rows, unless the object is set not to
    move with cells. One that stood only on removed rows is kept, moved to the row that
    took their place, and said. Returns {shape id: (moves, keeps size)} for the VML boxes."""
    from .package import SML_NS

    S = f"{{{SML_NS}}}"
    modes: dict[int, tuple[bool, bool]] = {}
    said: set[int] = set()
    for obj in _outside_cells(root, S + "control", S + "oleObject"):
        anchor = obj.find(f"{S}controlPr/{S}anchor")
        if anchor is None:
            anchor = obj.find(f"{S}objectPr/{S}anchor")
        shape = int(obj.get("shapeId")) if (obj.get("shapeId") or "").isdigit() else None
        if anchor is None:
            continue
        moves, keep = _moves(anchor)
        if shape is not None:
            modes[shape] = (moves, keep)
        if not moves:
            continue
        # xdr:from/xdr:to as the schema has them (some writers put them in the sheet's namespace)
        ends = [anchor.find(f"{{*}}{end}") for end in ("from", "to")]
        rows = [e.find(f"{{{_XDR_NS}}}row") if e is not None else None for e in ends]
        offs = [e.find(f"{{{_XDR_NS}}}rowOff") if e is not None else None for e in ends]
        if any(r is None or not (r.text or "").strip().isdigit() for r in rows):
            continue
        top, bottom = int(rows[0].text), int(rows[1].text)
        bottom_off = int(offs[1].text) if offs[1] is not None and (offs[1].text or "").strip().isdigit() else 0
        new_top, new_bottom, gone = _move_anchor(top, bottom, bottom_off, seq, keep)
        rows[0].text, rows[1].text = str(new_top), str(new_bottom)
        if gone and shape not in said:
            said.add(shape)
            if obj.tag == S + "control":
                what = f"the form control '{obj.get('name') or shape}'"
            else:
                what = f"the embedded object ({obj.get('progId') or 'OLE'}, shape {shape})"
            notes.append(f"{title}: {what} stood on row {top + 1}, a row Refresh removed; it was kept and "
                         f"now stands on row {new_top + 1}, beside another record: move or delete it")
    return modes


def _outside_cells(root, *tags: str) -> list:
    """Elements of a sheet found anywhere but in its cells (a large sheetData not walked)."""
    from .package import SML_NS

    data = f"{{{SML_NS}}}sheetData"
    return [el for top in root if top.tag != data for el in top.iter(*tags)]


def _shift_vml(pkg, part: str, seq: list[Change], modes: dict[int, tuple[bool, bool]] | None = None,
               title: str = "", notes: list[str] | None = None) -> None:
    """The VML boxes of a sheet (not well-formed XML in every file: edited as text).
    A comment's note box: its row (x:Row, 0-based) and anchor rows follow the rows, a
    box whose row was deleted goes. A form control's or embedded object's box: its
    anchor rows move as its `<anchor>` in the sheet does (`modes`: by shape id); one the
    sheet does not describe (a file from Excel 2007 or older keeps controls in VML only)
    moves with the cells, and when it stood only on removed rows it is said in `notes`."""
    data = pkg.read(part)
    modes = modes or {}
    notes = notes if notes is not None else []

    def move(r0: int) -> int | None:
        r = r0 + 1
        for ch in seq:
            r = ch.row(r) if r is not None else None
        return None if r is None else r - 1

    def box(text: bytes, keep_size: bool, say: str | None) -> bytes:
        def anchor(a: re.Match) -> bytes:
            nums = [p.strip() for p in a.group(2).decode().split(",")]
            if len(nums) != 8 or not all(p.lstrip("-").isdigit() for p in nums):
                return a.group(0)
            top, bottom, gone = _move_anchor(int(nums[2]), int(nums[6]), int(nums[7]), seq, keep_size)
            if gone and say:
                notes.append(f"{title}: {say} stood on row {int(nums[2]) + 1}, a row Refresh removed; it was kept "
                             f"and now stands on row {top + 1}, beside another record: move or delete it")
            nums[2], nums[6] = str(top), str(bottom)
            return a.group(1) + ", ".join(nums).encode() + a.group(3)
        return _VML_ANCHOR.sub(anchor, text, count=1)

    def shape(m: re.Match) -> bytes:
        text = m.group(0)
        row = _VML_ROW.search(text)
        if row is None:                 # not a note: a control or an object
            kind = _VML_KIND.search(text)
            if kind is None:
                return text
            sid = int(_VML_SHAPE_ID.search(text).group(1)) if _VML_SHAPE_ID.search(text) else -1
            moves, keep = modes.get(sid, (True, True))
            say = None if sid in modes else \
                f"the {_CONTROL_KINDS.get(kind.group(1).decode(), 'object')} (shape {sid})"
            return box(text, keep, say) if moves else text
        new = move(int(row.group(2)))
        if new is None:
            return b""
        text = _VML_ROW.sub(lambda x: x.group(1) + str(new).encode() + x.group(3), text, count=1)

        def anchor(a: re.Match) -> bytes:
            nums = [p.strip() for p in a.group(2).decode().split(",")]
            if len(nums) == 8 and all(p.lstrip("-").isdigit() for p in nums):
                for i in (2, 6):
                    moved = move(int(nums[i]))
                    nums[i] = str(moved if moved is not None else new)
                return a.group(1) + ", ".join(nums).encode() + a.group(3)
            return a.group(0)
        return _VML_ANCHOR.sub(anchor, text, count=1)

    new = _VML_SHAPE.sub(shape, data)
    if new != data:
        pkg.write(part, new)


def _shift_drawing(droot, title: str, seq: list[Change], notes: list[str]) -> None:
    """Pictures, charts, shapes, slicers and timelines anchored to cells (a slicer's or a
    timeline's anchor sits inside `mc:AlternateContent`, with a fallback shape for
    older readers: both move). An anchor set to stay put (`editAs="absolute"`) stays;
    "move but don't size" (`editAs="oneCell"`, a one-cell anchor) keeps its size. One
    that stood only on removed rows moves to the row that took their place, said."""
    X = f"{{{_XDR_NS}}}"
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    for anchor in list(droot.iter(X + "twoCellAnchor", X + "oneCellAnchor")):
        if anchor.get("editAs") == "absolute":
            continue
        ends = [anchor.find(X + end) for end in ("from", "to")]
        rows = [e.find(X + "row") if e is not None else None for e in ends]
        if rows[0] is None or not (rows[0].text or "").strip().isdigit():
            continue
        top = int(rows[0].text)
        bottom = int(rows[1].text) if rows[1] is not None and (rows[1].text or "").strip().isdigit() else None
        off = ends[1].find(X + "rowOff") if ends[1] is not None else None
        bottom_off = int(off.text) if off is not None and (off.text or "").strip().isdigit() else 0
        new_top, new_bottom, gone = _move_anchor(top, bottom, bottom_off, seq, anchor.get("editAs") == "oneCell")
        rows[0].text = str(new_top)
        if bottom is not None:
            rows[1].text = str(new_bottom)
        if gone and not any(a.tag == fallback for a in anchor.iterancestors()):
            notes.append(f"{title}: {_drawing_kind(anchor)} stood on row {top + 1}, a row Refresh removed; it "
                         f"was kept and now stands on row {new_top + 1}, beside another record: move or "
                         f"delete it")


def _drawing_kind(anchor) -> str:
    X = f"{{{_XDR_NS}}}"
    name = next((el.get("name") for el in anchor.iter(X + "cNvPr") if el.get("name")), "")
    uri = next((el.get("uri") or "" for el in anchor.iter("{*}graphicData")), "")
    if anchor.find(X + "pic") is not None:
        kind = "picture"
    elif "timeslicer" in uri:
        kind = "timeline"
    elif "slicer" in uri:
        kind = "slicer"
    elif "chart" in uri:
        kind = "chart"
    else:
        kind = "shape"
    return f"the {kind} '{name}'" if name else f"a {kind}"


def _xml_text(raw: bytes) -> str:
    from xml.sax.saxutils import unescape

    return unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})


def _xml_bytes(text: str) -> bytes:
    from xml.sax.saxutils import escape

    return escape(text).encode()


def _shift_control_links(pkg, part: str, own: str, changes: dict[str, list[Change]], notes: list[str]) -> None:
    """The cells the form controls of one sheet are linked to (`fmlaLink`: the cell a
    check box or a list writes), the lists they show (`fmlaRange`) and the cells their
    text or group comes from, in the control's properties (`xl/ctrlProps`), in its VML
    box, and an ActiveX control's `linkedCell`/`listFillRange`: moved with the rows of
    any sheet. A link into removed rows becomes #REF! as in Excel, and is said."""
    from .package import SML_NS

    S = f"{{{SML_NS}}}"
    names: dict[str, str] = {}
    sheet = pkg.xml(part) if pkg.is_parsed(part) or b"control" in pkg.read(part) else None
    if sheet is not None:
        for ctl in _outside_cells(sheet, S + "control"):
            names[ctl.get(_R_ID) or ""] = ctl.get("name") or ctl.get("shapeId") or ""
            pr = ctl.find(S + "controlPr")
            for attr in ("linkedCell", "listFillRange"):
                if pr is not None and pr.get(attr):
                    new = _moved_link(pr.get(attr), own, changes, notes, ctl.get("name") or "")
                    pr.set(attr, new)
    said = len(notes)
    for rid, target in pkg.rel_targets(part, REL_CTRL_PROP):
        if not pkg.has(target):
            continue
        croot = pkg.xml(target)
        for attr in ("fmlaLink", "fmlaRange", "fmlaTxbx", "fmlaGroup"):
            if croot.get(attr):
                croot.set(attr, _moved_link(croot.get(attr), own, changes, notes, names.get(rid, "")))
    for _rid, target in pkg.rel_targets(part, REL_VML):
        if not pkg.has(target):
            continue
        data = pkg.read(target)
        if b"Fmla" not in data:
            continue
        quiet: list[str] = []       # the control's properties said it already

        def fmla(m: re.Match) -> bytes:
            text = _xml_text(m.group(3))
            return m.group(1) + _xml_bytes(_moved_link(text, own, changes, quiet, "")) + m.group(4)
        new = _VML_FMLA.sub(fmla, data)
        if len(notes) == said:
            notes += quiet
        if new != data:
            pkg.write(target, new)


def _moved_link(text: str, own: str, changes: dict[str, list[Change]], notes: list[str], name: str) -> str:
    new = _moved_formula(text, own, changes)
    if REF_ERROR in new and REF_ERROR not in text:
        who = f"the form control '{name}'" if name else "a form control"
        notes.append(f"{own}: {who} was linked to {text}, on a row Refresh removed; its link is now "
                     f"{REF_ERROR}: link it again or delete it")
    return new


def _shift_pivot_tables(pkg, part: str, title: str, seq: list[Change], notes: list[str]) -> None:
    """A pivot table placed on the sheet (its `<location ref>`) moves with its rows. Rows
    Refresh inserted into it or removed from it (Excel refuses that edit) moved its cells
    with the rows: its range follows, and Refresh says to refresh it in Excel."""
    from .package import SML_NS

    S = f"{{{SML_NS}}}"
    for _rid, target in pkg.rel_targets(part, REL_PIVOT_TABLE):
        if not pkg.has(target):
            continue
        proot = pkg.xml(target)
        loc = proot.find(S + "location")
        ref = loc.get("ref") if loc is not None else None
        parts = (ref or "").split(":")
        cells = [_CELL.match(p) for p in parts]
        if not ref or not all(cells) or len(cells) > 2:
            continue
        r1, r2 = int(cells[0].group(4)), int(cells[-1].group(4))
        cut = False
        for ch in seq:
            if ch.n > 0 and not isinstance(ch, Deletion):
                if r1 < ch.at <= r2:
                    cut, r2 = True, r2 + ch.n
                elif r1 >= ch.at:
                    r1, r2 = r1 + ch.n, r2 + ch.n
                continue
            span = ch.span(r1, r2)
            if span is None:
                top = landing(ch, r1)
                cut, r1, r2 = True, top, top + (r2 - r1)
            else:
                cut = cut or span[1] - span[0] != r2 - r1
                r1, r2 = span
        new = ":".join(f"{m.group(1)}{m.group(2)}{m.group(3)}{r}" for m, r in zip(cells, (r1, r2)))
        if new != ref:
            loc.set("ref", new)
        if cut:
            notes.append(f"{title}: the pivot table '{proot.get('name')}' on {ref} stood on rows Refresh "
                         f"inserted or removed; its cells moved with the records (now {new}): refresh it in "
                         f"Excel (PivotTable Analyze > Refresh) to draw it again")


def _shift_pivot_caches(pkg, wb_part: str, changes: dict[str, list[Change]]) -> None:
    """A pivot cache reading a range of a sheet (`worksheetSource ref sheet`) grows and
    shrinks with the rows, as the range of a formula does; one reading a table or a
    defined name (`worksheetSource name`) follows them already. A source in another
    workbook (`r:id`) is left alone."""
    from .package import SML_NS

    S = f"{{{SML_NS}}}"
    for _rid, target in pkg.rel_targets(wb_part, REL_PIVOT_CACHE):
        if not pkg.has(target) or b"worksheetSource" not in pkg.read(target):
            continue
        src = pkg.xml(target).find(f"{S}cacheSource/{S}worksheetSource")
        if src is None or src.get(_R_ID) or not src.get("ref") or src.get("sheet") not in changes:
            continue
        new = _moved_ref(src.get("ref"), changes[src.get("sheet")])
        if new and new != src.get("ref"):
            src.set("ref", new)
