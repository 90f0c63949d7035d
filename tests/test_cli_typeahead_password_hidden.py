"""A password typed ahead, while `cims` still loads and before "Password:" shows, is not
echoed on the screen: the launcher turns the terminal's echo off first thing when a
password will be asked for (a terminal, no $CIMS_PASSWORD) and gives it back at the first
prompt or at the end. Run in a real pseudo-terminal (pexpect), through the `cims` entry
point (cims_xl.launch)."""
from __future__ import annotations

import os
import sys
import time

import pexpect

from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, REPO

TYPED_AHEAD = "Typed-Ahead-Secret-77"


def _spawn(store_path, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("CIMS_PASSWORD", "CIMS_OTP", "COLUMNS")}
    env.update({"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "PYTHONPATH": str(REPO),
                "CIMS_LOG_DIR": str(tmp_path / "log"), "CIMS_TRUST_DIR": str(tmp_path / "trust")})
    code = "import sys; from cims_xl.launch import main; sys.exit(main())"
    return pexpect.spawn(sys.executable, ["-c", code, *args], env=env, cwd=tmp_path, encoding="utf-8",
                         timeout=120, dimensions=(40, 120))


def _type_ahead(child, seen: list[str]) -> None:
    """Wait for the process to be up (its terminal's echo off, or 5 s), then type ahead;
    the prompt must not have shown yet (else nothing was typed ahead)."""
    deadline = time.monotonic() + 5
    while child.getecho() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        seen.append(child.read_nonblocking(100000, timeout=0))
    except (pexpect.TIMEOUT, pexpect.EOF):
        pass
    assert "Password" not in "".join(seen), "the prompt came before anything could be typed ahead"
    child.send(TYPED_AHEAD + "\r")


def test_a_password_typed_before_the_prompt_is_not_shown(store_path, admin, tmp_path):
    records.create(admin, "customer", {"name": "Søren Kierkegaard"})
    admin.close()
    child = _spawn(store_path, tmp_path, "customer", "list")
    seen: list[str] = []
    _type_ahead(child, seen)
    child.expect("Password")
    seen.append(child.before + child.after)
    child.sendline(ADMIN_PASSWORD)
    child.expect(pexpect.EOF)
    seen.append(child.before)
    child.close()
    screen = "".join(seen)
    assert TYPED_AHEAD not in screen and ADMIN_PASSWORD not in screen
    assert "Søren Kierkegaard" in screen
    assert child.exitstatus == 0, screen


def test_an_answer_typed_at_a_question_after_the_password_is_echoed_again(store_path, admin, tmp_path):
    """The echo comes back for the questions that are not secret (here: restore's y/N)."""
    from cims_xl.services import backup

    path = backup.backup(admin, tmp_path / "bk")
    admin.close()
    child = _spawn(store_path, tmp_path, "restore", str(path))
    seen: list[str] = []
    _type_ahead(child, seen)
    child.expect("Password")
    child.sendline(ADMIN_PASSWORD)
    child.expect(r"\[y/N\]: ")
    seen.append(child.before + child.after)
    child.sendline("no")
    child.expect(pexpect.EOF)
    seen.append(child.before)
    child.close()
    screen = "".join(seen)
    assert TYPED_AHEAD not in screen
    assert "[y/N]: no\r\n" in screen      # the answer was echoed
