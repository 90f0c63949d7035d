"""A Ctrl-C that arrives while a transaction commits, and a COMMIT that fails.

CI once caught a Ctrl-C landing on an import's COMMIT: SQLite had saved the 100,000
rows, the KeyboardInterrupt surfaced just after, the unit of work then rolled back a
transaction that no longer existed, released the store's lock a second time, and the
user was told "an unexpected problem occurred" (exit 70) about an import that was in
the store. The same double release hid every real COMMIT failure (a full disk).
"""

from __future__ import annotations

import os
import re
import signal

import pytest
import sqlcipher3

from cims_xl import cli
from cims_xl.errors import InterruptedAfterSave
from cims_xl.services import audit_log, auth, records
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD


def _interrupt_during_commit(monkeypatch):
    """Ctrl-C while the COMMIT of a transaction that wrote customers runs (not the sign-in's)."""
    real = Store._commit_sql

    def commit_then_ctrl_c(self):
        if self.conn.execute("SELECT count(*) FROM customers").fetchone()[0]:
            os.kill(os.getpid(), signal.SIGINT)    # Ctrl-C while COMMIT runs ...
        real(self)                                   # ... which finishes anyway

    monkeypatch.setattr(Store, "_commit_sql", commit_then_ctrl_c)


def test_ctrl_c_during_a_commit_keeps_the_saved_change_and_says_so(admin, store_path, monkeypatch):
    _interrupt_during_commit(monkeypatch)
    with pytest.raises(InterruptedAfterSave) as stopped:
        records.create(admin, "customer", {"name": "Ada Lovelace", "email": "ada@example.com"})
    assert isinstance(stopped.value, KeyboardInterrupt)          # still stops the command
    assert "saved" in stopped.value.message and "kept" in stopped.value.message
    monkeypatch.undo()
    # The session goes on working (the store's lock was released once, not twice) ...
    records.create(admin, "customer", {"name": "Grace Hopper", "email": "grace@example.com"})
    admin.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        names = sorted(r["name"] for r in records.list_records(again, "customer"))
        assert names == ["Ada Lovelace", "Grace Hopper"]
        result = audit_log.verify(again)            # ... and the pin of the trail's head was kept
        assert result.ok, result.problems
    finally:
        again.close()


def test_the_cli_reports_a_ctrl_c_during_a_commit_as_interrupted_with_the_changes_kept(
        store_path, monkeypatch, capsys):
    _interrupt_during_commit(monkeypatch)
    handler = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(cli, "_stopping", lambda: None)    # it ignores Ctrl-C from then on
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", "customer", "add",
                     "--name", "Ada Lovelace", "--email", "ada@example.com"])
    err = capsys.readouterr().err
    assert code == 130
    assert "saved" in err and "kept" in err and "unexpected" not in err
    assert signal.getsignal(signal.SIGINT) is handler


def test_a_ctrl_c_outside_a_commit_still_stops_at_once(admin):
    from cims_xl.interrupts import interrupts_deferred

    with pytest.raises(KeyboardInterrupt) as stopped:
        with interrupts_deferred():
            pass
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):       # raised at the next bytecodes, not held
            pass
    assert not isinstance(stopped.value, InterruptedAfterSave)


def test_a_commit_that_fails_reports_its_own_error_and_leaves_the_store_as_it_was(admin, store_path, monkeypatch):
    def disk_full(self):
        raise sqlcipher3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "_commit_sql", disk_full)
    with pytest.raises(sqlcipher3.OperationalError, match="disk is full"):   # not "release unlocked lock"
        records.create(admin, "customer", {"name": "Ada Lovelace", "email": "ada@example.com"})
    monkeypatch.undo()
    assert records.list_records(admin, "customer") == []          # rolled back
    records.create(admin, "customer", {"name": "Grace Hopper", "email": "grace@example.com"})
    assert [r["name"] for r in records.list_records(admin, "customer")] == ["Grace Hopper"]


# -- the log the CLI writes ----------------------------------------------------------------

def test_running_the_cli_many_times_in_one_process_writes_each_log_line_once(tmp_path, monkeypatch):
    import logging

    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "logs"))
    for _ in range(3):
        cli.main(["--version"])
    logging.getLogger("cims_xl").warning("one line")
    text = (tmp_path / "logs" / "cims.log").read_text(encoding="utf-8")
    assert text.count("one line") == 1


def test_the_log_is_kept_small_and_every_file_of_it_private(tmp_path, monkeypatch):
    import logging
    import stat

    from cims_xl import logs

    monkeypatch.setattr(logs, "LOG_MAX_BYTES", 2_000)
    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "logs"))
    old = os.umask(0o022)
    try:
        cli.main(["--version"])
        for i in range(200):
            logging.getLogger("cims_xl").warning("line %d of a log that grows", i)
    finally:
        os.umask(old)
    files = sorted((tmp_path / "logs").iterdir())
    assert [f.name for f in files] == ["cims.log", "cims.log.1", "cims.log.2", "cims.log.3"]
    for f in files:
        assert f.stat().st_size <= 2_100
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name


