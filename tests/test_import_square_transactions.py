"""Square's transactions export (Gross Sales, Discounts, Net Sales, Tax, Tip, Total
Collected, Transaction ID): as with PayPal's Gross, the amount is what the customer paid
(Total Collected), never Net Sales (before tax and tip); the Transaction ID is the order
number; the other figures are kept in Notes and the summary says why."""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

HEADER = ["Date", "Time", "Time Zone", "Gross Sales", "Discounts", "Net Sales", "Tax", "Tip", "Total Collected",
          "Transaction ID", "Payment ID", "Customer Name", "Customer ID"]
ROWS = [["2024-03-05", "10:00:00", "Pacific Time (US & Canada)", "$100.00", "-$10.00", "$90.00", "$7.88", "$15.00",
         "$112.88", "Tx9Qa1", "P1", "Ann Lee", "CUST1"],
        ["2024-03-06", "11:30:00", "Pacific Time (US & Canada)", "$50.00", "$0.00", "$50.00", "$4.38", "$0.00",
         "$54.38", "Tx9Qa2", "P2", "Bob Roe", "CUST2"]]


def _write(tmp_path, suffix: str, order: list[int]):
    header, rows = [HEADER[j] for j in order], [[r[j] for j in order] for r in ROWS]
    path = tmp_path / f"transactions.{suffix}"
    if suffix == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *rows])
    else:
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        book.save(path)
    return path


@pytest.mark.parametrize("columns", ["as exported", "reordered"])
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_square_export_stores_total_collected_under_the_transaction_id_and_says_why(admin, tmp_path, suffix,
                                                                                        columns):
    order = list(range(len(HEADER)))
    if columns == "reordered":
        order = order[9:] + order[:9]
    result = import_file(admin, _write(tmp_path, suffix, order), kind="orders")
    stored = {o["order_number"]: Decimal(str(o["amount"])) for o in records.list_records(admin, "order")}
    assert stored == {"Tx9Qa1": Decimal("112.88"), "Tx9Qa2": Decimal("54.38")}
    notes = {o["order_number"]: o["notes"] for o in records.list_records(admin, "order")}
    assert "Net Sales: $90.00" in notes["Tx9Qa1"] and "Tip: $15.00" in notes["Tx9Qa1"]
    (line,) = [i for i in result.inferences if i["what"] == "Square transactions export"]
    assert "'Total Collected' as Amount" in line["decided"] and "what the customer paid" in line["evidence"]


def test_a_map_naming_net_sales_keeps_it_as_the_amount_of_a_square_export(admin, tmp_path):
    path = _write(tmp_path, "csv", list(range(len(HEADER))))
    import_file(admin, path, kind="orders", mapping={"Net Sales": "Amount"})
    stored = {o["order_number"]: Decimal(str(o["amount"])) for o in records.list_records(admin, "order")}
    assert stored == {"Tx9Qa1": Decimal("90"), "Tx9Qa2": Decimal("50")}


def test_a_square_export_with_partial_refunds_counts_each_refund_once_under_the_transaction_id(admin, tmp_path):
    header = ["Date", "Gross Sales", "Net Sales", "Partial Refunds", "Total Collected", "Transaction ID",
              "Customer Name"]
    path = tmp_path / "refunded.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, ["2024-06-02", "$45.00", "$45.00", "-$15.00", "$30.00", "Rf7a", "Ravi Das"],
                                  ["2024-06-03", "$20.00", "$20.00", "$0.00", "$20.00", "Rf7b", "Lena Park"]])
    result = import_file(admin, path, kind="orders")
    stored = {o["order_number"]: Decimal(str(o["amount"])) for o in records.list_records(admin, "order")}
    assert stored == {"Rf7a": Decimal("30"), "Rf7b": Decimal("20")}
    (line,) = [i for i in result.inferences if i["what"] == "Square transactions export"]
    assert "'Transaction ID' as Order No." in line["decided"] and "'Partial Refunds'" in line["evidence"]
