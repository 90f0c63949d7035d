"""An invoice list's amount paid so far is not the invoice's amount (issue 14: Xero's
``AmountPaid`` beside ``AmountDue`` and ``Total`` stored an unpaid invoice of 1,000 as a
sale of 0). Beside an amount still owed, the invoice's total is the amount and the paid
and owed amounts are kept in Notes; with no total the import stops before writing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table

# (customer, invoice number, date, total, paid, due, currency) headings in five exports' words
SHAPES = {
    "xero": ["ContactName", "InvoiceNumber", "InvoiceDate", "Total", "AmountPaid", "AmountDue", "Currency"],
    "spaced": ["Contact Name", "Invoice Number", "Invoice Date", "Total", "Amount Paid", "Amount Due", "Currency"],
    "outstanding": ["Client", "Invoice #", "Date", "Invoice Total", "Total Paid", "Outstanding", "Currency"],
    "balance": ["Customer", "Invoice No", "Date", "Invoice Amount", "Paid Amount", "Balance", "Currency"],
    "chinese": ["客户名称", "发票号", "开票日期", "总金额", "实收金额", "未收金额", "币种"],
}
ROWS = [["Ann Lee", "INV-1", "2024-03-05", "1000.00", "0.00", "1000.00", "USD"],
        ["Bob Ray", "INV-2", "2024-03-06", "500.00", "200.00", "300.00", "USD"],
        ["Cai Wen", "INV-3", "2024-03-07", "250.00", "250.00", "0.00", "USD"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_invoice_list_stores_each_invoices_total_not_what_was_paid_so_far(admin, tmp_path, shape, fmt):
    f = write_table(tmp_path, fmt, [SHAPES[shape]] + ROWS)
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    stored = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert {n: o["amount"] for n, o in stored.items()} == {
        "INV-1": Decimal("1000"), "INV-2": Decimal("500"), "INV-3": Decimal("250")}
    assert SHAPES[shape][4] in stored["INV-2"]["notes"] and "200" in stored["INV-2"]["notes"]
    said = [i["decided"] for i in result.inferences if i["what"] == "amount paid or the invoice's amount"]
    # the summary says so where the paid column's heading had made it the amount
    assert said == ([] if shape == "outstanding" else [said[0]])
    assert all(SHAPES[shape][3] in d for d in said)


def test_the_map_named_in_the_summary_takes_the_amount_paid(admin, tmp_path):
    f = write_table(tmp_path, "csv", [SHAPES["xero"]] + ROWS)
    import_file(admin, f, kind="orders", mapping={"AmountPaid": "Amount"})
    assert sorted(o["amount"] for o in records.list_records(admin, "order")) == [
        Decimal("0"), Decimal("200"), Decimal("250")]


def test_paid_and_owed_amounts_with_no_total_stop_before_writing(admin, tmp_path):
    f = write_table(tmp_path, "csv", [["Customer", "Invoice No", "Date", "Amount Paid", "Amount Due"],
                                      ["Ann Lee", "INV-1", "2024-03-05", "0.00", "1000.00"]])
    with pytest.raises(ImportRefused, match="Amount"):
        import_file(admin, f, kind="orders")
    assert records.list_records(admin, "order") == []


def test_a_shops_amount_paid_beside_its_total_with_nothing_owed_is_still_the_amount(admin, tmp_path):
    # Taobao: what the buyer paid after discounts is the sale, the total before them is not
    f = write_table(tmp_path, "csv", [["订单编号", "买家会员名", "总金额", "买家实际支付金额", "订单创建时间"],
                                      ["T1", "王伟", "120.00", "100.00", "2024-03-05 10:00:00"]])
    import_file(admin, f, kind="orders")
    assert [o["amount"] for o in records.list_records(admin, "order")] == [Decimal("100")]
