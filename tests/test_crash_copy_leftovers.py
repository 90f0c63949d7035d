"""What a killed cims left of a copy of the store (a `gdpr erase` killed while it rewrites
a backup, a killed backup) is removed at the next erase, backup or sign-in, and what
cannot be removed is named under "Copies not reached"; only cims's own scratch shape is
ever removed, never a folder of the user's. A killed import's scratch files in the system
temp folder go at the next import or sign-in once their process is gone. Real encrypted
stores in tmp_path, real SIGKILL at a crash point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cims_xl.security.keys import KeyFile
from cims_xl.services import auth, backup, gdpr, records
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD
from crashkit import killed, run_cims


def _person(session) -> str:
    return records.create(session, "customer", {"name": "Þórunn Hallgrímsdóttir", "email": "thorunn@example.is",
                                                "phone": "+354 555 9876"})["id"]


def _scratch(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith((".cims-", "tmp")))


def _holds_email(db: Path, data_key: bytes, cid: str) -> str | None:
    """The email the store copy `db` holds for `cid` (opened with the store's data key)."""
    store = Store.open(db, data_key)
    try:
        row = store.conn.execute("SELECT email FROM customers WHERE id = ?", (cid,)).fetchone()
        return row[0] if row else None
    finally:
        store.close()


def _erase(store_path: Path, cid: str, crash_at: str | None = None):
    return run_cims("--store", str(store_path), "--user", "admin", "--format", "json", "gdpr", "erase", cid,
                    "--yes", password=ADMIN_PASSWORD, crash_at=crash_at)


@pytest.fixture
def killed_erase(store_path, admin):
    """A store with two backups and an erase of its customer killed (SIGKILL) while it
    rewrote a backup: (store path, customer id, data key, the scratch folder it left)."""
    cid = _person(admin)
    backup.backup(admin)
    backup.backup(admin)
    key = admin.data_key
    admin.close()
    out = _erase(store_path, cid, crash_at="erase.backup-unpacked")
    assert killed(out), (out.returncode, out.stderr)
    left = _scratch(backup.default_backup_dir(store_path))
    assert len(left) == 1 and left[0].name.startswith(f".cims-erase-"), left
    assert _holds_email(left[0] / backup.DB_MEMBER, key, cid) == "thorunn@example.is"    # the person is in it
    return store_path, cid, key, left[0]


def test_an_erase_killed_while_it_rewrites_a_backup_leaves_a_copy_the_next_erase_removes(killed_erase):
    store_path, cid, key, left = killed_erase
    out = _erase(store_path, cid)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["copies_not_reached"] == []
    assert len(result["copies_erased"]) == 2
    assert not left.exists()          # (the erase's own sign-in took it away first)
    assert _scratch(backup.default_backup_dir(store_path)) == []


def test_an_erase_killed_while_it_rewrites_a_backup_leaves_nothing_after_the_next_sign_in(killed_erase):
    store_path, _cid, _key, left = killed_erase
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    session.close()
    assert not left.exists()


def test_a_killed_backups_copy_is_removed_by_the_next_command_that_signs_in(store_path, admin):
    _person(admin)
    admin.close()
    out = run_cims("--store", str(store_path), "--user", "admin", "backup", password=ADMIN_PASSWORD,
                   crash_at="backup.copied")
    assert killed(out), (out.returncode, out.stderr)
    folder = backup.default_backup_dir(store_path)
    assert [p.name.startswith(".cims-backup-") for p in _scratch(folder)] == [True]
    out = run_cims("--store", str(store_path), "--user", "admin", "customer", "list", password=ADMIN_PASSWORD)
    assert out.returncode == 0, out.stderr
    assert _scratch(folder) == []


def test_a_copy_a_running_process_is_writing_is_kept_and_named_under_copies_not_reached(killed_erase):
    """A scratch folder whose process still runs may be a backup being written right now:
    it is not removed under it, and the erase does not say every copy was reached."""
    store_path, cid, key, left = killed_erase
    runner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        name = left.name.split("-")
        busy = left.with_name("-".join([*name[:2], str(runner.pid), name[-1]]))
        left.rename(busy)
        out = _erase(store_path, cid)
        assert out.returncode == 0, out.stderr
        missed = json.loads(out.stdout)["copies_not_reached"]
        assert len(missed) == 1 and str(busy) in missed[0] and f"process {runner.pid}" in missed[0]
        assert busy.exists()
        table = run_cims("--store", str(store_path), "--user", "admin", "gdpr", "erase", cid, "--yes",
                         password=ADMIN_PASSWORD)
        assert "Copies not reached" in table.stdout and busy.name in table.stdout + table.stderr
        assert "none" not in table.stdout.split("Copies not reached", 1)[1].splitlines()[0]
    finally:
        runner.kill()
        runner.wait()
    out = _erase(store_path, cid)                 # its process is gone now: removed
    assert json.loads(out.stdout)["copies_not_reached"] == []
    assert not busy.exists()


def test_a_leftover_an_earlier_erase_left_in_a_tmp_folder_is_removed_but_a_users_tmp_folder_is_not(
        store_path, admin):
    """cims before this version rewrote a backup in `backups/tmpXXXXXXXX/`: such a folder
    holding only what that rewrite put there goes; one holding anything else is the user's."""
    cid = _person(admin)
    made = backup.backup(admin)
    folder = made.parent
    old = folder / "tmpk_ytqyec"
    with backup.zipfile.ZipFile(made) as zf:
        zf.extractall(old, members=[backup.DB_MEMBER, backup.KEYS_MEMBER])
    (old / "store.cims-wal").write_bytes(b"")
    (old / "store.cims-shm").write_bytes(b"\0" * 32)
    mine = folder / "tmpnotes123"            # the same shape of name, but the user's own files
    mine.mkdir()
    (mine / "store.cims").write_bytes(b"x")
    (mine / "minutes.txt").write_text("Protokoll", encoding="utf-8")
    other = folder / "tmp_project"           # of the shape, only a text file
    other.mkdir()
    (other / "plan.txt").write_text("plan", encoding="utf-8")
    result = gdpr.erase_customer(admin, cid)
    assert result["copies_not_reached"] == []
    assert result["copies_removed"] == [str(old)]
    assert not old.exists()
    assert (mine / "minutes.txt").read_text(encoding="utf-8") == "Protokoll" and (mine / "store.cims").exists()
    assert (other / "plan.txt").exists()


def test_only_cims_scratch_of_the_exact_shape_is_removed_from_the_backup_folder(store_path, admin):
    folder = backup.default_backup_dir(store_path)
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    ours = folder / f".cims-erase-{dead}-ab_cd123"
    ours.mkdir()
    (ours / "store.cims").write_bytes(b"copy")
    near = [folder / f".cims-erase-{dead}-ab_cd1234", folder / f".cims-erase-{dead}-abc", folder / f".cims-erase-x-ab_cd123",
            folder / f".cims-erased-{dead}-ab_cd123"]
    for p in near:
        p.mkdir()
        (p / "keep.txt").write_text("mine", encoding="utf-8")
    link = folder / f".cims-erase-{dead}-zz_zz999"
    link.symlink_to(near[0], target_is_directory=True)
    admin.close()
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()
    assert not ours.exists()
    assert all((p / "keep.txt").exists() for p in near) and link.is_symlink()


# ----- import scratch in the system temp folder ----------------------------------------------

def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip())


