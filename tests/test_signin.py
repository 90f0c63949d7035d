"""Sign-in: lockout that survives restarts, second factor, password change, removal, idle timeout."""

from __future__ import annotations

import base64
import subprocess
import sys
import textwrap
import time
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from cims_xl.errors import AccountDisabled, AccountLocked, SessionExpired, ValidationFailed, WrongPassword
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD


def _in_fresh_process(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_five_wrong_passwords_lock_the_account_and_the_lock_survives_a_new_process(store_path):
    admin = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    admin.close()
    result = _in_fresh_process(f"""
        from cims_xl.services import auth
        from cims_xl.errors import WrongPassword
        for _ in range(5):
            try:
                auth.sign_in({str(store_path)!r}, "admin", "wrong-password-guess")
            except WrongPassword as e:
                last = e.message
        print(last)
    """)
    assert "locked for 30 seconds" in result
    # A brand-new process with the RIGHT password is still refused.
    again = _in_fresh_process(f"""
        from cims_xl.services import auth
        from cims_xl.errors import AccountLocked
        try:
            auth.sign_in({str(store_path)!r}, "admin", {ADMIN_PASSWORD!r})
            print("signed in")
        except AccountLocked as e:
            print("locked:", e.message)
    """)
    assert again.startswith("locked: too many failed sign-ins for admin")


def test_the_delay_grows_with_further_failures_and_clears_after_success(store_path):
    t0 = time.time()
    for _ in range(5):
        with pytest.raises(WrongPassword):
            auth.sign_in(store_path, "admin", "wrong-password-guess", now=t0)
    with pytest.raises(AccountLocked):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=t0 + 10)
    with pytest.raises(WrongPassword, match="locked for 60 seconds"):
        auth.sign_in(store_path, "admin", "wrong-password-guess", now=t0 + 31)
    with pytest.raises(AccountLocked):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=t0 + 80)
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, now=t0 + 92)
    entry = [e for e in session.store.iter_audit(newest_first=True, limit=1)][0]
    assert entry[3] == "sign-in" and '"failed_attempts_before":[null,6]' in entry[7]
    session.close()
    with pytest.raises(WrongPassword, match="4 attempts left"):
        auth.sign_in(store_path, "admin", "wrong-password-guess", now=t0 + 93)


def _enrol(admin, username: str, at: float) -> TOTP:
    uri = auth.totp_enrol(admin, username)
    assert uri.startswith(f"otpauth://totp/cims_xl:{username}?")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    totp = TOTP(base64.b32decode(secret), 6, SHA1(), 30, enforce_key_length=False)
    auth.totp_confirm(admin, username, totp.generate(at).decode(), now=at)
    return totp


def test_a_one_time_code_is_accepted_within_one_step_of_drift_and_rejected_outside(store_path, admin):
    t = (int(time.time()) // 30) * 30 - 600
    totp = _enrol(admin, "admin", t)
    admin.close()
    with pytest.raises(WrongPassword, match="one-time code is wrong or missing"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, None, now=t + 95)
    with pytest.raises(WrongPassword, match="one-time code is wrong"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, totp.generate(t - 30).decode(), now=t + 95)
    ok = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, totp.generate(t + 60).decode(), now=t + 95)
    ok.close()
    with pytest.raises(WrongPassword, match="already used"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, totp.generate(t + 60).decode(), now=t + 96)
    late = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, totp.generate(t + 120).decode(), now=t + 135)
    late.close()


def test_a_wrong_enrolment_code_does_not_turn_the_second_factor_on(store_path, admin):
    auth.totp_enrol(admin, "admin")
    with pytest.raises(ValidationFailed, match="does not match"):
        auth.totp_confirm(admin, "admin", "000000")
    admin.close()
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()


