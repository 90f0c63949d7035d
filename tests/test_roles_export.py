"""A report written to a file is an export (PRODUCT.md roles: only managers and
administrators export); and `user list` shows the role in force, not one a direct edit of
the database gave."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from cims_xl.cli import cli
from cims_xl.errors import PermissionDenied
from cims_xl.excel.report_writer import write_report_workbook
from cims_xl.security.keys import KeyFile
from cims_xl.services import audit_log, auth, records
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD


@pytest.fixture
def shop(admin, session_as):
    """A salesperson's customer with a ticket whose subject names a person."""
    sales = session_as("sales", "mei")
    cust = records.create(sales, "customer", {"name": "Dorota Wiśniewska", "email": "dorota@example.pl"})
    records.create(admin, "ticket", {"customer_id": cust["id"], "subject": "Rückruf für Frau Wiśniewska",
                                     "priority": "P2"})
    return cust


def _env(store_path, user: str, password: str) -> dict[str, str]:
    return {"CIMS_STORE": str(store_path), "CIMS_USER": user, "CIMS_PASSWORD": password}


@pytest.mark.parametrize("role", ["sales", "support"])
def test_a_role_without_export_cannot_write_a_report_file_and_the_refusal_is_audited(
        store_path, admin, session_as, shop, tmp_path, role):
    session_as(role, "mei" if role == "sales" else "li")
    user = "mei" if role == "sales" else "li"
    out = tmp_path / "bericht.xlsx"
    result = CliRunner().invoke(cli, ["report", "--out", str(out)], env=_env(store_path, user, USER_PASSWORD))
    assert isinstance(result.exception, PermissionDenied), (result.output, result.exception)
    assert f"{user} ({role}) may not export" in result.exception.message
    assert "cims sync WORKBOOK reports" in result.exception.message
    assert not out.exists()
    denied = [e for e in audit_log.show(admin, limit=20) if e["action"] == "denied" and e["actor"] == user]
    assert denied, "the refusal is in the audit trail"


def test_the_python_api_refuses_the_report_file_to_a_salesperson_too(store_path, session_as, shop, tmp_path):
    sales = session_as("sales", "mei")
    with pytest.raises(PermissionDenied, match="a report written to a file is an export"):
        write_report_workbook(tmp_path / "r.xlsx", sales)
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("user, role, password", [("admin", "admin", ADMIN_PASSWORD),
                                                  ("max", "manager", USER_PASSWORD)])
def test_managers_and_administrators_write_report_files_with_names(store_path, admin, session_as, shop,
                                                                    tmp_path, user, role, password):
    if role == "manager":
        session_as("manager", "max")
    out = tmp_path / "報告.xlsx"
    result = CliRunner().invoke(cli, ["report", "--out", str(out)], env=_env(store_path, user, password))
    assert result.exit_code == 0, (result.output, result.exception)
    book = openpyxl.load_workbook(out)
    assert {"Report - Sales", "Report - Service"} <= set(book.sheetnames)


def test_a_viewer_may_write_a_report_file_because_it_names_nobody(store_path, session_as, shop, tmp_path):
    viewer = session_as("viewer", "vic")
    out = tmp_path / "viewer.xlsx"
    write_report_workbook(out, viewer)
    texts = {c.value for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows()
             for c in row if isinstance(c.value, str)}
    assert not any("Wiśniewska" in t for t in texts)


def test_a_salesperson_still_sees_reports_on_screen(store_path, session_as, shop):
    session_as("sales", "mei")
    result = CliRunner().invoke(cli, ["--format", "json", "report"], env=_env(store_path, "mei", USER_PASSWORD))
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Report - Sales" in json.loads(result.stdout)


def _raise_role_in_the_database(store_path, username: str, role: str) -> None:
    """What an insider with a password can do: open the store with her data key and edit her row."""
    kf = KeyFile.load(store_path)
    store = Store.open(store_path, kf.unlock(username, USER_PASSWORD))
    try:
        with store.transaction():
            store.update_user(username, {"role": role})
    finally:
        store.close()


def test_user_list_shows_the_role_in_force_after_a_direct_database_edit(store_path, admin, session_as):
    session_as("sales", "mei")
    _raise_role_in_the_database(store_path, "mei", "admin")
    for user, password in (("mei", USER_PASSWORD), ("admin", ADMIN_PASSWORD)):
        result = CliRunner().invoke(cli, ["--format", "json", "user", "list"],
                                    env=_env(store_path, user, password))
        assert result.exit_code == 0, (result.output, result.exception)
        mei = {u["username"]: u for u in json.loads(result.stdout)}["mei"]
        assert mei["role"] == "sales" and mei["changed_outside"] == ["role"], user
        assert "mei's account was changed outside cims (role); that change is ignored" in result.stderr
    # The table says so too (one record at a time at 80 cells: the signing keys are long
    # words), with no column of its own for the change.
    result = CliRunner().invoke(cli, ["user", "list"], env=_env(store_path, "mei", USER_PASSWORD))
    assert result.exit_code == 0 and "changed_outside" not in result.stdout
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in result.stdout.splitlines() if "│" in line]
    user = None
    roles = {}
    for field, value in (r for r in rows if len(r) == 2):
        user = value if field == "username" else user
        if field == "role":
            roles[user] = value
    assert roles == {"admin": "admin", "mei": "sales"}


def test_user_list_of_an_untouched_store_names_no_change(store_path, admin, session_as):
    session_as("support", "li")
    rows = auth.list_users(admin)
    assert {u["username"]: (u["role"], u["changed_outside"]) for u in rows} == {
        "admin": ("admin", []), "li": ("support", [])}
    auth.add_user(admin, "max", "manager", USER_PASSWORD, kdf=FAST_KDF)
    auth.set_role(admin, "max", "viewer")
    assert {u["username"]: u["role"] for u in auth.list_users(admin)}["max"] == "viewer"
