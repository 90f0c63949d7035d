"""Dates written in the Thai Buddhist era (CE + 543) are never stored as Common Era years
silently: a Thai file whose years are all 2400–2700 is read as BE and the summary says so;
any other column with such years stops, naming the column, examples and --calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def consent_dates(session) -> dict[str, dt.date | None]:
    return {r["name"]: r["marketing_consent_at"] for r in records.list_records(session, "customer")}


def order_dates(session) -> dict[str, dt.date | None]:
    return {r["order_number"]: r["order_date"] for r in records.list_records(session, "order")}


def test_a_thai_order_file_with_buddhist_era_years_is_stored_in_the_common_era(admin, tmp_path):
    path = tmp_path / "th.csv"
    path.write_text("เลขที่คำสั่งซื้อ,วันที่,ลูกค้า,ยอดรวม,สถานะ\n"
                    'TH1,05/03/2569,สมชาย ใจดี,"฿1,500.00",สำเร็จ\n'
                    'TH2,29/02/2567,สมหญิง รักไทย,"฿250.00",สำเร็จ\n', encoding="utf-8")
    dry = import_file(admin, path, kind="orders", date_order="DMY", dry_run=True,
                      values=["สำเร็จ=Completed"])
    (said,) = [i for i in dry.inferences if i["what"].startswith("calendar in")]
    assert "Buddhist" in said["decided"] and "'05/03/2569'" in said["evidence"]
    import_file(admin, path, kind="orders", date_order="DMY", values=["สำเร็จ=Completed"])
    # 2567 BE is 2024, a leap year: 29 February exists
    assert order_dates(admin) == {"TH1": dt.date(2026, 3, 5), "TH2": dt.date(2024, 2, 29)}


def test_buddhist_era_years_in_a_file_that_is_not_thai_stop_and_the_option_settles_them(admin, tmp_path):
    path = tmp_path / "consent.csv"
    path.write_text("Name,Consent Date\nAna,2569-03-05\nBob,2568-12-31\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    message = str(stop.value)
    assert "'Consent Date'" in message and "'2569-03-05'" in message and "--calendar buddhist" in message
    assert consent_dates(admin) == {}
    import_file(admin, path, calendar="buddhist")
    assert consent_dates(admin) == {"Ana": dt.date(2026, 3, 5), "Bob": dt.date(2025, 12, 31)}


def test_a_column_mixing_buddhist_and_common_era_years_stops_even_in_thai(admin, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("ชื่อ,Consent Date\nสมชาย,2569-03-05\nสมหญิง,2026-03-05\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    assert "'Consent Date'" in str(stop.value) and "'2026-03-05'" in str(stop.value)
    assert consent_dates(admin) == {}
    import_file(admin, path, calendar="gregorian")
    assert sorted(consent_dates(admin).values()) == [dt.date(2026, 3, 5), dt.date(2569, 3, 5)]


def test_common_era_dates_in_a_thai_file_say_nothing_about_calendars(admin, tmp_path):
    path = tmp_path / "ce.csv"
    path.write_text("ชื่อ,Consent Date\nสมชาย,2026-03-05\n", encoding="utf-8")
    result = import_file(admin, path)
    assert not [i for i in result.inferences if i["what"].startswith("calendar")]
    assert list(consent_dates(admin).values()) == [dt.date(2026, 3, 5)]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)),
       st.sampled_from(["{d:02d}/{m:02d}/{y}", "{y}-{m:02d}-{d:02d}", "{d}.{m}.{y} 10:30"]))
def test_any_buddhist_era_date_text_reads_back_as_its_common_era_day(day, shape):
    text = shape.format(d=day.day, m=day.month, y=day.year + 543)
    order = "YMD" if text.startswith(str(day.year + 543)) else "DMY"
    assert nz.parse_date(nz.from_calendar(text, "buddhist"), order) == day
    assert nz.era_years(text)[0]
