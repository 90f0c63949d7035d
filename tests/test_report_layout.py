"""Report sheet layout decided before anything is written (pure plans, no workbook)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

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


# ----- long notes and long category axes -----------------------------------------------------

def test_a_wrapped_text_counts_a_line_per_cell_width_and_chinese_characters_twice():
    from cims_xl.cell_text import wrapped_line_count
    assert wrapped_line_count("", 10) == 1
    assert wrapped_line_count("short note", 40) == 1
    assert wrapped_line_count("one two three four five six seven", 12) == 4
    assert wrapped_line_count("line one\nline two", 40) == 2
    # Chinese has no spaces: it breaks between any two characters, each two units wide.
    assert wrapped_line_count("汇率换算说明" * 5, 22) == 3               # 30 chars x 2.2 units / 22
    assert wrapped_line_count("汇率换算说明" * 5, 21) == 4
    assert wrapped_line_count("x" * 50, 10) == 6                        # a word longer than the cell


def _fx_note(currencies: int, years: int) -> str:
    return "; ".join(f"Converted to CNY at 1 {c} = 7.1 CNY from {2020 + y}-01-01 (1,234 rows)"
                     for c in ("USD", "EUR", "JPY", "GBP")[:currencies] for y in range(years))


def test_a_long_rate_note_wraps_across_its_band_in_a_row_tall_enough():
    from cims_xl.cell_text import text_width_chars, wrapped_line_count
    from cims_xl.reports.sheets import NOTE_LINE_HEIGHT, note_height
    sheet = _sheet([1.0] * 60, names=["East", "West"])
    for t in sheet.tables:
        t.note = _fx_note(3, 5)
    plan = plan_sheet(sheet)
    for t in plan.tables:
        assert t.note_last_col - t.col + 1 == CHART_COLS          # the band: the table and its chart
        width = sum(plan.widths[c] for c in range(t.col, t.note_last_col + 1))
        assert text_width_chars(t.note) > 5 * width               # one line would run five bands on
        lines = wrapped_line_count(t.note, width - 1)
        assert note_height(t.note, plan.widths, t.col, t.note_last_col) == NOTE_LINE_HEIGHT * lines >= 6 * 15


def test_the_first_page_ends_where_the_first_band_does():
    plan = plan_sheet(_sheet([1.0, 2.0], names=["East", "West"]))
    assert plan.first_band_last_col == plan.tables[0].col + CHART_COLS - 1
    assert plan.page.col_breaks[0] > plan.first_band_last_col


@pytest.mark.parametrize("months, step", [(6, 1), (12, 2), (24, 4), (36, 6), (60, 12), (120, 24)])
def test_a_month_axis_is_labelled_on_quarters_or_years_as_the_range_grows(months, step):
    plan = plan_sheet(_sheet([1.0] * months))
    axis = plan.tables[0].chart.axis
    assert plan.tables[0].chart.categories == months
    assert axis.months and axis.step == step
    assert axis.shown * axis.pitch_pt <= axis.length_pt


def test_a_text_axis_with_many_long_labels_shows_every_kth_and_a_short_one_shows_all():
    from cims_xl.reports.sheets import category_axis
    sheet = _sheet([1.0], names=[f"Region number {i}" for i in range(40)])
    region = next(t for t in plan_sheet(sheet).tables if t.name == "tblSalesByRegion").chart
    axis = category_axis(region)
    assert not axis.months and axis.step > 1 and axis.shown * axis.pitch_pt <= axis.length_pt
    short = next(t for t in plan_sheet(_sheet([1.0], names=["East", "West"])).tables
                 if t.name == "tblSalesByRegion").chart
    assert category_axis(short).step == 1


def test_the_written_chart_parts_carry_the_axis_plan_and_validate_against_the_schema(tmp_path):
    """Written by the openpyxl writer and read back with lxml: 60 months -> a date axis
    labelled every 12 months; 40 long region names -> a category axis showing every k-th
    label and tick mark. Both parts are valid DrawingML charts (ECMA-376, dml-chart.xsd)."""
    import zipfile

    from lxml import etree
    from openpyxl import Workbook

    from cims_xl.excel.report_writer import write_reports_openpyxl
    from test_package_preserved import _validate

    sheet = _sheet([float(i % 7 + 1) for i in range(60)], names=[f"Region number {i}" for i in range(40)])
    wb = Workbook()
    wb.remove(wb.active)
    plans = write_reports_openpyxl(wb, {SALES: sheet})
    book = tmp_path / "axes.xlsx"
    wb.save(book)
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    want = {t.chart.title: t.chart.axis for t in plans[SALES].tables}
    with zipfile.ZipFile(book) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        for name in charts:
            _validate(name, z.read(name))
            root = etree.fromstring(z.read(name))
            axis = want["".join(root.find(f"{c}chart/{c}title").itertext())]
            if axis.months:
                date_ax = root.find(f".//{c}dateAx")
                assert date_ax.find(f"{c}majorUnit").get("val") in ("12", "12.0")
                assert date_ax.find(f"{c}majorTimeUnit").get("val") == "months"
                assert root.find(f".//{c}catAx") is None
            else:
                cat_ax = root.find(f".//{c}catAx")
                assert axis.step > 1
                assert cat_ax.find(f"{c}tickLblSkip").get("val") == str(axis.step)
                assert cat_ax.find(f"{c}tickMarkSkip").get("val") == str(axis.step)
