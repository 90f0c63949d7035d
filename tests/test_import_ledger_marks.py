"""Credit and debit marks on amounts (issue 14): "99.90 CR", "120.00 DR", "贷 500", or a
Dr/Cr column beside a plain amount mean opposite things in a sales ledger (CR: a credit
note, a refund) and a bank statement (CR: money received). Nothing in such a file says
which, so the import stops before writing, naming the column, its own examples and
--ledger sales|bank; with the option every marked amount is read as signed and the
summary says so. Accounting negatives, "(99.90)" and "99.90-", are negative anywhere,
and the summary says how many were read so."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.ledger_marks import LedgerMarks, reading, split_mark
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

HEAD = ["Invoice No", "Customer", "Date", "Amount", "Currency"]


def _stored(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])).normalize() for o in records.list_records(session, "order")}


def _nothing_written(session) -> bool:
    return records.list_records(session, "order") == [] and records.list_records(session, "customer") == []


def _d(text: str) -> Decimal:
    return Decimal(text).normalize()


# Files of several shapes: (rows, the amount column's header, examples the stop must show,
# stored with --ledger sales, stored with --ledger bank)
FILES = {
    "xero-both-marks": ([HEAD, ["I-1", "Ann Lee", "2024-06-01", "120.00 DR", "GBP"],
                         ["I-2", "Ann Lee", "2024-06-02", "99.90 CR", "GBP"],
                         ["I-3", "Bo Li", "2024-06-03", "45.00 DR", "GBP"]],
                        "Amount", ["'120.00 DR'", "'99.90 CR'"],
                        {"I-1": "120", "I-3": "45"}, {"I-2": "99.9"}),
    "credit-only-prefix": ([["Order No", "Client", "Date", "Total", "Currency"],
                            ["R-1", "Marta Ruiz", "2024-06-01", "350.00", "EUR"],
                            ["R-2", "Marta Ruiz", "2024-06-02", "Cr 50.00", "EUR"],
                            ["R-3", "Jon Berg", "2024-06-03", "75.50", "EUR"]],
                           "Total", ["'Cr 50.00'"],
                           {"R-1": "350", "R-3": "75.5"}, {"R-1": "350", "R-2": "50", "R-3": "75.5"}),
    "chinese-marks": ([["单号", "客户", "日期", "金额", "币种"],
                       ["D-1", "王芳", "2024-06-01", "借 500.00", "CNY"],
                       ["D-2", "王芳", "2024-06-02", "贷 120.00", "CNY"]],
                      "金额", ["'借 500.00'", "'贷 120.00'"],
                      {"D-1": "500"}, {"D-2": "120"}),
    "dr-cr-column": ([HEAD + ["Dr/Cr"], ["I-1", "Ann Lee", "2024-06-01", "120.00", "USD", "Dr"],
                      ["I-2", "Ann Lee", "2024-06-02", "99.90", "USD", "Cr"],
                      ["I-3", "Bo Li", "2024-06-03", "45.00", "USD", "D"]],
                     "Amount", ["Dr/Cr", "'99.90 (Dr/Cr: Cr)'"],
                     {"I-1": "120", "I-3": "45"}, {"I-2": "99.9"}),
    "chinese-direction-column": ([["单号", "客户", "日期", "金额", "币种", "借贷方向"],
                                  ["D-1", "李雷", "2024-06-01", "800.00", "CNY", "借"],
                                  ["D-2", "李雷", "2024-06-02", "300.00", "CNY", "贷"]],
                                 "金额", ["借贷方向", "'300.00 (借贷方向: 贷)'"],
                                 {"D-1": "800"}, {"D-2": "300"}),
}


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_marked_amounts_stop_with_the_column_examples_and_both_ledgers_and_nothing_is_written(
        admin, tmp_path, name, writer, suffix):
    rows, column, examples, _sales, _bank = FILES[name]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, writer(tmp_path / f"ledger.{suffix}", rows), kind="orders")
    message = str(stop.value)
    assert f"column '{column}'" in message and "--ledger sales" in message and "--ledger bank" in message
    assert all(e in message for e in examples), message
    assert "Nothing was imported" in message and "\n" not in message
    assert _nothing_written(admin)


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("ledger", ["sales", "bank"])
def test_the_ledger_option_reads_the_marks_as_signs_and_says_so(admin, tmp_path, name, ledger):
    rows, column, _examples, sales, bank = FILES[name]
    result = import_file(admin, write_csv(tmp_path / "ledger.csv", rows), kind="orders", ledger=ledger)
    expected = sales if ledger == "sales" else bank
    assert _stored(admin) == {k: _d(v) for k, v in expected.items()}
    assert result.created == len(expected) and result.rejected == len(rows) - 1 - len(expected)
    assert all("negative amount" in o.reason for o in result.outcomes if o.action == "rejected")
    (line,) = [i for i in result.inferences if i["what"] == f"credit and debit marks in '{column}'"]
    assert f"--ledger {ledger}" in line["decided"]


def test_a_credit_note_in_a_sales_ledger_refunds_the_invoice_it_names(admin, tmp_path):
    f = write_xlsx(tmp_path / "invoices.xlsx", [
        ["Invoice Number", "Type", "Original Invoice", "Contact", "Date", "Amount", "Currency"],
        ["INV-1", "Sales Invoice", "", "Ann Lee", "2024-06-01", "120.00 DR", "GBP"],
        ["CN-1", "Credit Note", "INV-1", "Ann Lee", "2024-06-05", "20.00 CR", "GBP"],
        ["INV-2", "Sales Invoice", "", "Bo Li", "2024-06-02", "80.00 DR", "GBP"],
        ["CN-2", "Credit Note", "INV-2", "Bo Li", "2024-06-06", "80.00 CR", "GBP"]])
    result = import_file(admin, f, kind="orders", ledger="sales")
    assert (result.created, result.duplicates, result.rejected) == (2, 2, 0)
    got = {o["order_number"]: (o["amount"], o["status"]) for o in records.list_records(admin, "order")}
    assert got == {"INV-1": (Decimal("100.00"), "Completed"), "INV-2": (Decimal("80.00"), "Returned")}


def test_accounting_negatives_are_read_as_negative_and_the_summary_says_how_many(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [HEAD, ["I-1", "Ann Lee", "2024-06-01", "120.00", "USD"],
                                       ["I-2", "Ann Lee", "2024-06-02", "(99.90)", "USD"],
                                       ["I-3", "Bo Li", "2024-06-03", "35.00-", "USD"],
                                       ["I-4", "Bo Li", "2024-06-04", "12,-", "EUR"]])
    result = import_file(admin, f, kind="orders")
    assert _stored(admin) == {"I-1": _d("120"), "I-4": _d("12")}
    bad = {o.row: o.reason for o in result.outcomes if o.action == "rejected"}
    assert set(bad) == {3, 4} and "-99.90" in bad[3] and "-35.00" in bad[4]
    (line,) = [i for i in result.inferences if i["what"] == "negative amounts in 'Amount'"]
    assert line["decided"].startswith("2 value(s)") and "'(99.90)'" in line["evidence"]
    assert "'35.00-'" in line["evidence"] and "12,-" not in line["evidence"]


def test_the_cli_takes_the_ledger_and_its_stop_is_one_line(run, tmp_path):
    path = write_csv(tmp_path / "ledger.csv", FILES["xero-both-marks"][0])
    code, out, err = run("import", str(path), "--kind", "orders")
    assert code != 0 and "--ledger sales" in err and "Traceback" not in err and err.strip().count("\n") == 0
    code, out, err = run("--format", "json", "import", str(path), "--kind", "orders", "--ledger", "bank")
    assert code == 0, err
    assert (json.loads(out)["created"], json.loads(out)["rejected"]) == (1, 2)


@pytest.mark.parametrize("text,expected", [
    ("99.90 CR", ("99.90", "CR")), ("120.00DR", ("120.00", "DR")), ("Dr. 1,200.00", ("1,200.00", "DR")),
    ("$99.90 cr", ("$99.90", "CR")), ("USD 5 Cr.", ("USD 5", "CR")), ("99.90贷", ("99.90", "CR")),
    ("100 IDR", None), ("CRC 100", None), ("DR", None), ("12.50", None), ("Dr Smith", None),
])
def test_only_a_mark_beside_an_amount_is_a_mark(text, expected):
    assert split_mark(text) == expected


@pytest.mark.parametrize("mark", ["CR", "DR"])
def test_the_two_ledgers_read_every_mark_with_opposite_signs(mark):
    sales, bank = reading("12.5", mark, "sales"), reading("12.5", mark, "bank")
    assert {sales, bank} == {"12.5", "-12.5"}
    assert reading("-12.5", mark, "sales") == f"-12.5 {mark}"       # a sign and a mark: left for the field to refuse


def test_marks_in_an_opportunity_value_stop_without_speaking_of_orders():
    ev = LedgerMarks({3: "Value"}, None)
    ev.add(["Deal", "Ann", "2024-01-01", "500 CR"])
    with pytest.raises(ImportRefused) as stop:
        ev.decide("opportunity")
    assert "column 'Value'" in str(stop.value) and "order" not in str(stop.value)


def test_a_profile_keeps_the_ledger_for_next_months_file(admin, tmp_path, config_dir):
    june = write_csv(tmp_path / "june.csv", FILES["xero-both-marks"][0])
    import_file(admin, june, kind="orders", ledger="sales", profile="xero")
    july = write_csv(tmp_path / "july.csv", [HEAD, ["I-7", "Cai Wen", "2024-07-01", "60.00 DR", "GBP"],
                                             ["I-8", "Cai Wen", "2024-07-02", "15.00 CR", "GBP"]])
    result = import_file(admin, july, kind="orders", profile="xero")
    assert _stored(admin) == {"I-1": _d("120"), "I-3": _d("45"), "I-7": _d("60")}
    assert any(i["what"] == "options from profile 'xero'" and "--ledger sales" in i["decided"]
               for i in result.inferences)


def test_an_unknown_ledger_is_refused_naming_the_choices(admin, tmp_path):
    with pytest.raises(ImportRefused, match="--ledger") as stop:
        import_file(admin, write_csv(tmp_path / "l.csv", FILES["xero-both-marks"][0]), kind="orders", ledger="cash")
    assert "sales" in str(stop.value) and "bank" in str(stop.value) and _nothing_written(admin)
