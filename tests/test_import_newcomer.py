"""What a small business imports on its first day: exports of a web shop, an old CRM,
a switchboard list. Each test writes its own small file and checks what was stored."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cims_xl.errors import CimsError
from cims_xl.importer import import_file
from cims_xl.services import records


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize("header", ["Cancelled at", "Hotel", "Ethnicity", "Capacity (seats)"])
def test_a_column_whose_name_merely_contains_phone_or_city_letters_is_not_guessed_as_one(admin, tmp_path, header):
    path = write_csv(tmp_path / "c.csv", [["Name", header], ["Ada Lovelace", "2026-03-12 08:00:00"],
                                          ["Alan Turing", "Grand 7"]])
    result = import_file(admin, path)
    assert result.created == 2 and not any(o.warnings for o in result.outcomes)
    for c in records.list_records(admin, "customer"):
        assert not c.get("mobile") and not c.get("phone") and not c.get("city")


@pytest.mark.parametrize("header,field,value,stored", [
    ("Mobilnummer / Handy", "mobile", "+49 151 23456789", "+4915123456789"),
    ("HomePhone", "phone", "+44 20 7946 0000", "+442079460000"),
    ("Tel.", "phone", "+33 1 42 68 53 00", "+33142685300"),
    ("Cell phone", "mobile", "+1 415 555 0199", "+14155550199"),
    ("联系手机", "mobile", "13800138000", "+8613800138000"),
])
def test_a_column_named_with_a_phone_word_is_still_guessed_as_a_phone(admin, tmp_path, header, field, value, stored):
    path = write_csv(tmp_path / "p.csv", [["Name", header], ["Grace Hopper", value]])
    result = import_file(admin, path)
    assert result.created == 1
    (c,) = records.list_records(admin, "customer")
    assert c[field] == stored


def test_a_web_shop_order_export_imports_as_orders_with_its_own_column_names(admin, tmp_path):
    path = write_csv(tmp_path / "orders_export.csv", [
        ["Name", "Email", "Financial Status", "Created at", "Currency", "Subtotal", "Total",
         "Lineitem quantity", "Lineitem name", "Billing Name", "Billing Phone", "Billing Country"],
        ["#1001", "wei@example.cn", "paid", "2026-01-15 10:22:01 +0800", "CNY", "1200.00", "1250.00", "2",
         "Tea set", "张伟", "138 0013 8000", "CN"],
        ["#1002", "hans@example.de", "refunded", "2026-02-03 09:00:00 +0100", "EUR", "89.90", "99.90", "1",
         "Vase", "Hans Müller", "0151 23456789", "DE"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    orders = sorted(records.list_records(admin, "order"), key=lambda o: str(o["order_date"]))
    assert [o["product"] for o in orders] == ["Tea set", "Vase"]
    assert [float(o["amount"]) for o in orders] == [1250.0, 99.9]
    assert [o["status"] for o in orders] == ["Paid", "Returned"]
    people = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert set(people) == {"张伟", "Hans Müller"}
    assert people["Hans Müller"]["mobile"] == "+4915123456789" or people["Hans Müller"]["phone"] == "+4915123456789"


def test_a_taobao_order_export_imports_as_orders(admin, tmp_path):
    path = write_csv(tmp_path / "taobao.csv", [
        ["订单编号", "买家会员名", "付款时间", "实付款", "宝贝标题", "宝贝总数量", "订单状态", "联系手机"],
        ["T2026001", "李娜", "2026-03-01 12:00:00", "88.00", "茶杯", "3", "交易成功", "13912345678"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (1, 0)
    (o,) = records.list_records(admin, "order")
    assert (o["product"], float(o["amount"]), o["quantity"]) == ("茶杯", 88.0, 3)
    (c,) = records.list_records(admin, "customer")
    assert c["name"] == "李娜"


def test_a_web_shop_export_imported_as_customers_is_named_as_orders_before_anything_is_written(admin, tmp_path):
    path = write_csv(tmp_path / "orders_export.csv", [
        ["Name", "Email", "Financial Status", "Paid at", "Total", "Lineitem quantity", "Lineitem name"],
        ["#1001", "wei@example.cn", "paid", "2026-01-15", "1250.00", "2", "Tea set"],
    ])
    for dry in (True, False):
        with pytest.raises(CimsError) as stop:
            import_file(admin, path, dry_run=dry)
        assert "--kind orders" in stop.value.message and "#1001" not in stop.value.message
    assert records.list_records(admin, "customer") == []


def _two_sheet_workbook(path: Path, third: str | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "上海"
    ws.append(["姓名", "手机"])
    ws.append(["孙丽", "13600001111"])
    other = wb.create_sheet("Beijing office")
    other.append(["姓名", "手机"])
    other.append(["吴强", "13600003333"])
    wb.create_sheet("Sheet3")          # empty, as Excel's default workbooks have
    if third:
        wb.create_sheet(third).sheet_state = "hidden"
        wb[third].append(["x", "y"])
    wb.save(path)
    return path


def test_a_workbook_whose_other_sheet_holds_customers_says_that_sheet_was_not_read_and_how_to_import_it(admin, tmp_path):
    path = _two_sheet_workbook(tmp_path / "branches.xlsx", third="lookup")
    result = import_file(admin, path)
    assert result.created == 1 and [c["name"] for c in records.list_records(admin, "customer")] == ["孙丽"]
    assert result.unread_sheets == ["Beijing office"]          # not the empty one, not the hidden one
    (note,) = result.sheet_notes()
    assert "'Beijing office'" in note and '--sheet "Beijing office"' in note
    again = import_file(admin, path, sheet="Beijing office")
    assert again.created == 1 and again.unread_sheets == [] and again.sheet_notes() == []


def test_the_import_command_names_the_sheets_it_did_not_read(tmp_path, run):
    path = _two_sheet_workbook(tmp_path / "branches.xlsx")
    code, out, err = run("import", str(path), "--dry-run")
    assert code == 0, err
    assert "Not read: 'Beijing office'" in " ".join(out.split())


def test_a_chinese_mobile_written_with_86_but_no_plus_is_stored_when_no_country_is_given(admin, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机", "电话"])
    ws.append(["王芳", "8613912345679", "86 139 1234 5670"])
    ws.append(["刘洋", 8613700001111, "86-137-0000-2222"])     # a number cell, as Excel keeps digits
    ws.append(["Tom", "8612345678901", ""])                   # 86 then no mobile: not read as one
    wb.save(tmp_path / "crm.xlsx")
    result = import_file(admin, tmp_path / "crm.xlsx")
    people = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert (people["王芳"]["mobile"], people["王芳"]["phone"]) == ("+8613912345679", "+8613912345670")
    assert (people["刘洋"]["mobile"], people["刘洋"]["phone"]) == ("+8613700001111", "+8613700002222")
    assert not people["Tom"].get("mobile") and "8612345678901" in people["Tom"]["notes"]
    assert result.warnings == 1


def test_a_report_names_only_the_currencies_whose_orders_it_shows(admin, tmp_path, run):
    path = write_csv(tmp_path / "orders.csv", [
        ["Order No", "Customer", "Order Date", "Amount", "Currency", "Status"],
        ["SO-1", "张伟", "2026-01-15", "1250.00", "CNY", "已完成"],
        ["SO-2", "张伟", "2026-02-15", "300.00", "CNY", "已完成"],
        ["SO-3", "Hans Müller", "2026-02-03", "99.90", "EUR", "refunded"],
    ])
    assert import_file(admin, path, kind="orders").created == 3
    code, out, err = run("report")
    assert code == 0, err
    text = " ".join(out.split())
    assert "Sales by month" in text and "1,250.00 CNY" in text
    assert "EUR" not in text          # its only order was returned: no block, so no note naming it


@pytest.mark.parametrize("country,phone,stored", [
    ("中国大陆", "0755-8888 1234", "+8675588881234"),
    ("中國大陸", "138 0013 8000", "+8613800138000"),
    ("Mainland China", "021 6234 5678", "+862162345678"),
    ("中国香港", "2345 6789", "+85223456789"),
    ("香港", "9123 4567", "+85291234567"),
    ("香港特別行政區", "2345 6789", "+85223456789"),
    ("中国澳门", "6612 3456", "+85366123456"),
    ("中国台湾", "0912-345-678", "+886912345678"),
])
def test_a_country_written_as_chinese_files_write_it_gives_the_phone_its_country(admin, tmp_path, country, phone, stored):
    path = write_csv(tmp_path / "c.csv", [["客户名称", "联系电话", "国家/地区"], ["赵丽", phone, country]])
    result = import_file(admin, path)
    assert result.created == 1 and not result.outcomes[0].warnings
    (c,) = records.list_records(admin, "customer")
    assert c["phone"] == stored


@pytest.mark.parametrize("written,status", [
    ("In Bearbeitung", "Open"), ("Rückerstattet", "Returned"), ("on-hold", "Open"),
    ("partially_paid", "Open"), ("Pending Payment", "Open"), ("annullato", "Cancelled"),
    ("rimborsato", "Returned"), ("En cours de traitement", "Open"), ("Shipped", "Shipped"),
])
def test_an_order_status_as_a_shop_system_writes_it_is_stored_as_its_status(admin, tmp_path, written, status):
    path = tmp_path / "bestellungen.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Bestellnummer", "Bestelldatum", "Kunde", "Menge", "Gesamtbetrag", "Status"])
        w.writerow(["10001", "15.01.2026", "Anna Schmidt", "3 Stk.", "1.234,50 €", written])
    result = import_file(admin, path, kind="orders")
    assert result.created == 1 and not result.outcomes[0].warnings
    (o,) = records.list_records(admin, "order")
    assert (o["status"], o["quantity"], float(o["amount"]), o["currency"]) == (status, 3, 1234.5, "EUR")


def test_a_refunded_order_written_in_german_is_not_counted_as_a_sale(admin, tmp_path, run):
    path = write_csv(tmp_path / "o.csv", [["Bestellnummer", "Bestelldatum", "Kunde", "Gesamtbetrag", "Status"],
                                          ["1", "15.01.2026", "Anna Schmidt", "100,00 €", "Abgeschlossen"],
                                          ["2", "16.01.2026", "Anna Schmidt", "900,00 €", "Rückerstattet"]])
    assert import_file(admin, path, kind="orders").created == 2
    code, out, err = run("report")
    assert code == 0, err
    text = " ".join(out.split())
    sales = text.split("Report - Sales · Sales by month")[1].split("Report - Sales · Sales by year")[0]
    assert "100.00" in sales and "1,000.00" not in sales and "900.00" not in sales


@pytest.mark.parametrize("last", [["导出时间：2025-12-01 10:00"], ["制表人：王芳"], ["打印日期 2025-12-01"],
                                  ["記錄總數：3"], ["出力日時 2025/12/01"]])
def test_lines_an_export_writes_under_its_table_are_not_imported_as_customers(admin, tmp_path, last):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["会员名称", "手机号码", "城市", "备注"])
    ws.append(["周杰", "13600002222", "上海", ""])
    ws.append(["孙丽", "136 0000 1111", "北京", ""])
    ws.append(["吴强", "+86 136-0000-3333", "广州", ""])
    ws.append(["共 3 条记录", "", "", ""])
    ws.append(last + [""] * 3)
    wb.save(tmp_path / "members.xlsx")
    result = import_file(admin, tmp_path / "members.xlsx")
    assert (result.created, result.footer_rows) == (3, 2)
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == sorted(["周杰", "孙丽", "吴强"])
