"""A data-subject export (`gdpr export`) holds every record the store holds about the
person, the soft-deleted ones too (a restore can bring them back, an erase scrubs
them): each marked deleted, with its history. JSON and .xlsx, Python API and CLI.
Real encrypted stores in tmp_path."""

from __future__ import annotations

import json

import openpyxl
import pytest

from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.services import gdpr, records

PEOPLE = [("Ann Secret", "ann.secret@example.com", "Talked about her divorce"),
          ("王秀英", "xiuying.wang@example.cn", "讨论了离婚的事"),
          ("Zoë Ångström", "zoe@example.se", "Skilsmässa, ring tillbaka")]


def _person(admin, name, email, note):
    cid = records.create(admin, "customer", {"name": f"{name} Kunde", "type": "Person"})["id"]
    pid = records.create(admin, "contact", {"customer_id": cid, "name": name, "email": email})["id"]
    iid = records.create(admin, "interaction", {"customer_id": cid, "contact_id": pid, "kind": "Call",
                                                "subject": "call", "notes": note})["id"]
    oid = records.create(admin, "order", {"customer_id": cid, "order_date": "2024-05-01", "amount": "10.00"})["id"]
    records.delete(admin, iid)
    records.delete(admin, pid)
    records.delete(admin, oid)
    return cid, pid, iid, oid


def _texts_of_book(path):
    return [str(c.value) for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


@pytest.mark.parametrize("name,email,note", PEOPLE)
def test_the_json_export_holds_deleted_contacts_interactions_and_orders_marked_deleted(admin, tmp_path, name,
                                                                                      email, note):
    cid, pid, iid, oid = _person(admin, name, email, note)
    out = tmp_path / "gx.json"
    gdpr.export_customer(admin, cid, out)
    doc = json.loads(out.read_text("utf-8"))
    contacts = {r["id"]: r for r in doc["contacts"]}
    interactions = {r["id"]: r for r in doc["interactions"]}
    orders = {r["id"]: r for r in doc["orders"]}
    assert contacts[pid]["email"] == email and contacts[pid]["deleted"] is True
    assert interactions[iid]["notes"] == note and interactions[iid]["deleted"] is True
    assert orders[oid]["deleted"] is True
    assert [h["action"] for h in doc["history"][pid]] == ["create", "delete"]
    assert [h["action"] for h in doc["history"][iid]] == ["create", "delete"]


def test_a_live_record_is_marked_not_deleted_and_a_restored_one_is_listed_once(admin, tmp_path):
    cid, pid, iid, _oid = _person(admin, *PEOPLE[0])
    records.restore(admin, pid)
    doc = gdpr.export_customer(admin, cid)
    assert [(r["id"], r["deleted"]) for r in doc["contacts"]] == [(pid, False)]
    assert [(r["id"], r["deleted"]) for r in doc["interactions"]] == [(iid, True)]


def test_a_deleted_record_of_another_customer_naming_the_persons_contact_is_exported(admin, monkeypatch, tmp_path):
    cid, pid, _iid, _oid = _person(admin, *PEOPLE[1])
    records.restore(admin, pid)
    other = records.create(admin, "customer", {"name": "Andere Firma", "type": "Company"})["id"]
    with monkeypatch.context() as m:      # as an older version stored it
        m.setattr(records, "_check_contacts", lambda *a, **k: None)
        t = records.create(admin, "ticket", {"customer_id": other, "contact_id": pid, "subject": "王秀英 printer",
                                             "priority": "P2"})["id"]
    records.delete(admin, t)
    doc = gdpr.export_customer(admin, cid)
    tickets = {r["id"]: r for r in doc["tickets"]}
    assert tickets[t]["deleted"] is True and tickets[t]["subject"] == "王秀英 printer"


def test_the_xlsx_export_holds_the_deleted_records_too(admin, tmp_path):
    name, email, note = PEOPLE[0]
    cid, pid, iid, _oid = _person(admin, name, email, note)
    out = tmp_path / "gx.xlsx"
    gdpr.export_customer(admin, cid, out, write_xlsx=write_rows_xlsx)
    texts = _texts_of_book(out)
    assert email in texts and note in texts
    book = openpyxl.load_workbook(out)
    head = [c.value for c in book["Contacts"][1]]
    row = [c.value for c in book["Contacts"][2]]
    assert row[head.index("id")] == pid and row[head.index("deleted")] in (True, "TRUE", "True")


@pytest.mark.parametrize("suffix", ["json", "xlsx"])
def test_the_cli_export_holds_the_deleted_contact_and_interaction(admin, run, tmp_path, suffix):
    name, email, note = PEOPLE[2]
    cid, pid, iid, _oid = _person(admin, name, email, note)
    out = tmp_path / f"gx.{suffix}"
    code, _out, err = run("gdpr", "export", cid, "--out", str(out))
    assert code == 0, err
    if suffix == "json":
        doc = json.loads(out.read_text("utf-8"))
        assert [r["id"] for r in doc["contacts"]] == [pid]
        assert [r["id"] for r in doc["interactions"]] == [iid]
        text = out.read_text("utf-8")
    else:
        text = "\n".join(_texts_of_book(out))
    assert email in text and note in text


@pytest.mark.parametrize("suffix", ["json", "xlsx"])
def test_importing_the_export_again_brings_back_the_live_records_and_not_the_deleted_ones(admin, tmp_path, suffix):
    """The export's deleted records are skipped and counted when it is imported into a fresh
    store; its `deleted` column is our bookkeeping, never kept in Notes."""
    from cims_xl.importer.run import import_file
    from cims_xl.services import auth
    from conftest import ADMIN_PASSWORD, FAST_KDF

    cid, pid, _iid, _oid = _person(admin, *PEOPLE[0])
    live = records.create(admin, "contact", {"customer_id": cid, "name": "Bo Live", "email": "bo@example.com"})
    out = tmp_path / f"export.{suffix}"
    gdpr.export_customer(admin, cid, out, **({"write_xlsx": write_rows_xlsx} if suffix == "xlsx" else {}))
    store = tmp_path / "fresh" / "s.cims"
    store.parent.mkdir()
    auth.init_store(store, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    fresh = auth.sign_in(store, "admin", ADMIN_PASSWORD)
    assert import_file(fresh, out, kind="customers", sheet="Customer" if suffix == "xlsx" else None).created == 1
    result = import_file(fresh, out, kind="contacts", sheet="Contacts" if suffix == "xlsx" else "contacts")
    assert (result.created, result.rejected) == (1, 0)
    (contact,) = records.list_records(fresh, "contact")
    assert contact["name"] == live["name"] and "deleted" not in (contact.get("notes") or "")
    said = next(i for i in result.inferences if i["what"] == "deleted records")
    assert said["decided"].startswith("1 row(s) marked deleted skipped")
