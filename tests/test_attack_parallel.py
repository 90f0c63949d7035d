"""Attacks on the forked import worker (importer.parallel), written by a tester who had
not seen its code: each test states what a big customer import must do whichever
process prepares its rows. All failed on the first version of the worker (a shared
planner global, orphaned and deadlocked workers, Ctrl-C tracebacks, summary order).

Each test makes the worker run (PARALLEL_MIN_ROWS = 0) and fixes one interleaving that
can happen in real runs (two imports started together, the worker slower than this
process on some chunks, a second Ctrl-C while the import stops).
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import re
import sys
import textwrap
import threading

import pytest

from cims_xl.importer import import_file, parallel
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

pytestmark = pytest.mark.skipif(not parallel.available(), reason="the forked worker runs on Linux only")


def _store(tmp_path, name):
    path = tmp_path / f"{name}.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    return auth.sign_in(path, "admin", ADMIN_PASSWORD)


def _people(path, columns, rows, town):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for i in range(rows):
            row = {"Name": f"{town} Person {i}", "Email": f"{town.lower()}{i}@example.com",
                   "Company": f"{town} Firm {i % 7}", "City": town}
            w.writerow([row[c] for c in columns])


def test_two_imports_started_together_in_one_process_store_each_files_own_columns(tmp_path, monkeypatch):
    # An Excel add-in (xlwings) or any host may run two imports at once, into two
    # stores, each in its own thread. The two files have their columns in other orders.
    _people(tmp_path / "a.csv", ["Name", "Email", "Company", "City"], 200, "Alphaville")
    _people(tmp_path / "b.csv", ["City", "Company", "Email", "Name"], 200, "Betatown")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    both_started = threading.Barrier(2, timeout=30)

    class StartedTogether(parallel.AheadPreparer):
        def __enter__(self):
            entered = super().__enter__()
            both_started.wait()          # both imports are past their start; neither has forked yet
            return entered

    monkeypatch.setattr(parallel, "AheadPreparer", StartedTogether)
    stored: dict[str, list[dict]] = {}
    errors: list[BaseException] = []

    def run(name):
        session = _store(tmp_path, name)
        try:
            import_file(session, tmp_path / f"{name}.csv", chunk_rows=20)
            stored[name] = records.list_records(session, "customer")
        except BaseException as exc:   # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    for name, town in (("a", "Alphaville"), ("b", "Betatown")):
        wrong = [(r["name"], r["email"], r["company"], r["city"]) for r in stored[name]
                 if r["city"] != town or not r["name"].startswith(f"{town} Person")]
        assert len(stored[name]) == 200
        assert wrong == [], f"store {name}: {len(wrong)} records with another file's column mapping"


# -- the summary's order does not depend on which process prepared a chunk ------------

_MAIN_PREPARED_ONE = multiprocessing.get_context("fork").Event()   # inherited by the forked worker


def _worker_after_this_process(rows):
    # The worker is slower than this process on its first chunks (costly values): it
    # starts once this process has prepared a chunk read ahead.
    _MAIN_PREPARED_ONE.wait(30)
    return _REAL_PREPARE(rows)


_REAL_PREPARE = parallel._prepare


def _inferences(tmp_path, name, src):
    session = _store(tmp_path, name)
    try:
        return {i["what"]: i for i in import_file(session, src, chunk_rows=25).inferences}
    finally:
        session.close()


def test_the_summary_names_columns_in_the_order_of_the_file_whichever_process_prepared_them(
        tmp_path, monkeypatch):
    src = tmp_path / "several.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Email", "Phone", "Mobile"])
        for i in range(400):
            email, phone, mobile = f"p{i}@example.com", f"+1 212 555 {i:04d}", f"+44 20 7946 {i:04d}"
            if i == 0:       # first chunk: Email holds two values, Mobile an extension
                email += " ::: second@example.com"
                mobile += " x12"
            if i == 140:     # a chunk read ahead: Phone holds two values and an extension
                phone += " ext 5 ::: +1 212 555 9999"
            w.writerow([f"Person {i}", email, phone, mobile])
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 10**12)
    want = _inferences(tmp_path, "inline", src)
    assert "'Email': 1 cell(s); 'Phone': 1 cell(s)" in want["several values in one cell"]["evidence"]

    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    _MAIN_PREPARED_ONE.clear()
    monkeypatch.setattr(parallel, "_prepare", _worker_after_this_process)
    here = parallel.AheadPreparer._here

    def prepared_here(self, rows):
        try:
            return here(self, rows)
        finally:
            _MAIN_PREPARED_ONE.set()

    monkeypatch.setattr(parallel.AheadPreparer, "_here", prepared_here)
    got = _inferences(tmp_path, "forked", src)
    assert got["several values in one cell"] == want["several values in one cell"]
    assert got["phone extensions"] == want["phone extensions"]


# -- Ctrl-C while the worker has a chunk ----------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")

# The CLI, with a worker that takes a few seconds over each chunk (a slow computer, or
# cells that are costly to read) and says on stderr when it has one.
_SLOW_WORKER_CLI = textwrap.dedent("""
    import os, sys, time
    from cims_xl.importer import parallel
    real = parallel._prepare
    def slow(rows):
        sys.stderr.write("[worker has a chunk]\\n"); sys.stderr.flush()
        time.sleep(4)
        return real(rows)
    parallel._prepare = slow
    parallel.PARALLEL_MIN_ROWS = 0
    from cims_xl.cli import main
    sys.exit(main())
