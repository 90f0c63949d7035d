"""An amount heading that names a currency ("Amount (yen)", "Betrag (EUR)", "金额(美元)",
"Total ¥", "Amount ($)") beside a Currency column: rows whose Currency agrees with the
heading import as they are, and the summary says both columns agree; a Currency naming
another currency on some rows ("USD" under "Amount (yen)") is two statements about one
amount, and the file stops before writing, naming both columns, the rows and the options:
--map "CURRENCY COLUMN=-" (the heading's currency for every row) or --map "CURRENCY
COLUMN=Currency" (each row's Currency). Reads back the stored orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx

# (order no, customer, date, amount heading, currency heading), the heading's currency, one it is not
FILES = {
    "english-yen": (("Order No", "Customer", "Order Date", "Amount (yen)", "Currency"), "JPY", "USD"),
    "german-eur": (("Auftragsnummer", "Kunde", "Auftragsdatum", "Betrag (EUR)", "Währung"), "EUR", "USD"),
    "chinese-usd": (("订单号", "客户名称", "下单日期", "金额(美元)", "币种"), "USD", "CNY"),
    "yen-sign": (("Order No", "Customer", "Order Date", "Total ¥", "Currency"), "JPY", "USD"),
    "dollar-sign": (("Order No", "Customer", "Order Date", "Amount ($)", "Currency"), "USD", "EUR"),
}


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in records.list_records(session, "order")}


def _rows(name: str, other: bool) -> list[list[str]]:
    head, code, foreign = FILES[name]
    return [list(head), ["1001", "Acme GmbH", "2024-03-05", "1200", code],
            ["1002", "Beta Ltd", "2024-03-06", "500", foreign if other else code],
            ["1003", "Chen Co", "2024-03-07", "300", code]]


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_a_currency_column_naming_another_currency_than_the_heading_stops_naming_both(
        admin, tmp_path, name, writer, suffix):
    head, code, foreign = FILES[name]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, writer(tmp_path / f"o.{suffix}", _rows(name, other=True)), kind="orders")
    message = stop.value.message
    assert f"'{head[3]}'" in message and f"'{head[4]}'" in message and foreign in message, message
    assert f'--map "{head[4]}=-"' in message and f'--map "{head[4]}=Currency"' in message
    assert "Nothing was imported" in message and _orders(admin) == {}


@pytest.mark.parametrize("name", list(FILES))
def test_the_options_the_stop_names_import_the_file_either_way(admin, tmp_path, name):
    head, code, foreign = FILES[name]
    settings.set_store_currency(admin, code)        # what "¥" alone is without the Currency column
    path = write_csv(tmp_path / "o.csv", _rows(name, other=True))
    with pytest.raises(ImportRefused):
        import_file(admin, path, kind="orders")
    result = import_file(admin, path, kind="orders", mapping={head[4]: "-"})
    assert _orders(admin) == {"1001": (Decimal("1200"), code), "1002": (Decimal("500"), code),
                              "1003": (Decimal("300"), code)}
    again = [[f"2{r[0][1:]}"] + r[1:] for r in _rows(name, other=True)[1:]]
    result = import_file(admin, write_csv(tmp_path / "p.csv", [list(head)] + again), kind="orders",
                         mapping={head[4]: "Currency"})
    assert {k: v for k, v in _orders(admin).items() if k.startswith("2")} == {
        "2001": (Decimal("1200"), code), "2002": (Decimal("500"), foreign), "2003": (Decimal("300"), code)}
    said = [i for i in result.inferences if i["what"] == f"currency of '{head[3]}'"]
    assert said and head[4] in said[0]["decided"] + said[0]["evidence"], result.inferences


@pytest.mark.parametrize("name", list(FILES))
def test_a_currency_column_agreeing_with_the_heading_imports_and_is_said(admin, tmp_path, name):
    head, code, _foreign = FILES[name]
    result = import_file(admin, write_csv(tmp_path / "o.csv", _rows(name, other=False)), kind="orders")
    assert _orders(admin) == {"1001": (Decimal("1200"), code), "1002": (Decimal("500"), code),
                              "1003": (Decimal("300"), code)}
    (line,) = [i for i in result.inferences if i["what"] == f"currency of '{head[3]}'"]
    assert code in line["decided"] and f"'{head[4]}'" in line["evidence"]
