"""A date column written as Unix times (seconds or milliseconds since 1970, as APIs and
their exports write them) is read on the whole column's evidence: the moment in UTC,
dated in the zone cims shows times in, and said in the summary. A column mixing seconds
and milliseconds, or holding values out of 2000–2100, stops naming the column; an id
column under a heading that names no date is never read so.

Every file here is written by the test."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx

UTC = dt.timezone.utc
MIDNIGHT_UTC = 1709596800          # 2024-03-05 00:00 UTC
NOON_UTC = 1709640000              # 2024-03-05 12:00 UTC


def order_dates(session) -> dict[str, dt.date]:
    return {r["order_number"]: r["order_date"] for r in records.list_records(session, "order")}


@pytest.mark.parametrize("zone, day", [("Asia/Shanghai", dt.date(2024, 3, 5)),
                                       ("America/New_York", dt.date(2024, 3, 4)),
                                       ("UTC", dt.date(2024, 3, 5))])
@pytest.mark.parametrize("heading", ["Created", "Created at", "Order Date", "Datum"])
def test_unix_seconds_in_an_order_date_column_are_dated_in_the_users_zone(admin, tmp_path, monkeypatch,
                                                                         zone, day, heading):
    monkeypatch.setenv("CIMS_TZ", zone)
    path = write_csv(tmp_path / "orders.csv", [
        ["Order No", "Customer", heading, "Amount", "Currency"],
        ["A1", "Ann Lee", str(MIDNIGHT_UTC), "12.50", "USD"],
        ["A2", "Bob Ray", str(NOON_UTC + 86_400), "99.00", "USD"]])
    mapping = {"Datum": "Order Date"} if heading == "Datum" else None
    dry = import_file(admin, path, kind="orders", mapping=mapping, dry_run=True)
    (line,) = [i for i in dry.inferences if i["what"].startswith("Unix times in")]
    assert "Unix seconds" in line["decided"] and zone in line["decided"]
    assert f"'{MIDNIGHT_UTC}'" in line["evidence"]
    result = import_file(admin, path, kind="orders", mapping=mapping)
    assert (result.created, result.rejected) == (2, 0)
    assert order_dates(admin) == {"A1": day, "A2": dt.date(2024, 3, 6)}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_unix_milliseconds_in_a_time_column_are_stored_as_the_instant(admin, tmp_path, monkeypatch, writer):
    monkeypatch.setenv("CIMS_TZ", "Europe/Berlin")
    cells = [NOON_UTC * 1000 + 30_000, (NOON_UTC + 3600) * 1000]
    if writer is write_csv:
        cells = [str(c) for c in cells]
    path = writer(tmp_path / ("calls.csv" if writer is write_csv else "calls.xlsx"), [
        ["Type", "Timestamp", "Subject", "Customer"],
        ["Call", cells[0], "Quote", "Acme Ltd"],
        ["Call", cells[1], "Check-in", "Acme Ltd"]])
    result = import_file(admin, path, kind="interactions")
    assert any("Unix milliseconds" in i["decided"] for i in result.inferences)
    got = {r["subject"]: r["occurred_at"] for r in records.list_records(admin, "interaction")}
    assert got == {"Quote": dt.datetime(2024, 3, 5, 12, 0, 30, tzinfo=UTC),
                   "Check-in": dt.datetime(2024, 3, 5, 13, 0, tzinfo=UTC)}


def test_a_column_mixing_seconds_and_milliseconds_stops_naming_it(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        ["Order No", "Customer", "Created", "Amount"],
        ["A1", "Ann Lee", str(MIDNIGHT_UTC), "12.50"],
        ["A2", "Bob Ray", str(NOON_UTC * 1000), "9.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="USD")
    message = str(stop.value)
    assert "'Created'" in message and "seconds" in message and "milliseconds" in message
    assert f"'{NOON_UTC * 1000}'" in message
    assert order_dates(admin) == {}


@pytest.mark.parametrize("odd", ["9999999999", "9999999999999"])
def test_unix_times_out_of_2000_to_2100_stop_naming_the_column_and_the_value(admin, tmp_path, odd):
    good = str(MIDNIGHT_UTC) if len(odd) == 10 else str(MIDNIGHT_UTC * 1000)
    path = write_csv(tmp_path / "orders.csv", [
        ["Order No", "Customer", "Paid At", "Amount"],
        ["A1", "Ann Lee", good, "12.50"],
        ["A2", "Bob Ray", odd, "9.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="USD")
    assert "'Paid At'" in str(stop.value) and f"'{odd}'" in str(stop.value)
    assert order_dates(admin) == {}


def test_ten_digit_order_ids_stay_ids_beside_a_column_of_unix_times(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        ["Order ID", "Customer", "Created", "Amount", "Currency"],
        ["1709600000", "Ann Lee", str(NOON_UTC), "12.50", "USD"],
        ["1709700000", "Bob Ray", str(NOON_UTC), "9.00", "USD"]])
    result = import_file(admin, path, kind="orders")
    assert [i["what"] for i in result.inferences if i["what"].startswith("Unix")] == ["Unix times in 'Created'"]
    assert order_dates(admin) == {"1709600000": dt.date(2024, 3, 5), "1709700000": dt.date(2024, 3, 5)}


def test_an_id_column_mapped_to_a_date_stops_instead_of_being_read_as_unix_times(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [
        ["Ref No", "Customer", "Created", "Amount", "Currency"],
        ["1709600000", "Ann Lee", str(NOON_UTC), "12.50", "USD"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", mapping={"Ref No": "Order Date", "Created": "-"})
    assert "'Ref No'" in str(stop.value) and "names no date" in str(stop.value)
    assert order_dates(admin) == {}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
@pytest.mark.parametrize("heading, values", [
    ("Order Date", ["2026010512", "2026010614", "2026010709"]),
    ("Bestelldatum", ["2025123100", "2026020123", "2026030108"]),
    ("注文日時", ["2024030512", "2024030512", "2024031100"]),
])
def test_ten_digits_that_are_all_dates_and_hours_yyyymmddhh_stop_naming_both_readings(
        admin, tmp_path, writer, heading, values):
    rows = [["Customer", heading, "Amount", "Currency", "Order No"]]
    rows += [[f"Client {i}", v, "10", "USD", f"A{i}"] for i, v in enumerate(values)]
    f = writer(tmp_path / ("c" + ("." + "csv" if writer is write_csv else ".xlsx")), rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", mapping={heading: "Order Date"})
    said = stop.value.message
    assert heading in said and values[0] in said
    assert "YYYYMMDDHH" in said and "Unix seconds" in said
    assert records.list_records(admin, "order") == []


def test_unix_seconds_of_today_are_still_read_as_seconds_beside_the_compact_rule(admin, tmp_path):
    f = write_csv(tmp_path / "u.csv", [["Customer", "Created", "Amount", "Currency", "Order No"],
                                       ["Ann", str(NOON_UTC), "10", "USD", "U1"],
                                       ["Bob", str(NOON_UTC + 86400), "10", "USD", "U2"]])
    import_file(admin, f, kind="orders", mapping={"Created": "Order Date"})
    assert set(order_dates(admin).values()) <= {dt.date(2024, 3, 5), dt.date(2024, 3, 6)}
    assert len(order_dates(admin)) == 2


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("nine, day", [("978307200", dt.date(2001, 1, 1)), ("999999999", dt.date(2001, 9, 9)),
                                       ("946684800", dt.date(2000, 1, 1))])
def test_nine_digit_unix_seconds_before_september_2001_are_read_beside_ten_digit_ones(
        admin, tmp_path, monkeypatch, writer, nine, day):
    monkeypatch.setenv("CIMS_TZ", "UTC")
    cell = int(nine) if writer is write_xlsx else nine
    path = writer(tmp_path / ("orders.csv" if writer is write_csv else "orders.xlsx"), [
        ["Order No", "Customer", "Created", "Amount", "Currency"],
        ["A1", "Ann Lee", cell, "12.50", "USD"],
        ["A2", "Bob Ray", str(MIDNIGHT_UTC) if writer is write_csv else MIDNIGHT_UTC, "99.00", "USD"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert order_dates(admin) == {"A1": day, "A2": dt.date(2024, 3, 5)}
    (line,) = [i for i in result.inferences if i["what"].startswith("Unix times in")]
    assert f"'{nine}'" in line["evidence"] and "Unix seconds" in line["decided"]


def test_nine_digit_numbers_alone_or_before_2000_are_never_read_as_unix_seconds(admin, tmp_path):
    alone = write_csv(tmp_path / "alone.csv", [["Order No", "Customer", "Created", "Amount"],
                                               ["A1", "Ann Lee", "978307200", "12.50"]])
    result = import_file(admin, alone, kind="orders")
    assert result.created == 0 and order_dates(admin) == {}       # refused row by row, as before
    early = write_csv(tmp_path / "early.csv", [["Order No", "Customer", "Created", "Amount"],
                                               ["B1", "Ann Lee", "915148800", "12.50"],      # 1999-01-01
                                               ["B2", "Bob Ray", str(MIDNIGHT_UTC), "9.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, early, kind="orders")
    assert "'915148800'" in stop.value.message and "'Created'" in stop.value.message
    assert order_dates(admin) == {}
