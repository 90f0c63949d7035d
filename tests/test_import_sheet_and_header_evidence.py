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
