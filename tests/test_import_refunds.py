"""Refunds in payment and charge exports are never counted as sales: a payment refunded
in full is stored as Returned, a partial refund stores the amount kept and says what was
refunded, and a refund on a row of its own is subtracted from the payment it refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.domain.schema import NOT_REVENUE_STATUSES
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

STRIPE = ["id", "Description", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Converted Amount",
          "Converted Amount Refunded", "Status", "Customer ID", "Customer Description", "Customer Email"]


def _orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


def _sales(session) -> dict[str, Decimal]:
    """What counts as revenue, by order number: the amount of every order not Returned/Cancelled."""
    return {n: o["amount"] for n, o in _orders(session).items() if o["status"] not in NOT_REVENUE_STATUSES}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_stripe_export_stores_full_refunds_as_returned_and_partial_refunds_as_the_amount_kept(
        admin, tmp_path, writer):
    f = writer(tmp_path / ("p.csv" if writer is write_csv else "p.xlsx"), [
        STRIPE,
        ["ch_1", "Mug", "2024-06-01 10:00:00", "50.00", "0.00", "usd", "50.00", "0.00", "Paid", "cus_1",
         "Greta Holm", "greta@example.se"],
        ["ch_2", "Lamp", "2024-06-02 11:00:00", "80.00", "30.00", "usd", "80.00", "30.00", "Paid", "cus_2",
         "Olu Ade", "olu@example.ng"],
        ["ch_3", "Desk", "2024-06-03 12:00:00", "120.00", "120.00", "usd", "120.00", "120.00", "Refunded",
         "cus_2", "Olu Ade", "olu@example.ng"],
        ["ch_4", "Chair", "2024-06-04 12:00:00", "70.00", "70.00", "usd", "70.00", "70.00", "Paid", "cus_1",
         "Greta Holm", "greta@example.se"],
        ["ch_5", "Pen", "2024-06-05 12:00:00", "20.00", "5.00", "usd", "20.00", "5.00", "Partially refunded",
         "cus_1", "Greta Holm", "greta@example.se"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected, result.warnings) == (5, 0, 4)
    got = _orders(admin)
    assert {n: (o["amount"], o["status"]) for n, o in got.items()} == {
        "ch_1": (Decimal("50.00"), "Paid"), "ch_2": (Decimal("50.00"), "Paid"),
        "ch_3": (Decimal("120.00"), "Returned"), "ch_4": (Decimal("70.00"), "Returned"),
        "ch_5": (Decimal("15.00"), "Paid")}
    assert _sales(admin) == {"ch_1": Decimal("50.00"), "ch_2": Decimal("50.00"), "ch_5": Decimal("15.00")}
    assert "Refunded: 30.00 USD of 80.00 USD charged" in got["ch_2"]["notes"]
    warned = {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}
    assert "50.00 USD kept" in warned[3] and "not counted as a sale" in warned[5]
    assert any("Partially refunded" in i["decided"] and "Paid" in i["decided"] for i in result.inferences)


def test_partially_refunded_without_a_refunded_amount_still_asks(admin, tmp_path):
    # what was refunded is not in the file, so the amount kept is not known: asked, never
    # stored as the amount charged (Shopify's partially_refunded too)
    f = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Amount", "Status"],
                                       ["P-1", "2024-06-01", "Greta Holm", "20.00", "Partially refunded"],
                                       ["P-2", "2024-06-02", "Greta Holm", "30.00", "partially_refunded"],
                                       ["P-3", "2024-06-03", "Greta Holm", "40.00", "Paid"]])
    with pytest.raises(Exception, match="Partially refunded"):
        import_file(admin, f, kind="orders")
    assert _orders(admin) == {}


def test_a_square_export_subtracts_partial_refunds_and_a_refund_row_returns_its_payment(admin, tmp_path):
    head = ["Date", "Time", "Gross Sales", "Discounts", "Net Sales", "Partial Refunds", "Total Collected",
            "Transaction ID", "Payment ID", "Description", "Event Type", "Customer ID", "Customer Name"]
    f = write_xlsx(tmp_path / "square.xlsx", [
        head,
        ["2024-06-01", "10:00:00", "$30.00", "$0.00", "$30.00", "$0.00", "$30.00", "T1", "P1", "Coffee beans",
         "Payment", "C1", "Lena Park"],
        ["2024-06-02", "11:00:00", "$45.00", "$0.00", "$45.00", "-$15.00", "$30.00", "T2", "P2", "Grinder",
         "Payment", "C2", "Ravi Das"],
        ["2024-06-03", "12:00:00", "$20.00", "$0.00", "$20.00", "$0.00", "$20.00", "T3", "P3", "Filter",
         "Payment", "C1", "Lena Park"],
        ["2024-06-04", "12:00:00", "-$20.00", "$0.00", "-$20.00", "$0.00", "-$20.00", "T3", "P3", "Filter",
         "Refund", "C1", "Lena Park"]])
    result = import_file(admin, f, kind="orders", currency="USD", mapping=["Transaction ID=Order No."])
    assert (result.created, result.rejected, result.duplicates) == (3, 0, 1)
    got = _orders(admin)
    assert {n: (o["amount"], o["currency"], o["status"]) for n, o in got.items()} == {
        "T1": (Decimal("30.00"), "USD", "Completed"), "T2": (Decimal("30.00"), "USD", "Completed"),
        "T3": (Decimal("20.00"), "USD", "Returned")}
    (refund,) = [o for o in result.outcomes if o.action == "duplicate"]
    assert refund.row == 5 and refund.duplicate_of_row == 4 and "not stored as a sale" in refund.reason
    assert any(i["what"] == "refund rows" for i in result.inferences)
    assert not any(o["amount"] < 0 for o in got.values())


def _paypal(path, rows):
    head = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
            "From Email Address", "Transaction ID", "Reference Txn ID", "Item Title"]
    return write_csv(path, [head, *rows])


PAYPAL_MAP = ["Gross=Amount", "Name=Customer Name", "Transaction ID=Order No."]


def test_a_paypal_download_subtracts_refund_rows_listed_before_their_payment(admin, tmp_path):
    f = _paypal(tmp_path / "Download.CSV", [
        ["06/03/2024", "10:00:00", "PDT", "Anna Berg", "Payment Refund", "Completed", "EUR", "-25.00", "0.50",
         "-24.50", "shop@example.com", "7RF1", "5PA1", ""],
        ["06/01/2024", "09:00:00", "PDT", "Anna Berg", "Express Checkout Payment", "Completed", "EUR", "25.00",
         "-0.50", "24.50", "anna@example.de", "5PA1", "", "Mug"],
        ["06/02/2024", "09:30:00", "PDT", "Tom Reed", "Website Payment", "Completed", "EUR", "40.00", "-0.80",
         "39.20", "tom@example.co.uk", "5PA2", "", "Lamp"],
        ["06/14/2024", "11:00:00", "PDT", "Tom Reed", "Payment Refund", "Completed", "EUR", "-10.00", "0.20",
         "-9.80", "shop@example.com", "7RF2", "5PA2", ""]])
    result = import_file(admin, f, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    assert (result.created, result.duplicates, result.rejected) == (2, 2, 0)
    got = _orders(admin)
    assert {n: (o["amount"], o["status"]) for n, o in got.items()} == {
        "5PA1": (Decimal("25.00"), "Returned"), "5PA2": (Decimal("30.00"), "Completed")}
    assert "Refunded: 10.00 EUR of 40.00 EUR charged" in got["5PA2"]["notes"]
    assert _sales(admin) == {"5PA2": Decimal("30.00")}


def test_a_refund_row_whose_payment_is_not_in_the_file_is_rejected_not_stored_as_a_negative_sale(admin, tmp_path):
    f = _paypal(tmp_path / "Download.CSV", [
        ["06/03/2024", "10:00:00", "PDT", "Anna Berg", "Payment Refund", "Completed", "EUR", "-25.00", "0.50",
         "-24.50", "shop@example.com", "7RF1", "4OLD", ""],
        ["06/02/2024", "09:30:00", "PDT", "Tom Reed", "Website Payment", "Completed", "EUR", "40.00", "-0.80",
         "39.20", "tom@example.co.uk", "5PA2", "", "Lamp"]])
    result = import_file(admin, f, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    assert (result.created, result.rejected) == (1, 1)
    (bad,) = [o for o in result.outcomes if o.action == "rejected"]
    assert bad.row == 2 and "not in this file" in bad.reason
    assert set(_orders(admin)) == {"5PA2"}


def test_a_chinese_shop_refund_column_and_a_refund_in_another_currency(admin, tmp_path):
    f = write_csv(tmp_path / "淘宝订单.csv", [
        ["订单编号", "下单时间", "买家会员名", "实付金额", "退款金额", "订单状态"],
        ["TB1", "2024-06-01", "张伟", "¥200.00", "¥50.00", "交易成功"],
        ["TB2", "2024-06-02", "李娜", "¥99.00", "¥99.00", "交易成功"],
        ["TB3", "2024-06-03", "王芳", "¥80.00", "$5.00", "交易成功"]])
    result = import_file(admin, f, kind="orders")
    got = _orders(admin)
    assert {n: (o["amount"], o["currency"], o["status"]) for n, o in got.items()} == {
        "TB1": (Decimal("150.00"), "CNY", "Completed"), "TB2": (Decimal("99.00"), "CNY", "Returned"),
        "TB3": (Decimal("80.00"), "CNY", "Completed")}
    warned = {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}
    assert "USD" in warned[4] and "not subtracted" in warned[4]
