"""A two-row header whose author merged only the group cell ("Contact" over Email and
Phone) and left the single-level headings ("Name", "Postal Code") in the top row alone
(issue 14: the emails and phones went to Notes and the sub-header row was rejected as a
customer without a name)."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_xlsx


def _by_name(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "customer")}


def _workbook(path, top, below, groups, data):
    return write_xlsx(path, [top, below, *data], merges=tuple(groups))


CASES = [
    pytest.param(["Name", "Contact", None, "Postal Code"], [None, "Email", "Phone", None],
                 ["Anna Schmidt", "anna@example.de", "+49 30 1234567", "10115"],
                 ("Anna Schmidt", "anna@example.de", "+49301234567"), id="english"),
    pytest.param(["姓名", "联系方式", None, "邮编"], [None, "邮箱", "电话", None],
                 ["张伟", "zw@example.com", "+86 10 6552 9988", "100080"],
                 ("张伟", "zw@example.com", "+861065529988"), id="chinese"),
    pytest.param(["Name", "Kontakt", None, "PLZ"], [None, "E-Mail", "Telefon", None],
                 ["Jörg Weiß", "jw@example.de", "+49 89 1234567", "80331"],
                 ("Jörg Weiß", "jw@example.de", "+49891234567"), id="german"),
]


@pytest.mark.parametrize("top, below, row, want", CASES)
def test_sub_headings_under_a_merged_group_cell_name_their_columns_without_other_merges(
        admin, tmp_path, top, below, row, want):
    path = _workbook(tmp_path / "two_rows.xlsx", top, below, ["B1:C1"], [row])
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.header_row) == (1, 0, 2)
    got = _by_name(admin)[want[0]]
    assert (got["name"], got["email"], got["phone"], got["notes"]) == (*want, None)


def test_a_first_data_row_under_the_group_alone_is_not_taken_for_a_second_header(admin, tmp_path):
    # a row whose filled cells are under the merged group but are values, not headings:
    # the one-row header stands and the row is data (here: no name, so rejected as such)
    path = _workbook(tmp_path / "data_below.xlsx", ["Name", "Email", None, "Postal Code"],
                     [None, "anna@example.de", "anna.s@example.com", None], ["B1:C1"],
                     [["Bob Lee", "bob@example.com", None, "94105"]])
    result = import_file(admin, path)
    assert result.header_row == 1
    assert (result.created, result.rejected) == (1, 1)


def test_a_row_below_naming_only_some_columns_of_the_group_is_not_a_second_header(admin, tmp_path):
    path = _workbook(tmp_path / "half.xlsx", ["Name", "Contact", None, "Postal Code"],
                     [None, "Email", None, None], ["B1:C1"],
                     [["Anna Schmidt", "anna@example.de", "+49 30 1234567", "10115"]])
    result = import_file(admin, path)
    assert result.header_row == 1
