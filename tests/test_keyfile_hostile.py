"""Hostile edits of the key file's parts that are not (or cannot be) MACed: the lockout
section, the pending-rekey record, and slot keys that parse but cannot be used."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest

from cims_xl.errors import AccountLocked, StoreError, WrongPassword
from cims_xl.security.keys import KeyFile, b64, ed25519_public_usable, keyfile_path
from cims_xl.services import auth

from conftest import ADMIN_PASSWORD


def _edit(store_path, change) -> None:
    """A plain edit of the JSON file, as anyone who can write it (no key needed)."""
    path = keyfile_path(store_path)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("section", [
    [], "locked", 7, {"admin": []}, {"admin": "x"},
    {"admin": {"failed": "x", "locked_until": None}},
    {"admin": {"failed": 0, "locked_until": "garbage"}},
    {"admin": {"failed": 0, "locked_until": 12345}},
    {"admin": {"failed": 0, "locked_until": "2099-01-01T00:00:00"}},     # no UTC offset
    {"admin": {"failed": None, "since_success": [1], "locked_until": {"a": 1}}},
    {"admin": {"failed": 10**30, "since_success": -5, "locked_until": None}},
])
def test_a_malformed_lockout_section_reads_as_no_lock_and_never_breaks_sign_in(store_path, section):
    _edit(store_path, lambda d: d.__setitem__("lockout", section))
    failed_planted = isinstance(section, dict) and isinstance(section.get("admin"), dict) \
        and section["admin"].get("failed") == 10**30
    if failed_planted:
        # A huge (but well-typed) count: the next failure locks for the policy's longest, no more.
        with pytest.raises(WrongPassword, match="locked for 3600 seconds"):
            auth.sign_in(store_path, "admin", "not-the-password")
        with pytest.raises(AccountLocked):
            auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
        return
    with pytest.raises(WrongPassword, match="attempts left"):
        auth.sign_in(store_path, "admin", "not-the-password")
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()
    assert KeyFile.load(store_path).lockout("admin") == {"failed": 0, "since_success": 0, "locked_until": None}


def test_a_lock_planted_far_in_the_future_lasts_at_most_one_hour(store_path):
    _edit(store_path, lambda d: d.__setitem__("lockout", {"admin": {
        "failed": 0, "since_success": 0, "locked_until": "9999-12-31T00:00:00+00:00"}}))
    start = time.time()
    with pytest.raises(AccountLocked, match=r"try again in 3[56]\d\d seconds"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=start)
    # The cut is saved: the hour does not move on with the clock.
    with pytest.raises(AccountLocked, match=r"try again in 1[78]\d\d seconds"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=start + 1800)
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=start + 3601).close()


def test_a_genuine_lock_is_kept_and_ends_on_time(store_path):
    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)
    _edit(store_path, lambda d: d.__setitem__("lockout", {"admin": {
        "failed": 6, "since_success": 6, "locked_until": until.isoformat()}}))
    with pytest.raises(AccountLocked, match=r"try again in 1[01]\d seconds"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=until.timestamp() + 1).close()


@pytest.mark.parametrize("record", [
    "x", [1], 0, {"seals": []}, {"seals": {"admin": [1]}},
    {"seals": {"admin": {"eph": "AAAA", "nonce": "x", "sealed": "y"}}, "mac": 5},
    {"seals": {"admin": {"eph": "!!", "nonce": 1, "sealed": None}}},
    {"seals": {}, "mac": "0" * 64},
    {"seals": {"admin": {"eph": b64(bytes(32)), "nonce": b64(bytes(12)), "sealed": b64(bytes(48))}},
     "mac": "zz" * 32},
])
def test_a_malformed_pending_rekey_record_is_dropped_with_a_warning_and_sign_in_works(
        store_path, admin, record, caplog):
    kf = KeyFile.load(store_path)
    kf.doc["pending_rekey"] = record
    kf.save()
    admin.close()
    with caplog.at_level(logging.WARNING, logger="cims_xl"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()
    assert "pending_rekey" not in KeyFile.load(store_path).doc
    assert any("damaged record of an unfinished key change" in r.getMessage() for r in caplog.records)
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()


def test_a_well_formed_pending_record_that_does_not_open_is_dropped_too(store_path, admin):
    kf = KeyFile.load(store_path)
    kf.doc["pending_rekey"] = {"seals": {"admin": {"eph": b64(bytes(range(32))), "nonce": b64(bytes(12)),
                                                   "sealed": b64(bytes(48))}}, "mac": "ab" * 32}
    kf.save()
    admin.close()
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()
    assert not KeyFile.load(store_path).rekey_pending


def test_a_low_order_x25519_slot_key_is_named_and_rekey_changes_nothing(store_path, admin, session_as):
    session_as("sales", "lina").close()
    for bad in (bytes(32), (1).to_bytes(32, "little")):
        kf = KeyFile.load(store_path)
        kf.doc["slots"]["lina"]["public"] = b64(bad)
        kf.seal_mac(admin.data_key)
        kf.save()
        before = keyfile_path(store_path).read_bytes()
        with pytest.raises(StoreError, match="key slot of lina .* is damaged; nothing was changed .*cannot be used"):
            auth.rekey(admin)
        assert keyfile_path(store_path).read_bytes() == before
    admin.close()
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()


def test_a_small_order_ed25519_signing_key_is_named(store_path, admin, session_as):
    session_as("support", "wang").close()
    identity = (1).to_bytes(32, "little")        # the neutral point (0, 1)
    kf = KeyFile.load(store_path)
    kf.doc["slots"]["wang"]["sign_public"] = b64(identity)
    kf.seal_mac(admin.data_key)
    kf.save()
    with pytest.raises(StoreError, match="key slot of wang"):
        KeyFile.load(store_path).validate_slots()
    with pytest.raises(StoreError, match="key slot of wang"):
        auth.rekey(admin)


def test_ed25519_public_keys_of_small_order_or_off_the_curve_are_refused():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    p = 2**255 - 19
    small = [(1).to_bytes(32, "little"),                          # neutral point, order 1
             (p - 1).to_bytes(32, "little"),                      # (0, -1), order 2
             bytes(32), bytes(31) + b"\x80",                      # y = 0: order 4
             bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),   # order 8
             bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")]
    for raw in small:
        assert not ed25519_public_usable(raw), raw.hex()
    assert not ed25519_public_usable(p.to_bytes(32, "little"))      # y not reduced
    assert not ed25519_public_usable(b"\x00" * 31)
    for _ in range(20):
        assert ed25519_public_usable(Ed25519PrivateKey.generate().public_key().public_bytes_raw())


@pytest.mark.parametrize("kdf", [
    {"name": "scrypt", "n": 2**20, "r": 32, "p": 2},     # 4 GiB of memory per sign-in
    {"name": "scrypt", "n": 2**17, "r": 8, "p": 16},     # 16 times the CPU
    {"name": "scrypt", "n": 2**22, "r": 1, "p": 1},
])
def test_planted_scrypt_settings_beyond_twice_our_own_are_refused_at_once_and_not_counted(store_path, kdf):
    def plant(doc):
        for slot in doc["slots"].values():
            slot["kdf"] = kdf
    _edit(store_path, plant)
    for _ in range(6):                  # more than the free attempts: none of them counts
        with pytest.raises(StoreError, match="key derivation settings are damaged"):
            auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    assert KeyFile.load(store_path).lockout("admin")["failed"] == 0


def test_our_own_scrypt_settings_are_within_the_bound():
    from cims_xl.security.keys import OWASP_SCRYPT, scrypt_settings_ok

    assert scrypt_settings_ok(OWASP_SCRYPT["n"], OWASP_SCRYPT["r"], OWASP_SCRYPT["p"])
    assert not scrypt_settings_ok(OWASP_SCRYPT["n"] * 4, OWASP_SCRYPT["r"], OWASP_SCRYPT["p"])
