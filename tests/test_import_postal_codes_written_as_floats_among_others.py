"""A postal code written as a number with a zero fraction ("2134.0", "1067.00") in a column
whose other codes are written as codes (10001, 60601-1234) is the whole number its writer
meant: no country's postal code has a decimal point. The lost-zero rules then apply by the
row's country, or --region; with neither, the import stops before writing."""

from __future__ import annotations

import openpyxl
import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records


def codes(session) -> dict[str, str | None]:
    return {r["name"]: r["postal_code"] for r in records.list_records(session, "customer")}


def test_float_written_codes_in_a_mixed_us_and_german_column_get_their_zeros_back(admin, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Name,Email,Country,Postal Code,City\n"
                    "Q1,q1@example.com,US,10001,NYC\n"
                    "Q2,q2@example.com,US,2134.0,Boston\n"
                    "Q3,q3@example.com,US,94105,SF\n"
                    "Q4,q4@example.com,DE,1067.0,Dresden\n"
                    "Q5,q5@example.com,US,60601-1234,Chicago\n", encoding="utf-8")
    dry = import_file(admin, path, dry_run=True)
    line = next(i for i in dry.inferences if i["what"] == "column 'Postal Code'")
    assert "'2134.0' is '2134'" in line["decided"] and "'1067.0'" in line["evidence"]
    assert codes(admin) == {}
    import_file(admin, path)
    assert codes(admin) == {"Q1": "10001", "Q2": "02134", "Q3": "94105", "Q4": "01067", "Q5": "60601-1234"}


@pytest.mark.parametrize("country, written, stored", [
    ("France", "75001.0", "75001"),          # fits as a whole number: nothing more to do
    ("AT", "1010.0", "1010"),                 # Austria's codes are four digits: no zero added
    ("Schweiz", "8001.0", "8001"),            # nor Switzerland's
    ("NO", "0150.0", "0150"),                 # Oslo's code kept its zero as text
    ("Deutschland", "1067.00", "01067"),      # two zero decimals (a number format) are a fraction too
    ("United States", "501.0", "00501"),
    ("中国", "10010.0", "010010"),
])
def test_a_float_written_code_among_plain_codes_is_the_whole_number_of_its_countrys_format(
        admin, tmp_path, country, written, stored):
    path = tmp_path / "codes.csv"
    path.write_text("Name,Email,Country,Postal Code\n"
                    f"Ann,ann@example.com,{country},{written}\n"
                    "Bo,bo@example.com,US,90210\n"
                    "Cy,cy@example.com,GB,SW1A 1AA\n", encoding="utf-8")
    import_file(admin, path)
    assert codes(admin) == {"Ann": stored, "Bo": "90210", "Cy": "SW1A 1AA"}


def test_text_cells_of_a_workbook_written_as_floats_are_read_the_same(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Country", "PLZ"])
    ws.append(["Ann", "Deutschland", "1067.0"])
    ws.append(["Bo", "Deutschland", "10115"])
    ws.append(["Cy", "Österreich", "1010.0"])
    for row in ws.iter_rows(min_row=2):
        row[2].number_format = "@"
    path = tmp_path / "kunden.xlsx"
    wb.save(path)
    import_file(admin, path)
    assert codes(admin) == {"Ann": "01067", "Bo": "10115", "Cy": "1010"}


def test_a_mixed_column_with_no_country_stops_naming_the_column_and_region_settles_it(admin, tmp_path):
    path = tmp_path / "nocountry.csv"
    path.write_text("Name,Email,Zip\nAnn,ann@example.com,10001\nBo,bo@example.com,2134.00\n"
                    "Cy,cy@example.com,60601-1234\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    assert "'Zip'" in str(stop.value) and "--region" in str(stop.value) and "'2134'" in str(stop.value)
    assert codes(admin) == {}
    import_file(admin, path, region="US")
    assert codes(admin) == {"Ann": "10001", "Bo": "02134", "Cy": "60601-1234"}

