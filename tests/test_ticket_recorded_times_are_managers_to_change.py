"""A ticket's recorded times (Opened, First Response, Resolved, Closed) decide whether its
SLA was met. Once set, only a manager or administrator changes one; support may fill in
an empty one and the clock's own moves (a status change, a reopen) go on as before. On
every door: the service, `cims ticket edit`, the sheet's Save. The Service report names
the tickets whose recorded times were changed after being set (from the audit trail)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FAST_KDF, USER_PASSWORD

from cims_xl.errors import PermissionDenied
from cims_xl.excel import sync
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SERVICE
from cims_xl.services import auth, records
from test_sync_support import Editor, new_workbook, row_of

AS_OF = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc


@pytest.fixture
def desk(admin):
    auth.add_user(admin, "wang", "support", USER_PASSWORD, kdf=FAST_KDF)
    auth.add_user(admin, "mei", "manager", USER_PASSWORD, kdf=FAST_KDF)
    cid = records.create(admin, "customer", {"name": "深圳恒通贸易"})["id"]
    # P1, answered 90 minutes after it was opened: the one-hour response target was missed
    late = records.create(admin, "ticket", {"customer_id": cid, "subject": "系统报错", "priority": "P1",
                                            "opened_at": "2026-02-02T09:00:00+00:00",
                                            "first_response_at": "2026-02-02T10:30:00+00:00",
                                            "status": "Open"})["id"]
    fresh = records.create(admin, "ticket", {"customer_id": cid, "subject": "Login", "priority": "P3",
                                             "opened_at": "2026-02-03T09:00:00+00:00", "status": "New"})["id"]
    wang = auth.sign_in(admin.store_path, "wang", USER_PASSWORD)
    yield wang, late, fresh
    wang.close()


def _response_within_target(admin) -> float:
    table = build_for_session(admin, as_of=AS_OF)[SERVICE].table("tblServiceByPriority")
    return table.data.set_index("Priority").loc["P1", "Response Within Target"]


@pytest.mark.parametrize("field, value, header", [
    ("opened_at", "2026-02-02T10:00:00+00:00", "Opened"),
    ("first_response_at", "2026-02-02T09:50:00+00:00", "First Response"),
    ("first_response_at", None, "First Response"),
])
def test_support_changing_a_recorded_time_is_refused_and_the_breach_stays(admin, desk, field, value, header):
    wang, late, _ = desk
    assert _response_within_target(admin) == 0.0
    with pytest.raises(PermissionDenied) as exc:
        records.update(wang, late, {field: value})
    text = exc.value.message
    assert f"wang (support) may not change the {header} of ticket {late}" in text, text
    assert "manager or administrator" in text and "empty one you may fill in" in text, text
    stored = records.get(admin, late)
    assert stored["version"] == 1
    assert stored["first_response_at"] == dt.datetime(2026, 2, 2, 10, 30, tzinfo=UTC)
    assert _response_within_target(admin) == 0.0


def test_support_may_fill_an_empty_time_and_move_the_status_as_before(admin, desk):
    wang, late, fresh = desk
    # a met time filled in months after it fell due is a manager's (test_a_breach_filled_in_late_...)
    with pytest.raises(PermissionDenied, match="may not record First Response"):
        records.update(wang, fresh, {"first_response_at": "2026-02-03T09:20:00+00:00"})
    mei = auth.sign_in(admin.store_path, "mei", USER_PASSWORD)
    assert records.update(mei, fresh, {"first_response_at": "2026-02-03T09:20:00+00:00"})["version"] == 2
    mei.close()
    assert records.update(wang, fresh, {"status": "Resolved"})["resolved_at"] is not None
    assert records.update(wang, fresh, {"status": "Open"})["resolved_at"] is None        # a reopen clears it
    assert records.update(wang, late, {"subject": "系统报错 (VPN)", "priority": "P1"})["version"] == 2
    with pytest.raises(PermissionDenied, match="may not change the First Response"):
        records.update(wang, fresh, {"first_response_at": "2026-02-03T09:10:00+00:00"})
    # nothing of this is an edit of a recorded time
    note = build_for_session(admin, as_of=AS_OF)[SERVICE].table("tblServiceByPriority").note or ""
    assert "edited after they were recorded" not in note


def test_a_manager_may_correct_a_recorded_time_and_the_service_report_names_the_ticket(admin, desk):
    _wang, late, fresh = desk
    mei = auth.sign_in(admin.store_path, "mei", USER_PASSWORD)
    records.update(mei, late, {"opened_at": "2026-02-02T10:00:00+00:00"})
    records.update(mei, late, {"first_response_at": "2026-02-02T10:20:00+00:00"})
    mei.close()
    assert _response_within_target(admin) == 1.0          # met now: hence the note
    sheet = build_for_session(admin, as_of=AS_OF)[SERVICE]
    for name in ("tblServiceByPriority", "tblServiceByAssignee"):
        note = sheet.table(name).note or ""
        assert f"{late}: Opened, First Response" in note and "edited after they were recorded" in note, note
        assert fresh not in note


def test_on_the_command_line_support_is_told_the_rule(admin, desk, store_path, monkeypatch, capsys):
    from cims_xl.cli import main

    _wang, late, _ = desk
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "wang")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    monkeypatch.setenv("TZ", "UTC")
    code = main(["ticket", "edit", late, "--opened-at", "2026-02-02 10:00"])
    _out, err = capsys.readouterr()
    assert code != 0 and "may not change the Opened" in err and "manager" in err, err
    assert records.get(admin, late)["version"] == 1


def test_on_the_sheet_support_cannot_save_a_changed_recorded_time_but_saves_a_status(admin, desk, tmp_path):
    wang, late, fresh = desk
    book = new_workbook(tmp_path / "wang.xlsx")
    sync.sync_file(wang, book, "refresh")
    with Editor(book, "Tickets") as ed:
        ed.set(late, "Opened", dt.datetime(2026, 2, 2, 9, 30))      # later (in UTC) or earlier: a change
        ed.set(fresh, "Ticket Status", "Open")
    sync.sync_file(wang, book, "save")
    status = row_of(book, late, "Tickets")["Status"]
    assert status.startswith("Not allowed:") and "may not change the Opened" in status, status
    assert records.get(admin, late)["opened_at"] == dt.datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    saved = records.get(admin, fresh)
    assert saved["status"] == "Open" and saved["first_response_at"] is not None
