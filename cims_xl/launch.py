"""The `cims` command's entry point: Ctrl-C at its very start and very end.

Importing the CLI (click, rich, pandas, the store) takes a moment; a Ctrl-C then
printed a KeyboardInterrupt traceback from the middle of an import. And once a command
has finished, Python's exit waits for the threads it started (the store's writer, the
background checkpoint): a Ctrl-C there had nothing left to stop, yet killed the process
by SIGINT (Python re-raises an unhandled KeyboardInterrupt as the signal, so the exit
status was no longer the command's). Here a Ctrl-C while the CLI loads ends the process
with 130 and one line, and one after the command is ignored. A SIGINT the process was
started with ignored (a script's `cims … &`) stays ignored.

A password typed ahead (while the CLI loads, before "Password:" shows) was echoed in
clear by the terminal. When the password will be asked for (a terminal, no
$CIMS_PASSWORD), the terminal's echo is turned off first thing, before the slow imports,
and turned back on just before the first prompt (`echo_as_before`: every prompt of the
CLI calls it) or when the command ends, however it ends.
"""

from __future__ import annotations

import os
import signal
import sys

_saved: tuple[int, list] | None = None      # (fd, the terminal's attributes as they were)


def quiet_terminal() -> None:
    """Turn off the echo of the terminal on stdin while the CLI loads (see above)."""
    if os.environ.get("CIMS_PASSWORD") is not None:
        return
    hush()


def hush(*, after_secret: bool = False) -> None:
    """Turn off the terminal's echo until the next prompt (`prompting`) or the end of the
    command (`echo_as_before`): while the CLI loads, and after a hidden prompt
    (`after_secret`), where a person types on (the confirmation of a password refused a
    moment later) while cims checks what was typed. Typed-ahead input is kept (TCSANOW)."""
    global _saved, _after_secret
    _after_secret = _after_secret or after_secret
    if _saved is not None:
        return
    try:
        import termios

        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return
        before = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ECHONL)
        termios.tcsetattr(fd, termios.TCSANOW, quiet)   # TCSANOW: what was typed is kept
        _saved = (fd, before)
    except (ImportError, OSError, ValueError, AttributeError):   # no termios (Windows), no stdin
        return
    except Exception:   # termios.error
        return


def echo_as_before() -> None:
    """Give the terminal its echo back (before a prompt; at the end). Typed-ahead input is kept."""
    global _saved
    if _saved is None:
        return
    fd, before = _saved
    _saved = None
    try:
        import termios

        termios.tcsetattr(fd, termios.TCSANOW, before)
    except Exception:   # noqa: BLE001 - the terminal went away
        pass


_prompted = False      # this command asked something at the terminal
_after_secret = False  # and the last thing it asked was hidden (a password, a code)
# How long a command that ends after a refused password keeps the terminal quiet before it
# discards what was typed: the person typing the confirmation they expected to be asked
# for is still typing when the refusal shows (try25p LOW 4).
SETTLE_SECONDS = 0.6


def reset_prompted() -> None:
    global _prompted, _after_secret
    _prompted = _after_secret = False


def prompting() -> None:
    """Every prompt of the CLI calls this just before it asks: the echo is given back
    (`echo_as_before`) and the command is known to have asked (`discard_typed_ahead`)."""
    global _prompted, _after_secret
    _prompted = True
    _after_secret = False
    echo_as_before()


def discard_typed_ahead() -> None:
    """A command that asked at the terminal ends without success (a password refused for
    the last time, a question answered no, Ctrl-C, Ctrl-D): what was typed ahead and not
    read yet (the next password, the confirmation of one) is discarded (tcflush TCIFLUSH)
    instead of being read by the shell as a command, shown on screen and kept in its
    history. From then until the process has exited the terminal does not echo, and at
    the very end (atexit, after Python has joined the command's threads) what was typed
    meanwhile is discarded too and the echo given back. Input typed during a command that
    succeeded is left for the shell."""
    if not _prompted:
        return
    if os.name == "nt":
        try:
            import msvcrt

            if os.isatty(sys.stdin.fileno()):
                while msvcrt.kbhit():          # the console's keys not read yet
                    msvcrt.getwch()
        except Exception:   # noqa: BLE001
            pass
        return
    try:
        import atexit
        import termios

        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return
        before = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ECHONL)
        termios.tcsetattr(fd, termios.TCSAFLUSH, quiet)     # discards what was typed ahead
        atexit.register(_flush_and_echo, fd, before)
        if _after_secret:        # the refusal of a password: let the typing that was on its way land
            import time

            sys.stderr.flush()
            time.sleep(SETTLE_SECONDS)
            termios.tcflush(fd, termios.TCIFLUSH)
    except Exception:   # noqa: BLE001 - the terminal went away
        return


def _flush_and_echo(fd: int, before: list) -> None:
    """At exit: discard what was typed while the process ended, give the echo back."""
    try:
        import termios

        termios.tcsetattr(fd, termios.TCSAFLUSH, before)
    except Exception:   # noqa: BLE001
        pass


def _loading_interrupted(signum, frame):
    sys.stderr.write("Interrupted.\n")
    raise SystemExit(130)


def main() -> int:
    """Run the `cims` command line (argv from sys.argv); the exit code."""
    quiet_terminal()
    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, _loading_interrupted)
        from .cli import main as cli_main       # the slow part

        signal.signal(signal.SIGINT, previous)
        return run(cli_main)
    finally:
        echo_as_before()


def run(cli_main) -> int:
    """`cli_main()`'s exit code; then Ctrl-C is ignored while Python exits."""
    try:
        code = cli_main()
    except KeyboardInterrupt:               # one that came while the CLI told of another
        sys.stderr.write("Interrupted.\n")
        code = 130
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the command is over
    return code
