"""A stage's Probability in "Pipeline by stage" is computed as its total is: Weighted ÷
Amount. Found by a fresh tester (stop 26): Proposal showed 9,350.01 at 41.5 % (the plain
mean of 40 % and 43 %) beside a Weighted of 3,750.50 that is 40.1 % of it, while the total
row divided weighted by amount; a deal whose probability is unknown (an import that could
not read it) is in neither the weighted sum nor the amount it is divided by."""

from __future__ import annotations

import pandas as pd
import pytest

from cims_xl.reports.compute import PIPELINE, build_report

from test_pipeline import NOW, opportunity_frames


def _frames(extra):
    frames = opportunity_frames()
    opp = frames["opportunity"]
    rows = pd.DataFrame(extra, columns=["id", "owner", "source", "stage", "amount", "probability",
                                        "expected_close", "closed_at", "lost_reason", "created_at"])
    rows["expected_close"] = pd.to_datetime(rows["expected_close"])
    rows["closed_at"] = pd.to_datetime(rows["closed_at"])
    rows["created_at"] = pd.to_datetime(rows["created_at"], utc=True)
    rows["customer_id"] = "C-000001"
    frames["opportunity"] = pd.concat([opp[opp["stage"] != "Proposal"], rows], ignore_index=True)
    return frames


def test_a_stages_probability_is_its_weighted_amount_over_its_amount():
    frames = _frames([
        ("OP-000101", "ann", "Referral", "Proposal", 9000.0, 40, "2024-07-15", None, None, "2024-05-01T00:00"),
        ("OP-000102", "ann", "Referral", "Proposal", 350.01, 43, "2024-07-16", None, None, "2024-05-01T00:00"),
    ])
    t = build_report(PIPELINE, frames, include_personal=True, as_of=NOW).table("tblPipelineByStage")
    row = t.data.set_index("Stage").loc["Proposal"]
    assert float(row["Weighted"]) == pytest.approx(3750.5043)
    assert row["Probability"] == pytest.approx(3750.5043 / 9350.01)          # 40.1 %, not 41.5 %
    assert "Weighted ÷ Amount" in t.note


def test_a_deal_with_no_probability_is_left_out_of_both_sides_of_the_ratio():
    frames = _frames([
        ("OP-000101", "ann", "Referral", "Proposal", 1000.0, 50, "2024-07-15", None, None, "2024-05-01T00:00"),
        ("OP-000102", "ann", "Referral", "Proposal", 9000.0, None, "2024-07-16", None, None, "2024-05-01T00:00"),
    ])
    t = build_report(PIPELINE, frames, include_personal=True, as_of=NOW).table("tblPipelineByStage")
    row = t.data.set_index("Stage").loc["Proposal"]
    assert float(row["Amount"]) == pytest.approx(10000.0) and float(row["Weighted"]) == pytest.approx(500.0)
    assert row["Probability"] == pytest.approx(0.5)
    # the open stages' total: Negotiation 2000 @60, Lead 500 @10, Proposal 1000 @50 (9000 unknown)
    assert t.totals["Probability"] == pytest.approx((1200 + 50 + 500) / 3500)
