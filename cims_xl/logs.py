"""Tracebacks for the log files, without the data that exception messages carry.

An unexpected error is logged with its whole traceback (files, lines, functions and
the code on those lines) and the type of each exception, but not its message: a
message such as ``invalid literal for int(): '13800138000'`` or ``KeyError: '张伟'``
would put a customer's data in a plain-text file. Messages that hold no data are kept:
an OS error's number and text (not its file name) and SQLite's own messages (they name
tables and constraints; our SQL never holds values). A developer reproducing a
problem can set ``CIMS_LOG_MESSAGES=1`` to log messages in full.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path

SHOW_MESSAGES = "CIMS_LOG_MESSAGES"


def log_dir() -> Path:
    """Where the log files go: $CIMS_LOG_DIR, else the user's log folder."""
    env = os.environ.get("CIMS_LOG_DIR")
    if env:
        return Path(env)
    from platformdirs import user_log_dir

    return Path(user_log_dir("cims_xl", appauthor=False))


def private_dir(path: Path) -> Path:
    """`path` made (with its parents) as a folder only this user can open (0700 on POSIX):
    tracebacks name files and folders of the user's work. Returns `path`."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    getuid = getattr(os, "getuid", None)       # POSIX only: Windows folders keep their ACLs
    if getuid is not None:
        try:
            if path.stat().st_uid == getuid():
                path.chmod(0o700)
        except OSError:
            pass
    return path


def private_file(path: Path) -> Path:
    """`path` created empty if missing, readable and writable by this user only (0600 on
    POSIX), before a logging handler opens it for appending. Returns `path`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log file only this user can read (0600 on POSIX), the one it replaces too, kept
    to `maxBytes` with `backupCount` older files beside it (``cims.log.1`` ...): a log
    that only grows fills the disk of a machine that runs `cims sync` every few minutes.
    RotatingFileHandler opens new files with the process's umask; this one does not."""

    def _open(self):
        private_file(Path(self.baseFilename))
        return super()._open()


LOG_MAX_BYTES = 2_000_000   # per file; with LOG_BACKUPS older ones, at most 8 MB per log
LOG_BACKUPS = 3


def private_log_handler(path: Path) -> logging.Handler:
    """The handler for one of cims's log files (see PrivateRotatingFileHandler), its
    folder made private first. Raises OSError when the folder or file cannot be made."""
    private_dir(path.parent)
    private_file(path)
    return PrivateRotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")


def describe(exc: BaseException) -> str:
    """What the log may say about an exception's message."""
    text = str(exc)
    if os.environ.get(SHOW_MESSAGES) == "1":
        return text
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"[Errno {exc.errno}] {exc.strerror}"
    if _is_engine_error(exc):
        return text
    if not text:
        return ""
    return f"(message left out of the log: {len(text)} characters; {SHOW_MESSAGES}=1 logs it)"


def _is_engine_error(exc: BaseException) -> bool:
    import sqlite3

    from .store.db import ENGINE_ERRORS
    return isinstance(exc, (sqlite3.Error, *ENGINE_ERRORS))


def redacted_traceback(exc: BaseException) -> str:
    """Like traceback.format_exception(exc), with messages as `describe` gives them."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(e)
        e = e.__cause__ if e.__cause__ is not None else (None if e.__suppress_context__ else e.__context__)
    out: list[str] = []
    for i, e in enumerate(reversed(chain)):
        if i:
            out.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        if e.__traceback__ is not None:
            out.append("Traceback (most recent call last):\n")
            out.extend(traceback.format_list(traceback.extract_tb(e.__traceback__)))
        kind = type(e)
        name = kind.__qualname__ if kind.__module__ in ("builtins", "__main__") \
            else f"{kind.__module__}.{kind.__qualname__}"
        message = describe(e)
        out.append(f"{name}: {message}\n" if message else f"{name}\n")
    return "".join(out)


class RedactingFormatter(logging.Formatter):
    """A logging formatter whose tracebacks come from `redacted_traceback`."""

    def formatException(self, ei) -> str:   # noqa: N802 - logging's name
        exc = ei[1]
        return redacted_traceback(exc).rstrip("\n") if exc is not None else ""
