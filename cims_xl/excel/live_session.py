"""The signed-in session of the Python process behind Excel (the xlwings UDF server).

With `Use UDF Server = True` the ribbon's RunPython calls and the worksheet functions
run in one long-lived Python process; the Session signed in from the ribbon lives here
until Sign out, until it has been idle for `idle_timeout` seconds (the Session itself
enforces that), or until Excel closes. Nothing here runs at import time.

The Home sheet shows the state through three defined names: CIMS_SignedInUser,
CIMS_StorePath and CIMS_StatusLine.

Passwords are asked in a Tk dialog with a masked field: Excel's InputBox cannot hide
what is typed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from ..errors import CimsError, SessionExpired
from ..logs import log_dir, private_log_handler, redacted_traceback

NAME_USER = "CIMS_SignedInUser"
NAME_STORE = "CIMS_StorePath"
NAME_STATUS = "CIMS_StatusLine"
NOT_SIGNED_IN = "Not signed in"

_lock = threading.RLock()
_session = None          # cims_xl.services.session.Session | None
_signed_in_at: dt.datetime | None = None


class NotSignedIn(SessionExpired):
    """No one is signed in in this Excel session."""

    def __init__(self, message: str = "sign in first"):
        super().__init__(message)


def current():
    """The signed-in Session, or NotSignedIn / SessionExpired (idle too long)."""
    global _session
    session = _session
    if session is None:
        raise NotSignedIn()
    try:
        session.check()
    except SessionExpired:
        with _lock:
            if _session is session:
                _session = None
        raise
    return session


def peek():
    """The session if one is signed in and not expired, else None (no exception)."""
    try:
        return current()
    except SessionExpired:
        return None


def use(session) -> None:
    """Make `session` the process's signed-in session (sign-in, tests, scripts)."""
    global _session, _signed_in_at
    with _lock:
        old, _session = _session, session
        _signed_in_at = dt.datetime.now() if session is not None else None
    if old is not None and old is not session:
        _close_quietly(old)


def sign_in(path: str | os.PathLike, username: str, password: str,
            otp: str | Callable[[], str | None] | None = None, *, idle_timeout: float | None = None,
            judged=None):
    from ..security.process import harden_process
    from ..services import auth

    harden_process()      # the UDF server will hold the key: no core dump of it
    kw = {} if idle_timeout is None else {"idle_timeout": idle_timeout}
    if judged is not None:
        kw["judged"] = judged
    session = auth.sign_in(path, username, password, otp or None, **kw)
    use(session)
    return session


def sign_out() -> bool:
    """End the session (audited); False if no one was signed in."""
    global _session, _signed_in_at
    with _lock:
        session, _session, _signed_in_at = _session, None, None
    if session is None:
        return False
    _close_quietly(session, audit=True)
    return True


def _close_quietly(session, *, audit: bool = False) -> None:
    from ..services import auth

    try:
        if audit and session.is_open:
            auth.sign_out(session)
        else:
            session.close()
    except Exception:  # the session is going away either way
        log_error("closing the session")
        try:
            session.close()
        except Exception:
            pass


# ----- the Home sheet --------------------------------------------------------------------

