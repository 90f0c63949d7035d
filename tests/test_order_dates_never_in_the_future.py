"""An order is placed when it is: an Order Date after today (beyond the clock skew cims
allows every event time, sla.CLOCK_SKEW) is refused naming the field, on every path — the
Python API (create and edit), `cims order add`, an import (that row rejected, counted and
named; the others stored) and a workbook Save. Dates that are plans stay free: an open
deal's Expected Close and a ship date may be ahead. Real encrypted stores in tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.domain.pipeline import DEFAULT_TZ
from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import rejected_problems, write_table
from test_sync_support import Editor, new_workbook, table_rows


def _today() -> dt.date:
    return dt.datetime.now(DEFAULT_TZ).date()


def _ahead(days: int) -> dt.date:
    return _today() + dt.timedelta(days=days)


@pytest.fixture
def customer(admin):
    return records.create(admin, "customer", {"name": "Li Lei", "email": "li@example.cn"})["id"]


@pytest.mark.parametrize("days", [2, 40, 366])
def test_an_order_dated_ahead_is_refused_through_the_api_on_create_and_on_edit(admin, customer, days):
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "order", {"customer_id": customer, "order_number": "SO-1",
                                        "order_date": _ahead(days).isoformat(), "amount": "10"})
    assert "future" in exc.value.problems["Order Date"] and _ahead(days).isoformat() in exc.value.problems["Order Date"]
    assert records.list_records(admin, "order") == []
    rid = records.create(admin, "order", {"customer_id": customer, "order_number": "SO-2",
                                          "order_date": _today().isoformat(), "amount": "10",
                                          "ship_date": _ahead(days).isoformat()})["id"]
    with pytest.raises(ValidationFailed) as exc:
        records.update(admin, rid, {"order_date": _ahead(days).isoformat()})
    assert "Order Date" in exc.value.problems
    assert records.get(admin, rid)["order_date"] == _today()
    # a plan may be ahead: an open deal's expected close
    deal = records.create(admin, "opportunity", {"customer_id": customer, "name": "Next year", "stage": "Proposal",
                                                 "expected_close": _ahead(days).isoformat()})
    assert deal["expected_close"] == _ahead(days)


def test_order_add_dated_next_year_is_refused_naming_order_date(run, admin, customer):
    code, out, err = run("order", "add", "--customer-id", customer, "--order-number", "SO-9",
                         "--order-date", _ahead(365).isoformat(), "--amount", "99")
    assert code != 0
    assert "Order Date" in err and "future" in err and _ahead(365).isoformat() in err
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heads, shown", [
    (["Customer", "Order No", "Order Date", "Amount"], "%Y-%m-%d"),
    (["Kunde", "Bestellnr.", "Bestelldatum", "Betrag"], "%d.%m.%Y"),
    (["客户", "订单号", "订单日期", "金额"], "%Y/%m/%d"),
])
def test_an_imported_order_dated_ahead_is_rejected_named_and_the_others_stored(admin, customer, tmp_path, fmt,
                                                                              heads, shown):
    past = _today() - dt.timedelta(days=20)
    path = write_table(tmp_path, fmt, [heads,
                                       ["Li Lei", "A-1", past.strftime(shown), "10"],
                                       ["Li Lei", "A-2", _ahead(400).strftime(shown), "20"],
                                       ["Li Lei", "A-3", _today().strftime(shown), "30"]])
    result = import_file(admin, path, kind="orders", decimal="point", date_order="DMY" if "." in shown else None,
                         currency="EUR")      # a German file's bare amounts name no currency otherwise
    assert (result.created, result.rejected) == (2, 1)
    problem = rejected_problems(result)[3]
    assert "future" in problem and _ahead(400).isoformat() in problem
    assert heads[2] in str([o.problems for o in result.outcomes if o.row == 3])
    assert {o["order_number"]: o["order_date"] for o in records.list_records(admin, "order")} == {
        "A-1": past, "A-3": _today()}


def test_a_new_order_row_dated_ahead_is_not_saved_from_the_workbook(admin, customer, tmp_path):
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": customer, "Order No.": "W-1", "Order Date": dt.datetime.combine(_ahead(30),
                                                                                              dt.time()),
                    "Amount": 15})
    counts = sync.sync_file(admin, book, "save", sheets=["Orders"])["sheets"]["Orders"]
    assert counts["created"] == 0 and counts["invalid"] == 1
    [row] = table_rows(book, "Orders")
    assert "Order Date" in row["Status"] and "future" in row["Status"]
    assert records.list_records(admin, "order") == []
