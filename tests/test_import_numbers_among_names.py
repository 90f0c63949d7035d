"""A number typed where a name belongs (`100235` among the names of an orders file's
Customer column) is never a name: no customer is made called "100235". The row is
rejected saying so, or, when the file's customer-number column holds that number, linked
to that customer by it. A contacts import's person names and a customers import's names
are held to the same rule. Real names written with digits ("3M", "7-Eleven", "A1 Bakery",
"1&1") stay names."""

from __future__ import annotations

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import linked_owners, rejected_problems, write_csv, write_table

# (headers: order number, customer, date, amount; the customer names; the number among them)
ORDERS = {
    "english": (["Order No", "Customer", "Order Date", "Amount"], ["Ann Lee", "3M", "7-Eleven", "A1 Bakery"],
                "100235"),
    "german": (["Bestellnummer", "Kunde", "Datum", "Betrag"], ["Müller GmbH", "1&1 Versatel", "Bäckerei 24"],
               "4711"),
    "chinese": (["订单编号", "客户名称", "下单时间", "金额"], ["上海华联有限公司", "王芳", "北京7天酒店"], "２０００１"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(ORDERS))
def test_a_number_in_an_orders_customer_column_is_rejected_never_a_customer_named_so(admin, tmp_path, name, fmt):
    headers, names, number = ORDERS[name]
    who = names[:1] + [number] + names[1:]
    # a workbook's cell typed as a number (100235) or as text ('100235)
    typed = {number: int(number)} if fmt == "xlsx" and number.isascii() else {}
    rows = [headers] + [[f"A{i}", typed.get(w, w), f"2024-03-{i + 1:02d}", "10.00"] for i, w in enumerate(who)]
    result = import_file(admin, write_table(tmp_path, fmt, rows, "orders"), kind="orders", currency="EUR")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == sorted(names)
    assert sorted(o["order_number"] for o in records.list_records(admin, "order")) == sorted(
        f"A{i}" for i, w in enumerate(who) if w != number)
    assert rejected_problems(result) == {3: f"a number where the customer's name belongs: {number}"}
    (line,) = [i for i in result.inferences if i["what"] == f"numbers in '{headers[1]}'"]
    assert "1 row(s) rejected" in line["decided"] and number in line["evidence"]


def test_a_number_in_the_name_column_that_the_files_customer_number_column_holds_links_that_customer(
        admin, tmp_path):
    rows = [["Order No", "Customer No", "Customer", "Order Date", "Amount"],
            ["A1", "100235", "Müller GmbH", "2024-03-01", "10.00"],
            ["A2", "", "100235", "2024-03-02", "20.00"],
            ["A4", "100236", "100236", "2024-03-04", "40.00"],      # before the row naming 100236
            ["A3", "100236", "Schmidt AG", "2024-03-03", "30.00"]]
    result = import_file(admin, write_csv(tmp_path / "orders.csv", rows), kind="orders", currency="EUR")
    assert linked_owners(admin, "order", "order_number") == {"A1": "Müller GmbH", "A2": "Müller GmbH",
                                                            "A3": "Schmidt AG", "A4": "Schmidt AG"}
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == ["Müller GmbH", "Schmidt AG"]
    assert rejected_problems(result) == {}
    (line,) = [i for i in result.inferences if i["what"] == "numbers in 'Customer'"]
    assert "2 row(s) linked by 'Customer No'" in line["decided"]


def test_a_number_in_the_name_column_no_customer_number_holds_is_rejected_in_a_file_with_customer_numbers(
        admin, tmp_path):
    rows = [["Order No", "Customer No", "Customer", "Order Date", "Amount"],
            ["A1", "100235", "Müller GmbH", "2024-03-01", "10.00"],
            ["A2", "", "999999", "2024-03-02", "20.00"]]
    result = import_file(admin, write_csv(tmp_path / "orders.csv", rows), kind="orders", currency="EUR")
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Müller GmbH"]
    assert rejected_problems(result) == {3: "a number where the customer's name belongs: 999999"}


def test_a_number_among_a_contacts_person_names_is_rejected(admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "c.csv", [["Name"], ["Müller GmbH"]]), kind="customers")
    rows = [["Company", "Contact Name", "Email"],
            ["Müller GmbH", "Hans Weber", "hans@mueller.de"],
            ["Müller GmbH", "0815", "info@mueller.de"],
            ["Müller GmbH", "Eva 2nd", "eva@mueller.de"]]
    result = import_file(admin, write_csv(tmp_path / "p.csv", rows), kind="contacts")
    assert sorted(p["name"] for p in records.list_records(admin, "contact")) == ["Eva 2nd", "Hans Weber"]
    assert rejected_problems(result) == {3: "a number where the contact's name belongs: 0815"}


def test_a_number_among_a_customers_names_is_rejected_and_the_dry_run_says_so(admin, tmp_path):
    rows = [["Name", "City"], ["Ann Lee", "Leeds"], ["100235", "York"], ["3M", "Neuss"], ["Bo Chen", "Hull"]]
    path = write_csv(tmp_path / "c.csv", rows)
    dry = import_file(admin, path, kind="customers", dry_run=True)
    assert rejected_problems(dry) == {3: "a number where the customer's name belongs: 100235"}
    (line,) = [i for i in dry.inferences if i["what"] == "numbers in 'Name'"]
    assert "1 row(s) rejected" in line["decided"] and "'100235'" in line["evidence"]
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, kind="customers")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == ["3M", "Ann Lee", "Bo Chen"]


@pytest.mark.parametrize("number", ["100235.0", "1.00235E+05", "(555) 123-4567", "+86 139 1234 5678",
                                    "030 1234-5678", "１２３．５"])
def test_a_name_cell_without_any_letter_a_float_an_exponent_or_a_phone_is_no_name(admin, tmp_path, number):
    rows = [["Name", "City"], ["Ann Lee", "Leeds"], [number, "York"], ["3M", "Neuss"], ["1&1 Versatel", "Bonn"],
            ["7-Eleven", "Tokyo"], ["Bo Chen", "Hull"]]
    result = import_file(admin, write_csv(tmp_path / "c.csv", rows), kind="customers")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == [
        "1&1 Versatel", "3M", "7-Eleven", "Ann Lee", "Bo Chen"]
    assert rejected_problems(result) == {3: f"a number where the customer's name belongs: {number}"}


def test_a_float_number_cell_in_a_workbooks_customer_column_is_no_customer(admin, tmp_path):
    rows = [["Order No", "Customer", "Order Date", "Amount"], ["A1", "Ann Lee", "2024-03-01", "10.00"],
            ["A2", 100235.5, "2024-03-02", "10.00"], ["A3", "3M", "2024-03-03", "10.00"]]
    result = import_file(admin, write_table(tmp_path, "xlsx", rows, "orders"), kind="orders", currency="EUR")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == ["3M", "Ann Lee"]
    assert list(rejected_problems(result)) == [3]
