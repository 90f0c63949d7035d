"""A multicurrency report writes each row's amount twice: in the row's own currency
(QuickBooks "Foreign Amount", Kingdee/Yonyou 原币金额, SAP "Betrag in Fremdwährung") and in
the home currency ("Amount", 本位币金额), beside a Currency column. The amount in the row's
currency is stored with that currency (never the home amount with the row's currency);
the home amount is kept in Notes and the summary says so, naming the --map for the other."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

# (customer, number, date, currency, foreign amount, home amount)
FILES = {
    "quickbooks": ("Customer", "Num", "Date", "Currency", "Foreign Amount", "Amount"),
    "kingdee": ("客户名称", "单据编号", "单据日期", "币别", "原币金额", "本位币金额"),
    "sap-german": ("Kunde", "Belegnummer", "Datum", "Währung", "Betrag in Fremdwährung", "Betrag"),
    "english-fc": ("Customer", "Invoice No", "Date", "Currency", "Amount in FC", "Amount"),
}


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


def _rows(name: str) -> list[list[str]]:
    who, number, date, currency, foreign, home = FILES[name]
    return [[who, number, date, currency, foreign, home],
            ["Acme GmbH", "1001", "2024-03-05", "EUR", "1000.00", "1085.00"],
            ["Beta Ltd", "1002", "2024-03-06", "GBP", "500.00", "680.00"],
            ["Chen Co", "1003", "2024-03-07", "USD", "200.00", "200.00"]]


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_the_amount_in_the_rows_currency_is_stored_with_it_and_the_home_amount_kept_in_notes(
        admin, tmp_path, name, writer, suffix):
    path = writer(tmp_path / f"sales.{suffix}", _rows(name))
    result = import_file(admin, path, kind="orders")
    assert _stored(admin) == {"1001": (Decimal("1000"), "EUR"), "1002": (Decimal("500"), "GBP"),
                              "1003": (Decimal("200"), "USD")}
    notes = {o["order_number"]: o["notes"] or "" for o in records.list_records(admin, "order")}
    assert "1085" in notes["1001"], notes
    _who, _n, _d, currency, foreign, home = FILES[name]
    (line,) = [i for i in result.inferences if i["what"] == "amount in the row's currency or the home currency"]
    assert f"'{foreign}'" in line["decided"] and f"'{home}'" in line["decided"]
    assert f'--map "{home}=Amount"' in line["evidence"]
    # the --maps the summary names take the home amount, in the currency given for it
    again = [row[:1] + [f"2{row[1][1:]}"] + row[2:] for row in _rows(name)[1:]]
    import_file(admin, writer(tmp_path / f"home.{suffix}", [list(FILES[name])] + again), kind="orders",
                currency="USD", mapping={foreign: "-", currency: "-", home: "Amount"})
    assert {k: v for k, v in _stored(admin).items() if k.startswith("2")} == {
        "2001": (Decimal("1085"), "USD"), "2002": (Decimal("680"), "USD"), "2003": (Decimal("200"), "USD")}


def test_a_row_without_its_foreign_amount_is_not_stored_with_the_home_amount(admin, tmp_path):
    rows = _rows("quickbooks")
    rows[2][4] = ""
    result = import_file(admin, write_csv(tmp_path / "sales.csv", rows), kind="orders")
    stored = _stored(admin)
    assert stored["1001"] == (Decimal("1000"), "EUR") and stored["1003"] == (Decimal("200"), "USD")
    assert "1002" not in stored and result.rejected == 1, stored
