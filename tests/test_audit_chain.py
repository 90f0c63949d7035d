"""The audit trail: every write leaves an entry, and tampering is found and named."""

from __future__ import annotations

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.services import audit_log, gdpr, records


@pytest.fixture
def trail(admin):
    c = records.create(admin, "customer", {"name": "赵六", "email": "zhao@example.com", "phone": "13800138000"})
    records.update(admin, c["id"], {"city": "成都"})
    records.create(admin, "order", {"customer_id": c["id"], "order_date": "2024-01-02", "amount": "12.50"})
    records.delete(admin, c["id"])
    assert audit_log.verify(admin).ok
    return admin


def _seqs(session) -> list[int]:
    return [r[0] for r in session.store.query("SELECT seq FROM audit ORDER BY seq")]


def test_each_write_appends_an_entry_with_actor_action_and_changed_values(trail):
    entries = audit_log.show(trail, limit=10)
    actions = [(e["action"], e["entity"]) for e in reversed(entries)]
    assert ("create", "customer") in actions and ("update", "customer") in actions
    update = next(e for e in entries if e["action"] == "update")
    assert update["actor"] == "admin" and update["changes"] == {"city": [None, "成都"]}


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_editing_any_one_audit_row_makes_verify_fail_and_name_that_entry(trail, position):
    seqs = _seqs(trail)
    seq = {"first": seqs[0], "middle": seqs[len(seqs) // 2], "last": seqs[-1]}[position]
    with trail.store.transaction():
        trail.store.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = ?", (seq,))
    result = audit_log.verify(trail)
    assert not result.ok and result.bad_seq == seq
    assert f"#{seq}" in result.problem and "edited" in result.problem


def test_editing_a_recorded_value_is_found(trail):
    seq = next(e["seq"] for e in audit_log.show(trail, limit=50) if e["action"] == "update")
    with trail.store.transaction():
        trail.store.conn.execute("UPDATE audit SET changes = ? WHERE seq = ?",
                                 ('{"city":[null,"北京"]}', seq))
    result = audit_log.verify(trail)
    assert not result.ok and result.bad_seq == seq


@pytest.mark.parametrize("position", ["first", "middle"])
def test_deleting_any_one_audit_row_makes_verify_fail_and_name_the_gap(trail, position):
    seqs = _seqs(trail)
    seq = seqs[0] if position == "first" else seqs[len(seqs) // 2]
    with trail.store.transaction():
        trail.store.conn.execute("DELETE FROM audit WHERE seq = ?", (seq,))
    result = audit_log.verify(trail)
    assert not result.ok and result.bad_seq == seq and "missing" in result.problem


def test_cutting_off_the_newest_entries_is_found(trail):
    last = _seqs(trail)[-1]
    with trail.store.transaction():
        trail.store.conn.execute("DELETE FROM audit WHERE seq = ?", (last,))
    result = audit_log.verify(trail)
    assert not result.ok and "missing" in result.problem


def test_swapping_two_audit_rows_makes_verify_fail_and_name_the_first_swapped_entry(trail):
    a, b = _seqs(trail)[3:5]
    cols = "at, actor, action, entity, entity_id, batch_id, changes, digests, prev_mac, mac"
    with trail.store.transaction():
        ra = trail.store.query(f"SELECT {cols} FROM audit WHERE seq = ?", [a])[0]
        rb = trail.store.query(f"SELECT {cols} FROM audit WHERE seq = ?", [b])[0]
        sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
        trail.store.conn.execute(f"UPDATE audit SET {sets} WHERE seq = ?", list(rb) + [a])
        trail.store.conn.execute(f"UPDATE audit SET {sets} WHERE seq = ?", list(ra) + [b])
    result = audit_log.verify(trail)
    assert not result.ok and result.bad_seq == a


def test_a_failed_write_leaves_no_audit_entry_claiming_success(admin):
    before = len(_seqs(admin))
    with pytest.raises(Exception):
        records.create_many(admin, "customer", [{"name": "ok"}, {"name": "bad", "email": "no-at-sign"}])
    assert len(_seqs(admin)) == before
    assert records.list_records(admin, "customer") == []


def test_erasure_removes_personal_values_from_the_trail_and_the_chain_still_verifies(trail):
    cid = records.list_records(trail, "customer", include_deleted=True)[0]["id"]
    gdpr.erase_customer(trail, cid)
    text = " ".join(r[0] or "" for r in trail.store.query("SELECT changes FROM audit"))
    for secret in ("赵六", "zhao@example.com", "+8613800138000"):
        assert secret not in text
    assert "[erased]" in text
    assert audit_log.verify(trail).ok


def test_only_administrators_may_read_or_verify_the_trail(admin, session_as):
    manager = session_as("manager")
    with pytest.raises(PermissionDenied):
        audit_log.verify(manager)
