"""A won or lost deal's close date is never invented (the rule of
tests/test_times_never_invented.py, for deals): a deal added, saved or imported already Won
or Lost closed on the day given (its past Expected Close, a CRM's "Close Date"), else on a
day nobody recorded: its Closed stays empty. Only a change made now — a stored open deal
moved to Won or Lost through the CLI, the API or a workbook Save — closes today. Reports
count an unknown close date as unknown and name the deal. Real encrypted stores in tmp_path."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cims_xl.domain.pipeline import DEFAULT_TZ
from cims_xl.excel import sync
from cims_xl.importer import import_file
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import PIPELINE
from cims_xl.services import records
from table_files import write_table
from test_sync_support import Editor, new_workbook, table_rows


def _today() -> dt.date:
    return dt.datetime.now(DEFAULT_TZ).date()


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Li Lei", "email": "li@example.cn"})["id"]


@pytest.mark.parametrize("stage", ["Won", "Lost"])
@pytest.mark.parametrize("expected", [None, "future"])
def test_a_deal_created_already_closed_without_a_past_close_date_keeps_closed_empty(admin, customer, stage,
                                                                                     expected):
    data = {"customer_id": customer, "name": "Old deal", "stage": stage, "amount": "100"}
    if expected:
        data["expected_close"] = (_today() + dt.timedelta(days=40)).isoformat()
    rid = records.create(admin, "opportunity", data)["id"]
    stored = records.get(admin, rid)
    assert stored["stage"] == stage and stored["closed_at"] is None
    # an edit of something else made now does not date the close either
    records.update(admin, rid, {"next_step": "ask for a reference"})
    assert records.get(admin, rid)["closed_at"] is None
    # a stored open deal moved to that stage now closes today; one created on a past
    # Expected Close closed that day
    moved = records.create(admin, "opportunity", {"customer_id": customer, "name": "Now", "stage": "Proposal",
                                                  "amount": "100"})["id"]
    records.update(admin, moved, {"stage": stage})
    assert records.get(admin, moved)["closed_at"] == _today()
    past = _today() - dt.timedelta(days=90)
    dated = records.create(admin, "opportunity", {"customer_id": customer, "name": "Q1", "stage": stage,
                                                  "amount": "100", "expected_close": past.isoformat()})["id"]
    assert records.get(admin, dated)["closed_at"] == past


def test_opportunity_add_won_without_a_close_date_stores_none_and_says_so(run, admin, customer):
    code, out, err = run("--format", "json", "opportunity", "add", "--customer-id", customer, "--name", "Typed late",
                         "--stage", "Won", "--amount", "300")
    assert code == 0, err
    rid = json.loads(out)["id"]
    assert records.get(admin, rid)["closed_at"] is None
    assert "Closed" in err and "not known" in err and "--expected-close" in err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heads, won, lost", [
    (["Customer", "Opportunity", "Stage", "Amount"], "Won", "Lost"),
    (["Kunde", "Verkaufschance", "Phase", "Betrag"], "Gewonnen", "Verloren"),
    (["客户", "商机名称", "阶段", "金额"], "赢单", "输单"),
])
def test_imported_won_and_lost_deals_without_a_close_date_keep_closed_empty(admin, customer, tmp_path, fmt,
                                                                            heads, won, lost):
    path = write_table(tmp_path, fmt, [heads, ["Li Lei", "Deal A", won, "100"], ["Li Lei", "Deal B", lost, "50"]])
    # the German file names its amounts' currency by --currency (its bare amounts stop otherwise)
    result = import_file(admin, path, kind="opportunities", decimal="point", currency="EUR")
    assert (result.created, result.rejected) == (2, 0)
    got = {o["name"]: (o["stage"], o["closed_at"]) for o in records.list_records(admin, "opportunity")}
    assert got == {"Deal A": ("Won", None), "Deal B": ("Lost", None)}


def test_a_new_won_row_saved_from_the_workbook_keeps_closed_empty_but_a_row_moved_to_won_closes_today(
        admin, customer, tmp_path):
    open_id = records.create(admin, "opportunity", {"customer_id": customer, "name": "Open one",
                                                    "stage": "Proposal", "amount": "100"})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Opportunities"])
    with Editor(book, "Opportunities") as ed:
        ed.add_row({"Customer ID": customer, "Opportunity": "Won long ago", "Stage": "Won", "Amount": 500})
        ed.set(open_id, "Stage", "Won")
    counts = sync.sync_file(admin, book, "save", sheets=["Opportunities"])["sheets"]["Opportunities"]
    assert (counts["created"], counts["updated"]) == (1, 1), table_rows(book, "Opportunities")
    got = {o["name"]: o["closed_at"] for o in records.list_records(admin, "opportunity")}
    assert got == {"Won long ago": None, "Open one": _today()}


def test_reports_count_an_unknown_close_date_as_unknown_and_name_the_deal(admin, customer):
    past = _today() - dt.timedelta(days=30)
    dated = records.create(admin, "opportunity", {"customer_id": customer, "name": "Dated", "stage": "Won",
                                                  "amount": "100", "expected_close": past.isoformat()})["id"]
    unknown = records.create(admin, "opportunity", {"customer_id": customer, "name": "Unknown", "stage": "Won",
                                                    "amount": "700"})["id"]
    sheet = build_for_session(admin)[PIPELINE]
    forecast = sheet.table("tblForecast")
    assert float(forecast.data["Won"].astype(float).sum()) == 100.0       # never put in this month
    assert "close date nobody recorded" in forecast.note and unknown in forecast.note and dated not in forecast.note
    rate = sheet.table("tblWinRateByOwner")
    assert int(rate.data["Won"].sum()) == 2
    assert "close date nobody recorded" in rate.note and unknown in rate.note
    ranged = build_for_session(admin, date_from=(past - dt.timedelta(days=5)).isoformat(),
                               date_to=_today().isoformat())[PIPELINE].table("tblPipelineByStage")
    assert unknown in ranged.note and "close date nobody recorded" in ranged.note
