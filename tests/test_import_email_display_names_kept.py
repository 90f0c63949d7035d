"""An Email cell written as a mail program writes it ("Bob Ray <bob@x.com>") stores the
address; the display name it drops is kept in Notes when it is not the row's name, and the
summary says so. A display name that is the row's name (words in any order) adds nothing."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv


@pytest.mark.parametrize("name,cell", [
    ("Bob", "Bob Ray <bob@x.com>"),
    ("王伟", "王小明 <wang@example.cn>"),
    ("Anna", '"Schmidt, Anna-Lena" <anna@example.de>'),
    ("Dee", "dee@x.com (Empfang)"),
])
def test_a_display_name_in_an_email_cell_that_is_not_the_rows_name_is_kept_in_notes(admin, tmp_path, name, cell):
    path = write_csv(tmp_path / "c.csv", [["Name", "Email"], [name, cell], ["Zed Zorn", "ZORN, Zed <zed@x.com>"]])
    result = import_file(admin, path)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert result.created == 2
    assert got[name]["email"] == cell.replace('"', "").split("<")[-1].split(" (")[0].strip("> ")
    assert cell in (got[name]["notes"] or "")
    assert (got["Zed Zorn"]["email"], got["Zed Zorn"]["notes"]) == ("zed@x.com", None)   # its own name: no note
    said = [i for i in result.inferences if i["what"] == "display names in email cells"]
    assert said and "kept in Notes in 1 row(s)" in said[0]["decided"] and "'Email': 1 cell(s)" in said[0]["evidence"]


def test_a_display_name_beside_split_first_and_last_names_is_compared_with_both(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["First Name", "Last Name", "Email"],
                                          ["Bob", "Ray", "Bob Ray <bob@x.com>"],
                                          ["Cy", "Doe", "Cyrus Doe <cy@x.com>"]])
    import_file(admin, path)
    got = {c["email"]: c["notes"] for c in records.list_records(admin, "customer")}
    assert got["bob@x.com"] is None
    assert "Cyrus Doe <cy@x.com>" in (got["cy@x.com"] or "")
