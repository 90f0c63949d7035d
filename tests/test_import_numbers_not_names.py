"""A column of numbers under a heading meaning "customer" is not the customer's name
(issue 14, tester round 20: SAP's customer list).

What went wrong: SAP's "Kunde" (customer) column holds customer numbers; "Kunde" is a
synonym of Name, so customers were created named "100001", "100002", their real names
("Name 1") kept in Notes. A column mapped to a name whose values are (nine in ten)
numbers or codes without a letter is now the customer's id in the other system
(Customer Ref) where the kind has one, and the name is asked for where no other column
gives it; `--map` settles it.
"""

from __future__ import annotations

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import write_table

ROWS = {
    "de": [["Kunde", "Name 1", "Ort"], ["100001", "Müller GmbH", "München"], ["100002", "Schmidt AG", "Berlin"],
           ["100003", "Weber KG", "Hamburg"]],
    "en": [["Customer", "Company Name", "City"], ["4711", "Pérez e Hijos", "Madrid"], ["4712", "López SL", "Sevilla"]],
    "zh": [["客户", "客户全称", "城市"], ["20001", "上海华联有限公司", "上海"], ["20002", "北京恒通有限公司", "北京"]],
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", sorted(ROWS))
def test_customer_numbers_under_a_customer_heading_never_become_names(admin, tmp_path, lang, fmt):
    rows = ROWS[lang]
    path = write_table(tmp_path, fmt, rows, f"kunden_{lang}")
    try:
        result = import_file(admin, path, kind="customers")
    except ImportRefused as stop:
        # no other column is a name by its heading: the import asks, naming a column that is
        assert "--map" in stop.message and rows[0][1] in stop.message
        result = import_file(admin, path, kind="customers", mapping={rows[0][1]: "Name"})
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert sorted(got) == sorted(r[1] for r in rows[1:])
    assert not any(name.isdigit() for name in got)
    first = got[rows[1][1]]
    assert f"src:{rows[1][0]}" in (first.get("tags") or ""), "the number is the customer's id in that system"
    assert result.created == len(rows) - 1


def test_a_name_column_with_a_few_numbers_among_names_stays_the_name(admin, tmp_path):
    rows = [["Kunde", "Ort"], ["Müller GmbH", "München"], ["Schmidt AG", "Berlin"], ["Weber KG", "Hamburg"],
            ["3M Deutschland", "Neuss"], ["Bäckerei Kraus", "Köln"]]
    import_file(admin, write_table(tmp_path, "csv", rows), kind="customers")
    assert sorted(c["name"] for c in records.list_records(admin, "customer")) == sorted(r[0] for r in rows[1:])


@pytest.mark.parametrize("month", [["مارس", "أبريل", "مايو"], ["3", "4", "5"], ["March", "April", "May"]])
def test_a_month_column_whose_heading_means_city_in_another_language_is_no_city(admin, tmp_path, month):
    # Arabic "شهر" is a month; Persian "شهر" is a city: the values decide
    rows = [["رقم الطلب", "تاريخ الطلب", "العميل", "شهر", "المبلغ"]] + [
        [f"A{i}", f"2024-0{i + 3}-05", name, month[i], "100"] for i, name in enumerate(["أحمد علي", "سارة حسن",
                                                                                    "محمد سعيد"])]
    import_file(admin, write_table(tmp_path, "csv", rows, "orders_ar"), kind="orders", currency="SAR")
    customers = records.list_records(admin, "customer")
    assert not any(c.get("city") for c in customers)
    assert all(month[i] in (o.get("notes") or "") for i, o in enumerate(
        sorted(records.list_records(admin, "order"), key=lambda o: o["order_number"])))


def test_a_persian_city_column_stays_the_city(admin, tmp_path):
    rows = [["نام", "ایمیل", "شهر"], ["علی رضایی", "ali@example.ir", "تهران"], ["مریم احمدی", "maryam@example.ir", "شیراز"]]
    import_file(admin, write_table(tmp_path, "csv", rows, "fa"), kind="customers")
    assert sorted(c["city"] for c in records.list_records(admin, "customer")) == ["تهران", "شیراز"]
