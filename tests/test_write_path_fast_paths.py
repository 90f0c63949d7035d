"""Stop 24's shortcuts in writing created records give exactly what the full paths give:
a bulk audit entry's personal part and its digest are built in one pass over the
personal fields (`audit._bulk_parts`, the digest's text through `_RecordDigest.of_text`)
instead of a second dictionary walk per record, and the store's insert parameters are
built with the row's seq in place (`Store.insert_records`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from cims_xl.domain.schema import ENTITIES
from cims_xl.security import audit
from cims_xl.services import audit_log, records

_KEY = hashlib.sha256(b"stop 24 test key").digest()

# Values a record's fields may hold on their way to a bulk entry: text in several scripts
# (digits, colons and length-like prefixes that a naive joining could confuse), numbers,
# amounts, dates, flags, and None (left out of the entry).
_TEXT = st.lists(st.sampled_from(list("ab1:9 王伟é\u200b@.-") + ["10:", "3:ab"]), max_size=6).map("".join)
_VALUE = st.one_of(st.none(), _TEXT, st.integers(-10**6, 10**6), st.booleans(),
                   st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
                   st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))


def _full_path(key: bytes, records_: dict, entity: str | None):
    """_bulk_parts as it was written before stop 24: each part split off by key, converted,
    and the personal part digested by `_RecordDigest` (value_digest when any value is not
    text)."""
    plain_keys, personal_keys, convert = audit._bulk_layout(entity, records_)
    digest = audit._RecordDigest(key)
    kept, private, digests = {}, {}, {}
    for rid, values in records_.items():
        mine = {k: values[k] for k in plain_keys if values.get(k) is not None}
        theirs = {k: values[k] for k in personal_keys if values.get(k) is not None}
        for k in convert:
            for part in (mine, theirs):
                v = part.get(k)
                if v is not None and type(v) not in audit._PLAIN:
                    part[k] = audit.jsonable(v)
        kept[rid] = mine
        if theirs:
            private[rid] = theirs
            digests[rid] = digest(theirs)
    return kept, private, digests


@st.composite
def _records(draw):
    kind = draw(st.sampled_from([*ENTITIES, None]))
    keys = [f.key for f in ENTITIES[kind].fields] if kind else ["a", "b", "note", "amount"]
    n = draw(st.integers(1, 6))
    rows = {f"X-{i:06d}": {k: draw(_VALUE) for k in keys if draw(st.booleans())} for i in range(n)}
    return kind, rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records())
def test_a_bulk_entrys_parts_and_digests_built_in_one_pass_equal_the_full_path(case):
    kind, rows = case
    expected = _full_path(_KEY, rows, kind)
    # The one pass digests the text it built: walking each record's personal part again
    # (_RecordDigest.__call__) is the cost it saves.
    walk = audit._RecordDigest.__call__
    audit._RecordDigest.__call__ = _no_second_walk
    try:
        got = audit._bulk_parts(_KEY, rows, kind)
    finally:
        audit._RecordDigest.__call__ = walk
    assert got == expected


def _no_second_walk(self, values):
    raise AssertionError("a record's personal part walked a second time to digest it")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "email", "phone", "city", "notes", "x"]), _TEXT, min_size=1))
def test_the_digest_of_a_records_text_is_the_stored_format_however_it_is_reached(values):
    ordered = dict(sorted(values.items()))
    text = "".join(f"{len(k)}:{k}{len(v)}:{v}" for k, v in ordered.items())
    expected = hashlib.blake2b(b"r" + text.encode("utf-8"), digest_size=16, key=_KEY).hexdigest()
    digest = audit._RecordDigest(_KEY)
    assert digest.of_text(text) == expected
    assert digest(ordered) == expected
    assert audit.record_digest(_KEY, values) == expected


def _orders(n: int, customer: str) -> list[dict]:
    return [{"customer_id": customer, "order_number": f"SO-{i}", "order_date": dt.date(2024, 1, 1 + i % 28),
             "amount": Decimal(f"{i}.{i % 100:02d}"), "currency": "CNY", "quantity": 1 + i % 3,
             "product": f"产品 {i}", "status": "Completed"} for i in range(n)]


def test_orders_written_in_bulk_and_one_by_one_read_back_as_given_and_verify(admin):
    # 600 rows take the one-statement insert (BULK_ROWS), 3 the row-by-row one; both
    # build their parameters with the row's number in front and every converted column
    # (dates, amounts, times) one place on.
    customer = records.create_many(admin, "customer", [{"name": "李雷", "email": "li@example.cn"}])[0]["id"]
    for n in (600, 3):
        given = _orders(n, customer)
        made = records._service_create_many(admin, "order", given, token=records._SERVICE, validated=True)
        stored = {r["id"]: r for r in records.list_records(admin, "order")}
        for want, rec in zip(given, made):
            back = stored[rec["id"]]
            for key, value in want.items():
                assert back[key] == value, (key, back[key], value)
            assert back["created_at"] == rec["created_at"] and back["version"] == 1
    result = audit_log.verify(admin)
    assert result.ok, result.problems
