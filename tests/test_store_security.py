"""The store on disk: encrypted, no personal data in any file, wrong keys change nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from cims_xl.errors import StoreError, WrongPassword
from cims_xl.security.keys import KeyFile
from cims_xl.services import auth, backup, records
from cims_xl.store.db import Store
from cims_xl.store.schema import MIGRATIONS

from conftest import ADMIN_PASSWORD

NAME, EMAIL, PHONE = "欧阳娜娜 Nightingale", "nana.secret@example.org", "+8613912345678"


def _needles() -> list[bytes]:
    out = []
    for text in (NAME.split()[0], "Nightingale", EMAIL, PHONE[1:]):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _assert_no_plaintext(files: list[Path]) -> None:
    assert files
    for path in files:
        data = path.read_bytes()
        for needle in _needles():
            assert needle not in data, f"{path.name} contains {needle!r}"


def test_store_wal_shm_and_key_file_hold_no_customer_name_email_or_phone(tmp_path, admin):
    records.create(admin, "customer", {"name": NAME, "email": EMAIL, "mobile": PHONE, "notes": NAME})
    # Look while the store is open (WAL and SHM exist) and again after a checkpoint.
    assert Path(str(admin.store_path) + "-wal").exists()
    _assert_no_plaintext(_files(tmp_path))
    admin.store.checkpoint()
    _assert_no_plaintext(_files(tmp_path))


def test_backup_files_hold_no_customer_name_email_or_phone(tmp_path, admin):
    records.create(admin, "customer", {"name": NAME, "email": EMAIL, "mobile": PHONE})
    path = backup.backup(admin, tmp_path / "backups")
    assert path.stat().st_size > 0
    _assert_no_plaintext([path])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_wrong_password_gives_a_clear_error_and_leaves_the_store_file_unchanged(store_path, admin):
    records.create(admin, "customer", {"name": NAME})
    admin.close()
    before = _digest(store_path)
    with pytest.raises(WrongPassword, match="wrong user name or password"):
        auth.sign_in(store_path, "admin", "not-the-password-at-all")
    assert _digest(store_path) == before


def test_a_file_that_is_not_ours_is_refused_and_left_unchanged(tmp_path):
    stranger = tmp_path / "notes.cims"
    stranger.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    Path(str(stranger) + ".keys").write_text('{"format": "something-else"}')
    before = _digest(stranger)
    with pytest.raises(StoreError, match="not a cims key file"):
        auth.sign_in(stranger, "admin", "whatever-password")
    with pytest.raises(StoreError, match="not a cims store"):
        Store.open(stranger, os.urandom(32))
    assert _digest(stranger) == before


def test_a_store_without_its_key_file_says_so(tmp_path, store_path):
    Path(str(store_path) + ".keys").rename(tmp_path / "elsewhere.keys")
    with pytest.raises(StoreError, match="has no key file"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD)


def test_a_key_file_slot_copied_to_another_user_does_not_open_the_store(store_path, session_as):
    session_as("viewer", "vera").close()
    kf = KeyFile.load(store_path)
    kf.doc["slots"]["vera"] = kf.doc["slots"]["admin"]
    kf.save()
    with pytest.raises(WrongPassword):
        auth.sign_in(store_path, "vera", ADMIN_PASSWORD)


def test_an_edited_key_file_is_noticed_at_sign_in(store_path, session_as):
    session_as("viewer", "vera").close()
    kf = KeyFile.load(store_path)
    kf.doc["slots"]["vera"]["kdf"]["n"] = 2**11  # tampered cost parameters
    kf.save()
    with pytest.raises(StoreError, match="changed outside cims"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD)


def test_store_and_key_files_are_readable_only_by_their_owner(store_path):
    for p in (store_path, Path(str(store_path) + ".keys")):
        assert oct(p.stat().st_mode & 0o777) == "0o600"


def test_new_slots_use_owasp_scrypt_parameters_by_default(tmp_path):
    path = tmp_path / "owasp.cims"
    auth.init_store(path, "owner", "a-long-Passphrase-9")
    kdf = KeyFile.load(path).doc["slots"]["owner"]["kdf"]
    assert kdf == {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}


def test_the_store_records_its_migrations(admin):
    from cims_xl.store.schema import MIGRATIONS

    versions = [v for v, _name, _at in admin.store.migrations()]
    assert versions == sorted(v for v, _name, _sql in MIGRATIONS) and versions[:4] == [1, 2, 3, 4]


def test_rekey_rotates_the_data_key_and_every_user_can_still_sign_in(store_path, admin, session_as):
    from conftest import USER_PASSWORD

    session_as("sales", "sam").close()
    records.create(admin, "customer", {"name": NAME})
    old_key = admin.data_key
    auth.rekey(admin)
    assert admin.data_key != old_key
    admin.close()
    with pytest.raises(StoreError):
        Store.open(store_path, old_key)
    again = auth.sign_in(store_path, "sam", USER_PASSWORD)
    assert records.list_records(again, "customer")[0]["name"] == NAME
    again.close()
    admin2 = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    from cims_xl.services import audit_log

    assert audit_log.verify(admin2).ok
    admin2.close()
