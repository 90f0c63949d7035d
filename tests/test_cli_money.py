"""`cims init --currency`, `cims settings currency`, `cims fx` and amounts typed with a symbol."""

from __future__ import annotations

import json

import pytest

from cims_xl.cli import main

from conftest import ADMIN_PASSWORD


def test_init_takes_the_store_currency_and_refuses_a_word(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    path = tmp_path / "usd.cims"
    assert main(["--store", str(path), "--format", "json", "init", "--admin", "owner", "--currency", "usd"]) == 0
    assert json.loads(capsys.readouterr().out)["currency"] == "USD"
    monkeypatch.setenv("CIMS_USER", "owner")
    assert main(["--store", str(path), "--format", "json", "settings", "currency"]) == 0
    assert json.loads(capsys.readouterr().out) == {"currency": "USD"}
    code = main(["--store", str(tmp_path / "bad.cims"), "init", "--admin", "owner", "--currency", "dollars"])
    err = capsys.readouterr().err
    assert code != 0 and "did you mean USD" in err and "Traceback" not in err
    assert not (tmp_path / "bad.cims").exists()


def test_an_admin_sets_the_store_currency_and_rates_and_lists_them(run):
    code, out, err = run("--format", "json", "settings", "currency", "eur")
    assert code == 0, err
    assert json.loads(out) == {"currency": "EUR"}
    code, out, err = run("--format", "json", "fx", "set", "usd", "0.92", "--from", "2024-01-01")
    assert code == 0, err
    assert json.loads(out) == {"currency": "USD", "rate": "0.92", "in": "EUR", "from": "2024-01-01"}
    run("fx", "set", "USD", "0.95", "--from", "2024-07-01")
    code, out, _ = run("--format", "json", "fx", "list")
    rows = json.loads(out)
    assert [(r["currency"], r["rate"], r["from"]) for r in rows] == [("USD", "0.92", "2024-01-01"),
                                                                     ("USD", "0.95", "2024-07-01")]
    code, _, err = run("fx", "set", "EUR", "1", "--from", "2024-01-01")
    assert code != 0 and "store's own currency" in err
    code, _, err = run("fx", "set", "USD", "0", "--from", "2024-01-01")
    assert code != 0 and "positive number" in err
    code, _, err = run("fx", "set", "USD", "-1", "--from", "2024-01-01")     # a value, not an option
    assert code != 0 and "positive number" in err and "No such option" not in err


def test_an_order_typed_with_a_dollar_amount_is_stored_in_dollars(run):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Koala Pty")
    cid = json.loads(out)["id"]
    code, out, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-date", "2024-01-05",
                         "--amount", "$45.00")
    assert code == 0, err
    order = json.loads(out)
    assert (order["amount"], order["currency"]) == ("45.00", "USD")
    code, out, err = run("order", "add", "--customer-id", cid, "--order-date", "2024-01-05",
                         "--amount", "45", "--currency", "dollars")
    assert code != 0 and "did you mean USD" in err


def test_an_import_says_which_symbols_it_assumed(run, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nM-1,2024-03-05,Dollar Inc,\"$2,000.00\"\n",
                    encoding="utf-8")
    code, out, err = run("import", str(path), "--kind", "orders")
    assert code == 0, err
    assert "Assumed $ = USD in 1 row(s)" in out


def test_an_import_says_when_amounts_without_a_currency_took_the_stores(admin, tmp_path):
    from cims_xl.importer.errors import ImportRefused
    from cims_xl.importer.run import import_file

    f = tmp_path / "orders.csv"
    # a file naming no currency: its amounts take the store's, said
    f.write_text("Customer Name,Order ID,Order Date,Amount\nWang Fang,A-1,2024-01-02,100\n"
                 "Li Lei,A-3,2024-01-04,200\n", encoding="utf-8")
    result = import_file(admin, f, kind="orders", dry_run=True)
    assert result.currency_defaulted == {"CNY": 2}
    assert any("2 row(s) gave no currency: their amounts were taken as CNY" in n for n in result.currency_notes())
    # "$5" and "€7" beside them: the file names several currencies, so its bare amounts stop (cur20b)
    f.write_text("Customer Name,Order ID,Order Date,Amount\nWang Fang,A-1,2024-01-02,100\n"
                 "Wang Fang,A-2,2024-01-03,$5\nLi Lei,A-3,2024-01-04,200\nLi Lei,A-4,2024-01-05,€7\n",
                 encoding="utf-8")
    with pytest.raises(ImportRefused, match="--currency"):
        import_file(admin, f, kind="orders", dry_run=True)
    given = import_file(admin, f, kind="orders", dry_run=True, currency="USD")
    assert given.currency_defaulted == {}
