"""An amount column without a Currency column whose cells name their currency: "KWD 1.250",
"1.250 KD", "د.ك 1.250" beside euro commas ("€1.234,50") is 1.25 or 1250, exactly as when
the row's Currency names KWD. The import stops before writing, naming the column, the value
and --decimal; either answer then imports every row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import AmbiguousNumbers, import_file
from cims_xl.services import records


def amounts(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def orders_file(tmp_path, cells: list[str]):
    path = tmp_path / "orders.csv"
    lines = ["Order Number,Customer,Order Date,Amount"]
    for n, amount in enumerate(cells, start=1):
        lines.append(f'{1000 + n},Kunde {n},2024-03-0{n},"{amount}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cell,code", [("KWD 1.250", "KWD"), ("1.250 KWD", "KWD"), ("KD 1.250", "KWD"),
                                       ("KD1.250", "KWD"), ("د.ك 1.250", "KWD"), ("1.250 د.ك", "KWD"),
                                       ("BHD 1.250", "BHD"), ("1.250 BD", "BHD"), ("OMR 1.250", "OMR")])
def test_a_three_decimal_currency_written_in_the_cell_beside_euro_commas_stops_naming_decimal(admin, tmp_path, cell, code):
    path = orders_file(tmp_path, ["€1.234,50", "€12,50", cell])
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders")
    said = str(stop.value)
    assert "'Amount'" in said and f"({code})" in said and "--decimal point" in said
    assert amounts(admin) == {}
    import_file(admin, path, kind="orders", decimal="point")
    stored = amounts(admin)
    assert stored["1003"] == (Decimal("1.25"), code)


def test_after_the_stop_the_comma_answer_reads_the_named_three_decimal_value_as_thousands(admin, tmp_path):
    path = orders_file(tmp_path, ["€1.234,50", "€12,50", "KWD 1.250"])
    with pytest.raises(AmbiguousNumbers):
        import_file(admin, path, kind="orders")
    import_file(admin, path, kind="orders", decimal="comma")
    assert amounts(admin) == {"1001": (Decimal("1234.50"), "EUR"), "1002": (Decimal("12.50"), "EUR"),
                              "1003": (Decimal("1250"), "KWD")}
