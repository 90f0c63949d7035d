"""A person written "Company, Person" (Odoo's contact name) is the person, at that company.

Odoo exports a company's contact as "Azure Interior, Brandon Freeman" beside Is a
Company = False and Related Company = Azure Interior. Stored as written, the person was
named after the company too, and the duplicate check and search saw a name nobody has.
The form is read only on the row's own evidence: a file that says which rows are
companies, a person's row, and a name that begins with that row's own Company and a
comma. Anything else is kept as written (no name is split on a guess).
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

WRITERS = [("csv", write_csv), ("xlsx", write_xlsx)]
HEAD = ["Name", "Is a Company", "Related Company", "Email", "City"]


def stored(session) -> dict[str, tuple]:
    return {c["email"]: (c["name"], c["type"], c["company"]) for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("ext,write", WRITERS)
def test_an_odoo_contact_named_company_comma_person_is_stored_as_the_person_at_that_company(
        admin, tmp_path, ext, write):
    path = write(tmp_path / f"odoo.{ext}", [
        HEAD,
        ["Azure Interior", "True", "", "azure@example.com", "Fremont"],
        ["Azure Interior, Brandon Freeman", "False", "Azure Interior", "brandon@example.com", "Fremont"],
        ["深圳明达科技有限公司", "True", "", "info@mingda.example.cn", "深圳"],
        ["深圳明达科技有限公司, 张伟", "False", "深圳明达科技有限公司", "zhang@mingda.example.cn", "深圳"],
        ["MÜLLER & SÖHNE GMBH,  Jürgen Weiß", "False", "Müller & Söhne GmbH", "j.weiss@example.de", "Köln"],
    ])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (5, 0)
    got = stored(admin)
    assert got["brandon@example.com"] == ("Brandon Freeman", "Person", "Azure Interior")
    assert got["zhang@mingda.example.cn"] == ("张伟", "Person", "深圳明达科技有限公司")
    assert got["j.weiss@example.de"] == ("Jürgen Weiß", "Person", "Müller & Söhne GmbH")
    assert got["azure@example.com"] == ("Azure Interior", "Company", None)
    (said,) = [i for i in result.inferences if i["what"] == "names written 'Company, Person'"]
    assert "3 person row(s)" in said["decided"]
    assert "'Azure Interior, Brandon Freeman' -> 'Brandon Freeman'" in said["evidence"]


@pytest.mark.parametrize("name,flag,company,kept", [
    ("Smith, John", "False", "Acme Ltd", "Smith, John"),              # not its own company: a family name first
    ("Acme, Inc.", "False", "Acme", "Acme, Inc."),                    # a legal form, not a person
    ("Azure Interior, Fremont Branch", "True", "Azure Interior", "Azure Interior, Fremont Branch"),  # a company
    ("Azure Interior,", "False", "Azure Interior", "Azure Interior,"),  # nobody after the comma
])
def test_a_name_that_is_not_company_comma_person_on_the_rows_own_evidence_is_kept_as_written(
        admin, tmp_path, name, flag, company, kept):
    path = write_csv(tmp_path / "o.csv", [HEAD, [name, flag, company, "x@example.com", "Fremont"]])
    result = import_file(admin, path)
    assert result.created == 1
    assert stored(admin)["x@example.com"][0] == kept
    assert not [i for i in result.inferences if i["what"] == "names written 'Company, Person'"]


def test_without_a_column_saying_which_rows_are_companies_the_name_is_kept_as_written(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Name", "Company", "Email"],
                                          ["Azure Interior, Brandon Freeman", "Azure Interior", "b@example.com"]])
    import_file(admin, path)
    assert stored(admin)["b@example.com"][0] == "Azure Interior, Brandon Freeman"
