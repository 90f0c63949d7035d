"""A day-first file opened in an Excel set to month first: "05/04/2024" became a real date
cell of 4 May while "25/03/2024", which no month-first reading takes, stayed text. A date
column mixing such text with date cells whose day could be the month is never stored half
swapped: the import stops before writing, naming the column, examples of both and
--date-cells; `swap` then reads the cells day for month, `keep` keeps them (both said).
Month-first text beside date cells is no such sign and imports as before (cols22, item 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import said_about, write_xlsx

D = dt.datetime


def _orders_file(tmp_path, dates, head="Order Date", name="orders"):
    rows = [["Customer", "Email", "Order No", head, "Amount", "Currency"]]
    for i, d in enumerate(dates):
        rows.append([f"Buyer {i}", f"b{i}@example.com", f"N{100 + i}", d, 10 * (i + 1), "EUR"])
    return write_xlsx(tmp_path / f"{name}.xlsx", rows)


def _stored_dates(session, kind="order", number="order_number", field="order_date"):
    return {str(r[number]): str(r[field])[:10] for r in records.list_records(session, kind)}


MANGLED = [D(2024, 5, 4), "25/03/2024", D(2024, 6, 3), "13/04/2024", D(2024, 12, 1), "28/02/2024"]
DOTTED = [D(2024, 2, 7, 0, 0), "31.01.2024", D(2024, 3, 11), "15.03.2024"]


@pytest.mark.parametrize("dates, head, text, cell", [
    (MANGLED, "Order Date", "'25/03/2024'", "2024-05-04"),
    (DOTTED, "Bestelldatum", "'31.01.2024'", "2024-02-07"),
], ids=["slashes", "dots-german-heading"])
def test_text_dates_only_day_first_reads_beside_date_cells_stop_naming_the_column_and_option(
        admin, tmp_path, dates, head, text, cell):
    f = _orders_file(tmp_path, dates, head)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert f"'{head}'" in message and text in message and cell in message
    assert "--date-cells swap" in message and "--date-cells keep" in message
    assert _stored_dates(admin) == {}
    with pytest.raises(ImportRefused):
        import_file(admin, f, kind="orders", dry_run=True)     # the dry run stops alike


def test_date_cells_swap_reads_the_cells_day_for_month_and_says_so(admin, tmp_path):
    f = _orders_file(tmp_path, MANGLED)
    dry = import_file(admin, f, kind="orders", dry_run=True, date_cells="swap")
    assert "day and month swapped" in said_about(dry, "date cells in 'Order Date'")
    assert _stored_dates(admin) == {}
    result = import_file(admin, f, kind="orders", date_cells="swap")
    assert _stored_dates(admin) == {"N100": "2024-04-05", "N101": "2024-03-25", "N102": "2024-03-06",
                                    "N103": "2024-04-13", "N104": "2024-01-12", "N105": "2024-02-28"}
    assert "2024-05-04" in said_about(result, "date cells in 'Order Date'")


def test_date_cells_keep_stores_the_cells_as_they_are_and_says_so(admin, tmp_path):
    f = _orders_file(tmp_path, MANGLED)
    result = import_file(admin, f, kind="orders", date_cells="KEEP")
    assert _stored_dates(admin) == {"N100": "2024-05-04", "N101": "2024-03-25", "N102": "2024-06-03",
                                    "N103": "2024-04-13", "N104": "2024-12-01", "N105": "2024-02-28"}
    assert "kept as they are" in said_about(result, "date cells in 'Order Date'")


def test_an_opportunity_close_date_column_so_mixed_stops_and_is_swapped_with_the_option(admin, tmp_path):
    rows = [["Opportunity Name", "Account Name", "Amount", "Close Date"],
            ["Deal A", "Acme", 100, D(2024, 7, 8)], ["Deal B", "Beta", 200, "20/09/2024"],
            ["Deal C", "Gamma", 300, D(2024, 10, 1)]]
    f = write_xlsx(tmp_path / "deals.xlsx", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="opportunities")
    assert "'Close Date'" in stop.value.message and "'20/09/2024'" in stop.value.message
    import_file(admin, f, kind="opportunities", date_cells="swap")
    assert _stored_dates(admin, "opportunity", "name", "expected_close") == {
        "Deal A": "2024-08-07", "Deal B": "2024-09-20", "Deal C": "2024-01-10"}


def test_month_first_text_or_day_first_text_with_no_doubtful_cell_imports_as_before_but_mixed_day_first_does_not(
        admin, tmp_path):
    # month first text beside date cells: the cells agree with it, no stop
    us = _orders_file(tmp_path, [D(2024, 5, 4), "03/25/2024", D(2024, 6, 3)], name="us")
    import_file(admin, us, kind="orders")
    assert _stored_dates(admin) == {"N100": "2024-05-04", "N101": "2024-03-25", "N102": "2024-06-03"}
    # day-first text beside cells whose day cannot be a month (or equals it): nothing to swap
    safe = [D(2024, 5, 14), "25/03/2024", D(2024, 6, 6)]
    rows = [["Customer", "Email", "Order No", "Order Date", "Amount", "Currency"]] + [
        [f"Other {i}", f"o{i}@example.com", f"S{i}", d, 5, "EUR"] for i, d in enumerate(safe)]
    import_file(admin, write_xlsx(tmp_path / "safe.xlsx", rows), kind="orders")
    assert {k: v for k, v in _stored_dates(admin).items() if k.startswith("S")} == {
        "S0": "2024-05-14", "S1": "2024-03-25", "S2": "2024-06-06"}
    # one doubtful cell among them is enough to stop
    with pytest.raises(ImportRefused):
        import_file(admin, _orders_file(tmp_path, safe + [D(2024, 3, 4)], name="one"), kind="orders")


def test_the_cli_takes_date_cells_and_the_stop_names_it(run, admin, tmp_path):
    f = _orders_file(tmp_path, MANGLED)
    code, out, err = run("import", "file", str(f), "--kind", "orders")
    assert code != 0 and "--date-cells" in out + err
    code, out, err = run("import", "file", str(f), "--kind", "orders", "--date-cells", "swap")
    assert code == 0, out + err
    assert _stored_dates(admin)["N100"] == "2024-04-05"
