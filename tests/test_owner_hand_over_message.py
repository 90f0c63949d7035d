"""A salesperson who gives her own customer (or opportunity) to someone else is refused
with the rule that refuses it: she may not hand ownership over. Not "may not edit", which
is wrong (she may edit it) and sends her looking for the wrong cause. The same words in
the service, on the sheet's Status and on the command line; editing someone else's
record keeps its own message."""

from __future__ import annotations

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.excel import sync
from cims_xl.services import auth, records
from conftest import FAST_KDF, USER_PASSWORD
from test_sync_support import Editor, new_workbook, row_of

SHEET = {"customer": "Customers", "opportunity": "Opportunities"}


@pytest.fixture
def world(admin, session_as):
    auth.add_user(admin, "tom", "sales", USER_PASSWORD, kdf=FAST_KDF)
    lina = session_as("sales", "lina")
    cust = records.create(lina, "customer", {"name": "Li Na Kunde", "city": "Wuhan"})
    opp = records.create(lina, "opportunity", {"customer_id": cust["id"], "name": "Renewal", "amount": "100"})
    toms = records.create(admin, "customer", {"name": "Tom's Kunde", "owner": "tom"})
    return lina, {"customer": cust["id"], "opportunity": opp["id"], "toms": toms["id"]}


@pytest.mark.parametrize("kind", ["customer", "opportunity"])
def test_a_salesperson_handing_her_record_to_another_is_told_she_may_not_hand_it_over(admin, world, kind):
    lina, ids = world
    rid = ids[kind]
    with pytest.raises(PermissionDenied) as exc:
        records.update(lina, rid, {"owner": "tom"})
    text = exc.value.message
    assert f"may not hand {kind} {rid} over to tom" in text and "may not edit" not in text, text
    assert records.get(admin, rid)["owner"] == "lina" and records.get(admin, rid)["version"] == 1
    assert records.update(lina, rid, {"owner": "lina"})["owner"] == "lina"      # no change: fine


def test_editing_another_salespersons_customer_still_says_she_may_not_edit_it(world):
    lina, ids = world
    with pytest.raises(PermissionDenied, match="may not edit this customer"):
        records.update(lina, ids["toms"], {"city": "Chengdu"})
    with pytest.raises(PermissionDenied, match="may not edit this customer"):
        records.update(lina, ids["toms"], {"owner": "lina"})      # taking it over is editing someone else's


@pytest.mark.parametrize("kind", ["customer", "opportunity"])
def test_on_the_sheet_the_status_names_the_hand_over_rule(admin, world, tmp_path, kind):
    lina, ids = world
    book = new_workbook(tmp_path / "lina.xlsx")
    sync.sync_file(lina, book, "refresh")
    with Editor(book, SHEET[kind]) as ed:
        ed.set(ids[kind], "Owner", "tom")
    sync.sync_file(lina, book, "save")
    status = row_of(book, ids[kind], SHEET[kind])["Status"]
    assert status.startswith("Not allowed:") and "over to tom" in status and "may not edit" not in status, status
    assert records.get(admin, ids[kind])["owner"] == "lina"


def test_on_the_command_line_the_refusal_names_the_hand_over_rule(world, store_path, monkeypatch, capsys):
    from cims_xl.cli import main
    _lina, ids = world
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "lina")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    assert main(["customer", "edit", ids["customer"], "--owner", "tom"]) != 0
    _out, err = capsys.readouterr()
    assert "may not hand customer" in err and "over to tom" in err and "may not edit" not in err, err
