"""Sales reports on the real Superstore orders, checked against plain pandas on the raw file.

The file stays in ../shared/data/realworld (never copied into the repo); an adapter
here shapes it like `load_frame` output (schema field keys, money float64, dates
datetime64).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd
import pytest

from cims_xl.reports.compute import SALES, SEGMENTS, build_report, build_reports
from conftest import realworld

AS_OF = dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc)


@cache
def raw_orders() -> pd.DataFrame:
    path = realworld("superstore", "superstore_us_classic_2014-2017.xlsx")
    return pd.read_excel(path, sheet_name="Orders", engine="calamine")


def superstore_frames() -> dict[str, pd.DataFrame]:
    """The Orders sheet as order and customer frames in the schema's shape."""
    raw = raw_orders()
    orders = pd.DataFrame({
        "id": [f"O-{i:06d}" for i in range(1, len(raw) + 1)],
        "order_number": raw["Order ID"],
        "line_no": raw.groupby("Order ID").cumcount() + 1,
        "customer_id": raw["Customer ID"],
        "order_date": pd.to_datetime(raw["Order Date"]),
        "ship_date": pd.to_datetime(raw["Ship Date"]),
        "product": raw["Product Name"],
        "category": raw["Category"],
        "sub_category": raw["Sub-Category"],
        "quantity": raw["Quantity"],
        "amount": raw["Sales"].astype("float64"),
        "discount": raw["Discount"],
        "profit": raw["Profit"],
        "currency": "USD",
        "region": raw["Region"],
        "province": raw["State"],
        "city": raw["City"],
        "status": "Completed",
        "created_at": pd.Timestamp("2024-01-01", tz="UTC"),
    })
    first = raw.drop_duplicates("Customer ID")
    customers = pd.DataFrame({
        "id": first["Customer ID"].to_numpy(), "name": first["Customer Name"].to_numpy(),
        "segment": first["Segment"].to_numpy(), "city": first["City"].to_numpy(),
        "province": first["State"].to_numpy(), "country": first["Country"].to_numpy(),
        "created_at": pd.Timestamp("2024-01-01", tz="UTC"),
    })
    return {"order": orders, "customer": customers}


@pytest.fixture(scope="module")
def sales():
    return build_report(SALES, superstore_frames(), include_personal=True, as_of=AS_OF)


def cents(series: pd.Series) -> dict:
    return {k: round(float(v), 2) for k, v in series.items()}


def test_the_grand_total_is_2_297_200_86(sales):
    assert round(float(sales.table("tblSalesByRegion").data["Sales"].sum()), 2) == 2_297_200.86
    assert round(float(sales.table("tblSalesByMonth").data["Sales"].sum()), 2) == 2_297_200.86
    assert round(float(sales.table("tblSalesByMonthProvince").data["Total"].sum()), 2) == 2_297_200.86


def test_sales_by_region_equal_pandas_on_the_raw_file_to_the_cent(sales):
    expected = cents(raw_orders().groupby("Region")["Sales"].sum())
    got = cents(sales.table("tblSalesByRegion").data.set_index("Region")["Sales"])
    assert got == expected
    assert list(got) == ["West", "East", "Central", "South"]   # largest first


def test_sales_by_year_equal_pandas_on_the_raw_file_to_the_cent(sales):
    raw = raw_orders()
    expected = cents(raw.groupby(raw["Order Date"].dt.year)["Sales"].sum())
    got = cents(sales.table("tblSalesByYear").data.set_index("Year")["Sales"])
    assert got == expected == {2014: 484247.5, 2015: 470532.51, 2016: 609205.6, 2017: 733215.26}


def test_orders_count_distinct_order_ids_per_year(sales):
    raw = raw_orders()
    expected = raw.groupby(raw["Order Date"].dt.year)["Order ID"].nunique().to_dict()
    assert sales.table("tblSalesByYear").data.set_index("Year")["Orders"].to_dict() == expected


def test_month_by_region_cells_equal_pandas_to_the_cent(sales):
    raw = raw_orders()
    pivot = raw.pivot_table(index=raw["Order Date"].dt.to_period("M"), columns="Region",
                            values="Sales", aggfunc="sum", fill_value=0.0)
    got = sales.table("tblSalesByMonthRegion").data
    assert len(got) == 48
    for region in ("West", "East", "Central", "South"):
        assert [round(float(v), 2) for v in got[region]] == [round(v, 2) for v in pivot[region]]


def test_the_province_pivot_keeps_the_top_eight_and_sums_the_rest_into_other(sales):
    raw = raw_orders()
    by_state = raw.groupby("State")["Sales"].sum().sort_values(ascending=False)
    df = sales.table("tblSalesByMonthProvince").data
    assert list(df.columns[1:9]) == list(by_state.index[:8])
    assert round(float(df["Other"].sum()), 2) == round(by_state.iloc[8:].sum(), 2)


def test_the_top_10_customers_by_sales_match_pandas():
    segs = build_report(SEGMENTS, superstore_frames(), include_personal=True, as_of=AS_OF)
    top = segs.table("tblTopCustomers").data.head(10)
    expected = raw_orders().groupby("Customer ID")["Sales"].sum().nlargest(10)
    assert top["Customer ID"].tolist() == list(expected.index)
    assert [round(float(v), 2) for v in top["Lifetime Value"]] == [round(v, 2) for v in expected]
    assert top["Name"].iloc[0] == "Sean Miller"


def test_a_region_and_date_filter_match_the_same_filter_in_pandas():
    raw = raw_orders()
    rep = build_report(SALES, superstore_frames(), include_personal=True, as_of=AS_OF,
                       region="west", date_from="2016-01-01", date_to="2016-12-31")
    sel = raw[(raw["Region"] == "West") & (raw["Order Date"].dt.year == 2016)]
    assert round(float(rep.table("tblSalesByRegion").data["Sales"].sum()), 2) == round(sel["Sales"].sum(), 2)
    assert rep.table("tblSalesByYear").data["Year"].tolist() == [2016]


def test_every_customer_gets_an_rfm_segment():
    segs = build_reports(superstore_frames(), include_personal=False, as_of=AS_OF, sheets=(SEGMENTS,))
    seg = segs[SEGMENTS].table("tblRfmSegments").data
    assert seg["Customers"].sum() == raw_orders()["Customer ID"].nunique() == 793
