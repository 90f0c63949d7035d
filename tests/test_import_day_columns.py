"""A column headed like tags ("Tag 1", "Tags", "Labels") whose values, on the whole
column's evidence, are dates, times, weekdays or numbers is no tag column (German "Tag"
is "day"): it is kept with the columns no field takes, the summary and the dry run say
why and name --map, and --map "Column=Tags" takes it as tags after all. A column mostly
of such values with words among them stops naming the column, examples and --map."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def _customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def _why(result, header: str) -> dict:
    return next(i for i in result.inferences if i["what"] == f"column '{header}'")


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("day1, day2, kind", [
    (["05.03.2026", "12.03.2026"], ["06.03.2026", "13.03.2026"], "dates"),
    (["14:30", "09:00"], ["10:15", "16:45 Uhr"], "times of day"),
    (["Montag", "Dienstag"], ["Mittwoch", "Do."], "weekdays"),
    (["Mo, 05.03.2026", "5. März"], ["9-17 Uhr", "Fr."], "dates"),
])
def test_german_day_columns_are_not_stored_as_tags(admin, tmp_path, writer, day1, day2, kind):
    path = writer(tmp_path / f"veranstaltung.{'csv' if writer is write_csv else 'xlsx'}",
                  [["Name", "E-Mail", "Tag 1", "Tag 2"],
                   ["Anna Schmidt", "anna@example.de", day1[0], day2[0]],
                   ["Jonas Weber", "jonas@example.de", day1[1], day2[1]]])
    result = import_file(admin, path, kind="customers")
    assert result.created == 2
    got = _customers(admin)
    assert all(not c["tags"] for c in got.values())
    assert set(result.unmapped) >= {"Tag 1", "Tag 2"}
    assert f"Tag 1: {day1[0]}" in got["Anna Schmidt"]["notes"]     # kept, as other unmapped columns
    why = _why(result, "Tag 1")
    assert why["decided"].startswith("not Tags") and kind in why["evidence"]
    assert '--map "Tag 1=Tags"' in why["evidence"]
    assert not any(i["what"] == "Tags" for i in result.inferences)   # no "'Tag 1' and 'Tag 2' together"


def test_date_and_time_cells_of_a_workbook_are_not_tags(admin, tmp_path):
    path = write_xlsx(tmp_path / "termine.xlsx", [["Name", "Tag 1", "Tag 2"],
                                                 ["Anna Schmidt", dt.datetime(2026, 3, 5), dt.time(9, 30)],
                                                 ["Jonas Weber", dt.datetime(2026, 3, 12), dt.time(14, 0)]])
    result = import_file(admin, path, kind="customers")
    assert all(not c["tags"] for c in _customers(admin).values())
    assert "dates" in _why(result, "Tag 1")["evidence"] and "times" in _why(result, "Tag 2")["evidence"]


def test_the_dry_run_says_the_same_and_writes_nothing(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Name", "Tag 1"], ["Anna Schmidt", "05.03.2026"]])
    result = import_file(admin, path, kind="customers", dry_run=True)
    assert _why(result, "Tag 1")["decided"].startswith("not Tags")
    assert "Tag 1" in result.unmapped
    assert _customers(admin) == {}


def test_a_numbers_only_tags_column_is_not_tags_either(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Name", "Labels"], ["Dana Lee", "12"], ["Li Wei", "7"]])
    result = import_file(admin, path, kind="customers")
    assert "numbers" in _why(result, "Labels")["evidence"]
    assert all(not c["tags"] for c in _customers(admin).values())


def test_map_takes_the_day_column_as_tags_after_all(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Name", "Tag 1", "Tag 2"], ["Anna Schmidt", "Montag", "14:30"]])
    result = import_file(admin, path, kind="customers", mapping=["Tag 1=Tags"])
    assert _customers(admin)["Anna Schmidt"]["tags"] == "Montag"
    assert not any(i["what"] == "column 'Tag 1'" for i in result.inferences)
    assert "Tag 2" in result.unmapped


@pytest.mark.parametrize("header, values, expected", [
    ("Tag 1", ["VIP", "Wholesale", "vip"], ["VIP", "Wholesale", "vip"]),
    ("Tags", ["VIP", "2024", "Retail"], ["VIP", "2024", "Retail"]),      # a year among tags stays a tag
    ("タグ1", ["得意先", "卸売", "小売"], ["得意先", "卸売", "小売"]),
    ("Etiketten", ["Stammkunde", "Montagebetrieb", "Großhandel"], ["Stammkunde", "Montagebetrieb", "Großhandel"]),
])
def test_real_tags_under_a_tag_heading_are_still_tags(admin, tmp_path, header, values, expected):
    names = ["Dana Lee", "Li Wei", "Sam Roe"]
    path = write_csv(tmp_path / "t.csv", [["Name", header]] + [[n, v] for n, v in zip(names, values)])
    result = import_file(admin, path, kind="customers")
    assert [_customers(admin)[n]["tags"] for n in names] == expected
    assert header not in result.unmapped


def test_a_column_mostly_of_dates_with_words_among_them_stops_naming_map(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Name", "Tag 1"], ["Anna Schmidt", "05.03.2026"],
                                          ["Jonas Weber", "06.03.2026"], ["Eva Klein", "Ausgebucht"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="customers")
    message = str(stop.value)
    assert "column 'Tag 1'" in message and "'05.03.2026'" in message and "'Ausgebucht'" in message
    assert '--map "Tag 1=Tags"' in message and "Nothing was imported" in message
    with pytest.raises(ImportRefused):
        import_file(admin, path, kind="customers", dry_run=True)
    assert _customers(admin) == {}
    import_file(admin, path, kind="customers", mapping=["Tag 1=Notes"])
    got = _customers(admin)
    assert not got["Eva Klein"]["tags"] and "Ausgebucht" in got["Eva Klein"]["notes"]


def test_the_cli_dry_run_names_the_day_column_and_the_map_option(run, admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Name", "Tag 1"], ["Anna Schmidt", "05.03.2026"]])
    code, out, err = run("import", str(path), "--kind", "customers", "--dry-run")
    assert code == 0, err
    text = " ".join(out.split())
    assert "Tag 1" in text and "not Tags" in text and "--map" in text


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("header, values, expected", [
    ("Tags", ["2024, 2025, VIP", "2024, 2025", "2023"], ["2024, 2025, VIP", "2024, 2025", "2023"]),
    ("Labels", ["2023; 2024", "2025|Retail", "1999"], ["2023, 2024", "2025, Retail", "1999"]),
    ("标签", ["2024、重要客户", "2025，2026", "2024"], ["2024, 重要客户", "2025, 2026", "2024"]),
    ("Tag 1", ["2024", "2025", "Stammkunde"], ["2024", "2025", "Stammkunde"]),   # a year is no day
    ("Tags", [2024, 2025, "VIP"], ["2024", "2025", "VIP"]),                        # years as numbers
])
def test_years_in_a_tag_column_are_tags_alone_or_in_a_list(admin, tmp_path, writer, header, values, expected):
    names = ["Dana Lee", "Li Wei", "Sam Roe"]
    path = writer(tmp_path / f"t.{'csv' if writer is write_csv else 'xlsx'}",
                  [["Name", header]] + [[n, v] for n, v in zip(names, values)])
    result = import_file(admin, path, kind="customers")
    assert [_customers(admin)[n]["tags"] for n in names] == expected
    assert not any(i["what"] == f"column '{header}'" for i in result.inferences)


def test_numbers_that_are_no_years_still_make_a_tag_column_doubtful(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Name", "Tag 1"], ["Anna Schmidt", "12"],
                                          ["Jonas Weber", "1, 5"], ["Eva Klein", "Ausgebucht"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="customers")
    assert "column 'Tag 1'" in str(stop.value) and "'12'" in str(stop.value)
