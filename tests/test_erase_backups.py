"""A GDPR erase writes into the backups it cleans; those writes are signed like any write.

Restoring a backup that an erase cleaned must give a store whose trail verifies: the
erase's entries in the backup are signed by the administrator who erased, and the
records are in the state that signature holds. Where the administrator cannot sign in
that backup (they were added after it was made, or their password was reset since), the
erase says so, `audit verify` names it as cims's own erase in a backup (not as
tampering), and `audit accept` accepts it. Real encrypted stores and backups in tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cims_xl.errors import BackupSignature
from cims_xl.domain.schema import CUSTOMER
from cims_xl.security.keys import KeyFile
from cims_xl.services import audit_log, auth, backup, gdpr, records
from cims_xl.services import erase_copies
from cims_xl.services.session import Session
from cims_xl.store.db import Store
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

NEW_PASSWORD = "Velvet-Canyon-Whistle-58"


def _people(session) -> tuple[str, str]:
    """Two customers, the first with personal data in several fields."""
    a = records.create(session, "customer", {"name": "Sigríður Jónsdóttir", "email": "sigga@example.is",
                                             "phone": "+354 555 1234", "city": "Reykjavík"})
    b = records.create(session, "customer", {"name": "Nguyễn Văn An", "email": "an@example.vn"})
    return a["id"], b["id"]


def _restore_and_verify(store_path: Path, made: Path, today: str = ADMIN_PASSWORD, then: str = ADMIN_PASSWORD,
                        allow_unsigned: bool = False):
    """Restore `made` as admin (signed in with `today`'s password; `then` is theirs in the
    backup): a new session on the restored store, and what `audit verify` says there."""
    session = auth.sign_in(store_path, "admin", today)
    backup.restore(session, made, then, allow_unsigned=allow_unsigned)
    restored = auth.sign_in(store_path, "admin", then)
    return restored, audit_log.verify(restored)


def _signers(session) -> dict[int, str]:
    """Each audit entry's signer, by entry number."""
    out = {}
    for first, last, signer, *_ in session.store.iter_audit_sigs():
        for seq in range(first, last + 1):
            out[seq] = signer
    return out


# ----- the erasing administrator can sign in the backup ------------------------------------

def test_erase_backup_restore_verify_is_clean_through_the_cli(run, store_path):
    assert run("customer", "add", "--name", "Renée Faure", "--email", "renee@example.fr")[0] == 0
    assert run("customer", "add", "--name", "Jan Kowalski")[0] == 0
    assert run("backup")[0] == 0
    code, out, err = run("gdpr", "erase", "C-000001", "--yes")
    assert code == 0, err
    assert "could not be signed" not in out + err
    assert run("audit", "verify")[0] == 0          # the live store: the copy's head was not pinned
    made = next((store_path.parent / "backups").glob("*.cimsbak"))
    code, out, err = run("restore", str(made), "--yes")
    assert code == 0, err
    code, out, err = run("--format", "json", "audit", "verify")
    assert code == 0, out + err
    assert json.loads(out)["problems"] == []
    shown = json.loads(run("--format", "json", "customer", "show", "C-000001")[1])
    assert shown["name"] == "[erased]" and shown["email"] is None
    assert json.loads(run("--format", "json", "customer", "show", "C-000002")[1])["name"] == "Jan Kowalski"


def test_after_a_password_change_the_cli_erases_restores_with_the_old_password_and_verifies(
        run, store_path, admin, monkeypatch):
    assert run("customer", "add", "--name", "Tomás Ó Briain", "--email", "tomas@example.ie")[0] == 0
    assert run("backup")[0] == 0
    auth.change_password(admin, "admin", NEW_PASSWORD, kdf=FAST_KDF)
    admin.close()
    monkeypatch.setenv("CIMS_PASSWORD", NEW_PASSWORD)
    code, out, err = run("gdpr", "erase", "C-000001", "--yes")
    assert code == 0 and "could not be signed" not in out + err, err
    made = next((store_path.parent / "backups").glob("*.cimsbak"))
    monkeypatch.setenv("CIMS_BACKUP_PASSWORD", ADMIN_PASSWORD)
    assert run("restore", str(made), "--yes")[0] == 0
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)      # the restored store holds the old one
    code, out, err = run("--format", "json", "audit", "verify")
    assert code == 0, out + err


