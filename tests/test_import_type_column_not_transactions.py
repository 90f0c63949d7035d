"""A `Type` column of products or tickets (Hardware, Software, Payment Terminal, Bill
Acceptor; Standard, VIP, Payment Plan) is no transaction-type column: a value is a
transaction type only when the whole value is one ("Payment", not "Payment Terminal"),
and a column whose values are mostly no type words, none of them one that would leave a
row out, is read as no type column; every row is imported (try23z item 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _stored(session) -> dict[str, Decimal]:
    return {o["order_number"]: o["amount"] for o in records.list_records(session, "order")}


@pytest.mark.parametrize("heading, values", [
    ("Type", ["Hardware", "Software", "Service", "Subscription", "Payment Terminal", "Bill Acceptor"]),
    ("Type", ["Standard", "VIP", "Payment Plan", "Early Bird"]),             # event ticket types
    ("Typ", ["Hardware", "Zahlungsterminal", "Software", "Payment"]),        # one value a whole type word
    ("Kind", ["Gift Card", "Payment Card", "Bill Holder", "Sale Item"]),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_product_or_ticket_type_column_is_no_transaction_type_and_every_row_is_stored(
        admin, tmp_path, writer, heading, values):
    rows = [["Order ID", "Customer Name", "Date", heading, "Amount"]]
    rows += [[f"A{i}", f"Client {i}", f"2024-03-{i + 1:02d}", v, f"{(i + 1) * 10}.00"] for i, v in enumerate(values)]
    result = import_file(admin, writer(tmp_path / ("t.csv" if writer is write_csv else "t.xlsx"), rows),
                         kind="orders", currency="USD")
    assert _stored(admin) == {f"A{i}": Decimal((i + 1) * 10) for i in range(len(values))}
    assert (result.created, result.rejected) == (len(values), 0)
    assert not any(i["what"] == "not a sale" for i in result.inferences)


def test_a_mostly_product_type_column_with_a_bill_still_stops_and_names_both_ways_out(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [
        ["Order ID", "Customer Name", "Date", "Type", "Amount"],
        ["A1", "Acme", "2024-03-01", "Hardware", "10.00"], ["A2", "Beta", "2024-03-02", "Software", "20.00"],
        ["A3", "Gamma", "2024-03-03", "Service", "30.00"], ["A4", "Delta", "2024-03-04", "Bill", "40.00"]])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="orders", currency="USD")
    text = str(err.value)
    assert "'Hardware'" in text and '--value "Hardware=sale"' in text and '--map "Type=-"' in text
    assert _stored(admin) == {}
    import_file(admin, path, kind="orders", currency="USD", mapping=["Type=-"])
    assert set(_stored(admin)) == {"A1", "A2", "A3", "A4"}


@pytest.mark.parametrize("value", ["Express Checkout Payment", "Credit card payment", "Mobile Payment"])
def test_a_payment_app_type_ending_in_payment_is_still_a_payment(admin, tmp_path, value):
    path = write_csv(tmp_path / "p.csv", [
        ["Order No.", "Type", "Date", "Customer Name", "Amount"],
        ["P-1", value, "2024-03-05", "Ann Lee", "40.00"],
        ["W-1", "Withdrawal", "2024-03-07", "Own bank", "100.00"]])
    import_file(admin, path, kind="orders", currency="USD")
    assert set(_stored(admin)) == {"P-1"}
