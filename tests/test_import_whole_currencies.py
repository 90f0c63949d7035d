"""--currency naming a currency with no minor unit (ISO 4217 exponent 0: JPY, KRW, VND,
IDR, CLP; babel's precision) settles "1,500" and "1.500" as thousands in amount columns,
and the summary says so; without it, or with a currency that has cents, they stop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services.records import list_records


def _amounts(admin) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])), o["currency"]) for o in list_records(admin, "order")}


@pytest.mark.parametrize("code,header,rows", [
    # headings and names in no language of a country using "¥" (a Japanese file is read as yen on its
    # own: test_import_currency_evidence)
    ("JPY", "Order ID,Order Date,Customer,Amount", ["A-1,2026/03/01,Yamada Taro,¥5000",
                                                    'A-3,2026/03/03,Sato Hanako,"¥1,500"']),
    ("KRW", "Order ID,Order Date,Customer,Amount", ["K-1,2026-03-01,김민준,5000", 'K-3,2026-03-03,이서연,"1,500"']),
    ("VND", "Order Number,Date,Customer Name,Total", ["V-1,2026-03-01,Nguyễn Văn An,5000", "V-3,2026-03-03,Trần Thị Bình,1.500"]),
    ("CLP", "Pedido,Fecha,Cliente,Monto", ["C-1,2026-03-01,Ana Pérez,$5000", "C-3,2026-03-03,Luis Soto,$1.500"]),
])
def test_a_currency_without_minor_unit_reads_one_separator_as_thousands(admin, tmp_path, code, header, rows):
    path = tmp_path / f"{code}.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:                    # nothing says which
        import_file(admin, path, kind="orders")
    assert "--decimal" in str(stop.value) and _amounts(admin) == {}
    result = import_file(admin, path, kind="orders", currency=code)
    said = [i for i in result.inferences if i["what"].startswith("decimal mark")]
    assert said and f"--currency {code}" in said[0]["evidence"] and "no minor unit" in said[0]["evidence"]
    assert sorted(a for a, _ in _amounts(admin).values()) == [Decimal(1500), Decimal(5000)]
    assert {c for _, c in _amounts(admin).values()} == {code}


def test_a_currency_with_cents_settles_the_separator_only_when_its_home_writes_one_mark(admin, tmp_path):
    """China writes a decimal point (CLDR zh_Hans_CN): "¥1,500" in yuan is 1,500, said in
    the summary. The euro is written both ways at home (de_DE "," and en_IE "."):
    "€1,500" still stops."""
    path = tmp_path / "cny.csv"
    path.write_text("Order ID,Order Date,Customer Name,Amount\nA-1,2026-03-01,Wang Fang,\"¥1,500\"\n",
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders", currency="CNY")
    assert {a for a, _ in _amounts(admin).values()} == {Decimal("1500")}
    assert any("decimal mark" in i["what"] and "point" in i["decided"] for i in result.inferences)
    eur = tmp_path / "eur.csv"
    eur.write_text("Order ID,Order Date,Customer Name,Amount\nA-2,2026-03-01,Anna Berg,\"€1,500\"\n",
                   encoding="utf-8")
    with pytest.raises(ImportRefused, match="Amount"):
        import_file(admin, eur, kind="orders", currency="EUR")


def test_a_dollar_amount_is_not_settled_by_a_yen_currency(admin, tmp_path):
    path = tmp_path / "usd.csv"
    path.write_text("Order ID,Order Date,Customer Name,Amount\nA-1,2026-03-01,Wang Fang,\"US$1,500\"\n"
                    "A-2,2026-03-01,Li Lei,\"$2,500\"\n", encoding="utf-8")
    with pytest.raises(ImportRefused):
        import_file(admin, path, kind="orders", currency="JPY")
    assert _amounts(admin) == {}
