"""A price per unit is never taken as an order's amount: a file with a quantity and a
unit price but no line total (Unit Price, 单价, 単価, 단가, Einzelpreis, prix unitaire, precio
unitario) stores price × quantity (37.50 for three mugs at 12.50, never 12.50), and the
summary says so (importer.derived_amount)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv

FILES = {
    "english": ["Order No", "Customer", "Order Date", "Product", "Qty", "Unit Price"],
    "chinese": ["订单号", "客户名称", "下单日期", "商品", "数量", "单价"],
    "japanese": ["注文番号", "顧客名", "注文日", "商品", "数量", "単価"],
    "korean": ["주문번호", "고객명", "주문일", "상품", "수량", "단가"],
    "german": ["Bestellnummer", "Kunde", "Bestelldatum", "Artikel", "Menge", "Einzelpreis"],
    "french": ["N° commande", "Client", "Date de commande", "Article", "Quantité", "Prix unitaire"],
    "spanish": ["Número de pedido", "Cliente", "Fecha", "Artículo", "Cantidad", "Precio unitario"],
    # a price alone beside a quantity is a unit's price too (the final tester, round 20)
    "price": ["Order No", "Customer", "Order Date", "Product", "Qty", "Price"],
    "rate": ["Invoice No", "Customer", "Date", "Item", "Qty", "Rate"],
    "selling price": ["Order No", "Customer", "Order Date", "Product", "Quantity", "Selling Price"],
    "preis": ["Bestellnummer", "Kunde", "Bestelldatum", "Artikel", "Menge", "Preis"],
    "harga": ["No Pesanan", "Pelanggan", "Tanggal", "Produk", "Qty", "Harga"],
    "价格": ["订单号", "客户名称", "下单日期", "商品", "数量", "价格"],
}


@pytest.mark.parametrize("name", list(FILES))
def test_a_unit_price_without_a_line_total_stores_price_times_quantity_never_the_price(admin, tmp_path, name):
    headers = FILES[name]
    f = write_csv(tmp_path / "o.csv", [headers, ["1001", "Ann Lee", "2024-03-05", "Mug", "3", "12.50"],
                                       ["1002", "Bob Ray", "2024-03-06", "Tea", "10", "4.00"]])
    dry = import_file(admin, f, kind="orders", currency="USD", dry_run=True)
    said = [i["decided"] for i in dry.inferences if i["what"] == "amount from unit price and quantity"]
    assert said and f"'{headers[5]}' × '{headers[4]}'" in said[0]
    result = import_file(admin, f, kind="orders", currency="USD")
    assert result.rejected == 0
    assert sorted(Decimal(str(o["amount"])) for o in records.list_records(admin, "order")) == [
        Decimal("37.5"), Decimal("40")]
