"""What planning asks of each customer row alone (whose phone it is, whether its email is
a role's mailbox, its Chinese name's Simplified form) is computed where the row is
prepared: in the forked worker of a big import (importer.parallel), so the process that
plans and writes, the import's longer path, only looks it up. It must be what this
process would compute from the same row, and give the same import."""

from __future__ import annotations

import csv

import pytest

from cims_xl.domain import duplicates
from cims_xl.importer import import_file, parallel
from cims_xl.importer import plan as plan_mod
from cims_xl.services import audit_log, auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

pytestmark = pytest.mark.skipif(not parallel.available(), reason="the forked worker runs on Linux only")

# people written in Traditional and Simplified characters, Chinese companies with and
# without their city, names turned round, a person's name that is their company's,
# role mailboxes several names share, shared landlines, Gmail dots, an IDNA domain
PEOPLE = ["王偉", "王伟", "陳美玲", "陈美玲", "張國強", "张国强", "Anna Kovács", "Kovács Anna", "Иван Иванов",
          "Иванов Иван", "Mrs. Fields Cookies", "Dr. Jane Doe", "José Álvarez", "Ahmed Ali"]
COMPANIES = ["", "Acme Ltd", "ACME Limited", "MRS FIELDS COOKIES", "北京明达科技有限公司", "明达科技", "Globex GmbH"]
EMAILS = ["p{i}@example.com", "info@firm{j}.com", "Sales@firm{j}.com", "John.Smith+{j}@gmail.com",
          "p{i}@xn--fsqu00a.xn--fiqs8s", "", "P{j}@Example.COM"]
PHONES = ["(415) 555-01{j:02d}", "020 7946 0{j:03d}", "+49 30 {i:07d}", "139{i:08d}", ""]


def _write(path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Company", "Type", "Email", "Phone", "Country"])
        for i in range(rows):
            j = i % 13
            name = PEOPLE[i % len(PEOPLE)] if i % 9 else ["深圳明達科技有限公司", "深圳明达科技有限公司", ""][i % 3]
            company = COMPANIES[i * 7 % len(COMPANIES)]
            kind = "Company" if i % 9 == 0 and name else ""
            w.writerow([name, company, kind, EMAILS[i % len(EMAILS)].format(i=i, j=j),
                        PHONES[i * 3 % len(PHONES)].format(i=2_000_000 + i, j=j),
                        ["United States", "英国", "DE", "中国"][i % 4]])


def _import(tmp_path, name, src, **kw):
    path = tmp_path / f"{name}.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        result = import_file(session, src, chunk_rows=40, **kw)
        stored = {r["id"]: {k: v for k, v in r.items() if k not in ("created_at", "updated_at", "batch_id")}
                  for r in records.list_records(session, "customer")}
        assert audit_log.verify(session).ok
    finally:
        session.close()
    summary = result.as_dict(outcomes=True)
    for k in ("file", "batch", "report"):
        summary.pop(k, None)
    return summary, stored


def _here(clean: dict) -> tuple:
    """What Planner.plan computed from the row itself before (its code as it was)."""
    name = clean.get("name") or ""
    email = clean.get("email")
    me = (name, duplicates.email_key(email),
          clean.get("type") == "Company" or duplicates.is_its_company(clean.get("name"), clean.get("company")))
    person = (not name.isascii() and clean.get("type") != "Company"
              and (len(name) < 4 or not duplicates.company_parts(name)[1]))
    return me, duplicates.is_role_mailbox(email), duplicates.simplified(name) if person else None


def test_what_planning_asks_of_each_row_comes_from_the_worker_equal_to_what_this_process_computes(
        tmp_path, forked_workers, monkeypatch):
    src = tmp_path / "people.csv"
    _write(src, 600)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    arrived: list[tuple] = []
    plan = plan_mod.Planner.plan

    def watched(self, rows, prepared_customers=None):
        arrived.extend(prepared_customers or ())
        return plan(self, rows, prepared_customers)

    monkeypatch.setattr(plan_mod.Planner, "plan", watched)
    _import(tmp_path, "forked", src)
    assert forked_workers[0].worker_chunks >= 5 and not forked_workers[0].broken
    made = [(clean, facts) for _n, clean, _p, _k, facts in arrived if clean is not None]
    assert len(made) > 500
    for clean, facts in made:
        assert facts == _here(clean), clean
    # the file has each kind of answer, so each was compared
    assert any(f[1] for _c, f in made) and any(not f[1] for _c, f in made)       # role mailboxes
    assert any(f[0][2] for _c, f in made) and any(not f[0][2] for _c, f in made)  # a company's name
    assert any(f[2] and f[2] != c["name"] for c, f in made)                       # Traditional -> Simplified
    assert any(f[2] == c["name"] for c, f in made)                                # already Simplified
    assert any(f[0][1] and f[0][1] != c["email"] for c, f in made)                # an email's key differs


def test_planning_chunks_the_worker_prepared_reads_nothing_of_a_row_alone_again_and_imports_the_same(
        tmp_path, forked_workers, monkeypatch):
    src = tmp_path / "people.csv"
    _write(src, 600)
    want_summary, want_stored = _import(tmp_path, "inline", src)          # below PARALLEL_MIN_ROWS: no worker
    assert not forked_workers
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
    calls: list[str] = []
    plan = plan_mod.Planner.plan

    def counted(name):
        real = getattr(plan_mod, name)

        def f(*a, **k):
            calls.append(name)
            return real(*a, **k)
        return f

    def watched(self, rows, prepared_customers=None):
        # counted only while this process plans a chunk already prepared
        saved = {n: getattr(plan_mod, n) for n in ("is_role_mailbox", "is_its_company", "simplified")}
        for n in saved:
            monkeypatch.setattr(plan_mod, n, counted(n))
        try:
            return plan(self, rows, prepared_customers)
        finally:
            for n, real in saved.items():
                monkeypatch.setattr(plan_mod, n, real)

    monkeypatch.setattr(plan_mod.Planner, "plan", watched)
    summary, stored = _import(tmp_path, "forked", src)
    assert forked_workers and forked_workers[0].worker_chunks >= 5
    assert calls == []
    # people the names in both scripts or the shared numbers and mailboxes told apart are said
    assert want_summary["warnings"] > 50
    assert summary == want_summary
    assert stored == want_stored
