"""Invoice statuses of accounting systems (Xero, QuickBooks, Kingdee/Yonyou) read as order
statuses: a draft or an invoice awaiting approval is Draft (not yet a sale), an approved
one Open, a paid one Paid, a voided or deleted one Cancelled; Kingdee's 已关闭 (closed:
done or cancelled) is not guessed and still asks for --value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.domain.schema import NOT_REVENUE_STATUSES, ORDER_STATUSES
from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _statuses(session) -> dict[str, str]:
    return {o["order_number"]: o["status"] for o in records.list_records(session, "order")}


def test_a_draft_is_an_order_status_that_is_not_revenue():
    assert "Draft" in ORDER_STATUSES and "Draft" in NOT_REVENUE_STATUSES


def test_a_xero_invoice_export_reads_every_status_and_counts_only_approved_invoices_as_sales(admin, tmp_path):
    path = write_csv(tmp_path / "Invoices.csv", [
        ["ContactName", "InvoiceNumber", "InvoiceDate", "Total", "Currency", "Status"],
        ["Kiwi Coffee", "INV-1", "2026-03-05", "1150.00", "NZD", "PAID"],
        ["Kiwi Coffee", "INV-2", "2026-03-06", "200.00", "NZD", "DRAFT"],
        ["Bondi Surf", "INV-3", "2026-03-12", "2750.00", "AUD", "SUBMITTED"],
        ["Bondi Surf", "INV-4", "2026-03-13", "300.00", "AUD", "AUTHORISED"],
        ["Bondi Surf", "INV-5", "2026-03-14", "90.00", "AUD", "VOIDED"],
        ["Kiwi Coffee", "INV-6", "2026-03-15", "40.00", "NZD", "DELETED"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.warnings) == (6, 0, 0)
    assert _statuses(admin) == {"INV-1": "Paid", "INV-2": "Draft", "INV-3": "Draft", "INV-4": "Open",
                                "INV-5": "Cancelled", "INV-6": "Cancelled"}
    sales = {o["order_number"] for o in records.list_records(admin, "order")
             if o["status"] not in NOT_REVENUE_STATUSES}
    assert sales == {"INV-1", "INV-4"}
    said = [i for i in result.inferences if i["what"] == "values of 'Status'"]
    assert said and "'SUBMITTED' = Draft" in said[0]["decided"]


@pytest.mark.parametrize("written, status", [("Open", "Open"), ("Paid", "Paid"), ("Overdue", "Open"),
                                             ("Voided", "Cancelled"), ("Draft", "Draft")])
def test_a_quickbooks_invoice_status_is_read(admin, tmp_path, written, status):
    path = write_xlsx(tmp_path / "invoices.xlsx", [
        ["Date", "Transaction type", "Num", "Customer", "Amount", "Status"],
        ["03/05/2026", "Invoice", "1001", "Maple Bakery", 125.5, written]])
    import_file(admin, path, kind="orders", date_order="MDY", mapping=["Num=Order No."])
    (order,) = records.list_records(admin, "order")
    assert (order["status"], order["amount"]) == (status, Decimal("125.5"))


def test_kingdee_document_statuses_read_and_closed_still_asks(admin, tmp_path):
    rows = [["单据编号", "客户名称", "日期", "价税合计", "单据状态"],
            ["XSDD-1", "上海华信", "2026-03-01", "1200", "已审核"],
            ["XSDD-2", "上海华信", "2026-03-02", "300", "未审核"],
            ["XSDD-3", "北京永利", "2026-03-03", "800", "审核中"],
            ["XSDD-4", "北京永利", "2026-03-04", "500", "已关闭"]]
    path = write_csv(tmp_path / "销售订单.csv", rows)
    with pytest.raises(ImportRefused, match=r"'已关闭' \(1 row\).*--value"):
        import_file(admin, path, kind="orders")
    assert _statuses(admin) == {}
    import_file(admin, path, kind="orders", values=["已关闭=Completed"])
    assert _statuses(admin) == {"XSDD-1": "Open", "XSDD-2": "Draft", "XSDD-3": "Draft", "XSDD-4": "Completed"}


@pytest.mark.parametrize("amount", ["-$60.00", "($60.00)", "-60", "60.00-", "−60,00 €"])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_payment_or_credit_line_with_a_negative_amount_is_refused_never_a_negative_sale(
        admin, tmp_path, writer, amount):
    path = writer(tmp_path / ("transactions" + (".csv" if writer is write_csv else ".xlsx")), [
        ["Date", "Transaction Type", "Num", "Customer", "Amount", "Status"],
        ["03/05/2026", "Invoice", "1001", "Anna Kovács", "$150.00", "Paid"],
        ["03/06/2026", "Payment", "", "Anna Kovács", amount, "Paid"]])
    result = import_file(admin, path, kind="orders", date_order="MDY", currency="USD")
    assert (result.rows, result.created, result.rejected) == (2, 1, 1)
    reason = next(o for o in result.outcomes if o.action == "rejected").reason
    assert "a negative amount" in reason and "not an order" in reason
    assert [o["amount"] for o in records.list_records(admin, "order")] == [Decimal("150")]


@pytest.mark.parametrize("heading, words, statuses", [
    ("Status", ["Zrealizowane", "Anulowane", "Wysłane"], ["Completed", "Cancelled", "Shipped"]),      # Polish
    ("Durum", ["Tamamlandı", "İptal edildi", "Kargoda"], ["Completed", "Cancelled", "Shipped"]),       # Turkish
    ("DURUM", ["TAMAMLANDI", "İPTAL EDİLDİ", "KARGODA"], ["Completed", "Cancelled", "Shipped"]),       # Turkish capitals
    ("Κατάσταση", ["Ολοκληρώθηκε", "Ακυρώθηκε", "Απεστάλη"], ["Completed", "Cancelled", "Shipped"]),   # Greek
    ("Статус", ["Выполнен", "Отменён", "Оплачен"], ["Completed", "Cancelled", "Paid"]),                # Russian
    ("Status", ["Betaald", "Geannuleerd", "Verzonden"], ["Paid", "Cancelled", "Shipped"]),             # Dutch
    ("Állapot", ["Teljesítve", "Törölve", "Függőben"], ["Completed", "Cancelled", "Open"]),            # Hungarian
    ("Status", ["Selesai", "Dibatalkan", "Dikirim"], ["Completed", "Cancelled", "Shipped"]),           # Indonesian
    ("Trạng thái", ["Hoàn thành", "Đã hủy", "Đang giao"], ["Completed", "Cancelled", "Shipped"]),      # Vietnamese
    ("สถานะ", ["สำเร็จ", "ยกเลิก", "จัดส่งแล้ว"], ["Completed", "Cancelled", "Shipped"]),                # Thai
])
def test_order_statuses_in_the_languages_whose_headings_are_read_are_read_too(admin, tmp_path, heading, words,
                                                                               statuses):
    path = write_csv(tmp_path / "orders.csv", [["Order Number", "Order Date", "Customer Name", "Amount", heading]] + [
        [f"N-{i}", "2026-03-05", "Ana Souza", "10.00", w] for i, w in enumerate(words)])
    result = import_file(admin, path, kind="orders", currency="EUR")
    assert (result.created, result.rejected) == (3, 0), result.outcomes
    assert [_statuses(admin)[f"N-{i}"] for i in range(3)] == statuses
