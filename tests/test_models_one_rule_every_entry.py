"""A value gets the same answer however it enters: `cims ... add/edit`, a sheet's Save,
or the service itself (an import goes through the same domain validation). Two rules:

- an order is never negative (nor its quantity), and neither is a deal's amount: money
  paid out is no sale, and a negative deal makes the Weighted forecast negative. A
  Profit may be a loss.
- an amount written with a symbol whose currencies only the language tells apart ("¥":
  CNY or JPY) and nothing to settle it (no Currency, the store's currency not among
  them) is refused, naming the field and the choices, as an import stops for it; never
  stored as a guess. The store's currency settles a symbol it may stand for ("$" in a
  CAD store is CAD) as it does for an import.
Each is checked against what a real encrypted store holds afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.domain.models import validate_record
from cims_xl.domain.schema import ENTITIES
from cims_xl.errors import ValidationFailed
from cims_xl.excel import sync
from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD, FAST_KDF
from test_sync_support import Editor, new_workbook, table_rows

NEGATIVES = ["-30", "(30.00)", "30-", "\u221230", "-US$30.00", "USD -30", "-¥30", "-1.234,50 €", -5, Decimal("-0.01")]


@pytest.fixture
def shop(admin):
    return records.create(admin, "customer", {"name": "Alice Smith"})["id"]


def _order(cid, **more):
    return {"customer_id": cid, "order_date": "2026-01-02", **more}


@pytest.mark.parametrize("amount", NEGATIVES)
def test_a_negative_order_amount_is_refused_by_the_service_and_nothing_is_stored(admin, shop, amount):
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, "order", _order(shop, amount=amount))
    assert "negative amount" in exc.value.problems["Amount"], exc.value.problems
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("kind,field,value", [("order", "quantity", -2), ("order", "quantity", "-1"),
                                              ("opportunity", "amount", "-500"),
                                              ("opportunity", "amount", "-¥500")])
def test_a_negative_quantity_or_deal_amount_is_refused_too(admin, shop, kind, field, value):
    data = _order(shop, amount="10") if kind == "order" else {"customer_id": shop, "name": "Deal",
                                                               "currency": "CNY"}
    with pytest.raises(ValidationFailed) as exc:
        records.create(admin, kind, {**data, field: value})
    assert "negative" in exc.value.problems[ENTITIES[kind].field(field).header], exc.value.problems
    assert records.list_records(admin, kind) == []


def test_an_edit_to_a_negative_amount_is_refused_and_the_stored_one_kept(admin, shop):
    oid = records.create(admin, "order", _order(shop, amount="30"))["id"]
    opp = records.create(admin, "opportunity", {"customer_id": shop, "name": "Deal", "amount": "500"})["id"]
    for rid in (oid, opp):
        with pytest.raises(ValidationFailed, match="negative amount"):
            records.update(admin, rid, {"amount": "-5"})
    assert records.get(admin, oid)["amount"] == Decimal("30")
    assert records.get(admin, opp)["amount"] == Decimal("500")
    # a loss is still a Profit, and zero an amount
    assert records.update(admin, oid, {"amount": "0", "profit": "-12.50"})["profit"] == Decimal("-12.50")
    assert records.get(admin, oid)["amount"] == 0


def test_the_domain_refuses_the_same_way_whoever_calls_it():
    for kind, data in [("order", {"customer_id": "C-000001", "order_date": "2026-01-02", "amount": "-3"}),
                       ("opportunity", {"customer_id": "C-000001", "name": "D", "amount": "-3"})]:
        with pytest.raises(ValidationFailed, match="negative amount"):
            validate_record(ENTITIES[kind], data, context={"currency": "USD"})
        with pytest.raises(ValidationFailed, match="negative amount"):
            validate_record(ENTITIES[kind], {"amount": "-3"}, partial=True, context={"currency": "USD"})


def test_a_sheet_save_of_a_negative_amount_is_refused_on_its_row(admin, shop, tmp_path):
    oid = records.create(admin, "order", _order(shop, amount="30"))["id"]
    book = new_workbook(tmp_path / "book.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.set(oid, "Amount", -5)
        ed.add_row({"Customer ID": shop, "Order Date": "2026-02-03", "Amount": "-7"})
    sync.sync_file(admin, book, "save", sheets=["Orders"])
    assert [o["amount"] for o in records.list_records(admin, "order")] == [Decimal("30")]
    statuses = [r["Status"] or "" for r in table_rows(book, "Orders")]
    assert sum("negative amount" in s for s in statuses) == 2, statuses


@pytest.mark.parametrize("amount", ["¥1,200", "1,200 ¥", "￥1200", "¥ 1200.00"])
def test_a_yen_sign_in_a_usd_store_with_no_currency_is_refused_naming_both(store_path, shop, run, amount):
    code, out, err = run("settings", "currency", "USD")
    code, out, err = run("order", "add", "--customer-id", shop, "--order-date", "2026-01-02", "--amount", amount)
    assert code != 0 and "Amount" in err and "CNY" in err and "JPY" in err, (code, out, err)
    for currency in ("JPY", "CNY"):          # the Currency given settles it
        assert run("order", "add", "--customer-id", shop, "--order-date", "2026-01-02", "--amount", amount,
                   "--currency", currency)[0] == 0
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert [(o["amount"], o["currency"]) for o in records.list_records(session, "order")] == [
            (Decimal("1200"), "JPY"), (Decimal("1200"), "CNY")]
    finally:
        session.close()


@pytest.mark.parametrize("store,symbol,expected", [("JPY", "¥1,200", "JPY"), ("JPY", "1,200 ￥", "JPY"),
                                                   ("CAD", "$12.50", "CAD"), ("AUD", "$12.50", "AUD")])
def test_the_stores_currency_settles_a_symbol_it_may_stand_for(admin, shop, run, store, symbol, expected):
    assert run("settings", "currency", store)[0] == 0
    made = records.create(admin, "order", _order(shop, amount=symbol))
    assert records.get(admin, made["id"])["currency"] == expected


def test_a_sheet_row_with_a_yen_sign_and_no_currency_is_refused_in_a_usd_store(admin, shop, run, tmp_path):
    assert run("settings", "currency", "USD")[0] == 0
    book = new_workbook(tmp_path / "book.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=["Orders"])
    with Editor(book, "Orders") as ed:
        ed.add_row({"Customer ID": shop, "Order Date": "2026-02-03", "Amount": "¥1,200"})
        ed.add_row({"Customer ID": shop, "Order Date": "2026-02-04", "Amount": "¥1,300", "Currency": "JPY"})
    sync.sync_file(admin, book, "save", sheets=["Orders"])
    assert [(o["amount"], o["currency"]) for o in records.list_records(admin, "order")] == [(Decimal("1300"), "JPY")]
    statuses = [r["Status"] or "" for r in table_rows(book, "Orders")]
    assert any("CNY" in s and "JPY" in s for s in statuses), statuses


@pytest.mark.parametrize("amount", ["-500", "(500.00)", "500-", "-¥500"])
def test_an_import_refuses_a_negative_deal_with_the_words_the_cli_uses(admin, tmp_path, amount):
    from cims_xl.importer.run import import_file

    path = tmp_path / "deals.csv"
    path.write_text("Opportunity,Customer,Stage,Amount,Currency\n"
                    f"Renewal,Li Lei,Proposal,\"{amount}\",CNY\nNew Deal,Li Lei,Lead,300,CNY\n", encoding="utf-8")
    result = import_file(admin, path, kind="opportunities")
    (bad,) = [o for o in result.outcomes if o.action == "rejected"]
    assert "a negative amount (-500" in bad.reason and "a deal is worth 0 or more" in bad.reason, bad.reason
    assert [(d["name"], d["amount"]) for d in records.list_records(admin, "opportunity")] == [
        ("New Deal", Decimal("300"))]
