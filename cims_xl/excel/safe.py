"""Writing cells safely: text that a spreadsheet would run as a formula stays text.

Any text starting with =, +, -, @, tab or CR is written as a string cell (never a
formula); reading it back gives the same text. Used by every export we write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from ..cell_text import FORMULA_TRIGGERS, is_risky, ooxml_escape, ooxml_unescape

__all__ = ["FORMULA_TRIGGERS", "is_risky", "ooxml_escape", "ooxml_unescape", "set_cell", "write_rows_xlsx"]


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
