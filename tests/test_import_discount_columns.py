"""A Discount column decided on all its values (issue 14): the store keeps a discount as
a share of the price (0.15). A column that writes "0.50" beside "10.00" cannot be shares
of 1 (10 is no share), so its values up to 1 read two ways and are left empty with a
warning, never stored as 50 %; a heading that says % ("Discount %", "Rabatt (%)",
"折扣率 %") makes its bare numbers percent points."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def _discounts(session) -> dict[str, object]:
    return {o["order_number"]: o["discount"] for o in records.list_records(session, "order")}


def _notes(session) -> dict[str, str]:
    return {o["order_number"]: o["notes"] or "" for o in records.list_records(session, "order")}


def _write(tmp_path, suffix, header, discounts):
    rows = [(f"D{i}", f"Kunde {i}", f"k{i}@example.com", "2024-03-05", "50.00", d)
            for i, d in enumerate(discounts, 1)]
    head = ["Order ID", "Customer Name", "Email", "Order Date", "Amount", header]
    path = tmp_path / f"orders.{suffix}"
    if suffix == "csv":
        path.write_text(",".join(head) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows),
                        encoding="utf-8")
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(head)
        for r in rows:
            ws.append([*r[:4], 50.0, float(r[5]) if suffix == "xlsx-numbers" else r[5]])
        path = tmp_path / "orders.xlsx"
        wb.save(path)
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "xlsx-numbers"])
@pytest.mark.parametrize("header", ["Discount", "Rabatt", "折扣"])
def test_shares_beside_numbers_above_one_are_left_empty_never_stored_as_a_guess(admin, tmp_path, suffix, header):
    path = _write(tmp_path, suffix, header, ["0.50", "10.00", "0.00", "0.25", "5.00"])
    result = import_file(admin, path, kind="orders", currency="EUR")
    assert result.created == 5
    got = _discounts(admin)
    assert got["D1"] is None and got["D4"] is None          # 50 % or 0.5 %? not stored
    assert got["D2"] is None and got["D5"] is None          # 10 is no share of the price
    assert Decimal(str(got["D3"])) == 0
    notes = _notes(admin)
    assert "0.5" in notes["D1"] and "10" in notes["D2"]     # what the file said is kept
    said = [i for i in result.as_dict()["inferences"] if i["what"] == f"percentages in '{header}'"]
    assert said and "left empty" in said[0]["decided"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_column_of_shares_of_one_is_stored_as_written(admin, tmp_path, suffix):
    # "0.50", "0.10" written with cents beside amounts with cents: 50 % or 0.50 off? asked
    # (importer.discount_reading); --discount share settles it
    path = _write(tmp_path, suffix, "Discount", ["0.50", "0.10", "0", "0.25"])
    with pytest.raises(ImportRefused):
        import_file(admin, path, kind="orders", currency="EUR")
    import_file(admin, path, kind="orders", currency="EUR", discount="share")
    got = {k: Decimal(str(v)) for k, v in _discounts(admin).items()}
    assert got == {"D1": Decimal("0.5"), "D2": Decimal("0.1"), "D3": 0, "D4": Decimal("0.25")}


@pytest.mark.parametrize("header", ["Discount %", "Discount (%)", "% Discount", "折扣率 %"])
def test_a_heading_that_says_percent_makes_bare_numbers_percent_points(admin, tmp_path, header):
    path = _write(tmp_path, "csv", header, ["10", "0.5", "15", "1"])
    result = import_file(admin, path, kind="orders", currency="EUR")
    assert (result.created, result.warnings) == (4, 0)
    got = {k: Decimal(str(v)) for k, v in _discounts(admin).items()}
    assert got == {"D1": Decimal("0.1"), "D2": Decimal("0.005"), "D3": Decimal("0.15"), "D4": Decimal("0.01")}
    said = [i for i in result.as_dict()["inferences"] if i["what"] == f"percentages in '{header}'"]
    assert said and said[0]["decided"].startswith("percent points")


def test_percent_signs_in_a_discount_column_are_shares_of_the_price_whatever_the_heading(admin, tmp_path):
    path = _write(tmp_path, "csv", "Discount %", ["25%", "12.5 %", "0%"])
    import_file(admin, path, kind="orders", currency="EUR")
    got = {k: Decimal(str(v)) for k, v in _discounts(admin).items()}
    assert got == {"D1": Decimal("0.25"), "D2": Decimal("0.125"), "D3": 0}
