"""`gdpr erase` reaches or names every copy cims knows it made: a backup written with
`cims backup --dir` anywhere is erased where the audit trail says it went (a store
restored from it does not hold the person); one that is not there any more is named
with where and when and what restoring it does; backups cims deleted itself (`--keep`)
are not named; files cims exported that may hold the person (a gdpr export, a report
workbook) are named. "Copies not reached: none" is said only when it is true."""

from __future__ import annotations

import re
import shutil

import pytest

from cims_xl.excel.report_writer import write_report_workbook
from cims_xl.services import audit_log, auth, backup, gdpr, records, search
from conftest import ADMIN_PASSWORD

PEOPLE = [
    {"name": "Fatima الزهراء", "mobile": "+971 50 765 4321", "city": "Abu Dhabi"},
    {"name": "王小明", "email": "wangxm@hengtong.cn", "city": "北京"},
    {"name": "Ingrid Bergström", "phone": "+46 8 123 456 78", "city": "Stockholm"},
]


@pytest.mark.parametrize("person", PEOPLE, ids=["arabic", "chinese", "swedish"])
def test_a_backup_written_elsewhere_with_dir_is_erased_and_a_store_restored_from_it_holds_no_one(
        admin, tmp_path, person):
    keep = records.create(admin, "customer", {"name": "Someone Else", "city": "Oslo"})["id"]
    cid = records.create(admin, "customer", person)["id"]
    made = backup.backup(admin, tmp_path / "far" / "away")
    result = gdpr.erase_customer(admin, cid)
    assert result["copies_erased"] == [made.name] and result["copies_not_reached"] == []
    assert made.is_file()
    restored = tmp_path / "rs" / "new.cims"
    backup.restore_new(restored, made, "admin", ADMIN_PASSWORD)
    other = auth.sign_in(restored, "admin", ADMIN_PASSWORD)
    try:
        assert records.get(other, cid)["name"] == "[erased]"
        first_word = person["name"].split()[0]
        assert search.search_customers(other, first_word).total == 0
        assert records.get(other, keep)["name"] == "Someone Else"          # the rest is kept
        assert audit_log.verify(other).ok, audit_log.verify(other).problems
    finally:
        other.close()


def test_a_backup_moved_away_from_where_cims_wrote_it_is_named_with_where_when_and_what_restoring_does(
        admin, tmp_path, run):
    cid = records.create(admin, "customer", PEOPLE[0])["id"]
    made = backup.backup(admin, tmp_path / "usb")
    shutil.move(made, tmp_path / "moved.cimsbak")
    code, out, err = run("gdpr", "erase", cid, "--yes")
    assert code == 0, err
    block = out.split("Copies not reached", 1)[1]
    assert made.name in block and "none" not in block.split("\n")[0]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", out.replace("\n", " "))
    result = gdpr.erase_customer(admin, cid)
    [line] = result["copies_not_reached"]
    assert made.name in line and str(tmp_path / "usb") in line
    assert "restoring it over this store erases them again" in line and "another store path does not" in line
    assert "still hold the customer" in out + err


def test_backups_cims_deleted_itself_are_not_named_and_those_made_before_the_customer_are_left_out(
        admin, tmp_path):
    folder = tmp_path / "nightly"
    before = backup.backup(admin, folder, keep=5)
    shutil.move(before, tmp_path / "old-before-customer.cimsbak")      # held nobody: not named
    cid = records.create(admin, "customer", PEOPLE[1])["id"]
    first = backup.backup(admin, folder, keep=1)
    second = backup.backup(admin, folder, keep=1)                      # deletes the first
    assert not first.exists() and second.exists()
    result = gdpr.erase_customer(admin, cid)
    assert result["copies_erased"] == [second.name]
    assert result["copies_not_reached"] == [] and result["exports_not_reached"] == []
    assert audit_log.verify(admin).ok, audit_log.verify(admin).problems


def test_files_cims_exported_that_may_hold_the_person_are_named_with_path_and_time(admin, tmp_path, run):
    cid = records.create(admin, "customer", PEOPLE[2])["id"]
    other = records.create(admin, "customer", {"name": "Other Person"})["id"]
    export = tmp_path / "out" / "export.json"
    export.parent.mkdir()
    gdpr.export_customer(admin, cid, export)
    gdpr.export_customer(admin, other, tmp_path / "out" / "other.json")     # not about them
    report = tmp_path / "out" / "report.xlsx"
    write_report_workbook(report, admin)
    result = gdpr.erase_customer(admin, cid)
    exports = result["exports_not_reached"]
    assert len(exports) == 2, exports
    assert any(str(export) in e and "gdpr export" in e and cid in e for e in exports)
    assert any(str(report) in e and "report workbook" in e for e in exports)
    assert not any("other.json" in e for e in exports)
    code, out, err = run("gdpr", "erase", cid, "--yes")
    assert code == 0, err
    assert "Exports not reached" in out and "cannot be erased by cims" in out + err and "export.json" in out


def test_a_viewers_report_file_names_no_one_and_is_not_named(admin, session_as, tmp_path):
    cid = records.create(admin, "customer", PEOPLE[0])["id"]
    write_report_workbook(tmp_path / "viewer.xlsx", session_as("viewer"))
    assert gdpr.erase_customer(admin, cid)["exports_not_reached"] == []
