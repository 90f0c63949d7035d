"""Every way of refreshing the reports does the same first step: RFM segments brought up to date.

`cims report`, `cims sync WORKBOOK reports` and the ribbon's Refresh reports (on a file
here; live Excel runs the same handler) all call `services.segments.refresh_before_reports`.
"""

from __future__ import annotations

import pytest

from cims_xl.excel import live_session, ribbon, sync
from cims_xl.excel.adapter import FileWorkbook, QuietUI
from cims_xl.services import records
from test_sync_support import new_workbook


@pytest.fixture
def shop(admin):
    """Customers with orders, and no segment stored yet."""
    ids = [records.create(admin, "customer", {"name": n, "city": c})["id"]
           for n, c in (("Alice Wang", "上海"), ("Bruno Costa", "Lisboa"), ("Chidi Okafor", "Lagos"))]
    for i, cid in enumerate(ids):
        for k in range(i + 1):
            records.create(admin, "order", {"customer_id": cid, "order_date": f"2025-0{k + 1}-1{i}",
                                            "amount": str(100 * (i + 1))})
    assert all(not r.get("rfm_segment") for r in records.list_records(admin, "customer"))
    return ids


def _segments(session) -> list:
    return [r.get("rfm_segment") for r in records.list_records(session, "customer")]


@pytest.fixture(autouse=True)
def signed_out():
    live_session.use(None)
    yield
    live_session.use(None)


def test_sync_reports_brings_the_segments_up_to_date_first(tmp_path, admin, shop):
    path = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, path, "reports")
    assert all(_segments(admin))


def test_the_ribbons_refresh_reports_does_the_same_as_the_command_line(tmp_path, store_path, admin, shop):
    path = new_workbook(tmp_path / "cims.xlsx")
    book = FileWorkbook(path)
    book.set_name("CIMS_StorePath", str(store_path))
    book.save()
    live_session.use(admin)
    line = ribbon.dispatch("btnReports", FileWorkbook(path, ui=QuietUI()))
    assert line == "Refreshed 4 report sheet(s)."
    assert all(_segments(admin))


@pytest.mark.parametrize("role", ["sales", "support", "viewer"])
def test_a_role_that_may_not_update_every_customer_refreshes_reports_without_writing_segments(
        tmp_path, admin, session_as, shop, role):
    from cims_xl.services.segments import refresh_before_reports
    session = session_as(role)
    assert refresh_before_reports(session) == 0
    assert not any(_segments(admin))
