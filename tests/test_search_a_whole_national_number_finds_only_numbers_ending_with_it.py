"""`06 12 34 56 78` (a French mobile with its trunk 0) also found the Irish +353 1 234 5678
(try27z item 8): the Hungarian reading of "06" as a trunk prefix was searched as "contains
12345678". A whole number typed with its trunk prefix, 0 or another (Russia's 8, Hungary's
06), finds only the numbers that end with it: its national significant number, or the whole
number with its country code for the other prefixes; never every number holding its digits."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.search import search_customers

PEOPLE = [
    {"name": "French Mobile", "phone": "+33612345678"},
    {"name": "Irish Dublin", "phone": "+35312345678"},
    {"name": "Hungarian Budapest", "mobile": "+3612345678"},
    {"name": "Moscow", "phone": "+74951234567"},
    {"name": "German Weener", "phone": "+494951234567"},
]


@pytest.fixture
def shop(admin):
    records.create_many(admin, "customer", PEOPLE)
    return admin


@pytest.mark.parametrize("typed, found", [
    ("06 12 34 56 78", {"French Mobile", "Hungarian Budapest"}),
    ("0612345678", {"French Mobile", "Hungarian Budapest"}),
    ("06.12.34.56.78", {"French Mobile", "Hungarian Budapest"}),
    ("06 1 234 5678", {"French Mobile", "Hungarian Budapest"}),
    ("8 495 123-45-67", {"Moscow"}),
    ("84951234567", {"Moscow"}),
])
def test_a_whole_number_with_its_trunk_prefix_finds_only_the_numbers_ending_with_it(shop, typed, found):
    assert {c["name"] for c in search_customers(shop, typed, limit=100).rows} == found
    assert wf.cims_count(typed, session=shop) == len(found)
