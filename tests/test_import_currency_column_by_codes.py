"""A currency column is never ignored for want of a heading cims knows: Salesforce's
CurrencyIsoCode, SAP's WAERS, a bank's Ccy, Shopify's Presentment Currency, Belegwährung,
交易币种 … are Currency headings, and a column under any other heading whose every value
is an ISO 4217 code, beside an amount, is the rows' currency (said in the summary). Two
such columns stop the import naming both and the --map that settles it; no amount is
then stored in the store's currency while its row names another (cols22, item 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import orders_by_number, said_about, write_table

HEADINGS = ["CurrencyIsoCode", "Currency ISO Code", "WAERS", "Ccy", "Curr.", "Transaction Currency",
            "Presentment Currency", "Currency (ISO)", "Currency of Value", "Belegwährung", "结算币种", "交易币种"]


def _orders(tmp_path, fmt, heading, codes=("EUR", "GBP", "USD"), name="orders"):
    rows = [["Order ID", "Order Date", "Customer", "Amount", heading]]
    rows += [[f"A{i}", f"2024-03-0{i + 1}", f"Buyer {i}", 100 * (i + 1), c] for i, c in enumerate(codes)]
    return write_table(tmp_path, fmt, rows, name=name)


@pytest.mark.parametrize("heading", HEADINGS)
def test_a_currency_heading_of_another_system_gives_each_order_and_deal_its_currency(admin, tmp_path, heading):
    import_file(admin, _orders(tmp_path, "csv", heading), kind="orders")
    assert orders_by_number(admin) == {"A0": (Decimal("100"), "EUR"), "A1": (Decimal("200"), "GBP"),
                                       "A2": (Decimal("300"), "USD")}
    # a deal file whose only other column could be the currency (no amount beside it but
    # the deal's): the heading alone decides
    f = write_table(tmp_path, "xlsx", [["Opportunity Name", "Account Name", "Amount", heading, "Misc"],
                                       ["Deal", "Acme", 9, "CHF", "JPY"]], name="deals")
    import_file(admin, f, kind="opportunities")
    assert [(o["name"], o["currency"]) for o in records.list_records(admin, "opportunity")] == [("Deal", "CHF")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("heading", ["Deal Curr Code", "Währungsschlüssel", "Monnaie ISO", "通貨区分", "Unit"])
def test_an_unknown_heading_over_iso_codes_beside_an_amount_is_the_rows_currency_and_said(
        admin, tmp_path, fmt, heading):
    f = _orders(tmp_path, fmt, heading, ("eur", "CHF", "EUR"))
    dry = import_file(admin, f, kind="orders", dry_run=True)
    assert "CHF, EUR" in said_about(dry, f"currency column '{heading}'")
    result = import_file(admin, f, kind="orders")
    assert orders_by_number(admin) == {"A0": (Decimal("100"), "EUR"), "A1": (Decimal("200"), "CHF"),
                                       "A2": (Decimal("300"), "EUR")}
    assert result.currency_defaulted == {}


def test_an_opportunity_file_with_a_salesforce_iso_code_column_keeps_each_deals_currency(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Opportunity Name", "Account Name", "Amount", "Deal Ccy Code", "Stage", "Close Date"],
        ["Big deal", "Acme GmbH", "1000", "EUR", "Closed Won", "2024-03-05"],
        ["Small deal", "Beta Ltd", "500", "GBP", "Closed Won", "2024-03-06"],
        ["US deal", "Gamma Inc", "700", "USD", "Negotiation", "2024-06-30"]])
    import_file(admin, f, kind="opportunities")
    assert {o["name"]: (Decimal(str(o["amount"])), o["currency"]) for o in records.list_records(admin, "opportunity")} \
        == {"Big deal": (Decimal("1000"), "EUR"), "Small deal": (Decimal("500"), "GBP"),
            "US deal": (Decimal("700"), "USD")}


def test_two_columns_of_iso_codes_stop_naming_both_and_the_map_then_imports(admin, tmp_path):
    f = write_table(tmp_path, "xlsx", [["Order ID", "Order Date", "Customer", "Amount", "Pay Cur", "Settle Cur"],
                                       ["A1", "2024-03-05", "Ann Lee", 100, "EUR", "USD"],
                                       ["A2", "2024-03-06", "Bob Ray", 200, "GBP", "USD"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert "'Pay Cur'" in message and "'Settle Cur'" in message and '--map "Pay Cur=Currency"' in message
    assert orders_by_number(admin) == {}
    import_file(admin, f, kind="orders", mapping=["Pay Cur=Currency"])
    assert orders_by_number(admin) == {"A1": (Decimal("100"), "EUR"), "A2": (Decimal("200"), "GBP")}


def test_codes_that_are_english_words_or_a_column_with_other_text_are_no_currency_but_codes_are(admin, tmp_path):
    # "ALL"/"TOP" are words; a column mixing codes and other text is no currency column
    import_file(admin, _orders(tmp_path, "csv", "Scope", ("ALL", "TOP", "ALL"), name="scope"), kind="orders",
                currency="USD")
    import_file(admin, write_table(tmp_path, "csv", [["Order ID", "Order Date", "Customer", "Amount", "Ref"],
                                                     ["B1", "2024-03-05", "Cy Fox", 5, "EUR"],
                                                     ["B2", "2024-03-06", "Di Wu", 6, "EUR-7"]], name="mixed"),
                kind="orders", currency="USD")
    assert {k: v[1] for k, v in orders_by_number(admin).items()} == {"A0": "USD", "A1": "USD", "A2": "USD",
                                                                     "B1": "USD", "B2": "USD"}
    import_file(admin, _orders(tmp_path, "csv", "Unit", ("JPY", "JPY", "JPY"), name="yen"), kind="orders",
                on_duplicate="update", update_mode="overwrite")
    assert {k: v[1] for k, v in orders_by_number(admin).items() if k.startswith("A")} == {
        "A0": "JPY", "A1": "JPY", "A2": "JPY"}
