"""What a cims process killed part way (SIGKILL, a power cut, a closed terminal) left of
the copies of the store it was writing, swept at the next sign-in, backup and erase.

Every operation that writes a copy of the store writes it in a scratch folder of the
exact shape `.cims-<purpose>-<pid>-<8 random characters>` (scratch.scratch_dir):

- backup: `.cims-backup-…` in the backup folder (the store copy before it is packed);
- gdpr erase: `.cims-erase-…` beside each backup it rewrites (the backup unpacked, still
  holding the person until the erase in it is done);
- restore and its preview: `.cims-restore-…` / `.cims-preview-…` beside the store;
- backup verify: `.cims-verify-…` in the system temp folder;
- import: its spilled rows and strings, `.cims-rows-…` / `.cims-sst-…` files in the
  system temp folder (encrypted or empty, importer.xlsx_stream).

A sweep removes only scratch of that shape, of this OS account, whose process is gone;
nothing else in those folders is touched. cims before this version rewrote a backup in a
`tmpXXXXXXXX` folder (tempfile's default name) beside it: such a folder in a backup
folder is removed too when it holds nothing but what that rewrite put there (the store
copy, its key file, SQLite's -wal/-shm/-journal, the backup being packed).

`gdpr erase` names what it could not remove under "Copies not reached" (a copy a running
cims is writing, one another OS account's cims left, one the OS would not let go).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterable

from ..scratch import LIVE, OTHER_ACCOUNT, owned_by_me, sweep_reporting
from ..security.keys import restore_journal_path

# Scratch folders holding a whole copy of the store: (purpose, where) with where "backups"
# (each backup folder), "store" (beside the store), "temp" (the system temp folder).
COPY_SCRATCH = (("backup", "backups"), ("erase", "backups"), ("restore", "store"), ("preview", "store"),
                ("verify", "temp"))
# Scratch files of an import (encrypted rows, spilled shared strings) in the system temp folder.
IMPORT_SCRATCH = ("rows", "sst")

# An erase's rewrite of a backup before this version: tempfile.TemporaryDirectory's name,
# holding only these (the backup's members unpacked, SQLite's side files, the new backup).
_LEGACY_ERASE_DIR = re.compile(r"^tmp[a-z0-9_]{8}$")
_LEGACY_MEMBERS = re.compile(r"^(?:store\.cims(?:\.keys|-wal|-shm|-journal)?|.+\.cimsbak\.partial)$")


def sweep_import_scratch() -> list[Path]:
    """Remove the import scratch files (`.cims-rows-…`, `.cims-sst-…`) in the system temp
    folder of this OS account's imports that no longer run; returns what went."""
    gone: list[Path] = []
    for purpose in IMPORT_SCRATCH:
        gone += sweep_reporting(tempfile.gettempdir(), purpose)[0]
    return gone


def sweep_copy_leftovers(store_path: str | os.PathLike,
                         backup_folders: Iterable[str | os.PathLike] = ()) -> tuple[list[Path], list[str]]:
    """Remove what killed cims processes left of copies of this store: in its backup
    folder and `backup_folders`, beside the store, and in the system temp folder (also the
    import scratch there). Returns (removed, ["path (why it is still there)"]) where the
    second lists the copies of this store's folders that are still there: a running cims
    is writing it, another OS account's cims left it, or it could not be removed."""
    from .backup import default_backup_dir

    store_path = Path(store_path)
    folders = list(dict.fromkeys([default_backup_dir(store_path), *map(Path, backup_folders)]))
    removed: list[Path] = []
    left: list[str] = []
    places = {"backups": folders, "store": [store_path.parent], "temp": [Path(tempfile.gettempdir())]}
    journal = restore_journal_path(store_path).exists()    # its stage is still needed
    for purpose, where in COPY_SCRATCH:
        if purpose == "restore" and journal:
            continue
        for folder in places[where]:
            gone, kept = sweep_reporting(folder, purpose, dirs=True)
            removed += gone
            if where != "temp":         # the temp folder's may be another store's
                left += [_why_left(path, why, detail) for path, why, detail in kept]
    for folder in folders:
        gone, kept = _sweep_legacy_erase_dirs(folder)
        removed += gone
        left += kept
    removed += sweep_import_scratch()
    return removed, left


def _why_left(path: Path, why: str, detail: str) -> str:
    if why == LIVE:
        return (f"{path} (a copy of the store that a running cims, process {detail}, is writing: run the "
                "erase again when it has finished)")
    if why == OTHER_ACCOUNT:
        return (f"{path} (a partly written copy of the store that another OS account's cims left when it "
                "was stopped: that account or an administrator of the computer can delete it)")
    return f"{path} (a partly written copy of the store that a stopped cims left; it could not be removed: " \
           f"{detail}: delete it)"


def _sweep_legacy_erase_dirs(folder: Path) -> tuple[list[Path], list[str]]:
    """Remove the `tmpXXXXXXXX` folders an erase before this version left in the backup
    folder `folder` (see the module's docstring); returns (removed, why others are left)."""
    gone: list[Path] = []
    left: list[str] = []
    try:
        entries = [e for e in folder.iterdir() if _LEGACY_ERASE_DIR.match(e.name)]
    except OSError:
        return gone, left
    for entry in entries:
        try:
            if not stat.S_ISDIR(os.lstat(entry).st_mode):
                continue
            names = [p.name for p in entry.iterdir()]
        except OSError:
            continue
        if "store.cims" not in names or not all(_LEGACY_MEMBERS.match(n) for n in names):
            continue                    # not what an erase left: someone's own folder
        if not owned_by_me(entry):
            left.append(_why_left(entry, OTHER_ACCOUNT, ""))
            continue
        try:
            shutil.rmtree(entry)
        except OSError as exc:
            left.append(_why_left(entry, "not removed", exc.strerror or str(exc)))
            continue
        gone.append(entry)
    return gone, left


def sweep_quietly(store_path: str | os.PathLike) -> None:
    """`sweep_copy_leftovers` for sign-in: what cannot be removed is named by the next
    `gdpr erase`; nothing here may stop a sign-in."""
    with contextlib.suppress(Exception):
        sweep_copy_leftovers(store_path)
