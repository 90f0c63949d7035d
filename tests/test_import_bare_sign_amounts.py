"""An amount written with no currency beside amounts written with a sign several
currencies share ("$1,200.00" and a bare "350.00"; "¥", "kr", "Rs", or a heading
"Amount ($)") is in the currency that sign is read as for the file, never in the
store's (CNY) while the sign's rows are USD: one file, one currency, said in the
summary, with "assumed" kept where the sign's reading is only assumed. A row's country
settles its own bare amount as it settles the sign; where a few signed amounts stand
among many bare ones the import stops before writing, naming the column, examples of
both kinds and --currency, which then imports the file (issue 14, cur20)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import AmbiguousCurrency, ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import orders_by_number as _orders, write_csv, write_xlsx

HEAD = ["Order ID", "Order Date", "Customer Name", "Amount"]
WRITERS = pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])


def _file(tmp_path, writer, rows, head=HEAD, name="orders"):
    path = tmp_path / f"{name}.{'csv' if writer is write_csv else 'xlsx'}"
    return writer(path, [head] + [list(r) for r in rows])


def _line(result, what="currency of amounts written without one"):
    return next((i for i in result.inferences if i["what"] == what), None)


def _dated(*pairs):
    return [(oid, f"2024-03-{i + 1:02d}", f"Buyer {i}", amount, *more) for i, (oid, amount, *more) in enumerate(pairs)]


@WRITERS
def test_a_bare_amount_among_dollar_amounts_is_in_dollars_and_said_to_be_assumed(admin, tmp_path, writer):
    f = _file(tmp_path, writer, _dated(("A1", "$1,200.00"), ("A2", "350.00"), ("A3", "$80.00")))
    dry = import_file(admin, f, kind="orders", dry_run=True)
    assert _line(dry)["decided"] == "USD (assumed)" and _orders(admin) == {}
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1200"), "USD"), "A2": (Decimal("350"), "USD"),
                              "A3": (Decimal("80"), "USD")}
    line = _line(result)
    assert "'350.00'" in line["evidence"] and "'$1,200.00'" in line["evidence"] and "assumed" in line["evidence"]
    assert "--currency" in line["evidence"]
    # the three rows are USD by one assumption, and no row is said to be in the store's currency
    assert result.currency_assumed == {"$ = USD": 3} and result.currency_defaulted == {}
    assert any("Assumed $ = USD in 3 row(s)" in n for n in result.currency_notes())


def test_a_bare_number_cell_beside_cells_formatted_in_dollars_is_in_dollars(admin, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for i, (oid, amount) in enumerate([("W1", 40), ("W2", 55), ("W3", 5)]):
        sheet.append([oid, f"2024-03-0{i + 1}", "Buyer", amount])
    sheet["D2"].number_format = sheet["D3"].number_format = '"$"#,##0.00'
    book.save(tmp_path / "o.xlsx")
    result = import_file(admin, tmp_path / "o.xlsx", kind="orders")
    assert {c for _, c in _orders(admin).values()} == {"USD"}
    assert result.currency_assumed == {"$ = USD": 3} and result.currency_defaulted == {}


@WRITERS
def test_a_few_dollar_amounts_among_many_bare_ones_stop_naming_both_kinds_and_the_option(admin, tmp_path, writer):
    f = _file(tmp_path, writer, _dated(("B1", "$1,200.00"), ("B2", "350.00"), ("B3", "400.00"), ("B4", "500.00")))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    said = str(stop.value)
    assert "column 'Amount'" in said and "'350.00'" in said and "'$1,200.00'" in said
    assert "--currency" in said and "Nothing was imported" in said
    with pytest.raises(ImportRefused):
        import_file(admin, f, kind="orders", dry_run=True)          # the dry run says the same
    assert _orders(admin) == {}
    import_file(admin, f, kind="orders", currency="CAD")            # the option named settles it
    assert {c for _, c in _orders(admin).values()} == {"CAD"}


@pytest.mark.parametrize("country, sign_amount, code", [
    ("Canada", "$100.00", "CAD"), ("Australia", "$100.00", "AUD"), ("Sverige", "100 kr", "SEK"),
    ("Norge", "100 kr", "NOK"), ("India", "Rs 100", "INR"), ("Pakistan", "Rs 100", "PKR"),
    ("日本", "¥100", "JPY"), ("Mexico", "$100.00", "MXN"),
])
def test_the_rows_country_settles_the_sign_and_the_bare_amounts_beside_it(admin, tmp_path, country, sign_amount, code):
    f = _file(tmp_path, write_csv, _dated(("C1", sign_amount, country), ("C2", "350", country),
                                          ("C3", "400", country)), head=HEAD + ["Country"])
    result = import_file(admin, f, kind="orders")
    assert {n: c for n, (_, c) in _orders(admin).items()} == {"C1": code, "C2": code, "C3": code}
    assert result.currency_defaulted == {} and result.currency_assumed == {}
    by_country = _line(result, "currency of amounts written without one, by the row's country")
    assert by_country["decided"] == f"{code} (2 row(s))"


def test_each_rows_country_settles_its_own_bare_amount_in_a_file_of_two_dollars(admin, tmp_path):
    f = _file(tmp_path, write_csv, _dated(("D1", "$100.00", "Canada"), ("D2", "350.00", "United States"),
                                          ("D3", "$400.00", "United States"), ("D4", "40.00", "Canada")),
              head=HEAD + ["Country"])
    import_file(admin, f, kind="orders")
    assert {n: c for n, (_, c) in _orders(admin).items()} == {"D1": "CAD", "D2": "USD", "D3": "USD", "D4": "CAD"}


def test_a_yen_sign_in_a_japanese_file_makes_its_bare_amounts_yen(admin, tmp_path):
    f = write_csv(tmp_path / "注文.csv", [["注文番号", "注文日", "顧客名", "金額"],
                                         ["J1", "2024-03-01", "山田太郎", "¥1200"],
                                         ["J2", "2024-03-02", "佐藤花子", "350"],
                                         ["J3", "2024-03-03", "鈴木一郎", "¥800"]])
    result = import_file(admin, f, kind="orders")
    assert {c for _, c in _orders(admin).values()} == {"JPY"}
    assert _line(result)["decided"] == "JPY" and result.currency_assumed == {}


@WRITERS
def test_a_heading_stating_the_dollar_sign_makes_its_bare_amounts_dollars_said_to_be_assumed(admin, tmp_path, writer):
    f = _file(tmp_path, writer, _dated(("H1", "100"), ("H2", 350)), head=HEAD[:3] + ["Amount ($)"])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"H1": (Decimal("100"), "USD"), "H2": (Decimal("350"), "USD")}
    assert result.currency_assumed == {"$ = USD": 2} and result.currency_defaulted == {}


def test_a_heading_stating_kroner_stops_until_a_country_or_the_option_says_which(admin, tmp_path):
    f = _file(tmp_path, write_csv, _dated(("K1", "100"), ("K2", "1250")), head=HEAD[:3] + ["Amount (kr)"])
    with pytest.raises(AmbiguousCurrency) as stop:
        import_file(admin, f, kind="orders")
    assert "'Amount (kr)'" in str(stop.value) and "DKK, NOK, SEK" in str(stop.value)
    assert "--currency" in str(stop.value) and _orders(admin) == {}
    import_file(admin, f, kind="orders", currency="NOK")
    assert {c for _, c in _orders(admin).values()} == {"NOK"}
    by_country = _file(tmp_path, write_csv, _dated(("L1", "100", "Danmark"), ("L2", "200", "Sverige")),
                       head=HEAD[:3] + ["Amount (kr)", "Country"], name="by_country")
    import_file(admin, by_country, kind="orders")
    got = _orders(admin)
    assert (got["L1"][1], got["L2"][1]) == ("DKK", "SEK")


@WRITERS
def test_a_deal_value_written_bare_beside_dollar_values_is_in_dollars(admin, tmp_path, writer):
    f = _file(tmp_path, writer, [("Renewal", "Acme Ltd", "$5,000.00", "Proposal"),
                                 ("Upgrade", "Acme Ltd", "3,000.00", "Proposal"),
                                 ("Pilot", "Acme Ltd", "$700.00", "Proposal")],
              head=["Deal Name", "Company", "Value", "Stage"])
    result = import_file(admin, f, kind="opportunities")
    got = {d["name"]: (Decimal(str(d["amount"])).normalize(), d["currency"])
           for d in records.list_records(admin, "opportunity")}
    assert got == {"Renewal": (Decimal("5000"), "USD"), "Upgrade": (Decimal("3000"), "USD"),
                   "Pilot": (Decimal("700"), "USD")}
    assert result.currency_assumed == {"$ = USD": 3} and result.currency_defaulted == {}


def test_a_bare_payment_and_refund_beside_dollar_payments_are_dollars_and_the_refund_is_subtracted(admin, tmp_path):
    head = ["Date", "Time", "Gross Sales", "Net Sales", "Partial Refunds", "Total Collected", "Transaction ID",
            "Payment ID", "Description", "Event Type", "Customer ID", "Customer Name"]
    f = write_csv(tmp_path / "square.csv", [
        head,
        ["2024-06-01", "10:00:00", "$30.00", "$30.00", "$0.00", "$30.00", "T1", "P1", "Beans", "Payment", "C1",
         "Lena Park"],
        ["2024-06-02", "11:00:00", "45.00", "45.00", "0.00", "45.00", "T2", "P2", "Grinder", "Payment", "C2",
         "Ravi Das"],
        ["2024-06-03", "12:00:00", "$20.00", "$20.00", "$0.00", "$20.00", "T3", "P3", "Filter", "Payment", "C1",
         "Lena Park"],
        ["2024-06-04", "12:00:00", "-5.00", "-5.00", "0.00", "-5.00", "T3", "P3", "Filter", "Refund", "C1",
         "Lena Park"]])
    import_file(admin, f, kind="orders", mapping=["Transaction ID=Order No."])
    assert _orders(admin) == {"T1": (Decimal("30"), "USD"), "T2": (Decimal("45"), "USD"),
                              "T3": (Decimal("15"), "USD")}


class _Person:
    """Says yes to the Import sheet's question."""

    def message(self, text, title="CIMS"):
        pass

    def confirm(self, text, title="CIMS"):
        return True

    def ask(self, prompt, title="CIMS", default=""):
        return default or None

    def progress(self, done, total, text):
        pass

    def clear_progress(self):
        pass


def test_the_import_sheet_stores_them_in_dollars_and_its_summary_says_the_dollar_is_assumed(admin, tmp_path):
    from cims_xl.excel.adapter import FileWorkbook
    from cims_xl.excel.import_sheet import import_from_book
    from test_sync_support import new_workbook

    src = _file(tmp_path, write_csv, _dated(("S1", "$1,200.00"), ("S2", "350.00"), ("S3", "$80.00")))
    book = FileWorkbook(new_workbook(tmp_path / "cims.xlsx"), ui=_Person())
    book.set_name("CIMS_ImportFile", str(src))
    book.set_name("CIMS_ImportKind", "order")
    import_from_book(admin, book)
    assert {c for _, c in _orders(admin).values()} == {"USD"}
    summary = book.get_name("CIMS_ImportSummary")
    assert "Assumed $ = USD in 3 row(s)" in summary and "currency of amounts written without one: USD" in summary
    assert "taken as CNY" not in summary
