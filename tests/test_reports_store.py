"""Reports end to end: Superstore imported through the importer into a real encrypted
store, reports computed from the store's frames and written to workbook files."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest

from cims_xl.importer.run import import_file
from cims_xl.excel.report_writer import refresh_reports_file, write_report_workbook
from cims_xl.reports import build_for_session, to_jsonable
from cims_xl.reports.compute import SALES, SEGMENTS, SERVICE
from cims_xl.services import records
from conftest import realworld

AS_OF = dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc)
SUPERSTORE = ("superstore", "superstore_us_classic_2014-2017.xlsx")


@pytest.fixture
def superstore_admin(admin):
    result = import_file(admin, realworld(*SUPERSTORE), kind="orders", sheet="Orders")
    assert result.created == 9994 and result.rejected == 0
    return admin


def raw() -> pd.DataFrame:
    return pd.read_excel(realworld(*SUPERSTORE), sheet_name="Orders", engine="calamine")


def test_imported_superstore_sales_match_pandas_on_the_raw_file(superstore_admin):
    reports = build_for_session(superstore_admin, as_of=AS_OF)
    sales = reports[SALES]
    r = raw()
    by_region = sales.table("tblSalesByRegion").data.set_index("Region")["Sales"]
    assert {k: round(float(v), 2) for k, v in by_region.items()} == \
        {k: round(v, 2) for k, v in r.groupby("Region")["Sales"].sum().items()}
    by_year = sales.table("tblSalesByYear").data.set_index("Year")["Sales"]
    assert {k: round(float(v), 2) for k, v in by_year.items()} == \
        {k: round(v, 2) for k, v in r.groupby(r["Order Date"].dt.year)["Sales"].sum().items()}
    assert round(float(by_region.sum()), 2) == 2_297_200.86


def test_imported_superstore_top_10_customers_match_by_name(superstore_admin):
    top = build_for_session(superstore_admin, as_of=AS_OF)[SEGMENTS].table("tblTopCustomers").data.head(10)
    r = raw()
    expected = r.groupby("Customer Name")["Sales"].sum().nlargest(10)
    assert top["Name"].tolist() == list(expected.index)
    assert [round(float(v), 2) for v in top["Lifetime Value"]] == [round(v, 2) for v in expected]


def test_refreshing_a_workbook_file_from_the_store(superstore_admin, tmp_path):
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Mine"
    wb.save(path)
    refresh_reports_file(path, superstore_admin, as_of=AS_OF)
    wb = openpyxl.load_workbook(path)
    assert {"Report - Sales", "Report - Pipeline", "Report - Service", "Report - Segments"} <= set(wb.sheetnames)
    wb["Report - Sales"]["B4"].value = dt.datetime(2017, 1, 1)
    wb.save(path)
    reports = refresh_reports_file(path, superstore_admin, as_of=AS_OF)
    assert reports[SALES].table("tblSalesByYear").data["Year"].tolist() == [2017]
    # the Segments sheet has its own (empty) filter cells: all 793 customers
    assert reports[SEGMENTS].table("tblRfmSegments").data["Customers"].sum() == 793


def test_a_viewer_gets_aggregates_without_names(superstore_admin, session_as, tmp_path):
    viewer = session_as("viewer")
    out = tmp_path / "viewer.xlsx"
    reports = write_report_workbook(out, viewer, date_from="2017-01-01", as_of=AS_OF)
    assert round(float(reports[SALES].table("tblSalesByRegion").data["Sales"].sum()), 2) == 733215.26
    wb = openpyxl.load_workbook(out)
    texts = {c.value for s in wb.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
    assert "Sean Miller" not in texts
    top_ids = reports[SEGMENTS].table("tblTopCustomers").data["Customer ID"].tolist()
    assert top_ids and set(top_ids) <= texts
    assert "Name" not in reports[SEGMENTS].table("tblTopCustomers").data.columns
    assert wb["Report - Sales"]["B4"].value == dt.datetime(2017, 1, 1)   # the filters used are shown
    assert "Sean Miller" not in json.dumps(to_jsonable(reports))


def test_tickets_and_opportunities_from_the_store_reach_the_reports(admin):
    cust = records.create(admin, "customer", {"name": "Li Lei"})
    records.create(admin, "ticket", {"customer_id": cust["id"], "subject": "Login", "priority": "P2"})
    opp = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Renewal",
                                                "stage": "Negotiation", "amount": "1000"})
    records.update(admin, opp["id"], {"stage": "Won"})
    reports = build_for_session(admin)
    assert reports[SERVICE].table("tblServiceByPriority").data.set_index("Priority").loc["P2", "Open"] == 1
    won = reports["Report - Pipeline"].table("tblWinRateByOwner").data.set_index("Owner").loc["admin"]
    assert (won["Won"], won["Won Amount"], won["Avg Days to Close"]) == (1, 1000.0, 0.0)
    velocity = reports["Report - Pipeline"].table("tblStageVelocity").data.set_index("Stage")
    assert velocity.loc["Negotiation", "Moves Out"] == 1


def test_an_order_number_reused_by_another_customer_or_year_is_another_order(admin, tmp_path):
    # Small shops restart their numbering every year; files merged from two shops reuse
    # each other's numbers. Both years import in full, and the reports count 4 orders.
    year1 = tmp_path / "2023.csv"
    year1.write_text("Order ID,Order Date,Customer Name,Product,Sales\n"
                     "001,2023-03-01,Ann Li,Tea,10\n001,2023-03-01,Ann Li,Cups,5\n"
                     "002,2023-03-02,Bo Wu,Tea,7\n", encoding="utf-8")
    year2 = tmp_path / "2024.csv"
    year2.write_text("Order ID,Order Date,Customer Name,Product,Sales\n"
                     "001,2024-03-05,Cy Ma,Tea,20\n001,2024-03-05,Cy Ma,Pot,30\n"
                     "002,2024-03-06,Ann Li,Cups,3\n", encoding="utf-8")
    first, second = import_file(admin, year1, kind="orders"), import_file(admin, year2, kind="orders")
    assert (first.created, second.created, second.duplicates) == (3, 3, 0)
    assert (import_file(admin, year1, kind="orders").created, import_file(admin, year2, kind="orders").created) == (0, 0)
    lines = {(o["order_number"], o["order_date"].year): [] for o in records.list_records(admin, "order")}
    for o in records.list_records(admin, "order"):
        lines[(o["order_number"], o["order_date"].year)].append(o["line_no"])
    assert lines == {("001", 2023): [1, 2], ("002", 2023): [1], ("001", 2024): [1, 2], ("002", 2024): [1]}
    by_year = build_for_session(admin)[SALES].table("tblSalesByYear").data.set_index("Year")
    assert list(by_year["Orders"]) == [2, 2]


@pytest.mark.parametrize("status", ["Cancelled", "Returned"])
def test_reports_and_lifetime_value_agree_on_which_orders_are_revenue(admin, status):
    from cims_xl.services.search import lifetime_value

    cust = records.create(admin, "customer", {"name": "Han Mei"})
    for amount, state in ((100, "Completed"), (40, status)):
        records.create(admin, "order", {"customer_id": cust["id"], "order_date": "2024-03-01",
                                        "amount": amount, "status": state})
    reports = build_for_session(admin)
    by_year = reports[SALES].table("tblSalesByYear").data.set_index("Year")
    assert float(by_year.loc[2024, "Sales"]) == float(lifetime_value(admin, cust["id"])) == 100.0
