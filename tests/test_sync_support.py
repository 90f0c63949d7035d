"""Helpers for the sync tests: real workbook files, and a person editing them.

`Editor` changes a workbook file with plain openpyxl the way someone would in Excel
(type in a cell, add a row under the table, delete a table row, sort the table) -
deliberately not through cims_xl's adapter, so the tests check the adapter against
an independent reading of the file. Holds no tests itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from cims_xl.excel.build import build_sheets
from cims_xl.excel.layout import BY_SHEET


def new_workbook(path: Path) -> Path:
    """The product's workbook (sheets and tables from the layout) as a .xlsx file."""
    build_sheets().save(path)
    return path


def _table(ws, sheet: str):
    return ws.tables[BY_SHEET[sheet].table]


def _geometry(ws, sheet: str) -> tuple[int, int, int, int, list[str]]:
    c1, r1, c2, r2 = range_boundaries(_table(ws, sheet).ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    return c1, r1, c2, r2, headers


def table_rows(path: Path, sheet: str = "Customers") -> list[dict[str, Any]]:
    """The table body as dicts (header -> value), plus "@row" (sheet row) and "@cell"."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    c1, r1, c2, r2, headers = _geometry(ws, sheet)
    out = []
    for r in range(r1 + 1, r2 + 1):
        row = {h: ws.cell(r, c1 + i).value for i, h in enumerate(headers)}
        row["@row"] = r
        row["@cell"] = {h: ws.cell(r, c1 + i) for i, h in enumerate(headers)}
        if any(v not in (None, "") for k, v in row.items() if not k.startswith("@")):
            out.append(row)
    return out


def row_of(path: Path, key: str, sheet: str = "Customers") -> dict[str, Any]:
    for row in table_rows(path, sheet):
        if row.get("_key") == key:
            return row
    raise AssertionError(f"no row with _key {key} on {sheet}")


def table_ref(path: Path, sheet: str = "Customers") -> str:
    wb = openpyxl.load_workbook(path)
    return _table(wb[sheet], sheet).ref


class Editor:
    """`with Editor(path) as ed: ed.set("C-000001", "Email", "x@y.cn")` - saved on exit."""

    def __init__(self, path: Path, sheet: str = "Customers"):
        self.path, self.sheet = path, sheet

    def __enter__(self) -> "Editor":
        self.wb = openpyxl.load_workbook(self.path)
        self.ws = self.wb[self.sheet]
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.wb.save(self.path)

    def _geo(self):
        return _geometry(self.ws, self.sheet)

    def _row(self, key: str) -> int:
        c1, r1, c2, r2, headers = self._geo()
        kc = c1 + headers.index("_key")
        for r in range(r1 + 1, r2 + 1):
            if self.ws.cell(r, kc).value == key:
                return r
        raise AssertionError(f"no row with _key {key}")

    def cell(self, key: str, header: str):
        c1, *_, headers = self._geo()
        return self.ws.cell(self._row(key), c1 + headers.index(header))

    def set(self, key: str, header: str, value: Any) -> None:
        self.cell(key, header).value = value

    def add_row(self, values: dict[str, Any]) -> int:
        """Type a new row directly under the table (Excel grows the table to take it)."""
        c1, r1, c2, r2, headers = self._geo()
        r = r2 + 1
        empty_last = all(self.ws.cell(r2, c).value in (None, "") for c in range(c1, c2 + 1))
        if empty_last:
            r = r2  # the table's one empty row
        for h, v in values.items():
            self.ws.cell(r, c1 + headers.index(h)).value = v
        self._set_ref(r1, max(r, r2))
        return r

    def delete_row(self, key: str) -> None:
        """Excel's "Delete table row": cells below move up inside the table's columns."""
        c1, r1, c2, r2, _ = self._geo()
        gone = self._row(key)
        for r in range(gone, r2):
            for c in range(c1, c2 + 1):
                self.ws.cell(r, c).value = self.ws.cell(r + 1, c).value
        for c in range(c1, c2 + 1):
            self.ws.cell(r2, c).value = None
        self._set_ref(r1, max(r2 - 1, r1 + 1))

    def sort_by(self, header: str, *, reverse: bool = False) -> None:
        """Sort the table's rows by one column (values of every table column move)."""
        c1, r1, c2, r2, headers = self._geo()
        col = headers.index(header)
        rows = [[self.ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
        rows.sort(key=lambda v: (v[col] is None, str(v[col])), reverse=reverse)
        for i, values in enumerate(rows):
            for j, v in enumerate(values):
                self.ws.cell(r1 + 1 + i, c1 + j).value = v

    def _set_ref(self, r1: int, r2: int) -> None:
        c1, _, c2, _, _ = self._geo()
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
        table = _table(self.ws, self.sheet)
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref
