"""Output in any encoding: Python writes stdout and stderr in the locale's encoding (on
Windows, redirected output in the ANSI code page: cp1252 on a Western PC, cp936 on a
Chinese one). One name the code page lacks used to crash a whole listing (exit 70, an
empty file). Now a file or a pipe gets UTF-8 (a CSV file a BOM, for Excel), and a
terminal that cannot show a character shows a visible escape plus one note naming the
encoding and PYTHONUTF8=1. Each test runs the real CLI in a subprocess or a pty, with
PYTHONIOENCODING standing in for the code page, and checks the bytes written."""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import subprocess
import sys

import pytest

from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD

pexpect = pytest.importorskip("pexpect")

# Arabic, a Han character outside the BMP and GBK (𠮷), an emoji, Chinese, Greek with a
# combining accent, Hindi: each missing from at least one of the encodings below.
NAMES = ["محمد علي", "王家 𠮷野家", "Zoë 😀 Lamb", "张伟", "Σωκράτης", "प्रिया शर्मा"]
ENCODINGS = ["cp936", "gbk", "cp1252", "ascii", "latin-1"]


class _Env(dict):
    """The child's environment, and the ids of the customers NAMES made."""
    ids: dict[str, str]


@pytest.fixture
def env(store_path, admin, tmp_path):
    ids = {name: records.create(admin, "customer", {"name": name})["id"] for name in NAMES}
    admin.close()
    out = _Env({k: v for k, v in os.environ.items() if not k.startswith(("CIMS_", "PYTHONIO", "PYTHONUTF8", "LC_"))})
    out.update({"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD,
                "CIMS_LOG_DIR": str(tmp_path / "logs"), "CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"],
                "COLUMNS": "160", "LANG": "C", "TERM": "xterm", "PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    out.ids = ids
    return out


def _to_file(env, tmp_path, encoding: str, *args: str) -> tuple[int, bytes, bytes]:
    """`cims ARGS` with stdout and stderr redirected to files, as `> out 2> err` does."""
    out, err = tmp_path / "out.bin", tmp_path / "err.bin"
    with open(out, "wb") as o, open(err, "wb") as e:
        code = subprocess.run([sys.executable, "-m", "cims_xl.cli", *args], stdout=o, stderr=e,
                              env=dict(env, PYTHONIOENCODING=encoding), cwd=tmp_path, timeout=300).returncode
    return code, out.read_bytes(), err.read_bytes()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_csv_listing_redirected_to_a_file_is_utf8_with_a_bom_whatever_the_code_page(env, tmp_path, encoding):
    code, out, err = _to_file(env, tmp_path, encoding, "customer", "list", "--format", "csv")
    assert code == 0, err.decode("utf-8", "replace")
    assert out.startswith(codecs.BOM_UTF8)               # Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"))))
    assert sorted(r["name"] for r in rows) == sorted(NAMES)
    assert b"unexpected" not in err


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_json_and_table_output_to_a_file_is_utf8_holding_every_name(env, tmp_path, encoding):
    code, out, err = _to_file(env, tmp_path, encoding, "--format", "json", "customer", "list")
    assert code == 0, err.decode("utf-8", "replace")
    assert not out.startswith(codecs.BOM_UTF8)           # JSON never has one (RFC 8259 §8.1)
    assert sorted(r["name"] for r in json.loads(out.decode("utf-8"))) == sorted(NAMES)
    code, out, err = _to_file(env, tmp_path, encoding, "customer", "search", "王家")
    assert code == 0, err.decode("utf-8", "replace")
    assert "王家 𠮷野家" in out.decode("utf-8")
    for name in ("محمد علي", "Zoë 😀 Lamb"):
        code, out, err = _to_file(env, tmp_path, encoding, "customer", "show", env.ids[name])
        assert code == 0 and name.split()[0] in out.decode("utf-8"), err.decode("utf-8", "replace")


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "cp936"])
def test_a_pipe_gets_utf8_and_a_csv_on_a_pipe_has_no_bom(env, tmp_path, encoding):
    run = subprocess.run([sys.executable, "-m", "cims_xl.cli", "customer", "list", "--format", "csv"],
                         capture_output=True, env=dict(env, PYTHONIOENCODING=encoding), cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    assert not run.stdout.startswith(codecs.BOM_UTF8)    # a program reads it, not Excel
    assert sorted(r["name"] for r in csv.DictReader(io.StringIO(run.stdout.decode("utf-8")))) == sorted(NAMES)


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "cp936"])
def test_an_error_naming_text_the_code_page_lacks_reaches_a_redirected_stderr_as_utf8(env, tmp_path, encoding):
    code, out, err = _to_file(env, tmp_path, encoding, "customer", "add", "--name", "x", "--email", "محمد@𠮷")
    assert code == 4
    assert "محمد@𠮷" in err.decode("utf-8")
    code, out, err = _to_file(env, tmp_path, encoding, "customer", "--help")
    assert code == 0 and "customer" in out.decode("utf-8")


