"""A refund matched to its payment is subtracted only in the payment's currency.

Whether the refund row is in the same file as its payment, or refunds an order an earlier
import stored, or sits in a refund column of the payment's row: one rule
(importer.refunds.other_currency). A refund in another currency is never subtracted as if
it were in the payment's (30 EUR taken off 100 USD), never converted: the payment keeps
its amount, the row is warned, its Notes list the refund, and the refund row is listed
as not imported, saying why.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv

PAYPAL = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
          "From Email Address", "Transaction ID", "Reference Txn ID"]


def _payment(name, currency, gross, txn, day="03/02/2026"):
    return [day, "10:00:00", "PST", name, "Express Checkout Payment", "Completed", currency, gross, "0", gross,
            f"{name.split()[0].lower()}@example.com", txn, ""]


def _refund(name, currency, gross, txn, ref, day="03/05/2026"):
    return [day, "11:00:00", "PST", name, "Payment Refund", "Completed", currency, gross, "0", gross,
            f"{name.split()[0].lower()}@example.com", txn, ref]


def _orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


def test_a_refund_row_in_euros_of_a_dollar_payment_in_the_same_file_is_not_subtracted_and_is_listed(
        admin, tmp_path):
    f = write_csv(tmp_path / "paypal.csv", [
        PAYPAL, _payment("Ann Lee", "USD", "100.00", "TX1"), _refund("Ann Lee", "EUR", "-30.00", "TX2", "TX1"),
        _payment("Bo Chen", "JPY", "1,500", "TX3"), _refund("Bo Chen", "JPY", "-500", "TX4", "TX3")])
    result = import_file(admin, f, kind="orders", date_order="MDY")
    stored = _orders(admin)
    # the dollars are kept whole; the yen refund, in the payment's own currency, is subtracted
    assert (stored["TX1"]["amount"], stored["TX1"]["currency"], stored["TX1"]["status"]) == (
        Decimal("100.00"), "USD", "Completed")
    assert (stored["TX3"]["amount"], stored["TX3"]["currency"]) == (Decimal("1000"), "JPY")
    assert "Refund not subtracted" in stored["TX1"]["notes"] and "EUR -30.00" in stored["TX1"]["notes"]
    assert "Refunded:" not in stored["TX1"]["notes"] and "30.00 USD" not in stored["TX1"]["notes"]
    by_row = {o.row: o for o in result.outcomes}
    assert "the order is in USD: not subtracted" in " ".join(by_row[2].warnings.values())
    assert by_row[3].action == "rejected" and "EUR" in by_row[3].reason and "not subtracted" in by_row[3].reason
    assert by_row[5].action == "duplicate"             # the yen refund: part of its payment
    line = next(i for i in result.inferences if i["what"] == "refund rows")
    assert "1 not, being in another currency" in line["decided"]


@pytest.mark.parametrize("paid, refund", [
    (("JPY", "1,500"), ("KRW", "-500")),            # two currencies without minor unit
    (("BHD", "10.500"), ("KWD", "-1.250")),         # two with three decimals
    (("CLF", "2.5000"), ("CLP", "-1000")),          # four decimals against none
    (("KRW", "20000"), ("USD", "-5.00")),
])
def test_a_refund_row_in_another_currency_is_never_relabelled_whatever_the_currencies(admin, tmp_path, paid, refund):
    f = write_csv(tmp_path / "p.csv", [PAYPAL, _payment("Ann Lee", paid[0], paid[1], "P1"),
                                       _refund("Ann Lee", refund[0], refund[1], "R1", "P1")])
    result = import_file(admin, f, kind="orders", date_order="MDY")
    (order,) = _orders(admin).values()
    written = Decimal(paid[1].replace(",", ""))
    assert (order["amount"], order["currency"], order["status"]) == (written, paid[0], "Completed")
    assert f"the order is in {paid[0]}: not subtracted" in order["notes"]
    rejected = [o for o in result.outcomes if o.action == "rejected"]
    assert [o.row for o in rejected] == [3] and refund[0] in rejected[0].reason


def test_of_two_refunds_of_one_payment_only_the_one_in_its_currency_is_subtracted(admin, tmp_path):
    f = write_csv(tmp_path / "p.csv", [
        PAYPAL, _payment("Ann Lee", "BHD", "10.000", "P1"), _refund("Ann Lee", "BHD", "-2.500", "R1", "P1"),
        _refund("Ann Lee", "USD", "-4.00", "R2", "P1")])
    result = import_file(admin, f, kind="orders", date_order="MDY")
    (order,) = _orders(admin).values()
    assert (order["amount"], order["currency"]) == (Decimal("7.500"), "BHD")
    assert "Refund transaction: R1" in order["notes"] and "Refund transaction: R2" not in order["notes"]
    assert "USD -4.00 is in USD, the order is in BHD: not subtracted" in order["notes"]
    by_row = {o.row: o for o in result.outcomes}
    assert by_row[3].action == "duplicate" and by_row[4].action == "rejected"


def test_a_refund_whose_amount_names_its_currency_is_checked_without_a_currency_column(admin, tmp_path):
    head = ["Date", "Customer Name", "Type", "Amount", "Transaction ID", "Reference Txn ID"]
    f = write_csv(tmp_path / "p.csv", [head, ["2026-03-02", "Ann Lee", "Payment", "US$100.00", "P1", ""],
                                       ["2026-03-04", "Ann Lee", "Refund", "-€30.00", "R1", "P1"]])
    result = import_file(admin, f, kind="orders")
    (order,) = _orders(admin).values()
    assert (order["amount"], order["currency"]) == (Decimal("100.00"), "USD")
    by_row = {o.row: o for o in result.outcomes}
    assert by_row[3].action == "rejected" and "EUR" in by_row[3].reason


def test_the_same_file_and_a_later_import_say_a_refund_in_another_currency_in_the_same_words(admin, tmp_path):
    first = write_csv(tmp_path / "a.csv", [PAYPAL, _payment("Ann Lee", "USD", "100.00", "TX1"),
                                           _refund("Ann Lee", "EUR", "-30.00", "TX2", "TX1")])
    same = import_file(admin, first, kind="orders", date_order="MDY")
    later = write_csv(tmp_path / "b.csv", [PAYPAL, _refund("Ann Lee", "EUR", "-10.00", "TX9", "TX1")])
    after = import_file(admin, later, kind="orders", date_order="MDY")
    assert _orders(admin)["TX1"]["amount"] == Decimal("100.00")
    words = "the order is in USD: not subtracted"
    assert words in next(o for o in same.outcomes if o.row == 3).reason
    assert words in after.outcomes[0].reason
