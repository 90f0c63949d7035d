"""A number format that shows text the importer does not read as a scale, a currency or a
ledger mark ('0.0" pts"', '#,##0" units"', '0" Stk"', '0.00" kg"', '#,##0" 件"') in an
amount column says the number may not be money in the file's currency: the import stops
before writing, naming the column, the format's text and its cells, and the options
(--amount-scale 1: the numbers are amounts as written; --map "COLUMN=Notes": they are
not). Known suffixes (K, Mn, Bn, ₹ … L, Cr, 万元) and currency signs stay as they were.
Reads back the stored values from a real store; .xlsx and .ods."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

HEAD = ["Order No", "Order Date", "Customer", "Amount"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize() if o["amount"] is not None else None,
                                o["currency"]) for o in records.list_records(session, "order")}


def _notes(session) -> dict[str, str]:
    return {o["order_number"]: o["notes"] or "" for o in records.list_records(session, "order")}


def _xlsx(path: Path, cells: list[tuple[object, str]], head: list[str] = HEAD) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(head)
    for i, (value, fmt) in enumerate(cells, start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", value])
        sheet.cell(row=sheet.max_row, column=4).number_format = fmt
    book.save(path)
    return path


def _ods_cell(text: str, attrs: str = 'office:value-type="string"') -> str:
    return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"


def _ods(path: Path, cells: list[tuple[str, str]], head: list[str] = HEAD) -> Path:
    from hostile_files import ods

    rows = [[_ods_cell(h) for h in head]]
    for i, (value, shown) in enumerate(cells, start=1):
        rows.append([_ods_cell(f"A{i}"), _ods_cell("2024-03-05"), _ods_cell(f"Customer {i}"),
                     _ods_cell(shown, f'office:value-type="float" office:value="{value}" table:style-name="ce1"')])
    return ods(path, "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))


@pytest.mark.parametrize("fmt, value, text", [
    ('0.0" pts"', 12.5, "pts"),
    ('#,##0" units"', 1200, "units"),
    ('0" Stk"', 40, "Stk"),
    ('0.00" kg"', 3.25, "kg"),
    ('#,##0" 件"', 12, "件"),
    ('"Score: "0', 7, "Score:"),
])
def test_an_xlsx_amount_column_whose_format_shows_unknown_text_stops_naming_the_column_and_options(
        admin, tmp_path, fmt, value, text):
    settings.set_store_currency(admin, "EUR")
    path = _xlsx(tmp_path / "o.xlsx", [(value, fmt), (value, fmt)])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "'Amount'" in message and text in message and "--amount-scale 1" in message
    assert '--map "Amount=Notes"' in message and "Nothing was imported" in message
    assert _orders(admin) == {}


@pytest.mark.parametrize("value, shown, text", [
    ("12.5", "12.5 pts", "pts"), ("40", "40 Stk", "Stk"), ("3.25", "3,25 kg", "kg"), ("12", "12 件", "件"),
    ("1200", "1,200 units", "units"),
])
def test_an_ods_amount_column_whose_style_shows_unknown_text_stops_too(admin, tmp_path, value, shown, text):
    settings.set_store_currency(admin, "EUR")
    path = _ods(tmp_path / "o.ods", [(value, shown), (value, shown)])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Amount'" in stop.value.message and text in stop.value.message
    assert "--amount-scale 1" in stop.value.message and _orders(admin) == {}


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_amount_scale_one_reads_the_numbers_as_amounts_as_written_and_says_so(admin, tmp_path, suffix):
    settings.set_store_currency(admin, "EUR")
    path = (_xlsx(tmp_path / "o.xlsx", [(12.5, '0.0" pts"'), (40, '0.0" pts"')]) if suffix == "xlsx"
            else _ods(tmp_path / "o.ods", [("12.5", "12.5 pts"), ("40", "40.0 pts")]))
    result = import_file(admin, path, kind="orders", amount_scale="1")
    assert _orders(admin) == {"A1": (Decimal("12.5"), "EUR"), "A2": (Decimal("40"), "EUR")}
    (line,) = [i for i in result.inferences if "pts" in i["what"] + i["decided"]]
    assert "Amount" in line["what"] and "--amount-scale" in line["evidence"]


def test_mapping_the_column_to_notes_keeps_its_numbers_out_of_the_amount(admin, tmp_path):
    import openpyxl

    settings.set_store_currency(admin, "EUR")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Order No", "Order Date", "Customer", "Amount", "Net Total"])
    for i, (points, total) in enumerate([(12.5, 99.9), (40, 15)], start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", points, total])
        sheet.cell(row=sheet.max_row, column=4).number_format = '0.0" pts"'
    book.save(tmp_path / "o.xlsx")
    with pytest.raises(ImportRefused):
        import_file(admin, tmp_path / "o.xlsx", kind="orders", mapping={"Net Total": "Amount", "Amount": "Amount"})
    import_file(admin, tmp_path / "o.xlsx", kind="orders", mapping={"Amount": "Notes", "Net Total": "Amount"})
    assert _orders(admin) == {"A1": (Decimal("99.9"), "EUR"), "A2": (Decimal("15"), "EUR")}
    notes = _notes(admin)
    assert "12.5" in notes["A1"] and "40" in notes["A2"]


@pytest.mark.parametrize("fmt, value, amount, code", [
    ('#,##0.0" Mn"', 1.2, "1200000", "EUR"),
    ('[$€-407]#,##0.00', 12.5, "12.5", "EUR"),
    ('"USD "0.00', 12.5, "12.5", "USD"),
    ('#,##0.00 "kr"', 100, "100", "SEK"),
    ('#,##0,"K"', 1200000, "1200000", "EUR"),
    ('#,##0.00_);(#,##0.00)', 12.5, "12.5", "EUR"),
    ('0.00%', 0.5, "0.5", "EUR"),
    ('@', 7, "7", "EUR"),
])
def test_known_suffixes_and_currency_signs_import_as_before_where_an_unknown_text_stops(admin, tmp_path, fmt, value,
                                                                                      amount, code):
    settings.set_store_currency(admin, "EUR" if code != "SEK" else "SEK")
    with pytest.raises(ImportRefused):
        import_file(admin, _xlsx(tmp_path / "u.xlsx", [(value, '0.0" pts"')]), kind="orders")
    path = _xlsx(tmp_path / "o.xlsx", [(value, fmt), (value, fmt)])
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code), "A2": (Decimal(amount), code)}


@pytest.mark.parametrize("unit", ['0" Stk"', '#,##0" units"', '0" 件"'])
def test_a_unit_format_stops_only_in_the_amount_column_not_in_a_quantity_beside_it(admin, tmp_path, unit):
    import openpyxl

    settings.set_store_currency(admin, "EUR")
    for name, column in (("amount.xlsx", 5), ("quantity.xlsx", 4)):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Order No", "Order Date", "Customer", "Quantity", "Amount"])
        sheet.append(["A1", "2024-03-05", "Ann", 3, 12.5])
        sheet.cell(row=2, column=column).number_format = unit
        book.save(tmp_path / name)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, tmp_path / "amount.xlsx", kind="orders")
    assert "'Amount'" in stop.value.message and "'Quantity'" not in stop.value.message
    import_file(admin, tmp_path / "quantity.xlsx", kind="orders")
    assert _orders(admin) == {"A1": (Decimal("12.5"), "EUR")}
