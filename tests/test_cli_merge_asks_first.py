"""`cims customer merge` has no undo, so it asks first, as `customer delete` and `gdpr
erase` do: the question names the customer that is retired (name and email) and what
moves, kind by kind; no keeps both. `--yes` is for scripts; without a terminal and
without `--yes` it refuses naming `--yes`. A role that may not merge is refused before
any question and is never told about `--yes`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

from cims_xl.services import auth, records

pexpect = pytest.importorskip("pexpect")

from test_cli_terminal import finish, spawn_cims  # noqa: E402


@pytest.fixture
def pair(admin):
    keep = records.create(admin, "customer", {"name": "Zhang Wei", "email": "zw@hengtong.cn"})["id"]
    drop = records.create(admin, "customer", {"name": "张伟", "email": "zhang.wei@example.cn", "city": "深圳"})["id"]
    for subject in ("报价", "回访"):
        records.create(admin, "interaction", {"customer_id": drop, "kind": "Call", "subject": subject})
    order = records.create(admin, "order", {"customer_id": drop, "order_date": "2026-03-01", "amount": "120"})
    records.delete(admin, order["id"])           # a deleted one moves too: counted
    records.create(admin, "ticket", {"customer_id": drop, "subject": "登录失败", "priority": "P3"})
    auth.add_user(admin, "mei", "manager", USER_PASSWORD, kdf=FAST_KDF)
    for name, role in (("lina", "sales"), ("wang", "support"), ("guest", "viewer")):
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    return keep, drop


def _both_live(admin, keep, drop) -> bool:
    live = {r["id"] for r in records.list_records(admin, "customer")}
    return {keep, drop} <= live


def _env(store_path, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIMS_", "PYTHONIO"))}
    env.update({"CIMS_STORE": str(store_path), "CIMS_LOG_DIR": str(tmp_path),
                "CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"], "CIMS_PASSWORD": USER_PASSWORD})
    return env


def test_the_merge_question_names_the_retired_customer_and_what_moves_and_no_keeps_both(store_path, admin, pair,
                                                                                        tmp_path):
    keep, drop = pair
    child = spawn_cims(["--store", str(store_path), "--user", "mei", "customer", "merge", keep, drop],
                       cwd=tmp_path, password=USER_PASSWORD,
                       env_extra={"CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"]})
    child.expect(r"\[y/N\]: ")
    asked = " ".join((child.before or "").split())
    assert f"Merge {drop} (张伟, zhang.wei@example.cn) into {keep} (Zhang Wei, zw@hengtong.cn)?" in asked, asked
    assert "2 interactions" in asked and "1 order" in asked and "1 ticket" in asked, asked
    assert "no undo" in asked, asked
    child.sendline("n")
    text = finish(child)
    assert child.exitstatus == 1 and "Aborted." in text
    assert _both_live(admin, keep, drop)
    assert all(r["customer_id"] == drop for r in records.list_records(admin, "interaction"))

    child = spawn_cims(["--store", str(store_path), "--user", "mei", "customer", "merge", keep, drop],
                       cwd=tmp_path, password=USER_PASSWORD,
                       env_extra={"CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"]})
    child.expect(r"\[y/N\]: ")
    child.sendline("y")
    text = finish(child)
    assert child.exitstatus == 0, text
    assert not _both_live(admin, keep, drop)
    assert all(r["customer_id"] == keep for r in records.list_records(admin, "interaction"))


def test_without_a_terminal_a_merge_needs_yes_and_merges_with_it(store_path, admin, pair, tmp_path):
    keep, drop = pair
    cmd = [sys.executable, "-m", "cims_xl.cli", "--user", "mei", "customer", "merge", keep, drop]
    run = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         env=_env(store_path, tmp_path), timeout=300)
    assert run.returncode != 0 and "--yes" in run.stderr and "cannot be undone" in run.stderr, run.stderr
    assert _both_live(admin, keep, drop)
    run = subprocess.run(cmd + ["--yes"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         env=_env(store_path, tmp_path), timeout=300)
    assert run.returncode == 0, run.stderr
    assert not _both_live(admin, keep, drop)


def test_without_a_terminal_a_role_that_may_not_merge_is_refused_for_the_role_not_told_about_yes(
        store_path, admin, pair, tmp_path):
    keep, drop = pair
    for user in ("lina", "wang", "guest"):
        run = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--user", user, "customer", "merge", keep, drop],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             env=_env(store_path, tmp_path), timeout=300)
        assert run.returncode == 5 and "may not" in run.stderr and "--yes" not in run.stderr, (user, run.stderr)
    assert _both_live(admin, keep, drop)
    # the same command with --yes, by a manager, in a script
    run = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--user", "mei", "customer", "merge", keep, drop,
                          "--yes"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         env=_env(store_path, tmp_path), timeout=300)
    assert run.returncode == 0, run.stderr

