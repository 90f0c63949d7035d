"""The `cims` entry point (cims_xl.launch): a Ctrl-C while the CLI loads ends with 130
and one line, not a traceback from the middle of an import; one after the command is
over is ignored (it had killed the process by SIGINT, losing the command's exit code)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from cims_xl import launch

_CTRL_C_WHILE_LOADING = textwrap.dedent("""
    import importlib.abc, os, signal, sys
    from cims_xl import launch

    class CtrlCWhileLoading(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "cims_xl.cli":
                os.kill(os.getpid(), signal.SIGINT)     # pressed while the CLI is imported
            return None

    sys.meta_path.insert(0, CtrlCWhileLoading())
    sys.argv = ["cims", "--version"]
    sys.exit(launch.main())
""")


def test_ctrl_c_while_the_cli_loads_ends_with_130_and_one_line(tmp_path):
    script = tmp_path / "loading.py"
    script.write_text(_CTRL_C_WHILE_LOADING, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "Interrupted." and "Traceback" not in done.stderr


def test_after_the_command_a_ctrl_c_has_nothing_to_stop(monkeypatch):
    recorder = _Recorder()
    monkeypatch.setattr(signal, "signal", recorder)
    assert launch.run(lambda: 3) == 3
    assert recorder.last == (signal.SIGINT, signal.SIG_IGN)


def test_a_ctrl_c_that_escapes_the_cli_is_reported_as_interrupted(monkeypatch, capsys):
    monkeypatch.setattr(signal, "signal", _Recorder())

    def interrupted():
        raise KeyboardInterrupt

    assert launch.run(interrupted) == 130
    assert capsys.readouterr().err == "Interrupted.\n"


class _Recorder:
    """signal.signal that records its last call instead of changing the test's handlers."""

    def __init__(self):
        self.last = None

    def __call__(self, signum, handler):
        self.last = (signum, handler)
        return None
