"""cims never stores a time nobody gave: a back-dated record's unknown times stay unknown
(empty), whatever its age, and only an event that happens now through cims (a status
change made now) is stamped "now". A time where the event must have happened (opened,
occurred, answered, resolved, closed) is never in the future. Real encrypted stores in
tmp_path; the CLI, the Python API and a workbook Save (real file)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SERVICE
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, table_rows

UTC = dt.timezone.utc


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def _typed(when: dt.datetime) -> str:
    """A time as a person types it on the command line, in $CIMS_TZ (UTC in these tests)."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Li Lei", "email": "li@example.cn"})["id"]


@pytest.fixture
def cli(run, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "UTC")

    def invoke(*args):
        return run("--format", "json", *args)
    return invoke


# ----- back-dated tickets: unknown times stay unknown ------------------------------------------

@pytest.mark.parametrize("hours_ago", [0.5, 6, 23, 26, 24 * 12])
@pytest.mark.parametrize("status", ["Open", "Pending", "Resolved", "Closed"])
def test_a_back_dated_ticket_keeps_its_unknown_times_empty_whatever_its_age(admin, customer, status, hours_ago):
    opened = _now() - dt.timedelta(hours=hours_ago)
    rec = records.create(admin, "ticket", {"customer_id": customer, "subject": "Login", "status": status,
                                           "opened_at": opened})
    stored = records.get(admin, rec["id"])
    assert stored["opened_at"] == opened
    assert stored["first_response_at"] is None
    assert stored["resolved_at"] is None and stored["closed_at"] is None


@pytest.mark.parametrize("hours_ago", [23, 26])
def test_ticket_add_back_dated_and_resolved_stores_no_response_and_the_report_says_unknown(cli, customer, admin,
                                                                                          hours_ago):
    opened = _now() - dt.timedelta(hours=hours_ago)
    code, out, err = cli("ticket", "add", "--customer-id", customer, "--subject", "Printer", "--status", "Resolved",
                         "--priority", "P3", "--opened-at", _typed(opened))
    assert code == 0, err
    tid = json.loads(out)["id"]
    stored = records.get(admin, tid)
    assert stored["first_response_at"] is None and stored["resolved_at"] is None
    table = build_for_session(admin)[SERVICE].table("tblServiceByPriority")
    row = table.data.set_index("Priority").loc["P3"]
    # no breach nobody recorded: the response is unknown, not a miss
    assert row["Response Within Target"] != row["Response Within Target"] or row["Response Within Target"] is None
    assert tid in table.note and "nobody recorded" in table.note


def test_a_status_change_made_now_is_stamped_now_but_the_earlier_unknown_response_stays_unknown(admin, customer):
    opened = _now() - dt.timedelta(hours=20)
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "VPN", "status": "Open",
                                           "opened_at": opened})["id"]
    before = _now()
    records.update(admin, tid, {"status": "Resolved"})
    stored = records.get(admin, tid)
    assert stored["first_response_at"] is None                        # answered at a time nobody gave
    assert stored["resolved_at"] is not None and stored["resolved_at"] >= before    # resolved now, in cims


def test_a_new_sheet_row_back_dated_and_resolved_is_saved_with_its_unknown_times_empty(admin, customer, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Europe/Berlin")
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    opened = (_now() - dt.timedelta(hours=23)).astimezone(dt.timezone(dt.timedelta(hours=1)))
    with Editor(book, "Tickets") as ed:
        ed.add_row({"Customer ID": customer, "Subject": "Router", "Ticket Status": "Closed",
                    "Opened": opened.replace(tzinfo=None)})
    counts = sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]
    assert counts["created"] == 1, table_rows(book, "Tickets")
    [rec] = records.list_records(admin, "ticket")
    assert rec["first_response_at"] is None and rec["resolved_at"] is None and rec["closed_at"] is None


# ----- times in the future: refused, naming the field and the value ----------------------------

def test_ticket_add_opened_in_the_future_is_refused_naming_opened_and_the_time(cli, customer, admin):
    future = _now() + dt.timedelta(days=3)
    code, out, err = cli("ticket", "add", "--customer-id", customer, "--subject", "Later", "--status", "Open",
                         "--opened-at", _typed(future))
    assert code != 0
    assert "Opened" in err and _typed(future) in err and "future" in err
    assert records.list_records(admin, "ticket") == []


