"""Stop 27: a session reads its user's row back (Session.check, at most every
USER_RECHECK_SECONDS and before each write) — but not while the store writes behind.

During an import the store's worker thread writes the chunks behind the caller; any read
on the caller's thread first waits for every queued write. The per-row `session.ensure`
of `records.create_many` and each chunk's unit of work read the user's row once a second
or more, so the import stopped to wait for the writer that often. Inside the import's
transaction (BEGIN IMMEDIATE: the store's write lock) no other process can change that
row, and the queued writes are records and audit entries, so the read could only give the
row as it was. It is now read at the first check after the writes behind end. For the
same reason the users (`Store.fetch_users`, which each chunk's `create_many` reads for its
Owner names) are read once while writing behind, and again only after a user is written."""

from __future__ import annotations

import csv
import datetime as dt
import sys

import pytest

from cims_xl.errors import SessionExpired
from cims_xl.importer import import_file
from cims_xl.services import audit_log, auth, records, session as session_mod
from cims_xl.store import db
from cims_xl.store.db import Store

_NAMES = ["张伟", "Anna Müller", "José García", "Łukasz Nowak", "田中太郎", "Olga Ivanova"]


def _write_customers(path, rows: int) -> list[dict]:
    people = [{"Name": f"{_NAMES[i % len(_NAMES)]} {i}", "Email": f"p{i}@example.org",
               "City": ["上海", "Berlin", "Madrid", "Kraków"][i % 4]} for i in range(rows)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["Name", "Email", "City"])
        w.writeheader()
        w.writerows(people)
    return people


@pytest.fixture
def reads_of_user_row(monkeypatch):
    """Every read of a user's row by a live session: whether the store was writing behind."""
    seen: list[bool] = []
    real = Store.user_status

    def user_status(self, username):
        seen.append(self.writing_behind)
        return real(self, username)

    monkeypatch.setattr(Store, "user_status", user_status)
    monkeypatch.setattr(session_mod, "USER_RECHECK_SECONDS", 0.0)      # every check is due
    return seen


@pytest.mark.parametrize("rows", [450, 1300])
def test_an_import_in_chunks_never_waits_for_its_writes_to_read_the_users_row(
        tmp_path, admin, reads_of_user_row, rows):
    path = tmp_path / "kunden.csv"
    people = _write_customers(path, rows)
    result = import_file(admin, path, kind="customers", chunk_rows=200)
    assert result.created == rows
    assert reads_of_user_row, "the user's row is still read back (before and after the writes behind)"
    assert not any(reads_of_user_row), "read while writes were queued behind"
    stored = {r["email"]: (r["name"], r["city"]) for r in records.list_records(admin, "customer")}
    assert stored == {p["Email"]: (p["Name"], p["City"]) for p in people}
    assert audit_log.verify(admin).ok


def test_an_account_disabled_after_an_import_ends_the_session_at_its_next_write(
        tmp_path, store_path, admin, session_as, reads_of_user_row):
    manager = session_as("manager", "mgr1")
    path = tmp_path / "clients.csv"
    _write_customers(path, 450)
    assert import_file(manager, path, kind="customers", chunk_rows=200).created == 450
    assert not any(reads_of_user_row)
    auth.disable_user(admin, "mgr1")
    with pytest.raises(SessionExpired, match="disabled"):
        records.create(manager, "customer", {"name": "Late Entry"})
    assert not manager.is_open


@pytest.fixture
def waits(monkeypatch):
    """Each time this thread waited for queued writes: the Store read that made it wait."""
    seen: list[str | None] = []
    real = db._WriteBehind.drain

    def drain(self, *args, **kwargs):
        if self._pending:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_name not in ("user_status", "fetch_users"):
                frame = frame.f_back
            seen.append(frame.f_code.co_name if frame is not None else None)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(db._WriteBehind, "drain", drain)
    return seen


def test_the_chunks_of_an_import_read_the_users_once_not_after_every_chunk_written(tmp_path, admin, waits):
    path = tmp_path / "owners.csv"
    people = _write_customers(path, 1300)
    assert import_file(admin, path, kind="customers", chunk_rows=200).created == 1300
    assert "user_status" not in waits
    assert waits.count("fetch_users") <= 1, waits
    assert {r["email"] for r in records.list_records(admin, "customer")} == {p["Email"] for p in people}
    assert audit_log.verify(admin).ok


def test_while_writing_behind_users_are_read_once_and_again_after_a_user_is_written(admin, monkeypatch):
    reads: list[str] = []
    real = Store.fetch_user
    monkeypatch.setattr(Store, "fetch_user", lambda self, name: (reads.append(name), real(self, name))[1])
    store = admin.store
    with admin.unit_of_work():          # left without commit: rolled back
        with store.write_behind():
            before = [u["username"] for u in store.fetch_users()]
            assert reads == before
            before_rows = store.fetch_users()
            before_rows[0]["role"] = "changed by the caller"      # a copy: the next read is as stored
            assert [u["role"] for u in store.fetch_users()] == [u["role"] for u in
                                                                  [real(store, n) for n in before]]
            reads.clear()
            store.fetch_users()
            assert reads == []          # remembered: no read
            store.insert_user({"username": "neu", "display_name": "Neu Nutzer", "role": "viewer",
                               "disabled": False, "totp_secret": None,
                               "created_at": dt.datetime.now(dt.timezone.utc), "created_by": "admin"})
            assert "neu" in [u["username"] for u in store.fetch_users()]
            store.update_user("neu", {"disabled": True})
            assert [u["disabled"] for u in store.fetch_users() if u["username"] == "neu"] == [True]
    assert "neu" not in [u["username"] for u in store.fetch_users()]
