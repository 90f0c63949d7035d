"""Opportunities and tickets: rows link to customers by name or id; re-import creates nothing."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.importer import mapping as mp
from cims_xl.services import records


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_opportunities_import_with_chinese_stages_and_new_customers(admin, tmp_path):
    known = records.create(admin, "customer", {"name": "Aurora Shelves"})
    f = write(tmp_path / "o.csv", [["客户", "商机名称", "阶段", "金额", "预计成交日期"],
                                   ["Aurora Shelves", "Big deal", "谈判", "1,000.50", "2025-03-01"],
                                   ["新客户", "小单", "线索", "200", ""]])
    result = import_file(admin, f, kind="opportunities")
    assert (result.created, result.customers_created, result.customers_linked) == (2, 1, 1)
    got = {o["name"]: o for o in records.list_records(admin, "opportunity")}
    assert got["Big deal"]["customer_id"] == known["id"]
    assert (got["Big deal"]["stage"], got["Big deal"]["amount"]) == ("Negotiation", Decimal("1000.5"))
    assert import_file(admin, f, kind="opportunities").created == 0


def test_tickets_link_by_our_own_customer_id_and_unknown_ids_are_rejected(admin, tmp_path):
    known = records.create(admin, "customer", {"name": "Aurora Shelves"})
    f = write(tmp_path / "t.csv", [["Customer ID", "Subject", "Priority"],
                                   [known["id"], "Printer broken", "P1"],
                                   ["C-999999", "Ghost", "P2"]])
    result = import_file(admin, f, kind="tickets")
    assert (result.created, result.rejected) == (1, 1)
    assert "C-999999" in result.outcomes[1].reason
    (ticket,) = records.list_records(admin, "ticket")
    assert (ticket["customer_id"], ticket["priority"]) == (known["id"], "P1")


def test_orders_from_a_file_without_a_currency_take_the_one_given_and_rows_keep_their_own(admin, tmp_path):
    f = write(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Currency"],
                                        ["US-1", "2024-01-05", "Claire Gute", "261.96", ""],
                                        ["US-2", "2024-01-06", "Claire Gute", "731.94", "EUR"]])
    result = import_file(admin, f, kind="orders", currency="usd")
    assert result.created == 2
    got = {o["order_number"]: o["currency"] for o in records.list_records(admin, "order")}
    assert got == {"US-1": "USD", "US-2": "EUR"}


def test_without_the_option_amounts_keep_the_default_currency(admin, tmp_path):
    f = write(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                        ["CN-1", "2024-01-05", "王芳", "88"]])
    import_file(admin, f, kind="orders")
    assert records.list_records(admin, "order")[0]["currency"] == "CNY"


@pytest.mark.parametrize("kind, currency, message", [
    ("orders", "dollars", r"not a currency code: 'dollars' \(did you mean USD, "),
    ("orders", "U$D", "not a currency code"),
    ("customers", "USD", "orders and opportunities"),
])
def test_a_wrong_currency_option_is_refused_before_anything_is_written(admin, tmp_path, kind, currency, message):
    from cims_xl.importer import ImportRefused

    f = write(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                        ["US-1", "2024-01-05", "Claire Gute", "261.96"]])
    with pytest.raises(ImportRefused, match=message):
        import_file(admin, f, kind=kind, currency=currency)
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []


def _import_all(admin, tmp_path, kind: str, text: str, key: str) -> dict[str, dict]:
    """Import a CSV text that must go in whole; the stored records by `key`."""
    f = tmp_path / f"{kind}.csv"
    f.write_text(text, encoding="utf-8")
    result = import_file(admin, f, kind=kind)
    assert (result.created, result.rejected) == (result.rows, 0)
    return {r[key]: r for r in records.list_records(admin, mp.entity_for(kind).kind)}


def test_a_help_desk_export_imports_with_its_priorities_and_without_invented_times(admin, tmp_path):
    got = _import_all(admin, tmp_path, "tickets", "Customer,Subject,Priority,Opened,Status\n"
                      "Claire Gute,Printer broken,紧急,2024-05-02 09:00,处理中\n"
                      "王五,登录失败,高,2024-05-03 10:30,已关闭\n"
                      "Bo Wu,Question,low,2024-05-04 12:00,Resolved\n", "subject")
    assert len(got) == 3
    assert [got[s]["priority"] for s in ("Printer broken", "登录失败", "Question")] == ["P1", "P2", "P4"]
    assert [got[s]["status"] for s in ("Printer broken", "登录失败", "Question")] == ["Open", "Closed", "Resolved"]
    for t in got.values():     # the file says nothing about when they were answered or closed
        assert (t["first_response_at"], t["resolved_at"], t["closed_at"]) == (None, None, None)


def test_past_deals_import_with_the_dates_they_closed_on(admin, tmp_path):
    got = _import_all(admin, tmp_path, "opportunities", "客户,商机名称,阶段,金额,预计成交日期\n"
                      "上海华信,年度采购,赢单,120000,2024-03-15\n"
                      "北京恒通,试点项目,输单,8000,2024-06-30\n"
                      "杭州永安,续约,谈判,50000,2027-01-31\n", "name")
    assert len(got) == 3
    assert (got["年度采购"]["stage"], got["年度采购"]["closed_at"]) == ("Won", dt.date(2024, 3, 15))
    assert (got["试点项目"]["stage"], got["试点项目"]["closed_at"]) == ("Lost", dt.date(2024, 6, 30))
    assert (got["续约"]["stage"], got["续约"]["closed_at"]) == ("Negotiation", None)


def test_an_old_systems_ids_shaped_like_ours_link_to_the_customers_that_carried_them(admin, tmp_path):
    # The old system numbered its customers C-78, C-1 …: kept as tags src:C-78, they
    # link later orders; where C-1 is also our own C-000001 (another customer), the row
    # names both instead of picking one.
    people = write(tmp_path / "people.csv", [["Customer ID", "Name"], ["C-78", "Ada Stone"], ["C-1", "Bo Lind"],
                                             ["C-500", "Cy Moor"]])
    assert import_file(admin, people).created == 3           # our C-000001 … C-000003
    ids = {c["name"]: c["id"] for c in records.list_records(admin, "customer")}
    orders = write(tmp_path / "orders.csv", [["Order ID", "Order Date", "Customer ID", "Sales"],
                                             ["A-1", "2024-03-01", "C-78", "10.00"],
                                             ["A-2", "2024-03-02", "c-500", "20.00"],
                                             ["A-3", "2024-03-03", "C-1", "30.00"],
                                             ["A-4", "2024-03-04", "C-3", "40.00"],
                                             ["A-5", "2024-03-05", "C-4321", "50.00"]])
    result = import_file(admin, orders, kind="orders")
    got = {o["order_number"]: o["customer_id"] for o in records.list_records(admin, "order")}
    assert got == {"A-1": ids["Ada Stone"], "A-2": ids["Cy Moor"], "A-4": ids["Cy Moor"]}   # C-3 is ours
    reasons = {o.row: o.reason for o in result.outcomes if o.action == "rejected"}
    assert f"our customer {ids['Ada Stone']}" in reasons[4] and f"also {ids['Bo Lind']}'s id" in reasons[4]
    assert "src:C-1" in reasons[4]
    assert "no customer C-004321" in reasons[6]
