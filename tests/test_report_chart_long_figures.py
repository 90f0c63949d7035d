"""A report chart never draws a wrong bar: a figure too long for a cell (more than 15
significant digits) is written as exact text, which a chart reads as 0 (Excel and
LibreOffice alike), so a table with such a figure among its charted rows gets no chart,
and its note names the month(s) and says why. Read back from a report written from a
real encrypted store, in currencies with 0, 2 and 3 decimals, by `cims report --out` and
by `cims sync FILE reports`; a table whose figures all fit keeps its chart."""
from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest
from lxml import etree

from cims_xl.services import records, settings

from test_sync_support import new_workbook

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _chart_titles(path) -> list[str]:
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart") and name.endswith(".xml"):
                head = etree.fromstring(z.read(name)).find(f"{C}chart/{C}title")
                if head is not None:
                    out.append("".join(t.text or "" for t in head.iter(f"{A}t")))
    return out


CASES = [   # currency, orders in one month whose sum has more than 15 digits, another month
    ("USD", ("9999999999999.99", "200.20"), "52.05"),
    ("JPY", ("99999999999999",) * 11, "1200"),
    ("BHD", ("999999999999.998", "100.005"), "7.125"),
]


@pytest.mark.parametrize("currency,big,small", CASES)
def test_a_month_too_long_for_a_cell_leaves_the_sales_chart_out_naming_the_month(run, admin, tmp_path,
                                                                                currency, big, small):
    settings.set_store_currency(admin, currency)
    cid = records.create(admin, "customer", {"name": "Chen Jie"})["id"]
    for amount in big:
        records.create(admin, "order", {"customer_id": cid, "order_date": "2024-03-04", "amount": Decimal(amount),
                                        "currency": currency})
    records.create(admin, "order", {"customer_id": cid, "order_date": "2024-05-04", "amount": Decimal(small),
                                    "currency": currency})
    out = tmp_path / "rep.xlsx"
    code, _, err = run("report", "--out", str(out))
    assert code == 0, err
    book = new_workbook(tmp_path / "book.xlsx")
    code, o, err = run("sync", str(book), "reports")
    assert code == 0, err + o
    for path in (out, book):
        ws = openpyxl.load_workbook(path)["Report - Sales"]
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert any("exact text" in t and "no chart is drawn" in t and "2024-03" in t for t in texts), texts
        titles = _chart_titles(path)
        # neither the month table's nor the year table's chart (its one year is too long too)
        assert not any(t.startswith(("Sales by month (", "Sales by year (")) for t in titles), titles
        with zipfile.ZipFile(path) as z:        # what is written validates against ECMA-376
            from test_package_preserved import _validate
            for name in z.namelist():
                if name.startswith(("xl/charts/chart", "xl/drawings/drawing", "xl/worksheets/sheet")):
                    _validate(name, z.read(name))


def test_the_chart_comes_back_when_the_month_fits_a_cell_again(run, admin, tmp_path):
    """A workbook synced again once the month fits a cell gets its month chart back (a
    table whose row still adds up to more than 15 digits stays without one, said), and
    loses it again when the month no longer fits, even unmarked by another program."""
    settings.set_store_currency(admin, "EUR")
    cid = records.create(admin, "customer", {"name": "Jürgen Groß"})["id"]
    big = [records.create(admin, "order", {"customer_id": cid, "order_date": "2023-03-04", "amount": Decimal(a),
                                           "currency": "EUR"})["id"] for a in ("9999999999999.97", "0.04")]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2024-05-04", "amount": Decimal("12.5"),
                                    "currency": "EUR"})
    book = new_workbook(tmp_path / "book.xlsx")
    assert run("sync", str(book), "reports")[0] == 0
    assert not any(t.startswith("Sales by month (") for t in _chart_titles(book))
    # 9,999,999,999,999.97 fits a cell (and LibreOffice draws it: .98 and .99 it draws as 10 trillion)
    records.delete(admin, big[1])
    assert run("sync", str(book), "reports")[0] == 0
    titles = _chart_titles(book)
    assert sum(1 for t in titles if t.startswith("Sales by month (")) == 1
    ws = openpyxl.load_workbook(book)["Report - Sales"]
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "no chart is drawn" in c.value]
    assert not any("2023-03" in n for n in notes)
    # the region table's one row still adds both months (9,999,999,999,999.97 + 12.50): no chart, said
    assert not any(t.startswith("Sales by region (") for t in titles) and notes
    # saved by another program (the charts' names, cims's mark, are lost), then too long again:
    # the month chart cims drew before goes, none is drawn
    openpyxl.load_workbook(book).save(book)
    records.create(admin, "order", {"customer_id": cid, "order_date": "2023-03-09", "amount": Decimal("0.04"),
                                    "currency": "EUR"})
    assert run("sync", str(book), "reports")[0] == 0
    assert not any(t.startswith("Sales by month (") for t in _chart_titles(book))
