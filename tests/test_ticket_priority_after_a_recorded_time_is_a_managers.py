"""Once a ticket's First Response or Resolved is recorded, its priority is a manager's to
change: the priority sets the due times those times are judged against. (A fresh tester,
stop 27: support made a P3 ticket P4 to record a late first response as met, then P3
again; the Service report counted a breach as within target.)"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FAST_KDF, USER_PASSWORD

from cims_xl.errors import PermissionDenied
from cims_xl.services import auth, records

NOW = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)


def _t(delta: dt.timedelta) -> str:
    return (NOW + delta).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def desk(admin):
    for name, role in (("sue", "support"), ("mei", "manager")):
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    cust = records.create(admin, "customer", {"name": "Servicio Técnico Andaluz"})["id"]

    def ticket(**times) -> str:
        return records.create(admin, "ticket", {"customer_id": cust, "subject": "Impresora", "priority": "P3",
                                                "assignee": "sue", "opened_at": _t(-2 * D),
                                                **{k: _t(v) for k, v in times.items()}})["id"]
    return ticket


def _as(admin, name):
    return auth.sign_in(admin.store_path, name, USER_PASSWORD)


def test_support_cannot_lower_the_priority_to_record_a_late_time_as_met(admin, desk):
    tid = desk()
    sue = _as(admin, "sue")
    try:
        with pytest.raises(PermissionDenied):       # the late fill alone (P3: due 8 h after opening)
            records.update(sue, tid, {"first_response_at": _t(-2 * D + 7 * H)})
        with pytest.raises(PermissionDenied, match="Priority"):
            records.update(sue, tid, {"priority": "P4", "first_response_at": _t(-2 * D + 7 * H)})
    finally:
        sue.close()
    stored = records.get(admin, tid)
    assert stored["priority"] == "P3" and stored["first_response_at"] is None


@pytest.mark.parametrize("recorded", [{"first_response_at": -2 * D + 2 * H},
                                      {"first_response_at": -2 * D + H, "resolved_at": -D}])
@pytest.mark.parametrize("to", ["P4", "P1"])
def test_support_cannot_change_the_priority_once_a_time_is_recorded(admin, desk, recorded, to):
    extra = {"status": "Resolved"} if "resolved_at" in recorded else {}
    tid = desk(**recorded)
    if extra:
        records.update(admin, tid, extra)
    sue = _as(admin, "sue")
    try:
        with pytest.raises(PermissionDenied, match="only a manager or administrator changes it"):
            records.update(sue, tid, {"priority": to})
    finally:
        sue.close()
    assert records.get(admin, tid)["priority"] == "P3"
    mei = _as(admin, "mei")
    try:
        assert records.update(mei, tid, {"priority": to})["priority"] == to
    finally:
        mei.close()


def test_support_still_sets_the_priority_of_a_ticket_nobody_answered_yet(admin, desk):
    tid = desk()
    sue = _as(admin, "sue")
    try:
        assert records.update(sue, tid, {"priority": "P1"})["priority"] == "P1"
        assert records.update(sue, tid, {"subject": "Impresora sin tóner"})["priority"] == "P1"
    finally:
        sue.close()