""")


def test_a_second_ctrl_c_while_a_big_import_stops_ends_it_with_130_and_no_traceback(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    src = tmp_path / "people.csv"
    _people(src, ["Name", "Email", "Company", "City"], 3000, "Gammaburg")
    store = tmp_path / "s.cims"
    auth.init_store(store, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    script = tmp_path / "cli_slow_worker.py"
    script.write_text(_SLOW_WORKER_CLI, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_")}
    env.update({"CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD, "CIMS_LOG_DIR": str(tmp_path),
                "COLUMNS": "120", "TERM": "xterm",
                "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    child = pexpect.spawn(sys.executable, [str(script), "--store", str(store), "import", "file", str(src)],
                          env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    try:
        child.expect_exact("[worker has a chunk]")
        child.sendintr()                      # Ctrl-C ...
        child.expect_exact("Interrupted.")
        child.sendintr()                      # ... and again, while it stops
        child.expect(pexpect.EOF)             # a hang (the worker waits for work forever) times out here
        child.close()
        text = _ANSI.sub("", child.before or "")
        assert "Traceback" not in text and "Exception ignored" not in text, text[-1500:]
        assert child.exitstatus == 130
    finally:
        if child.isalive():
            workers = os.popen(f"pgrep -P {child.pid}").read().split()
            child.kill(9)
            for pid in workers:
                os.kill(int(pid), 9)
    session = auth.sign_in(store, "admin", ADMIN_PASSWORD)
    try:
        assert records.list_records(session, "customer") == []     # nothing, not part
    finally:
        session.close()


# -- the worker outlives nothing ---------------------------------------------------------

def _run_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_")}
    env.update({"CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD, "CIMS_LOG_DIR": str(tmp_path),
                "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    return env


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_big_import_stopped_by_sigterm_without_a_terminal_leaves_no_worker_process(tmp_path):
    # Excel, a service manager or a shutdown ends the process with SIGTERM; there is no
    # terminal to send the worker a SIGHUP. The worker holds a copy of this process's
    # memory (the store's data key, decrypted records): it must not live on.
    import signal
    import subprocess
    import time

    src = tmp_path / "people.csv"
    _people(src, ["Name", "Email", "Company", "City"], 3000, "Deltaford")
    store = tmp_path / "s.cims"
    auth.init_store(store, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    script = tmp_path / "cli_slow_worker.py"
    script.write_text(_SLOW_WORKER_CLI.replace("sys.stderr.write(", "sys.stderr.write(f'{os.getpid()} ' + "),
                      encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), "--store", str(store), "import", "file", str(src)],
                            env=_run_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    worker = None
    try:
        for line in proc.stderr:
            if b"[worker has a chunk]" in line:
                worker = int(line.split()[0])
                break
        assert worker is not None
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        for _ in range(100):                 # the worker may finish the chunk in hand first
            if not _alive(worker):
                break
            time.sleep(0.2)
        assert not _alive(worker), "the worker outlived the import's process"
    finally:
        if proc.poll() is None:
            proc.kill()
        if worker is not None and _alive(worker):
            os.kill(worker, signal.SIGKILL)


_FORK_WHILE_LOADING = textwrap.dedent("""
    import csv, sys, threading
    from phonenumbers.phonemetadata import PhoneMetadata
    from cims_xl.importer import import_file, parallel
    from cims_xl.services import auth
    src, store, password = sys.argv[1:4]
    parallel.PARALLEL_MIN_ROWS = 0

    class ForkWhileAnotherThreadLoads(parallel.AheadPreparer):
        def _submit(self, rows):
            if self._forked:
                return super()._submit(rows)
            holding, done = threading.Event(), threading.Event()
            def other_thread():
                # what phonenumbers does while it loads a region's metadata (another
                # import, or anything else checking a phone number, in this process)
                with PhoneMetadata._metadata_lock:
                    holding.set()
                    done.wait()
            threading.Thread(target=other_thread).start()
            holding.wait()
            try:
                return super()._submit(rows)        # the fork
            finally:
                done.set()

    parallel.AheadPreparer = ForkWhileAnotherThreadLoads
    session = auth.sign_in(store, "admin", password)
    result = import_file(session, src, chunk_rows=25)
    session.close()
    print("created", result.created, flush=True)
