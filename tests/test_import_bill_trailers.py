"""Payment bills' trailers and closed transactions (try25f #11): the lines an Alipay,
WeChat Pay or bank bill writes under its records (a dash rule, 共N笔记录, 已收入/待收入 sums,
导出时间 with the user's address, and their English forms) are a footer, counted as
skipped; a transaction closed before it was paid (交易关闭, Closed, 未付款 with no payment
date) is no sale: skipped, counted and said with its reason. Small files of our own, read
back from a real encrypted store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def write(tmp_path, name: str, lines: list[str], encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def orders_by_customer(session) -> dict[str, dict]:
    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {names[o["customer_id"]]: o for o in records.list_records(session, "order")}


ALIPAY = [
    "支付宝交易记录明细查询",
    "账号:[shop@example.com]",
    "起始日期:[2024-03-01 00:00:00]    终止日期:[2024-03-31 23:59:59]",
    "---------------------------------交易记录明细列表------------------------------------",
    "交易号                  ,商家订单号               ,交易创建时间              ,付款时间                ,"
    "交易对方            ,商品名称                ,金额（元）   ,收/支     ,交易状态    ,",
    "2024030522001412345678901234\t,T200P1,2024-03-05 10:00:00 ,2024-03-05 10:00:05 ,张三              ,"
    "茶叶                ,100.00  ,收入      ,交易成功    ,",
    "2024030622001412345678901235\t,T200P2,2024-03-06 10:00:00 ,                    ,李四              ,"
    "茶具                ,250.00  ,          ,{closed}    ,",
    "2024030722001412345678901236\t,T200P3,2024-03-07 10:00:00 ,2024-03-07 10:00:05 ,王五              ,"
    "茶叶                ,80.00  ,收入      ,交易成功    ,",
    "------------------------------------------------------------------------------------",
    "共3笔记录",
    "已收入:2笔,180.00元",
    "待收入:0笔,0.00元",
    "导出时间:[2024-04-01 10:00:00]    用户:shop@example.com",
]


@pytest.mark.parametrize("closed, encoding", [("交易关闭", "gbk"), ("等待买家付款", "gb18030"), ("交易关闭", "utf-8")])
def test_an_alipay_bills_trailer_is_a_footer_and_its_closed_transaction_no_sale(admin, tmp_path, closed, encoding):
    path = write(tmp_path, "alipay.csv", [line.replace("{closed}", closed) for line in ALIPAY], encoding)
    result = import_file(admin, path, kind="orders")
    assert result.created == 2 and result.rejected == 0
    assert result.footer_rows == 5 and result.closed_rows == 1
    (said,) = [i for i in result.inferences if i["what"] == "closed before payment"]
    assert "row(s) 7" in said["decided"] and closed in said["evidence"] and "付款时间" in said["evidence"]
    got = orders_by_customer(admin)
    assert set(got) == {"张三", "王五"}
    assert Decimal(str(got["张三"]["amount"])) == Decimal("100.00") and got["张三"]["currency"] == "CNY"


def test_an_english_bills_trailer_and_its_closed_payment_are_skipped_and_a_dated_cancellation_kept(admin, tmp_path):
    path = write(tmp_path, "bill.csv", [
        "Order ID,Order Date,Customer,Amount,Status",
        "T1,2024-03-05,Ann Lee,100.00,Completed",
        "T2,,Bob Wu,250.00,Closed",
        "T3,2024-03-07,Cat Li,80.00,Completed",
        "T4,2024-03-08,Dan Ho,40.00,Cancelled",
        "-------------------------------------------",
        "Total: 4 records",
        "Received: 2 transactions, 180.00",
        "Pending: 0 transactions, 0.00",
        "Exported at: [2024-04-01 10:00:00] User: shop@example.com",
    ])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert result.rejected == 0 and result.footer_rows == 5 and result.closed_rows == 1
    got = orders_by_customer(admin)
    assert set(got) == {"Ann Lee", "Cat Li", "Dan Ho"}
    assert got["Dan Ho"]["status"] == "Cancelled"         # cancelled after its date: kept as it was
    assert Decimal(str(got["Cat Li"]["amount"])) == Decimal("80.00")
