"""Report workbooks: a figure converted at a rate shows the target currency's decimals;
a figure or total a cell cannot hold exactly (more than 15 significant digits) is
written as its exact text with a note, never as a double shown rounded. Read back from
the xlsx parts of a report written from a real encrypted store."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl

from cims_xl.services import records, settings


def _customer(admin) -> str:
    return records.create(admin, "customer", {"name": "Chen Jie"})["id"]


def _order(admin, cid: str, amount: str, currency: str, day: str = "2024-03-04") -> None:
    records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": Decimal(amount),
                                    "currency": currency})


def _cells(path, sheet_name: str, table: str):
    """{header: [cells]} of an Excel table of the report workbook, and its totals row."""
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if table in ws.tables)
    ref = ws.tables[table].ref
    (c1, r1), (c2, r2) = [openpyxl.utils.cell.coordinate_from_string(x) for x in ref.split(":")]
    c1, c2 = openpyxl.utils.column_index_from_string(c1), openpyxl.utils.column_index_from_string(c2)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    last = r2 - (ws.tables[table].totalsRowCount or 0)
    body = {h: [ws.cell(r, c1 + i) for r in range(r1 + 1, last + 1)] for i, h in enumerate(headers)}
    total = {h: ws.cell(last + 1, c1 + i) for i, h in enumerate(headers)}
    return body, total, ws


def test_a_year_total_of_more_than_15_digits_is_written_as_exact_text_with_a_note(run, admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    cid = _customer(admin)
    for amount, day in (("9999999999999.99", "2024-01-05"), ("0.01", "2024-02-05"), ("200.20", "2024-03-05"),
                        ("52.051", "2024-04-05")):
        _order(admin, cid, amount, "USD", day)
    out = tmp_path / "rep.xlsx"
    code, _, err = run("report", "--out", str(out))
    assert code == 0, err
    code, js, err = run("--format", "json", "report")
    years = json.loads(js)["Report - Sales"]["tables"]["tblSalesByYear"]
    exact = Decimal(str(years[0]["Sales"]))
    assert exact == Decimal("10000000000252.251")
    body, total, ws = _cells(out, "Report - Sales", "tblSalesByYear")
    assert [c.value for c in body["Sales"]] == ["10,000,000,000,252.251"]
    assert isinstance(total["Sales"].value, str) and total["Sales"].value == "10,000,000,000,252.251"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("exact text" in t and "15 digits" in t for t in texts)
    # a month's figure that fits stays a number
    months, _, _ = _cells(out, "Report - Sales", "tblSalesByMonth")
    assert 200.2 in [c.value for c in months["Sales"]]


def test_a_sales_table_converted_at_a_rate_shows_the_currencys_decimals_in_the_workbook_and_terminal(
        run, admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "CNY", "0.14014", "2020-01-01", confirm=True)
    cid = _customer(admin)
    _order(admin, cid, "100", "CNY")
    out = tmp_path / "rep.xlsx"
    code, _, err = run("report", "--out", str(out))
    assert code == 0, err
    body, _, _ = _cells(out, "Report - Sales", "tblSalesByYear")
    cell = body["Sales"][0]
    assert cell.value == 14.014 and cell.number_format == "#,##0.00"
    code, text, err = run("report")
    assert code == 0, err
    assert "14.01" in text and "14.014" not in text
    code, js, err = run("--format", "json", "report")
    assert Decimal(str(json.loads(js)["Report - Sales"]["tables"]["tblSalesByYear"][0]["Sales"])) == Decimal("14.014")
