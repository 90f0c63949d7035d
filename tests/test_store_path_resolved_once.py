"""The Store cell's path is judged once and exactly that file is opened.

A workbook's Store cell (CIMS_StorePath) may name a link in a folder someone else writes.
Sign in resolves it once (every link followed), opens that resolved store with its key
file and lock beside it, checks after opening that the file is still the one judged
(st_dev/st_ino), remembers only that file, and shows it in the prompts. Windows spellings
of another computer are recognised by how Windows parses them, before any file call; a
relative $CIMS_STORE is refused at the ribbon's sign-in.

Real stores in tmp_path, real workbook files, the ribbon's own dispatch.
"""

from __future__ import annotations

import ntpath
import os

import pytest

from cims_xl.excel import live_session, ribbon
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.security import known_stores
from cims_xl.security.keys import keyfile_path
from conftest import ADMIN_PASSWORD
from test_ribbon import FakeUI
from test_workbook_store_path_trust import _copy_store as copy_store, _workbook


@pytest.fixture(autouse=True)
def signed_out(monkeypatch):
    monkeypatch.delenv("CIMS_STORE", raising=False)
    live_session.use(None)
    yield
    live_session.use(None)


class TypingUI(FakeUI):
    """A person typing the password; `while_typing` runs in the middle of it."""

    def __init__(self, answers, while_typing=None):
        super().__init__(answers)
        self.while_typing = while_typing

    def ask_password(self, prompt, title="CIMS"):
        if self.while_typing is not None:
            self.while_typing()
        return super().ask_password(prompt, title)


def _copy_store(store, folder):
    return copy_store(store, folder, "demo.cims")


def _sign_in(path, while_typing=None):
    ui = TypingUI({"User name": "admin", "Password": ADMIN_PASSWORD, "Store file": ""}, while_typing)
    line = ribbon.dispatch("btnSignIn", FileWorkbook(path, ui=ui))
    return line, ui


def _repoint(link, target):
    def swap():
        tmp = link.with_name(link.name + ".new")
        tmp.symlink_to(target)
        os.replace(tmp, link)
    return swap


def test_a_link_re_pointed_while_the_password_is_typed_opens_and_remembers_only_the_judged_store(
        tmp_path, store_path):
    copy = _copy_store(store_path, tmp_path / "evil")
    assert known_stores.judge(str(copy)).problem is not None
    (tmp_path / "evil2").mkdir()
    link = tmp_path / "evil2" / "s.cims"
    link.symlink_to(store_path)
    line, ui = _sign_in(_workbook(tmp_path, link), while_typing=_repoint(link, copy))
    assert line == "Signed in as admin (admin).", ui.messages
    assert live_session.current().store_path == store_path
    live_session.sign_out()
    assert known_stores.judge(str(copy)).problem is not None, "the copy was not remembered as trusted"
    assert all(str(store_path) in p and str(link) not in p for p in ui.prompts), "prompts show the resolved store"


def test_a_store_file_replaced_after_the_check_is_refused_and_not_remembered(tmp_path):
    from cims_xl.services import auth
    from conftest import FAST_KDF

    real = tmp_path / "mine" / "team.cims"
    real.parent.mkdir()
    auth.init_store(real, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    stand_in = _copy_store(real, tmp_path / "elsewhere")
    line, ui = _sign_in(_workbook(tmp_path, real), while_typing=lambda: os.replace(stand_in, real))
    assert line is None and live_session.peek() is None
    assert "changed" in ui.messages[0] and "nothing was signed in" in ui.messages[0]


def test_a_key_file_planted_beside_the_link_is_not_read_and_no_lock_is_made_there(tmp_path, store_path):
    (tmp_path / "evil2").mkdir()
    link = tmp_path / "evil2" / "s.cims"
    link.symlink_to(store_path)
    keyfile_path(link).write_text("{ not a key file", encoding="utf-8")
    line, ui = _sign_in(_workbook(tmp_path, link))
    assert line == "Signed in as admin (admin).", ui.messages
    assert sorted(p.name for p in link.parent.iterdir()) == ["s.cims", "s.cims.keys"], "no lock beside the link"
    live_session.sign_out()


REMOTE = [r"/\files.example.net\share\x.cims", r"\/files.example.net/share/x.cims",
          r"\??\UNC\files.example.net\share\x.cims", r"\\?\UNC\files.example.net\share\x.cims",
          r"//?/UNC/files.example.net/share/x.cims", r"\??\C:\x.cims", r"/\files\share"]


@pytest.mark.parametrize("spelling", REMOTE)
def test_every_windows_spelling_of_another_computer_is_refused_without_any_file_call(
        tmp_path, store_path, monkeypatch, spelling):
    drive, _ = ntpath.splitdrive(spelling)
    assert known_stores.is_remote(spelling), (spelling, drive)
    book = _workbook(tmp_path, spelling)

    def touched(*a, **k):
        raise AssertionError(f"a file call for {spelling!r}: {a!r}")

    for mod in (os.path, ntpath):
        monkeypatch.setattr(mod, "realpath", touched)
    monkeypatch.setattr(os, "stat", touched)
    verdict = known_stores.judge(spelling)
    monkeypatch.undo()
    monkeypatch.delenv("CIMS_STORE", raising=False)
    assert verdict.problem and "another computer" in verdict.problem and verdict.resolved is None
    line, ui = _sign_in(book)
    assert line is None and not ui.prompts and "another computer" in ui.messages[0]


def test_local_drive_spellings_even_in_device_form_are_not_counted_as_remote():
    for local in (r"C:\Users\mei\cims.cims", r"\\?\C:\Users\mei\cims.cims", r"\\.\C:\Users\mei\cims.cims",
                  "/home/mei/cims.cims", "C:/x/y.cims"):
        assert not known_stores.is_remote(local), local


def test_a_relative_cims_store_is_refused_at_the_ribbon_even_where_a_copy_would_be_found(
        tmp_path, store_path, monkeypatch):
    where = tmp_path / "workbooks"
    copy = _copy_store(store_path, where / "demo")
    monkeypatch.chdir(where)
    monkeypatch.setenv("CIMS_STORE", "demo/demo.cims")
    line, ui = _sign_in(_workbook(where))
    assert line is None and live_session.peek() is None and not ui.prompts
    assert "relative path" in ui.messages[0] and "full path" in ui.messages[0]
    assert known_stores.judge(str(copy)).problem is not None
    # a Store cell naming the copy by its full path, with the same relative $CIMS_STORE: refused too
    line, ui = _sign_in(_workbook(where, copy, "other.xlsx"))
    assert line is None and "relative path" in ui.messages[0]
    # the same store by its full path signs in
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    line, ui = _sign_in(_workbook(tmp_path))
    assert line == "Signed in as admin (admin).", ui.messages
    live_session.sign_out()
