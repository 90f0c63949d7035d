"""Guards on who a row is: a company's name keeps its first word, a phone written in
another country's style is not read under the store's region by accident, emails
link orders as duplicate checks compare them, and a row's Company settles namesakes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cims_xl.domain.duplicates import name_key
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv


def add_customer(session, name: str, **values) -> str:
    return records.create(session, "customer", {"name": name, **values})["id"]


def listed(session, kind: str) -> list[dict]:
    return records.list_records(session, kind)


# ----- 1. a company's first word is no title ------------------------------------------------

COMPANY_AND_ANOTHER = [("King Fook Jewellery", "Fook Jewellery"), ("Doctor Who Ltd", "Who Ltd"),
                       ("Sister Act Ltd", "Act Ltd"), ("Lord Nelson GmbH", "Nelson GmbH")]


@pytest.mark.parametrize("written, stored", COMPANY_AND_ANOTHER)
def test_an_order_for_a_company_whose_name_begins_like_a_title_is_not_linked_to_the_rest_of_it(
        admin, tmp_path, written, stored):
    other = add_customer(admin, stored)
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", written, "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 1)
    (order,) = listed(admin, "order")
    assert order["customer_id"] != other
    assert sorted(c["name"] for c in listed(admin, "customer")) == sorted([written, stored])


@pytest.mark.parametrize("first, second", [*COMPANY_AND_ANOTHER, ("Mrs. Fields Cookies", "Fields Cookies")])
def test_two_companies_whose_names_differ_by_a_title_like_word_are_both_stored(admin, tmp_path, first, second):
    path = write_csv(tmp_path / "firms.csv", [["Name", "Type"], [first, "Company"], [second, "Company"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (2, 0)
    assert sorted(c["name"] for c in listed(admin, "customer")) == sorted([first, second])


@pytest.mark.parametrize("written, stored", [("Mr. John Smith", "John Smith"), ("Frau Anna Schmidt", "Anna Schmidt"),
                                             ("Dr. Hans Müller", "Hans Müller"), ("Mme Marie Curie", "Marie Curie")])
def test_a_persons_title_is_still_set_aside_when_an_order_finds_the_customer(admin, tmp_path, written, stored):
    cid = add_customer(admin, stored)
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Amount"],
                                               ["1001", "2026-03-05", written, "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 0)
    assert [o["customer_id"] for o in listed(admin, "order")] == [cid]


def test_a_title_before_a_family_name_alone_still_keeps_it_apart():
    assert name_key("Mr Smith") == "mr smith" and name_key("King Smith") == "king smith"
    assert name_key("Sir John Smith") == name_key("John Smith")


# ----- 3. orders find their customer by email as duplicate checks compare emails -----------

@pytest.mark.parametrize("stored, written, name", [
    ("klaus@becker.de", "KLAUS@BECKER.DE", "K. Becker"),
    ("wang.wei@example.cn", "Wang.Wei@Example.CN", "王先生"),
    ("john.smith@gmail.com", "JohnSmith+shop@gmail.com", "J Smith"),
])
def test_an_order_whose_customer_email_is_a_stored_customers_written_another_way_links_to_that_customer(
        admin, tmp_path, stored, written, name):
    cid = add_customer(admin, "Klaus Becker", email=stored)
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Email", "Amount"],
                                               ["1001", "2026-03-05", name, written, "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 0)
    assert [o["customer_id"] for o in listed(admin, "order")] == [cid]
    assert [c["name"] for c in listed(admin, "customer")] == ["Klaus Becker"]


def test_two_namesakes_are_settled_by_a_gmail_address_written_with_dots_and_a_tag(admin, tmp_path):
    one = add_customer(admin, "Maria Garcia", email="mariagarcia@gmail.com")
    two = add_customer(admin, "Maria Garcia", email="m.garcia77@gmail.com")
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Email", "Amount"],
                                               ["1001", "2026-03-05", "Maria Garcia", "M.Garcia.77+web@Gmail.com", "50"],
                                               ["1002", "2026-03-06", "Maria Garcia", "Maria.Garcia@googlemail.com", "9"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    assert {o["order_number"]: o["customer_id"] for o in listed(admin, "order")} == {"1001": two, "1002": one}


def test_an_email_of_no_stored_customer_still_creates_the_customer_named(admin, tmp_path):
    add_customer(admin, "Klaus Becker", email="klaus@becker.de")
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Email", "Amount"],
                                               ["1001", "2026-03-05", "K. Becker", "kb@other.example", "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 1)
    assert sorted(c["name"] for c in listed(admin, "customer")) == ["K. Becker", "Klaus Becker"]


# ----- 4. the row's Company settles namesakes ------------------------------------------------

@pytest.mark.parametrize("header, written", [("Company", "ACME Limited"), ("Customer Company", "acme ltd"),
                                             ("Company", "Acme")])
def test_the_rows_company_says_which_of_two_namesakes_an_order_belongs_to(admin, tmp_path, header, written):
    add_customer(admin, "Maria Garcia", company="Globex GmbH")
    two = add_customer(admin, "Maria Garcia", company="Acme Ltd")
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", header, "Amount"],
                                               ["1001", "2026-03-05", "Maria Garcia", written, "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (1, 0, 0), result.outcomes[0].as_dict()
    assert [o["customer_id"] for o in listed(admin, "order")] == [two]


def test_a_company_neither_namesake_has_still_leaves_the_row_unlinked_naming_both(admin, tmp_path):
    one = add_customer(admin, "Maria Garcia", company="Globex GmbH")
    two = add_customer(admin, "Maria Garcia", company="Acme Ltd")
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Company", "Amount"],
                                               ["1001", "2026-03-05", "Maria Garcia", "Initech Inc", "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (0, 1)
    assert one in result.outcomes[0].reason and two in result.outcomes[0].reason
    assert listed(admin, "order") == []


# ----- 2. a number written in another country's style under the store's region -------------

def own_store(tmp_path: Path, currency: str, region: str | None = None):
    from cims_xl.services import auth
    from cims_xl.services import settings as st
    from conftest import ADMIN_PASSWORD, FAST_KDF

    path = tmp_path / "own.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF, currency=currency)
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    if region:
        st.set_store_region(session, region)
    return session


def stored(session) -> dict[str, dict]:
    return {c["name"]: c for c in listed(session, "customer")}


@pytest.mark.parametrize("currency, region, phone", [
    ("EUR", "DE", "(415) 555-0100"), ("EUR", "DE", "13912345678"), ("EUR", "FR", "139 1234 5678"),
    ("GBP", "GB", "(212) 555-0187"), ("JPY", "JP", "138-0013-8000"),
])
def test_a_number_in_another_countrys_national_style_is_not_stored_under_the_store_region(
        tmp_path, currency, region, phone):
    session = own_store(tmp_path, currency, region)
    try:
        path = write_csv(tmp_path / "people.csv", [["Name", "Phone"], ["Alex Roe", phone]])
        result = import_file(session, path)
        row = stored(session)["Alex Roe"]
        assert not row.get("phone")
        assert phone in (row.get("notes") or "")
        assert result.outcomes[0].warnings
    finally:
        session.close()


def test_a_number_written_as_the_store_region_writes_it_is_still_stored(tmp_path):
    session = own_store(tmp_path, "EUR", "DE")
    try:
        path = write_csv(tmp_path / "people.csv", [["Name", "Phone"], ["Hans Weber", "(030) 1234567"],
                                                   ["Eva Maier", "0151 23456789"]])
        import_file(session, path)
        assert {n: c["phone"] for n, c in stored(session).items()} == {"Hans Weber": "+49301234567",
                                                                       "Eva Maier": "+4915123456789"}
    finally:
        session.close()


@pytest.mark.parametrize("email, country", [("minsu@naver.com", "KR"), ("jiwoo@hanmail.net", "KR"),
                                            ("seoyeon@daum.net", "KR")])
def test_a_korean_webmail_address_is_evidence_against_reading_a_number_as_chinese(tmp_path, email, country):
    session = own_store(tmp_path, "CNY")
    try:
        path = write_csv(tmp_path / "kr.csv", [["Name", "Email", "Phone"], ["김민수", email, "010-1234-5678"]])
        result = import_file(session, path)
        row = stored(session)["김민수"]
        assert not row.get("phone") and "010-1234-5678" in (row.get("notes") or "")
        assert result.outcomes[0].warnings
    finally:
        session.close()


def test_a_chinese_webmail_address_leaves_a_chinese_number_as_it_was(tmp_path):
    session = own_store(tmp_path, "CNY")
    try:
        path = write_csv(tmp_path / "cn.csv", [["Name", "Email", "Phone"], ["王伟", "wangwei@qq.com", "010-1234-5678"],
                                                ["李娜", "lina@163.com", "13912345678"]])
        import_file(session, path)
        assert {n: c["phone"] for n, c in stored(session).items()} == {"王伟": "+861012345678",
                                                                       "李娜": "+8613912345678"}
    finally:
        session.close()


def test_one_and_a_us_area_code_in_a_cny_store_is_not_a_silent_chinese_mobile_when_the_file_points_to_the_us(
        tmp_path):
    session = own_store(tmp_path, "CNY")
    try:
        path = write_csv(tmp_path / "us.csv", [["Name", "Phone"], ["Ann Lee", "(212) 555-0187"],
                                               ["Bob Ray", "(646) 555-0110"], ["Cy Fox", "14155552671"]])
        result = import_file(session, path)
        rows = stored(session)
        assert not any(rows[n].get("phone") for n in ("Ann Lee", "Bob Ray", "Cy Fox"))
        assert "14155552671" in (rows["Cy Fox"].get("notes") or "")
        assert any(i["what"].startswith("phone country") and "US" in i["evidence"] for i in result.inferences)
    finally:
        session.close()


def test_one_and_a_us_area_code_in_a_cny_store_without_us_evidence_is_no_chinese_mobile_either(tmp_path):
    """141 begins no mainland mobile range (phonenumbers' metadata): +8614155552671 would
    be a number that does not exist. Left empty, its text in Notes; a real mobile stays."""
    session = own_store(tmp_path, "CNY")
    try:
        path = write_csv(tmp_path / "cn.csv", [["Name", "Phone"], ["李娜", "14155552671"], ["王伟", "13012345678"]])
        import_file(session, path)
        rows = stored(session)
        assert {n: c["phone"] for n, c in rows.items()} == {"李娜": None, "王伟": "+8613012345678"}
        assert "14155552671" in rows["李娜"]["notes"]
    finally:
        session.close()
