"""Stop 27: a session reads its user's row back (Session.check, at most every
USER_RECHECK_SECONDS and before each write) — but not while the store writes behind.

During an import the store's worker thread writes the chunks behind the caller; any read
on the caller's thread first waits for every queued write. The per-row `session.ensure`
of `records.create_many` and each chunk's unit of work read the user's row once a second
or more, so the import stopped to wait for the writer that often. Inside the import's
transaction (BEGIN IMMEDIATE: the store's write lock) no other process can change that
row, and the queued writes are records and audit entries, so the read could only give the
row as it was. It is now read at the first check after the writes behind end."""

from __future__ import annotations

import csv

import pytest

from cims_xl.errors import SessionExpired
from cims_xl.importer import import_file
from cims_xl.services import audit_log, auth, records, session as session_mod
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
