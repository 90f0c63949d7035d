"""A multicurrency report with an Exchange Rate column beside the amount in the row's currency
(QuickBooks "Foreign Amount", Kingdee 原币金额, SAP "Betrag in Fremdwährung") and the home
amount ("Amount", 本位币金额, "Betrag"): each row's home amount is checked against the foreign
amount × the rate, within the rounding of the home currency's minor unit and of the rate as
written. Every row agreeing (or every row agreeing with the rate written the other way, home
per foreign) is said; rows that contradict it stop the file before writing, naming the three
columns, the rows and the option."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx

# (customer, number, date, currency, rate, foreign amount, home amount)
FILES = {
    "quickbooks": ("Customer", "Num", "Date", "Currency", "Exchange Rate", "Foreign Amount", "Amount"),
    "kingdee": ("客户名称", "单据编号", "单据日期", "币别", "汇率", "原币金额", "本位币金额"),
    "sap-german": ("Kunde", "Belegnummer", "Datum", "Währung", "Kurs", "Betrag in Fremdwährung", "Betrag"),
}
ROWS = [("Acme GmbH", "1001", "2024-03-05", "EUR", "1.085", "1000.00", "1085.00"),
        ("Beta Ltd", "1002", "2024-03-06", "GBP", "1.36", "500.00", "680.00"),
        ("Chen Co", "1003", "2024-03-07", "JPY", "0.006712", "12345", "82.86"),
        ("Dee Inc", "1004", "2024-03-08", "USD", "1", "200.00", "200.00")]


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


def _rows(name: str, rows=ROWS) -> list[list[str]]:
    return [list(FILES[name])] + [list(r) for r in rows]


EXPECTED = {"1001": (Decimal("1000"), "EUR"), "1002": (Decimal("500"), "GBP"), "1003": (Decimal("12345"), "JPY"),
            "1004": (Decimal("200"), "USD")}


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_rows_whose_home_amount_is_the_foreign_amount_times_the_rate_import_and_are_said(
        admin, tmp_path, name, writer, suffix):
    settings.set_store_currency(admin, "USD")
    result = import_file(admin, writer(tmp_path / f"s.{suffix}", _rows(name)), kind="orders")
    assert _stored(admin) == EXPECTED
    _c, _n, _d, _cur, rate, foreign, home = FILES[name]
    (line,) = [i for i in result.inferences if i["what"] == f"exchange rate in '{rate}'"]
    assert f"'{home}'" in line["decided"] and f"'{foreign}'" in line["decided"] and "4 row(s)" in line["decided"]


@pytest.mark.parametrize("name", list(FILES))
def test_a_row_whose_home_amount_contradicts_the_rate_stops_naming_the_columns_and_the_row(admin, tmp_path, name):
    settings.set_store_currency(admin, "USD")
    rows = list(ROWS)
    rows[1] = rows[1][:6] + ("700.00",)             # 500.00 GBP × 1.36 is 680.00
    path = write_csv(tmp_path / "s.csv", _rows(name, rows))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    _c, _n, _d, _cur, rate, foreign, home = FILES[name]
    message = stop.value.message
    assert all(f"'{h}'" in message for h in (rate, foreign, home)) and "700" in message and "680" in message
    assert f'--map "{rate}=-"' in message and _stored(admin) == {}
    import_file(admin, path, kind="orders", mapping={rate: "-"})
    assert _stored(admin) == EXPECTED


def test_a_rate_written_as_foreign_per_home_on_every_row_is_read_so_and_said(admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    rows = [r[:4] + (rate,) + r[5:] for r, rate in zip(ROWS, ("0.921659", "0.735294", "148.99", "1"))]
    result = import_file(admin, write_csv(tmp_path / "s.csv", _rows("quickbooks", rows)), kind="orders")
    assert _stored(admin) == EXPECTED
    (line,) = [i for i in result.inferences if i["what"] == "exchange rate in 'Exchange Rate'"]
    assert "÷" in line["decided"]


def test_amounts_within_the_home_currencys_rounding_agree_and_beyond_it_do_not(admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    near = [("Acme GmbH", "1001", "2024-03-05", "EUR", "1.0851", "333.33", "361.70")]   # 361.6964 rounds to 361.70
    import_file(admin, write_csv(tmp_path / "a.csv", _rows("quickbooks", near)), kind="orders")
    assert _stored(admin) == {"1001": (Decimal("333.33"), "EUR")}
    far = [("Beta Ltd", "2001", "2024-03-05", "EUR", "1.0851", "333.33", "361.75")]
    with pytest.raises(ImportRefused):
        import_file(admin, write_csv(tmp_path / "b.csv", _rows("quickbooks", far)), kind="orders")
