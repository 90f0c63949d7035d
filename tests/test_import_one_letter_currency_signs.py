"""A currency sign of one letter ("R 1,200.00" rand, "Q150.00" quetzal) or a shortened one
("Bs." / "Bs": Bolivia's boliviano and Venezuela's Bs.S) is read before a number as the
currency CLDR gives it in some locale; one several currencies use stops the import naming
--currency and the candidates; never after a number ("12K" is no kwacha)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import rejected_problems, write_csv, write_xlsx


def _orders(admin):
    return sorted((o["order_number"], o["amount"], o["currency"]) for o in records.list_records(admin, "order"))


@pytest.mark.parametrize("cells, amounts, code", [
    (("R 1,200.00", "R 12,000.50", "R99.90"), ("1200.00", "12000.50", "99.90"), "ZAR"),
    (("Q 150.00", "Q1,200.00", "Q 7.25"), ("150.00", "1200.00", "7.25"), "GTQ"),
    (("P 1,500.00", "P20.00", "P 3.10"), ("1500.00", "20.00", "3.10"), "BWP"),
])
def test_a_one_letter_sign_before_the_number_is_read_as_its_currency(admin, tmp_path, cells, amounts, code):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Customer", "Order Date", "Amount"]]
                     + [[f"N-{i}", f"Kunde {i}", f"2024-03-0{i + 1}", c] for i, c in enumerate(cells)])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (3, 0)
    assert _orders(admin) == [(f"N-{i}", Decimal(a), code) for i, a in enumerate(amounts)]
    said = " ".join(f"{i['what']} {i['decided']} {i.get('evidence', '')}" for i in result.inferences)
    assert code in said


def test_the_rand_with_a_space_as_grouping_is_read_and_a_letter_after_a_number_is_no_currency(admin, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", [["Order ID", "Customer", "Order Date", "Amount"],
                                            ["1", "Ann Lee", "2024-03-05", "R 1 200,00"],
                                            ["2", "Bob Ray", "2024-03-06", "R 350,50"],
                                            ["3", "Cy Dee", "2024-03-07", "99,00 R"]])
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == [("1", Decimal("1200.00"), "ZAR"), ("2", Decimal("350.50"), "ZAR")]
    assert list(rejected_problems(result)) == [4] and "'R'" in rejected_problems(result)[4]


@pytest.mark.parametrize("cells, candidates", [
    (("K 500.00", "K1,200.00"), ("MMK", "PGK", "ZMW")),
    (("L 100.00", "L 250.00"), ("HNL", "MDL")),
    (("Bs. 100,00", "Bs. 1.250,00"), ("BOB", "VES")),
    (("Bs 100,00", "Bs 1.250,00"), ("BOB", "VES")),
])
def test_a_sign_several_currencies_use_stops_naming_the_option_and_the_candidates(admin, tmp_path, cells, candidates):
    rows = [["Order ID", "Customer", "Order Date", "Amount"]] + [
        [f"N-{i}", f"Kunde {i}", f"2024-03-0{i + 1}", c] for i, c in enumerate(cells)]
    path = write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "--currency" in str(stop.value) and all(c in str(stop.value) for c in candidates)
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders", currency=candidates[-1])
    assert (result.created, result.rejected) == (2, 0)
    assert {g[2] for g in _orders(admin)} == {candidates[-1]}
