"""Superstore orders: customers linked by their ids, every order line kept, sums exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records, search

from shared_files import REALWORLD
CLASSIC_SALES = Decimal("2297200.8603")


def real(*parts: str) -> Path:
    path = REALWORLD.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real-world test data not found at {path} (it lives in ../shared/data/realworld)")
    return path


def test_classic_orders_give_793_customers_9994_lines_and_exact_sums(admin):
    result = import_file(admin, real("superstore", "superstore_us_classic_2014-2017.xlsx"),
                         kind="orders", sheet="Orders")
    d = result.as_dict()
    assert (d["rows"], d["created"], d["rejected"], d["duplicates"]) == (9994, 9994, 0, 0)
    assert d["customers_created"] == 793 and d["batch"]
    orders = records.list_records(admin, "order")
    customers = records.list_records(admin, "customer")
    assert len(orders) == 9994 and len(customers) == 793
    assert sum(o["amount"] for o in orders) == CLASSIC_SALES
    assert sum(o["quantity"] for o in orders) == 37873
    assert sum(o["profit"] for o in orders) == Decimal("286397.0217")
    lines = [o for o in orders if o["order_number"] == "CA-2016-152156"]
    assert [o["line_no"] for o in lines] == [1, 2]
    claire = next(c for c in customers if c["name"] == "Claire Gute")
    assert "src:CG-12520" in claire["tags"]
    assert [c["id"] for c in search.search_customers(admin, "CG-12520").rows] == [claire["id"]]
    assert {o["customer_id"] for o in lines} == {claire["id"]}
    assert lines[0]["order_date"] == dt.date(2016, 11, 8)


def test_reimporting_the_same_orders_creates_nothing_and_links_the_same_customers(admin):
    path = real("superstore", "superstore_us_classic_2014-2017.xlsx")
    import_file(admin, path, kind="orders")
    again = import_file(admin, path, kind="orders")
    assert again.created == 0 and again.duplicates == 9994
    assert again.customers_created == 0 and again.customers_linked == 793
    assert len(records.list_records(admin, "customer")) == 793


def test_day_first_text_dates_are_detected_for_the_whole_column(admin):
    result = import_file(admin, real("superstore", "superstore_us_2019-2022_utf8bom.csv"), kind="orders")
    assert result.date_orders == {"Order Date": "DMY", "Ship Date": "DMY"}
    assert result.rows == result.created == 10194
    first = next(o for o in records.list_records(admin, "order") if o["order_number"] == "US-2019-103800")
    assert first["order_date"] == dt.date(2019, 1, 3)       # "03/01/19"
    assert first["ship_date"] == dt.date(2019, 1, 7)        # "07/01/19"
    assert sum(o["amount"] for o in records.list_records(admin, "order")) == Decimal("2326534.3543")


def test_semicolon_cp1252_decimal_comma_file_gives_the_classic_sales_total(admin):
    result = import_file(admin, real("superstore", "superstore_us_subset_semicolon_cp1252.csv"),
                         kind="orders", mapping=["Ship Date=Order Date"])
    assert result.encoding == "cp1252" and result.delimiter == ";"
    assert result.rows == result.created == 9994
    orders = records.list_records(admin, "order")
    assert sum(o["amount"] for o in orders) == CLASSIC_SALES
    assert sum(o["quantity"] for o in orders) == 37873
    assert result.customers_created == 793                   # linked by name: no id column
    assert any("\u201c" in (o["product"] or "") or "\u00a0" in (o["product"] or "")
               or "’" in (o["product"] or "") for o in orders)
    again = import_file(admin, real("superstore", "superstore_us_subset_semicolon_cp1252.csv"),
                        kind="orders", mapping=["Ship Date=Order Date"])
    assert again.created == 0 and again.duplicates == 9994


def test_an_orders_file_without_an_order_date_column_is_refused_before_writing(admin):
    from cims_xl.importer import ImportRefused
    with pytest.raises(ImportRefused, match="Order Date"):
        import_file(admin, real("superstore", "superstore_us_subset_semicolon_cp1252.csv"), kind="orders")
    assert records.list_records(admin, "order") == []
