"""A leading apostrophe is the spreadsheet's "keep this as text" mark: before the digits
of a code, amount or date it is not part of the value ('02134 keeps its zero and is
stored 02134, '00123 links to src:00123), while in free text ('90s) it stays."""
from __future__ import annotations

from decimal import Decimal

from cims_xl.importer import import_file
from cims_xl.services import records


def test_the_text_mark_before_digits_of_codes_is_not_stored(admin, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Name,Phone,Postal Code,Customer No,Company,Notes\n"
                    "Ann,'+442079460111,'02134,'00123,'90s Vintage Ltd,'80% paid\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (1, 0)
    ann = records.list_records(admin, "customer")[0]
    assert (ann["phone"], ann["postal_code"], ann["tags"]) == ("+442079460111", "02134", "src:00123")
    assert (ann["company"], ann["notes"]) == ("'90s Vintage Ltd", "'80% paid")
    orders = tmp_path / "o.csv"
    orders.write_text("Order No,Order Date,Customer No,Customer,Amount,Currency\n"
                      "'0042,'2024-03-05,00123,Ann,'1234.50,EUR\n", encoding="utf-8")
    result = import_file(admin, orders, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (1, 0, 0)
    order = records.list_records(admin, "order")[0]
    assert (order["order_number"], str(order["order_date"])[:10], order["amount"], order["customer_id"]) == (
        "0042", "2024-03-05", Decimal("1234.50"), ann["id"])
