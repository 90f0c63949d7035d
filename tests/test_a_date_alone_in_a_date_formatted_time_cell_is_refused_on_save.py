"""A ticket's or interaction's time typed into a cell whose number format shows a date alone
(`yyyy-mm-dd`, `d mmm yyyy`, `dd/mm/yyyy`) reaches Save as a midnight nobody gave: it is
refused like the text "2026-12-01" ("give the time too"), naming the cell. A midnight shown
with a time part (`yyyy-mm-dd hh:mm`) is a real 00:00 and is stored."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.excel import sync
from cims_xl.excel.sheet_codec import local_zone
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of

UTC = dt.timezone.utc
DATE_ONLY = ["yyyy-mm-dd", "d mmm yyyy", "dd/mm/yyyy", "[$-409]d-mmm-yy", 'yyyy"年"m"月"d"日"']


def _midnight_days_ago(n: int) -> dt.datetime:
    day = (dt.datetime.now(local_zone()) - dt.timedelta(days=n)).date()
    return dt.datetime(day.year, day.month, day.day)


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Chen Jing", "email": "cj@example.cn"})["id"]


@pytest.fixture
def ticket(admin, customer):
    opened = dt.datetime.now(UTC).replace(second=0, microsecond=0) - dt.timedelta(days=3)
    return records.create(admin, "ticket", {"customer_id": customer, "subject": "Fax", "opened_at": opened})["id"]


def _type(book, sheet, key, header, value, fmt):
    with Editor(book, sheet) as ed:
        cell = ed.cell(key, header)
        cell.value = value
        cell.number_format = fmt


@pytest.mark.parametrize("fmt", DATE_ONLY)
@pytest.mark.parametrize("header,key", [("First Response", "first_response_at")])
def test_a_date_in_a_date_only_formatted_ticket_time_cell_is_refused_naming_the_cell(
        admin, ticket, tmp_path, fmt, header, key):
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    _type(book, "Tickets", ticket, header, _midnight_days_ago(1), fmt)
    counts = sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]
    assert counts["invalid"] == 1 and counts["updated"] == 0
    status = row_of(book, ticket, "Tickets")["Status"]
    assert "give the time too" in status and header in status
    assert records.get(admin, ticket)[key] is None


@pytest.mark.parametrize("fmt", ["yyyy-mm-dd", "dd/mm/yyyy"])
def test_a_resolved_date_alone_on_a_resolved_row_is_refused_and_nothing_is_stored(admin, ticket, tmp_path, fmt):
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.set(ticket, "First Response", _midnight_days_ago(2).replace(hour=9, minute=30))
        ed.cell(ticket, "First Response").number_format = "yyyy-mm-dd hh:mm"
        ed.set(ticket, "Status", "Resolved")
        ed.set(ticket, "Resolved", _midnight_days_ago(1))
        ed.cell(ticket, "Resolved").number_format = fmt
    counts = sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]
    assert counts["invalid"] == 1 and counts["updated"] == 0
    assert "give the time too" in row_of(book, ticket, "Tickets")["Status"]
    rec = records.get(admin, ticket)
    assert rec["resolved_at"] is None and rec["first_response_at"] is None


@pytest.mark.parametrize("fmt", ["yyyy-mm-dd hh:mm", "d mmm yyyy h:mm AM/PM", "dd/mm/yyyy hh:mm:ss"])
def test_a_midnight_shown_with_its_time_is_stored_while_the_same_midnight_shown_as_a_date_is_refused(
        admin, customer, ticket, tmp_path, fmt):
    opened = dt.datetime.now(UTC).replace(second=0, microsecond=0) - dt.timedelta(days=3)
    other = records.create(admin, "ticket", {"customer_id": customer, "subject": "Fax 2", "opened_at": opened})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    midnight = _midnight_days_ago(1)
    _type(book, "Tickets", ticket, "First Response", midnight, fmt)
    _type(book, "Tickets", other, "First Response", midnight, "yyyy-mm-dd")
    counts = sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]
    assert counts["updated"] == 1 and counts["invalid"] == 1
    stored = records.get(admin, ticket)["first_response_at"]
    assert stored.astimezone(local_zone()).replace(tzinfo=None) == midnight
    assert records.get(admin, other)["first_response_at"] is None


@pytest.mark.parametrize("fmt", ["yyyy-mm-dd", "d mmm yyyy"])
def test_an_interaction_when_cell_showing_a_date_alone_is_refused_on_save(admin, customer, tmp_path, fmt):
    at = dt.datetime.now(UTC).replace(second=0, microsecond=0) - dt.timedelta(days=2)
    iid = records.create(admin, "interaction", {"customer_id": customer, "kind": "Call", "subject": "Renewal",
                                                "occurred_at": at})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Interactions"])
    _type(book, "Interactions", iid, "When", _midnight_days_ago(3), fmt)
    counts = sync.sync_file(admin, book, "save", sheets=["Interactions"])["sheets"]["Interactions"]
    assert counts["invalid"] == 1 and counts["updated"] == 0
    status = row_of(book, iid, "Interactions")["Status"]
    assert "give the time too" in status and "When" in status
    assert records.get(admin, iid)["occurred_at"] == at
