"""A Discount column of values up to 1 written with cents ("0.50", "0.75") and no % sign,
heading or currency: a share of the price or money off? The import stops before
writing, naming the column, examples and --discount share|amount, which then imports
the file right; evidence in the column decides without it (importer.discount_reading)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

WRITERS = pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])


def _orders(tmp_path, writer, suffix, header, discounts, amounts=("19.50", "45.00", "9.75"), comma=False):
    rows = [["Order ID", "Order Date", "Customer", "Amount", "Currency", header]]
    for i, (a, d) in enumerate(zip(amounts, discounts), start=1):
        if comma:
            a, d = a.replace(".", ","), d.replace(".", ",")
        rows.append([f"U{i}", f"2024-03-0{i + 4}", "Acme Inc", a, "USD", d])
    return writer(tmp_path / f"orders.{suffix}", rows, **({"delimiter": ";"} if comma else {}))


def _stored(session) -> dict[str, tuple]:
    return {o["order_number"]: (None if o["discount"] is None else Decimal(str(o["discount"])).normalize(),
                                o["notes"] or "") for o in records.list_records(session, "order")}


@WRITERS
@pytest.mark.parametrize("header", ["Discount", "Rabatt", "折扣", "Descuento"])
@pytest.mark.parametrize("discounts", [("0.50", "0.75", "0.25"), ("0.10", "0.05", "0.20")])
def test_discounts_up_to_one_written_with_cents_stop_until_the_option_says_share_or_amount(
        admin, tmp_path, writer, suffix, header, discounts):
    f = _orders(tmp_path, writer, suffix, header, discounts)
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, f, kind="orders", dry_run=dry)
    said = str(stop.value)
    assert f"'{header}'" in said and f"'{discounts[0]}'" in said and "--discount share" in said
    assert "--discount amount" in said and "Nothing was imported" in said
    assert records.list_records(admin, "order") == []
    import_file(admin, f, kind="orders", discount="amount")
    stored = _stored(admin)
    assert {k: d for k, (d, _) in stored.items()} == {"U1": None, "U2": None, "U3": None}
    assert f"{header}: {discounts[0]}" in stored["U1"][1]


@pytest.mark.parametrize("comma", [False, True], ids=["point", "comma"])
def test_the_share_option_stores_the_values_as_shares_of_the_price(admin, tmp_path, comma):
    f = _orders(tmp_path, write_csv, "csv", "Discount", ("0.50", "0.75", "0.25"), comma=comma)
    with pytest.raises(ImportRefused):
        import_file(admin, f, kind="orders", decimal="comma" if comma else None)
    import_file(admin, f, kind="orders", discount="share", decimal="comma" if comma else None)
    assert {k: d for k, (d, _) in _stored(admin).items()} == {"U1": Decimal("0.5"), "U2": Decimal("0.75"),
                                                               "U3": Decimal("0.25")}


@pytest.mark.parametrize("discounts, shares", [
    (("0.50", "15%", "0.25"), ("0.5", "0.15", "0.25")),          # a % in the column: shares
    (("0.5", "0.2", "0.25"), ("0.5", "0.2", "0.25")),           # written as shares are, not as money
    (("0.125", "0.50", "0.25"), ("0.125", "0.5", "0.25")),
    (("0.15", "0.25", "0.35"), ("0.15", "0.25", "0.35")),       # no cents written with a zero
])
def test_a_column_whose_values_say_shares_is_read_so_without_the_option(admin, tmp_path, discounts, shares):
    with pytest.raises(ImportRefused):          # without the evidence: asked
        import_file(admin, _orders(tmp_path, write_csv, "csv", "Discount", ("0.50", "0.25", "0.10")), kind="orders")
    import_file(admin, _orders(tmp_path, write_csv, "csv", "Discount", discounts), kind="orders")
    assert [d for d, _ in _stored(admin).values()] == [Decimal(s) for s in shares]


@pytest.mark.parametrize("header, stored", [
    ("Discount Rate", ("0.5", "0.1", "0.2")), ("折扣率", ("0.5", "0.1", "0.2")),
    ("Rabatt %", ("0.005", "0.001", "0.002")),           # percent points under a % heading: 0.50 %
])
def test_a_heading_saying_rate_or_percent_reads_the_values_without_asking(admin, tmp_path, header, stored):
    with pytest.raises(ImportRefused):          # under a plain "Discount": asked
        import_file(admin, _orders(tmp_path, write_csv, "csv", "Discount", ("0.50", "0.10", "0.20")), kind="orders")
    import_file(admin, _orders(tmp_path, write_csv, "csv", header, ("0.50", "0.10", "0.20")), kind="orders")
    assert [d for d, _ in _stored(admin).values()] == [Decimal(s) for s in stored]


def test_discounts_naming_a_currency_are_money_off_kept_in_notes(admin, tmp_path):
    f = _orders(tmp_path, write_csv, "csv", "Discount", ("$0.50", "$0.70", "$0.25"))
    result = import_file(admin, f, kind="orders")
    stored = _stored(admin)
    assert [d for d, _ in stored.values()] == [None, None, None]
    assert "Discount: $0.50" in stored["U1"][1]
    assert any(i["what"] == "discount in 'Discount'" and "money off" in i["decided"] for i in result.inferences)
