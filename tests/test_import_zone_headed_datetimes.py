"""A heading that names the zone its times are written in ("Created (UTC)", "Opened (GMT+8)", "日時 (JST)")
applies to date-and-time fields too: a ticket's Opened or an interaction's When is the moment in that
zone, not a wall-clock time in the user's zone (CIMS_TZ), and is said in the summary. A time in such a
column written with its own offset that contradicts the heading stops the import before anything is
written, naming the column and the time."""
from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import write_table

UTC = dt.timezone.utc


def heading_zone_of(heading: str) -> dt.timezone:
    offsets = {"UTC": 0, "GMT": 0, "GMT+8": 8, "UTC-05:00": -5, "JST": 9}
    return dt.timezone(dt.timedelta(hours=offsets[heading.split("(")[-1].split("[")[-1].strip(")]")]))


def opened(admin) -> dict[str, dt.datetime]:
    return {t["subject"]: t["opened_at"] for t in records.list_records(admin, "ticket")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("zone,heading,written,moment", [
    ("Asia/Shanghai", "Created (UTC)", "2024-03-05 23:30", dt.datetime(2024, 3, 5, 23, 30, tzinfo=UTC)),
    ("America/New_York", "Opened (GMT)", "2024-04-01 02:00:00", dt.datetime(2024, 4, 1, 2, 0, tzinfo=UTC)),
    ("Europe/Berlin", "Created (GMT+8)", "2024-03-05 23:30", dt.datetime(2024, 3, 5, 15, 30, tzinfo=UTC)),
    ("Asia/Shanghai", "Opened [UTC-05:00]", "03/25/2024 20:00", dt.datetime(2024, 3, 26, 1, 0, tzinfo=UTC)),
    ("Europe/Berlin", "Created (JST)", "2024/03/06 08:15", dt.datetime(2024, 3, 5, 23, 15, tzinfo=UTC)),
])
def test_a_ticket_time_under_a_heading_naming_its_zone_is_that_moment(admin, tmp_path, monkeypatch, fmt,
                                                                      zone, heading, written, moment):
    monkeypatch.setenv("CIMS_TZ", zone)
    # a date cell in the workbook holds the same wall-clock time, without a zone
    cell = written if fmt == "csv" else moment.astimezone(heading_zone_of(heading)).replace(tzinfo=None)
    path = write_table(tmp_path, fmt, [["Subject", heading, "Full name"], ["Printer jam", cell, "Ann Lee"],
                                       ["Toner", cell, "Bob Ray"]])
    result = import_file(admin, path, kind="tickets")
    assert (result.created, result.rejected) == (2, 0)
    assert opened(admin) == {"Printer jam": moment, "Toner": moment}
    said = [i for i in result.inferences if i["what"].startswith("times written in")]
    assert said and f"'{heading}'" in said[0]["evidence"] and "heading" in said[0]["evidence"]
    assert not [i for i in result.inferences if "read in" in i.get("decided", "") and heading in i["evidence"]]


@pytest.mark.parametrize("heading,written,moment", [
    ("日時 (JST)", "2024/03/06 08:15", dt.datetime(2024, 3, 5, 23, 15, tzinfo=UTC)),
    ("When (UTC)", "2024-03-05 23:30", dt.datetime(2024, 3, 5, 23, 30, tzinfo=UTC)),
    ("Zeit (UTC+1)", "05.03.2024 23:30", dt.datetime(2024, 3, 5, 22, 30, tzinfo=UTC)),
])
def test_an_interaction_time_under_a_heading_naming_its_zone_is_that_moment(admin, tmp_path, monkeypatch,
                                                                            heading, written, moment):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    path = write_table(tmp_path, "csv", [["Customer", "Type", "Subject", heading],
                                         ["Ann Lee", "Call", "Intro", written], ["Bob Ray", "Call", "Demo", written]])
    result = import_file(admin, path, kind="interactions")
    assert (result.created, result.rejected) == (2, 0)
    assert {r["subject"]: r["occurred_at"] for r in records.list_records(admin, "interaction")} == {
        "Intro": moment, "Demo": moment}


@pytest.mark.parametrize("heading,contradicting", [
    ("Created (UTC)", "2024-03-06T07:30:00+08:00"),
    ("Created (GMT+8)", "2024-03-05T23:30:00Z"),
    ("Created (JST)", "2024-03-05 23:30 -0500"),
])
def test_a_time_whose_own_offset_contradicts_the_heading_stops_before_writing(admin, tmp_path, monkeypatch,
                                                                              heading, contradicting):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    path = write_table(tmp_path, "csv", [["Subject", heading, "Full name"], ["Printer jam", "2024-03-05 23:30", "Ann Lee"],
                                         ["Toner", contradicting, "Bob Ray"]])
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, kind="tickets", dry_run=dry_run)
        said = str(stop.value)
        assert f"'{heading}'" in said and contradicting in said and "Nothing was imported" in said
    assert opened(admin) == {}


def test_a_time_whose_own_offset_agrees_with_the_heading_is_read_by_it(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Europe/Berlin")
    path = write_table(tmp_path, "csv", [["Subject", "Created (GMT+8)", "Full name"],
                                         ["Printer jam", "2024-03-05 23:30", "Ann Lee"],
                                         ["Toner", "2024-03-05T23:30:00+08:00", "Bob Ray"]])
    result = import_file(admin, path, kind="tickets")
    assert (result.created, result.rejected) == (2, 0)
    moment = dt.datetime(2024, 3, 5, 15, 30, tzinfo=UTC)
    assert opened(admin) == {"Printer jam": moment, "Toner": moment}
