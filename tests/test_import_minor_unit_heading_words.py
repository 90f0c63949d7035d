"""A minor unit (cents, pence, Cent, 分) in an amount's heading scales the amounts whatever
splits the heading's words (snake_case, camelCase, dots, a space) and whether the column
was found by its heading or mapped with --map; the summary says the scale. A stop never
says "no column's values look like dates" while a left-out bookkeeping column holds them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv


def _amounts(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("mapped", [True, False], ids=["mapped", "found"])
@pytest.mark.parametrize("head, heading, written, amount, code", [
    (["order_id", "order_date", "customer_name"], "amount_cents", "1999", "19.99", "USD"),
    (["order_id", "order_date", "customer_name"], "total_cents", "25000", "250", "USD"),
    (["orderId", "orderDate", "customerName"], "amountInCents", "1250", "12.5", "USD"),
    (["order.id", "order.date", "customer.name"], "amount.cents", "99", "0.99", "USD"),
    (["Order No", "Order Date", "Customer"], "Total Cents", "1999", "19.99", "USD"),
    (["order_id", "order_date", "customer_name"], "total_in_pence", "1999", "19.99", "GBP"),
    (["bestellnummer", "datum", "kunde"], "betrag_cent", "4550", "45.5", "EUR"),
    (["订单号", "日期", "客户"], "金额_分", "1999", "19.99", "CNY"),
])
def test_a_minor_unit_as_the_last_word_of_a_split_heading_divides_the_amounts(admin, tmp_path, mapped, head,
                                                                                heading, written, amount, code):
    # a German file's bare amounts stop in a store of another currency than its countries' (fix26m)
    settings.set_store_currency(admin, "EUR" if heading == "betrag_cent" else "USD")
    f = write_csv(tmp_path / "o.csv", [head + [heading], ["A1", "2024-03-05", "Ann Lee", written]])
    mapping = {head[0]: "Order Number", head[1]: "Order Date", head[2]: "Customer Name"}
    if mapped:
        mapping[heading] = "Amount"
    result = import_file(admin, f, kind="orders", mapping=mapping)
    assert _amounts(admin) == {"A1": (Decimal(amount), code)}
    said = [i for i in result.inferences if i["what"] == f"amount scale of '{heading}'"]
    assert said and said[0]["decided"] == "÷ 100"


@pytest.mark.parametrize("heading, written", [("amount_usd", "1999"), ("order_total", "1999"),
                                              ("amountPaid", "1999")])
def test_a_split_heading_naming_no_unit_keeps_the_amount_as_written(admin, tmp_path, heading, written):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [["order_id", "order_date", "customer_name", heading],
                                       ["A1", "2024-03-05", "Ann Lee", written]])
    import_file(admin, f, kind="orders", mapping={heading: "Amount"})
    assert _amounts(admin) == {"A1": (Decimal(written), "USD")}


def test_a_cents_column_with_no_amount_synonym_is_found_and_never_stored_a_hundred_times_too_large(admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [["id", "created", "customer_name", "amount_cents", "currency"],
                                       ["1", "2024-03-05", "Acme", "1999", "USD"]])
    import_file(admin, f, kind="orders")
    assert _amounts(admin) == {"1": (Decimal("19.99"), "USD")}


@pytest.mark.parametrize("stamp", ["created_at", "updated_at"])
def test_a_stop_for_a_missing_date_names_the_bookkeeping_column_that_holds_dates(admin, tmp_path, stamp):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [["order_id", stamp, "customer_name", "amount"],
                                       ["1", "2024-03-05", "Acme", "19.99"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    text = str(stop.value)
    assert "No column's values look like dates" not in text
    assert f"--map \"{stamp}=Order Date\"" in text
    import_file(admin, f, kind="orders", mapping={stamp: "Order Date"})
    assert [str(o["order_date"]) for o in records.list_records(admin, "order")] == ["2024-03-05"]
