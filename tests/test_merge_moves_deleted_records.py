"""`cims customer merge` moves everything of the retired customer to the kept one,
soft-deleted records too (contacts, interactions, orders, opportunities, tickets), each
move audited as a merge: nothing stays with a retired customer, so a restore brings a
deleted record back under the kept customer, the kept customer's GDPR export and erase
find it, `audit verify` passes and `cims audit contacts` (deleted records included) is
clean. A contact with the email of one of the kept customer's contacts moves too: both
are kept and the merge names them. The product has no undo of a merge (only of an
import). Real encrypted stores in tmp_path, through the service and the CLI."""

from __future__ import annotations

import json

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.services import audit_log, auth, gdpr, merge, records

from conftest import ADMIN_PASSWORD

KINDS = ("contact", "interaction", "order", "opportunity", "ticket")

# People in other scripts and shapes: (customer name, contact name, email)
PEOPLE = [
    ("Berg Maschinenbau GmbH", "Anna Berg", "anna.berg@example.de"),
    ("上海明华贸易有限公司", "王芳", "wang.fang@example.cn"),
    ("Núñez y Asociados SL", "José Núñez", "jose.nunez@ejemplo.es"),
    ("ООО Ромашка", "Ольга Иванова", "olga@example.ru"),
]


def stored(store_path, rid: str) -> dict:
    """The record as a fresh session reads it back from the encrypted store."""
    s = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return records.get(s, rid, include_deleted=True)
    finally:
        s.close()


def values_for(kind: str, cid: str, contact: str | None, text: str) -> dict:
    return {"contact": {"customer_id": cid, "name": text},
            "interaction": {"customer_id": cid, "contact_id": contact, "kind": "Call", "subject": text},
            "order": {"customer_id": cid, "order_date": "2024-03-05", "amount": "120.50", "product": text},
            "opportunity": {"customer_id": cid, "name": text},
            "ticket": {"customer_id": cid, "contact_id": contact, "subject": text, "priority": "P2"}}[kind]


def two_customers(admin, person):
    company, name, email = person
    keep = records.create(admin, "customer", {"name": company, "type": "Company"})["id"]
    drop = records.create(admin, "customer", {"name": company + " (dup)", "type": "Company"})["id"]
    return keep, drop, name, email


def every_kind_live_and_deleted(admin, cid: str, name: str, email: str) -> dict[str, dict[str, str]]:
    """{kind: {"live": id, "deleted": id}} under `cid`: every kind, one kept, one deleted;
    the contacts named by the interactions and tickets are the customer's own."""
    p_live = records.create(admin, "contact", {"customer_id": cid, "name": name, "email": email})["id"]
    p_gone = records.create(admin, "contact", {"customer_id": cid, "name": name + " II"})["id"]
    made = {"contact": {"live": p_live, "deleted": p_gone}}
    for kind in KINDS[1:]:
        made[kind] = {"live": records.create(admin, kind, values_for(kind, cid, p_live, f"{name} 1"))["id"],
                      "deleted": records.create(admin, kind, values_for(kind, cid, p_gone, f"{name} 2"))["id"]}
    for kind in KINDS:
        records.delete(admin, made[kind]["deleted"])
    return made


@pytest.mark.parametrize("person", PEOPLE, ids=[p[1] for p in PEOPLE])
def test_every_record_of_the_retired_customer_moves_to_the_kept_one_deleted_ones_too(admin, store_path, person):
    keep, drop, name, email = two_customers(admin, person)
    other = records.create(admin, "customer", {"name": "Unrelated Ltd", "type": "Company"})["id"]
    made = every_kind_live_and_deleted(admin, drop, name, email)
    theirs = every_kind_live_and_deleted(admin, other, "Someone Else", "else@example.org")
    before = {rid: stored(store_path, rid)["version"] for k in KINDS for rid in made[k].values()}

    result = merge.merge_customers(admin, keep, drop)

    assert result["moved"] == 10 and result["moved_deleted"] == 5
    for kind in KINDS:
        for state, rid in made[kind].items():
            rec = stored(store_path, rid)
            assert rec["customer_id"] == keep, (kind, state)
            assert (rec["deleted_at"] is not None) == (state == "deleted"), (kind, state)   # still deleted
            assert rec["version"] == before[rid] + 1
            last = records.history(admin, rid)[-1]
            assert last["action"] == "merge" and last["changes"] == {"customer_id": [drop, keep]}
        for rid in theirs[kind].values():
            assert stored(store_path, rid)["customer_id"] == other
    assert audit_log.verify(admin).problems == []
    assert records.contacts_of_other_customers(admin) == []


