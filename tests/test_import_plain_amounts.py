"""An amount written without a currency in a file whose other amounts all name one
("12,000원", "₩1,500" and a bare "3,000") is in that currency, not in the store's, and
the summary says so with the evidence; where only a few amounts name a currency among
many bare ones, the import stops naming the column, rows and --currency (issue 14:
never silently wrong)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services.records import list_records
from table_files import write_rows as _write


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (Decimal(str(o["amount"])).normalize(), o["currency"])
            for o in list_records(session, "order")}


def _line(result):
    return next((i for i in result.inferences if i["what"] == "currency of amounts written without one"), None)




def test_a_bare_amount_among_won_amounts_is_in_won_and_the_summary_says_why(admin, tmp_path):
    src = _write(tmp_path / "주문.csv", [["주문번호", "고객명", "주문일", "금액"],
                                        ["K1", "김민준", "2024-03-05", "12,000원"],
                                        ["K2", "이서연", "2024-03-28", "₩1,500"],
                                        ["K3", "박지훈", "2024-04-01", "3,000"],
                                        ["K4", "최유나", "2024-04-02", "5,500원"]])
    result = import_file(admin, src, kind="orders")
    assert _orders(admin)["K3"] == (Decimal("3000"), "KRW")
    assert {c for _, c in _orders(admin).values()} == {"KRW"}
    line = _line(result)
    assert line["decided"] == "KRW" and "row 4: '3,000'" in line["evidence"] and "12,000원" in line["evidence"]
    assert "--currency" in line["evidence"]
    assert not result.currency_notes()          # no "taken as CNY, the store's currency"


@pytest.mark.parametrize("name", ["orders.csv", "orders.xlsx"])
def test_a_bare_amount_among_euro_amounts_is_in_euros_in_csv_and_as_a_number_cell(admin, tmp_path, name):
    plain = 30 if name.endswith(".xlsx") else "30.00"           # a number cell in the workbook
    src = _write(tmp_path / name, [["Order ID", "Customer", "Order Date", "Amount"],
                                   ["E1", "Anna", "2024-03-05", "€12.00"], ["E2", "Bob", "2024-03-06", "15,50 €"],
                                   ["E3", "Carl", "2024-03-07", plain], ["E4", "Dora", "2024-03-08", "EUR 7.00"]])
    result = import_file(admin, src, kind="orders")
    assert _orders(admin)["E3"] == (Decimal("30"), "EUR")
    assert _line(result)["decided"] == "EUR"


def test_a_blank_currency_cell_among_rows_of_one_currency_takes_it(admin, tmp_path):
    src = _write(tmp_path / "orders.csv", [["Order ID", "Customer", "Order Date", "Amount", "Currency"],
                                           ["J1", "Sato", "2024-03-05", "1200", "JPY"],
                                           ["J2", "Ito", "2024-03-06", "800", "JPY"],
                                           ["J3", "Abe", "2024-03-07", "500", ""]])
    import_file(admin, src, kind="orders")
    assert _orders(admin)["J3"] == (Decimal("500"), "JPY")


def test_a_few_amounts_naming_a_currency_among_many_bare_ones_stop_naming_currency(admin, tmp_path):
    rows = [["Order ID", "Customer", "Order Date", "Amount"], ["U1", "Ann", "2024-03-05", "USD 12.00"]]
    rows += [[f"P{i}", f"Person {i}", "2024-03-06", f"{i}0.00"] for i in range(1, 4)]
    src = _write(tmp_path / "orders.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, src, kind="orders")
    said = str(stop.value)
    assert "'Amount'" in said and "row 3: '10.00'" in said and "USD 12.00" in said and "--currency" in said
    assert list_records(admin, "order") == []                   # nothing written
    import_file(admin, src, kind="orders", currency="CNY")      # the option named settles it
    got = _orders(admin)
    assert got["P1"] == (Decimal("10"), "CNY") and got["U1"] == (Decimal("12"), "USD")


def test_amounts_naming_the_stores_own_currency_leave_bare_ones_in_it(admin, tmp_path):
    src = _write(tmp_path / "orders.csv", [["Order ID", "Customer", "Order Date", "Amount"],
                                           ["C1", "王芳", "2024-03-05", "CNY 12.00"],
                                           ["C2", "李雷", "2024-03-06", "8.00"]])
    result = import_file(admin, src, kind="orders")
    assert _orders(admin)["C2"] == (Decimal("8"), "CNY") and _line(result) is None


def test_currency_given_for_the_import_decides_and_the_dry_run_shows_the_decision(admin, tmp_path):
    rows = [["Order ID", "Customer", "Order Date", "Amount"], ["T1", "Lin", "2024-03-05", "NT$1,200"],
            ["T2", "Chen", "2024-03-06", "NT$800"], ["T3", "Wang", "2024-03-07", "500"]]
    src = _write(tmp_path / "orders.csv", rows)
    dry = import_file(admin, src, kind="orders", dry_run=True)
    assert _line(dry)["decided"] == "TWD" and list_records(admin, "order") == []
    result = import_file(admin, src, kind="orders", currency="TWD")
    assert _line(result) is None and _orders(admin)["T3"] == (Decimal("500"), "TWD")
