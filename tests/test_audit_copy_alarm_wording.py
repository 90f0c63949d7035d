"""A copy of the store signed in to on this OS account is named as the copy it is, not as
a cut or a rewrite of the real store (the pin is kept per store id, which a copy shares),
however the two trails grow apart; a real cut or rewrite of the store file itself is
still named as one, copy or no copy."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD


def _copy_files(src: Path, dst: Path) -> None:
    """The store and its key file copied as a person backs them up (`cp`, Explorer)."""
    Path(str(src) + "-wal").unlink(missing_ok=True)
    for suffix in ("", ".keys"):
        shutil.copy2(str(src) + suffix, str(dst) + suffix)


def _use(path: Path, times: int, name: str, user: str = "admin", password: str = ADMIN_PASSWORD) -> str | None:
    """Sign in `times` times, each writing a customer; the trust problem of the last sign-in."""
    problem = None
    for i in range(times):
        session = auth.sign_in(path, user, password)
        try:
            problem = session.trust_problem
            records.create(session, "customer", {"name": f"{name} {i}"})
        finally:
            session.close()
    return problem


def _claims_damage(problem: str) -> bool:
    return ("the trail was cut" in problem or "rewritten at" in problem
            or "were removed" in problem)


@pytest.mark.parametrize("on_copy,then_here", [(1, 1), (3, 6), (5, 2)])
def test_a_used_copy_of_the_store_is_named_a_copy_and_never_a_cut_or_rewrite_as_both_grow(
        store_path, admin, tmp_path, on_copy, then_here):
    records.create(admin, "customer", {"name": "Ingrid Olsen"})
    admin.close()
    elsewhere = tmp_path / "usb" / "backup.cims"
    elsewhere.parent.mkdir()
    _copy_files(store_path, elsewhere)
    assert _use(elsewhere, on_copy, "on the copy") is None          # the copy was signed in to
    for _ in range(then_here):                                        # the real store, used on
        problem = _use(store_path, 1, "in the store")
        assert problem and problem.startswith("a copy of this store file")
        assert not _claims_damage(problem), problem
        assert "nothing was cut or rewritten here" in problem and "cims audit accept" in problem
    # and the copy, signed in to again, says the same of the store's entries
    problem = _use(elsewhere, 1, "on the copy again")
    assert problem is None     # the pin is still the copy's: it is the store that is told


def test_a_user_who_may_not_accept_is_told_to_ask_an_administrator(store_path, admin, tmp_path, capsys,
                                                                   monkeypatch):
    from cims_xl.cli import main

    auth.add_user(admin, "guest", "viewer", USER_PASSWORD, kdf=FAST_KDF)
    admin.close()
    elsewhere = tmp_path / "copy.cims"
    _copy_files(store_path, elsewhere)
    _use(elsewhere, 2, "on the copy")
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    for user in ("guest", "guest"):
        assert main(["--user", user, "--format", "json", "customer", "list"]) == 0
        err = capsys.readouterr().err
        assert "a copy of this store file" in err
        assert "ask an administrator to run `cims audit accept`" in err
        assert "this one, run `cims audit accept`" not in err and "the trail was cut" not in err
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    assert main(["--user", "admin", "--format", "json", "customer", "list"]) == 0
    err = capsys.readouterr().err
    assert "if it is this one, run `cims audit accept` here" in err and "ask an administrator" not in err


@pytest.mark.parametrize("copy_used", [False, True])
def test_an_older_store_file_put_back_is_still_named_a_cut(store_path, admin, tmp_path, copy_used):
    records.create(admin, "customer", {"name": "Before"})
    admin.close()
    older = tmp_path / "older.cims"
    _copy_files(store_path, older)                      # never signed in to: a file kept aside
    _use(store_path, 2, "after the older file")
    if copy_used:
        elsewhere = tmp_path / "copy.cims"
        _copy_files(store_path, elsewhere)
        _use(elsewhere, 2, "on the copy")
        _use(store_path, 1, "in the store beside the copy")
    _copy_files(older, store_path)                      # the store file rolled back
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert session.trust_kind == "cut"
        assert "the trail was cut" in session.trust_problem and "were removed" in session.trust_problem
    finally:
        session.close()


@pytest.mark.parametrize("copy_used", [False, True])
def test_a_store_file_rewritten_elsewhere_is_still_named_rewritten(store_path, admin, tmp_path, monkeypatch,
                                                                    copy_used):
    records.create(admin, "customer", {"name": "Before"})
    admin.close()
    older = tmp_path / "older.cims"
    _copy_files(store_path, older)
    _use(store_path, 2, "seen here")
    if copy_used:
        elsewhere = tmp_path / "copy.cims"
        _copy_files(store_path, elsewhere)
        _use(elsewhere, 3, "on the copy")
        _use(store_path, 1, "in the store beside the copy")
    here = Path(os.environ["CIMS_TRUST_DIR"])
    _copy_files(older, store_path)
    monkeypatch.setenv("CIMS_TRUST_DIR", str(tmp_path / "another-account"))
    _use(store_path, 8, "written over")                # the older file grown past what was seen
    monkeypatch.setenv("CIMS_TRUST_DIR", str(here))
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert session.trust_kind == "rewritten"
        assert "the trail was rewritten at or before" in session.trust_problem
    finally:
        session.close()
