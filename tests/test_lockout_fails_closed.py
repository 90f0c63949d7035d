"""The count of failed sign-ins is a security control: when it cannot be saved (a full
disk, a read-only folder) sign-in is refused BEFORE the password or one-time code is
tested, with one message and exit code whether it was right or wrong, and nothing is
signed in. Before, `kf.save()` raising OSError replaced WrongPassword: no delay, no count,
and the right password got another message (an oracle)."""

from __future__ import annotations

import base64
import errno
import time
from urllib.parse import parse_qs, urlparse

import pytest

from cims_xl import cli
from cims_xl.errors import SignInNotRecorded, WrongPassword
from cims_xl.security.keys import KeyFile
from cims_xl.services import auth

from conftest import FAST_KDF, USER_PASSWORD

REAL_SAVE = KeyFile.save


def _disk_full(monkeypatch, when=lambda: True):
    def save(self, **how):
        if when():
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        return REAL_SAVE(self, **how)
    monkeypatch.setattr(KeyFile, "save", save)


def _cli(store_path, monkeypatch, capsys, user, password):
    monkeypatch.setenv("CIMS_PASSWORD", password)
    monkeypatch.delenv("CIMS_OTP", raising=False)
    code = cli.main(["--store", str(store_path), "--user", user, "customer", "list"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("user", ["ann", "nobody-here"])
def test_on_a_full_disk_a_right_and_a_wrong_password_get_the_same_refusal_and_exit_code(
        store_path, admin, monkeypatch, capsys, user):
    auth.add_user(admin, "ann", "sales", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    before = KeyFile.load(store_path).lockout(user)
    _disk_full(monkeypatch)
    seen = set()
    for password in ["wrong-guess-1", USER_PASSWORD, "Wrong-Guess-2!", USER_PASSWORD]:
        code, out, err = _cli(store_path, monkeypatch, capsys, user, password)
        assert code == 74 and out == "", err
        assert "could not be saved" in err and "wrong" not in err.lower()
        seen.add((code, err))
    assert len(seen) == 1, seen
    monkeypatch.undo()
    assert KeyFile.load(store_path).lockout(user) == before


def test_on_a_full_disk_sign_in_is_refused_before_the_password_is_tested(store_path, admin, monkeypatch):
    auth.add_user(admin, "ann", "sales", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    tested = []
    real_unlock = KeyFile.unlock_keys
    monkeypatch.setattr(KeyFile, "unlock_keys", lambda self, *a: tested.append(1) or real_unlock(self, *a))
    _disk_full(monkeypatch)
    for password in ("nope-nope-nope", USER_PASSWORD):
        with pytest.raises(SignInNotRecorded):
            auth.sign_in(store_path, "ann", password)
    assert tested == []


def test_when_the_disk_fills_after_the_count_the_right_password_still_signs_nobody_in(
        store_path, admin, monkeypatch):
    """The count was saved, the password was right, taking the count back fails: refused,
    the attempt stays counted (fails closed), and no session is returned."""
    auth.add_user(admin, "ann", "sales", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    calls = []
    _disk_full(monkeypatch, when=lambda: calls.append(1) or len(calls) > 1)
    with pytest.raises(SignInNotRecorded):
        auth.sign_in(store_path, "ann", USER_PASSWORD)
    monkeypatch.undo()
    assert KeyFile.load(store_path).lockout("ann")["failed"] == 1


def test_wrong_passwords_are_counted_before_the_password_is_tested(store_path, admin, monkeypatch):
    """A process killed while the password is being tested has already counted it."""
    auth.add_user(admin, "ann", "sales", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()

    def killed(self, *a):
        assert KeyFile.load(store_path).lockout("ann")["failed"] == 1
        raise KeyboardInterrupt
    monkeypatch.setattr(KeyFile, "unlock_keys", killed)
    with pytest.raises(KeyboardInterrupt):
        auth.sign_in(store_path, "ann", "guess-guess-guess")
    monkeypatch.undo()
    assert KeyFile.load(store_path).lockout("ann")["failed"] == 1
    auth.sign_in(store_path, "ann", USER_PASSWORD).close()
    assert KeyFile.load(store_path).lockout("ann")["failed"] == 0


def _enrol(admin, username):
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    uri = auth.totp_enrol(admin, username)
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    totp = TOTP(base64.b32decode(secret), 6, SHA1(), 30, enforce_key_length=False)
    earlier = time.time() - 90
    auth.totp_confirm(admin, username, totp.generate(earlier).decode(), now=earlier)
    return totp


def _wrong_code(totp) -> str:
    taken = {totp.generate(time.time() + d * 30).decode() for d in range(-2, 3)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in taken)


def test_when_the_disk_fills_while_the_code_is_typed_a_right_and_a_wrong_code_get_the_same_refusal(
        store_path, admin, monkeypatch):
    auth.add_user(admin, "sam", "sales", USER_PASSWORD, kdf=FAST_KDF)
    totp = _enrol(admin, "sam")
    admin.close()
    full = []
    _disk_full(monkeypatch, when=lambda: bool(full))
    right = totp.generate(time.time()).decode()
    wrong = _wrong_code(totp)
    messages = []
    for code in (wrong, right):
        full.clear()

        def typed(code=code):
            full.append(1)             # the disk fills while the person types the code
            return code
        with pytest.raises(SignInNotRecorded) as caught:
            auth.sign_in(store_path, "sam", USER_PASSWORD, typed)
        messages.append(caught.value.message)
    assert messages[0] == messages[1]
    monkeypatch.undo()
    assert KeyFile.load(store_path).lockout("sam")["failed"] == 0
    # the right code was not used up: it was never tested
    auth.sign_in(store_path, "sam", USER_PASSWORD, right).close()
