"""Customer rows made ready in a second process while this one plans and writes.

An import spends most of its time in Python turning cells into clean values (phone
numbers, dates, names: `Planner.prepare_customers`), which the GIL keeps on one core.
That step is pure: it reads no store and remembers nothing of earlier rows except the
counts the summary shows. So on Linux a big customer import forks one worker process
(`os.fork` through `concurrent.futures.ProcessPoolExecutor`) that prepares chunk k+1
while this process checks duplicates in chunk k and the store's worker thread writes
it (see `Store.write_behind`). The worker is a copy of this process made after the
file was scanned: it knows the mapping, the decided date orders and decimal marks,
and gets the raw rows of each chunk through a pipe; the clean values come back the
same way. Nothing of it touches the disk or the store.

The result is the same as preparing the rows here, by construction: the worker runs
the same method on the same state, and its side effects (warnings of rows kept with a
field left empty, the per-column counts of several values and extensions, the
currency symbols read by guess) are sent back and added here. When the worker cannot
answer (it died, the pool broke, any error), the chunk is prepared here instead, where
a real error is raised with its own traceback. Elsewhere (macOS and Windows, where
forking a process with threads is not safe) and for small files, nothing changes:
every chunk is prepared in this process.

`PARALLEL_MIN_ROWS` is the smallest file that is worth the fork (about 30 ms).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import time
import warnings
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures import wait as futures_wait
from typing import Iterable, Iterator

from .collector import bounded_garbage

PARALLEL_MIN_ROWS = 20_000
LOOKAHEAD = 6      # chunks read ahead of the one this process needs now
IN_FLIGHT = 4      # of those, chunks with the worker at a time (with 2, the worker sat idle
                   # while this process prepared one: it had answered both before)
STALL_SECONDS = 10.0   # a worker silent this long on one chunk is given up on (see _patience)

_PLANNER = None    # in the forked worker: the planner it prepares with (_start_worker)


def available() -> bool:
    """Whether rows may be prepared in a forked worker here: Linux only (fork is the
    platform's own start method there; macOS and Windows use spawn)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _start_worker(planner, parent: int) -> None:
    """In the worker, first: the planner it prepares with (handed over with the fork, not
    through a module global the parent sets: two imports in two threads must not share
    one); quiet on Ctrl-C, which reaches the whole foreground process group (the import
    in the parent stops and ends the worker; SIGINT was blocked across the fork, so
    there is no moment where it could stop the worker with a traceback); and killed by
    the kernel when the parent dies however it dies (SIGTERM from a service manager, the
    OOM killer, no terminal to send a SIGHUP): a copy of a process holding the store's
    key must not live on."""
    global _PLANNER
    _PLANNER = planner
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with_parent()
    if os.getppid() != parent:      # the parent died before the line above
        os._exit(1)


def _die_with_parent() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) (Linux prctl(2)); without it the worker still
    ends when the parent shuts the pool down or its pipe closes."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


_PR_SET_PDEATHSIG = 1


def _answered(future: Future) -> None:
    """When a chunk's answer arrived (in the pool's thread that receives it)."""
    future.answered_at = time.monotonic()       # type: ignore[attr-defined]


def _averaged(mean: float | None, seconds: float) -> float:
    """A running mean that follows the latest chunks (the load of the machine changes)."""
    return seconds if mean is None else 0.7 * mean + 0.3 * seconds


def _counters(planner) -> dict[str, Counter]:
    """The planner's per-row tallies (every Counter in its context: rows assumed in a
    region, placeholders, legal forms, UTC dates moved…): a chunk's side effects, reset
    in the worker before each chunk and added here after it. Taken by type, so a tally
    a new rule adds is sent back without being listed."""
    return {k: v for k, v in planner.prep.context.items() if isinstance(v, Counter)}


def _prepare(rows: list[tuple[int, list]]):
    """In the worker: one chunk, with the side effects it had (reset per chunk)."""
    planner = _PLANNER
    prep = planner.prep
    planner.row_warnings.clear()
    prep.several.clear()
    prep.extensions.clear()
    counters = _counters(planner)
    for c in counters.values():
        c.clear()
    out = planner.prepare_customers(rows)
    bounded_garbage()       # collection is paused here too (the fork copies that)
    return (out, dict(planner.row_warnings), dict(prep.several), dict(prep.extensions),
            {k: dict(c) for k, c in counters.items()})


