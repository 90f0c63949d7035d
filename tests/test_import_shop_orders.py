"""Order files as web shops and marketplaces export them (issue 14): every value stored
right, or the import stops before writing and names the column, examples and the option.

Each test writes its own small file in the shape of one shop's export (WooCommerce,
Shopify, Etsy, eBay, Amazon, Magento, BigCommerce, PrestaShop, JD/Pinduoduo/Youzan),
imports it into a real encrypted store and checks the stored records.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
import table_files
from table_files import write_csv


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    return table_files.write_xlsx(path, rows, title="Orders")


def orders(session) -> list[dict]:
    return sorted(records.list_records(session, "order"), key=lambda o: (o["order_number"] or "", o["line_no"]))


def customers(session) -> dict[str, dict]:
    return {c["id"]: c for c in records.list_records(session, "customer")}


def stored(session) -> list[tuple]:
    """(order number, customer name, amount, currency, status, date, line) of every order."""
    people = customers(session)
    return [(o["order_number"], people[o["customer_id"]]["name"], o["amount"], o["currency"], o["status"],
             o["order_date"], o["line_no"]) for o in orders(session)]


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


def nothing_written(session) -> bool:
    return records.list_records(session, "order") == [] and records.list_records(session, "customer") == []


# ----- WooCommerce ----------------------------------------------------------------------------

WOO = [
    ["Order Number", "Order Date", "Order Status", "Order Total", "Order Currency", "Billing First Name",
     "Billing Last Name", "Billing Company", "Billing Email", "Billing Phone", "Billing Country",
     "Shipping First Name", "Shipping Last Name", "Shipping Company", "Shipping Country"],
    ["1001", "2024-03-05 10:12:00", "wc-completed", "120.50", "EUR", "Anna", "Schmidt", "Schmidt GmbH",
     "anna@example.de", "030 1234567", "DE", "Peter", "Meier", "Meier AG", "AT"],
    ["1002", "2024-03-06 11:00:00", "Processing", "35.00", "EUR", "Jean", "Dupont", "",
     "jean@example.fr", "01 23 45 67 89", "FR", "Jean", "Dupont", "", "BE"],
    ["1003", "2024-03-07 09:30:00", "wc-refunded", "12.00", "GBP", "Ann", "Lee", "",
     "ann@example.co.uk", "020 7946 0958", "GB", "", "", "", ""],
]


def test_a_woocommerce_order_export_imports_as_orders_under_the_billing_customer(admin, tmp_path):
    path = write_csv(tmp_path / "woo.csv", WOO)
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 3)
    assert stored(admin) == [
        ("1001", "Anna Schmidt", Decimal("120.5"), "EUR", "Completed", dt.date(2024, 3, 5), 1),
        ("1002", "Jean Dupont", Decimal("35"), "EUR", "Open", dt.date(2024, 3, 6), 1),
        ("1003", "Ann Lee", Decimal("12"), "GBP", "Returned", dt.date(2024, 3, 7), 1),
    ]
    people = {c["name"]: c for c in customers(admin).values()}
    assert set(people) == {"Anna Schmidt", "Jean Dupont", "Ann Lee"}      # never the shipping names
    anna = people["Anna Schmidt"]
    # billing company, email, phone in the billing country; the shipping ones are not hers
    assert (anna["company"], anna["email"], anna["phone"], anna["country"]) == (
        "Schmidt GmbH", "anna@example.de", "+49301234567", "DE")
    assert (people["Jean Dupont"]["phone"], people["Jean Dupont"]["country"]) == ("+33123456789", "FR")
    assert people["Ann Lee"]["phone"] == "+442079460958"
    assert "Shipping First Name: Peter" in orders(admin)[0]["notes"]
    again = import_file(admin, path, kind="orders")
    assert (again.created, again.duplicates, again.customers_created, again.customers_linked) == (0, 3, 0, 3)


def test_a_woocommerce_export_without_kind_says_it_holds_orders_and_reads_the_billing_people(admin, tmp_path):
    path = write_csv(tmp_path / "woo.csv", WOO)
    with pytest.raises(ImportRefused) as stop:       # no --kind: clearly orders, it stops
        import_file(admin, path, dry_run=True)
    assert "look like orders" in stop.value.message and "--kind orders" in stop.value.message
    assert nothing_written(admin)
    result = import_file(admin, path, kind="customers")          # as asked: the billing people
    assert (result.created, result.rejected) == (3, 0)
    people = {c["name"]: c for c in customers(admin).values()}
    assert set(people) == {"Anna Schmidt", "Jean Dupont", "Ann Lee"}
    assert (people["Anna Schmidt"]["company"], people["Anna Schmidt"]["country"]) == ("Schmidt GmbH", "DE")


def test_woocommerce_plugin_headings_in_a_workbook_are_read_the_same(admin, tmp_path):
    # The "Advanced Order Export" plugin writes "First Name (Billing)"; the shipping
    # columns come first here and still do not take the customer's fields.
    path = write_xlsx(tmp_path / "woo.xlsx", [
        ["Order ID", "Order Date", "Order Status", "First Name (Shipping)", "Last Name (Shipping)",
         "Country Code (Shipping)", "First Name (Billing)", "Last Name (Billing)", "Email (Billing)",
         "Phone (Billing)", "Country Code (Billing)", "Order Total Amount", "Currency"],
        [5001, dt.datetime(2024, 5, 1, 9, 0), "wc-on-hold", "Max", "Muster", "CH", "Lena", "Roth",
         "lena@example.at", "0664 1234567", "AT", 89.9, "EUR"],
        [5002, dt.datetime(2024, 5, 2, 9, 0), "Completed", "", "", "", "Li", "Wei", "li@example.cn",
         "13812345678", "CN", 15, "CNY"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("5001", "Lena Roth", Decimal("89.9"), "EUR", "Open", dt.date(2024, 5, 1), 1),
        ("5002", "Li Wei", Decimal("15"), "CNY", "Completed", dt.date(2024, 5, 2), 1),
    ]
    lena = next(c for c in customers(admin).values() if c["name"] == "Lena Roth")
    assert (lena["country"], lena["phone"]) == ("AT", "+436641234567")


@pytest.mark.parametrize("head", [
    ["Order Number", "Order Date", "Order Status", "Order Total", "Order Currency", "Shipping First Name",
     "Shipping Last Name", "Billing First Name", "Billing Last Name", "Billing Email"],
    ["order_number", "order_date", "status", "order_total", "order_currency", "shipping_first_name",
     "shipping_last_name", "billing_first_name", "billing_last_name", "billing_email"],
    ["Order ID", "Order Date", "Order Status", "Order Total Amount", "Currency", "First Name (Shipping)",
     "Last Name (Shipping)", "First Name (Billing)", "Last Name (Billing)", "Email (Billing)"],
])
def test_each_woocommerce_heading_style_stores_the_same_orders(admin, tmp_path, head):
    # Title Case (WooCommerce's list export), snake_case (its CSV export), "(Billing)" (a plugin)
    path = write_csv(tmp_path / "woo.csv", [
        head,
        ["1001", "2024-03-05 10:12:00", "wc-completed", "120.50", "EUR", "Peter", "Meier", "Anna", "Schmidt",
         "anna@example.de"],
        ["1002", "2024-03-06 11:00:00", "wc-cancelled", "35.00", "EUR", "", "", "Jean", "Dupont", ""],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("1001", "Anna Schmidt", Decimal("120.5"), "EUR", "Completed", dt.date(2024, 3, 5), 1),
        ("1002", "Jean Dupont", Decimal("35"), "EUR", "Cancelled", dt.date(2024, 3, 6), 1),
    ]
    assert {c["name"]: c["email"] for c in customers(admin).values()} == {"Anna Schmidt": "anna@example.de",
                                                                          "Jean Dupont": None}


@pytest.mark.parametrize("written, status", [
    ("wc-completed", "Completed"), ("wc-processing", "Open"), ("wc-on-hold", "Open"),
    ("wc-pending", "Open"), ("wc-cancelled", "Cancelled"), ("wc-refunded", "Returned"),
    ("Unshipped", "Paid"), ("PartiallyShipped", "Shipped"), ("Shipped - Delivered to Buyer", "Completed"),
    ("holded", "Open"), ("Awaiting Fulfillment", "Paid"), ("等待确认收货", "Shipped"), ("等待出库", "Paid"),
    ("Zahlung eingegangen", "Paid"), ("En cours de préparation", "Paid"),
])
def test_a_shops_status_words_are_stored_as_their_status(admin, tmp_path, written, status):
    path = write_csv(tmp_path / "o.csv", [["Order Number", "Order Date", "Billing Last Name", "Order Total",
                                           "Order Status"],
                                          ["W-1", "2024-03-05", "Acme", "10.00", written]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.warnings) == (1, 0)
    assert orders(admin)[0]["status"] == status


def test_a_failed_woocommerce_payment_is_not_guessed_into_a_status(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Order Number", "Order Date", "Billing Last Name", "Order Total",
                                           "Order Status"],
                                          ["W-1", "2024-03-05", "Acme", "10.00", "wc-failed"]])
    # A failed payment may still be retried: neither a sale nor a cancelled order. The import
    # names it and nothing is written; --value says what it is.
    with pytest.raises(ImportRefused, match=r"wc-failed.*--value"):
        import_file(admin, path, kind="orders")
    assert orders(admin) == []
    result = import_file(admin, path, kind="orders", values=["wc-failed=Cancelled"])
    (order,) = orders(admin)
    assert result.created == 1 and order["status"] == "Cancelled"


# ----- Shopify: the order number under "Name" ----------------------------------------------------

SHOPIFY_HEAD = ["Name", "Email", "Financial Status", "Currency", "Total", "Created at", "Lineitem quantity",
                "Lineitem name", "Billing Name", "Billing Country"]


def test_shopifys_name_column_is_the_order_number_when_every_value_is_one(admin, tmp_path):
    path = write_csv(tmp_path / "orders_export.csv", [
        SHOPIFY_HEAD,
        ["#1001", "alice@example.com", "paid", "USD", "12.00", "2024-03-05 10:00:00 +0100", "1", "Mug",
         "Alice Chen", "US"],
        ["#1002", "bob@example.com", "refunded", "USD", "22.00", "2024-03-06 10:00:00 +0100", "2", "Cup",
         "Bob Li", "US"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("#1001", "Alice Chen", Decimal("12"), "USD", "Paid", dt.date(2024, 3, 5), 1),
        ("#1002", "Bob Li", Decimal("22"), "USD", "Returned", dt.date(2024, 3, 6), 1),
    ]
    said = decided(result, "order number in 'Name'")
    assert "'#1001'" in said["evidence"] and "look like order numbers" in said["evidence"]
    assert {m["column"]: m["field"] for m in result.mapping}["Name"] == "Order No."
    assert all("Name: #" not in (o["notes"] or "") for o in orders(admin))


def test_a_shopify_order_of_several_items_is_one_order_with_its_total_once(admin, tmp_path):
    # Shopify writes the order's fields on its first row only; the further rows hold items.
    path = write_csv(tmp_path / "orders_export.csv", [
        SHOPIFY_HEAD,
        ["#1001", "alice@example.com", "paid", "USD", "30.00", "2024-03-05 10:00:00 +0100", "1", "Mug",
         "Alice Chen", "US"],
        ["#1001", "alice@example.com", "", "", "", "2024-03-05 10:00:00 +0100", "2", "Cup", "", ""],
        ["#1002", "bob@example.com", "paid", "USD", "5.00", "2024-03-06 10:00:00 +0100", "1", "Spoon",
         "Bob Li", "US"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.rows, result.created, result.duplicates, result.rejected) == (3, 2, 1, 0)
    assert stored(admin) == [
        ("#1001", "Alice Chen", Decimal("30"), "USD", "Paid", dt.date(2024, 3, 5), 1),
        ("#1002", "Bob Li", Decimal("5"), "USD", "Paid", dt.date(2024, 3, 6), 1),
    ]
    assert [(o["product"], o["quantity"]) for o in orders(admin)] == [("Mug; Cup", 3), ("Spoon", 1)]
    said = decided(result, "rows with the same order number")
    assert "one order per number" in said["decided"] and "first row" in said["evidence"]
    (line,) = [o for o in result.outcomes if o.action == "duplicate"]
    assert (line.row, line.duplicate_of_row) == (3, 2) and "further line" in line.reason
    again = import_file(admin, path, kind="orders")
    assert (again.created, again.customers_created) == (0, 0)


def test_shopify_item_rows_with_their_own_prices_are_lines_under_the_orders_customer(admin, tmp_path):
    # With the line price as the amount, the further rows (no Billing Name of their own)
    # belong to the customer of their order's first row.
    path = write_csv(tmp_path / "orders_export.csv", [
        [*SHOPIFY_HEAD, "Lineitem price"],
        ["#1001", "alice@example.com", "paid", "USD", "30.00", "2024-03-05 10:00:00 +0100", "1", "Mug",
         "Alice Chen", "US", "10.00"],
        ["#1001", "alice@example.com", "", "", "", "", "2", "Cup", "", "", "10.00"],
        ["#1002", "", "paid", "USD", "7.00", "2024-03-06 10:00:00 +0100", "1", "Spoon", "Bob Li", "US", "7.00"],
    ])
    result = import_file(admin, path, kind="orders", mapping=["Lineitem price=Amount"])
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 2)
    assert stored(admin) == [      # the order's status and currency, never the defaults
        ("#1001", "Alice Chen", Decimal("10"), "USD", "Paid", dt.date(2024, 3, 5), 1),
        ("#1001", "Alice Chen", Decimal("10"), "USD", "Paid", dt.date(2024, 3, 5), 2),
        ("#1002", "Bob Li", Decimal("7"), "USD", "Paid", dt.date(2024, 3, 6), 1),
    ]


def test_a_footer_row_under_a_shop_export_is_not_evidence_about_its_order_numbers(admin, tmp_path):
    path = write_csv(tmp_path / "orders_export.csv", [
        SHOPIFY_HEAD,
        ["#1001", "alice@example.com", "paid", "USD", "12.00", "2024-03-05 10:00:00 +0100", "1", "Mug",
         "Alice Chen", "US"],
        ["#1002", "bob@example.com", "paid", "USD", "22.00", "2024-03-06 10:00:00 +0100", "2", "Cup",
         "Bob Li", "US"],
        [],
        ["Total: 2 orders"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.footer_rows) == (2, 1)
    assert [o["order_number"] for o in orders(admin)] == ["#1001", "#1002"]


def test_a_name_column_of_people_stays_out_of_the_order_number(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Name", "Order Date", "Customer", "Total"],
                                          ["Alice Chen", "2024-03-05", "Acme", "10.00"],
                                          ["Bob Li", "2024-03-06", "Acme", "11.00"]])
    result = import_file(admin, path, kind="orders")
    assert result.created == 2
    assert [o["order_number"] for o in orders(admin)] == [None, None]
    assert not [i for i in result.inferences if i["what"].startswith("order number")]


@pytest.mark.parametrize("values, why", [
    (["#1001", "Alice Chen", "#1003"], "others do not"),
    (["#1001", "#1002", "#1001"], "comes back after others"),
])
def test_a_name_column_the_values_cannot_decide_stops_and_the_map_option_settles_it(admin, tmp_path,
                                                                                    values, why):
    rows = [["Name", "Order Date", "Billing Name", "Total"]]
    rows += [[v, f"2024-03-0{i + 1}", "Acme", f"{10 + i}.00"] for i, v in enumerate(values)]
    path = write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, path, kind="orders")
    message = exc.value.message
    assert "column 'Name'" in message and why in message and "'#1001'" in message
    assert '--map "Name=Order No."' in message and "Nothing was imported" in message
    assert nothing_written(admin)
    result = import_file(admin, path, kind="orders", mapping=["Name=Order No."])
    assert result.created == 3
    assert [o["order_number"] for o in records.list_records(admin, "order")] == values


# ----- other shops and marketplaces ------------------------------------------------------------------

def test_an_etsy_sold_orders_file_stores_the_order_total_not_the_items_value(admin, tmp_path):
    path = write_csv(tmp_path / "EtsySoldOrders2024.csv", [
        ["Sale Date", "Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name", "Number of Items",
         "Order Value", "Currency", "Order Total", "Status", "Buyer"],
        ["03/05/24", "3012345678", "98765432", "Maria Garcia", "Maria", "Garcia", "2", "40.00", "USD", "47.50",
         "Completed", "mgarcia88"],
        ["03/21/24", "3012345999", "11223344", "Tom Baker", "Tom", "Baker", "1", "18.00", "GBP", "21.00",
         "Completed", "tombaker"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("3012345678", "Maria Garcia", Decimal("47.5"), "USD", "Completed", dt.date(2024, 3, 5), 1),
        ("3012345999", "Tom Baker", Decimal("21"), "GBP", "Completed", dt.date(2024, 3, 21), 1),
    ]
    assert [o["quantity"] for o in orders(admin)] == [2, 1]
    maria = next(c for c in customers(admin).values() if c["name"] == "Maria Garcia")
    assert "src:98765432" in maria["tags"]          # Etsy's buyer id: later files link by it


def test_an_ebay_orders_report_links_by_the_buyers_username(admin, tmp_path):
    path = write_csv(tmp_path / "ebay.csv", [
        ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email", "Total Price",
         "Sale Date"],
        ["101", "12-10234-56789", "kiwi_fan", "Hannah Wu", "hannah@example.nz", "$25.00", "Mar-05-24"],
        ["102", "12-10234-56790", "kiwi_fan", "Hannah Wu", "hannah@example.nz", "$10.50", "Mar-09-24"],
    ])
    result = import_file(admin, path, kind="orders", currency="USD")
    assert (result.created, result.customers_created) == (2, 1)
    assert stored(admin) == [
        ("12-10234-56789", "Hannah Wu", Decimal("25"), "USD", "Completed", dt.date(2024, 3, 5), 1),
        ("12-10234-56790", "Hannah Wu", Decimal("10.5"), "USD", "Completed", dt.date(2024, 3, 9), 1),
    ]
    (hannah,) = customers(admin).values()
    assert (hannah["email"], hannah["tags"]) == ("hannah@example.nz", "src:kiwi_fan")


def test_an_amazon_order_report_keeps_each_item_as_a_line_of_its_order(admin, tmp_path):
    path = write_csv(tmp_path / "amazon.txt", [
        ["amazon-order-id", "purchase-date", "order-status", "buyer-email", "buyer-name", "product-name",
         "quantity", "item-price", "currency", "ship-country"],
        ["112-3456789-0123456", "2024-03-05T10:12:00+00:00", "Shipped", "x1@marketplace.amazon.com",
         "John Smith", "Kettle", "1", "39.99", "USD", "US"],
        ["112-3456789-0123456", "2024-03-05T10:12:00+00:00", "Shipped", "x1@marketplace.amazon.com",
         "John Smith", "Filter", "2", "9.98", "USD", "US"],
        ["305-1111111-2222222", "2024-03-06T08:00:00+00:00", "Unshipped", "x2@marketplace.amazon.de",
         "Eva Braun", "Teapot", "1", "24.00", "EUR", "DE"],
    ], delimiter="\t")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.duplicates, result.rejected) == (3, 0, 0)
    assert stored(admin) == [
        ("112-3456789-0123456", "John Smith", Decimal("39.99"), "USD", "Shipped", dt.date(2024, 3, 5), 1),
        ("112-3456789-0123456", "John Smith", Decimal("9.98"), "USD", "Shipped", dt.date(2024, 3, 5), 2),
        ("305-1111111-2222222", "Eva Braun", Decimal("24"), "EUR", "Paid", dt.date(2024, 3, 6), 1),
    ]
    said = decided(result, "rows with the same order number")
    assert "each row stored as a line" in said["decided"] and "different amounts" in said["evidence"]
    eva = next(c for c in customers(admin).values() if c["name"] == "Eva Braun")
    assert eva["country"] == "DE"                    # the only country the report gives


MAGENTO_HEAD = ["Order #", "Purchase Date", "Ship-to Name", "Bill-to Name", "Grand Total (Base)",
                "Grand Total (Purchased)", "Status"]


def test_a_magento_order_grid_whose_two_totals_agree_imports_under_the_bill_to_name(admin, tmp_path):
    path = write_csv(tmp_path / "magento.csv", [
        MAGENTO_HEAD,
        ["000000101", "Mar 5, 2024 10:12:00 AM", "Gift Receiver", "Olga Petrova", "€120.00", "€120.00",
         "complete"],
        ["000000102", "Mar 6, 2024 9:00:00 AM", "Ivan Petrov", "Ivan Petrov", "35,00 €", "€35.00", "holded"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("000000101", "Olga Petrova", Decimal("120"), "EUR", "Completed", dt.date(2024, 3, 5), 1),
        ("000000102", "Ivan Petrov", Decimal("35"), "EUR", "Open", dt.date(2024, 3, 6), 1),
    ]
    said = decided(result, "amount in 'Grand Total (Purchased)' or 'Grand Total (Base)'")
    assert "same amount on every row" in said["evidence"]


def test_magento_totals_in_two_currencies_stop_before_writing_and_the_map_option_settles_it(admin, tmp_path):
    path = write_xlsx(tmp_path / "magento.xlsx", [
        MAGENTO_HEAD,
        ["000000101", "Mar 5, 2024 10:12:00 AM", "Olga Petrova", "Olga Petrova", "$130.00", "€120.00",
         "complete"],
        ["000000102", "Mar 6, 2024 9:00:00 AM", "Ivan Petrov", "Ivan Petrov", "$38.00", "€35.00", "complete"],
    ])
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, path, kind="orders")
    message = exc.value.message
    assert "'Grand Total (Purchased)'" in message and "'Grand Total (Base)'" in message
    assert "'€120.00'" in message and "'$130.00'" in message and "row 2" in message
    assert '--map "Grand Total (Purchased)=Amount"' in message and "Nothing was imported" in message
    assert nothing_written(admin)
    result = import_file(admin, path, kind="orders", mapping=["Grand Total (Purchased)=Amount"])
    assert result.created == 2
    assert [(o["amount"], o["currency"]) for o in orders(admin)] == [(Decimal("120"), "EUR"),
                                                                      (Decimal("35"), "EUR")]
    assert "Grand Total (Base): $130.00" in orders(admin)[0]["notes"]


def test_a_bigcommerce_export_takes_the_total_with_tax_and_the_billing_customer(admin, tmp_path):
    path = write_csv(tmp_path / "bigcommerce.csv", [
        ["Order ID", "Order Date", "Order Status", "Billing First Name", "Billing Last Name", "Billing Company",
         "Billing Email", "Billing Country ISO2", "Order Total (inc tax)", "Order Total (ex tax)",
         "Order Currency Code", "Total Quantity"],
        ["201", "2024-04-01", "Awaiting Fulfillment", "Sam", "Park", "Park & Co", "sam@example.com", "US",
         "108.25", "100.00", "USD", "3"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (1, 0)
    assert stored(admin) == [("201", "Sam Park", Decimal("108.25"), "USD", "Paid", dt.date(2024, 4, 1), 1)]
    assert orders(admin)[0]["quantity"] == 3
    (sam,) = customers(admin).values()
    assert (sam["company"], sam["email"], sam["country"]) == ("Park & Co", "sam@example.com", "US")


def test_a_german_prestashop_export_reads_its_id_as_the_order_number(admin, tmp_path):
    path = write_csv(tmp_path / "bestellungen.csv", [
        ["ID", "Referenz", "Neukunde", "Lieferung", "Kunde", "Gesamt", "Zahlung", "Status", "Datum"],
        ["17", "XKBKNABJK", "Ja", "Deutschland", "J. Becker", "45,90 €", "Banküberweisung",
         "Zahlung eingegangen", "05.03.2024 10:12:00"],
        ["18", "OHSATSERP", "Nein", "Österreich", "A. Huber", "1.234,50 €", "PayPal", "Versendet",
         "21.03.2024 11:00:00"],
    ], delimiter=";")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("17", "J. Becker", Decimal("45.9"), "EUR", "Paid", dt.date(2024, 3, 5), 1),
        ("18", "A. Huber", Decimal("1234.5"), "EUR", "Shipped", dt.date(2024, 3, 21), 1),
    ]
    assert "order number in 'ID'" in [i["what"] for i in result.inferences]
    assert "Referenz: XKBKNABJK" in orders(admin)[0]["notes"]


@pytest.mark.parametrize("head", [
    ["订单编号", "下单时间", "收货人", "联系电话", "实付金额", "订单状态"],                 # JD
    ["订单号", "订单成交时间", "收货人", "手机", "用户实付金额(元)", "订单状态"],          # Pinduoduo
    ["订单号", "订单创建时间", "收货人/提货人", "收货人手机号/提货人手机号", "订单实付金额", "订单状态"],  # Youzan
])
def test_chinese_marketplace_exports_import_as_orders(admin, tmp_path, head):
    path = write_csv(tmp_path / "订单.csv", [
        head,
        ["240305123456", "2024-03-05 10:12:00", "王芳", "13912345678", "¥88.00", "等待确认收货"],
        ["240306654321", "2024-03-06 09:00:00", "李雷", "13800138000", "¥1,299.00", "完成"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert stored(admin) == [
        ("240305123456", "王芳", Decimal("88"), "CNY", "Shipped", dt.date(2024, 3, 5), 1),
        ("240306654321", "李雷", Decimal("1299"), "CNY", "Completed", dt.date(2024, 3, 6), 1),
    ]
    wang = next(c for c in customers(admin).values() if c["name"] == "王芳")
    assert wang["phone"] == "+8613912345678"


# ----- rows that repeat an order number -----------------------------------------------------------

def _per_item(tmp_path, amount_header: str) -> Path:
    return write_csv(tmp_path / "items.csv", [
        ["Order Number", "Order Date", "Billing First Name", "Billing Last Name", "Item Name", "Quantity",
         amount_header],
        ["7001", "2024-06-01", "Ana", "Souza", "Lamp", "1", "60.00"],
        ["7001", "2024-06-01", "Ana", "Souza", "Bulb", "3", "60.00"],
        ["7002", "2024-06-02", "Rui", "Costa", "Desk", "1", "250.00"],
    ])


def test_an_order_total_repeated_on_each_item_row_is_stored_once(admin, tmp_path):
    result = import_file(admin, _per_item(tmp_path, "Order Total"), kind="orders")
    assert (result.created, result.duplicates) == (2, 1)
    assert stored(admin) == [("7001", "Ana Souza", Decimal("60"), "CNY", "Completed", dt.date(2024, 6, 1), 1),
                             ("7002", "Rui Costa", Decimal("250"), "CNY", "Completed", dt.date(2024, 6, 2), 1)]
    said = decided(result, "rows with the same order number")
    assert "headed as a total" in said["evidence"] and "products and quantities added" in said["decided"]
    assert sum(o["amount"] for o in orders(admin)) == Decimal("310")
    assert [(o["product"], o["quantity"]) for o in orders(admin)] == [("Lamp; Bulb", 4), ("Desk", 1)]


def test_an_ebay_order_row_above_its_item_rows_is_one_order_with_their_items(admin, tmp_path):
    # eBay writes a multi-item order as a row with the total, then one row per item.
    path = write_csv(tmp_path / "ebay.csv", [
        ["Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Total Price", "Sale Date",
         "Item Title", "Quantity"],
        ["101", "12-1", "kiwi_fan", "Hannah Wu", "$25.00", "Mar-05-24", "", ""],
        ["102", "12-1", "kiwi_fan", "Hannah Wu", "", "Mar-05-24", "Cup", "1"],
        ["103", "12-1", "kiwi_fan", "Hannah Wu", "", "Mar-05-24", "Mug", "2"],
        ["104", "12-2", "moa", "Rewi Tane", "$8.00", "Mar-06-24", "Spoon", "1"],
    ])
    outcomes = []
    for chunk_rows, dry_run in ((1, True), (2, False)):      # the same whatever the chunks
        result = import_file(admin, path, kind="orders", currency="USD", chunk_rows=chunk_rows, dry_run=dry_run)
        outcomes.append([(o.row, o.action, o.duplicate_of_row) for o in result.outcomes])
    assert outcomes[0] == outcomes[1] == [(2, "created", None), (3, "duplicate", 2), (4, "duplicate", 2),
                                          (5, "created", None)]
    assert stored(admin) == [
        ("12-1", "Hannah Wu", Decimal("25"), "USD", "Completed", dt.date(2024, 3, 5), 1),
        ("12-2", "Rewi Tane", Decimal("8"), "USD", "Completed", dt.date(2024, 3, 6), 1),
    ]
    assert [(o["product"], o["quantity"]) for o in orders(admin)] == [("Cup; Mug", 3), ("Spoon", 1)]


def _two_repeating(tmp_path) -> Path:
    return write_csv(tmp_path / "items2.csv", [
        ["Order Number", "Order Date", "Billing Last Name", "Item Name", "Amount"],
        ["7001", "2024-06-01", "Souza", "Lamp", "60.00"],
        ["7001", "2024-06-01", "Souza", "Bulb", "60.00"],
        ["7002", "2024-06-02", "Costa", "Desk", "250.00"],
        ["7002", "2024-06-02", "Costa", "Chair", "250.00"],
    ])


def test_several_orders_each_repeating_an_amount_under_a_plain_heading_stop_and_amount_per_settles_it(
        admin, tmp_path):
    path = _two_repeating(tmp_path)
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, path, kind="orders")
    message = exc.value.message
    assert "column 'Amount'" in message and "'60.00' on 2 rows" in message
    assert "--amount-per order" in message and "--amount-per line" in message
    assert nothing_written(admin)
    result = import_file(admin, path, kind="orders", amount_per="line")
    assert (result.created, result.duplicates) == (4, 0)
    assert [(o["order_number"], o["line_no"], o["product"], o["amount"]) for o in orders(admin)] == [
        ("7001", 1, "Lamp", Decimal("60")), ("7001", 2, "Bulb", Decimal("60")),
        ("7002", 1, "Desk", Decimal("250")), ("7002", 2, "Chair", Decimal("250"))]


@pytest.mark.parametrize("kind, value, message", [
    ("orders", "total", "--amount-per must be order or line"),
    ("customers", "line", "--amount-per applies to orders"),
])
def test_a_wrong_amount_per_is_refused_before_anything_is_written(admin, tmp_path, kind, value, message):
    with pytest.raises(ImportRefused, match=message):
        import_file(admin, _two_repeating(tmp_path), kind=kind, amount_per=value)
    assert nothing_written(admin)


def test_amount_per_order_keeps_one_order_per_number(admin, tmp_path):
    result = import_file(admin, _two_repeating(tmp_path), kind="orders", amount_per="order")
    assert (result.created, result.duplicates) == (2, 2)
    assert [o["product"] for o in orders(admin)] == ["Lamp; Bulb", "Desk; Chair"]
    assert stored(admin) == [("7001", "Souza", Decimal("60"), "CNY", "Completed", dt.date(2024, 6, 1), 1),
                             ("7002", "Costa", Decimal("250"), "CNY", "Completed", dt.date(2024, 6, 2), 1)]
    assert decided(result, "rows with the same order number")["evidence"].endswith("--amount-per order")


def test_one_order_of_items_at_one_price_under_a_plain_heading_is_kept_as_lines_and_said(admin, tmp_path):
    result = import_file(admin, _per_item(tmp_path, "Amount"), kind="orders")
    assert (result.created, result.duplicates) == (3, 0)
    assert [(o["order_number"], o["line_no"], o["amount"]) for o in orders(admin)] == [
        ("7001", 1, Decimal("60")), ("7001", 2, Decimal("60")), ("7002", 1, Decimal("250"))]
    said = decided(result, "rows with the same order number")
    assert "each row stored as a line" in said["decided"] and "--amount-per order" in said["evidence"]


def test_an_order_number_reused_by_another_customer_is_another_order(admin, tmp_path):
    # Numbers restart in a new year or a merged file: not lines of one order.
    path = write_csv(tmp_path / "o.csv", [
        ["Order Number", "Order Date", "Billing Last Name", "Order Total"],
        ["1", "2023-01-05", "Alpha", "10.00"],
        ["1", "2024-01-07", "Beta", "10.00"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.duplicates) == (2, 0)
    assert [(n, who) for n, who, *_ in stored(admin)] == [("1", "Alpha"), ("1", "Beta")]
    assert not [i for i in result.inferences if i["what"] == "rows with the same order number"]


def test_the_cli_names_what_it_decided_about_a_shop_file(run, tmp_path):
    path = write_csv(tmp_path / "orders_export.csv", [
        SHOPIFY_HEAD,
        ["#1001", "alice@example.com", "paid", "USD", "12.00", "2024-03-05 10:00:00 +0100", "1", "Mug",
         "Alice Chen", "US"],
    ])
    code, out, err = run("import", str(path), "--kind", "orders", "--dry-run")
    assert code == 0, err
    assert "order number in 'Name'" in out and "Order No." in out
    code, out, err = run("--format", "json", "import", str(_two_repeating(tmp_path)), "--kind", "orders",
                         "--amount-per", "line")
    assert code == 0, err
    data = json.loads(out)
    assert data["created"] == 4
    (said,) = [i for i in data["inferences"] if i["what"] == "rows with the same order number"]
    assert "each row stored as a line" in said["decided"] and "--amount-per line" in said["evidence"]
    code, out, err = run("import", str(_two_repeating(tmp_path)), "--kind", "orders", "--dry-run")
    assert code != 0 and "--amount-per" in err and "Traceback" not in err


@pytest.mark.parametrize("seed", range(8))
def test_orders_of_several_rows_are_stored_with_their_true_totals_or_refused(admin, tmp_path, seed):
    """Generated per-item files in every shape shops write (the total on each row under a
    total's heading or a plain one, the total on the first row only, each line's amount
    under a line's heading or a plain one): each order's stored amounts add up to its
    true total, or the import stops before writing. Never a total counted twice."""
    import random

    rnd = random.Random(seed)
    shapes = [("Order Total", "each"), ("Amount", "each"), ("Total", "first"), ("item-price", "line"),
              ("Amount", "line")]
    header, shape = shapes[seed % len(shapes)]
    rows = [["Order Number", "Order Date", "Billing Last Name", "Item Name", header]]
    truth: dict[str, Decimal] = {}
    for k in range(6):
        number = f"S{seed}-{k}"
        lines = 1 if k >= 2 else rnd.randint(2, 4)           # at least two orders of several rows
        prices = [Decimal(rnd.randint(100, 9999)) / 100 for _ in range(lines)]
        if rnd.random() < 0.3:
            prices = [prices[0]] * lines                        # items of one price happen too
        truth[number] = sum(prices)
        for i, price in enumerate(prices):
            amount = {"each": truth[number], "first": truth[number] if i == 0 else "", "line": price}[shape]
            rows.append([number, f"2024-07-{k + 1:02d}", f"Buyer{k}", f"Item {i}", str(amount)])
    path = write_csv(tmp_path / f"items{seed}.csv", rows)
    try:
        import_file(admin, path, kind="orders")
    except ImportRefused as exc:
        assert "--amount-per" in exc.message and nothing_written(admin)
        assert header == "Amount"                 # only a plain heading leaves it undecided
        return
    got: dict[str, Decimal] = {}
    for o in orders(admin):
        got[o["order_number"]] = got.get(o["order_number"], Decimal(0)) + o["amount"]
    assert got == truth
