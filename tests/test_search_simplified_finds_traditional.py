"""A search typed in Simplified Chinese finds text stored in Traditional, as one typed in
Traditional already found text stored in Simplified (search26). The term's Traditional
writings (OpenCC s2t, s2tw, s2hk) are compared as written and asked of the trigram
index; names, companies, cities and provinces, free text and filters."""

from __future__ import annotations

import json

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.search import search_customers

STORED = [
    {"name": "陳大文", "company": "香港發展有限公司", "city": "臺北市"},
    {"name": "王曉明", "company": "廣州貿易公司", "city": "廣州"},
    {"name": "李小龍", "city": "香港"},
]


def test_a_simplified_term_finds_text_stored_in_traditional_and_the_reverse(admin, run):
    made = records.create_many(admin, "customer", STORED)
    ids = {r["name"]: r["id"] for r in made}
    for typed, name in (("陈大文", "陳大文"), ("王晓明", "王曉明"), ("晓明", "王曉明"), ("发展有限", "陳大文"),
                        ("广州贸易", "王曉明"), ("台北", "陳大文"), ("李小龙", "李小龍")):
        assert [r["id"] for r in search_customers(admin, typed).rows] == [ids[name]], typed
        assert wf.cims_count(typed, session=admin) == 1, typed
        code, out, err = run("--format", "json", "customer", "search", typed)
        assert code == 0 and [r["name"] for r in json.loads(out)["rows"]] == [name], (typed, err)
    # typed as stored, and in Traditional, still find it; other text does not
    assert [r["name"] for r in search_customers(admin, "陳大文").rows] == ["陳大文"]
    assert search_customers(admin, "陈小文").total == 0


def test_a_city_filter_typed_in_simplified_finds_the_city_stored_in_traditional(admin):
    made = records.create_many(admin, "customer", STORED)
    assert [r["id"] for r in search_customers(admin, city="广州").rows] == [made[1]["id"]]
    assert [r["id"] for r in search_customers(admin, city="台北").rows] == [made[0]["id"]]
    assert wf.cims_count("city:广州市", session=admin) == 1
