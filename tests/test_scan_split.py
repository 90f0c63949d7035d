"""The first pass over a big workbook gathers part of its evidence (phone countries, the
shapes of values) in a forked copy of the import (importer.scan_split). That must change
nothing but the time: the same file gives the same decisions, examples, refusals, stored
records and summary as the pass in one process, also when the evidence that decides
comes only after the fork, and when the copy dies or fails."""

from __future__ import annotations

import os

import openpyxl
import pytest

from cims_xl.importer import ImportRefused, import_file, run, scan_split
from cims_xl.services import audit_log, auth, records, settings

from conftest import ADMIN_PASSWORD, FAST_KDF

pytestmark = pytest.mark.skipif(not scan_split.available(True), reason="the forked copy runs on Linux only")

SPLIT_AT = 12      # rows read before the fork in these tests (the files have 60-300)


def _xlsx(path, headers, rows) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)


def _mixed_countries(path, n=240):
    """Phones of four countries beside a Country column, and rows without one whose
    numbers point abroad only after the fork; a column whose heading says nothing and
    whose values are emails from row 30 on."""
    countries = [("United States", lambda i: f"(415) 555-{i % 10_000:04d}"), ("英国", lambda i: f"020 7946 {i:04d}"),
                 ("DE", lambda i: f"030 {2_000_000 + i * 7919 % 7_000_000}"), ("中国", lambda i: f"021-{60000000 + i}")]
    rows = []
    for i in range(n):
        country, phone = countries[i % 4]
        if i > 40 and i % 5 == 0:
            country, phone = "", (lambda i: f"+44 20 7946 {i:04d}" if i % 2 else f"0{i % 9 + 1}1 234 5{i:03d}")
        extra = f"contact{i}@example.org" if i >= 30 else f"ref {i}"
        rows.append([f"客户{i} Person", f"Firm {i % 7}", f"p{i}@example.com", phone(i), f"139{i:08d}",
                     country, extra])
    _xlsx(path, ["Name", "Company", "Email", "Phone", "Mobile", "Country", "Misc"], rows)


def _domestic_then_foreign(path, n=200):
    """No Country column: the first rows' numbers are China's, most after the fork are
    Germany's (the evidence that decides the file's country is all in the copy)."""
    rows = []
    for i in range(n):
        phone = f"021-{60000000 + i}" if i < 20 else f"030 {2_000_000 + i * 7919 % 7_000_000}"
        rows.append([f"Kunde {i}", f"k{i}@example.de", phone, f"Stadt {i % 5}"])
    _xlsx(path, ["Name", "Email", "Phone", "City"], rows)


def _odd_numbers(path, n=150):
    """Numbers with and without their country code, number cells, blanks, text that is no
    number, a second phone column written the US way."""
    rows = []
    for i in range(n):
        phone = [f"+86 139 {i:04d} 0000", 13900000000 + i, "", "n/a", f"0755-{80000000 + i}",
                 f"(212) 555-{i:04d}"][i % 6]
        rows.append([f"Name {i}", f"n{i}@example.com", phone, f"(646) 555-{i:04d}" if i % 3 else None])
    _xlsx(path, ["Name", "Email", "Phone", "Other Phone"], rows)


FILES = {"mixed countries": _mixed_countries, "domestic then foreign": _domestic_then_foreign,
         "odd numbers": _odd_numbers}


def _store(tmp_path, name, region=None):
    path = tmp_path / f"{name}.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    if region:
        settings.set_store_region(session, region)
    return session


def _outcome(tmp_path, name, src, region=None, **kw):
    """(summary with outcomes, stored customers) or ("refused", message)."""
    session = _store(tmp_path, name, region)
    try:
        try:
            result = import_file(session, src, **kw)
        except ImportRefused as exc:
            return "refused", str(exc)
        stored = sorted((r["name"], r["email"], r["phone"], r["mobile"], r["country"], r["notes"])
                        for r in records.list_records(session, "customer"))
        assert audit_log.verify(session).ok
    finally:
        session.close()
    summary = result.as_dict(outcomes=True)
    for k in ("file", "batch", "report"):
        summary.pop(k, None)
    return summary, stored


@pytest.fixture
def forks(monkeypatch):
    """Each fork of the first pass (in this process: the copy never returns)."""
    made = []
    real = scan_split.ScanSplit.start.__func__

    def start(cls):
        split = real(cls)
        if split is not None:
            split.child_pid = split.pid
            made.append(split)
        return split

    monkeypatch.setattr(scan_split.ScanSplit, "start", classmethod(start))
    monkeypatch.setattr(scan_split, "SPLIT_AFTER_ROWS", SPLIT_AT)
    return made


@pytest.fixture
def passes(monkeypatch):
    """The `split` argument of each run of the first pass."""
    seen = []
    real = run._scan_pass

    def watched(*args, split=False, **kwargs):
        seen.append(split)
        return real(*args, split=split, **kwargs)

    monkeypatch.setattr(run, "_scan_pass", watched)
    return seen


def _one_process(monkeypatch):
    monkeypatch.setattr(scan_split, "SPLIT_AFTER_ROWS", 10 ** 12)


