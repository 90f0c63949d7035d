"""Stop 27: the rows a cims writer validated itself (an import's chunk, `validated=True`)
have their value types checked column by column for the whole chunk at once
(`models.written_types_hold`, C loops) instead of value by value in every row
(`check_written_types`, still run row by row whenever the chunk is not plainly right,
so a problem is named as before)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cims_xl.domain import models
from cims_xl.domain.pipeline import LEFT_EMPTY
from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import ValidationFailed
from cims_xl.importer import import_file
from cims_xl.services import audit_log, records


class _Text(str):
    pass


# Values a written row may hold, right or wrong for its field: text (and a subclass of
# it), numbers at and past 64 bits, bools, NaN and infinities, dates and times, a
# strict list's values and others, the import's LEFT_EMPTY, containers, bytes. A column
# mostly draws from one of them (as a chunk's columns are), now and then from any.
_STYLES = [
    st.just(LEFT_EMPTY), st.text(max_size=4), st.builds(_Text, st.text(max_size=3)),
    st.integers(-2**64, 2**64), st.sampled_from([2**63 - 1, 2**63, -2**63, -2**63 - 1]), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([Decimal("NaN"), Decimal("-Infinity")]),
    st.decimals(allow_nan=False, allow_infinity=False, places=2), st.integers(-10**6, 10**6),
    st.dates(), st.datetimes(), st.sampled_from(["Person", "Company", "Won", "Open", "Consumer", "x"]),
    st.just(b"ab"), st.just({"a": 1}), st.just([1])]
_VALUE = st.one_of(st.none(), *_STYLES)


@st.composite
def _chunk(draw):
    kind = draw(st.sampled_from(sorted(ENTITIES)))
    ent = ENTITIES[kind]
    keys = draw(st.lists(st.sampled_from([f.key for f in ent.fields] + ["id", "not_a_field"]),
                         min_size=0, max_size=8, unique=True))
    n = draw(st.integers(1, 5))
    style = {k: st.one_of(st.none(), draw(st.sampled_from(_STYLES))) for k in keys}
    rows = [{k: draw(_VALUE if draw(st.integers(0, 9)) == 0 else style[k]) for k in keys} for _ in range(n)]
    if rows and keys and draw(st.booleans()):
        rows[-1] = dict(reversed(list(rows[-1].items())))      # same keys, other order
    if len(rows) > 1 and keys and draw(st.integers(0, 5)) == 0:
        rows[draw(st.integers(0, len(rows) - 1))].pop(draw(st.sampled_from(keys)))   # a row lacking a key
    return ent, rows


def _each_row_passes(ent, rows) -> bool:
    try:
        for r in rows:
            models.check_written_types(ent, r)
    except ValidationFailed:
        return False
    return True


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_chunk())
def test_a_chunk_passes_at_once_only_when_every_row_passes_on_its_own(chunk):
    ent, rows = chunk
    if models.written_types_hold(ent, rows):
        assert _each_row_passes(ent, rows)


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 6), st.data())
def test_rows_of_right_values_pass_at_once(n, data):
    """What validation gives (the shortcut must fire on it, or it saves nothing)."""
    ent = ENTITIES["order"]
    rows = [{"order_number": data.draw(st.text(min_size=1, max_size=5)), "customer_id": "C-000001",
             "order_date": data.draw(st.dates()), "amount": data.draw(st.decimals(
                 min_value=0, max_value=10**9, places=2)), "quantity": data.draw(st.integers(0, 10**6)),
             "currency": "EUR", "status": data.draw(st.sampled_from(ENTITIES["order"].field("status").choices)),
             "product": None} for _ in range(n)]
    assert models.written_types_hold(ent, rows)
    assert _each_row_passes(ent, rows)


@pytest.mark.parametrize("field, bad, said", [
    ("amount", float("nan"), "not finite"), ("amount", Decimal("Infinity"), "not finite"),
    ("quantity", True, "True/False"), ("quantity", 2**63, "too large"), ("quantity", b"1", "bytes"),
    ("status", "Lost in the post", "not one of its values"),
])
def test_one_bad_value_in_a_chunk_is_named_as_row_by_row(admin, field, bad, said):
    rows = [{"order_number": f"A-{i}", "customer_id": None, "order_date": dt.date(2024, 1, 2),
             "amount": Decimal("12.50"), "quantity": 1, "currency": "EUR", "status": "Shipped"}
            for i in range(40)]
    rows[27][field] = bad
    assert not models.written_types_hold(ENTITIES["order"], rows)
    with pytest.raises(ValidationFailed) as caught:
        records._service_create_many(admin, "order", rows, token=records._SERVICE, validated=True)
    assert said in str(caught.value.problems)
    assert records.list_records(admin, "order") == []


def test_an_import_checks_its_chunks_types_at_once_and_stores_the_rows(tmp_path, admin, monkeypatch):
    calls = []
    real = models.check_written_types
    monkeypatch.setattr(models, "check_written_types", lambda ent, values: (calls.append(1), real(ent, values)))
    people = [{"Name": n, "Email": f"p{i}@example.org", "City": c, "Segment": s}
              for i, (n, c, s) in enumerate(zip(["王芳", "Jörg Weiß", "Ana Lima", "Иван Петров"] * 150,
                                                ["北京", "Köln", "Lisboa", "Москва"] * 150,
                                                ["Consumer", "Corporate", "Home Office", "Consumer"] * 150))]
    path = tmp_path / "people.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(people[0]))
        w.writeheader()
        w.writerows(people)
    assert import_file(admin, path, kind="customers", chunk_rows=250).created == 600
    assert calls == []          # no row checked on its own: each chunk at once
    stored = {r["email"]: (r["name"], r["city"], r["segment"]) for r in records.list_records(admin, "customer")}
    assert stored == {p["Email"]: (p["Name"], p["City"], p["Segment"]) for p in people}
    assert audit_log.verify(admin).ok
