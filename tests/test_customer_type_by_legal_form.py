"""`cims customer add` and `edit`, and a new row saved from the Customers sheet, type a
customer given no Type by the legal form in its name, as the import does for a file
without a Type column (domain.legal_forms): "Acme GmbH" is a Company, and the command
or the row's Status says so. A Type given always wins. Before, they stored Person."""
from __future__ import annotations

import json

import pytest

from cims_xl.services import records

from test_sync_support import Editor, new_workbook, row_of


@pytest.mark.parametrize("name, form", [
    ("Acme GmbH", "GmbH"), ("Beta S.A.", "S.A."), ("Gamma Holdings Ltd", "Ltd"), ("ООО «Ромашка»", "ООО"),
    ("上海华联有限公司", "有限公司"), ("株式会社トヨタ", "株式会社"), ("한빛 주식회사", "주식회사"), ("PT Maju Jaya", "PT"),
])
def test_customer_add_without_a_type_stores_a_name_with_a_legal_form_as_a_company_and_says_so(run, admin, name, form):
    code, out, err = run("--format", "json", "customer", "add", "--name", name)
    assert code == 0, err
    cid = json.loads(out)["id"]
    assert records.get(admin, cid)["type"] == "Company"
    assert f"legal form '{form}'" in err and "--type Person" in err


def test_customer_add_keeps_people_persons_and_a_given_type_wins(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Anna Ba")
    assert records.get(admin, json.loads(out)["id"])["type"] == "Person" and "legal form" not in err
    code, out, err = run("--format", "json", "customer", "add", "--name", "Weiß AG", "--type", "Person")
    assert records.get(admin, json.loads(out)["id"])["type"] == "Person" and "legal form" not in err
    code, out, err = run("--format", "json", "customer", "add", "--name", "Müller KG")
    assert records.get(admin, json.loads(out)["id"])["type"] == "Company"


def test_customer_edit_to_a_name_with_a_legal_form_makes_it_a_company_unless_a_type_is_given(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Hans Müller")
    cid = json.loads(out)["id"]
    assert records.get(admin, cid)["type"] == "Person"
    code, out, err = run("--format", "json", "customer", "edit", cid, "--name", "Müller Bau GmbH")
    assert code == 0, err
    assert records.get(admin, cid)["type"] == "Company" and "legal form 'GmbH'" in err
    other = json.loads(run("--format", "json", "customer", "add", "--name", "Lea Roth")[1])["id"]
    code, out, err = run("--format", "json", "customer", "edit", other, "--name", "Roth SARL", "--type", "Person")
    assert records.get(admin, other)["type"] == "Person" and "legal form" not in err
    code, out, err = run("--format", "json", "customer", "edit", other, "--city", "Lyon")
    assert records.get(admin, other)["type"] == "Person"


def test_a_new_sheet_row_with_a_blank_type_is_saved_a_company_by_its_legal_form(run, admin, tmp_path):
    book = new_workbook(tmp_path / "kunden.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    with Editor(book) as ed:
        ed.add_row({"Name": "Bäckerei Huber GmbH"})
        ed.add_row({"Name": "Zeta S.p.A.", "Type": "Person"})
        ed.add_row({"Name": "Jürgen Weiß"})
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert types == {"Bäckerei Huber GmbH": "Company", "Zeta S.p.A.": "Person", "Jürgen Weiß": "Person"}
    ids = {c["name"]: c["id"] for c in records.list_records(admin, "customer")}
    row = row_of(book, ids["Bäckerei Huber GmbH"])
    assert row["Type"] == "Company" and row["Status"].startswith("Created") and "legal form 'GmbH'" in row["Status"]
    assert row_of(book, ids["Jürgen Weiß"])["Status"] == "Created"
