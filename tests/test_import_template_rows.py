"""CRM/ERP import templates: the rows under the header that say which columns are required,
their data types, what they hold, or give an example are not records. Each test writes
its own small file, imports it into a real encrypted store and reads the customers back."""

from __future__ import annotations

import openpyxl
import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def names(session) -> list[str]:
    return sorted(c["name"] for c in records.list_records(session, "customer"))


def write_csv(path, rows: list[list[str]]):
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def said(result) -> dict:
    return next(i for i in result.inferences if i["what"] == "import template rows")


@pytest.mark.parametrize("header, marks, record", [
    (["客户名称", "手机", "邮箱", "城市"], ["必填", "选填", "选填", "选填"], ["张三", "13912345678", "zs@x.cn", "北京"]),
    (["Name", "Phone", "Email", "City"], ["(required)", "(optional)", "(optional)", "(optional)"],
     ["Ann Lee", "13912345678", "ann@x.cn", "Beijing"]),
    (["Name", "Telefon", "E-Mail", "Ort"], ["Pflichtfeld", "optional", "optional", ""],
     ["Jonas Weber", "+49 30 1234567", "jw@x.de", "Berlin"]),
    (["Nom", "Téléphone", "Courriel", "Ville"], ["obligatoire", "facultatif", "facultatif", "facultatif"],
     ["Marie Dubois", "+33 1 42 68 53 00", "md@x.fr", "Paris"]),
    (["氏名", "電話番号", "メール", "市区町村"], ["必須", "任意", "任意", "任意"],
     ["山田 太郎", "+81 3-1234-5678", "yt@x.jp", "渋谷区"]),
])
def test_a_required_or_optional_row_under_the_header_is_skipped_and_said(admin, tmp_path, header, marks, record):
    result = import_file(admin, write_csv(tmp_path / "t.csv", [header, marks, record]))
    assert names(admin) == [record[0]]
    assert "row(s) 2: required/optional" in said(result)["decided"]


@pytest.mark.parametrize("types", [["Text", "Phone", "Email", "Text"], ["文本", "文本", "文本", "日期"],
                                   ["Text(50)", "Number", "String", "Date"], ["文字列", "数値", "文字列", "日付"]])
def test_a_data_type_row_under_the_header_is_not_a_customer(admin, tmp_path, types):
    result = import_file(admin, write_csv(tmp_path / "t.csv", [
        ["Name", "Phone", "Email", "First Contact"], types, ["Ann Lee", "13912345678", "ann@x.cn", "2024-03-05"]]))
    assert names(admin) == ["Ann Lee"]
    assert "data types" in said(result)["decided"]


@pytest.mark.parametrize("descriptions", [
    ["Customer's full name", "Mobile number with country code", "Primary email address", "City of billing address"],
    ["客户全称（必须唯一）", "请填写11位手机号码", "常用邮箱地址", "所在城市名称"],
])
def test_a_row_describing_the_columns_is_not_a_customer(admin, tmp_path, descriptions):
    result = import_file(admin, write_csv(tmp_path / "t.csv", [
        ["Name", "Mobile", "Email", "City"], descriptions, ["Bob Ray", "13912345678", "bob@x.cn", "Beijing"]]))
    assert names(admin) == ["Bob Ray"]
    assert "descriptions" in said(result)["decided"]


@pytest.mark.parametrize("example", [
    ["示例：王小明", "13800000000", "example@example.com", "北京"],
    ["例：山田花子", "09012345678", "hanako@sample.jp", "東京"],
    ["Example: John Smith", "+1 555 0100", "john@acme.com", "Boston"],
    ["e.g. Jane Doe", "+44 20 7946 0000", "jane@acme.co.uk", "London"],
    ["(样例) 李雷", "13800000000", "lilei@example.org", "上海"],
])
def test_an_example_row_that_looks_like_a_record_is_skipped_and_said(admin, tmp_path, example):
    result = import_file(admin, write_csv(tmp_path / "t.csv", [
        ["Name", "Mobile", "Email", "City"], example, ["张三", "13912345678", "zs@x.cn", "北京"]]))
    assert names(admin) == ["张三"]
    assert "an example" in said(result)["decided"]


def test_a_workbook_template_with_four_rows_of_instructions_keeps_only_the_records(admin, tmp_path):
    wb = openpyxl.Workbook()
    for r in (["客户名称", "手机", "邮箱", "城市"], ["必填", "选填", "选填", "选填"], ["文本", "文本", "文本", "文本"],
              ["客户全称", "请填写手机号码", "邮箱地址", "城市名称"], ["示例：王小明", "13800000000", "a@example.com", "北京"],
              ["张三", "13912345678", "zs@x.cn", "北京"], ["李四", "13812345678", "ls@x.cn", "上海"]):
        wb.active.append(r)
    wb.save(tmp_path / "模板.xlsx")
    result = import_file(admin, tmp_path / "模板.xlsx")
    assert names(admin) == ["张三", "李四"]
    assert said(result)["decided"].startswith("4 row(s) under the header skipped")


def test_under_a_template_row_records_whose_cells_happen_to_be_such_words_are_kept(admin, tmp_path):
    result = import_file(admin, write_csv(tmp_path / "t.csv", [
        ["Name", "Company", "City"], ["(required)", "(optional)", "(optional)"],
        ["Sample Industries", "Example Corp", "Paris"], ["Required Ltd", "Optional", "Text"],
        ["Ann Lee", "Text", "Date"]]))
    assert names(admin) == ["Ann Lee", "Required Ltd", "Sample Industries"]
    assert said(result)["decided"].startswith("1 row(s)")
