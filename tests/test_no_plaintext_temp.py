"""A workbook being written never puts personal data in plain text on disk outside the
file the user asked for: a command killed (SIGKILL: no finally, no atexit) at any of
the named moments leaves no readable name, street or phone in the temp folder
(attack: openpyxl's worksheet temp files held every rejected row of an import)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cims_xl.crashpoints import ENV as CRASH_ENV
from cims_xl.services import records

from conftest import ADMIN_PASSWORD

SECRETS = ("Ærøskøbing-Geheimnis", "Улица Тайная", "秘密通り", "1370000")


def _cli(tmp_path: Path, store_path: Path, *args: str, crash_at: str | None) -> tuple[subprocess.CompletedProcess, Path]:
    temp = tmp_path / "tmpdir"
    temp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(temp), CIMS_LOG_DIR=str(tmp_path / "logs"))
    env.pop(CRASH_ENV, None)
    if crash_at:
        env[CRASH_ENV] = crash_at
    done = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--store", str(store_path), "--user", "admin",
                           "--password-stdin", *args], input=ADMIN_PASSWORD + "\n", capture_output=True,
                          text=True, env=env, timeout=300)
    return done, temp


def _plain_text_hits(*folders: Path) -> list[str]:
    hits = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for secret in SECRETS:
                    for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                        if encoded in data:
                            hits.append(f"{path.relative_to(folder.parent)}: {secret}")
    return hits


def _rejects(tmp_path: Path, rows: int) -> Path:
    source = tmp_path / "in" / "rejects.csv"
    source.parent.mkdir()
    # Rows with no name are rejected (a bad optional value alone would import with a
    # warning), so every row, with its personal values, goes to the error report.
    lines = ["Name,Email,Mobile,Address,Notes"]
    for i in range(rows):
        street = ("Улица Тайная", "秘密通り", "Ærøskøbing-Geheimnis")[i % 3]
        lines.append(f",not-an-email-{i},1370000{i:04d},{street} {i},Person {i} {street}")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


@pytest.mark.parametrize("crash_at", ["report.row-2000", "report.rows-written", "workbook.sheet-spooled",
                                      "workbook.temp-written"])
def test_an_import_report_killed_while_written_leaves_no_plain_text_in_the_temp_folder(
        store_path, tmp_path, crash_at):
    source = _rejects(tmp_path, 3_000)
    out = tmp_path / "out"
    out.mkdir()
    done, temp = _cli(tmp_path, store_path, "import", "file", str(source), "--report", str(out / "rep.xlsx"),
                      crash_at=crash_at)
    assert done.returncode == -9, done.stderr          # it really was killed there
    assert _plain_text_hits(temp, out) == []
    assert not (out / "rep.xlsx").exists()


def test_a_finished_import_report_holds_the_rows_and_the_temp_folder_stays_empty(store_path, tmp_path):
    from openpyxl import load_workbook

    source = _rejects(tmp_path, 2_500)
    out = tmp_path / "out"
    out.mkdir()
    done, temp = _cli(tmp_path, store_path, "import", "file", str(source), "--report", str(out / "rep.xlsx"),
                      crash_at=None)
    assert (out / "rep.xlsx").exists(), done.stderr
    rows = list(load_workbook(out / "rep.xlsx", read_only=True)["Import Errors"].values)
    assert len(rows) == 2_501 and any("Улица Тайная 0" in str(v) for v in rows[1])
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("crash_at", ["workbook.sheet-spooled", "workbook.temp-written"])
def test_a_gdpr_export_killed_while_written_leaves_no_plain_text_in_the_temp_folder(
        store_path, admin, tmp_path, crash_at):
    customer = records.create(admin, "customer", {"name": "Ærøskøbing-Geheimnis Jensen",
                                                  "address": "Улица Тайная 7", "city": "秘密通り"})
    admin.close()
    out = tmp_path / "out"
    out.mkdir()
    done, temp = _cli(tmp_path, store_path, "gdpr", "export", customer["id"], "--out", str(out / "x.xlsx"),
                      crash_at=crash_at)
    assert done.returncode == -9, done.stderr
    assert _plain_text_hits(temp, out) == []
    assert not (out / "x.xlsx").exists()


@pytest.mark.parametrize("write_only", [True, False])
def test_saving_a_workbook_makes_no_temp_file_at_all(tmp_path, monkeypatch, write_only):
    import tempfile

    from openpyxl import Workbook, load_workbook

    from cims_xl.excel.scratch_files import keep_openpyxl_in_memory, save_workbook

    keep_openpyxl_in_memory()
    made = []
    real_mkstemp = tempfile.mkstemp

    def watched_mkstemp(*args, **kwargs):
        made.append(kwargs.get("dir") or (args[2] if len(args) > 2 else None))
        return real_mkstemp(*args, **kwargs)

    def refused(*args, **kwargs):
        raise AssertionError("a workbook write made a temp file")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refused)
    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    monkeypatch.setattr(tempfile, "mkstemp", watched_mkstemp)
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Люди") if write_only else wb.active
    rows = [[f"Ærøskøbing-Geheimnis {i}", i, "秘密通り"] for i in range(20_000)]
    for row in rows:
        ws.append(row)
    save_workbook(wb, tmp_path / "people.xlsx")
    # The only scratch file is the finished workbook beside the target (renamed over it).
    assert made == [str(tmp_path)] or made == [tmp_path]
    back = load_workbook(tmp_path / "people.xlsx", read_only=True)
    assert [list(r) for r in back.worksheets[0].values] == rows
