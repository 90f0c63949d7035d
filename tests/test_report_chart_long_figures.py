"""A month whose figure is too long for a cell (more than 15 significant digits, written
as exact text) is still drawn by the report's chart at its height: the series holding
such a cell is drawn from the figures rounded to 15 significant digits (a cell would read
as 0), and the table's note says so. Read back from the chart parts of a report written
from a real encrypted store, in currencies with 0, 2 and 3 decimals, by `cims report
--out` and by `cims sync FILE reports`."""
from __future__ import annotations

import zipfile
from decimal import Context, Decimal

import openpyxl
import pytest
from lxml import etree

from cims_xl.services import records, settings

from test_sync_support import new_workbook

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _chart(path, title_start: str):
    """The chart part whose title starts with `title_start`."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                head = root.find(f"{C}chart/{C}title")
                if head is not None and "".join(t.text or "" for t in head.iter(f"{A}t")).startswith(title_start):
                    return root
    raise AssertionError(f"no chart {title_start!r}")


def _drawn(series) -> list[float | None]:
    """The values a series draws: its literal numbers, or None if it reads cells."""
    lit = series.find(f"{C}val/{C}numLit")
    if lit is None:
        return None
    n = int(lit.find(f"{C}ptCount").get("val"))
    out = [None] * n
    for pt in lit.findall(f"{C}pt"):
        out[int(pt.get("idx"))] = float(pt.find(f"{C}v").text)
    return out


CASES = [   # currency, two orders in one month whose sum has more than 15 digits, another month
    ("USD", ("9999999999999.99", "200.20"), "52.05"),
    ("JPY", ("99999999999999",) * 11, "1200"),
    ("BHD", ("999999999999.998", "100.005"), "7.125"),
]


@pytest.mark.parametrize("currency,big,small", CASES)
def test_a_month_too_long_for_a_cell_is_drawn_at_its_height_by_the_sales_chart(run, admin, tmp_path,
                                                                             currency, big, small):
    settings.set_store_currency(admin, currency)
    cid = records.create(admin, "customer", {"name": "Chen Jie"})["id"]
    for amount in big:
        records.create(admin, "order", {"customer_id": cid, "order_date": "2024-03-04", "amount": Decimal(amount),
                                        "currency": currency})
    records.create(admin, "order", {"customer_id": cid, "order_date": "2024-05-04", "amount": Decimal(small),
                                    "currency": currency})
    total = sum(Decimal(a) for a in big)
    out = tmp_path / "rep.xlsx"
    code, _, err = run("report", "--out", str(out))
    assert code == 0, err
    book = new_workbook(tmp_path / "book.xlsx")
    code, o, err = run("sync", str(book), "reports")
    assert code == 0, err + o
    for path in (out, book):
        ws = openpyxl.load_workbook(path)["Report - Sales"]
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert any("exact text" in t and "the chart draws them rounded to 15 significant digits" in t
                   for t in texts)
        chart = _chart(path, "Sales by month")
        series = chart.findall(f".//{C}ser")
        assert len(series) == 1
        drawn = _drawn(series[0])
        assert drawn is not None, "the series reads cells holding text"
        # 2024-03, 2024-04 (nothing sold), 2024-05
        fifteen = float(Context(prec=15).create_decimal(total))        # what a chart can show
        assert drawn[0] == fifteen and drawn[2] == float(Decimal(small)) and drawn[1] in (0.0, None)
        assert abs(Decimal(repr(drawn[0])) - total) / total < Decimal("1e-14")
        with zipfile.ZipFile(path) as z:       # the chart parts validate against ECMA-376
            from test_package_preserved import _validate
            for name in z.namelist():
                if name.startswith("xl/charts/chart"):
                    _validate(name, z.read(name))

