"""Save refuses new rows that are a stored record again, and never makes a second
record of a row that names one by its ID (copied rows, typed IDs, a changed _key).

The duplicate rules are those of `cims customer add` and of the import: the same
email (Gmail's dots and +tags aside), the same phone or mobile; a landline another
name shares is allowed. Each test edits a real workbook file as a person would
(test_sync_support.Editor) and saves it into a real encrypted store.
"""

from __future__ import annotations

import pytest

from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of, table_rows

MARKED = "FFFFC7CE"


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "kunden.xlsx")


def save(session, path, sheet="Customers"):
    return sync.sync_file(session, path, "save", sheets=[sheet])


def refresh(session, path, sheet="Customers"):
    return sync.sync_file(session, path, "refresh", sheets=[sheet])


def _names(session, kind="customer"):
    return sorted(r["name"] for r in records.list_records(session, kind))


# ----- 1. new rows that are a stored record again ------------------------------------------

def test_a_new_row_with_a_stored_customers_email_is_not_saved_and_names_that_customer(admin, book):
    records.create(admin, "customer", {"name": "Someone Else"})
    jane = records.create(admin, "customer", {"name": "Jane Doe", "email": "jane@example.co.uk"})["id"]
    with Editor(book) as ed:
        ed.add_row({"Name": "Jane Doe", "Email": "Jane@Example.co.uk", "City": "Leeds"})
    result = save(admin, book)
    (row,) = table_rows(book)
    assert row["Status"].startswith(f"Duplicate of {jane}: not saved (the same email)")
    assert row["ID"] is None and not str(row["_key"]).startswith("C-")
    assert row["@cell"]["Email"].fill.fgColor.rgb == MARKED
    assert _names(admin) == ["Jane Doe", "Someone Else"]
    assert result["sheets"]["Customers"]["created"] == 0 and result["sheets"]["Customers"]["duplicates"] == 1
    assert result["not_saved"][0]["status"] == row["Status"]


def test_a_gmail_address_written_with_dots_and_a_tag_is_the_same_mailbox(admin, book):
    lina = records.create(admin, "customer", {"name": "李娜", "email": "li.na+shop@gmail.com"})["id"]
    with Editor(book) as ed:
        ed.add_row({"Name": "Li Na", "Email": "LiNa@googlemail.com"})
    save(admin, book)
    assert table_rows(book)[0]["Status"].startswith(f"Duplicate of {lina}: not saved (the same email)")
    assert _names(admin) == ["李娜"]


def test_a_mobile_typed_as_phone_under_the_same_name_is_a_duplicate(admin, book):
    wang = records.create(admin, "customer", {"name": "王伟", "mobile": "+86 139 1234 5678"})["id"]
    with Editor(book) as ed:
        ed.add_row({"Name": "王伟先生", "Phone": "13912345678", "City": "天津"})
    save(admin, book)
    row = table_rows(book)[0]
    assert row["Status"].startswith(f"Duplicate of {wang}: not saved (the same phone)")
    assert row["@cell"]["Phone"].fill.fgColor.rgb == MARKED
    assert row["@cell"]["Email"].fill.fill_type is None
    assert _names(admin) == ["王伟"]


def test_a_landline_shared_under_another_name_is_saved_when_allowed_and_under_the_same_name_is_not(admin, book):
    desk = records.create(admin, "customer", {"name": "Martin Schulz", "phone": "+49 30 901820"})["id"]
    with Editor(book) as ed:
        ed.add_row({"Name": "Anna Becker", "Phone": "+49 30 901820"})      # the same office line
        ed.add_row({"Name": "SCHULZ, Martin", "Phone": "030 901820", "Country": "DE"})
    save(admin, book)
    anna, martin = table_rows(book)
    # as `cims customer add` refuses it, with the option that saves it anyway
    assert anna["Status"].startswith(f"Duplicate? {desk} already has this phone under another name")
    assert "--allow-duplicate" in anna["Status"]
    sync.sync_file(admin, book, "save", sheets=["Customers"], allow_duplicate=True)
    anna, martin = table_rows(book)
    assert anna["Status"] == "Created" and anna["ID"].startswith("C-")
    assert martin["Status"].startswith(f"Duplicate of {desk}: not saved (the same phone)")
    assert _names(admin) == ["Anna Becker", "Martin Schulz"]


def test_a_salesperson_cannot_clone_another_owners_customer_from_the_sheet(admin, session_as, book):
    session_as("sales", "sue").close()
    theirs = records.create(admin, "customer", {"name": "Jane Doe", "email": "jane@example.co.uk",
                                                "phone": "+44 20 7946 0958", "owner": "sue"})["id"]
    tom = session_as("sales", "tom")
    with Editor(book) as ed:
        ed.add_row({"Name": "Jane Doe", "Email": "jane@example.co.uk", "Phone": "+44 20 7946 0958",
                    "Owner": "tom"})
    save(tom, book)
    assert table_rows(book)[0]["Status"].startswith(f"Duplicate of {theirs}: not saved")
    assert [r["owner"] for r in records.list_records(admin, "customer")] == ["sue"]


