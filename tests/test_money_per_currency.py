"""Money is shown with its currency's decimal places and added up exactly, and report
totals and notes count the rows of their own table (real encrypted stores via the CLI)."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records, settings

SALES, SEGMENTS, PIPELINE = "Report - Sales", "Report - Segments", "Report - Pipeline"


def _customer(run, name: str) -> str:
    code, out, err = run("--format", "json", "customer", "add", "--name", name)
    assert code == 0, err
    return json.loads(out)["id"]


def _order(run, cid: str, day: str, amount: str, *extra: str) -> None:
    code, _, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-date", day,
                       "--amount", amount, *extra)
    assert code == 0, err


def _report_json(run) -> dict:
    code, out, err = run("--format", "json", "report")
    assert code == 0, err
    return json.loads(out)


def _table_cells(path, sheet: str, table: str) -> tuple[list[str], list[list], list]:
    """(headers, data rows as cells, totals row cells) of an Excel table in a report file."""
    ws = openpyxl.load_workbook(path)[sheet]
    ref = ws.tables[table].ref
    rows = [list(r) for r in ws[ref]]
    return [c.value for c in rows[0]], rows[1:-1], rows[-1]


def test_a_bahraini_store_shows_three_decimals_in_the_report_the_360_and_the_workbook(run, tmp_path):
    assert run("settings", "currency", "BHD")[0] == 0
    cid = _customer(run, "Gulf Trading")
    _order(run, cid, "2026-03-02", "1.2345")
    _order(run, cid, "2026-03-09", "1.2340")
    code, out, err = run("report")
    assert code == 0, err
    assert "2.4685" in out and "2.469 " not in out and "2.47 " not in out    # every stored digit
    code, out, err = run("customer", "360", cid)
    assert code == 0, err
    assert "lifetime value 2.4685 BHD" in " ".join(out.split())
    path = tmp_path / "bhd.xlsx"
    assert run("report", "--out", str(path))[0] == 0
    headers, rows, _ = _table_cells(path, SALES, "tblSalesByMonth")
    sales = [r[headers.index("Sales")] for r in rows]
    assert [c.value for c in sales] == [2.4685]
    assert sales[0].number_format == "#,##0.000#"     # three places, a fourth where stored


def test_a_yen_store_shows_converted_dollars_in_whole_yen_everywhere(run, tmp_path):
    assert run("settings", "currency", "JPY")[0] == 0
    assert run("fx", "set", "USD", "150.5", "--from", "2026-01-01")[0] == 0
    cid = _customer(run, "Tokyo Imports")
    _order(run, cid, "2026-02-03", "10.01", "--currency", "USD")     # 1,506.505 JPY
    code, out, err = run("report")
    assert code == 0, err
    assert "1,507" in out and "1,506.5" not in out
    code, out, err = run("customer", "360", cid)
    assert code == 0, err
    assert "1,507 JPY at your exchange rates (10.01 USD)" in " ".join(out.split())
    path = tmp_path / "jpy.xlsx"
    assert run("report", "--out", str(path))[0] == 0
    headers, rows, _ = _table_cells(path, SALES, "tblSalesByYear")
    assert rows[0][headers.index("Sales")].number_format == "#,##0"


def test_months_add_up_to_the_year_exactly_and_json_gives_decimal_text_for_large_amounts(run):
    assert run("settings", "currency", "USD")[0] == 0
    cid = _customer(run, "Big Spender")
    _order(run, cid, "2026-01-15", "100.10")
    for day in ("2026-04-02", "2026-04-03", "2026-04-04"):
        _order(run, cid, day, "9999999999999.99")                      # 15 significant digits
    _order(run, cid, "2026-04-05", "0.07")
    _order(run, cid, "2026-05-03", "0.01")
    data = _report_json(run)[SALES]["tables"]
    months = data["tblSalesByMonth"]
    assert all(isinstance(m["Sales"], str) for m in months)
    april = next(m for m in months if m["Month"].startswith("2026-04"))
    assert Decimal(april["Sales"]) == Decimal("30000000000000.04")
    year = data["tblSalesByYear"][0]
    assert Decimal(year["Sales"]) == sum(Decimal(m["Sales"]) for m in months) == Decimal("30000000000100.15")
    region = data["tblSalesByRegion"]
    assert sum(Decimal(r["Sales"]) for r in region) == Decimal(year["Sales"])


def test_an_amount_with_more_than_15_significant_digits_is_refused_naming_the_reason(run):
    cid = _customer(run, "Too Precise")
    for amount in ("99999999999999.99", "1234567890123.4567"):
        code, _, err = run("order", "add", "--customer-id", cid, "--order-date", "2026-01-02", "--amount", amount)
        assert code != 0 and "more than 15 significant digits" in err, err
    code, out, err = run("--format", "json", "order", "list")
    assert code == 0 and json.loads(out) == []


def test_the_segments_total_counts_a_customer_who_bought_in_two_currencies_once(run, tmp_path):
    assert run("settings", "currency", "CNY")[0] == 0
    both, one = _customer(run, "Two Wallets"), _customer(run, "One Wallet")
    _order(run, both, "2026-01-05", "100")
    _order(run, both, "2026-01-06", "30", "--currency", "USD")        # no rate: a USD block
    _order(run, one, "2026-01-07", "80")
    data = _report_json(run)[SEGMENTS]
    rows = data["tables"]["tblRfmSegments"]
    assert sum(r["Customers"] for r in rows) == 3                       # 2 in CNY + 1 in USD
    note = data["notes"]["tblRfmSegments"]
    assert "1 customer(s) bought in more than one currency" in note and "counts each customer once (2)" in note
    path = tmp_path / "seg.xlsx"
    assert run("report", "--out", str(path))[0] == 0
    headers, _, totals = _table_cells(path, SEGMENTS, "tblRfmSegments")
    assert totals[headers.index("Customers")].value == 2


def test_rate_notes_count_the_orders_the_table_holds_and_the_pipeline_names_no_order_rates(run):
    assert run("settings", "currency", "CNY")[0] == 0
    assert run("fx", "set", "USD", "7.1", "--from", "2026-02-01")[0] == 0
    cid = _customer(run, "Noted Buyer")
    _order(run, cid, "2026-01-10", "10", "--currency", "USD")                         # before the rate
    _order(run, cid, "2026-01-11", "11", "--currency", "USD", "--status", "Cancelled")
    _order(run, cid, "2026-02-10", "20", "--currency", "USD")                         # converted
    for day in ("2026-02-11", "2026-02-12"):
        _order(run, cid, day, "5", "--currency", "USD", "--status", "Cancelled")
    data = _report_json(run)
    note = data[SALES]["notes"]["tblSalesByYear"]
    assert "1 USD = 7.1 CNY from 2026-02-01 (1 rows)" in note
    assert "1 USD rows are dated before the first USD rate and stay in USD" in note
    usd = [r for r in data[SALES]["tables"]["tblSalesByMonth"] if r.get("Currency") == "USD"]
    assert sum(r["Orders"] for r in usd) == 1
    assert not any("Converted" in (n or "") for n in data[PIPELINE]["notes"].values())


def test_worksheet_money_text_uses_each_currencys_decimals_in_decimal_not_float():
    assert wf.money_text({"BHD": Decimal("1.005")}) == "1.005 BHD"
    assert wf.money_text({"USD": Decimal("1.005")}) == "1.005 USD"          # a stored digit is never rounded away
    assert wf.money_text({"USD": Decimal("1.00005")}) == "1.0001 USD"       # past the store's 4: half up, in Decimal
    # a computed yen figure keeps its fraction, as every currency's extra digits show (money25)
    assert wf.money_text({"JPY": Decimal("2502.73"), "KWD": Decimal("0.0005")}) == "2,502.73 JPY; 0.0005 KWD"


def test_the_360_line_shows_a_bahraini_deal_with_three_decimals(admin):
    settings.set_store_currency(admin, "BHD")
    cid = records.create(admin, "customer", {"name": "Manama Co"})["id"]
    records.create(admin, "opportunity", {"customer_id": cid, "name": "Deal", "amount": Decimal("1.005"),
                                          "currency": "BHD", "stage": "Proposal"})
    line = wf.cims_360(cid, session=admin)
    assert "(1.005 BHD)" in line and "1.00 BHD" not in line


def test_pipeline_of_a_closed_stage_is_headed_by_that_stage_not_open_amount(admin):
    cid = records.create(admin, "customer", {"name": "Closer Ltd"})["id"]
    records.create(admin, "opportunity", {"customer_id": cid, "name": "Won deal", "amount": "500",
                                          "stage": "Won"})
    assert wf.cims_pipeline("Won", session=admin)[0] == ["Currency", "Won amount", "Weighted amount"]
    assert wf.cims_pipeline("Lost", session=admin)[0][1] == "Lost amount"
    assert wf.cims_pipeline(session=admin)[0][1] == "Open amount"


def test_an_empty_store_report_leaves_the_profit_totals_blank_not_zero(run, tmp_path):
    path = tmp_path / "empty.xlsx"
    assert run("report", "--out", str(path))[0] == 0
    for table in ("tblSalesByMonth", "tblSalesByYear", "tblSalesByRegion"):
        headers, _, totals = _table_cells(path, SALES, table)
        assert totals[headers.index("Profit")].value in (None, ""), table
        assert str(totals[headers.index("Sales")].value).startswith("=SUBTOTAL"), table
