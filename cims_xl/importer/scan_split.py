"""The file's first pass (run._scan) on two cores: part of its evidence in a forked copy.

The first pass reads every row once and feeds each to some forty collectors of evidence
(date orders, decimal marks, phone countries, value shapes…); nothing else can start
before it ends, and on a big file it ran on one core while the other idled. Once
`SPLIT_AFTER_ROWS` rows have been read, this process forks: the copy goes on through the
remaining rows feeding only some collectors (the phone countries: `PhoneColumnEvidence`,
`AssumedRegionEvidence`; the shapes of values: `own_columns.Shapes`; the rows at the
table's end, one-cell page lines and lines continuing a record: `FooterWatch`,
`PageLines`, `ContinuedRows`), this process feeds
all the others, and the copy sends its collectors back (pickled, through a pipe) to take
the place of this process's.

Nothing needs merging: each collector sees every row in the same order as in one
process (the first `SPLIT_AFTER_ROWS` here, the rest in the copy, which started as this
process's exact state), so its counts, examples and messages are the same by
construction. The rows that are not data (template rows, stacked tables, group labels,
subtotals) are told apart in both processes by the same code.

Where anything goes wrong (the copy dies, raises, or does not answer in time; this
process raises while the copy runs) the copy is killed and the pass is run again in this
process alone, so a refusal is the one the rows give in order and the result is the
serial one. Linux only (fork is its start method; see parallel.available), and only when
the rows come from memory (`RawSheet.in_memory`): a text file is read through a file
offset the copy would share.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import time

from . import parallel

SPLIT_AFTER_ROWS = 10_000      # rows read before the fork: smaller files stay in one process
PATIENCE = 3.0                 # the copy may take this many times this process's share (at least MIN_WAIT)
MIN_WAIT = 10.0


class SplitFailed(Exception):
    """The copy did not give its collectors back: run the pass again in one process."""


class ScanSplit:
    """One fork of the first pass. `child` is True in the copy."""

    def __init__(self, pid: int, fd: int, child: bool):
        self.pid, self.fd, self.child = pid, fd, child
        self.started = time.monotonic()

    @classmethod
    def start(cls) -> "ScanSplit | None":
        """Fork now; None when the fork fails (the pass then goes on here alone)."""
        try:
            r, w = os.pipe()
        except OSError:
            return None
        parent = os.getpid()
        # SIGINT blocked across the fork: the copy ignores it before it can arrive (Ctrl-C
        # reaches the whole process group; this process stops the copy itself)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
            os.close(r)
            os.close(w)
            return None
        if pid == 0:
            try:
                os.close(r)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
                parallel._die_with_parent()       # a copy holding the store's key dies with it
                if os.getppid() != parent:
                    os._exit(1)
                gc.disable()                      # a throwaway copy: nothing to collect
            except BaseException:
                os._exit(1)
            return cls(0, w, True)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        os.close(w)
        return cls(pid, r, False)

    # ----- in the copy ---------------------------------------------------------------

    def send(self, payload) -> None:
        """In the copy: send the collectors and end the process (never returns)."""
        code = 1
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(self.fd, view):]
            code = 0
        finally:
            os._exit(code)

    def fail(self) -> None:
        """In the copy: end it without an answer (the pass is run again in one process)."""
        os._exit(1)

    # ----- in this process -----------------------------------------------------------

    def receive(self):
        """The copy's collectors; SplitFailed when it died, failed or took too long
        (it is killed then)."""
        share = time.monotonic() - self.started
        deadline = time.monotonic() + max(MIN_WAIT, PATIENCE * share)
        chunks: list[bytes] = []
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SplitFailed("the copy did not answer in time")
                ready, _, _ = select.select([self.fd], [], [], left)
                if not ready:
                    continue
                got = os.read(self.fd, 1 << 20)
                if not got:
                    break
                chunks.append(got)
        except BaseException:
            self.abandon()
            raise
        os.close(self.fd)
        self.fd = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not chunks:
            raise SplitFailed("the copy ended without its evidence")
        try:
            return pickle.loads(b"".join(chunks))
        except Exception as exc:
            raise SplitFailed(f"the copy's evidence could not be read ({type(exc).__name__})") from None

    def abandon(self) -> None:
        """Kill and reap the copy (this process stops, or runs the pass alone)."""
        if self.fd >= 0:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = -1
        if self.pid > 0:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def available(in_memory: bool) -> bool:
    return in_memory and parallel.available()
