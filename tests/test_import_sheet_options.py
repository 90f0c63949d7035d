"""The Import sheet's Options cell: what a stop message names, typed in the workbook,
settles the import from the ribbon (headless, on a real workbook file)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import click
import pytest

from cims_xl.services import settings
from cims_xl.cli import import_file_cmd
from cims_xl.excel import ribbon
from cims_xl.excel.adapter import FileWorkbook, QuietUI
from cims_xl.excel.import_options import NOT_FROM_THE_CELL, SHEET_OPTIONS, parse_options, with_sheet_hint
from cims_xl.excel.import_report import ERRORS_SHEET
from cims_xl.importer import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def press(book_path, file, kind, options=None, confirm=True):
    """Import from the Import sheet with `options` in its Options cell, answering the
    dry run's question with `confirm`: (status line, the messages shown, the book)."""
    ui = QuietUI(assume_yes=confirm)
    book = FileWorkbook(book_path, ui=ui)
    book.set_name("CIMS_ImportFile", str(file))
    book.set_name("CIMS_ImportKind", kind)
    book.set_name("CIMS_ImportOptions", options)
    line = ribbon.dispatch("btnImport", book)
    return line, ui.messages, book


def nothing_written(session, book) -> bool:
    return (all(records.list_records(session, k) == [] for k in ("customer", "order", "opportunity"))
            and ERRORS_SHEET not in book.wb.sheetnames and not book.get_name("CIMS_ImportSummary"))


# ----- each kind of stop, settled from the cell ------------------------------------------------

def _decimal(tmp_path):
    path = tmp_path / "bestellungen.csv"
    path.write_text("Order ID;Order Date;Customer Name;Sales\n"
                    "A-1;2024-03-05;Müller GmbH;1.500\nA-2;2024-03-06;Müller GmbH;2.750\n"
                    "A-3;2024-03-07;Bäckerei Bo;12\n", encoding="utf-8")
    return path


def _decimal_stored(session):
    return {o["order_number"]: o["amount"] for o in records.list_records(session, "order")} == {
        "A-1": Decimal("1500"), "A-2": Decimal("2750"), "A-3": Decimal("12")}


def _statuses(tmp_path):
    # 已关闭 ("closed") is done in one system and cancelled in another; "on account" no one reads
    return write_csv(tmp_path / "xero.csv", [
        ["ContactName", "InvoiceNumber", "InvoiceDate", "Total", "Currency", "Status"],
        ["Kiwi Coffee", "INV-1", "2026-03-05", "1150.00", "NZD", "PAID"],
        ["Kiwi Coffee", "INV-2", "2026-03-06", "200.00", "NZD", "已关闭"],
        ["Bondi Surf", "INV-3", "2026-03-12", "2750.00", "AUD", "on account"]])


def _statuses_stored(session):
    return {o["order_number"]: o["status"] for o in records.list_records(session, "order")} == {
        "INV-1": "Paid", "INV-2": "Cancelled", "INV-3": "Cancelled"}


def _repeated_amounts(tmp_path):
    return write_xlsx(tmp_path / "pedidos.xlsx", [
        ["Order Number", "Order Date", "Billing Last Name", "Item Name", "Amount"],
        ["7001", "2024-06-01", "Souza", "Luminária", "60.00"],
        ["7001", "2024-06-01", "Souza", "Lâmpada", "60.00"],
        ["7002", "2024-06-02", "Costa", "Mesa", "250.00"],
        ["7002", "2024-06-02", "Costa", "Cadeira", "250.00"]])


def _lines_stored(session):
    got = sorted((o["order_number"], o["line_no"], o["product"], o["amount"])
                 for o in records.list_records(session, "order"))
    return got == [("7001", 1, "Luminária", Decimal("60")), ("7001", 2, "Lâmpada", Decimal("60")),
                   ("7002", 1, "Mesa", Decimal("250")), ("7002", 2, "Cadeira", Decimal("250"))]


def _year_first_dates(tmp_path):
    return write_csv(tmp_path / "juchu.csv", [
        ["Order ID", "Order Date", "Customer Name", "Sales"],
        ["J-1", "24/03/05", "テスト株式会社", "1200"], ["J-2", "23/11/12", "テスト株式会社", "800"],
        ["J-3", "24/01/15", "サンプル商事", "450"], ["J-4", "22/12/10", "サンプル商事", "99"]])


def _dates_stored(session):
    return {o["order_number"]: o["order_date"] for o in records.list_records(session, "order")} == {
        "J-1": dt.date(2024, 3, 5), "J-2": dt.date(2023, 11, 12), "J-3": dt.date(2024, 1, 15),
        "J-4": dt.date(2022, 12, 10)}


def _unnamed_column(tmp_path):
    return write_csv(tmp_path / "kunden.csv", [
        ["Wer genau", "Wohnort"], ["Anna Schmidt", "Köln"], ["Jürgen Weiß", "Graz"]])


def _names_stored(session):
    return sorted(c["name"] for c in records.list_records(session, "customer")) == ["Anna Schmidt", "Jürgen Weiß"]


