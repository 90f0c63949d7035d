"""A search of about a thousand words crashed `cims customer search` ("an unexpected problem")
and gave "#CIMS: internal error" in CIMS_COUNT/CIMS_FIND: SQLite's expression tree outgrew its
depth. A query of more terms than a sane bound is refused in words, at every door, before SQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cims_xl.cli import cli
from cims_xl.errors import CimsError
from cims_xl.excel import worksheet_functions as udf
from cims_xl.services import records
from cims_xl.services.search import search_customers

from conftest import ADMIN_PASSWORD


@pytest.fixture
def shop(admin):
    records.create_many(admin, "customer", [{"name": "Ab Cd", "city": "Berlin"}, {"name": "Dubois", "city": "Paris"}])
    return admin


def _cli(store_path, *args):
    env = {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    return CliRunner().invoke(cli, ["--format", "json", "customer", "search", *args], env=env)


@pytest.mark.parametrize("query", [" ".join(["ab"] * 1000), " ".join(["a"] * 5000),
                                   " ".join(["city:Berlin"] + ["Ab"] * 40), " ".join(['"Ab Cd"'] * 200),
                                   " ".join(["Dubois"] * 3000)],
                         ids=["1000 words", "5000 letters", "a filter and 40 words", "200 phrases", "3000 names"])
def test_a_query_of_hundreds_of_words_is_refused_naming_the_bound_at_every_door(store_path, shop, query):
    result = _cli(store_path, query)
    said = result.output + str(result.exception or "")
    assert result.exit_code != 0 and "at most 32" in said and "unexpected" not in said, said
    for fn in (udf.cims_count, udf.cims_find):
        answer = str(fn(query, session=shop))
        assert "at most 32" in answer and "internal error" not in answer, answer
    with pytest.raises(CimsError, match="at most 32"):
        search_customers(shop, query)


def test_a_query_of_up_to_the_bound_still_searches(store_path, shop):
    query = " ".join(["Ab"] * 32)
    result = _cli(store_path, query)
    assert result.exit_code == 0, result.output
    assert {r["name"] for r in json.loads(result.stdout)["rows"]} == {"Ab Cd"}
    assert udf.cims_count(query, session=shop) == 1
