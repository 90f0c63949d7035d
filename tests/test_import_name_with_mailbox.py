"""A name written as a mail program shows a mailbox ("Ann Lee <ann@x.com>") is the name; the
address goes to Email when the row has none, to Notes when it has another, and the summary says so."""
from __future__ import annotations

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv


def test_a_customer_name_with_its_mailbox_is_the_name_and_the_address_goes_to_an_empty_email(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [
        ["Name", "Email", "City"],
        ["Ann Lee <ann@x.com>", "", "Leeds"],
        ['"Bob Ray" <bob@y.com>', "bob@y.com", "York"],
        ["Ray Bob (ray@z.org)", "", "Hull"],
        ["王小明 <wang@example.cn>", "", "北京"],
        ["Cé Dúr <ce@x.fr>", "other@x.fr", "Lyon"],
        ["AT&T (US)", "", "Dallas"],
    ])
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (6, 0)
    got = {c["name"]: (c["email"], c["notes"]) for c in records.list_records(admin, "customer")}
    assert got["Ann Lee"] == ("ann@x.com", None)
    assert got["Bob Ray"] == ("bob@y.com", None)
    assert got["Ray Bob"] == ("ray@z.org", None)
    assert got["王小明"] == ("wang@example.cn", None)
    assert got["Cé Dúr"][0] == "other@x.fr" and "ce@x.fr" in got["Cé Dúr"][1]
    assert got["AT&T (US)"] == (None, None)
    said = [i for i in result.inferences if i["what"] == "names written with an email address"]
    assert said and "'Name': 5 cell(s)" in said[0]["evidence"]


def test_an_order_customer_written_with_a_mailbox_links_by_the_name_and_gets_the_address(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [
        ["Order ID", "Customer", "Order Date", "Amount", "Currency"],
        ["1", "Ann Lee <ann@x.com>", "2024-03-05", "10.00", "EUR"],
        ["2", "Ann Lee <ann@x.com>", "2024-03-06", "20.00", "EUR"],
        ["3", "山田 太郎 <taro@example.jp>", "2024-03-07", "30.00", "EUR"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 2)
    got = {c["name"]: c["email"] for c in records.list_records(admin, "customer")}
    assert got == {"Ann Lee": "ann@x.com", "山田 太郎": "taro@example.jp"}


def test_a_mailbox_alone_or_several_people_in_one_name_cell_is_no_name_and_says_why(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [
        ["Name", "Email", "City"],
        ["Ann Lee <ann@x.com>", "", "Paris"],
        ["<cy@z.com>", "", "Rome"],
        ["(mailto:dee@z.com)", "", "Oslo"],
        ["Ann Lee <ann@x.com>; Bob <b@y.com>", "", "Paris"],
        ["王芳 <wang@qq.com>, 李四 <li@qq.com>", "", "Beijing"],
        ["AT&T (US)", "", "Dallas"],
    ])
    result = import_file(admin, path)
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == ["AT&T (US)", "Ann Lee"]
    problems = {o.row: o.problems for o in result.outcomes if o.action == "rejected"}
    assert set(problems) == {3, 4, 5, 6}
    assert "an email address where the name belongs" in str(problems[3])
    assert "several people" in str(problems[5]) and "several people" in str(problems[6])
