"""Excel day numbers in a date column are read as dates, and the summary says so."""

from __future__ import annotations

import datetime as dt

import openpyxl

from cims_xl.importer import import_file
from cims_xl.services import records


def consent_dates(session) -> dict[str, dt.date | None]:
    return {r["name"]: r["marketing_consent_at"] for r in records.list_records(session, "customer")}


def test_day_numbers_written_as_text_in_a_csv_are_dates_and_the_summary_says_so(admin, tmp_path):
    path = tmp_path / "consent.csv"
    path.write_text("Name,Consent Date\nAna,45352\nBob,2024-03-02\nCai,45353.5\n", encoding="utf-8")
    result = import_file(admin, path, dry_run=True)
    (said,) = [i for i in result.inferences if i["what"] == "Excel day numbers in 'Consent Date'"]
    assert said["evidence"] == "2 cell(s) such as '45352' = 2024-03-01"
    import_file(admin, path)
    assert consent_dates(admin) == {"Ana": dt.date(2024, 3, 1), "Bob": dt.date(2024, 3, 2),
                                    "Cai": dt.date(2024, 3, 2)}


def test_unformatted_numbers_in_a_workbook_date_column_are_named_as_day_numbers(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Consent Date"])
    ws.append(["Ana", 45352])                    # a number, no date format: Excel shows 45352
    ws.append(["Bob", dt.datetime(2024, 3, 2)])  # a real date cell
    path = tmp_path / "consent.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    (said,) = [i for i in result.inferences if i["what"].startswith("Excel day numbers")]
    assert said["evidence"].startswith("1 cell(s) such as '45352'")
    assert consent_dates(admin) == {"Ana": dt.date(2024, 3, 1), "Bob": dt.date(2024, 3, 2)}


def test_a_date_column_of_real_dates_says_nothing_about_day_numbers(admin, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Name,Consent Date\nAna,2024-03-01\n", encoding="utf-8")
    result = import_file(admin, path, dry_run=True)
    assert not [i for i in result.inferences if "day numbers" in i["what"]]
