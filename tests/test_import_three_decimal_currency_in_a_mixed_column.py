"""An amount column with rows in several currencies: "1.250" in a row whose currency has
three decimals (KWD, BHD, OMR, JOD: a decimal point at home) is 1.25 or 1250, and the
decimal comma other rows write ("2,5" EUR) is no evidence for it. Only its own rows are;
without them the import stops before writing, naming the column, the examples and
--decimal, and either answer then imports every row (the comma rows keep their comma)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import AmbiguousNumbers, import_file
from cims_xl.services import records


def amounts(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def orders_file(tmp_path, rows: list[tuple[str, str]]):
    path = tmp_path / "orders.csv"
    lines = ["Order Number,Customer,Order Date,Amount,Currency"]
    for n, (amount, code) in enumerate(rows, start=1):
        lines.append(f'{1000 + n},Kunde {n},2024-03-0{n},"{amount}",{code}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("code", ["KWD", "BHD", "OMR", "JOD"])
def test_a_comma_from_euro_rows_never_reads_a_three_decimal_amount_as_thousands(admin, tmp_path, code):
    path = orders_file(tmp_path, [("2,5", "EUR"), ("1.250", code), ("3,75", "EUR")])
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders")
    said = str(stop.value)
    assert "'Amount'" in said and f"'1.250' ({code})" in said and "--decimal point" in said
    assert amounts(admin) == {}
    import_file(admin, path, kind="orders", decimal="point")
    assert amounts(admin) == {"1001": (Decimal("2.5"), "EUR"), "1002": (Decimal("1.25"), code),
                              "1003": (Decimal("3.75"), "EUR")}


def test_the_other_answer_reads_it_as_thousands_and_a_value_with_one_reading_keeps_it(admin, tmp_path):
    path = orders_file(tmp_path, [("2,5", "EUR"), ("1.250", "KWD"), ("2.75", "USD")])
    import_file(admin, path, kind="orders", decimal="comma")
    assert amounts(admin) == {"1001": (Decimal("2.5"), "EUR"), "1002": (Decimal("1250"), "KWD"),
                              "1003": (Decimal("2.75"), "USD")}


def test_its_own_rows_writing_a_point_beside_euro_commas_stop_and_the_answer_reads_every_row(admin, tmp_path):
    path = orders_file(tmp_path, [("2,5", "EUR"), ("1.250", "KWD"), ("1,250.500", "KWD")])
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders")
    assert "'1,250.500'" in str(stop.value) and "keep that reading" in str(stop.value)
    import_file(admin, path, kind="orders", decimal="point")
    assert amounts(admin) == {"1001": (Decimal("2.5"), "EUR"), "1002": (Decimal("1.25"), "KWD"),
                              "1003": (Decimal("1250.5"), "KWD")}
