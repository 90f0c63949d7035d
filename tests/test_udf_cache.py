"""The worksheet functions' cache after every kind of write: it catches up on what
changed (issue 17) and answers exactly what a cache built from scratch would answer,
for an admin and for a viewer (whose personal fields stay masked)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import auth, batches, gdpr, merge, records
from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

REPO = Path(__file__).resolve().parents[1]
FIELDS = ("Name", "Email", "Phone", "City", "Segment", "Tags", "Owner", "Version")


def answers(session) -> dict:
    """Every worksheet function over every record of the store, as Excel would call them."""
    store = session.store
    customers = [r[0] for r in store.query("SELECT id FROM customers ORDER BY seq")]
    orders = [r[0] for r in store.query("SELECT id FROM orders ORDER BY seq")]
    tickets = [r[0] for r in store.query("SELECT id FROM tickets ORDER BY seq")]
    column = [[c] for c in customers] + [["OLD-7"], ["C-999999"]]
    out = {
        "get": {f: wf.cims_get(column, f, session=session) for f in FIELDS},
        "scalar": [wf.cims_get(c, "Email", session=session) for c in customers],
        "orders": {f: wf.cims_get([[o] for o in orders], f, session=session)
                   for f in ("Amount", "Status", "Customer ID")},
        "tickets": wf.cims_get([[t] for t in tickets], "Subject", session=session),
        "ltv": wf.cims_ltv(column, session=session),
        "ltv1": [wf.cims_ltv(c, session=session) for c in customers],
        "pipeline": [wf.cims_pipeline(s, session=session) for s in (None, "Lead", "Proposal", "Won")],
        "360": [wf.cims_360(c, session=session) for c in customers + ["OLD-7"]],
        "find": wf.cims_find("city:Shanghai", session=session),
        "count": [wf.cims_count(q, session=session) for q in ("", "city:Shanghai", "Wang")],
    }
    return out


def cold_answers(session) -> dict:
    """The same answers from a cache built from scratch."""
    wf._caches.pop(session, None)
    return answers(session)


@pytest.fixture
def shop(admin):
    a = records.create(admin, "customer", {"name": "Alice Wang", "email": "alice@example.cn", "city": "Shanghai",
                                           "segment": "VIP", "tags": "src:OLD-7", "phone": "+8613800138000"})["id"]
    b = records.create(admin, "customer", {"name": "Bob Li", "email": "bob@example.cn", "city": "Beijing"})["id"]
    c = records.create(admin, "customer", {"name": "Chen Wang", "email": "chen@example.cn", "city": "Shanghai"})["id"]
    for cid, amount in ((a, 100), (a, 250.5), (b, 40), (c, 7)):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2024-03-01", "amount": amount,
                                        "status": "Paid"})
    records.create(admin, "opportunity", {"customer_id": a, "name": "Big deal", "stage": "Proposal", "amount": 1000})
    records.create(admin, "opportunity", {"customer_id": b, "name": "Small deal", "stage": "Lead", "amount": 200})
    records.create(admin, "ticket", {"customer_id": a, "subject": "Printer jammed"})
    return a, b, c


def _first(store, table: str, customer: str | None = None) -> str:
    sql = f"SELECT id FROM {table} WHERE deleted_at IS NULL"
    params = ()
    if customer:
        sql += " AND customer_id = ?"
        params = (customer,)
    return store.query(sql + " ORDER BY seq LIMIT 1", params)[0][0]


def _write(kind: str, admin, shop, tmp_path: Path) -> None:
    a, b, c = shop
    store = admin.store
    if kind == "create customer":
        records.create(admin, "customer", {"name": "Dana Wang", "email": "dana@example.cn", "city": "Shanghai"})
    elif kind == "create order":
        records.create(admin, "order", {"customer_id": b, "order_date": "2024-05-01", "amount": 11})
    elif kind == "update customer":
        rec = records.get(admin, b)
        records.update(admin, b, {"email": "bob.li@example.cn", "city": "Shanghai"}, expected_version=rec["version"])
    elif kind == "update order amount":
        oid = _first(store, "orders", a)
        records.update(admin, oid, {"amount": 5000})
    elif kind == "move an order to another customer":
        oid = _first(store, "orders", a)
        records.update(admin, oid, {"customer_id": c})
    elif kind == "change a stage":
        records.update(admin, _first(store, "opportunities", b), {"stage": "Won"})
    elif kind == "move a ticket":
        records.update(admin, _first(store, "tickets", a), {"customer_id": b})
    elif kind == "change an old id":
        records.update(admin, a, {"tags": ""})
        records.update(admin, c, {"tags": "src:OLD-7"})
    elif kind == "delete order":
        records.delete(admin, _first(store, "orders", a))
    elif kind == "delete customer":
        records.delete(admin, c)
    elif kind == "restore customer":
        records.delete(admin, c)
        wf.cims_get(c, "Name", session=admin)
        records.restore(admin, c)
    elif kind == "merge":
        merge.merge_customers(admin, a, c)
    elif kind == "erase":
        gdpr.erase_customer(admin, a)
    elif kind in ("import", "import undo"):
        f = tmp_path / "more.csv"
        f.write_text("Customer ID,Name,Email,City\nOLD-9,Eve Wang,eve@example.cn,Shanghai\n"
                     "OLD-10,Fay Li,fay@example.cn,Beijing\n", encoding="utf-8")
        from cims_xl.importer import import_file
        result = import_file(admin, f)
        if kind == "import undo":
            wf.cims_get("OLD-9", "Name", session=admin)
            batches.undo_batch(admin, result.batch)
    else:
        raise AssertionError(kind)


WRITES = ["create customer", "create order", "update customer", "update order amount",
          "move an order to another customer", "change a stage", "move a ticket", "change an old id",
          "delete order", "delete customer", "restore customer", "merge", "erase", "import", "import undo"]


@pytest.mark.parametrize("write", WRITES)
def test_after_each_kind_of_write_every_function_answers_as_a_fresh_cache_would(admin, session_as, shop,
                                                                                 tmp_path, write):
    viewer = session_as("viewer")
    answers(admin)
    answers(viewer)                     # both caches warm, as after a recalculation
    reloads = {s: wf._caches[s].reloads for s in (admin, viewer)}
    _write(write, admin, shop, tmp_path)
    for session in (admin, viewer):
        warm = answers(session)
        cache = wf._caches[session]
        assert cache.reloads == reloads[session], "caught up by what changed, not reloaded"
        assert warm == cold_answers(session), f"{session.role} after {write}"
    viewer_get = answers(viewer)["get"]
    assert all(v in ("", "#CIMS: Email is personal data; viewer may not read it")
               or v.startswith("#CIMS") for row in viewer_get["Email"] for v in row)


def test_a_write_by_another_process_is_caught_up_the_same_way(admin, session_as, shop, store_path):
    viewer = session_as("viewer")
    before = {s: answers(s) for s in (admin, viewer)}
    code = textwrap.dedent(f"""
        from cims_xl.services import auth, records
        s = auth.sign_in({str(store_path)!r}, "admin", {ADMIN_PASSWORD!r})
        records.create(s, "order", {{"customer_id": {shop[1]!r}, "order_date": "2024-06-01", "amount": 123}})
        records.update(s, {shop[0]!r}, {{"email": "alice.w@example.cn"}})
        s.close()
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO)
    for session in (admin, viewer):
        reloads = wf._caches[session].reloads
        warm = answers(session)
        assert warm != before[session] or session is viewer
        assert wf._caches[session].reloads == reloads
        assert warm == cold_answers(session)
    assert wf.cims_get(shop[0], "Email", session=admin) == "alice.w@example.cn"
    assert wf.cims_ltv(shop[1], session=admin) == 163.0


