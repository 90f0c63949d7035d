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
