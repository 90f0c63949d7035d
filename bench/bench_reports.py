"""Benchmark: refreshing the four reports over 1,000,000 orders and 100,000 customers.

    python bench/bench_reports.py                    # generate a store in a temp dir, measure
    python bench/bench_reports.py --keep /tmp/b.cims # keep (or reuse) the generated store
    python bench/bench_reports.py --orders 100000 --customers 10000   # smaller run

Measured in the same run, best of --repeat:
- floor   : a bare `pandas.read_sql` of the same live rows and columns the reports read
            (refresh.REPORT_COLUMNS of orders, customers, opportunities, tickets, and the
            stage history) from the same
            encrypted store, plus one `pivot_table` (sales by month × region);
- compute : `cims_xl.reports.refresh.load_frames` (the frames service: store read and
            typing) plus `build_reports` (every pivot of the four sheets);
- write   : the four report sheets written headless with openpyxl into a new workbook
            and saved; and a refresh in place of that file (load, rebuild, save).
Targets (issue 5): compute <= 3 x floor (and <= 1 s), write <= 5 s.

The store is filled through the store's own connection with rows already in stored
form (bench setup only; the product writes through the services).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cims_xl.domain.schema import ENTITIES, META_KEYS  # noqa: E402
from cims_xl.reports.refresh import REPORT_COLUMNS  # noqa: E402
from cims_xl.store.db import MONEY_SCALE  # noqa: E402

PASSWORD = "bench-Passw0rd-for-reports"
FAST_KDF = {"name": "scrypt", "n": 2**10, "r": 8, "p": 1}
OWNERS = ["li", "wang", "zhang", "liu", "chen"]
REGIONS = ["East", "North", "South", "West", "Central", "Northeast", "Northwest", "Southwest"]
PROVINCES = ["上海", "北京", "广东", "浙江", "江苏", "四川", "湖北", "陕西", "辽宁", "天津", "重庆",
             "山东", "河南", "福建", "湖南", "安徽"]
CATEGORIES = ["Furniture", "Office Supplies", "Technology", "Services", "Food"]
SEGMENTS = ["Consumer", "Corporate", "Home Office", "Small Business", "VIP"]
STAGES = ["Lead", "Qualified", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"]


def _iso(days: np.ndarray, base="2019-01-01") -> np.ndarray:
    return (np.datetime64(base) + days.astype("timedelta64[D]")).astype(str)


def _stamp(seconds: np.ndarray, base="2019-01-01T00:00:00") -> list[str]:
    t = (np.datetime64(base) + seconds.astype("timedelta64[s]")).astype(str)
    return [s + "Z" for s in t]


def _insert(store, kind: str, columns: dict[str, object], n: int) -> None:
    ent = ENTITIES[kind]
    cols = list(META_KEYS) + list(ent.keys)
    data = []
    for c in cols:
        v = columns.get(c)
        data.append(v if isinstance(v, (list, np.ndarray)) else [v] * n)
    seq = range(1, n + 1)
    rows = zip(seq, *[(x.tolist() if isinstance(x, np.ndarray) else x) for x in data])
    sql = f"INSERT INTO {ent.table} (seq, {', '.join(cols)}) VALUES (?, {', '.join('?' * len(cols))})"
    store.conn.executemany(sql, rows)


def populate(session, n_orders: int, n_customers: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    store = session.store
    now = "2024-06-30T00:00:00Z"
    meta = {"created_by": "admin", "updated_at": now, "updated_by": "admin", "version": 1}
    cids = [f"C-{i:06d}" for i in range(1, n_customers + 1)]
    with store.transaction():
        cust_created = rng.integers(0, 5 * 365 * 86400, n_customers)
        _insert(store, "customer", {
            **meta, "id": cids, "created_at": _stamp(cust_created),
            "name": [f"客户{i}" for i in range(n_customers)], "type": "Person",
            "province": rng.choice(PROVINCES, n_customers), "segment": rng.choice(SEGMENTS, n_customers),
            "source": "Import", "owner": rng.choice(OWNERS, n_customers), "country": "China",
        }, n_customers)

        # orders: about two lines per order number
        order_of_line = np.sort(rng.integers(0, n_orders // 2, n_orders))
        line_no = pd.Series(order_of_line).groupby(order_of_line).cumcount().to_numpy() + 1
        order_cust = rng.integers(0, n_customers, n_orders // 2 + 1)
        order_day = rng.integers(0, 5 * 365, n_orders // 2 + 1)
        order_region = rng.integers(0, len(REGIONS), n_orders // 2 + 1)
        amount = (rng.gamma(2.0, 150.0, n_orders) * MONEY_SCALE).astype(np.int64)
        _insert(store, "order", {
            **meta, "id": [f"O-{i:07d}" for i in range(1, n_orders + 1)], "created_at": now,
            "order_number": [f"SO-{k:07d}" for k in order_of_line], "line_no": line_no,
            "customer_id": [cids[k] for k in order_cust[order_of_line]],
            "order_date": _iso(order_day[order_of_line]),
            "category": rng.choice(CATEGORIES, n_orders), "quantity": rng.integers(1, 10, n_orders),
            "amount": amount, "profit": (amount * rng.uniform(-0.2, 0.4, n_orders)).astype(np.int64),
            "currency": "CNY", "region": np.asarray(REGIONS)[order_region[order_of_line]],
            "province": rng.choice(PROVINCES, n_orders), "status": "Completed",
        }, n_orders)

        n_opp = max(10, n_customers // 2)
        stage = rng.choice(STAGES, n_opp)
        opp_created = rng.integers(0, 5 * 365 * 86400, n_opp)
        opp_ids = [f"OP-{i:06d}" for i in range(1, n_opp + 1)]
        closed = np.isin(stage, ["Won", "Lost"])
        close_day = opp_created // 86400 + rng.integers(1, 120, n_opp)
        _insert(store, "opportunity", {
            **meta, "id": opp_ids, "created_at": _stamp(opp_created),
            "customer_id": rng.choice(cids, n_opp), "name": "Deal", "stage": stage,
            "amount": (rng.gamma(2.0, 5000.0, n_opp) * MONEY_SCALE).astype(np.int64),
            "probability": [{"Lead": 10, "Qualified": 20, "Needs analysis": 30, "Proposal": 50,
                             "Negotiation": 75, "Won": 100, "Lost": 0}[s] for s in stage],
            "expected_close": _iso(close_day), "owner": rng.choice(OWNERS, n_opp),
            "source": rng.choice(["Referral", "Website", "Event", "Partner"], n_opp),
            "closed_at": [d if c else None for d, c in zip(_iso(close_day), closed)],
            "lost_reason": [rng.choice(["Price", "Timing", "Competitor"]) if s == "Lost" else None for s in stage],
        }, n_opp)
        hist = []
        for oid, st, created in zip(opp_ids, stage, opp_created):
            t = int(created)
            path = ["Lead", "Qualified", "Proposal"] + ([st] if st in ("Won", "Lost", "Negotiation") else [])
            prev = None
            for s in path:
                hist.append((oid, prev, s, _stamp(np.array([t]))[0], "admin"))
                prev, t = s, t + int(rng.integers(1, 20)) * 86400
        store.conn.executemany("INSERT INTO stage_history(opportunity_id, from_stage, to_stage, changed_at, "
                               "changed_by) VALUES (?, ?, ?, ?, ?)", hist)

        n_t = max(10, n_customers // 2)
        opened = rng.integers(0, 5 * 365 * 86400, n_t)
        status = rng.choice(["New", "Open", "Pending", "Resolved", "Closed"], n_t, p=[.05, .1, .05, .3, .5])
        pri = rng.choice(["P1", "P2", "P3", "P4"], n_t)
        response = opened + rng.integers(600, 40 * 3600, n_t)
        resolved = response + rng.integers(3600, 10 * 86400, n_t)
        done = np.isin(status, ["Resolved", "Closed"])
        target = {"P1": (1, 8), "P2": (4, 24), "P3": (8, 72), "P4": (24, 168)}
        _insert(store, "ticket", {
            **meta, "id": [f"T-{i:06d}" for i in range(1, n_t + 1)], "created_at": _stamp(opened),
            "customer_id": rng.choice(cids, n_t), "subject": "Question", "priority": pri, "status": status,
            "assignee": rng.choice(OWNERS, n_t), "opened_at": _stamp(opened),
            "first_response_at": [r if s != "New" else None for r, s in zip(_stamp(response), status)],
            "resolved_at": [r if d else None for r, d in zip(_stamp(resolved), done)],
            "first_response_due": _stamp(opened + np.array([target[p][0] * 3600 for p in pri])),
            "resolution_due": _stamp(opened + np.array([target[p][1] * 3600 for p in pri])),
            "paused_seconds": 0,
        }, n_t)


def floor(session) -> float:
    """pandas.read_sql of the same live rows and columns, plus one pivot_table."""
    conn = session.store.conn
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns about a DBAPI connection that is not sqlite3
        frames = {}
        for kind, cols in REPORT_COLUMNS.items():
            frames[kind] = pd.read_sql(f"SELECT {', '.join(cols)} FROM {ENTITIES[kind].table} "
                                       "WHERE deleted_at IS NULL", conn)
        frames["stage_history"] = pd.read_sql("SELECT * FROM stage_history", conn)
    o = frames["order"]
    o["month"] = o["order_date"].str.slice(0, 7)
    o.pivot_table(index="month", columns="region", values="amount", aggfunc="sum")
    return time.perf_counter() - t0


def compute(session) -> tuple[float, float, dict]:
    from cims_xl.reports.compute import build_reports
    from cims_xl.reports.refresh import load_frames
    t0 = time.perf_counter()
    frames = load_frames(session)
    t1 = time.perf_counter()
    reports = build_reports(frames, include_personal=True)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, reports


def write(reports, path: Path) -> float:
    import openpyxl

    from cims_xl.reports.sheets import write_reports_openpyxl
    t0 = time.perf_counter()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    write_reports_openpyxl(wb, reports)
    wb.save(path)
    return time.perf_counter() - t0


def refresh_in_place(path: Path, reports) -> float:
    import openpyxl

    from cims_xl.reports.sheets import write_reports_openpyxl
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path)
    write_reports_openpyxl(wb, reports)
    wb.save(path)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="store path to create (or reuse when it exists)")
    args = ap.parse_args()

    from cims_xl.services import auth
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    path = args.keep or tmp / "bench.cims"
    if not path.exists():
        auth.init_store(path, "admin", PASSWORD, kdf=FAST_KDF)
        session = auth.sign_in(path, "admin", PASSWORD)
        t0 = time.perf_counter()
        populate(session, args.orders, args.customers)
        print(f"setup: {args.orders:,} orders, {args.customers:,} customers in {time.perf_counter() - t0:.1f} s")
    else:
        session = auth.sign_in(path, "admin", PASSWORD)
        print(f"reusing {path}")

    floors, reads, pivots, writes, refreshes = [], [], [], [], []
    reports = None
    for _ in range(args.repeat):
        floors.append(floor(session))
        read, pivot, reports = compute(session)
        reads.append(read)
        pivots.append(pivot)
    book = tmp / "reports.xlsx"
    for _ in range(args.repeat):
        writes.append(write(reports, book))
        refreshes.append(refresh_in_place(book, reports))
    session.close()

    f, r, p = min(floors), min(reads), min(pivots)
    c = min(a + b for a, b in zip(reads, pivots))
    print(f"floor   (read_sql of the same rows + one pivot_table): {f:6.2f} s")
    print(f"compute (frames {r:.2f} s + pivots {p:.2f} s)        : {c:6.2f} s   "
          f"ratio {c / f:.2f} x (target <= 3 x)")
    print(f"write   (4 sheets, new workbook, saved)            : {min(writes):6.2f} s   (target <= 5 s)")
    print(f"refresh in place (load, rebuild, save)             : {min(refreshes):6.2f} s")
    if not args.keep:
        for p_ in tmp.iterdir():
            p_.unlink()
        os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
