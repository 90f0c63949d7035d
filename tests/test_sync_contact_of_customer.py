"""Save refuses a sheet row whose Contact ID is a contact of another customer than its
Customer ID (new rows and edited ones), naming the column and both ids in Status; a
real workbook file edited as a person would, saved into a real encrypted store by a
sales user signed in with her password."""

from __future__ import annotations

from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, table_rows


def _setup(admin, session_as):
    lina = session_as("sales", "lina")
    session_as("sales", "tom")
    c1 = records.create(admin, "customer", {"name": "Lina Kunde", "owner": "lina"})["id"]
    c3 = records.create(admin, "customer", {"name": "Tom Kunde", "owner": "tom"})["id"]
    p1 = records.create(admin, "contact", {"customer_id": c1, "name": "Anna Berg"})["id"]
    p3 = records.create(admin, "contact", {"customer_id": c3, "name": "袁洋"})["id"]
    return lina, c1, c3, p1, p3


def test_a_new_interactions_row_naming_another_customers_contact_is_invalid_and_not_stored(
        admin, session_as, tmp_path):
    lina, c1, c3, p1, p3 = _setup(admin, session_as)
    book = new_workbook(tmp_path / "book.xlsx")
    with Editor(book, "Interactions") as ed:
        ed.add_row({"Customer ID": c1, "Contact ID": p3, "Kind": "Call", "Notes": "Call with 袁洋 about renewal"})
    sync.sync_file(lina, book, "save", sheets=["Interactions"])
    (row,) = table_rows(book, "Interactions")
    assert row["Status"] == (f"Invalid: Contact ID: {p3} is a contact of {c3}, not of {c1}; "
                             f"name a contact of {c1} or leave Contact ID empty")
    assert records.list_records(admin, "interaction") == []


def test_an_edited_tickets_row_given_another_customers_contact_is_invalid_and_keeps_the_stored_one(
        admin, session_as, tmp_path):
    lina, c1, c3, p1, p3 = _setup(admin, session_as)
    t = records.create(admin, "ticket", {"customer_id": c1, "contact_id": p1, "subject": "printer"})["id"]
    book = new_workbook(tmp_path / "book.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.set(t, "Contact ID", p3)
    sync.sync_file(admin, book, "save", sheets=["Tickets"])
    (row,) = table_rows(book, "Tickets")
    assert row["Status"].startswith(f"Invalid: Contact ID: {p3} is a contact of {c3}, not of {c1}")
    assert records.get(admin, t)["contact_id"] == p1
