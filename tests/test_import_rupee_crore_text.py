"""Text amounts with a rupee sign and "Cr" ("₹ 1.5 Cr", "INR 2 Cr", "Rs. 0.5 Cr") are India's
crore (× 10⁷) when the column writes no "Dr": never a credit mark asking for --ledger.
Beside "Dr" the import stops asking for --ledger as before. Reads back the stored amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
@pytest.mark.parametrize("first, second", [("₹ 1.5 Cr", "₹ 2 Cr"), ("INR 1.5 Cr", "INR 2 cr"),
                                            ("₹1.5Cr", "₹ 2 Cr.")])
def test_a_rupee_amount_written_with_cr_is_stored_as_crore(admin, tmp_path, writer, suffix, first, second):
    settings.set_store_currency(admin, "INR")
    f = writer(tmp_path / f"o.{suffix}", [["Order No", "Order Date", "Customer", "Amount"],
                                          ["A1", "2024-03-05", "Ann Lee", first],
                                          ["A2", "2024-03-06", "Bo Chen", second]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("15000000"), "INR"), "A2": (Decimal("20000000"), "INR")}
    (line,) = [i for i in result.inferences if i["what"] == "crore in 'Amount'"]
    assert "2 amount(s)" in line["decided"], line


def test_a_rupee_cr_is_crore_alone_but_a_credit_mark_asking_for_the_ledger_beside_dr(admin, tmp_path):
    settings.set_store_currency(admin, "INR")
    alone = write_csv(tmp_path / "alone.csv", [["Order No", "Order Date", "Customer", "Amount"],
                                               ["A1", "2024-03-05", "Ann Lee", "₹ 1.5 Cr"]])
    import_file(admin, alone, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("15000000"), "INR")}
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount"],
                                       ["B1", "2024-03-05", "Ann Lee", "₹ 1.5 Cr"],
                                       ["B2", "2024-03-06", "Bo Chen", "₹ 2 Dr"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "--ledger" in stop.value.message and set(_orders(admin)) == {"A1"}
    import_file(admin, f, kind="orders", ledger="bank")
    assert _orders(admin)["B1"] == (Decimal("1.5"), "INR") and "B2" not in _orders(admin)
