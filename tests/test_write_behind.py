"""Bulk writes run behind the caller on a worker thread (Store.write_behind): chunks are
validated while the previous one is written. Whatever fails, and wherever, the store
ends as it was or with everything; reads in between see what was queued before them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.domain.schema import CUSTOMER
from cims_xl.errors import ValidationFailed
from cims_xl.services import audit_log, auth, records, search
from cims_xl.store.db import BUSY_TIMEOUT_MS, Store, utcnow

from conftest import ADMIN_PASSWORD


def _people(n: int, start: int = 0) -> list[dict]:
    return [{"name": f"客户{i} Person", "email": f"p{i}@example.cn", "mobile": f"139{i:08d}",
             "city": "杭州" if i % 2 else "Chengdu", "company": f"Firm {i % 7}"}
            for i in range(start, start + n)]


@pytest.fixture
def small_chunks(monkeypatch):
    # Three chunks: two bulk statements (JSON path) and one small executemany.
    monkeypatch.setattr(records, "CREATE_CHUNK", 600)


def _file_bytes(path) -> tuple[bytes, int]:
    """The store file and the size of its WAL, after a checkpoint (-shm is only an index)."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.stat().st_size if wal.exists() else 0


def test_many_rows_in_several_chunks_are_all_stored_searchable_and_audited(admin, small_chunks):
    made = records.create_many(admin, "customer", _people(1500))
    assert len(made) == 1500 and made[-1]["id"] == "C-001500"
    assert admin.store.query("SELECT count(*) FROM customers")[0][0] == 1500
    stored = records.get(admin, "C-001234")
    assert stored["email"] == "p1233@example.cn" and stored["mobile"] == "+8613900001233"
    # each chunk was indexed for search, including the last, small one
    for i in (5, 700, 1450):
        page = search.search_customers(admin, text=f"客户{i} ")
        assert f"p{i}@example.cn" in [r["email"] for r in page.rows]
    assert audit_log.verify(admin).ok
    assert records.history(admin, "C-001450")[0]["changes"]["name"] == [None, "客户1449 Person"]
    # the per-row search trigger is back for writes after the bulk one
    records.create(admin, "customer", {"name": "晚到 Latecomer"})
    assert search.search_customers(admin, text="Latecomer").total == 1


def test_a_bad_row_in_the_last_chunk_leaves_the_store_as_it_was(admin, store_path, small_chunks):
    records.create(admin, "customer", {"name": "Before"})
    admin.store.checkpoint()
    before = _file_bytes(store_path)
    rows = _people(1500)
    rows[1400]["email"] = "not-an-email"
    with pytest.raises(ValidationFailed) as err:
        records.create_many(admin, "customer", rows)
    assert "Email" in err.value.problems
    assert admin.store.query("SELECT count(*) FROM customers")[0][0] == 1
    assert admin.store.query("SELECT count(*) FROM audit_refs")[0][0] == 0
    admin.store.checkpoint()
    assert _file_bytes(store_path) == before
    assert audit_log.verify(admin).ok
    # and the store takes the same rows once they are fixed
    rows[1400]["email"] = "fixed@example.cn"
    assert len(records.create_many(admin, "customer", rows)) == 1500
    assert search.search_customers(admin, text="客户1499 ").total == 1
    assert audit_log.verify(admin).ok


def test_a_write_that_fails_in_the_worker_is_raised_and_rolls_everything_back(store_path, admin):
    admin.close()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    store: Store = session.store
    now = utcnow()

    def rows(first: int, n: int) -> list[dict]:
        return [{**{f.key: None for f in CUSTOMER.fields}, "name": f"Row {i}", "id": f"C-{i:06d}",
                 "created_at": now, "created_by": "admin", "updated_at": now, "updated_by": "admin",
                 "version": 1} for i in range(first, first + n)]

    with pytest.raises(Exception, match="UNIQUE|constraint"):
        with store.transaction():
            with store.write_behind():
                store.insert_records(CUSTOMER, rows(1, 800))
                store.insert_records(CUSTOMER, rows(500, 800))   # overlaps the first chunk
                store.insert_records(CUSTOMER, rows(2000, 800))
    assert store.query("SELECT count(*) FROM customers")[0][0] == 0
    assert store.query("SELECT count(*) FROM customers_fts")[0][0] == 0
    assert store.integrity_check() == "ok"
    # the connection is usable and the search trigger intact
    records.create(session, "customer", {"name": "After the failure"})
    assert search.search_customers(session, text="failure").total == 1
    assert audit_log.verify(session).ok
    session.close()


