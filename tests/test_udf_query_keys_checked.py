"""A worksheet-function query whose `key:` is no filter, or whose owner, segment, source
or country names nothing there is, is refused naming what there is (closest first),
never answered 0 (try25w: CIMS_COUNT("name:王小明") = 0 while CIMS_COUNT("王小明") = 1).
Text with a colon that is no key (10:30, a URL, a quoted phrase) is still text."""

from __future__ import annotations

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import auth, records, search

from conftest import FAST_KDF, USER_PASSWORD


@pytest.fixture
def shop(admin):
    auth.add_user(admin, "boss", "manager", USER_PASSWORD, kdf=FAST_KDF, display_name="Maria Lopez")
    records.create(admin, "customer", {"name": "王小明", "city": "上海", "segment": "VIP", "owner": "boss",
                                       "source": "Referral", "country": "CN"})
    records.create(admin, "customer", {"name": "Alice Smith", "city": "NYC", "country": "US",
                                       "notes": "call back at 10:30, see https://example.com/a, D:/files"})
    records.create(admin, "customer", {"name": "Zoë Re: Émoji", "city": "Paris"})
    return admin


def _refused(answer) -> str:
    assert isinstance(answer, str) and answer.startswith("#CIMS: "), answer
    return answer


@pytest.mark.parametrize("query, key, first", [
    ("name:王小明", "name", None), ("cty:上海", "cty", "city"), ("foo:bar", "foo", None),
    ("Citi:上海", "Citi", "city"), ("provnce:广东", "provnce", "province"), ("owners:boss", "owners", "owner"),
    ("城市：上海", "城市", None), ("王小明 sgment:VIP", "sgment", "segment"), ("Name: Alice", "Name", None),
])
def test_an_unknown_key_is_refused_naming_the_filters_closest_first(shop, query, key, first):
    for answer in (wf.cims_count(query, session=shop), wf.cims_find(query, session=shop)):
        said = _refused(answer)
        assert f"no filter {key}:" in said
        listed = said.split("(use ", 1)[1]
        assert all(f"{k}:" in listed for k in wf.FIND_FILTERS), said
        if first:
            assert listed.startswith(f"{first}:"), said


def test_only_a_word_and_a_colon_at_a_token_start_is_a_key_so_times_urls_and_quotes_stay_text(shop):
    found = {q: wf.cims_count(q, session=shop) for q in (
        "王小明", "city:上海", "city：上海", "CITY:上海", "owner:boss", "segment:vip", "10:30",
        "https://example.com/a", "D:/files", '"Re: Émoji"', 'city:"NYC" Alice', "country:US")}
    assert found == dict.fromkeys(found, 1)     # the full-width colon of a Chinese keyboard too


@pytest.mark.parametrize("query, said, close", [
    ("owner:bos", "no user 'bos'", "boss"), ("segment:VPI", "no segment 'VPI'", "VIP"),
    ("source:Refferal", "no source 'Refferal'", "Referral"), ("country:Chna", "no country 'Chna'", None),
])
def test_a_closed_filter_value_that_names_nothing_is_refused_naming_close_values(shop, session_as, query, said,
                                                                                  close):
    for answer in (wf.cims_count(query, session=shop), wf.cims_find(query, session=shop)):
        text = _refused(answer)
        assert said in text
        if close:
            assert f"did you mean {close}" in text
    # a value there is that no customer has is a true 0
    session_as("sales", "mei")                    # a user who owns nothing
    assert wf.cims_count("owner:mei", session=shop) == 0
    assert wf.cims_count("segment:Government", session=shop) == 0     # on the list, nobody in it yet
    assert wf.cims_count("country:DE", session=shop) == 0             # a country, nobody there
    assert wf.cims_count("owner:boss city:NYC", session=shop) == 0    # each filter matches someone


def test_customer_search_refuses_an_owner_that_is_no_user_as_the_report_does(shop):
    with pytest.raises(ValidationFailed, match=r"no user 'bos'; did you mean boss\?"):
        search.search_customers(shop, owner="bos")
    assert search.search_customers(shop, owner="BOSS").total == 1
    # a user's display name is that user, as `cims report --owner "Maria Lopez"` takes it
    assert [r["name"] for r in search.search_customers(shop, owner="maria  lopez").rows] == ["王小明"]
    assert wf.cims_count('owner:"Maria Lopez"', session=shop) == 1
