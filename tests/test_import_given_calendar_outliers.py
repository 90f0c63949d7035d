"""--calendar names a date column's calendar, not that every date in it is meant: a two-digit year
that, read in the given calendar, lands more than 20 years from the column's other dates
("07/03/24" = Buddhist 2524 = 1981 among "05/03/67" = 2024; "24/03/13" = Minguo 24 = 1935 among
"113/…") stops the import before writing, naming the column, the value, its rows and the year
it would be; with the cell fixed the same options store the file."""
from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import compact_dates, import_file
from cims_xl.importer.errors import ImportRefused
from test_import_era_dates import order_dates, write

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(compact_dates, "today", lambda: TODAY)


def _rows(dates, names):
    return [["Order ID", "Customer", "Date", "Amount"]] + [
        [str(i), f"{names} {i}", d, "100"] for i, d in enumerate(dates, 1)]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("names, order, dates, outlier, row, fixed, stored", [
    # Thai names, day first: the tester's file
    ("สมชาย", "DMY", ["05/03/67", "06/03/67", "07/03/24"], "07/03/24", 4, "07/03/67", dt.date(2024, 3, 7)),
    # Thai names, month first, the outlier in the middle
    ("สมหญิง", "MDY", ["03/05/66", "03/13/30", "12/01/67"], "03/13/30", 3, "03/13/67", dt.date(2024, 3, 13)),
    # Latin names (the calendar is said, not inferred), dashes
    ("Somchai", "DMY", ["15-01-68", "20-02-67", "13-03-41"], "13-03-41", 4, "13-03-68", dt.date(2025, 3, 13)),
])
def test_a_buddhist_two_digit_year_far_from_the_others_stops_even_with_the_calendar_given(
        admin, tmp_path, shape, names, order, dates, outlier, row, fixed, stored):
    path = write(tmp_path, shape, _rows(dates, names))
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, kind="orders", calendar="buddhist", date_order=order, dry_run=dry_run)
        said = str(stop.value)
        assert "'Date'" in said and f"'{outlier}' (row {row})" in said
        assert str(1957 + int(outlier[-2:])) in said and "--calendar buddhist" in said
    assert order_dates(admin) == {}
    # the cell fixed, the same options store the file
    (tmp_path / "fixed").mkdir()
    again = write(tmp_path / "fixed", shape, _rows([fixed if d == outlier else d for d in dates], names))
    result = import_file(admin, again, kind="orders", calendar="buddhist", date_order=order)
    assert result.rejected == 0
    assert order_dates(admin)[str(row - 1)] == stored


@pytest.mark.parametrize("dates, outlier, row, read", [
    (["113/01/15", "113/02/20", "24/03/13"], "24/03/13", 4, 1935),
    (["112/05/01", "25/03/13", "113/02/20"], "25/03/13", 3, 1936),
])
def test_a_two_digit_minguo_year_far_from_the_others_stops_even_with_the_calendar_given(
        admin, tmp_path, dates, outlier, row, read):
    path = write(tmp_path, "csv", _rows(dates, "陳小明"))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", calendar="roc", date_order="YMD")
    said = str(stop.value)
    assert "'Date'" in said and f"'{outlier}' (row {row})" in said and str(read) in said
    assert order_dates(admin) == {}

