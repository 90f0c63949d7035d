"""A customer's GDPR export shows the other records whose prose mentions them, as `gdpr
erase` finds and clears them (try25z: an interaction of another customer and a customer's
Notes naming the person's phone and email were scrubbed by erase but missing from the
export). Real encrypted store; the export read back from its JSON and .xlsx files."""

from __future__ import annotations

import json

import openpyxl
import pytest

from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.services import gdpr, records


@pytest.fixture
def store(admin):
    person = records.create(admin, "customer", {"name": "王小明", "email": "wangxm@hengtong.cn",
                                                "mobile": "+8613912345678"})["id"]
    other = records.create(admin, "customer", {"name": "Acme GmbH",
                                               "notes": "referred by wangxm@hengtong.cn last spring"})["id"]
    stranger = records.create(admin, "customer", {"name": "Nobody", "notes": "no one in particular"})["id"]
    talk = records.create(admin, "interaction", {"customer_id": other, "kind": "Call",
                                                 "notes": "call back on 139 1234 5678 about the order"})["id"]
    return admin, person, other, stranger, talk


def test_the_export_lists_other_records_that_mention_the_person(store, tmp_path):
    admin, person, other, stranger, talk = store
    doc = gdpr.export_customer(admin, person, tmp_path / "p.json")
    found = {(m["record"], m["field"]) for m in doc["mentioned_in"]}
    assert (other, "Notes") in found and any(rid == talk for rid, _f in found)
    assert all(rid != stranger for rid, _f in found)
    assert json.loads((tmp_path / "p.json").read_text("utf-8"))["mentioned_in"] == doc["mentioned_in"]


def test_the_xlsx_export_has_a_mentioned_in_sheet(store, tmp_path):
    admin, person, other, _stranger, talk = store
    gdpr.export_customer(admin, person, tmp_path / "p.xlsx", write_xlsx=write_rows_xlsx)
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx")["Mentioned In"]
    records_named = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {other, talk} <= records_named


def test_what_the_export_lists_is_what_erase_then_clears(store, tmp_path):
    admin, person, _other, _stranger, _talk = store
    listed = {m["record"] for m in gdpr.export_customer(admin, person)["mentioned_in"]}
    gdpr.erase_customer(admin, person)
    for rid in listed:
        rec = records.get(admin, rid)
        assert "wangxm@hengtong.cn" not in (rec.get("notes") or "") and "139 1234 5678" not in (rec.get("notes") or "")


def test_a_customer_mentioned_nowhere_has_no_mentions_section(admin):
    cid = records.create(admin, "customer", {"name": "Solo Person", "email": "solo@example.org"})["id"]
    assert "mentioned_in" not in gdpr.export_customer(admin, cid)
