"""A transaction/document-type column in an orders file is read: bills, expenses, payments
of invoices in the same file, card authorizations and voids are not sales (try23f A1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _stored(session) -> dict[str, Decimal]:
    return {o["order_number"]: o["amount"] for o in records.list_records(session, "order")}


def _not_a_sale_line(result) -> str:
    return next(i["decided"] for i in result.inferences if i["what"] == "not a sale")


@pytest.mark.parametrize("heading, sale, others", [
    ("Transaction Type", "Invoice", ["Bill", "Expense", "Check"]),                  # QuickBooks
    ("Type", "ACCREC", ["ACCPAY"]),                                                 # Xero
    ("单据类型", "销售发票", ["采购发票", "付款单"]),                                 # Kingdee / 用友
    ("Belegart", "Ausgangsrechnung", ["Eingangsrechnung", "Umbuchung"]),            # DATEV / SAP words
    ("Belegart", "DR", ["KR", "KZ"]),                                               # SAP document type codes
    ("取引区分", "売上", ["仕入", "出金"]),                                           # Japanese
    ("伝票区分", "売上伝票", ["仕入伝票", "振替伝票"]),
    ("거래구분", "매출", ["매입", "출금"]),                                           # Korean
    ("전표유형", "매출전표", ["매입전표", "대체전표"]),
    ("Tipo de documento", "Factura", ["Factura de compra", "Gasto"]),               # Spanish
    ("Type de document", "Facture", ["Facture fournisseur", "Dépense"]),            # French
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_rows_of_a_type_that_is_no_sale_are_not_stored_and_are_counted_by_type(admin, tmp_path, writer,
                                                                                  heading, sale, others):
    name = "ledger" + (".csv" if writer is write_csv else ".xlsx")
    rows = [["Order No.", heading, "Order Date", "Customer Name", "Amount"],
            ["S-1", sale, "2024-03-05", "Acme Ltd", "1200.00"]]
    rows += [[f"X-{i}", t, "2024-03-06", f"Supplier {i}", "350.00"] for i, t in enumerate(others)]
    rows += [["S-2", sale, "2024-03-07", "Beta Ltd", "99.00"]]
    result = import_file(admin, writer(tmp_path / name, rows), kind="orders", currency="USD")
    assert _stored(admin) == {"S-1": Decimal("1200"), "S-2": Decimal("99")}
    assert (result.created, result.rejected) == (2, len(others))
    line = _not_a_sale_line(result)
    assert line.startswith(f"not a sale: {len(others)} (") and all(f"{t} 1" in line for t in others)
    names = {c["name"] for c in records.list_records(admin, "customer")}
    assert names == {"Acme Ltd", "Beta Ltd"}        # no supplier made a customer


@pytest.mark.parametrize("heading, invoice, payment", [
    ("Transaction Type", "Invoice", "Payment"),             # QuickBooks: Receive Payment for invoice 1001
    ("单据类型", "销售发票", "收款单"),                       # Kingdee: a receipt for XS001
    ("取引区分", "請求書", "入金"),                           # Japanese
    ("거래구분", "세금계산서", "입금"),                       # Korean
    ("Belegart", "Rechnung", "Zahlungseingang"),            # German
])
def test_a_payment_for_an_invoice_in_the_same_file_is_not_a_second_sale(admin, tmp_path, heading, invoice,
                                                                         payment):
    path = write_csv(tmp_path / "list.csv", [
        ["Date", heading, "Num", "Customer Name", "Amount"],
        ["2024-03-05", invoice, "1001", "Acme Inc", "1200.00"],
        ["2024-03-19", payment, "", "Acme Inc", "1200.00"]])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert list(_stored(admin).values()) == [Decimal("1200")]
    assert _not_a_sale_line(result) == f"not a sale: 1 ({payment} 1); not stored as orders"


def test_payments_in_a_file_without_invoices_are_the_sales(admin, tmp_path):
    path = write_csv(tmp_path / "payments.csv", [
        ["Order No.", "Type", "Date", "Customer Name", "Amount"],
        ["P-1", "Payment", "2024-03-05", "Ann Lee", "40.00"],
        ["P-2", "Payment", "2024-03-06", "Bob Ray", "60.00"],
        ["W-1", "Withdrawal", "2024-03-07", "Own bank", "100.00"]])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert set(_stored(admin)) == {"P-1", "P-2"}
    assert _not_a_sale_line(result) == "not a sale: 1 (Withdrawal 1); not stored as orders"


@pytest.mark.parametrize("auth, capture, void", [
    ("authorization", "capture", "void"),                   # Shopify transactions
    ("AUTHORIZATION", "CAPTURE", "VOID"),
    ("预授权", "销售", "作废"),
])
def test_an_authorization_and_its_capture_are_one_sale_and_a_void_is_none(admin, tmp_path, auth, capture, void):
    path = write_csv(tmp_path / "transactions.csv", [
        ["Order", "Kind", "Status", "Amount", "Currency", "Created At", "Customer"],
        ["1001", auth, "success", "100.00", "USD", "2024-03-05 10:00:00", "Ann Lee"],
        ["1001", capture, "success", "100.00", "USD", "2024-03-06 10:00:00", "Ann Lee"],
        ["1003", void, "success", "70.00", "USD", "2024-03-08 10:00:00", "Carl Moe"]])
    result = import_file(admin, path, kind="orders", values=["success=Paid"])
    assert _stored(admin) == {"1001": Decimal("100")}
    assert _not_a_sale_line(result).startswith("not a sale: 2 (")


def test_a_type_cims_does_not_know_stops_naming_the_column_and_the_option_that_settles_it(admin, tmp_path):
    path = write_csv(tmp_path / "list.csv", [
        ["Date", "Transaction Type", "Num", "Customer Name", "Amount"],
        ["2024-03-05", "Invoice", "1001", "Acme Inc", "1200.00"],
        ["2024-03-06", "Inventory Qty Adjust", "", "Warehouse", "10.00"],
        ["2024-03-07", "Invoice", "1002", "Beta LLC", "99.00"]])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders", currency="USD")
    text = str(err.value)
    assert "'Transaction Type'" in text and "'Inventory Qty Adjust'" in text
    assert '--value "Inventory Qty Adjust=skip"' in text
    assert _stored(admin) == {}
    import_file(admin, path, kind="orders", currency="USD", values=["Inventory Qty Adjust=skip"])
    assert set(_stored(admin)) == {"1001", "1002"}


def test_a_type_said_to_be_a_sale_is_imported(admin, tmp_path):
    path = write_csv(tmp_path / "list.csv", [
        ["Date", "Transaction Type", "Num", "Customer Name", "Amount"],
        ["2024-03-05", "Invoice", "1001", "Acme Inc", "1200.00"],
        ["2024-03-06", "Statement Charge", "1002", "Beta LLC", "10.00"]])
    with pytest.raises(ImportRefused, match="Statement Charge"):
        import_file(admin, path, kind="orders", currency="USD")
    import_file(admin, path, kind="orders", currency="USD", values=["Statement Charge=sale"])
    assert set(_stored(admin)) == {"1001", "1002"}


def test_a_credit_note_beside_bills_is_still_a_refund_not_a_sale(admin, tmp_path):
    path = write_csv(tmp_path / "xero.csv", [
        ["ContactName", "InvoiceNumber", "InvoiceDate", "Total", "Currency", "Type"],
        ["Acme Ltd", "INV-001", "2024-03-05", "1200.00", "GBP", "ACCREC"],
        ["Office Co", "BILL-77", "2024-03-06", "350.00", "GBP", "ACCPAY"],
        ["Acme Ltd", "CN-1", "2024-03-08", "200.00", "GBP", "ACCRECCREDIT"]])
    result = import_file(admin, path, kind="orders")
    assert set(_stored(admin)) == {"INV-001"}
    assert result.rejected == 2
