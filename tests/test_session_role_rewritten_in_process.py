"""A session whose role (or user) is rewritten in the Python process after sign-in
(`session.role = "admin"`, the attack tester's stop-27 finding) ends at its next use:
no read, no write is done with a role the sign-in did not give."""

from __future__ import annotations

import pytest

from cims_xl.errors import SessionExpired
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records, search


@pytest.fixture
def office(admin, session_as):
    lina = session_as("sales", "lina")
    cid = records.create(lina, "customer", {"name": "Ana Pereira", "owner": "lina"})["id"]
    iid = records.create(lina, "interaction", {"customer_id": cid, "kind": "Call", "subject": "first call",
                                               "occurred_at": "2026-11-30 10:00"})["id"]
    return cid, iid


@pytest.mark.parametrize("role", ["admin", "manager", "viewer"])
@pytest.mark.parametrize("act", ["edit a colleague's interaction", "delete it", "list users", "search"])
def test_a_session_given_another_role_in_process_ends_before_acting(admin, session_as, office, role, act):
    from cims_xl.services import auth

    cid, iid = office
    sam = session_as("sales", "sam")
    sam.role = role
    with pytest.raises(SessionExpired, match="changed after sign-in"):
        if act == "edit a colleague's interaction":
            records.update(sam, iid, {"subject": "rewritten"})
        elif act == "delete it":
            records.delete(sam, iid)
        elif act == "list users":
            auth.list_users(sam)
        else:
            search.search_customers(sam, "Ana")
    assert not sam.is_open
    assert records.get(admin, iid)["subject"] == "first call"


def test_a_worksheet_function_on_a_rewritten_session_answers_with_the_refusal(session_as, office):
    cid, _ = office
    guest = session_as("viewer", "guest")
    guest.role = "manager"
    answer = wf.cims_get(cid, "Name", session=guest)
    assert isinstance(answer, str) and answer.startswith("#CIMS") and "Ana" not in answer
