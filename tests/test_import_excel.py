"""The ribbon's Import spreadsheet button, headless on a real workbook file."""

from __future__ import annotations

import csv
import json

from cims_xl.excel import ribbon
from cims_xl.excel.adapter import FileWorkbook, QuietUI
from cims_xl.services import records


def _file(tmp_path):
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["客户名称", "手机", "邮箱"], ["张三", "13800138000", "a@example.com"],
                                 ["张三", "138 0013 8000", ""], ["", "12", "=cmd|' /C calc'!A0"]])
    return path


def _press(book_path, ui, file, kind="customer", currency=None):
    book = FileWorkbook(book_path, ui=ui)
    book.set_name("CIMS_ImportFile", str(file))
    book.set_name("CIMS_ImportKind", kind)
    book.set_name("CIMS_ImportCurrency", currency)
    line = ribbon.dispatch("btnImport", book)
    return line, book


def test_import_button_shows_the_dry_run_and_imports_on_confirmation(book_path, admin, tmp_path):
    ui = QuietUI(assume_yes=True)
    line, book = _press(book_path, ui, _file(tmp_path))
    assert "1 created" in line and "1 duplicates" in line and "1 rejected" in line
    summary = book.get_name("CIMS_ImportSummary")
    assert "Rows: 3" in summary and "客户名称 → Name" in summary and "Batch: B-" in summary
    ws = book.wb["Import Errors"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:2] == ["Row", "Reason"]
    payload = next(r for r in rows if r[0] == 4)
    assert payload[4] == "=cmd|' /C calc'!A0"
    assert ws.cell(rows.index(payload) + 1, 5).data_type != "f"
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["张三"]


def test_rows_from_an_error_report_go_back_on_the_errors_sheet_without_its_old_columns(book_path, tmp_path):
    # A saved error report, fixed in part and imported again from the ribbon.
    report = tmp_path / "errors.csv"
    with open(report, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Row", "Reason", "客户名称", "邮箱"],
                                 [4, "邮箱: not an email", "李四", "lisi@example.com"],
                                 [5, "客户名称: required", "", "still-wrong"]])
    line, book = _press(book_path, QuietUI(assume_yes=True), report)
    assert "1 created" in line and "1 rejected" in line
    rows = [[c.value for c in r] for r in book.wb["Import Errors"].iter_rows()]
    assert rows[0] == ["Row", "Reason", "客户名称", "邮箱"]
    assert rows[1][0] == 3 and rows[1][2:] in (["", "still-wrong"], [None, "still-wrong"])


def test_a_password_column_shows_as_left_out_with_no_samples_and_no_values(book_path, tmp_path):
    path = tmp_path / "users.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["用户名", "登录密码", "邮箱"], ["张伟", "S3cret-One", "zw@example.com"],
                                 ["", "S3cret-Two", "bad-email"]])
    line, book = _press(book_path, QuietUI(assume_yes=True), path)
    assert "1 created" in line and "1 rejected" in line
    assert "登录密码 → left out: a password" in book.get_name("CIMS_ImportSummary")
    texts = [c.value for ws in book.wb.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert not [t for t in texts if "S3cret" in t]
    assert "(left out: a password)" in texts
    errors = [[c.value for c in r] for r in book.wb["Import Errors"].iter_rows()]
    assert errors[1][2:] in (["", None, "bad-email"], [None, None, "bad-email"])


def test_saying_no_leaves_the_store_untouched(book_path, admin, tmp_path):
    ui = QuietUI(assume_yes=False)
    line, book = _press(book_path, ui, _file(tmp_path))
    assert "cancelled" in line
    assert "Dry run" in book.get_name("CIMS_ImportSummary")
    assert records.list_records(admin, "customer") == []


def test_the_currency_cell_applies_to_an_orders_import_and_not_to_customers(book_path, admin, tmp_path):
    orders = tmp_path / "orders.csv"
    with open(orders, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["Order ID", "Order Date", "Customer Name", "Sales"],
                                 ["US-1", "2024-01-05", "Claire Gute", "261.96"]])
    line, _book = _press(book_path, QuietUI(assume_yes=True), orders, kind="order", currency="usd")
    assert "1 created" in line
    assert records.list_records(admin, "order")[0]["currency"] == "USD"
    # left over from the orders import, it does not stop a customers one
    line, _book = _press(book_path, QuietUI(assume_yes=True), _file(tmp_path), currency="USD")
    assert "1 created" in line


def _mapping_table(book):
    ws = book.wb["Import"]
    header = next(c for row in ws.iter_rows() for c in row if c.value == "Column in file")
    rows = []
    for r in range(header.row + 1, ws.max_row + 1):
        values = [ws.cell(r, header.column + i).value for i in range(3)]
        if any(v is not None for v in values):
            rows.append((values, [ws.cell(r, header.column + i).data_type for i in range(3)]))
    return rows


def test_the_mapping_shows_as_a_table_with_sample_values_and_a_new_file_replaces_it(book_path, admin, tmp_path):
    _line, book = _press(book_path, QuietUI(assume_yes=False), _file(tmp_path))
    table = _mapping_table(book)
    assert [values for values, _types in table] == [
        ["客户名称", "Name", "张三 | 张三"],
        ["手机", "Mobile", "13800138000 | 138 0013 8000 | 12"],
        ["邮箱", "Email", "a@example.com | =cmd|' /C calc'!A0"]]
    assert all(t != "f" for _values, types in table for t in types)   # the payload stays text
    book.save()
    other = tmp_path / "other.csv"
    other.write_text("Name\nOlivia\n", encoding="utf-8")
    _line, book = _press(book_path, QuietUI(assume_yes=False), other)
    assert [values for values, _types in _mapping_table(book)] == [["Name", "Name", "Olivia"]]


def test_sample_values_stay_out_of_the_json_summary(admin, tmp_path):
    from cims_xl.importer import import_file

    result = import_file(admin, _file(tmp_path), dry_run=True)
    assert result.samples[0] == ["张三", "张三"]
    assert "张三" not in json.dumps(result.as_dict(outcomes=True), ensure_ascii=False)
