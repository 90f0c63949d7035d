"""One order number on two customers is warned on the row and counted; a row with an order
number repeated cell for cell is skipped as a duplicate; 16+-digit ids Excel filled with
zeros that collide stop the import, named as rounded (try23f A6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _orders(session) -> list[tuple[str, Decimal]]:
    return sorted((o["order_number"], o["amount"]) for o in records.list_records(session, "order"))


@pytest.mark.parametrize("heading, who, a, b", [
    ("Order Number", "Customer", "Gamma GmbH", "Delta AG"),
    ("Bestellnummer", "Kunde", "Müller GmbH", "Schmidt AG"),
    ("订单号", "客户名称", "华为", "小米"),
    ("注文番号", "顧客名", "山田太郎", "佐藤花子"),
    ("주문번호", "고객명", "삼성전자", "엘지전자"),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_one_order_number_on_two_customers_is_warned_naming_the_number_and_both_rows(admin, tmp_path, writer,
                                                                                    heading, who, a, b):
    path = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), [
        [heading, "Date", who, "Amount"],
        ["1001", "2024-03-05", a, "100.00"],
        ["1003", "2024-03-07", a, "70.00"],
        ["1003", "2024-03-09", b, "90.00"]])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert _orders(admin) == [("1001", Decimal("100")), ("1003", Decimal("70")), ("1003", Decimal("90"))]
    warned = {o.row: o.warnings for o in result.outcomes if o.warnings}
    assert set(warned) == {4}
    text = warned[4][heading]
    assert "'1003'" in text and "row 3" in text and a in text and "its own number" in text
    line = next(i for i in result.inferences if i["what"] == "order numbers on two customers")
    assert line["decided"].startswith("1 row(s) share an order number") and b in line["decided"]


def test_the_same_customer_written_two_ways_under_one_number_is_no_clash(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [
        ["Order Number", "Date", "Customer", "Product", "Amount"],
        ["1001", "2024-03-05", "Acme Ltd", "Lamp", "100.00"],
        ["1001", "2024-03-05", "ACME LTD", "Bulb", "5.00"],
        ["1002", "2024-03-06", "Beta GmbH", "Lamp", "100.00"],
        ["1002", "2024-03-06", "Delta AG", "Lamp", "100.00"]])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert {o.row for o in result.outcomes if o.warnings} == {5}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_row_the_same_as_another_in_every_column_is_skipped_and_counted_as_a_duplicate(admin, tmp_path, writer):
    path = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), [
        ["Order ID", "Date", "Customer", "Amount"],
        ["1001", "2024-03-05", "Acme", "100.00"],
        ["1002", "2024-03-06", "Beta", "50.00"],
        ["1001", "2024-03-05", "Acme", "100.00"]])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert _orders(admin) == [("1001", Decimal("100")), ("1002", Decimal("50"))]
    assert (result.created, result.duplicates) == (2, 1)
    dup = next(o for o in result.outcomes if o.action == "duplicate")
    assert dup.row == 4 and dup.duplicate_of_row == 2 and "same in every column" in dup.reason
    assert any(i["what"] == "repeated rows" and "row 4 = row 2" in i["decided"] for i in result.inferences)


@pytest.mark.parametrize("number, digits", [("1234567890123450000", 19), ("2024031512345670", 16)])
def test_order_numbers_excel_filled_with_zeros_that_collide_are_named_as_rounded_ids(admin, tmp_path, number,
                                                                                     digits):
    path = write_csv(tmp_path / "taobao.csv", [
        ["订单编号", "买家会员名", "买家实际支付金额", "订单创建时间"],
        [number, "buyer1", "100.00", "2024-03-05 10:00:00"],
        [number, "buyer2", "200.00", "2024-03-06 10:00:00"]])
    assert len(number) == digits
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders", currency="CNY")
    text = str(err.value)
    assert number in text and "Excel rounded" in text and "formatted as text" in text
    assert _orders(admin) == []
