"""A time written as an hour and its day period with no minutes ("9am", "9 pm",
"12 p.m."), as English writes it, is read as that hour: on the command line, in an
import (not taken for a date without a time), and in a parse of its own."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.services import records

UTC = dt.timezone.utc


@pytest.mark.parametrize("text, hour", [("2026-11-10 9am", 9), ("2026-11-10 9 am", 9), ("2026-11-10 9pm", 21),
                                        ("2026-11-10 9 P.M.", 21), ("2026-11-10 12 p.m.", 12),
                                        ("2026-11-10 12am", 0), ("Nov 10, 2026 9am", 9)])
def test_an_hour_with_am_or_pm_is_that_hour(text, hour):
    assert nz.parse_datetime(text, "YMD" if text[0].isdigit() else None, tz=UTC) == \
        dt.datetime(2026, 11, 10, hour, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-11-10 13pm", "2026-11-10 99pm"])
def test_an_hour_that_no_day_period_has_is_refused(text):
    with pytest.raises(ValueError):
        nz.parse_datetime(text, "YMD", tz=UTC)


def test_a_ticket_file_with_times_written_9am_imports_with_those_times(admin, tmp_path):
    customer = records.create(admin, "customer", {"name": "Ann Lee", "email": "ann@example.com"})["id"]
    f = tmp_path / "tickets.csv"
    f.write_text("Subject,Customer Email,Priority,Status,Created,First Response\n"
                 "Printer,ann@example.com,High,Open,2026-11-10 9am,2026-11-10 11am\n", encoding="utf-8")
    result = import_file(admin, f, kind="tickets")
    assert result.created == 1, result
    (ticket,) = records.list_records(admin, "ticket")
    assert ticket["customer_id"] == customer
    opened, answered = ticket["opened_at"], ticket["first_response_at"]
    assert (answered - opened) == dt.timedelta(hours=2)
    assert opened.minute == 0 and opened.second == 0
