"""Restore is atomic, checked and admin-only: SIGKILL at every step, foreign backups,
other sessions, a new machine with no store, no scratch left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from cims_xl.errors import StoreBusy, StoreError, WrongPassword
from cims_xl.security.keys import KeyFile, keyfile_path
from cims_xl.services import audit_log, auth, backup, records

from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD
from crashkit import killed, run_cims

STEPS = ["restore.staged", "restore.journal-saved", "restore.old-moved-aside", "restore.placed-database",
         "restore.placed-keys", "restore.done"]
SWAPPED = STEPS[1:]


@pytest.fixture
def shop(store_path, admin, tmp_path):
    """A store with one customer in its backup and a second one added after it."""
    records.create(admin, "customer", {"name": "Zoë Brontë", "email": "zoe@example.fr"})
    made = backup.backup(admin, tmp_path / "bk")
    records.create(admin, "customer", {"name": "Kwame Mensah"})
    admin.close()
    return store_path, made


def _names(store_path, user="admin", password=ADMIN_PASSWORD) -> list[str]:
    session = auth.sign_in(store_path, user, password)
    try:
        return sorted(c["name"] for c in records.list_records(session, "customer"))
    finally:
        session.close()


def _actions(store_path) -> list[str]:
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert audit_log.verify(session).ok
        return [e["action"] for e in audit_log.show(session, limit=500)]
    finally:
        session.close()


def _scratch(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".cims-", "tmp")))


@pytest.mark.parametrize("step", STEPS)
def test_a_restore_killed_at_any_step_leaves_a_store_that_opens_whole(shop, step):
    store_path, made = shop
    out = run_cims("--store", str(store_path), "--user", "admin", "restore", str(made), "--yes",
                   password=ADMIN_PASSWORD, crash_at=step)
    assert killed(out), (out.returncode, out.stderr)
    names = _names(store_path)          # the next sign-in finishes (or never started) the swap
    if step in SWAPPED:
        assert names == ["Zoë Brontë"]
        assert "restore" in _actions(store_path)        # audited in the restored store
        assert list(store_path.parent.glob("test.cims.before-restore-*"))
        assert list(store_path.parent.glob("test.cims.keys.before-restore-*"))
    else:
        assert names == ["Kwame Mensah", "Zoë Brontë"]
        assert "restore" not in _actions(store_path)    # verify holds: the pin was left alone
    assert not store_path.with_name("test.cims.restoring").exists()
    assert _scratch(store_path.parent) == []


def test_a_restore_is_audited_in_the_restored_store_and_the_replaced_one(shop):
    store_path, made = shop
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    backup.restore(admin, made, ADMIN_PASSWORD)
    assert not admin.is_open
    assert _actions(store_path)[:2] == ["sign-in", "restore"]
    assert _names(store_path) == ["Zoë Brontë"]


def test_a_backup_of_another_store_is_refused_unless_asked_for(shop, tmp_path):
    store_path, _ = shop
    other = tmp_path / "other" / "other.cims"
    auth.init_store(other, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    with auth.sign_in(other, "admin", ADMIN_PASSWORD) as s:
        records.create(s, "customer", {"name": "Fremde Firma GmbH"})
        foreign = backup.backup(s, tmp_path / "other-bk")
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    with pytest.raises(StoreError, match="backup of another store.*--other-store"):
        backup.restore(admin, foreign, ADMIN_PASSWORD)
    assert admin.is_open
    admin.close()
    assert _names(store_path) == ["Kwame Mensah", "Zoë Brontë"]
    out = run_cims("--store", str(store_path), "--user", "admin", "restore", str(foreign), "--yes",
                   password=ADMIN_PASSWORD)
    assert out.returncode == StoreError.exit_code and "--other-store" in out.stderr
    out = run_cims("--store", str(store_path), "--user", "admin", "restore", str(foreign), "--yes",
                   "--other-store", password=ADMIN_PASSWORD)
    assert out.returncode == 0, out.stderr
    assert _names(store_path) == ["Fremde Firma GmbH"]


def test_a_restore_waits_for_no_one_and_refuses_while_another_session_is_open(shop):
    store_path, made = shop
    auth.add_user(auth.sign_in(store_path, "admin", ADMIN_PASSWORD), "sam", "sales", USER_PASSWORD,
                  kdf=FAST_KDF)
    sam = auth.sign_in(store_path, "sam", USER_PASSWORD)
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        with pytest.raises(StoreBusy, match="another session has the store open"):
            backup.restore(admin, made, ADMIN_PASSWORD)
        records.create(sam, "customer", {"name": "Saved After The Refusal"})   # not lost
    finally:
        sam.close()
        admin.close()
    assert "Saved After The Refusal" in _names(store_path)
    _actions(store_path)        # a refused restore left this account's pin of the store alone
    assert _scratch(store_path.parent) == []


def test_a_sales_user_cannot_restore_even_with_the_admins_password(shop, tmp_path):
    store_path, made = shop
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    auth.add_user(admin, "sam", "sales", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    out = run_cims("--store", str(store_path), "--user", "sam", "restore", str(made), "--yes",
                   password=USER_PASSWORD)
    assert out.returncode == 5, out.stderr
    assert _names(store_path) == ["Kwame Mensah", "Zoë Brontë"]


def test_restoring_onto_a_machine_with_no_store_creates_it(shop, tmp_path):
    _, made = shop
    new = tmp_path / "new machine" / "shop.cims"
    out = run_cims("--store", str(new), "--user", "admin", "restore", str(made), password=ADMIN_PASSWORD)
    assert out.returncode == 0, out.stderr
    assert _names(new) == ["Zoë Brontë"]
    assert KeyFile.load(new).store_id == KeyFile.load(shop[0]).store_id
    assert oct(new.stat().st_mode & 0o777) == "0o600" and oct(keyfile_path(new).stat().st_mode & 0o777) == "0o600"
    assert _scratch(new.parent) == []


def test_a_failed_restore_onto_no_store_leaves_nothing_behind(shop, tmp_path):
    _, made = shop
    new = tmp_path / "empty"
    new.mkdir()
    out = run_cims("--store", str(new / "shop.cims"), "--user", "admin", "restore", str(made),
                   password="not-the-password")
    assert out.returncode == WrongPassword.exit_code, out.stderr
    assert sorted(p.name for p in new.iterdir()) == []
    out = run_cims("--store", str(new / "shop.cims"), "--user", "admin", "customer", "list",
                   password=ADMIN_PASSWORD)
    assert out.returncode == StoreError.exit_code and "no store" in out.stderr
    assert sorted(p.name for p in new.iterdir()) == []          # no stray .lock either


def test_a_killed_backup_leaves_no_scratch_after_the_next_one(shop, tmp_path):
    store_path, made = shop
    out = run_cims("--store", str(store_path), "--user", "admin", "backup", "--dir", str(made.parent),
                   password=ADMIN_PASSWORD, crash_at="backup.copied")
    assert killed(out)
    assert _scratch(made.parent)            # the killed process could not clean up ...
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as admin:
        backup.backup(admin, made.parent)
    assert _scratch(made.parent) == []      # ... the next backup does
    assert not list(made.parent.glob("*.partial"))


def test_a_swap_that_fails_part_way_keeps_its_stage_and_the_next_sign_in_finishes_it(shop, monkeypatch):
    import os as real_os

    from cims_xl.services import backup as svc

    store_path, made = shop
    real_replace = real_os.replace

    def failing_replace(src, dst):
        if Path(dst) == store_path:
            raise PermissionError("the disk said no")
        return real_replace(src, dst)

    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    monkeypatch.setattr(svc.os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        backup.restore(admin, made, ADMIN_PASSWORD)
    monkeypatch.setattr(svc.os, "replace", real_replace)
    assert store_path.with_name("test.cims.restoring").exists()
    assert _names(store_path) == ["Zoë Brontë"]
    assert _scratch(store_path.parent) == []


def test_a_refused_restore_of_a_longer_backup_leaves_no_false_alarm_of_a_cut_trail(shop, tmp_path):
    # The tester's case: the backup's trail is longer than the store's (the store was
    # restored from an older backup since). A restore refused, or stopped by Ctrl-C,
    # before its swap pinned the longer backup's head, and every later command warned
    # "the trail was cut" on the intact store.
    store_path, older = shop
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    for i in range(5):
        records.create(admin, "customer", {"name": f"Later Customer {i}"})
    longer = backup.backup(admin, tmp_path / "bk2")
    backup.restore(admin, older, ADMIN_PASSWORD)          # back to the shorter trail
    assert _names(store_path) == ["Zoë Brontë"]
    other = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        with pytest.raises(StoreBusy):
            backup.restore(admin, longer, ADMIN_PASSWORD)
    finally:
        other.close()
        if admin.is_open:
            admin.close()
    assert _names(store_path) == ["Zoë Brontë"]
    _actions(store_path)            # audit verify holds