@pytest.mark.parametrize("region", [None, "CN", "DE"], ids=["region assumed", "region CN set", "region DE set"])
@pytest.mark.parametrize("name", list(FILES))
def test_evidence_gathered_in_the_copy_gives_the_decisions_examples_and_records_of_one_process(
        tmp_path, monkeypatch, forks, passes, name, region):
    src = tmp_path / "people.xlsx"
    FILES[name](src)
    got = _outcome(tmp_path, "split", src, region)
    assert len(forks) == 1 and not forks[0].child and passes == [True]     # the copy's evidence used
    _one_process(monkeypatch)
    want = _outcome(tmp_path, "one", src, region)
    assert got == want


def test_the_phone_evidence_after_the_fork_decides_as_in_one_process(tmp_path, monkeypatch, forks, passes):
    # every foreign number is after the fork: the file's country comes from the copy alone
    src = tmp_path / "de.xlsx"
    _domestic_then_foreign(src)
    got = _outcome(tmp_path, "split", src)
    assert passes == [True] and len(forks) == 1
    _one_process(monkeypatch)
    want = _outcome(tmp_path, "one", src)
    assert got == want
    whats = " ".join(f"{i['what']}: {i['decided']} {i['evidence']}" for i in got[0]["inferences"])
    # the examples and counts of those decisions come from rows the copy read
    assert "('030 2158380', '030 2166299', '030 2174218')" in whats and "DE (200)" in whats


def test_a_refusal_the_copy_finds_is_the_one_of_one_process(tmp_path, monkeypatch, forks, passes):
    # the store's region set to China, most numbers (after the fork) Germany's: stops
    src = tmp_path / "de.xlsx"
    _domestic_then_foreign(src)
    got = _outcome(tmp_path, "split", src, region="CN")
    _one_process(monkeypatch)
    want = _outcome(tmp_path, "one", src, region="CN")
    assert got[0] == "refused" and got == want
    assert passes[0] is True and len(forks) == 1


def _die(self, payload):
    os._exit(3)          # the copy is killed (out of memory, a signal …)


def _raise(self, payload):
    raise MemoryError("the copy ran out of memory")


def _garbage(self, payload):
    os.write(self.fd, b"not a pickle")
    os._exit(0)


@pytest.mark.parametrize("copy", [_die, _raise, _garbage], ids=["dies", "raises", "answers garbage"])
def test_a_copy_that_dies_or_fails_leaves_the_pass_to_this_process_with_the_same_result(
        tmp_path, monkeypatch, forks, passes, copy):
    src = tmp_path / "people.xlsx"
    _mixed_countries(src)
    monkeypatch.setattr(scan_split.ScanSplit, "send", copy)
    got = _outcome(tmp_path, "broken", src)
    assert passes == [True, False] and len(forks) == 1
    _one_process(monkeypatch)
    want = _outcome(tmp_path, "one", src)
    assert got == want and got[0] != "refused"


def test_a_copy_that_does_not_answer_is_killed_and_the_pass_run_here(tmp_path, monkeypatch, forks, passes):
    src = tmp_path / "people.xlsx"
    _mixed_countries(src)

    def hang(self, payload):
        import time
        time.sleep(60)
        os._exit(0)

    monkeypatch.setattr(scan_split.ScanSplit, "send", hang)
    monkeypatch.setattr(scan_split, "MIN_WAIT", 0.5)
    monkeypatch.setattr(scan_split, "PATIENCE", 0.0)
    got = _outcome(tmp_path, "stalled", src)
    assert passes == [True, False] and len(forks) == 1
    with pytest.raises(ProcessLookupError):      # killed and reaped
        os.kill(forks[0].child_pid, 0)
    _one_process(monkeypatch)
    assert got == _outcome(tmp_path, "one", src)


def test_an_error_here_after_the_fork_ends_the_copy_and_stops_as_one_process_does(
        tmp_path, monkeypatch, forks, passes):
    src = tmp_path / "people.xlsx"
    _mixed_countries(src)
    real = run.FloatExports.add
    calls = []

    def add(self, values):          # fed in this process only, after the fork too
        calls.append(values)
        if len(calls) == 100:
            raise KeyboardInterrupt
        return real(self, values)

    monkeypatch.setattr(run.FloatExports, "add", add)
    with pytest.raises(KeyboardInterrupt):
        _outcome(tmp_path, "interrupted", src)
    assert len(forks) == 1 and forks[0].pid == 0 and passes == [True]
    with pytest.raises(ProcessLookupError):      # killed and reaped
        os.kill(forks[0].child_pid, 0)


def test_text_files_and_small_workbooks_are_read_in_one_process(tmp_path, forks, passes):
    src = tmp_path / "people.csv"
    src.write_text("Name,Email,Phone\n" + "".join(f"N{i},n{i}@example.com,021-{60000000 + i}\n"
                                                   for i in range(100)), encoding="utf-8")
    assert _outcome(tmp_path, "csv", src)[0] != "refused"
    small = tmp_path / "small.xlsx"
    _odd_numbers(small, n=SPLIT_AT - 1)
    assert _outcome(tmp_path, "small", small)[0] != "refused"
    assert forks == [] and passes == [True, True]
