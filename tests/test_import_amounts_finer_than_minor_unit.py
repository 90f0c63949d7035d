"""Amounts written with more decimals than their currency's ISO 4217 minor unit
("19.999" USD, "1.2345" KWD, a sheet's 1234.565) are stored exactly as written (the store
keeps up to 4 decimals; nothing is rounded away) and never silently: the summary names
the column, the currency, its decimals and examples. Amounts within the minor unit
("1.250" KWD, "5.10" USD) are not named."""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

ROWS = [("Ann Lee", "1234.565", "USD"), ("Bob Roe", "19.999", "USD"), ("Cy Doe", "5.10", "USD"),
        ("Ali Sabah", "1.2345", "KWD"), ("Noor Ali", "1.250", "KWD"), ("Eva Berg", "7.5", "EUR")]


def _write(tmp_path, suffix: str):
    header = ["Order No", "Order Date", "Customer", "Amount", "Currency"]
    rows = [[f"S{i}", "2024-03-05", who, float(a) if suffix == "xlsx" else a, c]
            for i, (who, a, c) in enumerate(ROWS)]
    path = tmp_path / f"orders.{suffix}"
    if suffix == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *rows])
    else:
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        for cell in book.active["D"][1:]:
            cell.number_format = "#,##0.00"
        book.save(path)
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_amounts_with_more_decimals_than_their_currency_are_stored_exactly_and_named_in_the_summary(
        admin, tmp_path, suffix):
    result = import_file(admin, _write(tmp_path, suffix), kind="orders")
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    stored = {names[o["customer_id"]]: (Decimal(str(o["amount"])), o["currency"])
              for o in records.list_records(admin, "order")}
    assert stored == {who: (Decimal(a), c) for who, a, c in ROWS}
    (line,) = [i for i in result.inferences if i["what"].startswith("amounts finer than the currency's minor unit")]
    assert "'Amount'" in line["what"] and "stored exactly" in line["decided"]
    assert "2 USD amount(s) such as '1234.565', '19.999' (USD has 2 decimal(s))" in line["evidence"], line
    assert "1 KWD amount(s) such as '1.2345' (KWD has 3 decimal(s))" in line["evidence"], line
    assert "'1.25'" not in line["evidence"] and "'5.1'" not in line["evidence"] and "EUR" not in line["evidence"]
