"""Names in user fields (a ticket's Assignee, an owner) are stored as written.

A help desk's export names its own agents ("Maria Lopez"): they are no cims users, and
their names keep their case. A name that is a cims user's, by user name or display
name in any case, is stored as that user's name, so the user's records and role checks
find it. The summary and the dry run say which names were matched and which kept.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import auth, records
from conftest import FAST_KDF, USER_PASSWORD
from table_files import write_csv, write_xlsx

ZENDESK = ["Id", "Subject", "Requester", "Requester email", "Assignee", "Status", "Priority", "Created at"]


def zendesk_file(tmp_path):
    return write_csv(tmp_path / "zendesk.csv", [
        ZENDESK,
        ["1", "Printer jam", "Ana Souza", "ana@example.com", "Maria Lopez", "Open", "High", "2026-03-02 09:00"],
        ["2", "Login fails", "Li Wei", "li@example.cn", "İlker IŞIK", "Solved", "Urgent", "2026-03-03 14:00"],
        ["3", "Refund", "Jo Brandt", "jo@example.de", "WANG", "Open", "Low", "2026-03-04 08:15"],
        ["4", "Invoice copy", "Jo Brandt", "jo@example.de", "wang  wei", "Open", "Low", "2026-03-05 08:15"],
        ["5", "Delivery", "Ana Souza", "ana@example.com", "McDonald-O'Neil", "Open", "Low", "2026-03-06 08:15"]])


def by_subject(session) -> dict[str, dict]:
    return {t["subject"]: t for t in records.list_records(session, "ticket")}


def add_wang(admin):
    auth.add_user(admin, "wang", "support", USER_PASSWORD, kdf=FAST_KDF, display_name="Wang Wei")


def test_a_help_desk_agent_who_is_no_cims_user_keeps_the_case_of_the_file(admin, tmp_path):
    add_wang(admin)
    result = import_file(admin, zendesk_file(tmp_path), kind="tickets")
    assert (result.created, result.rejected) == (5, 0)
    stored = by_subject(admin)
    assert stored["Printer jam"]["assignee"] == "Maria Lopez"
    assert stored["Login fails"]["assignee"] == "İlker IŞIK"
    assert stored["Delivery"]["assignee"] == "McDonald-O'Neil"


def test_a_name_that_is_a_cims_user_by_user_name_or_display_name_is_stored_as_the_user(admin, tmp_path):
    add_wang(admin)
    import_file(admin, zendesk_file(tmp_path), kind="tickets")
    stored = by_subject(admin)
    assert stored["Refund"]["assignee"] == "wang"
    assert stored["Invoice copy"]["assignee"] == "wang"


def test_the_summary_and_dry_run_say_which_names_are_users_and_which_are_kept(admin, tmp_path):
    add_wang(admin)
    result = import_file(admin, zendesk_file(tmp_path), kind="tickets", dry_run=True)
    assert records.list_records(admin, "ticket") == []
    line = next(i for i in result.inferences if i["what"] == "names in 'Assignee'")
    assert "'WANG' = user wang" in line["decided"] and "'wang wei' = user wang" in line["decided"]
    assert "3 name(s) kept as written" in line["decided"] and "'Maria Lopez'" in line["decided"]


def test_an_opportunity_owner_from_a_crm_keeps_its_case_and_a_salespersons_name_finds_them(
        admin, session_as, tmp_path):
    sally = session_as("sales", "sally")
    path = write_xlsx(tmp_path / "deals.xlsx", [
        ["Opportunity Name", "Account Name", "Stage", "Close Date", "Opportunity Owner", "Amount"],
        ["Renewal", "Garcia Catering", "Prospecting", "2026-10-01", "Sam Lee", 1200],
        ["Upsell", "Garcia Catering", "Prospecting", "2026-11-01", "SALLY", 800]])
    import_file(admin, path, kind="opportunities")
    deals = {d["name"]: d for d in records.list_records(admin, "opportunity")}
    assert deals["Renewal"]["owner"] == "Sam Lee"
    assert deals["Upsell"]["owner"] == "sally"
    # the salesperson's own record: her role check finds her as its owner
    changed = records.update(sally, deals["Upsell"]["id"], {"next_step": "Call Garcia"})
    assert changed["next_step"] == "Call Garcia"


def test_a_customer_added_by_hand_keeps_an_owner_name_as_typed(admin, session_as):
    session_as("sales", "sally")
    kept = records.create(admin, "customer", {"name": "Ana Souza", "owner": "Maria Lopez"})
    assert kept["owner"] == "Maria Lopez"
    mine = records.create(admin, "customer", {"name": "Li Wei", "owner": " Sally "})
    assert mine["owner"] == "sally"
    edited = records.update(admin, kept["id"], {"owner": "SALLY"})
    assert edited["owner"] == "sally"


def test_a_salesperson_who_types_her_name_in_another_case_may_create_and_edit_her_own_customer(session_as):
    sally = session_as("sales", "sally")
    mine = records.create_customer(sally, {"name": "Kiwi Coffee Ltd", "owner": "Sally"})
    assert mine["owner"] == "sally"
    assert records.update(sally, mine["id"], {"city": "Auckland", "owner": "SALLY"})["city"] == "Auckland"


@pytest.mark.parametrize("name", ["ÉLODIE Dubois", "Straße Team", "İlker IŞIK", "Σοφία Παπαδοπούλου", "ǅemal Kovač",
                                  "MacKenzie O'Brien", "DeShawn van der Berg", "王芳", "Анна КАРЕНИНА"])
def test_an_agent_name_in_any_script_is_stored_exactly_as_written(admin, tmp_path, name):
    path = write_csv(tmp_path / "desk.csv", [["Subject", "Customer", "Assignee"], ["Printer", "Ana Souza", name]])
    import_file(admin, path, kind="tickets")
    (ticket,) = records.list_records(admin, "ticket")
    assert ticket["assignee"] == name


def test_a_users_own_name_is_never_taken_by_another_whose_name_folds_alike(admin, tmp_path):
    auth.add_user(admin, "weiss", "sales", USER_PASSWORD, kdf=FAST_KDF)
    auth.add_user(admin, "weiß", "sales", USER_PASSWORD, kdf=FAST_KDF)
    path = tmp_path / "owners.csv"
    path.write_text("Name,Owner\nA One,weiss\nA Two,WEISS\nA Three,weiß\nA Four,Weiss\n", encoding="utf-8")
    result = import_file(admin, path)
    owners = {r["name"]: r["owner"] for r in records.list_records(admin, "customer")}
    assert owners == {"A One": "weiss", "A Two": "weiss", "A Three": "weiß", "A Four": "weiss"}
    line = next(i["decided"] for i in result.inferences if i["what"] == "names in 'Owner'")
    assert "'weiß' = user weiß" in line and "'weiss' = user weiss" in line
