"""A house number in a column of its own (try24f A6): "Straße" + "Hausnummer", "Street" +
"House No", Brazil's "Logradouro" + "Número" stored the street alone, the number only in
Notes, without a word. The number is joined to the street in the country's order: after
it for a German, Dutch, Portuguese, Spanish, Polish, Italian heading (with a comma for
Portuguese, Spanish, Italian ones), before it for a French one; an English heading
("House No") follows each row's country, else --region; with neither the import stops
before writing, naming the column and the option."""
from __future__ import annotations

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import write_table


def _addresses(session) -> dict[str, tuple]:
    return {c["name"]: (c["address"], c["notes"] or "") for c in records.list_records(session, "customer")}


LANGUAGES = {
    "german": (["Name", "Straße", "Hausnummer", "PLZ", "Ort"], ["Anna", "Hauptstraße", "12a", "10115", "Berlin"],
               "Hauptstraße 12a"),
    "german short": (["Name", "Strasse", "Hausnr.", "PLZ", "Ort"], ["Anna", "Lindenallee", "7", "80331", "München"],
                     "Lindenallee 7"),
    "dutch": (["Naam", "Straat", "Huisnummer", "Postcode", "Plaats"],
              ["Anna", "Keizersgracht", "123", "1015 CJ", "Amsterdam"], "Keizersgracht 123"),
    "brazilian": (["Nome", "Logradouro", "Número", "CEP", "Cidade"],
                  ["Anna", "Rua Augusta", "1500", "01304-001", "São Paulo"], "Rua Augusta, 1500"),
    "polish": (["Nazwisko", "Ulica", "Nr domu", "Kod pocztowy", "Miasto"],
               ["Anna", "Długa", "5", "00-238", "Warszawa"], "Długa 5"),
    "italian": (["Nome", "Indirizzo", "Civico", "CAP", "Città"], ["Anna", "Via Roma", "12", "00184", "Roma"],
                "Via Roma, 12"),
    "french, number first": (["Nom", "Numéro de rue", "Rue", "Code postal", "Ville"],
                             ["Anna", "12", "rue de la Paix", "75002", "Paris"], "12 rue de la Paix"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_house_number_column_is_joined_to_the_street_in_its_languages_order(admin, tmp_path, language, fmt):
    headers, row, stored = LANGUAGES[language]
    result = import_file(admin, write_table(tmp_path, fmt, [headers, row], "addresses"))
    assert result.created == 1
    address, notes = _addresses(admin)["Anna"]
    assert address == stored
    assert f"{headers[2]}: " not in notes and f"{headers[1]}: " not in notes
    assert any(d["what"] == "house number" for d in result.inferences)


def test_an_english_heading_follows_each_rows_country(admin, tmp_path):
    rows = [["Name", "Street", "House No", "City", "Country"],
            ["Anna", "Hauptstraße", "12a", "Berlin", "Deutschland"],
            ["Jan", "Keizersgracht", "123-II", "Amsterdam", "Nederland"],
            ["Ann", "Main St", "12", "Boston", "USA"],
            ["Ben", "Baker Street", "221B", "London", "United Kingdom"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "countries"))
    got = {name: a for name, (a, _n) in _addresses(admin).items()}
    assert got == {"Anna": "Hauptstraße 12a", "Jan": "Keizersgracht 123-II", "Ann": "12 Main St",
                   "Ben": "221B Baker Street"}


def test_an_english_heading_with_no_country_stops_naming_the_column_and_region_settles_it(admin, tmp_path):
    rows = [["Name", "Street", "House No", "City"], ["Ann", "Main St", "12", "Boston"]]
    path = write_table(tmp_path, "csv", rows, "nocountry")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    said = str(stop.value)
    assert "'House No'" in said and "--region" in said and "'Main St' + '12'" in said
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, region="US")
    assert _addresses(admin)["Ann"][0] == "12 Main St"


def test_a_row_with_a_number_but_no_street_keeps_the_number_in_notes(admin, tmp_path):
    rows = [["Name", "Straße", "Hausnummer", "Ort"], ["Anna", "", "12a", "Berlin"], ["Otto", "Ring", "3", "Köln"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "nostreet"))
    got = _addresses(admin)
    assert got["Otto"][0] == "Ring 3"
    assert got["Anna"][0] is None and "Hausnummer: 12a" in got["Anna"][1]


def test_a_dutch_addition_is_joined_to_the_number_and_a_supplement_follows(admin, tmp_path):
    rows = [["Naam", "Straat", "Huisnummer", "Toevoeging", "Plaats"], ["Jan", "Keizersgracht", "123", "II", "Amsterdam"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "toevoeging"))
    assert _addresses(admin)["Jan"][0] == "Keizersgracht 123 II"
    rows = [["Nome", "Logradouro", "Número", "Complemento", "Cidade"],
            ["João", "Rua Augusta", "1500", "Apto 12", "São Paulo"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "complemento"))
    assert _addresses(admin)["João"][0] == "Rua Augusta, 1500, Apto 12"


def test_a_bare_number_heading_is_a_house_number_only_right_beside_the_street(admin, tmp_path):
    rows = [["Name", "Straße", "Nr.", "Ort"], ["Anna", "Hauptstraße", "12a", "Berlin"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "beside"))
    assert _addresses(admin)["Anna"][0] == "Hauptstraße 12a"
    rows = [["Name", "Street", "City", "Nr"], ["Otto", "Ring 3", "Köln", "4711"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "away"))
    assert _addresses(admin)["Otto"][0] == "Ring 3"
    rows = [["Nom", "Rue", "N°", "Ville"], ["Zoé", "rue de la Paix", "12", "Paris"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "rue"))
    assert _addresses(admin)["Zoé"][0] == "12 rue de la Paix"
