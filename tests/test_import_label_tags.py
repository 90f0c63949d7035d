"""A label column (Pipedrive's "Label", Zoho's "Tag", "Etiket", "Метки") is the record's
tags; several label and tag columns in one file all go to Tags, each value once."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def tags_by_name(session) -> dict[str, str | None]:
    return {c["name"]: c["tags"] for c in records.list_records(session, "customer")}


def test_a_pipedrive_persons_export_keeps_each_persons_label_as_tags(admin, tmp_path):
    path = write_csv(tmp_path / "people.csv", [
        ["Person - Name", "Person - Label", "Person - Email - Work", "Organization - Name"],
        ["Ana Lima", "Customer", "ana@lima.example", "Lima Ltda"],
        ["Bo Berg", "Hot lead, VIP", "bo@berg.example", "Berg AB"],
        ["Cy Chan", "", "cy@chan.example", ""]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.rejected, result.unmapped) == (3, 0, [])
    assert tags_by_name(admin) == {"Ana Lima": "Customer", "Bo Berg": "Hot lead, VIP", "Cy Chan": None}


@pytest.mark.parametrize("header, cell, expected", [
    ("Label", "Wholesale", "Wholesale"), ("Tag", "VIP;Wholesale", "VIP, Wholesale"),
    ("Etiket", "Toptan", "Toptan"), ("Метки", "Опт, VIP", "Опт, VIP"), ("Etykiety", "Hurt", "Hurt"),
    ("Štítky", "Velkoobchod", "Velkoobchod"), ("Nhãn", "Khách sỉ", "Khách sỉ"), ("Etiqueta", "Mayorista", "Mayorista"),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_label_or_tag_column_in_any_language_is_the_tags(admin, tmp_path, writer, header, cell, expected):
    path = writer(tmp_path / ("f.csv" if writer is write_csv else "f.xlsx"), [["Name", header], ["Dana Lee", cell]])
    result = import_file(admin, path, kind="customers")
    assert result.unmapped == []
    assert tags_by_name(admin) == {"Dana Lee": expected}


def test_several_label_and_tag_columns_are_joined_each_value_once_and_the_summary_says_so(admin, tmp_path):
    path = write_csv(tmp_path / "f.csv", [
        ["Name", "Person - Label", "Organization - Label", "Tags"],
        ["Eva Ek", "Hot lead", "Customer", "VIP, Hot lead"],
        ["Fay Fu", "", "Partner", ""]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.unmapped) == (2, [])
    assert tags_by_name(admin) == {"Eva Ek": "Hot lead, Customer, VIP", "Fay Fu": "Partner"}
    (decision,) = [i for i in result.inferences if i["what"] == "Tags"]
    assert "'Person - Label' and 'Organization - Label' and 'Tags' together" in decision["decided"]


def test_map_gives_several_columns_to_tags(admin, tmp_path):
    path = write_csv(tmp_path / "f.csv", [["Name", "Gruppe A", "Gruppe B"], ["Gil Gut", "Kunde", "Presse"]])
    import_file(admin, path, kind="customers", mapping=["Gruppe A=Tags", "Gruppe B=Tags"])
    assert tags_by_name(admin) == {"Gil Gut": "Kunde, Presse"}


def test_a_contacts_label_is_kept_in_notes_as_contacts_have_no_tags(admin, tmp_path):
    path = write_csv(tmp_path / "f.csv", [["Name", "Company", "Label"], ["Hal Ho", "Ho Ltd", "Decision maker"]])
    result = import_file(admin, path, kind="contacts")
    assert result.unmapped == ["Label"]
    (contact,) = records.list_records(admin, "contact")
    assert "Label: Decision maker" in contact["notes"]
