"""Put back what is CIMS's own in a workbook package when another tool dropped it.

- The ribbon: a `customUI/customUI.xml` or `customUI/customUI14.xml` part without the
  package relationship that makes Office load it (openpyxl keeps only the 2007 one, so a
  workbook once saved by a plain openpyxl script loses the CIMS tab in Office 2010+).

- Column ranges: a CIMS sheet (data or report sheet) whose `<cols>` has overlapping
  ranges, as cims_xl wrote them before `columns.patch_cols` (Excel calls such a file
  corrupt), gets them sorted and disjoint (`columns.tidy_cols`) even when nothing else
  in that sheet changes.

Table ranges and hidden columns are repaired on the model by `FileSheet` (see
`adapter.FileSheet._repair`), before the sync reads the rows.

Sources: [MS-CUSTOMUI] §2.1 (the ui/extensibility relationship types, 2006 and 2007).
"""

from __future__ import annotations

import re

from .package import REL_CUSTOM_UI, REL_CUSTOM_UI14, Package

_RIBBON_PARTS = {"customUI/customUI.xml": REL_CUSTOM_UI, "customUI/customUI14.xml": REL_CUSTOM_UI14}


def repair_package(pkg: Package) -> list[str]:
    """Add missing ribbon relationships; returns what was repaired (for messages and tests)."""
    done = []
    present = {(r.type, r.target.lstrip("/")) for r in pkg.rels("")}
    for part, rel_type in _RIBBON_PARTS.items():
        if pkg.has(part) and not any(t == rel_type for t, _ in present):
            pkg.add_rel("", rel_type, part)
            done.append(f"ribbon relationship for {part}")
    done += _repair_columns(pkg)
    return done


_COLS = re.compile(rb"<(?:\w+:)?cols\b.*?</(?:\w+:)?cols>", re.S)
_COL = re.compile(rb"<(?:\w+:)?col\b[^>]*>")
_ATTR = re.compile(rb'\b(min|max)\s*=\s*["\'](\d+)["\']')


def _overlapping(data: bytes) -> bool:
    """Whether a worksheet's `<cols>` has unsorted or overlapping ranges (a cheap look
    at that element only; the sheet is not parsed)."""
    found = _COLS.search(data)
    if found is None:
        return False
    end = 0
    for col in _COL.findall(found.group(0)):
        attrs = dict(_ATTR.findall(col))
        try:
            first, last = int(attrs[b"min"]), int(attrs[b"max"])
        except (KeyError, ValueError):
            return True
        if first <= end or last < first:
            return True
        end = last
    return False


def _repair_columns(pkg: Package) -> list[str]:
    from .columns import tidy_cols
    from .layout import REPORT_SHEETS, SHEET_ORDER
    from .xlsx_patch import sheet_parts

    done = []
    for title, part in sheet_parts(pkg)[1].items():
        # the file's bytes: a sheet the patch edited was tidied there (`xlsx_patch`)
        if (title in SHEET_ORDER or title in REPORT_SHEETS) and pkg.has(part) \
                and _overlapping(pkg.original.get(part, b"")):
            tidy_cols(pkg.xml(part, edit=True))
            done.append(f"overlapping column ranges of {title}")
    return done
