"""Encodings that read each other's bytes (issue 14, kind 1): the CJK legacy encodings
(GB18030, Big5, EUC-JP, Shift_JIS, EUC-KR), single-byte code pages that differ in a
few letters (ISO-8859-2 and Windows-1250, KOI8-R and KOI8-U, DOS CP850/CP852/CP866),
UTF-8 saved twice ("JosÃ©") and UTF-8 files with lines in another code page. Every
file is read right, or the import stops before writing, naming the options, one of
which makes the same file import right. Files are written by the tests, byte for byte."""

from __future__ import annotations

import random

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.encoding import EncodingUncertain, decide
from cims_xl.services import records


def stored(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def csv_text(header: str, rows: list[tuple[str, ...]]) -> str:
    return header + "\r\n" + "".join(",".join(r) + "\r\n" for r in rows)


def import_right_or_stop(admin, path, encoding: str, text: str):
    """Import `path` (`text` saved in `encoding`): right, or a stop that writes nothing and
    names an --encoding reading the bytes as `text`, which then imports it."""
    data = path.read_bytes()
    try:
        return import_file(admin, path)
    except EncodingUncertain as stop:
        assert "Nothing was imported" in stop.message
        assert records.list_records(admin, "customer") == []
        offered = [n for n in stop.names if data.decode(n, "replace") == text]
        assert offered, stop.message
        assert f"--encoding {offered[0]}" in stop.message
        return import_file(admin, path, encoding=offered[0])


# ----- CJK legacy encodings -----------------------------------------------------------------

CJK_FILES = [
    ("euc_jp", "Name,Company,City", [("佐藤太郎", "株式会社山田商事", "東京都"), ("鈴木花子", "有限会社テスト", "大阪市"),
                                     ("高橋一郎", "合同会社サンプル", "横浜市")]),
    ("euc_jp", "氏名,会社名,市区町村", [("渡辺美咲", "神奈川電機株式会社", "横浜市"), ("伊藤健太", "北海道物産", "札幌市")]),
    ("euc_jp", "Name,City", [("田中", "京都"), ("山本", "名古屋")]),
    ("euc_jp", "Name,Company", [("サトウ タロウ", "カブシキガイシャ ヤマダ")]),
    ("cp932", "Name,Company,City", [("佐藤太郎", "株式会社山田商事", "東京都"), ("鈴木花子", "有限会社テスト", "大阪市")]),
    ("gb18030", "Name,Company,City", [("张伟", "华为技术有限公司", "深圳"), ("李娜", "阿里巴巴集团", "杭州")]),
    ("gb18030", "姓名,公司,城市", [("赵敏", "江苏南京贸易有限公司", "南京"), ("孙强", "浙江电子商务", "杭州")]),
    ("big5", "Name,Company,City", [("黃志明", "長江實業有限公司", "香港"), ("李嘉欣", "新鴻基地產", "九龍")]),
    ("big5", "Name,Company,City", [("陳大文", "台灣積體電路", "新竹"), ("林美麗", "鴻海精密", "台北")]),
    ("euc_kr", "Name,Company,City", [("정우성", "서울특별시 강남구", "서울"), ("한지민", "경기도 성남시", "성남")]),
    ("euc_kr", "Name,City", [("이서연", "부산"), ("박지훈", "대전")]),
]


@pytest.mark.parametrize("encoding, header, rows", CJK_FILES,
                         ids=[f"{e}-{i}" for i, (e, _, _) in enumerate(CJK_FILES)])
def test_a_cjk_file_is_read_in_its_own_encoding_not_in_a_neighbour_that_decodes_its_bytes(
        admin, tmp_path, encoding, header, rows):
    text = csv_text(header, rows)
    path = tmp_path / "cjk.csv"
    path.write_bytes(text.encode(encoding))
    result = import_right_or_stop(admin, path, encoding, text)
    assert path.read_bytes().decode(result.encoding) == text
    got = stored(admin)
    assert sorted(got) == sorted(r[0] for r in rows)
    for name, *values in rows:
        assert set(values) <= {got[name]["company"], got[name]["city"]}, (name, got[name])


def test_euc_jp_with_japanese_headers_is_decided_and_mapped(admin, tmp_path):
    # Read as GB18030 the headers became '会叹', '柴家叹' and the import stopped on the mapping.
    text = csv_text("氏名,会社名,市区町村", [("佐藤太郎", "株式会社山田商事", "東京都"),
                                       ("鈴木花子", "有限会社テスト", "大阪市")])
    path = tmp_path / "jp.csv"
    path.write_bytes(text.encode("euc_jp"))
    result = import_file(admin, path)
    assert result.encoding == "euc_jp"
    assert stored(admin)["鈴木花子"]["company"] == "有限会社テスト"


@pytest.mark.parametrize("text, encoding", [
    ("Name,City\n田中,京都\n", "euc_jp"),          # GB18030 reads '拍面,叠旁': common characters, no words
    ("Name,Company\n佐藤,山田商事\n", "euc_jp"),    # EUC-KR reads '병튁,뺙탠쑥색'
    ("Name,Company\n张伟,华光\n", "gb18030"),
    ("Name,Company\n김민준,삼성\n", "euc_kr"),
    ("Name,City\n陳大文,台北\n", "big5"),
])
def test_a_two_cell_cjk_file_is_read_right_or_stops_offering_its_encoding(text, encoding):
    data = text.encode(encoding)
    try:
        chosen = decide(data, complete=True, file_name="short.csv")
    except EncodingUncertain as stop:
        assert any(data.decode(n, "replace") == text for n in stop.names), str(stop)
        return
    assert data.decode(chosen.name) == text


# ----- single-byte code pages that differ in some letters ------------------------------------

SINGLE_BYTE_FILES = [
    ("iso8859_2", [("Łukasz Żółć", "Spółka Świętokrzyska", "Łódź"), ("Agnieszka Wiśniewska", "Firma Kraków", "Kraków"),
                   ("Paweł Gąsior", "Źródło SA", "Gdańsk")]),
    ("iso8859_2", [("Jiří Dvořák", "Škoda a.s.", "Plzeň"), ("Petr Novák", "Česká spořitelna", "Brno"),
                   ("Šárka Říhová", "Šumava s.r.o.", "Ústí nad Labem")]),
    ("iso8859_2", [("Ľubomír Šťastný", "Tatry s.r.o.", "Žilina"), ("Ľudmila Ťažká", "Šariš a.s.", "Košice")]),
    ("iso8859_2", [("Kovács Gábor", "Győri Keksz Kft.", "Győr"), ("Szabó Éva", "Pécsi Sörfőzde", "Pécs"),
                   ("Tóth Ödön", "Szőlő Zrt.", "Szeged")]),
    ("koi8_u", [("Олена Коваленко", "ТОВ Їжак", "Київ"), ("Ігор Шевченко", "ПП Ґанок", "Львів"),
                ("Євген Іваненко", "Поділля", "Вінниця")]),
    ("cp866", [("Иванов Иван", "ООО Ромашка", "Москва"), ("Петрова Анна", "ЗАО Берёзка", "Санкт-Петербург")]),
    ("cp850", [("Jürgen Müller", "Bäckerei Größe GmbH", "München"), ("Özil Straße", "Übersee AG", "Köln")]),
    ("cp850", [("Jérôme Dupré", "Société Générale", "Besançon"), ("Gaëlle Noël", "Château Brûlée", "Orléans")]),
    ("cp437", [("Jürgen Müller", "Bäckerei Größe GmbH", "München")]),
    ("cp852", [("Jiří Dvořák", "Škoda a.s.", "Plzeň"), ("Eva Černá", "Řempo s.r.o.", "Ústí nad Labem")]),
    ("cp1250", [("Łukasz Żółć", "Spółka Świętokrzyska", "Łódź"), ("Paweł Gąsior", "Źródło SA", "Gdańsk")]),
]


@pytest.mark.parametrize("encoding, rows", SINGLE_BYTE_FILES,
                         ids=[f"{e}-{i}" for i, (e, _) in enumerate(SINGLE_BYTE_FILES)])
def test_a_code_page_file_is_read_where_its_differing_bytes_are_letters_of_its_language(
        admin, tmp_path, encoding, rows):
    text = csv_text("Name,Company,City", rows)
    path = tmp_path / "cp.csv"
    path.write_bytes(text.encode(encoding))
    result = import_right_or_stop(admin, path, encoding, text)
    assert path.read_bytes().decode(result.encoding) == text
    got = stored(admin)
    assert {n: (got[n]["company"], got[n]["city"]) for n, _, _ in rows} == {n: (c, t) for n, c, t in rows}


def test_latin_2_polish_is_not_stored_with_symbols_between_letters(admin, tmp_path):
    # Windows-1250 reads ISO-8859-2's Ś, ś, ą, Ź, ź as ¦, ¶, ±, ¬, Ľ: "¦więtokrzyska", "G±sior".
    text = csv_text("Name,Company,City", [("Agnieszka Wiśniewska", "Świętokrzyska SA", "Łódź"),
                                          ("Paweł Gąsior", "Źródło SA", "Gdańsk"),
                                          ("Świętosław Kąkol", "Śląsk sp. z o.o.", "Katowice")])
    path = tmp_path / "pl.csv"
    path.write_bytes(text.encode("iso8859_2"))
    result = import_file(admin, path)
    assert result.encoding == "iso8859_2"
    values = {v for c in stored(admin).values() for v in (c["name"], c["company"], c["city"])}
    assert {"Świętokrzyska SA", "Paweł Gąsior", "Łódź", "Śląsk sp. z o.o."} <= values
    assert not any(ch in v for v in values for ch in "¦¶±¬Ľ©")


def test_a_dos_german_file_is_read_as_dos_not_as_mac_or_cyrillic(admin, tmp_path):
    text = csv_text("Name,Company,City", [("Jürgen Müller", "Bäckerei Größe GmbH", "München")])
    path = tmp_path / "dos.csv"
    path.write_bytes(text.encode("cp850"))
    result = import_right_or_stop(admin, path, "cp850", text)
    assert result.encoding in ("cp850", "cp437")
    assert stored(admin)["Jürgen Müller"]["city"] == "München"


# ----- UTF-8 saved twice ---------------------------------------------------------------------

def saved_twice(text: str) -> bytes:
    """`text` as UTF-8 bytes read as Windows-1252 (Latin-1 where 1252 has no character)
    and saved as UTF-8 again."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out).encode("utf-8")


@pytest.mark.parametrize("rows", [
    [("José Müller", "Café GmbH", "Zürich"), ("François Lefèvre", "Société Générale", "Besançon")],
    [("Łukasz Żółć", "Spółka Łódź", "Kraków")],
    [("Иван Петров", "ООО Ромашка", "Москва")],
    [("Ana Conceição", "Fundação Educação", "São Paulo"), ("Björk Guðmundsdóttir", "Ísland ehf", "Reykjavík")],
    [("佐藤太郎", "株式会社山田商事", "東京都")],
])
def test_text_saved_twice_as_utf8_stops_with_what_it_probably_was_and_the_option_repairs_it(admin, tmp_path, rows):
    text = csv_text("Name,Company,City", rows)
    path = tmp_path / "twice.csv"
    path.write_bytes(saved_twice(text))
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path)
    message = stop.value.message
    assert "column 'Name'" in message and repr(rows[0][0]) in message
    assert repr(saved_twice(rows[0][0]).decode("utf-8")) in message
    assert "--encoding utf-8-double" in message and "Nothing was imported" in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding="utf-8-double")
    got = stored(admin)
    assert {n: (got[n]["company"], got[n]["city"]) for n, _, _ in rows} == {n: (c, t) for n, c, t in rows}
    evidence = next(i for i in result.inferences if i["what"] == "encoding")
    assert f"{len(rows)} line(s) repaired" in evidence["evidence"]


def test_only_the_lines_saved_twice_are_repaired(admin, tmp_path):
    path = tmp_path / "some.csv"
    path.write_bytes("Name,City\r\nZoë Brontë,Århus\r\n".encode() + saved_twice("Jürgen Groß,Köln\r\n"))
    with pytest.raises(EncodingUncertain, match="line 3, column 'Name'"):
        import_file(admin, path)
    import_file(admin, path, encoding="utf-8-double")
    got = stored(admin)
    assert got["Zoë Brontë"]["city"] == "Århus" and got["Jürgen Groß"]["city"] == "Köln"


def test_keeping_text_saved_twice_as_it_is_takes_utf8(admin, tmp_path):
    path = tmp_path / "keep.csv"
    path.write_bytes(saved_twice("Name,City\r\nJosé,Zürich\r\n"))
    import_file(admin, path, encoding="utf-8")
    assert stored(admin)["JosÃ©"]["city"] == "ZÃ¼rich"


def test_real_utf8_text_in_many_languages_is_never_taken_for_text_saved_twice():
    words = ["SÃO PAULO", "ÂNGELA", "CONCEIÇÃO", "Ångström", "Ærø", "Ôn Thị", "Čeština", "Æsir»", "«Ânia»",
             "ÉCOLE", "Ñandú", "Øresund", "ÇA VA", "Öl", "Ürün", "Ìsola", "€ 100", "Straße", "naïve", "Ãlvaro",
             "日本語", "한국어", "Ελληνικά", "עברית", "العربية", "ĐÀ NẴNG", "20 °C", "Ðorđe", "Ê·"]
    rng = random.Random(14)
    for _ in range(200):
        line = ",".join(rng.sample(words, 3))
        text = "Name,Company,City\n" + line + "\n"
        chosen = decide(text.encode("utf-8"), complete=True, file_name="real.csv")
        assert chosen.name == "utf-8", line


# ----- UTF-8 with lines in another code page ---------------------------------------------------

@pytest.mark.parametrize("good, other, encoding", [
    ([("José Müller", "Café GmbH", "Zürich"), ("François", "Société", "Besançon")],
     [("Renée Köhler", "Bäckerei", "Köln"), ("Jürgen Groß", "Straße AG", "München")], "cp1252"),
    ([("Иван Петров", "Москва Строй", "Москва"), ("Ольга", "Тверь", "Тверь")],
     [("Сергей Сидоров", "Северный ветер", "Новосибирск"), ("Елена", "Урал", "Екатеринбург")], "cp1251"),
    ([("张伟", "上海贸易", "上海"), ("王芳", "北京科技", "北京")],
     [("李娜", "杭州电子商务有限公司", "杭州"), ("刘洋", "北京科技发展有限公司", "北京")], "gb18030"),
    ([("Jiří Dvořák", "Škoda", "Plzeň"), ("Błażej", "Gdańsk", "Gdańsk")],
     [("Eva Černá", "Řempo s.r.o.", "Ústí nad Labem"), ("Paweł Gąsior", "Źródło SA", "Kraków")], "cp1250"),
])
def test_a_utf8_file_with_lines_in_a_code_page_stops_naming_them_and_the_option_loses_nothing(
        admin, tmp_path, good, other, encoding):
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_text("Name,Company,City", good).encode("utf-8")
                     + "".join(",".join(r) + "\r\n" for r in other).encode(encoding))
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path)
    message = stop.value.message
    first = len(good) + 2
    assert f"{len(other)} line(s) are not UTF-8 (line {first}, {first + 1})" in message
    assert repr(",".join(other[0])) in message
    assert f"--encoding utf-8-or-{encoding}" in message and "--encoding utf-8 " in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding=f"utf-8-or-{encoding}")
    got = stored(admin)
    assert {n: (got[n]["company"], got[n]["city"]) for n, _, _ in good + other} \
        == {n: (c, t) for n, c, t in good + other}
    evidence = next(i for i in result.inferences if i["what"] == "encoding")
    assert f"{len(other)} line(s) read as" in evidence["evidence"]


def test_a_line_codec_for_a_non_ascii_code_page_is_refused_clearly(admin, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"Name\r\nAnn\r\n")
    with pytest.raises(Exception, match="not an encoding"):
        import_file(admin, path, encoding="utf-8-or-utf-16")


def test_the_cli_stops_in_one_line_and_the_options_it_names_import_the_files(run, admin, tmp_path):
    twice = tmp_path / "twice.csv"
    twice.write_bytes(saved_twice("Name,City\r\nBjörk Guðmundsdóttir,Reykjavík\r\nSøren,Århus\r\n"))
    code, out, err = run("import", str(twice))
    assert code == 4 and "Traceback" not in err
    assert "--encoding utf-8-double" in err and "'Björk Guðmundsdóttir'" in err
    code, out, err = run("import", str(twice), "--encoding", "utf-8-double")
    assert code == 0, err
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("Name,City\r\nZoë,Zürich\r\nAnaïs,Nîmes\r\n".encode() + "Hélène Crème,Orléans\r\n".encode("cp1252"))
    code, out, err = run("import", str(mixed))
    assert code == 4 and "--encoding utf-8-or-cp1252" in err
    code, out, err = run("import", str(mixed), "--encoding", "utf-8-or-cp1252")
    assert code == 0, err
    got = stored(admin)
    assert got["Björk Guðmundsdóttir"]["city"] == "Reykjavík" and got["Hélène Crème"]["city"] == "Orléans"


@pytest.mark.parametrize("text, encoding", [
    ("Bestellnr;Betrag;Währung\r\nB-1;1.234,50;EUR\r\n", "cp1252"),     # CP850 reads "Wõhrung"
    ("Name,Notes\r\nŁukasz,Warszawa\r\n", "cp1250"),                     # CP850 reads "úukasz"
    ("Nombre,Ciudad\r\nAna Ibáñez,Málaga\r\n", "cp1252"),
    ("Name,City\r\nJürgen Müller,München\r\n", "cp850"),                 # cp1252 cannot read 0x81
    ("Nombre,Ciudad\r\nJosé Peña,Logroño\r\n", "cp850"),                 # cp1252 reads "Pe¤a"
])
def test_a_short_file_is_taken_for_dos_only_when_windows_reads_it_garbled(text, encoding):
    data = text.encode(encoding)
    try:
        chosen = decide(data, complete=True, file_name="short.csv")
    except EncodingUncertain as stop:
        assert any(data.decode(n, "replace") == text for n in stop.names), str(stop)
        if encoding not in ("cp850", "cp437", "cp852", "cp866"):
            assert not {"cp850", "cp437", "cp852", "cp866"} & set(stop.names), str(stop)
        return
    assert data.decode(chosen.name) == text


def saved_twice_losing(text: str) -> bytes:
    """Text saved twice by a program that wrote U+FFFD for the bytes Windows-1252 has no
    character for (0x81, 0x8D, 0x8F, 0x90, 0x9D), as most do: "Á" (C3 81) becomes "Ã�"."""
    return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")


@pytest.mark.parametrize("lost, kept", [
    (("Ángel Pérez", "Ávila"), ("José Müller", "München")),          # Á: 0x81
    (("Íñigo Díaz", "Cádiz"), ("Zoë Brontë", "Köln")),                # Í: 0x8D
    (("Ýmir Sigurðsson", "Höfn"), ("Björk Guðmundsdóttir", "Reykjavík")),   # Ý: 0x9D
    (("Ðorđe Ïlić", "Niš"), ("Éloïse Dupré", "Besançon")),           # Ð: 0x90, Ï: 0x8F
])
def test_a_letter_lost_when_text_was_saved_twice_is_named_not_hidden(admin, tmp_path, lost, kept):
    path = tmp_path / "twice.csv"
    path.write_bytes(saved_twice_losing(csv_text("Name,City", [kept, lost])))
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path)
    message = stop.value.message
    assert "saved twice" in message and "not valid UTF-8" not in message
    assert "cannot be repaired (line 3" in message and "Nothing was imported" in message
    result = import_file(admin, path, encoding="utf-8-double")
    got = stored(admin)
    assert got[kept[0]]["city"] == kept[1]                    # repaired
    damaged = [n for n in got if n != kept[0]]
    assert len(damaged) == 1 and "\ufffd" in damaged[0]      # the lost letter stays visible ...
    evidence = next(i for i in result.inferences if i["what"] == "encoding")["evidence"]
    assert "letter lost in the second saving" in evidence     # ... and is said


@pytest.mark.parametrize("text", ["Köln\ufffd", "\ufffd\ufffdrhus", "Stra\ufffde 5"])
def test_a_utf8_file_holding_replacement_characters_is_utf8_and_says_where_they_are(admin, tmp_path, text):
    # U+FFFD written into the file (EF BF BD) is valid UTF-8: "bytes that are not valid
    # UTF-8 (first on line 1: '')" sent the user looking for bytes that are not there.
    path = tmp_path / "lost.csv"
    path.write_bytes(csv_text("Name,City", [("Zoë Brontë", "Århus"), ("Anna Berg", text)]).encode("utf-8"))
    result = import_file(admin, path)
    assert stored(admin)["Anna Berg"]["city"] == text
    evidence = next(i for i in result.inferences if i["what"] == "encoding")["evidence"]
    assert evidence.startswith("valid UTF-8 throughout") and "line 3" in evidence and "lost" in evidence


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_text_saved_twice_or_lost_letters_in_a_workbooks_cells_are_named_in_the_summary(admin, tmp_path, suffix):
    # A CSV's bytes are weighed before decoding; a workbook's cells arrive as text, so
    # the same damage went by without a word.
    import subprocess

    import openpyxl

    rows = [("Name", "City"), ("JosÃ© MÃ¼ller", "MÃ¼nchen"), ("Anna Berg", "K\ufffdln"), ("Zoë Brontë", "Århus")]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "kunden.xlsx"
    book.save(path)
    if suffix == "ods":
        done = subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(path)],
                              capture_output=True, timeout=180)
        assert done.returncode == 0, done.stderr
        path = tmp_path / "kunden.ods"
    result = import_file(admin, path)
    said = {i["what"]: i for i in result.inferences}
    assert said["text saved twice"]["decided"] == "2 cell(s) kept as written"
    assert "row 2, 'Name': 'JosÃ© MÃ¼ller', probably 'José Müller'" in said["text saved twice"]["evidence"]
    assert "row 3, 'City': 'K\ufffdln'" in said["letters lost before the workbook"]["evidence"]
    assert "Zoë" not in str(said)                       # real accents are not damage
    assert stored(admin)["JosÃ© MÃ¼ller"]["city"] == "MÃ¼nchen"      # kept as written, and said
