"""Postal codes whose leading zeros a spreadsheet dropped (02134 kept as the number
2134: a CSV opened in Excel, a General cell) get them back when the row's country's
format says a code is longer (Google's address data), and the summary says so. Without
a country nothing is guessed, and codes that fit as written are left alone."""

from __future__ import annotations

import pytest

from cims_xl.domain.postal import restored_zeros
from cims_xl.importer import import_file
from cims_xl.services import records


def codes(session, kind: str = "customer") -> dict[str, str | None]:
    return {r["name"]: r["postal_code"] for r in records.list_records(session, kind)}


def said(result) -> dict:
    (line,) = [i for i in result.inferences if i["what"] == "postal codes"]
    return line


@pytest.mark.parametrize("text, country, right", [
    ("2134", "US", "02134"), ("501", "US", "00501"), ("1067", "DE", "01067"), ("10010", "CN", "010010"),
    ("600001", "JP", "060-0001"), ("1000000", "BR", "01000-000"), ("1000", "FR", "01000"), ("800", "AU", "0800"),
    ("8001", "ES", "08001"), ("144", "IT", "00144"), ("3051", "KR", "03051"), ("550", "FI", "00550"),
    ("18956", "SG", "018956"),
])
def test_a_code_short_of_its_countrys_format_gets_its_zeros_back(text, country, right):
    assert restored_zeros(text, country) == right


@pytest.mark.parametrize("text, country", [
    # countries whose codes never begin with 0: a short one is a typo, not a lost zero
    ("11001", "IN"), ("12345", "RU"), ("800", "CH"), ("10", "TW"), ("123", "DE"),
    ("02134", "US"), ("90210", "US"), ("123456", "US"), ("2134", "GB"), ("123", "HK"), ("1234", "NL"),
    ("2544", "CH"), ("110001", "IN"), ("２１３４", "US"), ("21a4", "US"), ("", "US"),
    ("02134", "CN"), ("0800", "DE"),      # a code that kept a zero lost none: wrong, but not a number's
])
def test_a_code_that_fits_or_that_zeros_cannot_make_fit_is_left_as_it_is(text, country):
    assert restored_zeros(text, country) is None


def test_an_import_puts_the_zeros_back_by_each_rows_country_and_says_so(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Country,Postal Code\n"
                    "Bob Ray,bob@example.com,United States,2134\n"
                    "Ann Kay,ann@example.com,Deutschland,1067\n"
                    "王伟,ww@example.cn,中国,10010\n"
                    "Zed Zu,zed@example.com,US,501\n"
                    "Sam Oo,sam@example.com,United Kingdom,SW1A 1AA\n"
                    "Tom Bo,tom@example.com,US,90210\n"
                    "Lin Mo,lin@example.com,Australia,2000\n", encoding="utf-8")
    dry = import_file(admin, path, dry_run=True)
    line = said(dry)
    assert line["decided"] == "leading zeros put back"
    assert "'Postal Code': 4 code(s)" in line["evidence"]
    assert "'1067' → '01067' (DE)" in line["evidence"] and "'10010' → '010010' (CN)" in line["evidence"]
    assert codes(admin) == {}
    import_file(admin, path)
    assert codes(admin) == {"Bob Ray": "02134", "Ann Kay": "01067", "王伟": "010010", "Zed Zu": "00501",
                            "Sam Oo": "SW1A 1AA", "Tom Bo": "90210", "Lin Mo": "2000"}


def test_without_a_country_the_assumed_region_puts_back_nothing_but_a_given_region_does(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Postal Code\nBob Ray,bob@example.com,2134\n", encoding="utf-8")
    result = import_file(admin, path, dry_run=True)
    assert not [i for i in result.inferences if i["what"] == "postal codes"]     # CN is only assumed
    result = import_file(admin, path, region="US")
    assert codes(admin) == {"Bob Ray": "02134"} and said(result)


def test_numbers_in_general_cells_of_a_workbook_get_their_zeros_and_formatted_ones_stay(admin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Country", "Postal Code"])
    ws.append(["Ann Lee", "USA", 2134])               # General: Excel shows 2134
    ws.append(["Bo Kim", "USA", 7102])
    ws.cell(row=3, column=3).number_format = "00000"   # shown 07102: read as shown, nothing to say
    ws.append(["Cy Dee", "Germany", 1067.0])
    path = tmp_path / "people.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert codes(admin) == {"Ann Lee": "02134", "Bo Kim": "07102", "Cy Dee": "01067"}
    assert "'Postal Code': 2 code(s)" in said(result)["evidence"]


def test_an_orders_file_gives_its_new_customers_their_postal_codes_zeros(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order,Customer,Email,Date,Amount,Currency,Country,Postal Code\n"
                    "1001,Bob Ray,bob@example.com,2026-03-05,10.00,USD,United States,2134\n"
                    "1002,Ann Kay,ann@example.com,2026-03-05,12.00,EUR,Deutschland,80331\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert codes(admin) == {"Bob Ray": "02134", "Ann Kay": "80331"}
    assert "'2134' → '02134' (US)" in said(result)["evidence"]


def test_a_country_cell_that_names_no_country_takes_no_zeros_from_the_region(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Zip,Country\nR6,r6@example.com,2134,Untied States\nR7,r7@example.com,2134,\n",
                    encoding="utf-8")
    import_file(admin, path, region="US")
    assert codes(admin) == {"R6": "2134", "R7": "02134"}


@pytest.mark.parametrize("text, country, right", [
    ("2134-1234", "US", "02134-1234"), ("2134 1234", "US", "02134 1234"), ("501-1234", "US", "00501-1234"),
    ("5-470", "PL", "05-470"), ("60-0001", "JP", "060-0001"), ("1000-000", "BR", "01000-000"),
])
def test_a_code_with_a_suffix_its_country_allows_gets_the_zeros_of_its_first_part(text, country, right):
    assert restored_zeros(text, country) == right


@pytest.mark.parametrize("text, country", [
    ("2134-12", "US"),        # ZIP+4 has four digits after the hyphen: no zeros make this fit
    ("2134-ABCD", "US"), ("1067-1", "DE"), ("725-079", "PT"), ("2134-1234", "GB"),
    ("02134-1234", "US"), ("0213-1234", "US"), ("22162-1010", "US"), ("-2134", "US"), ("2134--1234", "US"),
])
def test_a_suffixed_code_that_fits_or_that_no_zeros_make_fit_is_left_alone(text, country):
    assert restored_zeros(text, country) is None


def test_an_import_gives_zip_plus_four_and_other_suffixed_codes_their_zeros_and_counts_them(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Country,Postal Code\n"
                    "Bob Ray,bob@example.com,United States,2134-1234\n"
                    "Ola Nowak,ola@example.pl,Polska,5-470\n"
                    "山田太郎,yamada@example.jp,日本,60-0001\n"
                    "Tom Bo,tom@example.com,US,90210-1234\n"
                    "Kim Ro,kim@example.com,US,2134-12\n", encoding="utf-8")
    line = said(import_file(admin, path))
    assert "'Postal Code': 3 code(s)" in line["evidence"]
    assert "'2134-1234' → '02134-1234' (US)" in line["evidence"]
    assert codes(admin) == {"Bob Ray": "02134-1234", "Ola Nowak": "05-470", "山田太郎": "060-0001",
                            "Tom Bo": "90210-1234", "Kim Ro": "2134-12"}
