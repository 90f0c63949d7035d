"""Only a status change that is a response stamps First Response (tix27): taking a ticket up
(Open) or asking its customer (Pending); closing or resolving it straight from New (a spam
ticket closed unanswered) leaves First Response empty, and the Service report says it was
closed without a response. A Pending pause moves only the targets still running during it:
never Response Due of a ticket answered before the pause (also after a priority edit sets
the due times again). Real encrypted stores in tmp_path; cims's clock moved by the test."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.domain import sla
from cims_xl.excel import sync
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SERVICE
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of

UTC = dt.timezone.utc
T0 = (dt.datetime.now(UTC) - dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
M = dt.timedelta(minutes=1)


@pytest.fixture
def clock(monkeypatch):
    """cims's clock, set by the test: clock(minutes after T0)."""
    now = {"at": T0}
    monkeypatch.setattr(records, "utcnow", lambda: now["at"])

    def at(minutes: float):
        now["at"] = T0 + minutes * M
    return at


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Wang Fang", "email": "wf@example.cn"})["id"]


def _new(admin, customer, clock, priority="P1", **more):
    clock(0)
    return records.create(admin, "ticket", {"customer_id": customer, "subject": "Spam?", "priority": priority,
                                            **more})["id"]


@pytest.mark.parametrize("status", ["Resolved", "Closed"])
def test_a_new_ticket_resolved_or_closed_unanswered_gets_no_first_response(admin, customer, clock, status):
    tid = _new(admin, customer, clock)
    clock(30)
    records.update(admin, tid, {"status": status})
    stored = records.get(admin, tid)
    assert stored["first_response_at"] is None
    assert stored["resolved_at"] == T0 + 30 * M
    table = build_for_session(admin)[SERVICE].table("tblServiceByPriority")
    p1 = table.data.set_index("Priority").loc["P1"]
    assert p1["Median First Response (h)"] != p1["Median First Response (h)"]     # no 0.5 h "response"
    assert tid in table.note and "closed without a response" in table.note


def test_taking_a_ticket_up_or_asking_its_customer_is_a_response_closing_it_unanswered_is_none(
        admin, customer, clock):
    moved = {}
    for status in ("Open", "Pending", "Resolved", "Closed"):
        tid = _new(admin, customer, clock)
        clock(20)
        records.update(admin, tid, {"status": status})
        moved[status] = records.get(admin, tid)["first_response_at"]
    assert moved == {"Open": T0 + 20 * M, "Pending": T0 + 20 * M, "Resolved": None, "Closed": None}


def test_closing_on_the_tickets_sheet_straight_from_new_leaves_first_response_empty(admin, customer, clock, tmp_path):
    tid = _new(admin, customer, clock)
    clock(45)
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.set(tid, "Ticket Status", "Closed")
    counts = sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]
    assert counts["updated"] == 1, (counts, row_of(book, tid, "Tickets")["Status"])
    stored = records.get(admin, tid)
    assert stored["status"] == "Closed" and stored["first_response_at"] is None


def test_a_pause_of_a_ticket_with_no_recorded_response_does_not_move_response_due(admin, customer, clock):
    # back-dated, already Pending: answered at a time nobody recorded, so the response
    # target was no longer running during the pause
    clock(0)
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "Refund", "priority": "P1",
                                           "status": "Pending", "opened_at": T0 - 60 * M})["id"]
    due = records.get(admin, tid)
    clock(90)
    records.update(admin, tid, {"status": "Open"})
    stored = records.get(admin, tid)
    assert stored["paused_seconds"] == 90 * 60
    assert stored["first_response_due"] == due["first_response_due"]
    assert stored["resolution_due"] == due["resolution_due"] + 90 * M


def test_after_a_priority_edit_response_due_leaves_out_pauses_after_the_first_response(admin, customer, clock):
    tid = _new(admin, customer, clock, priority="P3")
    clock(10)
    records.update(admin, tid, {"status": "Open"})          # answered at T0 + 10 min
    clock(20)
    records.update(admin, tid, {"status": "Pending"})
    clock(140)
    records.update(admin, tid, {"status": "Open"})          # paused 2 hours after the response
    clock(150)
    records.update(admin, tid, {"priority": "P1"})
    stored = records.get(admin, tid)
    p1 = sla.DEFAULT_TARGETS["P1"]
    assert stored["first_response_due"] == T0 + p1.first_response
    assert stored["resolution_due"] == T0 + p1.resolution + 120 * M
    # and so the answer 10 minutes in is within the P1 target, as it was
    assert not sla.breach_flags(stored, T0 + 150 * M)["first_response_breached"]


def test_a_first_response_typed_inside_a_pause_moves_response_due_only_until_it(admin, customer, clock):
    clock(0)
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "Router", "priority": "P2",
                                           "status": "Pending", "opened_at": T0 - 30 * M})["id"]
    due = records.get(admin, tid)["first_response_due"]
    clock(100)
    # the reply was sent 40 minutes into the pause: the response target ran 40 minutes of it
    records.update(admin, tid, {"status": "Open", "first_response_at": T0 + 40 * M})
    assert records.get(admin, tid)["first_response_due"] == due + 40 * M
