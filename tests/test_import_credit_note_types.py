"""Credit notes named by an accounting export's own type word are refunds, never sales
(issue 14: Xero's ACCRECCREDIT rows were stored as positive sales)."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


@pytest.mark.parametrize("sale, credit", [
    ("ACCREC", "ACCRECCREDIT"),                 # Xero's type codes
    ("Sales invoice", "Sales credit note"),     # Xero's words
    ("Invoice", "Credit Memo"),                 # QuickBooks
    ("Rechnung", "Gutschrift"),                 # German
    ("Factuur", "Creditnota"),                  # Dutch
    ("Facture", "Facture d'avoir"),             # French
    ("売上", "返金"),                            # Japanese
    ("销售", "退货"),                            # Chinese
])
def test_a_credit_note_row_is_not_stored_as_a_sale(admin, tmp_path, sale, credit):
    path = tmp_path / "ledger.csv"
    path.write_text("Contact,Invoice Number,Date,Total,Currency,Type\n"
                    f"Acme Ltd,INV-1,2024-03-05,1200.00,GBP,{sale}\n"
                    f"Acme Ltd,CN-1,2024-03-28,200.00,GBP,{credit}\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    stored = {o["order_number"]: o["amount"] for o in records.list_records(admin, "order")}
    assert "CN-1" not in stored
    assert stored["INV-1"] is not None
    assert result.rejected == 1
