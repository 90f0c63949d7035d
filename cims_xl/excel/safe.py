"""Writing cells safely: text that a spreadsheet would run as a formula stays text.

Any text starting with =, +, -, @, tab or CR is written as a string cell (never a
formula); reading it back gives the same text. Used by every export we write.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_TRIGGERS


# Text in an .xlsx file: characters XML cannot carry (control characters, and CR, which
# XML reads back as LF) are written as Excel writes them, _xHHHH_; a literal "_xHHHH"
# that would read as such an escape (followed by "_", or by a character escaped here)
# gets its "_" escaped as _x005F_. Excel, calamine and `ooxml_unescape` read it back
# exactly. openpyxl does neither: it refuses control characters and keeps escapes as
# they are.
_XML_UNSAFE = "\x00-\x08\x0b\x0c\r\x0e-\x1f"
_OOXML_ESCAPE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}[_{_XML_UNSAFE}])|[{_XML_UNSAFE}]")
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _escape_one(m: re.Match) -> str:
    ch = m.group()
    return "_x005F_" if ch == "_" else f"_x{ord(ch):04X}_"


def _unescape_one(m: re.Match) -> str:
    code = int(m.group(1), 16)
    return m.group() if 0xD800 <= code <= 0xDFFF else chr(code)   # no lone surrogates


def ooxml_escape(text: str) -> str:
    """Text as an .xlsx file stores it (see above)."""
    return _OOXML_ESCAPE.sub(_escape_one, text)


def ooxml_unescape(text: str) -> str:
    """Inverse of `ooxml_escape`, and what Excel reads from a file."""
    return _OOXML_ESCAPED.sub(_unescape_one, text) if "_x" in text else text


def set_cell(cell, value: Any) -> None:
    """Assign `value` to an openpyxl cell; risky text becomes a plain string cell."""
    if isinstance(value, Decimal):
        value = float(value)
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, str):
        cell.value = ooxml_escape(value)
        if is_risky(value):
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            cell.quotePrefix = True   # and Excel keeps it text when the cell is edited
        return
    cell.value = value


def write_rows_xlsx(path: Path, sheets: dict[str, Iterable[dict]]) -> None:
    """A plain workbook: one sheet per name, a header row from the dict keys."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:31])
        rows = list(rows)
        headers: list[str] = []
        for r in rows:
            for k in r:
                if k not in headers:
                    headers.append(k)
        for col, h in enumerate(headers, 1):
            set_cell(ws.cell(1, col), h)
        for i, r in enumerate(rows, 2):
            for col, h in enumerate(headers, 1):
                v = r.get(h)
                if isinstance(v, (list, dict)):
                    v = str(v)
                set_cell(ws.cell(i, col), v)
    from .scratch_files import save_workbook

    save_workbook(wb, path)
