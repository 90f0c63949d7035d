"""Phone countries decided once for the whole file, never a silent guess per row.

1. The store's region SET: a few foreign numbers among many domestic ones that are no
   valid numbers of that region but valid in another country ("0121 496 0000", a
   Birmingham number, is only a possible Chinese one) are never stored under the
   region: the row is kept, the phone left empty with its text in Notes and a warning,
   and the summary says how many.
2. NO region set (CN only assumed): a Hong Kong, Singapore or Macao file without a
   Country column is decided once, on the evidence of the whole file (numbers every
   row's reading fits, +852 in some rows, its writing, its places): imported under that
   region and said, or stopped once naming --region with examples; never a warning per
   row.
3. Messages explaining a phone-region decision name the script or language and a count,
   never letters cut out of customers' names.
"""
from __future__ import annotations

import phonenumbers
import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records
from cims_xl.services.settings import set_store_region
from table_files import customers_by_name


def _warned(result) -> dict[int, str]:
    return {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}


def _write(path, rows):
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _e164(text: str, region: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(text, region), phonenumbers.PhoneNumberFormat.E164)


# ----- 1. the store's region set: a few foreign numbers among the region's own ---------------

DOMESTIC = {"CN": lambda i: f"139{i:08d}", "DE": lambda i: f"0151 2345{i:04d}"}


@pytest.mark.parametrize("many", [40, 400])
@pytest.mark.parametrize("store, foreign, country", [
    ("CN", ["0121 496 0000", "0113 496 0123", "0141 496 0789"], "GB"),
    ("CN", ["06-6123-4567", "06-6123-4568", "06-6123-4569"], "JP"),
    ("DE", ["0121 496 0000", "0113 496 0123", "0117 496 0456"], "GB"),
    ("CN", ["030 12345678", "030 23456789", "030 34567890"], "DE"),
])
def test_a_few_foreign_numbers_invalid_in_the_stores_region_are_left_empty_counted_and_said(
        admin, tmp_path, many, store, foreign, country):
    for t in foreign:       # the kind: possible in the store's region, valid only elsewhere
        assert not phonenumbers.is_valid_number(phonenumbers.parse(t, store))
        assert phonenumbers.is_valid_number(phonenumbers.parse(t, country))
    set_store_region(admin, store)
    rows = [["Name", "Phone"]] + [[f"Local {i}", DOMESTIC[store](i)] for i in range(many)]
    rows += [[f"Abroad {i}", t] for i, t in enumerate(foreign)]
    src = _write(tmp_path / "customers.csv", rows)
    dry = import_file(admin, src, dry_run=True)
    result = import_file(admin, src)
    got = customers_by_name(admin)
    assert result.created == many + len(foreign)          # every row kept
    for i, t in enumerate(foreign):
        row = got[f"Abroad {i}"]
        assert row["phone"] is None and t in row["notes"]    # never +86…/+49… of a number no one has
    assert got["Local 7"]["phone"] == _e164(DOMESTIC[store](7), store)
    warned = _warned(result)
    assert len(warned) == len(foreign) and all(country in w and store in w for w in warned.values())
    for said in (dry.inferences, result.inferences):
        line = next(i for i in said if i["what"] == f"phone numbers not valid in {store}")
        assert f"{len(foreign)} " in line["decided"] and country in line["evidence"]


# ----- 2. no region set: the file's country decided once -------------------------------------

HK_ENGLISH = [["Name", "Phone", "City"], ["Chan Tai Man", "9123 4567", ""], ["Wong Siu Ming", "2345 6789", ""],
              ["Lee Ka Yan", "+852 6123 4567", "Hong Kong"], ["Ho Wing Yan", "5123 4567", ""]]
HK_CHINESE = [["姓名", "電話"], ["陳大文", "9123 4567"], ["黃小明", "6123 4567"], ["李嘉欣", "2345 6789"],
              ["張偉強", "9876 5432"]]
SG_CHINESE = [["客户名称", "电话", "地址"], ["陈伟明", "9799 6995", "新加坡乌节路1号"],
              ["林美华", "9359 6319", "新加坡牛车水2号"], ["黄志强", "8123 4567", "新加坡裕廊东3号"]]
MO_CHINESE = [["客戶名稱", "電話", "城市"], ["陳大文", "6612 3456", "澳門"], ["黃小明", "2888 1234", "澳門"],
              ["李嘉欣", "6681 2345", "澳門"]]


