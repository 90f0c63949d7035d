"""Converted report figures are each rounded half up; where the rows shown then do not add
up to the total shown, the table says so, on the terminal and in the workbook alike.

Three months of 100.005 BHD at 1 BHD = 1 USD show 100.01 USD each, and their year (the
exact 300.015) 300.02 USD: the month table carries "may not add up due to rounding",
naming the sum of the rows shown and the total. json keeps the exact figures.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SALES
from cims_xl.services import records, settings

WORDS = "may not add up due to rounding"


def _store(admin, base, code, rate, amounts, day="2025-{m:02d}-10"):
    settings.set_store_currency(admin, base)
    settings.set_fx_rate(admin, code, rate, "2024-01-01", confirm=True)
    cid = records.create(admin, "customer", {"name": "Ann Lee"})["id"]
    for m, amount in enumerate(amounts, start=1):
        records.create(admin, "order", {"customer_id": cid, "order_date": day.format(m=m),
                                        "amount": Decimal(amount), "currency": code})


def test_three_converted_months_that_show_more_than_their_year_carry_the_rounding_note(admin):
    _store(admin, "USD", "BHD", "1", ["100.005", "100.005", "100.005"])
    sales = build_for_session(admin)[SALES]
    months, year = sales.table("tblSalesByMonth"), sales.table("tblSalesByYear")
    assert WORDS in months.note
    assert "the rows shown add up to 300.03 USD, the total is 300.02 USD" in months.note
    assert WORDS not in (year.note or "")                  # one row: it is its own total
    # the figures stay exact (json, formulas): only the note is added
    assert [Decimal(str(v)) for v in months.data["Sales"]] == [Decimal("100.0050")] * 3


def test_converted_months_that_add_up_as_shown_carry_no_rounding_note_but_those_that_do_not_do(admin):
    _store(admin, "USD", "BHD", "1", ["100.000", "100.005", "100.005"])
    months = build_for_session(admin)[SALES].table("tblSalesByMonth")
    # 100.00 + 100.01 + 100.01 = 200.02 shown, the exact 300.010 is 300.01: they do not add up
    assert "300.02 USD, the total is 300.01 USD" in months.note
    _store(admin, "USD", "KWD", "1", ["5.000"], day="2026-{m:02d}-10")
    sheet = build_for_session(admin, date_from="2026-01-01")[SALES]
    assert WORDS not in (sheet.table("tblSalesByMonth").note or "")


@pytest.mark.parametrize("base, code, rate, amounts, shown, total", [
    ("JPY", "USD", "150.5", ["1.00", "1.00", "1.00"], "453", "452"),          # 0 decimals: 150.5 -> 151
    ("KWD", "EUR", "1", ["1.0005", "1.0005", "1.0005"], "3.003", "3.002"),      # 3 decimals
    ("KRW", "JPY", "9.5", ["1", "1"], "20", "19"),
])
def test_the_rounding_note_holds_in_currencies_of_0_and_3_decimals(admin, base, code, rate, amounts, shown, total):
    _store(admin, base, code, rate, amounts)
    months = build_for_session(admin)[SALES].table("tblSalesByMonth")
    assert f"the rows shown add up to {shown} {base}, the total is {total} {base}" in months.note


def test_a_pivot_row_whose_cells_show_more_than_its_total_says_so(admin):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "BHD", "1", "2024-01-01", confirm=True)
    cid = records.create(admin, "customer", {"name": "Ann Lee"})["id"]
    for region in ("East", "West"):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-01-10", "region": region,
                                        "amount": Decimal("1.005"), "currency": "BHD"})
    pivot = build_for_session(admin)[SALES].table("tblSalesByMonthRegion")
    assert "row 2025-01: its cells shown add up to 2.02 USD, its Total is 2.01 USD" in pivot.note


def test_the_terminal_and_the_report_workbook_carry_the_same_rounding_note(admin, run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    _store(admin, "USD", "BHD", "1", ["100.005", "100.005", "100.005"])
    code, out, err = run("report")
    assert code == 0, err
    text = " ".join(out.split())
    by_month = text.split("Report - Sales · Sales by month")[1].split("Report - Sales · Sales by year")[0]
    assert WORDS in by_month and "300.03 USD, the total is 300.02 USD" in by_month
    path = tmp_path / "r.xlsx"
    code, out, err = run("report", "--out", str(path))
    assert code == 0, err
    book = openpyxl.load_workbook(path)
    cells = [str(c.value) for row in book["Report - Sales"].iter_rows() for c in row if c.value is not None]
    assert any(WORDS in c and "300.03 USD, the total is 300.02 USD" in c for c in cells)
