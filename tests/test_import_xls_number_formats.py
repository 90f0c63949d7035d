"""A legacy .xls reads its cells' number formats as the .xlsx reader does (FORMAT and XF
records, importer.xls_facts): an amount formatted `#,##0.00 [$€-407]`, `#,##0.00 "€"`,
`[$£-809]#,##0.00` or `[$¥-411]#,##0` is in that currency, not the store's (CNY); the
same rows as .xlsx with the same formats store the same values."""

from __future__ import annotations

import struct
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer.run import import_file

from hostile_files import _xl_string, biff, label, xls
from table_files import orders_by_number

HEAD = ["Rechnungsnr", "Datum", "Kunde", "Betrag"]
ROWS = [("R1", "2024-03-05", "Müller GmbH", 100.5), ("R2", "2024-03-06", "Schmidt AG", 2500.0)]
FORMATS = pytest.mark.parametrize("code, currency", [
    ("#,##0.00 [$€-407]", "EUR"), ('#,##0.00 "€"', "EUR"), ("[$€-40C] #,##0.00", "EUR"),
    ("[$£-809]#,##0.00", "GBP"), ("[$CHF-807] #,##0.00", "CHF"), ("[$¥-411]#,##0", "JPY"),
    ("#,##0.00 [$USD]", "USD"),
])


def _xls(path, code: str, head=HEAD, rows=ROWS):
    """A BIFF8 workbook: FORMAT 164 = `code`; XF 0 general, XF 1 with format 164; the
    amounts as NUMBER records in XF 1, the rest as LABEL records."""
    fmt = biff(0x041E, struct.pack("<H", 164) + _xl_string(code, 2))
    xf = lambda index: biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, index, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))  # noqa: E731
    cells = b"".join(label(0, c, h) for c, h in enumerate(head))
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            cells += biff(0x0203, struct.pack("<HHHd", r, c, 1, v)) if isinstance(v, float) else label(r, c, v)
    return xls(path, [("Rechnungen", cells)], globals_extra=fmt + xf(0) + xf(164))


def _xlsx(path, code: str, head=HEAD, rows=ROWS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(list(row))
        sheet.cell(sheet.max_row, 4).number_format = code
    book.save(path)
    return path


@FORMATS
def test_an_xls_amount_formatted_with_a_currency_is_stored_in_it_as_its_xlsx_copy_is(admin, tmp_path, code, currency):
    rows = [(n, d, c, float(round(a))) for n, d, c, a in ROWS] if currency == "JPY" else ROWS
    import_file(admin, _xls(tmp_path / "r.xls", code, rows=rows), kind="orders")
    copy = [("X" + n, d, c, a) for n, d, c, a in rows]          # the same rows as .xlsx, other numbers
    import_file(admin, _xlsx(tmp_path / "r.xlsx", code, rows=copy), kind="orders")
    stored = orders_by_number(admin)
    assert stored == {n: (Decimal(repr(a)).normalize(), currency) for n, _d, _c, a in rows + copy}


def test_an_xls_with_euro_amounts_beside_a_yuan_store_says_where_the_currency_came_from(admin, tmp_path):
    result = import_file(admin, _xls(tmp_path / "r.xls", "#,##0.00 [$€-407]"), kind="orders")
    assert orders_by_number(admin) == {"R1": (Decimal("100.5"), "EUR"), "R2": (Decimal("2500"), "EUR")}
    assert result.currency_defaulted == {}
    assert any(i["what"] == "currency formats" for i in result.inferences)
