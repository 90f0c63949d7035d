"""A phone number searched as people type it at home finds the stored E.164 number:
in Arabic-Indic or full-width digits, or with a trunk prefix other than 0 (Russia's 8)."""
from __future__ import annotations

import pytest

from cims_xl.services import records
from cims_xl.services.search import search_customers


@pytest.mark.parametrize("typed, stored", [
    ("٥٠ ١٢٣ ٤٥٦٧", "+971501234567"),            # Arabic-Indic digits
    ("۵۰ ۱۲۳ ۴۵۶۷", "+971501234567"),            # Persian digits
    ("８ ４９５ １２３-４５-６７", "+74951234567"),   # full-width, Russia's trunk 8
    ("8 495 123-45-67", "+74951234567"),
    ("8 (727) 250-12-34", "+77272501234"),         # Kazakhstan
    ("06 30 123 4567", "+36301234567"),           # Hungary's 06
    ("555-0134", "+14155550134"),                 # as before
])
def test_a_number_typed_as_its_country_writes_it_finds_the_stored_one(admin, typed, stored):
    records.create(admin, "customer", {"name": "Found", "phone": stored})
    records.create(admin, "customer", {"name": "Other", "phone": "+8613912345678"})
    rows = search_customers(admin, typed).rows
    assert [r["name"] for r in rows] == ["Found"]
