"""Run a real `cims` command in a child process and kill it with SIGKILL at a named step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cims_xl.crashpoints import ENV

REPO = Path(__file__).resolve().parents[1]


def run_cims(*args: str, password: str, crash_at: str | None = None, home: Path | None = None,
             extra_env: dict | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    # The child is the same person on the same OS account: it keeps this test's trust
    # folder (pinned audit heads), and nothing else of the caller's CIMS_ settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") or k == "CIMS_TRUST_DIR"}
    env["PYTHONPATH"] = str(REPO)
    env["CIMS_PASSWORD"] = password
    if home is not None:
        env["HOME"] = str(home)
    if crash_at:
        env[ENV] = crash_at
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "cims_xl.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def killed(out: subprocess.CompletedProcess) -> bool:
    return out.returncode == -signal.SIGKILL
