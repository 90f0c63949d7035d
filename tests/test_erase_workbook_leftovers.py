"""A sync killed while writing a workbook leaves a partly written copy beside it
(`.cims-save-<pid>-….xlsm`, 0600) holding the rows it wrote. `gdpr erase` removes such
copies beside every workbook the audit trail says cims wrote, wherever that folder is,
and says so; a running sync's copy is left alone. Real processes killed with SIGKILL at
the step after the copy is written, a real encrypted store."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

from cims_xl.services import records
from conftest import ADMIN_PASSWORD
from crashkit import killed, run_cims
from test_sync_support import new_workbook


def _leftovers(folder):
    return sorted(p for p in folder.iterdir() if p.name.startswith(".cims-save-"))


def _holds(path, text: str) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(text.encode() in z.read(n) for n in z.namelist())


def test_gdpr_erase_removes_the_partly_written_workbook_a_killed_sync_left_beside_the_workbook(
        run, admin, store_path, tmp_path):
    desk = tmp_path / "desk" / "shared"
    desk.mkdir(parents=True)
    cid = records.create(admin, "customer", {"name": "Saanvi Iyer", "email": "saanvi.iyer@example.in",
                                             "city": "Chennai"})["id"]
    records.create(admin, "customer", {"name": "Kwame Mensah", "city": "Accra"})
    book = new_workbook(desk / "customers.xlsx")
    out = run_cims("--store", str(store_path), "--user", "admin", "sync", str(book), "refresh",
                   password=ADMIN_PASSWORD, crash_at="workbook.temp-written")
    assert killed(out), out.stderr
    left = _leftovers(desk)
    assert len(left) == 1 and all(_holds(p, "saanvi.iyer@example.in") for p in left)

    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    assert _leftovers(desk) == []
    assert sorted(str(p) for p in left) == sorted(json.loads(out)["leftovers_removed"])
    assert records.get(admin, cid)["name"] != "Saanvi Iyer"


def test_a_copy_a_running_sync_is_writing_is_not_removed_by_erase(run, admin, store_path, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ayşe Yılmaz", "city": "İzmir"})["id"]
    book = new_workbook(tmp_path / "müşteriler.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        mine = tmp_path / f".cims-save-{alive.pid}-abcd1234.xlsx"
        mine.write_bytes(b"being written")
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        stale = tmp_path / f".cims-save-{gone.pid}-dead0000.xlsx"
        stale.write_bytes(b"left by a killed sync")
        code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
        assert code == 0, err
        assert mine.exists() and not stale.exists()
        assert json.loads(out)["leftovers_removed"] == [str(stale)]
    finally:
        alive.kill()
        alive.wait()
