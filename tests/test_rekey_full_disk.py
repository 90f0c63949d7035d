"""Rekey on a disk without room names the full disk (exit 74), as add, import and backup
do, and leaves the store opening with its current key. Before, SQLCipher's one message
for every failed rewrite ("An error occurred with PRAGMA key or rekey") was "an
unexpected problem occurred" (exit 70). The disk is simulated the project's way: what
the OS says of free space (shutil.disk_usage) and what SQLite answers."""

from __future__ import annotations

import shutil
from collections import namedtuple

import sqlcipher3

from cims_xl import cli
from cims_xl.security.keys import KeyFile
from cims_xl.services import auth, records
from cims_xl.store import db

from conftest import ADMIN_PASSWORD

usage = namedtuple("usage", "total used free")


def _cli(store_path, monkeypatch, capsys, *args):
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", *args])
    return code, capsys.readouterr().err


def _opens_as_before(store_path, name):
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert [c["name"] for c in records.list_records(session, "customer")] == [name]
        assert session.store.integrity_check() == "ok"
    finally:
        session.close()
    assert not KeyFile.load(store_path).rekey_pending


def test_rekey_on_a_disk_without_room_for_a_second_copy_says_the_disk_is_full_before_writing(
        admin, store_path, monkeypatch, capsys):
    records.create(admin, "customer", {"name": "Zoë Dubois"})
    admin.close()
    size = store_path.stat().st_size
    real = shutil.disk_usage
    # room for a sign-in, not for a second copy of the store
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda folder: usage(8 * size, 7 * size, size // 2) if str(store_path.parent) in str(folder)
                        else real(folder))
    code, err = _cli(store_path, monkeypatch, capsys, "rekey")
    assert code == 74, err
    assert "disk holding it is full" in err and "Free some space" in err and "unexpected" not in err
    monkeypatch.undo()
    _opens_as_before(store_path, "Zoë Dubois")


def test_a_rekey_sqlcipher_refuses_on_a_disk_that_filled_meanwhile_is_named_and_the_store_opens(
        admin, store_path, monkeypatch, capsys):
    records.create(admin, "customer", {"name": "陈静"})
    admin.close()
    real_connect, real_usage = db.sqlcipher3.connect, shutil.disk_usage
    full = []

    class FillingDisk:
        """A connection whose PRAGMA rekey fails as SQLCipher fails it when the journal
        cannot be written, the disk having filled up since rekey checked."""

        def __init__(self, *a, **kw):
            self.conn = real_connect(*a, **kw)

        def execute(self, sql, *args):
            if sql.startswith("PRAGMA rekey"):
                full.append(True)
                raise sqlcipher3.OperationalError(
                    "An error occurred with PRAGMA key or rekey. PRAGMA key requires a key of one or more "
                    "characters. PRAGMA rekey can only be run on an existing encrypted database.")
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    def disk_usage(folder):
        if full and str(store_path.parent) in str(folder):
            return usage(1 << 30, 1 << 30, 4096)
        return real_usage(folder)

    monkeypatch.setattr(db.sqlcipher3, "connect", FillingDisk)
    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    code, err = _cli(store_path, monkeypatch, capsys, "rekey")
    assert full and code == 74, err
    assert "disk holding it is full" in err and "unexpected" not in err
    monkeypatch.undo()
    _opens_as_before(store_path, "陈静")
