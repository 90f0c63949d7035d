"""Scale words written out after an amount ("1.5 lakh", "3.5 Lacs", "2 crore", "USD 2.5 million",
"3 Millionen", "1,2 milliard", "R$ 2 milhões") are read as the number they say; "50L" is lakh
only in a file of rupees, elsewhere the import stops (L may be litres)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_table


def _deals(session) -> dict[str, tuple[Decimal, str]]:
    return {o["name"]: (o["amount"], o["currency"]) for o in records.list_records(session, "opportunity")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_lakh_crore_and_l_amounts_in_an_indian_file_are_stored_as_rupees_in_full(admin, tmp_path, fmt):
    f = write_table(tmp_path, fmt, [
        ["Opportunity", "Account", "Amount", "Stage"],
        ["D1", "Acme Pvt Ltd", "1.5 lakh", "Proposal"],
        ["D2", "Beta Pvt Ltd", "2 crore", "Proposal"],
        ["D3", "Gamma Pvt Ltd", "₹ 1.2 Cr", "Proposal"],
        ["D4", "Delta Pvt Ltd", "50L", "Proposal"],
        ["D5", "Eps Pvt Ltd", "3.5 Lacs", "Proposal"],
        ["D6", "Zeta Pvt Ltd", "12 Crores", "Proposal"]])
    dry = import_file(admin, f, kind="opportunities", dry_run=True)
    said = " ".join(i["decided"] + i["evidence"] for i in dry.inferences)
    assert "lakh" in said and "INR" in said and "'50L'" in said
    result = import_file(admin, f, kind="opportunities")
    assert (result.created, result.rejected) == (6, 0)
    assert _deals(admin) == {"D1": (Decimal("150000"), "INR"), "D2": (Decimal("20000000"), "INR"),
                             "D3": (Decimal("12000000"), "INR"), "D4": (Decimal("5000000"), "INR"),
                             "D5": (Decimal("350000"), "INR"), "D6": (Decimal("120000000"), "INR")}


def test_million_billion_and_thousand_spelled_out_in_several_languages_are_stored_in_full(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Opportunity", "Account", "Amount", "Stage"],
        ["E1", "Acme Inc", "USD 2.5 million", "Proposal"],
        ["E2", "Beta GmbH", "3 Millionen EUR", "Proposal"],
        ["E3", "Gam SA", "1.2 milliard EUR", "Proposal"],
        ["E4", "Del Ltda", "R$ 2 milhões", "Proposal"],
        ["E5", "Eps SL", "4 millones EUR", "Proposal"],
        ["E6", "Zet Inc", "USD 12 Thousand", "Proposal"],
        ["E7", "Eta Inc", "USD 1.5 Billion", "Proposal"]])
    result = import_file(admin, f, kind="opportunities")
    assert (result.created, result.rejected) == (7, 0)
    assert _deals(admin) == {"E1": (Decimal("2500000"), "USD"), "E2": (Decimal("3000000"), "EUR"),
                             "E3": (Decimal("1200000000"), "EUR"), "E4": (Decimal("2000000"), "BRL"),
                             "E5": (Decimal("4000000"), "EUR"), "E6": (Decimal("12000"), "USD"),
                             "E7": (Decimal("1500000000"), "USD")}


def test_a_german_file_with_comma_decimals_and_milliarden_is_read_with_its_scale(admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Kunde", "Auftragsnummer", "Datum", "Betrag"],
        ["Müller GmbH", "A1", "2024-03-05", "1,5 Millionen €"],
        ["Schmidt AG", "A2", "2024-03-06", "2,25 Milliarden €"]])
    result = import_file(admin, f, kind="orders")
    assert result.rejected == 0
    assert {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(admin, "order")} == {
        "A1": (Decimal("1500000"), "EUR"), "A2": (Decimal("2250000000"), "EUR")}


def test_l_after_amounts_in_a_file_without_rupees_stops_naming_the_column_and_currency_inr_settles_it(
        admin, tmp_path):
    f = write_table(tmp_path, "csv", [
        ["Opportunity", "Account", "Amount", "Stage"],
        ["F1", "Acme Pvt Ltd", "50L", "Proposal"],
        ["F2", "Beta Pvt Ltd", "20L", "Proposal"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="opportunities")
    msg = stop.value.message
    assert "'Amount'" in msg and "'50L'" in msg and "litres" in msg and "--currency INR" in msg
    assert records.list_records(admin, "opportunity") == []
    result = import_file(admin, f, kind="opportunities", currency="INR")
    assert result.rejected == 0
    assert _deals(admin) == {"F1": (Decimal("5000000"), "INR"), "F2": (Decimal("2000000"), "INR")}
