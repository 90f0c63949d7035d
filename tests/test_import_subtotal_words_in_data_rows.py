"""A row whose label cell holds a subtotal word ("Max", "Count", "Anzahl", "计数", "Total
Wine") is a subtotal only when it leaves empty what Excel's Data > Subtotal leaves empty:
every cell but the label and the summed columns. A row with its own order number, date or
email is an order (a customer called Max), even when its amount happens to equal the
group's max, min, count, average or sum (try23z item 3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx

# (headings, the word, the amount that is that function of the one row above)
WORDS = [
    (["Order No", "Order Date", "Customer Name", "Amount"], "Max", "100"),
    (["Order No", "Order Date", "Customer Name", "Amount"], "Min", "100"),
    (["Order No", "Order Date", "Customer Name", "Amount"], "Count", "1"),
    (["Order No", "Order Date", "Customer Name", "Amount"], "Average", "100"),
    (["Order No", "Order Date", "Customer Name", "Amount"], "Total Wine & More", "100"),
    (["Auftrag", "Datum", "Kunde", "Betrag"], "Anzahl", "1"),
    (["Auftrag", "Datum", "Kunde", "Betrag"], "Mittelwert", "100"),
    (["订单号", "日期", "客户", "金额"], "计数", "1"),
    (["订单号", "日期", "客户", "金额"], "最大", "100"),
    (["订单号", "日期", "客户", "金额"], "最小", "100"),
]


def _stored(session) -> dict[str, tuple[Decimal, str]]:
    names = {c["id"]: c["name"] for c in records.list_records(session, "customer")}
    return {o["order_number"]: (o["amount"], names.get(o["customer_id"]))
            for o in records.list_records(session, "order")}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
@pytest.mark.parametrize("head, word, amount", WORDS)
def test_a_customer_named_like_a_subtotal_function_with_its_own_order_number_and_date_is_stored(
        admin, tmp_path, writer, head, word, amount):
    settings.set_store_currency(admin, {"订单号": "CNY", "Auftrag": "EUR"}.get(head[0], "USD"))
    path = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), [
        head, ["S1", "2024-03-01", "Ann Lee", "100"], ["S2", "2024-03-02", word, amount],
        ["S3", "2024-03-03", "Bob Ray", "200"]])
    result = import_file(admin, path, kind="orders")
    assert _stored(admin) == {"S1": (Decimal("100"), "Ann Lee"), "S2": (Decimal(amount), word),
                              "S3": (Decimal("200"), "Bob Ray")}
    assert (result.created, result.footer_rows) == (3, 0)
    assert not any(i["what"] == "subtotal rows" for i in result.inferences)


@pytest.mark.parametrize("own", [("", "2024-03-09", ""), ("", "", "max@example.com")])
def test_a_function_word_row_with_only_a_date_or_an_email_of_its_own_is_still_an_order(admin, tmp_path, own):
    settings.set_store_currency(admin, "USD")
    number, date, email = own
    path = write_csv(tmp_path / "o.csv", [
        ["Order No", "Order Date", "Customer Name", "Email", "Amount"],
        ["S1", "2024-03-01", "Ann Lee", "ann@example.com", "100"],
        ["S2", "2024-03-02", "Bob Ray", "bob@example.com", "200"],
        [number, date, "Max", email, "200"]])
    result = import_file(admin, path, kind="orders")
    assert result.footer_rows == 0 and not any(i["what"] == "subtotal rows" for i in result.inferences)
    if date:
        assert result.created == 3
        assert sorted(a for a, _ in _stored(admin).values()) == [Decimal("100"), Decimal("200"), Decimal("200")]
        assert "Max" in {c["name"] for c in records.list_records(admin, "customer")}
    else:       # an order with no date is rejected, named, never dropped as a subtotal
        assert (result.created, result.rejected) == (2, 1)


@pytest.mark.parametrize("word", ["Max", "最大", "Anzahl", "Count"])
def test_excels_own_function_row_that_leaves_the_other_cells_empty_is_still_skipped(admin, tmp_path, word):
    settings.set_store_currency(admin, "USD")
    figure = "1" if word in ("Anzahl", "Count") else "100"
    path = write_csv(tmp_path / "o.csv", [
        ["Order No", "Order Date", "Customer Name", "Amount"],
        ["S1", "2024-03-01", "Ann Lee", "100"], ["", "", f"Ann Lee {word}", figure],
        ["S2", "2024-03-02", "Bob Ray", "200"]])
    result = import_file(admin, path, kind="orders")
    assert _stored(admin) == {"S1": (Decimal("100"), "Ann Lee"), "S2": (Decimal("200"), "Bob Ray")}
    said = " ".join(f"{i['what']} {i['decided']}" for i in result.inferences)
    assert "subtotal rows" in said
