"""Amount notations read the wrong way without a word (try27f A3, B4, C10): three digits
after the decimal mark in a currency with two, a trailing dash meaning "exact amount",
金…円也, and the Japanese ▲/△ minus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def _write(tmp_path, text: str, name="orders.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _amounts(admin) -> dict:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"])
            for o in records.list_records(admin, "order")}


@pytest.mark.parametrize("sep,mark,currency,cells", [
    (",", ".", "USD", ["12.50", "3.000", "1.250", "99.99"]),
    (";", ",", "EUR", ["12,50", "3,000", "1,250", "99,99"]),
    (",", ".", "GBP", ["£12.50", "£3.000", "£1.250", "£99.99"]),
    (";", ",", "BRL", ["12,50", "7,500", "2,000", "99,99"]),
])
def test_three_places_in_a_two_decimal_currency_stop_naming_the_column_and_decimal(
        admin, tmp_path, sep, mark, currency, cells):
    lines = [sep.join(["Order ID", "Order Date", "Customer", "Amount", "Currency"])]
    lines += [sep.join([str(i), f"2024-03-0{i}", "Acme", c, currency]) for i, c in enumerate(cells, 1)]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ImportRefused) as info:
        import_file(admin, path, kind="orders")
    message = str(info.value)
    assert "'Amount'" in message and f"'{cells[1]}'" in message and "--decimal" in message
    assert "three decimal places" in message and "Nothing was imported" in message
    word = "point" if mark == "." else "comma"
    other = "comma" if mark == "." else "point"
    assert f"--decimal {word}" in message and f"--decimal {other}" not in message   # it would refuse 12.50
    assert records.list_records(admin, "order") == []
    # three places in a currency that has three (KWD, BHD) are its fils
    three = "\n".join(line.replace(currency, "KWD").replace("£", "") for line in lines) + "\n"
    import_file(admin, _write(tmp_path, three, "kwd.csv"), kind="orders")
    assert _amounts(admin)["2"] == (Decimal(cells[1].lstrip("£").replace(",", ".")), "KWD")


@pytest.mark.parametrize("cells,want", [
    (['"¥12,000-"', '"¥3,300-"', '"¥55,000-"'], ["12000", "3300", "55000"]),
    (['"金12,000円也"', '"12,000円"', '"￥3,300-"'], ["12000", "12000", "3300"]),
    (['"金5,000円也"', '"¥1,200"', '"¥8,800-"'], ["5000", "1200", "8800"]),
])
def test_a_japanese_exact_amount_dash_or_kin_nari_is_the_amount_not_a_minus(admin, tmp_path, cells, want):
    text = "注文番号,注文日,顧客名,金額\n" + "".join(
        f"J{i},2024/03/0{i},株式会社山田,{c}\n" for i, c in enumerate(cells, 1))
    result = import_file(admin, _write(tmp_path, text), kind="orders")
    assert result.created == 3
    assert _amounts(admin) == {f"J{i}": (Decimal(w), "JPY") for i, w in enumerate(want, 1)}


def test_a_double_dash_for_no_cents_is_zero_cents_not_a_minus(admin, tmp_path):
    text = ("Bestellnummer;Datum;Kunde;Betrag;Währung\nD1;01.03.2024;Müller GmbH;12,-;EUR\n"
            "D2;02.03.2024;Müller GmbH;1.200,-;EUR\nD3;03.03.2024;Müller GmbH;€ 250,--;EUR\n"
            "D4;04.03.2024;Müller GmbH;99,–;EUR\nD5;05.03.2024;Müller GmbH;75,——;EUR\n")
    result = import_file(admin, _write(tmp_path, text), kind="orders")
    assert result.created == 5
    assert _amounts(admin) == {"D1": (Decimal("12"), "EUR"), "D2": (Decimal("1200"), "EUR"),
                               "D3": (Decimal("250"), "EUR"), "D4": (Decimal("99"), "EUR"),
                               "D5": (Decimal("75"), "EUR")}


@pytest.mark.parametrize("minus", ["▲", "△"])
@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_a_japanese_triangle_minus_says_the_column_groups_thousands(admin, tmp_path, minus, currency):
    text = ("注文番号,注文日,顧客名,金額\n" f'J1,2024/03/01,山田商事,"{minus}1,200"\n'
            'J2,2024/03/02,山田商事,"5,600"\n' 'J3,2024/03/03,山田商事,"7,250"\n')
    result = import_file(admin, _write(tmp_path, text), kind="orders", currency=currency)
    assert (result.created, result.rejected) == (2, 1)       # an order is never negative: -1200 is refused
    assert _amounts(admin) == {"J2": (Decimal("5600"), currency), "J3": (Decimal("7250"), currency)}
    said = next(i for i in result.inferences if i["what"] == "decimal mark in '金額'")
    assert said["decided"] == "point" and "Japanese minus" in said["evidence"]
