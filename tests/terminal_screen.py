"""What a real pseudo-terminal of a given width shows of a `cims` command (pexpect): one
runner for the narrow-terminal tests."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")


def in_terminal(args: list[str], width: int, tmp_path: Path, env: dict[str, str]) -> list[str]:
    """The lines a terminal `width` cells wide (200 lines tall) shows of `cims ARGS` on
    stdout, escape sequences left out (its own size, no COLUMNS; stderr, with any progress
    bar, goes to tmp_path/stderr.txt). Fails the test when the command exits non-zero."""
    import pexpect

    command = " ".join(["exec", sys.executable, "-m", "cims_xl.cli", *map(shlex.quote, args),
                        "2>", shlex.quote(str(tmp_path / "stderr.txt"))])
    child = pexpect.spawn("/bin/sh", ["-c", command], env=env, cwd=tmp_path, encoding="utf-8",
                          timeout=300, dimensions=(200, width))
    out: list[str] = []
    child.logfile_read = type("Log", (), {"write": lambda self, t: out.append(t), "flush": lambda self: None})()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, "".join(out) + (tmp_path / "stderr.txt").read_text()
    return ANSI.sub("", "".join(out)).replace("\r", "").rstrip("\n").split("\n")
