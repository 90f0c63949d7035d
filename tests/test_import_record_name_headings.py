"""Clear messages (issue 14, tester round 19 finding 14): Pipedrive's "Organization - Name"
and "Person - Name" name the customer of an activity or order; a refusal's --map
suggestion finds a customer column whose names repeat (every order names its customer
again); messages say "opportunities", not "opportunitys"."""

from __future__ import annotations

import pytest

from cims_xl.domain.schema import ENTITIES
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_pipedrive_activities_belong_to_their_organization_before_their_person(admin, tmp_path, writer):
    rows = [["Activity - Subject", "Activity - Type", "Activity - Due date", "Organization - Name", "Person - Name"],
            ["Intro call", "Call", "2024-03-05 14:30", "Acme Ltd", "Anna Schmidt"],
            ["Demo", "Meeting", "2024-03-06 09:00", "Beta Inc", "Bob Ray"],
            ["Follow up", "Email", "2024-03-07 10:00", "Acme Ltd", "Anna Schmidt"]]
    path = writer(tmp_path / ("a.csv" if writer is write_csv else "a.xlsx"), rows)
    result = import_file(admin, path, kind="interactions", mapping=["Activity - Due date=When"])
    assert result.created == 3
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    got = {i["subject"]: names[i["customer_id"]] for i in records.list_records(admin, "interaction")}
    assert got == {"Intro call": "Acme Ltd", "Demo": "Beta Inc", "Follow up": "Acme Ltd"}


def test_an_orders_file_with_only_a_persons_name_in_parts_links_that_person(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Deal - Title", "Order ID", "Date", "Person - Name", "Amount"],
                                          ["x", "A1", "2024-03-05", "Anna Schmidt", "10"],
                                          ["y", "A2", "2024-03-06", "Anna Schmidt", "20"]])
    result = import_file(admin, path, kind="orders", currency="EUR")
    assert result.created == 2
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Anna Schmidt"]


def test_the_map_suggestion_finds_a_customer_column_whose_names_repeat(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Bezieher", "Amount"],
                                          ["A1", "2024-03-05", "Anna Schmidt", "10"],
                                          ["A2", "2024-03-06", "Anna Schmidt", "20"],
                                          ["A3", "2024-03-07", "Bob Ray", "30"]])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders", currency="EUR")
    assert '--map "Bezieher=Customer Name"' in str(err.value)
    assert "No column's values look like names" not in str(err.value)
    assert import_file(admin, path, kind="orders", currency="EUR", mapping=["Bezieher=Customer Name"]).created == 3


@pytest.mark.parametrize("kind, plural", [("opportunity", "opportunities"), ("customer", "customers"),
                                          ("order", "orders"), ("ticket", "tickets"), ("contact", "contacts"),
                                          ("interaction", "interactions")])
def test_every_kind_of_record_has_its_english_plural(kind, plural):
    assert ENTITIES[kind].plural == plural
