"""Log files get tracebacks without the customer data that exception messages carry."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from cims_xl import cli
from cims_xl.logs import RedactingFormatter, redacted_traceback


def _raise_with(message: str):
    try:
        int(message)
    except ValueError as inner:
        raise KeyError(message) from inner


def _caught(fn, *args) -> BaseException:
    try:
        fn(*args)
    except BaseException as exc:   # noqa: BLE001 - the test wants it
        return exc
    raise AssertionError("expected an exception")


def test_a_traceback_keeps_frames_and_types_but_not_the_messages():
    exc = _caught(_raise_with, "13800138000 张伟")
    text = redacted_traceback(exc)
    assert "13800138000" not in text and "张伟" not in text
    assert text.count("Traceback (most recent call last):") == 2
    assert 'in _raise_with' in text and "int(message)" in text          # where, and the code
    assert "ValueError: (message left out of the log" in text
    assert text.rstrip().endswith("KeyError: (message left out of the log: 16 characters; "
                                  "CIMS_LOG_MESSAGES=1 logs it)")


def test_os_and_sqlite_errors_keep_their_data_free_messages():
    missing = _caught(open, "/no/such/dir/客户 13800138000.xlsx")
    text = redacted_traceback(missing)
    assert "FileNotFoundError: [Errno 2] No such file or directory" in text and "客户" not in text
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (email TEXT UNIQUE)")
    db.execute("INSERT INTO t VALUES ('a@example.com')")
    clash = _caught(db.execute, "INSERT INTO t VALUES (?)", ("a@example.com",))
    assert "UNIQUE constraint failed: t.email" in redacted_traceback(clash)


def test_errors_from_the_encrypted_store_keep_their_message(admin):
    broken = _caught(admin.store._raw.execute, "SELECT x FROM no_such_table")
    assert "no such table: no_such_table" in redacted_traceback(broken)


def test_a_developer_can_ask_for_the_messages(monkeypatch):
    monkeypatch.setenv("CIMS_LOG_MESSAGES", "1")
    assert "KeyError: 'tel 13800138000'" in redacted_traceback(_caught(_raise_with, "tel 13800138000"))


@pytest.fixture
def cli_log(monkeypatch, tmp_path):
    """The CLI's log file in a temporary folder; its handler is removed afterwards."""
    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "logs"))
    for handler in list(cli.log.handlers):
        cli.log.removeHandler(handler)
    yield tmp_path / "logs" / "cims.log"
    for handler in list(cli.log.handlers):
        cli.log.removeHandler(handler)
        handler.close()


def test_the_cli_logs_an_unexpected_error_without_its_message(monkeypatch, cli_log, capsys):

    secret = "customer 张伟 lives at 人民路 1号"

    def boom(*a, **kw):
        raise ValueError(secret)      # (the log shows this line of code, not the value)

    monkeypatch.setattr(cli.cli, "main", boom)
    assert cli.main(["customer", "list"]) == 70
    assert "unexpected problem" in capsys.readouterr().err
    text = cli_log.read_text(encoding="utf-8")
    assert "unexpected error" in text and "in boom" in text and "ValueError" in text
    assert "张伟" not in text and "人民路" not in text


def test_the_formatter_is_what_both_log_files_use():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None,
                               (KeyError, KeyError("张伟"), None))
    assert "张伟" not in RedactingFormatter("%(message)s").format(record)


def test_ctrl_c_ends_the_cli_with_130_and_no_log_entry(monkeypatch, cli_log, capsys):
    import click

    def interrupted(*a, **kw):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None   # what click does with Ctrl-C

    monkeypatch.setattr(cli.cli, "main", interrupted)
    assert cli.main(["import", "x.csv"]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted."
    assert not cli_log.exists() or "Traceback" not in cli_log.read_text()
