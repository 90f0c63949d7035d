"""A company whose name begins with a form of address keeps it.

"Mrs. Fields Cookies", "Madame Vacances", "Frau Antje Käse" are companies: a person's
title is taken off a name only when the name is a person's. A name is a company's when
its row says so: a Company type, a legal form, or the same text (as `company_key`
compares it) in the row's own Company column, also on a Person row. Duplicate checks,
phone holders and the customer an order names all follow that rule.
"""

from __future__ import annotations

import pytest

from cims_xl.domain.duplicates import company_name, is_its_company
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

LANDLINE = "+44 20 7946 0310"


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


@pytest.mark.parametrize("name,company,kind,expected", [
    ("Mrs. Fields Cookies", "Mrs. Fields Cookies", "Person", True),
    ("Mrs. Fields Cookies", "MRS FIELDS COOKIES", "Person", True),
    ("Madame Vacances SARL", "", "Person", True),              # a legal form
    ("Mrs. Fields Cookies", "", "Company", True),
    ("Mrs. Fields Cookies", "", "Person", False),              # nothing says: a person's
    ("Mr. John Smith", "Acme Ltd", "Person", False),
    ("Frau Antje Käse", "FRAU ANTJE KÄSE", None, True),
    ("Frau Antje", "Frau Antje Käse GmbH", None, False),
    ("", "Acme", "Company", False),
])
def test_a_name_is_a_companys_when_its_row_says_so(name, company, kind, expected):
    assert company_name(name, company, kind) is expected


def test_a_name_is_its_company_written_another_way_only_as_company_key_compares_them():
    assert is_its_company("Acme Ltd", "ACME Limited")
    assert is_its_company("ＡＣＭＥ ＬＴＤ", "acme ltd")
    assert not is_its_company("Acme Ltd", "Acme Inc")
    assert not is_its_company("王伟", "上海恒通有限公司")
    assert not is_its_company("Fields Cookies", "Mrs. Fields Cookies")


@pytest.mark.parametrize("headers,row", [(["Name", "Type"], ["Mrs. Fields Cookies", "Company"]),
                                         (["Name"], ["Mrs. Fields Cookies"]),
                                         (["Name", "Type"], ["MRS. FIELDS COOKIES", "Company"])])
def test_a_stored_company_with_a_title_in_its_name_is_found_again_by_a_reimport(admin, tmp_path, headers, row):
    stored = records.create(admin, "customer", {"name": "Mrs. Fields Cookies", "type": "Company"})["id"]
    path = write_csv(tmp_path / "again.csv", [headers, row])
    result = import_file(admin, path, kind="customers")
    assert [(o.action, o.record) for o in result.outcomes] == [("duplicate", stored)]
    assert len(customers(admin)) == 1


def test_a_person_without_the_title_is_not_a_duplicate_of_the_company(admin, tmp_path):
    records.create(admin, "customer", {"name": "Mrs. Fields Cookies", "type": "Company"})
    path = write_csv(tmp_path / "people.csv", [["Name", "Type"], ["Fields Cookies", "Person"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_person_row_whose_name_is_its_company_keeps_the_title(admin, tmp_path, writer):
    path = writer(tmp_path / ("rows.csv" if writer is write_csv else "rows.xlsx"), [
        ["Name", "Company", "Type"],
        ["Mrs. Fields Cookies", "MRS FIELDS COOKIES", "Person"],
        ["Mrs Fields Cookies", "Mrs. Fields Cookies", "Person"],      # the same company again
        ["Fields Cookies", "Mrs. Fields Cookies", "Person"],          # a person at it
        ["Madame Vacances", "MADAME VACANCES", "Person"],
        ["Vacances", "Madame Vacances", "Person"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created", "duplicate", "created", "created", "created"]
    assert result.outcomes[1].duplicate_of_row == 2


def test_a_person_with_a_title_is_still_one_person_without_it(admin, tmp_path):
    # the rule for people is unchanged: Mr. John Smith and John Smith at Acme are one
    path = write_csv(tmp_path / "people.csv", [["Name", "Company"], ["Mr. John Smith", "Acme Ltd"],
                                               ["John Smith", "ACME Limited"]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created", "duplicate"]


def test_an_order_of_a_company_with_a_title_in_its_name_is_not_linked_to_a_person_without_it(admin, tmp_path):
    person = records.create(admin, "customer", {"name": "Fields Cookies"})["id"]
    smith = records.create(admin, "customer", {"name": "John Smith"})["id"]
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer", "Company", "Amount"],
                                               ["1", "2026-01-02", "Mrs. Fields Cookies", "Mrs. Fields Cookies", "5"],
                                               ["2", "2026-01-03", "MRS FIELDS COOKIES", "MRS FIELDS COOKIES", "6"],
                                               ["3", "2026-01-04", "Mr. John Smith", "Acme Ltd", "7"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (3, 1)
    by_number = {o["order_number"]: o["customer_id"] for o in records.list_records(admin, "order")}
    assert by_number["1"] == by_number["2"] != person
    assert by_number["3"] == smith
    made = records.get(admin, by_number["1"])
    assert made["name"] == "Mrs. Fields Cookies"


def test_a_landline_shared_by_a_company_and_a_person_of_its_name_without_the_title_keeps_both(admin, tmp_path):
    path = write_csv(tmp_path / "phones.csv", [["Name", "Type", "Phone"],
                                               ["Fields Cookies", "Person", LANDLINE],
                                               ["Mrs. Fields Cookies", "Company", LANDLINE],
                                               ["MRS FIELDS COOKIES", "Company", LANDLINE]])
    result = import_file(admin, path, kind="customers")
    assert [o.action for o in result.outcomes] == ["created", "created", "duplicate"]
    assert "shared number" in next(iter(result.outcomes[1].warnings.values()))
    assert result.outcomes[2].duplicate_of_row == 3
