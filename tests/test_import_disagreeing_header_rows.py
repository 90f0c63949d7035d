"""A second header row that translates the first in ANOTHER column order ("Name, Phone,
City" over "名称, 城市, 电话") says two things about which column is which: the import
stops naming both rows, never storing the second row as a customer named "名称". A
translation in the same order is still read as the headings translated."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

from table_files import write_csv


@pytest.mark.parametrize("top,below,row", [
    (["Name", "Phone", "City"], ["名称", "城市", "电话"], ["Ann Lee", "Paris", "13912345678"]),
    (["Name", "Email", "Phone"], ["Telefon", "Name", "E-Mail"], ["Ann Lee", "ann@x.com", "+49 30 1234567"]),
    (["Nom", "Ville", "Téléphone", "Email"], ["Name", "Phone", "City", "Email"],
     ["Ann Lee", "Paris", "+33 1 42 68 53 00", "ann@x.com"]),
])
def test_a_second_header_row_naming_the_fields_in_another_order_stops_naming_both_rows(admin, tmp_path, top,
                                                                                       below, row):
    path = write_csv(tmp_path / "c.csv", [top, below, row])
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path, kind="customers")
    said = str(refused.value)
    assert "row 2" in said and "header row 1" in said and "disagree" in said
    assert records.list_records(admin, "customer") == []


def test_a_second_header_row_in_the_same_order_is_still_read_as_the_translation(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Name", "City", "Phone"], ["名称", "城市", "电话"],
                                          ["Ann Lee", "Paris", "+33 1 42 68 53 00"]])
    result = import_file(admin, path, kind="customers")
    assert result.created == 1
    (c,) = records.list_records(admin, "customer")
    assert (c["name"], c["city"]) == ("Ann Lee", "Paris")
