"""The country-name table (domain/countries.py) shipped as package data is the one babel
and pycountry build, and is used only under the versions that made it; it holds each
country's name in its own languages and Latin names typed without their marks."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from cims_xl.domain import countries


def _shipped_data() -> dict:
    return json.loads(resources.files("cims_xl.data").joinpath(countries.SHIPPED_TABLE).read_text("utf-8"))


def test_the_shipped_country_table_is_the_built_one_and_used_only_under_the_versions_that_made_it():
    shipped = _shipped_data()
    if shipped["made_by"] == countries._versions():
        assert shipped == countries.table_as_data(), "regenerate it: python tools/gen_country_table.py"
        assert countries._shipped() is not None
    else:
        assert countries._shipped() is None       # a fresh install's newer babel: built instead


def test_a_table_file_from_other_versions_is_not_used(monkeypatch):
    countries._shipped.cache_clear()
    try:
        monkeypatch.setattr(countries, "_versions", lambda: {"babel": "0.0", "pycountry": "0.0"})
        assert countries._shipped() is None
    finally:
        countries._shipped.cache_clear()


@pytest.mark.parametrize("written, code", [
    ("Eire", "IE"), ("Éire", "IE"), ("Osterreich", "AT"), ("Espana", "ES"), ("Mocambique", "MZ"),
    ("Aotearoa", "NZ"), ("Magyarorszag", "HU"), ("Turkiye", "TR"), ("Cesko", "CZ"), ("Belgie", "BE"),
    ("Lëtzebuerg", "LU"), ("Kalaallit Nunaat", "GL"), ("Ísland", "IS"), ("Republica Dominicana", "DO"),
    ("Sao Tome e Principe", "ST"), ("Κύπρος", "CY"), ("Қазақстан", "KZ"), ("한국", "KR"), ("남한", "KR"),
    ("韓國", "KR"),
])
def test_a_country_written_in_its_own_language_or_without_marks_is_that_country(written, code):
    assert countries.region_for_country(written) == code
    assert countries.unknown_country(written) is None


@pytest.mark.parametrize("written", ["Korea", "Congo"])
def test_names_two_states_go_by_still_decide_nothing(written):
    assert countries.region_for_country(written) is None
    assert "could be" in countries.unknown_country(written)


def test_a_mark_in_another_script_is_not_dropped_to_make_a_name():
    # Arabic عُمان (Oman) without its damma is also Amman, Jordan's capital: no Latin rule there
    assert countries._latin_unmarked("عُمان") == "عُمان"
    assert countries._latin_unmarked("Éire") == "Eire"
