"""One save or refresh of a workbook at a time. Two `cims sync FILE save` started together
on one workbook must not both read the new row and create it twice, and must not leave
a Conflict about the user's own edit: the second waits for the first (then sees the ids
the first wrote), or, when the first takes too long, refuses saying another cims sync is
working on the workbook. The lock is the OS's, so a sync killed while holding it leaves
nothing stuck. Real processes, a real encrypted store, the workbook edited as a person would."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from cims_xl.excel import sync
from cims_xl.services import records
from conftest import ADMIN_PASSWORD
from crashkit import REPO
from test_sync_support import Editor, new_workbook, table_rows


def _cims(store_path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") or k in ("CIMS_TRUST_DIR", "CIMS_LOG_DIR")}
    env.update(PYTHONPATH=str(REPO), CIMS_PASSWORD=ADMIN_PASSWORD)
    return subprocess.Popen([sys.executable, "-m", "cims_xl.cli", "--store", str(store_path), "--user", "admin",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _customers(session, name):
    return [r for r in records.list_records(session, "customer") if r["name"] == name]


def test_two_saves_of_one_workbook_started_together_create_the_new_row_once_and_report_no_conflict(
        admin, store_path, tmp_path):
    kept = records.create(admin, "customer", {"name": "Nguyễn Thị Mai", "city": "Hà Nội"})["id"]
    book = new_workbook(tmp_path / "khach.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    key = next(r["_key"] for r in table_rows(book) if r["ID"] == kept)
    with Editor(book) as ed:
        ed.add_row({"Name": "竞态测试", "City": "成都"})
        ed.set(key, "Notes", "called back")
    procs = [_cims(store_path, "sync", str(book), "save", "--sheet", "Customers") for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [0, 0], outs
    made = _customers(admin, "竞态测试")
    assert len(made) == 1, [r["id"] for r in made]
    rows = {r["Name"]: r for r in table_rows(book)}
    assert rows["竞态测试"]["ID"] == made[0]["id"]
    assert not any("Conflict" in str(r["Status"] or "") for r in rows.values()), rows
    assert records.get(admin, kept)["notes"] == "called back"


def test_a_sync_of_a_workbook_another_process_is_syncing_waits_then_refuses_and_a_killed_holder_leaves_no_lock(
        run, admin, tmp_path, monkeypatch):
    book = new_workbook(tmp_path / "kunden.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    with Editor(book) as ed:
        ed.add_row({"Name": "Jörg Weiß", "City": "Köln"})
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom cims_xl.excel.sync import workbook_lock\n"
                               "with workbook_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(120)\n",
         str(book)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(sync, "WORKBOOK_LOCK_WAIT", 1.0)
        before = book.read_bytes()
        for action in ("save", "refresh"):
            started = time.monotonic()
            code, _out, err = run("sync", str(book), action)
            assert code == sync.WorkbookBusy.exit_code, err
            assert "another cims sync is working on kunden.xlsx" in " ".join(err.split())
            assert 0.9 <= time.monotonic() - started < 30
        assert book.read_bytes() == before and _customers(admin, "Jörg Weiß") == []
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    code, _out, err = run("sync", str(book), "save")
    assert code == 0, err
    (made,) = _customers(admin, "Jörg Weiß")
    assert {r["Name"]: r["ID"] for r in table_rows(book)}["Jörg Weiß"] == made["id"]


def test_the_ribbons_save_and_refresh_wait_for_the_same_lock_as_cims_sync(admin, store_path, tmp_path, monkeypatch):
    from cims_xl.excel import live_session, ribbon
    from cims_xl.excel.adapter import FileWorkbook
    from test_ribbon import FakeUI

    book = new_workbook(tmp_path / "clientes.xlsx")
    wb = FileWorkbook(book)
    wb.set_name("CIMS_StorePath", str(store_path))
    wb.save()
    sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    with Editor(book) as ed:
        ed.add_row({"Name": "Inés Álvarez", "City": "Sevilla"})
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom cims_xl.excel.sync import workbook_lock\n"
                               "with workbook_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(120)\n",
         str(book)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    live_session.use(admin)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(sync, "WORKBOOK_LOCK_WAIT", 0.5)
        for button in ("btnSave", "btnRefreshAll"):
            ui = FakeUI()
            wb = FileWorkbook(book, ui=ui)
            wb.wb.active = wb.wb.sheetnames.index("Customers")
            assert ribbon.dispatch(button, wb) is None
            assert any("another cims sync is working on clientes.xlsx" in m.lower() for m in ui.messages), ui.messages
        assert _customers(admin, "Inés Álvarez") == []
    finally:
        live_session.use(None)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
