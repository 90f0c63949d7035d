"""A currency symbol several currencies share ("¥", "$", "£", "Rs.", "kr") is read the
same way in a Currency column as beside an amount, and a row's Country is evidence of
which currency it is (issue 14): "¥1,200" in a row from Japan is 1,200 yen, from China
1,200 yuan. Where nothing settles it the import stops before writing, naming the
column, the symbol, its candidates and the options (--currency, --value) that settle it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import AmbiguousCurrency
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx

HEAD = ["Order No", "Order Date", "Customer", "Amount"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _file(tmp_path, head_extra: list[str], rows: list[list[object]], writer=write_csv):
    body = [[f"A{i}", f"2024-03-{i:02d}", f"Client {i}", *row] for i, row in enumerate(rows, 1)]
    return writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), [HEAD + head_extra] + body)


# ----- a Currency column ------------------------------------------------------------------

@pytest.mark.parametrize("symbol, codes", [("Rs.", "INR, LKR, MUR, PKR, SCR"), ("Rs", "INR, MUR, PKR, SCR"),
                                           ("kr", "DKK, NOK, SEK")])
def test_a_shared_symbol_in_a_currency_column_stops_naming_its_candidates_and_the_options(
        admin, tmp_path, symbol, codes):
    f = _file(tmp_path, ["Currency"], [[1500, symbol], [2500, symbol]])
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, f, kind="orders")
    message = str(stop.value)
    assert "column 'Currency'" in message and f"'{symbol}' is used by {codes}" in message
    assert "--currency" in message and f'--value "{symbol}=' in message and "Nothing was imported" in message
    with pytest.raises(AmbiguousCurrency):
        import_file(admin, f, kind="orders", dry_run=True)
    assert _orders(admin) == {}
    option = message.split(f'--value "{symbol}=')[1].split('"')[0]
    import_file(admin, f, kind="orders", values=[f"{symbol}={option}"])
    assert _orders(admin) == {"A1": (Decimal("1500"), option), "A2": (Decimal("2500"), option)}


def test_the_currency_option_settles_a_shared_symbol_in_a_currency_column(admin, tmp_path):
    f = _file(tmp_path, ["Currency"], [[1500, "Rs."], [99, "USD"]])
    import_file(admin, f, kind="orders", currency="PKR")
    assert _orders(admin) == {"A1": (Decimal("1500"), "PKR"), "A2": (Decimal("99"), "USD")}


def test_a_shared_symbol_among_many_currencies_of_a_currency_column_is_not_hidden(admin, tmp_path):
    rows = [[10, "RMB"], [10, "US$"], [10, "euro"], [10, "人民币"], [10, "円"], [10, "HK$"], [10, "NT$"], [10, "Rs."]]
    with pytest.raises(AmbiguousCurrency, match=r"'Rs\.' is used by INR, LKR"):
        import_file(admin, _file(tmp_path, ["Currency"], rows), kind="orders")
    assert _orders(admin) == {}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_common_symbols_in_a_currency_column_read_as_beside_an_amount(admin, tmp_path, writer):
    rows = [[100, "¥"], [200, "￥"], [300, "£"], [400, "Fr."]]
    result = import_file(admin, _file(tmp_path, ["Currency"], rows, writer), kind="orders")
    assert result.rejected == 0
    # a CNY store: "¥" is its own currency; "£" is GBP in four locales in five; "Fr." the Swiss franc
    assert _orders(admin) == {"A1": (Decimal("100"), "CNY"), "A2": (Decimal("200"), "CNY"),
                              "A3": (Decimal("300"), "GBP"), "A4": (Decimal("400"), "CHF")}


def test_a_dollar_in_a_currency_column_is_read_as_usd_and_said_to_be_assumed(admin, tmp_path):
    result = import_file(admin, _file(tmp_path, ["Currency"], [[100, "$"], [5, "EUR"]]), kind="orders")
    assert _orders(admin) == {"A1": (Decimal("100"), "USD"), "A2": (Decimal("5"), "EUR")}
    assert result.currency_assumed == {"$ = USD": 1}


def test_a_yen_sign_in_a_currency_column_beside_a_row_naming_jpy_stops(admin, tmp_path):
    with pytest.raises(AmbiguousCurrency, match=r"column 'Currency'.*'¥'.*JPY"):
        import_file(admin, _file(tmp_path, ["Currency"], [[100, "¥"], [200, "JPY"]]), kind="orders")
    assert _orders(admin) == {}


def test_a_store_in_yen_reads_a_yen_sign_in_a_currency_column_as_yen(admin, tmp_path):
    settings.set_store_currency(admin, "JPY")
    import_file(admin, _file(tmp_path, ["Currency"], [[1200, "¥"], [900, "円"]]), kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1200"), "JPY"), "A2": (Decimal("900"), "JPY")}


# ----- the row's country ------------------------------------------------------------------

@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_yen_sign_takes_its_currency_from_the_rows_country(admin, tmp_path, writer):
    rows = [["Japan", "¥1,200"], ["日本", "¥35,000"], ["China", "¥1,200.50"], ["中国", "¥88"], ["JP", "¥500"]]
    head = ["Order No", "Order Date", "Customer", "Country", "Amount"]
    body = [[f"A{i}", f"2024-03-{i:02d}", f"Client {i}", c, a] for i, (c, a) in enumerate(rows, 1)]
    f = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), [head] + body)
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _orders(admin) == {"A1": (Decimal("1200"), "JPY"), "A2": (Decimal("35000"), "JPY"),
                              "A3": (Decimal("1200.50"), "CNY"), "A4": (Decimal("88"), "CNY"),
                              "A5": (Decimal("500"), "JPY")}
    said = [i for i in result.inferences if i["what"] == "currency of '¥' in 'Amount'"]
    assert said and "JPY (3 row(s))" in said[0]["decided"] and "country" in said[0]["evidence"]


@pytest.mark.parametrize("country, amount, expected", [
    ("India", "Rs. 1,500.00", ("1500.00", "INR")), ("Pakistan", "Rs 2,500", ("2500", "PKR")),
    ("Sri Lanka", "Rs. 990.50", ("990.50", "LKR")), ("Sweden", "1 200 kr", ("1200", "SEK")),
    ("Norge", "350 kr", ("350", "NOK")), ("Canada", "$20.00", ("20.00", "CAD")),
    ("Australia", "$15", ("15", "AUD")), ("United States", "$9.99", ("9.99", "USD")),
])
def test_a_shared_symbol_beside_an_amount_takes_the_currency_of_the_rows_country(
        admin, tmp_path, country, amount, expected):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Country", "Amount"],
                                       ["A1", "2024-03-05", "Client", country, amount]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(expected[0]), expected[1])}


def test_a_shared_symbol_in_a_currency_column_takes_the_currency_of_the_rows_country(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Country", "Amount", "Currency"],
                                       ["A1", "2024-03-05", "Ravi", "India", "1500", "Rs."],
                                       ["A2", "2024-03-06", "Imran", "Pakistan", "2500", "Rs."]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1500"), "INR"), "A2": (Decimal("2500"), "PKR")}


def test_a_row_from_a_country_using_none_of_the_candidates_is_asked_about(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Country", "Amount"],
                                       ["A1", "2024-03-05", "Ravi", "India", "Rs. 1,500.00"],
                                       ["A2", "2024-03-06", "Hans", "Germany", "Rs. 2,500.00"]])
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, f, kind="orders")
    message = str(stop.value)
    assert "'Rs. 2,500.00'" in message and "'Rs. 1,500.00'" not in message and "Country" in message
    assert _orders(admin) == {}
    import_file(admin, f, kind="orders", currency="LKR")
    assert _orders(admin) == {"A1": (Decimal("1500.00"), "INR"), "A2": (Decimal("2500.00"), "LKR")}
