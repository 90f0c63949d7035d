"""Sales pipeline: stage probabilities, close dates, forecast, win rate, stage velocity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from cims_xl.domain.pipeline import (apply_opportunity_change, default_probability, stage_change,
                                     weighted_amount)
from cims_xl.reports.compute import PIPELINE, build_report

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 6, 30, 17, 0, tzinfo=UTC)      # 2024-07-01 01:00 in Shanghai


# ----- domain rules ----------------------------------------------------------------------

def test_each_stage_has_the_default_probability_from_the_product_notes():
    assert [default_probability(s) for s in ("Lead", "Qualified", "Needs analysis", "Proposal",
                                             "Negotiation", "Won", "Lost")] == [10, 20, 30, 50, 75, 100, 0]


def test_weighted_amount_is_amount_times_probability_and_stays_exact_for_decimals():
    assert weighted_amount(Decimal("1234.5678"), 75) == Decimal("925.92585")
    assert weighted_amount(2000.0, 60) == pytest.approx(1200.0)
    assert weighted_amount(None, 50) is None


def test_a_new_opportunity_gets_its_stage_default_probability():
    out = apply_opportunity_change(None, {"stage": "Proposal", "probability": None}, NOW)
    assert out == {"probability": 50, "probability_manual": False, "closed_at": None}


def test_a_stage_change_moves_the_probability_to_the_new_stage_default():
    before = {"stage": "Lead", "probability": 10, "probability_manual": False}
    out = apply_opportunity_change(before, {"stage": "Negotiation"}, NOW)
    assert out["probability"] == 75 and out["probability_manual"] is False


def test_a_probability_set_by_hand_survives_a_stage_change():
    before = {"stage": "Qualified", "probability": 20, "probability_manual": False}
    typed = apply_opportunity_change(before, {"probability": 35}, NOW)
    assert typed == {"probability": 35, "probability_manual": True, "closed_at": None}
    moved = apply_opportunity_change({**before, **typed}, {"stage": "Proposal"}, NOW)
    assert moved["probability"] == 35 and moved["probability_manual"] is True


def test_clearing_a_hand_set_probability_goes_back_to_the_stage_default():
    before = {"stage": "Proposal", "probability": 35, "probability_manual": True}
    assert apply_opportunity_change(before, {"probability": None}, NOW)["probability"] == 50


def test_typing_the_stage_default_is_not_a_hand_set_probability():
    out = apply_opportunity_change(None, {"stage": "Proposal", "probability": 50}, NOW)
    assert out["probability_manual"] is False


def test_winning_sets_100_percent_and_the_local_close_date():
    before = {"stage": "Negotiation", "probability": 60, "probability_manual": True}
    out = apply_opportunity_change(before, {"stage": "Won"}, NOW)
    # 17:00 UTC on June 30 is already July 1 in Shanghai
    assert out == {"probability": 100, "probability_manual": False, "closed_at": dt.date(2024, 7, 1)}


def test_reopening_a_lost_deal_clears_the_close_date():
    before = {"stage": "Lost", "probability": 0, "closed_at": dt.date(2024, 5, 1)}
    out = apply_opportunity_change(before, {"stage": "Proposal"}, NOW)
    assert out == {"probability": 50, "probability_manual": False, "closed_at": None}


def test_an_imported_close_date_is_kept():
    out = apply_opportunity_change(None, {"stage": "Won", "closed_at": dt.date(2020, 3, 4)}, NOW)
    assert out["closed_at"] == dt.date(2020, 3, 4)


def test_a_probability_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        apply_opportunity_change(None, {"stage": "Lead", "probability": 120}, NOW)


def test_stage_change_names_the_move_or_none():
    assert stage_change(None, {"stage": "Lead"}) == (None, "Lead")
    assert stage_change({"stage": "Lead"}, {"stage": "Proposal"}) == ("Lead", "Proposal")
    assert stage_change({"stage": "Lead"}, {"amount": 5}) is None


# ----- the pipeline report on a hand-built fixture --------------------------------------------

def _ts(text):
    return pd.Timestamp(text, tz="UTC")


def opportunity_frames() -> dict[str, pd.DataFrame]:
    rows = [
        # id, owner, source, stage, amount, probability, expected_close, closed_at, lost_reason, created_at (UTC)
        ("OP-000001", "ann", "Referral", "Proposal", 1000.0, 50, "2024-07-15", None, None, "2024-05-01T00:00"),
        ("OP-000002", "ann", "Website", "Negotiation", 2000.0, 60, "2024-07-20", None, None, "2024-05-02T00:00"),
        ("OP-000003", "bob", "Referral", "Lead", 500.0, 10, "2024-08-01", None, None, "2024-06-01T00:00"),
        # created 2024-04-30 16:30 UTC = 2024-05-01 00:30 local: 40 days to close, not 41
        ("OP-000004", "ann", "Referral", "Won", 3000.0, 100, "2024-06-01", "2024-06-10", None, "2024-04-30T16:30"),
        ("OP-000005", "bob", "Website", "Won", 1500.0, 100, "2024-06-30", "2024-06-20", None, "2024-06-01T00:00"),
        ("OP-000006", "bob", "Website", "Lost", 800.0, 0, "2024-06-30", "2024-06-25", "Price", "2024-06-05T00:00"),
        ("OP-000007", "ann", "Referral", "Lost", 400.0, 0, "2024-07-30", "2024-07-02", " Price ", "2024-06-05T00:00"),
        ("OP-000008", "bob", "Event", "Lost", 300.0, 0, "2024-06-30", "2024-06-15", "Timing", "2024-06-05T00:00"),
    ]
    opp = pd.DataFrame(rows, columns=["id", "owner", "source", "stage", "amount", "probability",
                                      "expected_close", "closed_at", "lost_reason", "created_at"])
    opp["expected_close"] = pd.to_datetime(opp["expected_close"])
    opp["closed_at"] = pd.to_datetime(opp["closed_at"])
    opp["created_at"] = pd.to_datetime(opp["created_at"], utc=True)
    opp["customer_id"] = "C-000001"
    history = pd.DataFrame([
        ("OP-000004", None, "Lead", _ts("2024-05-01")),
        ("OP-000004", "Lead", "Qualified", _ts("2024-05-03")),       # 2 days in Lead
        ("OP-000004", "Qualified", "Proposal", _ts("2024-05-08")),   # 5 days in Qualified
        ("OP-000004", "Proposal", "Won", _ts("2024-06-10")),         # 33 days in Proposal
        ("OP-000005", None, "Lead", _ts("2024-06-01")),
        ("OP-000005", "Lead", "Qualified", _ts("2024-06-05")),       # 4 days in Lead
        ("OP-000005", "Qualified", "Won", _ts("2024-06-20")),        # 15 days in Qualified
        # no creation row: the stay in Lead starts at the record's created_at (May 1)
        ("OP-000001", "Lead", "Proposal", _ts("2024-05-11")),        # 10 days in Lead
    ], columns=["opportunity_id", "from_stage", "to_stage", "changed_at"])
    history["changed_by"] = "ann"
    return {"opportunity": opp, "stage_history": history}


def pipeline(**kw):
    return build_report(PIPELINE, opportunity_frames(), include_personal=True, as_of=NOW, **kw)


def test_pipeline_by_stage_sums_amounts_and_weighted_amounts():
    t = pipeline().table("tblPipelineByStage")
    by = t.data.set_index("Stage")
    assert by.loc["Proposal", ["Opportunities", "Amount", "Weighted"]].tolist() == [1, 1000.0, 500.0]
    assert by.loc["Negotiation", "Weighted"] == 1200.0
    assert by.loc["Lead", "Weighted"] == 50.0
    assert by.loc["Lost", "Opportunities"] == 3
    # open pipeline: 1750 weighted of 3500
    assert t.totals["Probability"] == pytest.approx(0.5)
    assert t.chart.kind == "funnel"


def test_forecast_by_month_splits_won_open_weighted_and_best_case():
    df = pipeline().table("tblForecast").data
    rows = {r.Month.strftime("%Y-%m"): (r.Won, r.Open, r.Weighted, r.Expected, r._6)
            for r in df.itertuples()}
    assert rows == {
        "2024-06": (4500.0, 0.0, 0.0, 4500.0, 4500.0),
        "2024-07": (0.0, 3000.0, 1700.0, 1700.0, 3000.0),
        "2024-08": (0.0, 500.0, 50.0, 50.0, 500.0),
    }


def test_win_rate_and_days_to_close_by_owner_use_local_creation_dates():
    t = pipeline().table("tblWinRateByOwner")
    by = t.data.set_index("Owner")
    assert by.loc["ann", ["Won", "Lost", "Open"]].tolist() == [1, 1, 2]
    assert by.loc["ann", "Win Rate"] == pytest.approx(0.5)
    assert by.loc["bob", "Win Rate"] == pytest.approx(1 / 3)
    assert by.loc["ann", "Avg Days to Close"] == 40.0
    assert by.loc["bob", "Avg Days to Close"] == 19.0
    assert t.totals["Win Rate"] == pytest.approx(0.4)
    assert t.totals["Avg Days to Close"] == pytest.approx(29.5)


def test_win_rate_by_source():
    by = pipeline().table("tblWinRateBySource").data.set_index("Source")
    assert by["Win Rate"].round(4).to_dict() == {"Event": 0.0, "Referral": 0.5, "Website": 0.5}


def test_stage_velocity_averages_days_between_entering_and_leaving_a_stage():
    t = pipeline().table("tblStageVelocity")
    by = t.data.set_index("Stage")
    assert by.loc["Lead", "Moves Out"] == 3
    assert by.loc["Lead", "Avg Days"] == pytest.approx((2 + 4 + 10) / 3)
    assert by.loc["Lead", "Median Days"] == pytest.approx(4.0)
    assert by.loc["Qualified", "Avg Days"] == pytest.approx(10.0)
    assert by.loc["Proposal", "Avg Days"] == pytest.approx(33.0)
    assert by.loc["Negotiation", "Moves Out"] == 0 and pd.isna(by.loc["Negotiation", "Avg Days"])


def test_lost_reasons_are_counted_ignoring_surrounding_spaces():
    df = pipeline().table("tblLostReasons").data
    assert df[["Reason", "Lost", "Amount"]].values.tolist() == [["Price", 2, 1200.0], ["Timing", 1, 300.0]]
    assert df["Share"].round(4).tolist() == [0.6667, 0.3333]


def test_a_date_range_keeps_deals_closing_or_expected_in_it():
    rep = pipeline(date_from="2024-07-01", date_to="2024-07-31")
    by = rep.table("tblWinRateByOwner").data.set_index("Owner")
    assert by.loc["ann", ["Won", "Lost", "Open"]].tolist() == [0, 1, 2]
    assert "bob" not in by.index   # bob's only July-August deal is expected in August
    assert rep.table("tblForecast").data["Month"].dt.strftime("%Y-%m").tolist() == ["2024-07"]


def test_the_owner_filter_keeps_that_owners_deals():
    by = pipeline(owner="BOB").table("tblPipelineByStage").data.set_index("Stage")
    assert by["Opportunities"].sum() == 4
    assert by.loc["Lead", "Amount"] == 500.0


# ----- through the store -----------------------------------------------------------------------

def test_a_stage_change_through_the_service_records_history_and_moves_probability(admin):
    from cims_xl.services import records
    from cims_xl.services.frames import load_frame, stage_history_frame
    cust = records.create(admin, "customer", {"name": "Acme Ltd", "type": "Company"})
    opp = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Big deal",
                                                "stage": "Qualified", "amount": "5000"})
    assert opp["probability"] == 20
    moved = records.update(admin, opp["id"], {"stage": "Proposal"})
    assert moved["probability"] == 50
    history = stage_history_frame(admin)
    moves = list(zip(history["from_stage"].fillna("(created)"), history["to_stage"]))
    assert moves == [("(created)", "Qualified"), ("Qualified", "Proposal")]
    assert history["changed_by"].tolist() == ["admin", "admin"]
    frame = load_frame(admin, "opportunity")
    rep = build_report(PIPELINE, {"opportunity": frame, "stage_history": history}, include_personal=True)
    assert rep.table("tblPipelineByStage").data.set_index("Stage").loc["Proposal", "Weighted"] == 2500.0


def test_a_deal_created_already_won_closed_on_its_close_date_not_today():
    now = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.timezone.utc)
    won = apply_opportunity_change(None, {"stage": "Won", "expected_close": dt.date(2024, 3, 15)}, now)
    assert won["closed_at"] == dt.date(2024, 3, 15)
    # Without a past close date it closed on a day nobody recorded (empty, never today:
    # tests/test_deal_close_dates_never_invented.py); a deal won today in the workbook is today.
    assert apply_opportunity_change(None, {"stage": "Lost"}, now)["closed_at"] is None
    later = apply_opportunity_change(None, {"stage": "Won", "expected_close": dt.date(2027, 1, 1)}, now)
    assert later["closed_at"] is None
    moved = apply_opportunity_change({"stage": "Proposal", "expected_close": dt.date(2024, 3, 15)},
                                     {"stage": "Won"}, now)
    assert moved["closed_at"] == dt.date(2026, 11, 29)        # won now, in the workbook
