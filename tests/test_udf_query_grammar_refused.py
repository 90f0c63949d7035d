"""Query grammar CIMS_FIND/CIMS_COUNT do not have is refused, never counted as words
(try25z: CIMS_COUNT("-segment:VIP"), "NOT segment:VIP" and "segment=VIP" gave 0; "segment:VIP
OR city:Paris" gave 1 because "OR" matched "Re: Order Ltd"; "ltv>= 5" got a garbled hint).
Terms are combined with AND; words that only look like operators stay text."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records


@pytest.fixture
def shop(admin):
    records.create(admin, "customer", {"name": "Re: Order Ltd", "city": "Paris", "segment": "VIP"})
    records.create(admin, "customer", {"name": "Smith-Jones", "city": "Portland", "province": "OR"})
    records.create(admin, "customer", {"name": "王小明", "city": "上海"})
    return admin


@pytest.mark.parametrize("query, said", [
    ("-segment:VIP", "cannot be negated"), ("!city:Paris", "cannot be negated"),
    ("NOT segment:VIP", "no OR/NOT"), ("segment:VIP OR city:Paris", "no OR/NOT"),
    ("segment=VIP", "write it with a colon, segment:VIP"),
    ("City=Paris", "write it with a colon, city:Paris"), ("ltv>= 5", "no space, e.g. ltv>=1000"),
    ("ltv<= 9.77", "no space, e.g. ltv<=1000"),
])
def test_a_term_in_a_grammar_the_functions_do_not_have_is_refused_never_counted(shop, query, said):
    for answer in (wf.cims_count(query, session=shop), wf.cims_find(query, session=shop)):
        assert isinstance(answer, str) and answer.startswith("#CIMS: ") and said in answer, (query, answer)


def test_the_refused_ltv_hint_names_the_bound_as_it_must_be_written(shop):
    answer = wf.cims_count("ltv>= 5", session=shop)
    assert "ltv>==" not in answer and "ltv>=1000" in answer


@pytest.mark.parametrize("query, count", [
    ("Smith-Jones", 1), ("province:OR", 1), ("city:Paris segment:VIP", 1),
    ("王小明 AND city:上海", 1),     # AND between two terms is what side by side means (fix27b)
    ("ltv>=0", 3),                  # no orders: a lifetime value of 0
])
def test_words_that_only_look_like_grammar_stay_text_or_filters(shop, query, count):
    assert wf.cims_count(query, session=shop) == count, query


def test_an_operator_word_alone_is_text_as_its_quoted_phrase_is(shop):
    alone = wf.cims_count("OR", session=shop)
    assert isinstance(alone, int) and alone >= 1
    assert alone == wf.cims_count('"OR"', session=shop)
