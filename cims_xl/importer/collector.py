"""The garbage collector during an import: paused, with memory kept bounded."""

from __future__ import annotations

import functools
import gc
import threading

# An import keeps every row's values alive until its chunk is written, so the garbage
# collector's generations fill again and again with objects that are not garbage, and each
# collection walks them: about a tenth of a 100,000-row import's CPU even with a first
# threshold of 10,000. The importer's own code makes no reference cycles
# (tests/test_import_gc.py checks every kind of row), so automatic collection is paused
# while an import runs. Libraries do make some: phonenumbers keeps a caught exception in
# a local (`parse`, a number with an unknown country code), a cycle through its frame
# that holds every caller's frame and so the whole chunk. So at each chunk boundary the
# young generations are collected once more than GC_SAFETY_CONTAINERS container objects
# were made and not freed since the last collection. Each collection walks every one of
# them (about 1 microsecond each: 50-250 ms for the live rows of the chunks read ahead),
# so the bound is set where a 100,000-row customer import collects once or twice instead
# of six times (0.53 s of the import's main thread at 100,000, 0.08 s at 300,000:
# bench/bench_import.py's file, measured at stop 19), and a file whose every row makes a
# cycle keeps at most about this many objects of garbage (a few chunks' rows).
GC_SAFETY_CONTAINERS = 300_000
_gc_lock = threading.Lock()
_gc_users = 0
_gc_was_enabled = False


def collector_paused(fn):
    """Run `fn` with automatic garbage collection paused (turned back on when the last
    concurrent caller returns, exception or not, if it was on before the first)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global _gc_users, _gc_was_enabled
        with _gc_lock:
            if _gc_users == 0:
                _gc_was_enabled = gc.isenabled()
                gc.disable()
            _gc_users += 1
        try:
            return fn(*args, **kwargs)
        finally:
            with _gc_lock:
                _gc_users -= 1
                if _gc_users == 0 and _gc_was_enabled:
                    gc.enable()
    return wrapper


def bounded_garbage() -> None:
    """At a chunk boundary while collection is paused: collect the young generations
    when more than GC_SAFETY_CONTAINERS containers were made since the last collection."""
    if not gc.isenabled() and gc.get_count()[0] > GC_SAFETY_CONTAINERS:
        gc.collect(1)
