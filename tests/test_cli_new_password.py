"""A new password typed in a terminal is checked as soon as it is typed: a weak one, or a
confirmation that differs, is asked for again instead of ending `cims init` (or `user
add`) after both were typed. Run under a real pseudo-terminal."""

from __future__ import annotations

import os
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

GOOD = "Maple-Lantern-Orbit-2026"


def _spawn(args: list[str], cwd) -> "pexpect.spawn":
    env = {k: v for k, v in os.environ.items() if k not in ("CIMS_PASSWORD", "CIMS_NEW_PASSWORD", "CIMS_USER")}
    env["HOME"] = str(cwd)
    return pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *args], cwd=str(cwd), env=env,
                         encoding="utf-8", timeout=60, dimensions=(40, 120))


def test_a_weak_password_and_a_mistyped_confirmation_are_asked_for_again(tmp_path):
    child = _spawn(["--store", "shop.cims", "init", "--admin", "boss"], tmp_path)
    child.expect("New password for boss: ")
    child.sendline("short")
    child.expect("at least 12 characters. Type another.")
    child.expect("New password for boss: ")
    child.sendline(GOOD)
    child.expect("Repeat for confirmation: ")
    child.sendline(GOOD + "x")
    child.expect("The two passwords differ. Type it again.")
    child.expect("New password for boss: ")
    child.sendline(GOOD)
    child.expect("Repeat for confirmation: ")
    child.sendline(GOOD)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert (tmp_path / "shop.cims").exists()


def test_three_weak_passwords_end_the_command_and_create_nothing(tmp_path):
    child = _spawn(["--store", "shop.cims", "init", "--admin", "boss"], tmp_path)
    for weak, why in (("short", "at least 12"), ("boss-and-more-letters", "must not contain the user name"),
                      ("password1234", "common passwords")):
        child.expect("New password for boss: ")
        child.sendline(weak)
        child.expect(why)
    child.expect("no password was set: 3 tries")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    assert not (tmp_path / "shop.cims").exists()
