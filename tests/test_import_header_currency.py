"""A currency the file states in a column's heading ("Amount (EUR)", "Sales in EUR",
"金额（元）", "Total USD") is the currency of that column's amounts (issue 14): the
heading proper maps the column, and its amounts are stored in that currency, not in
the store's, with the summary saying why."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.header_currency import header_currency
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("heading, code", [
    ("Amount (EUR)", "EUR"), ("Total (USD)", "USD"), ("Sales in GBP", "GBP"), ("Amount SGD", "SGD"),
    ("金额（元）", "CNY"), ("Betrag (€)", "EUR"), ("Amount [CHF]", "CHF"), ("Amount in Indian rupees", "INR"),
])
def test_a_currency_in_the_amount_heading_is_the_currency_of_its_amounts(admin, tmp_path, writer, heading, code):
    f = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"),
               [["Order No", "Order Date", "Customer", heading],
                ["A1", "2024-03-05", "Ann", "1234.50"], ["A2", "2024-03-06", "Bob", 2500]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1234.50"), code), "A2": (Decimal("2500"), code)}
    assert result.currency_defaulted == {}
    shown = unicodedata.normalize("NFKC", heading)       # as the reader gives headings
    said = [i for i in result.inferences if i["what"] == f"currency of '{shown}'"]
    if "元" in shown:
        # 元 is the unit of CNY, TWD, HKD and MOP: the store's currency (CNY) settles it, said so
        said = [i for i in result.inferences if i["what"] == f"currency of '元' in '{shown}'"]
        assert said and said[0]["decided"] == code and "store" in said[0]["evidence"]
        return
    assert said and said[0]["decided"] == code and "heading" in said[0]["evidence"]


def test_the_heading_currency_holds_when_the_column_is_mapped_by_hand(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Betrag (EUR)"],
                                       ["A1", "2024-03-05", "Ann", "99.90"]])
    import_file(admin, f, kind="orders", mapping={"Betrag (EUR)": "Amount"})
    assert _orders(admin) == {"A1": (Decimal("99.90"), "EUR")}


def test_a_rows_own_currency_cell_wins_over_the_heading_once_map_says_so(admin, tmp_path):
    # the heading and the Currency cell disagree: the file stops first
    # (test_import_heading_currency_against_column); --map "Currency=Currency" says the cell wins
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount (EUR)", "Currency"],
                                       ["A1", "2024-03-05", "Ann", "10.00", "USD"],
                                       ["A2", "2024-03-06", "Bob", "20.00", ""]])
    with pytest.raises(ImportRefused):
        import_file(admin, f, kind="orders")
    import_file(admin, f, kind="orders", mapping={"Currency": "Currency"})
    assert _orders(admin) == {"A1": (Decimal("10.00"), "USD"), "A2": (Decimal("20.00"), "EUR")}


def test_a_yen_sign_under_a_heading_in_yen_is_yen(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount (JPY)"],
                                       ["A1", "2024-03-05", "Sato", "¥1200"]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1200"), "JPY")}


def test_a_dollar_amount_under_a_heading_in_euros_is_refused_not_stored_as_either(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount (EUR)"],
                                       ["A1", "2024-03-05", "Ann", "$10.00"], ["A2", "2024-03-06", "Bob", "12.00"]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 1 and _orders(admin) == {"A2": (Decimal("12.00"), "EUR")}


@pytest.mark.parametrize("heading", ["Amount", "Amount (net)", "Price (incl. VAT)", "Sales ALL", "Paid in full",
                                     "Total (2024)"])
def test_a_heading_that_names_no_currency_states_none(heading):
    assert header_currency(heading) is None


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("unit, code", [("(EUR)", "EUR"), ("[GBP]", "GBP"), ("（元）", "CNY"), ("(₩)", "KRW")])
def test_a_units_row_under_the_header_states_the_amounts_currency_and_is_no_data(admin, tmp_path, writer, unit, code):
    f = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"),
               [["Order No", "Order Date", "Customer", "Amount", "Weight"],
                ["", "(yyyy-mm-dd)", "", unit, "(kg)"],
                ["A1", "2024-03-05", "Ann", 100, 2], ["A2", "2024-03-06", "Bob", 200, 3]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0 and result.created == 2
    assert _orders(admin) == {"A1": (Decimal("100"), code), "A2": (Decimal("200"), code)}
    assert any((i["what"].startswith("currency of 'Amount") or i["what"].startswith("currency of '元' in 'Amount"))
               and i["decided"] == code for i in result.inferences)


def test_a_first_row_of_accounting_negatives_is_data_not_units(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount", "Profit"],
                                       ["A1", "2024-03-05", "Ann", "100.00", "(12.50)"]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("100.00"), "CNY")}


def test_a_fraction_under_a_heading_naming_a_currency_without_minor_unit_is_refused(admin, tmp_path):
    """"Amount JPY" over 1234.50: yen have no fraction (ISO 4217 exponent 0), so the row is
    refused saying so, not stored as 1234.50 yen."""
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount JPY"],
                                       ["A1", "2024-03-05", "Ann", "1234.50"], ["A2", "2024-03-06", "Bob", 2500]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A2": (Decimal("2500"), "JPY")} and result.rejected == 1
    assert any("no minor unit" in str(o) for o in result.outcomes)
