"""A store that cannot be written (a full disk, an I/O error) is named as such, at every
edge, and loses nothing: the change being saved is not in the store, which opens as it
was. Before, a full disk at an import's COMMIT printed "an unexpected problem occurred"
(exit 70)."""

from __future__ import annotations

import csv

import pytest
import sqlcipher3

from cims_xl import cli
from cims_xl.errors import StorageFailed
from cims_xl.importer import import_file
from cims_xl.services import audit_log, auth, records
from cims_xl.services.failures import storage_failure
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD


def _real_sqlite_error(pragma: str, statement: str) -> sqlcipher3.Error:
    """An error SQLite itself raised (its result code and message as a full disk gives them)."""
    conn = sqlcipher3.connect(":memory:")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute(pragma)
    try:
        conn.execute(statement)
    except sqlcipher3.Error as exc:
        return exc
    raise AssertionError("SQLite did not fail")


def _disk_full() -> sqlcipher3.Error:
    # max_page_count makes SQLite answer as a full disk does: SQLITE_FULL
    return _real_sqlite_error("PRAGMA max_page_count = 2",
                              "INSERT INTO t SELECT hex(randomblob(4000)) FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3)")


def _people(path, n):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Email", "City"])
        for i in range(n):
            w.writerow([f"Kunde {i}", f"kunde{i}@example.de", "Köln"])
    return path


def test_a_full_store_during_an_import_loses_nothing_and_is_named(admin, store_path, tmp_path):
    records.create(admin, "customer", {"name": "Before", "email": "before@example.com"})
    pages = admin.store.conn.execute("PRAGMA page_count").fetchone()[0]
    admin.store.conn.execute(f"PRAGMA max_page_count = {pages + 3}")     # the disk fills up
    with pytest.raises(sqlcipher3.Error) as failed:
        import_file(admin, _people(tmp_path / "kunden.csv", 3000))
    failure = storage_failure(failed.value)
    assert isinstance(failure, StorageFailed) and failure.exit_code == 74
    assert "disk holding it is full" in failure.message and "Nothing of this change was saved" in failure.message
    admin.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert [r["name"] for r in records.list_records(again, "customer")] == ["Before"]
        records.create(again, "customer", {"name": "After", "email": "after@example.com"})
        result = audit_log.verify(again)
        assert result.ok, result.problems
    finally:
        again.close()


def test_the_cli_names_a_full_disk_at_commit_and_exits_74(store_path, tmp_path, monkeypatch, capsys):
    full = _disk_full()
    assert full.sqlite_errorname == "SQLITE_FULL"

    def commit_on_a_full_disk(self):
        raise full

    monkeypatch.setattr(Store, "_commit_sql", commit_on_a_full_disk)
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", "import", str(_people(tmp_path / "k.csv", 50))])
    err = capsys.readouterr().err
    assert code == 74
    assert "disk holding it is full" in err and "unexpected" not in err
    monkeypatch.undo()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert records.list_records(session, "customer") == []
    finally:
        session.close()


def test_other_sqlite_errors_are_not_taken_for_a_full_disk():
    assert storage_failure(_real_sqlite_error("PRAGMA foreign_keys = ON", "SELECT * FROM missing")) is None
    assert storage_failure(ValueError("database or disk is full")) is None       # not SQLite's


def test_a_store_that_cannot_open_on_a_full_disk_is_not_called_a_wrong_key(store_path, monkeypatch):
    # SQLite cannot size its -shm file on a full disk and answers with an I/O error at
    # the first read; the message had been "not a cims store, or the key does not match".
    import shutil
    from collections import namedtuple

    from cims_xl.store import db

    real_connect = db.sqlcipher3.connect

    class FullDisk:
        def __init__(self, *a, **kw):
            self.conn = real_connect(*a, **kw)

        def execute(self, sql, *args):
            if sql.startswith("SELECT count(*) FROM sqlite_master"):
                exc = sqlcipher3.OperationalError("disk I/O error")
                raise exc
            return self.conn.execute(sql, *args)

        def close(self):
            self.conn.close()

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(db.sqlcipher3, "connect", FullDisk)
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: usage(3 << 20, 3 << 20, 0))
    with pytest.raises(StorageFailed, match="the disk holding it is full"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD)


def test_a_file_that_cannot_be_written_on_a_full_disk_says_the_disk_is_full(store_path, monkeypatch, capsys):
    import errno

    from cims_xl.services import backup

    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device", str(store_path.parent / "backups" / "x.cimsbak"))

    monkeypatch.setattr(backup, "backup", full)
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", "backup"])
    err = capsys.readouterr().err
    assert code == 74
    assert "the disk is full" in err and "backups" in err and "Free some space" in err


def test_a_backup_on_a_full_disk_names_the_backup_folder_not_the_store(admin, tmp_path, monkeypatch):
    from cims_xl.store import db

    records.create(admin, "customer", {"name": "Ada Lovelace", "notes": "x" * 5000})
    real_connect = db.sqlcipher3.connect

    def small_disk(path, *a, **kw):
        conn = real_connect(path, *a, **kw)
        if "backup-disk" in str(path):
            conn.execute("PRAGMA max_page_count = 2")      # SQLite answers as a full disk does
        return conn

    monkeypatch.setattr(db.sqlcipher3, "connect", small_disk)
    dest = tmp_path / "backup-disk" / "scratch" / "store.cims"
    dest.parent.mkdir(parents=True)
    with pytest.raises(StorageFailed) as failed:
        db.backup_store(admin.store, dest, admin.data_key)
    message = failed.value.message
    assert message.startswith(f"the backup in {tmp_path / 'backup-disk'} could not be written")
    assert "No backup was made" in message and "the store is as it was" in message
