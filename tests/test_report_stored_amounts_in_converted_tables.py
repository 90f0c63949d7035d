"""In a report converted to the store's currency, a figure made only of amounts stored in
that currency (none converted at a rate) is a stored amount: shown with every stored
digit (0.005 USD stays 0.005, never 0.01), on the terminal, in the CSV and in the
workbook's cells; figures converted at a rate are rounded to the currency's minor units.
"""

from __future__ import annotations

import openpyxl
import pytest

from cims_xl.services import records, settings

# (store currency, a stored amount with more digits than its minor units, how it reads,
#  another currency, its rate, an amount of it converting to a fraction of a minor unit)
CASES = [
    ("USD", "0.005", "0.005", "JPY", "0.0067", "1"),           # the tester's Alice and Tanaka
    ("BHD", "1.2345", "1.2345", "USD", "0.376", "0.01"),
    ("CNY", "0.001", "0.001", "USD", "7.1", "0.0001"),
]


def _setup(admin, base, stored, other, rate, small):
    settings.set_store_currency(admin, base)
    settings.set_fx_rate(admin, other, rate, "2020-01-01", confirm=True)
    alice = records.create(admin, "customer", {"name": "Alice Stored"})["id"]
    bob = records.create(admin, "customer", {"name": "Bob Converted"})["id"]
    records.create(admin, "order", {"customer_id": alice, "order_date": "2025-04-01", "amount": stored,
                                    "currency": base})
    records.create(admin, "order", {"customer_id": bob, "order_date": "2025-05-04", "amount": small,
                                    "currency": other})
    return alice, bob


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if name in line)


@pytest.mark.parametrize("base, stored, reads, other, rate, small", CASES)
def test_a_stored_amount_in_a_converted_report_is_shown_with_every_stored_digit(
        run, admin, monkeypatch, base, stored, reads, other, rate, small):
    monkeypatch.setenv("COLUMNS", "240")
    _setup(admin, base, stored, other, rate, small)
    code, out, err = run("report")
    assert code == 0, err
    top = out.split("Top 20 customers")[1]
    assert f" {reads} " in _line(top, "Alice Stored")
    # the month of stored amounts only, beside the converted month, in Sales by month
    months = out.split("Sales by month (")[1].split("Report - Sales ·")[0]
    assert f" {reads} " in _line(months, "2025-04")
    # the converted figure is rounded to the minor units (as before)
    from cims_xl.domain.display import converted_money
    from decimal import Decimal
    shown = converted_money(Decimal(small) * Decimal(rate), base, code=False)
    assert f" {shown} " in _line(top, "Bob Converted")


@pytest.mark.parametrize("base, stored, reads, other, rate, small", CASES)
def test_a_stored_amount_in_a_converted_report_workbook_keeps_its_digits_in_value_and_format(
        run, admin, tmp_path, base, stored, reads, other, rate, small):
    _setup(admin, base, stored, other, rate, small)
    path = tmp_path / "r.xlsx"
    code, out, err = run("report", "--out", str(path))
    assert code == 0, err
    ws = openpyxl.load_workbook(path)["Report - Segments"]
    cells = [row for row in ws.iter_rows() if any(c.value == "Alice Stored" for c in row)]
    assert cells, "Alice is in Top customers"
    from decimal import Decimal
    money = [c for c in cells[0] if isinstance(c.value, (int, float)) and Decimal(repr(c.value)) == Decimal(stored)]
    assert money, [c.value for c in cells[0]]
    fmt = money[0].number_format
    places = len(fmt.split(".")[1]) if "." in fmt else 0
    assert places >= len(reads.split(".")[1]), fmt      # the format shows every stored digit
