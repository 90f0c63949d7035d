"""The CLI as people run it: under a pseudo-terminal, where rich draws progress bars.

Every other CLI test captures output, so stderr is not a TTY and the progress bar is
disabled; the crash of issue 11 (``{task.total:,}`` while the total was still None)
only showed in a real terminal. Here `cims` runs under pexpect's pty and the tests read
what a person would see: the screen text with the terminal's control sequences removed.
"""
from __future__ import annotations

import base64
import os
import re
import sys
import time
from urllib.parse import parse_qs, urlparse

import pytest

from cims_xl.services import auth, batches, records

from conftest import ADMIN_PASSWORD
from test_sync_support import Editor, new_workbook, row_of

pexpect = pytest.importorskip("pexpect")

# CSI sequences (cursor moves, colours), OSC sequences, and lone escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")


def screen(raw: str) -> str:
    """What the terminal showed, as plain text (control sequences and CRs removed)."""
    return _ANSI.sub("", raw).replace("\r", "")


def spawn_cims(args: list[str], env_extra: dict[str, str] | None = None, cwd=None, *,
               password: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_")}
    env.update({"COLUMNS": "120", "LINES": "40", "CIMS_LOG_DIR": str(cwd or "."), "TERM": "xterm"})
    if password is not None:
        env["CIMS_PASSWORD"] = password
    env.update(env_extra or {})
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *args], env=env, cwd=cwd,
                          encoding="utf-8", timeout=300, dimensions=(40, 120))
    child.logfile_read = _Log()
    return child


