"""The domain's invariants hold on every write path, `validated=True` included (the
private route of cims's own writers of rows they validated: the import, a workbook Save): an order's amount and quantity and a deal's amount are
never negative, and no amount has a fraction its currency has not (1.5 JPY). Rows are
written as a sales user to a real encrypted store and read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.services import records


@pytest.fixture
def sales(session_as, admin):
    session = session_as("sales", "bob")
    cid = records.create(session, "customer", {"name": "Ann Lee"})["id"]
    return session, cid


def _order(cid: str, **extra) -> dict:
    return {"customer_id": cid, "order_date": dt.date(2024, 3, 1), "amount": Decimal("10"), "currency": "CNY",
            "quantity": 1, "status": "Completed", **extra}


@pytest.mark.parametrize("field, value, header", [
    ("amount", Decimal("-500"), "Amount"),
    ("amount", -0.01, "Amount"),
    ("quantity", -3, "Quantity"),
])
def test_a_validated_order_with_a_negative_amount_or_quantity_is_refused_and_nothing_is_stored(
        sales, admin, field, value, header):
    session, cid = sales
    with pytest.raises(ValidationFailed) as refused:
        records._service_create_many(session, "order", [_order(cid), _order(cid, **{field: value})],
                                     token=records._SERVICE, validated=True)
    assert header in str(refused.value)
    assert records.list_records(admin, "order") == []


def test_a_validated_opportunity_with_a_negative_amount_is_refused(sales, admin):
    session, cid = sales
    with pytest.raises(ValidationFailed, match="Amount"):
        records._service_create_many(session, "opportunity", [{"customer_id": cid, "name": "Deal",
                                                               "amount": Decimal("-1"), "currency": "CNY",
                                                               "stage": "Qualified"}],
                                     token=records._SERVICE, validated=True)
    assert records.list_records(admin, "opportunity") == []


@pytest.mark.parametrize("currency, amount", [("JPY", Decimal("1.5")), ("KRW", Decimal("0.5")), ("VND", 1000.25)])
def test_a_validated_amount_with_a_fraction_its_currency_has_not_is_refused(sales, admin, currency, amount):
    session, cid = sales
    with pytest.raises(ValidationFailed, match="Amount"):
        records._service_create_many(session, "order", [_order(cid, amount=amount, currency=currency)],
                                     token=records._SERVICE, validated=True)
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("changes", [
    {"amount": Decimal("-9999")},
    {"quantity": -1},
    {"currency": "JPY"},                        # 10.5 CNY made JPY keeps a fraction yen have not
    {"amount": Decimal("7.25"), "currency": "JPY"},
])
def test_a_validated_update_that_breaks_an_invariant_is_refused_and_the_order_is_kept(sales, admin, changes):
    session, cid = sales
    order = records._service_create_many(session, "order", [_order(cid, amount=Decimal("10.5"))],
                                         token=records._SERVICE, validated=True)[0]
    with pytest.raises(ValidationFailed):
        records._service_update_many(session, [(order["id"], changes, None)], token=records._SERVICE,
                                     action="update", validated=True)
    kept = records.get(admin, order["id"])
    assert (Decimal(str(kept["amount"])), kept["quantity"], kept["currency"]) == (Decimal("10.5"), 1, "CNY")


def test_validated_writes_that_keep_the_invariants_are_stored(sales, admin):
    session, cid = sales
    made = records._service_create_many(session, "order", [_order(cid, amount=Decimal("0")),
                                                            _order(cid, amount=Decimal("1500"), currency="JPY")],
                                        token=records._SERVICE, validated=True)
    records._service_update_many(session, [(made[0]["id"], {"amount": Decimal("2.5"), "quantity": 0}, None)],
                                 token=records._SERVICE, action="update", validated=True)
    stored = {o["id"]: (Decimal(str(o["amount"])), o["quantity"], o["currency"])
              for o in records.list_records(admin, "order")}
    assert stored == {made[0]["id"]: (Decimal("2.5"), 0, "CNY"), made[1]["id"]: (Decimal("1500"), 1, "JPY")}
