"""A search's equality filters and its look for merged customers are answered by the
store's indexes, not by reading every customer.

Found measuring `bench/bench_core.py` at 100,000 customers (stop 26): `--city 深圳`
had been compared by folding every row's city in Python (any non-ASCII row was a
candidate for the case fold), 126 ms instead of 8 ms; and every free-text search also
looked for customers a merge retired by reading every customer's `deleted_at`. A text
without letters that have a case (Chinese, Japanese, Arabic) is compared as written, as
free text without a case already is; a partial index holds the deleted customers only.
The answers are the same: asserted on a real store, with the SQLite plans read back."""

from __future__ import annotations

import pytest

from cims_xl.services import records
from cims_xl.services.search import search_customers
from cims_xl.store import queries
from cims_xl.store.schema import MIGRATIONS

PEOPLE = [
    {"name": "王芳", "city": "深圳", "province": "广东"},
    {"name": "李强", "city": "深圳市"},
    {"name": "Sara Haddad", "city": "القاهرة"},
    {"name": "Yuki Sato", "city": "ソウル"},
    {"name": "Hans Vogt", "city": "MÜNCHEN"},
    {"name": "Eve Kaya", "city": "İstanbul"},
    {"name": "Ann Lee", "city": "Boston"},
]


@pytest.fixture
def people(admin):
    records.create_many(admin, "customer", PEOPLE)
    return admin


def _names(session, **filters) -> set[str]:
    return {c["name"] for c in search_customers(session, limit=200, **filters).rows}


@pytest.mark.parametrize("city, found", [
    # a Chinese city with or without 市 is one city (fix27b: divisions.place_forms)
    ("深圳", {"王芳", "李强"}), ("深圳市", {"王芳", "李强"}), ("القاهرة", {"Sara Haddad"}), ("ソウル", {"Yuki Sato"}),
    # letters with a case beyond ASCII are still folded: the rule above is only for text without one
    ("münchen", {"Hans Vogt"}), ("München", {"Hans Vogt"}), ("istanbul", {"Eve Kaya"}), ("BOSTON", {"Ann Lee"}),
])
def test_a_city_filter_finds_the_same_customers_in_every_script(people, city, found):
    assert _names(people, city=city) == found


@pytest.mark.parametrize("value", ["深圳", "القاهرة", "ソウル", "서울", "١٢٣"])
def test_a_filter_without_letters_that_have_a_case_is_an_indexed_equality(value):
    params: list = []
    sql = queries._same_text("city", value, params)
    assert "cims_casefold" not in sql and "GLOB" not in sql
    assert sql.count("c.city = ?") == len(params)


@pytest.mark.parametrize("value", ["münchen", "ΑΘΗΝΑ", "Москва"])
def test_a_filter_with_letters_that_have_a_case_beyond_ascii_is_still_folded(value):
    params: list = []
    assert "cims_casefold" in queries._same_text("city", value, params)


def test_the_city_filter_of_a_chinese_city_is_answered_from_the_citys_index(people):
    params: list = []
    sql = queries._same_text("city", "深圳", params)
    plan = people.store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND {sql}", params).fetchall()
    assert any("USING INDEX ix_customers_city" in str(row[-1]) for row in plan), plan


def test_the_look_for_merged_customers_reads_only_the_deleted_ones(people):
    deleted = records.create_many(people, "customer", [{"name": "Old Acme", "email": "old@acme.example"}])[0]
    records.delete(people, deleted["id"])
    crit = queries.CustomerCriteria(fts_terms=["acme"])
    assert queries.deleted_customers_matching(people.store, crit) == [deleted["id"]]
    params: list = []
    cond = " AND ".join(queries._text_where(people.store, crit, params))
    plan = people.store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT c.id FROM customers c WHERE c.deleted_at IS NOT NULL AND "
        f"CASE WHEN c.deleted_at IS NULL THEN 0 ELSE ({cond}) END", params).fetchall()
    assert any("USING INDEX ix_customers_deleted_at" in str(row[-1]) for row in plan), plan
    assert MIGRATIONS[-1][0] == 11 and "deleted" in MIGRATIONS[-1][1]


def test_a_search_asks_the_trigram_index_once_for_its_terms(people, monkeypatch):
    asked = []
    real = queries._narrowing
    monkeypatch.setattr(queries, "_narrowing", lambda store, terms: asked.append(list(terms)) or real(store, terms))
    assert _names(people, text="Vogt") == {"Hans Vogt"}
    assert asked == [["Vogt"]]


def test_a_part_of_a_phone_number_is_looked_up_in_the_numbers_indexes_not_every_row(admin):
    records.create_many(admin, "customer", [
        {"name": "Ann", "phone": "+14155550132"}, {"name": "Bo", "mobile": "+8613912345678"},
        {"name": "Cy", "phone": "+442079460958", "mobile": "+447700900123"}])
    assert _names(admin, text="555-0132") == {"Ann"}
    assert _names(admin, text="1234 5678") == {"Bo"}
    assert _names(admin, text="7700 900") == {"Cy"}
    crit = queries.CustomerCriteria(digits=["5550132"])
    params: list = []
    cond = " AND ".join(queries._text_where(admin.store, crit, params))
    plan = [str(row[-1]) for row in admin.store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT count(*) FROM customers c WHERE c.deleted_at IS NULL AND {cond}", params)]
    assert not any(p.split()[:2] == ["SCAN", "c"] for p in plan), plan      # every row read
    assert any("COVERING INDEX ix_customers_phone" in p for p in plan)
    assert any("COVERING INDEX ix_customers_mobile" in p for p in plan)
