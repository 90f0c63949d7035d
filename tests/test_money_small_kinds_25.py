"""Smaller money kinds, across currencies of 0, 2, 3 and 4 decimals. Real encrypted stores
and real workbook files.

- "More decimals when the value has more" reaches currencies without minor unit: a
  weighted 330.33 JPY is shown 330.33 (terminal and workbook), a whole one 1,001.
- CIMS_360 converts every money figure it lists (lifetime value and open deals), or none.
- An amount typed with a currency of three decimals ("1.235" BHD) has one reading; a
  sign of another currency than the row's ("€1,000" in a USD row) is said first.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.domain.display import money
from cims_xl.errors import ValidationFailed
from cims_xl.excel import worksheet_functions as wf
from cims_xl.excel.report_writer import write_report_workbook
from cims_xl.services import records, settings


def _customer(admin, name="Li Na"):
    return records.create(admin, "customer", {"name": name})["id"]


def _deal(admin, cid, amount, currency, probability, stage="Qualified"):
    return records.create(admin, "opportunity", {
        "customer_id": cid, "name": f"Deal {amount} {currency}", "stage": stage, "amount": Decimal(amount),
        "currency": currency, "probability": probability, "expected_close": "2025-06-30"})["id"]


def _order(admin, cid, amount, currency, day="2025-03-04"):
    return records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": Decimal(amount),
                                           "currency": currency})["id"]


# ----- a fraction of a currency without minor unit is shown ---------------------------------

def test_more_decimals_when_the_value_has_more_holds_for_currencies_without_minor_unit():
    cases = [(Decimal("330.33"), "JPY", "330.33 JPY"), (Decimal("1001"), "JPY", "1,001 JPY"),
             (Decimal("12.5"), "KRW", "12.5 KRW"), (Decimal("0.0025"), "BHD", "0.0025 BHD"),
             (Decimal("0.0333"), "CNY", "0.0333 CNY"), (Decimal("1.23456"), "CLF", "1.2346 CLF"),
             (Decimal("-0.00001"), "JPY", "0 JPY")]
    assert [money(amount, code) for amount, code, _ in cases] == [shown for _, _, shown in cases]


def test_a_weighted_yen_amount_shows_its_fraction_in_the_pipeline_report_workbook_and_terminal(
        admin, run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    settings.set_store_currency(admin, "USD")
    cid = _customer(admin)
    _deal(admin, cid, "1001", "JPY", 33)              # weighted 330.33 JPY
    _deal(admin, cid, "2000", "KRW", 50, "Proposal")  # weighted 1000 KRW: whole
    path = tmp_path / "r.xlsx"
    write_report_workbook(path, admin)
    sheet = openpyxl.load_workbook(path)["Report - Pipeline"]
    cells = {(c.value, c.number_format) for row in sheet.iter_rows() for c in row
             if isinstance(c.value, (int, float)) and c.value in (330.33, 1000, 1001, 2000)}
    assert (330.33, "#,##0.0###") in cells           # shows 330.33, never 330
    assert (1001, "#,##0") in cells and (1000, "#,##0") in cells
    code, out, err = run("report")
    assert code == 0, err
    assert "330.33" in out


# ----- CIMS_360: every money figure converted, or none --------------------------------------

def test_cims_360_converts_the_open_deals_as_it_converts_the_lifetime_value(admin):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "JPY", "0.0066", "2020-01-01", confirm=True)
    settings.set_fx_rate(admin, "CNY", "0.14", "2020-01-01", confirm=True)
    cid = _customer(admin)
    _order(admin, cid, "1507", "JPY")                  # 9.9462 USD
    _deal(admin, cid, "1001", "JPY", 33)               # 6.6066 USD
    _deal(admin, cid, "3.33", "CNY", 10, "Proposal")   # 0.4662 USD
    said = wf.cims_360(cid, session=admin)
    assert "LTV 9.95 USD (from 1,507 JPY)" in said
    assert "2 open opportunities (7.07 USD (from 1,001 JPY; 3.33 CNY))" in said


def test_cims_360_lists_every_figure_in_its_own_currency_when_a_deal_has_no_rate(admin):
    settings.set_store_currency(admin, "BHD")
    settings.set_fx_rate(admin, "USD", "0.3769", "2020-01-01", confirm=True)
    cid = _customer(admin)
    _order(admin, cid, "12.34", "USD")                 # convertible: 4.651 BHD
    _deal(admin, cid, "2.5", "CLF", 50)                # no CLF rate
    said = wf.cims_360(cid, session=admin)
    assert "LTV 12.34 USD ·" in said and "BHD" not in said.split("·")[1]
    assert "1 open opportunity (2.5000 CLF)" in said


# ----- "1.235" with BHD; "€1,000" in a USD row ---------------------------------------------

def test_an_amount_typed_with_a_three_decimal_currency_has_one_reading(admin):
    cases = [("1.235", "BHD", Decimal("1.235")), ("1,235", "BHD", Decimal("1235")),
             ("12.500", "KWD", Decimal("12.5")), ("2.750", "OMR", Decimal("2.75")),
             ("BHD 1.235", "BHD", Decimal("1.235")), ("1.200", "JPY", Decimal("1200")),
             ("1.2345", "CLF", Decimal("1.2345"))]
    cid = _customer(admin)
    got = []
    for typed, code, _ in cases:
        order = records.create(admin, "order", {"customer_id": cid, "order_date": "2025-03-04", "amount": typed,
                                                "currency": code})
        stored = records.get(admin, order["id"])
        got.append((stored["amount"], stored["currency"]))
    assert got == [(stored, code) for _, code, stored in cases]
    # without a currency of three decimals the number still reads two ways: refused, not guessed
    with pytest.raises(ValidationFailed, match="could be"):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-03-04", "amount": "1.235",
                                        "currency": "EUR"})


def test_the_cli_stores_1_235_bhd_as_typed(admin, run):
    cid = _customer(admin)
    code, out, err = run("order", "add", "--customer-id", cid, "--order-date", "2025-03-04", "--amount", "1.235",
                         "--currency", "BHD")
    assert code == 0, err
    (order,) = records.list_records(admin, "order")
    assert (order["amount"], order["currency"]) == (Decimal("1.235"), "BHD")


def test_a_sign_of_another_currency_than_the_rows_is_named_before_the_numbers_two_readings(admin):
    cid = _customer(admin)
    for typed, sign, row in (("€1,000", "€", "USD"), ("€1.000", "€", "USD"), ("£2,500", "£", "USD"),
                             ("$1,000", "$", "EUR")):
        with pytest.raises(ValidationFailed) as caught:
            records.create(admin, "opportunity", {"customer_id": cid, "name": "Deal", "stage": "Lead",
                                                  "amount": typed, "currency": row})
        said = str(caught.value)
        assert sign in said and row in said and "could be" not in said, said
