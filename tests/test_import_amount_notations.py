"""Amount and quantity notations of other systems, each read by one rule:

- the Japanese minus, "△3,000" / "▲1,500", is a minus sign: such an order is negative, a
  credit or refund line, rejected and listed as "-3,000" is (never a sale, never "not an
  amount");
- the Indian "/-" (no paise) after an amount, "Rs. 1,500/-", "2,750/-": whole rupees; the
  separators group thousands, and a row whose Country is India settles "Rs." to INR, the
  bare "2,750/-" beside it too;
- Excel's accounting zero, a currency sign and a dash ("$ -", "¥ -", "€ -"), is 0;
- a quantity counted in a package, a number of items or a measure ("2箱", "3 boxes", "2打",
  "3 dozen", "3斤", "2 kg") is never read as that many items: left empty with a warning,
  its text kept in Notes; a count of the items themselves ("3 pcs", "3件", "3个") is read.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


@pytest.mark.parametrize("minus", ["△", "▲"])
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_a_japanese_minus_makes_the_amount_negative_and_the_row_a_credit_not_a_sale(
        admin, tmp_path, minus, writer, suffix):
    f = writer(tmp_path / f"o.{suffix}", [["注文番号", "顧客名", "注文日", "金額", "通貨"],
                                          ["1001", "山田太郎", "2024/03/05", "12,000", "JPY"],
                                          ["1002", "鈴木花子", "2024/03/06", f"{minus}3,000", "JPY"],
                                          ["1003", "佐藤一郎", "2024/03/07", f"{minus}1,500", "JPY"]])
    result = import_file(admin, f, kind="orders")
    got = _orders(admin)
    assert {k: (o["amount"], o["currency"]) for k, o in got.items()} == {"1001": (Decimal("12000"), "JPY")}
    bad = {o.row: o.reason for o in result.outcomes if o.action == "rejected"}
    assert set(bad) == {3, 4} and "-3000" in bad[3].replace(",", "") and "negative amount" in bad[4]


@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_indian_amounts_with_the_no_paise_slash_dash_are_whole_rupees(admin, tmp_path, writer, suffix):
    f = writer(tmp_path / f"o.{suffix}", [["Order No", "Customer", "Order Date", "Amount", "Country"],
                                          ["1001", "Ravi Kumar", "05/03/2024", "Rs. 1,500/-", "India"],
                                          ["1002", "Priya Shah", "18/03/2024", "Rs. 12,300/-", "India"],
                                          ["1003", "Amit Jain", "19/03/2024", "2,750/-", "India"],
                                          ["1004", "Neha Rao", "20/03/2024", "Rs.1,12,500/-", "India"]])
    result = import_file(admin, f, kind="orders")
    got = {k: (o["amount"], o["currency"]) for k, o in _orders(admin).items()}
    assert got == {"1001": (Decimal("1500"), "INR"), "1002": (Decimal("12300"), "INR"),
                   "1003": (Decimal("2750"), "INR"), "1004": (Decimal("112500"), "INR")}
    assert result.rejected == 0


@pytest.mark.parametrize("zero,currency", [("$ -", "USD"), (" $ -   ", "USD"), ("¥ -", "JPY"), ("€ -", "EUR"),
                                           ("- €", "EUR")])
def test_excels_accounting_zero_is_an_amount_of_zero(admin, tmp_path, zero, currency):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Customer", "Order Date", "Amount", "Currency"],
                                       ["1001", "Ann Lee", "2024-03-05", zero, currency],
                                       ["1002", "Bob Ray", "2024-03-06", "120", currency]])
    result = import_file(admin, f, kind="orders")
    got = {k: (o["amount"], o["currency"]) for k, o in _orders(admin).items()}
    assert got == {"1001": (Decimal("0"), currency), "1002": (Decimal("120"), currency)}
    assert result.rejected == 0


@pytest.mark.parametrize("quantity,unit", [("2箱", "箱"), ("3 boxes", "boxes"), ("2打", "打"), ("3 dozen", "dozen"),
                                           ("3斤", "斤"), ("2 kg", "kg"), ("4盒", "盒"), ("2 Kartons", "Kartons")])
def test_a_quantity_in_packages_or_measures_is_never_read_as_items(admin, tmp_path, quantity, unit):
    f = write_csv(tmp_path / "o.csv", [["订单号", "客户名称", "下单日期", "数量", "金额"],
                                       ["1001", "张伟", "2024-03-05", quantity, "48"],
                                       ["1002", "王芳", "2024-03-06", "3件", "30"],
                                       ["1003", "李强", "2024-03-07", "3 pcs", "30"]])
    result = import_file(admin, f, kind="orders")
    got = _orders(admin)
    assert got["1001"]["quantity"] is None and quantity in got["1001"]["notes"]
    assert got["1002"]["quantity"] == 3 and got["1003"]["quantity"] == 3
    (warned,) = [o for o in result.outcomes if o.row == 2]
    assert f"counted in '{unit}'" in str(warned.warnings)
