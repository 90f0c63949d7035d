"""The process that holds a store's key keeps it out of core dumps.

A crash (a native library's segfault) with core dumps enabled writes the process's
memory to a file: the data key, the password from $CIMS_PASSWORD, customer rows, in
plain text. `harden_process` turns that off for this process and the processes it
forks: RLIMIT_CORE = 0 (POSIX getrlimit/setrlimit) and, on Linux, PR_SET_DUMPABLE = 0
(prctl(2): no core dump, and /proc/PID/mem and ptrace closed to other processes of the
same user that lack CAP_SYS_PTRACE). Both are best effort: where the platform has
neither (Windows), nothing changes.
"""

from __future__ import annotations

import contextlib
import importlib
import sys

PR_SET_DUMPABLE = 4     # <linux/prctl.h>

_done = False


def harden_process() -> None:
    """No core dump of this process (and what it forks); idempotent, never raises."""
    global _done
    if _done:
        return
    _done = True
    with contextlib.suppress(ImportError, ValueError, OSError):
        limits = importlib.import_module("resource")      # POSIX only (not on Windows)
        limits.setrlimit(limits.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import ctypes.util

            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def dumpable() -> bool | None:
    """Whether this process may dump core (Linux: PR_GET_DUMPABLE), None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return bool(libc.prctl(3, 0, 0, 0, 0))    # PR_GET_DUMPABLE
