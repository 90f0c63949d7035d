"""A sync through a symlink writes the file it points to (never replaces the link with a
private copy) and shares that file's lock; a hard-linked workbook is refused; the lock
file carries the workbook's group bits; a lock that cannot be taken refuses the sync
instead of running unlocked; sweeps and `gdpr erase` remove only what cims's own save
scratch can be; an erase reaches the copy a killed sync left beside a symlinked
workbook or a `reports --restore-settings`. Real encrypted store, files the test writes."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile

import pytest

from cims_xl import scratch
from cims_xl.excel import sync
from cims_xl.excel.adapter import SheetError
from cims_xl.services import records
from conftest import ADMIN_PASSWORD
from crashkit import killed, run_cims
from test_sync_support import new_workbook, table_rows


def _holds(path, text: str) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(text.encode() in z.read(n) for n in z.namelist())


def _dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


@pytest.mark.parametrize("how", ["file link", "folder link"])
def test_a_refresh_through_a_symlink_writes_the_shared_file_and_keeps_the_link(admin, tmp_path, how):
    cid = records.create(admin, "customer", {"name": "Ngozi Okafor", "city": "Lagos"})["id"]
    shared = tmp_path / "S"
    shared.mkdir()
    real = new_workbook(shared / "shared.xlsx")
    desk = tmp_path / "desk"
    if how == "file link":
        desk.mkdir()
        link = desk / "cims.xlsx"
        link.symlink_to(real)
    else:
        desk.symlink_to(shared)
        link = desk / "shared.xlsx"
    sync.sync_file(admin, link, "refresh", sheets=["Customers"])
    assert link.is_symlink() or desk.is_symlink()
    assert os.path.samefile(link, real)
    assert cid in [r["ID"] for r in table_rows(real)]
    assert sync.lock_path(link) == sync.lock_path(real)


def test_a_sync_through_a_symlink_waits_for_the_lock_held_on_the_real_file(tmp_path):
    real = tmp_path / "real.xlsx"
    real.write_bytes(b"x")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    with sync.workbook_lock(real):
        with pytest.raises(sync.WorkbookBusy, match="another cims sync"):
            with sync.workbook_lock(link, wait=0.2):
                pass


def test_a_hard_linked_workbook_is_refused_naming_why_and_left_as_it_was(admin, tmp_path):
    real = new_workbook(tmp_path / "real.xlsx")
    other = tmp_path / "hard.xlsx"
    os.link(real, other)
    before = real.read_bytes()
    with pytest.raises(SheetError, match="hard links"):
        sync.sync_file(admin, other, "refresh", sheets=["Customers"])
    assert real.read_bytes() == before and os.stat(real).st_nlink == 2


@pytest.mark.parametrize("mode", [0o660, 0o664, 0o600])
def test_the_lock_file_gets_the_workbooks_read_write_bits(admin, tmp_path, mode):
    old = os.umask(0o077)
    try:
        book = new_workbook(tmp_path / "team.xlsx")
        os.chmod(book, mode)
        sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(sync.lock_path(book)).st_mode) == mode


@pytest.mark.parametrize("plant", ["folder", "symlink"])
def test_a_lock_that_cannot_be_taken_refuses_the_sync_instead_of_running_unlocked(admin, tmp_path, plant):
    book = new_workbook(tmp_path / "team.xlsx")
    where = sync.lock_path(book)
    if plant == "folder":
        where.mkdir()
    else:
        where.symlink_to(tmp_path / "elsewhere")
    before = book.read_bytes()
    with pytest.raises(sync.WorkbookBusy, match=plant):
        sync.sync_file(admin, book, "refresh", sheets=["Customers"])
    assert book.read_bytes() == before
    assert not (tmp_path / "elsewhere").exists()


def test_a_lock_name_too_long_refuses_the_sync_naming_why(tmp_path):
    book = tmp_path / ("k" * 246 + ".xlsx")
    book.write_bytes(b"x")
    with pytest.raises(sync.WorkbookBusy, match="shorter name"):
        with sync.workbook_lock(book, wait=0.2):
            pass


def test_sweep_removes_only_files_of_the_save_scratch_shape_and_suffix(tmp_path):
    pid = _dead_pid()
    leftover = tmp_path / f".cims-save-{pid}-a1b2_c3d.xlsx"
    mine = [tmp_path / f".cims-save-{pid}-budget.xlsx",            # a person's file, not mkstemp's shape
            tmp_path / f".cims-save-{pid}-a1b2c3d4.txt",            # another suffix
            tmp_path / f".cims-save-{pid}-a1b2c3d4.xlsx.bak"]
    folder = tmp_path / f".cims-save-{pid}-my-archive"
    folder_like = tmp_path / f".cims-save-{pid}-abcdefgh.xlsx"     # a folder of the exact shape
    for p in [leftover, *mine]:
        p.write_bytes(b"data")
    for d in (folder, folder_like):
        d.mkdir()
        (d / "report.txt").write_text("keep")
    assert scratch.sweep(tmp_path, "save", ".xlsx") == [leftover]
    assert all(p.exists() for p in mine) and (folder / "report.txt").exists()
    assert (folder_like / "report.txt").exists()


def test_gdpr_erase_leaves_a_persons_files_and_folders_named_like_scratch(run, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Mariam Haddad", "city": "Beirut"})["id"]
    book = new_workbook(tmp_path / "zabaen.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    pid = _dead_pid()
    kept = tmp_path / f".cims-save-{pid}-budget.xlsx"
    kept.write_bytes(b"mine")
    archive = tmp_path / f".cims-save-{pid}-my-archive"
    archive.mkdir()
    (archive / "report.txt").write_text("mine")
    stale = tmp_path / f".cims-save-{pid}-dead0000.xlsx"
    stale.write_bytes(b"left by a killed sync")
    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    assert json.loads(out)["leftovers_removed"] == [str(stale)]
    assert kept.exists() and (archive / "report.txt").exists()


@pytest.mark.parametrize("how", ["file link", "folder link"])
def test_gdpr_erase_reaches_the_copy_a_killed_sync_left_through_a_symlink(run, admin, store_path, tmp_path, how):
    cid = records.create(admin, "customer", {"name": "Tomás Ibarra", "email": "tomas.ibarra@example.cl",
                                             "city": "Valparaíso"})["id"]
    shared = tmp_path / "S2"
    shared.mkdir()
    new_workbook(shared / "shared.xlsx")
    desk = tmp_path / "desk2"
    if how == "file link":
        desk.mkdir()
        (desk / "cims.xlsx").symlink_to(shared / "shared.xlsx")
        given = desk / "cims.xlsx"
    else:
        desk.symlink_to(shared)
        given = desk / "shared.xlsx"
    out = run_cims("--store", str(store_path), "--user", "admin", "sync", str(given), "refresh",
                   password=ADMIN_PASSWORD, crash_at="workbook.temp-written")
    assert killed(out), out.stderr
    left = [p for d in {shared, desk.resolve()} for p in d.iterdir() if p.name.startswith(".cims-save-")]
    assert len(left) == 1 and _holds(left[0], "tomas.ibarra@example.cl")
    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    assert not left[0].exists()


def test_gdpr_erase_reaches_the_copy_a_killed_reports_restore_settings_left_in_a_folder_never_synced(
        run, admin, store_path, tmp_path):
    import openpyxl

    from cims_xl.excel.build import build_bytes

    cid = records.create(admin, "customer", {"name": "Leilani Kahale", "email": "leilani.kahale@example.us",
                                             "city": "Honolulu"})["id"]
    folder = tmp_path / "R"
    folder.mkdir()
    book = folder / "w.xlsm"
    book.write_bytes(build_bytes())
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["xlwings.conf"]["A6"] = "PYTHONPATH"          # a planted setting: the restore writes the workbook
    wb["xlwings.conf"]["B6"] = "/tmp/elsewhere"
    wb["Customers"]["B2"] = "leilani.kahale@example.us"
    wb.save(book)
    out = run_cims("--store", str(store_path), "--user", "admin", "sync", str(book), "reports",
                   "--restore-settings", password=ADMIN_PASSWORD, crash_at="workbook.temp-written")
    assert killed(out), out.stderr
    left = [p for p in folder.iterdir() if p.name.startswith(".cims-save-")]
    assert len(left) == 1 and _holds(left[0], "leilani.kahale@example.us")
    code, out, err = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert code == 0, err
    assert json.loads(out)["leftovers_removed"] == [str(left[0])]


@pytest.mark.parametrize("err, refused", [(13, True), (1, True), (30, False)])     # EACCES, EPERM, EROFS
def test_another_accounts_lock_file_refuses_and_only_a_read_only_folder_runs_on(tmp_path, monkeypatch, err, refused):
    import filelock

    book = tmp_path / "team.xlsx"
    book.write_bytes(b"x")
    sync.lock_path(book).write_bytes(b"")             # the other account's lock file, there already

    def denied(self, *a, **k):
        raise OSError(err, os.strerror(err), str(self.lock_file))
    monkeypatch.setattr(filelock.FileLock, "acquire", denied)
    ran = []
    if refused:
        with pytest.raises(sync.WorkbookBusy, match="cannot lock team.xlsx"):
            with sync.workbook_lock(book, wait=0.1):
                ran.append(1)
    else:
        with sync.workbook_lock(book, wait=0.1):
            ran.append(1)
    assert ran == ([] if refused else [1])
