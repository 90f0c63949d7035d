"""`gdpr erase` names under "Workbooks to refresh" only the synced workbooks that could
hold the person: those written (refreshed, saved, edited) since the person was first
written to the store, theirs or a customer's merged into theirs. A workbook last
refreshed before the customer existed cannot hold their rows and is not named; one
refreshed afterwards, or saved with them, is. Real workbooks, a real encrypted store."""
from __future__ import annotations

import json
import os
import time

import pytest

from cims_xl.services import merge, records
from test_sync_support import new_workbook


def _age(path, seconds: float) -> None:
    """The workbook as left that long ago (its last write before what follows)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def _erase(run, cid) -> list[str]:
    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    return [os.path.basename(p) for p in json.loads(out)["workbooks_to_refresh"]]


def test_a_workbook_refreshed_before_the_customer_existed_is_not_named(run, admin, tmp_path):
    old = new_workbook(tmp_path / "客户 2025.xlsx")
    assert run("sync", str(old), "refresh")[0] == 0
    _age(old, 3600)
    time.sleep(0.01)
    cid = records.create(admin, "customer", {"name": "Saanvi Iyer", "email": "saanvi.iyer@example.in"})["id"]
    fresh = new_workbook(tmp_path / "kunden ü.xlsx")
    assert run("sync", str(fresh), "refresh")[0] == 0
    assert _erase(run, cid) == ["kunden ü.xlsx"]



@pytest.mark.parametrize("touched", ["refresh", "edited"])
def test_an_old_workbook_written_again_after_the_customer_was_added_is_named_an_untouched_one_not(
        run, admin, tmp_path, touched):
    book, untouched = new_workbook(tmp_path / "desk.xlsx"), new_workbook(tmp_path / "archive.xlsx")
    for path in (book, untouched):
        assert run("sync", str(path), "refresh")[0] == 0
        _age(path, 3600)
    cid = records.create(admin, "customer", {"name": "Ayşe Yılmaz", "city": "İzmir"})["id"]
    if touched == "refresh":
        assert run("sync", str(book), "refresh")[0] == 0
    else:
        os.utime(book, None)           # opened and saved in Excel: it may hold what was typed
    assert _erase(run, cid) == ["desk.xlsx"]


def test_a_customer_merged_into_the_erased_one_counts_from_its_own_first_entry(run, admin, tmp_path):
    untouched = new_workbook(tmp_path / "archive.xlsx")
    assert run("sync", str(untouched), "refresh")[0] == 0
    _age(untouched, 3600)
    early = records.create(admin, "customer", {"name": "Kwame Mensah", "email": "kwame@example.gh"})["id"]
    book = new_workbook(tmp_path / "ghana.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0       # holds Kwame (the early record)
    time.sleep(2.5)                    # the later customer is written after the workbook, beyond any slack
    later = records.create(admin, "customer", {"name": "K. Mensah", "city": "Accra"})["id"]
    merge.merge_customers(admin, later, early)
    assert _erase(run, later) == ["ghana.xlsx"]
