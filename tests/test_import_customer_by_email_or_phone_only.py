"""An orders (or tickets) file that tells its customer by email or phone only — no Name or
Customer ID column, or those cells empty — is linked, not refused asking for a name.

The rule: a row with no customer id and no name finds its customer by its email as
duplicate checks compare emails (case, Gmail dots and +tags), or by its phone (last
digits); a stored customer first, then one this file creates. An email no customer has
creates one named after the address (said in the summary); a phone alone creates none
(a number names no one and may be shared): that row is rejected, naming the column.
Each test writes its own file and reads the stored records back from the encrypted store.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import linked_owners, rejected_problems, said_about, write_table


def stored_customers(admin):
    records.create(admin, "customer", {"name": "Anna Berg", "email": "Anna.Berg@Example.com",
                                       "phone": "+49 30 12345678"})
    records.create(admin, "customer", {"name": "Bob Li", "email": "bob.li@gmail.com"})
    records.create(admin, "customer", {"name": "王伟", "phone": "+86 138 0013 8000"})


EMAIL_HEADINGS = {
    "en": ["Order No", "Email", "Order Date", "Amount"],
    "de": ["Bestellnr.", "E-Mail", "Bestelldatum", "Betrag"],
    "fr": ["N° de commande", "Courriel", "Date de commande", "Montant"],
    "zh": ["订单号", "邮箱", "订单日期", "金额"],
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(EMAIL_HEADINGS))
def test_an_orders_file_with_email_only_links_each_order_by_the_stores_duplicate_rules(admin, tmp_path, lang, fmt):
    stored_customers(admin)
    path = write_table(tmp_path, fmt, [EMAIL_HEADINGS[lang],
                                       ["A-1", "anna.berg@EXAMPLE.com", "2024-03-05", "10"],
                                       ["A-2", "BobLi+shop@gmail.com", "2024-03-06", "20"],
                                       ["A-3", "b.o.b.li@gmail.com", "2024-03-07", "30"]])
    result = import_file(admin, path, kind="orders", decimal="point", currency="EUR")  # de/fr bare amounts
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 0)
    assert linked_owners(admin, "order", "order_number") == {"A-1": "Anna Berg", "A-2": "Bob Li", "A-3": "Bob Li"}
    assert "3 row(s)" in said_about(result, "customers told by email or phone only")


def test_an_email_no_customer_has_creates_one_named_after_it_once_and_the_summary_says_so(admin, tmp_path):
    stored_customers(admin)
    path = write_table(tmp_path, "csv", [["Order No", "Email", "Order Date", "Amount"],
                                         ["1", "new.person@example.org", "2024-03-05", "10"],
                                         ["2", "New.Person@Example.org", "2024-03-06", "20"],
                                         ["3", "anna.berg@example.com", "2024-03-07", "30"]])
    result = import_file(admin, path, kind="orders", decimal="point")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 1)
    made = [c for c in records.list_records(admin, "customer") if c["name"] not in ("Anna Berg", "Bob Li", "王伟")]
    assert [(c["name"], c["email"]) for c in made] == [("new.person@example.org", "new.person@example.org")]
    assert linked_owners(admin, "order", "order_number") == {
        "1": "new.person@example.org", "2": "new.person@example.org", "3": "Anna Berg"}
    assert "1 named after their email address" in said_about(result, "new customers without a name")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_customer_name_with_an_email_is_linked_by_the_email_not_refused(admin, tmp_path, fmt):
    stored_customers(admin)
    path = write_table(tmp_path, fmt, [["Order No", "Customer", "Customer Email", "Order Date", "Amount"],
                                       ["1", "Anna Berg", "", "2024-03-05", "10"],
                                       ["2", "", "ANNA.BERG@example.com", "2024-03-06", "20"],
                                       ["3", "", "bobli@gmail.com", "2024-03-07", "30"]])
    result = import_file(admin, path, kind="orders", decimal="point")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 0)
    assert linked_owners(admin, "order", "order_number") == {"1": "Anna Berg", "2": "Anna Berg", "3": "Bob Li"}


def test_a_later_email_only_row_finds_the_customer_an_earlier_row_of_the_file_created(admin, tmp_path):
    path = write_table(tmp_path, "csv", [["Order No", "Customer", "Customer Email", "Order Date", "Amount"],
                                         ["1", "Carla Dias", "carla.dias@gmail.com", "2024-03-05", "10"],
                                         ["2", "", "CarlaDias+x@gmail.com", "2024-03-06", "20"]])
    result = import_file(admin, path, kind="orders", decimal="point")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 1)
    assert linked_owners(admin, "order", "order_number") == {"1": "Carla Dias", "2": "Carla Dias"}


PHONE_HEADINGS = {
    "de": ["Bestellnr.", "Telefon", "Bestelldatum", "Betrag"],
    "zh": ["订单号", "电话", "订单日期", "金额"],
}


@pytest.mark.parametrize("lang", sorted(PHONE_HEADINGS))
def test_an_orders_file_with_phone_only_links_stored_customers_and_creates_none_for_an_unknown_phone(
        admin, tmp_path, lang):
    stored_customers(admin)
    path = write_table(tmp_path, "xlsx", [PHONE_HEADINGS[lang],
                                          ["P-1", "+49 (0)30 1234 5678", "2024-03-05", "10"],
                                          ["P-2", "13800138000", "2024-03-06", "20"],
                                          ["P-3", "+44 20 7946 0958", "2024-03-07", "30"]])
    result = import_file(admin, path, kind="orders", decimal="point", currency="EUR")  # de/fr bare amounts
    assert (result.created, result.rejected, result.customers_created) == (2, 1, 0)
    assert linked_owners(admin, "order", "order_number") == {"P-1": "Anna Berg", "P-2": "王伟"}
    problem = rejected_problems(result)[4]
    assert PHONE_HEADINGS[lang][1] in str([o.problems for o in result.outcomes if o.row == 4])
    assert "creates no customer" in problem and "Customer Name" in problem
    assert len(records.list_records(admin, "customer")) == 3


def test_a_tickets_file_with_the_requesters_email_only_is_linked_to_that_customer(admin, tmp_path):
    stored_customers(admin)
    path = write_table(tmp_path, "csv", [["Subject", "Requester Email", "Created"],
                                         ["Login fails", "ANNA.BERG@example.com", "2024-03-05 10:00"]])
    result = import_file(admin, path, kind="tickets")
    assert (result.created, result.rejected, result.customers_created) == (1, 0, 0)
    assert linked_owners(admin, "ticket", "subject") == {"Login fails": "Anna Berg"}


def test_an_email_two_stored_customers_share_links_neither_and_creates_no_third(admin, tmp_path):
    records.create_customer(admin, {"name": "Info Desk North", "email": "info@acme.example"})
    records.create_customer(admin, {"name": "Info Desk South", "email": "INFO@acme.example"}, allow_duplicate=True)
    path = write_table(tmp_path, "csv", [["Order No", "Email", "Order Date", "Amount"],
                                         ["1", "info@acme.example", "2024-03-05", "10"]])
    result = import_file(admin, path, kind="orders", decimal="point")
    assert (result.created, result.rejected, result.customers_created) == (0, 1, 0)
    problem = rejected_problems(result)[2]
    assert "Info Desk North" in problem and "Info Desk South" in problem and "Customer ID" in problem
    assert len(records.list_records(admin, "customer")) == 2
