"""A change an insider makes directly in the store stays named by `audit verify` after an
honest user's later write covers the same record: every write signs the rows it changed
as it found them, and verify compares that with the state the trail signed last."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_insider import _admin_verifies, _insider, _named, office  # noqa: F401 (fixture)

from conftest import ADMIN_PASSWORD
from cims_xl.importer import import_file
from cims_xl.services import audit_log, auth, merge, records


def _tamper(office, sql: str, *params) -> None:
    _kf, _key, store = _insider(office["path"])
    with store.transaction():
        store.conn.execute(sql, params)
    store.close()


def _as_admin(office):
    office["admin_os"]()
    return auth.sign_in(office["path"], "admin", ADMIN_PASSWORD)


def _edit(session, office, tmp_path):
    records.update(session, office["boss"], {"city": "Berlin"})


def _delete(session, office, tmp_path):
    records.delete(session, office["boss"])


def _merge_into(session, office, tmp_path):
    other = records.create(session, "customer", {"name": "Bäckerei Zwei", "email": "zwei@baeckerei.de"})
    merge.merge_customers(session, office["boss"], other["id"])


def _import_overwrite(session, office, tmp_path):
    path = tmp_path / "again.csv"
    path.write_text("Name,Email,City\nGroße Bäckerei GmbH,mei@example.cn,Hamburg\n", encoding="utf-8")
    result = import_file(session, path, on_duplicate="update", update_mode="overwrite")
    assert result.updated == 1


@pytest.mark.parametrize("honest_write", [_edit, _delete, _merge_into, _import_overwrite])
def test_an_insiders_edit_stays_named_after_an_admin_writes_the_same_record(office, honest_write, tmp_path):
    _tamper(office, "UPDATE customers SET email = 'mei@example.cn', notes = 'owes nothing' WHERE id = ?",
            office["boss"])
    admin = _as_admin(office)
    try:
        honest_write(admin, office, tmp_path)
    finally:
        admin.close()
    problem = _named(_admin_verifies(office), f"record {office['boss']} was changed outside cims before")
    assert "(admin)" in problem and "not the one signed last" in problem


def test_a_row_added_outside_cims_stays_named_after_an_admin_edits_it(office):
    _tamper(office, "INSERT INTO customers (seq, id, created_at, created_by, updated_at, updated_by, version, "
                    "name) VALUES (50, 'C-000050', '2026-01-01T00:00:00Z', 'admin', '2026-01-01T00:00:00Z', "
                    "'admin', 1, 'Ghost Ltd')")
    admin = _as_admin(office)
    try:
        records.update(admin, "C-000050", {"city": "Wien"})
    finally:
        admin.close()
    _named(_admin_verifies(office), "record C-000050 was changed outside cims before", "signed no state of it")


def test_honest_edits_deletes_merges_and_updates_of_records_made_in_the_same_write_verify(office, tmp_path):
    admin = _as_admin(office)
    try:
        made = records.create(admin, "customer", {"name": "Neu GmbH"})
        records.update(admin, made["id"], {"city": "Köln"})
        records.update(admin, office["boss"], {"city": "Berlin"})
        path = tmp_path / "people.csv"
        path.write_text("Name,Email,City\nGroße Bäckerei GmbH,info@baeckerei.de,Hamburg\nAnna,anna@example.com,\n",
                        encoding="utf-8")
        import_file(admin, path, on_duplicate="update", update_mode="overwrite")
        other = records.create(admin, "customer", {"name": "Bäckerei Zwei"})
        merge.merge_customers(admin, office["boss"], other["id"])
        records.delete(admin, made["id"])
        assert audit_log.verify(admin).ok
    finally:
        admin.close()
