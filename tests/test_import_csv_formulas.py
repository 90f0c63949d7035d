"""Formulas in a CSV file (Excel computes a cell starting with =; the file holds only the
formula): Excel's text wrapper and joins of literals read as the text Excel shows, numbers
as Excel's General format writes them (=0&"5" is 05); a cell that is still a formula
(a cell reference, any function, a DDE link) is never stored as a value: the field is
left empty, its text kept in Notes with a warning counted in the summary (a required
field rejects the row); a join whose text starts like a formula (="="&"cmd|calc") is
stored as the text it is, and every export writes it as text, never as a formula.
Stored values read back from a real encrypted store."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.excel.sync import refresh_book
from cims_xl.importer.run import import_file
from cims_xl.services import gdpr, records

from test_sync_support import new_workbook


def _customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def _csv(path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> object:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("formula", [
    '=CONCATENATE("0",A2)', '=A2&"5"', '=TEXT(B3,"00000")', "=SUM(C2:C4)", '=$B$2', "=Sheet2!A1",
    "='Postal codes'!B7", "=cmd|' /C calc'!A0", '=VLOOKUP(A2,Zips!A:B,2,FALSE)'])
@pytest.mark.parametrize("guards", [True, False])
def test_a_csv_cell_that_is_still_a_formula_is_kept_in_notes_with_a_warning_not_stored_as_the_value(
        admin, tmp_path, formula, guards):
    first = '="0"&"10010"' if guards else "10010"          # with and without Excel's text wrapper elsewhere
    path = _csv(tmp_path / "c.csv", ["Name", "Phone", "Zip", "Country"],
                [["Ann Lee", first, formula, "US"], ["Bo Chen", "2025550143", "02134", "US"]])
    result = import_file(admin, path)
    got = _customers(admin)
    assert not got["Ann Lee"]["postal_code"]
    assert formula in (got["Ann Lee"]["notes"] or "")
    assert got["Bo Chen"]["postal_code"] == "02134"
    assert result.warnings == 1 and result.rejected == 0
    (row,) = [o for o in result.outcomes if o.warnings]
    assert row.row == 2 and "formula" in " ".join(row.warnings.values())


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_formula_in_a_required_field_rejects_the_row_instead_of_naming_a_customer_after_it(
        admin, tmp_path, delimiter):
    path = _csv(tmp_path / "c.csv", ["Name", "City"],
                [['=B2&" Ltd"', "Oslo"], ["Bo Chen", "Bergen"]], delimiter)
    result = import_file(admin, path)
    assert set(_customers(admin)) == {"Bo Chen"} and result.rejected == 1


@pytest.mark.parametrize("cell, shown", [
    ('=0&"5"', "05"), ('=CONCATENATE(0,"2134")', "02134"), ('="A-"&1.50', "A-1.5"), ('=007&"-"&2E3', "7-2000"),
    ('="00"&1&"24"', "00124"), ('=CONCATENATE("0";2;"1";3;4)', "02134")])
def test_number_literals_joined_in_a_csv_formula_read_as_the_text_excel_shows(admin, tmp_path, cell, shown):
    path = _csv(tmp_path / "c.csv", ["Name", "Zip", "Notes"], [["Ann Lee", cell, "n"], ["Bo Chen", "02134", "m"]])
    result = import_file(admin, path)
    got = _customers(admin)
    assert got["Ann Lee"]["postal_code"] == shown and got["Ann Lee"]["notes"] == "n"
    assert result.warnings == 0


def test_a_joined_text_that_starts_like_a_formula_is_stored_as_text_and_every_export_writes_it_as_text(
        admin, tmp_path, run):
    path = _csv(tmp_path / "c.csv", ["Name", "Notes", "City"], [
        ["Ann Lee", '="="&"cmd|calc"', '="@"&"SUM(1+1)"'],
        ["Bo Chen", "=cmd|' /C calc'!A0", '="+"&"1"&"+1"'],
        ["Cy Diaz", '="=HYPERLINK(""http://x.example"")"', '="-"&2&"+3"']])
    result = import_file(admin, path)
    got = _customers(admin)
    assert got["Ann Lee"]["notes"] == "=cmd|calc" and got["Ann Lee"]["city"] == "@SUM(1+1)"
    assert got["Bo Chen"]["city"] == "+1+1" and got["Cy Diaz"]["city"] == "-2+3"
    assert got["Cy Diaz"]["notes"] == '=HYPERLINK("http://x.example")'
    # the DDE link written as a formula is not a value: kept in Notes with a warning
    assert result.warnings == 1 and [o.row for o in result.outcomes if o.warnings] == [3]
    risky = {"=cmd|calc", "@SUM(1+1)", "+1+1", "-2+3", '=HYPERLINK("http://x.example")'}

    cells = set()
    for c in got.values():                                                # CSV
        code, out, err = run("--format", "csv", "customer", "show", c["id"])
        assert code == 0, err
        cells |= {c for row in csv.reader(io.StringIO(out)) for c in row}
    assert not cells & risky and {"'" + r for r in risky} <= cells

    for name in ("Ann Lee", "Cy Diaz"):                                   # xlsx (the GDPR export)
        out_path = tmp_path / f"{name}.xlsx"
        gdpr.export_customer(admin, got[name]["id"], out_path, write_xlsx=write_rows_xlsx)
        ws = openpyxl.load_workbook(out_path).worksheets[0]
        found = [c for row in ws.iter_rows() for c in row if c.value in risky]
        assert len(found) == 2 and all(c.data_type == "s" and c.quotePrefix for c in found)

    book = new_workbook(tmp_path / "book.xlsx")                          # the workbook
    fb = FileWorkbook(book)
    refresh_book(admin, fb, ["Customers"])
    fb.save()
    ws = openpyxl.load_workbook(book)["Customers"]
    found = [c for row in ws.iter_rows() for c in row if c.value in risky]
    assert {c.value for c in found} == risky and all(c.data_type == "s" and c.quotePrefix for c in found)
