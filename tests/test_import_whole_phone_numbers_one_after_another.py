"""A phone cell holding two or more whole numbers with only spaces between them, each
marked by its country code or parentheses ("+1 415 555 0100 +1 415 555 0101", "(415)
555-0104 (415) 555-0105"), is a list: the first number goes to the field, the others to
Notes, and the summary says so. Which numbers are there, phonenumbers' matcher decides; a
cell it cannot split stays the warning it was."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def people(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "customer")}


@pytest.mark.parametrize("cell, country, phone, other", [
    ("+1 415 555 0100 +1 415 555 0101", "", "+14155550100", "+14155550101"),
    ("(415) 555-0104 (415) 555-0105", "US", "+14155550104", "+14155550105"),
    ("+86 138 0013 8006 +86 139 0013 9006", "", "+8613800138006", "+8613900139006"),
    ("+44 20 7946 0958 +44 7911 123456", "", "+442079460958", "+447911123456"),
    ("+49 30 1234567 +49 171 1234567", "Deutschland", "+49301234567", "+491711234567"),
    ("(02) 9374 4000 (03) 9650 4000", "Australia", "+61293744000", "+61396504000"),
])
def test_whole_numbers_separated_by_a_space_give_the_first_to_phone_and_the_others_to_notes(
        admin, tmp_path, cell, country, phone, other):
    path = tmp_path / "phones.csv"
    path.write_text(f"Name,Phone,Email,Country\nAnn Lee,{cell},ann@example.com,{country}\n"
                    f"Bo Wu,+1 212 555 0199,bo@example.com,\n", encoding="utf-8")
    result = import_file(admin, path)
    got = people(admin)
    assert got["Ann Lee"]["phone"] == phone
    assert got["Ann Lee"]["notes"] == f"Phone: {other}"
    assert result.warnings == 0
    said = next(i for i in result.inferences if i["what"] == "phone numbers one after another")
    assert "'Phone': 1 cell(s)" in said["evidence"]


def test_three_numbers_in_a_row_give_two_to_notes(admin, tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("Name,Phone\nAnn Lee,+1 415 555 0100 +1 415 555 0101 +44 20 7946 0958\n", encoding="utf-8")
    import_file(admin, path)
    ann = people(admin)["Ann Lee"]
    assert (ann["phone"], ann["notes"]) == ("+14155550100", "Phone: +14155550101 | +442079460958")


@pytest.mark.parametrize("cell", [
    "415 555 0100 415 555 0101",        # where one ends, nothing marks: not split (a warning, as before)
    "+1 415 555 0100 and +1 415 555 0101",
])
def test_numbers_the_matcher_cannot_tell_apart_stay_a_warning_beside_a_split_cell(admin, tmp_path, cell):
    path = tmp_path / "unclear.csv"
    path.write_text(f"Name,Phone,Country\nAnn Lee,{cell},US\nBo Wu,(212) 555-0100 (212) 555-0101,US\n",
                    encoding="utf-8")
    result = import_file(admin, path)
    got = people(admin)
    assert got["Ann Lee"]["phone"] is None and cell in (got["Ann Lee"]["notes"] or "")
    assert (got["Bo Wu"]["phone"], got["Bo Wu"]["notes"]) == ("+12125550100", "Phone: +12125550101")
    assert result.warnings == 1
