"""One company written several ways is one customer; two spellings that may or may not
be one company are kept apart and said.

Chinese names with their city written with or without 市 (or province with or without
省), Korean legal forms before or after the name in full or abbreviated ((주), ㈜,
주식회사), Japanese 前株 and 後株 ((株), ㈱, 株式会社). A city written on one name only
("北京明达", "明达") is not evidence of one company: a new customer is made, with a
warning that names the other.
"""

from __future__ import annotations

import pytest

from cims_xl.domain.duplicates import company_core, company_key, company_parts, same_company
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

ONE_COMPANY = [
    ("深圳市明达科技有限公司", "深圳明达科技有限公司"),
    ("北京市恒通贸易有限公司", "北京恒通贸易有限公司"),
    ("上海市 东方印刷有限责任公司", "上海东方印刷有限公司"),
    ("广东省华南建材有限公司", "广东华南建材有限公司"),
    ("晋江市安踏鞋业有限公司", "晋江安踏鞋业有限公司"),          # a county-level city
    ("北京市明达", "北京明达"),                                  # no legal form on either
    ("(주)한빛", "주식회사 한빛"),
    ("㈜한빛", "한빛(주)"),
    ("한빛 주식회사", "（주）한빛"),
    ("(유)다온", "다온 유한회사"),
    ("株式会社山田", "(株)山田"),
    ("山田株式会社", "㈱山田"),
    ("（株）山田", "山田(株)"),
    ("有限会社佐藤商店", "(有)佐藤商店"),
    ("合同会社サクラ", "サクラ(合)"),
]

TWO_COMPANIES = [
    ("北京明达科技有限公司", "明达科技有限公司"),        # a city on one only: may be, not clear
    ("北京明达科技有限公司", "上海明达科技有限公司"),    # two cities
    ("吉林市明达", "吉林省明达"),                        # a city and the province of its name
    ("深圳市明达科技有限公司", "深圳明达科技股份有限公司"),  # another legal form
    ("주식회사 한빛", "유한회사 한빛"),
    ("株式会社山田", "有限会社山田"),
    ("(株)山田", "(株)山本"),
]


@pytest.mark.parametrize("a,b", ONE_COMPANY)
def test_one_company_written_two_ways_has_one_key(a, b):
    assert company_key(a) == company_key(b)
    assert same_company(a, b) and same_company(b, a)


@pytest.mark.parametrize("a,b", TWO_COMPANIES)
def test_two_companies_have_two_keys(a, b):
    assert company_key(a) != company_key(b)
    assert not same_company(a, b)


def test_a_short_form_of_two_divisions_is_left_as_written():
    # 吉林 is 吉林省 and 吉林市: which one "吉林明达" means the name does not say
    assert company_parts("吉林明达科技有限公司")[0] == "吉林明达科技"
    assert not same_company("吉林明达科技有限公司", "吉林市明达科技有限公司")
    assert not same_company("吉林明达科技有限公司", "吉林省明达科技有限公司")


def test_a_city_name_alone_or_before_one_character_is_not_folded():
    assert company_parts("北京市")[0] == "北京市"
    assert company_key("北京") != company_key("北京市")
    assert company_parts("上海东")[0] == "上海东"


@pytest.mark.parametrize("name,core", [("北京明达科技有限公司", "明达科技"), ("北京市明达科技", "明达科技"),
                                       ("吉林明达", "明达"), ("明达科技有限公司", ""), ("Acme Ltd", ""),
                                       ("(주)한빛", ""), ("", "")])
def test_the_core_of_a_chinese_company_is_its_name_without_its_city(name, core):
    assert company_core(name) == core


def test_a_japanese_company_is_not_read_for_a_chinese_city():
    # 大同 is a Chinese city, and the first word of a Japanese insurer's name
    assert company_parts("大同生命保険株式会社")[0] == "大同生命保険"
    assert company_core("大同生命保険株式会社") == ""
    assert not same_company("大同生命保険株式会社", "大同市生命保険株式会社")


def test_latin_names_keep_their_keys():
    assert company_key("Acme Co., Ltd.") == "acme|co,ltd"
    assert company_key("Mrs. Fields Cookies") == "mrs fields cookies"


# ----- through a real import --------------------------------------------------------------

def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


def orders(session) -> list[dict]:
    return records.list_records(session, "order")


