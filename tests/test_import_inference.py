"""Every inference the importer makes is decided on evidence from the whole file or
column, shown in the result, or the import stops before writing and names the column,
examples and the option that settles it (issue 14)."""

from __future__ import annotations

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.importer.encoding import EncodingUncertain
from cims_xl.services import records


def customers(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


# ----- 1. encoding ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding, rows", [
    ("cp1252", [("Ana Souza", "Fundação Educação Brasil"), ("Bruno Lima", "Construções Silva Ltda"),
                ("Carla Rocha", "Soluções em Comunicação")]),
    ("cp1252", [("José Peña", "Logroño Añejo S.L."), ("Renée Müller", "Straßenbau Köln")]),
    ("cp1251", [("Иван Петров", "Москва Строй"), ("Ольга Смирнова", "Санкт-Петербург Трейд")]),
    ("gb18030", [("张伟", "北京华信科技有限公司"), ("李娜", "上海永安贸易")]),
    ("big5", [("張偉", "臺北華信科技"), ("李娜", "香港永安貿易")]),
    ("cp932", [("山田太郎", "東京商事株式会社"), ("佐藤花子", "大阪物産")]),
])
def test_a_csv_in_a_windows_ansi_encoding_is_read_in_that_encoding_and_says_so(admin, tmp_path, encoding, rows):
    path = tmp_path / "ansi.csv"
    text = "Name,Company,City\r\n" + "".join(f"{n},{c},X\r\n" for n, c in rows)
    path.write_bytes(text.encode(encoding))
    result = import_file(admin, path)
    assert result.encoding == encoding
    assert decided(result, "encoding")["evidence"]
    got = customers(admin)
    assert {n: got[n]["company"] for n, _ in rows} == dict(rows)


def test_bytes_that_two_encodings_read_equally_well_stop_the_import_and_the_option_settles_it(admin, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_bytes("Name,Code\r\nAnna,\xff\r\nBert,\xe9\r\n".encode("cp1252"))
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    message = exc.value.message
    assert "column 'Code'" in message and "--encoding cp1252" in message and "--encoding cp1251" in message
    assert "'ÿ'" in message and "'я'" in message
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, encoding="cp1252", mapping=["Code=Notes"])
    assert customers(admin)["Anna"]["notes"] == "ÿ"
    assert customers(admin)["Bert"]["notes"] == "é"


def test_a_utf8_file_with_one_stray_byte_is_not_read_as_cp1251(admin, tmp_path):
    path = tmp_path / "damaged.csv"
    path.write_bytes("Name,City\r\n张伟,北京\r\nZoë,Zürich\r\n".encode() + b"Caf\xff,Paris\r\n")
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    assert "line 4" in exc.value.message and "--encoding utf-8" in exc.value.message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding="utf-8")
    assert "1 unreadable byte" in decided(result, "encoding")["evidence"]
    got = customers(admin)
    assert got["张伟"]["city"] == "北京" and got["Zoë"]["city"] == "Zürich" and "Caf\ufffd" in got


def test_an_unknown_encoding_name_is_refused_clearly(admin, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Name\nA\n")
    with pytest.raises(ImportRefused, match="not an encoding"):
        import_file(admin, path, encoding="klingon-8")


@pytest.mark.parametrize("encode", [
    lambda t: "\ufeff".encode() + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-le"),
    lambda t: t.encode("utf-8"),
])
def test_a_web_page_saved_as_xls_imports_its_table_whatever_its_encoding(admin, tmp_path, encode):
    page = ("<html><head><meta charset='utf-8'><title>Export</title></head><body>"
            "<table><tr><td>menu</td></tr></table>"
            "<table><tr><th>Name</th><th>Email</th><th>City</th></tr>"
            "<tr><td>张伟</td><td>zw@example.com</td><td>北京</td></tr>"
            "<tr><td>Zoë Martin</td><td>zoe@example.com</td><td>Zürich</td></tr></table></body></html>")
    path = tmp_path / "export.xls"
    path.write_bytes(encode(page))
    result = import_file(admin, path)
    assert (result.rows, result.created) == (2, 2)
    assert decided(result, "kind of file")["decided"].startswith("web page")
    got = customers(admin)
    assert got["张伟"]["email"] == "zw@example.com" and got["Zoë Martin"]["city"] == "Zürich"
