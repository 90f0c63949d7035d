"""Amounts written in compound number words, Korean "3억 5천만원" and "1억2000만원" and
Chinese "1亿2000万元" (억/亿 = 10⁸, then a part in 만/万, with 천/백 before it, or plain
digits; with or without spaces), are read as the number they write and stored.

Every file here is written by the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("currency,cells,amounts", [
    ("KRW", ["3억 5천만원", "1억2000만원", "120만원"], ["350000000", "120000000", "1200000"]),
    ("KRW", ["2억 500원", "1억 2,000만원", "5억"], ["200000500", "120000000", "500000000"]),
    ("CNY", ["1亿2000万元", "3亿 5千万元", "120万元"], ["120000000", "350000000", "1200000"]),
])
def test_compound_amounts_in_number_words_store_the_number_they_write(admin, tmp_path, fmt, currency, cells, amounts):
    rows = [["Customer", "Order No", "Order Date", "Amount", "Currency"]]
    rows += [[f"Client {i}", f"K{i}", "2024-03-05", c, currency] for i, c in enumerate(cells)]
    result = import_file(admin, write_table(tmp_path, fmt, rows), kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    assert _stored(admin) == {f"K{i}": (Decimal(a), currency) for i, a in enumerate(amounts)}


def _amounts_only(tmp_path, fmt, cells, name="rows"):
    rows = [["Customer", "Order No", "Order Date", "Amount"]]
    rows += [[f"고객{i}", f"M{i}", "2026-01-05", c] for i, c in enumerate(cells)]
    return write_table(tmp_path, fmt, rows, name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("cells,amounts", [
    (["120만원", "3억", "1.5천만원", "3억 5천만원"], ["1200000", "300000000", "15000000", "350000000"]),
    (["5천만", "2억", "1억2000만"], ["50000000", "200000000", "120000000"]),
])
def test_korean_number_words_without_a_currency_are_won_when_no_cell_names_another(
        admin, tmp_path, fmt, cells, amounts):
    f = _amounts_only(tmp_path, fmt, cells)
    dry = import_file(admin, f, kind="orders", dry_run=True)
    assert any(i["what"] == "currency of Korean number words in 'Amount'" for i in dry.inferences)
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert _stored(admin) == {f"M{i}": (Decimal(a), "KRW") for i, a in enumerate(amounts)}


def test_korean_number_words_beside_amounts_in_another_currency_stop_naming_both(admin, tmp_path):
    from cims_xl.importer.errors import ImportRefused
    f = _amounts_only(tmp_path, "csv", ["3억", "$1,200.00", "120만"])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "'3억'" in stop.value.message and "USD" in stop.value.message and "Amount" in stop.value.message
    assert records.list_records(admin, "order") == []
