"""A ticket's response-target clock cannot be moved by hand.

The pause bookkeeping (Pending Since, Paused Seconds) is computed by cims from status
changes; the due times from the opening, the priority and the pauses. No role - support,
manager, admin - may write the bookkeeping or a due time, on the command line, in a
workbook Save or through the Python API; the times a person may type (Opened, First
Response, Resolved, Closed) are never in the future nor (a response, a resolution)
before the opening. Each test works on a real encrypted store, signs in with passwords,
and reads the ticket back from the store: its due times and breach state are unchanged.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.table import TableColumn

from cims_xl.domain import sla
from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.services import auth, records
from conftest import USER_PASSWORD
from test_sync_support import Editor, new_workbook, row_of

UTC = dt.timezone.utc
ROLES = ["support", "manager", "admin"]
FAR = 10 ** 8                       # about three years of "pause"
CLOCK = ("opened_at", "first_response_due", "resolution_due", "pending_since", "paused_seconds",
         "first_response_at", "resolved_at", "closed_at")


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


@pytest.fixture
def late_ticket(admin):
    """A P3 ticket opened ten hours ago and never answered: its first response (due after
    8 hours) is already late."""
    cid = records.create(admin, "customer", {"name": "Zhou Min"})["id"]
    t = records.create(admin, "ticket", {"customer_id": cid, "subject": "Printer jammed", "priority": "P3",
                                         "opened_at": now() - dt.timedelta(hours=10)})
    t = records.get(admin, t["id"])           # as stored (to the second)
    assert sla.breach_flags(t, now())["first_response_breached"] is True
    return t


@pytest.fixture
def signed_in(session_as, admin):
    def make(role: str):
        return admin if role == "admin" else session_as(role)
    return make


def stored(store_path, ticket_id: str) -> dict:
    """The ticket as a fresh sign-in reads it from the encrypted store."""
    from conftest import ADMIN_PASSWORD

    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return records.get(session, ticket_id)
    finally:
        session.close()


def assert_clock_unchanged(store_path, before: dict) -> None:
    after = stored(store_path, before["id"])
    assert {k: after[k] for k in CLOCK} == {k: before[k] for k in CLOCK}
    assert after["version"] == before["version"]
    assert sla.breach_flags(after, now()) == sla.breach_flags(before, now()) \
        == {"first_response_breached": True, "resolution_breached": False}


def ticket_count(store_path) -> int:
    from conftest import ADMIN_PASSWORD

    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        return len(records.list_records(session, "ticket"))
    finally:
        session.close()


# ----- Python API ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("changes, header", [
    ({"paused_seconds": FAR}, "Paused Seconds"),
    ({"Paused Seconds": str(FAR)}, "Paused Seconds"),
    ({"pending_since": dt.datetime(2020, 1, 1, tzinfo=UTC)}, "Pending Since"),
    ({"status": "Pending", "pending_since": dt.datetime(2020, 1, 1, tzinfo=UTC)}, "Pending Since"),
])
def test_an_api_edit_of_the_paused_clock_is_refused_naming_the_field_for_every_role(
        role, changes, header, signed_in, late_ticket, store_path):
    session = signed_in(role)
    with pytest.raises(ValidationFailed) as err:
        records.update(session, late_ticket["id"], changes)
    assert "computed by cims" in err.value.problems[header]
    with pytest.raises(ValidationFailed):
        records.update_many(session, [(late_ticket["id"], changes, None)])
    assert_clock_unchanged(store_path, late_ticket)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("given, header", [
    ({"paused_seconds": FAR}, "Paused Seconds"),
    ({"status": "Pending", "pending_since": dt.datetime(2020, 1, 1, tzinfo=UTC)}, "Pending Since"),
    ({"status": "Open", "pending_since": dt.datetime(2020, 1, 1, tzinfo=UTC)}, "Pending Since"),
    ({"first_response_due": dt.datetime(2030, 1, 1, tzinfo=UTC)}, "Response Due"),
])
def test_a_ticket_created_through_the_api_with_its_clock_given_is_refused_and_nothing_is_stored(
        role, given, header, signed_in, late_ticket, store_path):
    session = signed_in(role)
    row = {"customer_id": late_ticket["customer_id"], "subject": "Cannot log in", "priority": "P1", **given}
    with pytest.raises(ValidationFailed) as err:
        records.create(session, "ticket", row)
    assert "computed by cims" in err.value.problems[header]
    with pytest.raises(ValidationFailed):
        records.create_many(session, "ticket", [dict(row, subject="another")])
    assert ticket_count(store_path) == 1


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_an_import_through_the_api_may_give_when_a_pause_began_but_never_the_seconds_paused(
        role, signed_in, late_ticket, store_path):
    session = signed_in(role)
    row = {"customer_id": late_ticket["customer_id"], "subject": "Refund", "priority": "P2", "status": "Pending",
           "opened_at": now() - dt.timedelta(days=3), "paused_seconds": FAR}
    with pytest.raises(ValidationFailed) as err:
        records.create_many(session, "ticket", [row], imported=True)
    assert "computed by cims" in err.value.problems["Paused Seconds"]
    assert ticket_count(store_path) == 1
    # the help desk's "Updated at" of a ticket still Pending there: its pause starts then
    began = now() - dt.timedelta(days=2)
    del row["paused_seconds"]
    (made,) = records.create_many(session, "ticket", [dict(row, pending_since=began)], imported=True)
    kept = stored(store_path, made["id"])
    assert abs(kept["pending_since"] - began) < dt.timedelta(seconds=1) and kept["paused_seconds"] == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key, header, shift", [
    ("opened_at", "Opened", dt.timedelta(days=3)),               # in the future: due times 3 days out
    ("first_response_at", "First Response", dt.timedelta(hours=2)),
    ("resolved_at", "Resolved", dt.timedelta(days=400)),
])
def test_a_typed_time_in_the_future_is_refused_naming_the_field(role, key, header, shift, signed_in,
                                                                late_ticket, store_path):
    session = signed_in(role)
    with pytest.raises(ValidationFailed) as err:
        records.update(session, late_ticket["id"], {key: now() + shift})
    assert "in the future" in err.value.problems[header]
    assert_clock_unchanged(store_path, late_ticket)
    with pytest.raises(ValidationFailed) as err:
        records.create(session, "ticket", {"customer_id": late_ticket["customer_id"], "subject": "x",
                                           key: now() + shift})
    assert "in the future" in err.value.problems[header]
    assert ticket_count(store_path) == 1


@pytest.mark.parametrize("role", ROLES)
def test_an_opening_moved_after_the_ticket_was_entered_is_refused_and_the_breach_stays(
        role, signed_in, late_ticket, store_path, monkeypatch):
    session = signed_in(role)
    # edited a day later: the ticket was open when it was entered in cims, and a later
    # opening would restart the clock and make the late response look on time
    monkeypatch.setattr(records, "utcnow", lambda: now() + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as err:
        records.update(session, late_ticket["id"],
                       {"opened_at": late_ticket["created_at"] + dt.timedelta(minutes=5)})
    assert "after the ticket was entered in cims" in err.value.problems["Opened"]
    assert_clock_unchanged(store_path, late_ticket)


@pytest.mark.parametrize("role", ROLES)
def test_a_row_written_through_the_sheet_rows_service_cannot_carry_the_clock(role, signed_in, late_ticket,
                                                                             store_path):
    from cims_xl.services import sheet_rows

    session = signed_in(role)
    row = {"customer_id": late_ticket["customer_id"], "subject": "Cannot log in", "priority": "P1",
           "status": "Open", "paused_seconds": FAR}
    with pytest.raises(ValidationFailed) as err:
        sheet_rows.create_for_row(session, "ticket", row, None)
    assert "computed by cims" in err.value.problems["Paused Seconds"]
    assert ticket_count(store_path) == 1


@pytest.mark.parametrize("role", ROLES)
def test_a_first_response_typed_before_the_ticket_was_opened_is_refused(role, signed_in, late_ticket,
                                                                       store_path):
    session = signed_in(role)
    with pytest.raises(ValidationFailed) as err:
        records.update(session, late_ticket["id"],
                       {"first_response_at": late_ticket["opened_at"] - dt.timedelta(minutes=30)})
    assert "before the ticket was opened" in err.value.problems["First Response"]
    assert_clock_unchanged(store_path, late_ticket)


@pytest.mark.parametrize("role", ROLES)
def test_a_first_response_typed_in_the_past_is_kept_and_audited_as_a_change_of_that_field(
        role, signed_in, late_ticket, store_path):
    session = signed_in(role)
    with pytest.raises(ValidationFailed):          # not one still to come
        records.update(session, late_ticket["id"], {"first_response_at": now() + dt.timedelta(minutes=30)})
    answered = (late_ticket["opened_at"] + dt.timedelta(hours=9)).replace(microsecond=0)
    records.update(session, late_ticket["id"], {"first_response_at": answered})
    after = stored(store_path, late_ticket["id"])
    assert after["first_response_at"] == answered
    # typed an hour late: still a missed response, and the due times did not move
    assert (after["first_response_due"], after["resolution_due"]) == (late_ticket["first_response_due"],
                                                                      late_ticket["resolution_due"])
    assert sla.breach_flags(after, now())["first_response_breached"] is True
    last = records.history(session, late_ticket["id"])[-1]
    assert last["actor"] == session.username and last["action"] == "update"
    assert "first_response_at" in last["changes"]
    assert "paused_seconds" not in last["changes"] and "first_response_due" not in last["changes"]


@pytest.mark.parametrize("role", ROLES)
def test_status_changes_still_pause_and_resume_the_clock_and_no_edit_takes_the_pause_back(
        role, signed_in, late_ticket, store_path, monkeypatch):
    session = signed_in(role)
    start = now().replace(microsecond=0)
    monkeypatch.setattr(records, "utcnow", lambda: start)
    records.update(session, late_ticket["id"], {"status": "Open"})
    records.update(session, late_ticket["id"], {"status": "Pending"})
    assert stored(store_path, late_ticket["id"])["pending_since"] == start
    monkeypatch.setattr(records, "utcnow", lambda: start + dt.timedelta(hours=2))
    records.update(session, late_ticket["id"], {"status": "Open"})
    after = stored(store_path, late_ticket["id"])
    assert after["pending_since"] is None and after["paused_seconds"] == 2 * 3600
    assert after["resolution_due"] - late_ticket["resolution_due"] == dt.timedelta(hours=2)
    # answered late (at the first move to Open): the response due time stays where it was
    assert after["first_response_due"] == late_ticket["first_response_due"]
    # nor can the pause be taken back (or made longer) by hand
    for seconds in (0, FAR):
        with pytest.raises(ValidationFailed, match="Paused Seconds"):
            records.update(session, late_ticket["id"], {"paused_seconds": seconds})
    assert stored(store_path, late_ticket["id"]) == after


# ----- command line ------------------------------------------------------------------------

@pytest.fixture
def cli(store_path, monkeypatch, capsys, session_as):
    from cims_xl.cli import main

    monkeypatch.setenv("CIMS_STORE", str(store_path))

    def invoke(role: str, *args: str):
        if role == "admin":
            from conftest import ADMIN_PASSWORD
            monkeypatch.setenv("CIMS_USER", "admin")
            monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
        else:
            session_as(role)                 # the user exists, with a password
            monkeypatch.setenv("CIMS_USER", f"{role}1")
            monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("option, value, header", [
    ("--paused-seconds", str(FAR), "Paused Seconds"),
    ("--paused-seconds", "0", "Paused Seconds"),
    ("--pending-since", "2020-01-01 10:00", "Pending Since"),
    ("--resolution-due", "2030-01-01 10:00", "Resolution Due"),
])
def test_ticket_edit_and_add_refuse_the_clock_options_naming_the_field(role, option, value, header, cli,
                                                                      late_ticket, store_path):
    code, out, err = cli(role, "ticket", "edit", late_ticket["id"], option, value)
    assert code != 0 and header in err and "computed by cims" in err
    code, out, err = cli(role, "ticket", "add", "--customer-id", late_ticket["customer_id"],
                         "--subject", "Cannot log in", option, value)
    assert code != 0 and header in err and "computed by cims" in err
    assert_clock_unchanged(store_path, late_ticket)
    assert ticket_count(store_path) == 1


@pytest.mark.parametrize("role", ROLES)
def test_ticket_edit_refuses_a_time_in_the_future_or_a_response_before_the_opening(role, cli, late_ticket,
                                                                                  store_path):
    ahead = (dt.datetime.now(UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M +00:00")
    code, out, err = cli(role, "ticket", "edit", late_ticket["id"], "--opened-at", ahead)
    assert code != 0 and "Opened" in err and "in the future" in err
    early = (late_ticket["opened_at"] - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M +00:00")
    code, out, err = cli(role, "ticket", "edit", late_ticket["id"], "--first-response-at", early)
    assert code != 0 and "First Response" in err and "before the ticket was opened" in err
    assert_clock_unchanged(store_path, late_ticket)


# ----- workbook Save ------------------------------------------------------------------------

def add_table_column(path, sheet: str, header: str, values: dict[str, object]) -> None:
    """Add a column to the sheet's table the way Excel does when one types a heading right
    of it, and type `values` (by record id) into it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    table = next(iter(ws.tables.values()))
    c1, r1, c2, r2 = range_boundaries(table.ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    key_col = c1 + headers.index("_key")
    new = c2 + 1
    ws.cell(r1, new).value = header
    for r in range(r1 + 1, r2 + 1):
        if ws.cell(r, key_col).value in values:
            ws.cell(r, new).value = values[ws.cell(r, key_col).value]
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(new)}{r2}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=header))
    wb.save(path)


