"""The workbook does not decide which store Excel's Sign in opens.

The ribbon's Sign in used to open whatever path the workbook's Store cell (the defined
name CIMS_StorePath) held, and neither `cims workbook check` nor sync's trust check
looked at it: a planted path sent the person's password to a key file someone else wrote
and every Save into their copy. Now the store comes from $CIMS_STORE, the stores this OS
account created, signed in to or accepted (`cims workbook trust`), or the per-user
default; anything else is refused before a password is asked, and named by the checks.

Real stores in tmp_path, real workbook files, the ribbon's own dispatch with a scripted
person at the keyboard.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from cims_xl.excel import live_session, ribbon
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.security.keys import keyfile_path
from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD, FAST_KDF
from test_ribbon import FakeUI
from test_sync_support import new_workbook

UNTRUSTED = 14


@pytest.fixture(autouse=True)
def signed_out(monkeypatch):
    monkeypatch.delenv("CIMS_STORE", raising=False)
    live_session.use(None)
    yield
    live_session.use(None)


def _copy_store(store, folder, name="copy.cims"):
    """What an attacker who can read the store's folder makes: a copy of the store and its
    key file in a folder they control (the person's own password opens it)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / name
    shutil.copy(store, copy)
    shutil.copy(keyfile_path(store), keyfile_path(copy))
    return copy


def _workbook(tmp_path, named=None, name="book.xlsx"):
    path = new_workbook(tmp_path / name)
    if named is not None:
        book = FileWorkbook(path)
        book.set_name("CIMS_StorePath", str(named))
        book.save()
    return path


def _hide_the_name(path, value):
    """The Store name pointed at a cell on a veryHidden sheet; Home's Store cell left empty."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("cfg")
    ws["A1"] = str(value)
    ws.sheet_state = "veryHidden"
    wb.defined_names["CIMS_StorePath"] = DefinedName("CIMS_StorePath", attr_text="'cfg'!$A$1")
    wb.save(path)
    return path


def _sign_in(path, password=ADMIN_PASSWORD, user="admin"):
    ui = FakeUI({"User name": user, "Password": password, "Store file": ""})
    line = ribbon.dispatch("btnSignIn", FileWorkbook(path, ui=ui))
    return line, ui


def _refused(line, ui, shown_path):
    assert line is None and live_session.peek() is None
    assert not ui.prompts, "refused before any name or password was asked"
    text = ui.messages[0]
    assert str(shown_path) in text and "Nothing was opened" in text
    return text


# ----- the planted kinds --------------------------------------------------------------------

@pytest.mark.parametrize("env", ["real store", "unset"])
def test_a_store_cell_naming_a_copy_in_another_folder_is_refused_before_a_password_is_asked(
        tmp_path, store_path, monkeypatch, env):
    copy = _copy_store(store_path, tmp_path / "evil")
    keys_before = keyfile_path(copy).read_bytes()
    if env == "real store":
        monkeypatch.setenv("CIMS_STORE", str(store_path))
    line, ui = _sign_in(_workbook(tmp_path, copy))
    text = _refused(line, ui, copy)
    assert ("$CIMS_STORE" in text) if env == "real store" else ("cims workbook trust" in text)
    assert keyfile_path(copy).read_bytes() == keys_before, "the planted key file was not even read for a try"


def test_a_store_name_pointing_at_a_very_hidden_sheet_is_refused_and_named_by_the_check(
        tmp_path, store_path, run):
    copy = _copy_store(store_path, tmp_path / "evil")
    path = _hide_the_name(_workbook(tmp_path), copy)
    assert openpyxl.load_workbook(path)["Home"]["B5"].value in (None, "")
    line, ui = _sign_in(path)
    _refused(line, ui, copy)
    code, out, err = run("workbook", "check", str(path))
    assert code == UNTRUSTED
    assert "CIMS_StorePath points at cfg!A1, on a veryHidden sheet" in err
    assert str(copy) in err


@pytest.mark.parametrize("unc", [r"\\files.example.net\share\cims.cims", "//files.example.net/share/cims.cims",
                                 "smb://files.example.net/share/cims.cims", r"\\?\UNC\files\share\x.cims"])
def test_a_store_on_another_computer_is_refused_without_opening_it(tmp_path, store_path, unc, run):
    line, ui = _sign_in(_workbook(tmp_path, unc))
    text = _refused(line, ui, unc)
    assert "another computer" in text
    code, _out, err = run("workbook", "check", str(_workbook(tmp_path, unc, "other.xlsx")))
    assert code == UNTRUSTED and unc in err


def test_a_relative_store_path_is_refused_even_where_it_would_find_the_real_store(
        tmp_path, store_path, monkeypatch):
    monkeypatch.chdir(store_path.parent)
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    line, ui = _sign_in(_workbook(tmp_path, store_path.name))
    assert "relative path" in _refused(line, ui, store_path.name)


def test_a_symlink_to_another_store_is_refused_and_one_to_the_same_store_signs_in(tmp_path, monkeypatch):
    other = tmp_path / "other" / "team.cims"
    other.parent.mkdir()
    auth.init_store(other, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    monkeypatch.setenv("CIMS_TRUST_DIR", str(tmp_path / "trust-of-this-account"))   # another account made it
    mine = tmp_path / "real" / "mine.cims"
    auth.init_store(mine, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    (tmp_path / "links").mkdir()
    for env in (str(mine), None):
        if env:
            monkeypatch.setenv("CIMS_STORE", env)
        else:
            monkeypatch.delenv("CIMS_STORE")
        link = tmp_path / "links" / f"looks-mine-{bool(env)}"
        link.symlink_to(other.parent)            # a folder link: the store and its key file
        line, ui = _sign_in(_workbook(tmp_path, link / "team.cims", f"a{bool(env)}.xlsx"))
        _refused(line, ui, link / "team.cims")
        alias = tmp_path / "links" / f"alias-{bool(env)}"
        alias.symlink_to(mine.parent)
        line, ui = _sign_in(_workbook(tmp_path, alias / "mine.cims", f"b{bool(env)}.xlsx"))
        assert not ui.messages
        assert line == "Signed in as admin (admin)." and live_session.current().store_path == mine  # the file judged, link followed once
        live_session.sign_out()


# ----- accepting, and what the user sees ------------------------------------------------------

def test_cims_workbook_trust_shows_the_store_and_sign_in_then_opens_it(tmp_path, store_path, run, monkeypatch):
    other = tmp_path / "shared" / "team.cims"
    other.parent.mkdir()
    auth.init_store(other, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    monkeypatch.setenv("CIMS_TRUST_DIR", str(tmp_path / "fresh-trust"))   # as if another account made it
    monkeypatch.delenv("CIMS_STORE")
    path = _workbook(tmp_path, other)
    code, _out, err = run("workbook", "check", str(path))
    assert code == UNTRUSTED and f"cims workbook trust {path.name}" in err
    line, ui = _sign_in(path)
    _refused(line, ui, other)
    code, out, err = run("workbook", "trust", str(path))       # no terminal: it shows, and wants --yes
    assert code != 0 and str(other) in err and "--yes" in err
    code, out, err = run("workbook", "trust", str(path), "--yes")
    assert code == 0 and str(other) in out + err
    line, ui = _sign_in(path)
    assert line == "Signed in as admin (admin)." and live_session.current().store_path == other
    assert any(str(other) in p for p in ui.prompts), "the sign-in prompt shows the store it opens"
    code, out, err = run("workbook", "check", str(path))
    assert code == 0 and f"Sign in opens the store {other}" in out + err


def test_the_list_of_known_stores_holds_no_path_in_plain_text(tmp_path, trust_dir):
    store = tmp_path / "Mei Chen clients" / "陈美的客户.cims"
    store.parent.mkdir()
    auth.init_store(store, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    data = b"".join(p.read_bytes() for p in trust_dir.iterdir() if p.is_file())
    assert data and b"Mei" not in data and "陈美".encode() not in data and b"clients" not in data
    listing = (trust_dir / "known-stores.json")
    assert oct(listing.stat().st_mode & 0o777) == "0o600"


def test_the_demo_workbook_signs_in_with_no_store_prompt_and_its_dialog_shows_the_store(tmp_path, monkeypatch):
    from cims_xl.demo import DEMO_USERS, build_demo

    info = build_demo(tmp_path / "demo", customers=12)
    monkeypatch.setenv("CIMS_STORE", info["store"])
    line, ui = _sign_in(info["workbook"], DEMO_USERS["mei"][1], "mei")
    assert line == "Signed in as mei (manager)." and not ui.messages and not ui.questions
    assert not any(p.startswith("Store file") for p in ui.prompts)
    assert any(info["store"] in p for p in ui.prompts), "the sign-in dialog shows the store it opens"
    ribbon.dispatch("btnSignOut", FileWorkbook(info["workbook"], ui=FakeUI()))
    monkeypatch.delenv("CIMS_STORE")      # Excel started without it: the Store cell, a known store
    line, ui = _sign_in(info["workbook"], DEMO_USERS["mei"][1], "mei")
    assert line == "Signed in as mei (manager)." and not ui.messages
    assert not any(p.startswith("Store file") for p in ui.prompts)


# ----- sync's trust check ------------------------------------------------------------------

def test_sync_refuses_a_planted_store_and_restore_settings_puts_back_its_own_store_and_name(
        tmp_path, store_path, admin, run):
    records.create(admin, "customer", {"name": "Amara Okafor", "city": "Lagos"})
    copy = _copy_store(store_path, tmp_path / "evil")
    path = _hide_the_name(_workbook(tmp_path), copy)
    before = path.read_bytes()
    code, _out, err = run("sync", str(path), "save")
    assert code == UNTRUSTED and str(copy) in err and "CIMS_StorePath" in err
    assert path.read_bytes() == before
    code, out, err = run("sync", str(path), "refresh", "--restore-settings")
    assert code == 0, err
    wb = openpyxl.load_workbook(path)
    assert list(wb.defined_names["CIMS_StorePath"].destinations) == [("Home", "$B$5")]
    assert wb["Home"]["B5"].value == str(store_path)
    assert run("workbook", "check", str(path))[0] == 0


@pytest.mark.parametrize("name, target", [("CIMS_StatusLine", "Customers!$C$3"), ("Sales_Output", "Customers!$A$1"),
                                          ("CIMS_ImportFile", "Home!$D$20")])
def test_a_name_cims_writes_or_reads_moved_to_another_sheet_is_named(tmp_path, run, name, target):
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.defined_names[name] = DefinedName(name, attr_text=target)
    wb.save(path)
    code, _out, err = run("workbook", "check", str(path))
    assert code == UNTRUSTED and f"the name {name} points at {target.replace('$', '')}" in err


def test_a_very_hidden_data_sheet_is_named_and_a_plain_hidden_one_is_not(tmp_path, run):
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Tickets"].sheet_state = "hidden"
    wb.save(path)
    assert run("workbook", "check", str(path))[0] == 0
    wb = openpyxl.load_workbook(path)
    wb["Orders"].sheet_state = "veryHidden"
    wb.save(path)
    code, _out, err = run("workbook", "check", str(path))
    assert code == UNTRUSTED and "the data sheet Orders is veryHidden" in err


def test_an_import_file_cell_naming_another_computer_is_asked_about_before_it_is_opened(tmp_path, admin):
    live_session.use(admin)
    path = _workbook(tmp_path)
    book = FileWorkbook(path)
    book.set_name("CIMS_ImportFile", r"\\files.example.net\share\people.csv")
    book.save()
    ui = FakeUI(confirm=False)
    line = ribbon.dispatch("btnImport", FileWorkbook(path, ui=ui))
    assert line == "Import cancelled; nothing was read."
    assert r"\\files.example.net\share\people.csv" in ui.questions[0] and "another computer" in ui.questions[0]
    assert len(ui.questions) == 1 and not ui.messages
