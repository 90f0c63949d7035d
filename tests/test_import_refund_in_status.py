"""A payment bill's status column that holds the refund (WeChat Pay's 当前状态 ``已全额退款``,
``已退款(￥50.00)``; a shop's ``Partially refunded ($5.00)``, ``部分退款 ¥20``, ``返金済み``,
``환불완료``) is read as the refund columns are: refunded in full is Returned (not a sale),
a partial refund written with its amount stores the amount kept. An order's total after
refunds (Etsy's ``Adjusted Order Total``) beside its total does the same."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["status"]) for o in records.list_records(session, "order")}


def test_a_wechat_bill_stores_a_full_refund_as_returned_and_a_partial_one_as_the_amount_kept(admin, tmp_path):
    lines = ["微信支付账单明细,,,,,,,,", "微信昵称：[小店],,,,,,,,", "导出时间：[2024-04-01 10:00:00],,,,,,,,", ",,,,,,,,",
             "----------------------微信支付账单明细列表--------------------,,,,,,,,",
             "交易时间,交易类型,交易对方,收/支,金额(元),支付方式,当前状态,交易单号,备注",
             "2024-03-05 10:00:00,二维码收款,周杰,收入,¥300.00,/,已收钱,T9001,/",
             "2024-03-06 11:00:00,二维码收款,吴敏,收入,¥120.00,/,已退款(￥20.00),T9002,/",
             "2024-03-07 12:00:00,二维码收款,郑红,收入,¥80.00,/,已全额退款,T9003,/"]
    f = tmp_path / "wechat.csv"
    f.write_text("\n".join(lines), encoding="utf-8-sig")
    result = import_file(admin, f, kind="orders", mapping={"交易对方": "Customer Name", "交易时间": "Order Date",
                                                           "交易单号": "Order Number"})
    assert result.rejected == 0
    assert _stored(admin) == {"T9001": (Decimal("300"), "Paid"), "T9002": (Decimal("100"), "Paid"),
                              "T9003": (Decimal("80"), "Returned")}
    said = [i["decided"] for i in result.inferences if i["what"] == "refunds in '当前状态'"]
    assert said and "已退款(￥20.00)" in said[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heading,partial,full,kept", [
    ("Status", "Partially refunded ($5.00)", "Fully refunded", "45"),
    ("Status", "partially_refunded: 12.50", "Refunded in full", "37.5"),
    ("交易状态", "部分退款 ¥20", "已全额退款", "30"),
    ("状態", "一部返金 (¥1,000)", "返金済み", "49000"),
    ("주문상태", "부분환불 5,000원", "환불완료", "45000"),
    ("Bestellstatus", "Teilweise erstattet (EUR 7,50)", "Vollständig erstattet", "42.5"),
])
def test_a_status_holding_a_partial_refund_with_its_amount_stores_the_amount_kept_in_any_language(
        admin, tmp_path, fmt, heading, partial, full, kept):
    big = "50000" if heading in ("状態", "주문상태") else "50.00"
    currency = {"状態": "JPY", "주문상태": "KRW", "交易状态": "CNY", "Bestellstatus": "EUR"}.get(heading, "USD")
    f = write_table(tmp_path, fmt, [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", heading],
        ["Ann Lee", "2001", "2024-03-05", big, currency, partial],
        ["Bob Ray", "2002", "2024-03-06", big, currency, full]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    got = _stored(admin)
    assert got["2001"] == (Decimal(kept), "Paid")
    assert got["2002"][1] == "Returned"


def test_a_status_whose_words_are_no_refund_stops_as_any_unknown_status_and_only_it_is_named(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Status"],
        ["Ann Lee", "3001", "2024-03-05", "50.00", "USD", "Held back (5.00)"],
        ["Bob Ray", "3002", "2024-03-06", "60.00", "USD", "Held back (6.00)"],
        ["Cai Wen", "3003", "2024-03-07", "70.00", "USD", "Partially refunded ($7.00)"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "Held back (5.00)" in stop.value.message
    assert "Partially refunded" not in stop.value.message
    assert records.list_records(admin, "order") == []


def test_a_refund_column_and_a_status_giving_the_same_refund_subtract_it_once(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Status", "Refunded Amount"],
        ["Ann Lee", "4001", "2024-03-05", "50.00", "USD", "Partially refunded ($5.00)", "5.00"]])
    import_file(admin, f, kind="orders")
    assert _stored(admin)["4001"] == (Decimal("45"), "Paid")


@pytest.mark.parametrize("heading", ["Adjusted Order Total", "Adjusted Total", "Net after refunds",
                                     "Total (after refunds)", "调整后金额", "退款后金额", "Amount after refunds"])
def test_a_total_after_refunds_below_the_total_stores_the_amount_kept(admin, tmp_path, heading):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Order Total", "Currency", heading],
        ["Ann Lee", "5001", "2024-03-05", "31.80", "USD", "21.80"],
        ["Bob Ray", "5002", "2024-03-06", "40.00", "USD", "40.00"],
        ["Cai Wen", "5003", "2024-03-07", "25.00", "USD", "0.00"]])
    result = import_file(admin, f, kind="orders", dry_run=True)
    assert any(i["what"] == f"total after refunds '{heading}'" for i in result.inferences)
    import_file(admin, f, kind="orders")
    got = _stored(admin)
    assert got["5001"][0] == Decimal("21.8")
    assert got["5002"][0] == Decimal("40")
    assert got["5003"] == (Decimal("25"), "Returned")
    notes = {o["order_number"]: o["notes"] for o in records.list_records(admin, "order")}
    assert "Refunded: 10.00 USD of 31.80 USD charged" in notes["5001"]


def test_an_etsy_orders_file_stores_the_adjusted_order_total_not_the_fees_adjusted_net(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Sale Date", "Order ID", "Full Name", "Currency", "Order Total", "Order Net", "Adjusted Order Total",
         "Adjusted Card Processing Fees", "Adjusted Net Order Amount"],
        ["03/06/24", "3219", "Bob Ray", "USD", "31.80", "30.78", "21.80", "0.70", "21.10"]])
    import_file(admin, f, kind="orders", date_order="mdy")
    assert _stored(admin)["3219"][0] == Decimal("21.8")


@pytest.mark.parametrize("heading", ["Adjusted Net Order Amount", "Adjusted Card Processing Fees", "Adjusted Shipping",
                                     "Order Total", "Refund Date"])
def test_a_fee_net_or_other_adjusted_column_is_no_total_after_refunds(admin, tmp_path, heading):
    # beside an Order Total, such a column is kept in Notes and the amount stays as charged
    cols = ["Customer", "Order No", "Order Date", "Amount", "Currency"] + ([] if heading == "Order Total" else [heading])
    f = write_table(tmp_path, "csv", [cols, ["Ann Lee", "7001", "2024-03-05", "30.00", "USD", "20.00"][:len(cols)]])
    import_file(admin, f, kind="orders")
    assert _stored(admin)["7001"] == (Decimal("30"), "Completed")
    from cims_xl.importer.refunds import names_adjusted_total
    assert not names_adjusted_total(heading)


def test_a_total_after_refunds_above_the_total_is_warned_and_not_read(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Adjusted Total"],
        ["Ann Lee", "6001", "2024-03-05", "30.00", "USD", "45.00"]])
    result = import_file(admin, f, kind="orders")
    assert _stored(admin)["6001"] == (Decimal("30"), "Completed")
    assert result.warnings == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("currency,amounts,partial,full,kept", [
    ("USD", ("5,000.00", "3,000.00"), "Partially refunded ($1,000)", "Refunded ($3,000)", "4000"),
    ("USD", ("5,000.00", "3,000.00"), "Partial refund (1,250)", "Refunded (3,000)", "3750"),
    ("EUR", ("5.000,00", "3.000,00"), "Teilweise erstattet (1.000 €)", "Erstattet (3.000 €)", "4000"),
    ("EUR", ("5.000,00", "3.000,00"), "Teilerstattung 1.000,00 €", "Erstattet 3.000,00 €", "4000"),
    ("EUR", ("5.000,00", "3.000,00"), "Remboursement partiel (1.500 €)", "Remboursé", "3500"),
])
def test_a_refund_in_a_status_written_with_thousands_separators_is_read_with_the_files_marks(
        admin, tmp_path, fmt, currency, amounts, partial, full, kept):
    f = write_table(tmp_path, fmt, [
        ["Customer", "Order No", "Order Date", "Amount", "Currency", "Order Status"],
        ["Ann Lee", "6001", "2024-03-05", amounts[0], currency, partial],
        ["Bob Ray", "6002", "2024-03-06", amounts[1], currency, full],
        ["Cai Wen", "6003", "2024-03-07", amounts[0], currency, "Paid"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    got = _stored(admin)
    assert got["6001"] == (Decimal(kept), "Paid")
    assert got["6002"][1] == "Returned"
    assert got["6003"] == (Decimal("5000"), "Paid")
