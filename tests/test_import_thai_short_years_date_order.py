"""A Thai date with a two-digit year last ("05/03/67") whose day and month may be read
either way: as Common Era years (2067) no order gives a plausible date, as Buddhist-era
years (2567 = 2024) both do. The stop names the calendar readings beside the date
orders, with examples and the options (--calendar buddhist|gregorian with
--date-order), and those options then import the file right."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import compact_dates, import_file
from cims_xl.importer.errors import ImportRefused
from test_import_era_dates import order_dates, write

TODAY = dt.date(2026, 12, 1)     # Buddhist era 2569


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(compact_dates, "today", lambda: TODAY)


THAI = [("Customer", "สมชาย", "สมหญิง"), ("Currency", "THB", "THB"), ("Note", "Bangkok", "Bangkok")]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("column, first, second", THAI)
@pytest.mark.parametrize("days, dmy, mdy", [
    (("05/03/67", "06/04/66"), {"T1": dt.date(2024, 3, 5), "T2": dt.date(2023, 4, 6)},
     {"T1": dt.date(2024, 5, 3), "T2": dt.date(2023, 6, 4)}),
    (("01-02-68", "11-10-65"), {"T1": dt.date(2025, 2, 1), "T2": dt.date(2022, 10, 11)},
     {"T1": dt.date(2025, 1, 2), "T2": dt.date(2022, 11, 10)}),
])
def test_a_thai_two_digit_year_in_an_english_headed_file_stops_naming_the_calendar_and_the_order(
        admin, tmp_path, shape, column, first, second, days, dmy, mdy):
    rows = [["Order No", "Order Date", "Amount", column], ["T1", days[0], "1000", first],
            ["T2", days[1], "2000", second]]
    if column != "Customer":
        rows = [r + [c] for r, c in zip(rows, ["Customer", "Ann", "Bo"])]
    path = write(tmp_path, shape, rows)
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, kind="orders", dry_run=dry_run)
        said = str(stop.value)
        assert "'Order Date'" in said and f"'{days[0]}'" in said
        assert "Buddhist" in said and str(dmy["T1"]) in said and str(mdy["T1"]) in said
        assert "--calendar buddhist" in said and "--calendar gregorian" in said
        assert "--date-order DMY" in said and "--date-order MDY" in said
    assert order_dates(admin) == {}
    # the calendar alone leaves the order to say; with both the file imports right
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", calendar="buddhist")
    assert "--date-order" in str(stop.value) and "2067" not in str(stop.value)
    import_file(admin, path, kind="orders", calendar="buddhist", date_order="DMY")
    assert order_dates(admin) == dmy


def test_without_anything_thai_in_the_file_the_stop_still_names_the_buddhist_reading(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Amount", "Customer"], ["T1", "05/03/67", "1000", "Ann"],
                                   ["T2", "06/04/66", "2000", "Bo"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    said = str(stop.value)
    assert "--date-order DMY" in said and "--calendar buddhist" in said and "2024-03-05" in said
    import_file(admin, path, kind="orders", calendar="buddhist", date_order="MDY")
    assert order_dates(admin) == {"T1": dt.date(2024, 5, 3), "T2": dt.date(2023, 6, 4)}
