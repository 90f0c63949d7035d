"""An id or order-number column holding dates (Excel turns "10-12" into 12 October when a file is
opened in it) is said in the summary, naming the column and examples: the id cannot be read back."""
from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import import_file
from table_files import write_csv, write_xlsx


def _id_dates(result) -> list[dict]:
    return [i for i in result.inferences if i["what"].endswith("ids that are dates")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_order_numbers_that_are_dates_are_said_naming_the_column(admin, tmp_path, fmt):
    rows = [["Order No", "Customer", "Order Date", "Amount", "Currency"],
            [dt.datetime(2024, 10, 12) if fmt == "xlsx" else "12-Oct", "Ann Lee", "2024-03-05", 10, "EUR"],
            [dt.datetime(2024, 3, 1) if fmt == "xlsx" else "Mar-01", "Bob Ray", "2024-03-06", 20, "EUR"],
            ["A-0100", "Cy Dee", "2024-03-07", 30, "EUR"]]
    path = (write_xlsx if fmt == "xlsx" else write_csv)(tmp_path / f"o.{fmt}", rows)
    result = import_file(admin, path, kind="orders")
    assert result.created == 3
    said = _id_dates(result)
    assert len(said) == 1 and "'Order No'" in said[0]["what"] and "2 value(s)" in said[0]["decided"]
    assert ("12-Oct" if fmt == "csv" else "2024-10-12") in said[0]["decided"]


def test_customer_numbers_that_are_dates_are_said_and_plain_ids_are_not(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Kundennummer", "Name"], ["5-Jan", "Anna Berg"], ["K-77", "Ben Roth"]])
    result = import_file(admin, path)
    said = _id_dates(result)
    assert len(said) == 1 and "'Kundennummer'" in said[0]["what"] and "5-Jan" in said[0]["decided"]
    plain = write_csv(tmp_path / "p.csv", [["Kundennummer", "Name"], ["10012", "Cara Lind"], ["K-78", "Dan Ek"]])
    assert _id_dates(import_file(admin, plain)) == []
