"""Opportunities and tickets: rows link to customers by name or id; re-import creates nothing."""

from __future__ import annotations

import csv
from decimal import Decimal

from cims_xl.importer import import_file
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
