"""Fixed-width text files holding Chinese, Japanese or Korean text (task ids22): a file
aligned on a terminal, in a fixed-width font or by a COBOL/AS-400 program counts a wide
character (East Asian Width W/F) as two columns; a file padded by a program counting
characters counts it as one. Decided on the whole file: the cut that leaves every line's
blank gaps aligned. Each test writes its own file and reads a real encrypted store back."""
from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def _shown(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _lines(rows: list[list[str]], widths: list[int], by_display: bool) -> str:
    """The rows padded to the column widths, by display columns or by characters."""
    out = []
    for row in rows:
        cells = [c + " " * (w - (_shown(c) if by_display else len(c))) for c, w in zip(row, widths)]
        out.append("".join(cells).rstrip())
    return "\n".join(out) + "\n"


CUSTOMERS = {
    "zh": ([["CODE", "NAME", "CITY", "PHONE"],
            ["000123", "王小明", "北京", "13912345678"],
            ["000124", "Bob Ray", "Shanghai", "13812345678"],
            ["000125", "欧阳娜娜", "上海市浦东新区", "13712345678"]], "CN"),
    "ja": ([["コード", "氏名", "市区町村", "電話番号"],
            ["000123", "山田　太郎", "千代田区", "03-1234-5678"],
            ["000124", "Bob Ray", "Osaka", "06-6123-4567"],
            ["000125", "佐藤花子", "横浜市ｶﾅｶﾞﾜ", "045-123-4567"]], "JP"),
    "ko": ([["번호", "이름", "도시", "전화번호"],
            ["000123", "김민준", "서울", "02-1234-5678"],
            ["000124", "Bob Ray", "Busan", "051-123-4567"],
            ["000125", "이서연", "인천광역시", "032-123-4567"]], "KR"),
}


@pytest.mark.parametrize("encoding", ["utf-8", "legacy"])
@pytest.mark.parametrize("lang", ["zh", "ja", "ko"])
def test_cjk_names_aligned_by_display_width_are_cut_at_the_display_columns(admin, tmp_path, lang, encoding):
    rows, region = CUSTOMERS[lang]
    text = _lines(rows, [8, 14, 18, 14], by_display=True)
    codec = {"zh": "gb18030", "ja": "cp932", "ko": "cp949"}[lang] if encoding == "legacy" else "utf-8"
    path = tmp_path / "customers.txt"
    path.write_bytes(text.encode(codec))
    result = import_file(admin, path, region=region)
    got = sorted((c["name"], c["city"], c["phone"]) for c in records.list_records(admin, "customer"))
    import phonenumbers

    # half-width katakana (ｶﾅ, one column each) are stored in their full-width forms, the
    # ideographic space (two columns) as a space
    want = sorted((unicodedata.normalize("NFKC", r[1]), unicodedata.normalize("NFKC", r[2]), phonenumbers.format_number(phonenumbers.parse(r[3], region),
                                                          phonenumbers.PhoneNumberFormat.E164)) for r in rows[1:])
    assert got == want and result.rejected == 0
    assert any(i["decided"].startswith("fixed-width text") and "display columns" in i["decided"] + i["evidence"]
               for i in result.inferences)


def test_a_file_padded_by_characters_stays_cut_by_characters(admin, tmp_path):
    # the same rows padded by a program counting characters (one per Chinese character):
    # the gaps line up by characters, so the file is cut by characters; the display-aligned
    # file beside it is cut by display columns
    rows = CUSTOMERS["zh"][0]
    for name, by_display in (("chars.txt", False), ("shown.txt", True)):
        (tmp_path / name).write_text(_lines(rows, [8, 14, 18, 14], by_display), encoding="utf-8")
        result = import_file(admin, tmp_path / name, region="CN", on_duplicate="create")
        said = " ".join(i["decided"] + i["evidence"] for i in result.inferences
                        if i["decided"].startswith("fixed-width text"))
        assert ("display columns" in said) is by_display
    got = [(c["name"], c["city"]) for c in records.list_records(admin, "customer")]
    assert sorted(got) == sorted([(r[1], r[2]) for r in rows[1:]] * 2)


def test_a_fixed_width_order_file_with_chinese_customers_and_right_aligned_amounts(admin, tmp_path):
    rows = [["客户名称", "订单日期", "金额", "币种"],
            ["北京华夏贸易有限公司", "2024-03-05", "1200.50", "CNY"],
            ["Acme Ltd", "2024-03-06", "99.00", "CNY"],
            ["上海浦东科技", "2024-03-07", "15000.00", "CNY"]]
    lines = []
    for r in rows:
        lines.append(r[0] + " " * (24 - _shown(r[0])) + r[1] + " " * (14 - _shown(r[1]))
                     + " " * (10 - _shown(r[2])) + r[2] + "  " + r[3])
    path = tmp_path / "orders.prn"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(admin, path, kind="order")
    people = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    got = sorted((people[o["customer_id"]], str(o["order_date"]), Decimal(o["amount"]))
                 for o in records.list_records(admin, "order"))
    assert got == sorted([("北京华夏贸易有限公司", "2024-03-05", Decimal("1200.50")),
                          ("Acme Ltd", "2024-03-06", Decimal("99.00")),
                          ("上海浦东科技", "2024-03-07", Decimal("15000.00"))])
