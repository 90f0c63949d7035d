"""Sheet Save reads a percent field's cell as Excel shows it (prob24): typing 100% in a
Probability % cell stores 1.0 with the format `0%`, which is 100 points, not 1; 25%
(0.25) is 25, not "not a whole number"; 12.5% is refused naming 12.5%. A Discount (a
share of 1) typed in a cell whose sign is text (`0"%"`, 15 shown "15%") is 0.15.
Refresh writes the stored value back in the cell's own percent format."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of


@pytest.fixture
def deal(admin):
    cid = records.create(admin, "customer", {"name": "Lars Ørsted"})["id"]
    return records.create(admin, "opportunity", {"customer_id": cid, "name": "Fjord deal", "stage": "Negotiation",
                                                 "amount": "250000", "probability": 40})["id"]


@pytest.fixture
def order(admin):
    cid = records.create(admin, "customer", {"name": "Ana Souza"})["id"]
    return records.create(admin, "order", {"customer_id": cid, "order_date": "2025-02-03", "amount": "100",
                                           "currency": "EUR"})["id"]


def _sync(session, path, action, sheet):
    return sync.sync_file(session, path, action, sheets=[sheet])["sheets"][sheet]


def _type(path, sheet, key, header, value, number_format):
    with Editor(path, sheet) as ed:
        cell = ed.cell(key, header)
        cell.value = value
        cell.number_format = number_format


@pytest.mark.parametrize("value, fmt, stored", [
    (1.0, "0%", 100), (0.25, "0%", 25), (0.07, "0.0%", 7), (0, "0%", 0), (0.5, "0.00%", 50),
    (30, '0"%"', 30),          # the sign is text: 30 shows "30%", 30 points
    (60, "0", 60),             # no percent format: the number as typed
])
def test_a_probability_typed_as_a_percentage_is_saved_as_the_percentage_shown(admin, tmp_path, deal,
                                                                            value, fmt, stored):
    book = new_workbook(tmp_path / "p.xlsx")
    _sync(admin, book, "refresh", "Opportunities")
    _type(book, "Opportunities", deal, "Probability %", value, fmt)
    _sync(admin, book, "save", "Opportunities")
    assert row_of(book, deal, "Opportunities")["Status"] == "Updated"
    assert records.get(admin, deal)["probability"] == stored


@pytest.mark.parametrize("value, fmt, shown", [(0.125, "0.0%", "12.5%"), (0.333, "0.0%", "33.3%")])
def test_a_probability_that_is_not_whole_as_shown_is_refused_naming_what_the_cell_shows(admin, tmp_path, deal,
                                                                                      value, fmt, shown):
    book = new_workbook(tmp_path / "p.xlsx")
    _sync(admin, book, "refresh", "Opportunities")
    _type(book, "Opportunities", deal, "Probability %", value, fmt)
    _sync(admin, book, "save", "Opportunities")
    status = row_of(book, deal, "Opportunities")["Status"]
    assert status.startswith("Invalid: Probability %") and shown in status, status
    assert records.get(admin, deal)["probability"] == 40


def test_a_percent_formatted_probability_column_refreshes_as_it_shows_and_has_nothing_to_save(admin, tmp_path, deal):
    book = new_workbook(tmp_path / "p.xlsx")
    _sync(admin, book, "refresh", "Opportunities")
    _type(book, "Opportunities", deal, "Probability %", 0.25, "0%")
    _sync(admin, book, "save", "Opportunities")
    records.update(admin, deal, {"probability": 90},
                   expected_version=records.get(admin, deal)["version"])
    _sync(admin, book, "refresh", "Opportunities")
    cell = row_of(book, deal, "Opportunities")["@cell"]["Probability %"]
    assert cell.number_format == "0%" and cell.value == pytest.approx(0.9)
    result = _sync(admin, book, "save", "Opportunities")
    assert row_of(book, deal, "Opportunities")["Status"] in (None, "")
    assert records.get(admin, deal)["probability"] == 90
    assert not result.get("updated")


@pytest.mark.parametrize("value, fmt, stored", [
    (0.15, "0%", "0.15"),          # typed 15%: Excel stores 0.15, the share itself
    (15, '0"%"', "0.15"),          # the sign is text: 15 shows "15%", a share of 0.15
    (0.2, "0.00", "0.2"),
])
def test_an_order_discount_in_a_percent_cell_is_saved_as_the_share_shown(admin, tmp_path, order, value, fmt, stored):
    book = new_workbook(tmp_path / "o.xlsx")
    _sync(admin, book, "refresh", "Orders")
    _type(book, "Orders", order, "Discount", value, fmt)
    _sync(admin, book, "save", "Orders")
    assert row_of(book, order, "Orders")["Status"] == "Updated"
    assert Decimal(str(records.get(admin, order)["discount"])) == Decimal(stored)
