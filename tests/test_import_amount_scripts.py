"""Amounts written in other scripts and notations are read, not refused (issue 14):
Arabic-Indic and Persian digits with the Arabic decimal and thousands separators, the
Korean unit word 원, a currency whose every place writes one decimal mark ("1,200元"),
and scientific notation as Excel shows a number (read when no digit can be lost)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cims_xl.domain import money
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

HEAD = ["Order No", "Order Date", "Customer", "Amount"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _file(tmp_path, amounts, writer=write_csv, extra=None):
    head = HEAD + (list(extra[0]) if extra else [])
    rows = [head] + [[f"A{i}", f"2024-03-{i:02d}", f"Client {i}", a] + (list(extra[i]) if extra else [])
                     for i, a in enumerate(amounts, 1)]
    name = "o.csv" if writer is write_csv else "o.xlsx"
    return writer(tmp_path / name, rows)


@pytest.mark.parametrize("written, expected", [
    (["١٢٣٤٫٥٠", "٢٥٠٠", "٩٨٠٫١٠"], ["1234.50", "2500", "980.10"]),          # Arabic-Indic, U+066B
    (["٢٬٥٠٠٫٧٥", "١٬٢٣٤٬٥٦٧"], ["2500.75", "1234567"]),                     # U+066C groups thousands
    (["۱۲۳۴", "۲۵۰۰", "۹۸۰٫۵"], ["1234", "2500", "980.5"]),                   # Persian digits
    (["१२३४", "५००"], ["1234", "500"]),                                      # Devanagari digits
])
def test_amounts_in_arabic_persian_and_indic_digits_are_stored_as_numbers(admin, tmp_path, written, expected):
    result = import_file(admin, _file(tmp_path, written), kind="orders")
    assert result.rejected == 0
    got = _orders(admin)
    assert [got[f"A{i}"][0] for i in range(1, len(written) + 1)] == [Decimal(e) for e in expected]


def test_the_korean_unit_word_won_names_krw_and_groups_thousands(admin, tmp_path):
    import_file(admin, _file(tmp_path, ["12,000원", "3,500 원", "1,250,000원"]), kind="orders")
    assert _orders(admin) == {"A1": (Decimal("12000"), "KRW"), "A2": (Decimal("3500"), "KRW"),
                              "A3": (Decimal("1250000"), "KRW")}


def test_a_column_mixing_currencies_reads_the_won_with_its_thousands_as_the_yen(admin, tmp_path):
    amounts = ["1,200円", "12,000원", "₹1,23,456", "R$ 1.234,56", "CHF 1'200.50"]
    import_file(admin, _file(tmp_path, amounts), kind="orders")
    got = _orders(admin)
    assert got["A1"] == (Decimal("1200"), "JPY") and got["A2"] == (Decimal("12000"), "KRW")
    assert got["A3"] == (Decimal("123456"), "INR")
    assert got["A4"] == (Decimal("1234.56"), "BRL") and got["A5"] == (Decimal("1200.50"), "CHF")


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_scientific_notation_that_loses_no_digit_is_read_as_the_number(admin, tmp_path, writer):
    result = import_file(admin, _file(tmp_path, ["+1.5E3", "2e2", "1.2E+06", "EUR 2.5E3"], writer), kind="orders")
    assert result.rejected == 0
    got = _orders(admin)
    assert got["A1"][0] == Decimal("1500") and got["A2"][0] == Decimal("200")
    assert got["A3"][0] == Decimal("1200000") and got["A4"] == (Decimal("2500"), "EUR")


def test_scientific_notation_that_may_have_lost_digits_rejects_the_row_saying_why(admin, tmp_path):
    result = import_file(admin, _file(tmp_path, ["1.23457E+11", "100"]), kind="orders")
    assert result.rejected == 1
    problem = next(o.problems for o in result.outcomes if o.action == "rejected")
    assert "scientific notation" in problem["Amount"] and "1.23457E+11" in problem["Amount"]
    assert set(_orders(admin)) == {"A2"}


@pytest.mark.parametrize("text, digits, arabic", [
    ("١٢٣٤٫٥٠", "1234.50", True), ("۲۵۰۰", "2500", False), ("٢٬٥٠٠", "2,500", True), ("12.5", "12.5", False)])
def test_ascii_digits_says_when_the_arabic_separators_settle_the_mark(text, digits, arabic):
    assert money.ascii_digits(text) == (digits, arabic)


# ----- properties: read right or refused, never a different number ----------------------------

_SCRIPTS = {"ascii": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹",
            "devanagari": "०१२३४५६७८९"}


@settings(max_examples=200, deadline=None)
@given(units=st.integers(min_value=0, max_value=10**12), places=st.integers(min_value=0, max_value=3),
       script=st.sampled_from(sorted(_SCRIPTS)), grouped=st.booleans())
def test_an_amount_in_any_scripts_digits_with_arabic_separators_reads_as_its_number(units, places, script, grouped):
    amount = Decimal(units).scaleb(-places)
    text = f"{amount:,.{places}f}" if grouped else f"{amount:.{places}f}"
    table = str.maketrans({**{str(d): _SCRIPTS[script][d] for d in range(10)}, ",": "\u066c", ".": "\u066b"})
    assert money.read_money(text.translate(table)).amount == amount


@settings(max_examples=200, deadline=None)
@given(number=st.integers(min_value=1, max_value=10**15), shown=st.integers(min_value=1, max_value=8))
def test_scientific_notation_is_read_as_written_or_refused(number, shown):
    text = f"{number:.{shown - 1}E}"                      # as Excel shows a number too long for its column
    try:
        got = money.read_money(text).amount
    except ValueError as exc:
        assert "digits may be lost" in str(exc)
        return
    assert got == Decimal(text) and len(format(got, "f")) <= len(text)
