"""Amounts written with a magnitude suffix ("1.2k", "3.5M", "2 Mio.") are read as number words
inside; the summary's evidence, the stop that asks for --decimal and a rejected row's reason
quote the cells as the file wrote them, never the rewritten form ("1.2千")."""
from __future__ import annotations

import json

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from table_files import write_csv

_WORDS = ("千", "百万", "十亿", "万", "亿")


def _orders(tmp_path, amounts):
    rows = [["Order ID", "Order Date", "Customer", "Amount", "Currency"]]
    rows += [[str(i), f"2024-03-{i:02d}", f"Customer {i}", a, "USD"] for i, a in enumerate(amounts, 1)]
    return write_csv(tmp_path / "o.csv", rows)


@pytest.mark.parametrize("amounts,quoted", [
    (["1.2k", "3.5M", "12.50"], ["'1.2k'", "'3.5M'"]),
    (["2.5K", "1.25bn", "99.99"], ["'2.5K'", "'1.25bn'"]),
    (["7.5 thousand", "4.5 million", "10.00"], ["'7.5 thousand'", "'4.5 million'"]),
])
def test_the_decimal_mark_evidence_quotes_suffixed_amounts_as_the_file_wrote_them(admin, tmp_path, amounts, quoted):
    result = import_file(admin, _orders(tmp_path, amounts), kind="orders", dry_run=True)
    said = next(i for i in result.inferences if i["what"] == "decimal mark in 'Amount'")
    assert all(q in said["evidence"] for q in quoted)
    assert not any(w in json.dumps(result.inferences, ensure_ascii=False) for w in _WORDS)


def test_the_stop_asking_for_the_decimal_mark_quotes_the_suffixed_cells_as_written(admin, tmp_path):
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, _orders(tmp_path, ["1.500k", "3.500k"]), kind="orders", dry_run=True)
    text = str(stop.value)
    assert "'1.500k'" in text and "--decimal point: '1.500k' is 1500" in text
    assert not any(w in text for w in _WORDS)


def test_a_rejected_suffixed_amount_is_quoted_as_the_file_wrote_it(admin, tmp_path):
    result = import_file(admin, _orders(tmp_path, ["1.2.3k", "3.5M", "12.50"]), kind="orders", dry_run=True)
    why = [" ".join((o.problems or {}).values()) for o in result.outcomes if o.action == "rejected"]
    assert why and "'1.2.3k'" in why[0] and not any(w in why[0] for w in _WORDS)
