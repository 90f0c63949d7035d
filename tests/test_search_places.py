"""Free text finds customers by where they are: city, province and country, like a name.

The trigram index holds city, province and country from migration 9; a store made
before it is re-indexed when it is opened."""

from __future__ import annotations

import pytest

from cims_xl.services import auth, records, search
from cims_xl.store import db

from conftest import ADMIN_PASSWORD, FAST_KDF


def _names(session, text, **filters):
    return sorted(r["name"] for r in search.search_customers(session, text, limit=1000, **filters).rows)


@pytest.fixture
def places(admin):
    rows = [{"name": "张伟", "city": "上海", "province": "上海市", "country": "CN", "segment": "VIP"},
            {"name": "李娜", "city": "上海", "country": "CN", "segment": "Consumer"},
            {"name": "Olivia Smith", "city": "London", "country": "United Kingdom"},
            {"name": "Hamish Brown", "city": "Londonderry", "province": "Northern Ireland", "country": "GB"},
            {"name": "Ana Souza", "city": "São Paulo", "province": "SP", "country": "Brasil"},
            {"name": "Jürgen Weiß", "city": "München", "province": "Bayern", "country": "Deutschland"},
            {"name": "Sato Kenji", "city": "大阪", "province": "大阪府", "country": "日本"}]
    return records.create_many(admin, "customer", rows)


def test_a_city_typed_as_free_text_finds_the_customers_there(admin, places):
    assert _names(admin, "London") == ["Hamish Brown", "Olivia Smith"]      # a substring, as for names
    assert _names(admin, "london") == ["Hamish Brown", "Olivia Smith"]
    assert _names(admin, "上海") == ["张伟", "李娜"]                          # two characters: scanned
    assert _names(admin, "München") == ["Jürgen Weiß"]
    assert _names(admin, "São Paulo") == ["Ana Souza"]
    assert _names(admin, "大阪") == ["Sato Kenji"]


def test_a_province_or_country_typed_as_free_text_finds_the_customers_there(admin, places):
    assert _names(admin, "Bayern") == ["Jürgen Weiß"]
    assert _names(admin, "Northern Ireland") == ["Hamish Brown"]
    assert _names(admin, "Deutschland") == ["Jürgen Weiß"]
    assert _names(admin, "日本") == ["Sato Kenji"]
    assert _names(admin, "Brasil") == ["Ana Souza"]


def test_every_word_must_match_somewhere_and_filters_still_narrow(admin, places):
    assert _names(admin, "Olivia London") == ["Olivia Smith"]
    assert _names(admin, "Olivia München") == []
    assert _names(admin, "上海", segment="VIP") == ["张伟"]
    assert _names(admin, "London", province="Northern Ireland") == ["Hamish Brown"]
    assert _names(admin, "London", country="GB") == ["Hamish Brown", "Olivia Smith"]     # United Kingdom is GB


def test_the_readme_example_finds_a_vip_in_shanghai(admin, places):
    from cims_xl.excel import worksheet_functions as wf
    assert wf.cims_find("上海 segment:VIP", "ID,Name,Phone", session=admin) == [
        ["ID", "Name", "Phone"], [places[0]["id"], "张伟", ""]]
    assert wf.cims_count("London", session=admin) == 2


def test_the_cli_finds_customers_by_city(run, admin, places):
    import json
    code, out, err = run("--format", "json", "customer", "search", "London")
    assert code == 0, err
    assert sorted(r["name"] for r in json.loads(out)["rows"]) == ["Hamish Brown", "Olivia Smith"]


def test_a_viewer_finds_by_place_although_names_are_hidden(admin, places, session_as):
    viewer = session_as("viewer")
    page = search.search_customers(viewer, "München")
    assert page.total == 1 and page.rows[0]["id"] == places[5]["id"]


def test_a_moved_customer_is_found_at_the_new_place_only(admin, places):
    records.update(admin, places[2]["id"], {"city": "Edinburgh"})
    assert _names(admin, "London") == ["Hamish Brown"]
    assert _names(admin, "Edinburgh") == ["Olivia Smith"]


def test_customers_written_in_bulk_are_found_by_place(admin):
    made = records.create_many(admin, "customer", [{"name": f"Person {i:04d}", "city": "Reykjavík" if i % 2 else "Oslo"}
                                                   for i in range(db.BULK_ROWS + 3)])
    assert search.search_customers(admin, "Reykjavík").total == len(made) // 2
    assert search.search_customers(admin, "Oslo").total == len(made) - len(made) // 2


def test_a_store_made_before_places_were_indexed_finds_its_customers_by_place(tmp_path, monkeypatch):
    path = tmp_path / "old.cims"
    monkeypatch.setattr(db, "MIGRATIONS", [m for m in db.MIGRATIONS if m[0] != 9])
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    with auth.sign_in(path, "admin", ADMIN_PASSWORD) as old:
        # (one at a time: the old store's own insert trigger indexes them)
        for row in ({"name": "Kowalski Sp. z o.o.", "city": "Kraków", "country": "Polska"},
                    {"name": "Nowak", "city": "Gdańsk", "province": "pomorskie"},
                    {"name": "Wiśniewska", "city": "Gdańsk"}):
            records.create(old, "customer", row)
        assert 9 not in [v for v, _n, _a in old.store.migrations()]
    monkeypatch.undo()
    with auth.sign_in(path, "admin", ADMIN_PASSWORD) as new:
        assert 9 in [v for v, _n, _a in new.store.migrations()]
        assert _names(new, "Kraków") == ["Kowalski Sp. z o.o."]
        assert _names(new, "Polska") == ["Kowalski Sp. z o.o."]
        assert _names(new, "Gdańsk") == ["Nowak", "Wiśniewska"]
        assert _names(new, "pomorskie") == ["Nowak"]
        assert _names(new, "Kowalski") == ["Kowalski Sp. z o.o."]       # names are still indexed
        assert new.store.integrity_check() == "ok"
        assert new.store.schema_problems() == []          # the triggers are the new index's


