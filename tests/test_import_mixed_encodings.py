"""A CSV whose non-ASCII lines are partly UTF-8 and partly in a code page (issue 14,
tester 19: "张伟" in UTF-8 above "李四" in GBK was read as GB18030 throughout and stored
"寮犱紵"). It stops naming both sets of lines with an example of each, and
`--encoding utf-8-or-NAME` reads each line right and says so; a file wholly in a code
page whose short lines happen to be valid UTF-8 is still read in its code page. Files of
our own: Chinese (simplified and traditional), Japanese, Korean, Russian, German."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.encoding import EncodingUncertain, decide
from cims_xl.services import records


def stored(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


# (header, sep, rows saved as UTF-8, rows saved in the code page, the code page)
MIXED = [
    ("Name,Email,City", ",", [("张伟", "zw@example.cn", "上海")], [("李四", "ls@example.cn", "北京")], "gb18030"),
    ("Name;Email;City", ";", [("陳大文", "chan@example.hk", "香港")], [("王小明", "wong@example.tw", "臺北")], "big5"),
    ("Name\tEmail\tCity", "\t", [("田中太郎", "tanaka@example.jp", "東京")],
     [("佐藤花子", "sato@example.jp", "大阪")], "cp932"),
    ("Name,Email,City", ",", [("김민준", "kim@example.kr", "서울")], [("이서연", "lee@example.kr", "부산")], "cp949"),
    ("Name,Email,City", ",", [("Иван Петров", "ivan@example.ru", "Москва")],
     [("Ольга Смирнова", "olga@example.ru", "Казань")], "cp1251"),
    ("Name,Email,City", ",", [("Zoë Weiß", "zoe@example.de", "Köln")], [("Jürgen Groß", "jg@example.de", "München")],
     "cp1252"),
]


@pytest.mark.parametrize("header, sep, utf8_rows, other_rows, encoding", MIXED)
def test_a_file_mixing_utf8_lines_and_code_page_lines_stops_naming_both_and_the_option_reads_each_right(
        admin, tmp_path, header, sep, utf8_rows, other_rows, encoding):
    path = tmp_path / "mixed.csv"
    path.write_bytes((header + "\n" + "".join(sep.join(r) + "\n" for r in utf8_rows)).encode("utf-8")
                     + "".join(sep.join(r) + "\n" for r in other_rows).encode(encoding))
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path, dry_run=True)
    message = stop.value.message
    assert "1 line(s) are UTF-8 (line 2)" in message and "1 line(s) are not UTF-8 (line 3)" in message
    assert repr(sep.join(utf8_rows[0])) in message and repr(sep.join(other_rows[0])) in message
    assert f"--encoding utf-8-or-{encoding}" in message and "Nothing was imported" in message
    with pytest.raises(EncodingUncertain):
        import_file(admin, path)
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding=f"utf-8-or-{encoding}")
    assert result.created == 2
    got = stored(admin)
    assert {n: got[n]["city"] for n, _, _ in utf8_rows + other_rows} == {n: c for n, _, c in utf8_rows + other_rows}
    said = next(i for i in result.inferences if i["what"] == "encoding")
    assert "1 line(s) read as" in said["evidence"] and "the others as UTF-8" in said["evidence"]


def test_the_code_page_lines_may_come_first_and_be_many(admin, tmp_path):
    gbk = [("李娜", f"ln{i}@example.cn", "杭州") for i in range(6)]
    path = tmp_path / "pasted.csv"
    path.write_bytes("Name,Email,City\n".encode() + "".join(",".join(r) + "\n" for r in gbk).encode("gb18030")
                     + "王芳,wf@example.cn,北京\n".encode("utf-8"))
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path)
    assert "1 line(s) are UTF-8 (line 8)" in stop.value.message
    assert "6 line(s) are not UTF-8 (line 2, 3, 4, 5, 6 …)" in stop.value.message


# Common Chinese names whose GBK bytes are also valid UTF-8 ("谢伟" is D0 BB CE B0: "лΰ"):
# beside pinyin and email addresses, the whole line is.
@pytest.mark.parametrize("lucky", [["谢伟", "郑强"], ["叶平", "肖英", "袁志"]])
@pytest.mark.parametrize("header", ["姓名,邮箱,城市", "Name,Email,City"])
def test_a_gbk_file_whose_short_lines_happen_to_be_valid_utf8_is_read_as_gbk(admin, tmp_path, lucky, header):
    rows = [(name, f"c{i}@example.cn", "Beijing") for i, name in enumerate(lucky)]
    rows += [("王芳", "wf@example.cn", "北京")]
    text = header + "\n" + "".join(",".join(r) + "\n" for r in rows)
    data = text.encode("gb18030")
    for name in lucky:
        name.encode("gb18030").decode("utf-8")          # (the premise: valid UTF-8 by chance)
    assert decide(data, complete=True, file_name="gbk.csv").name == "gb18030"
    path = tmp_path / "gbk.csv"
    path.write_bytes(data)
    assert import_file(admin, path).created == len(rows)
    got = stored(admin)
    assert {n: got[n]["city"] for n, _, _ in rows} == {n: c for n, _, c in rows}
