"""A salesperson who moves her own contact, interaction or order to a customer she does
not own is refused with the rule that refuses it (she keeps them only on customers she
owns; it names the customer and whose it is), as the add commands say it, not "may not
edit this order" (she may edit it where it is). The store keeps the record where it was."""

from __future__ import annotations

import pytest

from cims_xl.cli import main
from cims_xl.errors import PermissionDenied
from cims_xl.services import auth, records
from conftest import FAST_KDF, USER_PASSWORD

MADE = {"contact": {"name": "Zhao Min"},
        "interaction": {"type": "Call", "subject": "Renewal", "date": "2026-03-01"},
        "order": {"order_date": "2026-03-01", "amount": "100", "currency": "CNY"}}


@pytest.fixture
def world(admin, session_as):
    auth.add_user(admin, "tom", "sales", USER_PASSWORD, kdf=FAST_KDF)
    lina = session_as("sales", "lina")
    own = records.create(lina, "customer", {"name": "Li Na Kunde", "city": "Wuhan"})["id"]
    toms = records.create(admin, "customer", {"name": "Tom's Kunde", "owner": "tom"})["id"]
    admins = records.create(admin, "customer", {"name": "Kunde der Verwaltung"})["id"]
    made = {kind: records.create(lina, kind, {"customer_id": own, **values})["id"] for kind, values in MADE.items()}
    return lina, own, toms, admins, made


@pytest.mark.parametrize("kind", list(MADE))
def test_moving_her_record_to_another_owners_customer_names_the_customer_and_the_rule(admin, world, kind):
    lina, own, toms, admins, made = world
    for target, whose in ((toms, "a customer tom owns"), (admins, "a customer admin owns")):
        with pytest.raises(PermissionDenied) as exc:
            records.update(lina, made[kind], {"customer_id": target})
        text = exc.value.message
        assert f"may not move {kind} {made[kind]} to {target}, {whose}" in text, text
        assert "only on customers they own" in text and "may not edit" not in text, text
        assert records.get(admin, made[kind])["customer_id"] == own
        assert records.get(admin, made[kind])["version"] == 1


def test_editing_an_order_on_another_owners_customer_still_says_she_may_not_edit_it(admin, world):
    lina, own, toms, _admins, _made = world
    theirs = records.create(admin, "order", {"customer_id": toms, **MADE["order"]})["id"]
    with pytest.raises(PermissionDenied, match="may not edit this order"):
        records.update(lina, theirs, {"customer_id": own})


def test_order_edit_on_the_command_line_says_the_rule(world, store_path, monkeypatch, capsys):
    _lina, _own, toms, _admins, made = world
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code = main(["--store", str(store_path), "--user", "lina", "order", "edit", made["order"], "--customer-id", toms])
    err = " ".join(capsys.readouterr().err.split())
    assert code != 0
    assert f"may not move order {made['order']} to {toms}, a customer tom owns" in err, err
