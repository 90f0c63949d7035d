"""Refunds read by the same per-value rule as the amounts they refund (issue 14): in a
currency without a minor unit (JPY, KRW, VND; ISO 4217 exponent 0) "1.200" is 1200
whatever the amount column's decimal mark, and a refund that needs a fraction there is
refused for its row, never rounded and never subtracted as 1.2."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

STRIPE = ["id", "Description", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Status",
          "Customer Description", "Customer Email"]
PAYPAL = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
          "From Email Address", "Transaction ID", "Reference Txn ID", "Item Title"]
PAYPAL_MAP = ["Gross=Amount", "Name=Customer Name", "Transaction ID=Order No."]
WRITERS = pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])


def _stored(session) -> dict[str, tuple[Decimal, str, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"], o["status"])
            for o in records.list_records(session, "order")}


def _d(text: str) -> Decimal:
    return Decimal(text).normalize()


@WRITERS
def test_a_refunded_amount_column_groups_thousands_in_yen_won_and_dong_beside_dollars(
        admin, tmp_path, writer, suffix):
    f = writer(tmp_path / f"charges.{suffix}", [
        STRIPE,
        ["ch_1", "Teapot", "2024-06-01 10:00:00", "5.000", "1.200", "jpy", "Paid", "Sato Ken", "sato@example.jp"],
        ["ch_2", "Lamp", "2024-06-02 10:00:00", "12.50", "2.50", "usd", "Paid", "Ann Lee", "ann@example.com"],
        ["ch_3", "Desk", "2024-06-03 10:00:00", "15,000", "1,500", "krw", "Paid", "Kim Min", "kim@example.kr"],
        ["ch_4", "Chair", "2024-06-04 10:00:00", "250.000", "120.000", "vnd", "Paid", "Tran Binh", "tb@example.vn"],
        ["ch_5", "Vase", "2024-06-05 10:00:00", "3.000", "3.000", "jpy", "Paid", "Mori Aiko", "mori@example.jp"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (5, 0)
    assert _stored(admin) == {"ch_1": (_d("3800"), "JPY", "Paid"), "ch_2": (_d("10"), "USD", "Paid"),
                              "ch_3": (_d("13500"), "KRW", "Paid"), "ch_4": (_d("130000"), "VND", "Paid"),
                              "ch_5": (_d("3000"), "JPY", "Returned")}
    notes = {o["order_number"]: o["notes"] for o in records.list_records(admin, "order")}
    assert "Refunded: 1200 JPY of 5000 JPY charged" in notes["ch_1"]
    assert "Refunded: 120000 VND of 250000 VND charged" in notes["ch_4"]


@WRITERS
def test_a_refund_row_in_yen_or_won_is_subtracted_as_thousands(admin, tmp_path, writer, suffix):
    f = writer(tmp_path / f"Download.{suffix}", [
        PAYPAL,
        ["06/01/2024", "09:00:00", "PDT", "Sato Ken", "Express Checkout Payment", "Completed", "JPY", "5.000",
         "-50", "4.950", "sato@example.jp", "5PA1", "", "Teapot"],
        ["06/03/2024", "10:00:00", "PDT", "Sato Ken", "Payment Refund", "Completed", "JPY", "-1.200", "0",
         "-1.200", "shop@example.com", "7RF1", "5PA1", ""],
        ["06/02/2024", "09:30:00", "PDT", "Kim Min", "Website Payment", "Completed", "KRW", "45,000", "-900",
         "44,100", "kim@example.kr", "5PA2", "", "Lamp"],
        ["06/04/2024", "11:00:00", "PDT", "Kim Min", "Payment Refund", "Completed", "KRW", "-45,000", "900",
         "-44,100", "shop@example.com", "7RF2", "5PA2", ""],
        ["06/05/2024", "09:30:00", "PDT", "Tom Reed", "Website Payment", "Completed", "EUR", "40.00", "-0.80",
         "39.20", "tom@example.co.uk", "5PA3", "", "Mug"]])
    result = import_file(admin, f, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    assert (result.created, result.duplicates, result.rejected) == (3, 2, 0)
    assert _stored(admin) == {"5PA1": (_d("3800"), "JPY", "Completed"), "5PA2": (_d("45000"), "KRW", "Returned"),
                              "5PA3": (_d("40"), "EUR", "Completed")}


@pytest.mark.parametrize("writer,suffix,refunded", [
    (write_csv, "csv", "300.5"), (write_xlsx, "xlsx", "300.5"), (write_xlsx, "xlsx", 300.5),
    (write_csv, "csv", "¥300.50")], ids=["csv", "xlsx-text", "xlsx-number", "yen-sign"])
def test_a_refund_with_a_fraction_in_yen_refuses_its_row_naming_the_column_and_value(
        admin, tmp_path, writer, suffix, refunded):
    f = writer(tmp_path / f"charges.{suffix}", [
        STRIPE,
        ["ch_1", "Teapot", "2024-06-01 10:00:00", "1200", refunded, "jpy", "Paid", "Sato Ken", "sato@example.jp"],
        ["ch_2", "Lamp", "2024-06-02 10:00:00", "12.50", "2.50", "usd", "Paid", "Ann Lee", "ann@example.com"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (1, 1)
    assert _stored(admin) == {"ch_2": (_d("10"), "USD", "Paid")}
    (bad,) = [o for o in result.outcomes if o.action == "rejected"]
    assert bad.row == 2 and list(bad.problems) == ["Amount Refunded"]
    said = bad.problems["Amount Refunded"]
    assert "300.5" in said and "JPY" in said and "no minor unit" in said


def test_a_refund_row_with_a_fraction_in_won_refuses_the_payment_it_refunds(admin, tmp_path):
    f = write_csv(tmp_path / "Download.csv", [
        PAYPAL,
        ["06/02/2024", "09:30:00", "PDT", "Kim Min", "Website Payment", "Completed", "KRW", "45,000", "-900",
         "44,100", "kim@example.kr", "5PA2", "", "Lamp"],
        ["06/04/2024", "11:00:00", "PDT", "Kim Min", "Payment Refund", "Completed", "KRW", "-1,000.5", "0",
         "-1,000.5", "shop@example.com", "7RF2", "5PA2", ""]])
    result = import_file(admin, f, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    assert _stored(admin) == {}
    (bad,) = [o for o in result.outcomes if o.action == "rejected"]
    assert bad.row == 2 and "1000.5 KRW" in str(bad.problems) and "no minor unit" in str(bad.problems)


def _payment(day, name, gross, txn, currency):
    return [day, "10:00:00", "PST", name, "Express Checkout Payment", "Completed", currency, gross, "0", "",
            f"{name.split()[0].lower()}@example.com", txn, "", "Item"]


def _refund(day, name, gross, txn, ref, currency):
    return [day, "09:00:00", "PDT", name, "Payment Refund", "Completed", currency, gross, "0", "",
            "shop@example.com", txn, ref, ""]


@pytest.mark.parametrize("gross,expected", [
    pytest.param("-2.000", ("8000", "VND", "Completed"), id="dong-thousands"),
    pytest.param("-10.000", ("10000", "VND", "Returned"), id="dong-in-full"),
])
def test_a_later_refund_of_a_stored_dong_order_is_read_as_thousands(admin, tmp_path, gross, expected):
    march = write_csv(tmp_path / "march.csv", [PAYPAL, _payment("03/02/2026", "Tran Binh", "10.000", "1AB", "VND")])
    import_file(admin, march, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    april = write_csv(tmp_path / "april.csv", [PAYPAL, _refund("04/01/2026", "Tran Binh", gross, "9ZZ", "1AB", "VND")])
    result = import_file(admin, april, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    assert (result.updated, result.rejected) == (1, 0)
    assert _stored(admin) == {"1AB": (_d(expected[0]), expected[1], expected[2])}


def test_a_later_refund_with_a_fraction_in_yen_is_refused_and_the_stored_order_kept(admin, tmp_path):
    march = write_csv(tmp_path / "march.csv", [PAYPAL, _payment("03/02/2026", "Sato Ken", "8000", "1AB", "JPY")])
    import_file(admin, march, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    april = write_csv(tmp_path / "april.csv", [PAYPAL, _refund("04/01/2026", "Sato Ken", "-120.75", "9ZZ", "1AB", "JPY")])
    result = import_file(admin, april, kind="orders", mapping=PAYPAL_MAP, date_order="MDY")
    assert (result.updated, result.rejected) == (0, 1)
    assert _stored(admin) == {"1AB": (_d("8000"), "JPY", "Completed")}
    (bad,) = result.outcomes
    assert bad.row == 2 and "120.75 JPY" in str(bad.problems) and "no minor unit" in str(bad.problems)
