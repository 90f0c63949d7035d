"""JSON records with nested objects (API exports: a Stripe charge's `billing_details`, a
Checkout session's `customer_details`, a Shopify order's `customer`) are spread into
dotted columns (`billing_details.name`, `billing_details.address.city`) before mapping;
the common ones map by themselves, `created` (Unix seconds) is the order's date, and
--map takes the dotted names.

Every file here is written by the test; the values are read back from the store."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

CREATED = 1709632800        # 2024-03-05 10:00 UTC


def _charge(i: int, who: str, email: str, city: str, country: str, postal: str, holder: str) -> dict:
    return {"id": f"ch_3Ob{i}", "object": "charge", "amount": 1250 * (i + 1), "amount_captured": 1250 * (i + 1),
            "currency": "eur", "created": CREATED + i * 86_400, "status": "succeeded",
            holder: {"name": who, "email": email, "phone": None,
                     "address": {"city": city, "country": country, "line1": "1 Main St",
                                 "postal_code": postal, "state": None}},
            "metadata": {}, "refunds": {"object": "list", "data": []}}


PEOPLE = [("Ann Lee", "ann@x.example", "Dublin", "IE", "D02 X285"),
          ("Jörg Weiß", "joerg@y.example", "Berlin", "DE", "10115")]


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


@pytest.mark.parametrize("holder", ["billing_details", "customer_details"])
@pytest.mark.parametrize("shape", ["jsonl", "json-list-object"])
def test_a_stripe_export_with_nested_billing_details_imports_its_customers_and_dates(
        admin, tmp_path, monkeypatch, holder, shape):
    monkeypatch.setenv("CIMS_TZ", "Europe/Dublin")
    charges = [_charge(i, *p, holder) for i, p in enumerate(PEOPLE)]
    if shape == "jsonl":
        path = tmp_path / "charges.jsonl"
        path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in charges), encoding="utf-8")
    else:                       # the API's list object: {"object": "list", "data": [...]}
        path = tmp_path / "charges.json"
        path.write_text(json.dumps({"object": "list", "data": charges, "has_more": False}), encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    mapped = {c["column"]: c["field"] for c in result.mapping}
    assert mapped[f"{holder}.name"] == "Customer Name" and mapped[f"{holder}.email"] == "Customer Email"
    got = orders(admin)
    assert {k: (o["order_date"], Decimal(str(o["amount"])), o["currency"]) for k, o in got.items()} == {
        "ch_3Ob0": (dt.date(2024, 3, 5), Decimal("12.5"), "EUR"),
        "ch_3Ob1": (dt.date(2024, 3, 6), Decimal("25"), "EUR")}
    people = customers(admin)
    assert {n: (c["email"], c["country"]) for n, c in people.items()} == {
        "Ann Lee": ("ann@x.example", "IE"), "Jörg Weiß": ("joerg@y.example", "DE")}
    by_id = {c["id"]: n for n, c in people.items()}
    assert {by_id[o["customer_id"]] for o in got.values()} == {"Ann Lee", "Jörg Weiß"}
    assert (got["ch_3Ob0"]["city"], got["ch_3Ob1"]["city"]) == ("Dublin", "Berlin")
    assert "1 Main St" in (got["ch_3Ob0"]["notes"] or "")     # no order field takes the street: kept


def test_a_stripe_customer_list_fills_the_customers_address_fields(admin, tmp_path):
    path = tmp_path / "customers.jsonl"
    path.write_text("".join(json.dumps({
        "id": f"cus_P{i}", "object": "customer", "name": who, "email": email, "created": CREATED,
        "address": {"city": city, "country": country, "line1": "1 Main St", "line2": None,
                    "postal_code": postal, "state": None}}, ensure_ascii=False) + "\n"
        for i, (who, email, city, country, postal) in enumerate(PEOPLE)), encoding="utf-8")
    import_file(admin, path, kind="customers")
    people = customers(admin)
    assert {n: (c["city"], c["country"], c["postal_code"], c["address"]) for n, c in people.items()} == {
        "Ann Lee": ("Dublin", "IE", "D02 X285", "1 Main St"), "Jörg Weiß": ("Berlin", "DE", "10115", "1 Main St")}


def test_a_dotted_column_is_taken_with_map_and_a_shopify_customer_is_read(admin, tmp_path):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [
        {"id": 5501, "name": "#1001", "processed": "2024-03-05", "total_price": "30.00", "currency": "USD",
         "customer": {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.example"},
         "buyer": {"ref": {"code": "B-17"}}},
        {"id": 5502, "name": "#1002", "processed": "2024-03-06", "total_price": "12.00", "currency": "USD",
         "customer": {"first_name": "Bob", "last_name": "Ray", "email": "bob@y.example"},
         "buyer": {"ref": {"code": "B-18"}}}]}), encoding="utf-8")
    import_file(admin, path, kind="orders",
                mapping={"name": "Order No.", "processed": "Order Date", "buyer.ref.code": "Customer Ref", "id": "-"})
    got = orders(admin)
    assert {k: o["order_date"] for k, o in got.items()} == {"#1001": dt.date(2024, 3, 5),
                                                            "#1002": dt.date(2024, 3, 6)}
    people = customers(admin)
    assert {n: c["email"] for n, c in people.items()} == {"Ann Lee": "ann@x.example", "Bob Ray": "bob@y.example"}
