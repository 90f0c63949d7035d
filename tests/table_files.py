"""Small spreadsheet files the import tests write: one CSV writer, one .xlsx writer."""

from __future__ import annotations

import csv
from pathlib import Path


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    """`rows` as a UTF-8 CSV file (Python's csv quoting); returns `path`."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None, merges: tuple[str, ...] = ()) -> Path:
    """`rows` on the first sheet of a new workbook (openpyxl), named `title` if given,
    with the cell ranges `merges` ("A1:C1") merged."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def write_table(tmp_path: Path, fmt: str, rows: list[list[object]], name: str = "rows") -> Path:
    """`rows` as `tmp_path/name.fmt`, fmt "csv" or "xlsx"; returns the path."""
    return WRITERS[fmt](tmp_path / f"{name}.{fmt}", rows)


def linked_owners(session, kind: str, field: str) -> dict[str, str]:
    """Stored records of `kind`: `field` -> the name of the customer they are linked to
    (the customer id where that customer is not found)."""
    from cims_xl.services import records

    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {str(r[field]): names.get(r["customer_id"], r["customer_id"]) for r in records.list_records(session, kind)}


def rejected_problems(result) -> dict[int, str]:
    """An import result's rejected row numbers -> their problems as one text."""
    return {o.row: " ".join(o.problems.values()) for o in result.outcomes if o.action == "rejected"}


def write_rows(path: Path, rows: list[list[object]]) -> Path:
    """`rows` as a .xlsx workbook or a UTF-8 CSV file, by `path`'s suffix; returns `path`."""
    return write_xlsx(path, rows) if Path(path).suffix == ".xlsx" else write_csv(path, rows)


def orders_by_number(session) -> dict[str, tuple]:
    """Stored orders: order number -> (amount as a normalised Decimal, currency)."""
    from decimal import Decimal

    from cims_xl.services import records

    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


def customers_by_name(session) -> dict[str, dict]:
    """Stored customers by name (records.list_records)."""
    from cims_xl.services import records

    return {c["name"]: c for c in records.list_records(session, "customer")}


def said_about(result, what: str) -> str:
    """The summary's line on `what` (its decision and evidence); fails naming the lines there are."""
    line = next((i for i in result.inferences if i["what"] == what), None)
    assert line is not None, [i["what"] for i in result.inferences]
    return line["decided"] + " " + line["evidence"]