def test_a_read_while_writes_are_queued_sees_them(admin):
    store = admin.store
    now = utcnow()
    rows = [{**{f.key: None for f in CUSTOMER.fields}, "name": f"Queued {i}", "id": f"C-{i:06d}",
             "created_at": now, "created_by": "admin", "updated_at": now, "updated_by": "admin",
             "version": 1} for i in range(1, 1001)]
    with store.transaction():
        with store.write_behind():
            store.insert_records(CUSTOMER, rows)
            assert store.next_seq(CUSTOMER) == 1001
            assert store.fetch_record(CUSTOMER, "C-000999")["name"] == "Queued 999"
    assert store.query("SELECT count(*) FROM customers")[0][0] == 1000


def test_write_behind_outside_a_transaction_is_refused(admin):
    with pytest.raises(RuntimeError, match="transaction"):
        with admin.store.write_behind():
            pass


def test_values_written_in_one_statement_read_back_exactly_as_row_by_row(admin):
    # The bulk insert sends a chunk as JSON; the small one binds each value. Both must
    # store the same thing: exact amounts, dates, flags, and text that looks like numbers.
    cust = records.create(admin, "customer", {"name": "Orders Ltd"})["id"]

    def order(i: int) -> dict:
        return {"customer_id": cust, "order_number": f"00{i:05d}", "order_date": "2024年3月5日",
                "amount": f"¥{i},234.5{i % 10}", "quantity": i % 7 + 1, "currency": "CNY",
                "product": ['He said "hi"\nthen left', "1e5", "😀 emoji", "  ", "=SUM(A1)"][i % 5]}

    bulk = records.create_many(admin, "order", [order(i) for i in range(600)])
    single = records.create_many(admin, "order", [order(i) for i in range(5)])
    for a, b in zip(bulk[:5], single):
        got_a, got_b = records.get(admin, a["id"]), records.get(admin, b["id"])
        for key in ("order_number", "order_date", "amount", "quantity", "currency", "product"):
            assert got_a[key] == got_b[key], key
    assert records.get(admin, bulk[599]["id"])["amount"] == Decimal("599234.59")
    assert records.get(admin, bulk[3]["id"])["order_number"] == "0000003"
    total = admin.store.query("SELECT sum(amount), typeof(order_number), typeof(quantity) FROM orders "
                              "WHERE seq <= 600")[0]
    assert Decimal(total[0]) / 10_000 == sum(Decimal(f"{i}234.5{i % 10}") for i in range(600))
    assert total[1:] == ("text", "integer")


def test_rows_that_do_not_share_their_meta_values_still_go_in_together(admin):
    store = admin.store
    base = utcnow()
    rows = [{**{f.key: None for f in CUSTOMER.fields}, "name": f"Mixed {i}", "id": f"C-{i:06d}",
             "created_at": base, "created_by": "admin", "updated_at": base.replace(year=2020 + i % 3),
             "updated_by": "admin", "version": 1 + i % 2} for i in range(1, 701)]
    with store.transaction():
        store.insert_records(CUSTOMER, rows)
    back = store.fetch_record(CUSTOMER, "C-000005")
    assert back["updated_at"].year == 2022 and back["version"] == 2
    assert search.search_customers(admin, text="Mixed 699").total == 1


def test_the_thread_switch_interval_is_back_as_it_was_after_bulk_writes(admin, small_chunks):
    import sys

    before = sys.getswitchinterval()
    records.create_many(admin, "customer", _people(700))
    with pytest.raises(ValidationFailed):
        records.create_many(admin, "customer", _people(700, 700) + [{"email": "x@example.cn"}])
    assert sys.getswitchinterval() == before


def test_a_write_of_a_few_rows_stays_on_the_callers_thread(admin, small_chunks, monkeypatch):
    started = []
    real = Store.write_behind

    def counting(self):
        started.append(1)
        return real(self)

    monkeypatch.setattr(Store, "write_behind", counting)
    records.create(admin, "customer", {"name": "One"})
    records.create_many(admin, "customer", _people(599))
    assert started == []
    records.create_many(admin, "customer", _people(601))
    assert started == [1]
    assert admin.store.query("SELECT count(*) FROM customers")[0][0] == 1201