def test_the_second_of_two_new_rows_for_one_person_is_a_duplicate_of_the_first(admin, book):
    with Editor(book) as ed:
        ed.add_row({"Name": "Ngozi Okafor", "Email": "ngozi@example.ng"})
        ed.add_row({"Name": "Chidi Eze", "Email": "chidi@example.ng"})
        ed.add_row({"Name": "Ngozi Okafor", "Email": "NGOZI@example.ng", "City": "Lagos"})
    save(admin, book)
    first, other, second = table_rows(book)
    assert first["Status"] == other["Status"] == "Created"
    assert second["Status"].startswith(f"Duplicate of {first['ID']}: not saved (the same email)")
    assert _names(admin) == ["Chidi Eze", "Ngozi Okafor"]


def test_a_duplicate_row_fixed_by_the_user_is_saved_on_the_next_save(admin, book):
    records.create(admin, "customer", {"name": "Sven Berg", "email": "sven@example.se"})
    with Editor(book) as ed:
        ed.add_row({"Name": "Sven Bergström", "Email": "sven@example.se"})
    save(admin, book)
    assert table_rows(book)[0]["Status"].startswith("Duplicate of")
    with Editor(book) as ed:
        ed.ws.cell(table_rows(book)[0]["@row"], 1 + list(table_rows(book)[0]).index("Email")).value = \
            "sven.bergstrom@example.se"
    save(admin, book)
    row = table_rows(book)[0]
    assert row["Status"] == "Created" and row["@cell"]["Email"].fill.fill_type is None
    assert _names(admin) == ["Sven Berg", "Sven Bergström"]


def test_a_new_contact_with_an_email_of_that_customers_contact_is_a_duplicate_of_another_customers_is_not(
        admin, tmp_path):
    acme = records.create(admin, "customer", {"name": "Acme GmbH", "type": "Company"})["id"]
    beta = records.create(admin, "customer", {"name": "Beta SARL", "type": "Company"})["id"]
    lena = records.create(admin, "contact", {"customer_id": acme, "name": "Lena Vogel",
                                             "email": "lena@acme.example"})["id"]
    book = new_workbook(tmp_path / "contacts.xlsx")
    with Editor(book, "Contacts") as ed:
        ed.add_row({"Customer ID": acme, "Name": "Lena Vogel", "Email": "Lena@Acme.example"})
        ed.add_row({"Customer ID": beta, "Name": "Lena Vogel", "Email": "lena@acme.example"})
    save(admin, book, "Contacts")
    same, other = table_rows(book, "Contacts")
    assert same["Status"].startswith(f"Duplicate of {lena}: not saved (the same email)")
    assert other["Status"] == "Created"
    assert len(records.list_records(admin, "contact")) == 2


def test_many_new_rows_are_checked_with_one_read_of_the_store_and_no_search(admin, book, monkeypatch):
    from cims_xl.services import search

    for i in range(5):
        records.create(admin, "customer", {"name": f"Stored {i}", "email": f"kunde{i}@example.de"})
    with Editor(book) as ed:
        for i in range(60):
            ed.add_row({"Name": f"Kunde {i}", "Email": f"kunde{i}@example.de",
                        "Mobile": f"+49 151 {10000000 + i}"})
    scans = []
    original = type(admin.store).iter_column_tuples

    def counting(store, ent, columns, **kw):
        scans.append(ent.kind)
        return original(store, ent, columns, **kw)

    monkeypatch.setattr(type(admin.store), "iter_column_tuples", counting)
    monkeypatch.setattr(search, "search_customers", lambda *a, **k: pytest.fail("searched row by row"))
    counts = save(admin, book)["sheets"]["Customers"]
    assert scans.count("customer") == 1
    assert counts["created"] == 55 and counts["duplicates"] == 5
    statuses = [r["Status"] for r in table_rows(book)]
    assert all(s.startswith(f"Duplicate of C-00000{i + 1}") for i, s in enumerate(statuses[:5]))


# ----- 2. copied rows, typed IDs and a changed _key ------------------------------------------

@pytest.fixture
def refreshed(admin, book):
    ids = [records.create(admin, "customer", data)["id"] for data in (
        {"name": "Pierre Dupont", "email": "pierre@example.fr", "city": "Lyon"},
        {"name": "李娜", "mobile": "+86 139 1234 5678", "city": "北京"},
        {"name": "Ola Nordmann", "email": "ola@example.no", "city": "Bergen"},
    )]
    refresh(admin, book)
    return ids


def _copy_row(ed, key: str, changes: dict) -> None:
    """Copy a table row, hidden cells and all, under the table, then type over some cells."""
    c1, r1, c2, r2, headers = ed._geo()
    src = ed._row(key)
    values = {h: ed.ws.cell(src, c1 + i).value for i, h in enumerate(headers)}
    ed.add_row({**values, **changes})


