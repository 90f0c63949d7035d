"""A phone number that is in no range of its country is not stored as one.

Possible-but-invalid numbers used to be stored whenever the country was given (a Country
column, --country): "1391234567" with Country 中国 became +861391234567, a mainland
mobile one digit short. US numbers written 1 + ten digits in a store whose region is
only assumed (China) became +8614085550100 through a fast path that never asked whether
140 is a Chinese mobile range. Numbers in ranges regulators keep for drama (Ofcom's
07700 900xxx) or opened after the metadata was built are still kept as possible: only
what is one digit away from a valid number, or invalid under an assumed region, is refused.
"""
from __future__ import annotations

import json

import pytest

from cims_xl.domain.normalize import normalize_phone
from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("typed, region, near", [
    ("1391234567", "CN", "too few"),              # a mainland mobile one digit short
    ("139123456789", "CN", "too many"),
    ("+86 139 1234 567", "CN", "too few"),
    ("090-1234-567", "JP", "too few"),            # a Japanese mobile one digit short
    ("0151 2345678", "DE", "too few"),            # Telekom's 0151 has eight digits after it
])
def test_a_number_one_digit_away_from_a_valid_one_is_refused_even_with_its_country_given(typed, region, near):
    with pytest.raises(ValueError, match=f"not a valid number in {region}: one digit {near}"):
        normalize_phone(typed, region)


@pytest.mark.parametrize("typed, region, e164", [
    ("13912345678", "CN", "+8613912345678"),
    ("07700 900456", "GB", "+447700900456"),      # Ofcom's drama range: no typo, kept
    ("+44 7700 900123", "GB", "+447700900123"),
    ("(415) 555-0132", "US", "+14155550132"),
    ("030 1234567", "DE", "+49301234567"),
    ("0151 23456789", "DE", "+4915123456789"),
    ("+61 491 570 156", "AU", "+61491570156"),
    ("14512345678", "CN", "+8614512345678"),
    ("19912345678", "CN", "+8619912345678"),
])
def test_valid_numbers_and_numbers_in_reserved_ranges_are_still_read(typed, region, e164):
    assert normalize_phone(typed, region) == e164


@pytest.mark.parametrize("typed", ["14085550100", "16465550123", "1-408-555-0100", "86 140 8555 0100"])
def test_a_us_number_written_one_and_ten_digits_is_never_stored_as_an_invalid_chinese_mobile(typed):
    """140 and 164 begin no mainland mobile range: under the assumed region the number is
    refused (the full check runs), not read by the fast path for mobiles."""
    with pytest.raises(ValueError):
        normalize_phone(typed, "CN", assumed=True)


def test_an_import_with_a_country_column_leaves_a_number_one_digit_short_empty_and_keeps_it_in_notes(
        admin, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Name,Mobile,Country\n短号C,1391234567,中国\n长号D,139123456789,China\n"
                    "正常E,13912345678,中国\nJiro,090-1234-5678,日本\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.warnings) == (4, 0, 2)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["短号C"]["mobile"] is None and "Mobile: 1391234567" in got["短号C"]["notes"]
    assert got["长号D"]["mobile"] is None and "Mobile: 139123456789" in got["长号D"]["notes"]
    assert (got["正常E"]["mobile"], got["Jiro"]["mobile"]) == ("+8613912345678", "+819012345678")
    warned = [o.warning for o in result.outcomes if o.warnings]
    assert any("one digit too few for a mobile number" in w for w in warned)


def test_an_import_without_a_country_stores_no_us_number_as_a_chinese_one(admin, tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("Name,Phone\nAl,14085550100\nBo,16465550123\nCy,13912345678\n", encoding="utf-8")
    import_file(admin, path)
    phones = {c["name"]: c["phone"] for c in records.list_records(admin, "customer")}
    assert phones == {"Al": None, "Bo": None, "Cy": "+8613912345678"}


def test_customer_add_refuses_a_number_one_digit_short_with_the_country_given(run):
    code, out, err = run("customer", "add", "--name", "短号", "--mobile", "1391234567", "--country", "中国")
    assert code != 0 and "one digit too few" in out + err and "Traceback" not in out + err
    code, out, err = run("--format", "json", "customer", "list")
    assert json.loads(out) == []


def test_digits_phonenumbers_drops_as_a_carrier_code_do_not_make_a_shorter_number():
    """China's carrier-selection codes (12593, 17951 …) are stripped when parsing: an
    arbitrary run of digits became +86 678901234."""
    with pytest.raises(ValueError, match="not a valid number in CN"):
        normalize_phone("12345678901234", "CN")


@pytest.mark.parametrize("region", ["CN", "US"])
def test_a_number_too_long_for_the_region_says_how_it_reads_with_a_plus(region):
    with pytest.raises(ValueError, match=r"reads as \+49 1512 3456789 \(DE\) with a \+ before it"):
        normalize_phone("4915123456789", region)


def test_the_quick_validity_check_gives_phonenumbers_answer_for_every_regions_numbers():
    """normalize._is_valid answers from the main region's fixed-line and mobile patterns
    when one fits, else asks phonenumbers: the same answer for example numbers of every
    region and for the same numbers with a digit added, dropped or changed."""
    import random

    import phonenumbers

    from cims_xl.domain.normalize import _is_valid

    rnd = random.Random(14)
    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
                     phonenumbers.PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            nsn = phonenumbers.national_significant_number(example)
            for variant in {nsn, nsn + str(rnd.randint(0, 9)), nsn[:-1],
                            nsn[:-1] + str((int(nsn[-1]) + 1) % 10)}:
                if not variant or variant.startswith("0"):
                    continue
                number = phonenumbers.PhoneNumber(country_code=example.country_code, national_number=int(variant))
                assert _is_valid(number, variant) == phonenumbers.is_valid_number(number), (region, variant)
                checked += 1
    assert checked > 1000


def test_a_landline_one_digit_short_for_its_area_is_refused_and_one_of_the_right_length_read():
    """Hangzhou (0571) numbers have eight digits, Jiaozuo's (0391) seven."""
    with pytest.raises(ValueError, match="one digit too few for a landline number"):
        normalize_phone("0571-8888888", "CN")
    assert normalize_phone("0571-88888888", "CN") == "+8657188888888"
    assert normalize_phone("0391-2345678", "CN") == "+863912345678"


def test_a_number_cell_whose_plus_excel_dropped_is_read_with_its_country_code():
    assert normalize_phone(447700900456, "GB") == "+447700900456"


@pytest.mark.parametrize("typed", ["١٣٨٠٠١٣٨٠٠٠", "۱۳۸ ۰۰۱۳ ۸۰۰۰", "１３８ ００１３ ８０００"])
def test_a_mobile_typed_in_other_digits_is_read_under_the_assumed_region(typed):
    """(tester) Arabic-Indic and Persian digits, which NFKC leaves as they are, are read
    as the digits they are (search already found them)."""
    assert normalize_phone(typed, "CN", assumed=True) == "+8613800138000"
