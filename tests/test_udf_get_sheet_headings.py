"""CIMS_GET takes every heading a record's sheet shows (Customer Name beside a customer
id on orders, deals, tickets …) and gives the value as that sheet holds it after
Refresh (try25w: CIMS_GET("O-000003","Customer Name") said orders have no such field).

The sheets are the product's workbook refreshed from a real encrypted store."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.excel import sync
from cims_xl.excel import worksheet_functions as wf
from cims_xl.excel.layout import LAYOUTS
from cims_xl.services import records

from test_sync_support import new_workbook, table_rows

SHEETS = {"customer": "Customers", "order": "Orders", "opportunity": "Opportunities", "ticket": "Tickets",
          "contact": "Contacts", "interaction": "Interactions"}


@pytest.fixture
def filled(admin):
    ids = {}
    c1 = records.create(admin, "customer", {"name": "王小明", "city": "上海", "marketing_consent": True})["id"]
    c2 = records.create(admin, "customer", {"name": "Zoë Émoji", "email": "zoe@example.com"})["id"]
    ids["customer"] = [c1, c2]
    ids["order"] = [records.create(admin, "order", {"customer_id": c, "order_date": "2025-01-15", "amount": a,
                                                    "currency": code, "discount": "0.15", "product": "Widget"})["id"]
                    for c, a, code in ((c1, "1234.56", "CNY"), (c2, "99.5", "USD"))]
    ids["opportunity"] = [records.create(admin, "opportunity", {"customer_id": c1, "name": "Deal", "amount": "1000",
                                                                "stage": "Proposal", "probability": 33,
                                                                "expected_close": "2025-04-30"})["id"]]
    ids["ticket"] = [records.create(admin, "ticket", {"customer_id": c2, "subject": "Broken",
                                                      "priority": "High"})["id"]]
    ids["contact"] = [records.create(admin, "contact", {"customer_id": c1, "name": "李四", "is_primary": True})["id"]]
    ids["interaction"] = [records.create(admin, "interaction", {"customer_id": c2, "kind": "Call",
                                                                "subject": "Hello"})["id"]]
    return ids


def _same(got, cell) -> bool:
    if cell is None:
        return got == ""
    if isinstance(cell, dt.datetime) and isinstance(got, dt.datetime):
        return abs(cell - got) < dt.timedelta(seconds=1)
    if isinstance(cell, dt.datetime) and isinstance(got, dt.date):     # a date cell reads back at midnight
        return cell == dt.datetime.combine(got, dt.time())
    return got == cell


@pytest.mark.parametrize("kind", list(SHEETS))
def test_cims_get_gives_every_heading_of_the_sheet_as_the_refreshed_sheet_holds_it(admin, filled, tmp_path, kind):
    book = new_workbook(tmp_path / "cims.xlsx")
    sync.sync_file(admin, book, "refresh", sheets=[SHEETS[kind]])
    rows = {r["ID"]: r for r in table_rows(book, SHEETS[kind])}
    assert set(rows) == set(filled[kind])
    shown = [c.header for c in LAYOUTS[kind].columns if not c.hidden and c.role != "status"]
    for rid, row in rows.items():
        for heading in shown:
            got = wf.cims_get(rid, heading, session=admin)
            assert _same(got, row[heading]), (kind, heading, got, row[heading])
            # the heading as typed by hand: other capitals, spaces doubled
            assert _same(wf.cims_get(rid, "  " + heading.upper().replace(" ", "  "), session=admin), row[heading])


def test_the_customer_name_beside_an_order_is_the_customers_current_name_and_personal(admin, filled, session_as):
    order = filled["order"][0]
    assert wf.cims_get(order, "Customer Name", session=admin) == "王小明"
    records.update(admin, filled["customer"][0], {"name": "王大明"})
    assert wf.cims_get(order, "Customer Name", session=admin) == "王大明"
    said = wf.cims_get(order, "Customer Name", session=session_as("viewer"))
    assert said.startswith("#CIMS: Customer Name is personal data")


def test_probability_is_in_percent_points_as_the_opportunities_sheet_holds_it_and_yes_no_as_shown(admin, filled):
    deal = filled["opportunity"][0]
    for name in ("Probability %", "probability"):
        assert wf.cims_get(deal, name, session=admin) == 33      # the sheet's cell: 33 in format "0"
    assert wf.cims_get(filled["customer"][0], "Marketing Consent", session=admin) == "Yes"
    assert wf.cims_get(filled["contact"][0], "Primary", session=admin) == "Yes"
