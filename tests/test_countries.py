"""Country names as files write them, in the languages whose headings the importer reads
(CLDR's territory names per locale, domain/countries.py)."""

from __future__ import annotations

import pytest

from cims_xl.domain.countries import region_for_country


@pytest.mark.parametrize("name, code", [
    ("Magyarország", "HU"), ("Україна", "UA"), ("ประเทศไทย", "TH"), ("ประเทศญี่ปุ่น", "JP"), ("România", "RO"),
    ("Hrvatska", "HR"), ("Lietuva", "LT"), ("България", "BG"), ("Eesti", "EE"), ("Slovenija", "SI"),
])
def test_a_country_named_in_its_own_language_is_read(name, code):
    assert region_for_country(name) == code
