"""Orders with no profit (imported without one) are not counted as profit 0.00."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SALES
from cims_xl.services import records

AS_OF = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def _orders(admin, rows):
    """rows: (order number, date, region, amount, profit or None)."""
    cid = records.create(admin, "customer", {"name": "Ann Lee"})["id"]
    for number, day, region, amount, profit in rows:
        data = {"customer_id": cid, "order_number": number, "order_date": day, "region": region,
                "amount": amount}
        if profit is not None:
            data["profit"] = profit
        records.create(admin, "order", data)


@pytest.fixture
def mixed(admin):
    _orders(admin, [("A-1", "2024-01-05", "East", "100", None),      # January: none known
                    ("A-2", "2024-01-09", "East", "50", None),
                    ("B-1", "2024-03-02", "West", "200", "30"),      # March: 1 of 2 unknown
                    ("B-2", "2024-03-04", "East", "80", None),
                    ("C-1", "2024-05-01", "West", "10", "-4")])      # May: all known
    return admin


def test_a_month_whose_orders_have_no_profit_shows_no_profit_not_zero(mixed):
    t = build_for_session(mixed, as_of=AS_OF)[SALES].table("tblSalesByMonth")
    profit = dict(zip(t.data["Month"].dt.strftime("%Y-%m"), t.data["Profit"]))
    assert np.isnan(profit["2024-01"])
    assert profit["2024-03"] == 30 and profit["2024-05"] == -4
    assert profit["2024-02"] == 0 and profit["2024-04"] == 0          # no orders: nothing unknown
    assert t.note.startswith("Profit not known for 3 order(s)")
    assert "2024-03: 1 of 2" in t.note and "2024-01" not in t.note


def test_years_and_regions_say_how_many_orders_their_profit_leaves_out(mixed):
    sales = build_for_session(mixed, as_of=AS_OF)[SALES]
    year = sales.table("tblSalesByYear")
    assert year.data["Profit"].tolist() == [26] and "2024: 3 of 5" in year.note
    region = sales.table("tblSalesByRegion").data.set_index("Region")["Profit"]
    assert np.isnan(region["East"]) and region["West"] == 26
    assert "Profit not known for 3 order(s)" in sales.table("tblSalesByRegion").note


def test_a_store_whose_profits_are_all_known_has_no_profit_note(admin):
    _orders(admin, [("A-1", "2024-01-05", "East", "100", "0"), ("A-2", "2024-02-05", "East", "100", "5")])
    t = build_for_session(admin, as_of=AS_OF)[SALES].table("tblSalesByMonth")
    assert t.data["Profit"].tolist() == [0, 5] and t.note is None


def test_an_order_of_several_lines_counts_once_among_the_unknown(admin):
    cid = records.create(admin, "customer", {"name": "王芳"})["id"]
    for line, profit in ((1, None), (2, "3"), (3, None)):
        data = {"customer_id": cid, "order_number": "SO-9", "line_no": line, "order_date": "2024-06-01",
                "amount": "10"}
        if profit:
            data["profit"] = profit
        records.create(admin, "order", data)
    t = build_for_session(admin, as_of=AS_OF)[SALES].table("tblSalesByMonth")
    assert t.data["Profit"].tolist() == [3]
    assert t.note.startswith("Profit not known for 1 order(s)") and "2024-06: 1 of 1" in t.note


def test_the_cli_report_shows_a_dash_for_unknown_profit_and_prints_the_note(run, mixed, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    code, out, err = run("report")
    assert code == 0, err
    month_rows = [line for line in out.splitlines() if "│ 2024-01 " in line]
    assert month_rows and "—" in month_rows[0] and "0.00" not in month_rows[0].split("│")[-2]
    assert "Note: Profit not known for 3 order(s)" in " ".join(out.split())
    code, out, err = run("--format", "json", "report")
    sales = json.loads(out)["Report - Sales"]
    january = next(r for r in sales["tables"]["tblSalesByMonth"] if r["Month"].startswith("2024-01"))
    assert january["Profit"] is None
    assert sales["notes"]["tblSalesByMonth"].startswith("Profit not known for 3 order(s)")
