"""Where an order was sold: its own Region/Province, else its customer's Country/Province.

Orders typed or imported without a sales region were all "(blank)" in Sales by region,
although every customer had a Country. And with orders in two currencies (no exchange
rates), a month pivot whose "(blank)" column only the second currency's block had put
it after Total. Checked on the computed tables, the CLI and the workbook's sheets.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.utils.cell import range_boundaries

from cims_xl.excel import sync
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SALES
from cims_xl.services import records
from test_sync_support import new_workbook

AS_OF = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
PIVOTS = ("tblSalesByMonthRegion", "tblSalesByMonthProvince", "tblSalesByMonthSegment",
          "tblSalesByMonthCategory")


def _shop(admin, orders) -> None:
    """orders: (customer, its country, its province, its segment, date, amount, currency,
    order region, order province)."""
    ids: dict[str, str] = {}
    for name, country, province, segment, day, amount, currency, region, o_province in orders:
        if name not in ids:
            data = {"name": name, "country": country, "province": province, "segment": segment}
            ids[name] = records.create(admin, "customer", {k: v for k, v in data.items() if v})["id"]
        data = {"customer_id": ids[name], "order_date": day, "amount": amount, "currency": currency,
                "region": region, "province": o_province}
        records.create(admin, "order", {k: v for k, v in data.items() if v})


ONE_CURRENCY = [
    ("王芳", "CN", "广东", "VIP", "2026-01-05", "100", "CNY", None, None),
    ("王芳", "CN", "广东", "VIP", "2026-02-05", "40", "CNY", None, "深圳"),
    ("Müller GmbH", "DE", None, "Corporate", "2026-01-20", "300", "CNY", None, None),
    ("Ana Souza", "BR", "SP", None, "2026-03-02", "75", "CNY", "Sudeste", None),
    ("No Country Ltd", None, None, None, "2026-03-09", "10", "CNY", None, None),
]


def test_an_order_without_a_region_is_under_its_customers_country(admin):
    _shop(admin, ONE_CURRENCY)
    sales = build_for_session(admin, as_of=AS_OF)[SALES]
    region = sales.table("tblSalesByRegion")
    got = dict(zip(region.data["Region"], region.data["Sales"]))
    assert got == {"DE": 300, "CN": 140, "Sudeste": 75, "(blank)": 10}   # its own region wins
    assert "3 order(s) without a region are under their customer's country" in region.note
    pivot = sales.table("tblSalesByMonthRegion")
    assert set(pivot.data.columns) == {"Month", "DE", "CN", "Sudeste", "(blank)", "Total"}
    assert "under their customer's country" in pivot.note


def test_an_order_without_a_province_is_under_its_customers_province(admin):
    _shop(admin, ONE_CURRENCY)
    pivot = build_for_session(admin, as_of=AS_OF)[SALES].table("tblSalesByMonthProvince")
    totals = {c: pivot.data[c].sum() for c in pivot.data.columns if c not in ("Month", "Total")}
    assert totals == {"广东": 100, "深圳": 40, "SP": 75, "(blank)": 310}
    assert "2 order(s) without a province are under their customer's province" in pivot.note


def test_the_region_filter_keeps_the_orders_placed_by_their_customers_country(admin):
    _shop(admin, ONE_CURRENCY)
    sales = build_for_session(admin, as_of=AS_OF, region="de")[SALES]
    assert sales.table("tblSalesByYear").data["Sales"].tolist() == [300]
    assert sales.table("tblSalesByRegion").data["Region"].tolist() == ["DE"]


def _header(ws, table) -> list[str]:
    c1, r1, c2, _r2 = range_boundaries(table.ref)
    return [ws.cell(r1, c).value for c in range(c1, c2 + 1)]


def test_with_two_currencies_a_blank_column_comes_before_total_in_every_month_pivot(tmp_path, admin, run):
    # the CNY block has every segment and category; only the USD block has blanks
    _shop(admin, [("王芳", "CN", "广东", "VIP", "2026-01-05", "100", "CNY", "华南", "广东"),
                  ("Acme Inc", "US", None, None, "2026-01-07", "20", "USD", None, None),
                  ("Acme Inc", "US", None, None, "2026-02-07", "30", "USD", None, None)])
    sales = build_for_session(admin, as_of=AS_OF)[SALES]
    for name in PIVOTS:
        columns = list(sales.table(name).data.columns)
        assert columns[:2] == ["Month", "Currency"] and columns[-1] == "Total", (name, columns)
    segment = list(sales.table("tblSalesByMonthSegment").data.columns)
    assert segment == ["Month", "Currency", "VIP", "(blank)", "Total"]
    path = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, path, "reports")
    ws = openpyxl.load_workbook(path)[SALES]
    for name in PIVOTS:
        assert _header(ws, ws.tables[name])[-1] == "Total", name
    assert _header(ws, ws.tables["tblSalesByMonthSegment"]) == segment
    code, out, err = run("report")
    assert code == 0, err
    head = next(line for line in out.split("Sales by month and segment")[1].splitlines() if "Month" in line)
    assert [c.strip() for c in head.split("┃") if c.strip()] == segment
