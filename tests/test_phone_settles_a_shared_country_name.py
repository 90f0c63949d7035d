"""A country name several countries share ("Korea": KP or KR; "Congo": CD or CG; "Virgin
Islands": VG or VI) beside a phone number without a country code that is valid in only one
of them: the number is read there, and the summary says so. When the number is valid in
none, or in more than one, or there is no number, the row is warned as before."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv


@pytest.mark.parametrize("country,phone,e164,code", [
    ("Korea", "010-1234-5678", "+821012345678", "KR"),
    ("Congo", "081 234 5678", "+243812345678", "CD"),
    ("Virgin Islands", "340-774-1234", "+13407741234", "VI"),
    ("KOREA", "010 9876 5432", "+821098765432", "KR"),
])
def test_a_shared_country_name_is_settled_by_a_number_valid_in_only_one_of_its_countries(admin, tmp_path, country,
                                                                                      phone, e164, code):
    path = write_csv(tmp_path / "c.csv", [["Name", "Phone", "Country"], ["Kim Min", phone, country],
                                          ["Lee Ana", "12345", country]])
    result = import_file(admin, path)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Kim Min"]["phone"] == e164 and not got["Kim Min"]["notes"]
    assert got["Lee Ana"]["phone"] is None                     # valid nowhere: warned, not settled
    said = next(i for i in result.inferences if i["what"] == "countries settled by phone numbers")
    assert f"'{country}': its phone numbers read as {code} in 1 row(s)" in said["decided"]


def test_a_korean_number_valid_in_both_koreas_is_not_settled_but_a_mobile_in_the_same_file_is(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Name", "Phone", "Country"], ["Kim Min", "010-1234-5678", "Korea"],
                                          ["Park Ji", "02-312-3456", "Korea"]])       # Seoul or Pyongyang
    result = import_file(admin, path)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["Kim Min"]["phone"] == "+821012345678"
    assert got["Park Ji"]["phone"] is None and "could be North Korea (KP) or South Korea (KR)" in " ".join(
        (o.warnings or {}).get("Phone", "") for o in result.outcomes)


def test_customer_add_reads_the_number_in_the_one_country_it_is_valid_in(run, admin):
    code, out, err = run("customer", "add", "--name", "Kim Min", "--country", "Korea", "--phone", "010-1234-5678")
    assert code == 0, out + err
    assert [c["phone"] for c in records.list_records(admin, "customer")] == ["+821012345678"]
