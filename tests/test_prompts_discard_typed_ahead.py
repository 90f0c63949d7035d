"""What is typed ahead at a prompt that ends the command (a password refused, a question
answered no or with Ctrl-D) is discarded before the shell gets it: a password never runs
as a command, shows on screen or lands in the shell's history. In a real pty (pexpect),
with a shell after `cims` that reads what was left (`read -t`), as bash would."""
from __future__ import annotations

import os
import shlex
import sys

import pytest

from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD

pexpect = pytest.importorskip("pexpect")

SECRET = "Typed-Ahead-Secret-2026"


def _shell(args: list[str], env: dict, cwd) -> "pexpect.spawn":
    """`cims ARGS` in a pty, then the shell reads one line of what was left and shows it."""
    command = " ".join([shlex.quote(sys.executable), "-m", "cims_xl.cli", *map(shlex.quote, args)])
    script = f'{command}; echo "EXIT:$?"; IFS= read -r -t 2 left; echo "LEFT:[$left]"'
    child = pexpect.spawn("/bin/bash", ["--noprofile", "--norc", "-c", script], env=env, cwd=cwd,
                          encoding="utf-8", timeout=300, dimensions=(40, 120))
    child.logfile_read = _Seen()
    return child


class _Seen(list):
    """Everything the terminal showed."""

    def write(self, text: str) -> None:
        self.append(text)

    def flush(self) -> None:
        pass

    def __str__(self) -> str:
        return "".join(self)


def _left(child) -> tuple[int, str]:
    child.expect(r"EXIT:(\d+)")
    code = int(child.match.group(1))
    child.expect(r"LEFT:\[(.*)\]")
    left = child.match.group(1)
    child.expect(pexpect.EOF)
    return code, left


@pytest.fixture
def env(tmp_path):
    out = {k: v for k, v in os.environ.items() if not k.startswith(("CIMS_", "PYTHONIO"))}
    out.update({"CIMS_LOG_DIR": str(tmp_path / "logs"), "CIMS_TRUST_DIR": os.environ["CIMS_TRUST_DIR"],
                "COLUMNS": "120", "TERM": "xterm"})
    return out


def test_a_wrong_password_then_typing_on_leaves_nothing_for_the_shell(tmp_path, env):
    store = tmp_path / "real.cims"
    auth.init_store(store, "admin", ADMIN_PASSWORD)          # the real key derivation: it takes a while
    child = _shell(["--store", str(store), "--user", "admin", "customer", "list"], env, tmp_path)
    child.expect("Password")
    child.sendline("Not-The-Password-1")
    child.expect("\n")                    # the prompt is over: the key is being derived
    child.sendline(SECRET)                # typed on while cims checks it
    code, left = _left(child)
    assert code != 0 and "wrong user name or password" in str(child.logfile_read)
    assert left == "" and SECRET not in str(child.logfile_read)


@pytest.mark.parametrize("answer", ["n", "", "\x04"])
def test_a_question_answered_no_or_ctrl_d_discards_what_was_typed_after_it(store_path, admin, tmp_path, env,
                                                                           answer):
    cid = records.create(admin, "customer", {"name": "Ingrid Olsen"})["id"]
    admin.close()
    child = _shell(["--store", str(store_path), "--user", "admin", "gdpr", "erase", cid],
                   dict(env, CIMS_PASSWORD=ADMIN_PASSWORD), tmp_path)
    child.expect(r"\[y/N\]")
    child.send(answer + ("\n" if answer != "\x04" else "") + SECRET + "\n")     # one burst of typing
    code, left = _left(child)
    assert code == 1
    assert left == ""      # (the terminal echoed the burst as it came: input() reads with echo on)


def test_init_after_the_last_refused_password_leaves_the_next_one_out_of_the_shell(tmp_path, env):
    child = _shell(["--store", str(tmp_path / "new.cims"), "init", "--admin", "boss"], env, tmp_path)
    for typed in ("Short-pass", "Short-pass"):
        child.expect("New password for boss")
        child.sendline(typed)
        child.expect("Type another")
    child.expect("New password for boss")
    child.sendline("Boss-Password-2026")       # refused: it holds the user name
    child.expect("\n")                         # read: cims is deciding, the user types on
    child.sendline("Boss-Password-2026")       # the confirmation they expected to be asked for
    code, left = _left(child)
    assert code != 0 and "no password was set" in str(child.logfile_read)
    assert left == "" and "Boss-Password-2026" not in str(child.logfile_read)
