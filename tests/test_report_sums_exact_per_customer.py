"""Every money figure of the reports is an exact Decimal sum: a customer's lifetime value
(Top customers), the RFM segments' sales, the pipeline's amounts, as the sales tables.

Read back from a real encrypted store through the report service; the expected values
are Decimal sums of the amounts written, rounded half up at the store's 4 decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from cims_xl.reports.refresh import build_for_session
from cims_xl.services import records, settings

FOUR = Decimal("0.0001")


def _exact(value) -> Decimal:
    return Decimal(value).quantize(FOUR, rounding=ROUND_HALF_UP)


def _customer(session, name="Alice Multi"):
    return records.create(session, "customer", {"name": name, "city": "Boston"})["id"]


def _order(session, cid, amount, currency, day="2025-03-04"):
    records.create(session, "order", {"customer_id": cid, "order_date": day, "amount": Decimal(amount),
                                      "currency": currency})


def _table(reports, name):
    for sheet in reports.values():
        for t in sheet.tables:
            if t.name == name:
                return t
    raise KeyError(name)


def _row(table, column, value):
    rows = table.data[table.data[column] == value]
    assert len(rows) == 1, (column, value, table.data)
    return rows.iloc[0]


@pytest.mark.parametrize("amounts", [
    ["100.10", "0.005", "9999999999999.99"],                 # the tester's customer: …100.095
    ["9999999999999.99", "9999999999999.99", "0.0001"],      # a 0.0001 a float sum drops
    ["999999999999.999", "0.0003", "0.0003", "0.0003"],   # 15 digits, the most stored
    ["0.1", "0.2", "0.3", "7777777777777.77"],
])
def test_a_customers_lifetime_value_is_the_exact_sum_of_its_orders_as_sales_by_year_shows(admin, amounts):
    settings.set_store_currency(admin, "USD")
    cid = _customer(admin)
    other = _customer(admin, "Bob Small")
    for a in amounts:
        _order(admin, cid, a, "USD")
    _order(admin, other, "1", "USD")
    reports = build_for_session(admin)
    want = _exact(sum(Decimal(a) for a in amounts) + 1)
    assert _table(reports, "tblSalesByYear").data["Sales"].tolist() == [want]
    top = _table(reports, "tblTopCustomers")
    assert _row(top, "Customer ID", cid)["Lifetime Value"] == _exact(sum(Decimal(a) for a in amounts))
    assert str(_row(top, "Customer ID", cid)["Lifetime Value"]) == str(_exact(sum(Decimal(a) for a in amounts)))
    # the segments add the same customers' exact values
    rfm = _table(reports, "tblRfmSegments")
    assert sum(rfm.data["Sales"].tolist(), Decimal(0)) == want


@pytest.mark.parametrize("rate, amounts", [
    ("0.1399", [("9999999999999.99", "USD"), ("700.05", "CNY"), ("100.10", "USD"), ("0.005", "USD")]),  # .031995
    ("0.14014", [("0.005", "USD"), ("3.33", "CNY"), ("9999999999999.99", "USD")]),
    # 9,999,999,999,999.99 at a rate of 9 decimals: units of 10**-11 beyond int64, added as Decimals
    ("0.123456789", [("9999999999999.99", "CNY"), ("9999999999999.99", "CNY"), ("0.01", "USD")]),
])
def test_a_converted_lifetime_value_is_the_exact_sum_of_each_order_times_its_rate(admin, rate, amounts):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "CNY", rate, "2020-01-01", confirm=True)
    cid = _customer(admin)
    for a, code in amounts:
        _order(admin, cid, a, code)
    _order(admin, _customer(admin, "Bob Small"), "1", "USD")
    reports = build_for_session(admin)
    exact = sum((Decimal(a) * (Decimal(rate) if code == "CNY" else 1) for a, code in amounts), Decimal(0))
    top = _table(reports, "tblTopCustomers")
    assert _row(top, "Customer ID", cid)["Lifetime Value"] == _exact(exact)
    assert _table(reports, "tblSalesByYear").data["Sales"].tolist() == [_exact(exact + 1)]
    assert sum(_table(reports, "tblRfmSegments").data["Sales"].tolist(), Decimal(0)) == _exact(exact + 1)


@pytest.mark.parametrize("amount, rate, probability", [
    ("5000.5", "0.1399", 50),              # 699.56995 → 699.5700; weighted 349.784975 → 349.7850
    ("7.5", "0.14014", 33),                # 1.05105 → 1.0511
    ("9999999999999.99", "0.1437", 75),
])
def test_pipeline_amounts_are_exact_products_of_amount_rate_and_probability(admin, amount, rate, probability):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "CNY", rate, "2020-01-01", confirm=True)
    cid = _customer(admin)
    records.create(admin, "opportunity", {"customer_id": cid, "name": "Deal", "stage": "Negotiation",
                                          "amount": Decimal(amount), "currency": "CNY",
                                          "probability": probability, "expected_close": "2026-12-30"})
    reports = build_for_session(admin)
    converted = Decimal(amount) * Decimal(rate)
    weighted = converted * probability / 100
    row = _row(_table(reports, "tblPipelineByStage"), "Stage", "Negotiation")
    assert (row["Amount"], row["Weighted"]) == (_exact(converted), _exact(weighted))
    forecast = _table(reports, "tblForecast").data.iloc[0]
    assert (forecast["Open"], forecast["Weighted"], forecast["Best Case"]) == \
        (_exact(converted), _exact(weighted), _exact(converted))
