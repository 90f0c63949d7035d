"""A process holding a store's key leaves no core dump, and its log folder is private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from conftest import ADMIN_PASSWORD

CHILD = """
import resource, sys
_, hard = resource.getrlimit(resource.RLIMIT_CORE)
resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))      # as `ulimit -c unlimited` would
from cims_xl.cli import main
from cims_xl.security.process import dumpable
code = main(["--help"])
soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
print(soft, hard, dumpable())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_GET_DUMPABLE) is Linux's")
def test_the_cli_turns_core_dumps_off_before_it_does_anything(tmp_path):
    env = {**os.environ, "CIMS_LOG_DIR": str(tmp_path / "logs")}
    out = subprocess.run([sys.executable, "-c", CHILD],
                         capture_output=True, text=True, env=env, check=True)
    soft, hard, dump = out.stdout.split()[-3:]
    assert (soft, hard, dump) == ("0", "0", "False")


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_log_folder_and_file_are_readable_by_their_owner_only(tmp_path, store_path, monkeypatch, capsys):
    from cims_xl.cli import main
    logs = tmp_path / "logs"
    monkeypatch.setenv("CIMS_LOG_DIR", str(logs))
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    old = os.umask(0o022)
    try:
        assert main(["customer", "list"]) == 0
    finally:
        os.umask(old)
    capsys.readouterr()
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    files = list(logs.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
