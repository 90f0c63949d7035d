"""What a user types into a search out of habit means what they meant: a phrase in
quotes ("Acme Ltd", also in typographic quotes) is its words kept together, a `*` at
the start or end of a word is "any more letters" (which a search does anyway), and what
the search cannot do (`*` or `?` inside a word, a quote left open, an empty phrase) is
refused with what to write instead: never searched as literal text that finds nothing.
Through the Python API, the CLI and CIMS_FIND, on a real encrypted store."""

from __future__ import annotations

import json

import pytest

from cims_xl.errors import CimsError, ValidationFailed
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.search import search_customers

PEOPLE = [
    {"name": "Anna Berg", "company": "Acme Ltd"},
    {"name": "Ben Cole", "company": "Ltd Acme Trading"},
    {"name": "Chen Jing", "company": "Acmeco GmbH", "email": "chen.jing@acmeco.de"},
    {"name": "Dora Feld", "company": "Hansa Logistik", "notes": "Re: order 77 delayed"},
    {"name": "王小明", "company": "上海明达科技有限公司"},
    {"name": "Eve Kaya", "phone": "+8613800138000"},
]


@pytest.fixture(params=[0, 80], ids=["few customers", "many customers: the index narrows"])
def people(admin, request):
    filler = [{"name": f"Filler {i}", "city": "Boston", "notes": "plain text"} for i in range(request.param)]
    records.create_many(admin, "customer", PEOPLE + filler)
    return admin


def _names(session, text: str) -> set[str]:
    return {c["name"] for c in search_customers(session, text, limit=500).rows}


@pytest.mark.parametrize("asked, found", [
    ('"Acme Ltd"', {"Anna Berg"}), ("\u201cAcme Ltd\u201d", {"Anna Berg"}), ("\u201eAcme  Ltd\u201c", {"Anna Berg"}),
    ('"Ltd Acme"', {"Ben Cole"}),
    ('"Re: order"', {"Dora Feld"}), ('"明达科技"', {"王小明"}), ('"Hansa" Logistik', {"Dora Feld"}),
    ('"chen.jing@acmeco.de"', {"Chen Jing"}), ('"+86 138 0013 8000"', {"Eve Kaya"}),
])
def test_a_phrase_in_quotes_is_its_words_kept_together(people, asked, found):
    assert _names(people, asked) == found


@pytest.mark.parametrize("asked, found", [
    ("Acme*", {"Anna Berg", "Ben Cole", "Chen Jing"}), ("*acme", {"Anna Berg", "Ben Cole", "Chen Jing"}),
    ("*Logist*", {"Dora Feld"}), ("Acmeco* GmbH", {"Chen Jing"}), ("明达*", {"王小明"}),
])
def test_a_star_at_the_start_or_end_of_a_word_finds_what_the_word_finds(people, asked, found):
    assert _names(people, asked) == found


def test_a_star_alone_finds_every_customer(people):
    assert _names(people, "*") == _names(people, "")


@pytest.mark.parametrize("asked", ["Ac*e", "Acm?", "A?me Ltd", "Han*a Logistik", '"Acme', 'Acme "Ltd', '""',
                                   '"  "'])
def test_what_a_search_cannot_do_is_refused_saying_what_to_write(people, asked):
    with pytest.raises(ValidationFailed) as err:
        search_customers(people, asked)
    message = str(err.value.problems["Search"])
    assert "quote" in message or "part of a word" in message


def test_a_question_mark_in_quotes_is_searched_as_written(admin):
    records.create(admin, "customer", {"name": "Who Knows", "notes": "paid? ask A?B"})
    assert _names(admin, '"A?B"') == {"Who Knows"}
    assert _names(admin, '"paid?"') == {"Who Knows"}


def test_the_cli_reads_quotes_and_stars_and_refuses_a_wildcard_inside_a_word(people, run):
    code, out, _err = run("customer", "search", '"Acme Ltd"', "--format", "json")
    assert code == 0 and [c["name"] for c in json.loads(out)["rows"]] == ["Anna Berg"]
    code, out, _err = run("customer", "search", "Acme*", "--format", "json")
    assert code == 0 and {c["name"] for c in json.loads(out)["rows"]} == {"Anna Berg", "Ben Cole", "Chen Jing"}
    code, out, err = run("customer", "search", "Ac*e")
    assert code != 0 and "part of a word" in (out + err)


def test_cims_find_keeps_a_quoted_phrase_together(people):
    assert wf.cims_count('"Acme Ltd"', session=people) == 1
    assert wf.cims_count("Acme Ltd", session=people) == 2
    assert wf.cims_count("Acme*", session=people) == 3
    with pytest.raises(CimsError):
        wf._search(wf._cache(people), "Ac*e", 10)
