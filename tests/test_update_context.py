"""An edit that leaves a record's country or currency alone is read in their light: a
phone typed without "+" takes the record's country, and an amount's currency symbol
must agree with the record's currency — on the CLI/services and through sheet Save."""

from __future__ import annotations

import pytest

from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.services import records
from test_sync_support import Editor, new_workbook, row_of


@pytest.mark.parametrize("country, typed, stored", [
    ("Chile", "9 8765 4321", "+56987654321"),
    ("United Kingdom", "020 7946 0958", "+442079460958"),
    ("美国", "(415) 555-0132", "+14155550132"),
    ("DE", "030 1234567", "+49301234567"),
])
def test_a_phone_edited_without_plus_takes_the_records_own_country(admin, country, typed, stored):
    cid = records.create(admin, "customer", {"name": "Someone", "country": country})["id"]
    assert records.update(admin, cid, {"phone": typed})["phone"] == stored


def test_a_phone_and_a_new_country_in_one_edit_use_the_new_country(admin):
    cid = records.create(admin, "customer", {"name": "Moved", "country": "Chile"})["id"]
    assert records.update(admin, cid, {"phone": "020 7946 0958", "country": "GB"})["phone"] == "+442079460958"


@pytest.mark.parametrize("amount", ["¥500", "€12", "£3.50"])
def test_an_amount_whose_symbol_contradicts_the_orders_currency_is_refused(admin, amount):
    cid = records.create(admin, "customer", {"name": "Buyer"})["id"]
    oid = records.create(admin, "order", {"customer_id": cid, "order_date": "2024-01-02", "amount": "10",
                                          "currency": "USD"})["id"]
    with pytest.raises(ValidationFailed, match="but (the )?Currency (column )?says USD"):
        records.update(admin, oid, {"amount": amount})
    assert records.get(admin, oid)["currency"] == "USD"
    assert str(records.update(admin, oid, {"amount": "$45"})["amount"]) in ("45", "45.00")


def test_sheet_save_reads_an_edited_phone_and_amount_by_the_rows_country_and_currency(admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Ana Rojas", "country": "Chile"})["id"]
    oid = records.create(admin, "order", {"customer_id": cid, "order_date": "2024-01-02", "amount": "10",
                                          "currency": "USD"})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh")
    with Editor(book) as ed:
        ed.set(cid, "Mobile", "9 8765 4323")
    with Editor(book, "Orders") as ed:
        ed.set(oid, "Amount", "¥500")
    sync.sync_file(admin, book, "save")
    assert records.get(admin, cid)["mobile"] == "+56987654323"
    assert row_of(book, oid, "Orders")["Status"].startswith(
        "Invalid: Amount: the sign '¥' conflicts with the row's currency USD")
    assert "'¥' is the sign of CNY or JPY" in row_of(book, oid, "Orders")["Status"]
    assert records.get(admin, oid)["currency"] == "USD"
