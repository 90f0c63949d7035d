"""Rekey never destroys the store: SIGKILL at every step, damaged slots, other sessions open."""

from __future__ import annotations

import json

import pytest

from cims_xl.errors import StoreBusy, StoreError
from cims_xl.security.keys import KeyFile, keyfile_path
from cims_xl.services import audit_log, auth, records
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD
from crashkit import killed, run_cims

STEPS = ["rekey.checked", "rekey.journal-saved", "rekey.database-rekeyed", "rekey.audited",
         "rekey.finished"]


@pytest.fixture
def shop(store_path, admin):
    auth.add_user(admin, "sam", "sales", USER_PASSWORD, kdf=FAST_KDF)
    records.create(admin, "customer", {"name": "Øyvind Ødegård", "email": "oyvind@example.no"})
    old_key = admin.data_key
    admin.close()
    return store_path, old_key


def _everyone_signs_in_and_sees_the_customer(store_path):
    for user, password in (("admin", ADMIN_PASSWORD), ("sam", USER_PASSWORD)):
        session = auth.sign_in(store_path, user, password)
        try:
            assert [c["name"] for c in records.list_records(session, "customer")] == ["Øyvind Ødegård"]
            if user == "admin":
                assert audit_log.verify(session).ok
        finally:
            session.close()


@pytest.mark.parametrize("step", STEPS)
def test_a_rekey_killed_at_any_step_leaves_a_store_every_user_opens(shop, step):
    store_path, old_key = shop
    out = run_cims("--store", str(store_path), "--user", "admin", "rekey", password=ADMIN_PASSWORD,
                   crash_at=step)
    assert killed(out), (out.returncode, out.stderr)
    _everyone_signs_in_and_sees_the_customer(store_path)
    doc = json.loads(keyfile_path(store_path).read_text())
    assert "pending_rekey" not in doc          # the next sign-in settled it
    rekeyed = STEPS.index(step) >= STEPS.index("rekey.database-rekeyed")
    if rekeyed:
        with pytest.raises(StoreError):
            Store.open(store_path, old_key)
    else:
        Store.open(store_path, old_key).close()
    # ... and a later rekey runs to the end.
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    auth.rekey(admin)
    admin.close()
    _everyone_signs_in_and_sees_the_customer(store_path)


def _plant(store_path, data_key, damage) -> None:
    kf = KeyFile.load(store_path)
    damage(kf.doc["slots"]["sam"])
    kf.seal_mac(data_key)        # as if cims had written it: only the slot is wrong
    kf.save()


@pytest.mark.parametrize("damage", [
    lambda slot: slot.update(public="AAAA"),
    lambda slot: slot.pop("seal"),
    lambda slot: slot["kdf"].update(n=3),
    lambda slot: slot["seal"].update(eph="not base64!"),
], ids=["short-public-key", "no-seal", "bad-kdf", "garbage-seal"])
def test_a_damaged_slot_stops_rekey_before_the_database_is_touched(shop, damage):
    store_path, old_key = shop
    _plant(store_path, old_key, damage)
    before = keyfile_path(store_path).read_bytes()
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        with pytest.raises(StoreError, match="slot of sam .* is damaged; nothing was changed"):
            auth.rekey(admin)
        assert not [e for e in audit_log.show(admin) if e["action"] == "rekey"]
    finally:
        admin.close()
    assert json.loads(keyfile_path(store_path).read_bytes())["slots"] == json.loads(before)["slots"]
    Store.open(store_path, old_key).close()


def test_a_key_file_edited_outside_cims_stops_rekey(shop):
    store_path, old_key = shop
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    kf = KeyFile.load(store_path)
    kf.doc["slots"]["sam"]["public"] = "AAAA"   # a sales user's plant, no valid MAC
    kf.save()
    try:
        with pytest.raises(StoreError, match="changed outside cims"):
            auth.rekey(admin)
    finally:
        admin.close()
    Store.open(store_path, old_key).close()


def test_rekey_while_another_session_is_open_is_refused_and_not_audited(shop):
    store_path, old_key = shop
    other = auth.sign_in(store_path, "sam", USER_PASSWORD)
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        with pytest.raises(StoreBusy, match="another session has the store open"):
            auth.rekey(admin)
        assert not [e for e in audit_log.show(admin) if e["action"] == "rekey"]
        assert records.list_records(other, "customer")     # the other session still works
    finally:
        admin.close()
        other.close()
    Store.open(store_path, old_key).close()
    assert "pending_rekey" not in json.loads(keyfile_path(store_path).read_text())


def test_the_cli_says_rekey_is_busy_in_one_line(shop):
    store_path, _ = shop
    other = auth.sign_in(store_path, "sam", USER_PASSWORD)
    try:
        out = run_cims("--store", str(store_path), "--user", "admin", "rekey", password=ADMIN_PASSWORD)
    finally:
        other.close()
    assert out.returncode == StoreBusy.exit_code, out.stderr
    assert out.stderr.startswith("Error: another session has the store open") and "Traceback" not in out.stderr


def test_a_key_file_with_damaged_key_derivation_settings_gives_a_clear_message(shop):
    store_path, _ = shop
    kf = KeyFile.load(store_path)
    kf.doc["slots"]["admin"]["kdf"] = {"name": "scrypt", "n": "lots", "r": 8, "p": 1}
    kf.save()
    out = run_cims("--store", str(store_path), "--user", "admin", "customer", "list", password=ADMIN_PASSWORD)
    assert out.returncode == StoreError.exit_code, out.stderr
    assert "key derivation settings are damaged" in out.stderr and "unexpected" not in out.stderr


def test_a_rekey_killed_while_sqlcipher_rewrites_the_file_leaves_it_on_one_key(store_path, admin):
    # A guard rather than a finding: SQLCipher's one-transaction rewrite already made
    # this case safe; sign-in must keep trying the current key first (it rolls the
    # hot journal back) before the pending one. If the child finishes before it is
    # killed, the checks below hold as well.
    import os
    import signal
    import subprocess
    import sys
    import time

    from crashkit import REPO

    notes = "Ünïcödé notes " * 150
    records.create_many(admin, "customer", [{"name": f"Kunde {i}", "notes": notes} for i in range(4000)])
    admin.close()
    journal = store_path.with_name(store_path.name + "-journal")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_")}
    env.update(PYTHONPATH=str(REPO), CIMS_PASSWORD=ADMIN_PASSWORD)
    child = subprocess.Popen([sys.executable, "-m", "cims_xl.cli", "--store", str(store_path), "--user", "admin",
                              "rekey"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    doc_path = keyfile_path(store_path)
    while child.poll() is None:
        # The rewrite is under way once the pending key is saved and the rollback journal exists.
        if journal.exists() and "pending_rekey" in doc_path.read_text():
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(0.0005)
    child.wait()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert len(records.list_records(session, "customer")) == 4000
        assert audit_log.verify(session).ok
    finally:
        session.close()
    assert not journal.exists() and "pending_rekey" not in doc_path.read_text()
