"""An attention line inside a name or company cell — "z. Hd.", "c/o", "Attn:", "À
l'attention de" after the name, on a line of its own or after a comma — is not part of the
name: the name is the text before it, the attention line (the person it is for) goes to
Notes, as a folded attention row does (importer.continued_rows), and the summary says how
many cells of which column. Names that merely hold such a word ("Skin Care of London
Ltd", "Pay Attention GmbH") are kept whole. Files written by the tests; stored values read
back from a real encrypted store."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import customers_by_name, linked_owners, said_about, write_table

CELLS = [
    ("Acme GmbH\nz. Hd. Frau Meier", "Acme GmbH", "z. Hd. Frau Meier"),
    ("Beta Ltd, Attn: John Smith", "Beta Ltd", "Attn: John Smith"),
    ("Gamma SARL\nÀ l'attention de M. Dupont", "Gamma SARL", "À l'attention de M. Dupont"),
    ("Delta Inc c/o Bob Roe", "Delta Inc", "c/o Bob Roe"),
    ("Epsilon S.r.l.\nall'att. Sig. Rossi", "Epsilon S.r.l.", "all'att. Sig. Rossi"),
    ("Zeta BV, ter attentie van Jan de Vries", "Zeta BV", "ter attentie van Jan de Vries"),
]
KEPT = ["Skin Care of London Ltd", "Pay Attention GmbH", "Attention Media SA"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_attention_line_in_a_name_or_company_cell_goes_to_notes_and_the_summary_says_so(admin, tmp_path, fmt):
    rows = [["Name", "Company", "City"]] + [[cell, "", "Berlin"] for cell, _, _ in CELLS] \
        + [[name, "", "London"] for name in KEPT] + [["Eva Roe", "Theta AG z. Hd. Herrn Kurz", "Bern"]]
    result = import_file(admin, write_table(tmp_path, fmt, rows))
    assert (result.created, result.rejected) == (len(CELLS) + len(KEPT) + 1, 0)
    stored = customers_by_name(admin)
    for _cell, name, attention in CELLS:
        assert stored[name]["notes"] == f"Name: {attention}"
    for name in KEPT:
        assert stored[name]["notes"] is None
    assert (stored["Eva Roe"]["company"], stored["Eva Roe"]["notes"]) == ("Theta AG", "Company: z. Hd. Herrn Kurz")
    said = said_about(result, "attention lines inside names")
    assert f"'Name': {len(CELLS)} cell(s)" in said and "'Company': 1 cell(s)" in said


def test_an_orders_files_customer_with_an_attention_line_links_to_the_stored_company(admin, tmp_path):
    records.create(admin, "customer", {"name": "Acme GmbH", "type": "Company"})
    rows = [["Order No", "Customer", "Order Date", "Amount"],
            ["A-1", "Acme GmbH\nz. Hd. Frau Meier", "2024-03-05", "10"],
            ["A-2", "Acme GmbH, Attn: Einkauf", "2024-03-06", "20"]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows), kind="orders", decimal="point")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    assert linked_owners(admin, "order", "order_number") == {"A-1": "Acme GmbH", "A-2": "Acme GmbH"}
    notes = {o["order_number"]: o["notes"] for o in records.list_records(admin, "order")}
    assert "z. Hd. Frau Meier" in notes["A-1"] and "Attn: Einkauf" in notes["A-2"]
