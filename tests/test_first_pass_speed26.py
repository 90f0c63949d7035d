"""Stop 26: the first pass's cheaper per-row work must change nothing but the time.

- The rows at the table's end, one-cell page lines and lines continuing a record are
  watched by the forked copy of the first pass past the split (importer.scan_split):
  evidence only the copy saw decides as in one process (damaged text, watched here, too).
- `normalize.is_blank` tells a text by its first character (a set of the format characters)
  instead of a regular expression's call: the same answer for every character.
- `ContinuedRows.add` stops at a row's second filled cell: the same candidates.
"""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cims_xl.domain import normalize
from cims_xl.domain.invisible import FORMAT_CHARS, without_format
from cims_xl.importer import ImportRefused, continued_rows, import_file, run, scan_split
from cims_xl.importer.evidence import FooterWatch
from cims_xl.importer.shape import PageLines
from cims_xl.services import audit_log, auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

SPLIT_AT = 12


def _german(path, n=80):
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = ["Name", "Firma", "E-Mail", "Telefon", "Adresse", "Ort"]
    ws.append(headers)
    for i in range(n):
        company = "MÃ¼ller GmbH" if i == 30 else f"Firma {i}"     # UTF-8 read as Windows-1252
        city = "K\ufffdln" if i == 33 else f"Stadt {i % 5}"
        ws.append([f"Kunde {i}", company, f"k{i}@example.de", f"030 {2_000_000 + i * 7919}", f"Weg {i}", city])
        if i == 40:
            ws.append([None, None, None, None, "Hinterhaus, 2. Stock", None])
        if i == 50:
            ws.append(["Seite 1 von 2"])
            ws.append(headers)
    ws.append([])
    ws.append(["Stand: 01.05.2024, erstellt von CRM"])
    wb.save(path)


def _english(path, n=90):
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = ["Name", "Company", "Email", "Phone", "Address", "City", "Misc"]
    ws.append(headers)
    for i in range(n):
        name = "RenÃ©e Dubois" if i == 25 else f"Customer {i}"
        company = "Caf\ufffd Noir" if i == 61 else f"Company {i % 9}"
        ws.append([name, company, f"c{i}@example.com", f"(212) 555-{i:04d}", f"{i} Main Street", "New York", f"ref {i}"])
        if i in (20, 70):
            ws.append([None, None, None, None, f"Suite {i}", None])
        if i == 45:
            ws.append(["Page 1 of 2"])
            ws.append(headers)
    ws.append(["Total customers: 90"])
    wb.save(path)


def _outcome(tmp_path, name, src, **kw):
    path = tmp_path / f"{name}.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        try:
            result = import_file(session, src, **kw)
        except ImportRefused as exc:
            return "refused", str(exc)
        stored = sorted(tuple(sorted((k, str(v)) for k, v in r.items()
                                     if k not in ("created_at", "updated_at", "batch_id")))
                        for r in records.list_records(session, "customer"))
        assert audit_log.verify(session).ok
    finally:
        session.close()
    summary = result.as_dict(outcomes=True)
    for k in ("file", "batch", "report"):
        summary.pop(k, None)
    return summary, stored


@pytest.mark.skipif(not scan_split.available(True), reason="the forked copy runs on Linux only")
@pytest.mark.parametrize("make, region", [(_german, None), (_english, "US")], ids=["German", "English"])
def test_footers_page_lines_continued_rows_and_damaged_text_after_the_fork_decide_as_in_one_process(
        tmp_path, monkeypatch, make, region):
    src = tmp_path / "people.xlsx"
    make(src)
    fed: dict[str, int] = {}
    for cls in (FooterWatch, PageLines, continued_rows.ContinuedRows):
        real = cls.add

        def add(self, number, values, _real=real, _name=cls.__name__):
            fed[_name] = fed.get(_name, 0) + 1          # counted in this process only
            return _real(self, number, values)

        monkeypatch.setattr(cls, "add", add)
    forks, passes = [], []
    real_start = scan_split.ScanSplit.start.__func__

    def start(cls):
        split = real_start(cls)
        if split is not None:
            forks.append(split)
        return split

    real_pass = run._scan_pass

    def watched(*args, split=False, **kwargs):
        passes.append(split)
        return real_pass(*args, split=split, **kwargs)

    monkeypatch.setattr(scan_split.ScanSplit, "start", classmethod(start))
    monkeypatch.setattr(scan_split, "SPLIT_AFTER_ROWS", SPLIT_AT)
    monkeypatch.setattr(run, "_scan_pass", watched)
    got = _outcome(tmp_path, "split", src, kind="customers", region=region)
    assert len(forks) == 1 and passes == [True]
    # past the fork these collectors are fed in the copy only: this process saw the rows
    # before it, and what they found later (all of it below) came from the copy
    assert set(fed) == {"FooterWatch", "PageLines", "ContinuedRows"}
    assert all(count <= SPLIT_AT for count in fed.values()), fed
    said = {i["what"] for i in got[0]["inferences"]}
    assert {"text saved twice", "letters lost before the workbook", "footer", "page lines",
            "records on two lines"} <= said
    monkeypatch.setattr(scan_split, "SPLIT_AFTER_ROWS", 10 ** 12)
    fed.clear()
    want = _outcome(tmp_path, "one", src, kind="customers", region=region)
    assert fed["FooterWatch"] > SPLIT_AT * 5           # in one process: every row here
    assert got == want