def test_an_erase_in_a_backup_made_before_a_password_change_is_signed_by_the_admin(store_path, admin):
    cid, other = _people(admin)
    made = backup.backup(admin)
    auth.change_password(admin, "admin", NEW_PASSWORD, kdf=FAST_KDF)   # keeps the admin's signing key
    admin.close()
    session = auth.sign_in(store_path, "admin", NEW_PASSWORD)
    result = gdpr.erase_customer(session, cid)
    assert result["copies_erased"] == [made.name] and result["copies_unsigned"] == []
    assert audit_log.verify(session).ok
    session.close()

    restored, verdict = _restore_and_verify(store_path, made, NEW_PASSWORD, ADMIN_PASSWORD)
    try:
        assert verdict.ok, verdict.problems
        erases = [e["seq"] for e in audit_log.show(restored, limit=100) if e["action"] in ("erase", "gdpr.erase")]
        signers = _signers(restored)
        assert erases and all(signers.get(seq) == "admin" for seq in erases)
        assert records.get(restored, cid)["name"] == "[erased]"
        assert records.get(restored, other)["name"] == "Nguyễn Văn An"
    finally:
        restored.close()


def test_a_before_restore_copy_is_erased_with_a_signature_too(store_path, admin, tmp_path, monkeypatch):
    cid, _other = _people(admin)
    made = backup.backup(admin)
    records.create(admin, "customer", {"name": "After the backup"})
    backup.restore(admin, made, ADMIN_PASSWORD)        # leaves *.before-restore-* beside the store
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        result = gdpr.erase_customer(session, cid)
    finally:
        session.close()
    kept_db = next(store_path.parent.glob(f"{store_path.name}.before-restore-*"))
    kept_keys = next(store_path.parent.glob(f"{store_path.name}.keys.before-restore-*"))
    assert kept_db.name in result["copies_erased"] and result["copies_unsigned"] == []
    # Put the kept copy back by hand as a store of its own: its trail verifies.
    monkeypatch.setenv("CIMS_TRUST_DIR", str(tmp_path / "another-account"))   # this one pinned the live store
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "old.cims").write_bytes(kept_db.read_bytes())
    (elsewhere / "old.cims.keys").write_bytes(kept_keys.read_bytes())
    old = auth.sign_in(elsewhere / "old.cims", "admin", ADMIN_PASSWORD)
    try:
        verdict = audit_log.verify(old)
        assert verdict.ok, verdict.problems
        assert records.get(old, cid)["name"] == "[erased]"
    finally:
        old.close()


# ----- the erasing administrator cannot sign in the backup ---------------------------------

def test_an_admin_added_after_the_backup_erases_unsigned_and_verify_names_it_until_accepted(store_path, admin):
    cid, _other = _people(admin)
    made = backup.backup(admin)
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    anna = auth.sign_in(store_path, "anna", USER_PASSWORD)
    try:
        result = gdpr.erase_customer(anna, cid)
        assert audit_log.verify(anna).ok
    finally:
        anna.close()
    assert result["copies_erased"] == [made.name]
    assert len(result["copies_unsigned"]) == 1
    assert made.name in result["copies_unsigned"][0] and "anna was not a user" in result["copies_unsigned"][0]
    admin.close()

    restored, verdict = _restore_and_verify(store_path, made)
    try:
        assert not verdict.ok
        assert len(verdict.problems) == 1, verdict.problems
        problem = verdict.problems[0]
        assert f"cims's own erase of {cid} in a backup, written by anna" in problem
        assert "anna was not a user" in problem and "cims audit accept" in problem
        accepted = audit_log.accept_trail(restored)
        assert accepted["erases_accepted"] and cid in accepted["erases_accepted"][0]
        verdict = audit_log.verify(restored)
        assert verdict.ok, verdict.problems
        assert any("accepted them" in n and cid in n for n in verdict.notes)
        # Accepting took the records' state as signed by the administrator: a later
        # change outside cims is named again.
        with restored.store.transaction():
            restored.store.conn.execute(f"UPDATE {CUSTOMER.table} SET city = 'Akureyri' WHERE id = ?", (cid,))
        verdict = audit_log.verify(restored)
        assert any(f"record {cid} was changed outside cims" in p for p in verdict.problems), verdict.problems
    finally:
        restored.close()


