"""A live session follows what an administrator does to its account.

Found by a fresh tester (stop 26): a manager signed in (Excel keeps one session for
every worksheet function and Save) kept reading and writing after an administrator, in
another process, disabled her and made her a viewer; every call reset the idle timer,
so the session never ended. The session now reads its user's row back (at most every
USER_RECHECK_SECONDS, and before every write): disabled, removed or given another role,
it ends, and the next sign-in decides the role again from the signed trail. A row edited
outside cims never widens a live session (it ends it; sign-in ignores that edit)."""

from __future__ import annotations

import pytest

from cims_xl.errors import SessionExpired
from cims_xl.excel import worksheet_functions as udf
from cims_xl.security.keys import KeyFile
from cims_xl.services import auth, records, session as session_mod
from cims_xl.store.db import Store

from conftest import FAST_KDF, USER_PASSWORD


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def manager(store_path, admin, session_as):
    records.create(admin, "customer", {"name": "张伟", "city": "上海"})
    mgr = session_as("manager", "mgr1")
    clock = Clock()
    mgr._clock = clock
    mgr._last_used = mgr._user_checked_at = clock.now
    return mgr, clock


@pytest.mark.parametrize("change", ["disable", "role"])
def test_a_write_after_the_account_changed_is_refused_at_once(admin, manager, change):
    mgr, clock = manager
    if change == "disable":
        auth.disable_user(admin, "mgr1")
    else:
        auth.set_role(admin, "mgr1", "viewer")
    with pytest.raises(SessionExpired, match="disabled" if change == "disable" else "role was changed"):
        records.update(mgr, "C-000001", {"city": "北京"})
    assert records.get(admin, "C-000001")["city"] == "上海"
    assert not mgr.is_open


@pytest.mark.parametrize("change", ["disable", "role"])
def test_reads_end_within_the_recheck_time_however_often_the_session_is_used(admin, manager, change):
    mgr, clock = manager
    assert records.get(mgr, "C-000001")["name"] == "张伟"
    if change == "disable":
        auth.disable_user(admin, "mgr1")
    else:
        auth.set_role(admin, "mgr1", "viewer")
    clock.now += session_mod.USER_RECHECK_SECONDS / 2
    records.get(mgr, "C-000001")                 # within the recheck time: one more read
    clock.now += session_mod.USER_RECHECK_SECONDS
    with pytest.raises(SessionExpired):
        records.get(mgr, "C-000001")
    with pytest.raises(SessionExpired):
        records.get(mgr, "C-000001")             # and it stays ended


def test_a_worksheet_function_stops_answering_after_the_user_was_disabled(admin, manager):
    mgr, clock = manager
    assert udf.cims_get("C-000001", "Name", session=mgr) == "张伟"
    auth.disable_user(admin, "mgr1")
    clock.now += session_mod.USER_RECHECK_SECONDS
    answer = udf.cims_get("C-000001", "Name", session=mgr)
    assert answer != "张伟" and "sign in" in str(answer).lower(), answer


def test_an_unchanged_account_keeps_its_session(admin, manager):
    mgr, clock = manager
    auth.add_user(admin, "other", "sales", USER_PASSWORD, kdf=FAST_KDF)
    auth.set_role(admin, "other", "support")          # someone else's change
    for _ in range(3):
        clock.now += session_mod.USER_RECHECK_SECONDS
        records.update(mgr, "C-000001", {"city": "北京"} if _ % 2 == 0 else {"city": "上海"})
    assert mgr.is_open and mgr.role == "manager"


def test_a_role_raised_in_the_database_ends_the_session_and_the_next_sign_in_ignores_it(store_path, manager):
    mgr, clock = manager
    kf = KeyFile.load(store_path)
    store = Store.open(store_path, kf.unlock("mgr1", USER_PASSWORD))
    try:
        with store.transaction():
            store.update_user("mgr1", {"role": "admin"})
    finally:
        store.close()
    with pytest.raises(SessionExpired):
        records.update(mgr, "C-000001", {"city": "北京"})
    again = auth.sign_in(store_path, "mgr1", USER_PASSWORD)
    try:
        assert again.role == "manager"              # the trail's role, not the edited row's
        records.update(again, "C-000001", {"city": "北京"})    # and that session works
        assert again.is_open
    finally:
        again.close()


@pytest.mark.parametrize("change", ["password reset", "disabled and enabled again"])
def test_a_session_opened_before_an_administrator_gave_new_keys_ends(admin, manager, change):
    # found by the attack tester: a round trip back to the same role and status, or a
    # reset password, left the old session working (and its later writes failed verify)
    mgr, clock = manager
    if change == "password reset":
        auth.change_password(admin, "mgr1", "Another-Strong-Pass-99", kdf=FAST_KDF)
    else:
        auth.disable_user(admin, "mgr1")
        auth.enable_user(admin, "mgr1", "Another-Strong-Pass-99", kdf=FAST_KDF)
    with pytest.raises(SessionExpired, match="reset|enabled again"):
        records.update(mgr, "C-000001", {"city": "北京"})
    assert records.get(admin, "C-000001")["city"] == "上海"
