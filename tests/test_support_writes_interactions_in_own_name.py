"""Only a manager or administrator records an interaction in another user's name or
changes its Owner (README). Support writes interactions, but as sales does: in their own
name, never handed over nor taken over; on every door (service, command line, the
sheet's Save). A ticket's Assignee is work handed out, not authorship: support assigns."""

from __future__ import annotations

import pytest
from conftest import FAST_KDF, USER_PASSWORD

from cims_xl.errors import PermissionDenied
from cims_xl.excel import sync
from cims_xl.services import auth, records
from test_sync_support import Editor, new_workbook, row_of, table_rows


@pytest.fixture
def world(admin, session_as):
    for name, role in (("tom", "sales"), ("mei", "manager")):
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    cust = records.create(admin, "customer", {"name": "深圳恒通贸易", "owner": "tom"})["id"]
    toms = records.create(admin, "interaction", {"customer_id": cust, "kind": "Call", "subject": "报价跟进",
                                                 "owner": "tom"})["id"]
    wang = session_as("support", "wang")
    return wang, cust, toms


@pytest.mark.parametrize("owner", ["tom", "mei", "admin"])
def test_support_adding_an_interaction_in_another_users_name_is_refused(admin, world, owner):
    wang, cust, _ = world
    before = len(records.list_records(admin, "interaction"))
    with pytest.raises(PermissionDenied, match=f"wang \\(support\\) may not create interaction records for "
                                               f"{owner}.*own name"):
        records.create(wang, "interaction", {"customer_id": cust, "kind": "Call", "subject": "x", "owner": owner})
    assert len(records.list_records(admin, "interaction")) == before
    made = records.create(wang, "interaction", {"customer_id": cust, "kind": "Call", "subject": "mine"})
    assert records.get(admin, made["id"])["owner"] == "wang"
    made = records.create(wang, "interaction", {"customer_id": cust, "kind": "Visit", "owner": "wang"})
    assert records.get(admin, made["id"])["owner"] == "wang"
    # a ticket's Assignee is work handed out, not authorship: support assigns it to anyone
    ticket = records.create(wang, "ticket", {"customer_id": cust, "subject": "登录失败", "priority": "P2",
                                             "assignee": owner})
    assert records.update(wang, ticket["id"], {"assignee": "wang"})["assignee"] == "wang"


@pytest.mark.parametrize("new_owner, words", [("wang", "may not take interaction"),
                                              ("mei", "may not hand interaction")])
def test_support_changing_an_interactions_owner_is_refused_and_a_manager_may(admin, world, session_as,
                                                                           new_owner, words):
    wang, _cust, toms = world
    with pytest.raises(PermissionDenied, match=words + ".*only a manager or administrator"):
        records.update(wang, toms, {"owner": new_owner})
    stored = records.get(admin, toms)
    assert stored["owner"] == "tom" and stored["version"] == 1
    with pytest.raises(PermissionDenied, match="may not edit interaction .*Owner tom"):
        records.update(wang, toms, {"subject": "回访"})   # nor its words: they are tom's
    mei = auth.sign_in(admin.store_path, "mei", USER_PASSWORD)
    assert records.update(mei, toms, {"owner": new_owner})["owner"] == new_owner
    mei.close()


def test_a_salesperson_taking_over_a_colleagues_interaction_on_her_customer_is_refused(admin, world):
    _wang, cust, toms = world
    auth.add_user(admin, "lina", "sales", USER_PASSWORD, kdf=FAST_KDF)
    records.update(admin, cust, {"owner": "lina"})
    lina = auth.sign_in(admin.store_path, "lina", USER_PASSWORD)
    with pytest.raises(PermissionDenied, match="may not take interaction"):
        records.update(lina, toms, {"owner": "lina"})
    lina.close()
    assert records.get(admin, toms)["owner"] == "tom"


@pytest.mark.parametrize("args", [
    ["interaction", "add", "--customer-id", "{cust}", "--kind", "Call", "--subject", "as tom", "--owner", "tom"],
    ["interaction", "edit", "{toms}", "--owner", "wang"],
    ["interaction", "edit", "{toms}", "--owner", "mei"],
])
def test_on_the_command_line_support_is_refused_naming_the_rule(admin, world, store_path, monkeypatch, capsys,
                                                                args):
    from cims_xl.cli import main

    _wang, cust, toms = world
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "wang")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code = main([a.format(cust=cust, toms=toms) for a in args])
    out, err = capsys.readouterr()
    assert code != 0 and "wang (support) may not" in err and "manager" in err, (code, out, err)
    assert {r["owner"] for r in records.list_records(admin, "interaction")} == {"tom"}


def test_on_the_sheet_support_cannot_save_rows_in_another_name_or_take_one_over(admin, world, tmp_path):
    wang, cust, toms = world
    book = new_workbook(tmp_path / "wang.xlsx")
    sync.sync_file(wang, book, "refresh")
    with Editor(book, "Interactions") as ed:
        ed.set(toms, "Owner", "wang")
        ed.add_row({"Customer ID": cust, "Kind": "Call", "Subject": "as mei", "Owner": "mei"})
        ed.add_row({"Customer ID": cust, "Kind": "Email", "Subject": "my own"})
    sync.sync_file(wang, book, "save")
    status = row_of(book, toms, "Interactions")["Status"]
    assert status.startswith("Not allowed:") and "may not take interaction" in status, status
    rows = {r["Subject"]: r for r in table_rows(book, "Interactions")}
    assert "may not create interaction records for mei" in rows["as mei"]["Status"], rows["as mei"]["Status"]
    stored = {r["subject"]: r["owner"] for r in records.list_records(admin, "interaction")}
    assert stored == {"报价跟进": "tom", "my own": "wang"}

