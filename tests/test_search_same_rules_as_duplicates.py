"""Search reads an email address and a name by the rules the duplicate check reads them:
a Gmail mailbox written another way (dots, a +tag, capitals, googlemail.com) is the same
mailbox (`customer add` refuses it as "this mailbox, written another way", so search
finds it), and a name with or without the marks of its Latin letters is the same name
(the duplicate check takes "José" for "Jose"; the erase takes "Mueller" for "Müller").
Checked through the Python API, the CLI and CIMS_FIND, on a real encrypted store, with
few customers and with enough that the trigram index narrows first."""

from __future__ import annotations

import json

import pytest

from cims_xl.errors import Conflict
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.merge import merge_customers
from cims_xl.services.search import search_customers

PEOPLE = [
    {"name": "Zhang Wei", "email": "zhang.wei+shop@gmail.com"},
    {"name": "Olga Petrova", "email": "o.petrova@googlemail.com"},
    {"name": "Sam Dot", "email": "sam.dot@example.com"},
    {"name": "José Álvarez", "city": "Sevilla"},
    {"name": "Luc Müller", "company": "Müller & Söhne"},
    {"name": "Karl Mueller"},
    {"name": "Ana Muller"},
    {"name": "Zoë Brontë", "notes": "prefers calls"},
    {"name": "François Lefèvre", "city": "Besançon"},
    {"name": "Łukasz Wróbel"},
    {"name": "Nguyễn Văn An"},
]


@pytest.fixture(params=[0, 80], ids=["few customers", "many customers: the index narrows"])
def people(admin, request):
    filler = [{"name": f"Filler {i}", "city": "Boston", "notes": "plain text"} for i in range(request.param)]
    records.create_many(admin, "customer", PEOPLE + filler)
    return admin


def _names(session, text: str) -> set[str]:
    return {c["name"] for c in search_customers(session, text, limit=500).rows}


@pytest.mark.parametrize("asked, found", [
    ("zhangwei@gmail.com", {"Zhang Wei"}), ("Zhang.Wei@gmail.com", {"Zhang Wei"}),
    ("ZHANGWEI+other@GMAIL.COM", {"Zhang Wei"}), ("zhang.wei@googlemail.com", {"Zhang Wei"}),
    ("z.h.a.n.g.w.e.i@gmail.com", {"Zhang Wei"}), ("opetrova@gmail.com", {"Olga Petrova"}),
    ("O.Petrova+news@googlemail.com", {"Olga Petrova"}),
])
def test_a_gmail_mailbox_written_another_way_is_found_as_the_duplicate_check_reads_it(people, asked, found):
    assert _names(people, asked) == found


@pytest.mark.parametrize("asked", ["zhangwe@gmail.com", "zhangwei@example.com", "samdot@example.com",
                                   "zhang.wei.x@gmail.com"])
def test_only_gmail_ignores_dots_and_tags_another_mailbox_is_not_found(people, asked):
    # only Gmail ignores dots and +tags; another provider's dot is another mailbox
    assert _names(people, "zhangwei@gmail.com") == {"Zhang Wei"}
    assert _names(people, asked) == set()
    assert _names(people, "SAM.DOT@example.com") == {"Sam Dot"}


def test_every_address_customer_add_refuses_as_the_same_mailbox_search_finds(people):
    for typed in ("zhangwei@gmail.com", "Zhang.Wei@gmail.com", "zhang.wei+x@googlemail.com"):
        with pytest.raises(Conflict, match="written another way"):
            records.create_customer(people, {"name": "Someone", "email": typed})
        assert _names(people, typed) == {"Zhang Wei"}


@pytest.mark.parametrize("asked, found", [
    ("Alvarez", {"José Álvarez"}), ("jose alvarez", {"José Álvarez"}), ("JOSE", {"José Álvarez"}),
    ("Muller", {"Luc Müller", "Ana Muller"}), ("Mueller", {"Luc Müller", "Karl Mueller"}),
    ("Müller", {"Luc Müller", "Karl Mueller", "Ana Muller"}), ("MULLER", {"Luc Müller", "Ana Muller"}),
    ("sohne", {"Luc Müller"}), ("soehne", {"Luc Müller"}),
    ("Zoe Bronte", {"Zoë Brontë"}), ("bronte", {"Zoë Brontë"}),
    ("Francois Lefevre", {"François Lefèvre"}), ("besancon", {"François Lefèvre"}),
    ("Lukasz", {"Łukasz Wróbel"}), ("wrobel", {"Łukasz Wróbel"}),
    ("nguyen van", {"Nguyễn Văn An"}), ("Nguyen", {"Nguyễn Văn An"}),
])
def test_a_name_is_found_with_or_without_the_marks_of_its_latin_letters(people, asked, found):
    assert _names(people, asked) == found


@pytest.mark.parametrize("asked", ["Alvarezz", "Wrobels", "Brontes", "Lukaszx"])
def test_a_word_that_is_not_there_once_marks_are_off_still_finds_nothing(people, asked):
    assert _names(people, asked[:-1]) != set()       # the word itself is found without its marks
    assert _names(people, asked) == set()


def test_the_cli_and_cims_find_apply_the_same_rules(people, run):
    code, out, _err = run("customer", "search", "Zhang.Wei@gmail.com", "--format", "json")
    assert code == 0 and [c["name"] for c in json.loads(out)["rows"]] == ["Zhang Wei"]
    code, out, _err = run("customer", "search", "Mueller", "--format", "json")
    assert code == 0 and {c["name"] for c in json.loads(out)["rows"]} == {"Luc Müller", "Karl Mueller"}
    assert wf.cims_count("Alvarez", session=people) == 1
    assert wf.cims_count("zhangwei@gmail.com", session=people) == 1


def test_a_merged_away_customers_gmail_address_finds_the_kept_one_written_another_way(admin):
    kept = records.create(admin, "customer", {"name": "Wang Fang"})
    gone = records.create(admin, "customer", {"name": "Fang Wang", "email": "wang.fang+crm@gmail.com"})
    merge_customers(admin, kept["id"], gone["id"])
    assert _names(admin, "wangfang@gmail.com") == {"Wang Fang"}
    assert _names(admin, "Wang.Fang@googlemail.com") == {"Wang Fang"}
