"""Short non-UTF-8 CSVs: a reading wins only by a clear margin, else the import stops
offering the right --encoding among the plausible readings; never a wrong text taken."""

import random

import pytest

from cims_xl.importer.encoding import EncodingUncertain, decide

NAMES = {
    "cp1254": (["Gülşen", "Şükrü", "Ağaoğlu", "Çağrı", "İsmail", "Özgür", "Ayşe", "Ilgın"],
               ["Doğru", "Yılmaz", "Şahin", "Öztürk", "Güneş", "Kılıç", "Muğla", "Eskişehir"]),
    "cp1250": (["Čedomir", "Łukasz", "Małgorzata", "Jiří", "Zdeněk", "Bożena", "Ţiriac"],
               ["Dvořák", "Wiśniewski", "Gdańsk", "Brzęczyszczykiewicz", "Kočí", "Łódź"]),
    "cp1257": (["Jānis", "Ūdris", "Rūta", "Kęstutis", "Dārta", "Žydrūnas"],
               ["Bērziņš", "Klaipėda", "Šiauliai", "Kalniņa", "Ozoliņš", "Jūrmala"]),
    "cp1252": (["Zoë", "François", "Sigurður", "Åse", "Jürgen", "Iñigo", "Søren"],
               ["Sigurðsson", "Århus", "Müller", "Peña", "Brûlée", "Ærø", "Façade"]),
}


def outcome(text: str, code_page: str) -> str:
    """What the import decides for `text` written in `code_page`: "right", "stop" (offering
    the right --encoding) or a description of the failure."""
    data = text.encode(code_page)
    try:
        chosen = decide(data, complete=True, file_name="people.csv")
    except EncodingUncertain as stop:
        return "stop" if f"--encoding {code_page}" in str(stop) else f"stop without {code_page}: {stop}"
    return "right" if data.decode(chosen.name) == text else f"wrong text as {chosen.name}"


@pytest.mark.parametrize("text, code_page", [
    ("Name,Email,City\nGülşen Doğru,gulsen@example.com,\n", "cp1254"),
    ("Name,Email,City\nČedomir Ţiriac,cedo@example.com,Brno\n", "cp1250"),
    ("Name,Email,City\nZoë Sigurðsson,zoe@example.com,Århus\n", "cp1252"),
    ("Name,Email,City\nJānis Ūdris,janis@example.com,Klaipėda\n", "cp1257"),
    ("Ad;Şehir\nŞeker Ltd;Muğla\n", "cp1254"),
])
def test_a_one_row_file_is_never_read_in_a_wrong_code_page(text, code_page):
    assert outcome(text, code_page) in ("right", "stop")


def test_random_short_names_are_stored_right_or_stop_offering_their_code_page():
    rng = random.Random(9)
    failures = []
    for _ in range(400):
        code_page = rng.choice(sorted(NAMES))
        first, last = NAMES[code_page]
        rows = "".join(f"{rng.choice(first)} {rng.choice(last)},p{i}@example.com,{rng.choice(last)}\n"
                       for i in range(rng.randint(1, 2)))
        text = "Name,Email,City\n" + rows
        result = outcome(text, code_page)
        if result not in ("right", "stop"):
            failures.append((text, code_page, result))
    assert not failures, failures[:3]


def test_a_long_file_is_still_decided_without_stopping():
    first, last = NAMES["cp1254"]
    rows = "".join(f"{f} {l},p{i}@example.com,{l}\n" for i, (f, l) in
                   enumerate((f, l) for f in first for l in last))
    text = "Name,Email,City\n" + rows
    assert outcome(text, "cp1254") == "right"


def test_a_country_column_still_decides_a_short_file():
    text = "Name,Email,Country\nPiotr Wiśniewski,piotr@example.com,Poland\n"
    assert outcome(text, "cp1250") == "right"


# ----- Excel 5.0/95 (.xls, BIFF5): a CODEPAGE record that does not fit its texts ----------

TURKISH_BOOK = [["Name", "Company", "City"], ["Ayşe Yılmaz", "Ağaoğlu İnşaat", "İstanbul"],
                ["Gülşen Doğru", "Çağdaş Yapı", "Eskişehir"], ["Işıl Kılıç", "Doğuş Tekstil", "Bağcılar"]]
POLISH_BOOK = [["Name", "Company", "City"], ["Paweł Wiśniewski", "Łódzka Spółka", "Gdańsk"],
               ["Małgorzata Żółć", "Przedsiębiorstwo Łęg", "Kraków"], ["Zdzisław Bąk", "Poznańskie Zakłady", "Łódź"]]


@pytest.mark.parametrize("declared", [65001, 1252, 1200, 10000, 1257])
@pytest.mark.parametrize("codec, rows", [("cp1254", TURKISH_BOOK), ("cp1250", POLISH_BOOK)])
def test_an_excel_95_book_whose_code_page_record_misfits_its_texts_is_read_right_and_says_so(
        admin, tmp_path, declared, codec, rows):
    from cims_xl.importer import import_file
    from cims_xl.services import records
    from test_import_bytes import excel95

    path = excel95(tmp_path / "eski95.xls", declared, codec, [("Sayfa1", rows)])
    result = import_file(admin, path)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert {r[0]: got[r[0]]["company"] for r in rows[1:]} == {r[0]: r[1] for r in rows[1:]}
    line = next(i for i in result.inferences if i["what"] == "encoding")
    assert f"CODEPAGE record ({declared}) does not fit" in line["evidence"]
    assert result.encoding == codec


def test_an_excel_95_book_too_short_to_tell_stops_and_stores_nothing(admin, tmp_path):
    from cims_xl.importer import import_file
    from cims_xl.services import records
    from test_import_bytes import excel95

    path = excel95(tmp_path / "kisa95.xls", 65001, "cp1254",
                   [("Sayfa1", [["Name", "City"], ["Gülşen Doğru", "Muğla"]])])
    with pytest.raises(EncodingUncertain) as stop:
        import_file(admin, path)
    assert "CODEPAGE record (65001) does not fit" in stop.value.message
    assert "cp1254" in stop.value.message
    assert records.list_records(admin, "customer") == []
