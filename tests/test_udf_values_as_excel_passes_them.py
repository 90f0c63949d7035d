"""Worksheet functions take what Excel hands them and answer as the reports do.

Found by a fresh tester (stop 26): an imported customer's old id in a number cell
(xlwings passes 12520.0) was "not a record id" while 12520 and "12520" worked; a range
given to CIMS_360 was answered with a Python list in the message; CIMS_360 counted a
returned order (and its date as the last order) where the Top customers report does
not, and showed "LTV 0.00" with no currency; CIMS_LTV's text left the converted part of
a partly converted total unrounded ("76.5388 BHD; 100.00 USD" in a BHD store)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cims_xl.excel import worksheet_functions as udf
from cims_xl.services import records, settings


@pytest.fixture
def shop(admin):
    records.create(admin, "customer", {"name": "Old Ref Ltd", "tags": "src:12520"})
    records.create(admin, "customer", {"name": "Nobody Yet"})
    return admin


@pytest.mark.parametrize("cell", [12520.0, 12520, "12520"])
def test_an_old_id_in_a_number_cell_finds_the_imported_customer(shop, cell):
    assert udf.cims_get(cell, "Name", session=shop) == "Old Ref Ltd"
    assert "Old Ref Ltd" in udf.cims_360(cell, session=shop)


@pytest.mark.parametrize("fn", [lambda v, s: udf.cims_360(v, session=s)])
def test_a_range_where_one_id_belongs_is_refused_in_words_not_as_a_python_list(shop, fn):
    said = str(fn([["C-000001"], ["C-000002"]], shop))
    assert "range of 2 cells" in said and "[[" not in said


def test_the_360_counts_the_orders_the_lifetime_value_counts_and_names_the_currency(shop):
    settings.set_store_currency(shop, "USD")
    assert "LTV 0.00 USD" in udf.cims_360("C-000002", session=shop)
    for day, status, amount in (("2025-01-06", "Completed", "10"), ("2025-02-01", "Completed", "20"),
                                ("2025-04-05", "Returned", "5")):
        records.create(shop, "order", {"customer_id": "C-000001", "order_date": day, "status": status,
                                       "amount": amount, "currency": "USD"})
    text = udf.cims_360("C-000001", session=shop)
    assert "2 orders, last 2025-02-01" in text and "LTV 30.00" in text, text     # not the returned one of 04-05


def test_a_partly_converted_lifetime_value_shows_its_converted_part_rounded_to_the_currencys_decimals(shop):
    settings.set_store_currency(shop, "BHD")
    settings.set_fx_rate(shop, "USD", "0.376", dt.date(2025, 1, 1))
    settings.set_fx_rate(shop, "USD", "0.377", dt.date(2025, 6, 1))
    for day, cur, amount in (("2025-03-01", "BHD", "1.235"), ("2024-12-31", "USD", "100"),
                             ("2025-01-10", "USD", "100"), ("2025-06-10", "USD", "100"),
                             ("2025-05-31", "USD", "0.01")):
        records.create(shop, "order", {"customer_id": "C-000001", "order_date": day, "status": "Completed",
                                       "amount": amount, "currency": cur})
    # 1.235 + 100 × 0.376 + 100 × 0.377 + 0.01 × 0.376 = 76.53876 BHD, shown 76.539 (half up, 3 decimals)
    assert udf.cims_ltv("C-000001", session=shop) == "76.539 BHD; 100.00 USD"
    assert Decimal("76.53876").quantize(Decimal("0.001")) == Decimal("76.539")
