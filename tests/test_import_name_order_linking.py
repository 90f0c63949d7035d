"""A person's name written family name first in one file and given name first in
another (Russian "Иванов Иван" / "Иван Иванов", Hungarian "Kovács Anna" / "Anna Kovács")
finds the one customer of that name instead of making a second one without a word.

An orders row links to the stored customer whose name is its own in the other order
when exactly one has it and the row's customer email or phone does not say it is
someone else; the summary shows the link. When two customers could be meant, the row is
refused naming both (a Customer ID column or the customer's email settles it).
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

HEAD = ["Order ID", "Order Date", "Customer Name", "Amount"]


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


def order_customers(session) -> list[str]:
    return [o["customer_id"] for o in sorted(records.list_records(session, "order"), key=lambda o: o["order_number"])]


def said(result, what: str) -> list[dict]:
    return [i for i in result.inferences if i["what"] == what]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("stored,written", [
    ("Иванов Иван", "Иван Иванов"),                       # Russian, family name first in the customer list
    ("Kovács Anna", "Anna Kovács"),                       # Hungarian
    ("Anna Kovács", "Kovács Anna"),                       # the other way round
    ("Иванов Иван Петрович", "Иван Петрович Иванов"),     # with a patronymic
    ("Nguyễn Văn An", "Văn An Nguyễn"),                   # Vietnamese
])
def test_an_order_naming_a_stored_person_the_other_way_round_links_to_them(admin, tmp_path, writer, stored, written):
    who = records.create(admin, "customer", {"name": stored, "email": "person@example.org"})["id"]
    suffix = ".csv" if writer is write_csv else ".xlsx"
    path = writer(tmp_path / f"orders{suffix}", [HEAD, ["1001", "2026-03-05", written, "50"],
                                                 ["1002", "2026-03-06", written, "20"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    assert order_customers(admin) == [who, who]
    assert [c["name"] for c in customers(admin)] == [stored]
    (linked,) = said(result, "customers found by a name written another way")
    assert f"'{written}' -> {who}" in linked["evidence"] and stored in linked["evidence"]
    assert "order" in linked["evidence"]


def test_the_customers_email_on_the_order_row_agrees_and_links(admin, tmp_path):
    who = records.create(admin, "customer", {"name": "Szabó Péter", "email": "peter@szabo.hu"})["id"]
    path = write_csv(tmp_path / "orders.csv", [[*HEAD, "Customer Email"],
                                               ["1001", "2026-03-05", "Péter Szabó", "50", "PETER@szabo.hu"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 0)
    assert order_customers(admin) == [who]


@pytest.mark.parametrize("column,value", [("Customer Email", "p.szabo@other.example"),
                                          ("Customer Phone", "+36 30 999 8888")])
def test_an_email_or_phone_of_another_person_keeps_the_row_from_linking(admin, tmp_path, column, value):
    who = records.create(admin, "customer", {"name": "Szabó Péter", "email": "peter@szabo.hu",
                                             "phone": "+36 1 234 5678"})["id"]
    path = write_csv(tmp_path / "orders.csv", [[*HEAD, column], ["1001", "2026-03-05", "Péter Szabó", "50", value]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 1)
    (new,) = [c for c in customers(admin) if c["id"] != who]
    assert new["name"] == "Péter Szabó"
    assert order_customers(admin) == [new["id"]]
    # not silent: the new customer's row names the stored one it may be
    (why,) = result.outcomes[0].warnings.values()
    assert f"{who} (Szabó Péter)" in why


def test_two_customers_of_that_name_the_other_way_round_refuse_the_row_naming_both(admin, tmp_path):
    one = records.create(admin, "customer", {"name": "Nagy Péter", "email": "nagy@one.hu"})["id"]
    two = records.create(admin, "customer", {"name": "Nagy Péter", "email": "nagy@two.hu"})["id"]
    path = write_csv(tmp_path / "orders.csv", [[*HEAD, "Customer Email"],
                                               ["1001", "2026-03-05", "Péter Nagy", "50", ""],
                                               ["1002", "2026-03-06", "Péter Nagy", "70", "nagy@two.hu"]])
    result = import_file(admin, path, kind="orders")
    refused, chosen = result.outcomes
    assert refused.action == "rejected" and chosen.action == "created"
    (why,) = refused.problems.values()
    assert f"{one} (Nagy Péter)" in why and f"{two} (Nagy Péter)" in why and "Customer ID" in why
    assert order_customers(admin) == [two]        # the row's email says which one
    assert len(customers(admin)) == 2


def test_a_new_customer_written_both_ways_in_one_orders_file_is_one_customer(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [HEAD, ["1001", "2026-03-05", "Петрова Мария", "50"],
                                               ["1002", "2026-03-06", "Мария Петрова", "70"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (2, 1)
    (customer,) = customers(admin)
    assert customer["name"] == "Петрова Мария"
    assert len(set(order_customers(admin))) == 1


def test_a_different_given_name_is_another_customer(admin, tmp_path):
    records.create(admin, "customer", {"name": "Kovács Anna"})
    path = write_csv(tmp_path / "orders.csv", [HEAD, ["1001", "2026-03-05", "Anita Kovács", "50"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (1, 1)
    assert said(result, "customers found by a name written another way") == []


# ----- a customers file: kept apart, said ---------------------------------------------------

def test_a_customers_file_naming_a_person_the_other_way_round_keeps_them_apart_and_says_so(admin, tmp_path):
    stored = records.create(admin, "customer", {"name": "Иванов Иван"})["id"]
    path = write_xlsx(tmp_path / "customers.xlsx", [["Name", "City"],
                                                     ["Иван Иванов", "Москва"],
                                                     ["Kovács Anna", "Budapest"],
                                                     ["Anna Kovács", "Debrecen"],
                                                     ["Anita Kovács", "Pécs"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created"] * 4
    ivan, anna, anna_turned, anita = result.outcomes
    assert f"{stored} (Иванов Иван)" in ivan.warnings["Name"] and "cims customer merge" in ivan.warnings["Name"]
    assert "row 3 (Kovács Anna)" in anna_turned.warnings["Name"]
    assert not anna.warnings and not anita.warnings
    (maybe,) = said(result, "possibly the same person")
    assert maybe["decided"].startswith("2 row(s)")
    assert "'Иван Иванов'" in maybe["evidence"] and "Иванов Иван" in maybe["evidence"]
    assert len(customers(admin)) == 5


def test_two_people_of_one_name_in_two_orders_with_their_own_emails_are_not_named(admin, tmp_path):
    records.create(admin, "customer", {"name": "Kovács Anna", "email": "anna@kovacs.hu"})
    path = write_csv(tmp_path / "customers.csv", [["Name", "Email"], ["Anna Kovács", "anna.kovacs@other.example"]])
    result = import_file(admin, path, kind="customers")
    assert result.created == 1 and not result.outcomes[0].warnings
    assert said(result, "possibly the same person") == []


def test_a_name_many_rows_share_is_named_by_its_first_holders_only(admin, tmp_path):
    rows = [["Name", "Email"]] + [["Wang Wei", f"wang{i}@example.cn"] for i in range(30)] + [["Wei Wang", ""]]
    result = import_file(admin, write_csv(tmp_path / "customers.csv", rows), kind="customers")
    assert result.created == 31
    assert not any(o.warnings for o in result.outcomes[:30])
    why = result.outcomes[30].warnings["Name"]
    assert "row 2 (Wang Wei), row 3 (Wang Wei), row 4 (Wang Wei) (" in why and "row 5 " not in why


def test_a_persons_name_turned_round_is_never_linked_to_a_company_of_those_words(admin, tmp_path):
    firm = records.create(admin, "customer", {"name": "Morgan Stanley", "type": "Company"})
    path = write_csv(tmp_path / "o.csv", [HEAD, ["2001", "2026-03-05", "Stanley Morgan", "50"]])
    import_file(admin, path, kind="orders")
    (order,) = records.list_records(admin, "order")
    assert order["customer_id"] != firm["id"]


def test_each_row_naming_someone_the_other_way_round_is_checked_with_its_own_email(admin, tmp_path):
    james = records.create(admin, "customer", {"name": "James Thomas", "email": "jt@example.com"})
    head = ["Order ID", "Order Date", "Customer Name", "Customer Email", "Amount"]
    path = write_csv(tmp_path / "o.csv", [head, ["3001", "2026-03-05", "Thomas James", "", "10"],
                                          ["3002", "2026-03-06", "Thomas James", "tj@other.example", "20"]])
    import_file(admin, path, kind="orders")
    by_number = {o["order_number"]: o["customer_id"] for o in records.list_records(admin, "order")}
    assert by_number["3001"] == james["id"]
    assert by_number["3002"] != james["id"]          # its email is not James Thomas's
