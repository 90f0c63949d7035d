"""Support reopens a Resolved (or Closed) ticket - the reopen clears the recorded time - and
then records it resolved again. A time before the reopen would replace the recorded
one (a breach) by another (a target met): only a manager or administrator records it;
a time after the reopen, as it happened, anyone who may edit the ticket records."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FAST_KDF, USER_PASSWORD

from cims_xl.errors import PermissionDenied
from cims_xl.services import auth, records

UTC = dt.timezone.utc
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


@pytest.fixture
def desk(admin):
    for name, role in (("sup1", "support"), ("sup2", "support"), ("man1", "manager")):
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    cust = records.create(admin, "customer", {"name": "Ноябрьский Сервис"})["id"]
    now = dt.datetime.now(UTC).replace(second=0, microsecond=0)

    def ticket() -> tuple[str, dt.datetime]:
        # P3: resolution due 72 h after opening, i.e. a day ago: resolving now is a breach
        opened = now - 4 * D
        tid = records.create(admin, "ticket", {"customer_id": cust, "subject": "Drucker offline",
                                               "priority": "P3", "assignee": "sup1", "opened_at": opened,
                                               "first_response_at": opened + H})["id"]
        return tid, opened
    return ticket


def _as(admin, name):
    return auth.sign_in(admin.store_path, name, USER_PASSWORD)


def _breached_and_reopened(admin, desk, who, end):
    tid, opened = desk()
    s = _as(admin, who)
    records.update(s, tid, {"status": end})                  # recorded now: a breach
    assert records.get(admin, tid)["resolved_at"] is not None
    records.update(s, tid, {"status": "Open"})               # the reopen clears it
    assert records.get(admin, tid)["resolved_at"] is None
    return s, tid, opened


@pytest.mark.parametrize("who", ["sup1", "sup2"])
@pytest.mark.parametrize("end,key", [("Resolved", "resolved_at"), ("Closed", "closed_at"),
                                     ("Closed", "resolved_at")])
def test_a_time_before_the_reopen_is_refused_for_support_and_nothing_changes(admin, desk, who, end, key):
    s, tid, opened = _breached_and_reopened(admin, desk, who, end)
    with pytest.raises(PermissionDenied) as exc:
        records.update(s, tid, {"status": end, key: opened + 3 * H})
    assert "reopened" in str(exc.value) and tid in str(exc.value)
    rec = records.get(admin, tid)
    assert rec["status"] == "Open" and rec["resolved_at"] is None and rec["closed_at"] is None


@pytest.mark.parametrize("end", ["Resolved", "Closed"])
def test_after_the_refusal_support_records_a_time_after_the_reopen(admin, desk, end):
    s, tid, opened = _breached_and_reopened(admin, desk, "sup1", end)
    with pytest.raises(PermissionDenied):
        records.update(s, tid, {"status": end, "resolved_at": opened + 3 * H})
    later = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    records.update(s, tid, {"status": end, "resolved_at": later})
    rec = records.get(admin, tid)
    assert rec["status"] == end and rec["resolved_at"] == later


@pytest.mark.parametrize("boss", ["man1", "admin"])
def test_a_manager_or_administrator_records_the_time_support_was_refused(admin, desk, boss):
    s, tid, opened = _breached_and_reopened(admin, desk, "sup1", "Resolved")
    with pytest.raises(PermissionDenied):
        records.update(s, tid, {"status": "Resolved", "resolved_at": opened + 3 * H})
    b = admin if boss == "admin" else _as(admin, boss)
    records.update(b, tid, {"status": "Resolved", "resolved_at": opened + 3 * H})
    assert records.get(admin, tid)["resolved_at"] == opened + 3 * H


def test_the_refusal_is_in_the_audit_trail(admin, desk):
    s, tid, opened = _breached_and_reopened(admin, desk, "sup1", "Resolved")
    with pytest.raises(PermissionDenied):
        records.update(s, tid, {"status": "Resolved", "resolved_at": opened + 3 * H})
    denied = [row for row in admin.store.iter_audit(entity_id=tid)
              if dict(zip(admin.store.AUDIT_COLS, row))["action"] == "denied"]
    assert denied
