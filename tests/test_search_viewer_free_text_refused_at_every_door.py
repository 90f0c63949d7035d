"""A viewer's free text is refused at every door, never answered with an empty table
(try26y item 8: `cims customer search Smith` as a viewer printed an empty table, exit 0,
while CIMS_FIND and CIMS_COUNT refused the same query). Free text looks in names, emails
and phones, which the role may not read; the filters it may use still work."""

from __future__ import annotations

import json

import pytest

from cims_xl.cli import main
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records

from conftest import USER_PASSWORD


@pytest.fixture
def as_viewer(admin, session_as, store_path, monkeypatch, capsys):
    records.create_many(admin, "customer", [
        {"name": "John Smith", "email": "john@smith.example", "phone": "+1 415 555 0100", "city": "Boston",
         "segment": "VIP"},
        {"name": "王小明", "city": "上海市", "segment": "VIP"},
    ])
    viewer = session_as("viewer", "vera")
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "vera")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)

    def run(*args):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return viewer, run


@pytest.mark.parametrize("query", ["Smith", "john@smith.example", "+1 415 555 0100", "Boston", "王小明",
                                   "Smith city:Boston", "segment:VIP Smith"])
def test_a_viewers_free_text_is_refused_in_the_cli_as_in_the_worksheet_functions(as_viewer, query):
    viewer, run = as_viewer
    for fmt in ("csv", "json"):
        code, out, err = run("--format", fmt, "customer", "search", query)
        assert code != 0, (query, out)
        assert "personal data" in err and "--city" in err and not out.strip(), (query, err)
    for answer in (wf.cims_count(query, session=viewer), wf.cims_find(query, session=viewer)):
        assert isinstance(answer, str) and answer.startswith("#CIMS") and "personal data" in answer, answer


def test_a_viewers_filters_still_answer_at_every_door(as_viewer):
    viewer, run = as_viewer
    code, out, err = run("--format", "json", "customer", "search", "Smith")
    assert code != 0                                           # the refusal is not the only answer there is
    for args, count in ((("--city", "Boston"), 1), (("segment:VIP",), 2), (("city:上海",), 1)):
        code, out, err = run("--format", "json", "customer", "search", *args)
        assert code == 0, err
        assert json.loads(out)["total"] == count, args
    assert wf.cims_count("segment:VIP", session=viewer) == 2
