"""A customer id that lost its leading zeros (00123 stored, a later file says 123: a CSV
opened in Excel) names the same customer; an id no customer holds, on a row naming a
customer who holds another id, creates the customer with a "possibly the same person"
warning naming them."""

from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx

# (id heading, name heading, email heading) of a customers file
CUSTOMER_FILES = {
    "english": ("Customer ID", "Name", "Email"),
    "chinese": ("客户编号", "客户名称", "邮箱"),
    "german": ("Kundennummer", "Name", "E-Mail"),
}
# (order no, customer id, customer name, date, amount) of an orders/deals file
LATER_FILES = {
    "orders": ("orders", ("Order No", "Customer ID", "Customer Name", "Order Date", "Amount")),
    "orders-chinese": ("orders", ("订单编号", "客户编号", "客户名称", "日期", "金额")),
    "tickets": ("tickets", ("Subject", "Customer ID", "Customer Name", "Created At", "Priority")),
}


def _customers(session) -> dict[str, str]:
    return {c["id"]: c["name"] for c in records.list_records(session, "customer")}


def _store_customers(admin, tmp_path, name: str, writer, suffix: str) -> dict[str, str]:
    ident, who, email = CUSTOMER_FILES[name]
    import_file(admin, writer(tmp_path / f"customers.{suffix}", [
        [ident, who, email], ["00123", "Ann Lee", "ann@x.example"], ["0045", "Bo Li", "bo@y.example"]]),
        kind="customers")
    stored = _customers(admin)
    assert sorted(stored.values()) == ["Ann Lee", "Bo Li"]
    return {n: rid for rid, n in stored.items()}


def _later_rows(later: str, ids: list[str]) -> list[list[str]]:
    kind, headings = LATER_FILES[later]
    if kind == "tickets":
        return [list(headings)] + [[f"Help {i}", ref, who, "2024-03-05 09:30", "High"]
                                   for i, (ref, who) in enumerate(zip(ids, ["Ann Lee", "Bo Li"]))]
    return [list(headings)] + [[f"500{i}", ref, who, "2024-03-05", "10.00"]
                               for i, (ref, who) in enumerate(zip(ids, ["Ann Lee", "Bo Li"]))]


@pytest.mark.parametrize("name", list(CUSTOMER_FILES))
@pytest.mark.parametrize("later", list(LATER_FILES))
@pytest.mark.parametrize("writer,suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")], ids=["csv", "xlsx"])
def test_an_id_that_lost_its_leading_zeros_links_to_the_customer_holding_it_and_the_summary_says_so(
        admin, tmp_path, name, later, writer, suffix):
    by_name = _store_customers(admin, tmp_path, name, writer, suffix)
    kind, _headings = LATER_FILES[later]
    result = import_file(admin, writer(tmp_path / f"later.{suffix}", _later_rows(later, ["123", "45"])),
                         kind=kind, **({"currency": "CNY"} if kind == "orders" else {}))
    assert result.customers_created == 0
    assert sorted(_customers(admin).values()) == ["Ann Lee", "Bo Li"]
    record = "order" if kind == "orders" else "ticket"
    linked = sorted(r["customer_id"] for r in records.list_records(admin, record))
    assert linked == sorted([by_name["Ann Lee"], by_name["Bo Li"]])
    (line,) = [i for i in result.inferences if i["what"] == "customer ids that lost their leading zeros"]
    assert "123" in line["evidence"] and "src:00123" in line["evidence"]


def test_an_id_with_the_zeros_of_two_customers_is_not_guessed(admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "customers.csv", [
        ["Customer ID", "Name"], ["0123", "Ann Lee"], ["00123", "Ann Li"], ["000777", "Cy Do"]]), kind="customers")
    result = import_file(admin, write_csv(tmp_path / "orders.csv", [
        ["Order No", "Customer ID", "Customer Name", "Order Date", "Amount"],
        ["5001", "123", "Ann Lee", "2024-03-05", "10.00"],
        ["5002", "777", "Cy Do", "2024-03-05", "10.00"]]), kind="orders", currency="CNY")
    names = _customers(admin)
    by_number = {o["order_number"]: names[o["customer_id"]] for o in records.list_records(admin, "order")}
    assert by_number["5002"] == "Cy Do" and len([n for n in names.values() if n == "Cy Do"]) == 1
    (line,) = [i for i in result.inferences if i["what"] == "customer ids that lost their leading zeros"]
    assert "1 row(s)" in line["decided"]


@pytest.mark.parametrize("who,ref", [("Ann Lee", "999"), ("王小明", "K-77"), ("Jürgen Groß", "A-1")])
def test_an_unknown_id_naming_a_customer_with_another_id_creates_it_with_a_possibly_the_same_warning(
        admin, tmp_path, who, ref):
    import_file(admin, write_csv(tmp_path / "customers.csv", [["Customer ID", "Name"], ["00123", who]]),
                kind="customers")
    (stored,) = _customers(admin)
    result = import_file(admin, write_csv(tmp_path / "orders.csv", [
        ["Order No", "Customer ID", "Customer Name", "Order Date", "Amount"],
        ["5001", ref, who, "2024-03-05", "10.00"]]), kind="orders", currency="CNY")
    assert result.customers_created == 1
    (outcome,) = result.outcomes
    warned = " ".join((outcome.warnings or {}).values())
    assert "possibly the same person" in warned and stored in warned and "00123" in warned, warned
