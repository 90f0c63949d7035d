"""Table shapes that must not become records without a word (issue 14: header, footer,
kind): CSV rows split by a separator inside a value, group headings and totals inside a
table, subtotal rows that repeat a group's sum, a second table stacked below the first,
a transposed table, a summary sheet in front of the data, hidden rows and columns.
Small files of our own, in several languages."""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.errors import CimsError
from cims_xl.importer import import_file
from cims_xl.services import records


def stored(session, kind: str = "customer") -> list[dict]:
    return records.list_records(session, kind)


def names(session) -> set[str]:
    return {c["name"] for c in stored(session)}


def write_text(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_book(tmp_path, name: str, rows: list, sheets: dict | None = None):
    """An .xlsx with `rows` on its one sheet, or `sheets` ({title: rows}) in order."""
    wb = openpyxl.Workbook()
    ws = wb.active
    first = True
    for title, sheet_rows in (sheets or {"Sheet": rows}).items():
        if not first:
            ws = wb.create_sheet(title)
        ws.title = title
        first = False
        for r in sheet_rows:
            ws.append(list(r))
    path = tmp_path / name
    wb.save(path)
    return path


def refused(session, path, **options) -> str:
    with pytest.raises(CimsError) as caught:
        import_file(session, path, **options)
    return str(caught.value)


# ----- 1. CSV rows with more fields than the header --------------------------------------

@pytest.mark.parametrize("header, bad, good, sep", [
    ("Name,Company,Email", "Ann Lee,Acme, Inc.,ann@example.com", 'Ann Lee,"Acme, Inc.",ann@example.com', ","),
    ("Name;Firma;E-Mail", "Jörg Weiß;Müller; Söhne KG;joerg@example.de", 'Jörg Weiß;"Müller; Söhne KG";joerg@example.de', ";"),
    ("Имя\tКомпания\tEmail", "Иван Петров\tРога\tи Копыта\tivan@example.ru", 'Иван Петров\t"Рога\tи Копыта"\tivan@example.ru', "\t"),
])
def test_a_value_split_by_an_unquoted_separator_stops_naming_the_row_and_the_quoted_file_imports_right(
        admin, tmp_path, header, bad, good, sep):
    other = sep.join(["Bob Ray", "Beta", "bob@example.com"])
    last = sep.join(["Cy Moe", "Gamma", "cy@example.com"])
    path = write_text(tmp_path, "people.csv", "\n".join([header, other, bad, last]) + "\n")
    message = refused(admin, path, dry_run=True)
    assert "row 3 (4 fields)" in message and "1 row(s)" in message
    assert "double quotes" in message and "Nothing was imported" in message
    assert "@" not in message                       # no personal values in the message
    assert refused(admin, path) and stored(admin) == []
    fixed = write_text(tmp_path, "fixed.csv", "\n".join([header, other, good, last]) + "\n")
    result = import_file(admin, fixed)
    assert result.created == 3
    by_name = {c["name"]: c for c in stored(admin)}
    bad_name = bad.split(sep)[0]
    # (a tab inside a value is stored as a space, as every whitespace run is)
    assert by_name[bad_name]["company"] == " ".join(list(csv.reader([good], delimiter=sep))[0][1].split())
    assert by_name[bad_name]["email"].endswith(("example.com", "example.de", "example.ru"))
    assert not by_name[bad_name].get("notes")


@pytest.mark.parametrize("amounts, quoted, expected", [
    (["1'234,50", "980,10"], ["\"1'234,50\"", '"980,10"'], [Decimal("1234.50"), Decimal("980.10")]),
    (["1.234,50", "12,5"], ['"1.234,50"', '"12,5"'], [Decimal("1234.50"), Decimal("12.5")]),
])
def test_amounts_split_by_their_decimal_comma_in_a_comma_separated_file_stop_and_quoted_import_right(
        admin, tmp_path, amounts, quoted, expected):
    head = "Order No,Order Date,Customer,Amount\n"
    lines = [f"A{i},2024-03-0{i + 5},Ann,{a}" for i, a in enumerate(amounts, start=1)]
    path = write_text(tmp_path, "orders.csv", head + "\n".join(lines) + "\n")
    message = refused(admin, path, kind="orders")
    assert "decimal comma" in message and "'Amount'" in message and "row 2" in message
    assert stored(admin, "order") == []
    fixed = write_text(tmp_path, "fixed.csv", head + "\n".join(
        f"A{i},2024-03-0{i + 5},Ann,{q}" for i, q in enumerate(quoted, start=1)) + "\n")
    assert import_file(admin, fixed, kind="orders", decimal="comma").created == 2
    got = sorted(stored(admin, "order"), key=lambda o: o["order_number"])
    assert [o["amount"] for o in got] == expected
    assert not any(o.get("notes") for o in got)


def test_an_unnamed_column_every_row_carries_is_still_kept_as_a_column_of_its_own(admin, tmp_path):
    # Excel writes every row of a CSV with the same fields: an empty one where a cell is blank
    path = write_text(tmp_path, "people.csv", "Name,Email\n"
                                              "Ann Lee,ann@example.com,VIP\n"
                                              "Bob Ray,bob@example.com,\n"
                                              "Cy Moe,cy@example.com,\n")
    assert import_file(admin, path).created == 3
    by_name = {c["name"]: c for c in stored(admin)}
    assert by_name["Ann Lee"]["notes"] == "Column C: VIP"
    assert by_name["Ann Lee"]["email"] == "ann@example.com"


def test_an_unnamed_column_most_rows_fill_is_still_kept(admin, tmp_path):
    path = write_text(tmp_path, "people.csv", "Name,Email\n"
                                              "Ann Lee,ann@example.com,VIP\n"
                                              "Bob Ray,bob@example.com,Gold\n"
                                              "Cy Moe,cy@example.com\n")
    assert import_file(admin, path).created == 3
    assert {c["name"]: c.get("notes") for c in stored(admin)}["Bob Ray"] == "Column C: Gold"


# ----- 2. another table below ------------------------------------------------------------

@pytest.mark.parametrize("second", [
    [("Order No", "Order Date", "Amount"), ("A1", "2024-03-05", 100), ("A2", "2024-03-06", 200)],
    [("订单号", "订单日期", "金额"), ("D1", "2024-03-05", 100)],
    [("Номер заказа", "Дата заказа", "Сумма"), ("З-1", "05.03.2024", 100)],
])
def test_a_second_table_below_a_blank_row_is_not_read_and_the_summary_says_where_it_begins(admin, tmp_path, second):
    rows = [("Name", "Company", "Email"), ("Ann Lee", "Acme", "ann@example.com"),
            ("Bob Ray", "Beta", "bob@example.com"), (None, None, None)] + second
    path = write_book(tmp_path, "two.xlsx", rows)
    dry = import_file(admin, path, dry_run=True)
    assert (dry.created, dry.other_table_rows) == (2, len(second))
    (said,) = [i for i in dry.inferences if i["what"] == "another table"]
    assert "row 5" in said["decided"] and second[0][0] in said["evidence"] and "orders" in said["evidence"]
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.rows) == (2, 0, 2)
    assert names(admin) == {"Ann Lee", "Bob Ray"}
    assert {c["name"]: c["email"] for c in stored(admin)}["Bob Ray"] == "bob@example.com"


