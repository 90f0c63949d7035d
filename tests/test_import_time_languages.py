"""Times written the way other languages write them are read: the halves of the day by
CLDR's names (Excel in Spanish "02:30 p. m.", Greek "2:30 μ.μ.", Finnish "2.30 ip.",
Arabic "2:30 م", Korean "오후 2:30", Chinese "下午2:30", Japanese "午後2時30分"), hours and
minutes with a dot where a time stands ("14.30" after a date, or in a Time column), and
the Nordic "kl. 14.30" / German "14.30 Uhr".

Every file here is written by the test; the values are read back from the store."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from babel.dates import format_time

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv

UTC = dt.timezone.utc


def stored(session) -> dict[str, dt.datetime]:
    return {r["subject"]: r["occurred_at"] for r in records.list_records(session, "interaction")}


@pytest.mark.parametrize("afternoon, morning", [
    ("02:30 p. m.", "11:15 a. m."),                 # Excel es-ES / es-MX
    ("2:30 μ.μ.", "11:15 π.μ."),                    # Greek
    ("2.30 ip.", "11.15 ap."),                      # Finnish
    ("2:30 م", "11:15 ص"),                          # Arabic
    ("2:30 ب.ظ.", "11:15 ق.ظ."),                    # Persian
    ("kl. 14.30", "kl. 11.15"),                     # Danish, Norwegian, Swedish
    ("14.30 Uhr", "11:15 Uhr"),                     # German
    ("14.30", "11.15"),                             # Finnish, Italian, Indonesian
])
def test_a_date_with_a_time_written_in_another_languages_style_is_stored_at_that_time(
        admin, tmp_path, monkeypatch, afternoon, morning):
    monkeypatch.setenv("CIMS_TZ", "UTC")
    path = write_csv(tmp_path / "calls.csv", [
        ["Customer", "Type", "Date", "Subject"],
        ["Ann Lee", "Call", f"25/03/2024 {afternoon}", "pm"],
        ["Bob Ray", "Call", f"26/03/2024 {morning}", "am"]])
    result = import_file(admin, path, kind="interactions")
    assert result.rejected == 0
    assert stored(admin) == {"pm": dt.datetime(2024, 3, 25, 14, 30, tzinfo=UTC),
                             "am": dt.datetime(2024, 3, 26, 11, 15, tzinfo=UTC)}


def test_dot_times_in_a_time_column_beside_a_date_column_are_read(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Europe/Helsinki")
    path = write_csv(tmp_path / "calls.csv", [
        ["Customer", "Type", "Date", "Time", "Subject"],
        ["Ann Lee", "Call", "2024-03-25", "14.30", "a"],
        ["Bob Ray", "Call", "2024-03-26", "klo 9.05", "b"],
        ["Ed Po", "Call", "2024-03-26", "kl. 16.45", "e"],
        ["Cy Fox", "Call", "2024-03-27", "24.30", "c"],         # no hour 24: refused, not guessed
        ["Di Wu", "Call", "2024-03-28", "13:30 p. m.", "d"]])   # no 13 p.m.
    result = import_file(admin, path, kind="interactions")
    assert sorted(o.row for o in result.outcomes if o.action == "rejected") == [5, 6]
    # Helsinki is UTC+2 in March (summer time starts on the 31st)
    assert stored(admin) == {"a": dt.datetime(2024, 3, 25, 12, 30, tzinfo=UTC),
                             "b": dt.datetime(2024, 3, 26, 7, 5, tzinfo=UTC),
                             "e": dt.datetime(2024, 3, 26, 14, 45, tzinfo=UTC)}


# Korean, Chinese and Japanese ("오후 2:30", "下午2:30", "午後2時30分") were read before; they are
# read now by the same CLDR names, with the languages that were not.
LOCALES = ("es", "es_MX", "el", "fi", "sv", "tr", "vi", "ms", "ar", "fa", "af", "ca", "ko", "ja", "zh", "zh_Hant",
           "en")


@pytest.mark.parametrize("pattern", ["h:mm a", "a h:mm", "hh:mm a"])
def test_every_hour_formatted_with_each_locales_day_period_reads_back(pattern):
    for locale in LOCALES:
        for hour in range(24):
            for minute in (0, 5, 59):
                written = format_time(dt.time(hour, minute), pattern, locale=locale)
                assert nz.parse_time_of_day(written) == (dt.time(hour, minute), None), (locale, written)


def test_long_hostile_time_cells_are_refused_in_linear_time():
    for hostile in ("1:00" + " " * 20_000 + "x", "下午" + " " * 20_000 + "x", "kl. 1.00" + " " * 20_000 + "uhr x"):
        started = time.perf_counter()
        with pytest.raises(ValueError):
            nz.parse_time_of_day(hostile)
        assert time.perf_counter() - started < 5, hostile[:12]


def _one_call_at(admin, tmp_path, monkeypatch, written, hour, minute):
    """One call on 2024-03-05 at the time `written`, imported in UTC: stored at hour:minute."""
    monkeypatch.setenv("CIMS_TZ", "UTC")
    path = write_csv(tmp_path / "calls.csv", [
        ["Customer", "Type", "Date", "Subject"],
        ["Ann Lee", "Call", f"2024-03-05 {written}", "x"]])
    result = import_file(admin, path, kind="interactions")
    assert result.rejected == 0
    assert stored(admin) == {"x": dt.datetime(2024, 3, 5, hour, minute, tzinfo=UTC)}


@pytest.mark.parametrize("written, hour, minute", [
    ("晚上8:15", 20, 15), ("凌晨1:15", 1, 15), ("中午12:15", 12, 15), ("早上7:30", 7, 30),   # Chinese
    ("夜9:00", 21, 0), ("夕方5:30", 17, 30),                                               # Japanese
    ("저녁 7:00", 19, 0), ("밤 11:00", 23, 0),                                             # Korean
    ("8:15 in the evening", 20, 15), ("9:40 at night", 21, 40),                              # English
])
def test_a_time_with_a_flexible_day_period_is_stored_at_the_hour_that_period_names(
        admin, tmp_path, monkeypatch, written, hour, minute):
    _one_call_at(admin, tmp_path, monkeypatch, written, hour, minute)


@pytest.mark.parametrize("written", ["中午1:15", "晚上3:00", "凌晨9:00", "밤 5:00"])
def test_an_hour_the_day_period_does_not_hold_is_refused_never_guessed(admin, tmp_path, monkeypatch, written):
    monkeypatch.setenv("CIMS_TZ", "UTC")
    path = write_csv(tmp_path / "calls.csv", [
        ["Customer", "Type", "Date", "Subject"],
        ["Ann Lee", "Call", f"2024-03-05 {written}", "x"],
        ["Bob Ray", "Call", "2024-03-06 10:00", "y"]])
    result = import_file(admin, path, kind="interactions")
    assert result.rejected == 1
    assert set(stored(admin)) == {"y"}


@pytest.mark.parametrize("written, moment", [
    ("20240310T143000Z", dt.datetime(2024, 3, 10, 14, 30, tzinfo=UTC)),
    ("20240310T1430+0800", dt.datetime(2024, 3, 10, 6, 30, tzinfo=UTC)),
    ("20240310T143000.250Z", dt.datetime(2024, 3, 10, 14, 30, tzinfo=UTC)),    # the store keeps whole seconds
])
def test_iso_8601_basic_date_times_are_stored_at_their_moment(admin, tmp_path, monkeypatch, written, moment):
    monkeypatch.setenv("CIMS_TZ", "Asia/Tokyo")
    path = write_csv(tmp_path / "calls.csv", [
        ["Customer", "Type", "Date", "Subject"],
        ["Ann Lee", "Call", written, "x"],
        ["Bob Ray", "Call", "20240311T090000Z", "y"]])
    result = import_file(admin, path, kind="interactions")
    assert result.rejected == 0
    assert stored(admin) == {"x": moment, "y": dt.datetime(2024, 3, 11, 9, 0, tzinfo=UTC)}


@pytest.mark.parametrize("written, hour, minute", [
    ("午前0:30", 0, 30), ("午後0:15", 12, 15), ("午前0時45分", 0, 45), ("午後0時", 12, 0),   # Japanese
    ("午前 0:05", 0, 5), ("午後 0:59", 12, 59),
    ("午前12:30", 0, 30), ("午後12:15", 12, 15),                                           # the same times, 12 o'clock style
])
def test_hour_zero_with_a_japanese_day_period_is_stored_at_midnight_or_noon(
        admin, tmp_path, monkeypatch, written, hour, minute):
    _one_call_at(admin, tmp_path, monkeypatch, written, hour, minute)


@pytest.mark.parametrize("written", ["午前13:00", "午後24:00", "午前0:60"])
def test_a_japanese_time_past_the_clock_is_still_refused(admin, tmp_path, monkeypatch, written):
    monkeypatch.setenv("CIMS_TZ", "UTC")
    path = write_csv(tmp_path / "calls.csv", [
        ["Customer", "Type", "Date", "Subject"],
        ["Ann Lee", "Call", f"2024-03-05 {written}", "x"],
        ["Bob Ray", "Call", "2024-03-06 10:00", "y"]])
    result = import_file(admin, path, kind="interactions")
    assert result.rejected == 1
    assert set(stored(admin)) == {"y"}