class _Log:
    """Everything the child wrote to the terminal (pexpect's logfile_read)."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.parts)


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return screen(child.logfile_read.text)


def _customers_csv(path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("姓名,邮箱,城市\n")
        for i in range(n):
            f.write(f"客户{i},kunde{i}@example.cn,{'上海' if i % 2 else 'Zürich'}\n")


# ----- demo, import, sync --------------------------------------------------------------------

def test_cims_demo_in_a_terminal_draws_its_progress_and_ends_with_the_summary(tmp_path):
    child = spawn_cims(["demo", "--dir", str(tmp_path / "demo"), "--customers", "40"], cwd=tmp_path)
    text = finish(child)
    assert "unexpected problem" not in text
    assert child.exitstatus == 0, text[-2000:]
    assert "Demo ready" in text and "Harbour-Lights-2026" in text
    assert (tmp_path / "demo" / "demo.cims").exists()


def test_an_import_in_a_terminal_shows_its_progress_then_the_counts(store_path, tmp_path):
    src = tmp_path / "kunden.csv"
    _customers_csv(src, 12_000)
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "import", str(src)],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus == 0, text[-2000:]
    # rich draws the bar when it starts and once more when it stops: both are on screen.
    assert "reading" in text
    assert "importing" in text and "12,000/12,000" in text
    summary = text[text.index("Import"):]
    assert re.search(r"│ created\s+│\s+12000\s+│", summary), summary
    assert "Column mapping" in text and "姓名" in text


def test_sync_refresh_then_save_in_a_terminal_show_a_table_per_sheet(store_path, admin, tmp_path):
    ids = [records.create(admin, "customer", {"name": n, "city": c})["id"]
           for n, c in (("Zoë Dubois", "Lyon"), ("王小明", "杭州"))]
    book = new_workbook(tmp_path / "shop.xlsx")
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "sync", str(book), "refresh"],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus == 0, text[-2000:]
    assert "refresh · shop.xlsx" in text
    assert re.search(r"│ Customers\s+│\s+2\s+│", text), text
    with Editor(book) as ed:
        ed.set(ids[1], "City", "苏州")
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "sync", str(book), "save"],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus == 0, text[-2000:]
    assert "save · shop.xlsx" in text
    assert re.search(r"│ Customers\s+│\s+0\s+│\s+1\s+│", text), text      # created 0, updated 1
    assert row_of(book, ids[1])["Status"] == "Updated"
    assert records.get(admin, ids[1])["city"] == "苏州"


# ----- prompts ---------------------------------------------------------------------------------

def test_the_password_prompt_never_shows_what_is_typed(store_path, tmp_path):
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "--format", "json", "user", "list"],
                       cwd=tmp_path)
    child.expect("Password: ")
    child.sendline(ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus == 0, text
    assert ADMIN_PASSWORD not in text
    assert '"username": "admin"' in text


def test_a_wrong_password_typed_at_the_prompt_is_one_line_and_not_echoed(store_path, tmp_path):
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "customer", "list"], cwd=tmp_path)
    child.expect("Password: ")
    child.sendline("Falsches-Passwort-99")
    text = finish(child)
    assert child.exitstatus == 7
    assert "Falsches-Passwort-99" not in text
    assert "Error: wrong user name or password" in text and "Traceback" not in text


def _enrol_totp(admin, username: str):
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    uri = auth.totp_enrol(admin, username)
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    totp = TOTP(base64.b32decode(secret), 6, SHA1(), 30, enforce_key_length=False)
    earlier = time.time() - 90            # confirmed with an older code, so the current one is unused
    auth.totp_confirm(admin, username, totp.generate(earlier).decode(), now=earlier)
    return totp


def test_a_user_with_a_second_factor_is_asked_for_the_code_after_the_password(store_path, admin, tmp_path):
    totp = _enrol_totp(admin, "admin")
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "--format", "json", "user", "list"],
                       cwd=tmp_path)
    child.expect("Password: ")
    child.sendline(ADMIN_PASSWORD)
    child.expect("One-time code: ")
    child.sendline(totp.generate(time.time()).decode())
    text = finish(child)
    assert child.exitstatus == 0, text
    assert '"username": "admin"' in text and ADMIN_PASSWORD not in text


def test_gdpr_erase_in_a_terminal_asks_first_and_no_keeps_the_data(store_path, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ingrid Bergman", "email": "ingrid@example.se"})["id"]
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "gdpr", "erase", cid],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    child.expect(r"Erase all personal data of C-000001 \(.*\)\? This cannot be undone \[y/N\]: ")
    child.sendline("n")
    text = finish(child)
    assert child.exitstatus == 1 and "Aborted." in text
    assert records.get(admin, cid)["name"] == "Ingrid Bergman"


# ----- sign in first, then the question ---------------------------------------------------

_FIRST_PROMPT = ["Password: ", r"\[y/N\]"]


def test_gdpr_erase_asks_for_the_password_before_the_question_and_never_echoes_it(store_path, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Søren Kierkegaard", "email": "soren@example.dk"})["id"]
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "gdpr", "erase", cid], cwd=tmp_path)
    assert child.expect(_FIRST_PROMPT) == 0, "the question came before the password"
    child.sendline(ADMIN_PASSWORD)
    child.expect(r"Erase all personal data of C-000001 \(.*\)\? This cannot be undone \[y/N\]: ")
    child.sendline("y")
    text = finish(child)
    assert child.exitstatus == 0, text
    assert ADMIN_PASSWORD not in text
    assert "[y/N]: y" in text            # the answer to the question is shown, as a y/N answer is
    assert records.get(admin, cid)["name"] == "[erased]"


def test_gdpr_erase_of_a_customer_that_does_not_exist_says_so_without_asking(store_path, tmp_path):
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "gdpr", "erase", "C-000404"],
                       cwd=tmp_path)
    assert child.expect(_FIRST_PROMPT) == 0, "the question came before the password"
    child.sendline(ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus != 0
    assert "no customer C-000404" in text and "[y/N]" not in text and "Traceback" not in text


def test_deleting_a_record_asks_after_sign_in_and_a_missing_one_is_not_asked_about(store_path, admin, tmp_path):
    oid = records.create(admin, "customer", {"name": "Ama Mensah"})["id"]
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "customer", "delete", oid.lower()],
                       cwd=tmp_path)
    assert child.expect(_FIRST_PROMPT) == 0, "the question came before the password"
    child.sendline(ADMIN_PASSWORD)
    child.expect(rf"Delete {oid}\? \[y/N\]: ")
    child.sendline("n")
    text = finish(child)
    assert child.exitstatus == 1 and "Aborted." in text and ADMIN_PASSWORD not in text
    assert records.get(admin, oid)["name"] == "Ama Mensah"

    child = spawn_cims(["--store", str(store_path), "--user", "admin", "customer", "delete", "C-000777"],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus != 0 and "[y/N]" not in text and "C-000777" in text


def test_restore_asks_both_passwords_before_the_question(admin, store_path, tmp_path):
    from cims_xl.services import backup

    from conftest import FAST_KDF

    records.create(admin, "customer", {"name": "Nguyễn Văn An"})
    backup_file = backup.backup(admin, tmp_path / "bk")
    records.create(admin, "customer", {"name": "Later"})
    auth.change_password(admin, "admin", "Mango-Lighthouse-Violet-88", kdf=FAST_KDF)
    admin.close()
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "restore", str(backup_file)], cwd=tmp_path)
    assert child.expect(_FIRST_PROMPT) == 0, "the question came before the password"
    child.sendline("Mango-Lighthouse-Violet-88")
    assert child.expect(["Password for admin in the backup", r"\[y/N\]"]) == 0
    child.sendline(ADMIN_PASSWORD)
    child.expect(r"Replace test.cims with .*\.cimsbak\? \[y/N\]: ")
    child.sendline("y")
    text = finish(child)
    assert child.exitstatus == 0, text
    assert ADMIN_PASSWORD not in text and "Mango-Lighthouse-Violet-88" not in text
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert [c["name"] for c in records.list_records(session, "customer")] == ["Nguyễn Văn An"]
    finally:
        session.close()


def test_restore_of_a_file_that_is_not_a_backup_is_refused_before_the_question(store_path, tmp_path):
    fake = tmp_path / "kunden.cimsbak"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "restore", str(fake)],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    text = finish(child)
    assert child.exitstatus != 0
    assert "kunden.cimsbak is not a cims backup" in text and "[y/N]" not in text


def test_a_locked_account_is_told_so_before_it_is_asked_for_a_password(store_path, tmp_path):
    for _ in range(5):
        with pytest.raises(Exception):
            auth.sign_in(store_path, "admin", "Wrong-Guess-Number-1")
    child = spawn_cims(["--store", str(store_path), "--user", "ADMIN", "gdpr", "erase", "C-000001"],
                       cwd=tmp_path)
    text = finish(child)
    assert child.exitstatus == 8, text
    assert "too many failed sign-ins for admin" in text
    assert "Password" not in text and "[y/N]" not in text


# ----- Ctrl-C ----------------------------------------------------------------------------------

def test_ctrl_c_during_an_import_stops_it_with_130_and_writes_nothing(store_path, tmp_path):
    src = tmp_path / "big.csv"
    _customers_csv(src, 100_000)
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "import", str(src)],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    # Wait until rows are being written (some done, more to come), then press Ctrl-C.
    while True:
        child.expect(r"importing\S*\s.*?([\d,]+)/([\d,]+)")
        done, total = (int(g.replace(",", "")) for g in child.match.groups())
        assert done < total, "the import finished before it could be interrupted"
        if done > 0:
            break
    child.sendintr()
    text = finish(child)
    assert child.exitstatus == 130, text[-2000:]
    assert "Interrupted." in text and "Traceback" not in text
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)     # the store still opens
    try:
        assert records.list_records(session, "customer") == []    # one transaction: nothing half-written
        assert batches.list_batches(session) == []
    finally:
        session.close()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in
                 {"big.csv", "test.cims", "test.cims.keys", "test.cims.lock", "cims.log"}
                 and not p.name.startswith("test.cims-")]
    assert leftovers == []


def test_the_progress_counter_shows_a_count_before_the_total_is_known_and_both_after():
    from rich.console import Console
    from rich.progress import Progress

    from cims_xl.cli import _rich_progress

    bar, progress = _rich_progress(None)
    console = Console(record=True, width=100, force_terminal=True)
    progress(1234, 0, "reading")            # total not known yet
    console.print(bar.make_tasks_table(bar.tasks))
    progress(2500, 5000, "writing")
    console.print(bar.make_tasks_table(bar.tasks))
    text = console.export_text()
    assert "reading" in text and "1,234" in text
    assert "2,500/5,000" in text
    assert isinstance(bar, Progress)
