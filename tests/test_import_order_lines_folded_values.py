"""Order lines folded into one order (try24f A5): when an order's rows are its lines and
the file gives the order's total, the order is stored once with its lines' products. The
values of the columns kept in Notes were the first line's only: the second line's price,
SKU and discount were gone, and an invoice line's description (Xero's "*Description",
QuickBooks' "Product/Service") was not even taken as the product. Now each further line's
own values are kept in the order's Notes ("Line 2: Lineitem price: 55.00, …"), and an
invoice line's description is the product where no column names the product."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_table


def _orders(session) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(session, "order")}


SHOPS = {
    "shopify": (["Name", "Email", "Financial Status", "Currency", "Total", "Created at", "Lineitem quantity",
                 "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem discount", "Billing Name"],
                [["#1001", "ann@x.com", "paid", "USD", "100.00", "2024-03-05", "2", "Mug", "20.00", "MUG-01",
                  "0.00", "Ann Lee"],
                 ["#1001", "ann@x.com", "", "", "", "2024-03-05", "1", "Teapot", "55.00", "TEA-07", "5.00", ""]],
                ["Lineitem price: 55.00", "Lineitem sku: TEA-07", "Lineitem discount: 5.00"], {}),
    "german shop": (["Bestellnummer", "Kunde", "Datum", "Gesamtbetrag", "Artikel", "Menge", "Einzelpreis",
                     "Artikelnummer"],
                    [["B-77", "Otto Weber", "2024-03-05", "80.00", "Tasse", "2", "10.00", "T-1"],
                     ["B-77", "Otto Weber", "2024-03-05", "80.00", "Kanne", "1", "60.00", "K-9"],
                     ["B-78", "Anna Müller", "2024-03-06", "25.00", "Teller", "1", "15.00", "P-2"],
                     ["B-78", "Anna Müller", "2024-03-06", "25.00", "Löffel", "1", "10.00", "L-3"]],
                    ["Einzelpreis: 60.00", "Artikelnummer: K-9"], {"amount_per": "order"}),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("shop", sorted(SHOPS))
def test_a_folded_orders_second_line_keeps_its_own_price_and_sku_in_the_orders_notes(admin, tmp_path, shop, fmt):
    headers, rows, kept, options = SHOPS[shop]
    import_file(admin, write_table(tmp_path, fmt, [headers, *rows], "lines"), kind="orders", **options)
    order = _orders(admin)[rows[0][0]]
    assert order["quantity"] == 3
    notes = order["notes"] or ""
    line2 = next((line for line in notes.splitlines() if line.startswith("Line 2: ")), "")
    for value in kept:
        assert value in line2, (value, notes)


def test_a_further_line_with_nothing_of_its_own_adds_no_line_to_the_notes(admin, tmp_path):
    rows = [["Order No", "Customer", "Date", "Total", "Product", "Qty", "Colour"],
            ["A-1", "Ann Lee", "2024-03-05", "30.00", "Pen", "1", "blue"],
            ["A-1", "Ann Lee", "2024-03-05", "30.00", "Ink", "2", "blue"],
            ["A-1", "Ann Lee", "2024-03-05", "30.00", "Pad", "1", "red"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "plain"), kind="orders")
    notes = _orders(admin)["A-1"]["notes"] or ""
    assert "Line 2" not in notes
    assert "Line 3: Colour: red" in notes


INVOICES = {
    "xero": ["*ContactName", "*InvoiceNumber", "*InvoiceDate", "Total", "*Description", "*Quantity", "LineAmount",
             "Currency"],
    "quickbooks": ["Customer", "Invoice No", "Invoice Date", "Total", "Product/Service", "Qty", "Line Amount",
                   "Currency"],
    "item description": ["Customer", "Invoice No", "Invoice Date", "Total", "Item Description", "Qty", "Line Amount",
                         "Currency"],
}


@pytest.mark.parametrize("system", sorted(INVOICES))
def test_an_invoice_lines_description_is_the_product_and_every_lines_amount_is_kept(admin, tmp_path, system):
    rows = [INVOICES[system],
            ["Ann Lee", "INV-0001", "2024-03-05", "165.00", "Widget", "2", "100.00", "AUD"],
            ["Ann Lee", "INV-0001", "2024-03-05", "165.00", "Gadget", "1", "50.00", "AUD"],
            ["Bob Roe", "INV-0002", "2024-03-13", "220.00", "Service", "4", "200.00", "AUD"]]
    import_file(admin, write_table(tmp_path, "csv", rows, system), kind="orders")
    orders = _orders(admin)
    assert orders["INV-0001"]["product"] == "Widget; Gadget"
    assert orders["INV-0002"]["product"] == "Service"
    assert "Line 2: " in (orders["INV-0001"]["notes"] or "") and "50.00" in orders["INV-0001"]["notes"]


def test_a_description_is_the_product_only_where_no_column_names_the_product(admin, tmp_path):
    rows = [["Invoice No", "Customer", "Date", "Total", "Description"],
            ["A-1", "Ann Lee", "2024-03-05", "30.00", "Consulting"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "alone"), kind="orders")
    assert _orders(admin)["A-1"]["product"] == "Consulting"
    rows = [["Order No", "Customer", "Date", "Total", "Product", "Description"],
            ["A-2", "Ann Lee", "2024-03-05", "30.00", "Pen", "gift for Bob"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "beside"), kind="orders")
    order = _orders(admin)["A-2"]
    assert order["product"] == "Pen"
    assert "Description: gift for Bob" in (order["notes"] or "")
