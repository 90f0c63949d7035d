"""A store kept in a currency without a minor unit (yen, won, dong, Chilean peso): a file
naming no other currency writes its amounts in it, so "11,000" (or "11.000" where that is
how the separator is written) groups thousands: 11000, never 11 or a stop asking for
--decimal. The summary names the store's currency as the evidence."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records
from cims_xl.services.settings import set_store_currency

FILES = {   # headings (customer, number, date, amount), rows
    "japanese": (["取引先", "請求書番号", "注文日", "税込金額"],
                 [["株式会社山田", "J1", "2024/03/05", "11,000"], ["佐藤商店", "J2", "2024/03/06", "5,500"]]),
    "korean": (["고객명", "주문번호", "주문일", "금액"],
               [["김민수", "K1", "2024-03-05", "11,000"], ["이영희", "K2", "2024-03-06", "5,500"]]),
    "english dots": (["Customer", "Order No", "Order Date", "Amount"],     # a Chilean shop's
                     [["Ana Díaz", "C1", "2024-03-05", "11.000"], ["Luis Soto", "C2", "2024-03-06", "5.500"]]),
}


@pytest.mark.parametrize(("layout", "code"), [("japanese", "JPY"), ("korean", "KRW"), ("english dots", "CLP"),
                                              ("english dots", "VND"), ("english dots", "JPY")])
def test_a_file_naming_no_currency_groups_thousands_in_a_store_kept_in_a_currency_without_cents(
        admin, tmp_path, layout, code):
    set_store_currency(admin, code)
    header, rows = FILES[layout]
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    result = import_file(admin, path, kind="orders", mapping={header[2]: "Order Date"})
    stored = sorted((Decimal(str(o["amount"])), o["currency"]) for o in records.list_records(admin, "order"))
    assert stored == [(Decimal("5500"), code), (Decimal("11000"), code)]
    (line,) = [i for i in result.inferences if i["what"] == f"decimal mark in '{header[3]}'"]
    assert f"the store's currency {code}" in line["evidence"] and "no minor unit" in line["evidence"], line


def test_a_store_kept_in_a_currency_with_cents_still_stops_on_a_number_that_reads_two_ways(admin, tmp_path):
    set_store_currency(admin, "JPY")
    header, rows = FILES["japanese"]
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    import_file(admin, path, kind="orders", mapping={header[2]: "Order Date"})
    set_store_currency(admin, "EUR")
    other = tmp_path / "more.csv"
    with other.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, ["株式会社山田", "J3", "2024/03/07", "2,500"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, other, kind="orders", mapping={header[2]: "Order Date"})
    assert "could be thousands or decimals" in str(stop.value) and "--decimal" in str(stop.value)
    assert len(records.list_records(admin, "order")) == 2
