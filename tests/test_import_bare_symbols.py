"""A bare currency symbol ("$", "¥", "kr") is read as a currency only on evidence: the
row's Currency, --currency, or the store's currency when the file names no other
currency written with that symbol. It never takes the currency another row names; where
the evidence cannot decide, the import stops naming the column, examples and --currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import AmbiguousCurrency
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx

HEAD = ["Order ID", "Order Date", "Customer Name", "Amount"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _rows(*pairs: tuple[str, object]) -> list[list[object]]:
    return [HEAD] + [[oid, f"2024-03-{i + 1:02d}", "Test Ltd", amount] for i, (oid, amount) in enumerate(pairs)]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("other, other_code, bare, asked", [
    ("C$ 10.00", "CAD", "$20.00", "USD"),
    ("A$ 10.00", "AUD", "$20.00", "AUD"),
    ("HK$ 10", "HKD", "$20", "HKD"),
    ("NT$ 300", "TWD", "$20", "TWD"),
    ("MX$ 10", "MXN", "$20", "MXN"),
    ("US$ 10", "USD", "$20", "HKD"),            # Hong Kong and Taiwan write US$ beside their own $
    ("R$ 10,00", "BRL", "$20", "USD"),          # "$" is no real, but the file writes two dollar signs
    ("JP¥ 1000", "JPY", "¥3000", "CNY"),
    ("SEK 100", "SEK", "100 kr", "NOK"),
])
def test_a_bare_symbol_beside_another_currency_written_with_it_stops_until_the_currency_option_says(
        admin, tmp_path, writer, other, other_code, bare, asked):
    f = writer(tmp_path / f"o.{'csv' if writer is write_csv else 'xlsx'}", _rows(("N-1", other), ("N-2", bare)))
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, f, kind="orders")
    message = str(stop.value)
    assert "column 'Amount'" in message and f"'{bare}'" in message and other_code in message
    assert "--currency" in message and "Nothing was imported" in message
    with pytest.raises(AmbiguousCurrency):
        import_file(admin, f, kind="orders", dry_run=True)      # the dry run says the same
    assert _orders(admin) == {}
    import_file(admin, f, kind="orders", currency=asked)
    got = _orders(admin)
    assert got["N-1"][1] == other_code and got["N-2"][1] == asked


def test_the_message_names_the_option_that_then_imports_the_file(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", _rows(("A-1", "C$ 10.00"), ("A-2", "$20.00"), ("A-3", "$5")))
    with pytest.raises(AmbiguousCurrency, match=r"e\.g\. '\$20\.00', '\$5'.*also names CAD.*used by USD, ") as stop:
        import_file(admin, f, kind="orders")
    option = str(stop.value).split("(e.g. --currency ")[1].split(")")[0]
    import_file(admin, f, kind="orders", currency=option)
    assert _orders(admin) == {"A-1": (Decimal("10.00"), "CAD"), "A-2": (Decimal("20.00"), option),
                              "A-3": (Decimal("5"), option)}


def test_a_row_currency_settles_its_own_bare_dollar_and_no_other(admin, tmp_path):
    rows = [HEAD + ["Currency"], ["R-1", "2024-03-01", "Test Ltd", "$10", "CAD"],
            ["R-2", "2024-03-02", "Test Ltd", "$20", "USD"], ["R-3", "2024-03-03", "Test Ltd", "$30", "AUD"]]
    import_file(admin, write_csv(tmp_path / "o.csv", rows), kind="orders")
    assert _orders(admin) == {"R-1": (Decimal("10"), "CAD"), "R-2": (Decimal("20"), "USD"),
                              "R-3": (Decimal("30"), "AUD")}


def test_a_row_without_currency_beside_rows_naming_cad_is_asked_about(admin, tmp_path):
    rows = [HEAD + ["Currency"], ["R-1", "2024-03-01", "Test Ltd", "$10", "CAD"],
            ["R-2", "2024-03-02", "Test Ltd", "$20", ""]]
    with pytest.raises(AmbiguousCurrency, match=r"'\$20'"):
        import_file(admin, write_csv(tmp_path / "o.csv", rows), kind="orders")
    assert _orders(admin) == {}


def test_a_dollar_store_reads_a_bare_dollar_as_its_own_and_says_so(admin, tmp_path):
    settings.set_store_currency(admin, "CAD")
    f = write_csv(tmp_path / "o.csv", _rows(("S-1", "$12.50"), ("S-2", "€3")))
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"S-1": (Decimal("12.50"), "CAD"), "S-2": (Decimal("3"), "EUR")}
    assert result.currency_assumed == {}
    (said,) = [i for i in result.inferences if i["what"] == "currency of '$' in 'Amount'"]
    assert said["decided"] == "CAD" and "store's currency" in said["evidence"]


def test_a_dollar_store_still_asks_when_the_file_names_another_dollar(admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", _rows(("T-1", "NT$ 300"), ("T-2", "$20")))
    with pytest.raises(AmbiguousCurrency, match="TWD"):
        import_file(admin, f, kind="orders")
    import_file(admin, f, kind="orders", currency="TWD")
    assert _orders(admin) == {"T-1": (Decimal("300"), "TWD"), "T-2": (Decimal("20"), "TWD")}


def test_a_store_in_the_named_currency_reads_the_bare_symbol_as_it(admin, tmp_path):
    # store CNY (the default), file writes CN¥ and ¥: one yen, the store's
    f = write_csv(tmp_path / "o.csv", _rows(("Y-1", "CN¥ 100"), ("Y-2", "¥300")))
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"Y-1": (Decimal("100"), "CNY"), "Y-2": (Decimal("300"), "CNY")}


def test_a_bare_dollar_beside_other_currencies_only_is_read_as_usd_and_said_to_be_assumed(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", _rows(("U-1", "£5"), ("U-2", "$20"), ("U-3", "1.200,00 €")))
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"U-1": (Decimal("5"), "GBP"), "U-2": (Decimal("20"), "USD"),
                              "U-3": (Decimal("1200.00"), "EUR")}
    assert result.currency_assumed == {"$ = USD": 1}


def test_kroner_with_nothing_to_say_which_stop_and_name_the_three(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", _rows(("K-1", "100 kr"), ("K-2", "1.250,50 kr")), delimiter=";")
    with pytest.raises(AmbiguousCurrency, match=r"'kr' is used by DKK, NOK, SEK"):
        import_file(admin, f, kind="orders")
    import_file(admin, f, kind="orders", currency="DKK")
    assert _orders(admin) == {"K-1": (Decimal("100"), "DKK"), "K-2": (Decimal("1250.50"), "DKK")}


def test_a_bare_dollar_format_beside_an_aud_cell_stops_in_a_workbook(admin, tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEAD)
    sheet.append(["W-1", "2024-03-01", "Test Ltd", "AUD 40"])
    sheet.append(["W-2", "2024-03-02", "Test Ltd", 55])
    sheet["D3"].number_format = '"$"#,##0.00'
    book.save(tmp_path / "o.xlsx")
    with pytest.raises(AmbiguousCurrency, match=r"also names AUD"):
        import_file(admin, tmp_path / "o.xlsx", kind="orders")
    import_file(admin, tmp_path / "o.xlsx", kind="orders", currency="AUD")
    assert _orders(admin) == {"W-1": (Decimal("40"), "AUD"), "W-2": (Decimal("55"), "AUD")}


def test_rows_refused_for_their_amount_are_not_counted_as_given_a_currency(admin, tmp_path):
    # '$1.2-1.5' (a range) and '~1200' cannot be read: those rows are refused, so the summary
    # must not say their amounts were taken as USD or as the store's currency ('$1.2k' and
    # '1,5 Mio.' are read now: importer.amount_notes)
    path = write_csv(tmp_path / "orders.csv", _rows(("A1", "$1.2-1.5"), ("A2", "~1200"), ("A3", "$15.00"),
                                                    ("A4", "20.00")))
    result = import_file(admin, path, kind="orders")
    assert result.rejected == 2
    # A3's "$" and A4's bare amount beside it, both USD by the one assumption; A1's unread "$" not counted
    assert result.currency_assumed == {"$ = USD": 2}
    assert result.currency_defaulted == {}
    assert set(_orders(admin)) == {"A3", "A4"} and _orders(admin)["A4"][1] == "USD"
