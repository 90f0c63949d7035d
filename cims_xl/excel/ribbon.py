"""What each button of the CIMS ribbon tab does.

VBA hands every click to `dispatch(control_id)` (vba/CIMSRibbon.bas); `DISPATCH` maps
the control ids of vba/customUI14.xml to handlers. A handler takes the workbook
adapter, calls a service, writes back and returns a line for the Home sheet. It never
sees xlwings: the same handlers run on a closed file (`FileWorkbook`) with a scripted
UI, which is how they are tested.

Errors end here: a CimsError becomes a message box with its plain message; anything
else a short message pointing at the log, where the traceback goes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Callable

from ..domain.schema import BY_SHEET, ENTITIES, INTERACTION_KINDS, PRIORITIES
from ..errors import CimsError, PermissionDenied, SessionExpired
from ..services.failures import storage_failure
from . import live_session, sync
from .adapter import WorkbookAdapter
from .layout import HIDDEN_KEY
from .sheet_codec import local_zone

FIND_SHEET = "Find Results"
C360_SHEET = "Customer 360"
USERS_SHEET = "Users"

Handler = Callable[[WorkbookAdapter], "str | None"]


# ----- helpers ---------------------------------------------------------------------------


def as_sentence(message: str) -> str:
    """`message` with a capital first letter for a message box, unless its first word is a
    name the user chose and must read as it is: a file name or path ("s.cims.keys is
    damaged"), an email, an id."""
    first = message.split(" ", 1)[0]
    if not first or not first[0].islower() or any(c in first for c in "./\\@_-0123456789"):
        return message
    return first[0].upper() + message[1:]

def _session():
    return live_session.current()


def _data_sheet(book: WorkbookAdapter):
    name = book.active_sheet_name()
    if name not in book.data_sheets().values():     # a renamed data sheet is found by its table
        raise CimsError(f"go to a data sheet first ({', '.join(sync.DATA_SHEETS)})")
    return book.table_sheet(name)


def _selected_customer(book: WorkbookAdapter) -> str:
    """The customer of the first selected row: its ID on Customers, else its Customer ID."""
    name = book.active_sheet_name()
    if name in BY_SHEET:
        sheet = book.table_sheet(name)
        rows = sheet.selected_rows()
        if rows:
            data = sheet.read()
            header = HIDDEN_KEY if name == "Customers" else "Customer ID"
            value = data.value(rows[0], header) or (data.value(rows[0], "ID") if name == "Customers" else None)
            if value:
                return str(value).strip().upper()
    raise CimsError("select a customer's row first (on Customers, or any sheet with a Customer ID)")


def _ask(book: WorkbookAdapter, prompt: str, *, default: str = "", required: bool = True) -> str | None:
    answer = book.ui.ask(prompt, "CIMS", default=default)
    if answer is None or (required and not answer.strip()):
        raise _Cancelled()
    return answer.strip()


class _Cancelled(Exception):
    """The user closed a prompt: stop quietly."""


def _refresh_quietly(session, book: WorkbookAdapter, sheet: str) -> None:
    """Bring a sheet up to date after a ribbon action, unless it holds unsaved rows."""
    sheet = book.data_sheets().get(sheet)      # its name in the workbook (maybe renamed)
    if sheet is not None:
        with contextlib.suppress(sync.UnsavedChanges):
            sync.refresh_sheet(session, book.table_sheet(sheet), progress=book.ui.progress)


def _counts_line(sheet: str, counts: dict) -> str:
    n = counts.get("duplicates") or 0
    parts = [f"{counts[k]} {label}" for k, label in (("created", "created"), ("updated", "updated"),
             ("invalid", "invalid"), ("conflicts", "in conflict"),
             ("duplicates", f"duplicate{'s' if n != 1 else ''} not saved"), ("refused", "refused"),
             ("left_below", "typed too far below the table, not saved"))
             if counts.get(k)]
    return f"Saved {sheet}: " + (", ".join(parts) if parts else "nothing to save")


# ----- handlers --------------------------------------------------------------------------

def sign_in(book: WorkbookAdapter) -> str:
    # The store is the one this OS account chose (known_stores), never one the workbook
    # alone names; a path typed here is the person's own choice. Every prompt shows it.
    # The Store cell's path is resolved once when judged; exactly that file (its key file and
    # lock beside it) is opened, and checked to be the judged file after opening.
    path, judged = live_session.store_choice_for(book, _workbook_file(book))
    path = path or _ask(book, "Store file (.cims):")
    creds = live_session.ask_credentials(book.ui, store=path)
    if creds is None:
        raise _Cancelled()
    session = live_session.sign_in(path, *creds, judged=judged)
    book.recalc()
    return f"Signed in as {session.username} ({session.role})."


def sign_out(book: WorkbookAdapter) -> str:
    live_session.sign_out()
    book.recalc()
    return "Signed out."


def _workbook_file(book) -> str | None:
    """The file a workbook adapter works on: FileWorkbook.path, or the open book's
    fullname in Excel (None for a book never saved, or one on SharePoint/OneDrive)."""
    path = getattr(book, "path", None)
    if path is None:
        try:
            path = book.book.fullname
        except Exception:    # not an xlwings book (a test fake), or Excel did not answer
            return None
    import os

    return str(path) if path and os.path.isfile(path) else None


@contextlib.contextmanager
def _one_sync_at_a_time(book):
    """The same per-workbook lock as `cims sync FILE` (sync.workbook_lock): a ribbon Save or
    Refresh and a `cims sync` of the same file never run together."""
    path = _workbook_file(book)
    if path is None:
        yield
        return
    with sync.workbook_lock(path):
        yield


def _refresh(book: WorkbookAdapter, names: list[str] | None) -> str:
    with _one_sync_at_a_time(book):
        return _refresh_locked(book, names)


def _refresh_locked(book: WorkbookAdapter, names: list[str] | None) -> str:
    session = _session()
    missing: list[str] = []
    rebuilt: list[str] = []
    try:
        result = sync.refresh_book(session, book, names, progress=book.ui.progress, missing=missing,
                                   rebuilt_reports=rebuilt)
    except sync.UnsavedChanges as exc:
        if not book.ui.confirm(f"{exc.message}.\n\nDiscard the unsaved changes and refresh?"):
            raise _Cancelled() from None
        missing.clear()
        result = sync.refresh_book(session, book, names, force=True, progress=book.ui.progress, missing=missing,
                                   rebuilt_reports=rebuilt)
    book.recalc()
    return "Refreshed " + ", ".join(f"{name} ({r['rows']} rows)" for name, r in result.items()) + "".join(
        f". {sync.missing_sheet_note(name)}" for name in missing) + (
        f". {sync.rescoped_note(session, rebuilt)}" if rebuilt else "")


def refresh_sheet(book: WorkbookAdapter) -> str:
    return _refresh(book, [_data_sheet(book).name])


def refresh_all(book: WorkbookAdapter) -> str:
    return _refresh(book, None)


def save(book: WorkbookAdapter) -> str:
    sheet = _data_sheet(book)
    with _one_sync_at_a_time(book):
        counts = sync.save_sheet(_session(), sheet, progress=book.ui.progress, before_commit=book.check_writable,
                                 keep_row_ids=book.save)
        maybe = counts.get("maybe_same", 0)
        if maybe and book.ui.confirm(
                f"{maybe} row(s) have the phone, email or role mailbox of another customer (new rows: under "
                "another name, so it may be the same person; edited rows: a value that customer has). The Status "
                "column names the customer. Save them anyway (Yes), or leave them unsaved to edit (No)?"):
            # the rows refused are still new: a second Save that allows them creates them
            again = sync.save_sheet(_session(), sheet, progress=book.ui.progress,
                                    before_commit=book.check_writable, keep_row_ids=book.save,
                                    allow_duplicate=True)
            counts = {k: (v + again.get(k, 0) if k in ("created", "updated") else again.get(k, 0))
                      for k, v in counts.items()}
    book.recalc()
    line = _counts_line(sheet.name, counts)
    if counts["invalid"] or counts["conflicts"] or counts.get("duplicates") or counts["refused"] \
            or counts.get("left_below"):
        book.ui.message(line + ". The Status column says why for each row.")
    return line


def delete_selected(book: WorkbookAdapter) -> str:
    sheet = _data_sheet(book)
    result = sync.delete_selected(_session(), sheet, sheet.selected_rows(), confirm=book.ui.confirm)
    if result["cancelled"]:
        raise _Cancelled()
    return f"Deleted {result['deleted']} record(s) on {sheet.name}."


def find(book: WorkbookAdapter) -> str:
    from .worksheet_functions import cims_find

    query = _ask(book, "Find customers (name, phone, email, or e.g. city:Shanghai segment:VIP):")
    rows = cims_find(query, session=_session())
    if isinstance(rows, str):  # a #CIMS: message
        raise CimsError(rows.removeprefix("#CIMS: "))
    book.write_block(FIND_SHEET, rows)
    return f"Find {query!r}: {len(rows) - 1} customer(s) on the {FIND_SHEET} sheet."


def customer_360(book: WorkbookAdapter) -> str:
    from ..services.search import customer_360 as service
    from .worksheet_functions import excel_value, summary_360

    session, cid = _session(), _selected_customer(book)
    view = service(session, cid)
    tz = local_zone()
    from ..services.settings import money_settings

    rows: list[list] = [["Customer 360", cid], ["Summary", summary_360(view, tz, money_settings(session))]]
    for f in ENTITIES["customer"].fields:
        if not f.internal:
            rows.append([f.header, excel_value(view["customer"].get(f.key), tz)])
    for key, kind in (("contacts", "contact"), ("orders", "order"), ("opportunities", "opportunity"),
                      ("tickets", "ticket"), ("interactions", "interaction")):
        ent = ENTITIES[kind]
        fields = [f for f in ent.fields if not f.internal and f.key != "customer_id"]
        rows += [[], [ent.sheet + f" ({len(view[key])})"], ["ID"] + [f.header for f in fields]]
        rows += [[r["id"]] + [excel_value(r.get(f.key), tz) for f in fields] for r in view[key]]
    book.write_block(C360_SHEET, rows)
    return f"Customer 360 for {cid} on the {C360_SHEET} sheet."


def new_ticket(book: WorkbookAdapter) -> str:
    from ..services import records

    session, cid = _session(), _selected_customer(book)
    subject = _ask(book, f"New ticket for {cid}: subject?")
    priority = _ask(book, f"Priority ({', '.join(PRIORITIES)}):", default="P3")
    rec = records.create(session, "ticket", {"customer_id": cid, "subject": subject, "priority": priority,
                                             "status": "New", "opened_at": dt.datetime.now(dt.timezone.utc)})
    _refresh_quietly(session, book, "Tickets")
    return f"Ticket {rec['id']} opened for {cid}."


def log_interaction(book: WorkbookAdapter) -> str:
    from ..services import records

    session, cid = _session(), _selected_customer(book)
    kind = _ask(book, f"Interaction with {cid}: kind ({', '.join(INTERACTION_KINDS)})?", default="Call")
    subject = _ask(book, "Subject:")
    notes = book.ui.ask("Notes (optional):", "CIMS", default="")
    rec = records.create(session, "interaction", {"customer_id": cid, "kind": kind, "subject": subject,
                                                  "notes": notes or None,
                                                  "occurred_at": dt.datetime.now(dt.timezone.utc)})
    _refresh_quietly(session, book, "Interactions")
    return f"Interaction {rec['id']} logged for {cid}."


def import_spreadsheet(book: WorkbookAdapter) -> str:
    session = _session()
    try:
        from .import_sheet import import_from_book  # the Import sheet's flow
    except ImportError:
        raise CimsError("importing from the Import sheet is not available in this version; "
                        "use the command line: cims import FILE") from None
    return import_from_book(session, book) or "Import finished."


def refresh_reports(book: WorkbookAdapter) -> str:
    from ..services.segments import refresh_before_reports
    from .sheet_codec import report_zone_kwargs

    session = _session()
    refresh_before_reports(session)  # the same first step as `cims report` and `cims sync … reports`
    if hasattr(book, "wb"):  # a file: write into the open openpyxl workbook, saved by dispatch
        from ..reports.refresh import refresh_with_writer
        from .report_writer import OpenpyxlWriter, drawn_objects

        # the rows it inserts move what the model does not hold (comments, the user's
        # charts and pictures) when the file is saved, as `cims sync FILE reports` does
        row_changes = getattr(book, "row_changes", None)
        drawn = drawn_objects(book) if row_changes is not None and hasattr(book, "original_bytes") else None
        reports = refresh_with_writer(OpenpyxlWriter(book.wb, row_changes, drawn), session, **report_zone_kwargs())
    else:
        from .report_writer_live import refresh_reports_live

        reports = refresh_reports_live(book.book, session, **report_zone_kwargs())
    return f"Refreshed {len(reports)} report sheet(s)."


def backup_now(book: WorkbookAdapter) -> str:
    from ..services.backup import backup

    path = backup(_session())
    book.ui.message(f"Backup written:\n{path}")
    return f"Backup written: {path.name}"


def users(book: WorkbookAdapter) -> str:
    from ..domain.schema import ROLES
    from ..services import auth

    session = _session()
    session.ensure("admin")
    listed = auth.list_users(session)
    columns = ["username", "role", "disabled", "totp"]
    book.write_block(USERS_SHEET, [["User", "Role", "Disabled", "Two-step sign-in"]]
                     + [[u.get(c) for c in columns] for u in listed])
    name = book.ui.ask("Add a user? Type the new user name (or Cancel):", "CIMS", default="")
    if not name or not name.strip():
        return f"{len(listed)} user(s) listed on the {USERS_SHEET} sheet."
    role = _ask(book, f"Role for {name} ({', '.join(ROLES)}):", default="sales")
    password = book.ui.ask_password(f"Password for {name}:", "CIMS")
    if not password or book.ui.ask_password("Type the password again:", "CIMS") != password:
        raise CimsError("the passwords differ (or were left empty); no user was added")
    auth.add_user(session, name.strip(), role, password)
    return f"User {name.strip().lower()} ({role}) added."


DISPATCH: dict[str, Handler] = {
    "btnSignIn": sign_in,
    "btnSignOut": sign_out,
    "btnRefreshSheet": refresh_sheet,
    "btnRefreshAll": refresh_all,
    "btnSave": save,
    "btnDelete": delete_selected,
    "btnFind": find,
    "btn360": customer_360,
    "btnNewTicket": new_ticket,
    "btnLogInteraction": log_interaction,
    "btnImport": import_spreadsheet,
    "btnReports": refresh_reports,
    "btnBackup": backup_now,
    "btnUsers": users,
}


def dispatch(control_id: str, book: WorkbookAdapter | None = None) -> str | None:
    """Run the handler of a ribbon button; returns the line shown on Home (None if it failed).

    `book` defaults to the calling workbook in Excel (xlwings `Book.caller()`).
    """
    if book is None:
        from .adapter import LiveWorkbook

        book = LiveWorkbook.caller()
    handler = DISPATCH.get(control_id)
    if handler is None:
        book.ui.message(f"This button ({control_id}) does nothing in this version of cims.")
        return None
    busy = getattr(book, "busy", None)
    try:
        with (busy() if busy else contextlib.nullcontext()):
            line = handler(book)
        live_session.show_on_home(book, line)
        book.save()
        return line
    except _Cancelled:
        return None
    except SessionExpired as exc:
        live_session.show_on_home(book)
        book.ui.message(as_sentence(exc.message) + ": use Sign in on the CIMS tab.")
    except PermissionDenied as exc:  # starts with the user's name: keep its case
        book.ui.message(exc.message)
    except CimsError as exc:
        book.ui.message(as_sentence(exc.message))
    except Exception as exc:  # noqa: BLE001 - the user gets a message, the log the traceback
        path = live_session.log_error(f"ribbon button {control_id}", exc)
        failure = storage_failure(exc)
        if failure is not None:         # disk full, I/O error, read-only: say so
            book.ui.message(as_sentence(failure.message))
        else:
            book.ui.message(f"Something went wrong ({type(exc).__name__}). The details are in {path}")
    finally:
        book.ui.clear_progress()
    return None
