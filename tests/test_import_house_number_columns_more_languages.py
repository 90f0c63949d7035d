"""House numbers in a column of their own in more languages (Czech č.p., Swedish
Gatunummer, Finnish Talon numero, Hungarian hsz.), a flat's number after it as its
country writes it (Polish "Długa 5/3", Czech "Dlouhá 730/5", Swedish "Storgatan 5 lgh
1101", Finnish "Mannerheimintie 5 A 3"), and a bare "No"/"#" right after the street,
decided on the whole column's values: row numbers left out, house numbers (12a, 5/3,
repeated) joined, small whole numbers each once stop naming the column and the options."""
from __future__ import annotations

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import write_table


def _addresses(session) -> dict[str, tuple]:
    return {c["name"]: (c["address"], c["notes"] or "") for c in records.list_records(session, "customer")}


LANGUAGES = {
    "czech č.p.": (["Jméno", "Ulice", "č.p.", "PSČ", "Obec"], ["Anna", "Dlouhá", "730", "11000", "Praha"],
                   "Dlouhá 730"),
    "czech č.p. and č.o.": (["Jméno", "Ulice", "Číslo popisné", "Číslo orientační", "PSČ", "Obec"],
                            ["Anna", "Dlouhá", "730", "5", "11000", "Praha"], "Dlouhá 730/5"),
    "swedish": (["Namn", "Gatuadress", "Gatunummer", "Postnummer", "Ort"],
                ["Anna", "Storgatan", "5", "11122", "Stockholm"], "Storgatan 5"),
    "swedish flat": (["Namn", "Gatuadress", "Gatunummer", "Lgh nr", "Postnummer", "Ort"],
                     ["Anna", "Storgatan", "5", "1101", "11122", "Stockholm"], "Storgatan 5 lgh 1101"),
    "finnish": (["Nimi", "Katuosoite", "Talon numero", "Postinumero", "Kaupunki"],
                ["Anna", "Mannerheimintie", "5", "00100", "Helsinki"], "Mannerheimintie 5"),
    "finnish staircase and flat": (["Nimi", "Katuosoite", "Talon numero", "Porras", "Huoneisto", "Postinumero"],
                                   ["Anna", "Mannerheimintie", "5", "A", "3", "00100"], "Mannerheimintie 5 A 3"),
    "hungarian short": (["Név", "Utca", "Hsz.", "Irányítószám", "Város"], ["Anna", "Fő utca", "5", "1011", "Budapest"],
                        "Fő utca 5"),
    "polish flat": (["Nazwisko", "Ulica", "Nr domu", "Nr lokalu", "Kod pocztowy", "Miasto"],
                    ["Anna", "ul. Długa", "5", "3", "00-238", "Warszawa"], "ul. Długa 5/3"),
    "polish flat, numer mieszkania": (["Nazwisko", "Ulica", "Numer domu", "Numer mieszkania", "Miasto"],
                                      ["Anna", "ul. Długa", "5", "3", "Warszawa"], "ul. Długa 5/3"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_house_number_and_a_flat_are_joined_to_the_street_as_the_country_writes_them(
        admin, tmp_path, language, fmt):
    headers, row, stored = LANGUAGES[language]
    result = import_file(admin, write_table(tmp_path, fmt, [headers, row], "addresses"))
    assert result.created == 1
    address, notes = _addresses(admin)["Anna"]
    assert address == stored
    assert not any(f"{h}: " in notes for h in headers[1:4])
    said = next(d for d in result.inferences if d["what"] == "house number")
    assert f"'{headers[2]}'" in said["decided"]


def test_a_flat_without_a_house_number_in_its_row_stays_in_notes(admin, tmp_path):
    rows = [["Nazwisko", "Ulica", "Nr domu", "Nr lokalu", "Miasto"], ["Anna", "ul. Długa", "", "3", "Warszawa"],
            ["Jan", "ul. Krótka", "7", "", "Kraków"], ["Ewa", "ul. Polna", "9", "2", "Łódź"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "flats"))
    got = _addresses(admin)
    assert got["Jan"][0] == "ul. Krótka 7" and got["Ewa"] == ("ul. Polna 9/2", "")
    assert got["Anna"][0] == "ul. Długa" and "Nr lokalu: 3" in got["Anna"][1]


@pytest.mark.parametrize("street, heading, values, stored", [
    ("Straße", "No", ["12a", "7", "3"], ["Hauptstraße 12a", "Ring 7", "Weg 3"]),
    ("Straße", "#", ["5/3", "7", "9"], ["Hauptstraße 5/3", "Ring 7", "Weg 9"]),
    ("Ulica", "No.", ["7", "7", "12"], ["Hauptstraße 7", "Ring 7", "Weg 12"]),           # repeated
    ("Rue", "No", ["12", "12", "4bis"], ["12 Hauptstraße", "12 Ring", "4bis Weg"]),     # French: number first
])
def test_a_bare_no_column_after_the_street_holding_house_numbers_is_joined(admin, tmp_path, street, heading,
                                                                             values, stored):
    rows = [["Name", street, heading, "City"]] + [[n, s, v, "Berlin"] for n, s, v in
                                                  zip(["Anna", "Bob", "Cem"], ["Hauptstraße", "Ring", "Weg"], values)]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "bare"))
    got = _addresses(admin)
    assert [got[n][0] for n in ("Anna", "Bob", "Cem")] == stored
    said = next(d for d in result.inferences if d["what"] == "house number")
    assert f"'{heading}'" in said["decided"] and "its values are house numbers" in said["evidence"]


