"""Cell values <-> stored values, and fingerprints that do not depend on the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims_xl.excel.sheet_codec import (Uncomputed, canonical, display, fingerprint, from_cell,
                                       is_risky_text, same, to_cell)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_int_read_back_as_a_float_is_the_same_value():
    assert same(3, 3.0)
    assert fingerprint([3, "a"]) == fingerprint([3.0, "a"])


def test_a_date_read_back_as_a_midnight_datetime_is_the_same_value():
    assert same(dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 0, 0))


def test_excel_millisecond_noise_on_a_datetime_does_not_change_the_fingerprint():
    written = dt.datetime(2024, 5, 1, 10, 20, 30)
    read_back = dt.datetime(2024, 5, 1, 10, 20, 29, 999_600)
    assert fingerprint([written]) == fingerprint([read_back])


def test_blank_and_empty_text_are_the_same_but_a_space_is_a_change():
    assert same(None, "")
    assert not same(None, " ")


def test_money_written_as_a_float_reads_back_to_the_same_fingerprint():
    stored = Decimal("1234567.8912")
    assert same(to_cell("money", stored, SHANGHAI), 1234567.8912)
    assert same(12.34, Decimal("12.3400"))


def test_text_and_a_number_with_the_same_digits_differ():
    assert not same("5", 5)


def test_a_bool_field_is_shown_as_yes_or_no_like_its_drop_down():
    assert to_cell("bool", True, SHANGHAI) == "Yes"
    assert to_cell("bool", False, SHANGHAI) == "No"


def test_a_stored_utc_time_is_shown_as_local_wall_clock_time():
    stored = dt.datetime(2024, 5, 1, 2, 0, tzinfo=dt.timezone.utc)
    assert to_cell("datetime", stored, SHANGHAI) == dt.datetime(2024, 5, 1, 10, 0)


def test_a_phone_typed_into_a_general_cell_is_read_as_its_digits():
    assert from_cell("phone", 13800138000.0) == "13800138000"


def test_a_date_cell_is_read_as_a_date_for_a_date_field():
    assert from_cell("date", dt.datetime(2024, 5, 1)) == dt.date(2024, 5, 1)


def test_an_amount_cell_is_read_as_the_decimal_excel_shows():
    assert from_cell("money", 12.34) == Decimal("12.34")


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_recognised_as_risky(text):
    assert is_risky_text(text)


@pytest.mark.parametrize("text", ["", "Alice", "1+1", "a=b", " =1"])
def test_ordinary_text_is_not_risky(text):
    assert not is_risky_text(text)


def test_an_uncalculated_formula_never_equals_its_text():
    assert not same(Uncomputed("=1+1"), "=1+1")


def test_display_shortens_long_values_and_names_blanks():
    assert display(None) == "blank"
    assert display("x" * 100).endswith("…") and len(display("x" * 100)) == 40
    assert display(Decimal("12.5000")) == "12.5"


values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=20),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)).map(lambda d: d.replace(microsecond=0)),
)


@given(values)
def test_canonical_is_the_same_for_the_value_as_either_engine_reads_it_back(value):
    as_xlwings = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        as_xlwings = dt.datetime(value.year, value.month, value.day)
    assert canonical(value) == canonical(as_xlwings)


@given(st.lists(values, max_size=6), st.lists(values, max_size=6))
def test_different_rows_have_different_fingerprints(a, b):
    if [canonical(v) for v in a] != [canonical(v) for v in b]:
        assert fingerprint(a) != fingerprint(b)


def test_values_containing_separators_cannot_imitate_another_row():
    assert fingerprint(["a\x1f", None]) != fingerprint(["a", "\x1f"])
    assert fingerprint(["ab", ""]) != fingerprint(["a", "b"])
