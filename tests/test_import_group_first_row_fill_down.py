"""A report that writes each group's customer once, on its first row, blank below and
not merged (try27f B5: 3 of 5 orders were rejected "no customer id or name")."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

GROUPS = [("Acme Ltd", ["1", "2", "3"]), ("Beta GmbH", ["4", "5"]), ("Gamma KG", ["6"])]


def _rows(heading: str):
    out = [[heading, "Order ID", "Order Date", "Amount", "Currency"]]
    for customer, ids in GROUPS:
        for k, order in enumerate(ids):
            out.append([customer if k == 0 else "", order, f"2024-03-0{order}", str(10 + int(order)), "USD"])
    return out


def _write(tmp_path, rows, suffix):
    if suffix == "csv":
        path = tmp_path / "report.csv"
        path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    else:
        import openpyxl
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        path = tmp_path / "report.xlsx"
        wb.save(path)
    return path


def _customers_of_orders(admin) -> dict:
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    return {o["order_number"]: names.get(o["customer_id"]) for o in records.list_records(admin, "order")}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("heading", ["Customer", "Kunde", "客户名称"])
def test_a_customer_written_on_the_groups_first_row_only_stops_and_fill_down_gives_every_order_its_customer(
        admin, tmp_path, suffix, heading):
    path = _write(tmp_path, _rows(heading), suffix)
    with pytest.raises(ImportRefused) as info:
        import_file(admin, path, kind="orders")
    message = str(info.value)
    assert f"'{heading}'" in message and f"--fill-down \"{heading}\"" in message and "Nothing was imported" in message
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders", fill_down=[heading])
    assert (result.created, result.rejected) == (6, 0)
    assert _customers_of_orders(admin) == {o: c for c, ids in GROUPS for o in ids}
    assert any(i["what"] == f"fill down '{heading}'" and i["decided"].startswith("3 ") for i in result.inferences)