def said(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
@pytest.mark.parametrize("a,b", ONE_COMPANY[:3] + ONE_COMPANY[6:9] + ONE_COMPANY[10:13])
def test_orders_of_one_company_written_two_ways_make_one_customer(admin, tmp_path, writer, a, b):
    suffix = ".csv" if writer is write_csv else ".xlsx"
    path = writer(tmp_path / f"orders{suffix}", [["Order ID", "Order Date", "Customer", "Amount"],
                                                  ["1001", "2026-03-05", a, "50"],
                                                  ["1002", "2026-03-06", b, "70"],
                                                  ["1003", "2026-03-07", a, "20"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 1)
    (customer,) = customers(admin)
    assert customer["name"] == a      # as the first row wrote it (㈜ too: names keep their characters)
    assert {o["customer_id"] for o in orders(admin)} == {customer["id"]}
    assert f"'{b}' -> a new customer" in said(result, "customers found by a name written another way")["evidence"]


@pytest.mark.parametrize("stored,written", [("(주)한빛", "한빛(주)"), ("주식회사 한빛", "㈜한빛"),
                                            ("株式会社山田", "山田(株)"), ("上海市东方印刷有限公司", "上海东方印刷有限公司"),
                                            ("深圳明达科技有限公司", "深圳市明达科技有限公司")])
def test_a_contacts_company_written_another_way_links_to_the_stored_company(admin, tmp_path, stored, written):
    company = records.create(admin, "customer", {"name": stored, "type": "Company"})["id"]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name", "Email"],
                                                 [written, "김민수", "minsu@example.kr"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.customers_created) == (1, 0)
    assert [c["customer_id"] for c in records.list_records(admin, "contact")] == [company]
    assert len(customers(admin)) == 1


def test_a_customers_file_counts_the_second_spelling_of_a_company_as_a_duplicate(admin, tmp_path):
    path = write_xlsx(tmp_path / "customers.xlsx", [["Name", "Type", "City"],
                                                     ["上海市明达贸易有限公司", "Company", "上海"],
                                                     ["上海明达贸易有限公司", "Company", "上海"],
                                                     ["(주)한빛", "Company", "서울"],
                                                     ["한빛 주식회사", "Company", "서울"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created", "duplicate", "created", "duplicate"]
    assert sorted(c["name"] for c in customers(admin)) == ["(주)한빛", "上海市明达贸易有限公司"]


def test_a_company_with_its_city_on_one_row_only_is_a_second_customer_that_the_import_names(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", "北京明达科技有限公司", "50"],
                                               ["1002", "2026-03-06", "明达科技有限公司", "70"],
                                               ["1003", "2026-03-07", "上海明达科技有限公司", "20"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 3)
    first, second, third = result.outcomes
    assert not first.warnings
    (why,) = second.warnings.values()
    assert "may be '北京明达科技有限公司' of this file" in why and "Customer ID" in why
    # a third city is a company of its own; it may be the city-less one, said too
    (why,) = third.warnings.values()
    assert "'明达科技有限公司' of this file" in why and "北京" not in why
    maybe = said(result, "new customers who may be another")
    assert maybe["decided"].startswith("2 customer(s) created")
    assert "city" in maybe["evidence"]


def test_a_stored_company_without_its_city_is_named_by_the_dry_run_of_one_with_it(admin, tmp_path):
    stored = records.create(admin, "customer", {"name": "恒通贸易", "type": "Company"})["id"]
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", "广州市恒通贸易有限公司", "50"]])
    result = import_file(admin, path, kind="orders", dry_run=True)
    assert (result.created, result.customers_created) == (1, 1)
    (why,) = result.outcomes[0].warnings.values()
    assert f"{stored} (恒通贸易)" in why
    assert len(customers(admin)) == 1


def test_a_customers_file_names_a_company_written_with_and_without_its_city(admin, tmp_path):
    stored = records.create(admin, "customer", {"name": "恒通印刷有限公司", "type": "Company"})["id"]
    path = write_csv(tmp_path / "customers.csv", [["客户名称", "类型", "电话"],
                                                  ["上海恒通印刷有限公司", "企业", ""],
                                                  ["深圳市明达科技有限公司", "企业", ""],
                                                  ["明达科技有限公司", "企业", ""],
                                                  ["王伟", "个人", ""]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created"] * 4
    one, two, three, person = result.outcomes
    assert f"{stored} (恒通印刷有限公司)" in one.warnings["客户名称"]
    assert not two.warnings
    assert "row 3 (深圳市明达科技有限公司)" in three.warnings["客户名称"]
    assert "cims customer merge" in three.warnings["客户名称"]
    assert not person.warnings
    assert said(result, "possibly the same company")["decided"].startswith("2 row(s)")
    assert len(customers(admin)) == 5
