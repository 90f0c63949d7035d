"""A header row of a system's field codes over a row of their labels (Kingdee/用友
templates, database exports: `cust_name` over `客户名称`): where only one of the two
names a field, that one is the column's heading; the label row is not a record."""

from __future__ import annotations

import openpyxl
import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

CASES = {
    "zh": (["cust_name", "mobile", "email", "city"], ["客户名称", "手机", "邮箱", "城市"],
           [["张三", "13912345678", "z@x.cn", "上海"], ["李四", "13812345678", "l@x.cn", "北京"]]),
    "ja": (["KOKYAKU_NM", "TEL_NO", "MAIL_ADDR", "JUSHO"], ["顧客名", "電話番号", "メールアドレス", "住所"],
           [["山田太郎", "03-1234-5678", "yamada@example.jp", "東京都千代田区1-1"],
            ["佐藤花子", "06-1234-5678", "sato@example.jp", "大阪府大阪市北区2-2"]]),
    "en": (["c_nm", "c_mail", "phone", "c_cty"], ["Customer Name", "E-mail", "Phone number", "City"],
           [["Ann Lee", "ann@example.com", "+1 415 555 0100", "Boston"],
            ["Bo Chan", "bo@example.com", "+1 415 555 0101", "Austin"]]),
}


def _write(tmp_path, lang: str, fmt: str):
    codes, labels, rows = CASES[lang]
    if fmt == "csv":
        f = tmp_path / f"{lang}.csv"
        f.write_text("\n".join(",".join(r) for r in [codes, labels, *rows]) + "\n", encoding="utf-8")
    else:
        f = tmp_path / f"{lang}.xlsx"
        wb = openpyxl.Workbook()
        for r in [codes, labels, *rows]:
            wb.active.append(r)
        wb.save(f)
    return f, rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(CASES))
def test_field_codes_over_their_labels_import_every_record_under_the_labels_fields(admin, tmp_path, lang, fmt):
    f, rows = _write(tmp_path, lang, fmt)
    result = import_file(admin, f, kind="customers", region={"zh": "CN", "ja": "JP", "en": "US"}[lang])
    stored = records.list_records(admin, "customer")
    assert result.created == 2 and len(stored) == 2
    mail = next(i for i, code in enumerate(CASES[lang][0]) if "mail" in code.lower())
    assert {(c["name"], c["email"]) for c in stored} == {(row[0], row[mail]) for row in rows}