def save_tickets(session, path) -> dict:
    return sync.sync_file(session, path, "save", sheets=["Tickets"])["sheets"]["Tickets"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("header, value", [("Paused Seconds", FAR), ("Pending Since", dt.datetime(2020, 1, 1, 9)),
                                           ("paused_seconds", FAR)])
def test_a_column_of_the_paused_clock_added_to_the_tickets_sheet_is_refused_on_save(
        role, header, value, signed_in, late_ticket, store_path, tmp_path):
    session = signed_in(role)
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(session, book, "refresh", sheets=["Tickets"])
    # the sheet does not show the pause bookkeeping at all (Response Due is read-only)
    assert not {"Paused Seconds", "Pending Since", "paused_seconds", "pending_since"} \
        & set(row_of(book, late_ticket["id"], "Tickets"))
    add_table_column(book, "Tickets", header, {late_ticket["id"]: value})
    with Editor(book, "Tickets") as ed:          # an ordinary edit on the same row
        ed.set(late_ticket["id"], "Priority", "P4")
    counts = save_tickets(session, book)
    assert counts["invalid"] == 1 and counts["updated"] == 0
    status = row_of(book, late_ticket["id"], "Tickets")["Status"]
    assert status.startswith("Invalid") and "computed by cims" in status
    assert ("Paused Seconds" if header == "paused_seconds" else header) in status
    assert_clock_unchanged(store_path, late_ticket)
    assert stored(store_path, late_ticket["id"])["priority"] == "P3"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("header, when, says", [
    ("Opened", lambda t: dt.datetime.now() + dt.timedelta(days=3), "in the future"),
    ("First Response", lambda t: dt.datetime.now() + dt.timedelta(days=1), "in the future"),
    ("First Response", lambda t: t["opened_at"].replace(tzinfo=None) - dt.timedelta(days=2),
     "before the ticket was opened"),
])
def test_a_time_typed_on_the_tickets_sheet_in_the_future_or_before_the_opening_is_refused(
        role, header, when, says, signed_in, late_ticket, store_path, tmp_path):
    session = signed_in(role)
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(session, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.set(late_ticket["id"], header, when(late_ticket).replace(second=0, microsecond=0))
    counts = save_tickets(session, book)
    assert counts["invalid"] == 1 and counts["updated"] == 0
    status = row_of(book, late_ticket["id"], "Tickets")["Status"]
    assert status.startswith("Invalid") and header in status and says in status
    assert_clock_unchanged(store_path, late_ticket)


@pytest.mark.parametrize("role", ROLES)
def test_a_new_row_on_the_tickets_sheet_opened_in_the_future_is_not_created(role, signed_in, late_ticket,
                                                                            store_path, tmp_path):
    session = signed_in(role)
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(session, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.add_row({"Customer ID": late_ticket["customer_id"], "Subject": "Screen flickers",
                    "Opened": (dt.datetime.now() + dt.timedelta(days=5)).replace(second=0, microsecond=0)})
    counts = save_tickets(session, book)
    assert counts["invalid"] == 1 and counts["created"] == 0
    assert ticket_count(store_path) == 1
