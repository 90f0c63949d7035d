"""A viewer does not learn a hidden name from another field that holds it: a company
called after its owner ("Schmidt GmbH" of Emma Schmidt) or a Company customer's company
(its name). Every field that may name a person (schema: `Field.private`) is hidden in
records, search results, history, frames, worksheet functions and the refreshed sheet;
a viewer's search does not match it, and the rows are not sorted by it."""

from __future__ import annotations

import pytest

from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import frames, records, search
from test_sync_support import new_workbook, table_rows

# (name, type, company, a word of the company that also is in the name)
PEOPLE = [
    ("Emma Schmidt", "Person", "Schmidt GmbH", "Schmidt"),
    ("上海博远咨询有限公司", "Company", "上海博远咨询有限公司", "博远"),
    ("陈静", "Person", "静好设计工作室", "静好"),
    ("Fatima الزهراء", "Person", "مؤسسة الزهراء للتجارة", "الزهراء"),
    ("Олег Сидоров", "Company", "ИП Сидоров", "Сидоров"),
]


@pytest.fixture
def made(admin):
    out = []
    for name, kind, company, word in PEOPLE:
        rec = records.create(admin, "customer", {"name": name, "type": kind, "company": company, "city": "Town"})
        records.update(admin, rec["id"], {"company": company + " 2"})
        out.append((rec["id"], name, company, word))
    return out


@pytest.mark.parametrize("i", range(len(PEOPLE)))
def test_a_viewer_sees_no_company_that_may_name_a_person_in_any_surface(admin, session_as, made, tmp_path, i):
    cid, name, company, word = made[i]
    viewer = session_as("viewer")
    assert records.get(admin, cid)["company"] == company + " 2"                 # stored as typed
    seen = records.get(viewer, cid)
    assert seen["company"] is None and seen["name"] is None and seen["city"] == "Town"
    assert word not in repr(records.list_records(viewer, "customer"))
    history = records.history(viewer, cid)
    assert history[1]["changes"]["company"] == ["[hidden]", "[hidden]"]
    assert word not in repr(history)
    frame = frames.load_frame(viewer, "customer", ["id", "name", "company", "city"])
    assert frame["company"].isna().all() and word not in repr(frame.to_dict("records"))
    got = wf.cims_get(cid, "Company", session=viewer)
    assert isinstance(got, str) and got.startswith("#CIMS") and "may name a person" in got, got
    assert wf.cims_get(cid, "Company", session=admin) == company + " 2"
    assert word not in repr(wf.cims_find("city:Town", session=viewer))
    assert word not in wf.cims_360(cid, session=viewer)
    book = new_workbook(tmp_path / "viewer.xlsx")
    sync.sync_file(viewer, book, "refresh")
    rows = table_rows(book, "Customers")
    assert [r["Company"] for r in rows] == [None] * len(PEOPLE)
    assert word not in repr(rows)


@pytest.mark.parametrize("i", range(len(PEOPLE)))
def test_a_viewer_cannot_find_a_customer_through_a_company_that_names_the_person(admin, session_as, made, i):
    cid, _name, company, word = made[i]
    viewer = session_as("viewer")
    assert cid in [r["id"] for r in search.search_customers(admin, word).rows]      # the data is there
    for probe in (word, company + " 2"):
        page = search.search_customers(viewer, probe)
        assert (page.total, page.rows) == (0, []), probe
        counted = wf.cims_count(probe, session=viewer)       # free text is refused, never a count
        assert isinstance(counted, str) and counted.startswith("#CIMS") and "personal data" in counted, probe
    assert search.search_customers(viewer, city="Town").total == len(PEOPLE)        # other fields still do


