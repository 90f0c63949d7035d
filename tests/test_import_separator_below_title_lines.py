"""A text table whose title lines come before its header (try26f B5): bank statements and
DATEV-style exports write "Kontoauszug", "Konto: DE89 …" and a blank line, then the
semicolon table. The title lines hold no separator, so the separator was taken from them
(none: a comma) and the whole file was one column. The separator is the one the table below
the titles is written with, and the header is found below the titles as in comma files."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

FILES = {
    "german bank statement, semicolons": (
        ";", ["Kontoauszug", "Konto: DE89 3704 0044 0532 0130 00", ""],
        ["Datum", "Kunde", "Verwendungszweck", "Betrag", "Währung"],
        [["05.01.2025", "Ann Lee", "Rechnung 1", "100,00", "EUR"],
         ["06.01.2025", "Bob Roe", "Rechnung 2", "1.250,50", "EUR"]],
        {"Ann Lee": Decimal("100"), "Bob Roe": Decimal("1250.5")}),
    "french export, semicolons, decimal commas on every row": (
        ";", ["Relevé des ventes", "Période : janvier 2025"],
        ["Date", "Client", "Libellé", "Montant", "Devise"],
        [["15/01/2025", "Ann Lee", "Facture 1", "100,00", "EUR"],
         ["16/01/2025", "Bob Roe", "Facture 2", "250,50", "EUR"],
         ["17/01/2025", "Cy Doe", "Facture 3", "75,25", "EUR"]],
        {"Ann Lee": Decimal("100"), "Bob Roe": Decimal("250.5"), "Cy Doe": Decimal("75.25")}),
    "chinese report, tabs": (
        "\t", ["销售明细", "导出时间：2025-01-31", ""],
        ["日期", "客户", "金额", "币种"],
        [["2025-01-05", "张伟", "100", "CNY"], ["2025-01-06", "李娜", "1250", "CNY"]],
        {"张伟": Decimal("100"), "李娜": Decimal("1250")}),
    "english export, pipes": (
        "|", ["Sales export", "Generated 2025-01-31 by Shop"],
        ["Date", "Customer", "Amount", "Currency"],
        [["2025-01-05", "Ann Lee", "100", "USD"], ["2025-01-06", "Bob Roe", "1250", "USD"]],
        {"Ann Lee": Decimal("100"), "Bob Roe": Decimal("1250")}),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_table_below_title_lines_without_its_separator_is_read_with_the_tables_separator(admin, tmp_path, case):
    sep, titles, header, rows, amounts = FILES[case]
    path = tmp_path / "statement.csv"
    path.write_text("\n".join([*titles, sep.join(header), *(sep.join(r) for r in rows)]) + "\n", encoding="utf-8")
    result = import_file(admin, path, kind="order")
    assert result.created == len(rows), [o.problems for o in result.outcomes]
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    got = {names[o["customer_id"]]: Decimal(str(o["amount"])).normalize() for o in records.list_records(admin, "order")}
    assert got == {k: v.normalize() for k, v in amounts.items()}
    assert any(i["what"] == "header row" for i in result.inferences)
