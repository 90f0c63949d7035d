"""Dates written without a year (05.03., 3月5日, 3월 5일, Mar 5, 5. März, 24/3, 03/05, DATEV's
Belegdatum 0503) stop the import naming the column, its examples and --year; --year YYYY
reads them in that year. The year is never taken from today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table

HEAD = ["Order No", "Order Date", "Customer", "Amount"]


def _dates(session) -> dict[str, str]:
    return {o["order_number"]: str(o["order_date"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("written, stored", [
    ("05.03.", "2023-03-05"), ("3月5日", "2023-03-05"), ("3월 5일", "2023-03-05"), ("Mar 5", "2023-03-05"),
    ("5 March", "2023-03-05"), ("5. März", "2023-03-05"), ("24/3", "2023-03-24"), ("12-25", "2023-12-25")])
def test_a_date_column_without_a_year_stops_naming_year_and_the_year_option_reads_it(
        admin, tmp_path, written, stored):
    f = write_table(tmp_path, "csv", [HEAD, ["A1", written, "Ann Lee", "10.00"], ["A2", written, "Bob Roe", "20.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", currency="EUR")
    msg = stop.value.message
    assert "'Order Date'" in msg and repr(written) in msg and "--year YYYY" in msg
    assert str(dt.date.today().year) not in msg.replace("--year 2024", "")
    assert records.list_records(admin, "order") == []
    dry = import_file(admin, f, kind="orders", currency="EUR", year=2023, dry_run=True)
    assert any(i["what"] == "dates without a year in 'Order Date'" and "2023" in i["decided"]
               for i in dry.inferences)
    result = import_file(admin, f, kind="orders", currency="EUR", year=2023)
    assert (result.created, result.rejected) == (2, 0)
    assert _dates(admin) == {"A1": stored, "A2": stored}


def test_day_and_month_with_a_slash_keep_their_order_to_the_date_order_option(admin, tmp_path):
    f = write_table(tmp_path, "csv", [HEAD, ["A1", "03/05", "Ann Lee", "10.00"], ["A2", "04/06", "Bob Roe", "20.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", currency="EUR", year=2022)
    assert "--date-order" in stop.value.message
    result = import_file(admin, f, kind="orders", currency="EUR", year=2022, date_order="MDY")
    assert result.rejected == 0
    assert _dates(admin) == {"A1": "2022-03-05", "A2": "2022-04-06"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_datev_belegdatum_in_ddmm_is_read_as_day_and_month_of_the_year_given(admin, tmp_path, fmt):
    f = write_table(tmp_path, fmt, [
        ["Umsatz", "WKZ Umsatz", "Belegdatum", "Belegfeld 1", "Kunde"],
        ["1190,00", "EUR", "0503", "RE-1", "Müller GmbH"],
        ["595,00", "EUR", 1512 if fmt == "xlsx" else "1512", "RE-2", "Schmidt KG"],
        ["119,00", "EUR", "3112", "RE-3", "Weber AG"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", mapping=["Umsatz=Amount", "Belegfeld 1=Order Number"])
    assert "'Belegdatum'" in stop.value.message and "DDMM" in stop.value.message and "--year" in stop.value.message
    result = import_file(admin, f, kind="orders", mapping=["Umsatz=Amount", "Belegfeld 1=Order Number"], year=2024)
    assert result.rejected == 0
    assert _dates(admin) == {"RE-1": "2024-03-05", "RE-2": "2024-12-15", "RE-3": "2024-12-31"}
    assert {o["order_number"]: o["amount"] for o in records.list_records(admin, "order")}["RE-1"] == Decimal("1190")


def test_the_year_option_of_the_command_reads_dates_without_a_year(run, admin, tmp_path):
    f = write_table(tmp_path, "csv", [HEAD, ["A1", "05.03.", "Ann Lee", "10.00"]])
    code, out, err = run("import", str(f), "--kind", "orders", "--currency", "EUR", "--year", "2021")
    assert code == 0, out + err
    assert _dates(admin) == {"A1": "2021-03-05"}


def test_a_year_that_is_no_year_is_refused_naming_the_option(admin, tmp_path):
    f = write_table(tmp_path, "csv", [HEAD, ["A1", "05.03.", "Ann Lee", "10.00"]])
    with pytest.raises(ImportRefused, match="--year"):
        import_file(admin, f, kind="orders", currency="EUR", year="24x")
