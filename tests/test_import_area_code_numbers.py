"""An area-code column typed as a number beside the rest of a phone number (task ids22):
Japan's 市外局番, Korea's 지역번호, Germany's Vorwahl lose their trunk prefix "0" in a
number cell ("3" for "03", "45" for "045", "30" for "030"). Decided on the whole column:
restored where the country writes it and no code has it, said in the summary; a column
mixing both stops before writing. Every file is written here; every value is read back
from a real encrypted store."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

from table_files import customers_by_name, said_about, write_table

TYPED_AS_NUMBERS = [
    ("JP", ["氏名", "市外局番", "電話番号"], [["Ann Lee", 3, "1234-5678"], ["Bob Ray", 6, "6123-4567"],
                                       ["Cy Doe", 45, "123-4567"]],
     {"Ann Lee": "+81312345678", "Bob Ray": "+81661234567", "Cy Doe": "+81451234567"}),
    ("JP", ["氏名", "市外局番", "市内局番", "加入者番号"], [["Ann Lee", 3, 1234, 5678], ["Bob Ray", 6, 6123, 4567]],
     {"Ann Lee": "+81312345678", "Bob Ray": "+81661234567"}),
    ("KR", ["이름", "지역번호", "전화번호"], [["Ann Lee", 2, "1234-5678"], ["Bob Ray", 31, "123-4567"]],
     {"Ann Lee": "+82212345678", "Bob Ray": "+82311234567"}),
    ("DE", ["Name", "Vorwahl", "Telefon"], [["Ann Lee", 30, "1234567"], ["Bob Ray", 89, "7654321"],
                                          ["Cy Doe", 221, "123456"]],
     {"Ann Lee": "+49301234567", "Bob Ray": "+49897654321", "Cy Doe": "+49221123456"}),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("region,headings,body,phones", TYPED_AS_NUMBERS)
def test_area_codes_typed_as_numbers_get_their_trunk_zero_back_and_the_summary_says_so(admin, tmp_path, fmt,
                                                                                     region, headings, body,
                                                                                     phones):
    result = import_file(admin, write_table(tmp_path, fmt, [headings, *body], name="phones"), kind="customers",
                         region=region)
    got = customers_by_name(admin)
    assert {n: got[n]["phone"] for n in phones} == phones
    assert result.rejected == 0 and all(not (got[n]["notes"] or "").strip() for n in phones)
    said = said_about(result, f"area codes in '{headings[1]}'")
    assert "'0'" in said and f"'{body[0][1]}' as '0{body[0][1]}'" in said


def test_a_country_written_without_a_trunk_prefix_keeps_its_area_codes_as_written(admin, tmp_path):
    # US numbers have no trunk "0" before the area code: 212 typed as a number is 212
    rows = [["Name", "Area Code", "Phone"], ["Ann Lee", 212, "555-0123"], ["Bob Ray", 415, "555-0199"]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows, name="us"), kind="customers", region="US")
    got = customers_by_name(admin)
    assert (got["Ann Lee"]["phone"], got["Bob Ray"]["phone"]) == ("+12125550123", "+14155550199")
    assert not any(i["what"].startswith("area codes in") for i in result.inferences)


@pytest.mark.parametrize("region,headings,body", [
    ("JP", ["氏名", "市外局番", "電話番号"], [["Ann Lee", "03", "1234-5678"], ["Bob Ray", 6, "6123-4567"]]),
    ("DE", ["Name", "Vorwahl", "Telefon"], [["Ann Lee", "030", "1234567"], ["Bob Ray", 89, "7654321"]]),
])
def test_a_column_mixing_codes_with_and_without_their_zero_stops_naming_it(admin, tmp_path, region, headings,
                                                                          body):
    path = write_table(tmp_path, "xlsx", [headings, *body], name="mixed")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="customers", region=region)
    said = str(stop.value)
    assert f"'{headings[1]}'" in said and f"'{body[0][1]}'" in said and f"'{body[1][1]}'" in said
    assert f'--map "{headings[1]}=-"' in said
    assert records.list_records(admin, "customer") == []
    # the column written as text with every code's zero: taken as written, without a word
    fixed = [[body[0][0], body[0][1], body[0][2]], [body[1][0], f"0{body[1][1]}", body[1][2]]]
    result = import_file(admin, write_table(tmp_path, "xlsx", [headings, *fixed], name="text"), kind="customers",
                         region=region)
    got = customers_by_name(admin)
    assert all(got[row[0]]["phone"].replace("+", "").endswith(str(row[2]).replace("-", "")) for row in fixed)
    assert not any(i["what"].startswith("area codes in") for i in result.inferences)
