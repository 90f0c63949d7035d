"""Every date column of a file is evidence of the order its program writes dates in,
also the columns no field takes ("Due Date", "Delivered", "Created": kept in Notes):
an ambiguous Order Date ("03/04/2024") beside them takes the order they prove
("03/18/2024": month first), and the summary names them. Two columns the import reads,
written alike, that each prove another order stop the import: one file's dates are
never read in two orders silently. Written in different shapes, each keeps its own
order and the summary says so."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

D = dt.date


def _orders(session) -> dict[str, dt.date]:
    return {r["order_number"]: r["order_date"] for r in records.list_records(session, "order")}


def _file(tmp_path, other: str, rows: list[tuple[str, str]], name: str = "orders.csv"):
    path = tmp_path / name
    lines = [f"Order,Customer,Email,Amount,Currency,Order Date,{other}"]
    lines += [f"{n},Person {n},p{n}@example.com,10.00,EUR,{a},{b}" for n, (a, b) in enumerate(rows, 1001)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("other", ["Due Date", "Delivered", "Created", "Fecha de entrega"])
@pytest.mark.parametrize("rows, order, stored", [
    ([("03/04/2024", "03/18/2024"), ("02/05/2024", "02/07/2024")], "MDY", [D(2024, 3, 4), D(2024, 2, 5)]),
    ([("03/04/2024", "18/04/2024"), ("02/05/2024", "07/05/2024")], "DMY", [D(2024, 4, 3), D(2024, 5, 2)]),
    ([("03-04-2024", "18-04-2024"), ("02-05-2024", "07-05-2024")], "DMY", [D(2024, 4, 3), D(2024, 5, 2)]),
])
def test_an_ambiguous_order_date_takes_the_order_a_date_column_kept_as_text_proves(
        admin, tmp_path, other, rows, order, stored):
    path = _file(tmp_path, other, rows)
    dry = import_file(admin, path, kind="orders", dry_run=True)
    (said,) = [i for i in dry.inferences if i["what"] == "date order in 'Order Date'"]
    assert said["decided"] == order and f"'{other}'" in said["evidence"] and rows[0][1] in said["evidence"]
    assert _orders(admin) == {}
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"1001": stored[0], "1002": stored[1]}


def test_date_columns_that_disagree_settle_nothing_even_when_one_is_kept_as_text(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order,Customer,Email,Amount,Currency,Order Date,Ship Date,Due Date\n"
                    "1001,Ann,a@example.com,10.00,EUR,03/04/2024,18/04/2024,04/18/2024\n"
                    "1002,Ben,b@example.com,10.00,EUR,02/05/2024,07/05/2024,05/07/2024\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Order Date'" in str(stop.value) and "--date-order" in str(stop.value)
    assert _orders(admin) == {}


@pytest.mark.parametrize("kind, text, first, second", [
    ("orders", "Order,Customer,Email,Amount,Currency,Order Date,Ship Date\n"
               "1001,Ann,a@example.com,10.00,EUR,25/03/2024,03/28/2024\n"
               "1002,Ben,b@example.com,10.00,EUR,02/05/2024,02/07/2024\n", "'Order Date'", "'Ship Date'"),
    ("tickets", "Subject,Customer,Email,Opened,Closed\n"
                "Printer,Ann,a@example.com,25/03/2024 09:00,03/28/2024 10:00\n"
                "Login,Ben,b@example.com,02/05/2024 09:00,02/07/2024 10:00\n", "'Opened'", "'Closed'"),
])
def test_two_columns_written_alike_that_prove_different_orders_stop_the_import(admin, tmp_path, kind, text,
                                                                               first, second):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind=kind)
    said = str(stop.value)
    assert first in said and second in said and "--date-order DMY" in said and "--date-order MDY" in said
    assert "'25/03/2024" in said and "'03/28/2024" in said
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "ticket") == []
    import_file(admin, path, kind=kind, date_order="DMY")     # the option settles it: day first
    if kind == "orders":
        assert _orders(admin)["1002"] == D(2024, 5, 2)
    else:
        (login,) = [t for t in records.list_records(admin, "ticket") if t["subject"] == "Login"]
        assert login["opened_at"].date() == D(2024, 5, 2) and login["closed_at"].date() == D(2024, 7, 2)


def test_columns_written_in_different_shapes_keep_their_own_orders_and_the_summary_says_so(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order,Customer,Email,Amount,Currency,Order Date,Ship Date\n"
                    "1001,Ann,a@example.com,10.00,EUR,25.03.2024,03/28/2024\n"
                    "1002,Ben,b@example.com,10.00,EUR,02.05.2024,05/07/2024\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    (said,) = [i for i in result.inferences if i["what"] == "date orders of 'Order Date' and 'Ship Date'"]
    assert "DMY" in said["decided"] and "MDY" in said["decided"] and "'25.03.2024'" in said["evidence"]
    got = {r["order_number"]: (r["order_date"], r["ship_date"]) for r in records.list_records(admin, "order")}
    assert got == {"1001": (D(2024, 3, 25), D(2024, 3, 28)), "1002": (D(2024, 5, 2), D(2024, 5, 7))}
