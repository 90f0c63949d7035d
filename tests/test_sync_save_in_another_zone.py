"""A workbook refreshed in one time zone and saved in another ($CIMS_TZ or the machine's
zone differ): Save reads the sheet's times in the zone they were written in, so the same
instant is never a change, a conflict, or a "computed field changed". Real workbook files
(openpyxl edits as a person makes them) and a real encrypted store in tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of

UTC = dt.timezone.utc


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "cims.xlsx")


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Alice Wang", "email": "alice@example.cn"})["id"]


def _sync(session, path, action, sheet):
    return sync.sync_file(session, path, action, sheets=[sheet])["sheets"][sheet]


ZONES = [("UTC", "America/New_York"), ("Asia/Shanghai", "Europe/Berlin"), ("America/Los_Angeles", "Asia/Tokyo")]


@pytest.mark.parametrize("refreshed_in, saved_in", ZONES)
def test_an_interaction_note_edited_and_saved_in_another_zone_is_saved_with_its_time_unchanged(
        admin, customer, book, monkeypatch, refreshed_in, saved_in):
    when = dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    iid = records.create(admin, "interaction", {"customer_id": customer, "kind": "Call", "subject": "Intro",
                                                "occurred_at": when})["id"]
    monkeypatch.setenv("CIMS_TZ", refreshed_in)
    _sync(admin, book, "refresh", "Interactions")
    with Editor(book, "Interactions") as ed:
        ed.set(iid, "Notes", "called back")
    monkeypatch.setenv("CIMS_TZ", saved_in)
    counts = _sync(admin, book, "save", "Interactions")
    assert counts["updated"] == 1 and counts["conflicts"] == 0 and counts["invalid"] == 0, \
        row_of(book, iid, "Interactions")["Status"]
    stored = records.get(admin, iid)
    assert stored["notes"] == "called back"
    assert stored["occurred_at"] == when


@pytest.mark.parametrize("refreshed_in, saved_in", ZONES)
def test_a_ticket_description_edited_and_saved_in_another_zone_is_not_a_computed_field_change(
        admin, customer, book, monkeypatch, refreshed_in, saved_in):
    opened = dt.datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "Broken", "opened_at": opened,
                                           "status": "Open", "first_response_at": opened + dt.timedelta(hours=2)})["id"]
    monkeypatch.setenv("CIMS_TZ", refreshed_in)
    _sync(admin, book, "refresh", "Tickets")
    with Editor(book, "Tickets") as ed:
        ed.set(tid, "Description", "screen stays black")
    monkeypatch.setenv("CIMS_TZ", saved_in)
    counts = _sync(admin, book, "save", "Tickets")
    assert counts["updated"] == 1 and counts["invalid"] == 0 and counts["conflicts"] == 0, \
        row_of(book, tid, "Tickets")["Status"]
    stored = records.get(admin, tid)
    assert stored["description"] == "screen stays black"
    assert stored["opened_at"] == opened and stored["first_response_at"] == opened + dt.timedelta(hours=2)


def test_a_time_typed_on_a_sheet_refreshed_in_another_zone_is_read_in_the_sheets_zone(
        admin, customer, book, monkeypatch):
    iid = records.create(admin, "interaction", {"customer_id": customer, "kind": "Call", "subject": "Intro",
                                                "occurred_at": dt.datetime(2026, 3, 1, 7, 0, tzinfo=UTC)})["id"]
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    _sync(admin, book, "refresh", "Interactions")
    with Editor(book, "Interactions") as ed:
        ed.set(iid, "When", dt.datetime(2026, 3, 2, 16, 0))      # 16:00 as the sheet shows times: Shanghai
    monkeypatch.setenv("CIMS_TZ", "UTC")
    counts = _sync(admin, book, "save", "Interactions")
    assert counts["updated"] == 1, row_of(book, iid, "Interactions")["Status"]
    assert records.get(admin, iid)["occurred_at"] == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    # the row written back stays in the sheet's zone, so the next Save finds nothing to save
    assert row_of(book, iid, "Interactions")["When"] == dt.datetime(2026, 3, 2, 16, 0)
    again = _sync(admin, book, "save", "Interactions")
    assert again["updated"] == 0 and again["conflicts"] == 0 and again["invalid"] == 0


def test_a_real_change_made_in_the_store_is_still_a_conflict_when_saved_in_another_zone(
        admin, customer, book, monkeypatch):
    iid = records.create(admin, "interaction", {"customer_id": customer, "kind": "Call", "subject": "Intro",
                                                "occurred_at": dt.datetime(2026, 3, 1, 7, 0, tzinfo=UTC)})["id"]
    monkeypatch.setenv("CIMS_TZ", "UTC")
    _sync(admin, book, "refresh", "Interactions")
    records.update(admin, iid, {"notes": "from the store"})
    with Editor(book, "Interactions") as ed:
        ed.set(iid, "Notes", "from the sheet")
    monkeypatch.setenv("CIMS_TZ", "America/New_York")
    counts = _sync(admin, book, "save", "Interactions")
    assert counts["conflicts"] == 1
    status = row_of(book, iid, "Interactions")["Status"]
    assert "Notes" in status and "When" not in status
    assert records.get(admin, iid)["notes"] == "from the store"