@pytest.mark.parametrize("header", ["Product,Price,Stock", "Artikel,Preis,Bestand", "Product,Qty,Warehouse"])
def test_a_second_table_naming_one_known_field_is_found_by_the_words_its_columns_cannot_hold(
        admin, tmp_path, header):
    """(tester) "Product, Price, Stock" names one field cims knows; "Price" standing in a
    column the table above fills with emails alone is no email: a header, not a customer."""
    path = write_text(tmp_path, "stacked.csv", "Name,Email,City\nStack One,s1@example.com,Berlin\n"
                                               f"Stack Two,s2@example.com,Paris\n\n{header}\n"
                                               "Widget,9.99,5\nGadget,19.99,0\n")
    result = import_file(admin, path)
    assert (result.created, result.rejected, result.other_table_rows) == (2, 0, 3)
    assert names(admin) == {"Stack One", "Stack Two"}


def test_a_row_after_a_blank_row_that_fits_the_columns_is_still_a_customer(admin, tmp_path):
    path = write_text(tmp_path, "gap2.csv", "Name,Email,City\nStack One,s1@example.com,Berlin\n"
                                            "Stack Two,s2@example.com,Paris\n\nProduct Ltd,p@example.com,Rome\n")
    assert import_file(admin, path).created == 3


def test_a_header_repeated_inside_the_table_is_skipped_and_the_rows_after_it_are_read(admin, tmp_path):
    path = write_text(tmp_path, "pages.csv", "Name,Company,Email\n"
                                             "Ann Lee,Acme,ann@example.com\n"
                                             "\n"
                                             "Name,Company,Email\n"
                                             "Bob Ray,Beta,bob@example.com\n")
    result = import_file(admin, path)
    assert (result.created, result.other_table_rows) == (2, 1)
    assert names(admin) == {"Ann Lee", "Bob Ray"}
    assert any(i["what"] == "repeated header rows" for i in result.inferences)


