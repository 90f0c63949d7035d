"""DATEV's Buchungsstapel writes the amount unsigned in "Umsatz (ohne Soll/Haben-Kz)",
its side in "Soll/Haben-Kennzeichen" (S/H) beside it and its currency in "WKZ Umsatz".
The column is the amount without --map; the S/H column signs it as the ledger-mark
rules do (the import stops naming the column and --ledger until it says which ledger);
the row's WKZ is its currency."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

HEAD = ["Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz",
        "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1",
        "Buchungstext"]
ROWS = [["1190,00", "S", "EUR", "", "", "", "10001", "8400", "", "0503", "RE-1", "Müller GmbH"],
        ["50,00", "H", "EUR", "", "", "", "10001", "8400", "", "0603", "RE-2", "Müller GmbH"],
        ["300,00", "S", "CHF", "1,0800", "277,78", "EUR", "10002", "8400", "", "0703", "RE-3", "Schmidt AG"]]
# the line DATEV writes above the headings of an EXTF export
EXTF = ["EXTF", "700", "21", "Buchungsstapel", "13", "20240110120000000", "", "", "", "", "1001", "10001",
        "20240101", "4", "20240301", "20240331"]
MAP = ["Belegfeld 1=Order Number", "Buchungstext=Customer"]


def _file(tmp_path, shape: str, head=HEAD):
    if shape == "extf":
        return write_csv(tmp_path / "EXTF_Buchungsstapel.csv", [EXTF, head] + ROWS, delimiter=";")
    if shape == "xlsx":
        return write_xlsx(tmp_path / "buchungen.xlsx", [head] + [[float(r[0].replace(",", "."))] + r[1:] for r in ROWS])
    return write_csv(tmp_path / "buchungen.csv", [head] + ROWS)


def _orders(session) -> dict[str, tuple]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


@pytest.mark.parametrize("shape", ["csv", "extf", "xlsx"])
def test_a_datev_umsatz_without_its_mark_is_the_amount_signed_by_soll_haben_in_its_wkz(admin, tmp_path, shape):
    f = _file(tmp_path, shape)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders", year=2024, mapping=MAP)
    said = stop.value.message
    assert "--ledger" in said and "'Soll/Haben-Kennzeichen'" in said
    assert records.list_records(admin, "order") == []
    result = import_file(admin, f, kind="orders", year=2024, mapping=MAP, ledger="sales")
    mapped = {m["column"]: m["field"] for m in result.mapping}
    assert mapped["Umsatz (ohne Soll/Haben-Kz)"] == "Amount" and mapped["WKZ Umsatz"] == "Currency"
    # S (Soll) on the customer's account is an invoice; H (Haben) a credit: a refund, not a sale
    assert _orders(admin) == {"RE-1": (Decimal("1190"), "EUR"), "RE-3": (Decimal("300"), "CHF")}
    assert any("'Soll/Haben-Kennzeichen'" in d["evidence"] for d in result.inferences
               if d["what"].startswith("credit and debit marks"))


def test_a_bank_ledger_reads_haben_as_money_received(admin, tmp_path):
    import_file(admin, _file(tmp_path, "csv"), kind="orders", year=2024, mapping=MAP, ledger="bank")
    assert _orders(admin) == {"RE-2": (Decimal("50"), "EUR")}


@pytest.mark.parametrize("heading", ["Umsatz (ohne Soll-/Haben-Kz)", "Umsatz ohne Soll/Haben-Kz",
                                     "UMSATZ (OHNE SOLL/HABEN-KZ)"])
def test_the_umsatz_heading_as_other_datev_versions_write_it_is_the_amount(admin, tmp_path, heading):
    f = _file(tmp_path, "csv", [heading, *HEAD[1:]])
    import_file(admin, f, kind="orders", year=2024, mapping=MAP, ledger="sales")
    assert _orders(admin)["RE-1"] == (Decimal("1190"), "EUR")