def test_a_bare_no_column_of_row_numbers_after_the_street_is_left_out(admin, tmp_path):
    rows = [["Name", "Straße", "No", "City"], ["Anna", "Hauptstraße", "1", "Berlin"], ["Bob", "Ring", "2", "Köln"],
            ["Cem", "Weg", "3", "Bonn"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "counter"))
    got = _addresses(admin)
    assert got["Anna"] == ("Hauptstraße", "") and got["Cem"] == ("Weg", "")
    # the same column of house numbers with a letter is joined
    lettered = [rows[0], ["Dora", "Hauptstraße", "1a", "Berlin"], ["Emil", "Ring", "2", "Köln"]]
    result = import_file(admin, write_table(tmp_path, "csv", lettered, "letters"))
    assert _addresses(admin)["Dora"][0] == "Hauptstraße 1a" and _addresses(admin)["Emil"][0] == "Ring 2"
    assert any(d["what"] == "house number" for d in result.inferences)


@pytest.mark.parametrize("heading", ["No", "#"])
def test_a_bare_no_column_that_could_be_house_or_customer_numbers_stops_naming_the_options(
        admin, tmp_path, heading):
    rows = [["Name", "Straße", heading, "City"], ["Anna", "Hauptstraße", "17", "Berlin"],
            ["Bob", "Ring", "4", "Köln"], ["Cem", "Weg", "31", "Bonn"]]
    path = write_table(tmp_path, "csv", rows, "either")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    said = str(stop.value)
    assert f"column '{heading}'" in said and "'Straße'" in said and "17, 4, 31" in said
    assert f'--map "{heading}=-"' in said and f'--map "{heading}=House number"' in said
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, mapping=[f"{heading}=House number"])
    assert [_addresses(admin)[n][0] for n in ("Anna", "Bob", "Cem")] == ["Hauptstraße 17", "Ring 4", "Weg 31"]


def test_leaving_out_an_undecided_no_column_imports_the_streets_alone(admin, tmp_path):
    rows = [["Name", "Straße", "No", "City"], ["Anna", "Hauptstraße", "17", "Berlin"], ["Bob", "Ring", "4", "Köln"]]
    path = write_table(tmp_path, "csv", rows, "leftout")
    with pytest.raises(ImportRefused):
        import_file(admin, path)
    import_file(admin, path, mapping=["No=-"])
    assert _addresses(admin) == {"Anna": ("Hauptstraße", ""), "Bob": ("Ring", "")}
