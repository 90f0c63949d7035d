"""`cims import --kind` takes the words people use for a kind: "deals" (a CRM's usual word
for opportunities) and the singulars; anything else is refused naming the kinds."""

from __future__ import annotations

import pytest

from cims_xl.services import records


@pytest.mark.parametrize("kind", ["deals", "Deal", "opportunity", "opportunities"])
def test_deals_and_singulars_import_as_opportunities(run, admin, tmp_path, kind):
    customer = records.create(admin, "customer", {"name": "Acme Trading Ltd"})["id"]
    f = tmp_path / "deals.csv"
    f.write_text(f"Customer ID,Deal Name,Amount,Currency,Stage\n{customer},Renewal 2027,1200,CNY,Proposal\n",
                 encoding="utf-8")
    code, out, err = run("import", str(f), "--kind", kind)
    assert code == 0, err
    deals = records.list_records(admin, "opportunity")
    assert [(d["customer_id"], d["name"], str(d["amount"])) for d in deals] == [(customer, "Renewal 2027", "1200")]


def test_a_kind_that_is_none_is_refused_naming_the_kinds(run, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("Name\nAnn\n", encoding="utf-8")
    code, out, err = run("import", str(f), "--kind", "leads")
    assert code != 0 and "opportunities" in err and "customers" in err
