"""A total row placed right under the header ("| | Total | 37.00 | USD") is skipped, counted
with footer and subtotal rows, when its amounts are the sum of all the rows below it (and
its other cells, a Currency, are what they all write); otherwise it is read as data, and
its rejection says it looks like a total row."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv

LAYOUTS = [
    (["Order ID", "Order Date", "Customer", "Amount", "Currency"],
     lambda amount: ["", "", "Total", amount, "USD"],
     [["1", "2024-03-01", "Acme Ltd", "12.00", "USD"], ["2", "2024-03-02", "Beta Ltd", "25.00", "USD"]],
     ("37.00", "40.00")),
    (["Bestellnummer", "Bestelldatum", "Kunde", "Betrag", "Währung"],
     lambda amount: ["", "", "Summe", amount, ""],
     [["7", "01.03.2024", "Acme GmbH", "1.200,50", "EUR"], ["8", "02.03.2024", "Beta GmbH", "99,50", "EUR"],
      ["9", "03.03.2024", "Cito AG", "0,00", "EUR"]],
     ("1.300,00", "1.300,50")),
    (["订单号", "订单日期", "客户", "金额", "币种"],
     lambda amount: ["合计", "", "", amount, "CNY"],
     [["A1", "2024-03-01", "北京明达科技有限公司", "100.00", "CNY"], ["A2", "2024-03-02", "上海恒通有限公司", "50.00", "CNY"]],
     ("150.00", "149.00")),
]


@pytest.mark.parametrize("header,total,rows,amounts", LAYOUTS)
def test_a_total_row_under_the_header_equal_to_the_rows_below_is_skipped_as_a_total(admin, tmp_path, header, total,
                                                                                     rows, amounts):
    path = write_csv(tmp_path / "o.csv", [header, total(amounts[0]), *rows])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.footer_rows) == (len(rows), 0, 1)
    assert len(records.list_records(admin, "order")) == len(rows)
    said = next(i for i in result.inferences if i["what"] == "total row under the header")
    assert "row 2 skipped" in said["decided"] and "sum of all the rows below" in said["evidence"]


@pytest.mark.parametrize("header,total,rows,amounts", LAYOUTS)
def test_a_total_row_under_the_header_that_does_not_add_up_is_rejected_saying_it_looks_like_one(admin, tmp_path,
                                                                                                header, total, rows,
                                                                                                amounts):
    path = write_csv(tmp_path / "o.csv", [header, total(amounts[1]), *rows])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (len(rows), 1)
    why = " ".join(next(o for o in result.outcomes if o.action == "rejected").problems.values())
    assert "looks like a total row" in why and "not the sum of the rows below" in why
