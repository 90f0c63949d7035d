"""Which amount a file means: the amount paid beside an order's total (Taobao/Tmall 买家实际支付金额
beside 总金额, 实收 beside 应收, "Amount Paid" beside "Order Total"), the buyer beside the recipient
(买家会员名 beside 收货人姓名), and weighted deal values (Salesforce Expected Revenue, Pipedrive
weighted value, 加权金额, Gewichteter Betrag) that are never a deal's amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

# (order no, customer, date, total heading, paid heading), in the order the system writes them
PAID_FILES = {
    "taobao": ("订单编号", "买家会员名", "订单创建时间", "总金额", "买家实际支付金额"),
    "tmall-traditional": ("訂單編號", "客戶名稱", "日期", "總金額", "實付金額"),
    "pos-receivable": ("单号", "客户名称", "日期", "应收金额", "实收金额"),
    "pos-list-price": ("单号", "客户", "日期", "原价", "实收"),
    "english-shop": ("Order Number", "Customer Name", "Order Date", "Order Total", "Amount Paid"),
}


def _amounts(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])).normalize() for o in records.list_records(session, "order")}


@pytest.mark.parametrize("name", list(PAID_FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_the_amount_paid_beside_an_order_total_is_the_orders_amount_and_the_summary_says_so(
        admin, tmp_path, name, writer, suffix):
    number, who, date, total, paid = PAID_FILES[name]
    path = writer(tmp_path / f"orders.{suffix}", [
        [number, who, total, paid, date],
        ["A-1", "Ann Lee", "110.00", "95.00", "2024-03-05"],
        ["A-2", "Bo Li", "200.00", "180.00", "2024-03-06"]])
    result = import_file(admin, path, kind="orders", currency="CNY")
    assert _amounts(admin) == {"A-1": Decimal("95"), "A-2": Decimal("180")}
    (line,) = [i for i in result.inferences if i["what"] == "amount paid or order total"]
    assert f"'{paid}'" in line["decided"] and f"'{total}'" in line["decided"]
    assert f'--map "{total}=Amount"' in line["evidence"]
    notes = {o["order_number"]: o["notes"] or "" for o in records.list_records(admin, "order")}
    assert "110.00" in notes["A-1"], notes
    # the --map the summary names takes the total instead
    again = writer(tmp_path / f"more.{suffix}", [[number, who, total, paid, date],
                                                  ["A-3", "Ann Lee", "110.00", "95.00", "2024-03-07"]])
    import_file(admin, again, kind="orders", currency="CNY", mapping={total: "Amount", paid: "-"})
    assert _amounts(admin)["A-3"] == Decimal("110")


# (buyer heading, recipient heading)
BUYER_FILES = {
    "taobao": ("买家会员名", "收货人姓名"),
    "taobao-nickname": ("买家昵称", "收货人"),
    "english": ("Buyer", "Recipient Name"),
}


@pytest.mark.parametrize("name", list(BUYER_FILES))
def test_the_buyer_is_the_customer_and_the_recipient_beside_it_is_kept_in_notes(admin, tmp_path, name):
    buyer, recipient = BUYER_FILES[name]
    path = write_csv(tmp_path / "orders.csv", [
        ["订单编号", recipient, buyer, "订单创建时间", "总金额"],
        ["A-1", "张三", "tb_zhang", "2024-03-05", "110.00"],
        ["A-2", "李四", "tb_li", "2024-03-06", "200.00"]])
    result = import_file(admin, path, kind="orders", currency="CNY")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == ["tb_li", "tb_zhang"]
    notes = {o["order_number"]: o["notes"] or "" for o in records.list_records(admin, "order")}
    assert "张三" in notes["A-1"] and "李四" in notes["A-2"], notes
    (line,) = [i for i in result.inferences if i["what"] == "buyer or recipient"]
    assert f"'{buyer}'" in line["decided"] and f"'{recipient}'" in line["decided"]


WEIGHTED = ["Expected Revenue", "Weighted Amount", "Deal - Weighted value", "Gewichteter Betrag",
            "Montant pondéré", "加权金额", "预期收入"]


@pytest.mark.parametrize("heading", WEIGHTED)
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_a_deals_file_whose_only_amount_is_a_weighted_value_stops_naming_it_and_why(
        admin, tmp_path, heading, writer, suffix):
    path = writer(tmp_path / f"deals.{suffix}", [
        ["Opportunity Name", "Account Name", "Stage", "Probability (%)", heading, "Close Date"],
        ["Deal A", "Acme", "Prospecting", "10", "1000", "2024-06-30"],
        ["Deal B", "Beta", "Negotiation/Review", "90", "9000", "2024-07-31"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="opportunities", currency="USD")
    message = str(stop.value)
    assert f"'{heading}'" in message and "weighted" in message and "Nothing was imported" in message, message
    assert f'--map "{heading}=-"' in message
    assert records.list_records(admin, "opportunity") == [] and records.list_records(admin, "customer") == []
    import_file(admin, path, kind="opportunities", currency="USD", mapping={heading: "-"})
    assert [o["amount"] for o in records.list_records(admin, "opportunity")] == [None, None]
    # beside the deal's Amount, the weighted value is left in Notes and the Amount stored
    beside = write_csv(tmp_path / "beside.csv", [
        ["Opportunity Name", "Account Name", heading, "Probability (%)", "Amount", "Close Date"],
        ["Deal C", "Acme", "1000", "10", "10000", "2024-06-30"]])
    import_file(admin, beside, kind="opportunities", currency="USD")
    stored = {o["name"]: o["amount"] for o in records.list_records(admin, "opportunity")}
    assert Decimal(str(stored["Deal C"])) == Decimal("10000")
