"""Rows struck through in the sheet (every filled cell's font has strikethrough): the
hand-kept mark for a cancelled order or a customer who left. The import stops naming
the rows and --struck; skip leaves them out (counted), keep imports them (said)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.styles import Font

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records


def book(path, rows, struck_rows=(), struck_cells=(), font=Font(strike=True)):
    """An .xlsx file of `rows`; the rows numbered in `struck_rows` (1-based) have every
    filled cell struck through, and each (row, col) of `struck_cells` (1-based) too."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    for r in struck_rows:
        for cell in ws[r]:
            if cell.value is not None:
                cell.font = font
    for r, c in struck_cells:
        ws.cell(r, c).font = font
    wb.save(path)
    return path


def _orders(tmp_path, name="orders.xlsx", **kw):
    d = dt.datetime
    return book(tmp_path / name, [("Order No", "Order Date", "Customer", "Amount", "Currency"),
                                  ("A-1", d(2024, 3, 5), "Ann Lee", 100, "USD"),
                                  ("A-2", d(2024, 3, 6), "Bob Ray", 250, "USD"),
                                  ("A-3", d(2024, 3, 7), "Cy Dunn", 75, "USD"),
                                  ("A-4", d(2024, 3, 8), "Ann Lee", 20, "USD")], **kw)


def _stored_orders(session):
    return {o["order_number"]: o["amount"] for o in records.list_records(session, "order")}


def test_an_orders_file_with_a_struck_row_stops_before_writing_naming_the_row_and_the_option(admin, tmp_path):
    path = _orders(tmp_path, struck_rows=[3])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders")
    message = str(err.value)
    assert "struck through" in message and "row(s) 3" in message
    assert "--struck skip" in message and "--struck keep" in message
    assert _stored_orders(admin) == {}
    assert records.list_records(admin, "customer") == []


def test_struck_skip_leaves_the_struck_orders_out_and_counts_them(admin, tmp_path):
    path = _orders(tmp_path, struck_rows=[3, 5])
    result = import_file(admin, path, kind="orders", struck="skip")
    assert (result.created, result.rejected, result.struck_rows) == (2, 0, 2)
    assert _stored_orders(admin) == {"A-1": Decimal("100"), "A-3": Decimal("75")}
    (line,) = [i for i in result.inferences if i["what"] == "struck-through rows"]
    assert "2 row(s) skipped (struck through): 3, 5" in line["decided"]
    assert result.as_dict()["struck_rows"] == 2


def test_struck_keep_imports_the_struck_orders_and_says_so(admin, tmp_path):
    path = _orders(tmp_path, struck_rows=[3])
    result = import_file(admin, path, kind="orders", struck="KEEP")
    assert (result.created, result.struck_rows) == (4, 0)
    assert set(_stored_orders(admin)) == {"A-1", "A-2", "A-3", "A-4"}
    (line,) = [i for i in result.inferences if i["what"] == "struck-through rows"]
    assert "imported though struck through: 3" in line["decided"]


def test_a_single_struck_cell_in_a_row_is_not_a_struck_row_and_is_named_in_a_note(admin, tmp_path):
    path = _orders(tmp_path, struck_cells=[(3, 4)])        # A-2's amount alone: a corrected value
    result = import_file(admin, path, kind="orders")
    assert result.created == 4 and result.struck_rows == 0
    assert _stored_orders(admin)["A-2"] == Decimal("250")
    assert not any(i["what"] == "struck-through rows" for i in result.inferences)
    (note,) = [i for i in result.inferences if i["what"] == "struck-through cells"]
    assert "row(s) 3 imported as written" in note["decided"]


def test_a_font_that_says_strike_off_is_no_struck_row_beside_one_that_is(admin, tmp_path):
    path = tmp_path / "orders.xlsx"
    _orders(tmp_path, struck_rows=[3], font=Font(strike=False, bold=True))     # <strike val="0"/>
    wb = openpyxl.load_workbook(path)
    for cell in wb.active[5]:
        cell.font = Font(strike=True)
    wb.save(path)
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders")
    assert "1 row(s) are struck through" in str(err.value) and "row(s) 5." in str(err.value)
    result = import_file(admin, path, kind="orders", struck="skip")
    assert set(_stored_orders(admin)) == {"A-1", "A-2", "A-3"}


