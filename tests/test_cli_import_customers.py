"""Rows of another kind (orders, contacts, tickets) that name a customer the store does
not have create that customer: the summary, the dry run and the JSON say so, and name
them."""
from __future__ import annotations

import json

from cims_xl.services import records


def _customer_names(admin) -> list[str]:
    return sorted(c["name"] for c in records.list_records(admin, "customer"))


def _indented_after(lines: list[str], at: int) -> list[str]:
    out = []
    for line in lines[at + 1:]:
        if not line.startswith("  ") or line.startswith("   "):     # a centred title is no continuation
            break
        out.append(line)
    return out


def _summary_cell(out: str, label: str) -> str:
    """The text of one row of the vertical summary table (wrapped lines joined), or of its
    `label: value` line when the summary is shown as lines (a path too long for its table)."""
    lines = out.splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{label}:")), None)
    if at is not None:
        # continuation lines are indented by two spaces
        parts = [lines[at].split(":", 1)[1].strip()]
        parts += [line.strip() for line in _indented_after(lines, at)]
        return " ".join(p for p in parts if p)
    start = next(i for i, line in enumerate(lines) if f"│ {label} " in line)
    parts = []
    for line in lines[start:]:
        cells = [c.strip() for c in line.split("│")]
        if len(cells) < 3 or (parts and cells[1]):
            break
        parts.append(cells[2])
    return " ".join(p for p in parts if p)


def test_an_order_import_names_the_customers_it_creates_in_the_dry_run_and_the_summary(run, admin, tmp_path):
    records.create(admin, "customer", {"name": "Ana Souza", "tags": "src:K001"})
    src = tmp_path / "orders.csv"
    src.write_text("Order No,Order Date,Customer ID,Customer Name,Amount,Currency\n"
                   "A-1,2026-01-05,K001,,100.00,EUR\n"
                   "A-2,2026-01-06,K999,,50.00,EUR\n"
                   "A-3,2026-01-07,,Zhang Wei,75.00,EUR\n"
                   "A-4,2026-01-08,K888,Li Na,20.00,EUR\n", encoding="utf-8")
    code, out, err = run("import", str(src), "--kind", "orders", "--dry-run")
    assert code == 0, err
    assert _summary_cell(out, "customers created") == "2 (Zhang Wei, Li Na)"
    assert _summary_cell(out, "customers linked") == "1"
    assert _summary_cell(out, "rejected") == "1"        # K999: no name to create it by, never named "K999"
    assert _customer_names(admin) == ["Ana Souza"]              # a dry run writes nothing

    code, out, err = run("import", str(src), "--kind", "orders")
    assert code == 0, err
    assert _summary_cell(out, "customers created") == "2 (Zhang Wei, Li Na)"
    assert _customer_names(admin) == ["Ana Souza", "Li Na", "Zhang Wei"]


def test_json_gives_the_count_and_the_names_of_the_customers_created(run, tmp_path):
    src = tmp_path / "tickets.csv"
    src.write_text("Subject,Customer\nДоставка задерживается,Олег Петров\nRechnung fehlt,Jürgen Groß\n"
                   "Second ticket,Олег Петров\n", encoding="utf-8")
    code, out, err = run("--format", "json", "import", str(src), "--kind", "tickets", "--dry-run")
    assert code == 0, err
    data = json.loads(out)
    assert data["created"] == 3
    assert data["customers_created"] == 2
    assert data["customers_created_names"] == ["Олег Петров", "Jürgen Groß"]
    assert data["customers_linked"] == 0


def test_more_than_ten_new_customers_are_named_up_to_ten_and_the_rest_counted(run, tmp_path):
    src = tmp_path / "contacts.csv"
    names = [f"Firma {chr(65 + i)} GmbH" for i in range(13)]
    src.write_text("Contact Name,Company Name\n" + "".join(f"Person {i},{n}\n" for i, n in enumerate(names)),
                   encoding="utf-8")
    code, out, err = run("import", str(src), "--kind", "contacts", "--map", "Company Name=Customer Name")
    assert code == 0, err
    shown = _summary_cell(out, "customers created")
    assert shown.startswith("13 (Firma A GmbH, Firma B GmbH")
    assert "Firma J GmbH and 3 more)" in shown and "Firma K GmbH" not in shown


def test_an_order_import_that_creates_no_customer_says_zero_and_a_customer_import_says_nothing(run, admin, tmp_path):
    records.create(admin, "customer", {"name": "佐藤 花子", "tags": "src:J-7"})
    orders = tmp_path / "orders.csv"
    orders.write_text("Order No,Order Date,Customer ID,Amount\nJ-1,2026-02-01,J-7,3000\n", encoding="utf-8")
    code, out, err = run("import", str(orders), "--kind", "orders", "--currency", "JPY")
    assert code == 0, err
    assert _summary_cell(out, "customers created") == "0"
    assert _summary_cell(out, "customers linked") == "1"
    people = tmp_path / "people.csv"
    people.write_text("Name,City\nMaría José,Sevilla\n", encoding="utf-8")
    code, out, err = run("import", str(people))
    assert code == 0, err
    assert "customers created" not in out


def test_the_import_sheet_summary_names_the_new_customers_too():
    from cims_xl.excel.import_sheet import _summary
    from cims_xl.importer.run import ImportResult

    result = ImportResult(file="bestellungen.xlsx", kind="order", sheet=None, rows=3, created=3,
                          customers_created=14, customers_created_names=[f"Kunde {i}" for i in range(10)])
    text = _summary(result, done=False)
    assert "New customers: 14 (Kunde 0, Kunde 1," in text and "Kunde 9 and 4 more)" in text
