"""A date column whose every value reads two ways ("05/03/2026") takes the order the
file's other date columns, written the same way, decide on their own values: one
program writes all of an export's dates alike. Deciders of another shape, or that
disagree, settle nothing, and the import stops naming the column as before."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

D = dt.date


def orders(session) -> dict[str, tuple]:
    return {r["order_number"]: (r["order_date"], r["ship_date"])
            for r in records.list_records(session, "order")}


def orders_file(tmp_path, rows: list[tuple[str, str, str]], name: str = "orders.csv"):
    path = tmp_path / name
    lines = ["Order,Customer,Email,Order date,Ship date,Amount,Currency"]
    lines += [f"{n},Person {n},p{n}@example.com,{a},{b},10.00,EUR" for n, a, b in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", ["/", "-"])
def test_a_ship_date_column_takes_the_day_first_order_its_order_date_column_proves(admin, tmp_path, sep):
    path = orders_file(tmp_path, [("1001", f"25{sep}03{sep}2026", f"05{sep}04{sep}2026"),
                                  ("1002", f"13{sep}01{sep}2026", f"02{sep}02{sep}2026")])
    dry = import_file(admin, path, kind="orders", dry_run=True)
    (said,) = [i for i in dry.inferences if i["what"] == "date order in 'Ship date'"]
    assert said["decided"] == "DMY"
    assert "'Order date'" in said["evidence"] and f"'13{sep}01{sep}2026'" in said["evidence"]  # the first such
    assert orders(admin) == {}
    import_file(admin, path, kind="orders")
    assert orders(admin) == {"1001": (D(2026, 3, 25), D(2026, 4, 5)), "1002": (D(2026, 1, 13), D(2026, 2, 2))}


def test_month_first_order_dates_make_the_ship_dates_month_first_too(admin, tmp_path):
    path = orders_file(tmp_path, [("1001", "03/25/2026", "04/05/2026"), ("1002", "1/13/2026", "2/2/2026")])
    import_file(admin, path, kind="orders")
    assert orders(admin) == {"1001": (D(2026, 3, 25), D(2026, 4, 5)), "1002": (D(2026, 1, 13), D(2026, 2, 2))}


def test_an_ambiguous_column_in_the_order_date_proves_is_settled_by_the_ship_dates(admin, tmp_path):
    path = orders_file(tmp_path, [("1001", "05/04/2026", "25/04/2026"), ("1002", "02/02/2026", "03/02/2026")])
    import_file(admin, path, kind="orders")
    assert orders(admin) == {"1001": (D(2026, 4, 5), D(2026, 4, 25)), "1002": (D(2026, 2, 2), D(2026, 2, 3))}


def test_columns_written_in_another_shape_settle_nothing_and_the_import_stops(admin, tmp_path):
    # slashes prove day-first; the dashes are another writer's dates
    path = orders_file(tmp_path, [("1001", "25/03/2026", "05-04-2026"), ("1002", "13/01/2026", "02-02-2026")])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Ship date'" in str(stop.value) and "--date-order" in str(stop.value)
    assert orders(admin) == {}
    # two-digit years are another shape too
    path = orders_file(tmp_path, [("1001", "25/03/2026", "05/04/26"), ("1002", "13/01/2026", "02/02/26")],
                       name="short.csv")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Ship date'" in str(stop.value)
    assert orders(admin) == {}


def test_a_column_holding_one_value_of_another_shape_is_not_settled(admin, tmp_path):
    path = orders_file(tmp_path, [("1001", "25/03/2026", "05/04/2026"), ("1002", "13/01/2026", "02.02.2026")])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Ship date'" in str(stop.value)


def test_other_columns_that_disagree_settle_nothing(admin, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("Subject,Customer,Email,Opened,First response,Closed\n"
                    "Printer,Ann,ann@example.com,25/03/2026 09:00,05/04/2026 10:00,04/07/2026 11:00\n"
                    "Login,Ben,ben@example.com,12/01/2026 09:00,02/02/2026 10:00,12/31/2026 11:00\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="tickets")
    assert "--date-order" in str(stop.value)
    assert records.list_records(admin, "ticket") == []


def test_a_tickets_file_settles_all_its_ambiguous_times_from_one_column(admin, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("Subject,Customer,Email,Opened,First response,Closed\n"
                    "Printer,Ann,ann@example.com,25/03/2026 09:00,05/04/2026 10:00,06/04/2026 11:00\n"
                    "Login,Ben,ben@example.com,02/01/2026 09:00,02/02/2026 10:00,03/02/2026 11:00\n",
                    encoding="utf-8")
    result = import_file(admin, path, kind="tickets")
    assert result.created == 2
    by_subject = {t["subject"]: t for t in records.list_records(admin, "ticket")}
    assert by_subject["Printer"]["first_response_at"].date() == D(2026, 4, 5)
    assert by_subject["Printer"]["closed_at"].date() == D(2026, 4, 6)
    assert by_subject["Login"]["opened_at"].date() == D(2026, 1, 2)
    assert by_subject["Login"]["closed_at"].date() == D(2026, 2, 3)


def test_the_date_order_option_still_wins_over_the_other_columns(admin, tmp_path):
    # given MDY, the day-first-only order dates are rejected row by row, as before
    path = orders_file(tmp_path, [("1001", "25/03/2026", "05/04/2026"), ("1002", "01/03/2026", "02/02/2026")])
    result = import_file(admin, path, kind="orders", date_order="MDY")
    assert orders(admin) == {"1002": (D(2026, 1, 3), D(2026, 2, 2))}
    assert result.rejected == 1
