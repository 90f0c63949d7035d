"""The derived search index is checked by `audit verify` (Store.check_search_index).

Anyone holding the data key (every signed-in user) can remove a customer's entry from
`customers_fts`, so that `customer search` no longer finds them. Verify names the
customers text search misses, rebuilds the index from the records, and a store written
only by cims verifies clean.
"""

from __future__ import annotations

import sqlcipher3

from cims_xl.importer.run import import_file
from cims_xl.services import audit_log, batches, gdpr, records, search
from cims_xl.store.schema import FTS_COLS
from conftest import USER_PASSWORD
from table_files import write_csv


def _names(session, text):
    return sorted(r["name"] for r in search.search_customers(session, text, limit=1000).rows)


def _raw(store_path, session):
    """A plain SQLCipher connection with the user's data key, as in the tester's script."""
    conn = sqlcipher3.connect(str(store_path))
    conn.execute(f"PRAGMA key = \"x'{session.data_key.hex()}'\"")
    return conn


def _unindex(conn, customer_id: str, *, keep_size: bool = False) -> None:
    cols = ", ".join(FTS_COLS)
    seq, = conn.execute("SELECT seq FROM customers WHERE id = ?", (customer_id,)).fetchone()
    values = conn.execute(f"SELECT {cols} FROM customers WHERE seq = ?", (seq,)).fetchone()
    size = conn.execute("SELECT sz FROM customers_fts_docsize WHERE id = ?", (seq,)).fetchone()
    conn.execute(f"INSERT INTO customers_fts(customers_fts, rowid, {cols}) "
                 f"VALUES ('delete', ?, {', '.join('?' * len(FTS_COLS))})", (seq, *values))
    if keep_size:     # the index's per-row size table put back: only the index itself differs
        conn.execute("INSERT INTO customers_fts_docsize(id, sz) VALUES (?, ?)", (seq, size[0]))
    conn.commit()


def _others(session, n: int = 30) -> None:
    """Customers whose names share nothing with the searched ones: in a store of a few
    rows every trigram is "broad" and a search scans instead of asking the index."""
    records.create_many(session, "customer", [{"name": f"Kunde {i:03d}"} for i in range(n)])


def test_a_salesperson_who_hides_a_customer_from_search_is_named_and_the_index_rebuilt(
        store_path, admin, session_as):
    sue = session_as("sales", "sue")
    acme = records.create(sue, "customer", {"name": "Acme Trading", "email": "buy@acme.example"})
    records.create(admin, "customer", {"name": "Acme Tools"})
    _others(admin)
    sam = session_as("sales", "sam")
    conn = _raw(store_path, sam)
    _unindex(conn, acme["id"])
    conn.close()
    assert _names(admin, "Acme") == ["Acme Tools"]

    verdict = audit_log.verify(admin)
    assert not verdict.ok
    named = [p for p in verdict.problems if "search index" in p]
    assert len(named) == 1 and f"text search did not find {acme['id']}" in named[0]
    assert "rebuilt" in named[0]
    assert _names(admin, "Acme") == ["Acme Tools", "Acme Trading"]
    assert audit_log.verify(admin).ok


def test_a_hidden_customer_is_named_even_with_the_index_size_table_put_back(store_path, admin, session_as):
    records.create_many(admin, "customer", [{"name": "上海恒通贸易有限公司"}, {"name": "北京恒通科技"}])
    _others(admin)
    sam = session_as("sales", "sam")
    conn = _raw(store_path, sam)
    _unindex(conn, "C-000001", keep_size=True)
    conn.close()
    assert _names(admin, "恒通贸易") == [] and _names(admin, "恒通科技") == ["北京恒通科技"]
    verdict = audit_log.verify(admin)
    assert any("search index no longer matched" in p for p in verdict.problems)
    assert _names(admin, "恒通贸易") == ["上海恒通贸易有限公司"]


def test_an_index_entry_of_no_customer_is_named(store_path, admin, session_as):
    records.create(admin, "customer", {"name": "Müller GmbH"})
    conn = _raw(store_path, session_as("support"))
    conn.execute(f"INSERT INTO customers_fts(rowid, {', '.join(FTS_COLS)}) "
                 f"VALUES (999, 'Ghost', {', '.join('NULL' for _ in FTS_COLS[1:])})")
    conn.commit()
    conn.close()
    verdict = audit_log.verify(admin)
    assert any("1 entries of no customer" in p for p in verdict.problems)
    assert audit_log.verify(admin).ok


def test_a_store_written_only_by_cims_verifies_clean_after_every_kind_of_customer_write(
        admin, tmp_path):
    made = records.create_many(admin, "customer", [
        {"name": "张伟", "email": "zw@example.cn", "city": "杭州", "tags": "VIP"},
        {"name": "Élodie Martin", "company": "Café Lumière", "notes": "Paris office"},
        {"name": "Ivan Petrov", "email": "ivan@example.ru"}])
    records.update(admin, made[0]["id"], {"notes": "prefers WeChat", "city": "上海"})
    records.delete(admin, made[2]["id"])
    path = write_csv(tmp_path / "more.csv", [["Name", "Email"], ["Ana Souza", "ana@example.br"],
                                              ["Kenji Sato", "kenji@example.jp"]])
    batch = import_file(admin, path).batch
    batches.undo_batch(admin, batch)
    gdpr.erase_customer(admin, made[1]["id"])
    verdict = audit_log.verify(admin)
    assert verdict.ok, verdict.problems
    assert admin.store.check_search_index().ok
