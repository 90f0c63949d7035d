"""A new customer row saved from the sheet meets the duplicate rule `cims customer add`
applies: another customer's phone (or role mailbox) under another name may be the same
person ("Jon Smith", "Jane Smith", "J. Smith" beside John Smith; "王先生" beside 王伟),
so it is refused with the option that saves it anyway, exactly where `customer add`
refuses it; the same person written another way ("Mr JOHN SMITH", "Smith, John") is a
Duplicate either way, as a mobile under two names is (one person's number). Real workbook files edited with openpyxl, saved with `cims sync`
(CLI) and the Python API into a real encrypted store."""

from __future__ import annotations

import pytest

from cims_xl.errors import Conflict
from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, table_rows

STORED = [
    {"name": "John Smith", "phone": "+1 415 555 0100", "country": "US"},
    {"name": "王伟", "phone": "+86 10 6552 9988", "country": "CN"},
    {"name": "Hans Vogt", "phone": "+49 30 901820", "country": "DE"},
    {"name": "Ana Silva", "email": "info@padaria.pt"},
]


@pytest.fixture
def stored(admin):
    return {c["name"]: c["id"] for c in records.create_many(admin, "customer", STORED)}


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "customers.xlsx")


NEW_ROWS = [     # (row, the stored customer it meets)
    ({"Name": "Jon Smith", "Phone": "415.555.0100", "Country": "US"}, "John Smith"),
    ({"Name": "Jane Smith", "Phone": "(415) 555-0100", "Country": "US"}, "John Smith"),
    ({"Name": "J. Smith", "Phone": "+14155550100"}, "John Smith"),
    ({"Name": "王先生", "Phone": "010 6552 9988", "Country": "CN"}, "王伟"),
    ({"Name": "Frau Vogt", "Phone": "030 901820", "Country": "DE"}, "Hans Vogt"),
    ({"Name": "Rui Costa", "Email": "info@padaria.pt"}, "Ana Silva"),
]


def _cli_add(session, row: dict) -> None:
    records.create_customer(session, {{"Name": "name", "Phone": "phone", "Country": "country",
                                       "Email": "email"}[k]: v for k, v in row.items()})


@pytest.mark.parametrize("row, theirs", NEW_ROWS, ids=[r["Name"] for r, _ in NEW_ROWS])
def test_a_new_row_customer_add_refuses_is_refused_by_save_naming_the_customer_and_the_option(
        admin, stored, book, row, theirs):
    with pytest.raises(Conflict, match="--allow-duplicate"):
        _cli_add(admin, row)                      # the rule on the command line
    with Editor(book) as ed:
        ed.add_row(row)
    result = sync.sync_file(admin, book, "save", sheets=["Customers"])
    (saved,) = table_rows(book)
    assert saved["Status"].startswith(f"Duplicate? {stored[theirs]} already has this ")
    assert "may be the same person" in saved["Status"] and "--allow-duplicate" in saved["Status"]
    assert saved["ID"] is None
    assert result["sheets"]["Customers"]["created"] == 0
    assert result["sheets"]["Customers"]["maybe_same"] == 1
    assert len(records.list_records(admin, "customer")) == len(STORED)


@pytest.mark.parametrize("row, theirs", NEW_ROWS, ids=[r["Name"] for r, _ in NEW_ROWS])
def test_saving_with_allow_duplicate_creates_the_row_as_customer_add_allow_duplicate_does(
        admin, stored, book, run, row, theirs):
    with Editor(book) as ed:
        ed.add_row(row)
    code, out, err = run("sync", str(book), "save", "--sheet", "Customers")
    assert code != 0 and stored[theirs] in out + err
    code, out, err = run("sync", str(book), "save", "--sheet", "Customers", "--allow-duplicate")
    assert code == 0, out + err
    (saved,) = table_rows(book)
    assert saved["Status"] == "Created" and saved["ID"].startswith("C-")
    assert row["Name"] in {c["name"] for c in records.list_records(admin, "customer")}


@pytest.mark.parametrize("name", ["Mr JOHN SMITH", "Smith, John", "John  Smith"])
def test_the_same_person_written_another_way_is_a_duplicate_even_when_duplicates_are_allowed(
        admin, stored, book, name):
    with Editor(book) as ed:
        ed.add_row({"Name": name, "Phone": "415-555-0100", "Country": "US"})
    sync.sync_file(admin, book, "save", sheets=["Customers"], allow_duplicate=True)
    (saved,) = table_rows(book)
    assert saved["Status"].startswith(f"Duplicate of {stored['John Smith']}: not saved (the same phone)")


def test_a_mobile_under_another_name_stays_a_duplicate_of_its_one_person(admin, book):
    wang = records.create(admin, "customer", {"name": "王伟", "mobile": "+86 139 1234 5678"})["id"]
    with Editor(book) as ed:
        ed.add_row({"Name": "王先生", "Phone": "139 1234 5678", "Country": "CN"})
    sync.sync_file(admin, book, "save", sheets=["Customers"], allow_duplicate=True)
    assert table_rows(book)[0]["Status"].startswith(f"Duplicate of {wang}: not saved (the same phone)")


def test_the_ribbon_save_asks_and_saves_the_rows_it_refused_when_the_user_says_yes(admin, stored, tmp_path):
    from cims_xl.excel import ribbon
    from cims_xl.excel.adapter import FileWorkbook, QuietUI
    from cims_xl.excel import live_session

    path = new_workbook(tmp_path / "ribbon.xlsx")
    with Editor(path) as ed:
        ed.add_row({"Name": "Jon Smith", "Phone": "415.555.0100", "Country": "US"})
    live_session.use(admin)
    try:
        for yes in (False, True):
            book = FileWorkbook(path, ui=QuietUI(assume_yes=yes), active="Customers")
            ribbon.save(book)
            book.save()
            status = table_rows(path)[0]["Status"]
            assert status.startswith("Duplicate?") if not yes else status == "Created"
    finally:
        live_session.use(None)