""")


def test_a_big_import_finishes_when_another_thread_was_loading_phone_metadata_at_the_fork(tmp_path):
    import signal
    import subprocess

    src = tmp_path / "japan.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Phone"])
        for i in range(300):
            w.writerow([f"Person {i}", f"+81 3-{1000 + i}-5678"])   # a region not loaded before the fork
    store = tmp_path / "s.cims"
    auth.init_store(store, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    script = tmp_path / "fork_while_loading.py"
    script.write_text(_FORK_WHILE_LOADING, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(src), str(store), ADMIN_PASSWORD],
                            env=_run_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, _err = proc.communicate(timeout=60)   # a deadlocked worker: the import waits for ever
    except subprocess.TimeoutExpired:
        out = b"(still waiting for the worker)"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # this test's own process group (its worker included)
        except ProcessLookupError:
            pass
    assert out.strip() == b"created 300"


_HALF_SENT = textwrap.dedent("""
    import multiprocessing, os, struct, sys, time
    from cims_xl.importer import parallel

    def half_sent(fd):
        # What a worker killed in the middle of sending a chunk's rows leaves in the pipe:
        # a message's length (1 MB) and the first kilobyte of it.
        os.write(fd, struct.pack("!i", 1 << 20) + b"\\x80" * 1024)
        time.sleep(600)

    ahead = parallel.AheadPreparer(planner=None).__enter__()
    ahead._pool.submit(half_sent, ahead._pool._result_queue._writer.fileno())
    time.sleep(1.5)            # the pool's thread is reading that message now
    ahead.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)     # Ctrl-C: end the worker
    print("ended", flush=True)
""")


def test_ctrl_c_while_the_worker_is_sending_its_rows_ends_the_import_instead_of_hanging(tmp_path):
    # CI once hung for five minutes after a Ctrl-C: the worker was killed half-way through
    # sending a chunk, and the pool's thread waited for the rest of that message.
    import subprocess

    script = tmp_path / "half_sent.py"
    script.write_text(_HALF_SENT, encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, str(script)], env=_run_env(tmp_path), capture_output=True,
                              text=True, timeout=60, start_new_session=True)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"stopping the worker hung: {exc}")
    assert done.returncode == 0 and done.stdout.strip() == "ended", done.stderr[-2000:]
