"""No report shows a negative duration, and none is clamped: the rows are left out and named."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cims_xl.domain.pipeline import DEFAULT_TZ
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import PIPELINE, SEGMENTS, SERVICE, build_report, rfm_segments
from cims_xl.services import records

UTC = dt.timezone.utc


def test_a_deal_created_already_won_in_the_past_has_no_negative_days_to_close(admin):
    cust = records.create(admin, "customer", {"name": "Late Entry Ltd"})
    today = dt.datetime.now(DEFAULT_TZ).date()     # a deal closes on the store's calendar day
    past = today - dt.timedelta(days=60)
    typed_late = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Old win",
                                                       "stage": "Won", "amount": "100",
                                                       "expected_close": past.isoformat(), "owner": "admin"})
    assert typed_late["closed_at"] == past
    # won now (moved from an open stage today): it closes today (a deal created already Won
    # without a close date has none: tests/test_deal_close_dates_never_invented.py)
    normal = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Today",
                                                   "stage": "Proposal", "amount": "50", "owner": "admin"})
    normal = records.update(admin, normal["id"], {"stage": "Won"})
    assert normal["closed_at"] == today
    t = build_for_session(admin)[PIPELINE].table("tblWinRateByOwner")
    days = t.data["Avg Days to Close"].dropna()
    assert len(days) and (days >= 0).all()
    assert t.totals["Avg Days to Close"] == 0.0
    assert typed_late["id"] in t.note and normal["id"] not in t.note
    assert t.data["Won"].sum() == 2          # still counted as won, only not timed


def _tickets(rows):
    base = {"customer_id": "C-000001", "subject": "s", "assignee": "amy", "priority": "P3",
            "first_response_due": pd.NaT, "resolution_due": pd.NaT, "pending_since": pd.NaT,
            "paused_seconds": 0.0, "closed_at": pd.NaT, "resolved_at": pd.NaT, "first_response_at": pd.NaT}
    df = pd.DataFrame([{**base, **r} for r in rows])
    for c in ("opened_at", "created_at", "first_response_at", "resolved_at", "closed_at",
              "first_response_due", "resolution_due", "pending_since"):
        df[c] = pd.to_datetime(df[c], utc=True)
    return df


def test_tickets_answered_before_opened_or_opened_in_the_future_are_listed_not_timed():
    as_of = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    tickets = _tickets([
        {"id": "T-000001", "status": "Resolved", "opened_at": "2024-05-01 09:00", "created_at": "2024-05-01 09:00",
         "first_response_at": "2024-05-01 10:00", "resolved_at": "2024-05-01 13:00"},
        {"id": "T-000002", "status": "Resolved", "opened_at": "2024-05-02 09:00", "created_at": "2024-05-02 09:00",
         "first_response_at": "2024-05-01 09:00", "resolved_at": "2024-05-01 10:00"},
        {"id": "T-000003", "status": "Open", "opened_at": "2024-07-01 09:00", "created_at": "2024-07-01 09:00"},
        {"id": "T-000004", "status": "Open", "opened_at": "2024-05-31 09:00", "created_at": "2024-05-31 09:00"},
    ])
    sheet = build_report(SERVICE, {"ticket": tickets}, include_personal=True, as_of=as_of, tz="UTC")
    by_priority = sheet.table("tblServiceByPriority")
    normal = by_priority.data.set_index("Priority").loc["P3"]
    assert normal["Median First Response (h)"] == 1.0 and normal["Median Resolution (h)"] == 4.0
    assert "T-000002" in by_priority.note and "T-000001" not in by_priority.note
    ages = sheet.table("tblOpenTicketsByAge")
    assert ages.data["Total"].sum() == 1 and "T-000003" in ages.note


def test_orders_dated_after_the_report_date_are_left_out_of_recency_and_listed():
    orders = pd.DataFrame({
        "id": ["O-000001", "O-000002", "O-000003"], "order_number": ["A", "B", "C"],
        "customer_id": ["C-000001", "C-000002", "C-000003"],
        "order_date": pd.to_datetime(["2024-01-10", "2024-02-10", "2099-01-01"]),
        "amount": [10.0, 20.0, 30.0], "status": "Completed",
    })
    rfm = rfm_segments(orders, None, dt.date(2024, 3, 1))
    assert (rfm["recency_days"].dropna() >= 0).all()
    assert rfm.attrs["future_orders"] == ["O-000003"]
    assert "C-000003" not in set(rfm["customer_id"])
    sheet = build_report(SEGMENTS, {"order": orders}, include_personal=True,
                         as_of=dt.datetime(2024, 3, 1, tzinfo=UTC), tz="UTC")
    t = sheet.table("tblRfmSegments")
    assert "O-000003" in t.note and (t.data["Avg Recency Days"].dropna() >= 0).all()


def test_a_stage_left_before_it_was_entered_is_left_out_of_stage_velocity():
    created = pd.Timestamp("2024-01-10", tz="UTC")
    opp = pd.DataFrame({"id": ["OP-000001", "OP-000002"], "customer_id": ["C-000001"] * 2,
                        "stage": ["Proposal", "Proposal"], "amount": [1.0, 1.0], "created_at": [created] * 2})
    hist = pd.DataFrame({
        "opportunity_id": ["OP-000001", "OP-000002"], "from_stage": ["Lead", "Lead"],
        "to_stage": ["Proposal", "Proposal"],
        "changed_at": pd.to_datetime(["2024-01-15", "2024-01-05"], utc=True), "changed_by": ["a", "a"],
    })
    sheet = build_report(PIPELINE, {"opportunity": opp, "stage_history": hist}, include_personal=True,
                         as_of=dt.datetime(2024, 3, 1, tzinfo=UTC), tz="UTC")
    t = sheet.table("tblStageVelocity")
    lead = t.data.set_index("Stage").loc["Lead"]
    assert lead["Moves Out"] == 1 and lead["Avg Days"] == 5.0
    assert "OP-000002" in t.note and not np.isnan(lead["Avg Days"])
