"""A file named as a workbook that is not one is called what it is: a damaged or renamed
workbook, not "a text file"."""
from __future__ import annotations


import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("name", ["random.xlsx", "random.xls", "random.ods", "random.xlsm"])
def test_random_bytes_named_as_a_workbook_are_called_a_damaged_or_renamed_workbook(admin, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x00\x01binary" + bytes(range(256)) * 12)
    with pytest.raises(ImportRefused, match=rf"not a readable \{path.suffix} workbook.*damaged, cut short"):
        import_file(admin, path)
    assert records.list_records(admin, "customer") == []


def test_binary_data_in_a_file_named_as_text_is_still_called_not_a_text_file(admin, tmp_path):
    path = tmp_path / "random.csv"
    path.write_bytes(b"\x00\x01binary" + bytes(range(256)) * 12)
    with pytest.raises(ImportRefused, match="is not a text file"):
        import_file(admin, path)


@pytest.mark.parametrize("seed", range(6))
def test_any_random_bytes_named_xlsx_get_the_same_answer_before_any_encoding_is_weighed(admin, tmp_path, seed):
    import random

    path = tmp_path / "random.xlsx"
    path.write_bytes(b"\x00" + random.Random(seed).randbytes(4000))
    with pytest.raises(ImportRefused, match=r"not a readable \.xlsx workbook"):
        import_file(admin, path)
