"""`cims --format csv report` keeps what the figures are: each table a section with its
title naming its currency (or a Currency column), its notes (rates, rounding, profit
not known, digits a spreadsheet would round), then its header and rows of plain numbers.
Read back with the csv module, as a program (or a person in a spreadsheet) reads it.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from cims_xl.services import records, settings


def _sections(text: str) -> dict[str, dict]:
    """{title: {"notes": [...], "header": [...], "rows": [...]}} of the CSV's sections."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    out, chunk = {}, []
    for row in rows + [[]]:
        if row:
            chunk.append(row)
            continue
        if chunk:
            title, rest = chunk[0], chunk[1:]
            assert len(title) == 1, title
            notes = [r[0][len("Note: "):] for r in rest if len(r) == 1 and r[0].startswith("Note: ")]
            body = rest[len(notes):]
            out[title[0]] = {"notes": notes, "header": body[0], "rows": body[1:]}
        chunk = []
    return out


def _find(sections, title_part):
    hits = [v | {"title": k} for k, v in sections.items() if title_part in k]
    assert hits, (title_part, list(sections))
    return hits[0]


def _column(section, name):
    i = section["header"].index(name)
    return [r[i] for r in section["rows"]]


NUMBER = re.compile(r"-?\d+(\.\d+)?%?")
DAY = re.compile(r"\d{4}-\d\d(-\d\d)?( \d\d:\d\d)?")


@pytest.mark.parametrize("base, other, rate, big, small", [
    ("USD", "CNY", "0.1399", "9999999999999.99", "700.05"),
    ("EUR", "USD", "0.92", "9999999999999.99", "1234.5"),
    ("CNY", "JPY", "0.048", "9999999999999.99", "1507"),
])
def test_a_converted_csv_report_names_each_tables_currency_and_carries_its_notes(
        run, admin, base, other, rate, big, small):
    settings.set_store_currency(admin, base)
    cid = records.create(admin, "customer", {"name": "Alice Multi", "country": "US"})["id"]
    for day, amount, code in [("2025-03-04", "100.10", base), ("2025-03-05", small, other),
                              ("2025-05-01", big, base), ("2025-04-01", "0.005", base)]:
        records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": amount, "currency": code})
    code, out, err = run("fx", "set", other, rate, "--from", "2020-01-01", "--confirm")
    assert code == 0, err
    code, out, err = run("--format", "csv", "report")
    assert code == 0, err
    sections = _sections(out)
    year = _find(sections, "Sales by year")
    assert f"({base})" in year["title"]
    assert any(f"Converted to {base} at 1 {other} = {Decimal(rate).normalize():f} {base}" in n for n in year["notes"])
    assert any("Profit not known" in n for n in year["notes"])
    assert any("more than 15 digits" in n and "(Sales)" in n for n in year["notes"])
    exact = Decimal("100.10") + Decimal(small) * Decimal(rate) + Decimal(big) + Decimal("0.005")
    sales = _column(year, "Sales")[0]
    assert "," not in sales and Decimal(sales) == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert _column(year, "Profit") == [""]                 # not known: empty, as the note says
    # every figure of every table is a plain number (no thousands separator, no code)
    for title, section in sections.items():
        for row in section["rows"]:
            for cell in row[1:]:
                if cell and cell[0].isdigit() and not DAY.fullmatch(cell):
                    assert NUMBER.fullmatch(cell), (title, row)
    # a table whose converted figures do not add up as shown says so
    pivot = _find(sections, "Sales by month and region")
    assert f"({base})" in pivot["title"]


def test_a_csv_report_in_several_currencies_has_a_currency_per_row_and_plain_amounts(run, admin):
    settings.set_store_currency(admin, "USD")
    cid = records.create(admin, "customer", {"name": "王小明", "country": "CN"})["id"]
    for day, amount, code in [("2025-03-04", "1234.56", "CNY"), ("2025-03-05", "1.235", "BHD"),
                              ("2025-03-06", "100.10", "USD")]:
        records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": amount, "currency": code})
    code, out, err = run("--format", "csv", "report")
    assert code == 0, err
    month = _find(_sections(out), "Sales by month (")
    assert "Currency" in month["header"] and "each row in its Currency" in month["title"]
    got = dict(zip(_column(month, "Currency"), _column(month, "Sales")))
    assert got == {"USD": "100.10", "CNY": "1234.56", "BHD": "1.235"}
    assert any("one block of rows per currency" in n for n in month["notes"])


def test_a_csv_report_keeps_formula_guards_on_text_cells(run, admin):
    settings.set_store_currency(admin, "USD")
    cid = records.create(admin, "customer", {"name": "=HYPERLINK(\"x\")", "country": "US"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2025-03-04", "amount": "5",
                                    "currency": "USD", "category": "=1+2"})
    code, out, err = run("--format", "csv", "report")
    assert code == 0, err
    sections = _sections(out)
    category = _find(sections, "Sales by month and category")
    assert "'=1+2" in category["header"]
    top = _find(sections, "Top 20 customers")
    assert "'=HYPERLINK(\"x\")" in top["rows"][0]
