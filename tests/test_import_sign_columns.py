"""A column of signs beside unsigned amounts (a cash book's "Flow" of +/-, a "Type" of
+1/-1, a Chinese 符号, a German Vorzeichen, arrows ↑/↓) says the direction of each amount:
known by its values over the whole file, money out (the minus rows) is never an order (the
row is rejected and counted, as a direction column's Expense rows are), money in is
stored, and the summary says which column decided it. A column of dashes alone (a "-" for
no value) is no sign column: it says nothing of the amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import orders_by_number, rejected_problems, write_csv, write_xlsx

# (headers, the sign column, its plus and minus as written, a workbook writes them as numbers)
FILES = {
    "english-flow": (["Ref", "Date", "Customer Name", "Flow", "Amount"], "Flow", "+", "-"),
    "plus-one-type": (["Ref", "Date", "Customer Name", "Type", "Amount"], "Type", "+1", "-1"),
    "chinese-sign": (["单号", "日期", "客户名称", "符号", "金额"], "符号", "+", "−"),
    "german-vorzeichen": (["Beleg", "Datum", "Kunde", "Vorzeichen", "Betrag"], "Vorzeichen", "+", "-"),
    "arrows": (["No", "Date", "Client", "Sens", "Montant"], "Sens", "↑", "↓"),
}
NUMBERS = {"plus-one-type": (1, -1)}
ROWS = [("S1", "Ann Lee", "plus", "120.00"), ("S2", "Office Depot", "minus", "45.50"),
        ("S3", "Bo Chen", "plus", "80.00"), ("S4", "City Power", "minus", "300.00")]


def _rows(name: str, numbers: bool) -> list[list]:
    headers, _col, plus, minus = FILES[name]
    if numbers and name in NUMBERS:
        plus, minus = NUMBERS[name]
    return [headers + ["Remark"]] + [[n, f"2024-03-0{i + 1}", who, plus if way == "plus" else minus,
                                      float(amount) if numbers else amount, "-"]
                                     for i, (n, who, way, amount) in enumerate(ROWS)]


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_the_minus_rows_of_a_sign_column_are_money_out_rejected_never_orders(admin, tmp_path, name, writer, suffix):
    headers, column, _p, _m = FILES[name]
    path = writer(tmp_path / f"book.{suffix}", _rows(name, suffix == "xlsx"))
    result = import_file(admin, path, kind="orders", currency="EUR",
                         mapping={headers[0]: "Order Number", headers[1]: "Order Date", headers[2]: "Customer Name"})
    assert orders_by_number(admin) == {"S1": (Decimal("120"), "EUR"), "S3": (Decimal("80"), "EUR")}
    assert {c["name"] for c in records.list_records(admin, "customer")} == {"Ann Lee", "Bo Chen"}
    bad = rejected_problems(result)
    assert set(bad) == {3, 5} and all("money paid out" in r for r in bad.values()), bad
    (line,) = [i for i in result.inferences if i["what"] == f"money in and out in '{column}'"]
    assert "2 row(s) of money paid out" in line["decided"] and "2 row(s) of money received" in line["decided"]


def test_the_dry_run_says_the_sign_column_decided_and_stores_nothing(admin, tmp_path):
    path = write_csv(tmp_path / "book.csv", _rows("english-flow", False))
    result = import_file(admin, path, kind="orders", currency="EUR", dry_run=True,
                         mapping={"Ref": "Order Number", "Date": "Order Date", "Customer Name": "Customer Name"})
    assert records.list_records(admin, "order") == []
    (line,) = [i for i in result.inferences if i["what"] == "money in and out in 'Flow'"]
    assert "'45.50 (Flow: -)'" in line["evidence"], line
    # its "-" is a minus, not a placeholder for no value (the Remark column's dashes are)
    (empty,) = [i for i in result.inferences if i["what"] == "placeholders for no value"]
    assert "'Remark'" in empty["evidence"] and "'Flow'" not in empty["evidence"], empty
    assert set(rejected_problems(result)) == {3, 5}


def test_a_sign_column_under_a_sign_heading_with_only_minus_rows_makes_every_row_money_out(admin, tmp_path):
    path = write_csv(tmp_path / "book.csv", [["Ref", "Date", "Customer Name", "Vorzeichen", "Amount"],
                                             ["S1", "2024-03-01", "Ann Lee", "-", "20.00"],
                                             ["S2", "2024-03-02", "Bo Chen", "-", "15.00"]])
    result = import_file(admin, path, kind="orders", currency="EUR",
                         mapping={"Ref": "Order Number", "Date": "Order Date"})
    assert records.list_records(admin, "order") == []
    assert set(rejected_problems(result)) == {2, 3}
