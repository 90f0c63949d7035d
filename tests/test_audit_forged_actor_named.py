"""A write made in another user's name is blamed on whose key signed it, not on the victim.

A salesperson with her own password can open a session through the Python API and set
`session.username = "mei"`, `session.role = "manager"` before she writes. The write's
entries and signature then claim mei; the signature was made with lina's key, so
`audit verify` says so instead of "changed after mei signed it".
"""

from __future__ import annotations

import pytest

from cims_xl.services import audit_log, auth, records
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

LINA_PASSWORD = "Amber-Willow-Cinder-58"


@pytest.fixture
def office(store_path, admin):
    auth.add_user(admin, "mei", "manager", USER_PASSWORD, kdf=FAST_KDF)
    auth.add_user(admin, "lina", "sales", LINA_PASSWORD, kdf=FAST_KDF)
    boss = records.create(admin, "customer", {"name": "Große Bäckerei GmbH", "owner": "admin", "city": "Köln"})
    mei = auth.sign_in(store_path, "mei", USER_PASSWORD)       # mei's key is enrolled as hers
    mei.close()
    assert audit_log.verify(admin).ok
    return boss["id"]


def _lina_as(store_path, claimed: str, role: str):
    session = auth.sign_in(store_path, "lina", LINA_PASSWORD)
    session.username, session.role = claimed, role
    # the session's own read-back of its user (Session.check) would end this session at
    # its first write (see the test below); an insider with the Python API switches that (a private attribute)
    # off too, and `audit verify` is what still catches the write
    session._follow_user_row = False
    return session


def test_a_session_whose_user_and_role_were_rewritten_ends_at_its_next_write(store_path, office):
    from cims_xl.errors import SessionExpired

    session = auth.sign_in(store_path, "lina", LINA_PASSWORD)
    session.username, session.role = "mei", "manager"
    with pytest.raises(SessionExpired):
        records.update(session, office, {"city": "广州"})


def _write(session, kind: str, boss: str) -> None:
    if kind == "one update":
        records.update(session, boss, {"city": "广州"})
    else:
        records.create_many(session, "customer", [{"name": n, "owner": "mei"} for n in ("Ama Mensah", "李娜", "Олег")])


@pytest.mark.parametrize("claimed, role", [("mei", "manager"), ("admin", "admin")])
@pytest.mark.parametrize("kind", ["one update", "several records in one write"])
def test_a_write_in_another_users_name_names_the_key_that_signed_it(store_path, office, claimed, role, kind):
    forged = _lina_as(store_path, claimed, role)
    try:
        _write(forged, kind, office)
    finally:
        forged.close()
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        result = audit_log.verify(admin)
    finally:
        admin.close()
    assert not result.ok
    hits = [p for p in result.problems if f"signed with lina's key, claims {claimed}" in p]
    assert hits, result.problems
    assert not any(f"changed after {claimed} signed it" in p for p in result.problems), result.problems