def test_a_viewers_rows_are_not_ordered_by_the_hidden_names_and_a_sort_by_them_is_refused(admin, session_as):
    # Names in the reverse order of their ids: a sort by name would show them reversed.
    ids = [records.create(admin, "customer", {"name": n, "company": c, "city": "Ort"})["id"]
           for n, c in (("Zed Zander", "Zeta AG"), ("Mia Meyer", "Mu GmbH"), ("Ann Abel", "Alpha Kft"))]
    assert [r["id"] for r in search.search_customers(admin, city="Ort").rows] == ids[::-1]
    viewer = session_as("viewer")
    page = search.search_customers(viewer, city="Ort")
    assert [r["id"] for r in page.rows] == ids and "sorted by id" in page.note
    for sort in ("name", "company"):
        with pytest.raises(ValidationFailed, match="may not sort by"):
            search.search_customers(viewer, city="Ort", sort=sort)
    assert [r["id"] for r in search.search_customers(viewer, city="Ort", sort="created", descending=True).rows] \
        == ids[::-1]


def test_a_viewer_on_the_command_line_is_told_the_sort_by_name_is_refused(admin, session_as, store_path,
                                                                        monkeypatch, capsys):
    from cims_xl.cli import main
    from conftest import USER_PASSWORD
    records.create(admin, "customer", {"name": "Emma Schmidt", "company": "Schmidt GmbH", "city": "Berlin"})
    session_as("viewer", "vera")
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "vera")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    assert main(["--format", "csv", "customer", "search", "--city", "Berlin", "--sort", "name"]) != 0
    out, err = capsys.readouterr()
    assert "may not sort by Name" in err and "Schmidt" not in out
    # free text is refused, as CIMS_COUNT refuses it (fix27b), never an empty table
    assert main(["--format", "csv", "customer", "search", "Schmidt"]) != 0
    out, err = capsys.readouterr()
    assert "Schmidt" not in out and "C-000001" not in out and "personal data" in err
    assert main(["--format", "csv", "customer", "search", "--city", "Berlin"]) == 0
    out, err = capsys.readouterr()
    assert "C-000001" in out and "Schmidt" not in out and "sorted by id" in err


def test_every_field_that_may_name_a_person_is_hidden_from_a_viewer_in_every_entity(admin, session_as):
    """The schema's flags are the single source: whatever is personal, free text or may
    name a person comes back empty to a viewer, in every entity."""
    viewer = session_as("viewer")
    cid = records.create(admin, "customer", {"name": "Kim Soo-jin", "company": "Kim & Partners", "city": "Seoul",
                                             "notes": "Kim's note"})["id"]
    for kind, ent in ENTITIES.items():
        assert "company" not in ent.keys or "company" in ent.private_keys, kind
        rows = records.list_records(viewer, kind)
        for row in rows:
            for key in ent.private_keys:
                assert row.get(key) is None, (kind, key)
    assert records.get(viewer, cid)["company"] is None


@pytest.mark.parametrize("tag", ["src:CRM-007", "referred-by-wang-xiaoming", "王小明介绍"])
def test_a_viewer_neither_sees_nor_finds_a_customer_by_a_tag_that_may_name_a_person(admin, session_as, tag):
    cid = records.create(admin, "customer", {"name": "Wang Xiaoming", "tags": tag, "segment": "VIP"})["id"]
    viewer = session_as("viewer")
    probe = tag.removeprefix("src:")
    assert cid in [r["id"] for r in search.search_customers(admin, probe).rows]         # the data is there
    assert records.get(viewer, cid)["tags"] is None and records.get(viewer, cid)["segment"] == "VIP"
    assert search.search_customers(viewer, probe).total == 0
    with pytest.raises(ValidationFailed, match="may not search by tag"):
        search.search_customers(viewer, tag=tag)
    assert search.customer_id_for(viewer, probe) != cid
    assert search.customer_id_for(admin, "CRM-007") == (cid if tag == "src:CRM-007" else "CRM-007")
    assert wf.cims_count(f"tag:{tag}", session=admin) == 1
    counted = wf.cims_count(f"tag:{tag}", session=viewer)
    assert isinstance(counted, str) and counted.startswith("#CIMS") and "may not search by tag" in counted, counted
