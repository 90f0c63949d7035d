"""Which column is the order's amount when a Total stands beside a Net or a Subtotal is
decided on the VALUES of the whole file, not the headings alone. Total = Subtotal +
Shipping + Tax - Discount (of those columns the file has) confirms the Total, and the
summary (and dry run) says so: Shopify's own export (Subtotal, Shipping, Taxes, Total,
Discount Amount) imports without a stop. A Total that is Quantity x Unit price (a line's
total beside the invoice's Net), a Subtotal above the Total with no discount to explain
it, or a Total that is some other quantity (a count of items) contradicts the headings:
the import stops before writing, naming both columns with examples and the --map for
each; either --map then imports the file with that amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _amounts(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])) for o in records.list_records(session, "order")}


SHOPIFY_HEAD = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal",
                "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method", "Created at",
                "Lineitem quantity", "Lineitem name", "Lineitem price", "Billing Name", "Billing Country",
                "Refunded Amount", "Tax 1 Name", "Tax 1 Value"]


def _shopify_rows() -> list[list]:
    return [
        SHOPIFY_HEAD,
        # 2 x 50 less a 10.00 discount, + 10.00 shipping + 7.20 tax
        ["#1001", "alice@example.com", "paid", "2024-03-05 10:00:00 +0100", "fulfilled", "USD", "90.00", "10.00",
         "7.20", "107.20", "SPRING10", "10.00", "Standard", "2024-03-05 10:00:00 +0100", "2", "Mug", "50.00",
         "Alice Chen", "US", "0.00", "NY State Tax 8%", "7.20"],
        ["#1001", "alice@example.com", "", "", "", "", "", "", "", "", "", "", "", "2024-03-05 10:00:00 +0100",
         "1", "Spoon", "0.00", "", "", "", "", ""],
        ["#1002", "bob@example.com", "paid", "2024-03-06 11:00:00 +0100", "fulfilled", "USD", "59.00", "0.00",
         "0.00", "59.00", "", "0.00", "Free", "2024-03-06 11:00:00 +0100", "1", "Teapot", "59.00", "Bob Li", "US",
         "0.00", "", ""],
        ["#1003", "cara@example.com", "paid", "2024-03-07 12:00:00 +0100", "fulfilled", "USD", "120.00", "15.00",
         "10.80", "145.80", "", "0.00", "Express", "2024-03-07 12:00:00 +0100", "3", "Cup", "40.00", "Cara Diaz",
         "US", "0.00", "NY State Tax 9%", "10.80"],
    ]


@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_a_shopify_export_keeps_its_total_and_the_summary_says_the_values_confirm_it(admin, tmp_path, writer, suffix):
    path = writer(tmp_path / f"orders_export.{suffix}", _shopify_rows())
    dry = import_file(admin, path, kind="orders", dry_run=True)
    (line,) = [i for i in dry.inferences if i["what"] == "the order's amount: 'Total' or 'Subtotal'"]
    assert "'Total' is the amount" in line["decided"], line
    assert "'Subtotal' + 'Shipping' + 'Taxes'" in line["evidence"] and "3 of 3 rows" in line["evidence"], line
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders")
    assert _amounts(admin) == {"#1001": Decimal("107.20"), "#1002": Decimal("59.00"), "#1003": Decimal("145.80")}
    assert [i for i in result.inferences if i["what"] == "the order's amount: 'Total' or 'Subtotal'"]


# (headers: number, customer, date, quantity, unit price, the total, the net or subtotal)
LINE_TOTALS = {
    "english": ["Invoice", "Customer", "Date", "Qty", "Unit Price", "Total", "Net"],
    "german": ["Rechnungsnummer", "Kunde", "Datum", "Menge", "Einzelpreis", "Gesamt", "Netto"],
    "spanish": ["Número de pedido", "Cliente", "Fecha", "Cantidad", "Precio unitario", "Total", "Neto"],
    "chinese": ["单号", "客户", "日期", "数量", "单价", "合计", "小计"],
}


@pytest.mark.parametrize("name", list(LINE_TOTALS))
@pytest.mark.parametrize("which,expected", [(5, {"A-1": "20", "A-2": "15"}), (6, {"A-1": "100", "A-2": "60"})],
                         ids=["total", "net"])
def test_a_total_that_is_quantity_times_unit_price_beside_the_invoices_net_stops_naming_both(
        admin, tmp_path, name, which, expected):
    headers = LINE_TOTALS[name]
    path = write_csv(tmp_path / "invoices.csv", [headers, ["A-1", "Ann Lee", "2024-03-05", "2", "10.00", "20.00",
                                                          "100.00"],
                                                 ["A-2", "Bo Li", "2024-03-06", "3", "5.00", "15.00", "60.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="EUR", dry_run=True)
    message = stop.value.message
    total, net = headers[5], headers[6]
    assert f'--map "{total}=Amount"' in message and f'--map "{net}=Amount"' in message, message
    assert "'20.00'" in message and "'100.00'" in message and "Nothing was imported" in message
    assert f"'{headers[3]}' × '{headers[4]}'" in message, message
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []
    import_file(admin, path, kind="orders", currency="EUR",
                mapping={headers[which]: "Amount", headers[0]: "Order Number"})
    assert _amounts(admin) == {k: Decimal(v) for k, v in expected.items()}


@pytest.mark.parametrize("headers", [["Order", "Customer", "Date", "Subtotal", "Total"],
                                     ["Commande", "Client", "Date", "Sous-total", "Total"],
                                     ["Bestellung", "Kunde", "Datum", "Zwischensumme", "Gesamtsumme"]],
                         ids=["english", "french", "german"])
def test_a_subtotal_above_the_total_with_no_discount_to_explain_it_stops(admin, tmp_path, headers):
    path = write_csv(tmp_path / "orders.csv", [headers, ["A-1", "Ann Lee", "2024-03-05", "100.00", "90.00"],
                                               ["A-2", "Bo Li", "2024-03-06", "50.00", "50.00"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="EUR")
    message = stop.value.message
    assert f'--map "{headers[4]}=Amount"' in message and f'--map "{headers[3]}=Amount"' in message, message
    assert "less than" in message and "row 2" in message, message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", currency="EUR", mapping={headers[4]: "Amount", headers[0]: "Order Number"})
    assert _amounts(admin) == {"A-1": Decimal("90"), "A-2": Decimal("50")}


def test_a_total_counting_items_beside_the_net_amount_stops(admin, tmp_path):
    headers = ["Order", "Customer", "Date", "Net", "Total"]
    path = write_csv(tmp_path / "orders.csv", [headers, ["A-1", "Ann Lee", "2024-03-05", "120.00", "3"],
                                               ["A-2", "Bo Li", "2024-03-06", "80.00", "2"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="EUR")
    assert '--map "Net=Amount"' in stop.value.message and '--map "Total=Amount"' in stop.value.message
    import_file(admin, path, kind="orders", currency="EUR", mapping={"Net": "Amount", "Order": "Order Number"})
    assert _amounts(admin) == {"A-1": Decimal("120"), "A-2": Decimal("80")}


@pytest.mark.parametrize("head", [["Bestellung", "Kunde", "Datum", "Zwischensumme", "Versand", "MwSt", "Rabatt",
                                   "Gesamtsumme"],
                                  ["Pedido", "Cliente", "Fecha", "Subtotal", "Envío", "IVA", "Descuento", "Total"]],
                         ids=["german", "spanish"])
def test_a_total_that_is_subtotal_plus_shipping_and_tax_less_discount_is_kept_and_said(admin, tmp_path, head):
    path = write_csv(tmp_path / "orders.csv", [head,
                                               ["A-1", "Ann Lee", "2024-03-05", "100.00", "5.00", "19.00", "10.00",
                                                "114.00"],
                                               ["A-2", "Bo Li", "2024-03-06", "50.00", "0.00", "9.50", "0.00",
                                                "59.50"]])
    result = import_file(admin, path, kind="orders", currency="EUR", mapping={head[0]: "Order Number"})
    assert _amounts(admin) == {"A-1": Decimal("114"), "A-2": Decimal("59.50")}
    (line,) = [i for i in result.inferences if i["what"] == f"the order's amount: '{head[7]}' or '{head[3]}'"]
    assert f"'{head[3]}' + '{head[4]}' + '{head[5]}' - '{head[6]}'" in line["evidence"], line
