"""Two writers, and a writer killed mid-batch: nothing lost, nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from cims_xl.services import auth, records
from cims_xl.store.db import Store

from conftest import ADMIN_PASSWORD

_UPDATE_SCRIPT = """
import sys, time
from cims_xl.services import auth, records
from cims_xl.errors import Conflict
store, password, cid, city, go = sys.argv[1:6]
s = auth.sign_in(store, "admin", password)
while not __import__("os").path.exists(go):
    time.sleep(0.005)
try:
    records.update(s, cid, {"city": city}, expected_version=1)
    print("updated")
except Conflict as exc:
    print("conflict:", exc.message)
"""


def test_two_processes_updating_the_same_version_one_wins_the_other_gets_a_conflict(store_path, admin, tmp_path):
    cid = records.create(admin, "customer", {"name": "Shared"})["id"]
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _UPDATE_SCRIPT, str(store_path), ADMIN_PASSWORD, cid,
                               city, str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for city in ("Shanghai", "Shenzhen")]
    time.sleep(1.0)
    go.touch()
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert sorted(o.split(":")[0] for o in outputs) == ["conflict", "updated"], outputs
    winner = ("Shanghai", "Shenzhen")[[o == "updated" for o in outputs].index(True)]
    stored = records.get(admin, cid)
    assert stored["city"] == winner and stored["version"] == 2
    assert "was changed by admin" in next(o for o in outputs if o.startswith("conflict"))


_BATCH_SCRIPT = """
import sys
from cims_xl.services import auth, records
from cims_xl.store.db import Store
store, password, ready = sys.argv[1:4]
s = auth.sign_in(store, "admin", password)
rows = [{"name": f"Batch {i}", "email": f"b{i}@example.com", "city": "Wuhan"} for i in range(10_000)]
insert = Store.insert_records
def announce(self, ent, rows):
    open(ready, "w").close()  # the rows are about to hit the database file
    return insert(self, ent, rows)
Store.insert_records = announce
records.create_many(s, "customer", rows)
open(ready + ".done", "w").close()
"""


def test_a_writer_killed_in_the_middle_of_a_10000_row_batch_leaves_all_or_none(store_path, admin, tmp_path):
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", _BATCH_SCRIPT, str(store_path), ADMIN_PASSWORD, str(ready)])
    deadline = time.time() + 120
    while not ready.exists() and time.time() < deadline:
        time.sleep(0.001)
    assert ready.exists(), "the child never reached the middle of the batch"
    time.sleep(0.03)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (tmp_path / "ready.done").exists()
    admin.close()
    session = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        assert session.store.integrity_check() == "ok"
        count = len(records.list_records(session, "customer"))
        assert count in (0, 10_000)
        audit_creates = session.store.query("SELECT count(*) FROM audit WHERE action = 'create'")[0][0]
        assert audit_creates == count
    finally:
        session.close()


def test_reads_from_another_connection_see_only_committed_work(store_path, admin):
    key = admin.data_key
    reader = Store.open(store_path, key)
    try:
        with admin.unit_of_work():
            records.create(admin, "customer", {"name": "Uncommitted"})
            assert reader.query("SELECT count(*) FROM customers")[0][0] == 0
        assert reader.query("SELECT count(*) FROM customers")[0][0] == 0
    finally:
        reader.close()


def test_a_write_while_another_process_holds_the_store_says_busy_and_changes_nothing(store_path, admin):
    import pytest

    from cims_xl.errors import StoreBusy

    other = Store.open(store_path, admin.store._key)
    other.conn.execute("BEGIN IMMEDIATE")          # a long import in another window
    admin.store.conn.execute("PRAGMA busy_timeout = 50")
    try:
        assert records.list_records(admin, "customer") == []      # reading does not wait
        with pytest.raises(StoreBusy, match=r"the store is busy: someone else has been saving or importing"):
            records.create(admin, "customer", {"name": "Waiting"})
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
    assert records.list_records(admin, "customer") == []
    # The lock of this process was not left behind: the next write goes through.
    assert records.create(admin, "customer", {"name": "Later"})["id"] == "C-000001"


def test_closing_while_another_process_writes_does_not_wait_for_it(store_path, admin):
    from cims_xl.store.db import BUSY_TIMEOUT_MS

    records.create_many(admin, "customer", [{"name": f"P{i}"} for i in range(50)])
    admin.store.conn.execute("DELETE FROM sqlite_stat1")        # statistics to refresh at close
    other = Store.open(store_path, admin.store._key)
    other.conn.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        admin.close()
        assert time.monotonic() - started < BUSY_TIMEOUT_MS / 2000
    finally:
        other.conn.execute("ROLLBACK")
        other.close()
