"""A file without a Country column whose numbers are not the numbers of the store's SET
region (`cims settings region`) but another country's: a Singapore or Hong Kong file
("9123 4567") in a CN or US store. Whole-file evidence decides: when most numbers are
no valid numbers of the store's region but valid where the file points (its cities,
addresses, postal codes, letters), the import stops once before writing, naming the
column, examples and `--region XX`; that option then imports the file right. Before,
a CN store stored them as unassigned Chinese numbers ("+8691234567"), a US store
warned on every row."""
from __future__ import annotations

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records
from cims_xl.services.settings import set_store_region


def _phones(session) -> dict[str, str | None]:
    return {c["name"]: c["phone"] for c in records.list_records(session, "customer")}


SINGAPORE = ("Name,Phone,City,Postal Code\n"
             "Tan Wei Ming,9123 4567,Singapore,238859\n"
             "Lim Mei Ling,8765 4321,Singapore,049315\n"
             "Ong Boon Hock,6123 4567,Singapore,408600\n")
HONG_KONG_ADDRESSES = ("Name,Phone,Address\n"
                       "Chan Tai Man,9123 4567,\"Flat A, 12/F, 18 Nathan Road, Kowloon, Hong Kong\"\n"
                       "Wong Siu Ming,6123 4567,\"88 Queen's Road Central, Hong Kong\"\n"
                       "Lee Ka Yan,2345 6789,\"Causeway Bay, Hong Kong\"\n")
HONG_KONG_CHINESE = ("姓名,電話,城市\n"
                     "陳大文,9123 4567,香港\n"
                     "黃小明,6123 4567,九龍\n"
                     "李嘉欣,2345 6789,香港\n")


@pytest.mark.parametrize("store_region", ["CN", "US"])
@pytest.mark.parametrize("text, country, stored", [
    (SINGAPORE, "SG", {"Tan Wei Ming": "+6591234567", "Lim Mei Ling": "+6587654321", "Ong Boon Hock": "+6561234567"}),
    (HONG_KONG_ADDRESSES, "HK", {"Chan Tai Man": "+85291234567", "Wong Siu Ming": "+85261234567",
                                 "Lee Ka Yan": "+85223456789"}),
    (HONG_KONG_CHINESE, "HK", {"陳大文": "+85291234567", "黃小明": "+85261234567", "李嘉欣": "+85223456789"}),
])
def test_a_file_of_another_countrys_numbers_stops_once_naming_its_region_and_that_option_imports_it(
        admin, tmp_path, store_region, text, country, stored):
    set_store_region(admin, store_region)
    src = tmp_path / "customers.csv"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    said = str(stop.value)
    assert f"--region {country}" in said and "'9123 4567'" in said and "Nothing was imported" in said
    assert store_region in said and ("'Phone'" in said or "'電話'" in said)
    assert _phones(admin) == {}                 # never "+8691234567" nor three warned rows
    with pytest.raises(ImportRefused):
        import_file(admin, src, dry_run=True)
    result = import_file(admin, src, region=country)
    assert not [o for o in result.outcomes if o.warnings]
    assert _phones(admin) == stored


def test_without_any_place_in_the_file_the_countries_its_numbers_read_in_are_named(admin, tmp_path):
    set_store_region(admin, "CN")
    src = tmp_path / "contacts.csv"
    src.write_text("Name,Phone\nAnn,9123 4567\nBen,9876 5432\nCal,6123 4567\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    said = str(stop.value)
    assert "--region CC" in said and "HK" in said and "SG" in said and "'9876 5432'" in said
    assert _phones(admin) == {}


def test_a_few_foreign_numbers_among_the_regions_own_do_not_stop_the_import_most_do(admin, tmp_path):
    set_store_region(admin, "US")
    src = tmp_path / "customers.csv"
    src.write_text("Name,Phone,City\nAnn,(415) 555-0132,San Francisco\nBen,(212) 555-0188,New York\n"
                   "Cal,(617) 555-0123,Boston\nDee,9123 4567,Singapore\n", encoding="utf-8")
    result = import_file(admin, src)
    got = _phones(admin)
    assert got["Ann"] == "+14155550132" and got["Cal"] == "+16175550123"
    assert got["Dee"] is None and result.created == 4      # that row warned, as before
    most = tmp_path / "more.csv"
    most.write_text("Name,Phone,City\nEve,(415) 555-0177,San Francisco\nFay,9123 4567,Singapore\n"
                    "Gus,8765 4321,Singapore\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, most)
    assert "2 of 3" in str(stop.value) and "--region SG" in str(stop.value)
    assert "Eve" not in _phones(admin)


def test_a_chinese_file_in_a_cn_store_is_read_as_before_a_traditional_hong_kong_one_stops(admin, tmp_path):
    set_store_region(admin, "CN")
    src = tmp_path / "kehu.csv"
    src.write_text("姓名,电话,城市\n王芳,010-6552 9988,北京\n李娜,138 0013 8000,上海\n张伟,021 6234 5678,上海\n",
                   encoding="utf-8")
    import_file(admin, src)
    assert _phones(admin) == {"王芳": "+861065529988", "李娜": "+8613800138000", "张伟": "+862162345678"}
    hk = tmp_path / "hk.csv"
    hk.write_text("姓名,電話,地址\n陳大文,9123 4567,九龍彌敦道18號\n黃小明,6123 4567,中環皇后大道中88號\n",
                  encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, hk)
    assert "--region HK" in str(stop.value)


def test_rows_with_their_own_country_are_not_counted_against_the_region_rows_without_are(admin, tmp_path):
    set_store_region(admin, "CN")
    src = tmp_path / "customers.csv"
    src.write_text("Name,Phone,Country\nTan,9123 4567,Singapore\nLim,8765 4321,Singapore\n"
                   "Wang,138 0013 8000,\n", encoding="utf-8")
    import_file(admin, src)
    assert _phones(admin) == {"Tan": "+6591234567", "Lim": "+6587654321", "Wang": "+8613800138000"}
    blank = tmp_path / "blank.csv"
    blank.write_text("Name,Phone,Country\nOng,6123 4567,\nGoh,9876 5432,\nLi,139 1234 5678,China\n",
                     encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, blank)
    assert "2 of 2" in str(stop.value)
    assert "Ong" not in _phones(admin)
