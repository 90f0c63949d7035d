"""Times without a zone are clock times in the zone cims shows times in; named zones;
a date and its time in two columns; tickets whose times are out of order.

Every file here is written by the test, in several languages and shapes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from zoneinfo import ZoneInfo, available_timezones

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx

UTC = dt.timezone.utc


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def by_subject(session, kind: str = "interaction") -> dict[str, dict]:
    return {r["subject"]: r for r in records.list_records(session, kind)}


def rejected(result) -> list:
    return [o for o in result.outcomes if o.action == "rejected"]


def zone_line(result) -> dict:
    (line,) = [i for i in result.inferences if i["what"] == "times without a zone"]
    return line


# ----- 1. a time without a zone is a clock time in the display zone ---------------------

@pytest.mark.parametrize("zone, stored", [
    ("Asia/Shanghai", at(2024, 3, 5, 6, 30)),
    ("America/New_York", at(2024, 3, 5, 19, 30)),
    ("Europe/Berlin", at(2024, 3, 5, 13, 30)),
    ("UTC", at(2024, 3, 5, 14, 30)),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_an_imported_time_without_a_zone_is_the_clock_time_of_the_zone_times_are_shown_in(
        admin, tmp_path, monkeypatch, zone, stored, writer):
    monkeypatch.setenv("CIMS_TZ", zone)
    cell = "2024-03-05 14:30" if writer is write_csv else dt.datetime(2024, 3, 5, 14, 30)
    path = writer(tmp_path / ("calls.csv" if writer is write_csv else "calls.xlsx"), [
        ["Type", "Date", "Subject", "Customer"],
        ["Call", cell, "Quote", "Acme Ltd"],
        ["Meeting", "2024-03-06T09:00:00+01:00", "Kick-off", "Beta Inc"],
        ["Call", "2024-03-07T10:00:00Z", "Check-in", "Beta Inc"]])
    result = import_file(admin, path, kind="interactions")
    got = by_subject(admin)
    assert got["Quote"]["occurred_at"] == stored
    assert got["Kick-off"]["occurred_at"] == at(2024, 3, 6, 8, 0)        # its own offset kept
    assert got["Check-in"]["occurred_at"] == at(2024, 3, 7, 10, 0)
    line = zone_line(result)
    assert zone in line["decided"] and "1 time(s)" in line["evidence"] and "$CIMS_TZ" in line["evidence"]


def test_a_file_whose_times_all_name_their_zone_says_nothing_about_a_zone(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Tokyo")
    path = write_csv(tmp_path / "calls.csv", [["Type", "Date", "Subject", "Customer"],
                                              ["Call", "2024-03-05T14:30:00+09:00", "Quote", "Acme"]])
    result = import_file(admin, path, kind="interactions")
    assert by_subject(admin)["Quote"]["occurred_at"] == at(2024, 3, 5, 5, 30)
    assert not [i for i in result.inferences if i["what"] == "times without a zone"]


def test_a_time_typed_at_the_command_line_is_shown_back_as_typed(run, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    run("customer", "add", "--name", "Acme Ltd")
    code, out, err = run("--format", "json", "interaction", "add", "--customer-id", "C-000001",
                         "--kind", "Call", "--occurred-at", "2024-03-05 14:30")
    assert code == 0, err
    assert json.loads(out)["occurred_at"] == "2024-03-05T06:30:00Z"
    code, out, err = run("interaction", "list")
    assert "2024-03-05 14:30" in out and "Asia/Shanghai" in out


def test_a_ticket_time_typed_at_the_command_line_is_taken_in_the_display_zone(run, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "America/Sao_Paulo")
    run("customer", "add", "--name", "Acme Ltd")
    code, out, err = run("--format", "json", "ticket", "add", "--customer-id", "C-000001", "--subject", "Printer",
                         "--opened-at", "2024-03-05 09:00")
    assert code == 0, err
    assert json.loads(out)["opened_at"] == "2024-03-05T12:00:00Z"


@pytest.mark.parametrize("zone, value, words", [
    ("America/New_York", "2024-03-10 02:30", ("does not exist", "America/New_York", "-05:00", "-04:00")),
    ("Europe/Berlin", "2024-03-31 02:15", ("does not exist", "Europe/Berlin", "+01:00", "+02:00")),
    ("America/New_York", "2024-11-03 01:30", ("happens twice", "America/New_York", "-04:00", "-05:00")),
    ("Europe/London", "2024-10-27 01:30", ("happens twice", "Europe/London", "+01:00", "+00:00")),
])
def test_a_clock_time_the_zone_skips_or_passes_twice_is_refused_naming_the_zone(
        admin, tmp_path, monkeypatch, run, zone, value, words):
    monkeypatch.setenv("CIMS_TZ", zone)
    path = write_csv(tmp_path / "calls.csv", [["Type", "Date", "Subject", "Customer"],
                                              ["Call", value, "Odd hour", "Acme"],
                                              ["Call", "2024-06-05 14:30", "Fine hour", "Acme"]])
    result = import_file(admin, path, kind="interactions")
    (refused,) = rejected(result)
    assert all(w in str(refused.problems) for w in words), refused.problems
    assert set(by_subject(admin)) == {"Fine hour"}
    code, out, err = run("interaction", "add", "--customer-id", "C-000001", "--occurred-at", value)
    assert code != 0 and all(w in err for w in words), err
    # with its offset the same time is read
    code, out, err = run("interaction", "add", "--customer-id", "C-000001", "--occurred-at", value + " +00:00")
    assert code == 0, err


def test_a_date_without_a_time_is_the_start_of_that_day_in_the_display_zone():
    zone = ZoneInfo("Asia/Kolkata")
    assert nz.parse_datetime("2024-03-05", tz=zone) == at(2024, 3, 4, 18, 30)
    assert nz.parse_datetime(dt.date(2024, 3, 5), tz=zone) == at(2024, 3, 4, 18, 30)


# ----- 3. named zones -----------------------------------------------------------------

@pytest.mark.parametrize("text, stored", [
    ("Mar 5, 2024, 2:30:00 PM EST", at(2024, 3, 5, 19, 30)),
    ("2024-03-05 14:30 CET", at(2024, 3, 5, 13, 30)),
    ("2024-07-05 14:30 CEST", at(2024, 7, 5, 12, 30)),
    ("2024-03-05 14:30 MEZ", at(2024, 3, 5, 13, 30)),
    ("2024-03-05 14:30 JST", at(2024, 3, 5, 5, 30)),
    ("2024-03-05 14:30 KST", at(2024, 3, 5, 5, 30)),
    ("Tue Mar 05 2024 14:30:00 GMT+0800", at(2024, 3, 5, 6, 30)),
    ("Tue Mar 05 2024 14:30:00 GMT+0800 (China Standard Time)", at(2024, 3, 5, 6, 30)),
    ("Tue Mar 05 2024 14:30:00 GMT+0900 (日本標準時)", at(2024, 3, 5, 5, 30)),
    ("2024-03-05 14:30 UTC+8", at(2024, 3, 5, 6, 30)),
    ("2024-03-05 14:30 UTC-05:30", at(2024, 3, 5, 20, 0)),
    ("2024-03-05 14:30 (China Standard Time)", at(2024, 3, 5, 6, 30)),
    ("2024-03-05 14:30 Pacific Standard Time", at(2024, 3, 5, 22, 30)),
])
def test_a_time_with_a_zone_that_names_one_offset_is_read_in_that_offset(text, stored):
    # the display zone does not matter: the value names its own
    assert nz.parse_datetime(text, "DMY", ZoneInfo("Pacific/Auckland")) == stored


@pytest.mark.parametrize("text, offsets", [
    ("2024-03-05 14:30 IST", ("+01:00", "+02:00", "+05:30")),
    ("2024-03-05 14:30 CST", ("-06:00", "+08:00")),
    ("Mar 5, 2024, 2:30:00 PM PST", ("-08:00", "+08:00")),
    ("2024-03-05 14:30 PT", ("-08:00", "-07:00")),
])
def test_a_zone_abbreviation_that_names_several_offsets_is_refused_naming_them(text, offsets):
    with pytest.raises(ValueError) as caught:
        nz.parse_datetime(text, tz=ZoneInfo("Asia/Shanghai"))
    assert "more than one offset" in str(caught.value)
    assert all(o in str(caught.value) for o in offsets), caught.value


def test_every_abbreviation_the_tz_database_uses_is_read_as_that_zones_offset_or_refused():
    # property: for zones taken at random, "<time> <their abbreviation today>" is that
    # zone's offset, or refused; never another offset
    rng = random.Random(19)
    zones = sorted(available_timezones())
    checked = 0
    for name in rng.sample(zones, 120):
        zone = ZoneInfo(name)
        local = dt.datetime(dt.date.today().year, rng.choice((1, 7)), 15, 14, 30, tzinfo=zone)
        abbreviation = local.tzname() or ""
        if not abbreviation[:1].isalpha():
            continue
        text = f"{local:%Y-%m-%d %H:%M} {abbreviation}"
        try:
            got = nz.parse_datetime(text, tz=ZoneInfo("UTC"))
        except ValueError as exc:
            assert "more than one offset" in str(exc), (name, text, exc)
            continue
        assert got == local.astimezone(UTC), (name, text, got)
        checked += 1
    assert checked > 20


def test_an_import_with_named_zones_stores_each_in_its_offset_and_rejects_the_ambiguous_row(admin, tmp_path):
    path = write_csv(tmp_path / "tickets.csv", [
        ["Subject", "Requester", "Requester email", "Status", "Created at"],
        ["A", "Anna", "anna@example.com", "Open", "Tue Mar 05 2024 14:30:00 GMT+0800 (China Standard Time)"],
        ["B", "Bob", "bob@example.com", "Open", "2024-03-05 14:30 CET"],
        ["C", "Carl", "carl@example.com", "Open", "2024-03-05 14:30 IST"]])
    result = import_file(admin, path, kind="tickets")
    (refused,) = rejected(result)
    assert "IST" in str(refused.problems) and "+05:30" in str(refused.problems)
    got = by_subject(admin, "ticket")
    assert got["A"]["opened_at"] == at(2024, 3, 5, 6, 30) and got["B"]["opened_at"] == at(2024, 3, 5, 13, 30)
    assert "C" not in got


# ----- 2. a date and its time in two columns ---------------------------------------------

DATE_TIME_FILES = [
    # (header row, a data row, delimiter, the stored instant in Europe/Berlin)
    (["Type", "Date", "Time", "Subject", "Customer"], ["Call", "2024-03-05", "14:30", "Quote", "Acme"], ","),
    (["Typ", "Datum", "Uhrzeit", "Betreff", "Kunde"], ["Anruf", "05.03.2024", "14:30", "Quote", "Müller GmbH"], ";"),
    (["Type", "Date", "Heure", "Objet", "Client"], ["Appel", "05/03/2024", "14h30", "Quote", "Dupont SA"], ";"),
    (["类型", "日期", "时间", "主题", "客户"], ["电话", "2024-03-05", "14:30", "Quote", "华信"], ","),
    (["種別", "日付", "時刻", "件名", "顧客名"], ["電話", "2024/03/05", "14時30分", "Quote", "山田商事"], ","),
    (["Activity - Subject", "Activity - Type", "Activity - Due date", "Activity - Due time", "Organization - Name"],
     ["Quote", "Call", "2024-03-05", "2:30 PM", "Acme"], ","),
]


@pytest.mark.parametrize("header, row, delimiter", DATE_TIME_FILES, ids=["en", "de", "fr", "zh", "ja", "pipedrive"])
def test_a_date_column_and_a_time_column_make_one_point_in_time(admin, tmp_path, monkeypatch, header, row, delimiter):
    monkeypatch.setenv("CIMS_TZ", "Europe/Berlin")
    path = write_csv(tmp_path / "activities.csv", [header, row], delimiter=delimiter)
    mapping = ["Organization - Name=Customer Name"] if "Organization - Name" in header else None
    result = import_file(admin, path, kind="interactions", mapping=mapping, date_order="DMY")
    assert (result.created, result.rejected) == (1, 0), result.outcomes
    stored = by_subject(admin)["Quote"]
    assert stored["occurred_at"] == at(2024, 3, 5, 13, 30)
    assert "14" not in (stored["notes"] or "")            # the time is not left in Notes
    (line,) = [i for i in result.inferences if i["what"].startswith("date and time of")]
    day, time = (h for h in header if h in line["decided"])
    assert line["decided"] == f"'{day}' + '{time}'" and header.index(time) == header.index(day) + 1


def test_date_and_time_cells_of_a_workbook_make_one_point_in_time(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Tokyo")
    path = write_xlsx(tmp_path / "calls.xlsx", [
        ["Type", "Date", "Time", "Subject", "Customer"],
        ["Call", dt.date(2024, 3, 5), dt.time(14, 30), "Quote", "Acme"],
        ["Call", dt.datetime(2024, 3, 6), "09:15", "Follow-up", "Acme"],
        ["Call", dt.date(2024, 3, 7), None, "All day", "Acme"]])
    result = import_file(admin, path, kind="interactions")
    got = by_subject(admin)
    assert result.rejected == 0, result.outcomes
    assert got["Quote"]["occurred_at"] == at(2024, 3, 5, 5, 30)
    assert got["Follow-up"]["occurred_at"] == at(2024, 3, 6, 0, 15)
    assert got["All day"]["occurred_at"] == at(2024, 3, 6, 15, 0)      # a date alone: the start of the day


def test_a_time_cell_that_is_no_time_or_a_time_without_a_date_rejects_the_row(admin, tmp_path):
    path = write_csv(tmp_path / "calls.csv", [
        ["Type", "Date", "Time", "Subject", "Customer"],
        ["Call", "2024-03-05", "14:30", "Good", "Acme"],
        ["Call", "2024-03-06", "afternoon", "Word", "Acme"],
        ["Call", "", "10:00", "No day", "Acme"],
        ["Call", "2024-03-08", "9:00", "Also good", "Acme"]])
    result = import_file(admin, path, kind="interactions")
    problems = {str(o.problems) for o in rejected(result)}
    assert any("afternoon" in p for p in problems) and any("10:00" in p and "without a date" in p for p in problems)
    assert set(by_subject(admin)) == {"Good", "Also good"}


def test_a_tickets_created_date_and_created_time_make_its_opening(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "America/New_York")
    path = write_csv(tmp_path / "tickets.csv", [
        ["Subject", "Requester", "Requester email", "Status", "Created date", "Created time"],
        ["Printer", "Anna", "anna@example.com", "Open", "2024-03-05", "09:00"]])
    result = import_file(admin, path, kind="tickets")
    assert result.created == 1, result.outcomes
    assert by_subject(admin, "ticket")["Printer"]["opened_at"] == at(2024, 3, 5, 14, 0)


def test_an_activity_file_whose_date_column_is_not_recognised_stops_and_names_the_column(admin, tmp_path):
    path = write_csv(tmp_path / "calls.csv", [["Type", "Subject", "Customer", "Tarehe"],
                                              ["Call", "Quote", "Acme", "2024-03-05 10:00"],
                                              ["Call", "Other", "Acme", "2024-03-06 11:00"]])
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path, kind="interactions")
    assert "When" in str(caught.value) and '--map "Tarehe=When"' in str(caught.value)
    assert records.list_records(admin, "interaction") == []
    result = import_file(admin, path, kind="interactions", mapping=["Tarehe=When"])
    assert result.created == 2


# ----- 4. a ticket resolved before it was opened ----------------------------------------

def test_a_ticket_resolved_before_it_was_opened_is_rejected_with_both_times(admin, tmp_path):
    path = write_csv(tmp_path / "tickets.csv", [
        ["Ticket ID", "Subject", "Requester", "Requester email", "Status", "Created at", "Solved at", "Closed at"],
        ["1", "Backwards", "Anna", "anna@example.de", "Solved", "2024-03-05T14:30:00Z", "2024-03-05T16:00:00+08:00",
         ""],
        ["2", "Closed early", "Bob", "bob@example.com", "Closed", "2024-03-05T14:30:00Z", "",
         "2024-03-04T10:00:00Z"],
        ["3", "In order", "Carl", "carl@example.com", "Solved", "2024-03-05T14:30:00Z", "2024-03-05T18:00:00Z", ""]])
    result = import_file(admin, path, kind="tickets")
    problems = [str(o.problems) for o in rejected(result)]
    assert len(problems) == 2
    assert any("Solved at" in p and "before the ticket was opened" in p and "2024-03-05 08:00" in p for p in problems)
    assert any("Closed at" in p and "before the ticket was opened" in p for p in problems)
    assert set(by_subject(admin, "ticket")) == {"In order"}


def test_a_ticket_typed_or_edited_with_its_resolution_before_its_opening_is_refused(run, admin, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "UTC")
    run("customer", "add", "--name", "Acme Ltd")
    code, out, err = run("ticket", "add", "--customer-id", "C-000001", "--subject", "Backwards",
                         "--opened-at", "2024-03-05 14:30", "--resolved-at", "2024-03-05 10:00", "--status", "Resolved")
    assert code != 0 and "before the ticket was opened" in err and "2024-03-05 10:00" in err, err
    assert records.list_records(admin, "ticket") == []
    code, out, err = run("ticket", "add", "--customer-id", "C-000001", "--subject", "Fine",
                         "--opened-at", "2024-03-05 14:30")
    assert code == 0, err
    code, out, err = run("ticket", "edit", "T-000001", "--status", "Resolved", "--resolved-at", "2024-03-01 09:00")
    assert code != 0 and "before the ticket was opened" in err, err
    assert records.get(admin, "T-000001")["resolved_at"] is None
