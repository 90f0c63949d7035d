"""A contact person can be erased (and exported) on their own: GDPR Art. 17 applies to
every data subject, not only to customers. `gdpr erase P-…` erases their contact record
(name the marker, email, numbers, notes) and its audit values, masks them in the
interactions and tickets that name them (the facts kept) and in every other record's
prose, puts their email and numbers on the erased list, reaches the backups, and leaves
their customer and its other contacts alone. Administrators only. An id of a record that
is not a person says what can be erased. Real encrypted stores and backups in tmp_path."""

from __future__ import annotations

import json

import openpyxl
import pytest

from cims_xl.errors import NotFound, PermissionDenied, ValidationFailed
from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.services import audit_log, auth, backup, gdpr, records
from conftest import ADMIN_PASSWORD

PEOPLE = {
    "latin": {"name": "Anna Kovács", "email": "anna.kovacs@acme.example", "mobile": "+36 30 123 4567",
              "short": "Anna", "written": "+36 30 123 4567"},
    "chinese": {"name": "袁洋", "email": "yuan.yang@hengtong.cn", "mobile": "+86 139 1234 5678",
                "short": "袁洋", "written": "139-1234-5678"},
    "arabic": {"name": "ليلى حسن", "email": "layla@example.ae", "mobile": "+971 50 123 4567",
               "short": "ليلى حسن", "written": "050 123 4567"},
}


@pytest.fixture(params=sorted(PEOPLE))
def company(request, admin):
    who = PEOPLE[request.param]
    c = records.create(admin, "customer", {"name": "ACME Trading Ltd", "type": "Company",
                                           "notes": f"main contact {who['name']} ({who['email']})"})["id"]
    p = records.create(admin, "contact", {"customer_id": c, "name": who["name"], "email": who["email"],
                                          "mobile": who["mobile"], "title": "Buyer",
                                          "notes": "prefers mornings"})["id"]
    other = records.create(admin, "contact", {"customer_id": c, "name": "Bob Stone",
                                              "email": "bob@acme.example"})["id"]
    call = records.create(admin, "interaction", {"customer_id": c, "contact_id": p, "kind": "Call",
                                                 "occurred_at": "2026-03-02 10:00",
                                                 "subject": f"Call with {who['short']} about renewal",
                                                 "notes": f"asked to ring back on {who['written']}"})["id"]
    ticket = records.create(admin, "ticket", {"customer_id": c, "contact_id": p, "subject": "Printer broken",
                                              "description": f"{who['name']} reports a jam"})["id"]
    bobs = records.create(admin, "interaction", {"customer_id": c, "contact_id": other, "kind": "Email",
                                                 "subject": "Invoice question", "notes": "Bob asked"})["id"]
    return {"who": who, "c": c, "p": p, "other": other, "call": call, "ticket": ticket, "bobs": bobs}


def _everything(store_path) -> str:
    """Every live and deleted record and the audit trail's values, as a fresh session reads them."""
    fresh = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        rows = [records.list_records(fresh, kind, include_deleted=True)
                for kind in ("customer", "contact", "interaction", "ticket")]
        trail = [records.history(fresh, r["id"]) for group in rows for r in group]
        return json.dumps([rows, trail], ensure_ascii=False, default=str)
    finally:
        fresh.close()


def test_erasing_a_contact_person_erases_them_alone_everywhere_the_store_keeps_them(admin, store_path, company,
                                                                                   session_as):
    who = company["who"]
    for role in ("manager", "sales", "support", "viewer"):      # administrators only
        with pytest.raises(PermissionDenied):
            gdpr.erase_customer(session_as(role), company["p"])
    assert records.get(admin, company["p"])["name"] == who["name"]
    result = gdpr.erase_customer(admin, company["p"])
    assert result["contact"] == company["p"] and result["contact_of"] == company["c"]
    text = _everything(store_path)
    digits = "".join(ch for ch in who["mobile"] if ch.isdigit())
    for value in (who["name"], who["email"], digits, who["written"], "prefers mornings"):
        assert value not in text, value
    contact = records.get(admin, company["p"])
    assert (contact["name"], contact["email"], contact["mobile"], contact["notes"]) == ("[erased]", None, None, None)
    # the interactions and tickets naming them keep their facts, the person masked
    call = records.get(admin, company["call"])
    assert (call["kind"], call["contact_id"], call["customer_id"]) == ("Call", company["p"], company["c"])
    assert call["occurred_at"] is not None and call["subject"] == "Call with [erased] about renewal"
    assert call["notes"] == "asked to ring back on [erased]"
    ticket = records.get(admin, company["ticket"])
    assert ticket["subject"] == "Printer broken" and ticket["description"] == "[erased] reports a jam"
    # the customer, its other contact and their records stay
    customer = records.get(admin, company["c"])
    assert customer["name"] == "ACME Trading Ltd" and customer["notes"] == "main contact [erased] ([erased])"
    assert records.get(admin, company["other"])["email"] == "bob@acme.example"
    assert records.get(admin, company["bobs"])["notes"] == "Bob asked"
    assert audit_log.verify(admin).ok
    # their email is on the erased list: not added again as a contact or a customer
    with pytest.raises(ValidationFailed):
        records.create(admin, "contact", {"customer_id": company["c"], "name": "Someone", "email": who["email"]})
    with pytest.raises(ValidationFailed):
        records.create_customer(admin, {"name": "Someone", "email": who["email"]})


