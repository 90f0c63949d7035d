"""Shared fixtures: real encrypted stores in tmp_path, signed-in sessions per role."""

from __future__ import annotations

from pathlib import Path

import pytest

from cims_xl.services import auth

REPO = Path(__file__).resolve().parents[1]
from shared_files import REALWORLD  # noqa: E402  (../shared, or CIMS_SHARED_DIR)

ADMIN_PASSWORD = "Correct-Horse-Battery-42"
USER_PASSWORD = "Staple-Lantern-Orbit-17"
# Cheap scrypt parameters keep the suite fast; production slots use OWASP parameters
# (see cims_xl.security.keys.OWASP_SCRYPT and tests/test_security.py).
FAST_KDF = {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}


@pytest.fixture(autouse=True)
def trust_dir(tmp_path_factory, monkeypatch) -> Path:
    """This test's OS account: where it pins what it saw of a store (security.trust).
    Outside tmp_path, so tests that list what a command left in their folder see none of it."""
    path = tmp_path_factory.mktemp("trust")
    monkeypatch.setenv("CIMS_TRUST_DIR", str(path))
    return path


@pytest.fixture(autouse=True, scope="session")
def ctrl_c_stops():
    """Ctrl-C as a terminal delivers it, for the tests that press it in a child process.
    A suite started in the background of a script (`pytest &`) inherits SIGINT ignored,
    and so would every child (POSIX keeps an ignored signal ignored across exec)."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield


@pytest.fixture(autouse=True, scope="session")
def log_folder(tmp_path_factory) -> Path:
    """The suite's log files, never the user's own (tests that read a log set their own)."""
    import os

    path = tmp_path_factory.mktemp("logs")
    saved = os.environ.get("CIMS_LOG_DIR")
    os.environ["CIMS_LOG_DIR"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("CIMS_LOG_DIR", None)
    else:
        os.environ["CIMS_LOG_DIR"] = saved


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "test.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    return path


@pytest.fixture
def admin(store_path: Path):
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    yield session
    session.close()


@pytest.fixture
def session_as(store_path: Path, admin):
    """Factory: a signed-in session for a user with the given role (created on first use)."""
    opened = []

    def make(role: str, username: str | None = None):
        username = username or f"{role}1"
        if username not in {u["username"] for u in auth.list_users(admin)}:
            auth.add_user(admin, username, role, USER_PASSWORD, kdf=FAST_KDF)
        session = auth.sign_in(store_path, username, USER_PASSWORD)
        opened.append(session)
        return session

    yield make
    for s in opened:
        s.close()


@pytest.fixture
def book_path(tmp_path, store_path, admin):
    """A workbook built from the sources, its ribbon working as the signed-in admin
    (excel.live_session), for the Import sheet's tests."""
    from cims_xl.excel import live_session
    from cims_xl.excel.build import build_sheets

    path = tmp_path / "cims.xlsx"
    build_sheets().save(path)
    live_session.use(admin)
    yield path
    live_session.use(None)


def realworld(*parts: str) -> Path:
    path = REALWORLD.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real-world test data not found at {path} (it lives in ../shared/data/realworld)")
    return path


@pytest.fixture
def run(store_path, monkeypatch, capsys):
    """The CLI as `main(args)` against `store_path`, signed in as admin: (exit code, stdout, stderr).
    Test files with other needs (no terminal, a fixed zone) define their own `run`."""
    from cims_xl.cli import main

    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)

    def invoke(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    """This test's settings folder (import profiles): CIMS_CONFIG_DIR in tmp_path."""
    folder = tmp_path / "config"
    monkeypatch.setenv("CIMS_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def forked_workers(monkeypatch) -> list:
    """Every AheadPreparer an import makes (importer.parallel), to see how many chunks
    its forked worker prepared."""
    from cims_xl.importer import parallel

    made: list = []

    class Watched(parallel.AheadPreparer):
        def __init__(self, planner):
            super().__init__(planner)
            made.append(self)

    monkeypatch.setattr(parallel, "AheadPreparer", Watched)
    return made
