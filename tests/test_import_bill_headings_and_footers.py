"""Payment bills (WeChat Pay, Alipay), Korean accounting ledgers (거래처) and the count
lines Chinese, Japanese and Korean exports write under their table: small files of our own,
read back from a real store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def orders(session) -> dict[str, dict]:
    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {names[o["customer_id"]]: o for o in records.list_records(session, "order")}


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ----- the headings of payment bills ---------------------------------------------------------

def test_a_wechat_style_bill_reads_the_time_as_the_date_and_the_other_party_as_the_customer(admin, tmp_path):
    path = write(tmp_path, "微信账单.csv",
                 "微信支付账单明细,,,,,,\n"
                 "导出时间：[2025-02-01 09:00:00],,,,,,\n"
                 ",,,,,,\n"
                 "交易时间,交易类型,交易对方,商品,金额(元),交易单号,商户单号\n"
                 "2025-01-10 08:30:00,转账,陈静,茶叶,¥88.00,4200009901202501100001\t,/\n"
                 "2025-01-11 19:05:00,二维码收款,周杰,咖啡,¥36.50,4200009901202501110002\t,/\n",
                 "utf-8-sig")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    got = orders(admin)
    assert got["陈静"]["order_date"] == date(2025, 1, 10)
    assert got["陈静"]["order_number"] == "4200009901202501100001"
    assert got["周杰"]["amount"] == Decimal("36.50")
    assert set(customers(admin)) == {"陈静", "周杰"}


def test_an_alipay_style_bill_in_gb18030_takes_the_trade_number_as_the_order_number_and_its_footer_lines_are_skipped(
        admin, tmp_path):
    path = write(tmp_path, "alipay.csv",
                 "支付宝交易记录明细查询\n"
                 "账号:[20880099990000]\n"
                 "-----------------------------交易记录明细列表-----------------------------\n"
                 "交易号              ,商家订单号          ,交易创建时间         ,交易对方    ,商品名称   ,金额（元）  ,\n"
                 "2025020122001100001\t,M-7001          ,2025-02-01 10:00:00 ,刘洋      ,礼盒      ,300.00    ,\n"
                 "2025020222001100002\t,M-7002          ,2025-02-02 11:00:00 ,赵敏      ,茶具      ,120.00    ,\n"
                 "2025020322001100003\t,M-7003          ,2025-02-03 12:00:00 ,孙丽      ,茶叶      ,45.00     ,\n"
                 "--------------------------------------------------------------------------\n"
                 "共3笔记录\n"
                 "已收入:3笔,465.00元\n"
                 "待收入:0笔,0.00元\n"
                 "导出时间:[2025-03-01 08:00:00]\n",
                 "gb18030")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.footer_rows) == (3, 0, 5)
    got = orders(admin)
    assert got["刘洋"]["order_number"] == "2025020122001100001"
    assert "M-7001" in got["刘洋"]["notes"]
    assert got["赵敏"]["order_date"] == date(2025, 2, 2)
    assert got["孙丽"]["amount"] == Decimal("45.00")


@pytest.mark.parametrize("number_heading", ["交易单号", "商户订单号", "交易號"])
def test_every_payment_number_heading_is_the_order_number(admin, tmp_path, number_heading):
    path = write(tmp_path, "bill.csv",
                 f"交易时间,交易对方,金额,{number_heading}\n"
                 "2025-04-01 10:00,黄磊,50.00,PAY-0001\n"
                 "2025-04-02 11:00,吴迪,60.00,PAY-0002\n")
    result = import_file(admin, path, kind="orders")
    assert result.created == 2
    assert orders(admin)["吴迪"]["order_number"] == "PAY-0002"


# ----- Korean accounting ledgers: 거래처 -------------------------------------------------------

def test_a_korean_partner_ledger_stores_the_partner_name_as_the_customer_and_its_code_as_the_id(admin, tmp_path):
    path = write(tmp_path, "거래처목록.csv",
                 "거래처 코드,거래처명,대표자명,전화번호,주소\n"
                 "A-17,(주)미래유통,박민수,02-555-0101,서울특별시 중구 세종대로 9\n"
                 "A-18,한솔무역(주),최지은,051-555-0202,부산광역시 해운대구 센텀로 3\n")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    got = customers(admin)
    assert got["(주)미래유통"]["address"] == "서울특별시 중구 세종대로 9"
    assert "src:A-18" in got["한솔무역(주)"]["tags"]
    assert "박민수" in got["(주)미래유통"]["notes"]


def test_korean_sales_by_partner_link_each_row_to_the_partner_named(admin, tmp_path):
    path = write(tmp_path, "매출.csv",
                 "거래처명,주문일자,금액\n"
                 "(주)미래유통,2025-05-02,150000\n"
                 "한솔무역(주),2025-05-03,99000\n"
                 "총 2건,,249000\n")
    result = import_file(admin, path, kind="orders", currency="KRW")
    assert (result.created, result.rejected, result.footer_rows) == (2, 0, 1)
    assert orders(admin)["한솔무역(주)"]["amount"] == Decimal("99000")


# ----- count lines under a table ---------------------------------------------------------------

@pytest.mark.parametrize("footer, lines", [
    ("共2笔记录\n", 1),
    ("共2条\n合计,,300.00\n", 2),
    ("計2件\n", 1),
    ("合計 2件,,300\n", 1),
    ("총 2건\n", 1),
    ("收入：2笔,,300.00\n支出：0笔,,0.00\n", 2),
    ("已收入:2笔,300.00元\n导出时间:[2025-03-01 08:00:00]\n", 2),
])
def test_count_lines_in_chinese_japanese_and_korean_after_the_data_are_footers(admin, tmp_path, footer, lines):
    path = write(tmp_path, "list.csv", "Name,City,Amount\n"
                                       "东方贸易有限公司,上海,100.00\n"
                                       "株式会社サクラ,東京,200.00\n" + footer)
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.footer_rows) == (2, 0, lines)
    assert set(customers(admin)) == {"东方贸易有限公司", "株式会社サクラ"}


def test_customers_whose_names_start_with_a_number_stay_above_the_count_line(admin, tmp_path):
    path = write(tmp_path, "list.csv", "Name,City,Amount\n"
                                       "东方贸易有限公司,上海,100.00\n"
                                       "7天酒店,,\n"
                                       "5个朋友餐厅,,\n"
                                       "共3笔\n")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (3, 1)
    assert set(customers(admin)) == {"东方贸易有限公司", "7天酒店", "5个朋友餐厅"}
