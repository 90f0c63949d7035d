"""A Probability column is read on the whole column (issue 14): every number from 0 to
1 means fractions of 1 (0.25 = 25 %); numbers above 1 mean percent points. A column
writing both ("0.25" beside "50") leaves the values that read both ways (above 0, up to
1) empty with a warning, the text kept on the record, and keeps the deal: one
unclear optional field never rejects a whole opportunity, nor is it stored as a guess
(not the stage's default either: what the warning says is what the store holds)."""

from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

HEAD = ["Opportunity", "Customer", "Stage", "Amount", "Probability", "Expected Close"]


def _deals(session) -> dict[str, dict]:
    return {o["name"]: o for o in records.list_records(session, "opportunity")}


def _file(tmp_path, probabilities, writer=write_csv):
    rows = [HEAD] + [[f"Deal {i}", f"Client {i}", "Negotiation", 1000 * i, p, f"2025-01-{i:02d}"]
                     for i, p in enumerate(probabilities, 1)]
    return writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), rows)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_column_mixing_fractions_and_points_keeps_every_deal_and_stores_no_guess(admin, tmp_path, writer):
    result = import_file(admin, _file(tmp_path, [0.25, 50, 1, 80, 0, None], writer), kind="opportunities")
    assert result.created == 6 and result.rejected == 0
    deals = _deals(admin)
    assert deals["Deal 2"]["probability"] == 50 and deals["Deal 4"]["probability"] == 80
    assert deals["Deal 5"]["probability"] == 0
    assert deals["Deal 6"]["probability"] == 75          # no cell: the stage's default, as for any deal
    for name, text in (("Deal 1", "0.25"), ("Deal 3", "1")):
        # not 25, 0 or 1 as read from the cell, and not the stage's default either: left
        # empty, as the warning says (README); the cell's text is kept in Next Step
        assert deals[name]["probability"] is None and not deals[name]["probability_manual"]
        assert f"Probability: {text}" in (deals[name]["next_step"] or "")
    warned = {o.row: o.warnings for o in result.outcomes if o.warnings}
    assert set(warned) == {2, 4}
    assert "could be 25 % or 0.25 %" in warned[2]["Probability"]
    said = [i for i in result.inferences if i["what"] == "percentages in 'Probability'"]
    assert said and "left empty" in said[0]["decided"]


def test_a_column_of_whole_percent_points_reads_one_as_one_percent(admin, tmp_path):
    result = import_file(admin, _file(tmp_path, [1, 50, 75]), kind="opportunities")
    assert result.warnings == 0
    assert [d["probability"] for d in sorted(_deals(admin).values(), key=lambda d: d["name"])] == [1, 50, 75]


def test_a_column_of_fractions_only_reads_them_as_shares_of_one(admin, tmp_path):
    import_file(admin, _file(tmp_path, ["0.25", "0.5", "1"]), kind="opportunities")
    assert [d["probability"] for d in sorted(_deals(admin).values(), key=lambda d: d["name"])] == [25, 50, 100]
