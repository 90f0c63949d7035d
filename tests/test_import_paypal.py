"""PayPal's activity download imports as orders without --map.

With PayPal's whole heading set (Gross, Fee, Net and Transaction ID together, in English,
German, French or Spanish), Gross is what the customer paid, Name who paid, the sender's
address theirs and the Transaction ID the order's number; the mapping and the summary say
it was decided on that evidence. A "Gross" or "Name" column in any other file means
nothing of the kind and stays unmapped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv

EN = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
      "From Email Address", "To Email Address", "Transaction ID", "Reference Txn ID", "Receipt ID", "Balance"]
DE = ["Datum", "Uhrzeit", "Zeitzone", "Name", "Typ", "Status", "Währung", "Brutto", "Gebühr", "Netto",
      "Absender E-Mail-Adresse", "Empfänger E-Mail-Adresse", "Transaktionscode", "Zugehöriger Transaktionscode",
      "Empfangsnummer", "Guthaben"]


def english_file(tmp_path):
    return write_csv(tmp_path / "Download.CSV", [
        EN,
        ["2026-03-02", "10:15:02", "PST", "Anna Berg", "Express Checkout Payment", "Completed", "USD", "120.00",
         "-3.78", "116.22", "anna@example.com", "shop@example.com", "1AB23456CD789012E", "", "", "116.22"],
        ["2026-03-03", "11:00:00", "PST", "Luis Ortega", "Website Payment", "Completed", "USD", "45.50",
         "-1.62", "43.88", "luis@example.com", "shop@example.com", "2BC34567DE890123F", "", "", "160.10"]])


def orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


def mapped(result) -> dict[str, tuple[str | None, str]]:
    return {m["column"]: (m["field"], m["how"]) for m in result.mapping}


def test_a_paypal_download_is_read_as_orders_by_its_heading_set(admin, tmp_path):
    result = import_file(admin, english_file(tmp_path), kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    stored = orders(admin)
    anna = stored["1AB23456CD789012E"]
    assert (anna["amount"], anna["currency"]) == (Decimal("120.00"), "USD")
    customer = records.get(admin, anna["customer_id"])
    assert (customer["name"], customer["email"]) == ("Anna Berg", "anna@example.com")
    assert "Fee: -3.78" in anna["notes"] and "Net: 116.22" in anna["notes"]
    assert stored["2BC34567DE890123F"]["amount"] == Decimal("45.50")


def test_the_mapping_and_summary_say_the_columns_were_decided_on_the_paypal_headings(admin, tmp_path):
    result = import_file(admin, english_file(tmp_path), kind="orders", dry_run=True)
    columns = mapped(result)
    assert columns["Gross"] == ("Amount", "evidence")
    assert columns["Name"] == ("Customer Name", "evidence")
    assert columns["From Email Address"] == ("Customer Email", "evidence")
    assert columns["Fee"][0] is None and columns["Net"][0] is None
    line = next(i for i in result.inferences if i["what"] == "PayPal activity download")
    assert "'Gross' as Amount" in line["decided"] and "'Name' as Customer Name" in line["decided"]
    assert "'Gross', 'Fee', 'Net', 'Transaction ID'" in line["evidence"]


def test_a_german_paypal_download_with_a_refund_row_stores_the_amount_kept(admin, tmp_path):
    path = write_csv(tmp_path / "Download.CSV", [
        DE,
        ["02.03.2026", "10:15:02", "MEZ", "Jürgen Weiß", "Express-Checkout-Zahlung", "Abgeschlossen", "EUR",
         "1.120,00", "-3,78", "1.116,22", "juergen@example.de", "shop@example.de", "3CD45678EF901234G", "", "",
         "1.116,22"],
        ["14.03.2026", "09:00:00", "MEZ", "Jürgen Weiß", "Rückzahlung", "Abgeschlossen", "EUR", "-20,00", "0,50",
         "-19,50", "shop@example.de", "juergen@example.de", "9ZZ23456CD789012E", "3CD45678EF901234G", "",
         "1.096,72"]])
    result = import_file(admin, path, kind="orders")
    (order,) = records.list_records(admin, "order")
    assert (order["order_number"], order["amount"], order["currency"]) == ("3CD45678EF901234G", Decimal("1100"), "EUR")
    assert records.get(admin, order["customer_id"])["name"] == "Jürgen Weiß"
    assert result.created == 1 and mapped(result)["Brutto"] == ("Amount", "evidence")


def test_a_gross_column_in_any_other_file_is_not_taken_as_the_order_amount(admin, tmp_path):
    # a payroll-like or invoice file: Gross before tax, no fee and no PayPal transaction
    path = write_csv(tmp_path / "invoices.csv", [
        ["Invoice", "Customer", "Date", "Gross", "Tax", "Net"],
        ["INV-1", "Kiwi Coffee Ltd", "2026-03-02", "115.00", "15.00", "100.00"]])
    with pytest.raises(ImportRefused, match="no column found for Amount") as stop:
        import_file(admin, path, kind="orders")
    assert "--map" in str(stop.value)
    assert records.list_records(admin, "order") == []


def test_a_shopify_name_column_stays_the_order_name_not_the_customer(admin, tmp_path):
    path = write_csv(tmp_path / "orders_export.csv", [
        ["Name", "Email", "Financial Status", "Total", "Created at", "Billing Name"],
        ["#1001", "ana@example.com", "paid", "30.00", "2026-03-02 10:00:00 +0100", "Ana Souza"]])
    result = import_file(admin, path, kind="orders", dry_run=True)
    assert mapped(result)["Name"][0] != "Customer Name"
    assert not any(i["what"] == "PayPal activity download" for i in result.inferences)


def test_map_says_otherwise_and_wins_over_the_paypal_evidence(admin, tmp_path):
    result = import_file(admin, english_file(tmp_path), kind="orders", mapping=["Net=Amount"])
    assert mapped(result)["Net"] == ("Amount", "override")
    assert mapped(result)["Gross"][0] is None
    assert orders(admin)["1AB23456CD789012E"]["amount"] == Decimal("116.22")


def test_holds_their_release_and_conversions_are_no_sales_and_a_chargeback_is_a_refund(admin, tmp_path):
    head = "Date,Time,TimeZone,Name,Type,Status,Currency,Gross,Fee,Net,From Email Address,To Email Address,Transaction ID,Reference Txn ID\n"
    rows = [
        "1/20/2026,10:00:00,PST,Bob Brown,Express Checkout Payment,Completed,USD,50.00,-1.90,48.10,bob@x.com,shop@me.com,2BB2,",
        "1/25/2026,10:00:00,PST,Bob Brown,Hold on Balance for Dispute Investigation,Completed,USD,-50.00,0.00,-50.00,shop@me.com,bob@x.com,7GG7,2BB2",
        "1/28/2026,10:00:00,PST,Bob Brown,Cancellation of Hold for Dispute Resolution,Completed,USD,50.00,0.00,50.00,bob@x.com,shop@me.com,8HH8,2BB2",
        "1/29/2026,10:00:00,PST,Carol Cole,Express Checkout Payment,Completed,USD,80.00,-2.90,77.10,carol@x.com,shop@me.com,3CC3,",
        "1/30/2026,10:00:00,PST,Carol Cole,Chargeback,Completed,USD,-80.00,0.00,-80.00,shop@me.com,carol@x.com,9II9,3CC3",
        "1/31/2026,10:00:00,PST,,General Currency Conversion,Completed,USD,104.10,0.00,104.10,,shop@me.com,6FF6,3CC3",
    ]
    path = tmp_path / "paypal.csv"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders", date_order="MDY")
    orders = {o["order_number"]: o for o in records.list_records(admin, "order")}
    assert set(orders) == {"2BB2", "3CC3"}                       # the hold's release is no second sale
    assert orders["2BB2"]["status"] == "Completed" and orders["3CC3"]["status"] == "Returned"
    assert result.rejected == 3 and result.accounted
    reasons = [o.reason for o in result.outcomes if o.action == "rejected"]
    assert all("not a sale of its own" in r for r in reasons)
