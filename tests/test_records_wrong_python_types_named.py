"""A value of the wrong Python type given through the API — a dict, a list, bytes, a bare
object, "yesterday-ish" where a date goes, NaN where a stage goes — is refused with a
ValidationFailed naming the field and what kind of value it was, on the public writes
(`records.update_many`, `records.create`) and on the private routes cims's import and
Save use (`_service_update_many` / `_service_create_many`, validated=True): never an
AttributeError, TypeError or database error from deep inside, never stored as its repr,
and nothing written. The value itself is not in the message (it may be personal). Real
encrypted stores in tmp_path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import ValidationFailed
from cims_xl.services import records
from cims_xl.services.records import _SERVICE

GARBAGE = [{"secret": "x"}, ["secret", 2], b"secret", object(), {"secret"}, ("secret",)]


@pytest.fixture
def stored(admin):
    cid = records.create(admin, "customer", {"name": "Anna Berg", "email": "anna@example.com"})["id"]
    return {
        "customer": cid,
        "contact": records.create(admin, "contact", {"customer_id": cid, "name": "Bob Roe"})["id"],
        "order": records.create(admin, "order", {"customer_id": cid, "order_number": "1",
                                                 "order_date": "2024-01-01", "amount": "1"})["id"],
        "opportunity": records.create(admin, "opportunity", {"customer_id": cid, "name": "Deal"})["id"],
        "ticket": records.create(admin, "ticket", {"customer_id": cid, "subject": "Help"})["id"],
        "interaction": records.create(admin, "interaction", {"customer_id": cid, "kind": "Call",
                                                             "subject": "Hi"})["id"],
    }


def _refused(call, header: str) -> str:
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert header in exc.value.problems, exc.value.problems
    assert "secret" not in str(exc.value)
    return exc.value.problems[header]


CONSENT_GARBAGE = [({"a": 1}, "dict"), ([2024, 1, 1], "list"), ("yesterday-ish", "text"), (object(), "object"),
                   (3.5j, "complex")]


@pytest.mark.parametrize("route", ["service_validated", "service", "public"])
def test_a_garbage_marketing_consent_date_is_refused_naming_the_field_and_nothing_is_written(admin, stored, route):
    cid = stored["customer"]
    before = records.get(admin, cid)
    for garbage, said in CONSENT_GARBAGE:
        calls = {
            "service_validated": lambda: records._service_update_many(
                admin, [(cid, {"marketing_consent_at": garbage}, None)], token=_SERVICE, action="update",
                validated=True),
            "service": lambda: records._service_update_many(
                admin, [(cid, {"marketing_consent_at": garbage}, None)], token=_SERVICE, action="update"),
            "public": lambda: records.update_many(admin, [(cid, {"marketing_consent_at": garbage}, None)]),
        }
        problem = _refused(calls[route], "Consent Date")
        assert "date" in problem
        if route == "service_validated" or said in ("dict", "list", "object"):
            assert said in problem
    after = records.get(admin, cid)
    assert after["version"] == before["version"] and after["marketing_consent_at"] is None


def _fields():
    for kind, ent in ENTITIES.items():
        if kind not in ("customer", "contact", "order", "opportunity", "ticket", "interaction"):
            continue
        for f in ent.fields:
            if not f.internal and f.editable and f.key != "customer_id":
                yield kind, f.key, f.header


@pytest.mark.parametrize("kind, key, header", list(_fields()))
def test_every_field_given_a_container_or_a_bare_object_is_refused_by_name_on_every_route(
        admin, stored, kind, key, header):
    rid = stored[kind]
    before = records.get(admin, rid)
    for garbage in GARBAGE:
        for call in (
                lambda: records.update_many(admin, [(rid, {key: garbage}, None)]),
                lambda: records._service_update_many(admin, [(rid, {key: garbage}, None)], token=_SERVICE,
                                                     action="update", validated=True),
                lambda: records._service_create_many(admin, kind, [{**_valid(kind, stored), key: garbage}],
                                                     token=_SERVICE, validated=True)):
            _refused(call, header)
    after = records.get(admin, rid)
    assert after["version"] == before["version"] and after[key] == before[key]
    assert len(records.list_records(admin, kind)) == (1 if kind != "customer" else 1)


def _valid(kind: str, stored: dict) -> dict:
    """A row of `kind` as a validated import row holds it (the service route writes it as given)."""
    cid = stored["customer"]
    return {
        "customer": {"name": "Carla Dias", "source": "Import"},
        "contact": {"customer_id": cid, "name": "Dee Doe"},
        "order": {"customer_id": cid, "order_number": "2", "order_date": dt.date(2024, 1, 2),
                  "amount": Decimal("5"), "currency": "CNY"},
        "opportunity": {"customer_id": cid, "name": "Other", "stage": "Lead", "probability": 10},
        "ticket": {"customer_id": cid, "subject": "More", "status": "Open", "priority": "P3"},
        "interaction": {"customer_id": cid, "kind": "Call", "subject": "Again",
                        "occurred_at": dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.timezone.utc)},
    }[kind]


@pytest.mark.parametrize("value", [float("nan"), Decimal("NaN"), "", None])
def test_a_deals_stage_emptied_or_nan_is_refused_naming_stage_not_a_database_error(admin, stored, value):
    rid = stored["opportunity"]
    problem = _refused(lambda: records.update_many(admin, [(rid, {"stage": value}, None)]), "Stage")
    assert "Lead" in problem
    assert records.get(admin, rid)["stage"] == "Lead"


def test_numbers_out_of_range_or_not_finite_are_refused_by_name(admin, stored):
    rid = stored["opportunity"]
    wrong = (("probability", "Probability %", -1), ("probability", "Probability %", 10**30),
             ("amount", "Amount", Decimal("Infinity")), ("amount", "Amount", 10**30))
    for route, (key, header, value) in ((r, w) for r in ("service_validated", "public") for w in wrong):
        if route == "public":
            call = lambda: records.update_many(admin, [(rid, {key: value}, None)])     # noqa: E731
        else:
            call = lambda: records._service_update_many(admin, [(rid, {key: value}, None)],  # noqa: E731
                                                        token=_SERVICE, action="update", validated=True)
        _refused(call, header)
    assert records.get(admin, rid)["version"] == 1
