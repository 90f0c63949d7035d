"""The few error classes cims_xl raises.

Each carries a plain message meant for the person at the keyboard and an exit code
for the CLI. Messages never contain keys, passwords or personal data beyond what the
user typed themselves. Errors are translated only at the edges (CLI, Excel adapter).
"""

from __future__ import annotations


class CimsError(Exception):
    """Base class: a problem the user can understand and act on."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class NotFound(CimsError):
    """The record, user or file asked for does not exist."""

    exit_code = 3


class ValidationFailed(CimsError):
    """One or more values were rejected; `problems` maps field -> reason."""

    exit_code = 4

    def __init__(self, problems: dict[str, str] | str, message: str | None = None):
        if isinstance(problems, str):
            problems = {"": problems}
        self.problems = dict(problems)
        if message is None:
            message = "; ".join(f"{f}: {r}" if f else r for f, r in self.problems.items())
        super().__init__(message)


class NeedsConfirmation(ValidationFailed):
    """A value that looks like a slip (an exchange rate far from the last one): refused,
    nothing stored; the same call with confirmation accepts it."""


class NotConvertible(CimsError):
    """Amounts asked for in the store's currency include some with no exchange rate for their date."""

    exit_code = 4


class PermissionDenied(CimsError):
    """The signed-in user's role does not allow this action."""

    exit_code = 5


class Conflict(CimsError):
    """Someone else changed the record since it was read."""

    exit_code = 6

    def __init__(self, message: str, fields: dict[str, dict] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class WrongPassword(CimsError):
    """Sign-in failed: unknown user, wrong password or wrong second factor."""

    exit_code = 7


class AccountLocked(CimsError):
    """Too many failed sign-ins; try again after the delay."""

    exit_code = 8


class AccountDisabled(CimsError):
    """The right password of a user an administrator disabled (never said for a wrong one)."""

    exit_code = 7


class SessionExpired(CimsError):
    """The session was idle too long or signed out; sign in again."""

    exit_code = 9


class StoreError(CimsError):
    """The store file is missing, not a cims store, or unusable."""

    exit_code = 10


class StorageFailed(StoreError):
    """SQLite could not write the store: the disk is full, an I/O error, a read-only
    file or folder. The transaction that was being written is not in the store (SQLite's
    atomic commit, https://sqlite.org/atomiccommit.html); the store opens as before."""

    exit_code = 74          # EX_IOERR (sysexits.h), as for other file system errors


class SignInNotRecorded(StorageFailed):
    """Sign-in was refused because the count of failed sign-ins beside the store could not
    be saved (a full disk, a read-only folder): the attempt is counted BEFORE the password
    or code is tested, so a control that cannot record fails closed. The message and exit
    code are the same whether the password was right or wrong."""


class BackupSignature(StoreError):
    """A backup is not as an administrator made it: unsigned, changed after it was
    signed, or signed with a key or by a user the store does not vouch for."""


class StoreBusy(StoreError):
    """Another process kept the store's write lock longer than we wait for it."""

    exit_code = 12


class RowsNotSaved(CimsError):
    """A Save went through but left some rows unsaved (Invalid, Conflict, Not allowed,
    Duplicate): their Status cells say why. Distinct so that a script can tell."""

    exit_code = 13


class NoRowImported(CimsError):
    """An import read rows but rejected every one of them (each listed with its reason):
    nothing was imported. Exit 13 as a Save that left rows unsaved, so a script can tell."""

    exit_code = 13


class AuditBroken(CimsError):
    """The audit trail does not verify."""

    exit_code = 11


class InterruptedAfterSave(KeyboardInterrupt):
    """Ctrl-C (SIGINT) came while a transaction was being committed. The commit was let
    finish (a store half-committed is not an option, and stopping it at that point
    cannot undo it): the changes are saved, and the command stops right after."""

    def __init__(self, message: str = "Interrupted after changes were saved: they are kept."):
        super().__init__(message)
        self.message = message
