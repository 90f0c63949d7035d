"""The bulk writes' JSON text (cims_xl/json_text.py): orjson where it writes what the
standard encoder would, the standard encoder for everything else."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cims_xl.json_text import compact_encoder

STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str).encode
FAST = compact_encoder(default=str)

# What a stored record holds: text (any Unicode, lone surrogates too: a file's bytes
# decoded with surrogateescape), integers of any size, None, and lists/dicts of them.
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(blacklist_categories=())),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_fast_text_reads_back_as_the_standard_encoders_does(value):
    assert json.loads(FAST(value)) == json.loads(STANDARD(value))


def test_text_orjson_cannot_write_is_written_by_the_standard_encoder():
    for value in ({"name": "bad \udc80 byte"}, [2 ** 70, -(2 ** 65)], {1: "a", None: "b"},
                  {"amount": Decimal("12.50"), "at": dt.datetime(2024, 3, 5, 9, 30)},
                  {"day": dt.date(2024, 3, 5)}):
        assert FAST(value) == STANDARD(value)


def test_a_datetime_is_written_as_the_standard_encoder_writes_it_not_as_rfc_3339():
    at = dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.timezone.utc)
    assert FAST({"at": at}) == '{"at":"2024-03-05 09:30:00+00:00"}'


def test_an_encoder_without_a_default_refuses_what_the_standard_one_refuses():
    strict = compact_encoder()
    try:
        strict({"x": object()})
    except TypeError as exc:
        assert "not JSON serializable" in str(exc)
    else:
        raise AssertionError("an object was written")


def test_text_outside_ascii_is_written_as_utf8_characters_not_escapes():
    assert FAST({"name": "王伟 — José"}) == '{"name":"王伟 — José"}'
