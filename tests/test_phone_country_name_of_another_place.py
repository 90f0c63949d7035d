"""A country name that is also the name of a part of another country ("Georgia", the US
state; "Luxembourg", the Belgian province): a number without a country code that is not
valid in the named country but is valid where that part lies is refused with a message
saying so and naming the number with its country code, which then imports right."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv

CASES = [("Georgia", "(404) 555-0134", "+14045550134", "state", "United States"),
         ("Luxembourg", "063 21 23 45", "+3263212345", "province", "Belgium")]


@pytest.mark.parametrize("country,phone,e164,kind,where", CASES)
def test_an_imported_number_of_the_other_place_of_a_country_name_is_warned_naming_it(admin, tmp_path, country, phone,
                                                                                   e164, kind, where):
    path = write_csv(tmp_path / "c.csv", [["Name", "Phone", "Country"], ["Nino B", phone, country],
                                          ["Ann C", e164, country]])
    result = import_file(admin, path)
    assert result.created == 2
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Nino B"]["phone"] is None and phone in got["Nino B"]["notes"]
    assert got["Ann C"]["phone"] == e164               # the form the message names imports right
    why = next(o.warnings["Phone"] for o in result.outcomes if o.warnings)
    assert f"the {kind} in {where}?" in why and e164 in why


@pytest.mark.parametrize("country,phone,e164,kind,where", CASES)
def test_customer_add_names_the_other_place_of_a_country_name(run, admin, country, phone, e164, kind, where):
    code, out, err = run("customer", "add", "--name", "Nino B", "--country", country, "--phone", phone)
    assert code != 0 and f"'{country}' the {kind} in {where}?" in out + err and e164 in out + err
    assert records.list_records(admin, "customer") == []
