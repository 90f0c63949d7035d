"""Scratch folders and files that a killed process does not leave behind for long.

Every scratch name carries the purpose and the id of the process that made it:
`.cims-<purpose>-<pid>-<random>`. A process is killed without running `finally`
blocks, so each time cims makes new scratch space in a folder it first removes the
scratch of the same purpose left there by processes that no longer run. Scratch
folders are 0700, scratch files 0600 (they may hold the same data as the store or
workbook they are next to).

A file cims rewrites (key file, workbook, backup, store put back by restore) is written
to scratch and renamed over the old one: `replace_keeping_mode` gives the new file the
permission bits and group the old one had, so a store shared by a group (0660, see the
README) stays shared after a wrong password rewrote the key file; a new file is 0600.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator

_NAME = re.compile(r"^\.cims-(?P<purpose>[a-z]+)-(?P<pid>\d+)-")


def pid_alive(pid: int) -> bool:
    """Is a process with this id running (on Windows and POSIX)?"""
    if pid == os.getpid():
        return True
    if os.name == "nt":   # os.kill(pid, 0) would send CTRL_C_EVENT there
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prefix(purpose: str) -> str:
    return f".cims-{purpose}-{os.getpid()}-"


def owned_by_me(path: str | os.PathLike) -> bool:
    """Whether this OS account owns `path` (not following a symlink); always true where
    files have no owner id (Windows). Another account's file in a shared folder is theirs."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    try:
        return os.lstat(path).st_uid == getuid()
    except OSError:
        return False


# tempfile's random part (`_RandomNameSequence`: 8 characters of this alphabet)
_RANDOM = r"[a-z0-9_]{8}"


def sweep(folder: str | os.PathLike, purpose: str, suffix: str | tuple[str, ...] = "", *,
          dirs: bool = False) -> list[Path]:
    """Remove `purpose` scratch left in `folder` by processes of this OS account that are
    gone; returns what went. Only what cims itself would have made there: the exact
    `.cims-<purpose>-<pid>-<8 random characters><suffix>` shape of mkstemp/mkdtemp, and a
    regular file (`scratch_file`) or, with `dirs`, a real folder (`scratch_dir`), never a
    symlink; a folder or another file named like one is left alone."""
    return sweep_reporting(folder, purpose, suffix, dirs=dirs)[0]


# Why a piece of scratch was not removed (`sweep_reporting`).
LIVE, OTHER_ACCOUNT, NOT_REMOVED = "live", "other account", "not removed"


def sweep_reporting(folder: str | os.PathLike, purpose: str, suffix: str | tuple[str, ...] = "", *,
                    dirs: bool = False) -> tuple[list[Path], list[tuple[Path, str, str]]]:
    """`sweep`, also returning the scratch of that exact shape it left: (removed, [(path,
    why, detail)]), `why` one of LIVE (the process that made it still runs: `detail` is its
    id), OTHER_ACCOUNT (another OS account owns it) or NOT_REMOVED (`detail` is the OS's
    reason). What is not of the shape is neither removed nor listed."""
    suffixes = (suffix,) if isinstance(suffix, str) else tuple(suffix)
    shape = re.compile(rf"^\.cims-{re.escape(purpose)}-(?P<pid>\d+)-{_RANDOM}"
                       rf"(?:{'|'.join(re.escape(s) for s in suffixes)})$")
    gone: list[Path] = []
    left: list[tuple[Path, str, str]] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return gone, left
    for entry in entries:
        m = shape.match(entry.name)
        if not m:
            continue
        try:
            mode = os.lstat(entry).st_mode
        except OSError:
            continue
        if not (stat.S_ISDIR(mode) if dirs else stat.S_ISREG(mode)):
            continue                    # a symlink, or not the kind cims makes there
        if pid_alive(int(m["pid"])):
            if int(m["pid"]) != os.getpid():
                left.append((entry, LIVE, m["pid"]))
            continue
        if not owned_by_me(entry):
            left.append((entry, OTHER_ACCOUNT, ""))
            continue
        try:
            if dirs:
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError as exc:
            left.append((entry, NOT_REMOVED, exc.strerror or str(exc)))
            continue
        gone.append(entry)
    return gone, left


@contextlib.contextmanager
def scratch_dir(folder: str | os.PathLike | None, purpose: str, *,
                keep_if: Callable[[], bool] | None = None) -> Iterator[Path]:
    """A private folder in `folder` (the system temp folder if None), removed on exit
    unless `keep_if()` says a journal still needs what is in it."""
    parent = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    sweep(parent, purpose, dirs=True)
    path = Path(tempfile.mkdtemp(prefix=prefix(purpose), dir=parent))
    try:
        yield path
    finally:
        if keep_if is None or not keep_if():
            shutil.rmtree(path, ignore_errors=True)


def scratch_file(folder: str | os.PathLike, purpose: str, suffix: str = "") -> Path:
    """A new empty 0600 file in `folder`, after sweeping stale ones; the caller removes it."""
    sweep(folder, purpose, suffix)
    fd, name = tempfile.mkstemp(prefix=prefix(purpose), suffix=suffix, dir=folder)
    os.close(fd)
    return Path(name)


def keep_mode(old: str | os.PathLike | None, new: str | os.PathLike) -> None:
    """Give `new` the permission bits (never set-id or sticky) and, where this account
    may, the group that `old` has; 0600 when there is no `old` file. Not on Windows, where
    a file's access comes from its folder's ACL."""
    if os.name == "nt":
        return
    try:
        st = os.stat(old) if old is not None else None
    except FileNotFoundError:
        st = None
    if st is None:
        os.chmod(new, 0o600)
        return
    if os.stat(new).st_gid != st.st_gid:
        with contextlib.suppress(OSError):     # a member of the group may; others keep their own
            os.chown(new, -1, st.st_gid)
    os.chmod(new, stat.S_IMODE(st.st_mode) & 0o777)


def replace_keeping_mode(tmp: str | os.PathLike, target: str | os.PathLike) -> None:
    """os.replace(tmp, target), the new file keeping the mode and group of the one it
    replaces (keep_mode)."""
    keep_mode(target, tmp)
    os.replace(tmp, target)


def write_private(path: str | os.PathLike, data: bytes) -> None:
    """Write a file atomically, readable by its owner only (0600 from the first byte;
    a file it replaces keeps its mode and group: replace_keeping_mode).

    A scratch file beside `path`, fsync, rename: a crash leaves the old file or the
    new one, never half of one, and the scratch is swept by the next write there.
    """
    path = Path(path)
    tmp = scratch_file(path.parent, "write")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace_keeping_mode(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
