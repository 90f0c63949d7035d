"""Small spreadsheet files the import tests write: one CSV writer, one .xlsx writer."""

from __future__ import annotations

import csv
from pathlib import Path


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    """`rows` as a UTF-8 CSV file (Python's csv quoting); returns `path`."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    """`rows` on the first sheet of a new workbook (openpyxl), named `title` if given."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
