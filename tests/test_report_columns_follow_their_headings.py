"""A reference into a report table keeps its heading when the table's columns change.

Found by a fresh tester (try27w item 1): with orders in several currencies and no rates,
tblSalesByMonth is Month|Currency|Orders|Sales|Profit; once rates convert them the
Currency column goes (Month|Orders|Sales|Profit) and a user's =D32 (Sales) read Profit;
the reverse turned Sales references into order counts, and =C36 followed the Total row
onto the Orders total. Rows were followed, columns not. Now `cims sync FILE reports`
carries column moves as Excel carries a column insert/delete: formulas on every sheet,
defined names, validations, conditional formats and the user's charts keep reading the
same heading; one reading a column that is gone gets #REF!, named in the warnings."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from cims_xl.services import records, settings
from test_sync_support import new_workbook

SALES = "Report - Sales"
RATE_FROM = dt.date(2020, 1, 1)


def _orders(admin, rows):
    """rows: (date, amount, currency, region)."""
    settings.set_store_currency(admin, "USD")
    cid = records.create(admin, "customer", {"name": "Zhang Wei 张伟"})["id"]
    for day, amount, cur, region in rows:
        records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": amount, "currency": cur,
                                        "region": region})


TWO_CURRENCIES = [("2025-03-04", "100.10", "USD", "华东"), ("2025-04-01", "5", "USD", "华东"),
                  ("2025-03-05", "700.05", "CNY", "华南"), ("2025-04-02", "50", "CNY", "华南")]


def _reports(run, book):
    code, out, err = run("sync", str(book), "reports")
    assert code == 0, err + out
    return out + err


def _table(ws, name):
    return range_boundaries(dict(ws.tables.items())[name])


def _cell(ws, table, heading, row_offset):
    """The A1 address of `heading`'s cell `row_offset` rows under the table's header."""
    c1, r1, c2, _r2 = _table(ws, table)
    heads = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    return f"{openpyxl.utils.get_column_letter(c1 + heads.index(heading))}{r1 + row_offset}"


def _reads(ws, ref):
    """(table, heading, row under its header or 'Total') of the report cell `ref` reads."""
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    c, r = column_index_from_string(m.group(1)), int(m.group(2))
    for name, box in ws.tables.items():
        c1, r1, c2, r2 = range_boundaries(box)
        if c1 <= c <= c2 and r1 <= r <= r2:
            return name, ws.cell(r1, c).value, "Total" if r == r2 else r - r1
    return None


def _only_ref(formula):
    refs = re.findall(r"(?:'[^']+'!)?(\$?[A-Z]{1,3}\$?\d+)", formula)
    assert len(refs) == 1, formula
    return refs[0]


def test_a_formula_reading_sales_keeps_reading_sales_when_rates_drop_the_currency_column(run, admin, tmp_path):
    _orders(admin, TWO_CURRENCIES)
    book = new_workbook(tmp_path / "w.xlsx")
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    assert [ws.cell(31, c).value for c in range(1, 6)][1] == "Currency"
    month_sales = _cell(ws, "tblSalesByMonth", "Sales", 1)
    year_sales = _cell(ws, "tblSalesByYear", "Sales", 1)
    region_orders = _cell(ws, "tblSalesByRegion", "Orders", 1)
    below = max(range_boundaries(ref)[3] for _n, ref in ws.tables.items()) + 3
    ws[f"D{below}"] = f"={month_sales}"
    ws[f"D{below + 1}"] = f"={year_sales}*2"
    mine = wb.create_sheet("Mine")
    mine["A1"] = f"='{SALES}'!{region_orders}+1"
    wb.save(book)

    settings.set_fx_rate(admin, "CNY", "0.14", RATE_FROM)
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    assert "Currency" not in [ws.cell(31, c).value for c in range(1, 6)]       # the column did go
    mine_cells = [c for row in ws.iter_rows(min_row=35) for c in row if isinstance(c.value, str)
                  and c.value.startswith("=") and "SUBTOTAL" not in c.value]
    formulas = [c.value for c in mine_cells]
    assert len(formulas) == 2, formulas
    assert _reads(ws, _only_ref(formulas[0]))[:2] == ("tblSalesByMonth", "Sales")
    assert _reads(ws, _only_ref(formulas[1]))[:2] == ("tblSalesByYear", "Sales")
    assert _reads(ws, _only_ref(wb["Mine"]["A1"].value))[:2] == ("tblSalesByRegion", "Orders")


def test_a_formula_reading_sales_or_its_total_keeps_it_when_the_currency_column_comes_back(run, admin, tmp_path):
    _orders(admin, TWO_CURRENCIES + [("2025-05-06", "1.235", "BHD", "中东")])
    for code, rate in (("CNY", "0.14"), ("BHD", "2.65")):
        settings.set_fx_rate(admin, code, rate, RATE_FROM)
    book = new_workbook(tmp_path / "w.xlsx")
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    c1, r1, c2, r2 = _table(ws, "tblSalesByMonth")
    assert "Currency" not in [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    sales_col = [ws.cell(r1, c).value for c in range(c1, c2 + 1)].index("Sales") + c1
    total = f"{openpyxl.utils.get_column_letter(sales_col)}{r2}"
    ws["C60"] = f"={_cell(ws, 'tblSalesByMonth', 'Sales', 2)}"
    ws["C61"] = f"={total}"
    wb.save(book)

    settings.delete_fx_rate(admin, "BHD", RATE_FROM)          # the BHD block brings the Currency column back
    out = _reports(run, book)
    ws = openpyxl.load_workbook(book)[SALES]
    c1, r1, c2, r2 = _table(ws, "tblSalesByMonth")
    assert [ws.cell(r1, c).value for c in range(c1, c2 + 1)][1] == "Currency"
    found = {c.value for row in ws.iter_rows(min_row=r2 + 1) for c in row
             if isinstance(c.value, str) and c.value.startswith("=") and "SUBTOTAL" not in c.value}
    reads = sorted((_reads(ws, _only_ref(f)) for f in found), key=str)
    assert ("tblSalesByMonth", "Sales", "Total") in reads, (found, reads)
    assert any(r[:2] == ("tblSalesByMonth", "Sales") and r[2] != "Total" for r in reads), (found, reads)
    assert "#REF!" not in out


def test_a_defined_name_a_validation_and_a_conditional_format_into_a_report_table_follow_its_heading(
        run, admin, tmp_path):
    _orders(admin, TWO_CURRENCIES)
    book = new_workbook(tmp_path / "w.xlsx")
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    first, last = _cell(ws, "tblSalesByMonth", "Sales", 1), _cell(ws, "tblSalesByMonth", "Sales", 2)
    absolute = lambda a: re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", a)  # noqa: E731
    wb.defined_names["MarchSales"] = DefinedName("MarchSales", attr_text=f"'{SALES}'!{absolute(first)}")
    mine = wb.create_sheet("Mine")
    dv = DataValidation(type="list", formula1=f"='{SALES}'!{absolute(first)}:{absolute(last)}")
    mine.add_data_validation(dv)
    dv.add("C1")
    mine.conditional_formatting.add("B1", FormulaRule(formula=[f"'{SALES}'!{absolute(first)}>1"]))
    wb.save(book)

    settings.set_fx_rate(admin, "CNY", "0.14", RATE_FROM)
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    name_ref = wb.defined_names["MarchSales"].attr_text.split("!")[1]
    assert _reads(ws, name_ref)[:2] == ("tblSalesByMonth", "Sales"), name_ref
    (dv,) = wb["Mine"].data_validations.dataValidation
    for end in dv.formula1.split("!")[1].split(":"):
        assert _reads(ws, end)[:2] == ("tblSalesByMonth", "Sales"), dv.formula1
    (cf,) = list(wb["Mine"].conditional_formatting)
    rule = cf.rules[0].formula[0]
    assert _reads(ws, _only_ref(rule))[:2] == ("tblSalesByMonth", "Sales"), rule


def test_a_formula_reading_the_currency_column_that_goes_gets_ref_and_is_named_in_the_warnings(
        run, admin, tmp_path):
    _orders(admin, TWO_CURRENCIES)
    book = new_workbook(tmp_path / "w.xlsx")
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    ws["B60"] = f'={_cell(ws, "tblSalesByMonth", "Currency", 1)}&" sales"'
    currency = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", _cell(ws, "tblSalesByMonth", "Currency", 1))
    mine = wb.create_sheet("Mine")
    mine.conditional_formatting.add("B1", FormulaRule(formula=[f"'{SALES}'!{currency}=\"USD\""]))
    wb.save(book)

    settings.set_fx_rate(admin, "CNY", "0.14", RATE_FROM)
    out = _reports(run, book)
    ws = openpyxl.load_workbook(book)[SALES]
    mine = [c for row in ws.iter_rows(min_row=35) for c in row if isinstance(c.value, str) and "sales" in c.value]
    assert [c.value for c in mine] == ['=#REF!&" sales"']
    assert "warning:" in out and f"{mine[0].coordinate}" in out and "Currency" in out and "#REF!" in out, out
    assert "conditional format on Mine!B1" in out, out


def test_a_month_by_region_pivot_whose_regions_change_order_keeps_each_formula_on_its_region(run, admin, tmp_path):
    _orders(admin, [("2025-03-04", "100", "USD", "华东"), ("2025-03-05", "10", "USD", "Île-de-France")])
    book = new_workbook(tmp_path / "w.xlsx")
    _reports(run, book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SALES]
    c1, r1, c2, _ = _table(ws, "tblSalesByMonthRegion")
    before = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    ws["B60"] = f"={_cell(ws, 'tblSalesByMonthRegion', 'Île-de-France', 1)}"
    ws["B61"] = f"={_cell(ws, 'tblSalesByMonthRegion', '华东', 1)}"
    wb.save(book)

    cid = records.list_records(admin, "customer")[0]["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-03-09", "amount": "1000",
                                    "currency": "USD", "region": "Île-de-France"})
    _reports(run, book)
    ws = openpyxl.load_workbook(book)[SALES]
    c1, r1, c2, _ = _table(ws, "tblSalesByMonthRegion")
    after = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    assert before != after, (before, after)                 # the regions did change places
    cells = [c.value for row in ws.iter_rows(min_row=40, max_col=3) for c in row     # in row order: B60, B61
             if isinstance(c.value, str) and c.value.startswith("=") and "SUBTOTAL" not in c.value]
    heads = [_reads(ws, _only_ref(f))[1] for f in cells]
    assert heads == ["Île-de-France", "华东"], (cells, heads)
