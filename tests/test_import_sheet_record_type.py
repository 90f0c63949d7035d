"""The Import sheet's Record type: a new workbook leaves it empty, and empty means what
`cims import` without --kind means (customers, unless the file's headings clearly say
another kind: then the import stops, naming that kind and the Record type cell). When
the cell names a kind (chosen, or "customer" kept from an older workbook) and the
headings clearly say another, the user is asked; No stops before anything is written."""
from __future__ import annotations

import openpyxl
import pytest

from cims_xl.excel import ribbon
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.build import build_sheets
from cims_xl.services import records

from table_files import write_csv, write_xlsx

ORDERS = [["Order Number", "Order Date", "Customer Name", "Email", "Total", "Currency"],
          ["X-1", "2026-04-01", "Ahmet Yılmaz", "ahmet@yilmaz.com.tr", "100.00", "TRY"]]
BESTELLUNGEN = [["Bestellnummer", "Bestelldatum", "Kunde", "Betrag", "Währung"],
                ["B-7", "2026-04-01", "Jürgen Müller", "9,90", "EUR"]]
TICKETS = [["工单编号", "客户", "问题描述", "优先级", "状态", "创建时间"],
           ["T-1", "李娜", "无法登录", "高", "处理中", "2026-03-01 09:00"]]


class _UI:
    """A person at the keyboard answering every question with `answer`."""

    def __init__(self, answer: bool):
        self.answer, self.questions, self.messages = answer, [], []

    def message(self, text, title="CIMS"):
        self.messages.append(text)

    def confirm(self, text, title="CIMS"):
        self.questions.append(text)
        return self.answer

    def ask(self, prompt, title="CIMS", default=""):
        return None

    def ask_password(self, prompt, title="CIMS"):
        return None

    def progress(self, done, total, text):
        pass

    def clear_progress(self):
        pass


def _press(book_path, file, ui, kind="leave"):
    book = FileWorkbook(book_path, ui=ui)
    book.set_name("CIMS_ImportFile", str(file))
    if kind != "leave":
        book.set_name("CIMS_ImportKind", kind)
    return ribbon.dispatch("btnImport", book), book


def _nothing_imported(admin) -> bool:
    return all(records.list_records(admin, k) == [] for k in ("customer", "order", "ticket"))


def test_a_new_workbook_leaves_the_record_type_empty_with_a_note_saying_what_empty_means(tmp_path):
    path = tmp_path / "cims.xlsx"
    build_sheets().save(path)
    book = FileWorkbook(path)
    assert book.get_name("CIMS_ImportKind") in (None, "")
    ws = openpyxl.load_workbook(path)["Import"]
    assert "empty" in str(ws["C5"].value) and "another kind" in str(ws["C5"].value)


@pytest.mark.parametrize("rows, kind", [(ORDERS, "orders"), (BESTELLUNGEN, "orders"), (TICKETS, "tickets")])
@pytest.mark.parametrize("ext, write", [("csv", write_csv), ("xlsx", write_xlsx)])
def test_a_file_of_another_kind_with_the_record_type_left_empty_stops_naming_the_kind_and_the_cell(
        book_path, admin, tmp_path, rows, kind, ext, write):
    path = write(tmp_path / f"export.{ext}", rows)
    ui = _UI(True)
    line, book = _press(book_path, path, ui)
    assert line is None
    (said,) = ui.messages
    assert "Record type cell" in said and f"--kind {kind}" in said and "Nothing was imported" in said
    assert _nothing_imported(admin)
    assert not book.get_name("CIMS_ImportSummary")


def test_the_kind_named_in_the_stop_put_in_the_record_type_cell_imports_the_file_right(book_path, admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDERS)
    assert _press(book_path, path, _UI(True))[0] is None
    line, _book = _press(book_path, path, _UI(True), kind="order")
    assert line is not None and line.startswith("Imported orders.csv: 1 created"), line
    assert [o["order_number"] for o in records.list_records(admin, "order")] == ["X-1"]
    assert "X-1" not in [c["name"] for c in records.list_records(admin, "customer")]


@pytest.mark.parametrize("rows", [ORDERS, BESTELLUNGEN])
def test_an_orders_file_with_record_type_customer_asks_and_no_stops_before_writing(book_path, admin, tmp_path, rows):
    path = write_csv(tmp_path / "orders.csv", rows)
    ui = _UI(False)
    line, book = _press(book_path, path, ui, kind="customer")
    assert line is None
    assert len(ui.questions) == 1 and "look like orders" in ui.questions[0] and "says customer" in ui.questions[0]
    (said,) = ui.messages
    assert "Record type cell" in said and "Put orders in the Record type cell" in said
    assert "Nothing was imported" in said
    assert _nothing_imported(admin)


def test_an_orders_file_with_record_type_customer_imports_as_customers_when_the_user_says_yes(
        book_path, admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDERS)
    ui = _UI(True)
    line, _book = _press(book_path, path, ui, kind="customer")
    assert line is not None and line.startswith("Imported orders.csv"), ui.messages
    assert "look like orders" in ui.questions[0]
    assert records.list_records(admin, "order") == []
    assert len(records.list_records(admin, "customer")) == 1


# Customers with a few order columns: the headings say orders, not clearly (customers 5, orders 10)
KUNDEN_MIT_BESTELLUNG = ["Kunde", "E-Mail", "Telefon", "Firma", "Stadt", "Bestellnummer", "Betrag", "Währung"]


def test_a_customers_file_with_a_few_order_columns_imports_saying_whether_customers_was_chosen_or_the_default(
        book_path, admin, tmp_path):
    for kind, name, email, said in (("leave", "Jürgen Müller", "jm@example.de", "the default: no --kind was given"),
                                    ("customer", "Zofia Wójcik", "zw@example.pl", "as asked")):
        path = write_csv(tmp_path / f"kunden-{kind}.csv",
                         [KUNDEN_MIT_BESTELLUNG, [name, email, "", "Firma GmbH", "Berlin", "B-7", "9,90", "EUR"]])
        ui = _UI(True)
        line, book = _press(book_path, path, ui, kind=kind)
        assert line is not None and line.startswith(f"Imported kunden-{kind}.csv: 1 created"), ui.messages
        assert len(ui.questions) == 1 and ui.questions[0].startswith("Import 1 rows")     # nothing else asked
        assert f"customer records ({said})" in book.get_name("CIMS_ImportSummary")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == ["Jürgen Müller", "Zofia Wójcik"]
