"""Every value a file's bytes bring is read right, or the import stops before writing
and says which column, with examples and the option that settles it (issue 14):
text encodings of many regions, percentages in decimal-comma files, JSON Lines, and
old .xls files in non-Latin code pages. Files are written by the tests, byte for byte."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.importer.encoding import EncodingUncertain
from cims_xl.services import records


def customers(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


def encode(text: str, encoding: str) -> bytes:
    """`text` as a Windows program saves it in `encoding`; Windows-1258 (Vietnamese)
    writes a letter it has no single byte for as a base letter it has plus a tone mark."""
    if encoding != "cp1258":
        return text.encode(encoding)
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode(encoding)
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            try:
                composed.encode(encoding)
            except UnicodeEncodeError:
                continue
            if len(composed) == 1:
                base = composed
                marks.remove(mark)
        out += (base + "".join(marks)).encode(encoding)
    return bytes(out)


def write(path, text: str, encoding: str):
    path.write_bytes(encode(text, encoding))
    return path


# ----- 1. encodings -----------------------------------------------------------------------

REGIONS = [
    ("cp1254", [("Ahmet Yılmaz", "Ağaoğlu İnşaat", "İstanbul"), ("Ayşe Şahin", "Şişli Gıda", "Ankara"),
                ("Mehmet Öztürk", "Çağdaş Yapı", "İzmir")]),
    ("cp1254", [("Işıl Kılıç", "Doğuş Tekstil", "Bağcılar"), ("Gülşen Ünal", "Karşıyaka Yağ", "İzmir")]),
    ("cp1250", [("Piotr Wiśniewski", "Stocznia Gdańska", "Gdańsk"), ("Jan Kowalski", "Łódzka Firma", "Łódź"),
                ("Anna Nowak", "Przedsiębiorstwo", "Kraków")]),
    ("cp1255", [("דוד כהן", "חברת אלקטרוניקה", "תל אביב"), ("שרה לוי", "מסחר ירושלים", "ירושלים")]),
    ("cp1256", [("محمد أحمد", "شركة التجارة", "القاهرة"), ("فاطمة علي", "مؤسسة النور", "الرياض")]),
    ("cp1258", [("Nguyễn Văn An", "Công ty Thương mại", "Hà Nội"),
                ("Trần Thị Bình", "Công ty Điện tử", "Đà Nẵng"), ("Lê Hoàng", "Xây dựng Phước", "Huế")]),
    ("cp1257", [("Jonas Petraitis", "UAB Šiaulių prekyba", "Kaunas"), ("Jānis Bērziņš", "SIA Rīgas Nami", "Rīga"),
                ("Ona Žukauskienė", "Vilniaus ūkis", "Vilnius")]),
    ("koi8_r", [("Иван Петров", "Москва Строй", "Москва"), ("Ольга Смирнова", "Северный ветер", "Санкт-Петербург")]),
    ("koi8_r", [("Наталья", "ООО Ромашка", "Казань")]),
    ("cp1251", [("Иван Петров", "Москва Строй", "Москва"), ("Ольга Смирнова", "Северный ветер", "Тверь")]),
    ("iso8859_15", [("Anne Dubois", "Œuvres d'art", "Paris 12 €"), ("Marc Lefèvre", "Cœur de Lion", "Lyon 40 €")]),
    ("big5", [("陳大文", "台灣電子股份有限公司", "臺北"), ("林小明", "高雄貿易", "高雄")]),
    ("gb18030", [("陳大文", "台灣電子股份有限公司", "臺北"), ("林小明", "高雄貿易", "高雄")]),   # GBK holds traditional too
]


@pytest.mark.parametrize("encoding, rows", REGIONS, ids=[f"{e}-{i}" for i, (e, _) in enumerate(REGIONS)])
def test_a_file_in_a_regional_code_page_is_stored_as_written_and_the_summary_names_it(
        admin, tmp_path, encoding, rows):
    text = "Name,Company,City\r\n" + "".join(f"{n},{c},{t}\r\n" for n, c, t in rows)
    result = import_file(admin, write(tmp_path / "regional.csv", text, encoding))
    assert result.encoding == encoding
    assert decided(result, "encoding")["evidence"]
    got = customers(admin)
    assert {unicodedata.normalize("NFC", n): (got[n]["company"], got[n]["city"]) for n, _, _ in rows} \
        == {n: (c, t) for n, c, t in rows}


@pytest.mark.parametrize("encoding, text, name, city", [
    ("cp1250", "Name,City,Country\r\nPiotr,Gdańsk,Poland\r\n", "Piotr", "Gdańsk"),
    ("cp1250", "Name,City,Country\r\nPiotr,Gdańsk,PL\r\nMarta,Poznań,PL\r\n", "Marta", "Poznań"),
    ("cp1252", "Name,City,Country\r\nPablo,Logroño,Spain\r\n", "Pablo", "Logroño"),
    ("cp1254", "Name,City,Country\r\nAyşe,Şişli,Türkiye\r\n", "Ayşe", "Şişli"),
    ("cp1254", "Name,City,Country\r\nIşıl,Bağcılar,TR\r\n", "Işıl", "Bağcılar"),
    ("cp1252", "Name,City,Country\r\nÞórunn,Þórshöfn,Iceland\r\n", "Þórunn", "Þórshöfn"),
])
def test_the_rows_country_column_decides_between_code_pages_that_read_a_short_file_alike(
        admin, tmp_path, encoding, text, name, city):
    result = import_file(admin, write(tmp_path / "short.csv", text, encoding))
    assert result.encoding == encoding
    assert "countries" in decided(result, "encoding")["evidence"]
    assert customers(admin)[name]["city"] == city


@pytest.mark.parametrize("encoding, text, column, right, wrong", [
    ("cp1254", "Name,City\r\nAyşe,Şişli\r\n", "Name", "Ayşe", "Ayþe"),
    ("cp1250", "Name,City\r\nPiotr,Gdańsk\r\n", "City", "Gdańsk", "Gdañsk"),
    ("cp1252", "Name,City\r\nPiotr,Gdañsk\r\n", "City", "Gdañsk", "Gdańsk"),
    ("cp1252", "Name,Notes\r\nBo,Œuvre\r\n", "Notes", "Œuvre", "Śuvre"),
])
def test_a_short_file_two_code_pages_read_alike_stops_naming_both_and_the_option_settles_it(
        admin, tmp_path, encoding, text, column, right, wrong):
    path = write(tmp_path / "thin.csv", text, encoding)
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    message = exc.value.message
    assert f"column '{column}'" in message
    assert repr(right) in message and repr(wrong) in message
    assert f"--encoding {encoding}" in message
    assert "Nothing was imported" in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding=encoding)
    assert result.encoding == encoding
    got = customers(admin)
    assert right in {v for c in got.values() for v in (c["name"], c["city"], c["notes"])}


def test_the_cli_summary_shows_the_encoding_it_read_the_file_in(run, admin, tmp_path):
    path = write(tmp_path / "tr.csv", "Name,Company,City\r\nAhmet Yılmaz,Ağaoğlu İnşaat,İstanbul\r\n"
                                      "Ayşe Şahin,Şişli Gıda,Ankara\r\nMehmet Öztürk,Çağdaş Yapı,İzmir\r\n", "cp1254")
    code, out, err = run("import", str(path))
    assert code == 0, err
    assert "Windows-1254 (Turkish)" in " ".join(out.split())
    assert customers(admin)["Ayşe Şahin"]["company"] == "Şişli Gıda"
