"""Figures computed at an exchange rate are shown rounded to the target currency's minor
units (half up), stored amounts as stored; CIMS_PIPELINE converts at the store's rates
by the Pipeline report's own computation and follows a store currency changed in another
process; a total a cell cannot hold exactly comes back as exact text, never as a rounded
float. Real encrypted stores."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.reports.refresh import build_for_session
from cims_xl.services import records, settings

REPO = Path(__file__).resolve().parents[1]


def _customer(admin, name: str = "Li Na") -> str:
    return records.create(admin, "customer", {"name": name})["id"]


def _order(admin, cid: str, amount: str, currency: str, day: str = "2024-03-04") -> str:
    return records.create(admin, "order", {"customer_id": cid, "order_date": day, "amount": Decimal(amount),
                                           "currency": currency})["id"]


def _opportunity(admin, cid: str, amount: str, currency: str, stage: str, probability: int | None) -> str:
    data = {"customer_id": cid, "name": f"Deal {amount} {currency}", "stage": stage, "amount": Decimal(amount),
            "currency": currency, "expected_close": "2024-06-30"}
    if probability is not None:
        data["probability"] = probability
    return records.create(admin, "opportunity", data)["id"]


@pytest.mark.parametrize("base, other, rate, amount, shown", [
    ("USD", "CNY", "0.14014", "100", "14.01 USD"),          # 14.014
    ("USD", "JPY", "0.0066", "1507", "9.95 USD"),            # 9.9462
    ("BHD", "USD", "0.3769", "12.34", "4.651 BHD"),          # 4.650946
    ("JPY", "USD", "151.37", "12.34", "1,868 JPY"),          # 1867.9058
    ("EUR", "USD", "0.925", "0.1", "0.09 EUR"),              # 0.0925: half up to the cent, as EC 1103/97
])
def test_a_lifetime_value_converted_at_a_rate_is_shown_with_the_currencys_decimals(
        admin, base, other, rate, amount, shown):
    settings.set_store_currency(admin, base)
    settings.set_fx_rate(admin, other, rate, "2020-01-01", confirm=True)
    cid = _customer(admin)
    _order(admin, cid, amount, other)
    number = wf.cims_ltv(cid, session=admin)
    assert f"{number:,.{len(shown.split()[0].split('.')[1]) if '.' in shown else 0}f} {base}" == shown
    assert Decimal(repr(number)) == Decimal(shown.split()[0].replace(",", ""))
    assert f"LTV {shown} (from" in wf.cims_360(cid, session=admin)


def test_a_stored_amount_is_still_shown_with_every_stored_digit_beside_a_converted_one(admin):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "CNY", "0.14014", "2020-01-01", confirm=True)
    cid = _customer(admin)
    _order(admin, cid, "1.235", "BHD")          # no BHD rate: stays in BHD, shown as stored
    _order(admin, cid, "46.4", "CNY")           # 6.502496 USD
    assert wf.cims_ltv(cid, session=admin) == "6.50 USD; 1.235 BHD"


def test_a_lifetime_value_of_more_than_15_digits_comes_back_as_exact_text_not_a_rounded_number(admin):
    settings.set_store_currency(admin, "USD")
    cid = _customer(admin)
    for amount in ("9999999999999.99", "9999999999999.99", "0.01"):
        _order(admin, cid, amount, "USD")
    assert wf.cims_ltv(cid, session=admin) == "19,999,999,999,999.99 USD"
    assert wf.cims_ltv(cid, "USD", session=admin) == "19,999,999,999,999.99 USD"
    small = _customer(admin, "Wang Fang")
    _order(admin, small, "1234567890123.45", "USD")
    assert wf.cims_ltv(small, session=admin) == 1234567890123.45


def _report_open(admin, base: str) -> dict[str, tuple[Decimal, Decimal]]:
    """The Pipeline report's open Amount and Weighted per currency block."""
    sheet = build_for_session(admin)
    out = {}
    for rep in sheet.values():
        for t in rep.tables:
            if t.name.startswith("tblPipelineByStage") and rep.sheet.endswith("Pipeline"):
                rows = t.data[t.data["Stage"].isin(["Lead", "Qualified", "Proposal", "Negotiation"])]
                out[t.currency or base] = (sum(rows["Amount"], Decimal(0)), sum(rows["Weighted"], Decimal(0)))
    return out


def test_cims_pipeline_converts_at_the_stores_rates_and_agrees_with_the_pipeline_report(admin):
    settings.set_store_currency(admin, "USD")
    settings.set_fx_rate(admin, "CNY", "0.14", "2020-01-01", confirm=True)
    settings.set_fx_rate(admin, "JPY", "0.0066", "2020-01-01", confirm=True)
    cid = _customer(admin)
    _opportunity(admin, cid, "1000", "CNY", "Proposal", 50)
    _opportunity(admin, cid, "1507", "JPY", "Lead", 10)
    _opportunity(admin, cid, "0.02", "USD", "Negotiation", 80)
    _opportunity(admin, cid, "5000", "USD", "Won", 100)        # closed: not open
    got = wf.cims_pipeline(session=admin)
    assert [row[0] for row in got] == ["Currency", "USD"]
    report = _report_open(admin, "USD")
    assert set(report) == {"USD"}
    amount, weighted = report["USD"]
    assert got[1][1] == float(amount.quantize(Decimal("0.01"))) == 149.97     # 140 + 9.9462 + 0.02
    assert got[1][2] == float(weighted.quantize(Decimal("0.01"))) == 71.01    # 70 + 0.99462 + 0.016


def test_a_store_currency_changed_in_another_process_reorders_cims_pipeline_at_the_next_call(admin, store_path):
    from conftest import ADMIN_PASSWORD

    settings.set_store_currency(admin, "USD")
    cid = _customer(admin)
    _opportunity(admin, cid, "10", "USD", "Lead", 10)
    _opportunity(admin, cid, "70", "CNY", "Lead", 10)
    assert [row[0] for row in wf.cims_pipeline(session=admin)][1:] == ["USD", "CNY"]
    code = textwrap.dedent(f"""
        from cims_xl.services import auth, settings
        s = auth.sign_in({str(store_path)!r}, "admin", {ADMIN_PASSWORD!r})
        settings.set_store_currency(s, "CNY")
        s.close()
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO)
    assert [row[0] for row in wf.cims_pipeline(session=admin)][1:] == ["CNY", "USD"]