def test_the_contacts_own_audit_entries_hold_no_values_after_the_erase(admin, company):
    gdpr.erase_customer(admin, company["p"])
    entries = records.history(admin, company["p"])
    assert [h["action"] for h in entries] == ["create", "erase", "gdpr.erase"]
    created = entries[0]["changes"]
    assert created["email"][1] != company["who"]["email"] and created["name"][1] != company["who"]["name"]
    assert created["title"] == [None, "Buyer"]


def test_a_backup_made_before_the_erase_is_erased_too(admin, store_path, company):
    made = backup.backup(admin)
    result = gdpr.erase_customer(admin, company["p"])
    assert result["copies_erased"] == [made.name]
    admin.close()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    backup.restore(session, made, ADMIN_PASSWORD)
    restored = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert records.get(restored, company["p"])["name"] == "[erased]"
        assert records.get(restored, company["call"])["subject"] == "Call with [erased] about renewal"
        assert audit_log.verify(restored).ok
    finally:
        restored.close()
        session.close()


def test_the_export_of_a_contact_person_holds_their_record_the_records_naming_them_and_history(
        admin, company, tmp_path, session_as):
    out = tmp_path / "p.json"
    doc = gdpr.export_contact(admin, company["p"], out)
    assert json.loads(out.read_text("utf-8")) == doc
    assert doc["contact"]["email"] == company["who"]["email"]
    assert [r["id"] for r in doc["interactions"]] == [company["call"]]
    assert [r["id"] for r in doc["tickets"]] == [company["ticket"]]
    assert set(doc["history"]) == {company["p"], company["call"], company["ticket"]}
    book_path = tmp_path / "p.xlsx"
    gdpr.export_contact(admin, company["p"], book_path, write_xlsx=write_rows_xlsx)
    book = openpyxl.load_workbook(book_path)
    header = [c.value for c in book["Contact"][1]]
    row = dict(zip(header, [c.value for c in book["Contact"][2]]))
    assert (row["id"], row["name"], row["email"]) == (company["p"], company["who"]["name"], company["who"]["email"])
    assert book["Interactions"].max_row == 2 and book["Tickets"].max_row == 2
    for role in ("sales", "viewer"):        # no export for these roles, as for a customer
        with pytest.raises(PermissionDenied):
            gdpr.export_contact(session_as(role), company["p"])


def test_the_cli_erases_and_exports_a_contact_person_and_names_what_else_can_be_erased(run, tmp_path):
    assert run("customer", "add", "--name", "ACME Trading Ltd", "--type", "Company")[0] == 0
    assert run("contact", "add", "--customer-id", "C-000001", "--name", "Anna Kovács",
               "--email", "anna.kovacs@acme.example")[0] == 0
    assert run("order", "add", "--customer-id", "C-000001", "--order-date", "2026-03-01", "--amount", "10")[0] == 0
    path = tmp_path / "anna.json"
    code, out, err = run("gdpr", "export", "P-000001", "--out", str(path))
    assert code == 0, err
    assert json.loads(path.read_text("utf-8"))["contact"]["name"] == "Anna Kovács"
    code, out, err = run("--format", "json", "gdpr", "erase", "P-000001", "--yes")
    assert code == 0, err
    result = json.loads(out)
    assert result["contact"] == "P-000001" and result["contact_of"] == "C-000001"
    assert any(str(path) in line for line in result["exports_not_reached"])
    code, out, err = run("--format", "json", "contact", "show", "P-000001")
    assert json.loads(out)["name"] == "[erased]"
    assert json.loads(run("--format", "json", "customer", "show", "C-000001")[1])["name"] == "ACME Trading Ltd"
    code, out, err = run("gdpr", "erase", "O-000001", "--yes")
    assert code != 0
    assert "O-000001 is an order, not a person" in err and "P-" in err
    code, out, err = run("gdpr", "erase", "P-000009", "--yes")
    assert code != 0 and "no contact P-000009" in err


def test_erasing_an_unknown_contact_says_no_contact(admin):
    with pytest.raises(NotFound) as err:
        gdpr.erase_customer(admin, "P-000042")
    assert err.value.message == "no contact P-000042"
