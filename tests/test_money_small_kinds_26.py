"""Small money-display kinds (try26w items 8, 10, 11). Real encrypted stores, real reports.

- A figure no row names a currency of (an empty pipeline, a period with no sale) is still
  in the store's currency: its title names it and it has that currency's decimals, on the
  terminal, in the workbook's number formats and in JSON, as a non-empty one does.
- Notes that count orders (profit not known, orders placed by their customer's country)
  count per currency block, as the rows beside them are.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.excel.report_writer import write_report_workbook
from cims_xl.reports import build_for_session
from cims_xl.reports.compute import PIPELINE, SALES
from cims_xl.reports.model import money_format
from cims_xl.services import records, settings

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _customer(admin, name="Li Na"):
    return records.create(admin, "customer", {"name": name})["id"]


# ----- an empty money figure in the store's currency ----------------------------------------

def _pipeline_cells(path):
    """(value, number format) of the Pipeline by stage money cells of a report workbook."""
    sheet = openpyxl.load_workbook(path)["Report - Pipeline"]
    rows = list(sheet.iter_rows())
    for i, row in enumerate(rows):
        heads = [c.value for c in row]
        if "Stage" in heads and "Weighted" in heads:
            amount, weighted = heads.index("Amount"), heads.index("Weighted")
            return [(r[k].value, r[k].number_format) for r in rows[i + 1:i + 8] for k in (amount, weighted)]
    raise AssertionError("no Pipeline by stage table")


@pytest.mark.parametrize("code, zero, title", [("BHD", "0.000", "(BHD)"), ("JPY", "0", "(JPY)"),
                                               ("CLF", "0.0000", "(CLF)"), ("EUR", "0.00", "(EUR)")])
def test_an_empty_pipeline_is_shown_in_the_store_currency_with_its_decimals_and_code(
        admin, run, tmp_path, monkeypatch, code, zero, title):
    monkeypatch.setenv("COLUMNS", "220")
    settings.set_store_currency(admin, code)
    rc, out, err = run("report")
    assert rc == 0, err
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "Pipeline by stage" in line)
    assert title in lines[head]
    lead = next(line for line in lines[head:] if "Lead" in line)
    assert lead.split("│")[3].strip() == zero and lead.split("│")[5].strip() == zero
    rc, out, err = run("--format", "json", "report")
    data = json.loads(out)
    assert data["Report - Pipeline"]["currencies"]["tblPipelineByStage"] == code
    assert data["Report - Sales"]["currencies"]["tblSalesByMonth"] == code
    path = tmp_path / "r.xlsx"
    write_report_workbook(path, admin)
    cells = _pipeline_cells(path)
    assert cells and {fmt for _, fmt in cells} == {money_format(code)}


def test_an_empty_pipeline_reads_as_one_deal_of_the_store_currency_does(admin, run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    settings.set_store_currency(admin, "BHD")
    empty = build_for_session(admin, as_of=AS_OF)[PIPELINE].table("tblPipelineByStage")
    records.create(admin, "opportunity", {"customer_id": _customer(admin), "name": "One", "stage": "Lead",
                                          "amount": Decimal("1.235"), "currency": "BHD", "probability": 10,
                                          "expected_close": "2025-06-30"})
    one = build_for_session(admin, as_of=AS_OF)[PIPELINE].table("tblPipelineByStage")
    assert (empty.title, empty.currency) == (one.title, one.currency) == ("Pipeline by stage (BHD)", "BHD")


# ----- counts in notes per currency block ---------------------------------------------------

def _order(admin, cid, number, day, amount, currency, profit=None, region="East"):
    data = {"customer_id": cid, "order_number": number, "order_date": day, "amount": Decimal(amount),
            "currency": currency}
    if region is not None:
        data["region"] = region
    if profit is not None:
        data["profit"] = Decimal(profit)
    records.create(admin, "order", data)


@pytest.fixture
def two_currencies(admin):
    """June 2025: 4 USD orders (1 with no profit), 3 EUR orders (2 with no profit)."""
    settings.set_store_currency(admin, "USD")
    cid = _customer(admin)
    for i, profit in enumerate(["5", "6", "7", None]):
        _order(admin, cid, f"U-{i}", "2025-06-0%d" % (i + 1), "100", "USD", profit)
    for i, profit in enumerate(["9", None, None]):
        _order(admin, cid, f"E-{i}", "2025-06-1%d" % (i + 1), "200", "EUR", profit)
    return admin


def test_the_profit_note_of_sales_by_month_counts_orders_per_currency_block(two_currencies):
    sales = build_for_session(two_currencies, as_of=AS_OF)[SALES]
    for name, row in (("tblSalesByMonth", "2025-06"), ("tblSalesByYear", "2025"), ("tblSalesByRegion", "East")):
        note = sales.table(name).note
        assert f"{row}: 3 of 7" not in note, (name, note)
        assert f"{row}: 1 of 4" in note.split("EUR:")[0].split("USD:")[1], (name, note)
        assert f"{row}: 2 of 3" in note.split("EUR:")[1], (name, note)
        assert "Profit not known for 3 order(s)" not in note, (name, note)


def test_the_orders_placed_by_country_are_counted_per_currency_block(admin):
    settings.set_store_currency(admin, "USD")
    cid = records.create(admin, "customer", {"name": "Ann Lee", "country": "DE"})["id"]
    _order(admin, cid, "U-1", "2025-06-01", "100", "USD", "1", region=None)
    _order(admin, cid, "E-1", "2025-06-02", "100", "EUR", "1", region=None)
    _order(admin, cid, "E-2", "2025-06-03", "100", "EUR", "1", region=None)
    note = build_for_session(admin, as_of=AS_OF)[SALES].table("tblSalesByRegion").note
    assert "3 order(s) without a region" not in note
    assert "USD: 1 order(s) without a region" in note and "EUR: 2 order(s) without a region" in note


# ----- typed amounts: echoed as stored; forms no spreadsheet writes refused ----------------

def _cid(run, name="Koala Pty"):
    code, out, err = run("--format", "json", "customer", "add", "--name", name)
    assert code == 0, err
    return json.loads(out)["id"]


def _stored_orders(admin):
    return {str(o["order_number"] or o["id"]): o["amount"] for o in records.list_records(admin, "order")}


@pytest.mark.parametrize("typed", ["-0", "-0.00", "−0", "-0,0", "(0)"])
def test_a_negative_zero_amount_is_echoed_as_the_zero_it_is_stored_as(admin, run, typed):
    cid = _cid(run)
    code, out, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-date", "2025-01-05",
                         "--amount", typed, "--currency", "USD")
    assert code == 0, err
    echoed = json.loads(out)["amount"]
    assert not echoed.startswith(("-", "−")), echoed
    stored = records.get(admin, json.loads(out)["id"])["amount"]
    assert Decimal(echoed) == stored == 0 and not str(stored).startswith("-")


@pytest.mark.parametrize("typed, plain", [("1_000", "1000"), ("1_000.50", "1000.50"), ("12_345_678", "12345678"),
                                          ("$1_000", "1000"), ("1_000 EUR", "1000")])
def test_digits_grouped_by_underscores_are_refused_on_the_cli_naming_the_number_to_write(
        admin, run, typed, plain):
    cid = _cid(run)
    code, out, err = run("order", "add", "--customer-id", cid, "--order-date", "2025-01-05", "--amount", typed,
                         "--currency", "USD" if "EUR" not in typed else "EUR")
    assert code != 0 and "'_'" in err and plain in err, err
    assert records.list_records(admin, "order") == []
    code, _, err = run("fx", "set", "EUR", "7_1", "--from", "2025-01-01")
    assert code != 0 and "'_'" in err and "71" in err


def test_digits_grouped_by_underscores_are_refused_by_the_record_check_a_save_shares(admin):
    cid = records.create(admin, "customer", {"name": "Ann Lee"})["id"]
    with pytest.raises(Exception) as exc:
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-01-05", "amount": "2_500",
                                        "currency": "USD"})
    assert "'_'" in str(exc.value) and "2500" in str(exc.value)
    assert records.list_records(admin, "order") == []


def test_an_import_refuses_amounts_grouped_by_underscores_naming_the_form_to_write(admin, tmp_path):
    from cims_xl.importer.run import import_file

    path = tmp_path / "o.csv"
    path.write_text("Order ID,Order Date,Customer Name,Amount,Currency\n"
                    "A-1,2025-01-05,Ann Lee,7_500,USD\nA-2,2025-01-06,Ann Lee,200,USD\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert result.rejected == 1
    problem = next(o.problems for o in result.outcomes if o.action == "rejected")
    assert "'_'" in problem["Amount"] and "7500" in problem["Amount"]
    assert {o["order_number"]: o["amount"] for o in records.list_records(admin, "order")} == {"A-2": Decimal(200)}


@pytest.mark.parametrize("typed", ["0.1e1", "0e5", "0,5E2", "-0.25e2"])
def test_scientific_notation_with_a_mantissa_below_one_is_refused_naming_the_plain_number(admin, run, typed):
    cid = _cid(run)
    code, _, err = run("order", "add", "--customer-id", cid, "--order-date", "2025-01-05", "--amount", typed,
                       "--currency", "USD")
    assert code != 0 and "scientific notation" in err, err
    assert records.list_records(admin, "order") == []


def test_a_rate_in_scientific_notation_is_read_or_refused_as_a_typed_amount_is_and_says_why(admin, run):
    settings.set_store_currency(admin, "USD")
    cid = _cid(run)
    for typed, stored in (("1e-1", "0.1"), ("2.5E-2", "0.025")):     # read exactly, echoed as stored
        code, out, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-date",
                             "2025-01-05", "--amount", typed, "--currency", "USD")
        assert code == 0 and json.loads(out)["amount"] == stored, err
        code, out, err = run("--format", "json", "fx", "set", "CNY", typed, "--from", "2025-01-01", "--confirm")
        assert code == 0 and json.loads(out)["rate"] == stored, err
    for typed in ("1E3", "1e5", "0.1e1"):                             # refused alike, saying why
        code, _, amount_err = run("order", "add", "--customer-id", cid, "--order-date", "2025-01-05",
                                  "--amount", typed, "--currency", "USD")
        code2, _, rate_err = run("fx", "set", "EUR", typed, "--from", "2025-01-01", "--confirm")
        assert code != 0 and code2 != 0
        assert "scientific notation" in amount_err and "scientific notation" in rate_err, (amount_err, rate_err)
    assert [str(r.rate) for r in settings.fx_rates(admin)] == ["0.025"]
