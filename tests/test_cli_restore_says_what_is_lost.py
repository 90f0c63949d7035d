"""Before `cims restore BACKUP` replaces a store it says what the restore takes away: when
the backup was made and how long ago, and how many records were created, changed and
deleted since (from the store's audit trail after the backup's), and the record counts
now and after. Asked in a real terminal (pexpect), answered no: nothing is replaced."""
from __future__ import annotations

import os
import re
import sys

import pytest

from cims_xl.services import auth, records, search

from conftest import ADMIN_PASSWORD

pexpect = pytest.importorskip("pexpect")


def _asked(store_path, backup_file, tmp_path) -> str:
    """What the terminal shows up to the restore's question, which is answered no."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") and k not in ("COLUMNS", "LINES")}
    env.update({"CIMS_LOG_DIR": str(tmp_path), "TERM": "xterm", "CIMS_PASSWORD": ADMIN_PASSWORD,
                "CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"], "CIMS_TZ": "Asia/Shanghai"})
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", "--store", str(store_path), "--user", "admin",
                                           "restore", str(backup_file)],
                          env=env, cwd=tmp_path, encoding="utf-8", timeout=300, dimensions=(50, 200))
    child.expect(r"\[y/N\]")
    shown = child.before
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    return " ".join(re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", shown).split())


@pytest.mark.parametrize("created, changed, deleted", [(3, 2, 1), (0, 1, 0), (12, 0, 2)])
def test_the_restore_question_says_when_the_backup_was_made_and_what_was_done_since(
        store_path, admin, tmp_path, run, created, changed, deleted):
    before = [records.create(admin, "customer", {"name": f"Kunde {i}", "city": "Köln"})["id"] for i in range(4)]
    code, _out, err = run("backup")
    assert code == 0, err
    (made,) = (store_path.parent / "backups").glob("*.cimsbak")
    for i in range(created):
        records.create(admin, "customer", {"name": f"新客户 {i}", "city": "上海"})
    for cid in before[:changed]:
        records.update(admin, cid, {"city": "Bonn"})
    for cid in before[len(before) - deleted:]:
        records.delete(admin, cid)
    admin.close()
    shown = _asked(store_path, made, tmp_path)
    when = re.search(r"was made on (\d{4}-\d\d-\d\d \d\d:\d\d) Asia/Shanghai", shown)
    assert when, shown
    assert re.search(r"(moments|\d+ seconds?|\d+ minutes?) ago", shown), shown
    for n, what in ((created, "created"), (changed, "changed"), (deleted, "deleted")):
        assert re.search(rf"\b{n} records? {what}\b", shown), (n, what, shown)
    if created != deleted:
        assert f"customer {4 + created - deleted} → 4" in shown, shown
    else:
        assert "customer" not in shown, shown
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)      # answered no: the store is as it was
    try:
        assert len(search.search_customers(session, city="上海").rows) == created
    finally:
        session.close()


def test_a_restore_of_a_backup_made_just_now_says_nothing_was_changed_since(store_path, admin, tmp_path, run):
    records.create(admin, "customer", {"name": "Ingrid Olsen", "city": "Oslo"})
    assert run("backup")[0] == 0
    (made,) = (store_path.parent / "backups").glob("*.cimsbak")
    admin.close()
    shown = _asked(store_path, made, tmp_path)
    assert "Nothing has been changed in this store since then" in shown, shown
