"""Several columns for one field, the first empty (try24f A9): a row whose "Email" is empty
and whose "Email (2)" holds bob@x.com was stored with no email (the address only in
Notes). The first filled column of the field is its value; the others stay in Notes; the
summary counts the rows and names the columns."""
from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records
from table_files import write_table

SHAPES = {
    "duplicate headings": (["Name", "Phone", "Phone", "Email", "Email"], "Email (2)"),
    "google contacts": (["Name", "Phone 1 - Value", "Phone 2 - Value", "E-mail 1 - Value", "E-mail 2 - Value"],
                        "E-mail 2 - Value"),
    "numbered": (["Name", "Phone", "Phone 2", "Email", "Email 2"], "Email 2"),
    "secondary": (["Name", "Phone", "Other Phone", "Email", "Secondary Email"], "Secondary Email"),
    "chinese": (["姓名", "电话", "备用电话", "邮箱", "备用邮箱"], "备用邮箱"),
}


def _people(session) -> dict[str, tuple]:
    return {c["name"]: (c.get("email"), c.get("phone"), c.get("notes") or "")
            for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_empty_first_column_takes_the_fields_second_column_and_a_filled_one_keeps_the_second_in_notes(
        admin, tmp_path, shape, fmt):
    headers, second = SHAPES[shape]
    rows = [headers,
            ["Ann Lee", "+1 415 555 0100", "+1 415 555 0199", "ann@example.com", "ann.lee@work.example"],
            ["Bob Roe", "", "+1 415 555 0101", "", "bob@example.com"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "people"), region="US")
    assert result.created == 2
    people = _people(admin)
    assert people["Bob Roe"][:2] == ("bob@example.com", "+14155550101")
    assert "bob@example.com" not in people["Bob Roe"][2]
    ann = people["Ann Lee"]
    assert ann[:2] == ("ann@example.com", "+14155550100")
    assert "ann.lee@work.example" in ann[2] and "+1 415 555 0199" in ann[2]
    said = [i for i in result.inferences if i["what"] == "several columns for one field"]
    assert len(said) == 2 and any(f"1 from '{second}'" in i["decided"] for i in said)


def test_a_column_that_only_starts_like_the_field_is_no_second_column_of_it(admin, tmp_path):
    rows = [["Name", "Email", "Email Type", "Phone", "Work Phone Extension"],
            ["Bob Roe", "", "work", "", "12"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "types"), region="US")
    assert result.created == 1
    assert _people(admin)["Bob Roe"][:2] == (None, None)
    assert not [i for i in result.inferences if i["what"] == "several columns for one field"]
