"""An amount in a currency of three decimals (BHD, KWD, OMR, JOD, TND, LYD) reads the
same typed (the CLI, the API: models) as imported from a file: with the decimal mark of
the currency's home (CLDR via babel): "1,234" TND is 1.234 dinars (Tunisia writes a
decimal comma), "1,234" BHD is 1234 (Bahrain writes a point)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import orders_by_number, write_csv, write_xlsx


@pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
@pytest.mark.parametrize("code, cell", [("TND", "1,234"), ("LYD", "2,500"), ("TND", "1,234 TND"),
                                        ("LYD", "LYD 2,500")])
def test_a_three_decimal_amount_typed_is_stored_as_the_same_cell_imported(admin, tmp_path, writer, suffix,
                                                                          code, cell):
    f = writer(tmp_path / f"orders.{suffix}", [["Order No", "Order Date", "Customer", "Amount", "Currency"],
                                               ["T1", "2024-03-05", "Ben Ali", cell, code]])
    import_file(admin, f, kind="orders")
    imported = orders_by_number(admin)["T1"]
    cid = records.create(admin, "customer", {"name": "Typed Co"})["id"]
    typed = records.create(admin, "order", {"customer_id": cid, "order_number": "T2", "order_date": "2024-03-06",
                                            "amount": cell, "currency": code})
    stored = {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
              for o in records.list_records(admin, "order")}
    assert typed["id"]
    assert stored["T2"] == (imported[0].normalize(), imported[1])
    assert imported[1] == code and imported[0] < 10
