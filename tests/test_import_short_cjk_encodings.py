"""Short files in a legacy CJK encoding (GBK/GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR) are
stored as written, never as the Cyrillic, Arabic, Greek or Hebrew letters a single-byte code
page makes of their bytes ("ÕÅÎ°", "صإخ°"), and short files in those code pages are not
read as CJK: each is imported right, or stops before writing, naming the --encoding that
reads it right beside the other reading. Files come from tests/short_legacy_files.py
(names drawn from lists, 2-8 rows, with or without email, phone, City, Country columns,
English or native headers), written by the tests into tmp_path."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.encoding import EncodingUncertain, decide
from cims_xl.services import records
from short_legacy_files import LEGACY, REVERSE, shaped_file, small_file


def names_in(text: str) -> list[str]:
    """The Name cells of a generated file (the first column)."""
    return [line.split(",")[0] for line in text.splitlines()[1:]]


def outcome(text: str, encoding: str) -> str:
    """"right", "stop" (offering an --encoding that reads the bytes right, with another
    reading) or what went wrong, for `text` saved in `encoding`."""
    data = text.encode(encoding)
    try:
        chosen = decide(data, complete=True, file_name="people.csv")
    except EncodingUncertain as stop:
        right = [n for n in stop.names if data.decode(n, "replace") == text]
        if right and f"--encoding {right[0]}" in stop.message and len(stop.names) >= 2:
            return "stop"
        return f"stop without a right reading: {stop.names}"
    try:
        return "right" if data.decode(chosen.name) == text else f"read as {chosen.name}"
    except UnicodeDecodeError:
        return f"read as {chosen.name}, which cannot decode it"


def import_stored_right_or_stop(admin, tmp_path, text: str, encoding: str) -> str:
    """Import `text` saved in `encoding` into the store: the stored names are exactly the
    file's, or the import stops having written nothing, names the right --encoding and
    another reading, and that option then stores them right. Returns how it went."""
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding))
    data = path.read_bytes()
    how = "right"
    try:
        result = import_file(admin, path)
    except EncodingUncertain as stop:
        assert "Nothing was imported" in stop.message
        assert records.list_records(admin, "customer") == []
        right = [n for n in stop.names if data.decode(n, "replace") == text]
        assert right and len(stop.names) >= 2, stop.message
        assert f"--encoding {right[0]}" in stop.message
        assert any(f"--encoding {n}" in stop.message for n in stop.names if n != right[0]), stop.message
        result = import_file(admin, path, encoding=right[0])
        how = "stop"
    assert data.decode(result.encoding) == text
    stored = sorted(c["name"] for c in records.list_records(admin, "customer"))
    assert stored == sorted(set(names_in(text))), (result.encoding, stored[:3])
    return how


# The generated files the importer read silently wrong before (the CJK ones as Windows-1251,
# -1253, -1255, -1256, KOI8 or CP949 mojibake, or stopped without offering the right reading):
# the worst cases, each imported into a real store.
WORST = ["big5:10", "big5:15", "big5:224", "big5:228", "big5:236", "big5:240", "big5:270", "big5:289",
         "big5:32", "big5:39", "big5:42", "big5:57", "cp932:184", "cp932:201", "cp932:292", "cp950:109",
         "cp950:121", "cp950:131", "cp950:149", "cp950:171", "cp950:174", "cp950:248", "cp950:293",
         "cp950:43", "cp950:50", "euc_jp:22", "euc_jp:58", "euc_jp:90", "gb18030:106", "gb18030:141",
         "gb18030:182", "gb18030:3", "gb18030:71", "gb18030:79", "gb18030:91", "gbk:119", "gbk:137",
         "gbk:145", "gbk:183", "gbk:218", "gbk:223", "gbk:227", "gbk:234", "gbk:260", "gbk:261",
         "gbk:296", "gbk:85"]


@pytest.mark.parametrize("case", WORST)
def test_a_short_cjk_file_read_as_another_script_before_now_stores_its_names_exactly(admin, tmp_path, case):
    encoding, seed = case.split(":")
    text = small_file(int(seed), encoding)
    assert import_stored_right_or_stop(admin, tmp_path, text, encoding) in ("right", "stop")


def test_generated_short_cjk_files_are_read_right_or_stop_offering_their_encoding():
    failures = [(encoding, seed, result) for encoding in LEGACY for seed in range(300, 340)
                if (result := outcome(small_file(seed, encoding), encoding)) not in ("right", "stop")]
    assert not failures, failures[:3]


def test_files_of_three_to_six_customers_with_email_phone_and_city_are_read_right_or_stop():
    # The shape the importer misread most: one GBK file in ten or so as Windows-1256 or -1251.
    failures = [(encoding, seed, result) for encoding in ("gbk", "big5", "cp932", "euc_kr") for seed in range(40)
                if (result := outcome(shaped_file(seed, encoding), encoding)) not in ("right", "stop")]
    assert not failures, failures[:3]


def test_generated_short_cyrillic_greek_hebrew_arabic_files_are_read_right():
    results = {(encoding, seed): outcome(small_file(seed, encoding), encoding)
               for encoding in REVERSE for seed in range(60)}
    assert {case: r for case, r in results.items() if r != "right"} == {}


@pytest.mark.parametrize("rows", [
    [("王静", "广州"), ("林秀兰", "南京"), ("梁平", "广州")],                       # was Windows-1256
    [("曹静", "上海"), ("蔡杰", "杭州"), ("彭强", "上海"), ("蔡娜", "广州"), ("张杰", "北京")],  # Windows-1251
    [("曾勇", "杭州"), ("曹静", "深圳"), ("郭娜", "广州")],                         # a stop without GBK
    [("张丽", "成都"), ("冯娜", "广州"), ("周艳", "广州")],
])
def test_a_gbk_file_of_chinese_names_with_email_and_phone_is_never_stored_as_arabic_or_cyrillic(
        admin, tmp_path, rows):
    text = "Name,Email,Phone,City\r\n" + "".join(
        f"{name},p{i}@example.com,+86 138 0013 80{i:02d},{city}\r\n" for i, (name, city) in enumerate(rows))
    assert import_stored_right_or_stop(admin, tmp_path, text, "gbk") == "right"
    assert {c["city"] for c in records.list_records(admin, "customer")} == {city for _, city in rows}


@pytest.mark.parametrize("text, encoding", [
    ("Name\r\n崔磊\r\n马建华\r\n钱强\r\n", "gbk"),               # Windows-1251 reads 'ґЮАЪ', 'ВнЅЁ»Є'
    ("Name\r\n唐勇\r\n侯敏\r\n", "gbk"),                         # Windows-1256 reads 'جئسآ', '؛îأô'
    ("Name\r\n许宗翰\r\n林宜蓁\r\n".replace("许", "許"), "big5"),   # Windows-1251 reads 'і\\©vї«'
    ("Name\r\n林 翔太\r\n松本健太\r\n山下誠\r\n", "euc_jp"),     # Windows-1256 reads 'خس وئآہ'
])
def test_a_reading_whose_words_no_language_of_its_script_could_hold_loses(text, encoding):
    data = text.encode(encoding)
    chosen = decide(data, complete=True, file_name="names.csv")
    assert data.decode(chosen.name) == text


def test_a_phone_prefix_says_which_cjk_language_a_short_file_is_in():
    # Without the phones CP949 reads the GBK bytes as Korean syllables ('렘얘', '질렐'), as
    # common in Korean words as the Chinese names are in Chinese ones; +86 is China.
    rows = [("方娟", "+86 15 6420 6427"), ("龙芳", "+86 60 2556 8679"), ("马磊", "+86 21 5555 0199")]
    text = "Name,Phone\r\n" + "".join(f"{n},{p}\r\n" for n, p in rows)
    data = text.encode("gbk")
    assert data.decode(decide(data, complete=True, file_name="cn.csv").name) == text
    korean = "Name,Phone\r\n" + "".join(f"{n},{p}\r\n" for n, p in [("김민준", "+82 10 1234 5678"),
                                                                     ("이서연", "+82 10 2345 6789")])
    data = korean.encode("euc_kr")
    assert data.decode(decide(data, complete=True, file_name="kr.csv").name) == korean


@pytest.mark.parametrize("text, encoding", [
    ("Name,Email\r\nיוסף מלכה,x0@example.com\r\n", "cp1255"),
    ("Name,Email\r\nאיתי ביטון,x0@example.com\r\n", "cp1255"),
    ("Name,Email\r\nאורי פרידמן,x0@example.com\r\nיוסף אגבריה,x1@example.com\r\nדוד גבאי,x2@example.com\r\n",
     "cp1255"),
    ("Name,Email\r\nדוד פרץ,d@example.com\r\nרחל כהן,r@example.com\r\n", "cp1255"),      # 'ЦЕЦ ТЬУ' in KOI8-R
    ("Name,Email\r\nعلي خليل,x0@example.com\r\n", "cp1256"),
    ("Name,Email\r\nعائشة علي,x0@example.com\r\n", "cp1256"),
])
def test_a_short_file_in_a_single_byte_script_is_decided_where_its_words_are_words(admin, tmp_path, text,
                                                                                   encoding):
    # These stopped, naming readings such as 'гег ажемай' (Windows-1251) beside the Hebrew:
    # no Russian word holds "гег", "жем" and "май" so; the Hebrew is names.
    assert import_stored_right_or_stop(admin, tmp_path, text, encoding) == "right"
