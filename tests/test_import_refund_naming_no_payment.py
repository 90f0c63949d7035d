"""A refund row in a file with no column naming the payment it refunds (PayPal's export
without Reference Txn ID, a Square export of its own ids) is rejected with the true reason,
"names no payment", never "a payment that is not in this file" while the payment is there;
a refund whose reference is missing from the file still says that."""

from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import rejected_problems, write_csv

HEAD = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net", "From Email Address",
        "Transaction ID"]


@pytest.mark.parametrize("kind_word", ["Payment Refund", "Refund", "Rückzahlung"])
def test_a_refund_naming_no_payment_says_so_while_its_payment_is_in_the_file(admin, tmp_path, kind_word):
    settings.set_store_currency(admin, "EUR")
    f = write_csv(tmp_path / "p.csv", [HEAD,
                                       ["2024-03-05", "10:00:00", "Europe/Berlin", "Ann Lee", "Express Checkout Payment",
                                        "Completed", "EUR", "100.00", "-3.20", "96.80", "ann@x.com", "1AB"],
                                       ["2024-03-07", "12:00:00", "Europe/Berlin", "Ann Lee", kind_word, "Completed",
                                        "EUR", "-20.00", "0.64", "-19.36", "ann@x.com", "3AB"]])
    result = import_file(admin, f, kind="orders")
    problem = rejected_problems(result)[3]
    assert "not in this file" not in problem and "names no payment" in problem
    assert [o["order_number"] for o in records.list_records(admin, "order")] == ["1AB"]
