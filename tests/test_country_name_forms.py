"""Country names as files write them: ISO's inverted forms turned round, the World
Bank's abbreviations, official names in Chinese characters; a name two countries share
("Korea") is refused naming both, not matched to the nearest spelling ("Kenya")."""
from __future__ import annotations

import pytest

from cims_xl.domain.countries import region_for_country, unknown_country
from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("name, code", [
    ("Republic of Korea", "KR"), ("Korea, Rep.", "KR"), ("Korea, Dem. People's Rep.", "KP"),
    ("Democratic People's Republic of Korea", "KP"),
    ("Islamic Republic of Iran", "IR"), ("Iran, Islamic Rep.", "IR"),
    ("Lao PDR", "LA"), ("Egypt, Arab Rep.", "EG"), ("Yemen, Rep.", "YE"), ("Venezuela, RB", "VE"),
    ("Micronesia, Fed. Sts.", "FM"), ("Congo, Dem. Rep.", "CD"), ("Congo, Rep.", "CG"),
    ("The Gambia", "GM"), ("Gambia, The", "GM"), ("Bahamas, The", "BS"),
    ("Hong Kong SAR", "HK"), ("Hong Kong SAR, China", "HK"), ("Macao SAR, China", "MO"), ("Macau", "MO"),
    ("Virgin Islands, U.S.", "VI"), ("St. Lucia", "LC"), ("St Kitts and Nevis", "KN"),
    ("中華民國", "TW"), ("中华民国", "TW"), ("大韓民國", "KR"), ("大韩民国", "KR"), ("日本国", "JP"),
    # the states' own initials
    ("ROK", "KR"), ("R.O.K.", "KR"), ("rok", "KR"), ("DPRK", "KP"), ("RSA", "ZA"),
    # what was read before still is
    ("Korea, Republic of", "KR"), ("South Korea", "KR"), ("대한민국", "KR"), ("United States", "US"),
    ("Niger", "NE"), ("Nigeria", "NG"), ("Dominica", "DM"), ("Dominican Republic", "DO"),
    ("Guinea", "GN"), ("Equatorial Guinea", "GQ"), ("Sudan", "SD"), ("South Sudan", "SS"),
])
def test_a_country_written_another_way_is_read(name, code):
    assert region_for_country(name) == code


@pytest.mark.parametrize("name, both", [
    ("Korea", ("KP", "KR")),
    ("Virgin Islands", ("VG", "VI")),
])
def test_a_name_two_countries_share_is_refused_naming_both(name, both):
    assert region_for_country(name) is None
    reason = unknown_country(name)
    assert all(f"({c})" in reason for c in both) and "write which" in reason
    assert "Kenya" not in reason


@pytest.mark.parametrize("name", ["Republic", "Islands", "United", "Kong", "America"])
def test_words_that_name_no_country_on_their_own_stay_unknown(name):
    assert region_for_country(name) is None


def test_an_import_reads_the_phone_of_a_row_whose_country_is_written_the_world_banks_way(admin, tmp_path):
    path = tmp_path / "wb.csv"
    path.write_text("Name,Phone,Country\nKim,010-1234-5678,\"Korea, Rep.\"\nLee,02-312-3456,Republic of Korea\n"
                    "Wong,2345 6789,Hong Kong SAR\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (3, 0)
    phones = {c["name"]: c["phone"] for c in records.list_records(admin, "customer")}
    assert phones == {"Kim": "+821012345678", "Lee": "+8223123456", "Wong": "+85223456789"}


@pytest.mark.parametrize("name, code", [
    ("Germany (DE)", "DE"), ("德国 (Germany)", "DE"), ("United Kingdom (UK)", "GB"), ("日本（Japan）", "JP"),
    ("DE-BY", "DE"), ("CN-GD", "CN"), ("us-ca", "US"),
])
def test_a_name_with_its_code_or_a_subdivision_code_gives_the_country(name, code):
    assert region_for_country(name) == code


@pytest.mark.parametrize("name", ["Germany (FR)", "XX-YY", "China (Japan)"])
def test_a_name_and_code_that_disagree_decide_nothing(name):
    assert region_for_country(name) is None


@pytest.mark.parametrize("name", ["ROC", "R.O.C.", "roc"])
def test_initials_two_states_go_by_are_refused_naming_both(name):
    # the Republic of China (Taiwan) and the Republic of the Congo; not "did you mean Romania?"
    reason = unknown_country(name)
    assert region_for_country(name) is None
    assert "(TW)" in reason and "(CG)" in reason and "Romania" not in reason


@pytest.mark.parametrize("name", ["Congo", "the Congo", "CONGO", "刚果", "剛果", "コンゴ", "콩고"])
def test_a_name_two_states_go_by_is_refused_naming_both(name):
    # Spanish CLDR names the Republic of the Congo "Congo"; a file's "Congo" may be either
    reason = unknown_country(name)
    assert region_for_country(name) is None
    assert "(CD)" in reason and "(CG)" in reason


@pytest.mark.parametrize("name, code", [
    ("Republic of the Congo", "CG"), ("Democratic Republic of the Congo", "CD"), ("DR Congo", "CD"),
    ("Congo - Brazzaville", "CG"), ("Congo - Kinshasa", "CD"), ("刚果（金）", "CD"), ("刚果（布）", "CG"),
])
def test_each_congo_named_in_full_is_its_own_country(name, code):
    assert region_for_country(name) == code
