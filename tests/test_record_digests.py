"""The digests an audit entry commits records to are the same whether the rows are read
as one text (one step, the write-behind thread's way) or one by one (`audit verify`)."""

from __future__ import annotations

import decimal

import pytest
import sqlcipher3

from cims_xl.domain.schema import CUSTOMER, ORDER
from cims_xl.services import audit_log, records
from cims_xl.store import db


def _one_by_one(store, ent, ids):
    return {rid: digest for rid, digest in store.iter_record_digests(ent) if rid in ids}


def _made(admin):
    people = [
        {"name": "Jörg Müller", "email": "jorg@example.de", "phone": "+49 30 1234567", "notes": "line one\nline two"},
        {"name": "李雷", "company": "北京新世纪有限公司", "tags": "VIP, 批发", "notes": 'quote " and \\ backslash'},
        {"name": "Zoë \u202e evil", "notes": "tab\there \x01 control"},
        {"name": "Ana", "email": "ana@example.com"},
    ]
    made = records.create_many(admin, "customer", people)
    orders = records.create_many(admin, "order", [
        {"customer_id": made[0]["id"], "order_date": "2024-03-05", "amount": decimal.Decimal("1234.5"),
         "currency": "EUR"},
        {"customer_id": made[1]["id"], "order_date": "2024-03-06", "amount": decimal.Decimal("0.0001"),
         "currency": "CNY"}])
    return [r["id"] for r in made], [r["id"] for r in orders]


def test_rows_read_as_one_text_give_the_digests_of_rows_read_one_by_one(admin):
    customers, orders = _made(admin)
    store = admin.store
    for ent, ids in ((CUSTOMER, customers), (ORDER, orders)):
        at_once = store.record_digests(ent, ids)
        assert at_once == _one_by_one(store, ent, set(ids))
        assert all(at_once.values())
    # ids that are not consecutive take the other query; one id alone too
    picked = [customers[0], customers[2]]
    assert store.record_digests(CUSTOMER, picked) == _one_by_one(store, CUSTOMER, set(picked))
    assert store.record_digests(CUSTOMER, customers[3:]) == _one_by_one(store, CUSTOMER, set(customers[3:]))
    assert audit_log.verify(admin).ok


def test_an_id_holding_a_separator_or_text_that_is_not_utf8_is_read_row_by_row(admin):
    customers, _ = _made(admin)
    raw = admin.store._raw
    raw.execute("UPDATE customers SET notes = CAST(x'ff00fe' AS TEXT) WHERE id = ?", (customers[1],))
    raw.execute("UPDATE customers SET id = ? WHERE id = ?", ("C-9\x1f[x]", customers[3]))
    wanted = {customers[0]: None, customers[1]: None, customers[2]: None, "C-9\x1f[x]": None}
    found = dict(wanted)
    seqs = [int(c.rsplit("-", 1)[1]) for c in customers]
    assert not db._digests_at_once(raw, CUSTOMER, " WHERE seq BETWEEN ? AND ?", (seqs[0], seqs[-1]), found)
    assert found == wanted          # nothing filled in when the text cannot be trusted
    with admin.store.lenient_text():
        by_row = _one_by_one(admin.store, CUSTOMER, set(customers[:3]))
        assert admin.store.record_digests(CUSTOMER, customers[:3]) == by_row


def test_an_id_made_to_look_like_a_wanted_id_plus_a_separator_is_not_split_as_that_record(admin):
    customers, _ = _made(admin)
    raw = admin.store._raw
    raw.execute("UPDATE customers SET id = ? WHERE id = ?", (customers[3] + "\x1f[1]", customers[3]))
    seq = int(customers[3].rsplit("-", 1)[1])
    found = {customers[3]: None}
    assert not db._digests_at_once(raw, CUSTOMER, " WHERE seq BETWEEN ? AND ?", (seq, seq), found)
    assert admin.store.record_digests(CUSTOMER, [customers[3]]) == {customers[3]: None}


class _LengthLimited:
    """The store's connection, except that the one-text read passes SQLite's length limit
    (SQLITE_MAX_LENGTH, 10^9 bytes: rows an insider made huge, too big together though
    not one by one; reproducing it for real takes gigabytes)."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, params=()):
        if "group_concat" in sql:
            raise sqlcipher3.DataError("string or blob too big")
        return self.conn.execute(sql, params)


def test_rows_too_big_to_read_as_one_text_are_read_row_by_row_and_the_write_goes_on(admin):
    customers, _ = _made(admin)
    store = admin.store
    expected = _one_by_one(store, CUSTOMER, set(customers))
    assert db.Store._record_digests(_LengthLimited(store._raw), CUSTOMER, customers) == expected


def test_a_row_written_outside_cims_with_another_numbers_id_stops_creates_with_a_message_naming_it(admin, tmp_path):
    from cims_xl.errors import StoreError
    from cims_xl.importer import import_file

    customers, _ = _made(admin)
    raw = admin.store._raw
    last = int(customers[-1].rsplit("-", 1)[1])
    raw.execute("UPDATE customers SET id = ? WHERE id = ?", (f"C-{last + 1:06d}", customers[-1]))
    with pytest.raises(StoreError, match=rf"'C-{last + 1:06d}' at number {last}.*nothing was saved"):
        records.create(admin, "customer", {"name": "Dee"})
    path = tmp_path / "more.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@example.com\n" for i in range(30)), encoding="utf-8")
    with pytest.raises(StoreError, match="written outside cims"):
        import_file(admin, path)
    assert len(records.list_records(admin, "customer")) == len(customers)
