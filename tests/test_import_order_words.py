"""Order files as shops and marketplaces write them: statuses in their words, counts with
their unit, and a value that cannot be read is left empty (never replaced by a default)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cims_xl.domain.models import validate_record
from cims_xl.domain.schema import ENTITIES, ORDER_STATUS_SYNONYMS, ORDER_STATUSES
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

ORDER = ENTITIES["order"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def orders(session) -> dict[str, dict]:
    return {r["order_number"]: r for r in records.list_records(session, "order")}


@pytest.mark.parametrize("written, status", [
    ("交易成功", "Completed"), ("已完成", "Completed"), ("已发货", "Shipped"), ("买家已付款", "Paid"),
    ("等待买家付款", "Open"), ("交易关闭", "Cancelled"), ("退款成功", "Returned"),
    ("Refunded", "Returned"), ("canceled", "Cancelled"), ("Delivered", "Completed"),
    ("storniert", "Cancelled"), ("Versandt", "Shipped"), ("annulée", "Cancelled"), ("devuelto", "Returned"),
])
def test_an_order_status_in_the_words_of_a_shop_or_another_language_is_stored_as_its_status(admin, tmp_path,
                                                                                          written, status):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Status"],
                                          ["T-1", "2024-03-05", "Acme", "10.00", written]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.warnings) == (1, 0)
    assert orders(admin)["T-1"]["status"] == status


def test_a_word_that_means_completed_in_one_system_and_cancelled_in_another_is_not_guessed(admin, tmp_path):
    # Shopify closes completed orders; Taobao's 已关闭 trade was never completed. A status
    # column of such words stops the import (a blank status would count as a sale) until
    # --value says what they are.
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Status"],
                                          ["T-1", "2024-03-05", "Acme", "10.00", "Closed"],
                                          ["T-2", "2024-03-06", "Acme", "12.00", "已关闭"]])
    with pytest.raises(ImportRefused, match=r"column 'Status'.*'Closed'.*'已关闭'.*--value"):
        import_file(admin, path, kind="orders")
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders", values=["Closed=Completed", "已关闭=Cancelled"])
    assert (result.created, result.warnings) == (2, 0)
    stored = orders(admin)
    assert (stored["T-1"]["status"], stored["T-2"]["status"]) == ("Completed", "Cancelled")
    assert "Closed" not in ORDER_STATUS_SYNONYMS and "closed" not in ORDER_STATUS_SYNONYMS


def test_ticket_words_keep_their_ticket_meaning():
    ticket = ENTITIES["ticket"]
    assert validate_record(ticket, {"status": "已完成"}, partial=True)["status"] == "Closed"
    assert validate_record(ORDER, {"status": "已完成"}, partial=True)["status"] == "Completed"


def test_every_order_status_word_names_a_real_status():
    assert set(ORDER_STATUS_SYNONYMS.values()) <= set(ORDER_STATUSES)
    assert all(k == k.lower() for k in ORDER_STATUS_SYNONYMS)


@pytest.mark.parametrize("written, count", [("3 pcs", 3), ("3件", 3), ("2 个", 2), ("x3", 3), ("3x", 3),
                                            ("12 units", 12), ("3 Stück", 3), ("２個", 2), ("4 ea", 4)])
def test_a_quantity_written_with_its_unit_of_items_is_the_count(admin, tmp_path, written, count):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Quantity"],
                                          ["Q-1", "2024-03-05", "Acme", "10.00", written]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.warnings) == (1, 0)
    assert orders(admin)["Q-1"]["quantity"] == count


@pytest.mark.parametrize("written", ["3 dozen", "2 kg", "3.5 pcs", "some"])
def test_a_quantity_that_is_not_a_count_of_items_is_left_empty_not_set_to_one(admin, tmp_path, written):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Quantity"],
                                          ["Q-1", "2024-03-05", "Acme", "10.00", written]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.warnings) == (1, 1)
    (warned,) = [o for o in result.outcomes if o.warnings]
    assert set(warned.warnings) == {"Quantity"}
    assert all("left empty" in why for why in warned.warnings.values())
    stored = orders(admin)["Q-1"]
    assert stored["quantity"] is None                  # not the default 1
    assert f"Quantity: {written}" in stored["notes"]


def test_an_order_without_a_status_column_still_takes_the_default(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales"],
                                          ["D-1", "2024-03-05", "Acme", "10.00"]])
    import_file(admin, path, kind="orders")
    stored = orders(admin)["D-1"]
    assert (stored["status"], stored["quantity"]) == ("Completed", 1)


@pytest.mark.parametrize("written, stored", [("0.15", "0.15"), ("15%", "0.15"), ("12,5 %", "0.125"), ("0", "0"),
                                             ("1", "1")])
def test_a_discount_is_a_share_of_the_price(admin, tmp_path, written, stored):
    from decimal import Decimal

    comma = "," in written          # a decimal-comma file: its amounts too
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Discount"],
                                          ["D-1", "2024-03-05", "Acme", "10,00" if comma else "10.00", written]])
    result = import_file(admin, path, kind="orders", decimal="comma" if comma else None)
    assert (result.created, result.warnings) == (1, 0)
    assert orders(admin)["D-1"]["discount"] == Decimal(stored)


@pytest.mark.parametrize("written", ["15", "1.5", "100", "-0.1", "150%"])
def test_a_discount_that_could_be_a_percentage_or_an_amount_is_not_stored_as_a_share(admin, tmp_path, written):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer Name", "Sales", "Discount"],
                                          ["D-1", "2024-03-05", "Acme", "10.00", written]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.warnings) == (1, 1)
    (why,) = [o for o in result.outcomes if o.warnings][0].warnings.values()
    assert "a discount is a share of the price" in why and "left empty" in why
    stored = orders(admin)["D-1"]
    assert stored["discount"] is None and f"Discount: {written}" in stored["notes"]
