"""One duplicate rule for a customer's contacts at every door: `cims contact add` (and the
Python `records.create_contact`) refuses a second contact of the same customer with the
same email (case, Gmail dots written another way) or the same phone or mobile number
(typed as its country writes it), naming the contact and the option that adds it anyway,
exactly as the Contacts sheet's Save and `cims import --kind contacts` count it as a
duplicate. The same person under ANOTHER customer is no duplicate, nor is a role's
mailbox under another name. Values read back from a real encrypted store."""

from __future__ import annotations

import pytest

from cims_xl.errors import Conflict
from cims_xl.excel import sync
from cims_xl.importer import import_file
from cims_xl.services import records, settings
from table_files import write_csv
from test_sync_support import Editor, new_workbook, table_rows

FIRST = {"name": "Karl Huber", "email": "karl.huber@gmail.com", "mobile": "+49 151 23456789"}

AGAIN = [      # the same person again, written another way
    {"name": "Karl Huber", "email": "karl.huber@gmail.com", "mobile": "+49 151 23456789"},
    {"name": "K. Huber", "email": "KarlHuber@GMAIL.com"},
    {"name": "Karl Huber", "mobile": "0151 23456789"},
    {"name": "Huber Karl", "phone": "+49 (151) 234-56789"},
]


@pytest.fixture
def acme(admin):
    settings.set_store_region(admin, "DE")       # numbers typed as Germany writes them at home
    cid = records.create(admin, "customer", {"name": "Acme GmbH", "country": "DE"})["id"]
    first = records.create(admin, "contact", {**FIRST, "customer_id": cid})["id"]
    return cid, first


def _contacts(session, cid):
    return [c for c in records.list_records(session, "contact") if c["customer_id"] == cid]


@pytest.mark.parametrize("row", AGAIN, ids=[str(sorted(r.items())) for r in AGAIN])
def test_contact_add_refuses_the_same_person_under_the_same_customer_naming_the_contact_and_the_option(
        admin, acme, run, row):
    cid, first = acme
    args = ["contact", "add", "--customer-id", cid] + [a for k, v in row.items() for a in (f"--{k}", v)]
    code, out, err = run(*args)
    assert code != 0 and first in err and "--allow-duplicate" in err, out + err
    with pytest.raises(Conflict, match=first):
        records.create_contact(admin, {**row, "customer_id": cid})
    assert len(_contacts(admin, cid)) == 1
    code, out, err = run(*args, "--allow-duplicate")
    assert code == 0, out + err
    assert len(_contacts(admin, cid)) == 2


def test_the_same_person_under_another_customer_and_a_role_mailbox_under_another_name_are_added(admin, acme):
    cid, _first = acme
    other = records.create(admin, "customer", {"name": "Beta AG", "country": "DE"})["id"]
    records.create_contact(admin, {**FIRST, "customer_id": other})
    records.create_contact(admin, {"name": "Eva Roth", "email": "info@acme.de", "customer_id": cid})
    records.create_contact(admin, {"name": "Max Roth", "email": "info@acme.de", "customer_id": cid})
    assert len(_contacts(admin, other)) == 1 and len(_contacts(admin, cid)) == 3


def test_the_sheet_and_the_import_refuse_what_contact_add_refuses(admin, acme, tmp_path):
    cid, first = acme
    row = AGAIN[2]
    with pytest.raises(Conflict, match=first):
        records.create_contact(admin, {**row, "customer_id": cid})
    book = new_workbook(tmp_path / "contacts.xlsx")
    with Editor(book, "Contacts") as ed:
        ed.add_row({"Customer ID": cid, "Name": row["name"], "Mobile": row["mobile"]})
    sync.sync_file(admin, book, "save", sheets=["Contacts"])
    assert table_rows(book, "Contacts")[0]["Status"].startswith(f"Duplicate of {first}")
    path = write_csv(tmp_path / "contacts.csv", [["Customer ID", "Name", "Mobile"], [cid, row["name"], row["mobile"]]])
    result = import_file(admin, path, kind="contacts", region="DE")
    assert (result.created, result.duplicates) == (0, 1)
    assert len(_contacts(admin, cid)) == 1


@pytest.mark.parametrize("change", [{"email": "KARL.HUBER@gmail.com"}, {"mobile": "0151 23456789"}],
                         ids=["email", "mobile"])
def test_contact_edit_and_an_edited_contacts_row_refuse_becoming_the_same_person_again(admin, acme, run, tmp_path,
                                                                                    change):
    cid, first = acme
    # (without an email of her own: a mobile with two people's emails is a number two people share)
    eva = records.create(admin, "contact", {"name": "Eva Roth", "customer_id": cid})["id"]
    (key, value), = change.items()
    code, out, err = run("contact", "edit", eva, f"--{key}", value)
    assert code != 0 and first in err and "--allow-duplicate" in err, out + err
    assert records.get(admin, eva).get(key) is None
    book = new_workbook(tmp_path / "contacts.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Contacts"])
    with Editor(book, "Contacts") as ed:
        ed.set(eva, key.title(), value)
    sync.sync_file(admin, book, "save", sheets=["Contacts"])
    row = next(r for r in table_rows(book, "Contacts") if r["ID"] == eva)
    assert row["Status"].startswith(f"Duplicate of {first}"), row["Status"]
    assert records.get(admin, eva).get(key) is None
    code, out, err = run("contact", "edit", eva, f"--{key}", value, "--allow-duplicate")
    assert code == 0, out + err


def test_moving_a_contact_to_a_customer_that_has_this_person_is_refused_and_its_own_values_are_no_conflict(
        admin, acme, run):
    cid, first = acme
    other = records.create(admin, "customer", {"name": "Beta AG", "country": "DE"})["id"]
    twin = records.create_contact(admin, {**FIRST, "customer_id": other})["id"]
    code, out, err = run("contact", "edit", twin, "--customer-id", cid)
    assert code != 0 and first in err, out + err
    assert records.get(admin, twin)["customer_id"] == other
    code, out, err = run("contact", "edit", first, "--email", "Karl.Huber@gmail.com", "--title", "CFO")
    assert code == 0, out + err
