"""An amount the file gives in two columns: Debit and Credit (Soll/Haben, 借方金额/贷方金额)
are made one marked amount, read by --ledger; a unit price and a quantity without a line
total (Price × Qty, 单价 × 数量, Einzelpreis × Menge) are multiplied in exact decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"]) for o in records.list_records(session, "order")}


LEDGERS = [
    (["Date", "Invoice No", "Customer", "Debit", "Credit", "Balance"], "USD"),
    (["Datum", "Belegnummer", "Kunde", "Soll", "Haben", "Saldo"], "EUR"),
    (["日期", "单号", "客户名称", "借方金额", "贷方金额", "余额"], "CNY"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("head, currency", LEDGERS)
def test_debit_and_credit_columns_stop_naming_ledger_and_a_sales_ledger_stores_the_debits(
        admin, tmp_path, fmt, head, currency):
    f = write_table(tmp_path, fmt, [head,
                                    ["2024-03-05", "INV-1", "Ann Lee", "100.00", "", "100.00"],
                                    ["2024-03-06", "INV-2", "Bob Roe", "250.50", "", "350.50"],
                                    ["2024-03-07", "CN-1", "Ann Lee", "", "40.00", "310.50"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", currency=currency)
    msg = stop.value.message
    assert f"'{head[3]}'" in msg and f"'{head[4]}'" in msg and "--ledger sales" in msg
    assert records.list_records(admin, "order") == []
    dry = import_file(admin, f, kind="orders", currency=currency, ledger="sales", dry_run=True)
    assert any(i["what"] == "amount from two columns" for i in dry.inferences)
    result = import_file(admin, f, kind="orders", currency=currency, ledger="sales")
    assert (result.created, result.rejected) == (2, 1)
    assert _orders(admin) == {"INV-1": (Decimal("100"), currency), "INV-2": (Decimal("250.5"), currency)}


def test_a_bank_statement_with_debit_and_credit_stores_the_money_received(admin, tmp_path):
    f = write_table(tmp_path, "csv", [["Date", "Reference", "Customer", "Debit", "Credit"],
                                      ["2024-03-05", "R1", "Ann Lee", "", "80.00"],
                                      ["2024-03-06", "R2", "Bob Roe", "15.00", ""],
                                      ["2024-03-07", "R3", "Cy Doe", "", "1,200.00"]])
    result = import_file(admin, f, kind="orders", currency="USD", ledger="bank")
    assert (result.created, result.rejected) == (2, 1)
    assert _orders(admin) == {"R1": (Decimal("80"), "USD"), "R3": (Decimal("1200"), "USD")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("head", [
    ["Order No", "Order Date", "Customer", "Product", "Qty", "Price"],
    ["订单号", "下单日期", "客户名称", "商品", "数量", "单价"],
    ["Auftragsnummer", "Datum", "Kunde", "Artikel", "Menge", "Einzelpreis"],
    ["Order No", "Order Date", "Customer", "Item", "Quantity", "Unit Price"]])
def test_a_unit_price_and_a_quantity_without_a_total_store_their_product(admin, tmp_path, fmt, head):
    f = write_table(tmp_path, fmt, [head,
                                    ["P1", "2024-03-05", "Ann Lee", "Mug", 3, "19.99"],
                                    ["P2", "2024-03-06", "Bob Roe", "Tea", "2", "15.05"],
                                    ["P3", "2024-03-07", "Cy Doe", "Pen", "12", "0.10"]])
    dry = import_file(admin, f, kind="orders", currency="EUR", dry_run=True)
    said = [i["decided"] for i in dry.inferences if i["what"] == "amount from unit price and quantity"]
    assert said and f"'{head[5]}' × '{head[4]}'" in said[0]
    result = import_file(admin, f, kind="orders", currency="EUR")
    assert (result.created, result.rejected) == (3, 0)
    assert _orders(admin) == {"P1": (Decimal("59.97"), "EUR"), "P2": (Decimal("30.10"), "EUR"),
                              "P3": (Decimal("1.20"), "EUR")}


def test_a_unit_price_with_a_currency_sign_and_decimal_comma_keeps_its_currency(admin, tmp_path):
    f = write_table(tmp_path, "csv", [["Auftragsnummer", "Datum", "Kunde", "Menge", "Einzelpreis"],
                                      ["A1", "2024-03-05", "Müller GmbH", "4", "12,50 €"],
                                      ["A2", "2024-03-06", "Schmidt AG", "3", "0,99 €"]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _orders(admin) == {"A1": (Decimal("50"), "EUR"), "A2": (Decimal("2.97"), "EUR")}


@pytest.mark.parametrize("value_head", ["Value", "Line Value", "Valeur"])
def test_a_tally_value_beside_quantity_and_rate_is_the_amount_not_their_product(admin, tmp_path, value_head):
    f = write_table(tmp_path, "csv", [["Vch No.", "Date", "Customer", "Quantity", "Rate", value_head],
                                      ["1", "2024-03-05", "Ann Traders", "3", "20.00", "57.00"],
                                      ["2", "2024-03-06", "Bob Traders", "2", "7.50", "15.00"]])
    dry = import_file(admin, f, kind="orders", currency="INR", dry_run=True)
    assert any(i["what"] == "amount from the line's value" and f"'{value_head}'" in i["decided"]
               for i in dry.inferences)
    result = import_file(admin, f, kind="orders", currency="INR")
    assert (result.created, result.rejected) == (2, 0)
    assert sorted(o["amount"] for o in records.list_records(admin, "order")) == [Decimal("15"), Decimal("57")]
