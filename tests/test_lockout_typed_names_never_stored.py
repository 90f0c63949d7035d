"""A name typed at sign-in may be a password typed into the user-name field (the classic
two-field mistake), so the lockout section of `<store>.keys` never holds it: not in the
key file, not in a backup, not after an upgrade from a key file that did (converted at the
next write), and not in the log. Counting still works per name: the fifth failure of a
made-up name locks it as it would a user's."""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from cims_xl import cli
from cims_xl.errors import AccountLocked, WrongPassword
from cims_xl.security.keys import FREE_ATTEMPTS, KeyFile
from cims_xl.services import auth, backup

from conftest import ADMIN_PASSWORD

# Passwords someone might type where the name goes: ASCII, Chinese, Arabic, accented, long.
TYPED = ["Silk-Road-Sales-2026", "长城宽带密码2026!", "كلمة-سر-قوية-٢٠٢٦", "Crème-Brûlée-77",
         "Correct Horse Battery Staple 42 and more words"]


def _forms(text: str) -> list[bytes]:
    """How the typed text could appear in the file's bytes (as typed, lower-cased, JSON-escaped)."""
    out = []
    for t in {text, text.lower(), text.strip().lower()}:
        out += [t.encode("utf-8"), json.dumps(t).encode("ascii")[1:-1]]
    return out


def _holds(data: bytes, text: str) -> bool:
    return any(form in data for form in _forms(text))


def _keys(store_path):
    return store_path.parent / (store_path.name + ".keys")


def _fail(store_path, name, password="Not-The-Password-99"):
    with pytest.raises(WrongPassword):
        auth.sign_in(store_path, name, password)


@pytest.mark.parametrize("typed", TYPED)
def test_a_password_typed_as_a_user_name_is_neither_in_the_key_file_nor_in_a_backup(
        store_path, tmp_path, typed):
    _fail(store_path, typed)
    assert not _holds(_keys(store_path).read_bytes(), typed)
    assert KeyFile.load(store_path).lockout(typed.strip().lower())["failed"] == 1   # still counted
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as session:
        made = backup.backup(session, tmp_path / "bk")
    with zipfile.ZipFile(made) as zf:
        for member in zf.namelist():
            assert not _holds(zf.read(member), typed), member


def test_a_made_up_name_still_locks_after_the_fifth_failure_under_its_digest(store_path):
    for _ in range(FREE_ATTEMPTS):
        _fail(store_path, "Silk-Road-Sales-2026")
    with pytest.raises(AccountLocked):
        auth.sign_in(store_path, "silk-road-sales-2026", "Whatever-Password-1")
    _fail(store_path, "silk-road-sales-2027")               # another name: its own count
    assert not _holds(_keys(store_path).read_bytes(), "silk-road-sales-202")


def _plant_old_format(store_path, names: dict[str, int]) -> None:
    """A key file as cims wrote it before: lockout entries under the names as typed."""
    path = _keys(store_path)
    doc = json.loads(path.read_text())
    doc.pop("lockout_key", None)
    doc["lockout"] = {name: {"failed": n, "since_success": n, "locked_until": None, "tried": i}
                      for i, (name, n) in enumerate(names.items(), 1)}
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("typed", TYPED[:3])
def test_an_older_key_file_holding_typed_names_keeps_none_after_the_next_write_nor_in_a_backup(
        store_path, tmp_path, typed):
    _plant_old_format(store_path, {typed.lower(): 1, "admin": 3})
    assert _holds(_keys(store_path).read_bytes(), typed)
    _fail(store_path, "someone-else")                       # the next write
    data = _keys(store_path).read_bytes()
    assert not _holds(data, typed)
    assert KeyFile.load(store_path).lockout("admin")["failed"] == 3    # a user's count is kept
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as session:
        made = backup.backup(session, tmp_path / "bk")
    with zipfile.ZipFile(made) as zf:
        assert not _holds(zf.read("store.cims.keys"), typed)


def test_an_older_key_file_keeps_its_users_lock_and_its_backup_holds_no_typed_name(store_path, tmp_path, admin):
    _plant_old_format(store_path, {"silk-road-sales-2026": 2, "admin": FREE_ATTEMPTS})
    doc = json.loads(_keys(store_path).read_text())
    doc["lockout"]["admin"]["locked_until"] = "2999-01-01T00:00:00+00:00"   # capped to an hour
    _keys(store_path).write_text(json.dumps(doc))
    with pytest.raises(AccountLocked):              # read under the name it was saved by
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    made = backup.backup(admin, tmp_path / "bk")    # the session signed in before
    with zipfile.ZipFile(made) as zf:
        assert not _holds(zf.read("store.cims.keys"), "silk-road-sales-2026")


def test_a_password_typed_as_a_user_name_on_the_command_line_reaches_no_file(
        store_path, tmp_path, monkeypatch, capsys):
    logs = tmp_path / "logs"
    monkeypatch.setenv("CIMS_LOG_DIR", str(logs))
    monkeypatch.setenv("CIMS_PASSWORD", "x")
    for _ in range(FREE_ATTEMPTS + 1):                     # wrong, then locked
        cli.main(["--store", str(store_path), "--user", "Silk-Road-Sales-2026", "customer", "list"])
    capsys.readouterr()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    files += [p for p in Path(os.environ["CIMS_TRUST_DIR"]).rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert not _holds(path.read_bytes(), "Silk-Road-Sales-2026"), path
