"""A customer id the store does not know is no evidence against the row's email or phone.

Orders, contacts and tickets files from other systems carry that system's customer id
(Customer ID, Contact ID, Kundennr). When no stored customer has it, the row's customer
is found by its email, then its phone, as duplicate checks find customers; the file's id
is kept in the row's Notes; a customer is created only when nothing finds one.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


def said(result, what: str) -> dict:
    (found,) = [i for i in result.inferences if i["what"] == what]
    return found


WRITERS = [("csv", write_csv), ("xlsx", write_xlsx)]


@pytest.mark.parametrize("ext,write", WRITERS)
@pytest.mark.parametrize("name,email,written", [
    ("Ahmet Yılmaz", "ahmet@yilmaz.com.tr", "AHMET@YILMAZ.COM.TR"),
    ("山田太郎", "taro@yamada.example.jp", "taro@yamada.example.jp"),
    ("Jan Kowalski", "jan.kowalski@gmail.com", "JanKowalski+shop@gmail.com"),
])
def test_an_order_with_an_unknown_customer_id_links_to_the_stored_customer_of_its_email(
        admin, tmp_path, ext, write, name, email, written):
    stored = records.create(admin, "customer", {"name": name, "email": email})["id"]
    path = write(tmp_path / f"orders.{ext}", [
        ["Order Number", "Order Date", "Customer ID", "Customer Name", "Email", "Total", "Currency"],
        ["X-1", "2026-04-01", "K-77", name, written, "100.00", "EUR"],
        ["X-2", "2026-04-02", "K-77", name, "", "50.00", "EUR"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    assert [c["id"] for c in customers(admin)] == [stored]
    orders = records.list_records(admin, "order")
    assert {o["customer_id"] for o in orders} == {stored}
    assert all("K-77" in (o["notes"] or "") for o in orders)
    assert "K-77 -> " + stored in said(result, "customer ids the store does not know")["evidence"]


@pytest.mark.parametrize("ext,write", WRITERS)
@pytest.mark.parametrize("stored_phone,written", [("+90 532 123 4567", "0532 123 45 67"),
                                                  ("+44 7700 900123", "+44 (0)7700 900123")])
def test_an_order_with_an_unknown_customer_id_and_no_email_links_by_its_phone(
        admin, tmp_path, ext, write, stored_phone, written):
    stored = records.create(admin, "customer", {"name": "Ayşe Demir", "phone": stored_phone})["id"]
    path = write(tmp_path / f"orders.{ext}", [["Order Number", "Order Date", "Kundennr", "Customer Name", "Phone",
                                               "Total"],
                                              ["9001", "2026-04-01", "A-5", "Ayşe Demir", written, "10"]])
    result = import_file(admin, path, kind="orders", mapping={"Kundennr": "Customer Ref"})
    assert (result.created, result.customers_created) == (1, 0)
    assert [o["customer_id"] for o in records.list_records(admin, "order")] == [stored]


def test_an_unknown_customer_id_that_no_email_or_phone_finds_makes_a_customer_with_that_id(admin, tmp_path):
    records.create(admin, "customer", {"name": "Ahmet Yılmaz", "email": "ahmet@yilmaz.com.tr"})
    path = write_csv(tmp_path / "orders.csv", [
        ["Order Number", "Order Date", "Customer ID", "Customer Name", "Email", "Total"],
        ["X-1", "2026-04-01", "K-78", "Szabó Péter", "peter.szabo@freemail.hu", "20"],
        ["X-2", "2026-04-02", "K-79", "Ahmet Yılmaz", "other@elsewhere.example", "30"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (2, 2)
    made = {c["name"]: c for c in customers(admin) if c["tags"]}
    assert made["Szabó Péter"]["tags"] == "src:K-78" and made["Ahmet Yılmaz"]["tags"] == "src:K-79"


@pytest.mark.parametrize("ext,write", WRITERS)
def test_freshdesk_tickets_with_unknown_contact_ids_link_to_stored_customers_and_later_files_still_link(
        admin, tmp_path, ext, write):
    jan = records.create(admin, "customer", {"name": "Jan Kowalski", "email": "jan@kowalski.pl"})["id"]
    anna = records.create(admin, "customer", {"name": "Anna Nowak", "email": "anna.nowak@wp.pl"})["id"]
    path = write(tmp_path / f"tickets.{ext}", [
        ["Ticket ID", "Subject", "Status", "Priority", "Created time", "Full name", "Contact ID", "Email"],
        ["101", "Printer broken", "Open", "High", "2026-03-01 09:00:00", "Jan Kowalski", "5001", "jan@kowalski.pl"],
        ["102", "Invoice wrong", "Pending", "Urgent", "2026-03-03 14:30:00", "Anna Nowak", "5002",
         "Anna.Nowak@wp.pl"]])
    result = import_file(admin, path, kind="tickets")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    assert sorted(t["customer_id"] for t in records.list_records(admin, "ticket")) == sorted([jan, anna])
    later = write_csv(tmp_path / "orders.csv", [["Order Number", "Order Date", "Customer Name", "Total"],
                                                ["7", "2026-04-01", "Jan Kowalski", "5"]])
    again = import_file(admin, later, kind="orders")
    assert (again.created, again.rejected) == (1, 0)
    assert len(customers(admin)) == 2


@pytest.mark.parametrize("ext,write", WRITERS)
@pytest.mark.parametrize("stored_name,written", [("Nguyễn Trading Co., Ltd.", "Nguyễn Trading Co., Ltd."),
                                                 ("Acme Ltd", "ACME Limited"), ("株式会社山田", "山田(株)")])
def test_contacts_with_an_unknown_company_id_link_to_the_company_of_that_name(
        admin, tmp_path, ext, write, stored_name, written):
    company = records.create(admin, "customer", {"name": stored_name, "type": "Company"})["id"]
    path = write(tmp_path / f"contacts.{ext}", [["Customer ID", "Company", "Contact Name", "Email"],
                                                ["ACC-9", written, "Trần Thị Mai", "mai@example.vn"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.customers_created) == (1, 0)
    assert [c["customer_id"] for c in records.list_records(admin, "contact")] == [company]
    assert "ACC-9" in (records.list_records(admin, "contact")[0]["notes"] or "")


def test_an_unknown_id_does_not_link_by_name_to_a_customer_with_another_id_of_its_own(admin, tmp_path):
    other = records.create(admin, "customer", {"name": "Acme Ltd", "type": "Company", "tags": "src:ACC-1"})["id"]
    path = write_csv(tmp_path / "contacts.csv", [["Customer ID", "Company", "Contact Name"],
                                                 ["ACC-2", "Acme Ltd", "Jo Bloggs"],
                                                 ["ACC-1", "Acme Ltd", "Sam Smith"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.customers_created) == (2, 1)
    by_name = {c["name"]: c["customer_id"] for c in records.list_records(admin, "contact")}
    assert by_name["Sam Smith"] == other and by_name["Jo Bloggs"] != other
