"""The `cims` command's entry point: Ctrl-C at its very start and very end.

Importing the CLI (click, rich, pandas, the store) takes a moment; a Ctrl-C then
printed a KeyboardInterrupt traceback from the middle of an import. And once a command
has finished, Python's exit waits for the threads it started (the store's writer, the
background checkpoint): a Ctrl-C there had nothing left to stop, yet killed the process
by SIGINT (Python re-raises an unhandled KeyboardInterrupt as the signal, so the exit
status was no longer the command's). Here a Ctrl-C while the CLI loads ends the process
with 130 and one line, and one after the command is ignored. A SIGINT the process was
started with ignored (a script's `cims … &`) stays ignored.
"""

from __future__ import annotations

import signal
import sys


def _loading_interrupted(signum, frame):
    sys.stderr.write("Interrupted.\n")
    raise SystemExit(130)


def main() -> int:
    """Run the `cims` command line (argv from sys.argv); the exit code."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _loading_interrupted)
    from .cli import main as cli_main       # the slow part

    signal.signal(signal.SIGINT, previous)
    return run(cli_main)


def run(cli_main) -> int:
    """`cli_main()`'s exit code; then Ctrl-C is ignored while Python exits."""
    try:
        code = cli_main()
    except KeyboardInterrupt:               # one that came while the CLI told of another
        sys.stderr.write("Interrupted.\n")
        code = 130
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the command is over
    return code
