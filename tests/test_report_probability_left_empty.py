"""An imported Probability the import cannot read ("0.5" in a column writing both shares
of 1 and percent points) is what its warning says: left empty, not the stage's default
(README: "left empty … never set to the default"). The forecast counts such a deal as of
unknown probability: in Open and Best Case, not in Weighted or Expected, and every
figure that leaves it out says so (the report's notes, CIMS_PIPELINE's last row)."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.importer.run import import_file
from cims_xl.reports import build_for_session
from cims_xl.services import records

from table_files import write_csv, write_xlsx

HEAD = ["Opportunity", "Customer", "Stage", "Amount", "Probability", "Expected Close"]


def _deals(session) -> dict[str, dict]:
    return {o["name"]: o for o in records.list_records(session, "opportunity")}


def _import(admin, tmp_path, writer, probabilities):
    rows = [HEAD] + [[f"Deal {i}", f"Client {i}", "Negotiation", 1000, p, "2026-12-31"]
                     for i, p in enumerate(probabilities, 1)]
    path = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), rows)
    return import_file(admin, path, kind="opportunities")


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("unclear", ["0.5", "1", "0.05"])
def test_an_unreadable_probability_is_stored_empty_as_its_warning_says(admin, tmp_path, writer, unclear):
    result = _import(admin, tmp_path, writer, ["40%", 60, unclear, "0.25"])
    deals = _deals(admin)
    warned = {o.row: o.warnings for o in result.outcomes if o.warnings}
    assert set(warned) == {4, 5} and all("left empty" in w["Probability"] for w in warned.values()), warned
    for name, text in (("Deal 3", unclear), ("Deal 4", "0.25")):
        assert deals[name]["probability"] is None and deals[name]["probability_manual"] is False
        assert f"Probability: {text}" in deals[name]["next_step"]
    assert (deals["Deal 1"]["probability"], deals["Deal 2"]["probability"]) == (40, 60)


def test_the_forecast_leaves_an_unknown_probability_out_of_weighted_and_says_so(admin, tmp_path):
    _import(admin, tmp_path, write_csv, ["40%", 60, "0.5", "0.25"])
    unknown = [_deals(admin)[name]["id"] for name in ("Deal 3", "Deal 4")]
    rep = build_for_session(admin)["Report - Pipeline"]
    forecast = rep.table("tblForecast")
    assert forecast.data["Open"].sum() == 4000.0 and forecast.data["Weighted"].sum() == 1000.0
    assert all(rid in forecast.note for rid in unknown) and "not in Weighted" in forecast.note
    stages = rep.table("tblPipelineByStage")
    assert stages.data.set_index("Stage").loc["Negotiation", "Weighted"] == 1000.0
    assert all(rid in stages.note for rid in unknown)
    table = wf.cims_pipeline(session=admin)
    assert table[1][1:] == [4000.0, 1000.0]
    assert table[-1][0].startswith("Not weighted: 2 deal(s) with no probability") and unknown[0] in table[-1][0]


def test_an_edit_keeps_it_empty_until_a_probability_is_typed_or_the_stage_moves(admin, tmp_path):
    _import(admin, tmp_path, write_csv, ["40%", 60, "0.5", "0.25"])
    rid = _deals(admin)["Deal 3"]["id"]
    assert records.update(admin, rid, {"next_step": "Call back"})["probability"] is None
    assert records.get(admin, rid)["probability"] is None
    assert records.update(admin, rid, {"stage": "Proposal"})["probability"] == 50
    assert records.update(admin, rid, {"probability": "65"})["probability"] == 65
