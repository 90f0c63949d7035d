"""A failure after the store committed (a full disk, a permission error, a locked file
while the workbook, the import's report or old backups are handled) says the changes
WERE saved and what was not done, never "run the command again" as if nothing was; a
failure before the commit still says nothing was saved. The failure is an OSError raised
where the file is written (the disk filling after the commit), against real encrypted
stores and workbooks in tmp_path."""

from __future__ import annotations

import errno
import os

import pytest

from cims_xl.excel import adapter
from cims_xl.services import auth, backup, batches, records

from conftest import ADMIN_PASSWORD
from test_sync_support import Editor, new_workbook, table_rows


def _customers(store_path) -> list[dict]:
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return records.list_records(session, "customer")
    finally:
        session.close()


def _failing_from(monkeypatch, owner, name: str, call: int, error: OSError) -> list[int]:
    """`owner.name` fails with `error` from its `call`-th call on (1-based), until `_mended`;
    returns the calls seen."""
    real = getattr(owner, name)
    calls: list[int] = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) >= call:
            raise error
        return real(*args, **kwargs)
    failing.real = real
    monkeypatch.setattr(owner, name, failing)
    return calls


def _mended(monkeypatch, owner, name: str) -> None:
    """The space is freed: `owner.name` works again."""
    monkeypatch.setattr(owner, name, getattr(owner, name).real)


FULL = OSError(errno.ENOSPC, "No space left on device")
DENIED = PermissionError(errno.EACCES, "Permission denied")


@pytest.mark.parametrize("error", [FULL, DENIED], ids=["disk-full", "permission"])
def test_a_workbook_that_cannot_be_written_after_the_store_saved_its_rows_says_they_were_saved(
        run, store_path, tmp_path, monkeypatch, error):
    book = new_workbook(tmp_path / "满盘 测试.xlsx")
    with Editor(book) as ed:
        ed.add_row({"Name": "满盘测试三", "City": "上海", "Email": "san@example.cn"})
        ed.add_row({"Name": "Zoë Ångström", "City": "Malmö"})
    # Save writes the workbook twice: the new rows' keys before the commit, then ids and Status.
    calls = _failing_from(monkeypatch, adapter.FileWorkbook, "save", 2, error)
    code, out, err = run("sync", str(book), "save")
    assert len(calls) == 2
    assert code == 74, err
    said = " ".join(err.split())
    assert "changes were saved: they are kept" in said
    assert f"the workbook {book.name} was not updated" in said
    assert "run `cims sync" in said and "save` again" in said and "does not save them twice" in said
    assert "run the command again" not in said and "Nothing" not in said
    if error is FULL:
        assert "the disk is full" in said
    stored = _customers(store_path)
    assert sorted(c["name"] for c in stored) == ["Zoë Ångström", "满盘测试三"]      # they WERE saved
    _mended(monkeypatch, adapter.FileWorkbook, "save")
    code, out, err = run("sync", str(book), "save")             # as the message says: nothing twice
    assert code == 0, err
    again = _customers(store_path)
    assert sorted(c["id"] for c in again) == sorted(c["id"] for c in stored)
    assert sorted(r["ID"] for r in table_rows(book)) == sorted(c["id"] for c in stored)


def test_a_full_disk_before_the_commit_still_says_to_run_it_again_and_saves_nothing(
        run, store_path, tmp_path, monkeypatch):
    book = new_workbook(tmp_path / "kunden.xlsx")
    with Editor(book) as ed:
        ed.add_row({"Name": "Jürgen Weiß", "City": "Köln"})
    _failing_from(monkeypatch, adapter.FileWorkbook, "save", 1, FULL)
    code, _out, err = run("sync", str(book), "save")
    said = " ".join(err.split())
    assert code == 74 and "the disk is full" in said and "run the command again" in said
    assert "were saved" not in said and "was saved" not in said
    assert _customers(store_path) == []
    # and a workbook refresh (it writes no change, only cims's note of the file) says no save either
    _mended(monkeypatch, adapter.FileWorkbook, "save")
    assert run("sync", str(book), "refresh", "--force")[0] == 0
    _failing_from(monkeypatch, adapter.FileWorkbook, "save", 1, FULL)
    code, _out, err = run("sync", str(book), "refresh", "--force")
    said = " ".join(err.split())
    assert code == 74 and "run the command again" in said and "were saved" not in said
    # the same failure after a save in the same command does not say "run the command again"
    _mended(monkeypatch, adapter.FileWorkbook, "save")
    with Editor(book) as ed:
        ed.add_row({"Name": "Ana Lúcia Gonçalves", "City": "Porto"})
    _failing_from(monkeypatch, adapter.FileWorkbook, "save", 2, FULL)
    code, _out, err = run("sync", str(book), "save")
    said = " ".join(err.split())
    assert code == 74 and "run the command again" not in said and "changes were saved" in said
    assert [c["name"] for c in _customers(store_path)] == ["Ana Lúcia Gonçalves"]


def test_an_import_whose_report_cannot_be_written_says_the_import_was_saved(run, store_path, tmp_path, monkeypatch):
    from cims_xl.excel import import_report

    src = tmp_path / "clientes.csv"
    src.write_text("Nombre,Email\nMaría José Pérez,maria@example.es\nLuis Núñez,no-es-un-correo\n",
                   encoding="utf-8")
    _failing_from(monkeypatch, import_report, "save_workbook", 1,
                  OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "informe.xlsx")))
    code, _out, err = run("import", str(src), "--report", str(tmp_path / "informe.xlsx"))
    said = " ".join(err.split())
    assert code == 74, err
    assert "the import was saved: it is kept" in said and "cims import undo" in said
    assert "informe.xlsx of rows not imported was not written" in said
    assert "run the command again" not in said
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert sorted(c["name"] for c in records.list_records(session, "customer")) == [
            "Luis Núñez", "María José Pérez"]       # the second with a warning: in the report
        assert len(batches.list_batches(session)) == 1
    finally:
        session.close()


def test_a_backup_written_before_a_failure_is_named_as_written(run, store_path, admin, tmp_path, monkeypatch):
    records.create(admin, "customer", {"name": "Ólafur Arnalds"})
    _failing_from(monkeypatch, backup, "_prune", 1, DENIED)
    code, _out, err = run("backup", "--dir", str(tmp_path / "bk"))
    said = " ".join(err.split())
    made = sorted((tmp_path / "bk").glob("*.cimsbak"))
    assert code == 74 and len(made) == 1
    assert f"the backup {made[0]} was written: it is kept" in said
    assert "older backups beyond the newest" in said
    assert os.path.getsize(made[0]) > 0
