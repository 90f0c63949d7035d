"""An amount with a fraction in a currency without one (1.5 JPY), stored by an older
version before amounts were checked (issue 14): shown where the user works (the sheet's
Status after Refresh and Save, `cims order show/list`) naming the record and the value,
fixable by typing the right amount or currency, never rounded behind the user's back;
and no update makes a new one (1.5 USD changed to JPY is refused)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cims_xl.domain.models import validate_record
from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.services import records

from test_sync_support import Editor, new_workbook, table_rows


def _old_order(session, amount: str, currency: str, number: str) -> str:
    """An order as an older version stored it: its amount not checked against its currency."""
    cust = records.create(session, "customer", {"name": f"Shop {number}"})["id"]
    clean = validate_record(ENTITIES["order"], {"customer_id": cust, "order_date": "2024-05-01", "amount": "1",
                                                "currency": currency, "order_number": number})
    clean["amount"] = Decimal(amount)
    # an older version wrote it without the check every write path now makes (check_written)
    checked, records.check_written = records.check_written, lambda *a, **k: None
    try:
        return records._service_create_many(session, "order", [clean], token=records._SERVICE,
                                            validated=True)[0]["id"]
    finally:
        records.check_written = checked


def _amounts(session) -> dict[str, tuple[Decimal, str]]:
    return {o["id"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _status(book) -> dict[str, str | None]:
    return {r["ID"]: r["Status"] for r in table_rows(book, "Orders")}


@pytest.mark.parametrize("amount,currency", [("1.5", "JPY"), ("12000.25", "KRW"), ("0.5", "VND")])
def test_refresh_names_the_record_and_its_value_and_typing_the_whole_amount_fixes_it(
        admin, tmp_path, amount, currency):
    rid = _old_order(admin, amount, currency, "J-1")
    fine = records.create(admin, "order", {"customer_id": records.list_records(admin, "customer")[0]["id"],
                                           "order_date": "2024-05-02", "amount": "300", "currency": currency})["id"]
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    status = _status(book)
    assert status[fine] is None
    assert status[rid].startswith("Check: Amount: ") and f"{amount} {currency}" in status[rid] and rid in status[rid]
    assert "no minor unit" in status[rid]
    with Editor(book, "Orders") as ed:
        ed.set(rid, "Amount", 2)
    counts = sync.sync_file(admin, book, "save", sheets=["Orders"])["sheets"]["Orders"]
    assert counts["updated"] == 1 and _status(book)[rid] == "Updated"
    assert _amounts(admin)[rid] == (Decimal("2"), currency)


def test_saving_another_field_keeps_the_value_as_stored_and_still_says_check(admin, tmp_path):
    rid = _old_order(admin, "1.5", "JPY", "J-1")
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.set(rid, "Order Status", "Paid")
    counts = sync.sync_file(admin, book, "save", sheets=["Orders"])["sheets"]["Orders"]
    assert counts["updated"] == 1
    assert _status(book)[rid].startswith("Updated; Check: Amount: 1.5 JPY")
    assert _amounts(admin)[rid] == (Decimal("1.5"), "JPY")             # not rounded
    assert records.get(admin, rid)["status"] == "Paid"


def test_the_right_currency_typed_on_the_sheet_fixes_it_too(admin, tmp_path):
    rid = _old_order(admin, "1.5", "JPY", "J-1")
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.set(rid, "Currency", "USD")
    sync.sync_file(admin, book, "save", sheets=["Orders"])
    assert _status(book)[rid] == "Updated" and _amounts(admin)[rid] == (Decimal("1.5"), "USD")


def test_changing_the_currency_of_a_fractional_amount_to_one_without_minor_unit_is_refused(admin, tmp_path):
    rid = _old_order(admin, "1.5", "USD", "U-1")
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    assert _status(book)[rid] is None
    with Editor(book, "Orders") as ed:
        ed.set(rid, "Currency", "JPY")
    counts = sync.sync_file(admin, book, "save", sheets=["Orders"])["sheets"]["Orders"]
    assert counts["invalid"] == 1
    said = _status(book)[rid]
    assert said.startswith("Invalid: Currency: 1.5 JPY") and "change the Amount" in said
    with pytest.raises(ValidationFailed, match="1.5 KRW"):
        records.update(admin, rid, {"currency": "KRW"})
    assert _amounts(admin)[rid] == (Decimal("1.5"), "USD")
    records.update(admin, rid, {"currency": "KRW", "amount": "2"})        # both at once: fine
    assert _amounts(admin)[rid] == (Decimal("2"), "KRW")


def test_the_cli_names_such_records_and_edit_fixes_them(run, admin):
    rid = _old_order(admin, "1.5", "JPY", "J-1")
    code, out, err = run("--format", "json", "order", "list")
    assert code == 0 and [o["id"] for o in json.loads(out)] == [rid]
    assert f"{rid} Amount: 1.5 JPY has a fraction" in err and f"cims order edit {rid} --amount" in err
    code, out, err = run("--format", "json", "order", "show", rid)
    assert code == 0 and json.loads(out)["amount"] == "1.5" and rid in err
    code, out, err = run("order", "edit", rid, "--amount", "1.25")
    assert code != 0 and "no minor unit" in err and _amounts(admin)[rid] == (Decimal("1.5"), "JPY")
    code, out, err = run("order", "edit", rid, "--amount", "2")
    assert code == 0, err
    code, out, err = run("--format", "json", "order", "list")
    assert code == 0 and "fraction" not in err
