"""The shortcuts that make an import's per-row work cheaper give exactly what the full
paths give (issue 14's speed work): a one-word name has no legal form found by its words,
a placeholder test that skips the punctuation walk and the slash rule for most cells, and
a company name's leading Chinese division looked up once per leading characters."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings, strategies as st

from cims_xl.domain import divisions, legal_forms
from cims_xl.importer.plan import PLACEHOLDERS, is_placeholder

# Words of the forms the word tests look for, and pieces of names around them.
_FORM_PIECES = ["GmbH", "Ltd", "Ltd.", "Inc", "S.A.", "SA", "ООО", "PT", "Cty", "CTCP", "&", "+", "Sons", "Co.",
                "«Ромашка»", "Acme", "Müller", "王伟", "有限", "公司", "株式会社", "(주)", "บริษัท", "จำกัด", ",", ".",
                "-", "_", "Oy", "AG", "KG", "e", "y", "und"]
_GAPS = re.compile(r"[\s,]+")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FORM_PIECES) | st.text(max_size=4), min_size=1, max_size=5))
def test_a_name_of_one_word_has_no_legal_form_by_its_words_so_the_word_tests_are_skipped(pieces):
    text = unicodedata.normalize("NFKC", "".join(pieces)).strip()
    if _GAPS.search(text):
        return
    assert legal_forms._spaced_form(text) is None


def _placeholder_as_before(text: str, words: frozenset[str]) -> bool:
    t = text.strip().casefold()
    if t in words:
        return True
    if not t:
        return False
    if all(unicodedata.category(c)[0] == "P" or c.isspace() for c in t):
        return True
    t = re.sub(r"\s*/\s*", "/", " ".join(t.split()))
    return t in words or (t.endswith(".") and t.rstrip(".") in words)


_CELL_PIECES = sorted(PLACEHOLDERS) + [" ", "/", " / ", ".", "..", "—", "-", "★", "N", "a", "\u3000", "\t", "?", "(",
                                       "user@example.com", "Small Business"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_CELL_PIECES) | st.text(max_size=3), min_size=1, max_size=4))
def test_the_placeholder_test_answers_as_the_full_walk_does(pieces):
    text = "".join(pieces)
    for words in (PLACEHOLDERS, frozenset({"n/a", "none", "-"})):
        assert is_placeholder(text, words) == _placeholder_as_before(text, words)


def _with_division_walk(base: str) -> str:
    canonical, written, lengths = divisions._tables()
    if not base or not divisions._is_han(base[0]):
        return base
    for n in lengths:
        if base[:n] in written:
            full = canonical.get(base[:n])
            rest = base[n:].lstrip()
            return full + rest if full is not None and len(rest) >= 2 and divisions._is_han(rest[0]) else base
    return base


def _without_division_walk(base: str) -> str:
    _canonical, written, lengths = divisions._tables()
    if not base or not divisions._is_han(base[0]):
        return ""
    for n in lengths:
        if base[:n] in written:
            rest = base[n:].lstrip()
            return rest if len(rest) >= 2 and divisions._is_han(rest[0]) else ""
    return ""


_PLACES = sorted(divisions._tables()[1])


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(_PLACES) | st.just(""),
       st.text(alphabet="明达科技市省 林吉京北0a", max_size=5))
def test_a_company_name_s_leading_division_is_read_as_the_full_walk_reads_it(place, rest):
    base = place + rest
    assert divisions.with_division(base) == _with_division_walk(base)
    assert divisions.without_division(base) == _without_division_walk(base)


def _country_code_as_before(value) -> bool:
    from cims_xl.domain import normalize as nz
    from cims_xl.domain.invisible import without_format

    if value is None or (not isinstance(value, str) and nz.is_blank(value)):
        return True
    if not isinstance(value, str):
        return False
    text = nz._PHONE_LABEL.sub("", without_format(nz._nfkc(value)).strip())
    return not text or text.startswith(("+", "00"))


_PHONE_PIECES = ["+", "00", "0", "86", "(", ")", " ", "-", "tel:", "Tel.", "phone", "mobile:", "fax", "电话",
                 "＋", "\u200e", "\u00a0", "\t", "13800138000", "x12", "#", "."]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PHONE_PIECES) | st.text(max_size=3), min_size=0, max_size=5))
def test_whether_a_phone_cell_carries_its_country_code_is_answered_as_the_full_reading_does(pieces):
    from cims_xl.domain import normalize as nz

    text = "".join(pieces)
    assert nz.has_country_code(text) == _country_code_as_before(text)


_POSTALS = ["710088", "SW1A 1AA", "10115", "100-0001", " 200000 ", "", "M5V 2T6", 710088, 710088.0, 10115.5, None]
_CITIES = ["西安", "上海市", "London", "Manchester", "München", "", "  ", "Springfield", None]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["CN", "GB", "DE", "US", "JP", "cn"]),
       st.sampled_from(_CITIES) | st.text(max_size=8),
       st.sampled_from(_POSTALS) | st.text(alphabet="0123456789 ABC-", max_size=9) | st.integers(0, 10**7))
def test_a_record_s_places_weigh_against_a_region_as_the_full_check_weighs_them(region, city, postal):
    from cims_xl.domain import places

    expected = places._against(region, city, postal)
    assert places.against_region(region, city=city, postal_code=postal) == expected
    # asked again (now from the memo), and with the other numeric type of the same code
    assert places.against_region(region, city=city, postal_code=postal) == expected
    if isinstance(postal, int):
        as_float = float(postal)
        assert places.against_region(region, city=city, postal_code=as_float) == places._against(region, city, as_float)


_DATES = ["2024-03-05", "05.03.2024", "03/05/2024", "2023年3月5日", "240305", "1130305", "113/03/05",
          "5 มี.ค. 67", "2567-03-05", "31.02.2024", "9999-12-31", "45000", "1446-01-01", "Mar 5, 2024"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_DATES) | st.text(alphabet="0123456789-./年月日 ", max_size=11),
       st.sampled_from([None, "buddhist", "gregorian", "roc"]), st.sampled_from([None, "YMD", "DMY", "MDY"]),
       st.sampled_from([None, "DMY", "MDY", "YMD"]))
def test_a_date_text_read_once_is_read_as_every_time(text, calendar, compact, order):
    """`models._date` keeps what a date text read as (or why it was refused) per text and
    the field's decided options; the answer is the full reading's, whatever the context."""
    from pydantic_core import PydanticCustomError

    from cims_xl.domain import models

    field = "marketing_consent_at"
    info = models._DateInfo({"calendars": {field: calendar}, "compact_dates": {field: compact},
                             "date_orders": {field: order}}, field)

    def read(fn):
        try:
            return "ok", fn(text, info)
        except (ValueError, PydanticCustomError) as exc:
            return "refused", getattr(exc, "message_template", None) or str(exc)

    full = read(models._date_value)
    assert read(models._date) == full
    assert read(models._date) == full


_SHAPE_CELLS = ["user@example.com", "10.0.0.1", "March", "mars", "3月", "Consumer", "2024-03-05", "+86 138 0013 8000",
                "", "  ", "00:1A:2B:3C:4D:5E", "https://example.com", "Small Business"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_SHAPE_CELLS) | st.text(max_size=6) | st.integers() | st.floats(allow_nan=False)
                | st.none(), max_size=12))
def test_a_column_s_shapes_are_counted_as_each_value_s_full_reading_counts_them(values):
    from cims_xl.importer import own_columns as oc

    got = oc.Shapes()
    want = oc.Shapes()
    for v in values:
        got.add(v)
        s = oc.shape(v)
        if s is not None:
            want.counts[s] = want.counts.get(s, 0) + 1
            if isinstance(v, (int, float)) or not any(ch.isalpha() for ch in str(v)):
                want.letterless += 1
            elif str(v).strip().casefold() in oc.month_names():
                want.months += 1
    assert (got.counts, got.letterless, got.months) == (want.counts, want.letterless, want.months)
