"""Text a number format writes as literal text, read as Excel shows it (ECMA-376 Part 1,
18.8.31): a quoted or escaped percent sign ('0"%"', '0\\%') does not scale the number, so
in an amount column it is text the importer does not read (the import stops naming
--amount-scale; with --amount-scale 1 the amount is the number as written, never a
hundredth of it); and only the section for the value's sign counts ('0;[Red]-0" pts"'
shows "pts" beside negative numbers only). Stored values read back from a real store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings


def _orders(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])).normalize() for o in records.list_records(session, "order")}


def _xlsx(path: Path, cells: list[tuple[float, str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Order No", "Order Date", "Customer", "Amount"])
    for i, (value, fmt) in enumerate(cells, start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", value])
        sheet.cell(row=sheet.max_row, column=4).number_format = fmt
    book.save(path)
    return path


def _ods(path: Path, cells: list[tuple[str, str]]) -> Path:
    from xml.sax.saxutils import escape

    from hostile_files import ods

    def cell(text, attrs='office:value-type="string"'):
        return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"

    rows = [[cell(h) for h in ["Order No", "Order Date", "Customer", "Amount"]]]
    for i, (value, shown) in enumerate(cells, start=1):
        rows.append([cell(f"A{i}"), cell("2024-03-05"), cell(f"Customer {i}"),
                     cell(shown, f'office:value-type="float" office:value="{value}" table:style-name="ce1"')])
    return ods(path, "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))


@pytest.mark.parametrize("fmt", ['0"%"', '0\\%', '0" %"', '#,##0.00"%"'])
def test_an_amount_formatted_with_a_quoted_percent_sign_stops_instead_of_being_divided_by_100(admin, tmp_path, fmt):
    settings.set_store_currency(admin, "EUR")
    path = _xlsx(tmp_path / "o.xlsx", [(120, fmt), (150, fmt)])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Amount'" in stop.value.message and "%" in stop.value.message
    assert "--amount-scale 1" in stop.value.message and _orders(admin) == {}


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("fmt", ['0"%"', '0\\%', '0.0" %"'])
def test_amount_scale_one_stores_the_number_a_quoted_percent_format_shows(admin, tmp_path, monkeypatch, fmt, stream):
    from cims_xl.importer import readers

    if stream:
        monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    settings.set_store_currency(admin, "EUR")
    import_file(admin, _xlsx(tmp_path / "o.xlsx", [(120, fmt), (150, fmt)]), kind="orders", amount_scale="1")
    assert _orders(admin) == {"A1": Decimal("120"), "A2": Decimal("150")}


def test_an_ods_float_shown_with_a_percent_sign_in_an_amount_column_stops_and_then_keeps_its_number(admin, tmp_path):
    settings.set_store_currency(admin, "EUR")
    path = _ods(tmp_path / "o.ods", [("120", "120%"), ("150", "150 %")])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Amount'" in stop.value.message and "%" in stop.value.message
    import_file(admin, path, kind="orders", amount_scale="1")
    assert _orders(admin) == {"A1": Decimal("120"), "A2": Decimal("150")}


@pytest.mark.parametrize("fmt", ['0;[Red]-0" pts"', '#,##0.00;-#,##0.00" Stk"', '0;-0;0" kg"'])
def test_text_shown_only_beside_negative_or_zero_numbers_does_not_stop_positive_amounts(admin, tmp_path, fmt):
    settings.set_store_currency(admin, "EUR")
    import_file(admin, _xlsx(tmp_path / "o.xlsx", [(120, fmt), (150.5, fmt)]), kind="orders")
    assert _orders(admin) == {"A1": Decimal("120"), "A2": Decimal("150.5")}


@pytest.mark.parametrize("fmt, text, value", [('0;[Red]-0" pts"', "pts", -120), ('#,##0;(#,##0)" Stk"', "Stk", -120),
                                               ('0;-0;0" kg"', "kg", 0)])
def test_a_cell_whose_own_sections_text_applies_still_stops_and_shows_it_as_excel_does(admin, tmp_path, fmt, text,
                                                                                        value):
    settings.set_store_currency(admin, "EUR")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, _xlsx(tmp_path / "o.xlsx", [(120, fmt), (value, fmt)]), kind="orders")
    message = stop.value.message
    assert text in message and "row 3" in message and "row 2" not in message
    assert _orders(admin) == {}
