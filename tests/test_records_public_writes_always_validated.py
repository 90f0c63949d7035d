"""`records.create_many` and `records.update_many` validate every row, `validated=True`
or not: a signed-in user calling them from Python stores nothing that no validator ever
saw (an email "not an email", a phone "12", a stage outside its list, a bidi override, a
date written as a word). Only cims's own writers of rows they validated themselves (the
import, a workbook Save) skip it, through the private route with the module's token.

Written as a sales user (tickets: a support user, the role that files them) to a real
encrypted store, read back from a new session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import PermissionDenied, ValidationFailed
from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD

KINDS = ("customer", "contact", "interaction", "order", "opportunity", "ticket")


@pytest.fixture
def shop(session_as, admin):
    """A sales user's customer with one record of each kind, a support user's ticket."""
    bob = session_as("sales", "bob")
    sue = session_as("support", "sue")
    cid = records.create(bob, "customer", {"name": "Ann Lee", "email": "ann@example.com", "city": "Leeds"})["id"]
    ids = {
        "customer": cid,
        "order": records.create(bob, "order", {"customer_id": cid, "order_date": dt.date(2024, 3, 1),
                                               "amount": Decimal("10"), "currency": "GBP"})["id"],
        "opportunity": records.create(bob, "opportunity", {"customer_id": cid, "name": "Renewal",
                                                           "stage": "Lead"})["id"],
        "interaction": records.create(bob, "interaction", {"customer_id": cid, "kind": "Call"})["id"],
        "ticket": records.create(sue, "ticket", {"customer_id": cid, "subject": "Printer jams"})["id"],
    }
    return {"sales": bob, "support": sue, "cid": cid, "ids": ids}


def _row(kind: str, cid: str) -> dict:
    """A good new row of `kind` (a value of a field is then replaced by the one tried)."""
    return {"customer": {"name": "Björn Berg", "email": "bjorn@example.se", "phone": "+46 8 123 456 78"},
            "order": {"customer_id": cid, "order_date": dt.date(2024, 5, 2), "amount": Decimal("99.50"),
                      "currency": "GBP", "status": "Paid"},
            "opportunity": {"customer_id": cid, "name": "Upsell", "stage": "Qualified"},
            "ticket": {"customer_id": cid, "subject": "Toner", "priority": "P2"},
            "interaction": {"customer_id": cid, "kind": "Meeting",
                            "occurred_at": dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.timezone.utc)}}[kind]


def _role(kind: str) -> str:
    return "support" if kind == "ticket" else "sales"


def _store_as_it_is(store_path) -> dict:
    """Every record of every kind, deleted ones too, and the change clock, read from a new session."""
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return {"clock": records.change_clock(session),
                **{kind: records.list_records(session, kind, include_deleted=True) for kind in KINDS}}
    finally:
        session.close()


BAD = [   # (kind, field, a value no validator accepts)
    ("customer", "email", "not an email"),
    ("customer", "email", "=HYPERLINK(\"http://evil.example\")"),
    ("customer", "phone", "12"),
    ("customer", "phone", "=1+2"),
    ("customer", "name", "Ann\x1b[2JLee"),
    ("customer", "name", "李" * 600),
    ("order", "status", "Teleported"),
    ("order", "order_date", "yesterday"),
    ("order", "amount", "ten"),
    ("opportunity", "stage", "Dreaming"),
    ("opportunity", "probability", 900),
    ("opportunity", "probability", -5),
    ("ticket", "subject", "invoice\u202etxt.exe"),
    ("ticket", "opened_at", "gestern"),
    ("ticket", "resolved_at", "bientôt"),
    ("interaction", "occurred_at", "yesterday"),
    ("interaction", "kind", "Telepathy"),
]


@pytest.mark.parametrize("kind, key, value", BAD)
def test_a_value_no_validator_accepts_is_refused_by_create_many_with_validated_true_and_nothing_is_stored(
        shop, store_path, kind, key, value):
    session = shop[_role(kind)]
    before = _store_as_it_is(store_path)
    good = _row(kind, shop["cid"])
    with pytest.raises(ValidationFailed) as refused:
        records.create_many(session, kind, [good, {**good, key: value}], validated=True)
    assert ENTITIES[kind].field(key).header in str(refused.value)
    assert _store_as_it_is(store_path) == before
    # the good row alone is stored, as validated
    made = records.create_many(session, kind, [good], validated=True)[0]
    assert _store_as_it_is(store_path)[kind][-1]["id"] == made["id"]


@pytest.mark.parametrize("kind, key, value", BAD)
def test_a_value_no_validator_accepts_is_refused_by_update_many_with_validated_true_and_the_record_is_kept(
        shop, store_path, kind, key, value):
    session = shop[_role(kind)]
    rid = shop["ids"][kind]
    before = _store_as_it_is(store_path)
    with pytest.raises(ValidationFailed) as refused:
        records.update_many(session, [(rid, {key: value}, None)], validated=True)
    assert ENTITIES[kind].field(key).header in str(refused.value)
    assert _store_as_it_is(store_path) == before


def test_a_due_time_written_as_a_word_on_a_new_ticket_is_refused_not_replaced_behind_the_users_back(
        shop, store_path):
    before = _store_as_it_is(store_path)
    row = {**_row("ticket", shop["cid"]), "first_response_due": "morgen früh"}
    with pytest.raises(ValidationFailed, match="Response Due"):
        records.create_many(shop["support"], "ticket", [row], validated=True)
    assert _store_as_it_is(store_path) == before


# (kind, field, a value as a person or a program writes it, the value it means)
MEANT = [
    ("customer", "email", "  Bjorn@Example.SE ", "Bjorn@example.se"),   # the domain is case-blind, the mailbox not
    ("customer", "phone", "+46 8 123 456 78", "+46812345678"),
    ("customer", "name", "Ann\u202eLee", "AnnLee"),
    ("order", "order_date", "2024-05-02", dt.date(2024, 5, 2)),
    ("order", "amount", "£99.50", Decimal("99.50")),
    ("ticket", "priority", "p1", "P1"),
    ("ticket", "priority", " P2 ", "P2"),
    ("ticket", "status", "open", "Open"),
    ("interaction", "occurred_at", "2024-05-02T09:30:00+00:00",
     dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.timezone.utc)),
]


@pytest.mark.parametrize("kind, key, written, meant", MEANT)
def test_a_value_written_as_text_is_validated_into_the_value_it_means_on_both_writes(
        shop, store_path, kind, key, written, meant):
    session = shop[_role(kind)]
    made = records.create_many(session, kind, [{**_row(kind, shop["cid"]), key: written}], validated=True)[0]
    records.update_many(session, [(shop["ids"][kind], {key: written}, None)], validated=True)
    stored = {r["id"]: r for r in _store_as_it_is(store_path)[kind]}
    assert stored[made["id"]][key] == meant
    assert stored[shop["ids"][kind]][key] == meant


def test_a_new_ticket_passed_as_validated_without_its_defaults_gets_them(shop, store_path):
    made = records.create_many(shop["support"], "ticket", [{"customer_id": shop["cid"], "subject": "Scanner"}],
                               validated=True)[0]
    stored = {r["id"]: r for r in _store_as_it_is(store_path)["ticket"]}[made["id"]]
    assert (stored["status"], stored["priority"]) == ("New", "P3")
    assert stored["first_response_due"] is not None and stored["resolution_due"] > stored["first_response_due"]


def test_the_unvalidated_route_is_refused_without_cims_s_own_token_and_nothing_is_stored(shop, store_path):
    before = _store_as_it_is(store_path)
    row = {**_row("customer", ""), "email": "not an email"}
    with pytest.raises(PermissionDenied):
        records._service_create_many(shop["sales"], "customer", [row], token=object(), validated=True)
    with pytest.raises(PermissionDenied):
        records._service_update_many(shop["sales"], [(shop["cid"], {"email": "not an email"}, None)],
                                     token=object(), action="update", validated=True)
    assert _store_as_it_is(store_path) == before
