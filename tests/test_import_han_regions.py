"""Han characters are written in China, Taiwan, Hong Kong, Macao, Singapore and Japan
(and as hanja in Korea): a file written in them is evidence for China, the store's
assumed phone region, only in the forms simplified Chinese writes. Traditional-only
forms point to TW, HK and MO, kana to JP, Hangul to KR; places written in those
scripts (臺北市, 東京都, 서울특별시) and numbers China refuses ("(02) 2345-6789") weigh
which one; the import then stops naming that --region, or refuses the numbers naming
it, and never stores a Taiwanese mobile as "+86…" (issue 14: never silently wrong)."""
from __future__ import annotations

import pytest

from cims_xl.domain import places
from cims_xl.domain.countries import region_for_country
from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records


def _customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def _warnings(result) -> dict[int, str]:
    return {o.row: " ".join(o.warnings.values()) for o in result.outcomes if o.warnings}


def _write(path, rows, sep=","):
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    else:
        path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


# Taiwanese mobiles China's plan also reads (0912 is an area code of Yulin): stored as
# "+86912967302" before.
TW_ROWS = [["客戶名稱", "電話", "地址", "縣市"],
           ["陳志明", "0912-967-302", "信義路五段7號", "臺北市"],
           ["林美玲", "0912-960-057", "中正路100號", "臺中市"],
           ["黃建國", "0912 951 995", "民族路20號", "高雄市"],
           ["張淑芬", "(02) 2345-6789", "忠孝東路四段1號", "臺北市"]]


@pytest.mark.parametrize("name", ["tw.csv", "tw.xlsx"])
def test_a_traditional_chinese_file_of_taiwan_cities_stops_naming_region_tw_and_imports_with_it(
        admin, tmp_path, name):
    src = _write(tmp_path / name, TW_ROWS)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    said = str(stop.value)
    assert "--region TW" in said and "'電話'" in said and "0912-967-302" in said
    assert "臺北市" in said and "traditional" in said
    assert records.list_records(admin, "customer") == []            # nothing written
    result = import_file(admin, src, region="TW")
    got = _customers(admin)
    assert not _warnings(result)
    assert got["陳志明"]["phone"] == "+886912967302" and got["張淑芬"]["phone"] == "+886223456789"
    assert not any(c["phone"].startswith("+86") and not c["phone"].startswith("+886") for c in got.values())


def test_without_cities_the_numbers_tell_taiwan_from_hong_kong_and_macao(admin, tmp_path):
    # traditional forms point to TW, HK and MO alike; 0912-… and (02) … read in TW only
    src = _write(tmp_path / "聯絡人.xlsx", [["姓名", "電話"], ["陳志明", "0912-967-302"],
                                           ["黃建國", "0912 951 995"], ["張淑芬", "(02) 2345-6789"]])
    with pytest.raises(ImportRefused, match="--region TW"):
        import_file(admin, src)
    assert records.list_records(admin, "customer") == []


def test_names_in_characters_every_country_writes_do_not_outweigh_numbers_china_refuses(admin, tmp_path):
    # "王大明", "林一" are written alike in China, Taiwan and Japan; two of the three
    # numbers are not Chinese numbers at all and all three read in Taiwan
    src = _write(tmp_path / "contacts.csv", [["Name", "Phone"], ["王大明", "0912-967-302"],
                                             ["林一", "0933-123-456"], ["李文", "(07) 345-6789"]])
    with pytest.raises(ImportRefused, match="--region TW"):
        import_file(admin, src)
    assert records.list_records(admin, "customer") == []
    import_file(admin, src, region="TW")
    assert _customers(admin)["王大明"]["phone"] == "+886912967302"


def test_names_in_shared_characters_with_chinese_numbers_stay_chinese(admin, tmp_path):
    src = _write(tmp_path / "contacts.csv", [["Name", "Phone"], ["王大明", "010-6552 9988"],
                                             ["林一", "021 6234 5678"], ["李文", "0912-967-302"]])
    result = import_file(admin, src)
    got = _customers(admin)
    assert not _warnings(result)
    assert got["王大明"]["phone"] == "+861065529988" and got["林一"]["phone"] == "+862162345678"


@pytest.mark.parametrize("country", ["臺灣", "台灣", "Taiwan", "TW", "中華民國"])
def test_a_taiwan_file_with_a_country_column_reads_each_row_in_taiwan(admin, tmp_path, country):
    rows = [TW_ROWS[0] + ["國家"]] + [r + [country] for r in TW_ROWS[1:]]
    result = import_file(admin, _write(tmp_path / "tw.csv", rows))
    got = _customers(admin)
    assert not _warnings(result)
    assert got["林美玲"]["phone"] == "+886912960057" and got["張淑芬"]["phone"] == "+886223456789"


@pytest.mark.parametrize("name", ["hk.csv", "hk.xlsx"])
def test_hong_kong_numbers_are_read_in_hk_decided_once_for_the_file_and_the_summary_says_why(admin, tmp_path, name):
    # (before: each row warned, naming --region HK; now the file's country is decided once)
    src = _write(tmp_path / name, [["客戶名稱", "手提電話", "地址", "地區"],
                                   ["陳大文", "9539 6767", "彌敦道100號", "九龍"],
                                   ["李小明", "9039 5836", "皇后大道中1號", "香港"]])
    result = import_file(admin, src)
    got = _customers(admin)
    # 手提電話 is Hong Kong's word for a mobile
    assert got["陳大文"]["mobile"] == "+85295396767" and got["李小明"]["mobile"] == "+85290395836"
    assert not _warnings(result)
    line = next(i for i in result.inferences if i["what"] == "phone region of the file")
    assert "HK" in line["decided"] and "'9539 6767'" in line["evidence"] and "陳" not in line["evidence"]


