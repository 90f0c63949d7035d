"""A date written with dots and the year last (01.12.2026, 5. 3. 2026) is day-first
wherever it is written so (CLDR's dotted short dates: de, ru, pl, cs, fi, tr, uk …; none
month-first): typed on the command line or a sheet, as an import already reads such a
column. A value that cannot be day-first (12.25.2026) is read the one way it can."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.services import records

UTC = dt.timezone.utc


@pytest.mark.parametrize("text, day", [("01.12.2026", dt.date(2026, 12, 1)), ("5. 3. 2026", dt.date(2026, 3, 5)),
                                       ("04.05.2026", dt.date(2026, 5, 4)), ("12.25.2026", dt.date(2026, 12, 25))])
def test_a_dotted_date_with_the_year_last_is_day_first(text, day):
    assert nz.parse_date(text) == day


@pytest.mark.parametrize("text", ["04/05/2026", "04-05-2026", "05.03.26"])
def test_slashes_dashes_and_two_digit_years_stay_ambiguous(text):
    with pytest.raises(ValueError, match="ambiguous"):
        nz.parse_date(text)


def test_a_ticket_opened_at_a_dotted_date_and_time_on_the_command_line(run, admin, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Europe/Berlin")
    cid = records.create(admin, "customer", {"name": "Jürgen Weiß"})["id"]
    code, out, err = run("ticket", "add", "--customer-id", cid, "--subject", "Drucker", "--priority", "P3",
                         "--opened-at", "01.12.2025 09:00")
    assert code == 0, err
    (ticket,) = records.list_records(admin, "ticket")
    assert ticket["opened_at"] == dt.datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
