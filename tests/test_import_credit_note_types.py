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


@pytest.mark.parametrize("heading", ["Document Type", "Invoice Type", "Belegart", "Type de document",
                                     "单据类型", "伝票区分", "Kind"])
def test_a_credit_note_is_found_under_a_document_type_heading(admin, tmp_path, heading):
    path = tmp_path / "ledger.csv"
    path.write_text(f"Order No.,{heading},Order Date,Customer Name,Amount,Currency\n"
                    "INV0,Invoice,2024-03-01,Acme Ltd,500.00,USD\n"
                    "N1,Credit Note,2024-03-05,Acme Ltd,10.00,USD\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    stored = {o["order_number"] for o in records.list_records(admin, "order")}
    assert stored == {"INV0"} and result.rejected == 1


@pytest.mark.parametrize("credit", ["Avoir", "红字发票", "返品", "Credit", "Return", "Kreditnota",
                                    "Rechnungskorrektur", "貸方票", "Storno"])
def test_credit_and_return_words_of_other_systems_are_not_sales(admin, tmp_path, credit):
    path = tmp_path / "ledger.csv"
    path.write_text("Order No.,Type,Order Date,Customer Name,Amount,Currency\n"
                    "INV0,Invoice,2024-03-01,Acme Ltd,500.00,USD\n"
                    f"N1,{credit},2024-03-05,Acme Ltd,10.00,USD\n", encoding="utf-8")
    import_file(admin, path, kind="orders")
    assert {o["order_number"] for o in records.list_records(admin, "order")} == {"INV0"}


def test_a_payment_method_that_says_credit_is_no_credit_note(admin, tmp_path):
    path = tmp_path / "payments.csv"
    path.write_text("Order No.,Type,Order Date,Customer Name,Amount,Currency\n"
                    "P1,Credit card payment,2024-03-01,Acme Ltd,50.00,USD\n", encoding="utf-8")
    import_file(admin, path, kind="orders")
    assert {o["order_number"] for o in records.list_records(admin, "order")} == {"P1"}
