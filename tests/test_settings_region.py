"""`cims settings region CC`: the country of phone numbers typed without a country code,
for the whole store (customer add/edit, imports without --region, the workbook's Save);
audited as a setting, so a change made outside cims is named by `audit verify`."""
from __future__ import annotations

import json

import pytest

from cims_xl.errors import PermissionDenied
from cims_xl.security.keys import KeyFile
from cims_xl.services import audit_log, auth, records, settings
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD
from test_sync_support import Editor, new_workbook, row_of, table_rows


def test_settings_region_shows_not_set_then_takes_a_country_by_name_or_code(run):
    code, out, err = run("--format", "json", "settings", "region")
    assert code == 0 and json.loads(out) == {"region": None}
    code, out, err = run("--format", "json", "settings", "region", "Deutschland")
    assert code == 0, err
    assert json.loads(out) == {"region": "DE"}
    code, out, err = run("--format", "json", "settings", "region", "jp")
    assert json.loads(out) == {"region": "JP"}


def test_an_unknown_country_is_refused_in_one_line_and_nothing_changes(run, admin):
    code, out, err = run("settings", "region", "Atlantis")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "two-letter code" in err
    assert settings.store_region(admin) is None


def test_only_an_administrator_sets_the_region(session_as):
    manager = session_as("manager")
    with pytest.raises(PermissionDenied):
        settings.set_store_region(manager, "DE")
    assert settings.store_region(manager) is None


def test_with_the_region_set_customer_add_and_edit_read_numbers_as_that_country(run, admin):
    run("settings", "region", "DE")
    code, out, err = run("--format", "json", "customer", "add", "--name", "Jürgen Weiß", "--mobile", "0151 23456789")
    assert code == 0, err
    assert json.loads(out)["mobile"] == "+4915123456789"
    cid = json.loads(out)["id"]
    code, out, err = run("--format", "json", "customer", "edit", cid, "--phone", "089 3280598")
    assert code == 0, err
    assert records.get(admin, cid)["phone"] == "+49893280598"
    code, out, err = run("--format", "json", "customer", "add", "--name", "山田 太郎",
                         "--phone", "03-1234-5678", "--country", "JP")     # the record's own country wins
    assert json.loads(out)["phone"] == "+81312345678"


def test_an_import_without_region_uses_the_store_region_and_region_still_wins(run, admin, tmp_path):
    run("settings", "region", "DE")
    src = tmp_path / "kunden.csv"
    src.write_text("Name,Phone\nBäckerei Huber,089 3280598\n", encoding="utf-8")
    code, out, err = run("--format", "json", "import", str(src), "--dry-run")
    data = json.loads(out)
    (decided,) = [i for i in data["inferences"] if i["what"] == "phone region"]
    assert decided["decided"] == "DE (store setting)"
    code, out, err = run("--format", "json", "import", str(src))
    assert code == 0, err
    assert [c["phone"] for c in records.list_records(admin, "customer")] == ["+49893280598"]
    us = tmp_path / "us.csv"
    us.write_text("Name,Phone\nKarl,(415) 555-0132\n", encoding="utf-8")
    code, out, err = run("--format", "json", "import", str(us), "--region", "US")
    assert code == 0, err
    assert sorted(c["phone"] for c in records.list_records(admin, "customer")) == ["+14155550132", "+49893280598"]


def test_the_workbook_save_reads_new_numbers_in_the_store_region(run, admin, tmp_path):
    run("settings", "region", "AT")
    book = new_workbook(tmp_path / "laden.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    with Editor(book) as ed:
        ed.add_row({"Name": "Wiener Kaffeehaus", "Phone": "01 5123456"})
    code, out, err = run("sync", str(book), "save")
    assert code == 0, err
    (made,) = records.list_records(admin, "customer")
    assert made["phone"] == "+4315123456"
    assert row_of(book, made["id"])["Status"] == "Created" and len(table_rows(book)) == 1


def _raw(store_path) -> Store:
    return Store.open(store_path, KeyFile.load(store_path).unlock("admin", ADMIN_PASSWORD))


@pytest.mark.parametrize("attack, words", [
    ("UPDATE meta SET value = '\"CN\"' WHERE key = 'phone_region'", "phone region is CN in the store, but the trail "
                                                                     "set it to DE"),
    ("DELETE FROM meta WHERE key = 'phone_region'", "phone region is not set in the store, but the trail set it to DE"),
])
def test_the_region_is_checked_by_audit_verify(store_path, admin, attack, words):
    settings.set_store_region(admin, "DE")
    assert audit_log.verify(admin).ok
    admin.close()
    store = _raw(store_path)
    with store.transaction():
        store.conn.execute(attack)
    store.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        result = audit_log.verify(again)
        assert not result.ok and any(words in p for p in result.problems), result.problems
    finally:
        again.close()


def test_a_region_planted_outside_cims_is_named(store_path, admin):
    admin.close()
    store = _raw(store_path)
    with store.transaction():
        store.set_meta("phone_region", "US")
    store.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        result = audit_log.verify(again)
        assert any("phone region is US in the store, but the trail set it to nothing" in p for p in result.problems)
    finally:
        again.close()


@pytest.mark.parametrize("name, code", [
    ("Turkey", "TR"), ("Türkiye", "TR"), ("Swaziland", "SZ"), ("Eswatini", "SZ"), ("Macedonia", "MK"),
    ("North Macedonia", "MK"), ("Burma", "MM"), ("Ivory Coast", "CI"), ("Côte d’Ivoire", "CI"),
    ("East Timor", "TL"), ("Holland", "NL"), ("Great Britain", "GB"), ("Czech Republic", "CZ"),
    ("Czechia", "CZ"), ("Palestine", "PS"), ("Vatican", "VA"),
])
def test_a_country_under_its_former_or_everyday_english_name_gives_its_region(name, code):
    from cims_xl.domain.countries import region_for_country, unknown_country
    assert region_for_country(name) == code
    assert unknown_country(name) is None


def test_a_turkish_number_in_a_row_whose_country_says_turkey_is_stored_with_plus_90(admin, tmp_path):
    from cims_xl.importer import import_file
    from cims_xl.services import records
    f = tmp_path / "tr.csv"
    f.write_text("Name,Phone,Country\nAyşe Yılmaz,0212 555 12 34,Turkey\n", encoding="utf-8")
    assert import_file(admin, f).created == 1
    assert records.list_records(admin, "customer")[0]["phone"] == "+902125551234"
