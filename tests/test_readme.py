"""The README's first steps run, in a real terminal, and print what the README shows.

The owner's path (the section under `OWNER_PATH_HEADING`) holds ```console blocks: a
line `$ command` is typed, the lines under it are what the screen shows. Each command
runs under a pseudo-terminal in a fresh folder with its own home folder (so the default
store is new), password prompts are answered as a person would, and every line the
README shows must be on the screen: compared cell by cell (table borders and column
widths aside); a cell with "…" is compared up to it, and a line that is only "…" says
that output was left out. The install block (```bash) is what set up the test run.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import REPO

pexpect = pytest.importorskip("pexpect")

# The owner-first README.
README_PATH = REPO / "README.md"
OWNER_PATH_HEADING = "## Get started"
PASSWORD = "Maple-Lantern-Orbit-2026"     # typed at every password prompt
HOME_SHOWN = "/home/you"                  # the README's home folder

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")
_BORDERS = re.compile(r"[│┃┆┊║|┏┓┗┛┡┩┌┐└┘├┤┬┴┼╇╈╋━─═╭╮╯╰┳┻]")
_PROMPTS = [r"New password for \S+: ", r"Repeat for confirmation: ", r"Password: "]


def owner_path_steps(text: str) -> list[tuple[str, list[str]]]:
    """(command, lines shown) for every `$ ` line of the console blocks of the owner's path."""
    start = text.index(OWNER_PATH_HEADING)
    nxt = re.search(r"^## ", text[start + len(OWNER_PATH_HEADING):], re.M)
    section = text[start: start + len(OWNER_PATH_HEADING) + nxt.start()] if nxt else text[start:]
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```console\n(.*?)^```", section, re.M | re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
    return steps


def _cells(line: str) -> list[str]:
    return [" ".join(c.split()) for c in _BORDERS.split(line) if c.strip()]


def missing_lines(expected: list[str], screen: str) -> list[str]:
    """The README lines not on the screen: a line matches a screen line when its cells,
    in order, are there (a piece cut by "…" anywhere in it)."""
    shown = [" ".join(_cells(line)) for line in screen.splitlines()]
    missing = []
    for line in expected:
        text = " ".join(_cells(line))
        pieces = [p.strip() for p in text.split("…") if p.strip()]
        if pieces and not any(_in_order(pieces, row, not text.startswith("…"), not text.endswith("…"))
                              for row in shown):
            missing.append(line)
    return missing


def _in_order(pieces: list[str], row: str, from_start: bool, to_end: bool) -> bool:
    """Whether `pieces` are in `row` in order; the first at the row's start and the last at
    its end unless the README line starts or ends with "…" (a line is the whole line)."""
    at = 0
    for i, piece in enumerate(pieces):
        at = row.find(piece, at)
        if at < 0 or (i == 0 and from_start and at != 0):
            return False
        at += len(piece)
    return not to_end or row.endswith(pieces[-1]) and row.rfind(pieces[-1]) >= at - len(pieces[-1])


def run_step(command: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Type one README command; returns its exit status and the screen text."""
    argv = shlex.split(command, comments=True)
    if argv[0] == "export":
        env.update(a.split("=", 1) for a in argv[1:])
        return 0, ""
    assert argv[0] == "cims", f"the owner's path runs only cims commands: {command}"
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *argv[1:]], env=env, cwd=str(cwd),
                          encoding="utf-8", timeout=600, dimensions=(50, 100))
    parts: list[str] = []
    child.logfile_read = type("Log", (), {"write": lambda self, t: parts.append(t), "flush": lambda self: None})()
    while child.expect([*_PROMPTS, pexpect.EOF]) < len(_PROMPTS):
        child.sendline(PASSWORD)
    child.close()
    screen = _ANSI.sub("", "".join(parts)).replace("\r", "")
    return child.exitstatus, screen.replace(env["HOME"], HOME_SHOWN)


def fresh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CIMS_", "XDG_")) and k not in ("COLUMNS", "LINES")}
    env.update(HOME=str(home), CIMS_LOG_DIR=str(home), TERM="xterm", PYTHONPATH=str(REPO))
    return env


def test_the_owner_path_is_there_and_names_the_steps():
    steps = owner_path_steps(README_PATH.read_text(encoding="utf-8"))
    commands = [c for c, _ in steps]
    for needed in ("cims demo", "cims init --admin", "cims import", "--kind orders", "cims workbook build",
                   "cims sync", "cims report"):
        assert any(needed in c for c in commands), needed
    assert all(lines for c, lines in steps if not c.startswith("export")), "every step shows its output"


@pytest.fixture
def home():
    """A new home folder with a short path, so paths on screen fit the README's columns."""
    path = Path(tempfile.mkdtemp(prefix="you-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_every_command_of_the_owner_path_prints_what_the_readme_shows(tmp_path, home):
    work = tmp_path / "shop"
    shutil.copytree(REPO / "docs" / "examples", work / "docs" / "examples")
    env = fresh_env(home)
    for command, expected in owner_path_steps(README_PATH.read_text(encoding="utf-8")):
        code, screen = run_step(command, env, work)
        assert code == 0, f"$ {command}\n{screen[-3000:]}"
        assert "Traceback" not in screen
        assert PASSWORD not in screen
        missing = missing_lines(expected, screen)
        assert missing == [], f"$ {command}\nREADME shows:\n" + "\n".join(missing) + f"\n\nscreen:\n{screen}"
    assert (home / ".local" / "share" / "cims_xl" / "cims.cims").exists() or sys.platform != "linux"


def test_the_comparison_notices_a_line_the_screen_does_not_show():
    screen = "┃ rows ┃ 6 ┃\n│ created │ 4 │\n│ 华光贸易有 … │ +8613800138… │\n"
    assert missing_lines(["│ rows    │ 6      │", "│ created │ 4 │", "…"], screen) == []
    assert missing_lines(["│ created │ 6 │"], screen) == ["│ created │ 6 │"]     # 6 is on another line
    assert missing_lines(["│ 华光贸易有 … │ +8613800138… │"], screen) == []
    assert missing_lines(["│ cre… │ 4 │"], screen) == []
    # a line is the whole line: a README line that is only the start or the end of a screen line
    # is not on the screen (a heading the program now prints with more words, "(CNY)")
    longer = "    Report - Sales · Sales by month (CNY)\n"
    assert missing_lines(["Report - Sales · Sales by month"], longer) == ["Report - Sales · Sales by month"]
    assert missing_lines(["Sales by month (CNY)"], longer) == ["Sales by month (CNY)"]
    assert missing_lines(["Report - Sales · Sales by month (CNY)", "Report - Sales …", "… (CNY)"], longer) == []
