"""`cims customer search "src:98765432"` (the old system's id tag as the user sees it) was
refused "no filter src:"; `CIMS_FIND(q, 1.0)` (a number cell as the field) said "no field
'1.0'" (try27z item 11). The tag is searched as the text it is at every door, as its quoted
form is; a number cell given as a field reads as Excel shows it ("1")."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cims_xl.cli import cli
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records

from conftest import ADMIN_PASSWORD


@pytest.fixture
def shop(admin):
    records.create_many(admin, "customer", [
        {"name": "Ana Souza", "tags": "src:98765432"}, {"name": "佐藤 花子", "tags": "vip, src:J-7"},
        {"name": "Li Wei", "tags": "src:CRM-7", "city": "Berlin"}, {"name": "Other", "notes": "98765432"},
    ])
    return admin


def _cli_names(store_path, *args) -> set[str]:
    env = {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    result = CliRunner().invoke(cli, ["--format", "json", "customer", "search", *args], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return {r["name"] for r in json.loads(result.stdout)["rows"]}


@pytest.mark.parametrize("query, found", [
    ("src:98765432", {"Ana Souza"}), ("src:J-7", {"佐藤 花子"}), ("SRC:crm-7", {"Li Wei"}),
    ("src:CRM-7 city:Berlin", {"Li Wei"}), ("vip src:J-7", {"佐藤 花子"}),
])
def test_the_source_tag_as_shown_is_searched_as_its_text_at_every_door(store_path, shop, query, found):
    quoted = " ".join(f'"{w}"' if w.lower().startswith("src:") else w for w in query.split())
    assert _cli_names(store_path, query) == found == _cli_names(store_path, quoted)
    assert wf.cims_count(query, session=shop) == len(found) == wf.cims_count(quoted, session=shop)


@pytest.mark.parametrize("cell", [1.0, 1, [[1.0]], [[1.0, 2.0]]])
def test_a_number_cell_as_the_field_reads_as_excel_shows_it(shop, cell):
    # "1" and "2" are no field: the refusal names them as shown, never "1.0"
    answer = str(wf.cims_find("src:98765432", cell, session=shop))
    assert "'1'" in answer and "1.0" not in answer, answer
