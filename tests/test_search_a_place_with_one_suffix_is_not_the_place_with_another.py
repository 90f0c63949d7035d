"""`city:台北市` also found 台北县 (try27z item 8): the suffix was cut on both sides, so a
city and the county of the same name were one place. A term with a suffix finds the place
written without one or with the same suffix (in any script's form: 縣/县/県, 區/区), never
with another; a term without a suffix finds any. Read back from a real store, at every door."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.search import search_customers

PLACES = [
    {"name": "City Simplified", "city": "台北市"},
    {"name": "County Simplified", "city": "台北县"},
    {"name": "County Traditional", "city": "臺北縣"},
    {"name": "Bare", "city": "台北"},
    {"name": "Osaka Prefecture", "city": "大阪府"},
    {"name": "Osaka City", "city": "大阪市"},
    {"name": "Nara Ken", "city": "奈良県"},
    {"name": "Nara City", "city": "奈良市"},
    {"name": "Yanbian", "province": "延边朝鲜族自治州"},
    {"name": "Yanbian Bare", "province": "延边"},
    {"name": "Yanbian County", "province": "延边县"},
]


@pytest.fixture
def places(admin):
    records.create_many(admin, "customer", PLACES)
    return admin


@pytest.mark.parametrize("col, typed, found", [
    ("city", "台北市", {"City Simplified", "Bare"}),
    ("city", "臺北市", {"City Simplified", "Bare"}),
    ("city", "台北县", {"County Simplified", "County Traditional", "Bare"}),
    ("city", "臺北縣", {"County Simplified", "County Traditional", "Bare"}),
    ("city", "台北", {"City Simplified", "County Simplified", "County Traditional", "Bare"}),
    ("city", "大阪市", {"Osaka City"}),
    ("city", "大阪府", {"Osaka Prefecture"}),
    ("city", "大阪", {"Osaka City", "Osaka Prefecture"}),
    ("city", "奈良縣", {"Nara Ken"}),
    ("city", "奈良市", {"Nara City"}),
    ("province", "延边朝鲜族自治州", {"Yanbian", "Yanbian Bare"}),
    ("province", "延边县", {"Yanbian County", "Yanbian Bare"}),
    ("province", "延边", {"Yanbian", "Yanbian Bare", "Yanbian County"}),
])
def test_a_place_typed_with_a_suffix_finds_it_without_one_or_with_the_same_never_with_another(
        places, col, typed, found):
    assert {c["name"] for c in search_customers(places, limit=100, **{col: typed}).rows} == found
    assert wf.cims_count(f"{col}:{typed}", session=places) == len(found)
