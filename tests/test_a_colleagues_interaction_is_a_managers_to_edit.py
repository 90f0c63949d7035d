"""An interaction records what its Owner said or did. Editing one in another user's name
(subject, notes, when, customer) puts words in that user's mouth, so it is, like writing
one in their name, a manager's or an administrator's: support edits only their own
interactions, sales only their own (even under a customer they own). On every door: the
services API, the command line and the sheet's Save. The refusal names the owner and who may."""

from __future__ import annotations

import pytest
from conftest import FAST_KDF, USER_PASSWORD

from cims_xl.errors import PermissionDenied
from cims_xl.excel import sync
from cims_xl.services import auth, records
from test_sync_support import Editor, new_workbook, row_of


@pytest.fixture
def world(admin):
    for name, role in (("tom", "sales"), ("lina", "sales"), ("mei", "manager"), ("wang", "support")):
        auth.add_user(admin, name, role, USER_PASSWORD, kdf=FAST_KDF)
    linas = records.create(admin, "customer", {"name": "Müller Maschinenbau GmbH", "owner": "lina"})["id"]
    other = records.create(admin, "customer", {"name": "深圳恒通贸易", "owner": "lina"})["id"]
    made = {}
    for owner in ("tom", "mei", "lina", "wang"):
        made[owner] = records.create(admin, "interaction", {
            "customer_id": linas, "kind": "Call", "subject": f"Anruf von {owner}", "notes": "Kunde zufrieden",
            "occurred_at": "2026-09-11 10:00", "owner": owner})["id"]
    return linas, other, made


def _as(admin, name):
    return auth.sign_in(admin.store_path, name, USER_PASSWORD)


EDITS = [{"subject": "support-rewrote"}, {"notes": "tom: customer agreed to pay later"},
         {"occurred_at": "2025-06-01 09:00"}, {"customer_id": "OTHER"}]


@pytest.mark.parametrize("who, role", [("wang", "support"), ("lina", "sales")])
@pytest.mark.parametrize("change", EDITS, ids=["subject", "notes", "when", "customer"])
@pytest.mark.parametrize("owner", ["tom", "mei"])
def test_editing_an_interaction_in_a_colleagues_name_is_refused_naming_the_owner(admin, world, who, role,
                                                                                 change, owner):
    _linas, other, made = world
    change = {k: (other if v == "OTHER" else v) for k, v in change.items()}
    rid = made[owner]
    before = records.get(admin, rid)
    user = _as(admin, who)
    try:
        with pytest.raises(PermissionDenied) as caught:
            records.update(user, rid, change)
    finally:
        user.close()
    text = str(caught.value)
    assert f"{who} ({role}) may not edit interaction {rid}" in text, text
    assert f"Owner {owner}" in text and "manager or administrator" in text, text
    after = records.get(admin, rid)
    # the same edit of their own interaction, and a manager's of the colleague's, go through
    user = _as(admin, who)
    try:
        records.update(user, made[who], change)
    finally:
        user.close()
    mine = records.get(admin, made[who])
    assert all(str(mine[k]).startswith(str(v)[:10]) for k, v in change.items()) and mine["owner"] == who
    mei = _as(admin, "mei")
    try:
        records.update(mei, rid, {"subject": "korrigiert"})
    finally:
        mei.close()
    assert records.get(admin, rid)["subject"] == "korrigiert"
    assert {k: after[k] for k in ("subject", "notes", "occurred_at", "customer_id", "owner", "version")} == \
        {k: before[k] for k in ("subject", "notes", "occurred_at", "customer_id", "owner", "version")}


def test_update_many_refuses_a_colleagues_interaction_and_keeps_it(admin, world):
    _linas, _other, made = world
    wang = _as(admin, "wang")
    try:
        with pytest.raises(PermissionDenied, match="Owner tom"):
            records.update_many(wang, [(made["wang"], {"subject": "mine"}, None),
                                       (made["tom"], {"subject": "his"}, None)])
    finally:
        wang.close()
    assert records.get(admin, made["tom"])["subject"] == "Anruf von tom"


@pytest.mark.parametrize("who", ["wang", "lina"])
@pytest.mark.parametrize("args", [["--subject", "hacked"], ["--occurred-at", "2025-06-01 09:00"],
                                  ["--notes", "tom: customer agreed to pay later"]])
def test_on_the_command_line_editing_a_colleagues_interaction_is_refused(admin, world, store_path, monkeypatch,
                                                                          capsys, who, args):
    from cims_xl.cli import main

    _linas, _other, made = world
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", who)
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code = main(["interaction", "edit", made["tom"], *args])
    out, err = capsys.readouterr()
    assert code != 0 and f"{who} (" in err and "Owner tom" in err and "manager" in err, (code, out, err)
    stored = records.get(admin, made["tom"])
    assert stored["subject"] == "Anruf von tom" and stored["version"] == 1


def test_on_the_sheet_a_colleagues_interaction_row_is_not_saved(admin, world, tmp_path):
    linas, _other, made = world
    # one nobody's name is on (as an import may leave) says nothing about a colleague
    unowned = records.create(admin, "interaction", {"customer_id": linas, "kind": "Email", "subject": "x"})["id"]
    records.update(admin, unowned, {"owner": None})
    assert records.get(admin, unowned)["owner"] in (None, "")
    wang = _as(admin, "wang")
    try:
        book = new_workbook(tmp_path / "wang.xlsx")
        sync.sync_file(wang, book, "refresh")
        with Editor(book, "Interactions") as ed:
            ed.set(made["tom"], "Subject", "support-rewrote")
            ed.set(made["wang"], "Subject", "meine Notiz")
            ed.set(unowned, "Subject", "Antwort gesendet")
        sync.sync_file(wang, book, "save")
    finally:
        wang.close()
    status = row_of(book, made["tom"], "Interactions")["Status"]
    assert status.startswith("Not allowed:") and "Owner tom" in status, status
    assert records.get(admin, made["tom"])["subject"] == "Anruf von tom"
    assert records.get(admin, made["wang"])["subject"] == "meine Notiz"
    assert records.get(admin, unowned)["subject"] == "Antwort gesendet"