@pytest.mark.parametrize("field, header", [("opened_at", "Opened"), ("first_response_at", "First Response"),
                                           ("resolved_at", "Resolved"), ("closed_at", "Closed")])
def test_a_ticket_time_given_in_the_future_is_refused_on_create_and_on_edit(admin, customer, field, header):
    future = _now() + dt.timedelta(hours=2)
    opened = _now() - dt.timedelta(hours=1)
    data = {"customer_id": customer, "subject": "Later", "status": "Closed", "opened_at": opened, field: future}
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "ticket", data)
    assert header in exc.value.problems and "future" in exc.value.problems[header]
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "Now", "status": "Closed",
                                           "opened_at": opened})["id"]
    with pytest.raises(ValidationFailed) as exc:
        records.update(admin, tid, {field: future})
    assert header in exc.value.problems


def test_an_interaction_a_minute_ahead_is_clock_skew_but_ten_minutes_ahead_is_refused(admin, customer):
    ahead = _now() + dt.timedelta(minutes=1)
    rec = records.create(admin, "interaction", {"customer_id": customer, "kind": "Call", "subject": "Hi",
                                                "occurred_at": ahead})
    assert records.get(admin, rec["id"])["occurred_at"] == ahead
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "interaction", {"customer_id": customer, "kind": "Call", "subject": "Hi",
                                              "occurred_at": _now() + dt.timedelta(minutes=10)})
    assert "future" in exc.value.problems["When"]
    with pytest.raises(ValidationFailed):
        records.update(admin, rec["id"], {"occurred_at": _now() + dt.timedelta(days=1)})
    assert records.get(admin, rec["id"])["occurred_at"] == ahead


def test_interaction_add_in_the_future_is_refused_naming_when(cli, customer, admin):
    future = _now() + dt.timedelta(days=2)
    code, out, err = cli("interaction", "add", "--customer-id", customer, "--kind", "Call", "--subject", "Demo",
                         "--occurred-at", _typed(future))
    assert code != 0 and "When" in err and _typed(future) in err
    assert records.list_records(admin, "interaction") == []


def test_a_new_interaction_row_in_the_future_is_refused_on_save(admin, customer, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Interactions"])
    future = (_now() + dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    with Editor(book, "Interactions") as ed:
        ed.add_row({"Customer ID": customer, "Kind": "Meeting", "Subject": "Demo", "When": future})
    counts = sync.sync_file(admin, book, "save", sheets=["Interactions"])["sheets"]["Interactions"]
    assert counts["created"] == 0 and counts["invalid"] == 1
    [row] = table_rows(book, "Interactions")
    assert "When" in row["Status"] and "future" in row["Status"]
    assert records.list_records(admin, "interaction") == []


# ----- an interaction logged without a time -----------------------------------------------------

def test_interaction_add_without_occurred_at_is_now_and_says_so(cli, customer, admin):
    before = _now()
    code, out, err = cli("interaction", "add", "--customer-id", customer, "--kind", "Call", "--subject", "Hi")
    assert code == 0, err
    stored = records.get(admin, json.loads(out)["id"])
    assert stored["occurred_at"] is not None and before <= stored["occurred_at"] <= _now()
    assert "When" in err and "now" in err and "--occurred-at" in err


def test_an_imported_interaction_or_ticket_in_the_future_is_rejected_naming_the_column(run, admin, customer,
                                                                                      tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "UTC")
    later = _typed(_now() + dt.timedelta(days=30))
    past = _typed(_now() - dt.timedelta(days=30))
    calls = tmp_path / "calls.csv"
    calls.write_text(f"Customer,Kind,Subject,Date\nLi Lei,Call,Past,{past}\nLi Lei,Call,Future,{later}\n",
                     encoding="utf-8")
    code, out, err = run("import", str(calls), "--kind", "interactions")
    assert "Date (When)" in out + err and "future" in out + err
    assert [i["subject"] for i in records.list_records(admin, "interaction")] == ["Past"]
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(f"Customer,Subject,Status,Opened\nLi Lei,Old,Open,{past}\nLi Lei,Ahead,Open,{later}\n",
                       encoding="utf-8")
    code, out, err = run("import", str(tickets), "--kind", "tickets")
    assert "Opened" in out + err and "future" in out + err
    [old] = records.list_records(admin, "ticket")
    assert old["subject"] == "Old" and old["first_response_at"] is None
