"""Column definitions (`<cols>`) that stay valid when one column inside a range changes.

A worksheet's `<cols>` (ECMA-376 Part 1 §18.3.1.17, `<col>` §18.3.1.13) gives width,
hidden flag and style to ranges of columns, `min`..`max` (1-based, inclusive). The
ranges must be sorted and must not overlap: Excel calls a file with two `<col>` covering
one column corrupt and "repairs" it. LibreOffice saves neighbouring columns that look
alike as one range (`<col min="12" max="13" .../>`), so changing column 13 of such a file
means splitting the range: 12 keeps its attributes, 13 gets the new ones.

Two halves, one rule:

- `column_dimension(ws, col)`: the openpyxl model's dimension of exactly one column. A
  range openpyxl read from the file is split first (the other columns keep every
  attribute), so reading a width inside a range gives that range's width and setting
  one never adds a second definition of the column.
- `patch_cols(root, changes)`: writes width/hidden changes into the sheet XML's own
  `<cols>`, splitting its ranges and keeping every other attribute (style, outline
  level, LibreOffice's explicit defaults) of the columns it does not change;
  `tidy_cols(root)` makes an existing `<cols>` sorted and non-overlapping (a later
  `<col>` wins a column, as in a file saved by cims_xl before this fix).
"""

from __future__ import annotations

from copy import copy
from typing import Any

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter

from .package import SML_NS

S = f"{{{SML_NS}}}"
MAX_COLUMN = 16384   # XFD, ECMA-376 Part 1 §18.3.1.13 (max)


# ----- the openpyxl model ------------------------------------------------------------------------

def _bounds(key: str, dim) -> tuple[int, int]:
    first = dim.min or column_index_from_string(key)
    return first, max(dim.max or first, first)


def _piece(ws, dim, first: int, last: int):
    from openpyxl.worksheet.dimensions import ColumnDimension

    piece = ColumnDimension(ws, index=get_column_letter(first), width=dim.width, bestFit=dim.bestFit,
                            hidden=dim.hidden, outlineLevel=dim.outlineLevel, collapsed=dim.collapsed,
                            min=first, max=last)
    piece._style = copy(dim._style)
    return piece


def column_dimension(ws, col: int):
    """The openpyxl `ColumnDimension` of column `col` (1-based) alone.

    When `col` lies in a multi-column range read from the file, the range is split into
    up to three dimensions (before, `col`, after) with the range's attributes; a column
    no range covers gets a new dimension, as `ws.column_dimensions[letter]` would.
    """
    dims = ws.column_dimensions
    letter = get_column_letter(col)
    own = dims.get(letter)
    if own is not None and _bounds(letter, own) == (col, col):
        return own
    for key, dim in list(dims.items()):
        first, last = _bounds(key, dim)
        if not first <= col <= last or (first, last) == (col, col):
            continue
        del dims[key]
        if first < col:
            dims[get_column_letter(first)] = _piece(ws, dim, first, col - 1)
        dims[letter] = _piece(ws, dim, col, col)
        if col < last:
            dims[get_column_letter(col + 1)] = _piece(ws, dim, col + 1, last)
        return dims[letter]
    dim = dims[letter]
    dim.min = dim.max = col
    return dim


def model_changes(ws, before: dict[str, tuple[Any, bool]]) -> dict[int, dict[str, Any]]:
    """{column: {"width": w, "hidden": h}} of what a writer changed since `before`
    ({key: (width, hidden)} as `xlsx_patch.sheet_snap` records it). Only the attributes
    that changed are given; a dimension new since `before` gives both."""
    out: dict[int, dict[str, Any]] = {}
    dims = ws.column_dimensions
    for key, dim in dims.items():
        now = (dim.width, dim.hidden)
        old = before.get(key)
        if old == now:
            continue
        change = {"width": dim.width, "hidden": dim.hidden} if old is None else {
            name: value for name, value, was in zip(("width", "hidden"), now, old) if value != was}
        first, last = _bounds(key, dim)
        for col in range(first, last + 1):
            out.setdefault(col, {}).update(change)
    return out


# ----- the sheet XML -----------------------------------------------------------------------------

def _ranges(cols: etree._Element):
    """(element, min, max) of each `<col>` of a `<cols>`; (element, None, None) for one
    whose range is not two whole numbers."""
    for el in cols:
        if el.tag != S + "col":
            continue
        try:
            yield el, int(el.get("min")), int(el.get("max"))
        except (TypeError, ValueError):
            yield el, None, None


