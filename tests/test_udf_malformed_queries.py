"""A CIMS_FIND / CIMS_COUNT query that cannot mean what it says is refused with a
message, never read as a search that matches nothing (prob24: CIMS_COUNT('tag:') and
CIMS_COUNT('"') gave 0, which looks like an answer). Well-formed queries, an apostrophe
in a name and a quoted phrase among them, still find what they name."""

from __future__ import annotations

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records


@pytest.fixture
def shop(admin):
    records.create(admin, "customer", {"name": "Acme \"Best\" Inc", "city": "New York", "tags": "vip"})
    records.create(admin, "customer", {"name": "Seán O'Brien", "city": "Dublin"})
    records.create(admin, "customer", {"name": "王芳", "city": "上海", "segment": "VIP"})
    return admin


@pytest.mark.parametrize("query, said", [
    ("tag:", "tag: has no value"), ("TAG:", "TAG: has no value"), ("tag: vip", "tag: has no value"),
    ("city:", "city: has no value"), ("上海 segment:", "segment: has no value"), ("owner:  ", "owner: has no value"),
    ('"', "a quote is left open"), ('"New York', "a quote is left open"), ('tag:vip "Acme', "a quote is left open"),
    ('""', "an empty quoted phrase"), ('Acme ""', "an empty quoted phrase"),
])
def test_a_malformed_query_is_refused_by_count_and_find_naming_what_is_wrong(shop, query, said):
    for answer in (wf.cims_count(query, session=shop), wf.cims_find(query, session=shop)):
        assert isinstance(answer, str) and answer.startswith("#CIMS: ") and said in answer, answer
        assert len(answer) < 100
    # the same query written right finds its customers
    assert wf.cims_count("tag:vip", session=shop) == 1
    assert wf.cims_count('"New York"', session=shop) == 1
    assert wf.cims_count("O'Brien", session=shop) == 1
    assert wf.cims_count("上海 segment:VIP", session=shop) == 1
    assert wf.cims_count("", session=shop) == 3
