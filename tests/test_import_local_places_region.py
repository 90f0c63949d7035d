"""Hong Kong's districts, Macau's islands and Singapore's planning areas as evidence of a
file's phone region (task ids22): a file without a Country column whose addresses end
with "…, Sha Tin" or start with "九龍尖沙咀…" is a Hong Kong file; its 8-digit numbers,
valid in several countries, are read there. Every file is written here; every value is
read back from a real encrypted store."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

from table_files import customers_by_name, said_about, write_table

PHONES = ["9123 4567", "6123 4567", "2123 4567"]

FILES = [
    ("HK", ["Name", "Phone", "Address"],
     ["Flat A, 12 Nathan Road, Tsim Sha Tsui", "5 Sha Tin Centre Street, Sha Tin", "8 Harbour Road, Wan Chai"]),
    ("HK", ["Name", "Phone", "Address"],
     ["Flat A, 12 Nathan Road, Kowloon", "5 Sha Tin Centre Street, New Territories", "18 King's Road, North Point"]),
    ("HK", ["姓名", "電話", "地址"], ["九龍尖沙咀彌敦道12號", "沙田正街5號", "灣仔港灣道8號"]),
    ("HK", ["Name", "Phone", "City"], ["Kowloon", "Sha Tin", "Causeway Bay"]),
    ("MO", ["Name", "Phone", "Address"], ["12 Braganza Street, Taipa", "8 Seac Pai Van Road, Coloane",
                                         "5 Cotai Avenue, Cotai"]),
    ("MO", ["姓名", "電話", "地址"], ["氹仔成都街12號", "路環石排灣馬路8號", "氹仔布拉干薩街5號"]),
    ("SG", ["Name", "Phone", "Address"], ["Blk 123 Tampines Street 11", "Blk 5, Ang Mo Kio", "1 Jurong West Central 2, Jurong West"]),
]
NUMBERS = {"HK": ["9123 4567", "6123 4567", "2123 4567"], "MO": ["6612 3456", "6698 7654", "2888 1234"],
           "SG": ["9123 4567", "8123 4567", "6123 4567"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("region,headings,places", FILES)
def test_a_files_local_place_names_point_to_its_phone_region(admin, tmp_path, fmt, region, headings, places):
    numbers = NUMBERS[region]
    rows = [headings, *([name, phone, place] for name, phone, place in zip(["Ann Lee", "Bob Ray", "Cy Doe"],
                                                                           numbers, places))]
    result = import_file(admin, write_table(tmp_path, fmt, rows, name="local"), kind="customers")
    code = {"HK": "+852", "MO": "+853", "SG": "+65"}[region]
    got = customers_by_name(admin)
    assert {n: got[n]["phone"] for n in ("Ann Lee", "Bob Ray", "Cy Doe")} == {
        n: code + p.replace(" ", "") for n, p in zip(["Ann Lee", "Bob Ray", "Cy Doe"], numbers)}
    assert f"the file points to {region}" in said_about(result, "phone region of the file")


def test_a_county_of_guangdong_sharing_a_hong_kong_districts_name_is_no_evidence_of_hong_kong(admin, tmp_path):
    # 大埔县 (Dapu county, Meizhou) is not 大埔 (Tai Po): the 8-digit numbers stay undecided
    rows = [["姓名", "电话", "地址"], ["王小明", "9123 4567", "大埔县湖寮镇12号"], ["李华", "6123 4567", "大埔县城"]]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, write_table(tmp_path, "csv", rows, name="dapu"), kind="customers")
    assert "HK" in str(stop.value) and "points to HK" not in str(stop.value)
    assert records.list_records(admin, "customer") == []
    # the Hong Kong district with its 區 is
    rows = [["姓名", "電話", "地址"], ["王小明", "9123 4567", "大埔區寶湖道12號"], ["李華", "6123 4567", "沙田正街5號"]]
    import_file(admin, write_table(tmp_path, "csv", rows, name="taipo"), kind="customers")
    assert customers_by_name(admin)["王小明"]["phone"] == "+85291234567"