def test_rows_after_a_blank_row_that_are_data_are_still_read(admin, tmp_path):
    path = write_text(tmp_path, "gap.csv", "Name,Company,City\n"
                                           "Ann Lee,Acme,London\n"
                                           "\n"
                                           "Bob Ray,Beta,Paris\n")
    result = import_file(admin, path)
    assert (result.created, result.other_table_rows) == (2, 0)


# ----- 3. group headings and totals inside the table --------------------------------------

@pytest.mark.parametrize("header, labels", [
    (("Name", "Company", "Email"), ["Total: 1 customer", "Region North"]),
    (("Name", "Firma", "E-Mail"), ["Summe: 1", "Gruppe: Süd"]),
    (("Имя", "Компания", "Email"), ["Итого: 1", "Регион Север"]),
    (("姓名", "公司", "邮箱"), ["合计", "区域：华北"]),
])
def test_group_headings_and_totals_alone_inside_the_table_are_skipped_and_counted(admin, tmp_path, header, labels):
    rows = [header, ("Ann Lee", "Acme", "ann@example.com"), (labels[0], None, None), (labels[1], None, None),
            ("Bob Ray", "Beta", "bob@example.com"), ("Cara Diaz", None, None)]
    path = write_book(tmp_path, "groups.xlsx", rows)
    dry = import_file(admin, path, dry_run=True)
    assert (dry.created, dry.footer_rows) == (3, 2)
    (said,) = [i for i in dry.inferences if i["what"] == "group and total rows"]
    assert "3, 4" in said["decided"] and labels[1] in said["evidence"]
    import_file(admin, path)
    assert names(admin) == {"Ann Lee", "Bob Ray", "Cara Diaz"}       # a name alone stays a customer


def test_a_name_alone_in_the_middle_of_the_table_stays_a_customer(admin, tmp_path):
    path = write_text(tmp_path, "list.csv", "Name,Email,City\n"
                                            "Acme Ltd,john@acme.com,London\n"
                                            "Sum Wing Kei,,\n"
                                            "Total Systems Ltd,,\n"
                                            "Beta GmbH,anna@beta.de,Köln\n")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (4, 0)


def test_the_same_total_at_the_end_of_the_table_is_still_a_footer(admin, tmp_path):
    path = write_book(tmp_path, "end.xlsx", [("Name", "Company", "Email"), ("Ann Lee", "Acme", "ann@example.com"),
                                             (None, None, None), ("Total: 1 customer", None, None)])
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (1, 1)
    assert any(i["what"] == "footer" for i in result.inferences)
    assert not any(i["what"] == "group and total rows" for i in result.inferences)


@pytest.mark.parametrize("word", ["Subtotal", "小计", "Summe", "Итого"])
def test_subtotal_rows_repeating_a_groups_sum_are_not_stored_as_orders(admin, tmp_path, word):
    import datetime as dt

    d = dt.datetime
    rows = [("Customer", "Order Date", "Product", "Amount"),
            ("Ann Lee", d(2024, 3, 5), "Widget", 100), ("Ann Lee", d(2024, 3, 6), "Gadget", 200.5),
            ("Ann Lee", d(2024, 3, 6), word, 300.5),
            ("Bob Ray", d(2024, 3, 7), "Widget", 50), ("Bob Ray", d(2024, 3, 7), word, 50),
            (None, None, None, None), ("Grand Total", None, None, 350.5)]
    path = write_book(tmp_path, "orders.xlsx", rows)
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.footer_rows) == (3, 3)
    got = stored(admin, "order")
    assert sorted(o["amount"] for o in got) == [Decimal("50"), Decimal("100"), Decimal("200.5")]
    assert {o["product"] for o in got} == {"Widget", "Gadget"}
    (said,) = [i for i in result.inferences if i["what"] == "subtotal rows"]
    assert "4, 6" in said["decided"]


