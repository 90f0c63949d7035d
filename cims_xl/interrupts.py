"""Ctrl-C and what was saved before it.

Python turns SIGINT into KeyboardInterrupt at the next bytecode after the signal
arrives, which can be just after SQLite's COMMIT returned and before the caller learns
that it did: the changes are saved while the code that records that (the unit of work,
the OS account's pin of the trail's head) is skipped, and the program reports a failure
for work that succeeded. Inside `interrupts_deferred()` a SIGINT is only noted, and
raised when the block ends.

A command can also be stopped after its changes were committed, while it prints its
summary or tidies up. So every unit of work that commits a change (anything but
sign-in and other entries that change no data: `NOT_CHANGES` in services.session) is
noted here (`note_saved`), and the edges say "Interrupted after changes were saved"
(`saved_message`) instead of a bare "Interrupted." that a script would read as
"nothing happened". Signal handlers can only be set from the main thread (Python
`signal` module docs): elsewhere the block runs as it is (SIGINT is delivered to the
main thread only).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import InterruptedAfterSave

_saved: list[str] = []      # what units of work committed in this command ("import", "change")
_done: list[str] = []       # other lasting things it finished ("the backup … was written")
_left: list[str] = []       # what it still had to do once its changes were saved, and how to finish it


def reset() -> None:
    """A new command begins (the CLI calls this first): nothing of it is saved yet."""
    _saved.clear()
    _done.clear()
    _left.clear()


def note_saved(what: str = "change") -> None:
    """A unit of work committed a change ("import" for an import's batch)."""
    _saved.append(what)


def note_done(what: str) -> None:
    """Something lasting outside the store is finished ("the backup /x/y.cimsbak was
    written"): a failure or Ctrl-C after it says so."""
    _done.append(what)


def note_left_after_save(what: str) -> None:
    """What the command still does after its changes are saved, as a sentence saying it
    was not done and how to finish it ("the workbook W was not updated: run … again"):
    said when it fails or is stopped after a save (`after_save_message`). Only said when
    something was saved (`note_saved`, `note_done`)."""
    _left.append(what)


def left_done(what: str) -> None:
    """What `note_left_after_save(what)` named is done now: no longer said."""
    if what in _left:
        _left.remove(what)


def saved_message() -> str | None:
    """What to tell a user who stopped the command, when changes were saved before; else None."""
    if not _saved and not _done:
        return None
    return "Interrupted after " + _what_was_saved() + "; " + _what_was_not_done() + "."


def after_save_message(error: str) -> str | None:
    """The line for an error that came after this command saved changes (a full disk or a
    locked file while it writes the workbook back, its report, ...): the error, that
    the changes ARE saved and kept, and what was not done; None when nothing was saved
    (the error's own text is then the whole story)."""
    if not _saved and not _done:
        return None
    error = error.rstrip().rstrip(".")
    saved = _what_was_saved()
    return f"{error}. It came after {saved}; {_what_was_not_done()}."


def _what_was_saved() -> str:
    parts = []
    if "import" in _saved:
        parts.append("the import was saved: it is kept (`cims import list` shows it; `cims import undo` "
                     "takes it back)")
    elif _saved:
        parts.append("changes were saved: they are kept")
    parts += [f"{what}: it is kept" for what in _done]
    return "; ".join(parts)


def _what_was_not_done() -> str:
    return "; ".join(_left) if _left else "nothing after them was done"


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Run the block with SIGINT noted instead of raised; after the block, raise
    `InterruptedAfterSave` (a KeyboardInterrupt) when one came and changes were saved
    (`note_saved`), else a plain KeyboardInterrupt. A block that raises keeps its own
    exception. Nested uses hold it until the outermost ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if getattr(previous, "cims_deferring", False):      # an outer block is holding it
        yield
        return
    came: list[int] = []

    def note(signum, frame) -> None:
        came.append(signum)

    note.cims_deferring = True      # type: ignore[attr-defined]
    signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if came and previous is not signal.SIG_IGN:
        if _saved:
            raise InterruptedAfterSave(saved_message())
        raise KeyboardInterrupt
