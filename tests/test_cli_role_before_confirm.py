"""A role that may not take a step is told so before any question: no "[y/N]" asked and
answered for nothing, no new password typed for nothing, no `--yes` suggested to someone
who may not use it. Run in a real pseudo-terminal (pexpect), as a person meets it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cims_xl.services import auth, backup as backup_svc, records
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

pexpect = pytest.importorskip("pexpect")

USERS = {"guest": "viewer", "lina": "sales", "wang": "support"}


@pytest.fixture
def world(store_path, admin, tmp_path):
    for name, role in USERS.items():
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    auth.add_user(admin, "gone", "sales", USER_PASSWORD, kdf=FAST_KDF)
    auth.disable_user(admin, "gone")
    cid = records.create(admin, "customer", {"name": "محمد علي"})["id"]
    other = records.create(admin, "customer", {"name": "Mohammed Ali"})["id"]
    made = backup_svc.backup(admin, str(tmp_path / "backups"))
    admin.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIMS_", "PYTHONIO"))}
    env.update({"CIMS_STORE": str(store_path), "CIMS_LOG_DIR": str(tmp_path / "logs"),
                "CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"], "COLUMNS": "120", "TERM": "xterm"})
    return {"env": env, "cid": cid, "other": other, "backup": str(made), "store": store_path}


def _commands(w) -> list[list[str]]:
    """Every command that asks a question or a new password, as a non-administrator runs it."""
    return [["audit", "accept"], ["gdpr", "erase", w["cid"]], ["restore", w["backup"]],
            ["customer", "delete", w["cid"]], ["customer", "merge", w["cid"], w["other"]],
            ["user", "add", "newbie", "--role", "sales"], ["user", "enable", "gone"],
            ["user", "passwd", "admin"], ["user", "role", "lina", "admin"], ["rekey"]]


def _in_terminal(env: dict, user: str, args: list[str]) -> tuple[int, str]:
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", "--user", user, *args], env=env,
                          encoding="utf-8", timeout=300, dimensions=(40, 120))
    index = child.expect([r"\[y/N\]", r"[Pp]assword", pexpect.EOF])
    asked = child.before + (child.after if isinstance(child.after, str) else "")
    if index != 2:                  # asked: answer no / nothing, and fail below
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        asked += child.before
    child.close()
    return (child.exitstatus if index == 2 else -1 - index), asked      # asked: a negative code


@pytest.mark.parametrize("user", sorted(USERS))
def test_no_role_but_admin_is_asked_to_confirm_or_type_a_password_before_being_refused(world, user):
    env = dict(world["env"], CIMS_PASSWORD=USER_PASSWORD)
    for args in _commands(world):
        code, shown = _in_terminal(env, user, args)
        assert code == 5, (args, shown)                 # PermissionDenied, nothing asked first
        assert "may not" in shown and "[y/N]" not in shown and "New password" not in shown, (args, shown)
        assert "--yes" not in shown, (args, shown)


@pytest.mark.parametrize("args", [["restore", "{backup}"], ["gdpr", "erase", "{cid}"]])
def test_without_a_terminal_a_viewer_is_refused_for_the_role_and_never_told_to_add_yes(world, args):
    args = [a.format(**world) for a in args]
    run = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--user", "guest", *args], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, env=dict(world["env"], CIMS_PASSWORD=USER_PASSWORD),
                         timeout=300)
    assert run.returncode == 5, run.stderr
    assert "may not" in run.stderr and "--yes" not in run.stderr


@pytest.mark.parametrize("args,why", [
    (["user", "add", "lina", "--role", "sales"], "already exists"),
    (["user", "enable", "lina"], "is not disabled"),
    (["user", "enable", "nobody"], "nobody"),
    (["user", "passwd", "gone"], "is disabled"),
])
def test_an_administrator_is_not_asked_for_a_new_password_that_would_be_refused_anyway(world, args, why):
    code, shown = _in_terminal(dict(world["env"], CIMS_PASSWORD=ADMIN_PASSWORD), "admin", args)
    assert code in (3, 4), shown
    assert why in shown and "New password" not in shown