def home_values(status: str | None = None) -> dict[str, str]:
    session = peek()
    if session is None:
        return {NAME_USER: NOT_SIGNED_IN, NAME_STATUS: status or "Sign in from the CIMS tab to load and save data."}
    minutes = int(session.idle_timeout // 60) if session.idle_timeout else 0
    since = _signed_in_at.strftime("%H:%M") if _signed_in_at else "?"
    from ..services.settings import store_currency
    try:
        money = f" Store currency {store_currency(session)}."
    except Exception:  # noqa: BLE001 - Home must show even when the store cannot be read now
        money = ""
    line = status or ((f"Signed in at {since}; signs out after {minutes} minutes without use."
                       if minutes else f"Signed in at {since}.") + money)
    return {NAME_USER: f"{session.username} ({session.role})", NAME_STORE: str(session.store_path),
            NAME_STATUS: line}


def show_on_home(book, status: str | None = None) -> None:
    """Write who is signed in, the store and a status line into the Home sheet's names."""
    for name, value in home_values(status).items():
        book.set_name(name, value)


class UntrustedStore(CimsError):
    """The workbook names a store this OS account did not choose; nothing was opened."""
    exit_code = 14


def named_store(book) -> str | None:
    """The store path the workbook's CIMS_StorePath cell holds (None when empty)."""
    value = book.get_name(NAME_STORE)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()


def untrusted_store_error(verdict, workbook: str | None) -> UntrustedStore:
    """The message for a store path sign-in refuses: the path, why, and how to accept it."""
    from ..terminal import shown

    where = f"`cims workbook trust \"{workbook}\"`" if workbook else "`cims workbook trust WORKBOOK`"
    if verdict.acceptable:
        how = (f"If it is your store, run {where} in a terminal: it shows the path and adds it to the "
               "stores this account signs in to. Otherwise clear the Store cell and sign in again.")
    elif "CIMS_STORE" in (verdict.problem or ""):
        how = ("Clear the Store cell (Sign in then opens $CIMS_STORE), or set CIMS_STORE to that store "
               "if it is yours.")
    else:
        how = "Put the store's full path in the Store cell, or clear it."
    return UntrustedStore(f"this workbook names the store {shown(verdict.path)} (the Store cell on Home, "
                          f"CIMS_StorePath): {verdict.problem}. Nothing was opened and no password was "
                          f"asked for. {how}")


def store_path_for(book, workbook: str | None = None) -> str | None:
    """The store Sign in opens for this workbook (see `store_choice_for`): the path only."""
    return store_choice_for(book, workbook)[0]


def store_choice_for(book, workbook: str | None = None):
    """(path, verdict): the store Sign in opens for this workbook: the one its Store cell
    names when this OS account chose that store itself (`security.known_stores.judge`),
    as the path judge resolved (every link followed, once) with the verdict to check the
    opened file against; else $CIMS_STORE (verdict None); (None, None) when neither says
    (the ribbon then asks). UntrustedStore for a store the workbook alone chose, and for a
    relative $CIMS_STORE (Excel's working folder is not one the person chose)."""
    from ..security.known_stores import is_remote, judge

    named = named_store(book)
    if named is None:
        env = os.environ.get("CIMS_STORE") or None
        if env is not None and not is_remote(env) and not os.path.isabs(os.path.expanduser(env)):
            raise UntrustedStore(f"$CIMS_STORE is a relative path ({env}): from Excel it would be looked up "
                                 "in whatever folder Excel runs in, where anyone could put a copy. Nothing "
                                 "was opened and no password was asked for. Set CIMS_STORE to the store's "
                                 "full path (for example /home/you/cims/demo.cims), or leave it unset.")
        return env, None
    verdict = judge(named)
    if verdict.problem is not None:
        raise untrusted_store_error(verdict, workbook)
    return (verdict.resolved or named), verdict


def ask_credentials(ui, *, user: str | None = None,
                    store: str | None = None) -> tuple[str, str, Callable[[], str | None]] | None:
    """User name, password (masked) and a function that asks for the one-time code;
    None if cancelled.

    Whether a user has two-step sign-in is stored inside the encrypted store, which
    cannot be read before the password opens it: sign-in calls the function only then,
    so people without a second factor are never asked for a code.
    """
    title = "CIMS sign in" + (f" to {store}" if store else "")
    name = ui.ask("User name:" + (f" (store {store})" if store else ""), title,
                  default=user or os.environ.get("CIMS_USER", ""))
    if not name:
        return None
    password = ui.ask_password(f"Password for {name}" + (f" in the store {store}:" if store else ":"), title)
    if not password:
        return None

    def ask_code() -> str | None:
        code = ui.ask("6-digit code from your authenticator app:", title)
        return (code or "").strip() or None

    return name.strip(), password, ask_code


# ----- Tk prompts (Excel's InputBox cannot mask) ------------------------------------------

def tk_ask(title: str, prompt: str, *, default: str = "", secret: bool = False) -> str | None:
    """Ask one line of text in a small always-on-top Tk dialog; None if cancelled."""
    try:
        import tkinter as tk
        from tkinter import simpledialog
    except ImportError:  # pragma: no cover - depends on the Python build
        raise CimsError("this Python has no tkinter, which cims needs for the sign-in prompt; "
                        "install Python from python.org") from None
    root = tk.Tk()
    root.withdraw()
    root.attributes("-topmost", True)
    try:
        kw: dict[str, Any] = {"parent": root, "initialvalue": default or None}
        if secret:
            kw["show"] = "*"
        return simpledialog.askstring(title, prompt, **kw)
    finally:
        root.destroy()


# ----- the log (tracebacks go here, never into a cell or a message box) -------------------

_logger: logging.Logger | None = None


def log_path() -> Path:
    return log_dir() / "excel.log"


def _get_logger() -> logging.Logger:
    global _logger
    path = log_path()
    if _logger is not None and getattr(_logger, "_cims_path", None) == path:
        return _logger
    logger = logging.getLogger("cims_xl.excel")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    handler = private_log_handler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger._cims_path = path  # type: ignore[attr-defined]
    _logger = logger
    return logger


def log_error(context: str, exc: BaseException | None = None) -> Path:
    """Write the current (or given) exception's traceback to the log, without the data in
    its messages (see `cims_xl.logs`); returns the log path."""
    if exc is None:
        exc = sys.exc_info()[1]
    text = redacted_traceback(exc) if exc is not None else "(no exception)"
    try:
        _get_logger().error("%s\n%s", context, text)
    except OSError:
        pass
    return log_path()
