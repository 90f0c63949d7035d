"""A time written in UTC (Z, +00:00, UTC) is a moment a system logged: its date is the date in
the user's zone (CIMS_TZ), said in the summary. A time with another offset keeps its date."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("zone,written,dated", [
    ("Asia/Shanghai", "2024-03-06T23:30:00Z", "2024-03-07"),
    ("Asia/Shanghai", "2024-03-31T16:00:00.000Z", "2024-04-01"),
    ("Asia/Tokyo", "2024-03-06 20:15:00+00:00", "2024-03-07"),
    ("America/New_York", "2024-04-01T02:00:00Z", "2024-03-31"),
    ("Europe/Berlin", "2024-12-31 23:30 UTC", "2025-01-01"),
    ("Asia/Kolkata", "2024-03-06T10:00:00Z", "2024-03-06"),
])
def test_an_order_time_written_in_utc_is_dated_in_the_users_zone(admin, tmp_path, monkeypatch, zone, written, dated):
    monkeypatch.setenv("CIMS_TZ", zone)
    path = tmp_path / "o.csv"
    path.write_text(f"Order ID,Customer,Order Date,Amount,Currency\n1,Ann Lee,{written},10.00,EUR\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (1, 0)
    assert str(records.list_records(admin, "order")[0]["order_date"])[:10] == dated
    said = [i for i in result.inferences if i["what"] == "times written in UTC"]
    assert said and zone in said[0]["decided"] and "'Order Date'" in said[0]["evidence"]


def test_a_time_with_the_shops_own_offset_keeps_the_date_written(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    path = tmp_path / "o.csv"
    path.write_text("Order ID,Customer,Order Date,Amount,Currency\n1,Ann Lee,2024-03-06 20:30:00 -0500,10.00,USD\n"
                    "2,Bob Ray,2024-03-06T23:30:00Z,10.00,USD\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    got = {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(admin, "order")}
    assert got == {"1": "2024-03-06", "2": "2024-03-07"}


@pytest.mark.parametrize("zone,heading,written,dated", [
    ("Asia/Shanghai", "Created (UTC)", "2024-03-31 23:30:00", "2024-04-01"),
    ("Asia/Shanghai", "Order Date (UTC)", "2024-03-31 23:30:00", "2024-04-01"),
    ("Asia/Tokyo", "UTC time", "2024-03-06 20:15", "2024-03-07"),
    ("America/New_York", "Date (GMT)", "2024-04-01 02:00:00", "2024-03-31"),
    ("Europe/Berlin", "Zeit (UTC)", "31.12.2024 23:30", "2025-01-01"),
    ("Asia/Shanghai", "时间(UTC)", "2024-03-31 16:00:00", "2024-04-01"),
])
def test_a_time_in_a_column_whose_heading_names_utc_is_dated_in_the_users_zone(admin, tmp_path, monkeypatch,
                                                                               zone, heading, written, dated):
    monkeypatch.setenv("CIMS_TZ", zone)
    path = tmp_path / "o.csv"
    path.write_text(f"Order ID,Customer,{heading},Amount,Currency\n1,Ann Lee,{written},10.00,EUR\n"
                    f"2,Bob Ray,{written[:10]},10.00,EUR\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    got = {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(admin, "order")}
    assert got["1"] == dated
    said = [i for i in result.inferences if i["what"] == "times written in UTC"]
    assert said and zone in said[0]["decided"] and f"'{heading}': 1 time(s)" in said[0]["evidence"]
    assert "heading naming UTC" in said[0]["evidence"]


def test_a_heading_naming_another_zone_keeps_the_written_date(admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_TZ", "Asia/Shanghai")
    path = tmp_path / "o.csv"
    path.write_text("Order ID,Customer,Order Date,Amount,Currency\n1,Ann Lee,2024-03-31 23:30:00,10.00,EUR\n",
                    encoding="utf-8")
    import_file(admin, path, kind="orders")
    assert str(records.list_records(admin, "order")[0]["order_date"])[:10] == "2024-03-31"
