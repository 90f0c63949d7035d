"""An invoice list with what was paid and what is still owed (Xero's SubTotal, TotalTax,
Total, AmountPaid, AmountDue) stores the invoice's total with tax, never the subtotal
before it, whichever order the columns come in and however the headings are written; the summary
names the column taken truthfully."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

LAYOUTS = {
    "xero": (["ContactName", "InvoiceNumber", "InvoiceDate", "SubTotal", "TotalTax", "Total", "AmountPaid",
              "AmountDue", "Currency"], ["SubTotal", "TotalTax", "Total"]),
    "total first": (["Contact", "Invoice No", "Invoice Date", "Invoice Total", "Sub-Total", "Tax Amount", "Amount Paid",
                     "Balance Due", "Currency"], ["Sub-Total", "Tax Amount", "Invoice Total"]),
    "api fields": (["customer_name", "invoice_number", "invoice_date", "sub_total", "total_tax", "total",
                    "amount_paid", "amount_due", "currency"], ["sub_total", "total_tax", "total"]),
}
ROWS = [("Ann Lee", "INV-1", "2024-03-05", "100.00", "10.00", "110.00", "110.00", "0.00", "AUD"),
        ("Bob Roe", "INV-2", "2024-03-13", "200.00", "20.00", "220.00", "50.00", "170.00", "AUD")]


def _write(tmp_path, layout: str):
    header, (sub, tax, total) = LAYOUTS[layout]
    at = {h: i for i, h in enumerate(header)}
    rows = []
    for who, no, day, s, t, tot, paid, due, cur in ROWS:
        row = [""] * len(header)
        row[0], row[1], row[2] = who, no, day
        row[at[sub]], row[at[tax]], row[at[total]] = s, t, tot
        row[6], row[7], row[8] = paid, due, cur
        rows.append(row)
    path = tmp_path / "invoices.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path, total


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_invoice_list_with_paid_and_due_stores_the_total_with_tax_never_the_subtotal(admin, tmp_path, layout):
    path, total = _write(tmp_path, layout)
    result = import_file(admin, path, kind="orders")
    stored = sorted(Decimal(str(o["amount"])) for o in records.list_records(admin, "order"))
    assert stored == [Decimal("110"), Decimal("220")]
    (line,) = [i for i in result.inferences if i["what"] == "amount paid or the invoice's amount"]
    assert line["decided"].startswith(f"'{total}' (the invoice's total, tax included) is the amount"), line
