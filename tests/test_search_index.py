"""The free-text search index: exact substrings, phones by their digits, bulk-built
rows, and stores made before the index changed."""

from __future__ import annotations

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.services import auth, records, search
from cims_xl.store import db
from cims_xl.store.schema import MIGRATIONS

from conftest import ADMIN_PASSWORD, FAST_KDF


def _names(session, text):
    return sorted(r["name"] for r in search.search_customers(session, text, limit=1000).rows)


def test_a_term_matches_only_where_its_characters_stand_together(admin):
    records.create_many(admin, "customer", [{"name": "abc xbcd"}, {"name": "Abcd Trading"},
                                            {"name": "王小明公司"}, {"name": "小明王"}])
    assert _names(admin, "abcd") == ["Abcd Trading"]
    assert _names(admin, "ABCD") == ["Abcd Trading"]
    assert _names(admin, "王小明") == ["王小明公司"]


def test_digits_find_part_of_a_phone_number_although_phones_are_not_in_the_index(admin):
    records.create_many(admin, "customer", [{"name": "Has Mobile", "mobile": "13977778888"},
                                            {"name": "Has Landline", "phone": "010-6512 3456"},
                                            {"name": "No Phone"}])
    assert _names(admin, "77778") == ["Has Mobile"]
    assert _names(admin, "65123") == ["Has Landline"]


@pytest.mark.parametrize("count", [3, db.BULK_ROWS + 1])
def test_rows_written_together_are_searchable_at_once_and_after_edits(admin, count):
    made = records.create_many(admin, "customer",
                               [{"name": f"Batch Person {i:04d}", "company": "Zephyr Ltd"} for i in range(count)])
    assert search.search_customers(admin, "zephyr").total == count
    records.update(admin, made[-1]["id"], {"company": "Quokka GmbH"})
    assert search.search_customers(admin, "zephyr").total == count - 1
    assert _names(admin, "quokka") == [made[-1]["name"]]
    records.create(admin, "customer", {"name": "Single Zephyr"})
    assert search.search_customers(admin, "zephyr").total == count


def test_a_store_made_before_the_index_changed_is_upgraded_and_finds_its_customers(tmp_path, monkeypatch):
    path = tmp_path / "old.cims"
    # The store as version 1 made it, with every later table today's writes need (change
    # tracking, signatures …): the upgrade under test is the search index's (2-4).
    monkeypatch.setattr(db, "MIGRATIONS", [m for m in db.MIGRATIONS if m[0] not in (2, 3, 4)])
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    with auth.sign_in(path, "admin", ADMIN_PASSWORD) as old:
        for row in ({"name": "上海华信科技", "email": "hua@example.cn", "phone": "021-5000 1234"},
                    {"name": "Olivia Smith", "notes": "met at fair", "tags": "src:OS-4711"}):
            records.create(old, "customer", row)
        assert [v for v, _n, _a in old.store.migrations()] == [m[0] for m in db.MIGRATIONS if m[0] not in (2, 3, 4)]
    monkeypatch.undo()
    with auth.sign_in(path, "admin", ADMIN_PASSWORD) as new:
        assert [v for v, _n, _a in new.store.migrations()] == sorted(m[0] for m in db.MIGRATIONS)
        assert [c["name"] for c in records.list_records(new, "customer", phone="+862150001234")] == ["上海华信科技"]
        assert _names(new, "华信科") == ["上海华信科技"]
        assert _names(new, "at fair") == ["Olivia Smith"]
        assert _names(new, "example.cn") == ["上海华信科技"]
        assert _names(new, "OS-4711") == ["Olivia Smith"]      # tags were indexed by migration 4
        assert new.store.integrity_check() == "ok"


def test_the_id_a_customer_had_in_the_old_system_finds_it(admin):
    # An import keeps the source system's customer id as the tag "src:<id>".
    records.create_many(admin, "customer", [{"name": "Claire Gute", "tags": "src:CG-12520, wholesale"},
                                            {"name": "Darrin Van Huff", "tags": "src:DV-13045"},
                                            {"name": "Notes Only", "notes": "see CG-125"}])
    assert _names(admin, "CG-12520") == ["Claire Gute"]
    assert _names(admin, "cg-12520") == ["Claire Gute"]
    assert _names(admin, "wholesale") == ["Claire Gute"]
    assert _names(admin, "CG-125") == ["Claire Gute", "Notes Only"]
    records.update(admin, "C-000002", {"tags": "src:DV-99999"})
    assert _names(admin, "DV-13045") == [] and _names(admin, "DV-99999") == ["Darrin Van Huff"]


def test_searching_a_customer_id_finds_that_customer(admin):
    made = records.create_many(admin, "customer", [{"name": f"Person {i}"} for i in range(12)])
    assert _names(admin, made[10]["id"]) == ["Person 10"]
    assert _names(admin, "c-11") == ["Person 10"]
    assert _names(admin, "C-999999") == []


@pytest.mark.parametrize("sql, index", [
    ("SELECT id FROM customers c WHERE c.deleted_at IS NULL AND c.source = 'Import'", "ix_customers_source"),
    ("SELECT id FROM customers c WHERE c.deleted_at IS NULL AND c.province = '浙江'", "ix_customers_province"),
    ("SELECT id FROM customers WHERE phone IN (SELECT value FROM json_each('[\"+862150001234\"]'))",
     "ix_customers_phone"),
    ("SELECT id FROM orders WHERE deleted_at IS NULL AND batch_id = 'B-000001' ORDER BY seq",
     "ix_orders_batch_id"),
])
def test_a_filter_on_a_mostly_empty_column_still_uses_its_index(admin, sql, index):
    # Those indexes leave out the rows where the column is empty (migration 3).
    plan = " ".join(row[3] for row in admin.store.query("EXPLAIN QUERY PLAN " + sql))
    assert f"USING INDEX {index}" in plan


def test_a_word_most_customers_hold_is_checked_directly_and_still_finds_exactly_them(admin):
    from cims_xl.store import queries

    records.create_many(admin, "customer", [{"name": f"Acme Trading {i}", "city": "Ningbo"} for i in range(40)]
                        + [{"name": "Zeta Foods", "notes": "acme supplier"}, {"name": "Omega Ltd"}])
    # "Acme" is in 41 of 42 customers: the index would not narrow it; "Zeta" would.
    assert queries._narrowing(admin.store, ["Acme", "Zeta", "Qqq"]) == ["Zeta", "Qqq"]
    assert len(_names(admin, "acme")) == 41
    assert _names(admin, "Acme Trading 39") == ["Acme Trading 39"]
    assert _names(admin, "zeta acme") == ["Zeta Foods"]


def test_a_country_filter_finds_the_customers_whatever_name_or_code_their_country_was_written_with(admin):
    from cims_xl.services import records, search

    for i, country in enumerate(["Deutschland", "Germany", "DE", "德国", "deutschland", "France", None]):
        records.create(admin, "customer", {"name": f"Kunde {i}", "country": country})
    german = {f"Kunde {i}" for i in range(5)}
    for typed in ("DE", "Deutschland", "germany", "德国", "Allemagne"):
        page = search.search_customers(admin, country=typed)
        assert {r["name"] for r in page.rows} == german, typed
    assert {r["name"] for r in search.search_customers(admin, country="FR").rows} == {"Kunde 5"}
    # no country and no customer's: a typing error said, not 0 (test_udf_query_keys_checked)
    with pytest.raises(ValidationFailed, match="no country 'Atlantis'"):
        search.search_customers(admin, country="Atlantis")
    assert search.search_customers(admin, country="DE", text="Kunde 1").total == 1
