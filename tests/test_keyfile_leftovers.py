"""Scratch copies of the key file that a killed process leaves beside the store: they hold
only wrapped and sealed keys, and the next sign-in or rekey removes them (ours only)."""

from __future__ import annotations

import base64
import json
import os
import shutil

import pytest

from cims_xl.security.keys import KeyFile, keyfile_path
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD
from crashkit import killed, run_cims


def _leftovers(store_path) -> list[str]:
    keys = keyfile_path(store_path).name
    return sorted(p.name for p in store_path.parent.iterdir()
                  if p.name.startswith(".cims-keys-") or (p.name.startswith(keys + ".")))


@pytest.fixture
def shop(store_path, admin):
    auth.add_user(admin, "mei", "sales", USER_PASSWORD, kdf=FAST_KDF)
    records.create(admin, "customer", {"name": "王芳", "email": "wang.fang@example.cn"})
    old_key = admin.data_key
    admin.close()
    return store_path, old_key


def test_a_rekey_killed_while_writing_the_key_file_leaves_only_wrapped_keys_and_the_next_rekey_removes_it(shop):
    store_path, old_key = shop
    out = run_cims("--store", str(store_path), "--user", "admin", "rekey", password=ADMIN_PASSWORD,
                   crash_at="keys.scratch-written")
    assert killed(out), (out.returncode, out.stderr)
    (left,) = _leftovers(store_path)
    path = store_path.parent / left
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    raw = path.read_bytes()
    doc = json.loads(raw)
    assert doc["format"] == "cims-keys-1" and "pending_rekey" in doc   # the new key, sealed
    for secret in (old_key, old_key.hex().encode(), base64.b64encode(old_key),
                   ADMIN_PASSWORD.encode(), USER_PASSWORD.encode()):
        assert secret not in raw
    for slot in doc["slots"].values():     # every key in it is wrapped or sealed (AES-GCM)
        assert set(slot) >= {"wrapped", "seal", "salt", "nonce"}
    out = run_cims("--store", str(store_path), "--user", "admin", "rekey", password=ADMIN_PASSWORD)
    assert out.returncode == 0, out.stderr
    assert _leftovers(store_path) == []
    session = auth.sign_in(store_path, "mei", USER_PASSWORD)
    assert [c["name"] for c in records.list_records(session, "customer")] == ["王芳"]
    session.close()


def test_a_sign_in_removes_the_older_mkstemp_leftovers_of_this_store_and_keeps_what_a_person_copied(
        shop, tmp_path):
    store_path, _ = shop
    keys = keyfile_path(store_path)
    made_by_cims = [f"{keys.name}.a1b2c3d4", f"{keys.name}.k_9x0zq7"]
    a_persons = [f"{keys.name}.20240101", f"{keys.name}.original", f"{keys.name}.bak",
                 f"{keys.name}.before-restore-20240101"]
    for name in made_by_cims + a_persons:
        shutil.copy(keys, store_path.parent / name)
    # The same kind of name, but another store's key file: not ours to remove.
    other = tmp_path / "other" / "other.cims"
    auth.init_store(other, "boss", ADMIN_PASSWORD, kdf=FAST_KDF)
    shutil.copy(keyfile_path(other), store_path.parent / f"{keys.name}.z9y8x7w6")
    # ... nor a file that is not a key file at all.
    (store_path.parent / f"{keys.name}.q1w2e3r4").write_text("meine Notizen", encoding="utf-8")

    session = auth.sign_in(store_path, "mei", USER_PASSWORD)
    session.close()
    assert _leftovers(store_path) == sorted(a_persons + [f"{keys.name}.z9y8x7w6", f"{keys.name}.q1w2e3r4"])


def test_a_scratch_copy_of_a_process_still_running_is_left_alone(shop):
    store_path, _ = shop
    mine = store_path.parent / f".cims-keys-{os.getpid()}-abcd1234"
    mine.write_bytes(keyfile_path(store_path).read_bytes())
    gone = store_path.parent / ".cims-keys-999999999-abcd1234"     # no such process
    gone.write_bytes(keyfile_path(store_path).read_bytes())
    with KeyFile.locked(store_path):
        pass
    assert mine.exists() and not gone.exists()


@pytest.mark.skipif(os.name != "posix", reason="file owners are POSIX uids")
def test_a_leftover_owned_by_another_account_is_not_removed(shop, monkeypatch):
    store_path, _ = shop
    theirs = store_path.parent / ".cims-keys-999999999-abcd1234"
    theirs.write_bytes(b"{}")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(theirs).st_uid + 1)   # as seen by someone else
    with KeyFile.locked(store_path):
        pass
    assert theirs.exists()
