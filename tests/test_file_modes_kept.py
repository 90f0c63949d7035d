"""A file cims replaces keeps the mode and group it had; a file cims makes is 0600.

A store shared by an OS group (store, key file and lock 0660, group of the team) must
stay shared: before, one wrong password rewrote the key file 0600 (every other account
was then shut out), `restore` put the store back 0600 and `sync` turned a 0664 workbook
into 0600. Every write goes through a scratch file renamed over the old one
(scratch.replace_keeping_mode / keep_mode)."""

from __future__ import annotations

import grp
import os
import stat

import pytest

from cims_xl import cli
from cims_xl.errors import WrongPassword
from cims_xl.security.keys import keyfile_path
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")     # (Windows: the folder's ACL)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _other_group() -> int | None:
    """A group this account may give its files (root: any; else one it belongs to) other
    than the one its files get, or None."""
    mine = os.getgid()
    candidates = [g.gr_gid for g in grp.getgrall()] if os.geteuid() == 0 else os.getgroups()
    return next((g for g in candidates if g != mine), None)


def _share(*paths, mode=0o660):
    gid = _other_group()
    for p in paths:
        os.chmod(p, mode)
        if gid is not None:
            os.chown(p, -1, gid)
    return gid


def _cli(store_path, monkeypatch, capsys, *args, password=ADMIN_PASSWORD):
    monkeypatch.setenv("CIMS_PASSWORD", password)
    monkeypatch.setenv("CIMS_NEW_PASSWORD", "Maple-Lantern-Orbit-2026")
    code = cli.main(["--store", str(store_path), "--user", "admin", *args])
    return code, capsys.readouterr()


@pytest.mark.parametrize("mode", [0o660, 0o640, 0o600])
def test_a_wrong_password_leaves_a_shared_key_file_as_it_was_shared(store_path, mode):
    keys = keyfile_path(store_path)
    gid = _share(store_path, keys, mode=mode)
    with pytest.raises(WrongPassword):
        auth.sign_in(store_path, "admin", "wrong-wrong-wrong")
    assert _mode(keys) == mode
    if gid is not None:
        assert os.stat(keys).st_gid == gid
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()        # rewritten again on success
    assert _mode(keys) == mode


def test_a_password_change_and_a_new_user_keep_the_key_files_mode(store_path, monkeypatch, capsys):
    keys = keyfile_path(store_path)
    _share(store_path, keys)
    code, out = _cli(store_path, monkeypatch, capsys, "user", "add", "lina", "--role", "sales")
    assert code == 0, out.err
    assert _mode(keys) == 0o660
    code, out = _cli(store_path, monkeypatch, capsys, "user", "passwd", "lina")
    assert code == 0, out.err
    assert _mode(keys) == 0o660


def test_the_lock_file_is_made_with_the_stores_read_and_write_bits(store_path):
    lock = store_path.with_name(store_path.name + ".lock")
    lock.unlink(missing_ok=True)
    _share(store_path, keyfile_path(store_path))
    from cims_xl.security.keys import KeyFile

    with KeyFile.locked(store_path):
        assert _mode(lock) == 0o660


def test_restore_puts_the_store_back_with_the_mode_and_group_it_had(store_path, tmp_path, monkeypatch, capsys):
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    records.create(session, "customer", {"name": "Ngozi Okafor"})
    session.close()
    code, out = _cli(store_path, monkeypatch, capsys, "backup", "--dir", str(tmp_path / "bk"))
    assert code == 0, out.err
    backup = next((tmp_path / "bk").glob("*.cimsbak"))
    assert _mode(backup) == 0o600                         # a new file: the owner's only
    gid = _share(store_path, keyfile_path(store_path), mode=0o640)
    code, out = _cli(store_path, monkeypatch, capsys, "restore", str(backup), "--yes")
    assert code == 0, out.err
    for path in (store_path, keyfile_path(store_path)):
        assert _mode(path) == 0o640, path
        if gid is not None:
            assert os.stat(path).st_gid == gid
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert [c["name"] for c in records.list_records(session, "customer")] == ["Ngozi Okafor"]
    finally:
        session.close()


def test_sync_keeps_a_workbooks_mode_and_a_new_workbook_is_private(store_path, tmp_path, monkeypatch, capsys):
    old = os.umask(0)          # a new file must not take a wide mode from the umask
    try:
        book = tmp_path / "team.xlsm"
        code, out = _cli(store_path, monkeypatch, capsys, "workbook", "build", "--out", str(book))
        assert code == 0, out.err
        assert _mode(book) == 0o600
        gid = _share(book, mode=0o664)
        code, out = _cli(store_path, monkeypatch, capsys, "sync", str(book), "refresh")
        assert code == 0, out.err
        assert _mode(book) == 0o664
        if gid is not None:
            assert os.stat(book).st_gid == gid
    finally:
        os.umask(old)
