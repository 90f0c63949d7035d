"""Issue 14, "never silently wrong" for the sheet, the header row and the field of a
column: which sheet of a workbook holds the records, whether the file has a header row
at all, a report that writes each customer's name on a heading row above its lines, and
the headings business programs (Xero, SAP, HubSpot, Zoho, Odoo, QuickBooks, Salesforce)
give the customer's name and the amount. Small files of our own, written here."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def orders(session) -> list[dict]:
    return records.list_records(session, "order")


def accounted(result) -> bool:
    return result.rows == result.created + result.updated + result.duplicates + result.rejected


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


# ----- the headings of business programs' exports -------------------------------------------

@pytest.mark.parametrize("name, text, who, amounts", [
    ("xero_invoices.csv", "Invoice Number,Contact,Invoice Date,Total,Currency\n"
                          "INV-001,Alpha Ltd,05/03/2024,1234.50,GBP\nINV-002,Beta Ltd,13/03/2024,99.90,GBP\n",
     {"Alpha Ltd", "Beta Ltd"}, {Decimal("1234.50"), Decimal("99.90")}),
    ("sap_va05.csv", "Sales Document,Sold-To Party,Document Date,Order Quantity,Net Value,Currency\n"
                     "4500000001,Acme Inc,2024-03-15,1,\"1,234.50\",USD\n"
                     "4500000002,Beta LLC,2024-03-16,10,\"12,000.00\",USD\n",
     {"Acme Inc", "Beta LLC"}, {Decimal("1234.50"), Decimal("12000.00")}),
    ("odoo_invoices.csv", "Number,Partner,Invoice Date,Amount Total,Currency\n"
                          "INV/2024/0001,Azure Interior,2024-03-05,1799.00,EUR\n"
                          "INV/2024/0002,Deco Addict,2024-03-06,960.00,EUR\n",
     {"Azure Interior", "Deco Addict"}, {Decimal("1799.00"), Decimal("960.00")}),
    ("salesforce_orders.csv", "Order Number,Account Name,Order Start Date,Total Amount,Currency\n"
                              "00000100,Globex Corp,2024-03-05,500.00,USD\n"
                              "00000101,Initech,2024-03-06,750.00,USD\n",
     {"Globex Corp", "Initech"}, {Decimal("500.00"), Decimal("750.00")}),
])
def test_business_programs_name_the_customer_and_amount_of_an_order_in_their_own_words(
        admin, tmp_path, name, text, who, amounts):
    result = import_file(admin, write(tmp_path, name, text), kind="orders")
    assert result.created == 2 and result.rejected == 0 and accounted(result)
    assert set(customers(admin)) == who
    assert {Decimal(str(o["amount"])) for o in orders(admin)} == amounts


def test_a_hubspot_contacts_export_gives_the_associated_company_as_the_company(admin, tmp_path):
    path = write(tmp_path, "hubspot_contacts.csv",
                 "First Name,Last Name,Email,Associated Company\n"
                 "Ann,Lee,ann@acme.example,Acme Inc\nBen,Roe,ben@beta.example,Beta LLC\n")
    result = import_file(admin, path)
    assert result.created == 2 and accounted(result)
    assert customers(admin)["Ann Lee"]["company"] == "Acme Inc"


def test_a_quickbooks_customer_list_names_customers_by_their_full_name(admin, tmp_path):
    path = write(tmp_path, "qb_customers.csv", "Customer full name,Email,Phone\n"
                                               "Amy's Bird Sanctuary,amy@birds.example,+1 650 555 0101\n")
    result = import_file(admin, path)
    assert result.created == 1
    assert customers(admin)["Amy's Bird Sanctuary"]["email"] == "amy@birds.example"


# ----- which sheet holds the records ---------------------------------------------------------

def workbook(path, sheets: list[tuple[str, list[list]]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


REPS = ["Name", "Customers", "Sales"], ["Alice Moore", 2, 1500], ["Bob Stone", 1, 700]


@pytest.mark.parametrize("sheet, header, rows", [
    ("Customers", ["Name", "Company", "Email", "Phone"],
     [["Ann Lee", "Acme", "ann@acme.example", "+1 212 555 0187"], ["Ben Roe", "Beta", "ben@beta.example", ""]]),
    ("Kundenliste", ["Name", "Firma", "E-Mail", "Telefon"],
     [["Ann Lee", "Acme", "ann@acme.example", "+49 30 1234567"], ["Ben Roe", "Beta", "ben@beta.example", ""]]),
    ("客户", ["姓名", "公司", "邮箱", "手机"],
     [["Ann Lee", "Acme", "ann@acme.example", "+86 139 1234 5678"], ["Ben Roe", "Beta", "ben@beta.example", ""]]),
])
def test_a_summary_sheet_before_the_sheet_named_for_customers_stops_naming_both_and_the_option(
        admin, tmp_path, sheet, header, rows):
    path = workbook(tmp_path / "book.xlsx", [("Summary", list(REPS)), (sheet, [header, *rows])])
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as caught:
            import_file(admin, path, dry_run=dry_run)
        message = str(caught.value)
        assert "'Summary'" in message and f"'{sheet}'" in message and f"--sheet {sheet}" in message
        assert "Nothing was imported" in message and "\n" not in message
    assert customers(admin) == {}
    result = import_file(admin, path, sheet=sheet)
    assert result.created == 2 and set(customers(admin)) == {"Ann Lee", "Ben Roe"}
    assert customers(admin)["Ann Lee"]["email"] == "ann@acme.example"
    (said,) = [i for i in result.inferences if i["what"] == "sheet"]
    assert said["decided"] == sheet and "'Summary'" in said["evidence"]


def test_an_orders_sheet_after_an_overview_stops_an_orders_import_with_the_sheet_named(admin, tmp_path):
    path = workbook(tmp_path / "verkauf.xlsx", [
        ("Übersicht", [["Customer", "Date", "Total"], ["Acme Inc", "2024-03-31", 300]]),
        ("Bestellungen", [["Order Number", "Customer", "Order Date", "Amount", "Currency"],
                          ["A-1", "Acme Inc", "2024-03-05", 100, "EUR"], ["A-2", "Acme Inc", "2024-03-06", 200, "EUR"]])])
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path, kind="orders")
    assert "--sheet Bestellungen" in str(caught.value) and "'Übersicht'" in str(caught.value)
    assert orders(admin) == [] and customers(admin) == {}
    result = import_file(admin, path, kind="orders", sheet="Bestellungen")
    assert result.created == 2 and {o["order_number"] for o in orders(admin)} == {"A-1", "A-2"}


def test_a_sheet_named_for_customers_with_fewer_of_their_fields_leaves_the_first_sheet_read_and_says_so(
        admin, tmp_path):
    path = workbook(tmp_path / "book.xlsx", [
        ("Contacts 2024", [["Name", "Company", "Email"], ["Ann Lee", "Acme", "ann@acme.example"]]),
        ("Customers by region", [["Region", "Customers"], ["North", 4], ["South", 2]])])
    dry = import_file(admin, path, dry_run=True)
    assert [i["decided"] for i in dry.inferences if i["what"] == "sheet"] == ["Contacts 2024"]
    result = import_file(admin, path)
    assert result.created == 1 and set(customers(admin)) == {"Ann Lee"}
    (said,) = [i for i in result.inferences if i["what"] == "sheet"]
    assert said["decided"] == "Contacts 2024"
    assert "'Customers by region'" in said["evidence"] and "no more of their fields" in said["evidence"]


def test_the_first_sheet_named_for_customers_is_read_whatever_the_other_sheets_hold(admin, tmp_path):
    path = workbook(tmp_path / "book.xlsx", [
        ("Clients", [["Name", "Email"], ["Ann Lee", "ann@acme.example"]]),
        ("Customers old", [["Name", "Company", "Email", "Phone"], ["Old Timer", "Olde", "old@x.example", ""]])])
    result = import_file(admin, path)
    assert set(customers(admin)) == {"Ann Lee"} and result.unread_sheets == ["Customers old"]


# ----- a file without a header row -------------------------------------------------------------

NO_HEADER = ("Ann Lee,Acme Inc,ann@acme.example,+1 212 555 0187\n"
             "Ben Roe,Beta LLC,ben@beta.example,+1 213 555 0123\n"
             "Cy Dunn,Gamma Co,cy@gamma.example,+1 312 555 0145\n")


def test_a_first_row_of_emails_and_phones_is_no_header_the_import_stops_and_offers_no_header(admin, tmp_path):
    path = write(tmp_path, "no_header.csv", NO_HEADER)
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as caught:
            import_file(admin, path, dry_run=dry_run)
        message = str(caught.value)
        assert "no header row" in message and "--no-header" in message and "Nothing was imported" in message
        assert '--map "A=Name"' in message and '--map "C=Email"' in message and '--map "D=Phone"' in message
        assert "Ann Lee=" not in message and "ann@acme.example=" not in message
    assert customers(admin) == {}
    result = import_file(admin, path, no_header=True, mapping=["A=Name", "B=Company", "C=Email", "D=Phone"])
    assert (result.rows, result.created, result.rejected) == (3, 3, 0) and accounted(result)
    got = customers(admin)
    assert set(got) == {"Ann Lee", "Ben Roe", "Cy Dunn"}
    assert (got["Ann Lee"]["company"], got["Ann Lee"]["email"], got["Ann Lee"]["phone"]) == (
        "Acme Inc", "ann@acme.example", "+12125550187")
    assert not got["Ben Roe"]["notes"]
    (header,) = [i for i in result.inferences if i["what"] == "header row"]
    assert header["decided"] == "none (--no-header)"


def test_a_workbook_sheet_without_a_header_row_is_read_with_no_header(admin, tmp_path):
    import datetime as dt

    path = workbook(tmp_path / "liste.xlsx", [("Tabelle1", [
        ["Zhang Wei", "zhang@example.cn", dt.datetime(2024, 3, 5), 1200.5],
        ["Li Na", "li@example.cn", dt.datetime(2024, 3, 6), 99.9]])])
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path)
    assert "no header row" in str(caught.value) and '--map "A=Name"' not in str(caught.value).split("e.g.")[0]
    assert '--no-header --map "A=Name" --map "B=Email"' in str(caught.value)
    result = import_file(admin, path, no_header=True, mapping=["A=Name", "B=Email"])
    assert result.created == 2 and customers(admin)["Zhang Wei"]["email"] == "zhang@example.cn"


def test_an_orders_file_without_a_date_column_is_not_told_to_map_a_name_to_the_date(admin, tmp_path):
    path = write(tmp_path, "orders.csv", "Order Number,Customer,Month,Amount\nA-1,Acme Inc,March,100.00\n"
                                         "A-2,Beta LLC,April,200.00\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path, kind="orders")
    message = str(caught.value)
    assert "no column found for Order Date" in message and "No column's values look like dates" in message
    assert '"Month=Order Date"' not in message and '"Customer=Order Date"' not in message


def test_a_bank_statement_without_header_stops_on_its_dates_and_amounts(admin, tmp_path):
    path = write(tmp_path, "konto.csv", "05.03.2024;Kartenzahlung Rewe;-45,20;1.254,80\n"
                                        "06.03.2024;Gutschrift Müller;250,00;1.504,80\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path)
    message = str(caught.value)
    assert "no header row" in message and "'05.03.2024' is a date" in message and "--no-header" in message
    assert customers(admin) == {}


def test_a_header_naming_its_columns_by_dates_beside_a_known_word_is_still_a_header(admin, tmp_path):
    path = write(tmp_path, "pivot.csv", "Name,2024-01-31,2024-02-29\nAnn Lee,100.00,200.00\n")
    result = import_file(admin, path)
    assert result.header_row == 1 and set(customers(admin)) == {"Ann Lee"}


def test_no_header_from_the_command_line_names_the_columns_by_letter(tmp_path, run):
    path = write(tmp_path, "kunden.csv", NO_HEADER.replace(",", ";"))
    code, out, err = run("import", "file", str(path), "--no-header", "--map", "A=Name", "--map", "C=Email")
    assert code == 0, err
    code, out, err = run("--format", "json", "customer", "list")
    assert '"ann@acme.example"' in out and '"Cy Dunn"' in out


# ----- a --map suggestion names a column whose values fit the field -----------------------------

def test_a_bank_statement_gets_no_suggestion_to_map_its_dates_to_the_name(admin, tmp_path):
    path = write(tmp_path, "bank.csv", "Date,Description,Debit,Credit,Balance\n"
                                       "05/03/2024,CARD PAYMENT TO TESCO STORES 2231,45.20,,1254.80\n"
                                       "06/03/2024,FASTER PAYMENT FROM JOHN SMITH REF INV1001,,250.00,1504.80\n"
                                       "07/03/2024,DIRECT DEBIT BRITISH GAS,80.00,,1424.80\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path)
    message = str(caught.value)
    assert "no column found for Name" in message and "No column's values look like names" in message
    assert not any(f'"{h}=Name"' in message for h in ("Date", "Description", "Debit", "Credit", "Balance"))


def test_a_help_desk_export_is_told_to_map_the_requester_not_the_id(admin, tmp_path):
    path = write(tmp_path, "tickets.csv", "Id,Requester,Requester email,Subject,Status\n"
                                          "101,Anna Berg,anna@example.com,Printer broken,Open\n"
                                          "102,Bruno Costa,bruno@example.com,Login fails,Pending\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path)
    message = str(caught.value)
    assert '--map "Requester=Name"' in message and '"Id=Name"' not in message


def test_a_first_row_of_names_alone_offers_both_readings(admin, tmp_path):
    path = write(tmp_path, "namen.csv", "Ann Lee,Acme Inc,New York\nBen Roe,Beta LLC,Boston\nCy Dunn,Gamma Co,Chicago\n")
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path)
    message = str(caught.value)
    assert '--no-header --map "A=Name"' in message and "is not a heading but the first record" in message


# ----- a report grouped by customer: the name on a heading row above its lines ----------------

QB_DETAIL = ("Craig's Landscaping\nSales by Customer Detail\n\"January - March, 2024\"\n\n"
             ",Date,Transaction Type,Num,Product/Service,Qty,Sales Price,Amount,Balance\n"
             "Dana's Bakery\n"
             ",01/15/2024,Invoice,1001,Design,3,75.00,225.00,225.00\n"
             ",02/03/2024,Invoice,1005,Gardening,4,25.00,100.00,325.00\n"
             "Total for Dana's Bakery,,,,,,,$325.00,\n"
             "Evan's Surf Shop\n"
             ",03/12/2024,Sales Receipt,1010,Rocks,10,9.50,95.00,95.00\n"
             "Total for Evan's Surf Shop,,,,,,,$95.00,\n"
             "TOTAL,,,,,,,$420.00,\n\n"
             "\"Accrual Basis Tuesday, April 2, 2024 10:22 AM GMT-07:00\"\n")


def test_a_sales_by_customer_report_carries_each_heading_name_down_to_its_lines(admin, tmp_path):
    path = write(tmp_path, "qb.csv", QB_DETAIL)
    result = import_file(admin, path, kind="orders", currency="USD")
    assert (result.rows, result.created, result.rejected) == (3, 3, 0) and accounted(result)
    assert set(customers(admin)) == {"Dana's Bakery", "Evan's Surf Shop"}
    by_number = {o["order_number"]: o for o in orders(admin)}
    assert set(by_number) == {"1001", "1005", "1010"}
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    assert names[by_number["1010"]["customer_id"]] == "Evan's Surf Shop"
    assert names[by_number["1005"]["customer_id"]] == "Dana's Bakery"
    assert Decimal(str(by_number["1001"]["amount"])) == Decimal("225.00")
    (said,) = [i for i in result.inferences if i["what"] == "group headings"]
    assert "2 heading row(s)" in said["decided"] and "Customer Name" in said["decided"]
    assert "Dana's Bakery" in said["evidence"]


def test_a_german_report_grouped_by_customer_with_sums_for_each_is_read_the_same_way(admin, tmp_path):
    path = write(tmp_path, "umsatz.csv",
                 ";Datum;Belegnr.;Artikel;Betrag\n"
                 "Müller GmbH\n;05.03.2024;R-1;Beratung;1.200,00\n;06.03.2024;R-2;Wartung;300,00\n"
                 "Summe für Müller GmbH;;;;1.500,00\n"
                 "Schmidt AG\n;07.03.2024;R-3;Beratung;450,00\n"
                 "Summe für Schmidt AG;;;;450,00\n")
    result = import_file(admin, path, kind="orders", currency="EUR", mapping=["Belegnr.=Order Number"])
    assert (result.rows, result.created, result.rejected) == (3, 3, 0) and accounted(result)
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    got = {o["order_number"]: (names[o["customer_id"]], Decimal(str(o["amount"]))) for o in orders(admin)}
    assert got == {"R-1": ("Müller GmbH", Decimal("1200.00")), "R-2": ("Müller GmbH", Decimal("300.00")),
                   "R-3": ("Schmidt AG", Decimal("450.00"))}


def test_mapping_the_heading_column_to_another_field_stops_and_explains_the_layout(admin, tmp_path):
    path = write(tmp_path, "qb.csv", QB_DETAIL)
    with pytest.raises(ImportRefused) as caught:
        import_file(admin, path, kind="orders", currency="USD", mapping=["Column A=Notes"])
    message = str(caught.value)
    assert "grouped by customer" in message and "'Dana's Bakery'" in message and "Nothing was imported" in message
    assert orders(admin) == [] and customers(admin) == {}


def test_a_first_column_without_a_heading_filled_on_every_row_is_no_group_heading(admin, tmp_path):
    path = write(tmp_path, "numbered.csv", ",Name,Email\n1,Ann Lee,ann@acme.example\n2,Ben Roe,ben@beta.example\n")
    result = import_file(admin, path)
    assert result.created == 2 and set(customers(admin)) == {"Ann Lee", "Ben Roe"}
    assert not [i for i in result.inferences if i["what"] == "group headings"]


def test_the_import_sheets_options_cell_takes_no_header_and_a_stop_points_to_it():
    from cims_xl.excel.import_options import parse_options, with_sheet_hint

    assert parse_options('--no-header --map "A=Name"') == {"sheet": None, "mapping": ["A=Name"], "values": None,
                                                          "no_header": True}
    said = with_sheet_hint('f.csv: the file has no header row. Nothing was imported. Import it with --no-header: '
                           'e.g. --no-header --map "A=Name".')
    assert said.endswith("put the option in the Options cell (e.g. --no-header), and press Import spreadsheet "
                         "again.")


def test_a_line_of_text_above_a_table_with_its_own_name_column_is_not_carried_down(admin, tmp_path):
    path = write(tmp_path, "export.csv", ",Name,Email\nImported from the old address book\n"
                                         ",Ann Lee,ann@acme.example\n,Ben Roe,ben@beta.example\n")
    result = import_file(admin, path)
    assert set(customers(admin)) == {"Ann Lee", "Ben Roe"}
    assert not [i for i in result.inferences if i["what"] == "group headings"]
