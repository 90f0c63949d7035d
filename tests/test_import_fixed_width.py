"""Fixed-width text exports (AS/400, bank and mainframe layouts): columns aligned by
spaces, no delimiter. The column boundaries are the positions blank in every line.
Each test writes its own file and reads a real encrypted store back."""

from __future__ import annotations

from decimal import Decimal

from cims_xl.importer import import_file
from cims_xl.services import records


def test_a_fixed_width_customer_list_is_read_column_by_column(admin, tmp_path):
    path = tmp_path / "cust.txt"
    path.write_text("CUSTNO  NAME                 CITY         PHONE\n"
                    "000123  Ann Lee              Beijing      13912345678\n"
                    "000124  Bob Ray              Shanghai     13812345678\n"
                    "000125  Cara Diaz Lopez      Xi an        \n", encoding="utf-8")
    result = import_file(admin, path)
    got = sorted((c["name"], c["city"], c["phone"]) for c in records.list_records(admin, "customer"))
    assert got == [("Ann Lee", "Beijing", "+8613912345678"), ("Bob Ray", "Shanghai", "+8613812345678"),
                   ("Cara Diaz Lopez", "Xi an", None)]
    assert any(i["decided"].startswith("fixed-width text") for i in result.inferences)


def test_a_fixed_width_order_file_with_right_aligned_amounts_and_a_two_word_heading(admin, tmp_path):
    path = tmp_path / "orders.prn"
    path.write_text("KUNDE            BESTELL DATUM    BETRAG  WÄHRUNG\n"
                    "Müller GmbH      2024-03-05      1200.50  EUR\n"
                    "Schmidt AG       2024-03-06        99.00  EUR\n", encoding="utf-8")
    import_file(admin, path, kind="order", mapping=["BESTELL DATUM=Order Date"])
    people = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    got = sorted((people[o["customer_id"]], str(o["order_date"]), Decimal(o["amount"]), o["currency"])
                 for o in records.list_records(admin, "order"))
    assert got == [("Müller GmbH", "2024-03-05", Decimal("1200.50"), "EUR"),
                   ("Schmidt AG", "2024-03-06", Decimal("99.00"), "EUR")]
