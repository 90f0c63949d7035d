"""A refusal says what was refused: adding an order to a customer someone else owns is
not "creating it for" that person (nobody typed an owner)."""
from __future__ import annotations

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.services import records


@pytest.mark.parametrize("kind, values", [
    ("order", {"amount": "10", "currency": "CNY", "order_date": "2026-03-05"}),
    ("contact", {"name": "Eva Maier"}),
    ("interaction", {"kind": "Call", "subject": "hello"}),
])
def test_a_salesperson_adding_to_another_owners_customer_is_told_whose_customer_it_is(admin, session_as, kind, values):
    sue = session_as("sales", "sue")
    theirs = records.create(sue, "customer", {"name": "Acme Ltd"})["id"]
    sam = session_as("sales", "sam")
    with pytest.raises(PermissionDenied) as refused:
        records.create(sam, kind, {**values, "customer_id": theirs})
    text = str(refused.value)
    assert f"may not add {kind} records to a customer sue owns" in text
    assert "leave the owner out" not in text


def test_a_salesperson_giving_a_customer_to_someone_else_is_still_told_to_leave_the_owner_out(admin, session_as):
    session_as("sales", "sue")
    sam = session_as("sales", "sam")
    with pytest.raises(PermissionDenied, match="for sue: a sales user creates them for themselves"):
        records.create(sam, "customer", {"name": "Acme Ltd", "owner": "sue"})
