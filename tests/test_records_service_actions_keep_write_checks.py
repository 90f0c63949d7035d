"""`records.update`/`update_many` take an `action` (and `create_many` an `imported`)
that cims's own merge, import undo and RFM refresh use to do what an edit may not.
Reached from a signed-in session with a password, they relax nothing: the contact of
its own customer, the lock on fields cims computes and the permission of the action
hold on every path. Real encrypted stores in tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.errors import PermissionDenied, ValidationFailed
from cims_xl.services import merge, records, segments


@pytest.fixture
def two_customers(admin):
    c1 = records.create(admin, "customer", {"name": "Erste Kundin GmbH", "type": "Company"})["id"]
    c2 = records.create(admin, "customer", {"name": "Otro Cliente SA", "type": "Company"})["id"]
    p1 = records.create(admin, "contact", {"customer_id": c1, "name": "Anna Berg"})["id"]
    p2 = records.create(admin, "contact", {"customer_id": c2, "name": "José Núñez",
                                           "email": "jose@example.es"})["id"]
    t1 = records.create(admin, "ticket", {"customer_id": c1, "contact_id": p1, "subject": "Drucker", "priority": "P2"})
    i1 = records.create(admin, "interaction", {"customer_id": c1, "contact_id": p1, "kind": "Call",
                                               "subject": "Rückruf"})
    return {"c1": c1, "c2": c2, "p1": p1, "p2": p2, "t1": t1, "i1": i1}


ACTIONS = ("merge", "undo", "rfm", "erase", "MERGE", "")


@pytest.mark.parametrize("role", ["support", "manager", "admin"])
@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_other_than_update_is_refused_and_nothing_is_stored(admin, session_as, two_customers, role,
                                                                      action):
    s = admin if role == "admin" else session_as(role)
    t1 = two_customers["t1"]
    for rid, change in [(t1["id"], {"contact_id": two_customers["p2"]}),
                        (t1["id"], {"resolution_due": "2030-01-01 00:00"}),
                        (two_customers["i1"]["id"], {"contact_id": two_customers["p2"]})]:
        with pytest.raises(PermissionDenied):
            records.update(s, rid, change, action=action)
        with pytest.raises(PermissionDenied):
            records.update_many(s, [(rid, change, None)], action=action)
    stored_t = records.get(admin, t1["id"])
    assert stored_t["contact_id"] == two_customers["p1"]
    assert stored_t["resolution_due"] == t1["resolution_due"]
    assert stored_t["version"] == 1
    assert records.get(admin, two_customers["i1"]["id"])["contact_id"] == two_customers["p1"]


@pytest.mark.parametrize("role", ["support", "manager"])
def test_the_service_path_refuses_a_caller_without_cims_own_token(session_as, two_customers, role):
    s = session_as(role)
    t1 = two_customers["t1"]["id"]
    for token in (None, object(), "merge", True):
        with pytest.raises(PermissionDenied):
            records._service_update_many(s, [(t1, {"resolution_due": "2030-01-01 00:00"}, None)], token=token,
                                        action="merge")


@pytest.mark.parametrize("key", ["first_response_due", "resolution_due"])
def test_a_manager_cannot_set_computed_due_times_even_through_the_merge_path(admin, session_as, two_customers, key):
    s = session_as("manager")
    t1 = two_customers["t1"]
    with pytest.raises(ValidationFailed, match="computed by cims"):
        records._service_update_many(s, [(t1["id"], {key: "2031-01-01 00:00"}, None)], token=records._SERVICE,
                                    action="merge")
    assert records.get(admin, t1["id"])[key] == t1[key]


def test_a_support_user_cannot_use_the_merge_path_it_needs_the_merge_permission(admin, session_as, two_customers):
    s = session_as("support")
    t1 = two_customers["t1"]
    with pytest.raises(PermissionDenied, match="merge"):
        records._service_update_many(s, [(t1["id"], {"subject": "umbenannt"}, None)], token=records._SERVICE,
                                    action="merge")
    assert records.get(admin, t1["id"])["subject"] == "Drucker"
    with pytest.raises(PermissionDenied):
        merge.merge_customers(s, two_customers["c1"], two_customers["c2"])
    merge.merge_customers(session_as("manager"), two_customers["c1"], two_customers["c2"])   # a manager may
    assert records.get(admin, two_customers["p2"])["customer_id"] == two_customers["c1"]


def test_the_rfm_path_unlocks_only_the_rfm_segment(admin, two_customers):
    t1 = two_customers["t1"]
    with pytest.raises(ValidationFailed, match="computed by cims"):
        records._service_update_many(admin, [(t1["id"], {"resolution_due": "2031-01-01 00:00"}, None)],
                                    token=records._SERVICE, action="rfm")
    assert records.get(admin, t1["id"])["resolution_due"] == t1["resolution_due"]
    for c in ("c1", "c2"):      # two customers to rank against each other (one alone has no segment)
        records.create(admin, "order", {"customer_id": two_customers[c], "order_date": dt.date.today().isoformat(),
                                        "amount": "250.00"})
    segments.update_rfm_segments(admin)        # the refresh itself still writes the segment
    assert records.get(admin, two_customers["c1"])["rfm_segment"] not in (None, "")


def test_a_support_user_cannot_create_tickets_as_imported_history_with_chosen_due_times(admin, session_as,
                                                                                       two_customers):
    s = session_as("support")
    with pytest.raises(PermissionDenied):
        records.create_many(s, "ticket", [{"customer_id": two_customers["c1"], "subject": "alt",
                                           "opened_at": "2020-01-01 00:00",
                                           "resolution_due": "2030-01-01 00:00"}], imported=True)
    assert [t["id"] for t in records.list_records(admin, "ticket")] == [two_customers["t1"]["id"]]





def test_a_merge_moves_a_deleted_contact_with_the_records_naming_it_instead_of_stopping(admin, two_customers):
    c1, c2, p2 = two_customers["c1"], two_customers["c2"], two_customers["p2"]
    i2 = records.create(admin, "interaction", {"customer_id": c2, "contact_id": p2, "kind": "Email",
                                               "subject": "Hola"})["id"]
    records.delete(admin, p2)        # a deleted contact moves too (tests/test_merge_moves_deleted_records.py)
    merge.merge_customers(admin, c1, c2)
    assert records.get(admin, i2)["customer_id"] == c1
    assert records.get(admin, p2, include_deleted=True)["customer_id"] == c1
    assert records.contacts_of_other_customers(admin) == []
    records.restore(admin, p2)
    assert records.get(admin, p2)["customer_id"] == c1


def test_audit_verify_names_a_merge_entry_that_changes_more_than_a_merge_does(admin, session_as, two_customers):
    from cims_xl.services import audit_log

    mgr = session_as("manager")
    i2 = records.create(admin, "interaction", {"customer_id": two_customers["c2"], "contact_id": two_customers["p2"],
                                               "kind": "Email", "subject": "Hola"})["id"]
    merge.merge_customers(mgr, two_customers["c1"], two_customers["c2"])     # a real merge: clean
    assert audit_log.verify(admin).problems == []
    t1 = two_customers["t1"]["id"]
    records._service_update_many(mgr, [(t1, {"subject": "umgeschrieben"}, None)], token=records._SERVICE,
                                 action="merge")
    problems = audit_log.verify(admin).problems
    assert len(problems) == 1 and t1 in problems[0] and "subject" in problems[0], problems
    assert i2 not in " ".join(problems)
