"""A refund whose payment an earlier import stored reduces that stored order.

PayPal and Stripe downloads cover a date range: a refund in April's file often refunds a
payment of March's. Its "Reference Txn ID" names the payment's Transaction ID, stored as
the order's number: a full refund makes the order Returned, a partial one reduces its
amount, through the normal audited update (history, undo), and the summary says so. The
same refund in a later, overlapping download is not subtracted twice. A refund of a
payment the store does not have is rejected as before.
"""

from __future__ import annotations

from decimal import Decimal

from cims_xl.importer import import_file
from cims_xl.services import batches, records
from table_files import write_csv

EN = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
      "From Email Address", "To Email Address", "Transaction ID", "Reference Txn ID", "Balance"]


def payment(day, name, gross, txn, currency="USD"):
    return [day, "10:00:00", "PST", name, "Express Checkout Payment", "Completed", currency, gross, "-1.00", "",
            f"{name.split()[0].lower()}@example.com", "shop@example.com", txn, "", ""]


def refund(day, name, gross, txn, ref, currency="USD"):
    return [day, "09:00:00", "PDT", name, "Payment Refund", "Completed", currency, gross, "0.50", "",
            "shop@example.com", f"{name.split()[0].lower()}@example.com", txn, ref, ""]


def march(tmp_path):
    return write_csv(tmp_path / "march.csv", [
        EN, payment("2026-03-02", "Anna Berg", "120.00", "1AB"), payment("2026-03-03", "Luis Ortega", "45.50", "2BC"),
        payment("2026-03-04", "Mia Chen", "80.00", "3CD")])


