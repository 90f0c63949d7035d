"""Dates without a year running in the file's order across a year end (28.12., 30.12.,
02.01., 05.01.): with --year the January rows after the year end are the next year's,
decided on the whole column's order and said in the summary; a column not in order is
read in the one year --year gives, and without --year the import stops naming it."""

from __future__ import annotations

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table

HEAD = ["Order No", "Order Date", "Customer", "Amount"]


def _file(tmp_path, fmt, dates, name="orders", prefix="A"):
    rows = [HEAD] + [[f"{prefix}{i}", d, f"Kunde {i}", "10.00"] for i, d in enumerate(dates, 1)]
    return write_table(tmp_path, fmt, rows, name)


def _dates(session) -> dict[str, str]:
    return {o["order_number"]: str(o["order_date"]) for o in records.list_records(session, "order")}


WRAPPING = {
    "dotted, oldest first": (["28.12.", "30.12.", "02.01.", "05.01."],
                             ["2024-12-28", "2024-12-30", "2025-01-02", "2025-01-05"]),
    "dotted, newest first": (["05.01.", "02.01.", "30.12.", "28.12."],
                             ["2025-01-05", "2025-01-02", "2024-12-30", "2024-12-28"]),
    "english month names": (["Nov 20", "Dec 15", "Dec 31", "Jan 3", "Feb 1"],
                            ["2024-11-20", "2024-12-15", "2024-12-31", "2025-01-03", "2025-02-01"]),
    "german month names": (["20. Dezember", "31. Dezember", "1. Januar"], ["2024-12-20", "2024-12-31", "2025-01-01"]),
    "chinese": (["12月30日", "12月31日", "1月2日", "1月2日"], ["2024-12-30", "2024-12-31", "2025-01-02", "2025-01-02"]),
    "korean": (["12월 29일", "1월 4일", "1월 9일"], ["2024-12-29", "2025-01-04", "2025-01-09"]),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("case", sorted(WRAPPING))
def test_sorted_dates_without_a_year_across_a_year_end_give_the_january_rows_the_next_year(
        admin, tmp_path, case, fmt):
    written, stored = WRAPPING[case]
    f = _file(tmp_path, fmt, written)
    dry = import_file(admin, f, kind="orders", currency="EUR", year=2024, dry_run=True)
    said = [i for i in dry.inferences if i["what"] == "dates without a year in 'Order Date'"]
    assert len(said) == 1 and "2024 (" in said[0]["decided"] and "2025 (" in said[0]["decided"]
    assert "from the file's order" in said[0]["decided"]
    assert records.list_records(admin, "order") == []
    result = import_file(admin, f, kind="orders", currency="EUR", year=2024)
    assert (result.created, result.rejected) == (len(written), 0)
    assert _dates(admin) == {f"A{i}": s for i, s in enumerate(stored, 1)}


def test_the_summary_names_december_and_january_with_their_years(admin, tmp_path):
    f = _file(tmp_path, "csv", ["28.12.", "30.12.", "02.01.", "05.01."])
    dry = import_file(admin, f, kind="orders", currency="EUR", year=2024, dry_run=True)
    said = next(i for i in dry.inferences if i["what"] == "dates without a year in 'Order Date'")
    assert said["decided"].startswith("dates without a year: 2024 (Dec) and 2025 (Jan), from the file's order")
    assert "30.12. -> 02.01." in said["evidence"]


def test_a_wrapping_column_without_the_year_option_stops_naming_it_and_the_year_end(admin, tmp_path):
    f = _file(tmp_path, "csv", ["28.12.", "30.12.", "02.01.", "05.01."])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", currency="EUR")
    msg = stop.value.message
    assert "'Order Date'" in msg and "--year YYYY" in msg and "year end" in msg and "'28.12.'" in msg
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("dates", [
    ["05.01.", "28.12.", "02.01.", "30.12."],          # not in order: no year end to be seen
    ["02.01.", "05.01.", "28.12.", "30.12."],          # in order within one year
    ["30.12.", "28.12.", "05.01.", "02.01."],          # newest first within one year
    ["28.12.", "02.01.", "30.12.", "05.01."],          # two steps back: not one year end
])
def test_the_same_dates_take_a_second_year_only_in_an_order_crossing_one_year_end(admin, tmp_path, dates):
    f = _file(tmp_path, "csv", dates, "unordered")
    with pytest.raises(ImportRefused, match="--year"):
        import_file(admin, f, kind="orders", currency="EUR")
    result = import_file(admin, f, kind="orders", currency="EUR", year=2023)
    assert result.rejected == 0
    assert {d[:4] for d in _dates(admin).values()} == {"2023"}
    said = next(i for i in result.inferences if i["what"] == "dates without a year in 'Order Date'")
    assert "2024" not in said["decided"] and "from the file's order" not in said["decided"]
    # the same dates in order across the year end: orders B1-B4
    crossing = sorted(dates, key=lambda d: (d[3:5] != "12", d[3:5], d[:2]))
    import_file(admin, _file(tmp_path, "csv", crossing, "crossing", "B"), kind="orders", currency="EUR", year=2023)
    got = sorted(d for n, d in _dates(admin).items() if n.startswith("B"))
    assert got == ["2023-12-28", "2023-12-30", "2024-01-02", "2024-01-05"]