def test_an_admin_whose_password_was_reset_since_the_backup_is_told_their_key_there_is_older(store_path, admin):
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    cid, _other = _people(admin)
    made = backup.backup(admin)
    admin.close()
    anna = auth.sign_in(store_path, "anna", USER_PASSWORD)
    auth.change_password(anna, "admin", NEW_PASSWORD, kdf=FAST_KDF)     # a reset: a new signing key
    anna.close()
    session = auth.sign_in(store_path, "admin", NEW_PASSWORD)
    try:
        result = gdpr.erase_customer(session, cid)
    finally:
        session.close()
    assert "signing key in that backup is an older one" in result["copies_unsigned"][0]

    restored, verdict = _restore_and_verify(store_path, made, NEW_PASSWORD, ADMIN_PASSWORD)
    try:
        assert [p for p in verdict.problems if "is not signed by anyone" in p or "changed outside" in p] == []
        assert len(verdict.problems) == 1 and "an older one" in verdict.problems[0]
        audit_log.accept_trail(restored)
        assert audit_log.verify(restored).ok
    finally:
        restored.close()


def test_an_erase_an_older_version_wrote_unsigned_into_a_backup_is_named_and_can_be_accepted(
        store_path, admin, monkeypatch):
    """What the version before this one left in backups: unsigned erase entries with no reason."""
    cid, _other = _people(admin)
    made = backup.backup(admin)
    monkeypatch.setattr(erase_copies, "_why_unsigned", lambda session, store: None)
    monkeypatch.setattr(Session, "on_copy", lambda self, path, store, signed: Session(
        path, store, self.username, self.role, self.data_key, idle_timeout=0))
    gdpr.erase_customer(admin, cid)
    monkeypatch.undo()
    admin.close()

    restored, verdict = _restore_and_verify(store_path, made)
    try:
        assert len(verdict.problems) == 1, verdict.problems
        assert "did not sign erases in backups" in verdict.problems[0]
        assert f"erase of {cid} in a backup, written by admin" in verdict.problems[0]
        audit_log.accept_trail(restored)
        assert audit_log.verify(restored).ok
    finally:
        restored.close()


def test_unsigned_erase_entries_in_the_live_store_are_still_called_unsigned(store_path, admin):
    """An insider's unsigned erase (no restore follows it) is not taken for cims's own."""
    cid, other = _people(admin)
    kf = KeyFile.load(store_path)
    key = kf.unlock("admin", ADMIN_PASSWORD)
    store = Store.open(store_path, key)
    try:
        forged = Session(store_path, store, "admin", "admin", key, idle_timeout=0)   # no signing key
        forged.pin_heads = False
        gdpr.erase_in_store(forged, cid)
    finally:
        store.close()
    records.update(admin, other, {"city": "Hà Nội"})
    verdict = audit_log.verify(admin)
    assert not verdict.ok
    assert any("is not signed by anyone" in p for p in verdict.problems)
    assert any(f"record {cid} was changed outside cims" in p for p in verdict.problems)
    assert not any("cims's own erase" in p for p in verdict.problems)
    # Accepting does not turn them into a signed erase either.
    assert "erases_accepted" not in audit_log.accept_trail(admin)
    assert not audit_log.verify(admin).ok


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_the_cli_says_when_an_erase_in_a_backup_could_not_be_signed_and_accept_clears_verify(
        run, store_path, admin, monkeypatch, fmt):
    assert run("customer", "add", "--name", "Ólafur Þórsson", "--email", "oli@example.is")[0] == 0
    assert run("customer", "add", "--name", "Chen Jing")[0] == 0
    assert run("backup")[0] == 0
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    monkeypatch.setenv("CIMS_USER", "anna")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code, out, err = run("--format", fmt, "gdpr", "erase", "C-000001", "--yes")
    assert code == 0, err
    assert "could not be signed by you" in out + err and "anna was not a user" in out + err
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    made = next((store_path.parent / "backups").glob("*.cimsbak"))
    admin.close()
    assert run("restore", str(made), "--yes")[0] == 0
    code, out, err = run("--format", "json", "audit", "verify")
    assert code == 11
    problems = json.loads(out)["problems"]
    assert len(problems) == 1 and "cims's own erase of C-000001 in a backup, written by anna" in problems[0]
    assert run("audit", "accept", "--yes")[0] == 0
    code, out, err = run("audit", "verify")
    assert code == 0, out + err