def by_number(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


def test_a_partial_refund_in_a_later_file_reduces_the_stored_order(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Anna Berg", "-20.00", "9ZZ", "1AB")])
    result = import_file(admin, april, kind="orders")
    assert (result.created, result.updated, result.rejected) == (0, 1, 0)
    anna = by_number(admin)["1AB"]
    assert (anna["amount"], anna["status"]) == (Decimal("100.00"), "Completed")
    assert "Refund transaction: 9ZZ" in anna["notes"]
    line = next(i for i in result.inferences if i["what"] == "refunds of orders stored before")
    assert line["decided"] == f"1 partly refunded, amount reduced ({anna['id']})"
    (out,) = result.outcomes
    assert out.record == anna["id"] and "applied to" in out.warning


def test_a_full_refund_makes_the_stored_order_returned_through_an_audited_update_that_undo_restores(
        admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-02", "Luis Ortega", "-45.50", "8YY", "2BC")])
    result = import_file(admin, april, kind="orders")
    luis = by_number(admin)["2BC"]
    assert (luis["amount"], luis["status"]) == (Decimal("45.50"), "Returned")
    last = records.history(admin, luis["id"])[-1]
    assert last["action"] == "update" and last["batch_id"] == result.batch
    batches.undo_batch(admin, result.batch)
    assert by_number(admin)["2BC"]["status"] == "Completed"


def test_the_same_refund_in_an_overlapping_download_is_not_subtracted_twice(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Anna Berg", "-20.00", "9ZZ", "1AB"),
                                               refund("2026-04-03", "Anna Berg", "-30.00", "7XX", "1AB")])
    import_file(admin, april, kind="orders")
    assert by_number(admin)["1AB"]["amount"] == Decimal("70.00")       # both refunds, added up
    again = import_file(admin, april, kind="orders")
    assert (again.updated, again.duplicates) == (0, 2)
    assert by_number(admin)["1AB"]["amount"] == Decimal("70.00")


def test_a_refund_folded_in_its_own_file_is_known_when_a_later_download_has_it_again(admin, tmp_path):
    both = write_csv(tmp_path / "q1.csv", [EN, payment("2026-03-02", "Anna Berg", "120.00", "1AB"),
                                           refund("2026-03-20", "Anna Berg", "-20.00", "9ZZ", "1AB")])
    import_file(admin, both, kind="orders")
    assert by_number(admin)["1AB"]["amount"] == Decimal("100.00")
    later = write_csv(tmp_path / "march_april.csv", [EN, refund("2026-03-20", "Anna Berg", "-20.00", "9ZZ", "1AB")])
    result = import_file(admin, later, kind="orders")
    assert (result.updated, result.duplicates) == (0, 1)
    assert by_number(admin)["1AB"]["amount"] == Decimal("100.00")


def test_a_refund_of_a_payment_the_store_does_not_have_is_still_rejected_with_its_reason(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Zoe Park", "-15.00", "6WW", "NOPE")])
    result = import_file(admin, april, kind="orders")
    assert (result.updated, result.rejected) == (0, 1)
    assert "not in this file" in result.outcomes[0].reason
    assert {o["amount"] for o in records.list_records(admin, "order")} == {Decimal("120.00"), Decimal("45.50"),
                                                                          Decimal("80.00")}


def test_a_refund_in_another_currency_than_the_stored_order_is_rejected_not_subtracted(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Mia Chen", "-20.00", "5VV", "3CD", "EUR")])
    result = import_file(admin, april, kind="orders", dry_run=True)
    assert result.rejected == 1 and "EUR" in result.outcomes[0].reason
    assert by_number(admin)["3CD"]["amount"] == Decimal("80.00")


def test_the_dry_run_says_which_stored_order_a_refund_would_reduce_and_writes_nothing(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Mia Chen", "-80.00", "4UU", "3CD")])
    result = import_file(admin, april, kind="orders", dry_run=True)
    mia = by_number(admin)["3CD"]
    assert result.updated == 1 and mia["status"] == "Completed"
    line = next(i for i in result.inferences if i["what"] == "refunds of orders stored before")
    assert line["decided"] == f"1 refunded in full, now Returned ({mia['id']})"


def test_a_refund_naming_another_customer_than_the_stored_orders_is_rejected_not_subtracted(admin, tmp_path):
    # order numbers of two systems can be the same (1001): the refund's customer decides
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Eve Evil", "-20.00", "9ZZ", "1AB"),
                                               refund("2026-04-01", "Mr Luis Ortega", "-5.50", "9ZY", "2BC")])
    result = import_file(admin, april, kind="orders")
    assert (result.updated, result.rejected) == (1, 1)
    stored = by_number(admin)
    assert stored["1AB"]["amount"] == Decimal("120.00")          # Anna's order untouched
    assert stored["2BC"]["amount"] == Decimal("40.00")           # the same person, with a title
    rejected = next(o for o in result.outcomes if o.action == "rejected")
    assert "naming Eve Evil" in rejected.reason and stored["1AB"]["id"] in rejected.reason


def test_a_ledger_refund_row_naming_another_buyer_does_not_touch_that_order(admin, tmp_path):
    head = ["订单号", "交易类型", "原订单号", "买家", "金额", "日期"]
    first = write_csv(tmp_path / "sales.csv", [["订单号", "买家", "金额", "日期"], ["1001", "张三", "300.00", "2026-03-02"]])
    import_file(admin, first, kind="orders")
    ledger = write_csv(tmp_path / "ledger.csv", [head, ["R1", "退款", "1001", "王五", "-300.00", "2026-04-02"]])
    result = import_file(admin, ledger, kind="orders")
    assert result.rejected == 1 and result.updated == 0
    (order,) = records.list_records(admin, "order")
    assert (order["amount"], order["status"]) == (Decimal("300.00"), "Completed")


def test_an_overlapping_download_subtracts_its_refunds_from_the_payments_stored_before_once(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    overlap = write_csv(tmp_path / "march_april.csv", [
        EN, payment("2026-03-02", "Anna Berg", "120.00", "1AB"), payment("2026-03-03", "Luis Ortega", "45.50", "2BC"),
        refund("2026-04-01", "Anna Berg", "-20.00", "9ZZ", "1AB"), refund("2026-04-02", "Luis Ortega", "-45.50", "8YY", "2BC")])
    for on_duplicate in ("skip", "update", "skip"):        # again, and again with updates: never twice
        import_file(admin, overlap, kind="orders", on_duplicate=on_duplicate)
        stored = by_number(admin)
        assert (stored["1AB"]["amount"], stored["1AB"]["status"]) == (Decimal("100.00"), "Completed")
        assert stored["2BC"]["status"] == "Returned"
        assert stored["1AB"]["notes"].count("Refund transaction: 9ZZ") == 1
    alone = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Anna Berg", "-20.00", "9ZZ", "1AB")])
    result = import_file(admin, alone, kind="orders")
    assert result.duplicates == 1 and by_number(admin)["1AB"]["amount"] == Decimal("100.00")


def test_a_refund_larger_than_the_order_says_so(admin, tmp_path):
    import_file(admin, march(tmp_path), kind="orders")
    april = write_csv(tmp_path / "april.csv", [EN, refund("2026-04-01", "Mia Chen", "-500.00", "7XX", "3CD")])
    result = import_file(admin, april, kind="orders")
    (out,) = result.outcomes
    assert by_number(admin)["3CD"]["status"] == "Returned"
    assert "the refund is 420.00 USD more than the 80 USD charged" in out.warning
