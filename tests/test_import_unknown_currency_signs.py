"""An amount written with a sign no CLDR locale uses for a currency ("Qzx 1,200.00", "Kxz 1,200",
"1.200,00 Xq") is rejected naming that sign and how to write it, never read as a bare number."""
from __future__ import annotations

from decimal import Decimal

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import rejected_problems, write_csv


def test_amounts_with_an_unknown_sign_are_rejected_naming_the_sign(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [
        ["Order ID", "Customer", "Order Date", "Amount"],
        ["1", "Ann Lee", "2024-03-05", "Qzx 1,200.00"],   # (Dhs is the dirham now: AED or MAD, asked about)
        ["2", "Bob Ray", "2024-03-06", "Kxz 1,200.00"],
        ["3", "Cé Dúr", "2024-03-07", "350.50 Xq"],
        ["4", "王小明", "2024-03-08", "Zzk 99.00"],
        ["5", "Dee Kay", "2024-03-09", "120.00"],
    ])
    result = import_file(admin, path, kind="orders", currency="EUR")
    problems = rejected_problems(result)
    assert sorted(problems) == [2, 3, 4, 5]
    for row, sign in ((2, "'Qzx'"), (3, "'Kxz'"), (4, "'Xq'"), (5, "'Zzk'")):
        assert sign in problems[row] and "ISO code" in problems[row]
    assert [o["amount"] for o in records.list_records(admin, "order")] == [Decimal("120.00")]



def test_the_sol_written_with_its_old_dot_is_read_as_soles(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [
        ["Order ID", "Customer", "Order Date", "Amount"],
        ["1", "Ann Lee", "2024-03-05", "S/. 1,200.00"],
        ["2", "Bob Ray", "2024-03-06", "S/.350.50"],
        ["3", "Cé Dúr", "2024-03-07", "S/ 99.90"],
    ])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    got = sorted((o["amount"], o["currency"]) for o in records.list_records(admin, "order"))
    assert got == [(Decimal("99.90"), "PEN"), (Decimal("350.50"), "PEN"), (Decimal("1200.00"), "PEN")]
