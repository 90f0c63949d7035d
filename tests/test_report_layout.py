"""Report sheet layout decided before anything is written (pure plans, no workbook)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cims_xl.reports.compute import SALES
from cims_xl.reports.model import MONEY, MONTH, ChartSpec, ReportSheet, ReportTable
from cims_xl.reports.sheets import (CHART_COLS, COMPUTED_WIDTH, MAX_COL_WIDTH, OUTPUT_CELL, PAGE_WIDTH_PT,
                                    POINTS_PER_CHAR, plan_sheet)


def _sheet(sales: list[float], names: list[str] | None = None) -> ReportSheet:
    months = pd.date_range("2019-01-01", periods=len(sales), freq="MS")
    df = pd.DataFrame({"Month": months, "Orders": [1 if s else 0 for s in sales], "Sales": sales})
    tables = [ReportTable("tblSalesByMonth", "Sales by month", df, {"Month": MONTH, "Sales": MONEY},
                          ChartSpec("line", "Sales by month", ("Sales",)), {"Sales": "sum"})]
    if names is not None:
        region = pd.DataFrame({"Region": names, "Sales": [1.0] * len(names)})
        tables.append(ReportTable("tblSalesByRegion", "Sales by region", region, {"Sales": MONEY},
                                  ChartSpec("column", "Sales by region", ("Sales",))))
    return ReportSheet(SALES, "Sales", dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone.utc),
                       {"date_from": None, "date_to": None, "owner": None, "region": None}, tables)


def test_the_trend_chart_starts_at_the_first_month_with_sales_and_ends_at_the_last():
    sales = [0.0] * 30 + [120.0, 0.0, 80.5, 99.0] + [0.0] * 3
    plan = plan_sheet(_sheet(sales))
    table = plan.tables[0]
    chart = table.chart
    assert chart.first_row == table.header_row + 1 + 30
    assert chart.last_row == table.header_row + 1 + 33
    assert len(table.rows) == len(sales), "the table itself keeps every month"


def test_a_trend_with_no_sales_at_all_still_charts_its_rows():
    plan = plan_sheet(_sheet([0.0, 0.0, 0.0]))
    chart = plan.tables[0].chart
    assert (chart.first_row, chart.last_row) == (plan.tables[0].header_row + 1, plan.tables[0].header_row + 3)


def test_the_computed_column_is_wide_enough_for_a_date_and_time():
    plan = plan_sheet(_sheet([1.0]))
    assert plan.widths[OUTPUT_CELL[1] + 1] >= COMPUTED_WIDTH >= len("2026-11-30 18:44") + 2


def test_a_column_of_long_chinese_names_is_widened_but_capped():
    plan = plan_sheet(_sheet([1.0], names=["深圳天成物流有限公司", "Ｘ" * 80]))
    region = next(t for t in plan.tables if t.name == "tblSalesByRegion")
    assert plan.widths[region.col] == MAX_COL_WIDTH


def test_printing_fits_the_widest_band_to_the_page_width_with_a_break_after_each_band():
    plan = plan_sheet(_sheet([1.0, 2.0], names=["East", "West"]))
    page = plan.page
    first_band = range(plan.tables[0].col, plan.tables[0].col + CHART_COLS)
    width_pt = sum(plan.widths[c] for c in first_band) * POINTS_PER_CHAR
    assert width_pt * page.scale / 100 <= PAGE_WIDTH_PT[page.orientation]
    assert page.col_breaks == (plan.tables[1].col,), "each band but the first starts a page"
    assert page.scale >= 60, "one band per page keeps the print readable"


def test_headers_over_numbers_and_dates_are_marked_numeric_and_text_ones_are_not():
    plan = plan_sheet(_sheet([1.0, 2.0], names=["East", "West"]))
    by_month, by_region = plan.tables
    assert by_month.numeric == (True, True, True)
    assert by_region.numeric == (False, True)