def test_a_simplified_chinese_file_of_singapore_numbers_is_read_in_sg(admin, tmp_path):
    src = _write(tmp_path / "sg.csv", [["客户名称", "电话", "地址"], ["陈伟明", "9799 6995", "新加坡乌节路1号"],
                                       ["林美华", "9359 6319", "新加坡牛车水2号"]])
    result = import_file(admin, src)
    assert not _warnings(result)
    assert _customers(admin)["陈伟明"]["phone"] == "+6597996995"


@pytest.mark.parametrize("name", ["顧客.xlsx", "顧客.csv"])
def test_a_japanese_sheet_with_kana_only_in_its_headings_stops_naming_region_jp(admin, tmp_path, name):
    # the data cells are all Han characters; the kana, the .jp addresses, Japan's
    # prefectures and postal codes say Japan. 090-… is also a valid Chinese landline.
    src = _write(tmp_path / name, [["氏名", "メールアドレス", "電話番号", "郵便番号", "都道府県"],
                                   ["山田太郎", "taro@example.jp", "03-1234-5678", "100-0001", "東京都"],
                                   ["佐藤 花子", "hanako@example.jp", "090-1234-5678", "530-0001", "大阪府"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    assert "--region JP" in str(stop.value) and "kana" in str(stop.value)
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, src, region="JP")
    got = _customers(admin)
    assert not _warnings(result)
    assert got["山田太郎"]["phone"] == "+81312345678"
    assert got["佐藤 花子"]["phone"] == "+819012345678"


def test_a_korean_file_stops_naming_region_kr_not_north_korea(admin, tmp_path):
    # Korean is official in KR and KP alike: the numbers read in KR only
    src = _write(tmp_path / "고객.csv", [["고객명", "휴대폰", "주소"],
                                        ["김민준", "010-3452-1373", "서울특별시 강남구 테헤란로 1"],
                                        ["이서연", "010-2345-6789", "부산광역시 해운대구 2"],
                                        ["박지훈", "031-920-9674", "경기도 고양시 3"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src)
    assert "--region KR" in str(stop.value) and "--region KP" not in str(stop.value)
    import_file(admin, src, region="KR")
    got = _customers(admin)
    assert got["김민준"]["mobile"] == "+821034521373" and got["박지훈"]["mobile"] == "+82319209674"


def test_customer_add_refuses_a_number_its_taiwanese_city_puts_outside_china(run, admin):
    code, out, err = run("customer", "add", "--name", "陳志明", "--phone", "0912-967-302", "--city", "臺北市")
    assert code != 0 and "--country" in err and "Traceback" not in err
    assert records.list_records(admin, "customer") == []
    code, out, err = run("customer", "add", "--name", "陳志明", "--phone", "0912-967-302", "--city", "臺北市",
                         "--country", "臺灣")
    assert code == 0, err
    assert records.list_records(admin, "customer")[0]["phone"] == "+886912967302"


def test_the_dry_run_of_a_taiwan_file_stops_the_same_way(admin, tmp_path):
    src = _write(tmp_path / "tw.csv", TW_ROWS)
    with pytest.raises(ImportRefused, match="--region TW"):
        import_file(admin, src, dry_run=True)
    dry = import_file(admin, src, dry_run=True, region="TW")
    assert dry.created == 4 and records.list_records(admin, "customer") == []


# ----- places and country names written in Chinese, Japanese and Korean ------------------

@pytest.mark.parametrize("text, code", [
    ("臺北市", "TW"), ("台北市", "TW"), ("高雄市", "TW"), ("臺中", "TW"), ("香港", "HK"), ("澳門", "MO"),
    ("東京都", "JP"), ("大阪府", "JP"), ("京都", "JP"), ("서울특별시", "KR"), ("부산광역시", "KR"),
    ("경기도", "KR"), ("新加坡", "SG"), ("台湾", "TW"), ("臺灣", "TW"), ("上海", "CN"), ("深圳市", "CN"), ("广东", "CN"),
])
def test_a_place_written_in_its_own_script_names_its_country(text, code):
    assert places.place_countries(text) == frozenset({code})


def test_taiwan_written_with_either_form_of_its_first_character_is_taiwan():
    assert region_for_country("臺灣") == region_for_country("台灣") == "TW"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("country, phone, stored", [
    ("香港", "9539 6767", "+85295396767"), ("日本", "090-1234-5678", "+819012345678"),
    ("대한민국", "010-3452-1373", "+821034521373"), ("新加坡", "9799 6995", "+6597996995"),
    ("澳門", "6612 3456", "+85366123456"),
])
def test_a_country_column_in_its_own_script_reads_each_row_in_its_country(admin, tmp_path, fmt, country, phone, stored):
    src = _write(tmp_path / f"contacts.{fmt}", [["名前", "電話", "國家"], ["陳大文", phone, country]])
    result = import_file(admin, src)
    assert not _warnings(result)
    assert _customers(admin)["陳大文"]["phone"] == stored