@pytest.mark.parametrize("sort", ["name", "city", "created", "id", "ltv"])
def test_every_page_counts_every_match_even_past_the_end(admin, sort):
    rows = [{"name": f"Kunde {i:02d}", "city": ["Wien", "Graz", "Linz"][i % 3], "segment": ["VIP", "Consumer"][i % 2]}
            for i in range(30)]
    records.create_many(admin, "customer", rows)
    want = sorted(r["name"] for r in rows if r["segment"] == "VIP" and r["city"] == "Wien")
    seen = []
    for offset in (0, 4, 8, 12, 40):
        page = search.search_customers(admin, "Kunde", segment="VIP", city="Wien", sort=sort, limit=4, offset=offset)
        assert page.total == len(want) == 5
        seen += [r["name"] for r in page.rows]
    assert sorted(seen) == want


def test_the_workbooks_help_example_for_find_finds_the_customers_in_that_city(admin):
    import re

    from cims_xl.excel import worksheet_functions as wf
    from cims_xl.excel.build import UDF_HELP
    records.create_many(admin, "customer", [
        {"name": "Wang Lei", "city": "Shanghai", "segment": "VIP"},
        {"name": "Zhao Min", "city": "Shanghai", "segment": "Consumer"},
        {"name": "Vipul Shah", "city": "Mumbai", "segment": "Consumer"}])
    example = next(ex for sig, ex, _ in UDF_HELP if sig.startswith("CIMS_FIND("))
    query, fields = re.findall(r'"([^"]*)"', example)
    found = wf.cims_find(query, fields, session=admin)
    assert found[0] == [f.strip() for f in fields.split(",")]
    assert [row[1] for row in found[1:]] == ["Wang Lei", "Zhao Min"]


@pytest.mark.parametrize("asked, found", [("münchen", "Hans"), ("MÜNCHEN", "Hans"), ("émile", "Émile Ørsted"),
                                          ("ØRSTED", "Émile Ørsted"), ("são paulo", "Émile Ørsted"),
                                          ("İstanbul", "Eve"), ("İst", "Eve"), ("王", None)])
def test_free_text_beyond_ascii_ignores_case_and_a_turkish_capital_never_crashes_the_search(admin, asked, found):
    # "İst".lower() is four characters: it had made the index query a phrase (exit 70)
    from cims_xl.services.search import search_customers

    records.create(admin, "customer", {"name": "Eve", "city": "İstanbul", "country": "Türkiye"})
    records.create(admin, "customer", {"name": "Hans", "city": "München"})
    records.create(admin, "customer", {"name": "Émile Ørsted", "city": "São Paulo"})
    names = [c["name"] for c in search_customers(admin, asked).rows]
    assert names == ([found] if found else [])


@pytest.mark.parametrize("typed, stored", [
    ("istanbul", "İstanbul"), ("ISTANBUL", "İstanbul"), ("İSTANBUL", "istanbul"),
    ("münchen", "MÜNCHEN"), ("MÜNCHEN", "München"), ("ΑΘΗΝΑ", "Αθήνα".replace("ή", "η")),
    ("москва", "МОСКВА"), ("ｍｉｌａｎｏ", "Milano"), ("izmir", "İZMİR")])
def test_a_city_filter_ignores_case_in_every_language(admin, typed, stored):
    # --city is an equality filter: SQLite's NOCASE folds ASCII letters only.
    records.create_many(admin, "customer", [{"name": "Here", "city": stored},
                                            {"name": "Elsewhere", "city": "Ankara"}])
    assert _names(admin, None, city=typed) == ["Here"]


def test_a_city_filter_still_tells_cities_apart(admin):
    records.create_many(admin, "customer", [{"name": "A", "city": "İstanbul"}, {"name": "B", "city": "Istanbulu"},
                                            {"name": "C", "city": "Straße"}, {"name": "D", "city": "Strasse"}])
    assert _names(admin, None, city="istanbul") == ["A"]
    assert _names(admin, None, city="STRASSE") == ["C", "D"]      # as free text finds both


@pytest.mark.parametrize("typed, stored", [("ΑΘΗΝΑ", "Αθήνα"), ("αθηνα", "Αθήνα"), ("ΠΕΙΡΑΙΑΣ", "Πειραιάς"),
                                           ("Αθήνα", "ΑΘΗΝΑ")])
def test_greek_written_in_capitals_without_accents_finds_the_accented_name(admin, typed, stored):
    # Greek capitals are written without tonos: "ΑΘΗΝΑ" is how "Αθήνα" is written on a form
    records.create_many(admin, "customer", [{"name": "Here", "city": stored}, {"name": "Elsewhere", "city": "Λάρισα"}])
    assert _names(admin, None, city=typed) == ["Here"]
    assert _names(admin, typed) == ["Here"]
