"""A phone number written without a country code, in a store whose region is only
ASSUMED (never set), is taken in that region only on evidence for it from the whole
file, and refused where the file, the row or the record points elsewhere (issue 14:
never silently wrong). The evidence: a Country column's other rows, postal codes in
another country's format, cities of another country, the file's encoding and script,
and for the assumed region its own script, mobiles, emails and +CC numbers."""
from __future__ import annotations

import json

import pytest

from cims_xl.domain.countries import region_for_country
from cims_xl.importer.run import import_file
from cims_xl.services import records


def _customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def _warnings(result) -> dict[int, str]:
    return {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}


# ----- Taiwan's official name ------------------------------------------------------------

@pytest.mark.parametrize("name, code", [
    ("Republic of China", "TW"), ("REPUBLIC OF CHINA", "TW"), ("China, Republic of", "TW"),
    ("Republic of China (Taiwan)", "TW"), ("People's Republic of China", "CN"),
    ("China, People's Republic of", "CN"), ("PR China", "CN"), ("China", "CN"),
])
def test_the_republic_of_china_is_taiwan_and_the_peoples_republic_is_china(name, code):
    assert region_for_country(name) == code


def test_a_row_in_the_republic_of_china_has_its_taipei_number_stored_as_taiwanese(admin, tmp_path):
    src = tmp_path / "countries.csv"
    src.write_text("Name,Phone,Country\nTW Person,02 2345 6789,Republic of China\n"
                   "CN Person,010 1234 5678,People's Republic of China\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _customers(admin)
    assert not _warnings(result)
    assert got["TW Person"]["phone"] == "+886223456789"
    assert got["CN Person"]["phone"] == "+861012345678"


def test_customer_add_in_the_republic_of_china_stores_a_taiwanese_number(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Lin Mei",
                         "--phone", "02 2345 6789", "--country", "Republic of China")
    assert code == 0, err
    assert json.loads(out)["phone"] == "+886223456789"