def _plant_in_backup(made: Path, key: bytes, events, *, keep_signature: bool = False) -> None:
    """What an insider with the data key can do to a backup file: append audit entries
    (chained with the audit key the store holds), change rows, fix the manifest's sums.
    She cannot sign the manifest again as the administrator: she leaves the old
    signature (`keep_signature`) or removes it."""
    import hashlib
    import tempfile
    import zipfile

    import sqlcipher3

    from cims_xl.security.audit import build_rows

    tmp = Path(tempfile.mkdtemp())
    with zipfile.ZipFile(made) as z:
        names = z.namelist()
        z.extractall(tmp)
        manifest = json.loads(z.read(backup.MANIFEST_MEMBER))
    conn = sqlcipher3.connect(str(tmp / backup.DB_MEMBER), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    audit_key = bytes.fromhex(json.loads(conn.execute("SELECT value FROM meta WHERE key='audit_key'").fetchone()[0]))
    head = conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    rows = build_rows(audit_key, tuple(head), [ev for ev, _sql in events])
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO audit (seq, at, actor, action, entity, entity_id, batch_id, changes, digests, "
                     "prev_mac, mac) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    for _ev, sql in events:
        if sql:
            conn.execute(sql)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (json.dumps([rows[-1][0], rows[-1][-1]]),))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    manifest["sha256"] = {n: hashlib.sha256((tmp / n).read_bytes()).hexdigest() for n in manifest["sha256"]}
    if not keep_signature:
        manifest.pop("signature", None)
    made.unlink()
    with zipfile.ZipFile(made, "w") as z:
        for n in names:
            if n == backup.MANIFEST_MEMBER:
                z.writestr(n, json.dumps(manifest))
            else:
                z.write(tmp / n, n)


@pytest.mark.parametrize("field, after, sql", [
    ("owner", "mallory", "UPDATE customers SET owner = 'mallory', version = version + 1 WHERE id = 'C-000001'"),
    ("email", "mallory@example.com",
     "UPDATE customers SET email = 'mallory@example.com', version = version + 1 WHERE id = 'C-000001'"),
])
def test_an_insiders_entries_dressed_as_an_erase_in_a_backup_are_never_taken_for_cimss_own(
        store_path, admin, session_as, field, after, sql):
    """A salesperson with the data key appends, to a backup, an unsigned `erase` of someone
    else's customer that gives her its owner (or changes a value), followed by the
    `gdpr.erase` of a customer the admin really erased. The restore refuses the backup
    (its signature no longer matches; unsigned, it needs --unsigned). Restored anyway
    without its signature, verify must name those entries as unsigned, and `audit
    accept` must not make them pass."""
    import datetime as dt

    from cims_xl.security.audit import ERASED, AuditEvent

    auth.add_user(admin, "mallory", "sales", USER_PASSWORD, kdf=FAST_KDF)
    records.create(admin, "customer", {"name": "Alice Zephyrine", "email": "alice@example.com"})   # C-000001
    bob = records.create(admin, "customer", {"name": "Bob Erased", "email": "bob@example.com"})
    gdpr.erase_customer(admin, bob["id"])
    made = backup.backup(admin)
    mallory = auth.sign_in(store_path, "mallory", USER_PASSWORD)
    key = mallory.data_key
    mallory.close()
    at = dt.datetime.now(dt.timezone.utc)
    planted = [
        (AuditEvent(at, "admin", "erase", "customer", "C-000001", None, {field: [ERASED, after]}), sql),
        (AuditEvent(at, "admin", "gdpr.erase", "customer", bob["id"], None,
                    {"records": [None, 1], "unsigned": [None, "other-key"]}), None)]
    signed_copy = made.with_name("signed-" + made.name)
    signed_copy.write_bytes(made.read_bytes())
    _plant_in_backup(signed_copy, key, planted, keep_signature=True)
    _plant_in_backup(made, key, planted)
    for refused, why in ((signed_copy, "was changed after it was made"), (made, "is not signed")):
        with pytest.raises(BackupSignature, match=why):
            backup.restore(admin, refused, ADMIN_PASSWORD)
    assert records.get(admin, "C-000001")["owner"] == "admin"       # nothing replaced
    admin.close()

    restored, verdict = _restore_and_verify(store_path, made, allow_unsigned=True)
    try:
        assert not verdict.ok
        assert not any("cims's own erase" in p for p in verdict.problems), verdict.problems
        assert any("not signed by anyone" in p for p in verdict.problems), verdict.problems
        audit_log.accept_trail(restored)
        assert not audit_log.verify(restored).ok
    finally:
        restored.close()


def test_an_erase_removes_the_copy_a_killed_backup_left_in_its_scratch_folder(store_path, admin):
    """`cims backup` killed after copying the store leaves a whole encrypted copy in
    `backups/.cims-backup-<pid>-…`: the erase must not leave the person in it."""
    import os
    import shutil
    import subprocess
    import sys

    from cims_xl.scratch import scratch_dir

    cid, _other = _people(admin)
    folder = backup.default_backup_dir(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    with scratch_dir(folder, "backup") as tmp:         # a name of the same shape, then a dead pid's
        left = folder / tmp.name.replace(str(os.getpid()), dead, 1)
    left.mkdir()
    shutil.copy(store_path, left / "store.cims")
    gdpr.erase_customer(admin, cid)
    assert not left.exists()


def test_an_unsigned_erase_in_a_backup_of_a_tagged_person_with_a_company_is_still_named_as_cimss_own(
        store_path, admin):
    """The erase takes a Person's company, city and old-system id tags too (the tags left
    are written as they remain): that is still what cims's erase writes."""
    c = records.create(admin, "customer", {"name": "Li Wei", "email": "li@example.com", "tags": "VIP, src:CRM-7",
                                           "company": "Hengtong", "city": "Beijing", "phone": "+8613800138000"})
    made = backup.backup(admin)
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    anna = auth.sign_in(store_path, "anna", USER_PASSWORD)
    gdpr.erase_customer(anna, c["id"])
    anna.close()
    admin.close()
    restored, verdict = _restore_and_verify(store_path, made)
    try:
        assert len(verdict.problems) == 1 and "cims's own erase of C-000001 in a backup" in verdict.problems[0]
        audit_log.accept_trail(restored)
        assert audit_log.verify(restored).ok
    finally:
        restored.close()


def test_a_restore_of_a_backup_made_before_an_erase_erases_that_person_again(store_path, admin, monkeypatch):
    """The erase's step through the backups was cut short (killed), or the backup was kept
    elsewhere: restoring it must not bring the erased person back."""
    cid, other = _people(admin)
    made = backup.backup(admin)
    monkeypatch.setattr(erase_copies, "erase_copies", lambda session, c: {"copies_erased": [],
                        "copies_not_reached": [], "copies_unsigned": []})      # as if killed there
    gdpr.erase_customer(admin, cid)
    monkeypatch.undo()
    result = backup.restore(admin, made, ADMIN_PASSWORD)
    assert result["erased_again"] == [cid]
    restored = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        people = {r["id"]: r for r in records.list_records(restored, "customer")}
        assert people[cid]["name"] == "[erased]" and people[cid]["email"] is None
        assert people[other]["name"] == "Nguyễn Văn An"
        assert audit_log.verify(restored).ok
    finally:
        restored.close()


def test_an_erase_killed_before_the_backups_is_named_at_the_next_sign_in_until_it_is_run_again(
        run, store_path, admin, monkeypatch):
    from cims_xl.services.gdpr import unfinished_erases

    cid, _other = _people(admin)
    backup.backup(admin)

    def killed(session, c):
        raise KeyboardInterrupt        # the process stops between the store and its backups
    real = erase_copies.erase_copies
    monkeypatch.setattr(erase_copies, "erase_copies", killed)
    with pytest.raises(KeyboardInterrupt):
        gdpr.erase_customer(admin, cid)
    monkeypatch.setattr(erase_copies, "erase_copies", real)
    assert unfinished_erases(admin) == [cid]
    code, _out, err = run("customer", "list")
    assert f"the erase of {cid} stopped before it reached every backup" in err
    gdpr.erase_customer(admin, cid)                     # run again: the backups are erased now
    assert unfinished_erases(admin) == []
    code, _out, err = run("customer", "list")
    assert "stopped before" not in err
