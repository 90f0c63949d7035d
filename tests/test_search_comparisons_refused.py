"""A comparison the query language has not (`country!=GB`, `ltv=>1000`, `created>=…`,
`tickets>0`) and a range written backwards are refused with the form to write, at every
door, never answered with a count of 0 (which reads as an answer)."""

from __future__ import annotations

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records, search


@pytest.fixture
def five(admin):
    made = [records.create(admin, "customer", {"name": n, "country": c, "tags": t})
            for n, c, t in (("Alice Brown", "GB", "vip"), ("Bruno Costa", "PT", None), ("Chen Jing", "CN", None),
                            ("Dana Levi", "IL", None), ("Émile Roux", "FR", None))]
    records.create(admin, "order", {"customer_id": made[0]["id"], "order_date": "2026-11-02", "amount": "1500",
                                    "status": "Paid"})
    return made


@pytest.mark.parametrize("query, says", [
    ("country!=GB", "cannot be negated"), ("tag!=vip", "cannot be negated"), ("country≠GB", "cannot be negated"),
    ("tag<>vip", "cannot be negated"),
    ("ltv=>1000", "ltv>=1000"), ("ltv=<2000", "ltv<=2000"), ("ltv≥1000", "ltv>=1000"), ("ltv!=0", "not equal"),
    ("created>=2026-12-02", "--created-from"), ("created=2026-12-02", "--created-from"),
    ("updated>2026-01-01", "--updated-from"), ("tickets>0", "--open-tickets"),
    ("ltv >= 0", "no spaces"), ("ltv >=1000", "no spaces"), ("Alice ltv <= 5000", "no spaces"),
    ("city>Berlin", "city:Berlin"), ("email=a@example.com", "no filter email"), ("Alice name!=Bob", "no filter name"),
])
def test_a_comparison_the_language_has_not_is_refused_at_the_cli_and_in_the_worksheet(admin, five, run, query, says):
    code, out, err = run("customer", "search", query)
    assert code != 0 and says in err, (code, out, err)
    for answer in (wf.cims_count(query, session=admin), wf.cims_find(query, session=admin)):
        assert isinstance(answer, str) and answer.startswith("#CIMS: "), (query, answer)


@pytest.mark.parametrize("query, found", [
    ("ltv>=1000", 1), ("ltv<=2000 Alice", 1), ("ltv=1500", 1), ("country:GB", 1), ("e=mc2", 0), ("C++", 0),
])
def test_the_comparisons_it_has_and_text_with_signs_still_search(admin, five, query, found):
    assert wf.cims_count(query, session=admin) == found


@pytest.mark.parametrize("args", [
    {"created_from": "2026-12-02", "created_to": "2026-12-01"},
    {"updated_from": "2030-01-02", "updated_to": "2029-12-31"},
    {"ltv_min": "2000", "ltv_max": "1000"},
])
def test_a_range_written_backwards_is_refused_not_answered_with_nothing(admin, five, args):
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        search.search_customers(admin, **args)


def test_a_range_of_one_day_still_finds_that_days_customers(admin, five, run):
    today = records.get(admin, five[0]["id"])["created_at"]
    day = str(today)[:10]
    page = search.search_customers(admin, created_from=day, created_to=day)
    assert page.total == 5
    code, out, err = run("customer", "search", "--created-from", "2026-12-02", "--created-to", "2026-12-01")
    assert code != 0 and "swap" in err


@pytest.mark.parametrize("query, found", [("Alice && Brown", 1), ("Alice & Brown", 1), ("Alice ＆ Bruno", 0)])
def test_ampersands_between_terms_mean_and(admin, five, query, found):
    assert wf.cims_count(query, session=admin) == found


@pytest.mark.parametrize("query", ["Alice | Bruno", "Alice || Bruno", "Alice ｜ Bruno"])
def test_a_bar_between_terms_is_refused_as_or_is_never_counted(admin, five, run, query):
    answer = wf.cims_count(query, session=admin)
    assert isinstance(answer, str) and "no OR/NOT" in answer
    code, out, err = run("customer", "search", query)
    assert code != 0 and "OR" in err