def test_a_live_record_naming_a_deleted_contact_moves_with_it_instead_of_stopping_the_merge(admin, store_path):
    keep, drop, name, email = two_customers(admin, PEOPLE[2])
    p = records.create(admin, "contact", {"customer_id": drop, "name": name, "email": email})["id"]
    i = records.create(admin, "interaction", {"customer_id": drop, "contact_id": p, "kind": "Email",
                                              "subject": "Hola"})["id"]
    t = records.create(admin, "ticket", {"customer_id": drop, "contact_id": p, "subject": "Factura"})["id"]
    records.delete(admin, p)
    records.delete(admin, t)

    merge.merge_customers(admin, keep, drop)

    assert [stored(store_path, r)["customer_id"] for r in (p, i, t)] == [keep, keep, keep]
    assert stored(store_path, i)["contact_id"] == p
    assert records.contacts_of_other_customers(admin) == []
    assert audit_log.verify(admin).problems == []


@pytest.mark.parametrize("person", PEOPLE, ids=[p[1] for p in PEOPLE])
def test_a_deleted_contact_and_ticket_restored_after_the_merge_come_back_under_the_kept_customer(
        admin, store_path, person):
    keep, drop, name, email = two_customers(admin, person)
    made = every_kind_live_and_deleted(admin, drop, name, email)
    merge.merge_customers(admin, keep, drop)
    for kind in KINDS:
        records.restore(admin, made[kind]["deleted"])
        rec = stored(store_path, made[kind]["deleted"])
        assert rec["deleted_at"] is None and rec["customer_id"] == keep
    assert records.contacts_of_other_customers(admin) == []
    assert audit_log.verify(admin).problems == []


def test_the_gdpr_export_of_the_kept_customer_holds_the_moved_deleted_records_with_their_merge(
        admin, store_path, run, tmp_path):
    keep, drop, name, email = two_customers(admin, PEOPLE[1])
    made = every_kind_live_and_deleted(admin, drop, name, email)
    code, out, err = run("customer", "merge", keep, drop, "--yes")
    assert code == 0, err
    target = tmp_path / "person.json"
    code, out, err = run("gdpr", "export", keep, "--out", str(target))
    assert code == 0, err
    doc = json.loads(target.read_text("utf-8"))
    sections = {"contact": "contacts", "interaction": "interactions", "order": "orders",
                "opportunity": "opportunities", "ticket": "tickets"}
    for kind in KINDS:
        rows = {r["id"]: r for r in doc[sections[kind]]}
        gone = made[kind]["deleted"]
        assert rows[gone]["deleted"] is True and rows[gone]["customer_id"] == keep, kind
        assert rows[made[kind]["live"]]["deleted"] is False
        assert any(h["action"] == "merge" for h in doc["history"][gone])
    assert "records_naming_another_customer" not in doc


def test_erasing_the_kept_customer_erases_the_moved_deleted_contact_and_the_records_naming_it(admin, store_path):
    keep, drop, name, email = two_customers(admin, PEOPLE[0])
    p = records.create(admin, "contact", {"customer_id": drop, "name": name, "email": email})["id"]
    i = records.create(admin, "interaction", {"customer_id": drop, "contact_id": p, "kind": "Call",
                                              "subject": "Rückruf", "notes": f"Rückruf an {email}"})["id"]
    records.delete(admin, p)
    merge.merge_customers(admin, keep, drop)
    gdpr.erase_customer(admin, keep)
    contact = stored(store_path, p)
    assert contact["customer_id"] == keep and contact["email"] is None and name not in (contact["name"] or "")
    assert email not in (stored(store_path, i)["notes"] or "")
    assert audit_log.verify(admin).problems == []


@pytest.mark.parametrize("kept_email, moved_email", [
    ("anna.berg@example.de", "Anna.Berg@Example.DE"),           # case
    ("li.wei@gmail.com", "liwei+crm@gmail.com"),                # Gmail's dots and +tag
    ("info@example.fr", "info@example.fr"),                     # a role's mailbox
])
def test_a_contact_with_the_email_of_a_kept_customers_contact_moves_too_both_kept_and_named(
        admin, store_path, kept_email, moved_email):
    keep, drop, _, _ = two_customers(admin, PEOPLE[0])
    q = records.create(admin, "contact", {"customer_id": keep, "name": "Anna Berg", "email": kept_email})["id"]
    p = records.create(admin, "contact", {"customer_id": drop, "name": "A. Berg", "email": moved_email})["id"]
    gone = records.create(admin, "contact", {"customer_id": drop, "name": "Anna B.", "email": moved_email})["id"]
    records.delete(admin, gone)
    i = records.create(admin, "interaction", {"customer_id": drop, "contact_id": p, "kind": "Call"})["id"]

    result = merge.merge_customers(admin, keep, drop)

    role = kept_email.startswith("info@")
    assert result["same_email_contacts"] == [{"contact": p, "same_email_as": q, "role_mailbox": role},
                                             {"contact": gone, "same_email_as": q, "role_mailbox": role}]
    for rid in (q, p, gone):
        assert stored(store_path, rid)["customer_id"] == keep
    assert stored(store_path, p)["email"] and stored(store_path, q)["email"]     # nothing lost
    assert stored(store_path, gone)["deleted_at"] is not None
    assert stored(store_path, i)["contact_id"] == p                              # her records stay hers


