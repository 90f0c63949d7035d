"""A Discount column of .xlsx NUMBER cells is weighed by the rule text cells are
(importer.discount_reading), on the text Excel shows for them: 0.5, 0.75, 0.25 formatted
"0.00" (as the prices beside them) show "0.50", "0.75", "0.25" — cents as money writes
them — so the import stops before writing, naming the column, examples and --discount
share|amount, which then import the file right; cells formatted as money ("$"0.00) are
money off (kept in Notes, said in the summary) and cells formatted as percentages are
shares. Workbooks written by the tests, stored values read back from a real encrypted
store."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records


def _book(tmp_path, header: str, fmt: str, discounts=(0.5, 0.75, 0.25), name="orders.xlsx", prefix="U"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order ID", "Order Date", "Customer", "Amount", "Currency", header])
    for i, (amount, discount) in enumerate(zip((19.5, 45.0, 9.75), discounts), start=1):
        ws.append([f"{prefix}{i}", f"2024-03-0{i + 4}", "Acme Inc", amount, "USD", discount])
        ws.cell(i + 1, 4).number_format = "#,##0.00"
        ws.cell(i + 1, 6).number_format = fmt
    path = tmp_path / name
    wb.save(path)
    return path


def _stored(session) -> dict[str, tuple]:
    return {o["order_number"]: (None if o["discount"] is None else Decimal(str(o["discount"])).normalize(),
                                o["notes"] or "") for o in records.list_records(session, "order")}


@pytest.mark.parametrize("header", ["Discount", "Rabatt", "折扣", "Remise"])
@pytest.mark.parametrize("fmt", ["0.00", "#,##0.00"])
def test_number_cells_shown_with_cents_stop_until_the_option_says_share_or_amount(admin, tmp_path, header, fmt):
    path = _book(tmp_path, header, fmt)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    said = str(stop.value)
    assert f"'{header}'" in said and "'0.50'" in said and "--discount share" in said and "--discount amount" in said
    assert "Nothing was imported" in said and records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", discount="share")
    assert {k: d for k, (d, _) in _stored(admin).items()} == {
        "U1": Decimal("0.5"), "U2": Decimal("0.75"), "U3": Decimal("0.25")}
    import_file(admin, _book(tmp_path, header, fmt, name="more.xlsx", prefix="V"), kind="orders", discount="amount")
    stored = _stored(admin)
    assert stored["V1"][0] is None and f"{header}: 0.5" in stored["V1"][1]      # money off, in Notes


def test_number_cells_formatted_as_money_are_money_off_kept_in_notes_and_said(admin, tmp_path):
    result = import_file(admin, _book(tmp_path, "Discount", '"$"#,##0.00'), kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    line = next(i for i in result.inferences if i["what"] == "discount in 'Discount'")
    assert line["decided"] == "money off, kept in Notes"
    stored = _stored(admin)
    assert all(d is None for d, _ in stored.values())
    assert "Discount" in stored["U1"][1] and "0.5" in stored["U1"][1]
    # the same values formatted as percentages are shares, stored as such
    pct = import_file(admin, _book(tmp_path, "Discount", "0%", name="pct.xlsx", prefix="P"), kind="orders")
    assert (pct.created, pct.rejected) == (3, 0)
    assert {k: d for k, (d, _) in _stored(admin).items() if k.startswith("P")} == {
        "P1": Decimal("0.5"), "P2": Decimal("0.75"), "P3": Decimal("0.25")}
