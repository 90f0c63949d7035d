"""Dates written in the Islamic Hijri (Umm al-Qura) or the Persian Solar Hijri calendar
(years 1300–1500 today) are never stored as Gregorian years: a date column of such
years stops the import naming the column, what each calendar makes of an example, and
--calendar hijri|persian, which then reads the column converted to Gregorian dates
(hijridate, jdatetime). Every file here is written by the test; dates are read back
from the store."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def order_dates(session) -> dict[str, dt.date]:
    return {r["order_number"]: r["order_date"] for r in records.list_records(session, "order")}


SAUDI = [["رقم الطلب", "اسم العميل", "تاريخ الطلب", "المبلغ"],
         ["1001", "أحمد علي", "1445/08/24", "1,200.00 SAR"],
         ["1002", "محمد حسن", "٢٤/٠٩/١٤٤٥", "800.00 SAR"]]          # Arabic-Indic digits, day first
IRAN = [["شماره سفارش", "نام مشتری", "Order Date", "Amount", "Currency"],
        ["2001", "علی رضایی", "1402/12/15", "1500000", "IRR"],
        ["2002", "مریم احمدی", "۱۴۰۳/۰۱/۰۱ 09:30", "2500000", "IRR"]]  # Persian digits, Nowruz


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("rows, calendar, stored", [
    (SAUDI, "hijri", {"1001": dt.date(2024, 3, 5), "1002": dt.date(2024, 4, 3)}),
    (IRAN, "persian", {"2001": dt.date(2024, 3, 5), "2002": dt.date(2024, 3, 20)}),
])
def test_a_hijri_or_persian_date_column_stops_and_the_calendar_option_reads_it(
        admin, tmp_path, writer, rows, calendar, stored):
    path = writer(tmp_path / ("orders.csv" if writer is write_csv else "orders.xlsx"), rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert "'تاريخ الطلب'" in message if calendar == "hijri" else "'Order Date'" in message
    assert any(f"'{r[2]}'" in message for r in rows[1:])
    assert "--calendar hijri" in message and "--calendar persian" in message
    assert "Hijri" in message and "Persian" in message
    assert order_dates(admin) == {}                      # nothing written, nothing stored as 1445
    result = import_file(admin, path, kind="orders", calendar=calendar)
    assert result.rejected == 0
    (line,) = [i for i in result.inferences if i["what"].startswith("calendar in")]
    assert f"--calendar {calendar}" in line["evidence"]
    assert order_dates(admin) == stored


def test_the_stop_says_what_each_calendar_makes_of_an_example(admin, tmp_path):
    path = write_csv(tmp_path / "consent.csv", [["Name", "Consent Date"], ["Ali", "1402/12/15"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    # 1402/12/15 is 2024-03-05 in Iran's calendar; 1402 AH began in October 1981
    assert "is 2024-03-05" in str(stop.value) and "is 1982-" in str(stop.value)
    import_file(admin, path, calendar="persian")
    assert [r["marketing_consent_at"] for r in records.list_records(admin, "customer")] == [dt.date(2024, 3, 5)]


def test_a_column_mixing_hijri_and_gregorian_years_stops_even_with_the_option(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [["Order No", "Customer", "Order Date", "Amount", "Currency"],
                                               ["A1", "Ann Lee", "1445/08/24", "10", "SAR"],
                                               ["A2", "Bob Ray", "2024-03-06", "10", "SAR"]])
    for calendar in (None, "hijri"):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, kind="orders", calendar=calendar)
        assert "'1445/08/24'" in str(stop.value) and "'2024-03-06'" in str(stop.value)
    assert order_dates(admin) == {}


def test_a_day_the_hijri_month_lacks_is_refused_on_its_row(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [["Order No", "Customer", "Order Date", "Amount", "Currency"],
                                               ["A1", "Ann Lee", "1445/08/24", "10", "SAR"],
                                               ["A2", "Bob Ray", "1445/08/31", "10", "SAR"]])
    result = import_file(admin, path, kind="orders", calendar="hijri")
    assert [o.row for o in result.outcomes if o.action == "rejected"] == [3]
    assert order_dates(admin) == {"A1": dt.date(2024, 3, 5)}
