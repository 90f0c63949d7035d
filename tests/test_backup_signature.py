"""A backup is as an administrator of the store made it, or it is not restored.

Every user holds the data key, so anyone who can sign in can open a backup file and
change it (the store inside, the key file, the manifest and its sums). Only the
administrator who made it can sign its manifest; a restore checks that signature
against the keys the live store's trail (or this OS account's pin) knows for them
before anything is replaced.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
import sqlcipher3

from cims_xl.errors import BackupSignature
from cims_xl.security import trust
from cims_xl.security.keys import KeyFile
from cims_xl.services import audit_log, auth, backup, records
from cims_xl.services.session import Session
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD


def _rewrite(made: Path, *, db_sql: str | None = None, key: bytes | None = None, manifest_fn=None,
             keys_fn=None) -> None:
    """Change a backup as an insider with the data key can: rows in the store inside,
    the key file, the manifest; the manifest's sums are fixed to match."""
    tmp = Path(tempfile.mkdtemp())
    with zipfile.ZipFile(made) as z:
        names = z.namelist()
        z.extractall(tmp)
        manifest = json.loads(z.read(backup.MANIFEST_MEMBER))
    if db_sql:
        conn = sqlcipher3.connect(str(tmp / backup.DB_MEMBER), isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(db_sql)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    if keys_fn:
        doc = json.loads((tmp / backup.KEYS_MEMBER).read_text())
        keys_fn(doc)
        (tmp / backup.KEYS_MEMBER).write_text(json.dumps(doc))
    manifest["sha256"] = {n: hashlib.sha256((tmp / n).read_bytes()).hexdigest() for n in manifest["sha256"]}
    if manifest_fn:
        manifest_fn(manifest)
    made.unlink()
    with zipfile.ZipFile(made, "w") as z:
        for n in names:
            if n == backup.MANIFEST_MEMBER:
                z.writestr(n, json.dumps(manifest))
            else:
                z.write(tmp / n, n)


def _names(session) -> list[str]:
    return sorted(r["name"] for r in records.list_records(session, "customer"))


def test_a_backup_is_signed_by_the_administrator_who_made_it_and_the_restore_says_so(admin):
    records.create(admin, "customer", {"name": "Ann Lee"})
    made = backup.backup(admin)
    sig = backup.read_manifest(made)["signature"]
    assert sig["signer"] == "admin" and sig["public"] == admin.signing_public
    result = backup.restore(admin, made, ADMIN_PASSWORD)
    assert result["signature_checked"] == {
        "signed_by": "admin", "fingerprint": trust.fingerprint(admin.signing_public),
        "checked_against": "admin's keys in this store's trail"}


@pytest.mark.parametrize("change", ["a row of the store", "a manifest field", "the key file"])
def test_a_backup_changed_after_it_was_made_is_refused_and_the_store_is_left_as_it_was(
        store_path, admin, session_as, change):
    records.create(admin, "customer", {"name": "Ann Lee", "owner": "admin"})
    made = backup.backup(admin)
    records.create(admin, "customer", {"name": "Made after the backup"})
    mallory = session_as("sales", "mallory")
    key = mallory.data_key
    if change == "a row of the store":
        _rewrite(made, key=key, db_sql="UPDATE customers SET owner = 'mallory' WHERE id = 'C-000001'")
    elif change == "a manifest field":
        _rewrite(made, manifest_fn=lambda m: m.update(created_by="mallory"))
    else:
        _rewrite(made, keys_fn=lambda d: d["slots"]["admin"].update(kdf={"name": "scrypt", "n": 2, "r": 1, "p": 1}))
    with pytest.raises(BackupSignature, match="was changed after it was made"):
        backup.check_restore(admin, made)
    with pytest.raises(BackupSignature, match="was changed after it was made"):
        backup.restore(admin, made, ADMIN_PASSWORD)
    assert _names(admin) == ["Ann Lee", "Made after the backup"]
    assert records.get(admin, "C-000001")["owner"] == "admin"


def test_a_backup_whose_signature_was_removed_is_restored_only_when_asked_for(store_path, admin, session_as):
    records.create(admin, "customer", {"name": "Ann Lee"})
    made = backup.backup(admin)
    records.create(admin, "customer", {"name": "Made after the backup"})
    _rewrite(made, manifest_fn=lambda m: m.pop("signature"))
    with pytest.raises(BackupSignature, match="is not signed.*--unsigned"):
        backup.restore(admin, made, ADMIN_PASSWORD)
    assert _names(admin) == ["Ann Lee", "Made after the backup"]
    result = backup.restore(admin, made, ADMIN_PASSWORD, allow_unsigned=True)
    assert result["signature_checked"]["signed_by"] is None
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert _names(again) == ["Ann Lee"]
    finally:
        again.close()


def test_a_salesperson_who_signs_a_changed_backup_with_her_own_key_is_refused(store_path, admin, session_as):
    """She changes the store inside, fixes the sums and signs the manifest herself: her key
    is one the store knows, but she is not an administrator."""
    records.create(admin, "customer", {"name": "Ann Lee", "owner": "admin"})
    made = backup.backup(admin)
    mallory = session_as("sales", "mallory")

    def resign(m):
        backup.sign_manifest(mallory, m)
    _rewrite(made, key=mallory.data_key, db_sql="UPDATE customers SET owner = 'mallory'", manifest_fn=resign)
    assert backup.read_manifest(made)["signature"]["signer"] == "mallory"
    with pytest.raises(BackupSignature, match="signed by mallory, who is not an administrator"):
        backup.restore(admin, made, ADMIN_PASSWORD)
    assert records.get(admin, "C-000001")["owner"] == "admin"


def _live_sql(store_path, key: bytes, *statements: str) -> None:
    """What anyone who can sign in can do to the live store file: any SQL, with the data key."""
    conn = sqlcipher3.connect(str(store_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for sql in statements:
        conn.execute(sql)
    conn.close()


@pytest.mark.parametrize("doctoring", ["index", "users table", "key file"])
def test_what_a_salesperson_can_edit_in_the_live_store_does_not_make_her_signature_an_administrators(
        store_path, admin, session_as, doctoring):
    """The keys and roles a backup's signature is checked against come from the trail as
    verify replays it, not from what the data key lets anyone edit: the index from
    records to entries (she linked 'admin' to her own user.create entry, whose key is
    hers), the users table (she made herself admin) or the key file (her key in admin's
    slot)."""
    records.create(admin, "customer", {"name": "Ann Lee", "owner": "admin"})
    made = backup.backup(admin)
    mallory = session_as("sales", "mallory")
    key = mallory.data_key
    signer = "mallory" if doctoring == "users table" else "admin"
    fake = Session(store_path, mallory.store, signer, "admin", key, idle_timeout=0,
                   signing_key=mallory._signing_key)
    if doctoring == "index":
        seq = next(r[0] for r in mallory.store.iter_audit(entity_id="mallory") if r[3] == "user.create")
        _live_sql(store_path, key, f"INSERT INTO audit_refs (entity_id, seq) VALUES ('admin', {seq})")
    elif doctoring == "users table":
        _live_sql(store_path, key, "UPDATE users SET role = 'admin' WHERE username = 'mallory'")
    else:
        from cims_xl.security.keys import keyfile_path

        path = keyfile_path(store_path)
        doc = json.loads(path.read_text())
        doc["slots"]["admin"]["sign_public"] = fake.signing_public
        path.write_text(json.dumps(doc))
    mallory.close()
    _rewrite(made, key=key, db_sql="UPDATE customers SET owner = 'mallory'",
             manifest_fn=lambda m: backup.sign_manifest(fake, m))
    with pytest.raises(BackupSignature, match="never given admin|not an administrator"):
        backup.check_restore(admin, made)
    with pytest.raises(BackupSignature):
        backup.restore(admin, made, ADMIN_PASSWORD)


def test_a_backup_signed_as_the_administrator_with_a_key_of_her_own_is_refused_here_and_on_a_computer_that_pinned_the_key(
        store_path, admin, session_as, tmp_path):
    """She makes a key pair, puts its public half in the backup's key file as the
    administrator's signing key and signs as 'admin'. The backup holds together on its
    own; the store's trail and this computer's pin know another key for admin."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cims_xl.services.session import Session

    records.create(admin, "customer", {"name": "Ann Lee", "owner": "admin"})
    made = backup.backup(admin)
    mallory = session_as("sales", "mallory")
    assert audit_log.verify(admin).ok        # a clean verify pins the users' keys on this account
    forged = Ed25519PrivateKey.generate()
    fake = Session(store_path, mallory.store, "admin", "admin", mallory.data_key, idle_timeout=0, signing_key=forged)

    def swap_key(doc):
        doc["slots"]["admin"]["sign_public"] = fake.signing_public
    _rewrite(made, key=mallory.data_key, db_sql="UPDATE customers SET owner = 'mallory'",
             keys_fn=swap_key, manifest_fn=lambda m: backup.sign_manifest(fake, m))
    with pytest.raises(BackupSignature, match="a key this store has never given admin"):
        backup.restore(admin, made, ADMIN_PASSWORD)
    # A new store made from it on this computer: the pin knows admin's real key.
    with pytest.raises(BackupSignature, match="a key this computer has not seen for admin"):
        backup.restore_new(tmp_path / "new" / "n.cims", made, "admin", ADMIN_PASSWORD)
    assert not (tmp_path / "new" / "n.cims").exists()


def test_a_backup_restored_on_a_computer_that_knows_nothing_of_the_store_names_the_fingerprint_to_compare(
        store_path, admin, tmp_path, monkeypatch):
    made = backup.backup(admin)
    fp = trust.fingerprint(admin.signing_public)
    monkeypatch.setenv(trust.ENV, str(tmp_path / "another-account"))
    result = backup.restore_new(tmp_path / "new.cims", made, "admin", ADMIN_PASSWORD)
    checked = result["signature_checked"]
    assert checked["signed_by"] == "admin" and checked["fingerprint"] == fp
    assert "only the backup's own key file" in checked["checked_against"] and fp in checked["checked_against"]


def test_a_backup_made_before_the_administrators_key_was_replaced_still_restores(store_path, admin, session_as):
    """An administrator's password reset by another gives them a new signing key (signed
    in the trail): their older backups were signed with the key they had then."""
    auth.add_user(admin, "anna", "admin", USER_PASSWORD, kdf=FAST_KDF)
    anna = auth.sign_in(store_path, "anna", USER_PASSWORD)
    records.create(anna, "customer", {"name": "Ann Lee"})
    made = backup.backup(anna)
    old_key = anna.signing_public
    anna.close()
    auth.change_password(admin, "anna", "Another-Long-Pass-99", kdf=FAST_KDF)
    admin.close()
    anna = auth.sign_in(store_path, "anna", "Another-Long-Pass-99")
    try:
        assert anna.signing_public != old_key
        result = backup.restore(anna, made, USER_PASSWORD)
        assert result["signature_checked"]["signed_by"] == "anna"
    finally:
        anna.close()


def test_an_erase_that_reaches_a_signed_backup_signs_it_again_and_leaves_an_unsigned_one_unsigned(
        store_path, admin):
    from cims_xl.services import gdpr

    c = records.create(admin, "customer", {"name": "Ann Lee", "email": "ann@example.com"})
    signed = backup.backup(admin)
    unsigned = backup.backup(admin)
    _rewrite(unsigned, manifest_fn=lambda m: m.pop("signature"))
    gdpr.erase_customer(admin, c["id"])
    assert backup.check_restore(admin, signed)["signature_checked"]["signed_by"] == "admin"
    assert "signature" not in backup.read_manifest(unsigned)
    result = backup.restore(admin, signed, ADMIN_PASSWORD)
    assert result["signature_checked"]["signed_by"] == "admin"


def test_the_cli_refuses_an_unsigned_backup_until_unsigned_is_given(run, store_path, admin):
    assert run("customer", "add", "--name", "Ann Lee")[0] == 0
    code, out, err = run("backup")
    assert code == 0 and "signed_by" in out and trust.fingerprint(admin.signing_public) in out
    made = next((store_path.parent / "backups").glob("*.cimsbak"))
    _rewrite(made, manifest_fn=lambda m: m.pop("signature"))
    admin.close()
    code, out, err = run("restore", str(made), "--yes")
    assert code == 10 and "is not signed" in out + err and "--unsigned" in out + err
    assert "Traceback" not in out + err
    code, out, err = run("--format", "json", "restore", str(made), "--yes", "--unsigned")
    assert code == 0, out + err
    assert json.loads(out)["signed_by"].startswith("nobody: ")
