"""A unit in a Quantity cell's number format ('0 "dozen"', '0" 箱"', '0 "boxes"', '0.0 "kg"',
'0 "Kartons"') is read as the same text written in a CSV is: no count of items, so the
import stops before writing, naming the column, the format's text and its cells, never
storing the bare number; --map "COLUMN=Notes" then imports the file. A counter of items
('0 "pcs"', '0" 件"', '0 "Stk"') is the count itself. .xlsx and .ods, read back."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

HEAD = ["Order No", "Order Date", "Customer", "Amount", "Qty"]


def _xlsx(path: Path, cells: list[tuple[object, str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for i, (value, fmt) in enumerate(cells, start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", 10 * i, value])
        sheet.cell(row=sheet.max_row, column=5).number_format = fmt
    book.save(path)
    return path


def _ods_cell(text: str, attrs: str = 'office:value-type="string"') -> str:
    return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"


def _ods(path: Path, cells: list[tuple[object, str]]) -> Path:
    from hostile_files import ods

    rows = [[_ods_cell(h) for h in HEAD]]
    for i, (value, shown) in enumerate(cells, start=1):
        rows.append([_ods_cell(f"A{i}"), _ods_cell("2024-03-05"), _ods_cell(f"Customer {i}"),
                     _ods_cell(str(10 * i), f'office:value-type="float" office:value="{10 * i}"'),
                     _ods_cell(shown, f'office:value-type="float" office:value="{value}" table:style-name="ce1"')])
    return ods(path, "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))


def _quantities(session) -> dict[str, object]:
    return {o["order_number"]: o["quantity"] for o in records.list_records(session, "order")}


UNITS = [(2, '0 "dozen"', "2 dozen", "dozen"), (3, '0" 箱"', "3 箱", "箱"), (4, '0 "boxes"', "4 boxes", "boxes"),
         (2, '0.0 "kg"', "2.0 kg", "kg"), (5, '0 "Kartons"', "5 Kartons", "Kartons"),
         (1, '0" 打"', "1 打", "打"), (6, '0 "cajas"', "6 cajas", "cajas")]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("value, code, shown, unit", UNITS)
def test_a_unit_in_a_quantity_number_format_stops_naming_the_column_never_the_bare_number(admin, tmp_path, fmt,
                                                                                          value, code, shown, unit):
    f = (_xlsx(tmp_path / "o.xlsx", [(value, code), (1, "0")]) if fmt == "xlsx"
         else _ods(tmp_path / "o.ods", [(value, shown), (1, "1")]))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    text = str(stop.value)
    assert "'Qty'" in text and f"'{unit}'" in text and "Nothing was imported" in text
    assert records.list_records(admin, "order") == []
    import_file(admin, f, kind="orders", mapping={"Qty": "Notes"})
    assert _quantities(admin)["A1"] in (None, 1)
    assert str(value) in next(o["notes"] for o in records.list_records(admin, "order") if o["order_number"] == "A1")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("value, code, shown", [(3, '0 "pcs"', "3 pcs"), (4, '0" 件"', "4 件"),
                                                (5, '0 "Stk"', "5 Stk"), (2, '0 "units"', "2 units")])
def test_a_counter_of_items_in_a_quantity_number_format_is_the_count_itself(admin, tmp_path, fmt, value, code,
                                                                             shown):
    f = (_xlsx(tmp_path / "o.xlsx", [(value, code)]) if fmt == "xlsx"
         else _ods(tmp_path / "o.ods", [(value, shown)]))
    import_file(admin, f, kind="orders")
    assert _quantities(admin) == {"A1": value}
