"""Records printed on two lines (label exports, address lists typed as letters are
addressed): a row holding only a street or an attention line right under a record is
that record's address or note, never a customer named after a street. Small files of our
own in several languages, read back from a real store."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def said(result) -> dict:
    (line,) = [i for i in result.inferences if i["what"] == "records on two lines"]
    return line


def test_german_streets_and_an_attention_line_under_each_company_are_its_address_and_note(admin, tmp_path):
    path = write(tmp_path, "adressen.csv",
                 "Firma,Telefon,Ort\n"
                 "Müller Bau GmbH,+49 711 123456,Stuttgart\n"
                 "Königstraße 12,,\n"
                 "Schulz & Partner KG,+49 221 654321,Köln\n"
                 "\"z. Hd. Herrn Schulz, Domkloster 4\",,\n"
                 "Weber OHG,+49 89 111222,München\n"
                 "Marienplatz 8,,\n")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (3, 0)
    got = customers(admin)
    assert set(got) == {"Müller Bau GmbH", "Schulz & Partner KG", "Weber OHG"}
    assert got["Müller Bau GmbH"]["address"] == "Königstraße 12"
    assert got["Schulz & Partner KG"]["address"] == "Domkloster 4"
    assert got["Schulz & Partner KG"]["notes"] == "z. Hd. Herrn Schulz"
    assert "row(s) 3, 5, 7" in said(result)["decided"]


@pytest.mark.parametrize("rows, name, address, note", [
    ("Acme Ltd,+44 20 7946 0000,London\n10 Downing Street,,\nBeta Inc,+1 212 555 0101,New York\n"
     "c/o Jane Roe,,\n350 Fifth Avenue,,\n",
     "Beta Inc", "350 Fifth Avenue", "c/o Jane Roe"),
    ("Dupont SARL,+33 1 42 68 53 00,Paris\n\"à l'att. de M. Dupont, 12 rue de Rivoli\",,\n"
     "Martin SA,+33 4 91 13 89 00,Marseille\n45 boulevard Longchamp,,\n",
     "Dupont SARL", "12 rue de Rivoli", "à l'att. de M. Dupont"),
    ("上海星辰贸易有限公司,+86 21 5888 1234,上海\n地址：浦东新区世纪大道100号,,\n"
     "北京远航科技有限公司,+86 10 6555 4321,北京\n朝阳区建国路88号,,\n",
     "北京远航科技有限公司", "朝阳区建国路88号", None),
    ("株式会社サクラ,+81 3 1234 5678,東京\n中央区銀座1丁目2番3号,,\n"
     "有限会社ミドリ,+81 6 8765 4321,大阪\n北区梅田2-4-9,,\n",
     "株式会社サクラ", "中央区銀座1丁目2番3号", None),
    ("(주)한빛상사,+82 2 1234 5678,서울\n테헤란로 152,,\n대성산업(주),+82 31 987 6543,수원\n팔달로 21번길 7,,\n",
     "(주)한빛상사", "테헤란로 152", None),
])
def test_address_lines_under_records_in_several_languages_go_to_the_record_above(admin, tmp_path, rows, name,
                                                                                  address, note):
    path = write(tmp_path, "list.csv", "Name,Phone,City\n" + rows)
    result = import_file(admin, path)
    assert result.rejected == 0
    got = customers(admin)
    assert len(got) == 2
    assert got[name]["address"] == address
    assert (got[name]["notes"] or None) == note
    assert not any(any(ch.isdigit() for ch in n) for n in got)


def test_a_second_line_of_the_address_column_alone_is_added_to_the_address_above(admin, tmp_path):
    path = write(tmp_path, "kunden.csv",
                 "Name,Address,City,Email\n"
                 "Ann Lee,1 Main Street,Boston,ann@x.com\n"
                 ",Suite 400,,\n"
                 "Bob Ray,22 Oak Road,Chicago,bob@y.com\n")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    assert customers(admin)["Ann Lee"]["address"] == "1 Main Street, Suite 400"


MIXED = ("Name,Phone,City\n"
         "Acme GmbH,+49 30 1234567,Berlin\n"
         "Hauptstr. 1,,\n"
         "Beta AG,+49 89 7654321,München\n"
         "Ann Lee,,\n"
         "Gamma KG,+49 40 1112223,Hamburg\n")


def test_a_file_with_both_address_lines_and_names_alone_under_records_stops_naming_the_column_and_option(
        admin, tmp_path):
    path = write(tmp_path, "mixed.csv", MIXED)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    message = str(stop.value)
    assert "'Name'" in message and "Hauptstr. 1" in message and "Ann Lee" in message
    assert "--continued-rows fold" in message and "--continued-rows records" in message
    assert customers(admin) == {}


def test_continued_rows_fold_puts_the_street_into_address_and_a_name_into_notes(admin, tmp_path):
    path = write(tmp_path, "mixed.csv", MIXED)
    result = import_file(admin, path, continued="fold")
    assert (result.created, result.rejected) == (3, 0)
    got = customers(admin)
    assert got["Acme GmbH"]["address"] == "Hauptstr. 1"
    assert got["Beta AG"]["notes"] == "Ann Lee"


def test_continued_rows_records_keeps_every_row_a_customer(admin, tmp_path):
    path = write(tmp_path, "mixed.csv", MIXED)
    result = import_file(admin, path, continued="records")
    assert result.created == 5
    assert "Hauptstr. 1" in customers(admin)
    assert "kept as records" in said(result)["decided"]


def test_the_import_sheet_options_cell_takes_continued_rows():
    from cims_xl.excel.import_options import parse_options

    assert parse_options("--continued-rows fold")["continued"] == "fold"


def test_names_alone_under_records_with_a_company_form_or_no_street_stay_customers_beside_a_stated_fold(
        admin, tmp_path):
    path = write(tmp_path, "names.csv",
                 "Name,Phone,City\n"
                 "Acme GmbH,+49 30 1234567,Berlin\n"
                 "Park Avenue 5 GmbH,,\n"
                 "Beta AG,+49 89 7654321,München\n"
                 "Hauptstr. 1,,\n")
    with pytest.raises(ImportRefused):
        import_file(admin, path)
    result = import_file(admin, path, continued="records")
    assert result.created == 4
    assert "Park Avenue 5 GmbH" in customers(admin)
