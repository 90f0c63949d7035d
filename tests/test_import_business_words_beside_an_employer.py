"""A business's word in a person's name ("Ann Store", "李小店", "Mary Trading") makes the
customer a Company only when the row names no other company: beside Company "Acme Ltd"
she is a person at Acme. Same in the import and in `cims customer add`."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def types(session) -> dict[str, str]:
    return {c["name"]: c.get("type") for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("name,employer", [("Ann Store", "Acme Ltd"), ("李小店", "华为技术有限公司"),
                                           ("Mary Trading", "Global Inc"), ("山田商店", "トヨタ自動車株式会社")])
def test_a_business_word_in_a_name_beside_another_company_leaves_the_type_a_person_s(admin, tmp_path, name, employer):
    path = tmp_path / "people.csv"
    path.write_text(f"Name,Company,Email\n{name},{employer},a@example.com\n"
                    f"Bob {name} Two,,b@example.com\n", encoding="utf-8")
    import_file(admin, path, kind="customers")
    got = types(admin)
    assert got[name] != "Company"


@pytest.mark.parametrize("name", ["John Shop", "Blue Sky Trading"])
def test_a_business_word_with_no_other_company_or_the_same_one_still_makes_a_company(admin, tmp_path, name):
    path = tmp_path / "shops.csv"
    path.write_text(f"Name,Company,Email\n{name},,a@example.com\nNorth  Trading,north trading,b@example.com\n"
                    "Ann Store,Acme Ltd,c@example.com\n", encoding="utf-8")
    import_file(admin, path, kind="customers")
    got = types(admin)
    assert got[name] == "Company" and got["North Trading"] == "Company" and got["Ann Store"] != "Company"


def test_customer_add_with_a_business_word_and_another_company_is_a_person(run, admin):
    code, out, err = run("customer", "add", "--name", "Ann Store", "--company", "Acme Ltd")
    assert code == 0, err
    code, out, err = run("customer", "add", "--name", "Mary Trading")
    assert code == 0, err
    got = types(admin)
    assert got["Ann Store"] != "Company" and got["Mary Trading"] == "Company"