def test_a_german_customer_list_with_customers_who_left_struck_skips_them_when_told(admin, tmp_path):
    path = book(tmp_path / "kunden.xlsx", [("Name", "Firma", "E-Mail", "Ort"),
                                          ("Anna Berg", "Acme GmbH", "anna@example.de", "Köln"),
                                          ("Jörg Weiß", "Beta AG", "joerg@example.de", "Bonn"),
                                          ("Eva Roth", None, "eva@example.de", None),
                                          ("Uwe Kahl", "Kahl KG", "uwe@example.de", "Trier")],
                struck_rows=[3, 4])
    with pytest.raises(ImportRefused, match=r"row\(s\) 3, 4"):
        import_file(admin, path)
    result = import_file(admin, path, struck="skip")
    assert (result.created, result.struck_rows) == (2, 2)
    assert sorted(c["email"] for c in records.list_records(admin, "customer")) == [
        "anna@example.de", "uwe@example.de"]


def test_a_chinese_orders_sheet_with_a_cancelled_order_struck_skips_it(admin, tmp_path):
    d = dt.datetime
    path = book(tmp_path / "订单.xlsx", [("订单号", "下单日期", "客户名称", "金额", "币种"),
                                       ("D001", d(2024, 5, 1), "上海某某贸易有限公司", 1200, "CNY"),
                                       ("D002", d(2024, 5, 2), "北京甲乙科技有限公司", 800, "CNY"),
                                       ("D003", d(2024, 5, 3), "上海某某贸易有限公司", 300, "CNY")],
                struck_rows=[3])
    result = import_file(admin, path, kind="orders", struck="skip")
    assert _stored_orders(admin) == {"D001": Decimal("1200"), "D003": Decimal("300")}
    assert result.struck_rows == 1


def test_a_bad_struck_value_is_refused_naming_the_choices(admin, tmp_path):
    with pytest.raises(ImportRefused, match="--struck: 'drop' is not one of skip, keep"):
        import_file(admin, _orders(tmp_path, struck_rows=[3]), kind="orders", struck="drop")


def _converted(path, to):
    """`path` saved by LibreOffice as .ods or .xls (its own strikethrough: style:text-line-
    through-style in .ods, FONT fStrikeout in .xls)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed to write .ods and .xls test files"
    out = path.parent / "converted"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{path.parent / 'lo-profile'}",
                    "--convert-to", to, "--outdir", str(out), str(path)], check=True, capture_output=True,
                   timeout=180)
    return out / f"{path.stem}.{to}"


@pytest.mark.parametrize("to", ["ods", "xls"])
def test_struck_rows_of_an_ods_or_xls_sheet_stop_the_import_and_skip_when_told(admin, tmp_path, to):
    d = dt.datetime
    source = book(tmp_path / "pedidos.xlsx", [("Pedido", "Fecha", "Cliente", "Importe", "Moneda"),
                                              ("P-1", d(2024, 3, 5), "Ana Ruiz", 100, "EUR"),
                                              ("P-2", d(2024, 3, 6), "Íñigo Díaz", 250, "EUR"),
                                              ("P-3", d(2024, 3, 7), "Ana Ruiz", 75, "EUR")],
                  struck_rows=[3], struck_cells=[(4, 4)])
    path = _converted(source, to)
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders")
    assert "row(s) 3." in str(err.value) and "--struck skip" in str(err.value)
    assert _stored_orders(admin) == {}
    result = import_file(admin, path, kind="orders", struck="skip")
    assert _stored_orders(admin) == {"P-1": Decimal("100"), "P-3": Decimal("75")}
    assert result.struck_rows == 1
    (note,) = [i for i in result.inferences if i["what"] == "struck-through cells"]
    assert "row(s) 4 imported" in note["decided"]
