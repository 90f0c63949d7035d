"""Worksheet functions never give an answer that looks real and is not: a list cut at its
limit says so in its last row; a search a role may not make is refused (a #CIMS text,
never a 0 or an empty table); an id of another kind is named as such, not an internal
error; a blank cell gives a blank cell in every function that takes an id."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records


@pytest.fixture
def people(admin):
    ids = [records.create(admin, "customer", {"name": n, "email": e, "city": c, "segment": "VIP"})["id"]
           for n, e, c in (("Alice Wang", "alice@example.cn", "Shanghai"), ("Bob Li", "bob@example.cn", "Beijing"),
                           ("Алиса Петрова", "alisa@example.ru", "Moskva"))]
    order = records.create(admin, "order", {"customer_id": ids[0], "order_date": "2026-01-05", "amount": "10"})
    deal = records.create(admin, "opportunity", {"customer_id": ids[0], "name": "Deal", "amount": "100"})
    ticket = records.create(admin, "ticket", {"customer_id": ids[0], "subject": "Printer"})
    return ids, {"order": order["id"], "opportunity": deal["id"], "ticket": ticket["id"]}


def _refused(value) -> bool:
    return isinstance(value, str) and value.startswith("#CIMS: ") and "internal error" not in value


def test_a_find_cut_at_its_limit_says_so_in_its_last_row(admin):
    records.create_many(admin, "customer", [{"name": f"Kunde {i:04d}", "city": "Wuhan"}
                                            for i in range(wf.FIND_LIMIT + 7)])
    total = wf.cims_count("", session=admin)
    table = wf.cims_find("", "ID,Name", session=admin)
    assert total == wf.FIND_LIMIT + 7
    assert len(table) == 1 + wf.FIND_LIMIT + 1
    assert table[-1][0] == f"… {wf.FIND_LIMIT:,} of {total:,} shown: narrow the query" and table[-1][1] == ""
    assert all(row[0].startswith("C-") for row in table[1:-1])
    assert len(wf.cims_find("city:Wuhan Kunde 0001", "ID", session=admin)) == 2     # all shown: no marker


@pytest.mark.parametrize("limit", [1, 2])
def test_a_smaller_limit_marks_its_last_row_the_same_way(admin, people, monkeypatch, limit):
    monkeypatch.setattr(wf, "FIND_LIMIT", limit)
    table = wf.cims_find("segment:VIP", session=admin)
    assert len(table) == 1 + limit + 1 and table[-1][0] == f"… {limit:,} of 3 shown: narrow the query"
    assert len(table[-1]) == len(table[0])


@pytest.mark.parametrize("query", ["alice", "Алиса", "alice@example.cn", "Wang", "+86 138 0013 8000", "上海"])
def test_a_viewers_free_text_search_is_refused_never_a_zero(admin, people, session_as, query):
    viewer = session_as("viewer", "guest")
    count = wf.cims_count(query, session=viewer)
    found = wf.cims_find(query, "ID,City", session=viewer)
    assert _refused(count) and "personal data" in count, count
    assert _refused(found) and "personal data" in found, found
    assert isinstance(wf.cims_count(query, session=admin), int)                 # admin: a number
    # the filters a viewer may use still count and list
    assert wf.cims_count("city:Shanghai", session=viewer) == 1
    assert wf.cims_count("segment:VIP", session=viewer) == 3
    assert [r[0] for r in wf.cims_find("segment:VIP", "ID,City", session=viewer)[1:]] == sorted(people[0])


@pytest.mark.parametrize("kind,label", [("order", "an order"), ("opportunity", "an opportunity"),
                                        ("ticket", "a ticket")])
def test_360_and_ltv_of_another_kinds_id_say_it_is_not_a_customer_id(admin, people, kind, label):
    rid = people[1][kind]
    for got in (wf.cims_360(rid, session=admin), wf.cims_ltv(rid, session=admin)):
        assert got == f"#CIMS: {rid} is {label} id, not a customer id (e.g. C-000123)", got


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_id_gives_a_blank_cell_in_every_function_that_takes_one(admin, people, blank):
    assert wf.cims_get(blank, "Name", session=admin) == ""
    assert wf.cims_ltv(blank, session=admin) == ""
    assert wf.cims_360(blank, session=admin) == ""
