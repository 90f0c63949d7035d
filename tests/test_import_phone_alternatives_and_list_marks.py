"""Phone and email cells written the way people write them (try26f A3, B7, B8).

A slash before one or two digits at the end of a phone number ("030 1234567/8") gives a
second line's last digits: the number is stored, the whole text is kept in Notes, and the
summary says so; the digits are never joined into one longer number. Lists of numbers or
addresses separated by East Asian marks (；，、), by spaces, or ending with a separator
are split as ";" and "," lists are. An unquoted display name ("Bob Roe <bob@x.com>") is the
Name of a row whose Name is empty, as the quoted form is."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table


def _people(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


ENDINGS = {
    "german landline": ("030 1234567/8", "Germany", "+49301234567"),
    "german short subscriber": ("06221 12345/6", "Deutschland", "+49622112345"),
    "spaces around the slash": ("089 123456 / 78", "Germany", "+4989123456"),
    "two alternative digits": ("0512-65123456/57", "中国", "+8651265123456"),
    "a range of endings": ("030 1234567/8-9", "Germany", "+49301234567"),
    "british": ("01234 567890/1", "United Kingdom", "+441234567890"),
    "french": ("01 42 12 34 56/57", "France", "+33142123456"),
    "austrian": ("01 5321234/5", "Österreich", "+4315321234"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("case", sorted(ENDINGS))
def test_a_slash_before_one_or_two_final_digits_is_another_ending_not_more_digits(admin, tmp_path, case, fmt):
    text, country, stored = ENDINGS[case]
    # an area code before a slash ("0171/1234567") is part of the number, not an ending
    rows = [["Name", "Email", "Phone", "Country"], ["Ann Lee", "ann@x.com", text, country],
            ["Bob Roe", "bob@x.com", "0171/1234567", "Germany"]]
    dry = import_file(admin, write_table(tmp_path, fmt, rows, "endings"), dry_run=True)
    (line,) = [i for i in dry.inferences if i["what"] == "phone numbers with another ending"]
    assert "'Phone': 1 cell(s)" in line["evidence"]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "endings"))
    assert result.created == 2
    people = _people(admin)
    assert people["Ann Lee"]["phone"] == stored
    assert f"Phone: {text}" in (people["Ann Lee"]["notes"] or "")
    assert people["Bob Roe"]["phone"] == "+491711234567" and not people["Bob Roe"]["notes"]


EMAIL_LISTS = {
    "full-width semicolon": "a@x.com；b@y.com",
    "full-width comma": "a@x.com，b@y.com",
    "enumeration comma": "a@x.com、b@y.com",
    "spaces": "a@x.com b@y.com",
    "trailing semicolon": "a@x.com;",
    "trailing full-width semicolon": "a@x.com；",
    "trailing full-width comma after a list": "a@x.com，b@y.com，",
}


@pytest.mark.parametrize("case", sorted(EMAIL_LISTS))
def test_an_email_list_with_east_asian_space_or_trailing_marks_gives_its_first_address(admin, tmp_path, case):
    text = EMAIL_LISTS[case]
    rows = [["Name", "Email"], ["Ann Lee", text]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "emails"))
    assert result.created == 1
    assert not [o.warnings for o in result.outcomes if o.warnings]
    ann = _people(admin)["Ann Lee"]
    assert ann["email"] == "a@x.com"
    if "b@y.com" in text:
        assert "Email: b@y.com" in (ann["notes"] or "")
        assert any(i["what"] == "several values in one cell" for i in result.inferences)


# (the other numbers are kept in Notes in E.164, as the field holds its number)
PHONE_LISTS = {
    "cn full-width semicolon": ("13800138000；13900139000", "China", "+8613800138000", "+8613900139000"),
    "cn enumeration comma": ("13800138000、13900139000", "China", "+8613800138000", "+8613900139000"),
    "cn full-width comma": ("13800138000，13900139000", "China", "+8613800138000", "+8613900139000"),
    "cn spaces": ("13800138000 13900139000", "China", "+8613800138000", "+8613900139000"),
    "jp enumeration comma": ("03-1234-5678、090-1234-5678", "Japan", "+81312345678", "+819012345678"),
    "de spaces between whole numbers": ("030-1234567 0171-1234567", "Germany", "+49301234567", "+491711234567"),
    "trailing semicolon": ("13800138000;", "China", "+8613800138000", None),
    "us trailing comma": ("(212) 555-0132,", "United States", "+12125550132", None),
}
# one number written in spaced groups, in each country: never taken for a list
GROUPS = {"China": ("010 8888 8888", "+861088888888"), "Japan": ("03 1234 5678", "+81312345678"),
          "Germany": ("030 1234567", "+49301234567"), "United States": ("(212) 555 0199", "+12125550199")}


@pytest.mark.parametrize("case", sorted(PHONE_LISTS))
def test_a_phone_list_with_east_asian_space_or_trailing_marks_gives_its_first_number(admin, tmp_path, case):
    text, country, stored, other = PHONE_LISTS[case]
    rows = [["Name", "Phone", "Country"], ["Ann Lee", text, country], ["Bob Roe", GROUPS[country][0], country]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "phones"))
    assert result.created == 2
    people = _people(admin)
    assert people["Ann Lee"]["phone"] == stored
    if other:
        assert f"Phone: {other}" in (people["Ann Lee"]["notes"] or "")
    assert people["Bob Roe"]["phone"] == GROUPS[country][1] and not people["Bob Roe"]["notes"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("cell, name", [("Bob Roe <bob@x.com>", "Bob Roe"), ("王小明 <wang@x.cn>", "王小明"),
                                        ("José Núñez <jose@x.es>", "José Núñez")])
def test_an_unquoted_display_name_is_the_name_of_a_row_without_one(admin, tmp_path, fmt, cell, name):
    rows = [["Name", "Email"], ["", cell], ["Ann", "ann@x.com"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "names"))
    assert result.created == 2, [o.problems for o in result.outcomes]
    person = _people(admin)[name]
    assert person["email"] == cell.split("<")[1].rstrip(">")


def test_a_number_before_a_slash_that_is_not_valid_is_left_empty_and_its_text_kept_once(admin, tmp_path):
    # Shenzhen numbers have eight digits after 0755: …1234567/8 joined would pass as valid
    rows = [["Name", "Phone", "Country"], ["Ann Lee", "0755-1234567/8", "China"]]
    result = import_file(admin, write_table(tmp_path, "csv", rows, "short"))
    assert result.created == 1
    ann = _people(admin)["Ann Lee"]
    assert ann["phone"] is None
    assert ann["notes"] == "Phone: 0755-1234567/8"
    assert [o.warnings for o in result.outcomes if o.warnings]
