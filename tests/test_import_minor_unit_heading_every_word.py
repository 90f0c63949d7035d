"""Every word of a split amount heading is read: a scale word (cents, minor, k, thousands, 万)
anywhere in it and a currency code anywhere in it, whether the column is found or mapped; a word
that may be a scale but is not read stops the import naming --amount-scale. A minor-unit heading
("cents", "minor") divides each row's amount by 10 ** its currency's ISO 4217 minor units (÷ 100
for USD, ÷ 1 for JPY, ÷ 1,000 for BHD), and the summary says so."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv

HEAD = ["order_no", "customer_name", "order_date"]
MAP = {"order_no": "Order Number", "customer_name": "Customer Name", "order_date": "Order Date"}


def _amounts(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _said(result, heading: str) -> list[dict]:
    return [i for i in result.inferences if i["what"] == f"amount scale of '{heading}'"]


@pytest.mark.parametrize("heading, written, amount, code", [
    ("amount_cents_usd", "1250", "12.5", "USD"),
    ("centAmount", "1250", "12.5", "CNY"),
    ("cents", "1250", "12.5", "CNY"),
    ("amount_cents_total", "1250", "12.5", "CNY"),
    ("amount_minor", "1250", "12.5", "CNY"),
    ("totalUsdCents", "99", "0.99", "USD"),
    ("amount_minor_eur", "4550", "45.5", "EUR"),
    ("amount_k", "12", "12000", "CNY"),
    ("revenue_thousands_usd", "7", "7000", "USD"),
    ("betrag_tsd_eur", "3", "3000", "EUR"),
])
def test_a_mapped_heading_is_read_word_by_word_for_its_scale_and_currency(admin, tmp_path, heading, written,
                                                                         amount, code):
    settings.set_store_currency(admin, "CNY")
    f = write_csv(tmp_path / "o.csv", [HEAD + [heading], ["X1", "Ann Lee", "2024-03-01", written]])
    result = import_file(admin, f, kind="orders", mapping={**MAP, heading: "Amount"})
    assert _amounts(admin) == {"X1": (Decimal(amount), code)}
    assert _said(result, heading)


@pytest.mark.parametrize("heading", ["centAmount", "amount_cents_usd", "amount_cents_total"])
def test_a_heading_with_a_scale_word_inside_it_is_found_without_a_map(admin, tmp_path, heading):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [HEAD + [heading], ["X1", "Ann Lee", "2024-03-01", "1250"]])
    import_file(admin, f, kind="orders", mapping=MAP)
    assert _amounts(admin) == {"X1": (Decimal("12.5"), "USD")}


@pytest.mark.parametrize("heading", ["amount_m", "amount_x100", "price_hundreds", "amount_k_cents"])
def test_a_heading_word_that_may_be_a_scale_stops_naming_the_column_and_the_option(admin, tmp_path, heading):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [HEAD + [heading], ["X1", "Ann Lee", "2024-03-01", "1250"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", mapping={**MAP, heading: "Amount"})
    assert heading in str(stop.value) and "--amount-scale" in str(stop.value)
    assert _amounts(admin) == {}
    import_file(admin, f, kind="orders", mapping={**MAP, heading: "Amount"}, amount_scale="1")
    assert _amounts(admin) == {"X1": (Decimal("1250"), "USD")}


@pytest.mark.parametrize("heading", ["amountInCents", "amount_cents", "amount_minor", "Amount (cents)"])
def test_a_minor_unit_heading_divides_each_row_by_its_own_currencys_minor_units(admin, tmp_path, heading):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [HEAD + [heading, "currency"],
                                       ["X1", "Ann Lee", "2024-03-01", "1250", "USD"],
                                       ["X2", "Bob Ray", "2024-03-02", "100000", "JPY"],
                                       ["X3", "Cy Dee", "2024-03-03", "12345", "BHD"],
                                       ["X4", "Di Eng", "2024-03-04", "500", "KRW"]])
    result = import_file(admin, f, kind="orders", mapping={**MAP, heading: "Amount", "currency": "Currency"})
    assert _amounts(admin) == {"X1": (Decimal("12.5"), "USD"), "X2": (Decimal("100000"), "JPY"),
                               "X3": (Decimal("12.345"), "BHD"), "X4": (Decimal("500"), "KRW")}
    said = _said(result, heading)
    assert said and "÷ 100 for USD" in said[0]["decided"] and "÷ 1 for JPY" in said[0]["decided"]
    assert "÷ 1,000 for BHD" in said[0]["decided"]


def test_a_cents_heading_over_a_yen_store_keeps_the_yen_as_written(admin, tmp_path):
    settings.set_store_currency(admin, "JPY")
    f = write_csv(tmp_path / "o.csv", [HEAD + ["amount_cents"], ["X1", "Ann Lee", "2024-03-01", "100000"]])
    result = import_file(admin, f, kind="orders", mapping=MAP)
    assert _amounts(admin) == {"X1": (Decimal("100000"), "JPY")}
    assert _said(result, "amount_cents")[0]["decided"] == "÷ 1"


def test_a_lower_case_currency_code_inside_a_split_heading_names_the_currency_not_the_scale(admin, tmp_path):
    settings.set_store_currency(admin, "CNY")
    f = write_csv(tmp_path / "o.csv", [HEAD + ["amount_usd_total"], ["X1", "Ann Lee", "2024-03-01", "1250"]])
    import_file(admin, f, kind="orders", mapping={**MAP, "amount_usd_total": "Amount"})
    assert _amounts(admin) == {"X1": (Decimal("1250"), "USD")}
