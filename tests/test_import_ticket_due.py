"""A help desk's own due times are the imported tickets' due times.

Freshdesk writes "Due by Time" (the resolution due time its SLA policy set, in its
business hours), Zendesk "Due date"; our targets (P1 1 h / 8 h ... P4 24 h / 7 d) would
compute other times. The file's value is stored, the summary and dry run say so, a row
without one gets the targets' time, and a later edit keeps the file's time until the
priority changes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.domain import sla
from cims_xl.errors import ValidationFailed
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

FRESHDESK = ["Ticket ID", "Subject", "Status", "Priority", "Source", "Created time", "Due by Time",
             "Resolved time", "Initial response time", "Full name", "Email"]


def freshdesk_file(tmp_path):
    return write_csv(tmp_path / "freshdesk_tickets.csv", [
        FRESHDESK,
        ["101", "Printer jam", "Open", "Medium", "Email", "2026-03-02 09:00:00", "2026-03-06 17:00:00", "",
         "2026-03-02 10:30:00", "Ana Souza", "ana@example.com"],
        ["102", "Login fails", "Resolved", "Urgent", "Phone", "2026-03-03 14:00:00", "", "2026-03-03 15:00:00",
         "2026-03-03 14:20:00", "Li Wei", "li@example.cn"],
        ["103", "Refund", "Pending", "Low", "Portal", "2026-03-04 08:15:00", "2026-03-13 18:00:00", "", "",
         "Ana Souza", "ana@example.com"]])


def tickets(session) -> dict[str, dict]:
    return {t["subject"]: t for t in records.list_records(session, "ticket")}


def said(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


def test_freshdesk_due_by_time_is_stored_as_the_tickets_resolution_due_time(admin, tmp_path):
    result = import_file(admin, freshdesk_file(tmp_path), kind="tickets")
    assert (result.created, result.rejected) == (3, 0)
    stored = tickets(admin)
    jam, login, refund = stored["Printer jam"], stored["Login fails"], stored["Refund"]
    # 4 days 8 hours after opening as the file says, not P3's 72 hours
    assert jam["resolution_due"] - jam["opened_at"] == dt.timedelta(days=4, hours=8)
    assert refund["resolution_due"] - refund["opened_at"] == dt.timedelta(days=9, hours=9, minutes=45)
    # no due time in the file: the targets' (P1: 8 hours)
    assert login["resolution_due"] - login["opened_at"] == sla.DEFAULT_TARGETS["P1"].resolution
    # the file has no first-response due time: the targets'
    assert jam["first_response_due"] - jam["opened_at"] == sla.DEFAULT_TARGETS["P3"].first_response
    assert "Due by Time" not in (jam["description"] or "")      # a field, not a line of text
    due = said(result, "due times")
    assert due["decided"] == "taken from the file: 'Due by Time' as Resolution Due"
    assert "target" in due["evidence"]


def test_the_dry_run_says_the_due_times_come_from_the_file_and_writes_nothing(admin, tmp_path):
    result = import_file(admin, freshdesk_file(tmp_path), kind="tickets", dry_run=True)
    assert "'Due by Time'" in said(result, "due times")["decided"]
    assert records.list_records(admin, "ticket") == []


def test_zendesk_due_dates_and_first_response_due_times_in_an_xlsx_are_stored(admin, tmp_path):
    opened = dt.datetime(2026, 5, 4, 9, 30)
    path = write_xlsx(tmp_path / "zendesk.xlsx", [
        ["Id", "Subject", "Requester", "Requester email", "Priority", "Status", "Created at",
         "First response due by", "Due date"],
        [7, "Invoice copy", "Klaus Becker", "klaus@becker.example", "High", "Open", opened,
         opened + dt.timedelta(hours=2), opened + dt.timedelta(days=3)],
        [8, "Address change", "Klaus Becker", "klaus@becker.example", "Low", "New", opened, None, None]])
    result = import_file(admin, path, kind="tickets")
    assert (result.created, result.rejected) == (2, 0)
    stored = tickets(admin)
    invoice, address = stored["Invoice copy"], stored["Address change"]
    assert invoice["first_response_due"] - invoice["opened_at"] == dt.timedelta(hours=2)
    assert invoice["resolution_due"] - invoice["opened_at"] == dt.timedelta(days=3)
    assert address["resolution_due"] - address["opened_at"] == sla.DEFAULT_TARGETS["P4"].resolution
    assert said(result, "due times")["decided"] == ("taken from the file: 'First response due by' as Response "
                                                    "Due, 'Due date' as Resolution Due")


def test_a_chinese_due_column_written_day_first_is_read_in_the_files_date_order(admin, tmp_path):
    path = write_csv(tmp_path / "工单.csv", [
        ["标题", "客户", "优先级", "创建时间", "截止时间"],
        ["无法登录", "王伟", "高", "02/03/2026 09:00", "05/03/2026 18:00"],
        ["发票", "王伟", "低", "13/03/2026 10:00", "20/03/2026 10:00"]])
    result = import_file(admin, path, kind="tickets")
    assert (result.created, result.rejected) == (2, 0)
    stored = tickets(admin)
    assert stored["无法登录"]["resolution_due"] - stored["无法登录"]["opened_at"] == dt.timedelta(days=3, hours=9)
    assert stored["发票"]["resolution_due"] - stored["发票"]["opened_at"] == dt.timedelta(days=7)
    assert "'截止时间' as Resolution Due" in said(result, "due times")["decided"]


def test_a_later_edit_keeps_the_files_due_time_until_the_priority_changes(admin, tmp_path):
    import_file(admin, freshdesk_file(tmp_path), kind="tickets")
    jam = tickets(admin)["Printer jam"]
    from_file = jam["resolution_due"]
    assert from_file - jam["opened_at"] == dt.timedelta(days=4, hours=8)
    edited = records.update(admin, jam["id"], {"status": "Pending"})
    edited = records.update(admin, jam["id"], {"status": "Open", "assignee": "admin"})
    # time paused between the two edits moves it on, as it would a target's due time
    assert edited["resolution_due"] - from_file == dt.timedelta(seconds=edited["paused_seconds"])
    assert edited["resolution_due"] - from_file < dt.timedelta(minutes=5)
    again = records.update(admin, jam["id"], {"priority": "P1"})
    assert again["resolution_due"] - again["opened_at"] == (sla.DEFAULT_TARGETS["P1"].resolution
                                                            + dt.timedelta(seconds=again["paused_seconds"]))


def test_a_ticket_typed_in_gets_the_targets_due_times_and_a_due_time_given_is_refused(admin):
    customer = records.create(admin, "customer", {"name": "Ana Souza"})["id"]
    opened = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    row = {"customer_id": customer, "subject": "Jam", "priority": "P2", "opened_at": opened}
    with pytest.raises(ValidationFailed, match="computed by cims"):
        records.create(admin, "ticket", {**row, "resolution_due": opened + dt.timedelta(days=30)})
    made = records.create(admin, "ticket", row)
    assert made["resolution_due"] - made["opened_at"] == sla.DEFAULT_TARGETS["P2"].resolution
