"""Which kind of records a file is imported as: the summary says whether it was asked
(--kind) or the default (customers); a file whose headings say clearly that it holds
another kind stops before writing and names --kind, and one whose headings only look
somewhat like another kind says how to import it as that kind."""

from __future__ import annotations

import pytest

from cims_xl.services import settings
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx

ORDERS = [["Order Number", "Order Date", "Customer Name", "Email", "Total", "Currency"],
          ["X-1", "2026-04-01", "Ahmet Yılmaz", "ahmet@yilmaz.com.tr", "100.00", "TRY"]]
BESTELLUNGEN = [["Bestellnummer", "Bestelldatum", "Kunde", "Betrag"], ["B-7", "2026-04-01", "Jürgen Müller", "9,90"]]


def kind_said(result) -> dict:
    (said,) = [i for i in result.inferences if i["what"] == "kind of records"]
    return said


# Customers with a few order columns: the headers say orders, not clearly (customers 5, orders 10)
KUNDEN = [["Kunde", "E-Mail", "Telefon", "Firma", "Stadt", "Bestellnummer", "Betrag", "Währung"],
          ["Jürgen Müller", "jm@example.de", "+49 30 1234567", "Müller GmbH", "Berlin", "B-7", "9,90", "EUR"]]


@pytest.mark.parametrize("rows", [ORDERS, BESTELLUNGEN])
@pytest.mark.parametrize("ext,write", [("csv", write_csv), ("xlsx", write_xlsx)])
def test_an_orders_file_imported_without_a_kind_stops_naming_the_kind_and_customers_as_asked_imports(
        admin, tmp_path, rows, ext, write):
    settings.set_store_currency(admin, "EUR")  # fix26m: a German/Spanish file's bare amounts stop in a CNY store; its store is in EUR
    path = write(tmp_path / f"orders.{ext}", rows)
    for dry in (True, False):
        with pytest.raises(ImportRefused) as stop:
            import_file(admin, path, dry_run=dry)
        assert "--kind orders" in stop.value.message and "--kind customers" in stop.value.message
        assert f"'{rows[0][0]}'" in stop.value.message and "Nothing was imported" in stop.value.message
    assert records.list_records(admin, "customer") == []
    asked = kind_said(import_file(admin, path, kind="customers", dry_run=True))
    assert "as asked" in asked["decided"]
    assert import_file(admin, path, kind="orders").created == 1


@pytest.mark.parametrize("ext,write", [("csv", write_csv), ("xlsx", write_xlsx)])
def test_a_customers_file_with_a_few_order_columns_imports_and_says_customers_is_the_default(
        admin, tmp_path, ext, write):
    path = write(tmp_path / f"kunden.{ext}", KUNDEN)
    result = import_file(admin, path)
    said = kind_said(result)
    assert "as asked" not in said["decided"] and "default" in said["decided"]
    assert "--kind orders" in said["evidence"]
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Jürgen Müller"]


def test_the_cli_dry_run_of_an_orders_file_without_kind_stops_in_one_line(run, admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDERS)
    code, out, err = run("--format", "json", "import", "file", str(path), "--dry-run")
    assert code == 4 and "Traceback" not in err
    assert "--kind orders" in err and len(err.strip().splitlines()) == 1
    code, out, err = run("--format", "json", "import", "file", str(path), "--kind", "customers", "--dry-run")
    assert code == 0, err
    assert "(as asked)" in out
    assert records.list_records(admin, "customer") == []


SHOPIFY = [["Name", "Email", "Financial Status", "Paid at", "Currency", "Subtotal", "Total", "Created at",
            "Lineitem quantity", "Lineitem name", "Billing Name", "Billing Country"],
           ["#1003", "greta@example.de", "paid", "2026-03-07 08:00:00 +0100", "EUR", "1200.00", "1200.00",
            "2026-03-07 07:58:00 +0100", "1", "=HYPERLINK(\"http://evil.example\",\"Big Order\")", "Greta Neu", "DE"],
           ["SO-1001", "sam@example.com", "paid", "2026-03-08 09:00:00 -0500", "USD", "20.00", "25.00",
            "2026-03-08 08:58:00 -0500", "2", "Blue Mug", "Sam Lee", "US"]]
TICKETS = [["工单编号", "客户", "问题描述", "优先级", "状态", "创建时间"],
           ["T-1", "李娜", "无法登录", "高", "处理中", "2026-03-01 09:00"]]


@pytest.mark.parametrize("rows, kind", [(SHOPIFY, "orders"), (TICKETS, "tickets")])
def test_no_customer_is_named_by_an_order_or_ticket_number_when_no_kind_was_given(admin, tmp_path, rows, kind):
    path = write_csv(tmp_path / "export.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    assert f"--kind {kind}" in stop.value.message
    assert "#1003" not in stop.value.message and "greta" not in stop.value.message
    assert records.list_records(admin, "customer") == []
