"""What is shown of an amount is never different from what is stored: the currency's
decimal places, or more when the stored amount has more (up to the store's 4), never a
stored value rounded away, and never "-0" (real encrypted stores, via the CLI and the
workbook's text)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cims_xl.domain.display import money
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records


def _customer(run, name: str) -> str:
    code, out, err = run("--format", "json", "customer", "add", "--name", name)
    assert code == 0, err
    return json.loads(out)["id"]


def _shown_number(text: str) -> Decimal:
    return Decimal(text.split()[0].replace(",", ""))


@pytest.mark.parametrize("amount, currency, shown", [
    ("0.001", "CNY", "0.001 CNY"),
    ("1.2345", "BHD", "1.2345 BHD"),
    ("0.0001", "USD", "0.0001 USD"),
    ("12.5", "CNY", "12.50 CNY"),
    ("1234.567", "EUR", "1,234.567 EUR"),
    ("1.2340", "BHD", "1.234 BHD"),
    ("7.1", "KWD", "7.100 KWD"),
    ("1500", "JPY", "1,500 JPY"),
    ("-0", "CNY", "0.00 CNY"),
    ("-0.000", "BHD", "0.000 BHD"),
])
def test_an_added_and_listed_order_shows_the_amount_exactly_as_the_store_keeps_it(run, amount, currency, shown):
    cid = _customer(run, "Ann Lee")
    code, added, err = run("order", "add", "--customer-id", cid, "--order-date", "2024-01-02",
                           "--amount", amount, "--currency", currency)
    assert code == 0, err
    code, out, err = run("--format", "json", "order", "list")
    assert code == 0, err
    stored = Decimal(str(json.loads(out)[0]["amount"]))
    code, listed, err = run("order", "list")
    assert code == 0, err
    for out in (added, listed):
        assert shown in out
        assert "-0." not in out
    assert _shown_number(shown) == stored


def test_a_customers_lifetime_value_in_the_workbook_text_keeps_the_fraction_it_adds_up(admin):
    cid = records.create(admin, "customer", {"name": "Bo Wu"})["id"]
    for amount in ("10", "0.001"):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2024-01-02", "amount": amount,
                                        "currency": "CNY"})
    stored = sum(Decimal(str(o["amount"])) for o in records.list_records(admin, "order"))
    assert stored == Decimal("10.001")
    assert wf.money_text({"CNY": stored}) == "10.001 CNY"


@pytest.mark.parametrize("value, currency, shown", [
    (Decimal("0.001"), "CNY", "0.001 CNY"),
    (0.001, "CNY", "0.001 CNY"),
    (Decimal("-0"), "CNY", "0.00 CNY"),
    (-0.0, None, "0.00"),
    (Decimal("-0.00001"), "USD", "0.00 USD"),       # beyond the store's 4 places: rounds to 0, not -0
    (0.1 + 0.2, "USD", "0.30 USD"),                  # a float's binary noise is not a stored digit
    (Decimal("5.00005"), "CLF", "5.0001 CLF"),
    (Decimal("-1.2345"), "BHD", "-1.2345 BHD"),
    (Decimal("1E+3"), "USD", "1,000.00 USD"),
])
def test_money_text_shows_every_stored_digit_up_to_four_places_and_never_minus_zero(value, currency, shown):
    assert money(value, currency) == shown
