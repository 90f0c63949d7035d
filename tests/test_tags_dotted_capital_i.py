"""Tags in Turkish and Azerbaijani capitals: "İSTANBUL" and "istanbul", "İzmir" and
"izmir" are one tag (the first spelling kept), in one cell, across the columns of a
file, against the store and at the command line. Python's lower() makes İ an "i" with
a combining dot above, which had made them two. Words that only casefold() makes one
("Maße", "Masse") and dotless ı (a capital I may be either i or ı) stay apart."""

from __future__ import annotations

import json

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def _tags(session) -> dict[str, str | None]:
    return {c["name"]: c["tags"] for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("cell, expected", [
    ("İSTANBUL, istanbul", "İSTANBUL"), ("izmir; İzmir; İZMİR", "izmir"),
    ("Bakı, bakı, BAKI", "Bakı, BAKI"),        # dotless ı; capital I may be i or ı, so BAKI stays apart
    ("i\u0307stanbul, İstanbul", "i\u0307stanbul"),     # an earlier lower() kept the dot
    ("Maße, Masse", "Maße, Masse"), ("IŞIK, ışık", "IŞIK, ışık"),
])
def test_a_dotted_capital_i_is_the_same_tag_as_its_small_i(admin, tmp_path, cell, expected):
    import_file(admin, write_csv(tmp_path / "müşteriler.csv", [["Ad Soyad", "Etiketler"], ["Ayşe Yılmaz", cell]]),
                kind="customers")
    assert _tags(admin) == {"Ayşe Yılmaz": expected}


def test_numbered_tag_columns_in_two_cases_keep_the_tag_once(admin, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["Ad Soyad", "Etiket 1", "Etiket 2"], ["Ayşe Yılmaz", "İZMİR", "izmir"]])
    result = import_file(admin, path, kind="customers", mapping=["Etiket 1=Tags", "Etiket 2=Tags"])
    assert result.created == 1 and _tags(admin) == {"Ayşe Yılmaz": "İZMİR"}


def test_an_update_adds_no_second_spelling_of_a_stored_turkish_tag(admin, tmp_path):
    records.create(admin, "customer", {"name": "Ayşe Yılmaz", "email": "ayse@example.com.tr", "tags": "İstanbul"})
    path = write_csv(tmp_path / "m.csv", [["Ad Soyad", "E-posta", "Etiketler"],
                                          ["Ayşe Yılmaz", "ayse@example.com.tr", "istanbul, Toptan"]])
    import_file(admin, path, kind="customers", on_duplicate="update")
    assert _tags(admin) == {"Ayşe Yılmaz": "İstanbul, Toptan"}


def test_the_command_line_keeps_one_spelling(run):
    code, out, _err = run("--format", "json", "customer", "add", "--name", "Ayşe Yılmaz",
                          "--tags", "İSTANBUL, istanbul, İstanbul")
    assert code == 0 and json.loads(out)["tags"] == "İSTANBUL"


def test_the_key_folds_only_the_dotted_capital():
    assert nz.tag_key("İSTANBUL") == nz.tag_key("istanbul") == "istanbul"
    assert nz.tag_key("Maße") != nz.tag_key("Masse")
    assert nz.tag_key("ışık") != nz.tag_key("isik")


@pytest.mark.parametrize("asked, found", [("istanbul", "Ayşe"), ("İSTANBUL", "Ayşe"), ("İstanbul", "Ayşe"),
                                          ("müşteri", "Ömer"), ("MÜŞTERİ", "Ömer"), ("vip", "Ayşe"),
                                          ("ΠΕΛΆΤΗΣ", "Νίκος"), ("stanbul", None)])
def test_a_tag_search_finds_a_tag_in_other_capitals_beyond_ascii(admin, asked, found):
    from cims_xl.services.search import search_customers

    records.create(admin, "customer", {"name": "Ayşe", "tags": "İSTANBUL, VIP"})
    records.create(admin, "customer", {"name": "Ömer", "tags": "Müşteri"})
    records.create(admin, "customer", {"name": "Νίκος", "tags": "πελάτης"})
    names = [c["name"] for c in search_customers(admin, tag=asked).rows]
    assert names == ([found] if found else [])