def test_a_full_copy_of_a_row_with_other_values_is_never_a_second_record(admin, refreshed, book):
    pierre = refreshed[0]
    with Editor(book) as ed:
        ed.set(pierre, "City", "Grenoble")                    # edited in place
        _copy_row(ed, pierre, {"City": "Paris", "Email": "p.dupont@example.fr"})
    save(admin, book)
    rows = [r for r in table_rows(book) if r["ID"] == pierre]
    assert [r["Status"] for r in rows][0] == "Updated"
    assert rows[1]["Status"].startswith(f"Duplicate of {pierre}: not saved; delete this row")
    assert len(records.list_records(admin, "customer")) == 3
    assert records.get(admin, pierre)["city"] == "Grenoble"


def test_an_edited_copy_of_an_unchanged_row_is_refused_and_the_row_keeps_its_record(admin, refreshed, book):
    ola = refreshed[2]
    with Editor(book) as ed:
        _copy_row(ed, ola, {"City": "Tromsø", "Name": "Kari Nordmann", "Email": "kari@example.no"})
    save(admin, book)
    original, copy = [r for r in table_rows(book) if r["ID"] == ola]
    assert original["Status"] is None
    assert copy["Status"].startswith(f"Duplicate of {ola}: not saved") and copy["Name"] == "Kari Nordmann"
    assert records.get(admin, ola)["city"] == "Bergen" and records.get(admin, ola)["version"] == 1
    assert len(records.list_records(admin, "customer")) == 3


def test_a_copy_whose_id_the_user_cleared_is_a_new_customer(admin, refreshed, book):
    ola = refreshed[2]
    with Editor(book) as ed:
        _copy_row(ed, ola, {"ID": None, "Name": "Kari Nordmann", "Email": "kari@example.no"})
    save(admin, book)
    kari = next(r for r in table_rows(book) if r["Name"] == "Kari Nordmann")
    assert kari["Status"] == "Created" and kari["ID"] not in refreshed and kari["_key"] == kari["ID"]
    assert records.get(admin, kari["ID"])["city"] == "Bergen"
    assert records.get(admin, ola)["version"] == 1


def test_a_new_row_typed_with_a_stored_id_is_refused_and_keeps_the_typed_id(admin, refreshed, book):
    lina = refreshed[1]
    with Editor(book) as ed:
        ed.delete_row(lina)                              # the record is not on this sheet any more
        ed.add_row({"ID": lina, "Name": "李娜", "Mobile": "13900001111", "City": "天津"})
    save(admin, book)
    row = next(r for r in table_rows(book) if r["City"] == "天津")
    assert row["ID"] == lina and row["Status"].startswith(f"Invalid: ID: {lina} is a stored customer")
    assert row["@cell"]["ID"].fill.fgColor.rgb == MARKED
    assert records.get(admin, lina)["city"] == "北京" and len(records.list_records(admin, "customer")) == 3


def test_a_new_row_typed_with_the_id_of_a_row_on_the_sheet_is_a_duplicate_row(admin, refreshed, book):
    lina = refreshed[1]
    with Editor(book) as ed:
        ed.add_row({"ID": lina.lower(), "Name": "李娜", "City": "天津"})
    save(admin, book)
    row = next(r for r in table_rows(book) if r["City"] == "天津")
    assert row["ID"] == lina.lower() and row["Status"].startswith(f"Duplicate of {lina}: not saved")
    assert records.get(admin, lina)["city"] == "北京" and len(records.list_records(admin, "customer")) == 3


def test_a_new_row_typed_with_an_unknown_id_is_refused_and_the_typed_id_stays(admin, refreshed, book):
    with Editor(book) as ed:
        ed.add_row({"ID": "K-17", "Name": "Hanna Virtanen"})
    save(admin, book)
    row = next(r for r in table_rows(book) if r["Name"] == "Hanna Virtanen")
    assert row["ID"] == "K-17" and row["Status"].startswith("Invalid: ID: leave it empty for a new customer")
    assert len(records.list_records(admin, "customer")) == 3


@pytest.mark.parametrize("edit_city", [False, True])
def test_a_row_whose_hidden_key_was_changed_to_another_record_saves_nothing(admin, refreshed, book, edit_city):
    pierre, lina, ola = refreshed
    with Editor(book) as ed:
        ed.set(ola, "City", "key-swap") if edit_city else None
        ed.set(ola, "_key", pierre)
    save(admin, book)
    row = next(r for r in table_rows(book) if r["ID"] == ola)
    assert row["Status"].startswith(f"Invalid: ID: cannot be changed (this row is {pierre})")
    assert len(records.list_records(admin, "customer")) == 3
    assert [records.get(admin, i)["version"] for i in refreshed] == [1, 1, 1]


def test_a_row_whose_id_was_typed_over_with_another_records_id_saves_nothing(admin, refreshed, book):
    pierre, lina, ola = refreshed
    with Editor(book) as ed:
        ed.set(ola, "ID", pierre)
        ed.set(ola, "City", "ID-swap")
    save(admin, book)
    row = row_of(book, ola)
    assert row["ID"] == pierre and row["Status"].startswith(f"Invalid: ID: cannot be changed (this row is {ola})")
    assert [records.get(admin, i)["city"] for i in refreshed] == ["Lyon", "北京", "Bergen"]
    assert len(records.list_records(admin, "customer")) == 3
