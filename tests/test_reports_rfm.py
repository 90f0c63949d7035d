"""RFM: quintile edges, scores and named segments on a fixture with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cims_xl.domain.schema import RFM_SEGMENTS
from cims_xl.reports.compute import (SEGMENTS, build_report, quintile_edges, quintile_scores,
                                     rfm_segments, segment_name)

AS_OF = dt.date(2024, 12, 31)

# customer: (days since last order, number of orders, total sales)
PROFILE = {
    "C-000001": (10, 9, 900.0),
    "C-000002": (20, 1, 100.0),
    "C-000003": (30, 7, 700.0),
    "C-000004": (40, 2, 200.0),
    "C-000005": (50, 5, 500.0),
    "C-000006": (60, 10, 1000.0),
    "C-000007": (70, 4, 400.0),
    "C-000008": (80, 6, 600.0),
    "C-000009": (90, 8, 5000.0),
    "C-000010": (100, 3, 300.0),
}


def frames():
    rows = []
    for cid, (recency, orders, sales) in PROFILE.items():
        last = pd.Timestamp(AS_OF) - pd.Timedelta(days=recency)
        for k in range(orders):
            rows.append({"order_number": f"{cid}-{k}", "customer_id": cid,
                         "order_date": last - pd.Timedelta(days=30 * k), "amount": sales / orders,
                         "status": "Completed"})
    # a second line of an existing order is not a second order
    rows.append({"order_number": "C-000002-0", "customer_id": "C-000002",
                 "order_date": pd.Timestamp(AS_OF) - pd.Timedelta(days=20), "amount": 0.0, "status": "Completed"})
    # a cancelled order counts for nothing
    rows.append({"order_number": "X-1", "customer_id": "C-000010", "order_date": pd.Timestamp(AS_OF),
                 "amount": 99999.0, "status": "Cancelled"})
    orders = pd.DataFrame(rows)
    customers = pd.DataFrame({"id": [*PROFILE, "C-000011"], "name": [f"N{i}" for i in range(11)],
                              "created_at": pd.Timestamp("2024-01-01", tz="UTC")})
    return orders, customers


def test_quintile_edges_are_the_20_40_60_80_percentiles():
    np.testing.assert_allclose(quintile_edges(range(1, 11)), [2.8, 4.6, 6.4, 8.2])
    np.testing.assert_allclose(quintile_edges([100, 200, 300, 400, 500, 600, 700, 900, 1000, 5000]),
                               [280, 460, 640, 920])


def test_scores_put_values_on_an_edge_in_the_lower_quintile_and_reverse_recency():
    edges = [2, 4, 6, 8]
    assert quintile_scores([1, 2, 3, 4, 5, 8, 9], edges).tolist() == [1, 1, 2, 2, 3, 4, 5]
    assert quintile_scores([1, 2, 3, 9], edges, higher_is_better=False).tolist() == [5, 5, 4, 1]


def test_rfm_scores_and_segments_on_the_fixture():
    orders, customers = frames()
    rfm = rfm_segments(orders, customers, AS_OF).set_index("customer_id")
    assert rfm.loc["C-000002", ["recency_days", "frequency", "monetary"]].tolist() == [20, 1, 100.0]
    assert rfm["r"].tolist()[:10] == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert rfm["f"].tolist()[:10] == [5, 1, 4, 1, 3, 5, 2, 3, 4, 2]
    assert rfm["m"].tolist()[:10] == [4, 1, 4, 1, 3, 5, 2, 3, 5, 2]
    assert rfm["segment"].to_dict() == {
        "C-000001": "Champions", "C-000002": "New", "C-000003": "Loyal", "C-000004": "Promising",
        "C-000005": "Need attention", "C-000006": "Loyal", "C-000007": "Hibernating",
        "C-000008": "At risk", "C-000009": "Cannot lose", "C-000010": "Lost",
        "C-000011": None,   # no orders: no score, so a stale segment can be cleared
    }
    assert pd.isna(rfm.loc["C-000011", "r"])


def test_every_segment_name_is_one_the_customer_field_accepts():
    names = {segment_name(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    assert names == set(RFM_SEGMENTS)
    assert segment_name(4, 2, 3) == "Potential loyalist"


def test_the_segments_report_counts_customers_per_segment_and_shows_the_edges():
    orders, customers = frames()
    rep = build_report(SEGMENTS, {"order": orders, "customer": customers}, include_personal=True,
                       date_to=AS_OF)
    seg = rep.table("tblRfmSegments").data.set_index("Segment")
    assert list(seg.index) == list(RFM_SEGMENTS)
    assert seg.loc["Loyal", "Customers"] == 2 and seg.loc["Loyal", "Sales"] == 1700.0
    assert seg.loc["Potential loyalist", "Customers"] == 0
    assert seg["Customers"].sum() == 10
    edges = rep.table("tblRfmQuintiles").data
    assert edges["Recency Days"].tolist() == [28.0, 46.0, 64.0, 82.0]
    assert edges["Sales"].tolist() == [280.0, 460.0, 640.0, 920.0]


def test_top_customers_show_ids_only_without_personal_data():
    orders, customers = frames()
    fr = {"order": orders, "customer": customers}
    full = build_report(SEGMENTS, fr, include_personal=True, date_to=AS_OF).table("tblTopCustomers").data
    hidden = build_report(SEGMENTS, fr, include_personal=False, date_to=AS_OF).table("tblTopCustomers").data
    assert full["Customer ID"].tolist()[:3] == ["C-000009", "C-000006", "C-000001"]
    assert full["Name"].tolist()[:1] == ["N8"]
    assert "Name" not in hidden.columns
    assert hidden["Customer ID"].tolist() == full["Customer ID"].tolist()


def test_new_customers_are_counted_in_the_month_of_their_first_order():
    orders = pd.DataFrame({"order_number": ["a", "b", "c", "d"],
                           "customer_id": ["C-1", "C-1", "C-2", "C-3"],
                           "order_date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-03-09", "2024-03-31"]),
                           "amount": [1.0, 2.0, 3.0, 4.0], "status": "Completed"})
    customers = pd.DataFrame({"id": ["C-1", "C-2", "C-3"],
                              # 2024-02-29 20:00 UTC is March 1 in Shanghai
                              "created_at": pd.to_datetime(["2024-01-01T00:00", "2024-02-29T20:00",
                                                            "2024-03-02T00:00"], utc=True)})
    df = build_report(SEGMENTS, {"order": orders, "customer": customers},
                      include_personal=True).table("tblNewCustomers").data
    got = {m.strftime("%Y-%m"): (n, c) for m, n, c in zip(df["Month"], df["New Customers"], df["Records Created"])}
    assert got == {"2024-01": (1, 1), "2024-02": (0, 0), "2024-03": (2, 2)}


@pytest.mark.parametrize("bad", [None, pd.DataFrame({"id": []})])
def test_rfm_with_no_orders_is_empty_not_an_error(bad):
    orders = pd.DataFrame({"order_number": [], "customer_id": [], "order_date": pd.to_datetime([]),
                           "amount": [], "status": []})
    out = rfm_segments(orders, bad, AS_OF)
    assert len(out) == 0
    assert list(out.columns) == ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"]


def test_rfm_changes_list_only_customers_whose_segment_moves():
    from cims_xl.reports.compute import rfm_changes
    orders, customers = frames()
    customers = customers.assign(version=[3] * 11,
                                 rfm_segment=["Champions", "Lost"] + [None] * 8 + ["Loyal"])
    rfm = rfm_segments(orders, customers, AS_OF)
    changes = dict((cid, (c, v)) for cid, c, v in rfm_changes(rfm, customers))
    assert "C-000001" not in changes                        # already Champions
    assert changes["C-000002"] == ({"rfm_segment": "New"}, 3)
    assert changes["C-000011"] == ({"rfm_segment": None}, 3)  # no orders any more: cleared
    assert len(changes) == 10


def test_the_top_customers_chart_names_its_bars_by_customer_name_and_by_id_for_roles_without_names():
    orders, customers = frames()
    fr = {"order": orders, "customer": customers}
    full = build_report(SEGMENTS, fr, include_personal=True, date_to=AS_OF).table("tblTopCustomers")
    hidden = build_report(SEGMENTS, fr, include_personal=False, date_to=AS_OF).table("tblTopCustomers")
    assert full.chart.categories == "Name" and "Name" in full.data.columns
    assert hidden.chart.categories == "Customer ID" and "Name" not in hidden.data.columns
