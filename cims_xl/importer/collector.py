"""The garbage collector during an import: paused, with memory kept bounded."""

from __future__ import annotations

import functools
import gc
import threading

# An import keeps every row's values alive until its chunk is written, so the garbage
# collector's generations fill again and again with objects that are not garbage, and each
# collection walks them: about a tenth of a 100,000-row import's CPU even with a first
# threshold of 10,000. An import makes no reference cycles (tests/test_import_gc.py
# checks that every kind of row leaves none), so automatic collection is paused while it
# runs. In case a path does make cycles, a chunk boundary collects the young generations
# once more than GC_SAFETY_CONTAINERS container objects were made and not freed since the
# last collection (a 100,000-row customer import ends with about 330,000), so memory
# stays bounded whatever the file.
GC_SAFETY_CONTAINERS = 2_000_000
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
