"""An Owner (customers, opportunities, an order's new customer) or Assignee (tickets)
naming a cims user who is disabled gives them the records as the file says (an old
system's history is theirs), but never silently: the summary and the dry run name the
user, the rows and that the user is disabled, and say how to give them to someone else.
A name that folds to no user, or to a user who is active, says nothing of the kind."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import auth, records
from conftest import FAST_KDF, USER_PASSWORD
from table_files import write_csv, write_xlsx


def _left(admin, username: str, display: str, role: str = "sales") -> None:
    auth.add_user(admin, username, role, USER_PASSWORD, kdf=FAST_KDF, display_name=display)
    auth.disable_user(admin, username)


def _disabled_lines(result) -> list[dict]:
    return [i for i in result.inferences if i["what"].startswith("disabled user in ")]


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_customers_owned_by_a_disabled_user_are_said_in_the_summary_and_dry_run(admin, tmp_path, dry_run):
    _left(admin, "kowalski", "Jan Kowalski")
    auth.add_user(admin, "nowak", "sales", USER_PASSWORD, kdf=FAST_KDF, display_name="Ewa Nowak")
    path = write_csv(tmp_path / "klienci.csv", [
        ["Nazwa", "E-mail", "Owner"],
        ["Hurtownia Lech", "biuro@lech.pl", "Jan Kowalski"],
        ["Sklep Mewa", "mewa@example.pl", "JAN KOWALSKI"],
        ["Piekarnia Kłos", "klos@example.pl", "kowalski"],
        ["Apteka Zdrowie", "apteka@example.pl", "Ewa Nowak"]])
    result = import_file(admin, path, kind="customers", dry_run=dry_run)
    (line,) = _disabled_lines(result)
    assert line["what"] == "disabled user in 'Owner'"
    assert "3 row(s) given to user kowalski, who is disabled" in line["decided"]
    assert "'Jan Kowalski'" in line["evidence"] and '--map "Owner=-"' in line["evidence"]
    stored = {c["name"]: c["owner"] for c in records.list_records(admin, "customer")}
    if dry_run:
        assert stored == {}
    else:
        assert stored["Hurtownia Lech"] == "kowalski" and stored["Apteka Zdrowie"] == "nowak"


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_tickets_assigned_to_a_disabled_agent_are_said(admin, tmp_path, dry_run):
    _left(admin, "tanaka", "田中 一郎", role="support")
    path = write_xlsx(tmp_path / "tickets.xlsx", [
        ["Subject", "Requester", "Requester email", "Assignee", "Status", "Priority"],
        ["Printer jam", "Ana Souza", "ana@example.com", "田中 一郎", "Open", "High"],
        ["Refund", "Li Wei", "li@example.cn", "Maria Lopez", "Open", "Low"]])
    result = import_file(admin, path, kind="tickets", dry_run=dry_run)
    (line,) = _disabled_lines(result)
    assert line["what"] == "disabled user in 'Assignee'" and "1 row(s) given to user tanaka" in line["decided"]
    if not dry_run:
        assignees = {t["subject"]: t["assignee"] for t in records.list_records(admin, "ticket")}
        assert assignees == {"Printer jam": "tanaka", "Refund": "Maria Lopez"}


def test_opportunities_owned_by_a_disabled_salesperson_are_said(admin, tmp_path):
    _left(admin, "sally", "Sally Ng")
    path = write_xlsx(tmp_path / "deals.xlsx", [
        ["Opportunity Name", "Account Name", "Stage", "Close Date", "Opportunity Owner", "Amount"],
        ["Renewal", "Garcia Catering", "Prospecting", "2026-10-01", "Sally Ng", 1200],
        ["Upsell", "Garcia Catering", "Prospecting", "2026-11-01", "sally", 800]])
    result = import_file(admin, path, kind="opportunities")
    (line,) = _disabled_lines(result)
    assert "2 row(s) given to user sally" in line["decided"] and "'Opportunity Owner'" in line["what"]


def test_active_users_and_other_systems_names_say_nothing_of_the_kind(admin, tmp_path):
    auth.add_user(admin, "nowak", "sales", USER_PASSWORD, kdf=FAST_KDF, display_name="Ewa Nowak")
    path = write_csv(tmp_path / "c.csv", [["Name", "Owner"], ["Hurtownia Lech", "Ewa Nowak"],
                                          ["Sklep Mewa", "Someone Else"]])
    result = import_file(admin, path, kind="customers")
    assert _disabled_lines(result) == []


def test_the_cli_dry_run_names_the_disabled_user(run, admin, tmp_path):
    _left(admin, "kowalski", "Jan Kowalski")
    path = write_csv(tmp_path / "c.csv", [["Name", "Owner"], ["Hurtownia Lech", "Jan Kowalski"]])
    code, out, err = run("import", str(path), "--kind", "customers", "--dry-run")
    assert code == 0, err
    text = " ".join(out.split())
    assert "kowalski" in text and "disabled" in text