def test_a_password_change_rewraps_the_slot_old_password_stops_working(store_path, session_as):
    bob = session_as("sales", "bob")
    auth.change_password(bob, "bob", "Brand-New-Password-2026", kdf=FAST_KDF)
    bob.close()
    with pytest.raises(WrongPassword):
        auth.sign_in(store_path, "bob", USER_PASSWORD)
    auth.sign_in(store_path, "bob", "Brand-New-Password-2026").close()


def test_weak_passwords_are_refused_with_the_reason(admin):
    for password, reason in (("short-pw", "at least 12"), ("password1234", "common passwords"),
                             ("aaaaaaaaaaaaaaaa", "common passwords|too few"),
                             ("carol-is-my-name-99", "user name")):
        with pytest.raises(ValidationFailed, match=reason):
            auth.add_user(admin, "carol", "viewer", password, kdf=FAST_KDF)


def test_a_disabled_user_can_no_longer_sign_in(store_path, admin, session_as):
    session_as("support", "sue").close()
    auth.disable_user(admin, "sue")
    with pytest.raises(AccountDisabled):     # the right password: told why (tests/test_cli_people.py)
        auth.sign_in(store_path, "sue", USER_PASSWORD)
    assert {u["username"]: u["can_sign_in"] for u in auth.list_users(admin)}["sue"] is False


def test_the_last_administrator_cannot_be_disabled_or_demoted(admin):
    with pytest.raises(ValidationFailed, match="last administrator"):
        auth.disable_user(admin, "admin")
    with pytest.raises(ValidationFailed, match="last administrator"):
        auth.set_role(admin, "admin", "viewer")


def test_an_idle_session_expires_and_drops_its_key(store_path):
    clock = [1000.0]
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, idle_timeout=60)
    session._clock = lambda: clock[0]
    session._last_used = clock[0]
    records.create(session, "customer", {"name": "Before the break"})
    clock[0] += 61
    with pytest.raises(SessionExpired, match="without use"):
        records.list_records(session, "customer")
    assert not session.is_open


def test_wrong_passwords_tried_at_the_same_time_from_several_processes_are_all_counted(store_path):
    # The key file is updated under a lock (filelock: flock here, LockFileEx on Windows):
    # no attempt may overwrite another's count.
    from cims_xl.security.keys import KeyFile

    code = textwrap.dedent(f"""
        from cims_xl.services import auth
        from cims_xl.errors import CimsError
        try:
            auth.sign_in({str(store_path)!r}, "admin", "not-the-password")
        except CimsError:
            pass
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert KeyFile.load(store_path).lockout("admin")["failed"] == 4


def test_the_code_is_asked_only_of_users_with_two_step_sign_in_and_without_the_key_file_locked(
        store_path, admin, session_as):
    from filelock import FileLock

    session_as("viewer", "plain").close()
    asked = []
    plain = auth.sign_in(store_path, "plain", USER_PASSWORD, lambda: asked.append("plain") or "123456")
    assert asked == [] and plain.username == "plain"
    plain.close()

    t = time.time()
    totp = _enrol(admin, "admin", t - 60)

    def ask():
        # Another process could take the key-file lock now: it is not held during the prompt.
        with FileLock(str(store_path) + ".lock", timeout=2):
            asked.append("admin")
        return totp.generate(time.time()).decode()

    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD, ask)
    assert asked == ["admin"] and session.role == "admin"
    session.close()


def test_a_wrong_password_never_reaches_the_code_prompt_and_a_closed_prompt_counts_as_a_failure(
        store_path, admin):
    from cims_xl.security.keys import KeyFile

    _enrol(admin, "admin", time.time() - 60)
    asked = []
    with pytest.raises(WrongPassword, match="wrong user name or password"):
        auth.sign_in(store_path, "admin", "not-the-password", lambda: asked.append(1) or "000000")
    assert asked == []

    def closed():
        raise RuntimeError("prompt closed")

    with pytest.raises(WrongPassword, match="no one-time code was given"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, closed)
    with pytest.raises(WrongPassword, match="wrong or missing"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD, lambda: None)
    assert KeyFile.load(store_path).lockout("admin")["failed"] == 3
