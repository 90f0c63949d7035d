"""A value a person types that a rule of cims would replace is refused with a message
naming the rule (or accepted when it equals the rule's value), never replaced without a
word: a probability typed with a Won or Lost stage. Real encrypted stores in tmp_path;
the CLI, the Python API and a workbook Save (real file)."""

from __future__ import annotations

import json

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of, table_rows


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Li Lei", "email": "li@example.cn"})["id"]


CASES = [("Won", 20, 100), ("Won", 0, 100), ("Won", 99, 100), ("Lost", 80, 0), ("Lost", 100, 0), ("Lost", 1, 0)]


@pytest.mark.parametrize("stage, typed, rule", CASES)
def test_opportunity_add_with_a_closed_stage_and_another_probability_is_refused_naming_the_rule(
        run, customer, admin, stage, typed, rule):
    code, out, err = run("--format", "json", "opportunity", "add", "--customer-id", customer, "--name", "Deal",
                         "--stage", stage, "--probability", str(typed))
    assert code != 0
    assert "Probability" in err and f"{stage} deal's probability is {rule}" in err and str(typed) in err
    assert records.list_records(admin, "opportunity") == []


@pytest.mark.parametrize("stage, rule", [("Won", 100), ("Lost", 0)])
def test_the_rules_own_value_typed_with_a_closed_stage_is_accepted_and_a_refused_edit_changes_nothing(
        run, customer, admin, stage, rule):
    code, out, err = run("--format", "json", "opportunity", "add", "--customer-id", customer, "--name", "Deal",
                         "--stage", stage, "--probability", str(rule))
    assert code == 0, err
    oid = json.loads(out)["id"]
    assert records.get(admin, oid)["probability"] == rule
    with pytest.raises(ValidationFailed) as exc:
        records.update(admin, oid, {"probability": 50})
    assert "Won is 100, Lost is 0" in exc.value.problems["Probability %"]
    assert records.get(admin, oid)["probability"] == rule


def test_moving_an_open_deal_to_won_with_another_probability_typed_is_refused(admin, customer):
    oid = records.create(admin, "opportunity", {"customer_id": customer, "name": "Deal", "stage": "Proposal"})["id"]
    with pytest.raises(ValidationFailed) as exc:
        records.update(admin, oid, {"stage": "Won", "probability": 60})
    assert "Won deal's probability is 100" in exc.value.problems["Probability %"]
    stored = records.get(admin, oid)
    assert stored["stage"] == "Proposal" and stored["probability"] == 50


def test_a_sheet_row_won_with_another_probability_is_invalid_and_a_stage_change_alone_saves(admin, customer,
                                                                                            tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    oid = records.create(admin, "opportunity", {"customer_id": customer, "name": "Deal", "stage": "Negotiation",
                                                "probability": 60})["id"]
    sync.sync_file(admin, book, "refresh", sheets=["Opportunities"])
    with Editor(book, "Opportunities") as ed:
        ed.add_row({"Customer ID": customer, "Opportunity": "New one", "Stage": "Lost", "Probability %": 30})
    counts = sync.sync_file(admin, book, "save", sheets=["Opportunities"])["sheets"]["Opportunities"]
    assert counts["created"] == 0 and counts["invalid"] == 1
    new_row = [r for r in table_rows(book, "Opportunities") if r["_key"] != oid][0]
    assert "Lost deal's probability is 0" in new_row["Status"]
    # the stage changed alone (the old 60 left in its cell): Won's 100, as the rule says
    with Editor(book, "Opportunities") as ed:
        ed.set(oid, "Stage", "Won")
    sync.sync_file(admin, book, "save", sheets=["Opportunities"])
    assert records.get(admin, oid)["probability"] == 100
    assert row_of(book, oid, "Opportunities")["Probability %"] == 100


@pytest.mark.parametrize("stage, given", [("Won", 90), ("Lost", 15)])
def test_an_imported_closed_deal_with_another_probability_is_rejected_naming_the_rule(run, admin, customer,
                                                                                      tmp_path, stage, given):
    path = tmp_path / "deals.csv"
    path.write_text(f"Customer,Opportunity,Stage,Probability,Amount\nLi Lei,Big one,{stage},{given},1000\n"
                    "Li Lei,Open one,Proposal,40,500\n", encoding="utf-8")
    code, out, err = run("import", str(path), "--kind", "opportunities")
    assert f"{stage} deal's probability is" in out + err and "Won is 100, Lost is 0" in out + err
    stored = records.list_records(admin, "opportunity")
    assert [(o["name"], o["probability"]) for o in stored] == [("Open one", 40)]