def _struck(tmp_path):
    # a hand-kept orders sheet: the cancelled order's row struck through (font strikethrough)
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    for row in (["Order No", "Order Date", "Customer", "Amount", "Currency"],
                ["S-1", dt.datetime(2024, 3, 5), "Ann Lee", 100, "USD"],
                ["S-2", dt.datetime(2024, 3, 6), "Bob Ray", 250, "USD"],
                ["S-3", dt.datetime(2024, 3, 7), "Ann Lee", 75, "USD"]):
        wb.active.append(row)
    for cell in wb.active[3]:
        cell.font = Font(strike=True)
    wb.save(tmp_path / "struck.xlsx")
    return tmp_path / "struck.xlsx"


def _struck_stored(session):
    return sorted(o["order_number"] for o in records.list_records(session, "order")) == ["S-1", "S-3"]


STOPS = {
    "struck-through rows": (_struck, "order", "--struck skip", "--struck skip", _struck_stored),
    "decimal mark": (_decimal, "order", "--decimal comma", "--decimal comma", _decimal_stored),
    "unknown statuses": (_statuses, "order", "--value", "--value \"已关闭=Cancelled\" --value 'On Account=Cancelled'",
                         _statuses_stored),
    "amount per order or line": (_repeated_amounts, "order", "--amount-per line", "--amount-per line",
                                 _lines_stored),
    "date order": (_year_first_dates, "order", "--date-order YMD", "--date-order ymd", _dates_stored),
    "which column is the name": (_unnamed_column, "customer", "--map", "--map \"Wer genau=Name\"", _names_stored),
}


@pytest.mark.parametrize("case", STOPS)
def test_a_file_that_stops_imports_right_once_the_options_cell_holds_the_option_named(
        book_path, admin, tmp_path, case):
    make, kind, named, options, stored_right = STOPS[case]
    path = make(tmp_path)
    line, messages, book = press(book_path, path, kind)
    assert line is None and len(messages) == 1
    assert named in messages[0] and "Nothing was imported" in messages[0]
    assert "On the Import sheet: put the option in the Options cell" in messages[0]
    assert nothing_written(admin, book)
    line, messages, book = press(book_path, path, kind, options)
    assert line is not None and line.startswith(f"Imported {path.name}"), messages
    assert stored_right(admin)
    assert f"Options: {options}" in book.get_name("CIMS_ImportSummary")


def test_several_options_in_one_cell_all_apply(book_path, admin, tmp_path):
    settings.set_store_currency(admin, "EUR")  # fix26m: a German file's bare amounts stop in a CNY store; its store is in EUR
    path = tmp_path / "both.csv"
    path.write_text("Nr;Datum;Kunde;Betrag\nB-1;05.03.24;Firma Eins;1.200\nB-2;06.03.24;Firma Eins;2.500\n",
                    encoding="utf-8")
    options = '--map "Nr=Order Number" --map "Betrag=Amount"  --decimal comma\n--date-order DMY'
    line, messages, _book = press(book_path, path, "order", options)
    assert line is not None and "2 created" in line, messages
    got = {o["order_number"]: (o["amount"], o["order_date"]) for o in records.list_records(admin, "order")}
    assert got == {"B-1": (Decimal("1200"), dt.date(2024, 3, 5)), "B-2": (Decimal("2500"), dt.date(2024, 3, 6))}


def test_options_typed_with_curly_quotes_dashes_and_wide_spaces_read_as_typed_in_plain_ascii(book_path, admin,
                                                                                            tmp_path):
    line, messages, _book = press(book_path, _statuses(tmp_path), "order",
                                  "\u2014value \u201c已关闭=Cancelled\u201d\u3000--value \u201con account=Cancelled\u201d")
    assert line is not None and "3 created" in line, messages
    assert _statuses_stored(admin)


# ----- a bad cell is refused, nothing written ------------------------------------------------

@pytest.mark.parametrize("options, said", [
    ("--decimall comma", "--decimall is not an import option (did you mean --decimal?)"),
    ("--decimal kommma", "'kommma' is not one of 'comma', 'point'"),
    ("--decimal", "'--decimal' requires an argument"),
    ("--dry-run", "--dry-run is not taken there"),
    ("--report fehler.xlsx", "--report is not taken there"),
    ("--currency EUR", "--currency is not taken there (the currency goes in the Currency cell)"),
    ("--kind orders", "--kind is not taken there (the record type goes in the Record type cell)"),
    ("decimal comma", "'decimal comma' is neither an option nor an option's value"),
    ("--map Wer genau=Name", "'genau=Name' is neither an option nor an option's value"),
    ("--map \"Wer genau=Name", "a quote (\") that is not closed"),
    ("--help", "--help is not an import option"),
])
def test_a_bad_options_cell_is_refused_in_one_line_naming_the_cell_and_nothing_is_written(
        book_path, admin, tmp_path, options, said):
    line, messages, book = press(book_path, _decimal(tmp_path), "order", options)
    assert line is None and len(messages) == 1
    message = messages[0]
    assert message.startswith("The Options cell of the Import sheet") and said in message, message
    assert "\n" not in message and "Nothing was imported" in message
    assert nothing_written(admin, book)
    assert not (tmp_path / "fehler.xlsx").exists()


