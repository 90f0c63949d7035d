"""Which process prepares a big customer import's chunks (importer.parallel): the worker
prepares them while this process plans and writes; this process prepares a chunk read
ahead itself only when that shortens the import, i.e. when the worker is the slower
side. When this process is the slower side (its own work on a chunk takes longer than
the worker's preparing of one), a chunk it prepared would only lengthen the longer path:
it waits for the worker's answer instead."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future

import pytest

from cims_xl.importer import parallel

pytestmark = pytest.mark.skipif(not parallel.available(), reason="the forked worker runs on Linux only")


class _Prep:
    def __init__(self):
        self.context: dict = {}
        self.several: dict = {}
        self.extensions: dict = {}

    def warm_up(self) -> None:
        pass


class _Planner:
    """Prepares a row as {"v": its value}; in the forked worker each chunk takes
    `worker_seconds`, chunk SLOW `slow_seconds` (this process prepares at once)."""

    def __init__(self, worker_seconds: float, slow_seconds: float | None = None):
        self.prep = _Prep()
        self.row_warnings: dict = {}
        self.parent = os.getpid()
        self.worker_seconds = worker_seconds
        self.slow_seconds = slow_seconds

    def prepare_customers(self, rows):
        if os.getpid() != self.parent:
            slow = self.slow_seconds is not None and rows[0][0] // SIZE == SLOW
            time.sleep(self.slow_seconds if slow else self.worker_seconds)
        return [(number, {"v": values[0]}, None, []) for number, values in rows]


SIZE = 3
SLOW = 7


def _chunks(n: int):
    return [[(k * SIZE + i, [f"value {k * SIZE + i}"]) for i in range(SIZE)] for k in range(n)]


def test_this_process_waits_for_the_worker_when_its_own_work_on_each_chunk_is_longer(monkeypatch):
    # One chunk at a time with the worker, one chunk ahead of the one this process works
    # on; one chunk takes the worker a little longer than this process's work on one, so
    # it is not ready when needed (the worker is still the faster side on average).
    monkeypatch.setattr(parallel, "IN_FLIGHT", 1)
    monkeypatch.setattr(parallel, "LOOKAHEAD", 2)
    here = parallel.AheadPreparer._here
    after_first_answer = []

    def prepared_here(self, rows):
        if self.worker_chunks:
            after_first_answer.append(rows[0][0] // SIZE)
        return here(self, rows)

    monkeypatch.setattr(parallel.AheadPreparer, "_here", prepared_here)
    chunks = _chunks(12)
    got = []
    with parallel.AheadPreparer(_Planner(worker_seconds=0.05, slow_seconds=0.58)) as ahead:
        for rows, ready in ahead.pipeline(chunks):
            got.append(ready)
            time.sleep(0.5)          # planning and writing: longer than the worker's chunk
    assert got == [[(n, {"v": v[0]}, None, []) for n, v in rows] for rows in chunks]
    assert not ahead.broken
    # Before the worker's first answer nothing is known: chunks read ahead are prepared
    # here while it starts. After it, every chunk is the worker's: this process waited
    # for the slow one.
    assert after_first_answer == []
    assert ahead.worker_chunks >= 10 and ahead.waited >= 1


def test_this_process_still_prepares_chunks_read_ahead_when_the_worker_is_the_slower_side(monkeypatch):
    monkeypatch.setattr(parallel, "IN_FLIGHT", 1)
    monkeypatch.setattr(parallel, "LOOKAHEAD", 3)
    chunks = _chunks(10)
    got = []
    with parallel.AheadPreparer(_Planner(worker_seconds=0.3)) as ahead:
        for rows, ready in ahead.pipeline(chunks):
            got.append(ready)
            time.sleep(0.02)
    assert got == [[(n, {"v": v[0]}, None, []) for n, v in rows] for rows in chunks]
    assert ahead.prepared_here >= 5 and ahead.worker_chunks >= 1 and ahead.waited == 0


def _answer_later(seconds: float) -> Future:
    future: Future = Future()
    threading.Timer(seconds, future.set_result, [[]]).start()
    return future


def test_the_wait_for_the_worker_is_taken_only_when_this_process_is_the_slower_side():
    ahead = parallel.AheadPreparer(_Planner(worker_seconds=0))
    # nothing known yet (before the worker's first answer): no wait
    assert ahead._worth_waiting(_answer_later(0.05)) is False
    ahead._worker_seconds, ahead._own_seconds = 0.1, 0.3
    assert ahead._worth_waiting(_answer_later(0.05)) is True
    # the worker is the slower side: prepare here at once
    ahead._worker_seconds, ahead._own_seconds = 0.3, 0.1
    started = time.monotonic()
    assert ahead._worth_waiting(_answer_later(0.2)) is False
    assert time.monotonic() - started < 0.1
    # a worker far slower than usual this once: waited for a few of its chunk times, then not
    ahead._worker_seconds, ahead._own_seconds = 0.05, 0.3
    started = time.monotonic()
    assert ahead._worth_waiting(_answer_later(2.0)) is False
    assert 0.1 <= time.monotonic() - started < 1.0