class AheadPreparer:
    """Prepares customer chunks in a forked worker, in order. Use as a context manager;
    `pipeline(chunks)` yields (chunk, prepared rows) in the order of `chunks`."""

    def __init__(self, planner) -> None:
        self.planner = planner
        self._pool: ProcessPoolExecutor | None = None
        self.broken = False
        self._forked = False
        self.worker_chunks = 0      # chunks the worker prepared (for tests and the bench)
        self.prepared_here = 0      # chunks prepared in this process instead (see pipeline)
        self.waited = 0             # times this process waited for the worker rather than prepare
        self._slowest_here = 0.0
        # Seconds per chunk, averaged (see _worth_waiting): the worker's (from the chunk's
        # start there to its answer here) and this process's own work on a chunk besides
        # preparing it (planning, duplicates, writing).
        self._worker_seconds: float | None = None
        self._own_seconds: float | None = None
        self._last_answer = 0.0     # when the worker's latest chunk came back

    def __enter__(self) -> "AheadPreparer":
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker, initargs=(self.planner, os.getpid()))
        except (OSError, ValueError):
            self._pool, self.broken = None, True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_type is None and not self.broken:
            pool.shutdown(wait=True)
            return
        # Stopped (Ctrl-C, an error) or given up on: the worker's chunks are not wanted.
        # End it now rather than let it finish them (it ignores Ctrl-C), and reap it, so
        # nothing is left for Python's exit handlers to wait on (a second Ctrl-C there
        # printed their traceback).
        self._end_worker(pool)
        pool.shutdown(wait=True)

    @staticmethod
    def _end_worker(pool: ProcessPoolExecutor) -> None:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for proc in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                proc.kill()
        for proc in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
                proc.join(5)
        # A worker killed while it was sending a chunk's rows leaves the pool's thread
        # reading the rest of that message from the result pipe, and this process holds
        # the pipe's other end too (concurrent.futures never writes to it here), so the
        # read never ends and `shutdown(wait=True)` waited for ever (a Ctrl-C at the wrong
        # moment hung the import). Closing this process's end makes the read see the end
        # of the pipe: the pool is then broken, which is what it is.
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()

    def _give_up(self) -> None:
        """The worker does not answer (it may be stuck on a lock another thread held at
        the fork): stop using it; every chunk is prepared here from now on."""
        self.broken = True
        if self._pool is not None:
            self._end_worker(self._pool)

    def _submit(self, rows: list[tuple[int, list]]) -> Future | None:
        future = self._submit_to_pool(rows)
        if future is not None:
            future.sent_at = time.monotonic()       # type: ignore[attr-defined]
            future.add_done_callback(_answered)
        return future

    def _submit_to_pool(self, rows: list[tuple[int, list]]) -> Future | None:
        if self._pool is None or self.broken:
            return None
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns that forking a process with threads may deadlock the
                # child; the worker only runs pure Python on copied memory (see above).
                warnings.simplefilter("ignore", DeprecationWarning)
                if self._forked:
                    return self._pool.submit(_prepare, rows)
                # The first submit forks the worker. Objects alive now are moved out of
                # the collector's reach first: the worker's collections would otherwise
                # write to every one of them and copy the whole heap page by page.
                self.planner.prep.warm_up()     # built once here, shared with the worker
                gc.freeze()
                blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    return self._pool.submit(_prepare, rows)
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                    self._forked = True
                    gc.unfreeze()
        except Exception:   # noqa: BLE001 - a pool that cannot start: prepare here
            self.broken = True
            return None

    def _take(self, rows: list[tuple[int, list]], future: Future | None) -> list:
        if future is not None and not self.broken:
            try:
                out, warned, several, extensions, counters = future.result(timeout=self._patience())
            except FuturesTimeout:
                self._give_up()
            except Exception:   # noqa: BLE001 - prepared here instead (real errors raise here)
                self.broken = True
            else:
                self.worker_chunks += 1
                self._timed(future)
                planner = self.planner
                planner.row_warnings.update(warned)
                prep = planner.prep
                for mine, theirs in ((prep.several, several), (prep.extensions, extensions)):
                    for k, n in theirs.items():
                        mine[k] = mine.get(k, 0) + n
                mine_counters = _counters(planner)
                for k, got in counters.items():
                    if k in mine_counters:
                        mine_counters[k].update(got)
                return out
        return self._here(rows)

    def pipeline(self, chunks: Iterable[list[tuple[int, list]]]) -> Iterator[tuple[list, list]]:
        """(chunk, its prepared rows) in the order of `chunks`.

        The worker has at most `IN_FLIGHT` chunks at a time, the next ones of the
        `LOOKAHEAD` read ahead. When the chunk needed now is still with the worker, this
        process prepares the furthest chunk not yet handed over, instead of waiting:
        whichever side is slower on this file (the worker on costly values, this process
        on duplicate checks and writing) gets fewer chunks. (Futures are never
        cancelled: concurrent.futures cannot break a pool with cancelled items cleanly.)"""
        window: deque[list] = deque()      # [rows, future or None (not handed over), prepared or None]
        source = iter(chunks)
        more = True

        def fill() -> None:
            nonlocal more
            while more and len(window) < LOOKAHEAD:
                rows = next(source, None)
                if rows is None:
                    more = False
                    break
                window.append([rows, None, None])
            busy = sum(1 for e in window if e[1] is not None and not e[1].done())
            for e in window:
                if busy >= IN_FLIGHT or self.broken:
                    break
                if e[1] is None and e[2] is None:
                    e[1] = self._submit(e[0])
                    if e[1] is None:
                        break
                    busy += 1

        fill()
        while window:
            head = window[0]
            while head[1] is not None and head[2] is None and not head[1].done() and not self.broken:
                fill()                      # the worker is kept busy while this process prepares
                spare = next((e for e in reversed(window) if e[1] is None and e[2] is None), None)
                if spare is None:
                    break                   # everything read ahead is with the worker: wait
                if self._worth_waiting(head[1]):
                    self.waited += 1
                    break
                spare[2] = self._here(spare[0])
            rows, future, ready = window.popleft()
            if ready is None:
                ready = self._take(rows, future) if future is not None else self._here(rows)
            started = time.monotonic()
            yield rows, ready
            self._own_seconds = _averaged(self._own_seconds, time.monotonic() - started)
            fill()

    def _timed(self, future: Future) -> None:
        """The worker's time for the chunk of `future`: from when it could start on it
        (sent, and the worker's chunk before it answered) to its answer here."""
        answered = getattr(future, "answered_at", None)
        if answered is None:
            return
        took = answered - max(getattr(future, "sent_at", answered), self._last_answer)
        self._last_answer = max(self._last_answer, answered)
        self._worker_seconds = _averaged(self._worker_seconds, max(took, 0.0))

    def _worth_waiting(self, head: Future) -> bool:
        """Whether to wait for the worker's chunk needed now rather than prepare a chunk
        read ahead here: when this process is the slower side (its own work on a chunk
        takes at least as long as the worker's preparing of one), a chunk prepared here
        only adds to the longer path, and the worker, which is ahead on average, answers
        soon. The wait is bounded (a few of the worker's chunk times): a worker that is
        slow this once is helped as before. Before the worker's first answer, nothing is
        known and chunks read ahead are prepared here while it starts."""
        worker, own = self._worker_seconds, self._own_seconds
        if worker is None or own is None or own < worker:
            return False
        done, _ = futures_wait([head], timeout=min(3 * worker, STALL_SECONDS))
        return bool(done)

    def _here(self, rows: list[tuple[int, list]]) -> list:
        self.prepared_here += 1
        started = time.monotonic()
        try:
            return self.planner.prepare_customers(rows)
        finally:
            self._slowest_here = max(self._slowest_here, time.monotonic() - started)

    def _patience(self) -> float:
        """How long to wait for the worker's chunk before preparing it here: far longer
        than a chunk takes (20 times the slowest chunk prepared here, at least
        STALL_SECONDS), so only a worker that is stuck is given up on."""
        return max(STALL_SECONDS, 20 * self._slowest_here)
