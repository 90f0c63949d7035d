"""A payment API's JSON export (Stripe charges, invoices) writes amounts in the currency's
minor unit: 1250 usd is 12.50 USD, 500 jpy is 500 JPY (no minor unit), 1250 kwd is 1.250 KWD
(thousandths; ISO 4217). Taken so on the file's evidence (its `object`, its ids, its
`amount_captured`…) and said; whole-number amounts beside lowercase currency codes with
nothing naming the system stop, naming --amount-scale."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

ROWS = [("Ann Lee", "ann@x.example", 1250, "usd"), ("Ken Sato", "ken@y.example", 500, "jpy"),
        ("Ali Sabah", "ali@z.example", 1250, "kwd")]
EXPECTED = {"Ann Lee": (Decimal("12.5"), "USD"), "Ken Sato": (Decimal("500"), "JPY"),
            "Ali Sabah": (Decimal("1.25"), "KWD")}


def _record(i: int, shape: str) -> dict:
    who, email, amount, currency = ROWS[i]
    base = {"amount": amount, "currency": currency, "created": f"2024-03-0{i + 5}",
            "customer_name": who, "customer_email": email}
    if shape == "stripe-charge":
        return {"id": f"ch_{i}abc", "object": "charge", **base, "status": "succeeded"}
    if shape == "stripe-invoice":
        return {"number": f"INV-{i}", "object": "invoice", **base}
    if shape == "captured-field":
        return {"reference": f"R{i}", **base, "amount_captured": amount}
    raise AssertionError(shape)


def _write(tmp_path, shape: str, suffix: str, records_: list[dict]):
    path = tmp_path / f"export.{suffix}"
    if suffix == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records_), encoding="utf-8")
    else:
        path.write_text(json.dumps(records_), encoding="utf-8")
    return path


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {names[o["customer_id"]]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


@pytest.mark.parametrize("shape", ["stripe-charge", "stripe-invoice", "captured-field"])
@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_a_payment_apis_whole_number_amounts_are_minor_units_of_each_rows_currency_and_said(
        admin, tmp_path, shape, suffix):
    path = _write(tmp_path, shape, suffix, [_record(i, shape) for i in range(3)])
    result = import_file(admin, path, kind="orders", mapping={"created": "Order Date"})
    assert _stored(admin) == EXPECTED
    (line,) = [i for i in result.inferences if i["what"] == "amount scale of 'amount'"]
    assert "minor units" in line["decided"] and "--amount-scale 1" in line["evidence"]


@pytest.mark.parametrize("suffix", ["jsonl", "json"])
def test_whole_number_amounts_beside_lowercase_codes_with_no_system_named_stop_naming_amount_scale(
        admin, tmp_path, suffix):
    rows = [{"ref": f"R{i}", "amount": a, "currency": c, "created": f"2024-03-0{i + 5}", "customer_name": w}
            for i, (w, _e, a, c) in enumerate(ROWS[:1] + [("Bo Li", "", 9900, "usd")])]
    path = _write(tmp_path, "plain", suffix, rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", mapping={"created": "Order Date"})
    message = str(stop.value)
    assert "--amount-scale 0.01" in message and "--amount-scale 1" in message and "'amount'" in message, message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", mapping={"created": "Order Date"}, amount_scale="0.01")
    assert _stored(admin) == {"Ann Lee": (Decimal("12.5"), "USD"), "Bo Li": (Decimal("99"), "USD")}
