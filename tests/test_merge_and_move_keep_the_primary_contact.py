"""A customer's primary contact is its own choice, kept like its values: a merge keeps the
kept customer's primary, and the retired customer's primary arrives as a non-primary
contact, said in the merge's output and recorded in the contact's history as part of the
merge (not as a plain update). Moving a primary contact to another customer with
`contact edit --customer-id` leaves that customer's primary in place and says so, unless
the move asks for it (`--is-primary yes`). A customer without a primary takes the moved
one as its primary. Real encrypted stores, through the CLI and the Python API."""

from __future__ import annotations

import pytest

from cims_xl.services import merge, records


def _customers(session, *names):
    return [records.create(session, "customer", {"name": n})["id"] for n in names]


def _contact(session, cid, name, primary=True):
    return records.create(session, "contact", {"customer_id": cid, "name": name, "is_primary": primary})["id"]


def _primary(session, pid) -> bool:
    return records.get(session, pid)["is_primary"]


@pytest.mark.parametrize("moved", [1, 3])
def test_a_merge_keeps_the_kept_customers_primary_and_says_the_retired_primary_is_now_a_contact(admin, run, moved):
    keep, drop = _customers(admin, "Kept GmbH", "Retired GmbH")
    kim = _contact(admin, keep, "Kim Keep")
    dan = _contact(admin, drop, "Dan Drop")
    others = [_contact(admin, drop, f"Other {i}", primary=False) for i in range(moved - 1)]
    code, out, err = run("customer", "merge", keep, drop, "--yes")
    assert code == 0, out + err
    assert _primary(admin, kim) and not _primary(admin, dan)
    assert all(not _primary(admin, p) for p in others)
    assert dan in out and "not its primary" in out and f"{kim} stays" in out
    mine = [e for e in records.history(admin, dan) if "is_primary" in (e.get("changes") or {})]
    assert [e["action"] for e in mine][-1] == "merge"
    assert not [e for e in records.history(admin, kim) if e["action"] != "create"]


def test_the_merge_result_names_the_contact_that_is_no_longer_primary(admin):
    keep, drop = _customers(admin, "A Co", "B Co")
    kim, dan = _contact(admin, keep, "Kim"), _contact(admin, drop, "Dan")
    result = merge.merge_customers(admin, keep, drop)
    assert result["primary_kept"] == [{"contact": dan, "primary": kim}]


def test_a_merge_into_a_customer_without_a_primary_keeps_the_moved_primary(admin):
    keep, drop = _customers(admin, "A Co", "B Co")
    kim = _contact(admin, keep, "Kim", primary=False)
    dan = _contact(admin, drop, "Dan")
    result = merge.merge_customers(admin, keep, drop)
    assert _primary(admin, dan) and not _primary(admin, kim)
    assert result["primary_kept"] == []


def test_moving_a_primary_contact_leaves_the_new_customers_primary_unless_asked(admin, run):
    a, b = _customers(admin, "A Co", "B Co")
    kim, dan = _contact(admin, a, "Kim"), _contact(admin, b, "Dan")
    code, out, err = run("contact", "edit", dan, "--customer-id", a)
    assert code == 0, out + err
    assert _primary(admin, kim) and not _primary(admin, dan)
    assert dan in out and f"{kim} stays" in out
    code, out, err = run("contact", "edit", dan, "--is-primary", "yes")
    assert code == 0 and _primary(admin, dan) and not _primary(admin, kim)
    # asked for in the move itself: it takes the place, and the demotion is said
    tia = _contact(admin, b, "Tia")
    code, out, err = run("contact", "edit", tia, "--customer-id", a, "--is-primary", "yes")
    assert code == 0, out + err
    assert _primary(admin, tia) and not _primary(admin, dan)
    assert f"{dan} is no longer the primary contact" in out