def test_a_killed_imports_scratch_files_are_removed_at_the_next_sign_in_but_not_a_running_ones(
        store_path, tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead = _dead_pid()
    runner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        gone = [temp / f".cims-rows-{dead}-a1b2c3d4", temp / f".cims-sst-{dead}-zz9_8y7x"]
        kept = [temp / f".cims-rows-{runner.pid}-a1b2c3d4", temp / f".cims-sst-{runner.pid}-q1w2e3r4",
                temp / "cims-rows-notours1", temp / f".cims-rows-{dead}-short"]
        for p in gone + kept:
            p.write_bytes(b"\x00" * 16)
            p.chmod(0o600)
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()
        assert [p.exists() for p in gone] == [False, False]
        assert all(p.exists() for p in kept)
    finally:
        runner.kill()
        runner.wait()


def test_an_import_names_its_scratch_files_with_its_process_and_sweeps_a_killed_ones(
        admin, tmp_path, monkeypatch):
    """The import's spilled rows and strings are `.cims-rows-<pid>-…`/`.cims-sst-<pid>-…`, 0600."""
    import openpyxl

    from cims_xl.importer import readers, xlsx_stream

    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)     # streamed as a big sheet is
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead = _dead_pid()
    stale = temp / f".cims-sst-{dead}-k9j8h7g6"
    stale.write_bytes(b"")
    seen: list[tuple[str, int]] = []
    real_init = xlsx_stream._TempFile.__init__

    def watching(self, purpose):
        real_init(self, purpose)
        seen.append((Path(self._tmp).name, os.stat(self._tmp).st_mode & 0o777))
    monkeypatch.setattr(xlsx_stream._TempFile, "__init__", watching)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Email", "City"])
    for i in range(30):
        ws.append([f"Müller {i}", f"m{i}@example.de", "München"])
    wb.save(tmp_path / "kunden.xlsx")
    from cims_xl.importer import import_file

    import_file(admin, tmp_path / "kunden.xlsx")
    assert seen and all(name.startswith((f".cims-rows-{os.getpid()}-", f".cims-sst-{os.getpid()}-"))
                        and mode == 0o600 for name, mode in seen), seen
    assert not stale.exists()
    assert sorted(p.name for p in temp.iterdir()) == []
    assert len(records.list_records(admin, "customer")) == 30