def test_an_import_whose_writes_fail_half_way_leaves_nothing_behind(admin, store_path, tmp_path, monkeypatch):
    import sys
    from pathlib import Path

    from cims_xl.importer import import_file
    from cims_xl.services import batches
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_import import generate_xlsx

    path = generate_xlsx(tmp_path / "people.xlsx", 3000)
    records.create(admin, "customer", {"name": "Already here"})
    admin.store.checkpoint()
    before = _file_bytes(store_path)
    calls = []
    real = Store._insert_customers_indexed

    def failing(self, *args):
        calls.append(1)
        if len(calls) == 2:    # the second chunk, while the third is being planned
            raise OSError("disk full")
        return real(self, *args)

    monkeypatch.setattr(Store, "_insert_customers_indexed", failing)
    with pytest.raises(OSError, match="disk full"):
        import_file(admin, path, chunk_rows=1000)
    assert len(calls) == 2
    assert admin.store.query("SELECT count(*) FROM customers")[0][0] == 1
    assert batches.list_batches(admin) == []
    assert audit_log.verify(admin).ok
    admin.store.checkpoint()
    assert _file_bytes(store_path) == before
    monkeypatch.undo()
    assert import_file(admin, path, chunk_rows=1000).created > 2900
    assert search.search_customers(admin, text="Already here").total == 1


def test_after_a_bulk_write_the_wal_is_copied_into_the_store_in_the_background(admin, store_path, small_chunks):
    before = store_path.stat().st_size
    records.create_many(admin, "customer", _people(1500))
    admin.store._join_checkpoint()   # the background connection is done
    # the new pages are in the store file itself, not only in its WAL (1,500 rows are
    # too few for SQLite's own automatic checkpoint)
    assert store_path.stat().st_size > before + 200_000
    # and the store, reopened by a new sign-in, has everything
    admin.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    assert again.store.query("SELECT count(*) FROM customers")[0][0] == 1500
    assert again.store.integrity_check() == "ok" and audit_log.verify(again).ok
    again.close()


def _plan(session, sql: str, *params) -> str:
    return " ".join(row[3] for row in session.store.query("EXPLAIN QUERY PLAN " + sql, params))


ID_LIST_SQL = "DELETE FROM customers WHERE id IN (SELECT value FROM json_each(?))"


def test_planner_statistics_follow_a_bulk_write_so_id_lookups_use_the_index(admin, store_path):
    # Statistics taken while the table held one row made SQLite scan every customer for
    # each `id IN (...)`: undoing a 100,000-row import then took over ten minutes.
    records.create(admin, "customer", {"name": "First"})
    admin.store.conn.execute("ANALYZE")                       # as PRAGMA optimize may leave them
    assert "SCAN customers" in _plan(admin, ID_LIST_SQL, '["C-000001"]')
    records.create_many(admin, "customer", _people(3000))
    assert "SEARCH customers USING" in _plan(admin, ID_LIST_SQL, '["C-000001"]')


def test_statistics_left_stale_by_an_older_version_are_refreshed_when_the_store_opens(admin, store_path):
    records.create(admin, "customer", {"name": "First"})
    admin.store.conn.execute("ANALYZE")
    admin.store.conn.execute("BEGIN")
    admin.store.conn.executemany("INSERT INTO customers (id, created_at, created_by, updated_at, updated_by, name)"
                                 " VALUES (?, '2024', 'admin', '2024', 'admin', 'x')",
                                 [(f"C-{i:06d}",) for i in range(2, 3000)])
    admin.store.conn.execute("COMMIT")
    assert "SCAN customers" in _plan(admin, ID_LIST_SQL, '["C-000001"]')
    admin.close()
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as again:
        assert "SEARCH customers USING" in _plan(again, ID_LIST_SQL, '["C-000001"]')


def test_refreshing_statistics_never_waits_for_or_fails_on_another_writer(admin, store_path):
    import time

    records.create(admin, "customer", {"name": "First"})
    admin.store.conn.execute("ANALYZE")
    other = Store.open(store_path, admin.store._key)
    other.conn.execute("BEGIN IMMEDIATE")           # another process is writing
    try:
        started = time.monotonic()
        admin.store.refresh_statistics()
        assert time.monotonic() - started < BUSY_TIMEOUT_MS / 2000   # it did not wait for the writer
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    records.create(admin, "customer", {"name": "Second"})   # and writes still work after it
