"""A phone number typed without a country code, with no country to go by: the store's
default region (China) is only assumed, so a number not written the way China writes
its own numbers at home is refused, never stored as a Chinese one, and the refusal
names what the command offers (--country for customers, a Country column or --region
for imports)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from cims_xl.domain.normalize import normalize_phone
from cims_xl.services import records


@pytest.mark.parametrize("typed", [
    "0151 23456789",      # German mobile: trunk 0, then 151 (a Chinese mobile prefix)
    "015123456789",
    "0151-2345 6789",
    "0171 2345678",       # a 10-digit German mobile: a Chinese landline's length, no such area code
    "089 3280598",        # Munich landline
    "(415) 555-0132",     # US number
])
def test_a_foreign_looking_number_is_not_read_as_chinese_under_the_assumed_region(typed):
    with pytest.raises(ValueError, match="region assumed"):
        normalize_phone(typed, "CN", assumed=True)


@pytest.mark.parametrize("typed, e164", [
    ("13800138000", "+8613800138000"),
    ("138 0013 8000", "+8613800138000"),
    ("010-6552 9988", "+861065529988"),
    ("021 6234 5678", "+862162345678"),
    ("0755-2678 0000", "+8675526780000"),
])
def test_numbers_written_as_china_writes_them_still_read_under_the_assumed_region(typed, e164):
    assert normalize_phone(typed, "CN", assumed=True) == e164


def test_with_china_given_a_trunk_zero_before_a_mobile_is_that_mobile():
    assert normalize_phone("0151 2345 6789", "CN") == "+8615123456789"


def test_customer_add_refuses_a_german_mobile_without_country_and_names_its_own_option(run, admin):
    code, out, err = run("customer", "add", "--name", "Jürgen Weiß", "--mobile", "0151 23456789")
    assert code != 0 and out == ""
    assert "--country" in err and "--region" not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert records.list_records(admin, "customer") == []


def test_customer_add_with_its_country_stores_the_german_mobile(run, admin):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Jürgen Weiß",
                         "--mobile", "0151 23456789", "--country", "Deutschland")
    assert code == 0, err
    assert json.loads(out)["mobile"] == "+4915123456789"


def test_customer_edit_of_a_customer_without_country_refuses_the_same_way(run, admin):
    cid = records.create(admin, "customer", {"name": "Hanna Schmidt"})["id"]
    code, out, err = run("customer", "edit", cid, "--phone", "089 3280598")
    assert code != 0 and "--country" in err and "--region" not in err
    assert records.get(admin, cid)["phone"] is None


def test_a_contact_phone_refusal_does_not_name_an_option_contacts_lack(run, admin):
    cid = records.create(admin, "customer", {"name": "Müller KG"})["id"]
    code, out, err = run("contact", "add", "--name", "Eva Braun", "--customer-id", cid, "--phone", "0151 23456789")
    assert code != 0
    assert "+ and its country code" in err and "--country" not in err and "--region" not in err


def test_an_import_without_a_country_leaves_the_german_mobile_out_and_names_its_options(run, admin, tmp_path):
    src = tmp_path / "kunden.csv"
    src.write_text("Name,Mobile\nJürgen Weiß,0151 23456789\n王芳,137 0013 7000\n", encoding="utf-8")
    code, out, err = run("--format", "json", "import", str(src))
    assert code == 0, err
    data = json.loads(out)
    (warned,) = [p for p in data["problems"] if p.get("warnings")]
    reason = " ".join(warned["warnings"].values())
    assert "--region" in reason and "Country column" in reason and "--country" not in reason
    mobiles = {c["name"]: c["mobile"] for c in records.list_records(admin, "customer")}
    assert mobiles == {"Jürgen Weiß": None, "王芳": "+8613700137000"}


_NATIONAL = st.builds(lambda lead, sep, rest: f"{lead}{sep}{rest}",
                      st.from_regex(r"0[1-9][0-9]{0,2}", fullmatch=True), st.sampled_from(["", "-", " "]),
                      st.from_regex(r"[0-9]{5,9}", fullmatch=True))


@settings(max_examples=400, deadline=None)
@given(_NATIONAL)
def test_a_number_with_a_trunk_zero_the_assumed_region_accepts_is_a_valid_number_there(text):
    # (Mainland mobiles, 1[3-9] and nine digits, are taken on their shape alone: new
    # ranges open faster than the metadata learns them, and no other country's numbers
    # are written that way without their country code.)
    import phonenumbers

    try:
        got = normalize_phone(text, "CN", assumed=True)
    except ValueError:
        return
    assert phonenumbers.is_valid_number(phonenumbers.parse(got))
