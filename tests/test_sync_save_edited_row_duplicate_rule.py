"""An EDITED customer row saved from the sheet meets the rule `cims customer edit` applies:
given another customer's email (also written another way: case, Gmail dots), phone
(written as its country writes it) or mobile, it is refused with the option that saves it
anyway, and the store keeps both customers as they were; with --allow-duplicate (or Yes
when the ribbon's Save asks) it is saved. A value the row had already is no conflict.
Real workbook files edited with openpyxl, saved into a real encrypted store."""

from __future__ import annotations

import pytest

from cims_xl.domain.duplicates import email_key
from cims_xl.errors import Conflict
from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, table_rows

STORED = [
    {"name": "Anna Miller", "email": "anna.miller@gmail.com", "phone": "+1 415 555 0100", "country": "US"},
    {"name": "Bob Stone", "email": "bob@example.com", "country": "US"},
    {"name": "Hans Vogt", "email": "hans@vogt.de", "mobile": "+49 151 23456789", "country": "DE"},
    {"name": "José Álvarez", "email": "jose@correo.es", "country": "ES"},
]

EDITS = [      # (customer whose row is edited, header, value typed, customer who has it)
    ("Bob Stone", "Email", "anna.miller@gmail.com", "Anna Miller"),
    ("Bob Stone", "Email", "AnnaMiller@Gmail.com", "Anna Miller"),
    ("Bob Stone", "Phone", "415-555-0100", "Anna Miller"),
    ("José Álvarez", "Phone", "+1 (415) 555-0100", "Anna Miller"),
    ("Bob Stone", "Mobile", "+49 151 23456789", "Hans Vogt"),
    ("José Álvarez", "Email", "HANS@vogt.de", "Hans Vogt"),
]


@pytest.fixture
def stored(admin):
    return {c["name"]: c["id"] for c in records.create_many(admin, "customer", STORED)}


@pytest.fixture
def book(tmp_path, admin, stored):
    path = new_workbook(tmp_path / "customers.xlsx")
    sync.sync_file(admin, path, "refresh", sheets=["Customers"])
    return path


def _row(book, rid):
    return next(r for r in table_rows(book) if r["ID"] == rid)


@pytest.mark.parametrize("who, header, value, theirs", EDITS, ids=[f"{h}={v}" for _w, h, v, _t in EDITS])
def test_an_edited_row_taking_another_customers_email_or_phone_is_refused_as_customer_edit_refuses_it(
        admin, stored, book, who, header, value, theirs):
    rid = stored[who]
    with pytest.raises(Conflict, match=stored[theirs]):      # the rule on the command line
        records.update_customer(admin, rid, {header.lower(): value})
    before = records.get(admin, rid)
    owner = stored[theirs]
    with Editor(book) as ed:
        ed.set(rid, header, value)
        # in the same Save, the customer who has the value retypes it (another way) and edits
        # another field: its own value is no conflict
        ed.set(owner, header, value)
        ed.set(owner, "City", "Oakland")
    result = sync.sync_file(admin, book, "save", sheets=["Customers"])
    assert _row(book, owner)["Status"] == "Updated"
    assert records.get(admin, owner)["city"] == "Oakland"
    status = _row(book, rid)["Status"]
    assert status.startswith(f"Duplicate? {stored[theirs]} already has this "), status
    assert "--allow-duplicate" in status
    assert result["sheets"]["Customers"]["updated"] == 1
    assert result["sheets"]["Customers"]["maybe_same"] == 1
    after = records.get(admin, rid)
    assert after[header.lower()] == before[header.lower()] and after["version"] == before["version"]


@pytest.mark.parametrize("who, header, value, theirs", EDITS[:3], ids=[f"{h}={v}" for _w, h, v, _t in EDITS[:3]])
def test_saving_the_edited_row_with_allow_duplicate_stores_it_as_customer_edit_allow_duplicate_does(
        admin, stored, book, run, who, header, value, theirs):
    rid = stored[who]
    with Editor(book) as ed:
        ed.set(rid, header, value)
    code, out, err = run("sync", str(book), "save", "--sheet", "Customers")
    assert code != 0 and stored[theirs] in out + err
    code, out, err = run("sync", str(book), "save", "--sheet", "Customers", "--allow-duplicate")
    assert code == 0, out + err
    assert _row(book, rid)["Status"] == "Updated"
    stored_value = records.get(admin, rid)[header.lower()]
    theirs_value = records.get(admin, stored[theirs])[header.lower()]
    same = email_key if header == "Email" else str
    assert same(stored_value) == same(theirs_value)      # both customers have it now

