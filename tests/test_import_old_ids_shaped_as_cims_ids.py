"""Another system's customer id written as cims's own (C-000001) is said, not silent.

Found by the attack tester (stop 26): a file whose Customer ID column held "C-000001"
kept it as the tag src:C-000001 on the new customer, while CIMS_GET, search and
`customer show` of C-000001 opened cims's own first customer, with no word anywhere.
The summary now says which old ids are written as cims's are, and how to find them."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from cims_xl.services.search import search_customers
from table_files import write_csv, write_xlsx


@pytest.mark.parametrize("write", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_old_ids_shaped_as_cims_ids_are_named_in_the_summary(admin, tmp_path, write):
    records.create(admin, "customer", {"name": "Alpha GmbH"})
    path = write(tmp_path / f"c.{'csv' if write is write_csv else 'xlsx'}", [
        ["Customer ID", "Name", "Email"], ["C-000001", "Foxtrot Ltd", "fox@example.com"],
        ["c-12", "Hotel Ltd", "hotel@example.com"], ["X-77", "Golf Ltd", "golf@example.com"]])
    result = import_file(admin, path)
    said = [i for i in result.as_dict()["inferences"] if i["what"] == "old ids written as cims's own"]
    assert said and "2 customer(s)" in said[0]["decided"] and "'C-000001'" in said[0]["decided"]
    assert "X-77" not in said[0]["decided"]
    fox = search_customers(admin, tag="src:C-000001").rows
    assert [c["name"] for c in fox] == ["Foxtrot Ltd"]


def test_old_ids_of_another_shape_say_nothing(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Customer ID", "Name"], ["CG-12520", "Claire Gute"], ["10043", "Ann Lee"]])
    result = import_file(admin, path)
    assert not [i for i in result.as_dict()["inferences"] if i["what"] == "old ids written as cims's own"]
