"""Which kind of records a file is imported as: the summary says whether it was asked
(--kind) or the default (customers), and a file whose headings look like another kind
says how to import it as that kind."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

ORDERS = [["Order Number", "Order Date", "Customer Name", "Email", "Total", "Currency"],
          ["X-1", "2026-04-01", "Ahmet Yılmaz", "ahmet@yilmaz.com.tr", "100.00", "TRY"]]
BESTELLUNGEN = [["Bestellnummer", "Bestelldatum", "Kunde", "Betrag"], ["B-7", "2026-04-01", "Jürgen Müller", "9,90"]]


def kind_said(result) -> dict:
    (said,) = [i for i in result.inferences if i["what"] == "kind of records"]
    return said


@pytest.mark.parametrize("rows", [ORDERS, BESTELLUNGEN])
@pytest.mark.parametrize("ext,write", [("csv", write_csv), ("xlsx", write_xlsx)])
def test_an_orders_file_imported_without_a_kind_says_customers_is_the_default_not_asked(
        admin, tmp_path, rows, ext, write):
    path = write(tmp_path / f"orders.{ext}", rows)
    said = kind_said(import_file(admin, path, dry_run=True))
    assert "as asked" not in said["decided"] and "default" in said["decided"]
    assert "--kind orders" in said["evidence"]
    asked = kind_said(import_file(admin, path, kind="customers", dry_run=True))
    assert "as asked" in asked["decided"]


def test_the_cli_dry_run_of_an_orders_file_without_kind_says_the_default(run, admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ORDERS)
    code, out, err = run("--format", "json", "import", "file", str(path), "--dry-run")
    assert code == 0, err
    assert "as asked" not in out and "no --kind was given" in out and "--kind orders" in out
    code, out, err = run("--format", "json", "import", "file", str(path), "--kind", "customers", "--dry-run")
    assert code == 0, err
    assert "(as asked)" in out
    assert records.list_records(admin, "customer") == []