def test_an_import_interrupted_during_its_commit_keeps_its_report_of_rows_not_imported(
        admin, tmp_path, monkeypatch):
    import openpyxl

    from cims_xl.excel.import_report import error_report
    from cims_xl.importer import import_file

    src = tmp_path / "kunden.csv"
    src.write_text("Name,Email\nAnna Berg,anna@example.de\n,nobody@example.de\n", encoding="utf-8")
    out = tmp_path / "not-imported.xlsx"
    _interrupt_during_commit(monkeypatch)
    with pytest.raises(InterruptedAfterSave):
        import_file(admin, src, error_report=error_report(out))
    assert [r["name"] for r in records.list_records(admin, "customer")] == ["Anna Berg"]   # saved ...
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert any("nobody@example.de" in (str(v) for v in row) for row in rows)              # ... and so is the report


def test_a_ctrl_c_during_the_sign_ins_own_commit_says_nothing_was_saved(store_path, monkeypatch, capsys):
    # The sign-in writes its own entry: that is not the user's change ("Interrupted after
    # the changes were saved" had been said with nothing of theirs saved).
    real = Store._commit_sql
    pressed = []

    def first_commit_then_ctrl_c(self):
        if not pressed:
            pressed.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        real(self)

    monkeypatch.setattr(Store, "_commit_sql", first_commit_then_ctrl_c)
    monkeypatch.setattr(cli, "_stopping", lambda: None)
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", "customer", "add",
                     "--name", "Ada Lovelace", "--email", "ada@example.com"])
    err = capsys.readouterr().err
    assert pressed and code == 130
    assert err.strip().endswith("Interrupted.") and "saved" not in err
    monkeypatch.undo()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert records.list_records(session, "customer") == []
    finally:
        session.close()


def test_a_ctrl_c_after_an_import_was_committed_says_it_was_saved(admin, store_path, tmp_path, monkeypatch,
                                                                    capsys):
    # Pressed while the summary is printed: the import is in the store.
    src = tmp_path / "kunden.csv"
    src.write_text("Name,Email\nAnna Berg,anna@example.de\n", encoding="utf-8")

    def summary_interrupted(self, *a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_stopping", lambda: None)
    monkeypatch.setattr(cli.Output, "emit", summary_interrupted)
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    code = cli.main(["--store", str(store_path), "--user", "admin", "import", str(src)])
    err = capsys.readouterr().err
    assert code == 130
    assert "import was saved" in err and "cims import undo" in err
    assert [r["name"] for r in records.list_records(admin, "customer")] == ["Anna Berg"]
    for named in re.findall(r"`cims ([^`]+)`", err):          # every command it names exists
        group, command = named.split()[:2]
        assert command in cli.cli.commands[group].commands, named


def test_a_report_stopped_half_way_through_a_row_is_dropped_without_tracebacks(tmp_path, monkeypatch):
    # Ctrl-C during `import --report`: openpyxl's write-only sheets keep XML writers open
    # inside lxml; collected half-way through a row they printed "Exception ignored in
    # <generator ... get_stream>" tracebacks on the terminal.
    import gc
    import sys

    import openpyxl.worksheet._writer as sheet_writer

    from cims_xl.excel.import_report import ErrorReport

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))
    report = ErrorReport(tmp_path / "rows.xlsx", ["Name", "Email"])
    real, calls = sheet_writer.write_cell, []

    def ctrl_c_in_a_cell(*args, **kwargs):
        calls.append(1)
        if len(calls) == 7:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sheet_writer, "write_cell", ctrl_c_in_a_cell)
    with pytest.raises(KeyboardInterrupt):
        for i in range(10):
            report.rejected(i, ["Zoë Brontë", "zoe@example.fr"], "no email")
    report.discard()
    del report
    gc.collect()
    assert unraisable == []
    assert not (tmp_path / "rows.xlsx").exists()


@pytest.mark.parametrize("reader", ["iter_audit_physical", "iter_audit_sigs"])
def test_a_store_reader_left_open_by_a_ctrl_c_is_collected_quietly_after_the_store_closes(
        store_path, monkeypatch, reader):
    # Ctrl-C during `restore` left such a generator open; collected after the store was
    # closed it printed "Exception ignored in: <generator Store.iter_audit_physical> ...
    # Cannot operate on a closed database" on the terminal.
    import gc
    import sys

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    records.create(session, "customer", {"name": "Ada Lovelace"})
    rows = getattr(session.store, reader)()
    next(rows)
    session.close()
    del rows
    gc.collect()
    assert unraisable == []
