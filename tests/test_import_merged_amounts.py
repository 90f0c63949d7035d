"""Amounts merged over an order's product lines (合并单元格): the customer and the date
merged over the lines are every line's, but the amount is the order's, counted once.
Each test writes its own workbook (.xlsx, .xls, .ods), imports it into a real encrypted
store and reads the stored orders back."""

from __future__ import annotations

import struct
from decimal import Decimal
from pathlib import Path

import openpyxl

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
import hostile_files as hf


def stored(session) -> list[tuple]:
    people = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return sorted((people[o["customer_id"]], str(o["order_date"]), o["product"], o["quantity"], Decimal(o["amount"]))
                  for o in records.list_records(session, "order"))


def xlsx(path: Path, rows: list[list], merges: list[str]) -> Path:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    for m in merges:
        wb.active.merge_cells(m)
    wb.save(path)
    return path


def test_an_amount_merged_over_an_orders_lines_is_stored_once_with_the_lines_products(admin, tmp_path):
    path = xlsx(tmp_path / "m.xlsx", [
        ["Customer", "Order Date", "Product", "Qty", "Amount"],
        ["Ann Lee", "2024-03-05", "Mug", 2, 150],
        [None, None, "T-shirt", 1, None],
        ["Bob Ray", "2024-03-06", "Cap", 1, 40],
    ], ["A2:A3", "B2:B3", "E2:E3"])
    result = import_file(admin, path, kind="order")
    assert stored(admin) == [("Ann Lee", "2024-03-05", "Mug; T-shirt", 3, Decimal("150")),
                             ("Bob Ray", "2024-03-06", "Cap", 1, Decimal("40"))]
    said = {i["what"]: i for i in result.inferences}
    assert "'Amount' merged over rows 2–3" in said["merged amounts"]["evidence"]
    assert "'Customer'" in said["merged cells"]["decided"]


def test_a_chinese_order_sheet_with_a_merged_total_over_three_lines_counts_the_sale_once(admin, tmp_path):
    path = xlsx(tmp_path / "订单.xlsx", [
        ["客户名称", "下单日期", "商品名称", "数量", "金额"],
        ["王小明", "2024-05-01", "茶杯", 1, 300],
        [None, None, "茶壶", 1, None],
        [None, None, "茶叶", 2, None],
        ["李华", "2024-05-02", "茶盘", 1, 80],
        [None, None, "茶巾", 3, 20],
    ], ["A2:A4", "B2:B4", "E2:E4", "A5:A6", "B5:B6"])
    import_file(admin, path, kind="order")
    got = stored(admin)
    assert sum(o[4] for o in got) == Decimal("400")
    assert ("王小明", "2024-05-01", "茶杯; 茶壶; 茶叶", 4, Decimal("300")) in got
    # a customer merged over lines that have their own amounts: two lines, each its own
    assert ("李华", "2024-05-02", "茶盘", 1, Decimal("80")) in got
    assert ("李华", "2024-05-02", "茶巾", 3, Decimal("20")) in got


def test_a_quantity_merged_with_the_amount_is_the_orders_quantity_not_a_sum(admin, tmp_path):
    path = xlsx(tmp_path / "q.xlsx", [
        ["Kunde", "Datum", "Artikel", "Menge", "Betrag"],
        ["Müller GmbH", "2024-03-05", "Schraube", 10, 99.5],
        [None, None, "Mutter", None, None],
    ], ["A2:A3", "B2:B3", "D2:D3", "E2:E3"])
    import_file(admin, path, kind="order")
    assert stored(admin) == [("Müller GmbH", "2024-03-05", "Schraube; Mutter", 10, Decimal("99.5"))]


def _mergedcells(*ranges: tuple[int, int, int, int]) -> bytes:
    return hf.biff(0x00E5, struct.pack("<H", len(ranges)) + b"".join(struct.pack("<HHHH", *r) for r in ranges))


def test_an_xls_with_a_merged_amount_stores_the_order_once(admin, tmp_path):
    cells = (hf.dimensions(0, 4, 0, 5)
             + hf.label(0, 0, "Customer") + hf.label(0, 1, "Product") + hf.label(0, 2, "Quantity")
             + hf.label(0, 3, "Total") + hf.label(0, 4, "Date")
             + hf.label(1, 0, "Ann Lee") + hf.label(1, 1, "Mug") + hf.number(1, 2, 1) + hf.number(1, 3, 150)
             + hf.label(1, 4, "2024-03-05")
             + hf.label(2, 1, "Plate") + hf.number(2, 2, 2)
             + hf.label(3, 0, "Bob Ray") + hf.label(3, 1, "Cap") + hf.number(3, 2, 1) + hf.number(3, 3, 40)
             + hf.label(3, 4, "2024-03-06")
             + _mergedcells((1, 2, 0, 0), (1, 2, 3, 3), (1, 2, 4, 4)))
    path = hf.xls(tmp_path / "m.xls", [("Orders", cells)])
    import_file(admin, path, kind="order")
    got = [(n, p, q, a) for n, _d, p, q, a in stored(admin)]
    assert got == [("Ann Lee", "Mug; Plate", 3, Decimal("150")), ("Bob Ray", "Cap", 1, Decimal("40"))]


def _ods_cell(value, rows: int = 1) -> str:
    span = f' table:number-rows-spanned="{rows}"' if rows > 1 else ""
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{span}>'
                f'<text:p>{value}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"{span}><text:p>{value}</text:p></table:table-cell>'


def test_an_ods_with_merged_customer_and_amount_cells_fills_the_name_and_counts_the_amount_once(admin, tmp_path):
    covered = "<table:covered-table-cell/>"
    row = lambda *cells: "<table:table-row>" + "".join(cells) + "</table:table-row>"  # noqa: E731
    rows = (row(*map(_ods_cell, ["Cliente", "Fecha", "Producto", "Cantidad", "Importe"]))
            + row(_ods_cell("Ana López", 2), _ods_cell("2024-03-05", 2), _ods_cell("Taza"), _ods_cell(1),
                  _ods_cell(120, 2))
            + row(covered, covered, _ods_cell("Plato"), _ods_cell(2), covered)
            + row(_ods_cell("Luis Gil"), _ods_cell("2024-03-06"), _ods_cell("Gorra"), _ods_cell(1), _ods_cell(35)))
    path = hf.ods(tmp_path / "m.ods", rows)
    import_file(admin, path, kind="order", currency="EUR")
    got = [(n, p, q, a) for n, _d, p, q, a in stored(admin)]
    assert got == [("Ana López", "Taza; Plato", 3, Decimal("120")), ("Luis Gil", "Gorra", 1, Decimal("35"))]


def test_an_amount_merged_over_rows_of_different_customers_stops_before_writing(admin, tmp_path):
    path = xlsx(tmp_path / "m.xlsx", [
        ["Customer", "Order Date", "Product", "Amount"],
        ["Ann Lee", "2024-03-05", "Mug", 150],
        ["Bob Ray", "2024-03-05", "Cap", None],
    ], ["B2:B3", "D2:D3"])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="order")
    assert "'Amount' is merged over rows 2–3" in str(stop.value) and "'Bob Ray'" in str(stop.value)
    assert records.list_records(admin, "order") == []
