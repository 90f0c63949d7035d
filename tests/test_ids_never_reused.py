"""A record's id (C-000019) and a batch's (B-000002) are never given to another record or
batch: not after a restore goes back to a backup made before them, not after an import
undo removes the newest records. A workbook, a report or a person who knew the id must
never meet someone else under it. Real encrypted stores and backups in tmp_path."""

from __future__ import annotations

from cims_xl.importer import import_file
from cims_xl.services import audit_log, auth, backup, batches, records
from conftest import ADMIN_PASSWORD


def _ids(session, kind: str = "customer") -> list[str]:
    return sorted(r["id"] for r in records.list_records(session, kind))


def test_a_customer_added_after_a_restore_gets_a_new_id_not_one_the_replaced_store_gave(store_path, admin):
    records.create(admin, "customer", {"name": "Ann Lee"})
    made = backup.backup(admin)
    zed = records.create(admin, "customer", {"name": "Zed Zimmer", "email": "zed@example.com"})
    assert zed["id"] == "C-000002"
    backup.restore(admin, made, ADMIN_PASSWORD)
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        yvonne = records.create(again, "customer", {"name": "Yvonne Young", "email": "yv@example.com"})
        assert yvonne["id"] == "C-000003"                  # C-000002 was Zed's
        assert _ids(again) == ["C-000001", "C-000003"]
        assert audit_log.verify(again).ok
    finally:
        again.close()


def test_batches_and_orders_added_after_a_restore_get_new_ids_too(store_path, admin, tmp_path):
    made = backup.backup(admin)
    path = tmp_path / "orders.csv"
    path.write_text("Order,Customer,Date,Amount,Currency\nA1,Ann Lee,2026-03-05,10.00,EUR\n", encoding="utf-8")
    first = import_file(admin, path, kind="orders")
    assert first.batch == "B-000001"
    backup.restore(admin, made, ADMIN_PASSWORD)
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        second = import_file(again, path, kind="orders")
        assert second.batch == "B-000002"
        assert _ids(again, "order") == ["O-000002"] and _ids(again) == ["C-000002"]
    finally:
        again.close()


def test_ids_an_undone_import_gave_are_not_given_again(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAnn Lee,ann@example.com\nBo Berg,bo@example.com\n", encoding="utf-8")
    result = import_file(admin, path)
    assert _ids(admin) == ["C-000001", "C-000002"]
    batches.undo_batch(admin, result.batch)
    assert _ids(admin) == []
    assert records.create(admin, "customer", {"name": "Cara Diaz"})["id"] == "C-000003"
    assert import_file(admin, path).batch == "B-000002"


def test_a_mark_someone_planted_that_is_not_a_number_is_ignored(admin):
    records.create(admin, "customer", {"name": "Ann Lee"})
    with admin.store.conn:
        admin.store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('seq_used:customer', '\"x\"')")
    assert records.create(admin, "customer", {"name": "Bo Berg"})["id"] == "C-000002"
