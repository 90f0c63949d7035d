"""A pipeline aggregate that leaves a deal out, or counts it late, says so in its note
with the count and the ids: an open deal with no expected close has no month in the
forecast ("Left out: … no expected close (OP-…)"), a date range leaves it out of the
pipeline too (named there), and an open deal whose expected close has passed is named as
overdue instead of sitting silently in a past month. Deals written to a real encrypted
store in tmp_path and the reports computed from it as the workbook's Refresh does."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.reports.refresh import build_for_session
from cims_xl.services import records

AS_OF = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def table(session, name: str, **kw):
    for sheet in build_for_session(session, as_of=AS_OF, **kw).values():
        for t in sheet.tables:
            if t.name == name:
                return t
    raise AssertionError(name)


def deal(admin, cid, stage, amount, close=None):
    data = {"customer_id": cid, "name": f"{stage} {amount}", "stage": stage, "amount": amount}
    if close:
        data["expected_close"] = close
    return records.create(admin, "opportunity", data)["id"]


@pytest.fixture
def cid(admin):
    return records.create(admin, "customer", {"name": "Núñez y Asociados SL", "type": "Company"})["id"]


@pytest.mark.parametrize("stages", [("Proposal", "Proposal"), ("Qualification", "Negotiation"),
                                    ("Negotiation", "Prospecting")])
def test_an_open_deal_without_expected_close_is_named_in_the_forecast_note(admin, cid, stages):
    dated = deal(admin, cid, stages[0], "1000", "2027-01-15")
    undated = [deal(admin, cid, stages[1], str(500 + i)) for i in range(3)]
    forecast = table(admin, "tblForecast")
    assert float(forecast.data["Best Case"].astype(float).sum()) == 1000.0
    assert "Left out: 3 open deal(s) with no expected close" in forecast.note
    for rid in undated:
        assert rid in forecast.note
    assert dated not in forecast.note
    by_stage = table(admin, "tblPipelineByStage")
    assert float(by_stage.data["Amount"].astype(float).sum()) == 1000.0 + sum(500 + i for i in range(3))
    for rid in undated:
        records.update(admin, rid, {"expected_close": "2027-02-01"})
    forecast = table(admin, "tblForecast")
    assert "Left out" not in forecast.note and "Overdue" not in forecast.note
    assert float(forecast.data["Best Case"].astype(float).sum()) == 1000.0 + sum(500 + i for i in range(3))


def test_a_date_range_names_the_undated_open_deals_it_leaves_out_of_the_pipeline(admin, cid):
    deal(admin, cid, "Proposal", "1000", "2027-01-15")
    undated = deal(admin, cid, "Proposal", "500")
    by_stage = table(admin, "tblPipelineByStage", date_from="2027-01-01", date_to="2027-12-31")
    assert float(by_stage.data["Amount"].astype(float).sum()) == 1000.0
    assert "Left out: 1 open deal(s) with no expected close" in by_stage.note and undated in by_stage.note
    forecast = table(admin, "tblForecast", date_from="2027-01-01", date_to="2027-12-31")
    assert undated in forecast.note


@pytest.mark.parametrize("close", ["2026-11-30", "2026-06-01", "2025-12-31"])
def test_an_open_deal_whose_expected_close_has_passed_is_named_as_overdue(admin, cid, close):
    late = deal(admin, cid, "Negotiation", "800", close)
    on_time = deal(admin, cid, "Negotiation", "1000", "2026-12-01")
    forecast = table(admin, "tblForecast")
    assert "Overdue: 1 open deal(s) expected to close before 2026-12-01" in forecast.note
    assert late in forecast.note and on_time not in forecast.note
