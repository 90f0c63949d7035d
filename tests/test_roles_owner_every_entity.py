"""One rule for every record with an Owner of its own (customers, opportunities,
interactions): a salesperson records them in her own name and may not hand them to
someone else, whether she adds the record, edits it, or does so on the command line.
A manager may; support, who writes interactions, is held to the same rule. Each refusal names the rule, and the store keeps the owner it had."""

from __future__ import annotations

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.services import auth, records
from cims_xl.services.records import OWNER_FIELD
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

OWNED = sorted(OWNER_FIELD)


@pytest.fixture
def world(admin, session_as):
    auth.add_user(admin, "mei", "sales", USER_PASSWORD, kdf=FAST_KDF)
    lina = session_as("sales", "lina")
    cust = records.create(lina, "customer", {"name": "Li Na Kunde"})
    return lina, cust["id"]


def _data(kind: str, customer_id: str) -> dict:
    return {"customer": {"name": "Zweiter Kunde"},
            "opportunity": {"customer_id": customer_id, "name": "Renewal", "amount": "100"},
            "interaction": {"customer_id": customer_id, "kind": "Meeting", "subject": "Kickoff",
                            "occurred_at": "2026-03-01 10:00"}}[kind]


def test_every_entity_with_an_owner_of_its_own_is_covered_here():
    assert set(OWNED) == {"customer", "opportunity", "interaction"}


@pytest.mark.parametrize("kind", OWNED)
def test_a_salesperson_adding_a_record_in_another_users_name_is_refused(admin, world, session_as, kind):
    lina, cid = world
    before = len(records.list_records(admin, kind))
    with pytest.raises(PermissionDenied) as exc:
        records.create(lina, kind, {**_data(kind, cid), "owner": "mei"})
    text = exc.value.message
    assert f"may not create {kind} records for mei" in text and "customer mei owns" not in text, text
    assert len(records.list_records(admin, kind)) == before
    mine = records.create(lina, kind, {**_data(kind, cid), "owner": "lina"})
    assert records.get(admin, mine["id"])["owner"] == "lina"
    if kind == "interaction":
        # support records interactions in their own name too (README: only a manager or
        # administrator writes in another user's name)
        sam = session_as("support", "sam")
        with pytest.raises(PermissionDenied, match="may not create interaction records for mei"):
            records.create(sam, kind, {**_data(kind, cid), "owner": "mei"})
        made = records.create(sam, kind, _data(kind, cid))
        assert records.get(admin, made["id"])["owner"] == "sam"


@pytest.mark.parametrize("kind", OWNED)
def test_a_salesperson_handing_her_record_to_another_user_is_refused(admin, world, session_as, kind):
    lina, cid = world
    rid = cid if kind == "customer" else records.create(lina, kind, _data(kind, cid))["id"]
    with pytest.raises(PermissionDenied) as exc:
        records.update(lina, rid, {"owner": "mei"})
    assert f"may not hand {kind} {rid} over to mei" in exc.value.message, exc.value.message
    stored = records.get(admin, rid)
    assert stored["owner"] == "lina" and stored["version"] == 1
    assert records.update(lina, rid, {"owner": "lina"})["owner"] == "lina"
    # a manager may hand it over
    assert records.update(session_as("manager", "boss"), rid, {"owner": "mei"})["owner"] == "mei"
    assert records.get(admin, rid)["owner"] == "mei"


@pytest.mark.parametrize("verb", ["add", "edit"])
def test_on_the_command_line_an_interaction_in_anothers_name_is_refused(admin, world, store_path, monkeypatch,
                                                                        capsys, verb):
    from cims_xl.cli import main

    lina, cid = world
    made = records.create(lina, "interaction", _data("interaction", cid))
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "lina")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    if verb == "add":
        args = ["interaction", "add", "--customer-id", cid, "--kind", "Meeting", "--subject",
                "mei promised a discount", "--owner", "mei"]
    else:
        args = ["interaction", "edit", made["id"], "--owner", "mei"]
    code = main(args)
    out, err = capsys.readouterr()
    assert code != 0 and "mei" in err and ("may not create" in err or "may not hand" in err), (code, out, err)
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    assert records.get(admin, made["id"])["owner"] == "lina"
    assert {r["owner"] for r in records.list_records(admin, "interaction")} == {"lina"}