def _in_terminal(env, encoding: str, args: list[str], answer: str | None = None) -> tuple[int, bytes]:
    """What a pty shows of `cims ARGS` when its encoding is `encoding` (raw bytes)."""
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *args], env=dict(env, PYTHONIOENCODING=encoding),
                          timeout=300, dimensions=(60, 160))
    seen = io.BytesIO()
    child.logfile_read = seen
    if answer is not None:
        child.expect(rb"\[y/N\]")
        child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, seen.getvalue()


@pytest.mark.parametrize("encoding,escaped,kept", [
    ("cp1252", ["\\u0645\\u062d\\u0645\\u062f", "\\U00020bb7", "\\U0001f600", "\\u5f20\\u4f1f"], ["Zo\xeb"]),
    ("gbk", ["\\u0645\\u062d\\u0645\\u062f", "\\U00020bb7", "\\U0001f600"], ["张伟", "Σωκ"]),
    ("ascii", ["\\u0645\\u062d\\u0645\\u062f", "\\U00020bb7", "\\u5f20\\u4f1f", "\\u092a"], []),
])
def test_a_terminal_that_cannot_show_a_character_gets_a_visible_escape_and_one_note(env, encoding, escaped, kept):
    code, raw = _in_terminal(env, encoding, ["customer", "list"])
    assert code == 0, raw
    shown = raw.decode(encoding, "replace")
    for text in escaped:
        assert text in shown
    for text in kept:
        assert text in shown                         # what the encoding has is shown as it is
    assert shown.count("PYTHONUTF8=1") == 1 and f"({codecs.lookup(encoding).name})" in shown
    assert "unexpected" not in shown


def test_a_confirmation_naming_a_customer_the_terminal_cannot_show_is_asked_and_answered(env):
    cid = env.ids["محمد علي"]
    code, raw = _in_terminal(env, "cp1252", ["gdpr", "erase", cid], answer="n")
    shown = raw.decode("cp1252", "replace")
    assert code == 1 and "Aborted." in shown
    assert f"Erase all personal data of {cid} (\\u0645\\u062d\\u0645\\u062f" in shown
    assert "PYTHONUTF8=1" in shown


def test_an_import_in_a_cp1252_terminal_draws_its_progress_and_stores_every_arabic_row(env, tmp_path):
    src = tmp_path / "people.csv"
    src.write_text("Name,Email\n" + "".join(f"عمر {i} 𠮷,o{i}@example.com\n" for i in range(30)), encoding="utf-8")
    code, raw = _in_terminal(env, "cp1252", ["import", str(src)])
    shown = raw.decode("cp1252", "replace")
    assert code == 0, shown
    assert "unexpected" not in shown and "reading" in shown      # the progress bar, in cp1252
    listed = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--format", "json", "customer", "search", "عمر"],
                            capture_output=True, env=dict(env, PYTHONIOENCODING="cp1252"), timeout=300)
    assert json.loads(listed.stdout.decode("utf-8"))["total"] == 30
