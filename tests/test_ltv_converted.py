"""Lifetime values with exchange rates: search bounds and sort, CIMS_LTV, the 360 view.

Orders keep their currency; with rates entered (`cims fx set`), a lifetime value is
compared and shown in the store's currency, each order converted at the rate of its
date (the reports' conversion). An order with no rate for its date is never counted
as nothing: the comparison is refused, naming the currency, and the total is unknown.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cims_xl.errors import NotConvertible
from cims_xl.services import records, search, settings


def _order(session, cid, day, amount, currency=None, status=None):
    row = {"customer_id": cid, "order_date": day, "amount": amount}
    if currency:
        row["currency"] = currency
    if status:
        row["status"] = status
    return records.create(session, "order", row)


@pytest.fixture
def shop(admin):
    """A CNY store with USD 7.10 and EUR 7.8 from 2026-01-01 and four customers:
    John (250 USD), 李娜 (3,196 CNY + 500 USD), Müller GmbH (400 EUR + a cancelled
    1,000 EUR), 王芳 (2,000 CNY)."""
    settings.set_fx_rate(admin, "USD", "7.10", "2026-01-01")
    settings.set_fx_rate(admin, "EUR", "7.8", "2026-01-01")
    ids = {}
    for name in ("John Carter", "李娜", "Müller GmbH", "王芳"):
        ids[name] = records.create(admin, "customer", {"name": name, "city": "London" if name[0] in "JM" else "上海"})["id"]
    _order(admin, ids["John Carter"], "2026-02-10", "250", "USD", "Paid")
    _order(admin, ids["李娜"], "2026-01-15", "3196", "CNY")
    _order(admin, ids["李娜"], "2026-03-01", "500", "USD")
    _order(admin, ids["Müller GmbH"], "2026-02-01", "400", "EUR")
    _order(admin, ids["Müller GmbH"], "2026-02-02", "1000", "EUR", "Cancelled")
    _order(admin, ids["王芳"], "2026-01-20", "2000", "CNY")
    return ids


def _names(page):
    return [r["name"] for r in page.rows]


# ----- search ---------------------------------------------------------------------------

def test_a_customer_who_paid_only_in_dollars_is_found_by_a_lifetime_value_in_yuan(admin, shop):
    assert "John Carter" in _names(search.search_customers(admin, ltv_min="1"))
    assert "John Carter" not in _names(search.search_customers(admin, ltv_max="100"))
    assert _names(search.search_customers(admin, ltv_min="1775", ltv_max="1775")) == ["John Carter"]


def test_orders_in_two_currencies_count_together_once_converted(admin, shop):
    # 李娜: 3,196 CNY + 500 USD × 7.10 = 6,746 CNY
    # Müller: 400 EUR × 7.8 = 3,120 CNY (the cancelled order is not revenue)
    assert _names(search.search_customers(admin, ltv_min="3000", ltv_max="3300")) == ["Müller GmbH"]
    assert _names(search.search_customers(admin, ltv_min="6746", ltv_max="6746")) == ["李娜"]


@pytest.mark.parametrize("few", [0, 2, 10_000])
def test_selected_customers_compare_alike_whether_their_orders_or_all_orders_are_read(admin, shop, monkeypatch, few):
    monkeypatch.setattr(search, "FEW_FOR_LTV", few)     # 0: every order read; else those selected
    assert _names(search.search_customers(admin, ltv_min="1775", ltv_max="3120")) == ["John Carter", "Müller GmbH",
                                                                                      "王芳"]
    assert _names(search.search_customers(admin, city="London", ltv_min="2000")) == ["Müller GmbH"]
    assert _names(search.search_customers(admin, city="上海", sort="ltv")) == ["王芳", "李娜"]
    deleted = records.create(admin, "customer", {"name": "Gone Ltd"})["id"]
    _order(admin, deleted, "2026-02-01", "70", "GBP")
    records.delete(admin, deleted)                      # its unrated order is nobody's business now
    assert search.search_customers(admin, ltv_min="1").total == 4


def test_sorting_by_lifetime_value_compares_converted_totals_and_pages(admin, shop):
    ranked = _names(search.search_customers(admin, sort="ltv", descending=True))
    assert ranked == ["李娜", "Müller GmbH", "王芳", "John Carter"]
    first = search.search_customers(admin, sort="ltv", limit=2)
    second = search.search_customers(admin, sort="ltv", limit=2, offset=2)
    assert first.total == second.total == 4
    assert _names(first) + _names(second) == list(reversed(ranked))


def test_other_conditions_combine_with_a_converted_lifetime_value(admin, shop):
    assert _names(search.search_customers(admin, city="London", ltv_min="2000")) == ["Müller GmbH"]
    assert _names(search.search_customers(admin, "John", ltv_min="1000")) == ["John Carter"]
    assert search.search_customers(admin, city="London", ltv_min="1", limit=1).total == 2


def test_a_currency_without_a_rate_refuses_the_comparison_and_names_it(admin, shop):
    other = records.create(admin, "customer", {"name": "Oxford Books"})["id"]
    _order(admin, other, "2026-02-01", "90", "GBP")
    with pytest.raises(NotConvertible) as err:
        search.search_customers(admin, ltv_min="1")
    message = err.value.message
    assert "GBP (no exchange rate entered)" in message and "cims fx set GBP" in message
    assert "\n" not in message
    with pytest.raises(NotConvertible):
        search.search_customers(admin, sort="ltv")
    # Conditions that leave that customer out compare as before.
    assert _names(search.search_customers(admin, city="上海", ltv_min="5000")) == ["李娜"]
    # One currency asked for: its orders only, no conversion.
    assert _names(search.search_customers(admin, ltv_min="1", ltv_currency="gbp")) == ["Oxford Books"]
    settings.set_fx_rate(admin, "GBP", "9.2", "2026-01-01")
    assert _names(search.search_customers(admin, ltv_min="800", ltv_max="900")) == ["Oxford Books"]


def test_an_order_dated_before_its_currencys_first_rate_refuses_the_comparison(admin, shop):
    _order(admin, shop["王芳"], "2025-12-31", "10", "USD")
    with pytest.raises(NotConvertible, match=r"USD \(orders dated before the first USD rate, 2026-01-01\)"):
        search.search_customers(admin, ltv_min="1")
    settings.set_fx_rate(admin, "USD", "7.2", "2025-06-01")
    # 2,000 CNY + 10 USD × 7.2 (the rate in force on 2025-12-31)
    assert _names(search.search_customers(admin, ltv_min="2072", ltv_max="2072")) == ["王芳"]


def test_each_order_is_converted_at_the_rate_of_its_own_date(admin, shop):
    settings.set_fx_rate(admin, "USD", "7.3", "2026-03-01")      # 李娜's USD order is on that day
    assert _names(search.search_customers(admin, ltv_min="6846", ltv_max="6846")) == ["李娜"]
    assert _names(search.search_customers(admin, ltv_min="1775", ltv_max="1775")) == ["John Carter"]


def test_a_store_in_one_currency_filters_as_before(admin):
    a = records.create(admin, "customer", {"name": "Alpha"})["id"]
    records.create(admin, "customer", {"name": "Beta"})
    _order(admin, a, "2024-01-01", "500")
    _order(admin, a, "2024-02-01", "700", status="Returned")
    assert _names(search.search_customers(admin, ltv_min="500")) == ["Alpha"]
    assert _names(search.search_customers(admin, ltv_max="0")) == ["Beta"]


def test_the_cli_finds_by_converted_lifetime_value_and_explains_a_refusal(run, admin, shop):
    code, out, err = run("--format", "json", "customer", "search", "--ltv-min", "1", "--ltv-max", "1999")
    assert code == 0, err
    assert [r["name"] for r in json.loads(out)["rows"]] == ["John Carter"]
    other = records.create(admin, "customer", {"name": "Tokyo Tea"})["id"]
    _order(admin, other, "2026-02-01", "5000", "JPY")
    code, out, err = run("customer", "search", "--ltv-min", "1")
    assert code != 0 and "JPY (no exchange rate entered)" in err and "Traceback" not in err
    code, out, err = run("--format", "json", "customer", "search", "--ltv-min", "1", "--ltv-currency", "JPY")
    assert code == 0, err
    assert [r["name"] for r in json.loads(out)["rows"]] == ["Tokyo Tea"]


# ----- CIMS_LTV, the 360 view ---------------------------------------------------------------

def test_cims_ltv_is_a_number_in_the_stores_currency_when_the_rates_convert_every_order(admin, shop):
    from cims_xl.excel import worksheet_functions as wf
    assert wf.cims_ltv(shop["John Carter"], session=admin) == 1775.0
    assert wf.cims_ltv(shop["李娜"], session=admin) == 6746.0
    assert wf.cims_ltv([[shop["Müller GmbH"]], [shop["王芳"]]], session=admin) == [[3120.0], [2000.0]]
    # One currency asked for: its orders as entered, unconverted.
    assert wf.cims_ltv(shop["李娜"], "USD", session=admin) == 500.0
    assert wf.cims_ltv(shop["李娜"], "CNY", session=admin) == 3196.0


def test_cims_ltv_names_what_no_rate_converts_and_follows_a_new_rate(admin, shop):
    from cims_xl.excel import worksheet_functions as wf
    _order(admin, shop["李娜"], "2026-04-01", "80", "GBP")
    column = [[shop["John Carter"]], [shop["李娜"]]]
    assert wf.cims_ltv(column, session=admin) == [[1775.0], ["6,746.00 CNY; 80.00 GBP"]]
    settings.set_fx_rate(admin, "GBP", "9", "2026-01-01")
    assert wf.cims_ltv(column, session=admin) == [[1775.0], [7466.0]]       # the cache saw the new rate
    settings.set_fx_rate(admin, "USD", "7.5", "2026-03-01")
    assert wf.cims_ltv(shop["李娜"], session=admin) == 3196 + 500 * 7.5 + 720
    settings.delete_fx_rate(admin, "GBP", "2026-01-01")
    assert wf.cims_ltv(shop["李娜"], session=admin) == "6,946.00 CNY; 80.00 GBP"


def test_the_360_view_gives_the_converted_total_or_none_never_a_part(admin, shop):
    from cims_xl.excel import worksheet_functions as wf
    view = search.customer_360(admin, shop["李娜"])
    assert view["lifetime_value"] == Decimal("6746") and view["lifetime_value_currency"] == "CNY"
    assert view["lifetime_values"] == {"CNY": Decimal("3196"), "USD": Decimal("500")}
    assert view["lifetime_value_unconverted"] == {}
    assert "LTV 6,746.00 CNY (from 3,196.00 CNY; 500.00 USD)" in wf.cims_360(shop["李娜"], session=admin)
    _order(admin, shop["李娜"], "2026-04-01", "80", "GBP")
    view = search.customer_360(admin, shop["李娜"])
    assert view["lifetime_value"] is None
    assert view["lifetime_value_unconverted"] == {"GBP": Decimal("80")}
    assert search.lifetime_value(admin, shop["John Carter"]) == Decimal("1775")
    with pytest.raises(NotConvertible, match="GBP"):
        search.lifetime_value(admin, shop["李娜"])


def test_the_cli_360_in_json_has_the_converted_lifetime_value_or_null(run, admin, shop):
    code, out, err = run("--format", "json", "customer", "360", shop["李娜"])
    assert code == 0, err
    data = json.loads(out)
    assert Decimal(data["lifetime_value"]) == Decimal("6746") and data["lifetime_value_currency"] == "CNY"
    assert {c: Decimal(v) for c, v in data["lifetime_values"].items()} == {"CNY": 3196, "USD": 500}
    code, out, err = run("customer", "360", shop["李娜"])
    assert "6,746.00 CNY at your exchange rates (3,196.00 CNY; 500.00 USD)" in " ".join(out.split())
    _order(admin, shop["李娜"], "2026-04-01", "80", "GBP")
    code, out, err = run("--format", "json", "customer", "360", shop["李娜"])
    data = json.loads(out)
    assert data["lifetime_value"] is None
    assert {c: Decimal(v) for c, v in data["lifetime_value_unconverted"].items()} == {"GBP": 80}
