"""Tag columns headed in Japanese, Korean and Chinese (タグ, ラベル, 태그, 라벨, 标签, 標籤),
also numbered as exports write several of them (タグ1, タグ2, Tag 1, 태그1), are the
record's Tags without --map; and tags that differ only in case (VIP, vip, Vip) are one
tag, its first spelling kept: in a file, across a file and the store, and at the
command line (`cims customer add/edit --tags`)."""

from __future__ import annotations

import json

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def tags_by_name(session) -> dict[str, str | None]:
    return {c["name"]: c["tags"] for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("header", ["タグ", "タグ1", "ラベル", "태그", "라벨", "태그1", "标签", "標籤", "標簽",
                                    "标签1", "Tag 1", "Tags 2", "Label 1", "Étiquette 1"])
def test_a_tag_column_in_japanese_korean_or_chinese_is_the_tags(admin, tmp_path, writer, header):
    suffix = ".csv" if writer is write_csv else ".xlsx"
    path = writer(tmp_path / f"customers{suffix}", [["Name", header], ["Dana Lee", "得意先"]])
    result = import_file(admin, path, kind="customers")
    assert result.unmapped == []
    assert tags_by_name(admin) == {"Dana Lee": "得意先"}


def test_numbered_tag_columns_are_all_kept(admin, tmp_path):
    path = write_xlsx(tmp_path / "顧客.xlsx", [["氏名", "タグ1", "タグ2", "タグ3"],
                                                ["山田太郎", "VIP", "卸売", ""],
                                                ["佐藤花子", "", "小売", "vip"]])
    result = import_file(admin, path, kind="customers")
    assert (result.created, result.unmapped) == (2, [])
    assert tags_by_name(admin) == {"山田太郎": "VIP, 卸売", "佐藤花子": "小売, vip"}
    assert any(i["what"] == "Tags" and "'タグ1'" in i["decided"] for i in result.inferences)


def test_a_numbered_column_of_another_field_is_not_taken_for_tags(admin, tmp_path):
    path = write_csv(tmp_path / "customers.csv", [["이름", "태그1", "메모1"], ["김민수", "단골", "first visit"]])
    result = import_file(admin, path, kind="customers")
    assert "메모1" in result.unmapped
    assert tags_by_name(admin) == {"김민수": "단골"}


@pytest.mark.parametrize("cell,expected", [
    ("VIP; vip; Vip", "VIP"), ("vip, VIP", "vip"), ("Wholesale, WHOLESALE, Retail, wholesale", "Wholesale, Retail"),
    ("Опт, ОПТ, опт", "Опт"), ("ＶＩＰ, vip", "VIP"),
])
def test_tags_that_differ_only_in_case_are_one_tag_the_first_spelling_kept(admin, tmp_path, cell, expected):
    path = write_csv(tmp_path / "customers.csv", [["Name", "Tags"], ["Dana Lee", cell]])
    import_file(admin, path, kind="customers")
    assert tags_by_name(admin) == {"Dana Lee": expected}


def test_two_tag_columns_with_one_tag_in_two_cases_keep_it_once(admin, tmp_path):
    path = write_csv(tmp_path / "customers.csv", [["Name", "Tags", "Labels"], ["Dana Lee", "VIP, Retail", "vip"]])
    import_file(admin, path, kind="customers")
    assert tags_by_name(admin) == {"Dana Lee": "VIP, Retail"}


def test_an_update_adds_no_second_spelling_of_a_stored_tag(admin, tmp_path):
    records.create(admin, "customer", {"name": "Dana Lee", "email": "dana@lee.example", "tags": "VIP"})
    path = write_csv(tmp_path / "customers.csv", [["Name", "Email", "Tags"],
                                                  ["Dana Lee", "dana@lee.example", "vip, Wholesale"]])
    result = import_file(admin, path, kind="customers", on_duplicate="update")
    assert result.updated == 1
    assert tags_by_name(admin) == {"Dana Lee": "VIP, Wholesale"}


def test_the_command_line_keeps_one_spelling_of_each_tag(run):
    code, out, _err = run("--format", "json", "customer", "add", "--name", "Dana Lee",
                          "--tags", "VIP, vip, Wholesale, WHOLESALE, Vip")
    assert code == 0
    added = json.loads(out)
    assert added["tags"] == "VIP, Wholesale"
    code, out, _err = run("--format", "json", "customer", "edit", added["id"], "--tags", "retail; RETAIL; Retail")
    assert code == 0
    assert json.loads(out)["tags"] == "retail"


def test_tags_that_fold_alike_but_are_different_words_stay_two(admin, tmp_path):
    # casefold() makes "Maße" (dimensions) and "Masse" (mass) one word; case alone does not
    from cims_xl.services import records as recs
    # (so "GROSSHANDEL", Großhandel in capitals, stays a tag of its own too: the lesser harm)
    made = recs.create(admin, "customer", {"name": "Ana", "tags": "Maße, Masse, MASSE, ＶＩＰ, vip"})
    assert made["tags"] == "Maße, Masse, VIP"
