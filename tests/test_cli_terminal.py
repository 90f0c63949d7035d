"""The CLI as people run it: under a pseudo-terminal, where rich draws progress bars.

Every other CLI test captures output, so stderr is not a TTY and the progress bar is
disabled; the crash of issue 11 (``{task.total:,}`` while the total was still None)
only showed in a real terminal.
"""
from __future__ import annotations

import os
import sys

import pytest

pexpect = pytest.importorskip("pexpect")


def spawn_cims(args: list[str], env_extra: dict[str, str] | None = None, cwd=None):
    env = dict(os.environ)
    env.update({"COLUMNS": "120", "LINES": "40", "CIMS_LOG_DIR": str(cwd or ".")})
    env.update(env_extra or {})
    return pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *args], env=env, cwd=cwd,
                         encoding="utf-8", timeout=300, dimensions=(40, 120))


def test_cims_demo_in_a_terminal_draws_its_progress_and_ends_with_the_summary(tmp_path):
    child = spawn_cims(["demo", "--dir", str(tmp_path / "demo")], cwd=tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before
    assert "unexpected problem" not in screen
    assert child.exitstatus == 0, screen[-2000:]
    assert "Demo ready" in screen
    assert (tmp_path / "demo" / "demo.cims").exists()


def test_the_progress_counter_shows_a_count_before_the_total_is_known_and_both_after():
    from rich.console import Console
    from rich.progress import Progress

    from cims_xl.cli import _rich_progress

    bar, progress = _rich_progress(None)
    console = Console(record=True, width=100, force_terminal=True)
    progress(1234, 0, "reading")            # total not known yet
    console.print(bar.make_tasks_table(bar.tasks))
    progress(2500, 5000, "writing")
    console.print(bar.make_tasks_table(bar.tasks))
    text = console.export_text()
    assert "reading" in text and "1,234" in text
    assert "2,500/5,000" in text
    assert isinstance(bar, Progress)
