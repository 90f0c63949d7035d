"""One primary contact per customer: a contact added or edited as primary takes the
place of the customer's primary until then, which is demoted (audited) and named by the
CLI; other customers' primaries are untouched. An interaction logged without a time
happened now (never a blank When). Real encrypted stores in tmp_path, CLI and API."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD

NAMES = [("Anna Berg", "Jonas Berg"), ("王芳", "李雷"), ("Ольга", "Иван")]


def primaries(store_path, cid: str) -> list[str]:
    s = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return [c["id"] for c in records.list_records(s, "contact", customer_id=cid) if c["is_primary"]]
    finally:
        s.close()


@pytest.mark.parametrize("first,second", NAMES)
def test_a_second_primary_contact_demotes_the_first_and_the_cli_says_which(run, store_path, admin, first, second):
    cid = records.create(admin, "customer", {"name": "Acme"})["id"]
    other = records.create(admin, "customer", {"name": "Other"})["id"]
    theirs = records.create(admin, "contact", {"customer_id": other, "name": "X", "is_primary": True})["id"]
    code, out, err = run("--format", "json", "contact", "add", "--customer-id", cid, "--name", first,
                         "--is-primary", "yes")
    assert code == 0, err
    p1 = json.loads(out)["id"]
    code, out, err = run("--format", "json", "contact", "add", "--customer-id", cid, "--name", second,
                         "--is-primary", "yes")
    assert code == 0, err
    p2 = json.loads(out)["id"]
    assert primaries(store_path, cid) == [p2]
    assert primaries(store_path, other) == [theirs]
    assert p1 in err and p2 in err and "no longer the primary" in err
    code, out, err = run("contact", "edit", p1, "--is-primary", "yes")
    assert code == 0, err
    assert primaries(store_path, cid) == [p1] and f"{p2} is no longer the primary" in out + err


def test_two_primaries_of_one_customer_in_one_write_keep_the_last(store_path, admin):
    cid = records.create(admin, "customer", {"name": "Acme"})["id"]
    made = records.create_many(admin, "contact", [{"customer_id": cid, "name": n, "is_primary": True}
                                                  for n in ("A", "B", "C")])
    assert primaries(store_path, cid) == [made[-1]["id"]]


@pytest.mark.parametrize("kind", ["Call", "Email", "Meeting"])
def test_an_interaction_logged_without_a_time_happened_now(run, store_path, admin, kind):
    cid = records.create(admin, "customer", {"name": "Acme"})["id"]
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    code, out, err = run("--format", "json", "interaction", "add", "--customer-id", cid, "--kind", kind,
                         "--subject", "hi")
    assert code == 0, err
    iid = json.loads(out)["id"]
    s = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        at = records.get(s, iid)["occurred_at"]
    finally:
        s.close()
    assert at is not None and before <= at <= dt.datetime.now(dt.timezone.utc)
