"""Every real file people sent us either imports with counts that add up, or is refused
with a message that says why; none crashes. Spot checks on the values that matter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from cims_xl.excel.import_report import error_report
from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records

from shared_files import REALWORLD
FOLDERS = ("contacts", "chinese", "messy")


def _files():
    if not REALWORLD.exists():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"real-world test data not found at {REALWORLD} (it lives in ../shared/data/realworld)"))]
    return [pytest.param(p, id=f"{p.parent.name}/{p.name}")
            for folder in FOLDERS for p in sorted((REALWORLD / folder).iterdir()) if p.is_file()]


def real(*parts: str) -> Path:
    path = REALWORLD.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real-world test data not found at {path} (it lives in ../shared/data/realworld)")
    return path


def customers_by_name(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("path", _files())
def test_every_real_file_imports_with_counts_that_add_up_or_is_refused_clearly(admin, path, tmp_path):
    try:
        result = import_file(admin, path, error_report=error_report(tmp_path / "errors.xlsx"))
    except ImportRefused as exc:
        assert path.name in exc.message or "column" in exc.message
        assert "Nothing was imported" in exc.message or "no data" in exc.message
        assert records.list_records(admin, "customer") == []
        return
    d = result.as_dict()
    assert d["rows"] > 0
    assert d["created"] + d["updated"] + d["duplicates"] + d["rejected"] == d["rows"]
    assert len(records.list_records(admin, "customer")) == d["created"]
    if d["rejected"] or d["duplicates"]:
        assert (tmp_path / "errors.xlsx").exists()


def test_chinese_names_survive_utf8_without_bom(admin):
    result = import_file(admin, real("chinese", "easyexcel_names_utf8_nobom.csv"))
    assert result.created == 10
    assert "姓名0" in customers_by_name(admin)


def test_a_gbk_file_is_decoded_with_full_width_letters_intact(admin):
    result = import_file(admin, real("chinese", "stock_names_gbk.csv"))
    assert result.encoding == "gb18030"
    names = customers_by_name(admin)
    assert "中国宝安" in names
    assert any("Ａ" in n or "A" in n for n in names)   # NFKC may fold the full-width Ａ


def test_shift_jis_and_utf16_thunderbird_exports_are_decoded(admin):
    a = import_file(admin, real("contacts", "thunderbird_addressbook_shiftjis.csv"))
    assert a.encoding == "cp932"
    assert "名無しの権兵衛" in customers_by_name(admin)
    b = import_file(admin, real("contacts", "thunderbird_addressbook_utf16le.csv"))
    assert b.encoding == "utf-16"
    assert b.created == 1
    assert customers_by_name(admin)["John Doe"]["email"] == "johndoe@host.invalid"


def test_jeecg_template_maps_chinese_headers_and_keeps_the_phone_digits(admin):
    result = import_file(admin, real("chinese", "jeecg_user_import_template.xlsx"))
    mapped = {m["column"]: m["field"] for m in result.mapping}
    assert mapped["用户名"] == "Name" and mapped["手机号"] == "Mobile" and mapped["邮箱"] == "Email"
    assert mapped["组织机构"] == "Company"
    row = customers_by_name(admin)["张三"]
    assert row["email"] == "123456@qq.com" and row["company"] == "XXX公司"
    assert "登录密码" in result.ignored and "登录密码" not in result.unmapped   # a password: left out
    assert "登录密码" not in (row["notes"] or "") and "登录账号" in row["notes"]


def test_odoo_template_numbers_become_text_and_phones_e164(admin):
    import_file(admin, real("contacts", "odoo_contacts_import_template.xlsx"))
    rows = customers_by_name(admin)
    deco = rows["Deco Addict"]
    assert deco["type"] == "Company"
    assert deco["postal_code"] == "94523"                    # a number cell, not "94523.0"
    assert deco["phone"] == "+3210588558"
    assert rows["Brandon Freeman"]["company"] == "Azure Interior"


def test_postal_codes_keep_their_leading_zeros(admin):
    import_file(admin, real("superstore", "superstore_us_2019-2022_utf8bom.csv"), kind="orders")
    cyma = customers_by_name(admin)["Cyma Kinney"]
    assert cyma["postal_code"] == "07036"


def test_blank_rows_and_extra_sheets_do_not_count_as_data(admin):
    result = import_file(admin, real("messy", "hutool_multisheet_blank_rows.xls"))
    assert result.sheet == "Sheet1"
    assert result.rows == 4 and result.blank_rows == 1   # the blank row in the middle is not data
    assert result.created == 3 and result.rejected == 1
    assert result.outcomes[2].problems == {"姓名 (Name)": "required"}


def test_title_rows_above_the_header_are_skipped(admin):
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, real("messy", "jeecg_report_export_title_rows.xlsx"))
    assert "'开始日期'" in exc.value.message          # the real header was found on row 3
    result = import_file(admin, real("messy", "jeecg_report_export_title_rows.xlsx"),
                         mapping=["请假人=Name"])
    assert result.header_row == 3 and result.rows == 4


def test_vertical_merged_cells_are_filled_down(admin):
    result = import_file(admin, real("messy", "easyexcel_t04_vertical_merged_cells.xlsx"),
                         mapping=["PACK编码=Name", "ID号=Customer Ref"], dry_run=True)
    assert result.rows == 56
    # every data row gets the merged ID, so none is rejected for lack of it; the rows a
    # merged ID spans name other packs, and one id is not given to two customers: the
    # first row of each merged ID is created, the others are refused naming it
    reasons = [" ".join(o.problems.values()) for o in result.outcomes if o.action == "rejected"]
    assert reasons and all("already the id of another customer" in r for r in reasons)
    assert result.created + result.rejected == 56


def test_a_merged_title_and_a_header_with_line_breaks_are_handled(admin):
    result = import_file(admin, real("messy", "easyexcel_t02_merged_title_blank_rows.xlsx"),
                         mapping=["标准中文名=Name", "原料编号=Postal Code"])
    assert result.header_row == 2 and result.rows == 1
    row = customers_by_name(admin)["1,2-戊二醇"]
    assert row["postal_code"] == "01502200"             # text code with leading zero


def test_mangled_phones_are_rejected_not_stored_as_negative_numbers(admin, tmp_path):
    clean = import_file(admin, real("contacts", "datablist_customers-100.csv"), dry_run=True)
    mangled = import_file(admin, real("messy", "datablist_customers-100_excel_mangled.csv"),
                          error_report=error_report(tmp_path / "errors.xlsx"))
    assert mangled.rows == clean.rows == 100
    # an unreadable phone leaves the field empty and the row kept with a warning (issue 14)
    formula_rows = [o for o in mangled.outcomes
                    if any("formula" in r for r in {**(o.problems or {}), **(o.warnings or {})}.values())]
    assert len(formula_rows) >= 2
    stored = records.list_records(admin, "customer")
    assert not any((c["phone"] or "").startswith("-") for c in stored)
    assert all(c["phone"] is None or c["phone"].startswith("+") for c in stored)
    assert mangled.date_orders == {} or "DMY" in mangled.date_orders.values()


def test_the_strict_ooxml_workbook_is_read_and_chinese_customers_link_by_their_ids(admin):
    result = import_file(admin, real("chinese", "superstore_cn_2015-2018_strict_ooxml.xlsx"),
                         kind="orders")
    assert result.rows == 9959 and result.created == 9959
    assert result.customers_created == 790                  # 790 ids, 771 names
    orders = records.list_records(admin, "order")
    assert sum(o["amount"] for o in orders) == Decimal("16068954.125")
    first = next(o for o in orders if o["order_number"] == "US-2018-1357144")
    assert first["order_date"] == dt.date(2018, 4, 27) and first["city"] == "杭州"
    assert customers_by_name(admin)["曾惠"]["tags"] == "src:曾惠-14485"


def test_contacts_link_to_their_company_and_rows_without_one_are_rejected(admin):
    result = import_file(admin, real("contacts", "odoo_o2m_customers_contacts.csv"), kind="contacts")
    assert result.rows == 8 and result.created + result.rejected == 8
    assert result.customers_created == 3                    # the three companies named
    rejected = [o for o in result.outcomes if o.action == "rejected"]
    assert all("no customer" in o.reason for o in rejected)  # the company rows themselves
    roger = next(c for c in records.list_records(admin, "contact") if c["name"] == "Roger Martins")
    assert records.get(admin, roger["customer_id"])["name"] == "Aurora Shelves"
