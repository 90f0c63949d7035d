"""`cims report` on the terminal names the exchange rates each converted table used,
as the workbook's notes do."""

from __future__ import annotations

import json

from cims_xl.services import records


def _order(admin, cid, number, day, amount, currency):
    records.create(admin, "order", {"customer_id": cid, "order_number": number, "order_date": day,
                                    "amount": amount, "profit": "1", "currency": currency})


def test_each_converted_table_on_the_terminal_names_the_rates_it_used(run, admin, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    cid = records.create(admin, "customer", {"name": "Müller GmbH"})["id"]
    _order(admin, cid, "E-1", "2024-02-03", "100", "EUR")
    _order(admin, cid, "E-2", "2023-06-01", "50", "EUR")          # before the first rate: stays in EUR
    _order(admin, cid, "C-1", "2024-02-05", "300", "CNY")
    code, out, err = run("fx", "set", "EUR", "7.9", "--from", "2024-01-01")
    assert code == 0, err
    code, out, err = run("report")
    assert code == 0, err
    text = " ".join(out.split())
    rate = "Converted to CNY at 1 EUR = 7.9 CNY from 2024-01-01 (1 rows)"
    stays = "1 EUR rows are dated before the first EUR rate and stay in EUR"
    # under every money table: Sales by month, by year, by region, the month pivots, segments ...
    notes = [line for line in out.splitlines() if line.startswith("Note: ")]
    converted = [n for n in " ".join(out.split()).split("Note: ")[1:] if "Converted to CNY" in n]
    assert rate in text and stays in text
    assert len(converted) >= 5 and len(notes) >= len(converted)
    sales = text.split("Report - Sales · Sales by month")[1].split("Report - Sales · Sales by year")[0]
    assert rate in sales                                        # under its own table, before the next
    code, out, err = run("--format", "json", "report")
    notes = json.loads(out)["Report - Sales"]["notes"]
    assert rate in notes["tblSalesByMonth"] and rate in notes["tblSalesByRegion"]

