"""Lists that show part of what there is say so, and how to see the rest: `customer
list` (and the other record lists), `customer search`, `audit show`. The note goes to
stdout under a table and to stderr with --format csv/json, which stay machine-clean."""
from __future__ import annotations

import csv
import io
import json

from cims_xl.services import records


def _customers(admin, n: int) -> list[str]:
    made = records.create_many(admin, "customer", [{"name": f"Клиент {i:03d}", "city": "Казань"}
                                                   for i in range(n)])
    return [r["id"] for r in made]


def test_customer_list_says_it_shows_only_part_and_names_the_options(run, admin):
    _customers(admin, 7)
    code, out, err = run("customer", "list", "--limit", "3")
    assert code == 0, err
    assert "7 customer(s), showing 3" in out
    assert "showing 3 of 7 customers; use --limit/--offset for the others" in out


def test_csv_and_json_lists_stay_clean_and_the_note_goes_to_stderr(run, admin):
    _customers(admin, 5)
    code, out, err = run("--format", "csv", "customer", "list", "--limit", "2")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) == 3 and rows[0][0] == "id"          # header and two rows, nothing else
    assert "showing 2 of 5 customers" in err
    code, out, err = run("--format", "json", "customer", "list", "--limit", "4", "--offset", "2")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == ["Клиент 002", "Клиент 003", "Клиент 004"]
    assert "showing 3–5 of 5 customers" in err


def test_a_list_that_shows_everything_says_nothing_more(run, admin):
    _customers(admin, 3)
    code, out, err = run("--format", "csv", "customer", "list")
    assert code == 0 and err == ""
    code, out, err = run("customer", "list")
    assert "showing" not in out and "customer(s)" not in out


def test_an_offset_past_the_end_says_so(run, admin):
    _customers(admin, 2)
    code, out, err = run("--format", "json", "customer", "list", "--offset", "10")
    assert code == 0 and json.loads(out) == []
    assert "showing none of 2 customers: --offset 10 is past the end" in err


def test_orders_of_one_customer_are_paged_the_same_way(run, admin):
    cid = _customers(admin, 1)[0]
    records.create_many(admin, "order", [{"customer_id": cid, "order_number": f"Z-{i}", "amount": "10.00",
                                          "currency": "CNY", "order_date": "2026-03-01"} for i in range(6)])
    code, out, err = run("--format", "csv", "order", "list", "--customer", cid, "--limit", "4")
    assert code == 0
    assert len(list(csv.reader(io.StringIO(out)))) == 5
    assert "showing 4 of 6 orders" in err
    code, out, err = run("opportunity", "list")
    assert code == 0 and "showing" not in out + err


def test_customer_search_in_csv_says_on_stderr_that_it_shows_part(run, admin):
    _customers(admin, 6)
    code, out, err = run("--format", "csv", "customer", "search", "Клиент", "--limit", "5")
    assert code == 0
    assert len(list(csv.reader(io.StringIO(out)))) == 6
    assert "showing 5 of 6 customers" in err
    code, out, err = run("customer", "search", "Клиент", "--limit", "5")
    assert "6 customer(s), showing 5" in out and "showing 5 of 6 customers" in out


def test_audit_show_says_when_there_are_older_entries_than_it_shows(run, admin):
    _customers(admin, 2)
    code, out, err = run("--format", "json", "audit", "show", "--limit", "1")
    assert code == 0 and len(json.loads(out)) == 1
    assert "showing the newest entry; there are older ones: raise --limit" in err
    code, out, err = run("--format", "json", "audit", "show", "--limit", "1000")
    assert code == 0 and err == ""
