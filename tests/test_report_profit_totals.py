"""A profit no order gave is unknown in every row and in the Total, never 0.00.

Sales by month, by year and by region: when no order of a table (or of one currency's
block) has a known profit, its Total row leaves Profit blank instead of a SUBTOTAL that
Excel shows as 0.00, and a month without orders shows no profit either (a 0.00 there
among blanks reads as a known profit). Where some profits are known the Total adds
those, and the note says so. Read back from the workbook file and from the CLI.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from cims_xl.excel import sync
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SALES
from cims_xl.services import records
from test_sync_support import new_workbook

AS_OF = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
PROFIT_TABLES = ("tblSalesByMonth", "tblSalesByYear", "tblSalesByRegion")


def _orders(admin, rows) -> None:
    """rows: (customer name, date, amount, currency, region, profit or None)."""
    ids: dict[str, str] = {}
    for name, day, amount, currency, region, profit in rows:
        if name not in ids:
            ids[name] = records.create(admin, "customer", {"name": name})["id"]
        data = {"customer_id": ids[name], "order_date": day, "amount": amount, "currency": currency,
                "region": region}
        if profit is not None:
            data["profit"] = profit
        records.create(admin, "order", data)


UNKNOWN = [("Ann Lee", "2026-01-05", "100", "CNY", "华南", None),      # February has no order
           ("王芳", "2026-03-09", "250", "CNY", "华东", None),
           ("Jean Dupont", "2025-11-30", "80", "CNY", "华南", None)]


def _totals_row(ws, table) -> dict[str, openpyxl.cell.Cell]:
    c1, r1, c2, r2 = range_boundaries(table.ref)
    return {ws.cell(r1, c).value: ws.cell(r2, c) for c in range(c1, c2 + 1)}


def test_no_known_profit_leaves_every_profit_and_its_total_blank(admin):
    _orders(admin, UNKNOWN)
    sales = build_for_session(admin, as_of=AS_OF)[SALES]
    for name in PROFIT_TABLES:
        t = sales.table(name)
        assert t.data["Profit"].isna().all(), f"{name}: {t.data['Profit'].tolist()}"
        assert "Profit" not in t.totals and t.totals.get("Sales") == "sum", name
    months = sales.table("tblSalesByMonth").data
    assert months["Orders"].tolist() == [1, 0, 1, 0, 1]     # 2025-11 … 2026-03, empty months kept


def test_the_workbook_total_row_has_no_profit_formula_when_no_profit_is_known(tmp_path, admin):
    _orders(admin, UNKNOWN)
    path = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, path, "reports")
    ws = openpyxl.load_workbook(path)[SALES]
    for name in PROFIT_TABLES:
        total = _totals_row(ws, ws.tables[name])
        assert total["Profit"].value is None, f"{name}: Total profit {total['Profit'].value!r}"
        assert str(total["Sales"].value).startswith("=SUBTOTAL(109,")
    values = openpyxl.load_workbook(path, data_only=True)[SALES]
    total = _totals_row(values, ws.tables["tblSalesByMonth"])
    assert total["Sales"].value == pytest.approx(430)


def test_some_known_profits_are_summed_in_the_total_and_the_note_says_only_those(tmp_path, admin):
    _orders(admin, [*UNKNOWN, ("Ann Lee", "2026-03-20", "40", "CNY", "华南", "12.5"),
                    ("Ann Lee", "2026-03-21", "60", "CNY", "华北", "-2.5")])
    sales = build_for_session(admin, as_of=AS_OF)[SALES]
    months = sales.table("tblSalesByMonth")
    profit = dict(zip(months.data["Month"].dt.strftime("%Y-%m"), months.data["Profit"]))
    assert profit["2025-12"] == 0 and profit["2026-02"] == 0   # no orders, and profits are known here
    assert np.isnan(profit["2026-01"]) and profit["2026-03"] == 10
    for name in PROFIT_TABLES:
        t = sales.table(name)
        assert t.totals["Profit"] == "sum" and t.note.endswith("the Total adds the known profits only"), name
    path = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, path, "reports")
    ws = openpyxl.load_workbook(path, data_only=True)[SALES]
    total = _totals_row(ws, openpyxl.load_workbook(path)[SALES].tables["tblSalesByYear"])
    assert total["Profit"].value == pytest.approx(10)


def test_a_currency_block_without_known_profit_shows_a_dash_in_its_empty_months(run, admin, monkeypatch):
    _orders(admin, [("Ann Lee", "2026-01-05", "100", "USD", "West", None),
                    ("Ann Lee", "2026-03-09", "50", "USD", "West", None),
                    ("王芳", "2026-01-10", "500", "CNY", "华南", "50"),
                    ("王芳", "2026-03-10", "300", "CNY", "华南", None)])
    monkeypatch.setenv("COLUMNS", "220")
    code, out, err = run("report")
    assert code == 0, err
    first = out.split("Sales by year")[0]     # the Sales by month table
    rows = {(cells[1], cells[2]): cells for line in first.splitlines()
            if len(cells := [c.strip() for c in line.split("│")]) == 7 and cells[1][:2] == "20"}
    assert rows[("2026-02", "USD")][5] == "—", rows[("2026-02", "USD")]
    assert rows[("2026-02", "CNY")][5].startswith("0.00"), "a month without orders where profits are known"
    assert rows[("2026-01", "USD")][5] == "—" and rows[("2026-01", "CNY")][5].startswith("50.00")
    code, out, err = run("--format", "json", "report")
    months = json.loads(out)[SALES]["tables"]["tblSalesByMonth"]
    assert [r["Profit"] for r in months if r["Currency"] == "USD"] == [None, None, None]
