"""Search words that would silently match nothing are read as meant or refused in words
(try26y items 6, 9): `Smith -Jones`, `Boston !Smith`, `Smith +Boston` gave 0 rows with no
message at the CLI and in CIMS_COUNT; `Smith, John` gave 0 where `Smith John` finds him;
`Smith AND Boston` was refused though side by side the words mean the same; `Re: order`
and `Note: call` were refused as unknown filters. The rule: punctuation at a word's edge
is no part of the word; AND between two terms is the conjunction side by side means; a
word negated (- or !) or marked + is refused, saying what works; a word whose colon has
a space after it is text, unless it names a customer field or a filter ("Name: Alice",
"tag: vip"); a colon with the value right after it is a filter."""

from __future__ import annotations

import json

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records


@pytest.fixture
def shop(admin):
    records.create_many(admin, "customer", [
        {"name": "John Smith", "city": "Boston", "notes": "Re: order of May, Note: call on Friday"},
        {"name": "Mary Jones", "city": "Boston"},
        {"name": "Jones Smith", "city": "Denver"},
        {"name": "Anna Müller", "company": "Müller (Bau) GmbH", "city": "Berlin"},
        {"name": "王小明", "city": "上海", "notes": "备注：周五回电"},
    ])
    return admin


def _cli_names(run, query) -> set[str]:
    code, out, err = run("--format", "json", "customer", "search", "--", query)
    assert code == 0, err
    return {r["name"] for r in json.loads(out)["rows"]}


def _cli_refusal(run, query) -> str:
    code, out, err = run("--format", "json", "customer", "search", "--", query)
    assert code != 0 and not out.strip(), (query, out)
    return err


@pytest.mark.parametrize("query, found", [
    ("Smith, John", {"John Smith"}), ("John, Smith.", {"John Smith"}), ("(Müller)", {"Anna Müller"}),
    ("Müller; Bau", {"Anna Müller"}), ("Smith,", {"John Smith", "Jones Smith"}), ("王小明，", {"王小明"}),
    ("「王小明」", {"王小明"}), ("Boston.", {"John Smith", "Mary Jones"}),
])
def test_punctuation_at_a_words_edge_is_no_part_of_the_word(run, shop, query, found):
    assert _cli_names(run, query) == found, query
    assert wf.cims_count(query, session=shop) == len(found), query


def test_and_between_two_terms_means_what_writing_them_side_by_side_means(run, shop):
    for query, found in (("Smith AND Boston", {"John Smith"}), ("Smith AND city:Denver", {"Jones Smith"}),
                         ("王小明 AND city:上海", {"王小明"}), ("Jones AND Smith AND Denver", {"Jones Smith"})):
        assert _cli_names(run, query) == found, query
        assert wf.cims_count(query, session=shop) == len(found), query
    for query in ("AND Smith", "Smith AND"):         # AND joining nothing is refused, never dropped
        assert "joins two terms" in _cli_refusal(run, query)
        assert "joins two terms" in wf.cims_count(query, session=shop)
    for query in ("Smith OR Jones", "NOT Jones"):    # OR and NOT are still no part of the language
        assert "no OR/NOT" in _cli_refusal(run, query)


@pytest.mark.parametrize("query, said", [
    ("Smith -Jones", "cannot leave a word out"), ("Boston !Smith", "cannot leave a word out"),
    ("Smith −Jones", "cannot leave a word out"), ("Smith +Boston", "write Boston without the +"),
    ("-Jones", "cannot leave a word out"), ("王小明 -李华", "cannot leave a word out"),
])
def test_a_negated_or_plus_marked_word_is_refused_saying_what_works_at_every_door(run, shop, query, said):
    err = _cli_refusal(run, query)
    assert said in err and "CIMS_COUNT" not in err, err
    counted = wf.cims_count(query, session=shop)
    assert isinstance(counted, str) and counted.startswith("#CIMS") and said in counted, counted
    found = wf.cims_find(query, session=shop)
    assert isinstance(found, str) and said in found, found


def test_only_a_negated_word_is_refused_a_quoted_or_inner_hyphen_or_a_number_is_searched(run, shop):
    records.create(shop, "customer", {"name": "Smith-Jones Ltd", "phone": "+86 138 0013 8000",
                                      "notes": "code -Jones7"})
    assert "cannot leave a word out" in _cli_refusal(run, "Smith -Jones7")
    # a quoted phrase is text as written, a hyphen inside a word is part of it; numbers keep their sign
    assert _cli_names(run, '"-Jones7"') == {"Smith-Jones Ltd"}
    assert _cli_names(run, "Smith-Jones") == {"Smith-Jones Ltd"}
    assert _cli_names(run, "+86 138 0013 8000") == {"Smith-Jones Ltd"}
    # a number, an email or an id with a comma after it is still that number, email or id
    assert _cli_names(run, "+86 138 0013 8000,") == {"Smith-Jones Ltd"}
    assert _cli_names(run, "138 0013 8000.") == {"Smith-Jones Ltd"}
    made = records.create(shop, "customer", {"name": "Eve Example", "email": "eve@example.com"})
    assert _cli_names(run, "eve@example.com,") == {"Eve Example"}
    assert _cli_names(run, made["id"] + ",") == {"Eve Example"}


def test_a_word_whose_colon_has_a_space_after_it_is_text_unless_it_names_a_field(run, shop):
    for query in ("Re: order", "Note: call", "备注： 周五"):
        found = {"王小明"} if query.startswith("备注") else {"John Smith"}
        assert _cli_names(run, query) == found, query
        assert wf.cims_count(query, session=shop) == 1, query
    # a customer field's name or a filter (mistyped or its value cut off) is still refused
    for query, said in (("Name: Alice", "no filter Name:"), ("cty: Boston", "no filter cty:"),
                        ("tag: vip", "has no value"), ("Re:order", "no filter Re:"),
                        ("email: a@b.example", "no filter email:")):
        assert said in _cli_refusal(run, query), query
        assert said in wf.cims_count(query, session=shop), query
