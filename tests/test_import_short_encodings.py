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
