"""A Chinese name written in Traditional characters in one place and in Simplified ones
in another (深圳明達科技有限公司, 深圳明达科技有限公司) is never two customers without a
word.

A customers file keeps the second spelling as a customer of its own (the two may be one
company or a Hong Kong and a mainland namesake) with a warning on the row and a
"possibly the same company" line in the summary naming both spellings. An orders or
contacts file links its row to the one customer whose name is its own in the other
script, and says so; when two customers could be meant, the row is refused naming both.
"""

from __future__ import annotations

import pytest

from cims_xl.domain.duplicates import simplified
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

# (Traditional, Simplified): Shenzhen, Guangzhou, Hong Kong and Taipei companies, legal
# forms and the words company names are made of.
PAIRS = [
    ("深圳明達科技有限公司", "深圳明达科技有限公司"),
    ("廣州華東實業貿易有限公司", "广州华东实业贸易有限公司"),
    ("香港東方國際發展有限公司", "香港东方国际发展有限公司"),
    ("臺灣積體電路製造股份有限公司", "台湾积体电路制造股份有限公司"),
    ("廈門灣電子有限責任公司", "厦门湾电子有限责任公司"),
]


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


def said(result, what: str) -> list[dict]:
    return [i for i in result.inferences if i["what"] == what]


@pytest.mark.parametrize("traditional,simple", PAIRS)
def test_traditional_characters_fold_to_simplified_ones(traditional, simple):
    assert simplified(traditional) == simple
    assert simplified(simple) == simple
    assert simplified("Acme Ltd") == "Acme Ltd"
    assert simplified("山田株式会社") == "山田株式会社"      # Japanese kana and shared kanji stay


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("first,second", [PAIRS[0], PAIRS[1][::-1], PAIRS[2]])
def test_a_customers_file_with_both_scripts_keeps_two_customers_and_says_so(admin, tmp_path, writer, first, second):
    suffix = ".csv" if writer is write_csv else ".xlsx"
    path = writer(tmp_path / f"customers{suffix}", [["客户名称", "类型", "城市"],
                                                    [first, "企业", "深圳"],
                                                    ["王伟", "个人", "深圳"],
                                                    [second, "企业", "深圳"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created"] * 3
    one, person, two = result.outcomes
    assert not one.warnings and not person.warnings
    why = two.warnings["客户名称"]
    assert f"row 2 ({first})" in why and "Traditional" in why and "cims customer merge" in why
    (maybe,) = said(result, "possibly the same company")
    assert maybe["decided"].startswith("1 row(s)")
    assert first in maybe["evidence"] and second in maybe["evidence"]
    assert sorted(c["name"] for c in customers(admin)) == sorted([first, second, "王伟"])


def test_a_stored_company_in_the_other_script_is_named_by_the_dry_run(admin, tmp_path):
    stored = records.create(admin, "customer", {"name": "廣州華東實業貿易有限公司", "type": "Company"})["id"]
    path = write_csv(tmp_path / "customers.csv", [["Name", "Type", "Email"],
                                                  ["广州华东实业贸易有限公司", "Company", "sales@huadong.example"]])
    result = import_file(admin, path, kind="customers", dry_run=True)
    assert result.created == 1
    (why,) = result.outcomes[0].warnings.values()
    assert f"{stored} (廣州華東實業貿易有限公司)" in why
    (maybe,) = said(result, "possibly the same company")
    assert "广州华东实业贸易有限公司" in maybe["evidence"] and "廣州華東實業貿易有限公司" in maybe["evidence"]
    assert len(customers(admin)) == 1          # a dry run writes nothing


def test_two_companies_that_differ_in_more_than_their_script_are_not_named(admin, tmp_path):
    path = write_csv(tmp_path / "customers.csv", [["Name", "Type"],
                                                  ["深圳明達科技有限公司", "Company"],
                                                  ["深圳明达电子有限公司", "Company"],
                                                  ["深圳明达科技股份有限公司", "Company"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created"] * 3
    assert not any(o.warnings for o in result.outcomes)
    assert said(result, "possibly the same company") == []


@pytest.mark.parametrize("traditional,simple", PAIRS)
def test_an_order_for_a_stored_company_written_in_the_other_script_links_to_it(admin, tmp_path, traditional, simple):
    stored = records.create(admin, "customer", {"name": simple, "type": "Company"})["id"]
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", traditional, "50"],
                                               ["1002", "2026-03-06", traditional, "70"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    assert {o["customer_id"] for o in records.list_records(admin, "order")} == {stored}
    assert [c["name"] for c in customers(admin)] == [simple]
    (linked,) = said(result, "customers found by a name written another way")
    assert f"'{traditional}' -> {stored} ('{simple}')" in linked["evidence"]
    assert "Traditional" in linked["evidence"]


def test_a_contact_of_a_traditional_company_links_to_its_simplified_record(admin, tmp_path):
    stored = records.create(admin, "customer", {"name": "台湾积体电路制造股份有限公司", "type": "Company"})["id"]
    path = write_xlsx(tmp_path / "contacts.xlsx", [["Company", "Contact Name", "Email"],
                                                    ["臺灣積體電路製造股份有限公司", "陳美玲", "mei@tsmc.example"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.customers_created) == (1, 0)
    assert [c["customer_id"] for c in records.list_records(admin, "contact")] == [stored]


def test_an_order_whose_folded_name_is_two_customers_is_refused_naming_both(admin, tmp_path):
    t = records.create(admin, "customer", {"name": "廣州華東實業有限公司", "type": "Company"})["id"]
    s = records.create(admin, "customer", {"name": "广州华东实业有限公司", "type": "Company"})["id"]
    # written in neither script throughout: the folded name is both customers'
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", "廣州华东實業有限公司", "50"],
                                               ["1002", "2026-03-06", "广州华东实业有限公司", "70"]])
    result = import_file(admin, path, kind="orders")
    refused, exact = result.outcomes
    assert refused.action == "rejected" and exact.action == "created"
    (why,) = refused.problems.values()
    assert f"{t} (廣州華東實業有限公司)" in why and f"{s} (广州华东实业有限公司)" in why
    assert [o["customer_id"] for o in records.list_records(admin, "order")] == [s]
    assert len(customers(admin)) == 2


def test_orders_of_one_new_company_in_both_scripts_make_one_customer(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", "香港東方國際發展有限公司", "50"],
                                               ["1002", "2026-03-06", "香港东方国际发展有限公司", "70"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 1)
    (customer,) = customers(admin)
    assert customer["name"] == "香港東方國際發展有限公司"
    (linked,) = said(result, "customers found by a name written another way")
    assert "'香港东方国际发展有限公司' -> a new customer" in linked["evidence"]


@pytest.mark.parametrize("stored,written", [("王伟", "王偉"), ("陳美玲", "陈美玲")])
def test_an_order_for_a_person_written_in_the_other_script_links_to_them(admin, tmp_path, stored, written):
    who = records.create(admin, "customer", {"name": stored})["id"]
    path = write_csv(tmp_path / "orders.csv", [["订单号", "订单日期", "客户名称", "金额"],
                                               ["1001", "2026-03-05", written, "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 0)
    assert [o["customer_id"] for o in records.list_records(admin, "order")] == [who]
    (linked,) = said(result, "customers found by a name written another way")
    assert f"'{written}' -> {who} ('{stored}')" in linked["evidence"]


def test_a_name_in_the_other_script_does_not_link_to_a_customer_the_rows_email_says_is_someone_else(admin, tmp_path):
    from cims_xl.services import records as recs
    from table_files import write_csv as csv_file

    mainland = recs.create(admin, "customer", {"name": "深圳明达科技有限公司", "email": "info@mingda.cn"})
    head = ["Order ID", "Order Date", "Customer Name", "Customer Email", "Amount"]
    path = csv_file(tmp_path / "o.csv", [head, ["1", "2026-03-05", "深圳明達科技有限公司", "info@mingda.com.hk", "10"],
                                         ["2", "2026-03-06", "深圳明達科技有限公司", "", "20"]])
    import_file(admin, path, kind="orders")
    by_number = {o["order_number"]: o["customer_id"] for o in recs.list_records(admin, "order")}
    assert by_number["1"] != mainland["id"]          # its email is another company's
    assert by_number["2"] == by_number["1"]          # the name as written is now that new customer's


def test_a_person_in_the_other_script_is_kept_apart_with_a_warning_unless_the_emails_differ(admin, tmp_path):
    from cims_xl.services import records as recs
    from table_files import write_csv as csv_file

    stored = recs.create(admin, "customer", {"name": "王伟", "email": "wangwei@example.cn"})
    recs.create(admin, "customer", {"name": "陈静"})
    path = csv_file(tmp_path / "c.csv", [["Name", "Email"], ["王偉", ""], ["陳靜", ""], ["張偉", "zw@example.hk"],
                                         ["张伟", "zhangwei@example.cn"], ["王偉", "ww@example.hk"]])
    result = import_file(admin, path)
    assert result.created == 5
    warned = {o.row: o.warning for o in result.outcomes if o.warnings}
    assert stored["id"] in warned[2] and "Traditional and Simplified" in warned[2]
    assert "陈静" in warned[3]
    assert 5 not in warned                      # 张伟 and 張偉 have different emails
    assert 6 not in warned or stored["id"] not in warned[6]     # 王偉 with another email than 王伟's
    line = next(i for i in result.inferences if i["what"] == "possibly the same person")
    assert "Traditional Chinese characters" in line["evidence"]


def test_text_with_no_character_opencc_changes_is_its_own_simplified_form_as_the_full_conversion_says():
    import random

    from cims_xl.domain import duplicates

    convert = duplicates._t2s().convert
    traditional = duplicates._traditional()
    plain = [chr(c) for c in range(0x4E00, 0xA000) if chr(c) not in traditional]
    rng = random.Random(7)
    for _ in range(3_000):
        text = "".join(rng.choice(plain) for _ in range(rng.randint(1, 8)))
        assert simplified(text) == text == convert(text)
    for text in ("深圳明達科技有限公司", "王偉", "臺灣", "髮型", "乾隆"):
        assert simplified(text) == convert(text) != text or text == "乾隆"
