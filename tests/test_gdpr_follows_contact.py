"""`gdpr export` and `gdpr erase` of a customer follow Contact ID as well as Customer
ID: records of other customers that name the customer's contact (stored before every
write path refused that) are exported and erased with it, each export names the records
whose customer and contact disagree, and `cims audit contacts` lists them all for an
administrator. Real encrypted stores in tmp_path."""

from __future__ import annotations

import json

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.services import gdpr, records


@pytest.fixture
def mixed(admin, monkeypatch):
    """C3's contact 袁洋 named by an interaction of C1 and a ticket of C2, as an older
    version stored them (planted past today's check)."""
    c1 = records.create(admin, "customer", {"name": "Lina Kunde"})["id"]
    c2 = records.create(admin, "customer", {"name": "Zweiter Kunde"})["id"]
    c3 = records.create(admin, "customer", {"name": "Tom Kunde"})["id"]
    p3 = records.create(admin, "contact", {"customer_id": c3, "name": "袁洋", "email": "yuan.yang@example.cn"})["id"]
    own = records.create(admin, "interaction", {"customer_id": c3, "contact_id": p3, "kind": "Call",
                                                "notes": "own call"})["id"]
    with monkeypatch.context() as m:
        m.setattr(records, "_check_contacts", lambda *a, **k: None, raising=False)
        i = records.create(admin, "interaction", {"customer_id": c1, "contact_id": p3, "kind": "Call",
                                                  "notes": "Call with 袁洋 about renewal"})["id"]
        t = records.create(admin, "ticket", {"customer_id": c2, "contact_id": p3, "subject": "袁洋 printer broken",
                                             "description": "ring yuan.yang@example.cn"})["id"]
    return {"c1": c1, "c2": c2, "c3": c3, "p3": p3, "i": i, "t": t, "own": own}


def test_the_export_of_the_contacts_customer_holds_the_records_of_other_customers_naming_her(admin, mixed, tmp_path):
    out = tmp_path / "g3.json"
    gdpr.export_customer(admin, mixed["c3"], out)
    doc = json.loads(out.read_text("utf-8"))
    assert sorted(r["id"] for r in doc["interactions"]) == sorted([mixed["own"], mixed["i"]])
    assert [r["id"] for r in doc["tickets"]] == [mixed["t"]]
    assert "Call with 袁洋 about renewal" in out.read_text("utf-8")
    assert mixed["i"] in doc["history"] and mixed["t"] in doc["history"]
    assert doc["records_naming_another_customer"] == [
        {"record": mixed["i"], "customer_id": mixed["c1"], "contact_id": mixed["p3"], "contact_of": mixed["c3"]},
        {"record": mixed["t"], "customer_id": mixed["c2"], "contact_id": mixed["p3"], "contact_of": mixed["c3"]}]


def test_the_export_of_the_other_customer_names_the_record_that_holds_another_customers_person(admin, mixed):
    doc = gdpr.export_customer(admin, mixed["c1"])
    assert doc["records_naming_another_customer"] == [
        {"record": mixed["i"], "customer_id": mixed["c1"], "contact_id": mixed["p3"], "contact_of": mixed["c3"]}]
    assert [r["record"] for r in gdpr.export_customer(admin, mixed["c2"])["records_naming_another_customer"]] \
        == [mixed["t"]]


def test_erasing_the_contacts_customer_erases_the_records_of_other_customers_that_name_her(admin, mixed):
    gdpr.erase_customer(admin, mixed["c3"])
    i, t = records.get(admin, mixed["i"]), records.get(admin, mixed["t"])
    assert i["notes"] is None and t["description"] is None
    assert "袁洋" not in (t["subject"] or "")
    assert records.get(admin, mixed["c1"])["name"] == "Lina Kunde"     # the other customers stay


def test_audit_contacts_lists_every_record_whose_contact_is_another_customers_for_admins_only(
        admin, mixed, session_as, run):
    assert [r["id"] for r in records.contacts_of_other_customers(admin)] == [mixed["i"], mixed["t"]]
    with pytest.raises(PermissionDenied):
        records.contacts_of_other_customers(session_as("manager", "mei"))
    code, out, err = run("--format", "json", "audit", "contacts")
    assert code == 0
    assert json.loads(out) == [
        {"id": mixed["i"], "customer_id": mixed["c1"], "contact_id": mixed["p3"], "contact_of": mixed["c3"],
         "deleted": False},
        {"id": mixed["t"], "customer_id": mixed["c2"], "contact_id": mixed["p3"], "contact_of": mixed["c3"],
         "deleted": False}]
    # put right by clearing the contact: the list is empty
    records.update(admin, mixed["i"], {"contact_id": None})
    records.update(admin, mixed["t"], {"contact_id": None})
    assert records.contacts_of_other_customers(admin) == []


def test_the_cli_export_tells_the_administrator_to_review_records_that_name_another_customers_contact(
        mixed, run, tmp_path):
    code, out, err = run("gdpr", "export", mixed["c1"], "--out", str(tmp_path / "g1.json"))
    assert code == 0
    assert f"review before sending: 1 exported record(s) belong to one customer and name a contact of another " \
           f"({mixed['i']})" in " ".join((out + err).split())
