"""Report figures LibreOffice would draw rounded up to the next power of ten are written
as exact text, with the note other long figures have.

Measured on LibreOffice 7.4 (every 15-digit run of nines, in #,##0.00, #,##0.00##,
#,##0.000#, #,##0.0000): 9,999,999,999,999.99 and .98, 999,999,999,999.998 and .999,
99,999,999,999.9998 and .9999 are drawn as 10,000,000,000,000.00 / 1,000,000,000,000 /
100,000,000,000; every other 15-digit figure (9,999,999,999,999.97,
99,999,999,999,999.9) is drawn right, and stays a number. Excel draws all of them right
(15 digits), so the text is what both show.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

import render_check as rc
from cims_xl.domain.display import money
from cims_xl.services import records, settings

ROUNDED_UP = ["9999999999999.99", "9999999999999.98", "999999999999.998", "99999999999.9999"]
DRAWN_RIGHT = ["9999999999999.97", "99999999999999.9", "1234567890123.45"]


def _store(admin, amount):
    settings.set_store_currency(admin, "USD")
    cid = records.create(admin, "customer", {"name": "Alice Big", "country": "US"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-05-01", "amount": amount,
                                    "currency": "USD"})
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-06-01", "amount": "1",
                                    "currency": "USD"})


def _month_cells(path):
    ws = openpyxl.load_workbook(path)["Report - Sales"]
    for row in ws.iter_rows():
        for c in row:
            if c.value == "Month":
                sales = next(x for x in row if x.value == "Sales")
                first = ws.cell(row=c.row + 1, column=sales.column)
                return first, ws
    raise AssertionError("no Sales by month table")


@pytest.mark.parametrize("amount", ROUNDED_UP + DRAWN_RIGHT)
def test_a_figure_libreoffice_draws_rounded_up_is_exact_text_and_others_stay_numbers(run, admin, tmp_path, amount):
    _store(admin, amount)
    path = tmp_path / "r.xlsx"
    code, out, err = run("report", "--out", str(path))
    assert code == 0, err
    cell, ws = _month_cells(path)
    if amount in ROUNDED_UP:
        assert cell.value == money(Decimal(amount), "USD", code=False)
        notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)
                 and "LibreOffice draws rounded up" in c.value]
        assert notes
    else:
        assert isinstance(cell.value, float) and Decimal(repr(cell.value)) == Decimal(amount)


def test_libreoffice_draws_every_report_figure_of_the_largest_amounts_with_its_digits(run, admin, tmp_path):
    _store(admin, "9999999999999.99")
    path = tmp_path / "r.xlsx"
    code, out, err = run("report", "--out", str(path))
    assert code == 0, err
    ods = rc.convert(path, "ods", tmp_path / "ods", tmp_path / "profile")
    sales = next(s for s in rc.read_ods(ods) if s.name == "Report - Sales")
    texts = {cell.text for cell in sales.cells.values()}
    assert "9,999,999,999,999.99" in texts
    assert not any(t.startswith("10,000,000,000,000.00") for t in texts)
