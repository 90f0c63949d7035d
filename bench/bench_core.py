"""Core benchmarks: sign-in, opening the store, bulk create, lookups, search.

Figures are printed as ratios against baselines measured in the same run, because
the machines here are noisy:

- sign-in (scrypt at OWASP parameters + unwrap): expected between 50 ms and 1 s;
  opening the store with the raw key afterwards: expected ≤ 5 ms;
- N customers created through the service layer (validated, normalised, audited,
  encrypted, indexed) vs a bare `executemany` of the same rows into an unkeyed
  sqlcipher3 database (target ≤ 3×);
- lookup by id and by email (median, warm; target ≤ 50 µs);
- a multi-condition search over N customers (median; target ≤ 50 ms).

Usage: python bench/bench_core.py [--customers 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlcipher3

from cims_xl.domain.schema import CUSTOMER
from cims_xl.security.keys import OWASP_SCRYPT
from cims_xl.services import auth, records, search
from cims_xl.store.db import Store

CITIES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "Shanghai", "London", "New York"]
SEGMENTS = ["Consumer", "Corporate", "Home Office", "VIP"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "秀英", "志强"]


def rows(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append({"name": rng.choice(SURNAMES) + rng.choice(GIVEN) + ("" if i % 3 else f" {i}"),
                    "email": f"user{i}@example{i % 97}.com",
                    "mobile": f"13{rng.randint(0, 9)}{i:08d}",
                    "city": rng.choice(CITIES), "segment": rng.choice(SEGMENTS),
                    "company": f"Company {i % 5000}", "notes": f"met at fair {i % 50}",
                    "postal_code": f"{rng.randint(100000, 899999)}", "country": "CN"})
    return out


def timed(fn, *args, **kw):
    t = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - t, result


def median_us(fn, calls: int = 2000) -> float:
    samples = []
    for _ in range(calls):
        t = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t)
    return statistics.median(samples) / 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    args = ap.parse_args()
    n = args.customers
    data = rows(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.cims"
        auth.init_store(path, "bencher", "Bench-Mark-Password-1", kdf=OWASP_SCRYPT)
        sign_in_s, session = timed(auth.sign_in, path, "bencher", "Bench-Mark-Password-1")
        open_s, extra = timed(Store.open, path, session.data_key)
        extra.close()
        print(f"sign-in (scrypt N=2^17 + unwrap + open): {sign_in_s * 1000:8.1f} ms   (design: 50 ms .. 1 s)")
        print(f"open store with raw key after sign-in:   {open_s * 1000:8.2f} ms   (target <= 5 ms)")

        # Floor: bare executemany of the same (already clean) rows, unkeyed, no indexes.
        floor_db = Path(tmp) / "floor.db"
        conn = sqlcipher3.connect(str(floor_db), isolation_level=None)
        cols = [f.key for f in CUSTOMER.fields]
        conn.execute(f"CREATE TABLE customers (seq INTEGER PRIMARY KEY, id TEXT, {', '.join(cols)})")
        tuples = [(i + 1, f"C-{i + 1:06d}", *[r.get(c) for c in cols]) for i, r in enumerate(data)]
        t = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO customers VALUES ({', '.join('?' * (len(cols) + 2))})", tuples)
        conn.execute("COMMIT")
        floor_s = time.perf_counter() - t
        conn.close()

        create_s, created = timed(records.create_many, session, "customer", data)
        print(f"\n{n:,} customers, bare executemany (unkeyed):   {floor_s:7.2f} s")
        print(f"{n:,} customers via services (validated, audited, encrypted, indexed): {create_s:7.2f} s"
              f"   ratio {create_s / floor_s:5.2f}x  (target <= 3x)")

        rng = random.Random(3)
        ids = [c["id"] for c in created]
        emails = [c["email"] for c in created]
        dict_index = {c["id"]: c for c in created}
        base = median_us(lambda: dict_index[rng.choice(ids)])
        by_id = median_us(lambda: records.get(session, rng.choice(ids)))
        by_email = median_us(lambda: records.list_records(session, "customer", email=rng.choice(emails)))
        print(f"\nbaseline dict lookup:   {base:7.2f} µs")
        print(f"lookup by id (median):  {by_id:7.2f} µs   ratio {by_id / base:6.1f}x  (target <= 50 µs)")
        print(f"lookup by email:        {by_email:7.2f} µs   ratio {by_email / base:6.1f}x  (target <= 50 µs)")

        queries = [
            dict(text="王", city="上海", segment="VIP"),
            dict(text="Company 12", segment="Corporate"),
            dict(text="example"),
            dict(text="fair 7", city="北京"),
            dict(text="138 0000 0123"),
            dict(text="user42@example42.com"),
            dict(text="Ann.Lee+news@gmail.com"),     # a Gmail address: dots and +tags aside
            dict(text="Alvarez"),                    # finds Álvarez (marks aside)
            dict(text="Mueller", city="北京"),         # finds Müller
            dict(city="深圳", segment="Consumer", sort="created", descending=True),
        ]
        print()
        for q in queries:
            ms = median_us(lambda: search.search_customers(session, **q), calls=30) / 1000
            page = search.search_customers(session, **q)
            print(f"search {q!s:70.70} {ms:7.2f} ms  ({page.total:,} hits; target <= 50 ms)")
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
