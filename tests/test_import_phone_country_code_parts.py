"""A phone split into country code, area code and number columns (try26f B6): the country
code column was left unmapped and a trunk prefix of the store's region was put before the
area code ("0212 5550132" for a US number), so most numbers were left empty; Xero's
MobileCountryCode/MobileAreaCode were not joined at all. The parts are one number, joined
in order as +code area number, and the summary says so."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table


def _phones(session, field: str = "phone") -> dict[str, str | None]:
    return {c["name"]: c[field] for c in records.list_records(session, "customer")}


ROWS = [  # name, country code cell, area code cell, number cell, stored
    ("Ann Lee", 7, 495, 1234567, "+74951234567"),          # Moscow: trunk 8, never 0
    ("Bob Roe", 36, 1, 2345678, "+3612345678"),            # Budapest: trunk 06
    ("Cat Wu", 1, 212, "555-0132", "+12125550132"),        # New York: no trunk prefix
    ("Dan Po", 39, 6, 12345678, "+390612345678"),          # Rome: the 0 stays after +39
    ("Eve Li", "+44", 20, "7946 0958", "+442079460958"),
    ("Fay Ng", "0049", "030", 1234567, "+49301234567"),    # area written with its trunk 0
    ("Gus Ho", 61, 2, 98765432, "+61298765432"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headers", [("Country Code", "Area Code", "Phone"),
                                     ("Phone Country Code", "Phone Area Code", "Telephone"),
                                     ("国际区号", "区号", "电话")])
def test_country_code_area_code_and_number_columns_are_one_international_number(admin, tmp_path, fmt, headers):
    rows = [["Name", "Email", *headers]]
    rows += [[name, f"{name.split()[0].lower()}@x.com", cc, area, number] for name, cc, area, number, _ in ROWS]
    dry = import_file(admin, write_table(tmp_path, fmt, rows, "split"), dry_run=True)
    (line,) = [i for i in dry.inferences if i["what"] == "phone in parts"]
    assert line["decided"].startswith(f"'{headers[0]}' + '{headers[1]}' + '{headers[2]}'")
    assert not any(i["what"].startswith("area codes in") for i in dry.inferences)
    result = import_file(admin, write_table(tmp_path, fmt, rows, "split"))
    assert result.created == len(ROWS)
    assert _phones(admin) == {name: stored for name, *_rest, stored in ROWS}


def test_xero_phone_and_mobile_parts_are_each_joined_with_their_country_code(admin, tmp_path):
    rows = [["*ContactName", "EmailAddress", "PhoneNumber", "PhoneAreaCode", "PhoneCountryCode",
             "MobileNumber", "MobileAreaCode", "MobileCountryCode"],
            ["Kiwi Traders Ltd", "info@kiwi.nz", "3771234", "9", "64", "1234567", "21", "64"],
            ["Sydney Cafe Pty Ltd", "hi@cafe.au", "98765432", "2", "61", "412345678", "", "61"],
            ["Tokyo KK", "info@tokyo.jp", "1234-5678", "3", "81", "1234-5678", "90", "81"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "xero"))
    assert result.created == 3
    assert _phones(admin) == {"Kiwi Traders Ltd": "+6493771234", "Sydney Cafe Pty Ltd": "+61298765432",
                              "Tokyo KK": "+81312345678"}
    assert _phones(admin, "mobile") == {"Kiwi Traders Ltd": "+64211234567", "Sydney Cafe Pty Ltd": "+61412345678",
                                        "Tokyo KK": "+819012345678"}
    assert any(i["what"] == "mobile in parts" for i in result.inferences)
    notes = " ".join(c["notes"] or "" for c in records.list_records(admin, "customer"))
    assert "MobileNumber" not in notes and "CountryCode" not in notes
