"""Postal codes kept as numbers that lost their separator as well as their zeros (try26f
A4): a ZIP+4 02134-1234 held as the number 21341234, Poland's 01-234 as 1234, Brazil's
01310-100 as 1310100, Portugal's 1000-001 as 1000001. For a country whose codes are
written with a separator (Google's address data: the format and its examples), the code
is written back as the country writes it, by the row's Country or the given region, and
the summary says so. A code that fits as written is left as it is."""
from __future__ import annotations

import pytest

from cims_xl.domain.postal import restored_zeros
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table


@pytest.mark.parametrize("text, country, right", [
    ("21341234", "US", "02134-1234"), ("123456789", "US", "12345-6789"), ("1234", "PL", "01-234"),
    ("12345", "PL", "12-345"), ("1310100", "BR", "01310-100"), ("1000000", "BR", "01000-000"),
    ("1000001", "PT", "1000-001"), ("600001", "JP", "060-0001"),
])
def test_digits_that_lost_a_separator_are_written_as_the_countrys_codes_are(text, country, right):
    assert restored_zeros(text, country) == right


COUNTRIES = [("United States", 21341234, "02134-1234"), ("Estados Unidos", 123456789, "12345-6789"),
             ("Polska", 1234, "01-234"), ("Poland", 12345, "12-345"), ("Brasil", 1310100, "01310-100"),
             ("Portugal", 1000001, "1000-001"), ("日本", 600001, "060-0001"),
             ("Sweden", 11122, "11122"), ("Japan", 1000001, "1000001"), ("India", 400001, "400001")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_number_cells_of_codes_with_a_separator_get_zeros_and_separator_back_by_the_rows_country(admin, tmp_path, fmt):
    rows = [["Name", "Email", "Postal Code", "Country"]]
    rows += [[f"P{k}", f"p{k}@x.com", code, country] for k, (country, code, _right) in enumerate(COUNTRIES)]
    dry = import_file(admin, write_table(tmp_path, fmt, rows, "codes"), dry_run=True)
    (line,) = [i for i in dry.inferences if i["what"] == "postal codes"]
    assert line["decided"] == "leading zeros and separators put back"
    assert "separator put back in 7 code(s) of 'Postal Code'" in line["evidence"]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "codes"))
    assert result.created == len(COUNTRIES)
    stored = {c["name"]: c["postal_code"] for c in records.list_records(admin, "customer")}
    assert stored == {f"P{k}": right for k, (_c, _code, right) in enumerate(COUNTRIES)}


@pytest.mark.parametrize("region, code, right", [("PL", 5470, "05-470"), ("US", 21341234, "02134-1234"),
                                                 ("BR", 1310100, "01310-100")])
def test_the_given_region_decides_for_a_file_without_a_country_column(admin, tmp_path, region, code, right):
    rows = [["Name", "Email", "Postal Code"], ["Ann Lee", "ann@x.com", code]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows, "region"), region=region)
    assert result.created == 1
    (ann,) = records.list_records(admin, "customer")
    assert ann["postal_code"] == right


@pytest.mark.parametrize("heading, codes, region, right", [
    ("Zip", [2134, 90210], "US", ["02134", "90210"]),
    ("Kod pocztowy", [1234, 12345], "PL", ["01-234", "12-345"]),
    ("CEP", [1310100, 20040002], "BR", ["01310-100", "20040002"]),    # fits as written: kept
    ("Postal Code", [21341234, 90210], "US", ["02134-1234", "90210"]),
])
def test_codes_of_different_lengths_and_no_country_stop_naming_the_column_and_region(admin, tmp_path, heading,
                                                                                     codes, region, right):
    from cims_xl.importer.errors import ImportRefused

    rows = [["Name", "Email", heading]] + [[f"P{k}", f"p{k}@x.com", code] for k, code in enumerate(codes)]
    path = write_table(tmp_path, "xlsx", rows, "nocountry")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    message = str(stop.value)
    assert f"column '{heading}'" in message and f"'{codes[0]}'" in message and "--region" in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, region=region)
    assert result.created == len(codes)
    stored = {c["name"]: c["postal_code"] for c in records.list_records(admin, "customer")}
    assert stored == {f"P{k}": r for k, r in enumerate(right)}