def test_the_cli_merge_counts_the_deleted_records_names_same_email_contacts_and_leaves_the_store_clean(
        admin, store_path, run):
    keep, drop, name, email = two_customers(admin, PEOPLE[3])
    q = records.create(admin, "contact", {"customer_id": keep, "name": name, "email": email})["id"]
    made = every_kind_live_and_deleted(admin, drop, name, email)
    code, out, err = run("--format", "json", "customer", "merge", keep, drop, "--yes")
    assert code == 0, err
    result = json.loads(out)
    assert result["moved"] == 10 and result["moved_deleted"] == 5
    assert result["same_email_contacts"] == [{"contact": made["contact"]["live"], "same_email_as": q,
                                              "role_mailbox": False}]
    said = " ".join(err.split())
    assert f"5 of the 10 records moved are deleted: moved too, so a restore brings them back under {keep}" in said
    assert f"{made['contact']['live']} has the email of {q}" in said and "both kept" in said
    for kind in KINDS:
        assert stored(store_path, made[kind]["deleted"])["customer_id"] == keep
    code, out, err = run("--format", "json", "audit", "contacts")
    assert code == 0 and json.loads(out) == []
    code, out, err = run("--format", "json", "audit", "verify")
    assert code == 0 and json.loads(out)["ok"] is True and json.loads(out)["problems"] == []


def test_a_sales_user_reaches_no_deleted_record_of_another_owner_through_merge(admin, store_path, session_as):
    sam = session_as("sales", "sam")
    keep = records.create(sam, "customer", {"name": "Sams Kunde"})["id"]
    drop = records.create(admin, "customer", {"name": "Mei's Kunde", "owner": "admin"})["id"]
    p = records.create(admin, "contact", {"customer_id": drop, "name": "Mei Chen", "email": "mei@example.tw"})["id"]
    o = records.create(admin, "order", {"customer_id": drop, "order_date": "2024-01-02", "amount": "9.90"})["id"]
    records.delete(admin, p)
    records.delete(admin, o)
    with pytest.raises(PermissionDenied):
        merge.merge_customers(sam, keep, drop)
    # nor through the service path the merge writes with: the deleted records are refused, not moved
    for rid in (p, o):
        with pytest.raises(PermissionDenied):
            records._service_update_many(sam, [(rid, {"customer_id": keep}, None)], token=records._SERVICE,
                                         action="merge", validated=True)
        assert stored(store_path, rid)["customer_id"] == drop
    assert stored(store_path, drop)["deleted_at"] is None
    merge.merge_customers(session_as("manager", "mia"), keep, drop)     # a manager may: all of it moves
    assert [stored(store_path, r)["customer_id"] for r in (p, o)] == [keep, keep]
    assert audit_log.verify(admin).problems == []


def test_after_an_older_versions_merge_audit_contacts_names_the_deleted_records_left_and_restore_moves_them(
        admin, store_path, run, monkeypatch):
    from cims_xl.store import queries

    keep, drop, name, email = two_customers(admin, PEOPLE[1])
    p = records.create(admin, "contact", {"customer_id": drop, "name": name, "email": email})["id"]
    gone = records.create(admin, "contact", {"customer_id": drop, "name": "李娜"})["id"]
    t = records.create(admin, "ticket", {"customer_id": drop, "contact_id": p, "subject": "打印机坏了"})["id"]
    o = records.create(admin, "order", {"customer_id": drop, "order_date": "2023-11-11", "amount": "88.00"})["id"]
    for rid in (gone, t, o):
        records.delete(admin, rid)
    live_only = queries.children_of
    with monkeypatch.context() as m:      # a merge as versions before this one wrote it: live records only
        m.setattr(queries, "children_of", lambda store, ent, ids, include_deleted=False: live_only(store, ent, ids))
        merge.merge_customers(admin, keep, drop)
    assert [stored(store_path, r)["customer_id"] for r in (p, gone, t, o)] == [keep, drop, drop, drop]

    code, out, err = run("--format", "json", "audit", "contacts")
    assert code == 0 and json.loads(out) == [{"id": t, "customer_id": drop, "contact_id": p, "contact_of": keep,
                                              "deleted": True}]
    for rid in (gone, t, o):
        records.restore(admin, rid)
        rec = stored(store_path, rid)
        assert rec["customer_id"] == keep and rec["deleted_at"] is None
        assert [h["action"] for h in records.history(admin, rid)][-2:] == ["merge", "restore"]
    assert records.contacts_of_other_customers(admin) == []
    assert audit_log.verify(admin).problems == []