@pytest.mark.parametrize("rows, country", [(HK_ENGLISH, "HK"), (HK_CHINESE, "HK"), (SG_CHINESE, "SG"),
                                           (MO_CHINESE, "MO")])
def test_a_file_of_one_countrys_numbers_without_a_country_column_is_read_in_that_country_and_said(
        admin, tmp_path, rows, country):
    src = _write(tmp_path / "contacts.csv", rows)
    dry = import_file(admin, src, dry_run=True)
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, src)
    assert not _warned(result)                  # never a warning per row
    got = customers_by_name(admin)
    for r in rows[1:]:
        assert got[r[0]]["phone"] == _e164(r[1], country)
    for said in (dry.inferences, result.inferences):
        line = next(i for i in said if i["what"] == "phone region of the file")
        assert country in line["decided"] and "--region" in line["evidence"]
        region = next(i for i in said if i["what"] == "phone region")
        assert region["decided"].startswith(country)


def test_numbers_that_read_in_several_countries_with_nothing_else_to_tell_stop_once_naming_the_options(
        admin, tmp_path):
    src = _write(tmp_path / "contacts.csv", [["Name", "Phone"], ["Ann", "9123 4567"], ["Ben", "9876 5432"],
                                            ["Cal", "6123 4567"], ["Dee", "8123 4567"]])
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, src, dry_run=dry_run)
        said = str(stop.value)
        assert "'Phone'" in said and "--region HK" in said and "--region SG" in said
        assert "'9123 4567'" in said and "Nothing was imported" in said
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, src, region="SG")
    assert not _warned(result) and customers_by_name(admin)["Ann"]["phone"] == "+6591234567"
    # a few such numbers among a Chinese file's own are no file-wide question: each row as before
    rows = [["姓名", "电话", "城市"]] + [[f"王{c}", f"139{i:08d}", "上海"] for i, c in enumerate("芳娜伟军洋勇艳杰")]
    rows += [["陈大文", "9123 4567", "上海"]]
    result = import_file(admin, _write(tmp_path / "kehu.csv", rows))
    got = customers_by_name(admin)
    assert got["王芳"]["phone"] == "+8613900000000" and got["陈大文"]["phone"] is None
    assert set(_warned(result)) == {len(rows)}


# ----- 3. no letters of customers' names in the decision's words ----------------------------

NAMES = [
    (HK_CHINESE, {"陳", "大", "文", "黃", "李", "張", "偉", "強", "嘉", "欣"}, "HK", None),
    (HK_CHINESE, {"陳", "大", "文", "黃", "李", "張", "偉", "強", "嘉", "欣"}, "HK", "CN"),
    ([["고객명", "휴대폰", "주소"], ["김민준", "010-3452-1373", "서울특별시 강남구 테헤란로 1"],
      ["이서연", "010-2345-6789", "부산광역시 해운대구 2"], ["박지훈", "031-920-9674", "경기도 고양시 3"]],
     {"김", "민", "준", "이", "서", "연", "박", "지", "훈"}, "KR", None),
    ([["Ad Soyad", "Telefon"], ["Şükrü Öztürk", "0212 345 67 89"], ["Ayşe Çelik", "0216 123 45 67"],
      ["Gül Yılmaz", "0532 123 45 67"]], {"Ş", "ş", "ü", "Ö", "Ç", "ı"}, "TR", None),
    ([["Name", "Phone"], ["ヤマダ タロウ", "03-1234-5678"], ["サトウ ハナコ", "090-1234-5678"],
      ["スズキ イチロウ", "06-6123-4567"]], {"ヤ", "マ", "ダ", "サ", "ト", "ウ", "ス", "ズ"}, "JP", None),
]


@pytest.mark.parametrize("rows, letters, country, store", NAMES)
def test_a_phone_region_decision_names_the_writing_and_a_count_never_letters_of_names(
        admin, tmp_path, rows, letters, country, store):
    if store:
        set_store_region(admin, store)
    src = _write(tmp_path / "contacts.csv", rows)
    try:
        dry = import_file(admin, src, dry_run=True)
        said = [" ".join(str(v) for v in i.values()) for i in dry.inferences]
        said += list(_warned(dry).values())
    except ImportRefused as stop:
        said = [str(stop)]
    text = " ".join(said)
    assert country in text, text
    assert not letters & set(text), text        # "letters of Korean (김…)" showed them
    assert any(w in text for w in ("Korean", "Turkish", "Chinese", "Japanese", "kana")), text
