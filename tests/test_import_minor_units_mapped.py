"""A minor unit in the amount's heading (коп./копеек, 角 = a tenth of the yuan, 銭 and 전 =
a hundredth of the yen and won) scales the amounts and names the currency, whether the
column was found by its heading or mapped with --map. Reads back the stored amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("mapped", [True, False], ids=["mapped", "found"])
@pytest.mark.parametrize("head, heading, written, amount, code", [
    (["Номер заказа", "Дата", "Клиент"], "Сумма (коп.)", "1250", "12.5", "RUB"),
    (["Номер заказа", "Дата", "Клиент"], "Сумма (копеек)", "99", "0.99", "RUB"),
    (["订单号", "日期", "客户"], "金额(角)", "125", "12.5", "CNY"),
    (["订单号", "日期", "客户"], "金额（角）", "37", "3.7", "CNY"),
    (["注文番号", "日付", "顧客"], "金額(銭)", "150000", "1500", "JPY"),
    (["주문번호", "날짜", "고객"], "금액(전)", "250000", "2500", "KRW"),
])
def test_a_minor_unit_in_the_amount_heading_scales_the_amounts_and_names_the_currency(
        admin, tmp_path, mapped, head, heading, written, amount, code):
    settings.set_store_currency(admin, "USD")          # not the store's currency: the heading's
    f = write_csv(tmp_path / "o.csv", [head + [heading], ["A1", "2024-03-05", "Ann Lee", written]])
    mapping = {head[0]: "Order Number", head[1]: "Order Date", head[2]: "Customer Name"}
    if mapped:
        mapping[heading] = "Amount"
    import_file(admin, f, kind="orders", mapping=mapping)
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


@pytest.mark.parametrize("mapped", [True, False], ids=["mapped", "found"])
@pytest.mark.parametrize("heading", ["Amount (won)", "Betrag (won)", "Total (Won)"])
def test_won_in_brackets_after_an_amount_heading_is_the_korean_currency_not_a_deal_stage(admin, tmp_path, mapped,
                                                                                         heading):
    settings.set_store_currency(admin, "CNY")
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", heading],
                                       ["A1", "2024-03-05", "Ann Lee", "1500"]])
    mapping = {"Order No": "Order Number", "Order Date": "Order Date", "Customer": "Customer Name"}
    if mapped:
        mapping[heading] = "Amount"
    import_file(admin, f, kind="orders", mapping=mapping)
    assert _orders(admin) == {"A1": (Decimal("1500"), "KRW")}
