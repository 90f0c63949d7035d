"""Currency words people write in a Currency column or beside an amount where CLDR has none
("NTD" for TWD, "YEN", "Yuan"), CLDR's Arabic symbols with their invisible right-to-left
marks ("د.ب.‏ 1.500", BHD), and a sign that conflicts with the row's Currency named as such."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import get_currency_symbol

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table

HEAD = ["Order No", "Order Date", "Customer", "Amount", "Currency"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ntd_yen_and_yuan_in_a_currency_column_are_read_as_twd_jpy_and_cny(admin, tmp_path, fmt):
    f = write_table(tmp_path, fmt, [HEAD,
                                    ["K1", "2024-03-05", "Fa Loe", "600.00", "NTD"],
                                    ["K2", "2024-03-05", "Gi Koe", "700", "YEN"],
                                    ["K3", "2024-03-05", "Ha Joe", "800.00", "Yuan"],
                                    ["K4", "2024-03-05", "Ia Poe", "900.00", "ntd"],
                                    ["K5", "2024-03-05", "Ja Roe", "1000", "Yen"]])
    result = import_file(admin, f, kind="orders")
    assert (result.created, result.rejected) == (5, 0)
    assert _orders(admin) == {"K1": (Decimal("600"), "TWD"), "K2": (Decimal("700"), "JPY"),
                              "K3": (Decimal("800"), "CNY"), "K4": (Decimal("900"), "TWD"),
                              "K5": (Decimal("1000"), "JPY")}


def test_ntd_written_before_an_amount_is_taiwan_dollars(admin, tmp_path):
    f = write_table(tmp_path, "csv", [HEAD[:4], ["T1", "2024-03-05", "Lin Mei", "NTD 1,500"],
                                      ["T2", "2024-03-06", "Chen Wei", "NTD 250"]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _orders(admin) == {"T1": (Decimal("1500"), "TWD"), "T2": (Decimal("250"), "TWD")}


@pytest.mark.parametrize("locale, code, written, stored", [
    ("ar_BH", "BHD", "{s} 1.500", "1.500"), ("ar_KW", "KWD", "{s} 2.250", "2.250"),
    ("ar_SA", "SAR", "{s} 1,500.00", "1500"), ("ar_AE", "AED", "250.50 {s}", "250.5"),
    ("ar_EG", "EGP", "{s}\u00a0100", "100"), ("ar_OM", "OMR", "\u200f{s} 3.125", "3.125")])
def test_cldr_arabic_symbols_with_their_right_to_left_marks_are_read_as_their_currency(
        admin, tmp_path, locale, code, written, stored):
    symbol = get_currency_symbol(code, locale=locale)
    assert "\u200f" in symbol               # CLDR writes the mark inside the symbol
    f = write_table(tmp_path, "csv", [HEAD[:4], ["A1", "2024-03-05", "Ali Hasan", written.format(s=symbol)]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _orders(admin) == {"A1": (Decimal(stored), code)}


def test_a_sign_against_the_rows_currency_is_rejected_naming_the_conflict_first(admin, tmp_path):
    f = write_table(tmp_path, "csv", [HEAD, ["K1", "2024-03-05", "Ann Lee", "$100.00", "EUR"],
                                      ["K2", "2024-03-05", "Bob Roe", "€200.00", "USD"],
                                      ["K3", "2024-03-05", "Cy Doe", "£300.00", "JPY"]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 3
    said = {o.row: o.as_dict()["problems"]["Amount"] for o in result.outcomes}
    assert said[2].startswith("the sign '$' conflicts with the row's currency EUR")
    assert said[3].startswith("the sign '€' conflicts with the row's currency USD")
    assert said[4].startswith("the sign '£' conflicts with the row's currency JPY")
    assert records.list_records(admin, "order") == []
