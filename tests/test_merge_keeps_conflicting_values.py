"""A merge never drops a value silently: where the retired customer's value differs from
the kept one's (another email, mobile, name, city, consent…), the kept customer keeps its
own and the retired one's goes to its Notes ("Merged from C-…: Email …; Mobile …"), and
the merge lists those fields ("kept_in_notes"). The retired customer stays stored: search
finds the kept customer by its email, number and name, and adding (or saving on the sheet)
a customer with its email or number is a duplicate of the kept one. The kept customer's
merge entry names the retired one. Real encrypted stores and workbook files in tmp_path."""

from __future__ import annotations

import json

import pytest

from cims_xl.domain.schema import CUSTOMER
from cims_xl.errors import Conflict
from cims_xl.excel import sync
from cims_xl.services import audit_log, auth, merge, records, search
from conftest import ADMIN_PASSWORD
from test_sync_support import Editor, new_workbook, table_rows


def _stored(store_path, cid: str) -> dict:
    """The customer as a new session reads it back from the encrypted store."""
    fresh = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return records.get(fresh, cid)
    finally:
        fresh.close()


# (kept customer, retired customer, the Notes line the merge must add)
CASES = {
    "chinese": ({"name": "Li Na", "email": "li.na@work.cn", "mobile": "+86 139 1234 5678", "city": "北京",
                 "notes": "likes tea"},
                {"name": "李娜", "email": "lina@qq.com", "mobile": "+86 137 0000 1111", "city": "上海",
                 "notes": "VIP since 2019", "tags": "old"},
                "Merged from {drop}: Name 李娜; Email lina@qq.com; Mobile +8613700001111; City 上海"),
    "german": ({"name": "Jürgen Müller", "phone": "+49 30 901820", "city": "Berlin", "country": "DE"},
               {"name": "Juergen Mueller", "phone": "+49 89 1234567", "city": "München", "country": "DE",
                "email": "jm@example.de"},
               "Merged from {drop}: Name Juergen Mueller; Phone +49891234567; City München"),
    "arabic": ({"name": "محمد علي", "email": "m.ali@example.ae", "marketing_consent": "no"},
               {"name": "Mohammed Ali", "email": "mali@example.com", "marketing_consent": "yes"},
               "Merged from {drop}: Name Mohammed Ali; Email mali@example.com; Marketing Consent yes"),
    "company": ({"name": "ACME Ltd", "type": "Company", "city": "London", "segment": "Enterprise"},
                {"name": "ACME Limited", "type": "Company", "city": "Manchester", "segment": "Corporate"},
                "Merged from {drop}: Name ACME Limited; City Manchester; Segment Corporate"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_value_of_the_retired_customer_that_differs_is_kept_in_notes_and_listed(admin, store_path, case):
    keep_values, drop_values, line = CASES[case]
    keep = records.create(admin, "customer", keep_values)
    drop = records.create(admin, "customer", drop_values)
    result = merge.merge_customers(admin, keep["id"], drop["id"])
    stored = _stored(store_path, keep["id"])
    expected_line = line.format(drop=drop["id"])
    assert stored["notes"].splitlines()[-1] == expected_line
    # the kept customer keeps its own values in the fields
    for key in ("name", "email", "mobile", "phone", "city", "segment"):
        if keep.get(key):
            assert stored[key] == keep[key]
    parts = expected_line.split(": ", 1)[1].split("; ")
    headers = [CUSTOMER.field(k).header for k in result["kept_in_notes"]]
    assert len(headers) == len(parts)
    assert all(part.startswith(header + " ") for header, part in zip(headers, parts))
    # blanks are filled as before, and not listed as kept in Notes
    for key, value in drop.items():
        if key in ("email", "phone", "mobile", "tags") and value and not keep.get(key):
            assert stored[key] == value and key in result["filled"] and key not in result["kept_in_notes"]


def test_the_li_na_merge_keeps_both_notes_and_the_retired_values_in_that_order(admin, store_path):
    keep_values, drop_values, _line = CASES["chinese"]
    c1 = records.create(admin, "customer", keep_values)["id"]
    c2 = records.create(admin, "customer", drop_values)["id"]
    result = merge.merge_customers(admin, c1, c2)
    assert _stored(store_path, c1)["notes"] == (
        f"likes tea\nVIP since 2019\nMerged from {c2}: Name 李娜; Email lina@qq.com; Mobile +8613700001111; City 上海")
    assert result["kept_in_notes"] == ["name", "email", "mobile", "city"]
    assert result["filled"] == ["notes", "tags"]


def test_values_that_are_the_same_written_another_way_are_not_noted(admin, store_path):
    c1 = records.create(admin, "customer", {"name": "Anna  Kovács", "email": "anna.kovacs@gmail.com",
                                            "city": "Budapest"})["id"]
    c2 = records.create(admin, "customer", {"name": "anna kovács", "email": "AnnaKovacs+shop@gmail.com",
                                            "city": "BUDAPEST"}, )["id"]
    result = merge.merge_customers(admin, c1, c2)
    assert result["kept_in_notes"] == []
    assert _stored(store_path, c1)["notes"] is None


def test_search_finds_the_kept_customer_by_the_retired_ones_email_number_and_name(admin):
    keep_values, drop_values, _line = CASES["chinese"]
    c1 = records.create(admin, "customer", keep_values)["id"]
    c2 = records.create(admin, "customer", drop_values)["id"]
    records.create(admin, "customer", {"name": "Someone Else", "city": "上海"})
    merge.merge_customers(admin, c1, c2)
    for typed in ("lina@qq.com", "LINA@QQ.COM", "13700001111", "137 0000 1111", "+86 137-0000-1111", "李娜", c2):
        page = search.search_customers(admin, typed)
        assert [r["id"] for r in page.rows] == [c1], typed
        assert page.total == 1
    # the other filters still apply to the kept customer
    assert search.search_customers(admin, "lina@qq.com", city="上海").total == 0
    assert [r["id"] for r in search.search_customers(admin, "lina@qq.com", city="北京").rows] == [c1]
    # a customer deleted without a merge leads to no one
    gone = records.create(admin, "customer", {"name": "Gone Person", "email": "gone@example.org"})["id"]
    records.delete(admin, gone)
    assert search.search_customers(admin, "gone@example.org").total == 0
    # adding it again names the deleted customer and its restore (never the kept customer)
    with pytest.raises(Conflict, match=f"{gone}, deleted on .*customer restore {gone}"):
        records.create_customer(admin, {"name": "Gone Person", "email": "gone@example.org"})


@pytest.mark.parametrize("field,typed", [("email", "lina@qq.com"), ("email", "Lina@QQ.com"),
                                         ("mobile", "137 0000 1111"), ("phone", "+86 137 0000 1111")])
def test_adding_a_customer_with_the_retired_ones_email_or_number_is_a_duplicate_of_the_kept_one(admin, field,
                                                                                               typed):
    keep_values, drop_values, _line = CASES["chinese"]
    c1 = records.create(admin, "customer", keep_values)["id"]
    c2 = records.create(admin, "customer", drop_values)["id"]
    merge.merge_customers(admin, c1, c2)
    with pytest.raises(Conflict) as err:
        records.create_customer(admin, {"name": "李娜", field: typed})
    assert err.value.message.startswith(f"{c1} already has this")
    assert c2 in err.value.message
    made = records.create_customer(admin, {"name": "李娜", field: typed}, allow_duplicate=True)
    assert made["id"] not in (c1, c2)


def test_a_gmail_address_of_the_retired_customer_written_another_way_is_a_duplicate(admin):
    c1 = records.create(admin, "customer", {"name": "Wang Wei", "email": "wang.wei@work.cn"})["id"]
    c2 = records.create(admin, "customer", {"name": "王伟", "email": "wang.wei.88@gmail.com"})["id"]
    merge.merge_customers(admin, c1, c2)
    with pytest.raises(Conflict) as err:
        records.create_customer(admin, {"name": "王伟", "email": "WangWei88+crm@gmail.com"})
    assert err.value.message.startswith(f"{c1} already has this email")


def test_a_new_sheet_row_with_the_retired_ones_email_is_a_duplicate_of_the_kept_customer(admin, tmp_path):
    keep_values, drop_values, _line = CASES["chinese"]
    c1 = records.create(admin, "customer", keep_values)["id"]
    c2 = records.create(admin, "customer", drop_values)["id"]
    merge.merge_customers(admin, c1, c2)
    book = new_workbook(tmp_path / "kunden.xlsx")
    with Editor(book) as ed:
        ed.add_row({"Name": "李娜", "Email": "lina@qq.com"})
        ed.add_row({"Name": "李娜", "Mobile": "13700001111", "Country": "CN"})
    sync.sync_file(admin, book, "save", sheets=["Customers"])
    statuses = [r["Status"] for r in table_rows(book)]
    assert statuses[0].startswith(f"Duplicate of {c1}: not saved (the same email)")
    assert statuses[1].startswith(f"Duplicate of {c1}: not saved (the same phone)")
    assert sorted(r["id"] for r in records.list_records(admin, "customer")) == [c1]


def test_the_kept_customers_merge_entry_names_the_retired_customer(admin):
    c1 = records.create(admin, "customer", {"name": "ACME Ltd", "type": "Company"})["id"]
    c2 = records.create(admin, "customer", {"name": "ACME Limited", "type": "Company"})["id"]
    c3 = records.create(admin, "customer", {"name": "ACME Ltd"})["id"]      # nothing to fill or keep
    merge.merge_customers(admin, c1, c2)
    merge.merge_customers(admin, c1, c3)
    entries = [h for h in records.history(admin, c1) if h["action"] == "merge"]
    assert [h["changes"]["merged_from"] for h in entries] == [[None, c2], [None, c3]]
    assert entries[0]["changes"]["notes"][1] == f"Merged from {c2}: Name ACME Limited"
    assert [h["version"] for h in records.history(admin, c1)] == [1, 2, 3]
    assert records.get(admin, c1)["version"] == 3
    assert audit_log.verify(admin).ok


def test_the_cli_merge_lists_the_fields_kept_in_notes_and_says_where(run):
    assert run("customer", "add", "--name", "Li Na", "--email", "li.na@work.cn", "--mobile", "139 1234 5678",
               "--city", "北京")[0] == 0
    assert run("customer", "add", "--name", "李娜", "--email", "lina@qq.com", "--mobile", "137 0000 1111",
               "--city", "上海")[0] == 0
    code, out, err = run("--format", "json", "customer", "merge", "C-000001", "C-000002", "--yes")
    assert code == 0, err
    assert json.loads(out)["kept_in_notes"] == ["name", "email", "mobile", "city"]
    assert "C-000002's Name, Email, Mobile, City differ from C-000001's" in err
    assert "kept in C-000001's Notes" in err
    code, out, err = run("--format", "json", "customer", "search", "13700001111")
    assert [r["id"] for r in json.loads(out)["rows"]] == ["C-000001"]
    code, out, err = run("customer", "add", "--name", "李娜", "--email", "lina@qq.com")
    assert code != 0 and "C-000001 already has this email" in err
    code, out, err = run("--format", "json", "customer", "history", "C-000001")
    assert [h["changes"].get("merged_from") for h in json.loads(out) if h["action"] == "merge"] \
        == [[None, "C-000002"]]


def test_an_import_row_with_the_retired_ones_email_or_number_is_a_duplicate_of_the_kept_customer(admin, tmp_path):
    import csv

    from cims_xl.importer import import_file

    keep_values, drop_values, _line = CASES["chinese"]
    c1 = records.create(admin, "customer", keep_values)["id"]
    c2 = records.create(admin, "customer", drop_values)["id"]
    merge.merge_customers(admin, c1, c2)
    path = tmp_path / "kunden.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "邮箱", "手机"], ["李娜", "LINA@qq.com", ""], ["李娜", "", "137-0000-1111"],
                                 ["王芳", "wang.fang@example.cn", ""]])
    result = import_file(admin, path)
    assert [(o.action, o.record, o.matched_by) for o in result.outcomes[:2]] \
        == [("duplicate", c1, "email"), ("duplicate", c1, "phone")]
    assert result.created == 1
    assert sorted(r["name"] for r in records.list_records(admin, "customer")) == ["Li Na", "王芳"]
