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
    ("600001", "JP", "0600001"), ("1000000", "BR", "01000000"), ("1000", "FR", "01000"), ("800", "AU", "0800"),
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
