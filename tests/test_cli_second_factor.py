"""Two-step sign-in from the command line: the code is asked for once the password proved
right, on the terminal and hidden, and every wrong answer counts once toward the lockout."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sys
import time
from urllib.parse import parse_qs, urlparse

import click.testing
import pytest
from click.testing import CliRunner

from cims_xl.cli import cli
from cims_xl.errors import AccountLocked, WrongPassword
from cims_xl.security.keys import FREE_ATTEMPTS, KeyFile
from cims_xl.services import auth

from conftest import FAST_KDF, USER_PASSWORD


def _enrol(admin, username: str):
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    uri = auth.totp_enrol(admin, username)
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    totp = TOTP(base64.b32decode(secret), 6, SHA1(), 30, enforce_key_length=False)
    earlier = time.time() - 90            # confirmed with an older code, so the current one is unused
    auth.totp_confirm(admin, username, totp.generate(earlier).decode(), now=earlier)
    return totp


def _wrong_code(totp) -> str:
    """A six-digit code that no step around now accepts."""
    now = time.time()
    taken = {totp.generate(now + d * 30).decode() for d in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in taken)


@pytest.fixture
def sam(store_path, admin):
    """A sales user, Sam, with a second factor; returns the TOTP generator of Sam's app."""
    auth.add_user(admin, "sam", "sales", USER_PASSWORD, kdf=FAST_KDF)
    return _enrol(admin, "sam")


@pytest.fixture
def terminal(monkeypatch):
    """CliRunner's standard streams answering isatty() like a person's terminal."""
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)


def _env(store_path) -> dict[str, str]:
    return {"CIMS_STORE": str(store_path), "CIMS_USER": "sam", "CIMS_PASSWORD": USER_PASSWORD,
            "CIMS_OTP": None}


def _failed(store_path, username="sam") -> int:
    return KeyFile.load(store_path).lockout(username).get("failed", 0)


def test_a_wrong_code_typed_at_the_prompt_counts_as_one_failed_sign_in(store_path, sam, terminal):
    result = CliRunner().invoke(cli, ["--format", "json", "user", "list"], env=_env(store_path),
                                input=_wrong_code(sam) + "\n")
    assert isinstance(result.exception, WrongPassword), result.output
    assert "one-time code is wrong" in result.exception.message
    assert _failed(store_path) == 1


def test_after_a_lockout_ran_out_the_right_password_and_code_at_the_prompt_sign_in(store_path, sam, terminal):
    with KeyFile.locked(store_path) as kf:       # five failures whose delay is over
        kf.set_lockout("sam", {"failed": FREE_ATTEMPTS, "since_success": FREE_ATTEMPTS,
                               "locked_until": dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)})
        kf.save()
    result = CliRunner().invoke(cli, ["--format", "json", "customer", "list"], env=_env(store_path),
                                input=sam.generate(time.time()).decode() + "\n")
    assert result.exit_code == 0, (result.output, result.exception)
    assert json.loads(result.stdout) == []
    assert _failed(store_path) == 0


def test_the_code_prompt_is_on_stderr_and_hidden_so_stdout_holds_only_the_json(store_path, sam, terminal):
    code = sam.generate(time.time()).decode()
    result = CliRunner().invoke(cli, ["--format", "json", "customer", "list"], env=_env(store_path),
                                input=code + "\n")
    assert result.exit_code == 0, (result.output, result.exception)
    assert json.loads(result.stdout) == []          # "One-time code: " would make this fail
    assert "One-time code" in result.stderr
    assert code not in result.output                  # not echoed


def test_the_lockout_still_holds_against_guessing_codes_at_the_prompt(store_path, sam, terminal):
    runner = CliRunner()
    for attempt in range(1, FREE_ATTEMPTS + 1):
        result = runner.invoke(cli, ["customer", "list"], env=_env(store_path), input=_wrong_code(sam) + "\n")
        assert isinstance(result.exception, WrongPassword)
        assert _failed(store_path) == attempt
    # Locked now: even the right code is not looked at, and no password is asked for.
    result = runner.invoke(cli, ["customer", "list"], env=_env(store_path),
                           input=sam.generate(time.time()).decode() + "\n")
    assert isinstance(result.exception, AccountLocked), result.output
    assert "One-time code" not in result.output
    assert _failed(store_path) == FREE_ATTEMPTS


def test_a_wrong_password_counts_once_and_never_asks_for_the_code(store_path, sam, terminal):
    env = {**_env(store_path), "CIMS_PASSWORD": "Not-Sams-Password-1"}
    result = CliRunner().invoke(cli, ["customer", "list"], env=env, input="123456\n")
    assert isinstance(result.exception, WrongPassword)
    assert "wrong user name or password" in result.exception.message
    assert "One-time code" not in result.output
    assert _failed(store_path) == 1


def test_without_a_terminal_a_missing_code_names_the_option_to_give_it(store_path, sam):
    result = CliRunner().invoke(cli, ["customer", "list"], env=_env(store_path))
    assert isinstance(result.exception, WrongPassword)
    assert "--otp" in result.exception.message and "CIMS_OTP" in result.exception.message
    assert _failed(store_path) == 1
    ok = CliRunner().invoke(cli, ["--otp", sam.generate(time.time()).decode(), "--format", "json",
                                  "customer", "list"], env=_env(store_path))
    assert ok.exit_code == 0, (ok.output, ok.exception)
    assert _failed(store_path) == 0


def test_in_a_real_terminal_output_redirected_to_a_file_gets_only_json(store_path, sam, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "out.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_")}
    env.update({"CIMS_STORE": str(store_path), "CIMS_USER": "sam", "CIMS_LOG_DIR": str(tmp_path),
                "TERM": "xterm"})
    command = f"{sys.executable} -m cims_xl.cli --format json customer list > '{out}'"
    child = pexpect.spawn("/bin/sh", ["-c", command], env=env, cwd=tmp_path, encoding="utf-8", timeout=300)
    seen: list[str] = []
    child.logfile_read = type("Log", (), {"write": lambda self, t: seen.append(t), "flush": lambda self: None})()
    child.expect("Password: ")
    child.sendline(USER_PASSWORD)
    child.expect("One-time code: ")
    code = sam.generate(time.time()).decode()
    child.sendline(code)
    child.expect(pexpect.EOF)
    child.close()
    screen = "".join(seen)
    assert child.exitstatus == 0, screen
    assert code not in screen and USER_PASSWORD not in screen     # neither is echoed
    assert json.loads(out.read_text(encoding="utf-8")) == []
    assert _failed(store_path) == 0