def _blank_by_regex(value) -> bool:
    """is_blank's answer for a text as the regular expression gave it (the code before)."""
    text = value.strip()
    return not text or (FORMAT_CHARS.match(text) is not None and not without_format(text).strip())


def test_blank_text_is_told_by_its_first_character_without_a_regular_expression(monkeypatch):
    class NoRegex:
        def match(self, *_a):
            raise AssertionError("a regular expression was called")

    monkeypatch.setattr(normalize, "FORMAT_CHARS", NoRegex())
    for text, blank in [("", True), ("  \t", True), ("\u200b", True), (" \u200e\ufeff ", True),
                        ("Anna", False), ("王伟", False), ("\u200bAnna", False), ("\u00ad-", False),
                        ("\U000e0041", True), ("\U000e0041x", False)]:
        assert normalize.is_blank(text) is blank, text


def test_every_character_first_gives_the_answer_the_regular_expression_gave():
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        for text in (ch, ch + "x", ch + "\u200b", " " + ch):
            assert normalize.is_blank(text) == _blank_by_regex(text), hex(code)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\u3000\u00a0\u00ad\u200b\u200c\u200e\u2066\ufeff\U000e0020aZ王é٠-")
               | st.characters(), max_size=8))
def test_generated_texts_are_blank_exactly_when_the_regular_expression_said_so(text):
    assert normalize.is_blank(text) == _blank_by_regex(text)


def _candidates_by_full_row(columns, rows):
    """ContinuedRows' candidates as the code before found them (every cell of every row
    tested)."""
    found, last, owner, chain = [], None, None, 0
    for number, values in rows:
        follows = last is not None and number == last + 1
        last = number
        filled = [(c, v) for c, v in enumerate(values) if not normalize.is_blank(v)]
        if len(filled) >= 2:
            owner, chain = number, 0
            continue
        prev, owner = owner, None
        if len(filled) != 1 or not follows or prev is None or chain >= continued_rows.CHAIN_MAX:
            continue
        column, value = filled[0]
        if column not in columns or not isinstance(value, str):
            continue
        text = " ".join(value.split())
        found.append((number, prev, column, text, continued_rows.kind_of(text)))
        owner, chain = prev, chain + 1
    return found


_CELLS = st.sampled_from([None, "", " ", "\u200b", "Anna Lee", "Hinterhaus", "c/o Meier", "Suite 5", 12, 0.5,
                          "2. Stock", "Attn: Bob", "王伟", "z. Hd. Frau Meier, Elbchaussee 5"])


_BLANK = st.sampled_from([None, "", " ", "\u200b"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), st.lists(_BLANK | _CELLS, min_size=0, max_size=7)), max_size=30))
@example([(1, ["Ann", "ann@example.com"]), (1, [None, None, "Suite 5"]), (1, [None, None, None, "x", "Suite 5"]),
          (1, [None, None, "Suite 6"]), (1, ["", " ", "\u200b", None, "Hinterhaus"]), (1, ["Bob", 12])])
def test_continued_rows_find_the_candidates_the_full_row_test_found(steps):
    columns = frozenset({0, 2, 4})
    rows, number = [], 1
    for gap, values in steps:
        number += gap
        rows.append((number, values))
    watch = continued_rows.ContinuedRows(columns)
    for number, values in rows:
        watch.add(number, values)
    got = [(c.row, c.owner, c.column, c.text, c.kind) for c in watch.candidates]
    assert got == _candidates_by_full_row(columns, rows)


def test_a_row_with_two_filled_cells_is_a_record_without_testing_the_rest(monkeypatch):
    tested = []

    def blank(v):
        tested.append(v)
        return normalize.is_blank(v)

    monkeypatch.setattr(continued_rows, "is_blank_cell", blank)
    watch = continued_rows.ContinuedRows(frozenset({0}))
    watch.add(2, ["Anna", "anna@example.com", "555-0100", "Main St 1", "Springfield", "Consumer"])
    assert tested == ["Anna", "anna@example.com"]
    watch.add(3, [None, "", "Suite 5"])
    assert watch._owner is None and watch.candidates == []     # not in a watched column
