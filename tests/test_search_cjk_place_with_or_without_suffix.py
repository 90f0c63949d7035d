"""A city or province filter finds a place written in Han characters with or without its
administrative suffix (try26y item 5: `city:上海` found nothing stored "上海市", `city:北京市`
nothing stored "北京"). Both sides are read without the suffix (divisions.place_key); the
filter stays a lookup in the column's index (divisions.place_forms: every writing, as
written), never a read of every row."""

from __future__ import annotations

import json

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.search import search_customers
from cims_xl.store import queries

PLACES = [
    {"name": "王小明", "city": "上海市", "province": "上海"},
    {"name": "李华", "city": "北京", "province": "北京市"},
    {"name": "张三", "city": "深圳市", "province": "广东省"},
    {"name": "陳大文", "city": "臺北市"},
    {"name": "佐藤健", "city": "大阪", "province": "大阪府"},
    {"name": "鈴木一郎", "city": "東京都"},
    {"name": "黄志明", "city": "香港特别行政区"},
    {"name": "赵六", "city": "广州"},
    {"name": "钱七", "city": "杭州"},
    {"name": "孙八", "city": "芒市"},
    {"name": "周九", "city": "上海浦东"},
    {"name": "韦小宝", "city": "南宁", "province": "广西壮族自治区"},
    {"name": "金明", "city": "延边", "province": "吉林省"},
    {"name": "阿依", "province": "新疆"},
    {"name": "巴特尔", "province": "内蒙古自治区"},
]


@pytest.fixture
def places(admin):
    records.create_many(admin, "customer", PLACES)
    return admin


def _names(session, **filters) -> set[str]:
    return {c["name"] for c in search_customers(session, limit=100, **filters).rows}


# (typed, stored): each typed the other way from how it is stored
CITIES = [("上海", "王小明"), ("北京市", "李华"), ("深圳", "张三"), ("臺北", "陳大文"), ("大阪府", "佐藤健"),
          ("東京", "鈴木一郎"), ("香港", "黄志明"), ("广州市", "赵六"), ("杭州市", "钱七")]


def test_a_city_filter_finds_the_place_written_with_or_without_its_suffix(places):
    for city, name in CITIES:
        assert _names(places, city=city) == {name}, city
        assert wf.cims_count(f"city:{city}", session=places) == 1, city
    # as written still finds it
    assert _names(places, city="上海市") == {"王小明"} and _names(places, city="芒市") == {"孙八"}
    assert _names(places, city="延边朝鲜族自治州") == {"金明"}


def test_a_province_filter_finds_the_province_with_or_without_its_suffix(places):
    for province, found in (("广东", {"张三"}), ("广东省", {"张三"}), ("上海市", {"王小明"}), ("北京", {"李华"}),
                            ("大阪", {"佐藤健"}), ("吉林", {"金明"}),
                            # an autonomous region with or without its people and suffix
                            ("广西", {"韦小宝"}), ("新疆维吾尔自治区", {"阿依"}), ("内蒙古", {"巴特尔"})):
        assert _names(places, province=province) == found, province


def test_a_suffix_is_taken_off_only_where_a_place_name_of_two_characters_is_left(places):
    assert _names(places, city="杭州市") == {"钱七"}       # 杭州 with 市
    # "杭州" is no "杭" with 州, "芒市" no "芒" with 市; part of a name is no filter match
    for city in ("上", "上海浦", "杭", "广", "芒", "州"):
        assert _names(places, city=city) == set(), city


def test_the_city_filter_with_or_without_the_suffix_reads_the_citys_index(places):
    for city, name in (("上海", "王小明"), ("北京市", "李华")):
        params: list = []
        sql = queries._same_text("city", city, params, places.store)
        where = f"c.deleted_at IS NULL AND {sql}"
        plan = places.store.conn.execute(f"EXPLAIN QUERY PLAN SELECT c.name FROM customers c WHERE {where}",
                                         params).fetchall()
        steps = [str(row[-1]) for row in plan]
        assert any("INDEX ix_customers_city (city=?)" in s for s in steps), steps
        assert not any(s.startswith("SCAN c") for s in steps), steps      # never every customer
        found = places.store.conn.execute(f"SELECT c.name FROM customers c WHERE {where}", params).fetchall()
        assert [r[0] for r in found] == [name]


def test_an_imported_chinese_file_is_found_by_its_cities_written_either_way(run, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("客户,手机,城市\n王小明,13800138000,上海市\n李华,13900139000,北京\n张三,13700137000,深圳市\n",
                    encoding="utf-8")
    code, out, err = run("import", str(path), "--region", "CN")
    assert code == 0, err
    for typed, name in (("上海", "王小明"), ("北京市", "李华"), ("深圳", "张三")):
        code, out, err = run("--format", "json", "customer", "search", "--city", typed)
        assert code == 0, err
        assert [r["name"] for r in json.loads(out)["rows"]] == [name], typed
        code, out, err = run("--format", "json", "customer", "search", f"city:{typed}")
        assert [r["name"] for r in json.loads(out)["rows"]] == [name], typed