def test_a_product_named_total_whose_amount_is_no_sum_is_an_order(admin, tmp_path):
    path = write_text(tmp_path, "orders.csv", "Customer,Order Date,Product,Amount\n"
                                              "Ann Lee,2024-03-05,Widget,100\n"
                                              "Ann Lee,2024-03-06,Total,45\n")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.footer_rows) == (2, 0)


# ----- 4. a transposed table --------------------------------------------------------------

@pytest.mark.parametrize("fields", [("Name", "Company", "Email"), ("Name", "Firma", "E-Mail"),
                                    ("姓名", "公司", "邮箱")])
def test_a_transposed_table_stops_and_says_so(admin, tmp_path, fields):
    values = [("Ann Lee", "Bob Ray", "Cy Moe"), ("Acme", "Beta", "Gamma"),
              ("ann@example.com", "bob@example.com", "cy@example.com")]
    path = write_book(tmp_path, "turned.xlsx", [(f, *v) for f, v in zip(fields, values)])
    message = refused(admin, path, dry_run=True)
    assert "transposed" in message and "column A" in message and fields[1] in message
    assert "Nothing was imported" in message
    assert refused(admin, path) and stored(admin) == []


# ----- 5. a summary sheet in front of the data ---------------------------------------------

def test_a_summary_sheet_first_points_to_the_sheet_with_the_columns_and_that_sheet_imports(admin, tmp_path):
    path = write_book(tmp_path, "book.xlsx", [], sheets={
        "Summary": [("Region", "Customers", "Revenue"), ("North", 2, 1200), ("South", 1, 300)],
        "Kunden": [("Name", "Firma", "E-Mail"), ("Ann Lee", "Acme", "ann@example.com"),
                   ("Bob Ray", "Beta", "bob@example.com")]})
    message = refused(admin, path)
    assert "--sheet Kunden" in message and "--map" not in message
    assert stored(admin) == []
    assert import_file(admin, path, sheet="Kunden").created == 2
    assert {c["name"]: c["company"] for c in stored(admin)} == {"Ann Lee": "Acme", "Bob Ray": "Beta"}


def test_with_no_other_sheet_holding_the_columns_the_refusal_still_offers_a_map(admin, tmp_path):
    path = write_book(tmp_path, "book.xlsx", [], sheets={
        "Summary": [("Region", "Customers", "Revenue"), ("North", 2, 1200)],
        "Notes": [("Topic", "Text"), ("Q3", "fine")]})
    assert "--map" in refused(admin, path)


# ----- 6. hidden rows and columns ----------------------------------------------------------

def test_hidden_rows_and_columns_are_imported_and_named_in_the_summary(admin, tmp_path):
    path = write_book(tmp_path, "hidden.xlsx", [("Name", "Company", "Email", "Internal ID"),
                                                ("Ann Lee", "Acme", "ann@example.com", "X1"),
                                                ("Old Test", "Test Co", "test@example.com", "X2"),
                                                ("Bob Ray", "Beta", "bob@example.com", "X3")])
    wb = openpyxl.load_workbook(path)
    wb.active.row_dimensions[3].hidden = True
    wb.active.column_dimensions["D"].hidden = True
    wb.save(path)
    result = import_file(admin, path)
    assert result.created == 3
    (rows,) = [i for i in result.inferences if i["what"] == "hidden rows"]
    assert rows["decided"].endswith(": 3") and "1 row(s)" in rows["decided"]
    (cols,) = [i for i in result.inferences if i["what"] == "hidden columns"]
    assert "'Internal ID' (D)" in cols["decided"] and '--map "Internal ID=-"' in cols["evidence"]


def test_a_sheet_hiding_nothing_says_nothing_of_hidden_rows(admin, tmp_path):
    path = write_book(tmp_path, "plain.xlsx", [("Name", "Email"), ("Ann Lee", "ann@example.com")])
    result = import_file(admin, path)
    assert not any(i["what"].startswith("hidden") for i in result.inferences)


