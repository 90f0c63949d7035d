"""Paths that follow a customer follow the customers merged into it too, and a merged-away
id answers with what the store knows about it. A GDPR export of the kept customer holds
each retired customer's own record and history; an export of a retired id exports the
customer that holds its data now and says so; `customer show`/`360` of a retired id show
the kept customer, saying "merged into", and an edit or delete of it names the kept one
instead of "no customer". Erase follows merges (kept so). Real encrypted stores, CLI and
Python API, JSON and workbook files in tmp_path."""

from __future__ import annotations

import json

import openpyxl
import pytest

from cims_xl.errors import NotFound
from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.services import gdpr, merge, records, search


@pytest.fixture
def merged(admin):
    """C1 Li Na kept; C2 李娜 (with an order) merged into it."""
    c1 = records.create(admin, "customer", {"name": "Li Na", "email": "li.na@work.cn", "mobile": "+86 139 1234 5678",
                                            "city": "北京"})["id"]
    c2 = records.create(admin, "customer", {"name": "李娜", "email": "lina@qq.com", "mobile": "+86 137 0000 1111",
                                            "city": "上海", "notes": "VIP since 2019"})["id"]
    order = records.create(admin, "order", {"customer_id": c2, "order_date": "2026-03-01", "amount": "120",
                                            "product": "Tea set"})["id"]
    merge.merge_customers(admin, c1, c2)
    return {"c1": c1, "c2": c2, "order": order}


def test_the_export_of_the_kept_customer_holds_the_retired_customers_record_and_history(admin, merged, tmp_path):
    out = tmp_path / "c1.json"
    gdpr.export_customer(admin, merged["c1"], out)
    doc = json.loads(out.read_text("utf-8"))
    (retired,) = doc["merged_customers"]
    assert retired["id"] == merged["c2"]
    assert (retired["name"], retired["email"], retired["mobile"], retired["city"]) \
        == ("李娜", "lina@qq.com", "+8613700001111", "上海")
    assert [h["action"] for h in doc["history"][merged["c2"]]] == ["create", "merge"]
    assert doc["history"][merged["c2"]][0]["changes"]["email"] == [None, "lina@qq.com"]
    assert [r["id"] for r in doc["orders"]] == [merged["order"]]
    assert "requested" not in doc


def test_the_export_of_a_merged_away_id_exports_the_kept_customer_and_says_so(admin, merged, tmp_path):
    doc = gdpr.export_customer(admin, merged["c2"])
    assert doc["customer"]["id"] == merged["c1"]
    assert doc["requested"]["id"] == merged["c2"] and doc["requested"]["merged_into"] == merged["c1"]
    assert doc["requested"]["note"].startswith(f"{merged['c2']} was merged into {merged['c1']} on ")
    assert doc["requested"]["note"].endswith(f"exported {merged['c1']}, which holds its data")
    assert [r["id"] for r in doc["merged_customers"]] == [merged["c2"]]


def test_an_export_to_a_workbook_has_the_merged_customers_sheet(admin, merged, tmp_path):
    out = tmp_path / "c2.xlsx"
    gdpr.export_customer(admin, merged["c2"], out, write_xlsx=write_rows_xlsx)
    book = openpyxl.load_workbook(out)
    sheet = book["Merged Customers"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert (row["id"], row["name"], row["email"]) == (merged["c2"], "李娜", "lina@qq.com")
    assert book["Requested"]["A2"].value == merged["c2"]


def test_a_chain_of_merges_is_followed_both_ways(admin):
    a = records.create(admin, "customer", {"name": "Anna Kovács", "email": "anna@a.hu"})["id"]
    b = records.create(admin, "customer", {"name": "Kovács Anna", "email": "anna@b.hu"})["id"]
    c = records.create(admin, "customer", {"name": "Ánna Kovacs", "email": "anna@c.hu"})["id"]
    merge.merge_customers(admin, b, c)
    merge.merge_customers(admin, a, b)
    doc = gdpr.export_customer(admin, c)
    assert doc["customer"]["id"] == a
    assert doc["requested"]["merged_into"] == b
    assert f"which was merged into {a}" in doc["requested"]["note"]
    assert sorted(r["id"] for r in doc["merged_customers"]) == sorted([b, c])
    assert {b, c} <= set(doc["history"])
    assert [r["id"] for r in search.search_customers(admin, "anna@c.hu").rows] == [a]


def test_reading_or_changing_a_merged_away_id_names_the_customer_it_was_merged_into(admin, merged):
    for act in (lambda: records.get(admin, merged["c2"]),
                lambda: search.customer_360(admin, merged["c2"]),
                lambda: records.update(admin, merged["c2"], {"city": "广州"}),
                lambda: records.delete(admin, merged["c2"]),
                lambda: merge.merge_customers(admin, merged["c1"], merged["c2"])):
        with pytest.raises(NotFound) as err:
            act()
        assert err.value.message.startswith(f"{merged['c2']} was merged into {merged['c1']} on ")
        assert "no customer" not in err.value.message
    with pytest.raises(NotFound) as err:
        records.get(admin, "C-000099")
    assert err.value.message == "no customer C-000099"


def test_the_cli_shows_exports_and_tells_the_history_of_a_merged_away_id(run, tmp_path):
    assert run("customer", "add", "--name", "ACME Ltd", "--type", "Company", "--city", "London")[0] == 0
    assert run("customer", "add", "--name", "ACME Limited", "--type", "Company", "--city", "Leeds")[0] == 0
    assert run("customer", "merge", "C-000001", "C-000002", "--yes")[0] == 0
    code, out, err = run("--format", "json", "customer", "show", "C-000002")
    assert code == 0, err
    assert json.loads(out)["id"] == "C-000001"
    assert "C-000002 was merged into C-000001 on " in err and "showing C-000001" in err
    code, out, err = run("--format", "json", "customer", "360", "C-000002")
    assert code == 0 and json.loads(out)["customer"]["id"] == "C-000001"
    code, out, err = run("--format", "json", "customer", "history", "C-000002")
    assert code == 0 and "C-000002 was merged into C-000001" in err
    assert [h["action"] for h in json.loads(out)] == ["create", "merge"]
    code, out, err = run("customer", "edit", "C-000002", "--city", "York")
    assert code != 0 and "C-000002 was merged into C-000001" in err and "no customer" not in err
    path = tmp_path / "acme.json"
    code, out, err = run("gdpr", "export", "C-000002", "--out", str(path))
    assert code == 0, err
    assert "exported C-000001, which holds its data" in out + err
    doc = json.loads(path.read_text("utf-8"))
    assert doc["customer"]["id"] == "C-000001"
    assert doc["merged_customers"][0]["name"] == "ACME Limited"
    code, out, err = run("--format", "json", "customer", "search", "ACME Limited")
    assert [r["id"] for r in json.loads(out)["rows"]] == ["C-000001"]


def test_erasing_the_kept_customer_still_erases_the_retired_record_and_the_notes_that_hold_it(admin, merged):
    gdpr.erase_customer(admin, merged["c1"])
    doc = gdpr.export_customer(admin, merged["c1"])
    text = json.dumps(doc, ensure_ascii=False)
    for value in ("李娜", "lina@qq.com", "13700001111", "Li Na", "li.na@work.cn", "VIP since 2019"):
        assert value not in text
    assert doc["merged_customers"][0]["name"] == "[erased]"
    assert search.search_customers(admin, "lina@qq.com").total == 0
