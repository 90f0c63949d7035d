"""A big customer import prepares its rows in a forked worker process (importer.parallel)
while this process checks duplicates and writes. The worker must change nothing but the
time: the same file gives the same stored records, outcomes, warnings and summary as
when every row is prepared here, and a worker that dies or fails leaves the import to
finish here with the same result."""

from __future__ import annotations

import csv
import os

import pytest

from cims_xl.importer import import_file, parallel
from cims_xl.services import audit_log, auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

pytestmark = pytest.mark.skipif(not parallel.available(), reason="the forked worker runs on Linux only")

COUNTRIES = [("United States", "({a}) 555-{b:04d}"), ("英国", "020 7946 {b:04d}"), ("DE", "030 {c}"),
             ("中国", "0{d}-{c}")]


def _write_file(path, rows: int = 400) -> None:
    """Customers in many shapes, each shape a side effect the worker has to send back:
    several values in one cell, phone extensions, an unreadable optional field (a
    warning), rows without a name (rejected), duplicates of rows in earlier chunks."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Company", "Email", "Phone", "Mobile", "Country", "Consent Date", "Notes", "Postal Code"])
        for i in range(rows):
            country, shape = COUNTRIES[i % len(COUNTRIES)]
            phone = shape.format(a=201 + i % 700, b=i % 10_000, c=2_000_000 + i * 7919 % 7_000_000,
                                 d=(21, 10, 755)[i % 3])
            email = f"person{i}@example.com"
            mobile = f"139{i:08d}"
            consent = ["2024-03-05", "2023年1月2日", "31.12.2022", "2024-02-30"][i % 4]   # the last: a warning
            name = f"客户{i} Person" if i % 37 else ""
            company = f"Firm {i % 17}" if i % 37 else ""                                   # rejected
            if i % 23 == 5:
                company = ("N/A", "-", "未知")[i % 3]                                        # no value
            if i % 11 == 0:
                email += f" ::: other{i}@example.com"                                       # several values
            if i % 13 == 0 and country == "United States":
                phone += f" x{i}"                                                           # an extension
            if i % 50 == 49:
                email = f"person{i - 40}@example.com"                                       # a duplicate
            # US and German codes as a spreadsheet keeps them as numbers: their zeros dropped
            postal = {"United States": f"{2100 + i % 50}", "英国": "SW1A 1AA", "DE": f"{1000 + i % 900}"}.get(
                country, "100020")
            w.writerow([name, company, email, phone, mobile, country, consent, f"row {i}", postal])


def _store(tmp_path, name):
    path = tmp_path / f"{name}.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    return auth.sign_in(path, "admin", ADMIN_PASSWORD)


STORED = ("name", "company", "email", "phone", "mobile", "country", "marketing_consent_at", "notes", "source",
          "postal_code")


def _import(tmp_path, name, src, **kw):
    session = _store(tmp_path, name)
    try:
        result = import_file(session, src, chunk_rows=25, **kw)
        stored = {r["id"]: {k: r[k] for k in STORED} for r in records.list_records(session, "customer")}
        assert audit_log.verify(session).ok
    finally:
        session.close()
    summary = result.as_dict(outcomes=True)
    for k in ("file", "batch", "report"):
        summary.pop(k, None)
    return summary, stored


@pytest.fixture
def seen(forked_workers):
    """Every AheadPreparer the import makes, to see how many chunks its worker prepared."""
    return forked_workers


@pytest.fixture
def inline(tmp_path):
    """The file imported with every row prepared in this process (the reference)."""
    src = tmp_path / "people.csv"
    _write_file(src)
    return src, _import(tmp_path, "inline", src)


def _parallel(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)


def test_rows_prepared_in_the_worker_give_the_same_records_outcomes_and_summary(tmp_path, inline, seen,
                                                                               monkeypatch):
    src, (want_summary, want_stored) = inline
    _parallel(monkeypatch)
    summary, stored = _import(tmp_path, "forked", src)
    assert len(seen) == 1 and not seen[0].broken
    assert seen[0].worker_chunks >= 1 and seen[0].worker_chunks + seen[0].prepared_here == 16
    # the file has every kind of side effect the worker must send back
    assert want_summary["warnings"] > 0 and want_summary["rejected"] > 0 and want_summary["duplicates"] > 0
    whats = {i["what"] for i in want_summary["inferences"]}
    assert {"several values in one cell", "phone extensions", "postal codes", "placeholders for no value"} <= whats
    assert summary == want_summary
    assert stored == want_stored
    assert any(r["phone"] == "+12055550004" for r in stored.values())      # the row's country decided
    assert {r["postal_code"][:2] for r in stored.values() if r["country"] in ("United States", "DE")} == {"02", "01"}


def test_a_dry_run_with_the_worker_says_what_the_import_does(tmp_path, inline, seen, monkeypatch):
    src, (want_summary, _stored) = inline
    _parallel(monkeypatch)
    summary, stored = _import(tmp_path, "dry", src, dry_run=True)
    assert stored == {} and seen[0].worker_chunks >= 1 and seen[0].worker_chunks + seen[0].prepared_here == 16
    for k in ("created", "duplicates", "rejected", "warnings", "inferences"):
        assert summary[k] == want_summary[k], k


def _die(rows):
    os._exit(3)          # the worker process is killed (out of memory, a signal …)


def _fail(rows):
    raise MemoryError("the worker ran out of memory")


@pytest.mark.parametrize("worker", [_die, _fail], ids=["dies", "raises"])
def test_a_worker_that_dies_or_fails_leaves_the_rows_to_this_process_with_the_same_result(
        tmp_path, inline, seen, monkeypatch, worker):
    src, (want_summary, want_stored) = inline
    _parallel(monkeypatch)
    monkeypatch.setattr(parallel, "_prepare", worker)
    summary, stored = _import(tmp_path, "broken", src)
    assert seen[0].broken and seen[0].worker_chunks == 0
    assert summary == want_summary
    assert stored == want_stored


def test_small_files_and_other_kinds_are_prepared_in_this_process(tmp_path, seen):
    src = tmp_path / "few.csv"
    _write_file(src, rows=60)
    _import(tmp_path, "few", src)
    assert seen == []                     # below PARALLEL_MIN_ROWS: no fork for a small file


def test_two_imports_in_two_threads_each_prepare_their_own_file(tmp_path, monkeypatch):
    import threading

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    _write_file(first, rows=300)
    _write_file(second, rows=200)
    second.write_text(second.read_text(encoding="utf-8").replace("@example.com", "@zweite.example.de"),
                      encoding="utf-8")
    _parallel(monkeypatch)
    got: dict = {}

    def run(name, src):
        got[name] = _import(tmp_path, name, src)

    threads = [threading.Thread(target=run, args=(n, s)) for n, s in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.setattr(parallel, "available", lambda: False)
    for name, src in (("a", first), ("b", second)):
        assert got[name] == _import(tmp_path, name + "-inline", src), name
    assert all("@zweite.example.de" in (r["email"] or "@zweite.example.de") for r in got["b"][1].values())


def test_the_country_names_table_is_built_before_the_fork_so_the_worker_shares_it(tmp_path, seen, monkeypatch):
    from cims_xl.domain import countries

    _parallel(monkeypatch)
    built_at_fork: list[int] = []
    submit = parallel.AheadPreparer._submit

    def watched(self, rows):
        if not self._forked:
            result = submit(self, rows)
            built_at_fork.append(countries._table.cache_info().currsize)
            return result
        return submit(self, rows)

    monkeypatch.setattr(parallel.AheadPreparer, "_submit", watched)
    countries._table.cache_clear()
    src = tmp_path / "people.csv"
    _write_file(src, rows=120)
    _import(tmp_path, "warm", src)
    assert seen and seen[0].worker_chunks >= 1
    assert built_at_fork == [1]
