"""`gdpr erase` names the workbooks cims synced that may still hold the person (until
their next Refresh) under "Workbooks to refresh", never "none" while one is there; a
workbook moved away since is not named. Real workbooks synced by `cims sync`, a real
encrypted store."""
from __future__ import annotations

import json
import shutil

from cims_xl.services import records
from test_sync_support import new_workbook


def test_erase_lists_a_synced_workbook_under_workbooks_to_refresh(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Saanvi Iyer", "email": "saanvi.iyer@example.in"})["id"]
    (tmp_path / "desk").mkdir()
    book = new_workbook(tmp_path / "desk" / "kunden ü.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    code, out, err = run("gdpr", "erase", cid, "--yes")
    assert code == 0, err
    row = [line for line in out.splitlines() if line.startswith("Workbooks to refresh")]
    assert len(row) == 1 and "none" not in row[0], out
    said = [line for line in out.splitlines() if "cims sync WORKBOOK refresh" in line]
    assert len(said) == 1 and said[0].endswith(str(book)), out


def test_erase_json_names_each_synced_workbook_once_and_not_one_moved_away(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ayşe Yılmaz", "city": "İzmir"})["id"]
    kept = new_workbook(tmp_path / "müşteriler.xlsx")
    gone = new_workbook(tmp_path / "old.xlsx")
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    for path in (kept, link / kept.name, gone):
        assert run("sync", str(path), "refresh")[0] == 0
    shutil.move(gone, tmp_path / "elsewhere.bin")
    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    named = json.loads(out)["workbooks_to_refresh"]
    assert len(named) == 1 and named[0].endswith("müşteriler.xlsx"), named


def test_erase_with_no_synced_workbook_says_none(run, admin):
    cid = records.create(admin, "customer", {"name": "Kwame Mensah", "city": "Accra"})["id"]
    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    assert json.loads(out)["workbooks_to_refresh"] == []
