"""Mistakes people make with the CLI get a clear one-line answer, also in scripts."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import click
import pytest

from cims_xl.cli import _CimsGroup, lift_global_options, main

from conftest import ADMIN_PASSWORD


@pytest.fixture
def run(store_path, monkeypatch, capsys):
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))     # a script: no terminal

    def invoke(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


def _names(run) -> list[str]:
    return [c["name"] for c in json.loads(run("--format", "json", "customer", "list")[1])]


# ----- confirmation ---------------------------------------------------------------------

def test_gdpr_erase_without_a_terminal_refuses_unless_yes_and_names_the_option(run):
    run("customer", "add", "--name", "Åsa Lindqvist", "--email", "asa@example.se")
    code, out, err = run("gdpr", "erase", "C-000001")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--yes" in err and "Traceback" not in err
    assert _names(run) == ["Åsa Lindqvist"]
    assert run("gdpr", "erase", "C-000001", "--yes")[0] == 0
    assert _names(run) == ["[erased]"]


def test_restore_without_a_terminal_refuses_unless_yes_and_leaves_the_store_alone(run, tmp_path):
    run("customer", "add", "--name", "Before")
    backup_file = json.loads(run("--format", "json", "backup", "--dir", str(tmp_path / "bk"))[1])["backup"]
    run("customer", "add", "--name", "After")
    code, out, err = run("restore", backup_file)
    assert code != 0 and "--yes" in err and len(err.strip().splitlines()) == 1
    assert sorted(_names(run)) == ["After", "Before"]
    assert not list(tmp_path.glob("*.before-restore-*"))


# ----- output file extensions ------------------------------------------------------------

@pytest.mark.parametrize("args, wrong", [
    (["gdpr", "export", "C-000001", "--out"], "person.pdf"),
    (["gdpr", "export", "C-000001", "--out"], "person.csv"),
    (["report", "--out"], "sales.csv"),
    (["report", "--out"], "销售报表"),              # no extension at all
    (["workbook", "build", "--out"], "shop.xlsx"),   # the workbook carries macros: .xlsm
])
def test_an_output_file_whose_extension_does_not_match_what_is_written_is_refused(run, tmp_path, args, wrong):
    run("customer", "add", "--name", "Ola Nordmann")
    target = tmp_path / wrong
    code, out, err = run(*args, str(target))
    assert code == 4 and out == ""
    assert err.strip().splitlines() == [err.strip()] and wrong in err and "Traceback" not in err
    assert not target.exists()


def test_the_import_error_report_must_be_an_xlsx(run, tmp_path):
    src = tmp_path / "kunden.csv"
    src.write_text("Name,E-Mail\nJürgen Weiß,juergen@example.de\n", encoding="utf-8")
    code, _out, err = run("import", str(src), "--report", str(tmp_path / "abgelehnt.csv"))
    assert code == 4 and ".xlsx" in err
    assert _names(run) == []                         # refused before anything was imported


@pytest.mark.parametrize("args, suffix", [
    (["gdpr", "export", "C-000001", "--out"], "p.JSON"),
    (["gdpr", "export", "C-000001", "--out"], "p.xlsx"),
    (["report", "--out"], "r.XLSX"),
])
def test_a_matching_extension_is_accepted_in_any_case(run, tmp_path, args, suffix):
    run("customer", "add", "--name", "Ola Nordmann")
    code, _out, err = run(*args, str(tmp_path / suffix))
    assert code == 0, err
    assert (tmp_path / suffix).stat().st_size > 0


# ----- global options after the subcommand -----------------------------------------------

def test_global_options_after_the_subcommand_are_taken_as_global(run):
    run("customer", "add", "--name", "Marie Curie", "--city", "Paris")
    code, out, err = run("customer", "show", "C-000001", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["city"] == "Paris"
    code, out, err = run("customer", "search", "Marie", "--format=csv")
    assert code == 0, err and out.splitlines()[0].startswith("id,")


def test_the_password_can_come_from_stdin_with_the_option_after_the_command(store_path, tmp_path):
    import os

    env = dict(os.environ, HOME=str(tmp_path), CIMS_STORE=str(store_path), CIMS_LOG_DIR=str(tmp_path))
    env.pop("CIMS_PASSWORD", None)
    done = subprocess.run([sys.executable, "-m", "cims_xl.cli", "user", "list", "--user", "admin",
                           "--password-stdin", "--format", "json"], input=ADMIN_PASSWORD + "\n",
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [u["username"] for u in json.loads(done.stdout)] == ["admin"]


def test_option_values_a_subcommands_own_options_and_text_after_double_dash_stay_put():
    @click.group(cls=_CimsGroup)
    @click.option("--user")
    @click.option("--format", "fmt")
    def root(user, fmt):
        pass

    @root.command()
    @click.option("--user", "who")           # its own --user: not the global one
    @click.option("--notes")
    @click.argument("words", nargs=-1)
    def note(who, notes, words):
        pass

    assert lift_global_options(root, ["note", "--notes", "--format", "--user", "x"]) == \
        ["note", "--notes", "--format", "--user", "x"]
    assert lift_global_options(root, ["note", "w", "--format", "json"]) == ["--format", "json", "note", "w"]
    assert lift_global_options(root, ["note", "--", "--format", "json"]) == ["note", "--", "--format", "json"]
    assert lift_global_options(root, ["--user", "a", "note", "--user=b"]) == ["--user", "a", "note", "--user=b"]


# ----- a Conflict row, cleared the two ways the README gives -------------------------------

def test_a_conflict_row_clears_by_typing_the_store_value_or_by_saving_with_force(run, admin, tmp_path):
    from cims_xl.services import records

    from test_sync_support import Editor, new_workbook, row_of

    ids = [records.create(admin, "customer", {"name": n, "city": "上海"})["id"] for n in ("Jan Novák", "Eva Dvořák")]
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    for cid in ids:
        records.update(admin, cid, {"city": "北京"})             # someone else, meanwhile
    with Editor(book) as ed:
        for cid in ids:
            ed.set(cid, "City", "杭州")
    assert run("sync", str(book), "save")[0] == 13                # rows not saved
    assert all(row_of(book, cid)["Status"].startswith("Conflict: City") for cid in ids)
    with Editor(book) as ed:
        ed.set(ids[0], "City", "北京")                           # keep theirs: the value after "store:"
    code, _out, err = run("sync", str(book), "save")
    assert code == 13 and "1 row not saved" in err            # the other is still in conflict
    assert row_of(book, ids[0])["Status"] != row_of(book, ids[1])["Status"]
    assert not (row_of(book, ids[0])["Status"] or "").startswith("Conflict")
    code, _out, err = run("sync", str(book), "save", "--force")   # keep mine
    assert code == 0, err
    assert row_of(book, ids[1])["Status"] == "Updated"
    assert [records.get(admin, cid)["city"] for cid in ids] == ["北京", "杭州"]


# ----- values out of any real range: one line, never an internal error ------------------

@pytest.mark.parametrize("args, says", [
    (("opportunity", "add", "--customer-id", "C-000001", "--name", "Deal", "--probability", "-1"), "0 to 100"),
    (("opportunity", "add", "--customer-id", "C-000001", "--name", "Deal", "--probability", "150"), "0 to 100"),
    (("opportunity", "add", "--customer-id", "C-000001", "--name", "Deal", "--probability", "１２３"), "0 to 100"),
    (("ticket", "add", "--customer-id", "C-000001", "--subject", "Late", "--opened-at", "9999-12-31"),
     "outside 1800–2999"),
    (("order", "add", "--customer-id", "C-000001", "--order-date", "0001-01-01", "--amount", "5"),
     "outside 1800–2999"),
])
def test_a_value_outside_any_real_range_is_refused_in_one_line(run, args, says):
    run("customer", "add", "--name", "Range Test")
    code, out, err = run(*args)
    assert code != 0 and code != 70, err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) <= 3


def test_a_search_from_the_first_to_the_last_day_of_the_calendar_finds_everything(run):
    run("customer", "add", "--name", "Range Test")
    code, out, err = run("--format", "json", "customer", "search", "--created-from", "0001-01-01",
                         "--created-to", "9999-12-31")
    assert code == 0, err
    assert [c["name"] for c in json.loads(out)["rows"]] == ["Range Test"]


def test_imported_rows_with_out_of_range_values_are_rejected_alike_in_the_dry_run_and_the_import(run, tmp_path):
    run("customer", "add", "--name", "Range Test")
    opp = tmp_path / "opps.csv"
    opp.write_text("Customer,Name,Probability\nRange Test,A,-1\nRange Test,B,150\nRange Test,C,40\n",
                   encoding="utf-8")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("Customer,Subject,Opened\nRange Test,W1,9999-12-31 10:00\nRange Test,W2,2026-01-05 10:00\n",
                       encoding="utf-8")
    for path, kind in ((opp, "opportunities"), (tickets, "tickets")):
        for dry in (["--dry-run"], []):
            code, out, err = run("--format", "json", "import", str(path), "--kind", kind, *dry)
            assert code == 0, err
            got = json.loads(out)
            assert (got["created"], got["rejected"]) == ((1, 2) if kind == "opportunities" else (1, 1)), got
