"""A business named without a legal form is a Company, on every door, and said.

Found by a fresh tester (stop 25): 甲公司, 上海某某贸易, 山田商店, 田中商事, ร้านสมชาย ("Somchai's
shop") were stored as Person, without a word, where a file has no Type column: only
legal forms (GmbH, 有限公司, 株式会社) made a Company. Generic business words that are no
legal form (legal_forms.business_word) now do too, at the end of a CJK or Korean name,
at the start of a Thai one, as the last word of a Latin one or the first of a trade
("Bäckerei Müller"); the summary names the words. People's names stay Person."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cims_xl.cli import cli
from cims_xl.domain.legal_forms import business_word
from cims_xl.importer import import_file
from cims_xl.services import records
from conftest import ADMIN_PASSWORD
from table_files import write_csv, write_xlsx

BUSINESSES = ["山田商店", "田中商事", "上海某某贸易", "甲公司", "ร้านสมชาย", "Blue Sky Trading", "Smith Plumbing Shop",
              "Bäckerei Müller", "성수상사", "北京烤鸭店", "台北書店"]
PEOPLE = ["王伟", "John Smith", "山田太郎", "สมชาย ใจดี", "Ann Lee"]


@pytest.mark.parametrize("write", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_businesses_without_a_legal_form_are_companies_and_people_stay_people(admin, tmp_path, write):
    rows = [["Name", "Email"]] + [[n, f"b{i}@example.com"] for i, n in enumerate(BUSINESSES)] \
        + [[n, f"p{i}@example.com"] for i, n in enumerate(PEOPLE)]
    result = import_file(admin, write(tmp_path / f"c.{'csv' if write is write_csv else 'xlsx'}", rows))
    assert result.created == len(BUSINESSES) + len(PEOPLE)
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert {n: types[n] for n in BUSINESSES} == {n: "Company" for n in BUSINESSES}
    assert {n: types[n] for n in PEOPLE} == {n: "Person" for n in PEOPLE}
    said = [i for i in result.as_dict()["inferences"] if i["what"] == "customer type"]
    assert said and "business's word" in said[0]["decided"] and "'商店' (1)" in said[0]["decided"]


def test_an_orders_file_creates_its_business_customers_as_companies(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                          ["A-1", "2025-01-03", "乙公司", "100.00"],
                                          ["A-2", "2025-01-04", "田中商事", "200.00"],
                                          ["A-3", "2025-01-05", "王伟", "50.00"]])
    import_file(admin, path, kind="orders")
    types = {c["name"]: c["type"] for c in records.list_records(admin, "customer")}
    assert types == {"乙公司": "Company", "田中商事": "Company", "王伟": "Person"}


def test_customer_add_types_a_business_company_and_says_which_word(store_path, admin):
    env = {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    result = CliRunner().invoke(cli, ["customer", "add", "--name", "山田商店", "--city", "大阪"], env=env)
    assert result.exit_code == 0, result.output
    assert "business's word '商店'" in result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert records.list_records(admin, "customer")[0]["type"] == "Company"


@pytest.mark.parametrize("name", ["Shop", "店", "王店", "Trading", "Store"])
def test_a_word_alone_or_a_two_character_name_is_no_business(name):
    assert business_word(name) is None
