"""Workbooks a person really has that the .xlsx reader must not misread: cells holding
an error value of a newer Excel, and sheets that cannot be read at all."""

from __future__ import annotations

import pytest

import hostile_files as hostile
from cims_xl.importer import import_file, readers
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def _workbook(path, rows_xml: str):
    return hostile.xlsx(path, hostile.sheet(rows_xml))


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#GETTING_DATA", "#BUSY!"])
@pytest.mark.parametrize("sheet", [None, "Kunden"])
def test_a_sheet_with_an_error_value_of_excel_365_is_imported_not_called_empty(admin, tmp_path, error, sheet):
    path = _workbook(tmp_path / "kunden.xlsx",
                     '<row r="1"><c r="A1" t="s"><v>0</v></c>' + _text("B1", "Phone") + _text("C1", "Total") + "</row>"
                     '<row r="2">' + _text("A2", "Alice Chen") + _text("B2", "+44 20 7946 0000")
                     + f'<c r="C2" t="e"><f>SORT(X:X)</f><v>{error}</v></c></row>'
                     '<row r="3">' + _text("A3", "王小明") + _text("B3", "+86 21 6232 3735") + "</row>")
    result = import_file(admin, path, sheet=sheet)
    assert result.created == 2
    assert sorted(r["name"] for r in records.list_records(admin, "customer")) == sorted(["Alice Chen", "王小明"])
    (said,) = [i for i in result.inferences if i["what"] == "sheet"]
    assert said["decided"] == "Kunden" and "error value of a newer Excel" in said["evidence"]


@pytest.mark.parametrize("rows_xml, why", [
    ('<row r="1"><c r="A1" t="s"><v>7</v></c></row>', "string index"),          # no shared string 7
    ('<row r="1"><c r="A1" t="b"><v>2</v></c></row>', "boolean"),
    ('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">', "sheetData"),     # cut off
])
def test_a_sheet_that_cannot_be_read_is_named_as_damaged_not_called_empty(tmp_path, rows_xml, why):
    (xml,) = hostile.sheet(rows_xml)
    if why == "sheetData":
        xml = xml.replace(b"</sheetData></worksheet>", b"")
    path = hostile.xlsx(tmp_path / "broken.xlsx", [xml])
    with pytest.raises(ImportRefused) as refused:
        readers.open_sheet(path)
    message = str(refused.value)
    assert "empty" not in message and "sheet 'Kunden' cannot be read" in message and why in message
    assert message.startswith("broken.xlsx: ") and "\n" not in message
