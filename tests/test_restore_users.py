"""A restore names the users it takes access from, and those whose role it changes.

A backup holds the users as they were when it was made: restoring it removes anyone
added since, disables anyone disabled then, and puts roles back. `cims restore` lists
them before it asks (and prints the same list in a script with --yes); the service's
result names them too. Real encrypted stores and backups in tmp_path.
"""

from __future__ import annotations

import json
import os

import pytest

from cims_xl.security import trust
from cims_xl.services import audit_log, auth, backup, records
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

ANNA = {"user": "anna", "role": "admin", "why": "added after the backup was made"}
BO = {"user": "bo", "role": "support", "why": "disabled in the backup"}
LI = {"user": "li", "role_now": "admin", "role_in_backup": "sales"}


@pytest.fixture
def changed_since(store_path, admin):
    """A backup, then: anna added (admin), li raised from sales to admin, bo enabled again
    (disabled in the backup), mei unchanged. Returns the backup's path."""
    records.create(admin, "customer", {"name": "Ærøskøbing Købmand"})
    for name, role in (("li", "sales"), ("bo", "support"), ("mei", "sales")):
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    auth.disable_user(admin, "bo")
    made = backup.backup(admin)
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    auth.set_role(admin, "li", "admin")
    auth.enable_user(admin, "bo", USER_PASSWORD, kdf=FAST_KDF)
    return made


def test_preview_names_who_loses_access_and_whose_role_changes_and_changes_nothing(store_path, admin,
                                                                                  changed_since):
    before = sorted(store_path.parent.iterdir())
    preview = backup.preview_restore(admin, changed_since, ADMIN_PASSWORD)
    assert preview["access_lost"] == [ANNA, BO]
    assert preview["roles_changed"] == [LI]
    assert preview["backup"] == changed_since.name
    assert sorted(store_path.parent.iterdir()) == before          # no scratch left, nothing replaced
    assert {u["username"] for u in auth.list_users(admin)} >= {"anna", "bo", "li", "mei"}


def test_the_restores_result_names_the_same_users(store_path, admin, changed_since):
    result = backup.restore(admin, changed_since, ADMIN_PASSWORD)
    assert result["access_lost"] == [ANNA, BO]
    assert result["roles_changed"] == [LI]
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        users = {u["username"]: u for u in auth.list_users(again)}
        assert "anna" not in users and users["li"]["role"] == "sales" and users["bo"]["disabled"]
    finally:
        again.close()


def test_a_backup_where_everyone_keeps_access_names_no_one(admin):
    made = backup.backup(admin)
    records.create(admin, "customer", {"name": "No user changes"})
    assert backup.preview_restore(admin, made, ADMIN_PASSWORD) == {
        "backup": made.name, "created_at": backup.read_manifest(made)["created_at"],
        "access_lost": [], "roles_changed": [],
        "since": {"created": 1, "changed": 0, "deleted": 0, "other": 0, "entries": 1, "continues": True,
                  "records": {"customer": [1, 0]}},       # the customer made after the backup
        "signature_checked": {"signed_by": "admin", "fingerprint": trust.fingerprint(admin.signing_public),
                              "checked_against": "admin's keys in this store's trail"}}


def test_verify_after_restoring_a_backup_from_before_a_user_existed_is_clean(store_path, admin):
    """This computer pinned anna's key; the restored store has no anna, and that is not tampering."""
    made = backup.backup(admin)
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    anna = auth.sign_in(store_path, "anna", USER_PASSWORD)
    anna.close()
    assert audit_log.verify(admin).ok          # pins the head and both users' keys
    backup.restore(admin, made, ADMIN_PASSWORD)
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        result = audit_log.verify(again)
        assert result.ok, result.problems
    finally:
        again.close()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_script_restoring_with_yes_prints_who_loses_access(run, admin, changed_since, fmt):
    admin.close()       # a restore needs the store to itself
    code, out, err = run("--format", fmt, "restore", str(changed_since), "--yes")
    assert code == 0, err
    said = out + err
    assert "These users will lose access: anna (admin: added after the backup was made); " \
           "bo (support: disabled in the backup)" in said
    assert "li (admin now, sales after)" in said
    if fmt == "json":
        shown = json.loads(out)
        assert shown["access_lost"] == [ANNA, BO] and shown["roles_changed"] == [LI]


def test_a_script_restoring_a_backup_where_everyone_keeps_access_says_so(run):
    code, out, _ = run("--format", "json", "backup")
    made = json.loads(out)["backup"]
    code, out, err = run("restore", made, "--yes")
    assert code == 0, err
    assert "Every user keeps their access and role." in out
    assert "lose access" not in out


def test_in_a_terminal_the_list_comes_before_the_question_and_no_keeps_everyone(store_path, changed_since,
                                                                               admin, trust_dir):
    pexpect = pytest.importorskip("pexpect")
    from test_cli_terminal import screen, spawn_cims

    admin.close()
    child = spawn_cims(["restore", str(changed_since)], {
        "CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_TRUST_DIR": str(trust_dir),
        "PYTHONPATH": os.environ.get("PYTHONPATH", "")}, cwd=store_path.parent, password=ADMIN_PASSWORD)
    child.expect(r"Replace test\.cims with .*\?")
    shown = screen(child.before)
    assert "These users will lose access:" in shown and "anna" in shown and "bo" in shown
    assert "li (admin now, sales after)" in shown
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    session = auth.sign_in(store_path, "anna", USER_PASSWORD)     # still here: nothing was restored
    session.close()
    assert not list(store_path.parent.glob("*.before-restore-*"))