def _segments(cols: etree._Element) -> list[list]:
    """[[min, max, attributes]] of a `<cols>`, sorted, without overlaps: where two `<col>`
    cover a column, the later one has it."""
    segs: list[list] = []
    for el, first, last in _ranges(cols):
        if first is None:
            continue
        first, last = max(first, 1), min(last, MAX_COLUMN)
        if first > last:
            continue
        attrs = {k: v for k, v in el.attrib.items() if k not in ("min", "max")}
        segs = _paint(segs, first, last, attrs)
    return segs


def _paint(segs: list[list], first: int, last: int, attrs: dict) -> list[list]:
    out = []
    for a, b, at in segs:
        if b < first or a > last:
            out.append([a, b, at])
            continue
        if a < first:
            out.append([a, first - 1, at])
        if b > last:
            out.append([last + 1, b, at])
    out.append([first, last, attrs])
    out.sort(key=lambda s: s[0])
    return out


def _is_tidy(cols: etree._Element) -> bool:
    end = 0
    for _el, first, last in _ranges(cols):
        if first is None:
            return False
        if first <= end or last < first or first < 1 or last > MAX_COLUMN:
            return False
        end = last
    return True


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _apply(attrs: dict, change: dict[str, Any]) -> dict:
    attrs = dict(attrs)
    if "width" in change:
        width = change["width"]
        if width:
            attrs["width"] = _number(width)
            attrs["customWidth"] = "1"
        else:
            attrs.pop("width", None)
            attrs.pop("customWidth", None)
    if "hidden" in change:
        if change["hidden"]:
            attrs["hidden"] = "1"
        else:
            attrs.pop("hidden", None)
    return attrs


def _same(attrs: dict, change: dict[str, Any]) -> bool:
    """Whether `attrs` of a `<col>` already say what `change` sets."""
    if "hidden" in change and bool(change["hidden"]) != (attrs.get("hidden") in ("1", "true")):
        return False
    if "width" in change:
        try:
            width = float(attrs["width"])
        except (KeyError, ValueError):
            return False
        return change["width"] is not None and abs(width - float(change["width"])) < 1e-9
    return True


def _write(cols: etree._Element, segs: list[list]) -> None:
    """Replace the `<col>` children by `segs`, re-using an element that did not change."""
    kept = {}
    for el in cols:
        if el.tag == S + "col":
            kept[(el.get("min"), el.get("max"), tuple(sorted((k, v) for k, v in el.attrib.items()
                                                              if k not in ("min", "max"))))] = el
    for el in list(cols):
        cols.remove(el)
    for first, last, attrs in segs:
        key = (str(first), str(last), tuple(sorted(attrs.items())))
        el = kept.get(key)
        if el is None:
            el = etree.SubElement(cols, S + "col")
            el.set("min", str(first))
            el.set("max", str(last))
            for k, v in attrs.items():
                el.set(k, v)
        else:
            cols.append(el)


def tidy_cols(root: etree._Element) -> None:
    """Make the worksheet's `<cols>` sorted and non-overlapping, if it is not."""
    cols = root.find(S + "cols")
    if cols is not None and not _is_tidy(cols):
        _write(cols, _segments(cols))


def patch_cols(root: etree._Element, changes: dict[int, dict[str, Any]], order: tuple[str, ...]) -> None:
    """Write `changes` ({column: {"width"?: w, "hidden"?: h}}) into the worksheet `root`'s
    `<cols>` (created where `order`, the worksheet's child order, wants it), splitting the
    ranges the changed columns lie in. A `<col>` left with no attribute is dropped."""
    from .xlsx_patch import insert_ordered

    cols = root.find(S + "cols")
    if cols is None:
        if not changes:
            return
        cols = etree.Element(S + "cols")
        insert_ordered(root, cols, order)
    segs = _segments(cols)
    for col in sorted(changes):
        attrs = next((at for a, b, at in segs if a <= col <= b), {})
        if attrs and _same(attrs, changes[col]):
            continue   # a range split in the model only: the file's range stays whole
        segs = _paint(segs, col, col, _apply(attrs, changes[col]))
    segs = [s for s in segs if s[2]]
    _write(cols, segs)
    if not len(cols):
        root.remove(cols)