def test_an_option_value_the_importer_refuses_is_said_to_come_from_the_options_cell(book_path, admin, tmp_path):
    line, messages, book = press(book_path, _decimal(tmp_path), "order", "--encoding klingon-8")
    assert line is None
    assert messages[0].startswith("The Options cell of the Import sheet: --encoding 'klingon-8'"), messages
    assert nothing_written(admin, book)


def test_a_stop_that_names_another_record_type_points_to_the_record_type_cell(book_path, admin, tmp_path):
    path = write_csv(tmp_path / "rechnungen.csv", [
        ["Invoice Number", "Invoice Date", "Customer ID", "Total"], ["R-1", "2024-05-02", "C-000001", "99.50"]])
    line, messages, book = press(book_path, path, "customer")
    assert line is None and "give --kind orders" in messages[0], messages
    assert messages[0].endswith("On the Import sheet: put the option in the Options cell (e.g. --map "
                                "\"Column=Field\"), or choose order in the Record type cell, and press Import "
                                "spreadsheet again.")
    assert nothing_written(admin, book)


# ----- one parser: the command's own options --------------------------------------------------

def test_every_option_of_cims_import_is_taken_by_the_cell_or_refused_with_a_reason():
    options = {p.name: p.opts for p in import_file_cmd.params if isinstance(p, click.Option)}
    taken = set(SHEET_OPTIONS)
    refused = {name for name, opts in options.items() if set(opts) & set(NOT_FROM_THE_CELL)}
    assert taken <= set(options) and not taken & refused
    assert taken | refused == set(options), "a new `cims import` option: take it in the Options cell or say why not"


def test_the_cell_reads_an_option_as_the_command_line_does():
    assert parse_options("--sheet 2 --on-duplicate update --update-mode overwrite --region de") == {
        "sheet": 2, "mapping": None, "values": None, "on_duplicate": "update", "update_mode": "overwrite",
        "region": "de"}
    assert parse_options("--sheet Kunden --map A=Notes --map B=Notes") == {
        "sheet": "Kunden", "mapping": ["A=Notes", "B=Notes"], "values": None}
    assert parse_options("   ") == parse_options(None) == {}


def test_a_number_in_the_cell_is_not_taken_for_options():
    with pytest.raises(ImportRefused, match="format the cell as Text"):
        parse_options(42)


@pytest.mark.parametrize("message, hint", [
    ("Sheets 'A' and 'B' hold data. Nothing was imported. Say which with --sheet NAME.", "(e.g. --sheet NAME)"),
    ("Say which with --encoding cp1252 or --encoding gb18030.", "(e.g. --encoding cp1252)"),
    ("no customer rows: orders give no currency (give --currency CODE, or a Currency column)",
     "put the code in the Currency cell"),
    ("amounts are in rupees (give --currency INR)", "put INR in the Currency cell"),
])
def test_a_stop_message_says_where_on_the_sheet_its_option_goes(message, hint):
    assert with_sheet_hint(message).startswith(message) and hint in with_sheet_hint(message)


def test_a_message_that_names_no_option_is_left_as_it_is():
    assert with_sheet_hint("the file is empty") == "the file is empty"


def _two_sheets(tmp_path):
    """A workbook whose first sheet holds this year's customers and its second older ones."""
    import openpyxl

    path = tmp_path / "zwei.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Kunden"
    wb.active.append(["Name", "Stadt"])
    wb.active.append(["Anna Schmidt", "Köln"])
    other = wb.create_sheet("Alte Kunden")
    other.append(["Name", "Stadt"])
    other.append(["Otto Berg", "Bonn"])
    wb.save(path)
    return path


def test_the_summary_says_where_the_option_for_an_unread_sheet_goes_and_the_cell_then_reads_it(
        book_path, admin, tmp_path):
    path = _two_sheets(tmp_path)
    line, _messages, book = press(book_path, path, "customer", confirm=False)
    assert line == "Import cancelled; nothing was written."
    summary = book.get_name("CIMS_ImportSummary")
    assert "Not read: 'Alte Kunden'" in summary
    assert ('On the Import sheet: put the option in the Options cell (e.g. --sheet "Alte Kunden"), and press '
            "Import spreadsheet again." in summary)
    line, messages, book = press(book_path, path, "customer", '--sheet "Alte Kunden"')
    assert line is not None and "1 created" in line, messages
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Otto Berg"]


def test_the_summary_after_the_import_still_says_which_sheet_was_chosen_and_which_were_not_read(
        book_path, admin, tmp_path):
    path = _two_sheets(tmp_path)
    line, messages, book = press(book_path, path, "customer")
    assert line is not None and "1 created" in line, messages
    summary = book.get_name("CIMS_ImportSummary")
    assert summary.startswith("Imported") and "Not read: 'Alte Kunden'" in summary
    assert "given with --sheet" not in summary and "the first visible sheet with a table" in summary
