"""--value names what a currency symbol several currencies share stands for in the
amounts too, not only in a Currency column ("lei=RON", "kr=SEK"; try25f #12), and the
stop says so; a recently withdrawn currency's own symbol ("kn", Croatia's kuna until
2023) reads as that currency. Small files of our own; values read back from a real
encrypted store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.errors import CimsError
from cims_xl.importer import import_file
from cims_xl.services import records


def write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"])
            for o in records.list_records(session, "order")}


@pytest.mark.parametrize("cells, value, code, amounts", [
    (['"2.500,00 lei"', '"1 234,50 lei"'], "lei=RON", "RON", ["2500.00", "1234.50"]),
    (['"2.500,00 lei"', '"12,00 lei"'], "lei=MDL", "MDL", ["2500.00", "12.00"]),
    (['"1 234,50 kr"', '"99,00 kr"'], "kr=SEK", "SEK", ["1234.50", "99.00"]),
    (['"kr 1.234,50"', '"kr 99,00"'], "KR=NOK", "NOK", ["1234.50", "99.00"]),
])
def test_a_shared_symbol_in_the_amounts_is_the_currency_value_names(admin, tmp_path, cells, value, code, amounts):
    path = write(tmp_path, "orders.csv", ["Order ID,Order Date,Customer,Amount"]
                 + [f"P{i},2024-03-05,Kunde {i},{c}" for i, c in enumerate(cells, 1)])
    with pytest.raises(CimsError) as caught:
        import_file(admin, path, kind="orders")
    assert "--value" in str(caught.value)           # the stop names the option for the amounts too
    result = import_file(admin, path, kind="orders", values=[value])
    assert any(i["decided"] == code and "--value" in i["evidence"] for i in result.inferences)
    got = stored(admin)
    for i, amount in enumerate(amounts, 1):
        assert got[f"P{i}"] == (Decimal(amount), code)


def test_a_value_naming_a_currency_the_symbol_is_not_written_for_stops(admin, tmp_path):
    path = write(tmp_path, "orders.csv", ["Order ID,Order Date,Customer,Amount", 'P1,2024-03-05,A,"2.500,00 lei"'])
    with pytest.raises(CimsError) as caught:
        import_file(admin, path, kind="orders", values=["lei=EUR"])
    assert "MDL" in str(caught.value) and "RON" in str(caught.value) and "not EUR" in str(caught.value)
    assert records.list_records(admin, "order") == []


@pytest.mark.parametrize("cell, amount", [('"1.234,50 kn"', "1234.50"), ("kn 12", "12"), ('"12,00 kn"', "12.00")])
def test_the_kunas_own_symbol_reads_as_hrk(admin, tmp_path, cell, amount):
    path = write(tmp_path, "narudzbe.csv", ["Order ID,Order Date,Customer,Amount", f"H1,2022-03-05,Ivo Horvat,{cell}"])
    result = import_file(admin, path, kind="orders")
    assert result.created == 1 and result.rejected == 0
    assert stored(admin)["H1"] == (Decimal(amount), "HRK")
