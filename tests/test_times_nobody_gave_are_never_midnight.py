"""cims never stores a time nobody gave (tix27): a date without a time for a time something
happened (a ticket's Opened, First Response, Resolved, Closed; an interaction's When) is
never stored as midnight. The CLI, the Python API and sheet Save refuse it with "give the
time too"; an import whose ticket time column holds dates alone stops before writing,
naming the column, examples and `--time-unknown empty`, which then stores those times
empty (unknown: no 0 h response, no breach). Real encrypted stores in tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import SERVICE
from cims_xl.services import records
from table_files import write_csv, write_xlsx
from test_sync_support import Editor, new_workbook, row_of

UTC = dt.timezone.utc


def _days_ago(n: int) -> dt.date:
    return (dt.datetime.now(UTC) - dt.timedelta(days=n)).date()


# a date written without a time, in several forms people type
FORMS = [lambda d: d.isoformat(), lambda d: d.strftime("%Y/%m/%d"), lambda d: f"{d.year}年{d.month}月{d.day}日",
         lambda d: d.strftime("%d %B %Y")]


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Chen Jing", "email": "cj@example.cn"})["id"]


@pytest.fixture
def cli(run, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    return lambda *args: run("--format", "json", *args)


@pytest.mark.parametrize("form", FORMS)
def test_ticket_add_with_an_opening_date_and_no_time_is_refused_asking_for_the_time(cli, customer, admin, form):
    day = _days_ago(3)
    code, out, err = cli("ticket", "add", "--customer-id", customer, "--subject", "Login", "--priority", "P1",
                         "--opened-at", form(day))
    assert code != 0 and "Opened" in err and "give the time too" in err and f"{day.isoformat()} 14:30" in err
    assert records.list_records(admin, "ticket") == []


@pytest.mark.parametrize("option", ["--first-response-at", "--resolved-at"])
def test_ticket_edit_with_a_date_alone_for_a_response_or_resolution_is_refused(cli, customer, admin, option):
    opened = dt.datetime.now(UTC).replace(second=0, microsecond=0) - dt.timedelta(days=3)
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "VPN", "opened_at": opened})["id"]
    code, out, err = cli("ticket", "edit", tid, option, _days_ago(1).isoformat())
    assert code != 0 and "give the time too" in err
    stored = records.get(admin, tid)
    assert stored["first_response_at"] is None and stored["resolved_at"] is None


def test_interaction_add_with_a_date_alone_is_refused_not_stored_at_midnight(cli, customer, admin):
    code, out, err = cli("interaction", "add", "--customer-id", customer, "--kind", "Call", "--subject", "Renewal",
                         "--occurred-at", _days_ago(2).isoformat())
    assert code != 0 and "When" in err and "give the time too" in err
    assert records.list_records(admin, "interaction") == []
    # with its time it is taken
    code, out, err = cli("interaction", "add", "--customer-id", customer, "--kind", "Call", "--subject", "Renewal",
                         "--occurred-at", f"{_days_ago(2).isoformat()} 15:10")
    assert code == 0, err
    (rec,) = records.list_records(admin, "interaction")
    assert rec["occurred_at"].astimezone(UTC).strftime("%H:%M") == "07:10"      # 15:10 in Shanghai


@pytest.mark.parametrize("key", ["opened_at", "first_response_at"])
def test_the_api_refuses_a_date_object_for_a_ticket_time(admin, customer, key):
    opened = dt.datetime.now(UTC).replace(microsecond=0) - dt.timedelta(days=5)
    data = {"customer_id": customer, "subject": "Fax", "opened_at": opened, "status": "Open", key: _days_ago(2)}
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "ticket", data)
    assert "give the time too" in " ".join(exc.value.problems.values())
    assert records.list_records(admin, "ticket") == []


def test_a_date_typed_as_text_in_a_time_cell_of_the_tickets_sheet_is_refused_on_save(admin, customer, tmp_path):
    opened = dt.datetime.now(UTC).replace(second=0, microsecond=0) - dt.timedelta(days=3)
    tid = records.create(admin, "ticket", {"customer_id": customer, "subject": "Fax", "opened_at": opened})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Tickets"])
    with Editor(book, "Tickets") as ed:
        ed.set(tid, "First Response", _days_ago(1).isoformat())
    counts = sync.sync_file(admin, book, "save", sheets=["Tickets"])["sheets"]["Tickets"]
    assert counts["invalid"] == 1 and counts["updated"] == 0
    assert "give the time too" in row_of(book, tid, "Tickets")["Status"]
    assert records.get(admin, tid)["first_response_at"] is None


def _ticket_file(tmp_path, fmt: str, header: list[str], rows: list[list[object]]):
    writer = write_csv if fmt == "csv" else write_xlsx
    return writer(tmp_path / f"tickets.{fmt}", [header, *rows])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("header", [
    ["Subject", "Customer", "Priority", "Status", "Created", "First Response At", "Resolved At"],
    ["Betreff", "Kunde", "Priorität", "Status", "Erstellt", "Erste Antwort", "Gelöst am"],
])
def test_an_import_of_ticket_times_written_as_dates_alone_stops_naming_the_column_and_the_option(
        admin, tmp_path, fmt, header):
    rows = [["Crash", "Acme", "P1", "Resolved", "2026-11-10 09:00", dt.date(2026, 11, 10) if fmt == "xlsx"
             else "2026-11-10", "2026-11-11"],
            ["Slow", "Acme", "P2", "Resolved", "2026-11-12 09:00", "2026-11-12 10:00", "2026-11-13 10:00"]]
    path = _ticket_file(tmp_path, fmt, header, rows)
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, path, kind="tickets")
    said = exc.value.message
    assert f"'{header[5]}'" in said and f"'{header[6]}'" in said and "2026-11-11" in said
    assert "--time-unknown empty" in said and "Nothing was imported" in said
    assert f"'{header[4]}'" not in said          # its values have their times
    assert records.list_records(admin, "ticket") == []

    result = import_file(admin, path, kind="tickets", time_unknown="empty")
    assert (result.created, result.rejected) == (2, 0)
    stored = {t["subject"]: t for t in records.list_records(admin, "ticket")}
    assert stored["Crash"]["first_response_at"] is None and stored["Crash"]["resolved_at"] is None
    assert stored["Slow"]["resolved_at"] == dt.datetime(2026, 11, 13, 10, tzinfo=UTC)
    assert any("--time-unknown empty" in i["evidence"] for i in result.inferences)
    p1 = build_for_session(admin)[SERVICE].table("tblServiceByPriority").data.set_index("Priority").loc["P1"]
    # no 0 h response within target and no 24 h resolution breach the file never showed
    assert p1["Median First Response (h)"] != p1["Median First Response (h)"]
    assert p1["Resolution Within Target"] != p1["Resolution Within Target"]


def test_with_time_unknown_empty_a_ticket_opened_on_a_date_alone_is_rejected_naming_why(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Subject", "Customer", "Priority", "Created"],
                                          ["Crash", "Acme", "P1", "2026-11-10"],
                                          ["Slow", "Acme", "P2", "2026-11-12 09:00"]])
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, path, kind="tickets")
    assert "'Created'" in exc.value.message and "--time-unknown" in exc.value.message
    result = import_file(admin, path, kind="tickets", time_unknown="empty")
    assert (result.created, result.rejected) == (1, 1)
    (rec,) = records.list_records(admin, "ticket")
    assert rec["subject"] == "Slow"
    # a date column beside a time column is one time: no stop
    joined = write_csv(tmp_path / "joined.csv", [["Subject", "Customer", "Priority", "Date", "Time"],
                                                 ["Fax", "Acme", "P1", "2026-11-14", "09:15"]])
    assert import_file(admin, joined, kind="tickets").created == 1
    fax = next(t for t in records.list_records(admin, "ticket") if t["subject"] == "Fax")
    assert fax["opened_at"].astimezone(UTC).time() != dt.time(0)


def test_with_time_unknown_start_of_day_the_dates_count_from_midnight_and_the_summary_says_so(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Subject", "Customer", "Priority", "Status", "Created", "Resolved At"],
                                          ["Crash", "Acme", "P1", "Resolved", "2026-11-10", "2026-11-11"]])
    result = import_file(admin, path, kind="tickets", time_unknown="start-of-day")
    assert result.created == 1
    (rec,) = records.list_records(admin, "ticket")
    assert rec["resolved_at"] - rec["opened_at"] == dt.timedelta(days=1)
    lines = [i for i in result.inferences if i["what"].startswith("dates without a time")]
    assert {i["what"] for i in lines} == {"dates without a time in 'Created'", "dates without a time in 'Resolved At'"}
    assert all("start of its day" in i["decided"] for i in lines)


def test_a_ticket_file_without_a_status_column_is_closed_where_a_row_gives_its_closing_time(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Subject", "Customer", "Opened", "Resolved", "Closed"],
                                          ["Crash", "Acme", "2026-11-10 09:00", "2026-11-10 11:00", "2026-11-10 12:00"],
                                          ["Slow", "Acme", "2026-11-11 09:00", "2026-11-11 10:00", ""],
                                          ["Open", "Acme", "2026-11-12 09:00", "", ""]])
    assert import_file(admin, path, kind="tickets").created == 3
    status = {t["subject"]: t["status"] for t in records.list_records(admin, "ticket")}
    assert status == {"Crash": "Closed", "Slow": "Resolved", "Open": "New"}
