"""A customer id shared by different customers is refused for every kind of record, not
only for orders and tickets (issue 14, "never silently wrong").

What went wrong: a contacts, deals or interactions file whose Customer ID column gave one
id to two customers joined the second to the first without a word (its Customer Email
column was not even read), and an id of a customer already in the store (our own
C-000001, or another system's id kept as src:) joined a row naming someone else to that
customer, for every kind, orders and tickets included. Now:

- our id (C-…) on a row whose customer name is another's, with no email or phone of that
  customer, is refused naming the customer, for every kind;
- on a contact's, deal's or interaction's row the customer column is the customer's own
  name: an other-system id with another name is refused unless the row's customer email
  or phone is theirs;
- on an order's (billing name) or ticket's (requester) row another name with nothing to
  compare stays linked by the id, with a warning and the name kept in Notes.

Each test writes its own small files (several languages, CSV and .xlsx) and checks the
stored customer of every record.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import linked_owners as owners, rejected_problems as problems, write_csv, write_table as write


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


# One header per kind: the record's own columns, then Customer ID, Customer, Customer Email.
# `row(kind, n, ref, customer, email)` makes the n-th record of that kind.
KINDS = {
    "contacts": ("contact", "name", ["Name", "Email", "Customer ID", "Customer", "Customer Email"]),
    "opportunities": ("opportunity", "name", ["Deal Name", "Amount", "Stage", "Customer ID", "Customer",
                                              "Customer Email"]),
    "interactions": ("interaction", "subject", ["Subject", "Type", "Date", "Customer ID", "Customer",
                                                "Customer Email"]),
}
OWN = {
    "contacts": lambda n: [f"Person {n}", f"person{n}@example.org"],
    "opportunities": lambda n: [f"Deal {n}", str(100 * n), "Qualified"],
    "interactions": lambda n: [f"Subject {n}", "Call", f"2024-03-0{n}"],
}


def row(kind: str, n: int, ref: str, customer: str, email: str = "") -> list[str]:
    return [*OWN[kind](n), ref, customer, email]


def header(kind: str, email: bool = True) -> list[str]:
    return KINDS[kind][2] if email else KINDS[kind][2][:-1]


TWO_CUSTOMERS = {
    # (first customer, its email, another customer, their email)
    "cs": ("Novák s.r.o.", "info@novak.cz", "Dvořák a syn", "obchod@dvorak.cz"),
    "zh": ("深圳明达科技有限公司", "sales@mingda.cn", "上海恒通贸易有限公司", "info@hengtong.cn"),
    "en": ("Alice Wong", "alice@example.com", "Peter Hall", "peter@example.net"),
}


# ----- one id in one file: two customers ------------------------------------------------------

@pytest.mark.parametrize("chunk", [1, 10000])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(TWO_CUSTOMERS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_one_id_on_two_customers_whose_names_and_emails_differ_is_refused_on_the_later_row(
        admin, tmp_path, kind, lang, fmt, chunk):
    first, first_email, other, other_email = TWO_CUSTOMERS[lang]
    ent, field, _ = KINDS[kind]
    rows = [header(kind), row(kind, 1, "K7", first, first_email), row(kind, 2, "K7", other, other_email),
            row(kind, 3, "K7", first, first_email.upper())]
    result = import_file(admin, write(tmp_path, fmt, rows), kind=kind, chunk_rows=chunk)
    assert (result.created, result.rejected, result.customers_created) == (2, 1, 1)
    said = problems(result)
    assert list(said) == [3]
    assert "K7" in said[3] and "row 2" in said[3] and "not linked" in said[3]
    assert owners(admin, ent, field) == {rows[1][0]: first, rows[3][0]: first}
    (customer,) = records.list_records(admin, "customer")
    assert (customer["name"], customer["email"], customer["tags"]) == (first, first_email, "src:K7")
    assert any("another person" in i["what"] for i in result.inferences)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_one_id_on_two_customer_names_with_nothing_to_compare_is_refused_for_contacts_deals_and_interactions(
        admin, tmp_path, kind, fmt):
    ent, field, _ = KINDS[kind]
    rows = [header(kind, email=False), row(kind, 1, "A-1", "Østergaard ApS")[:-1],
            row(kind, 2, "A-1", "Ærø Fisk A/S")[:-1]]
    result = import_file(admin, write(tmp_path, fmt, rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (1, 1, 1)
    assert "A-1" in problems(result)[3] and "Ærø Fisk A/S" in problems(result)[3]
    assert owners(admin, ent, field) == {rows[1][0]: "Østergaard ApS"}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("first,later", [
    ("Acme Ltd", "ACME Limited"),                 # a company's legal form written another way
    ("深圳明达科技有限公司", "深圳明達科技有限公司"),   # Traditional characters
    ("Иван Иванов", "Иванов Иван"),               # the family name at the other end
    ("Chen, Alice", "Alice Chen"),
])
def test_one_id_on_one_customers_name_written_two_ways_stays_linked(admin, tmp_path, kind, first, later):
    ent, field, _ = KINDS[kind]
    rows = [header(kind, email=False), row(kind, 1, "77", first)[:-1], row(kind, 2, "77", later)[:-1]]
    result = import_file(admin, write_csv(tmp_path / "two.csv", rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 1)
    assert set(owners(admin, ent, field).values()) == {records.list_records(admin, "customer")[0]["name"]}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_another_name_under_one_id_with_the_customers_own_email_is_the_same_customer(admin, tmp_path, kind):
    ent, field, _ = KINDS[kind]
    rows = [header(kind), row(kind, 1, "K9", "Globex Corporation", "ap@globex.com"),
            row(kind, 2, "K9", "Initech", "AP@globex.com")]
    result = import_file(admin, write_csv(tmp_path / "renamed.csv", rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 1)
    assert set(owners(admin, ent, field).values()) == {"Globex Corporation"}


@pytest.mark.parametrize("guest", ["0", "guest", "nan", "-1"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_guest_id_is_no_id_and_each_row_goes_to_the_customer_it_names(admin, tmp_path, kind, guest):
    ent, field, _ = KINDS[kind]
    rows = [header(kind), row(kind, 1, guest, "Lucía Fernández", "lucia@example.es"),
            row(kind, 2, guest, "Κώστας Παπαδόπουλος", "kostas@example.gr"),
            row(kind, 3, guest, "Lucía Fernández", "lucia@example.es")]
    result = import_file(admin, write_csv(tmp_path / "guest.csv", rows), kind=kind, chunk_rows=2)
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 2)
    assert owners(admin, ent, field) == {r[0]: r[-2] for r in rows[1:]}
    stored = customers(admin)
    assert stored["Lucía Fernández"]["email"] == "lucia@example.es"
    assert not stored["Lucía Fernández"]["tags"]


# ----- an id of a customer already in the store ---------------------------------------------------

EVERY_KIND = {
    # kind: (entity, field, header, one row: (ref, customer, email) -> row)
    "orders": ("order", "order_number", ["Order ID", "Order Date", "Customer ID", "Customer Name", "Email", "Amount"],
               lambda n, ref, who, email: [f"O{n}", "2024-03-05", ref, who, email, "10"]),
    "tickets": ("ticket", "subject", ["Subject", "Customer ID", "Requester", "Requester Email", "Created", "Status"],
                lambda n, ref, who, email: [f"Ticket {n}", ref, who, email, "2024-03-05 10:00", "Open"]),
    **{kind: (ent, field, head, (lambda kind: lambda n, ref, who, email: row(kind, n, ref, who, email))(kind))
       for kind, (ent, field, head) in KINDS.items()},
}


def stored_alice(admin, tmp_path) -> dict:
    first = import_file(admin, write_csv(tmp_path / "people.csv", [
        ["Name", "Email", "Phone", "Company"],
        ["Alice Wong", "alice@example.com", "+44 20 7946 0958", "Wong Trading Ltd"]]), kind="customers")
    assert first.created == 1
    (alice,) = records.list_records(admin, "customer")
    return alice


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_our_customer_id_on_a_row_naming_someone_else_is_refused_and_nothing_is_joined(
        admin, tmp_path, kind, fmt):
    alice = stored_alice(admin, tmp_path)
    ent, field, head, make = EVERY_KIND[kind]
    rows = [head, make(1, alice["id"], "Peter Hall", ""), make(2, alice["id"], "Peter Hall", "peter@example.net"),
            make(3, "C-1", "Мария Петрова", "")]
    result = import_file(admin, write(tmp_path, fmt, rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (0, 3, 0)
    said = problems(result)
    assert all(alice["id"] in said[n] and "Alice Wong" in said[n] and "not linked" in said[n] for n in (2, 3, 4))
    assert records.list_records(admin, ent) == []
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Alice Wong"]


@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_our_customer_id_with_the_customers_name_written_another_way_or_its_email_is_linked(
        admin, tmp_path, kind):
    alice = stored_alice(admin, tmp_path)
    ent, field, head, make = EVERY_KIND[kind]
    rows = [head, make(1, alice["id"], "WONG, Alice", ""), make(2, alice["id"], "Alice Wong", ""),
            make(3, alice["id"], "Wong Trading Limited", ""),             # her Company field
            make(4, alice["id"], "Alice Hall", "ALICE@example.com"),      # a new name, her email
            make(5, alice["id"], "", "")]
    result = import_file(admin, write_csv(tmp_path / "ours.csv", rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (5, 0, 0)
    assert set(owners(admin, ent, field).values()) == {"Alice Wong"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_stored_customers_other_system_id_on_a_contact_deal_or_interaction_naming_someone_else_is_refused(
        admin, tmp_path, kind):
    ent, field, _ = KINDS[kind]
    first = import_file(admin, write_csv(tmp_path / "a.csv", [header(kind, email=False),
                                                              row(kind, 1, "HS-12", "Brauerei Müller GmbH")[:-1]]),
                        kind=kind)
    assert first.customers_created == 1
    later = import_file(admin, write_csv(tmp_path / "b.csv", [
        header(kind, email=False), row(kind, 2, "HS-12", "Bäckerei Schulz KG")[:-1],
        row(kind, 3, "HS-12", "Brauerei Müller")[:-1]]), kind=kind)
    assert (later.created, later.rejected, later.customers_created) == (1, 1, 0)
    assert "HS-12" in problems(later)[2] and "Brauerei Müller GmbH" in problems(later)[2]
    assert set(owners(admin, ent, field).values()) == {"Brauerei Müller GmbH"}


@pytest.mark.parametrize("kind,ent,field,head,make", [
    (k, *EVERY_KIND[k]) for k in ("orders", "tickets")])
def test_an_order_or_ticket_under_one_id_with_another_name_and_nothing_to_compare_is_linked_with_a_warning(
        admin, tmp_path, kind, ent, field, head, make):
    rows = [head, make(1, "W-5", "Alice Wong", ""), make(2, "W-5", "Bob Jones", "")]
    result = import_file(admin, write_csv(tmp_path / "billing.csv", rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 1)
    assert set(owners(admin, ent, field).values()) == {"Alice Wong"}
    (second,) = [o for o in result.outcomes if o.row == 3]
    assert second.warnings and "W-5" in " ".join(second.warnings.values())
    notes = {str(r[field]): r.get("notes") or r.get("description") or "" for r in records.list_records(admin, ent)}
    assert "Bob Jones" in notes[rows[2][0]]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_customer_email_column_tells_two_namesakes_apart_without_an_id(admin, tmp_path, kind):
    ent, field, _ = KINDS[kind]
    stored = import_file(admin, write_csv(tmp_path / "people.csv", [["Name", "Email"], ["王伟", "wangwei@example.cn"]]),
                         kind="customers")
    assert stored.created == 1
    rows = [header(kind), row(kind, 1, "", "王伟", "WANGWEI@example.cn"), row(kind, 2, "", "王伟", "wei.w@other.cn"),
            row(kind, 3, "", "John Smith", "john@example.com"), row(kind, 4, "", "John Smith", "js@elsewhere.com")]
    result = import_file(admin, write_csv(tmp_path / "namesakes.csv", rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (2, 2, 1)
    assert set(problems(result)) == {3, 5}
    assert owners(admin, ent, field) == {rows[1][0]: "王伟", rows[3][0]: "John Smith"}
    assert customers(admin)["John Smith"]["email"] == "john@example.com"


@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_an_other_system_id_two_stored_customers_hold_goes_to_the_one_the_row_names_or_is_refused(
        admin, tmp_path, kind):
    # two imports (one file refuses a second person under one id): a store can hold
    # such ids from two files, or from a version before that check
    for n, person in enumerate((["K7", "Alice Wong", "alice@example.com"], ["K7", "Πέτρος Χατζής", "petros@example.gr"])):
        one = import_file(admin, write_csv(tmp_path / f"people{n}.csv", [["Customer ID", "Name", "Email"], person]),
                          kind="customers")
        assert one.created == 1
    ent, field, head, make = EVERY_KIND[kind]
    rows = [head, make(1, "K7", "Πέτρος Χατζής", ""), make(2, "K7", "Alice Wong", "alice@example.com"),
            make(3, "k7", "", "PETROS@example.gr"), make(4, "K7", "Mary Major", ""), make(5, "K7", "", "")]
    result = import_file(admin, write_csv(tmp_path / "rows.csv", rows), kind=kind)
    assert (result.created, result.rejected, result.customers_created) == (3, 2, 0)
    said = problems(result)
    assert set(said) == {5, 6}
    assert "none" in said[5] and "more than one" in said[6] and "K7" in said[6]
    assert owners(admin, ent, field) == {rows[1][0]: "Πέτρος Χατζής", rows[2][0]: "Alice Wong",
                                         rows[3][0]: "Πέτρος Χατζής"}