def test_a_new_sign_in_after_a_role_change_sees_what_the_new_role_may(admin, session_as, shop, store_path):
    viewer = session_as("viewer")
    assert wf.cims_get(shop[0], "Email", session=viewer).startswith("#CIMS: Email is personal data")
    auth.set_role(admin, "viewer1", "manager")
    answers(admin)
    promoted = auth.sign_in(store_path, "viewer1", USER_PASSWORD)
    try:
        assert wf.cims_get(shop[0], "Email", session=promoted) == "alice@example.cn"
        assert answers(promoted) == cold_answers(promoted)
    finally:
        promoted.close()
    # the session signed in before the change keeps its role, and its cache agrees
    assert answers(viewer) == cold_answers(viewer)


def test_a_role_that_changes_under_a_live_session_reloads_its_cache(admin, session_as, shop):
    viewer = session_as("viewer")
    assert wf.cims_get(shop[0], "Email", session=viewer).startswith("#CIMS: Email is personal data")
    viewer._follow_user_row = False     # (a live session whose role changes ends: stop 27)
    viewer.role = "manager"             # as a session that re-reads its role would see it
    records.update(admin, shop[1], {"city": "Hangzhou"})
    assert wf.cims_get(shop[0], "Email", session=viewer) == "alice@example.cn"


def test_a_replaced_store_file_reloads_every_cache(admin, shop):
    answers(admin)
    reloads = wf._caches[admin].reloads
    admin.store.new_change_epoch()
    answers(admin)
    assert wf._caches[admin].reloads == reloads + 1


def test_the_first_call_after_a_one_row_write_reads_only_that_row(admin, shop):
    ids = [r["id"] for r in records.create_many(admin, "customer", [{"name": f"P {i}"} for i in range(400)])]
    column = [[i] for i in ids]
    wf.cims_get(column, "Name", session=admin)
    records.update(admin, ids[5], {"name": "Renamed"})
    statements: list[str] = []
    admin.store._raw.set_trace_callback(statements.append)
    try:
        got = wf.cims_get(column, "Name", session=admin)
    finally:
        admin.store._raw.set_trace_callback(None)
    assert got[5] == ["Renamed"] and got[6] == ["P 6"]
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM customers" in s]
    assert len(reads) == 1 and "change_seq >" in reads[0]


def test_a_new_store_currency_is_seen_by_the_next_call(admin, shop):
    from cims_xl.services import settings

    assert wf.cims_ltv(shop[1], session=admin) == 40.0
    settings.set_store_currency(admin, "USD")
    got = wf.cims_ltv(shop[1], session=admin)
    assert got == cold_answers(admin)["ltv"][1][0]
    assert got != 40.0          # the orders are CNY, the store's currency is now USD


def test_catching_up_reads_changed_rows_through_the_change_index_even_after_a_bulk_write(admin):
    from cims_xl.domain.schema import CUSTOMER

    records.create_many(admin, "customer", [{"name": f"Bulk {i}"} for i in range(600)])
    admin.store.refresh_statistics()       # statistics taken while every row shares one clock value
    statements: list[str] = []
    admin.store._raw.set_trace_callback(statements.append)
    try:
        admin.store.fetch_changed(CUSTOMER, 10**9)
    finally:
        admin.store._raw.set_trace_callback(None)
    plan = admin.store.query("EXPLAIN QUERY PLAN " + statements[-1])
    assert any("ix_customers_change_seq" in str(row) for row in plan), plan
