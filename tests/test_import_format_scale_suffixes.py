"""A number format showing a short scale suffix after an amount ('0.0"K"', '#,##0.0" Mn"',
'#,##0.0"Bn"', '"$"0.0"M"') means the cell's number times that scale; L, Lac and Lakh are a
lakh (100,000) only beside the rupee ('[$₹]#,##0.00" L"'). Reads back the stored amount."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

HEAD = ["Order No", "Order Date", "Customer"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _formatted(path: Path, cells: list[tuple[object, str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEAD + ["Amount"])
    for i, (value, fmt) in enumerate(cells, start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", value])
        sheet.cell(row=sheet.max_row, column=4).number_format = fmt
    book.save(path)
    return path


@pytest.mark.parametrize("fmt, value, amount, code", [
    ('0.0"K"', 1.5, "1500", "EUR"),
    ('#,##0.0" K"', 2.5, "2500", "EUR"),
    ('#,##0.0" Mn"', 1.2, "1200000", "EUR"),
    ('#,##0.00"Bn"', 0.25, "250000000", "EUR"),
    ('[$₹]#,##0.00" L"', 1.5, "150000", "INR"),
    ('"₹"#,##0.00" L"', 2, "200000", "INR"),
    ('[$₹]#,##0.00" Lakh"', 3, "300000", "INR"),
    ('[$€]0.0"K"', 1.5, "1500", "EUR"),
])
def test_a_number_format_with_a_short_scale_suffix_scales_the_stored_amount(admin, tmp_path, fmt, value, amount,
                                                                           code):
    settings.set_store_currency(admin, "EUR")
    f = _formatted(tmp_path / "o.xlsx", [(value, fmt), (value, fmt)])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code), "A2": (Decimal(amount), code)}
