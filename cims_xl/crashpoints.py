"""Named points where a test may kill this process, to prove a step is crash-safe.

Set `CIMS_TEST_CRASH_AT=<name>` in a child process's environment and the process
kills itself (SIGKILL where the platform has it: no handler, no `finally`, no atexit)
when it reaches `crash_point(<name>)`. Unset, a crash point costs one dict lookup.
Tests run a real command in a subprocess this way and then check that the store
opens with the right password and holds the right data.
"""

from __future__ import annotations

import os
import signal

ENV = "CIMS_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    """Kill this process at once if the environment asks for it at `name`."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
