"""One-letter yes/no marks are read on the column's pair of letters and the file's
language, never by one fixed table (try27f A1, A2: Finnish K/E stored E = Evet = yes;
O/X columns stored X as yes)."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def _write(tmp_path, header: list[str], rows: list[list[str]], name="c.csv"):
    path = tmp_path / name
    path.write_text(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _consent(admin) -> dict:
    return {c["name"]: c["marketing_consent"] for c in records.list_records(admin, "customer")}


@pytest.mark.parametrize("yes,no,headings", [
    ("K", "E", ["Nimi", "Sähköposti", "Puhelin", "Maa", "Uutiskirje"]),      # Finnish Kyllä / Ei
    ("J", "E", ["Name", "Email", "Phone", "Country", "Newsletter"]),         # Estonian Jah / Ei
    ("E", "H", ["Name", "Email", "Phone", "Country", "Newsletter"]),         # Turkish Evet / Hayır
    ("D", "N", ["Name", "Email", "Phone", "Country", "Newsletter"]),         # Croatian/Romanian Da / Ne, Nu
])
def test_a_column_of_one_letter_marks_is_read_by_the_language_its_pair_belongs_to(admin, tmp_path, yes, no, headings):
    rows = [["Anna A", "a@x.example", "", "", yes.lower()], ["Bert B", "b@x.example", "", "", no],
            ["Cleo C", "c@x.example", "", "", no]]
    path = _write(tmp_path, headings, rows)
    result = import_file(admin, path, mapping={headings[4]: "Marketing Consent"})
    assert result.created == 3
    assert _consent(admin) == {"Anna A": True, "Bert B": False, "Cleo C": False}
    assert any("yes/no marks" in i["what"] for i in result.inferences)


@pytest.mark.parametrize("country", ["Suomi", "Eesti"])
def test_a_lone_letter_that_means_yes_in_one_language_and_no_in_another_is_settled_by_the_country_column(
        admin, tmp_path, country):
    path = _write(tmp_path, ["Name", "Email", "Country", "Newsletter"],
                  [["Anna A", "a@x.example", country, "E"], ["Bert B", "b@x.example", country, ""],
                   ["Cleo C", "c@x.example", "", "E"]])
    result = import_file(admin, path)
    assert result.created == 3
    assert _consent(admin) == {"Anna A": False, "Bert B": None, "Cleo C": False}
    # the same letter in a file whose only country is Türkiye is Evet
    path = _write(tmp_path, ["Name", "Email", "Country", "Newsletter"],
                  [["Dana D", "d@x.example", "Türkiye", "E"]], "tr.csv")
    import_file(admin, path)
    assert _consent(admin)["Dana D"] is True


def test_a_lone_e_with_no_language_evidence_stops_naming_the_column_and_the_option(admin, tmp_path):
    path = _write(tmp_path, ["Name", "Email", "Newsletter"],
                  [["Anna A", "a@x.example", "E"], ["Bert B", "b@x.example", "E"], ["Cleo C", "c@x.example", ""]])
    with pytest.raises(ImportRefused) as info:
        import_file(admin, path)
    message = str(info.value)
    assert "'Newsletter'" in message and "--value \"E=no\"" in message and "Nothing was imported" in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, values=["E=no"])
    assert result.created == 3
    assert _consent(admin) == {"Anna A": False, "Bert B": False, "Cleo C": None}


def test_a_region_settles_a_lone_letter(admin, tmp_path):
    path = _write(tmp_path, ["Name", "Email", "Newsletter"], [["Anna A", "a@x.example", "E"]])
    import_file(admin, path, region="FI")
    assert _consent(admin) == {"Anna A": False}


@pytest.mark.parametrize("yes,no", [("O", "X"), ("o", "x"), ("○", "×"), ("◯", "✕"), ("〇", "✖")])
def test_o_beside_x_reads_x_as_no_in_consent_and_company_columns(admin, tmp_path, yes, no):
    path = _write(tmp_path, ["Name", "Email", "Is a Company", "Newsletter"],
                  [["Ann Lee", "a1@x.example", no, yes], ["Acme Trading", "a2@x.example", yes, no],
                   ["Bob Ray", "a3@x.example", no, no]])
    result = import_file(admin, path)
    assert result.created == 3
    got = {c["name"]: (c["type"], c["marketing_consent"]) for c in records.list_records(admin, "customer")}
    assert got == {"Ann Lee": ("Person", True), "Acme Trading": ("Company", False), "Bob Ray": ("Person", False)}


def test_a_korean_maru_batsu_consent_column_reads_x_as_no(admin, tmp_path):
    path = _write(tmp_path, ["이름", "이메일", "마케팅 수신동의"],
                  [["김민수", "k1@x.example", "O"], ["이서연", "k2@x.example", "X"], ["박지훈", "k3@x.example", "O"]])
    result = import_file(admin, path, region="KR", mapping={"마케팅 수신동의": "Marketing Consent"})
    assert result.created == 3
    assert _consent(admin) == {"김민수": True, "이서연": False, "박지훈": True}


def test_x_alone_in_a_korean_file_stops_as_tick_or_cross_and_the_option_settles_it(admin, tmp_path):
    path = _write(tmp_path, ["이름", "이메일", "마케팅 수신동의"],
                  [["김민수", "k1@x.example", "X"], ["이서연", "k2@x.example", ""]])
    with pytest.raises(ImportRefused) as info:
        import_file(admin, path, mapping={"마케팅 수신동의": "Marketing Consent"})
    assert "'마케팅 수신동의'" in str(info.value) and "--value \"X=no\"" in str(info.value)
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, mapping={"마케팅 수신동의": "Marketing Consent"}, values=["X=no"])
    assert _consent(admin) == {"김민수": False, "이서연": None}


@pytest.mark.parametrize("heading,yes,no", [("마케팅 수신동의", "O", "X"), ("수신동의", "○", "×"),
                                            ("Uutiskirje", "K", "E")])
def test_korean_and_finnish_consent_headings_are_read_without_a_map(admin, tmp_path, heading, yes, no):
    path = _write(tmp_path, ["Name", "Email", heading], [["Anna A", "a@x.example", yes], ["Bert B", "b@x.example", no]])
    import_file(admin, path)
    assert _consent(admin) == {"Anna A": True, "Bert B": False}