@pytest.mark.parametrize("suffix", ["Total", "Ergebnis", "汇总"])
def test_excels_own_subtotal_rows_naming_the_group_are_not_stored_as_orders(admin, tmp_path, suffix):
    import datetime as dt

    d = dt.datetime
    rows = [("Order No", "Order Date", "Customer", "Amount"),
            ("A1", d(2024, 3, 5), "Ann Lee", 100), ("A2", d(2024, 3, 6), "Ann Lee", 200),
            (None, None, f"Ann Lee {suffix}", 300),
            ("A3", d(2024, 3, 7), "Bob Ray", 50), (None, None, f"Bob Ray {suffix}", 50)]
    path = write_book(tmp_path, "subtotals.xlsx", rows)
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.footer_rows) == (3, 0, 2)
    assert sorted(o["amount"] for o in stored(admin, "order")) == [Decimal("50"), Decimal("100"), Decimal("200")]


@pytest.mark.parametrize("last", ['"Count Dracula",,', "Total Wine & More,,", "Summa Linguae,,"])
def test_a_name_that_starts_with_a_footer_word_in_the_last_row_stays_a_customer(admin, tmp_path, last):
    path = write_text(tmp_path, "list.csv", "Name,Company,Email\n"
                                            "Ann Lee,Acme,ann@example.com\n"
                                            "Bob Ray,Beta,bob@example.com\n" + last + "\n")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (3, 0)
    assert last.split(",")[0].strip('"') in names(admin)


@pytest.mark.parametrize("visibility", ["collapse", "filter"])
def test_rows_and_columns_an_ods_sheet_does_not_show_are_named_in_the_summary(admin, tmp_path, visibility):
    # OpenDocument's table:visibility: "collapse" (hidden by hand), "filter" (by a filter)
    from xml.sax.saxutils import escape

    from hostile_files import ods

    def row(*values, attrs=""):
        cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
                        "</table:table-cell>" for v in values)
        return f"<table:table-row {attrs}>{cells}</table:table-row>"

    columns = ('<table:table-column table:number-columns-repeated="2"/>'
               f'<table:table-column table:visibility="{visibility}"/><table:table-column/>')
    path = ods(tmp_path / "versteckt.ods", columns + row("Name", "E-Mail", "Interne Nr", "Firma")
               + row("Anna Berg", "anna@example.de", "X1", "Acme")
               + row("Test Kunde", "test@example.de", "X2", "Test", attrs=f'table:visibility="{visibility}"')
               + row("Jörg Weiß", "joerg@example.de", "X3", "Beta"))
    result = import_file(admin, path)
    assert result.created == 3
    (rows,) = [i for i in result.inferences if i["what"] == "hidden rows"]
    assert rows["decided"].endswith(": 3") and "1 row(s)" in rows["decided"]
    (cols,) = [i for i in result.inferences if i["what"] == "hidden columns"]
    assert "'Interne Nr' (C)" in cols["decided"]


def test_rows_and_columns_an_xls_sheet_hides_are_named_in_the_summary(admin, tmp_path):
    # [MS-XLS] ROW (2.4.221) with fDyZero and COLINFO (2.4.53) with fHidden
    import struct

    from hostile_files import biff, dimensions, label, xls

    table = [("Nombre", "Correo", "Código interno", "Empresa"), ("Ana Ruiz", "ana@example.es", "X1", "Acme"),
             ("Prueba", "prueba@example.es", "X2", "Test"), ("Íñigo Díaz", "inigo@example.es", "X3", "Beta")]
    hidden_row = biff(0x0208, struct.pack("<HHHHHHHH", 2, 0, 4, 255, 0, 0, 0x0120, 0x0F))   # row 3
    hidden_col = biff(0x007D, struct.pack("<HHHHHH", 2, 2, 2340, 0x0F, 0x0001, 0))            # column C
    cells = b"".join(label(r, c, v) for r, row in enumerate(table) for c, v in enumerate(row))
    path = xls(tmp_path / "oculto.xls", [("Clientes", dimensions(0, 4, 0, 4) + hidden_col + hidden_row + cells)])
    result = import_file(admin, path)
    assert result.created == 3
    (rows,) = [i for i in result.inferences if i["what"] == "hidden rows"]
    assert rows["decided"].endswith(": 3")
    (cols,) = [i for i in result.inferences if i["what"] == "hidden columns"]
    assert "'Código interno' (C)" in cols["decided"]
