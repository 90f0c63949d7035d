"""A date column whose calendar the importer infers (Thai Buddhist-era two-digit years "15/01/67",
Taiwan's Minguo years "113/01/15") with a value that, read in that calendar, lands far from the
column's other dates ("13/03/24" = Buddhist 2524 = 1981 among 2024 dates; "24/03/13" = Minguo 24 =
1935): the import stops before writing, naming the column, the outlier and its rows, and --calendar;
--calendar then decides (the outlier read as the user says)."""
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


def rows_of(dates: list[str], country: tuple[str, str]) -> list[list[str]]:
    column, word = country
    return [["Order No", "Order Date", "Amount", "Customer", column]] + [
        [f"T{i}", d, "1000", f"Customer {i}", word] for i, d in enumerate(dates, 1)]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("country", [("Currency", "THB"), ("Note", "สาขากรุงเทพ"), ("City", "Bangkok")])
@pytest.mark.parametrize("dates, outlier, rows, read_buddhist", [
    (["15/01/67", "20/02/67", "13/03/24", "01/04/66"], "13/03/24", [4], dt.date(1981, 3, 13)),
    (["15-01-68", "13-03-30", "20-02-67", "13-03-30", "01-05-66"], "13-03-30", [3, 5], dt.date(1987, 3, 13)),
    (["01/15/67", "02/20/67", "12/25/67", "03/13/20"], "03/13/20", [5], dt.date(1977, 3, 13)),
])
def test_a_thai_two_digit_year_far_from_the_columns_others_stops_naming_its_rows(
        admin, tmp_path, shape, country, dates, outlier, rows, read_buddhist):
    path = write(tmp_path, shape, rows_of(dates, country))
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, kind="orders", dry_run=dry_run)
        said = str(stop.value)
        assert "'Order Date'" in said and f"'{outlier}'" in said and str(read_buddhist.year) in said
        assert f"'{outlier}' (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))})" in said
        assert "--calendar buddhist" in said and "--calendar gregorian" in said
    assert order_dates(admin) == {}
    # the user says the column's calendar: the outlier is read in it
    import_file(admin, path, kind="orders", calendar="buddhist")
    assert order_dates(admin)[f"T{rows[0] - 1}"] == read_buddhist
    # without the outlier the years are close together: read as Buddhist years, said in the summary
    rest = [d for d in dates if d != outlier]
    (tmp_path / "again").mkdir()
    result = import_file(admin, write(tmp_path / "again", shape, rows_of(rest, country)), kind="orders", dry_run=True)
    assert result.rejected == 0 and any("Buddhist" in i["decided"] for i in result.inferences)


@pytest.mark.parametrize("dates, outlier, rows, read_roc", [
    (["113/01/15", "113/02/20", "24/03/13", "112/12/01"], "24/03/13", [4], dt.date(1935, 3, 13)),
    (["112/05/01", "25/03/13", "113/02/20", "25/03/13"], "25/03/13", [3, 5], dt.date(1936, 3, 13)),
])
def test_a_two_digit_minguo_year_read_year_first_far_from_the_columns_others_stops_naming_its_rows(
        admin, tmp_path, dates, outlier, rows, read_roc):
    path = write(tmp_path, "csv", rows_of(dates, ("Currency", "TWD")))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", date_order="YMD")
    said = str(stop.value)
    assert "'Order Date'" in said and f"'{outlier}'" in said and str(read_roc.year) in said
    assert f"'{outlier}' (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))})" in said
    assert "--calendar roc" in said and "--calendar gregorian" in said
    assert order_dates(admin) == {}
    import_file(admin, path, kind="orders", calendar="roc", date_order="YMD")
    assert order_dates(admin)[f"T{rows[0] - 1}"] == read_roc
