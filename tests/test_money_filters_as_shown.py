"""A filter on a money figure compares the value as it is shown.

A lifetime value converted at exchange rates is shown rounded half up to the store
currency's minor units (9.774375 USD is "9.77 USD" in `customer 360`, the workbook and
the lists); `--ltv-min`/`--ltv-max` compare that value, so a user who copies a shown
figure finds the customer. A lifetime value of stored amounts only is shown as stored
(9.774 USD), and compared as such.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.services import records, search, settings


def _customer(admin, name, orders):
    cid = records.create(admin, "customer", {"name": name})["id"]
    for day, amount, code in orders:
        records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": Decimal(amount),
                                        "currency": code})
    return cid


def _found(admin, **bounds) -> list[str]:
    return [r["id"] for r in search.search_customers(admin, **bounds).rows]


def test_a_converted_lifetime_value_is_found_by_the_figure_shown_for_it(admin, run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "BHD", "2.65", "2024-01-01", confirm=True)
    settings.set_fx_rate(admin, "KWD", "3.25", "2024-01-01", confirm=True)
    # 1.235 BHD x 2.65 + 2.0005 KWD x 3.25 = 9.774375 USD, shown 9.77 USD
    cid = _customer(admin, "Ann Lee", [("2025-01-10", "1.235", "BHD"), ("2025-02-10", "2.0005", "KWD")])
    stored = _customer(admin, "Bo Chen", [("2025-01-10", "9.774", "USD")])       # shown 9.774 USD
    code, out, err = run("customer", "360", cid)
    assert code == 0 and "lifetime value 9.77 USD" in " ".join(out.split()), err
    assert _found(admin, ltv_max="9.77") == [cid]
    assert _found(admin, ltv_min="9.77", ltv_max="9.77") == [cid]
    assert _found(admin, ltv_min="9.7740") == [stored]         # 9.77 as shown is below
    assert _found(admin, ltv_min="9.78") == []
    code, out, err = run("customer", "search", "--ltv-max", "9.77")
    assert code == 0 and cid in out and stored not in out, err
    code, out, err = run("customer", "search", "--help")
    assert "as shown" in " ".join(out.split())


@pytest.mark.parametrize("base, code, rate, amount, shown, above", [
    ("JPY", "USD", "150", "1.005", "151", "152"),            # 150.75 JPY: 0 decimals, shown 151
    ("KWD", "EUR", "1", "1.0005", "1.001", "1.002"),         # 3 decimals, half up
    ("USD", "CNY", "0.5", "0.01", "0.01", "0.02"),           # 0.005 USD: half up to 0.01
    ("KRW", "JPY", "9.5", "1", "10", "11"),                  # 9.5 KRW: half up to 10
])
def test_a_lifetime_value_bound_compares_the_rounded_figure_in_currencies_of_every_precision(
        admin, base, code, rate, amount, shown, above):
    settings.set_store_currency(admin, base)
    settings.set_fx_rate(admin, code, rate, "2024-01-01", confirm=True)
    cid = _customer(admin, "Ann Lee", [("2025-01-10", amount, code)])
    assert _found(admin, ltv_min=shown) == [cid]
    assert _found(admin, ltv_min=shown, ltv_max=shown) == [cid]
    assert _found(admin, ltv_min=above) == []


def test_a_worksheet_query_bounds_the_lifetime_value_as_shown_and_refuses_a_strict_bound(admin):
    from cims_xl.excel import worksheet_functions as wf

    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "BHD", "2.65", "2024-01-01", confirm=True)
    settings.set_fx_rate(admin, "KWD", "3.25", "2024-01-01", confirm=True)
    _customer(admin, "Ann Lee", [("2025-01-10", "1.235", "BHD"), ("2025-02-10", "2.0005", "KWD")])  # 9.77 shown
    _customer(admin, "Bo Chen", [("2025-01-10", "12", "USD")])
    assert wf.cims_count("ltv<=9.77", session=admin) == 1
    assert wf.cims_count("ltv=9.77", session=admin) == 1
    assert wf.cims_count("ltv>=9.77", session=admin) == 2
    said = wf.cims_count("ltv>9.77", session=admin)
    assert isinstance(said, str) and "ltv>=9.77" in said
