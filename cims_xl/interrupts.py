"""Ctrl-C held back while a transaction commits.

Python turns SIGINT into KeyboardInterrupt at the next bytecode after the signal
arrives, which can be just after SQLite's COMMIT returned and before the caller learns
that it did: the changes are saved while the code that records that (the unit of work,
the OS account's pin of the trail's head) is skipped, and the program reports a failure
for work that succeeded. Inside `interrupts_deferred()` a SIGINT is only noted; when the
block ends it is raised as `errors.InterruptedAfterSave`, whose message says the changes
are kept. Signal handlers can only be set from the main thread (Python `signal` module
docs): elsewhere the block runs as it is (SIGINT is delivered to the main thread only).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from .errors import InterruptedAfterSave


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Run the block with SIGINT noted instead of raised; raise `InterruptedAfterSave`
    (a KeyboardInterrupt) after it when one came and the block ended normally. A block
    that raises keeps its own exception. Nested uses hold it until the outermost ends."""
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
        raise InterruptedAfterSave()
