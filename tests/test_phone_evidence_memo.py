"""The first pass's phone collectors (importer.phone_evidence) work out what they ask of
a row's Country cell and of a number written with "+"/"00" once per value, not once per
collector and row: a Country cell's blankness, the region it names, whether a number
begins with the region's own calling code. The answers are those of the functions they
remember, and the import's stored values are what they were."""
from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from cims_xl.domain import normalize as nz
from cims_xl.importer import phone_evidence as pe
from cims_xl.importer.run import import_file
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

_COUNTRIES = ["United Kingdom", "GB", "英国", "Germany", "", " ", "\u200b", "France", "44"]
_PHONES = {"United Kingdom": ("020 7946 0%03d", "+44207946%04d"), "GB": ("020 7946 0%03d", "+44207946%04d"),
           "英国": ("020 7946 0%03d", "+44207946%04d"), "Germany": ("030 1234%04d", "+49301234%04d"),
           "France": ("01 42 68 %02d %02d", None), "44": ("020 7946 0%03d", "+44207946%04d")}


def _store(tmp_path, name="own.cims"):
    path = tmp_path / name
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    return auth.sign_in(path, "admin", ADMIN_PASSWORD)


def _write(path, rows: int) -> dict[str, str]:
    """A file with a Country column (names in three languages, a dial code, blanks and
    an invisible blank) and numbers written nationally or with their country code;
    returns name -> the number each row must be stored as."""
    want: dict[str, str] = {}
    lines = ["Name,Phone,Mobile,Country"]
    for i in range(rows):
        country = _COUNTRIES[i % len(_COUNTRIES)]
        name = f"Person {i}"
        if country.strip(" \u200b") and country != "France":
            shape, e164 = _PHONES[country]
            phone = shape % (i % 1000) if "%03d" in shape else shape % (i % 10000)
            want[name] = e164 % (i % 1000) if "%04d" in e164 and "%03d" in shape else e164 % (i % 10000)
        elif country == "France":
            phone = "01 42 68 %02d %02d" % (i % 100, (i * 7) % 100)
            want[name] = "+3314268%02d%02d" % (i % 100, (i * 7) % 100)
        else:
            phone = "139%08d" % (10_000_000 + i)             # no country: the store's (CN) mobile
            want[name] = "+86" + phone[:3] + phone[3:]
        mobile = "+86 139 %04d %04d" % (i % 10000, (i * 3) % 10000) if i % 4 == 0 else ""
        lines.append(f'{name},{phone},{mobile},"{country}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return want


class _Counting:
    """normalize, with the calls of is_blank counted per argument."""

    def __init__(self):
        self.calls: Counter = Counter()

    def is_blank(self, value):
        self.calls[value if isinstance(value, str) else repr(value)] += 1
        return nz.is_blank(value)

    def __getattr__(self, name):
        return getattr(nz, name)


def test_a_country_cell_is_checked_for_blankness_once_per_text_across_the_phone_collectors(
        tmp_path, monkeypatch):
    src = tmp_path / "abroad.csv"
    want = _write(src, 900)
    counting = _Counting()
    monkeypatch.setattr(pe, "nz", counting)
    getattr(pe, "_BLANK_TEXTS", {}).clear()       # the memory starts empty
    session = _store(tmp_path)
    result = import_file(session, src)
    got = {c["name"]: c for c in records.list_records(session, "customer")}
    assert result.created == 900
    assert {name: got[name]["phone"] for name in want} == want
    # three collectors (two phone columns, the file's region) asked about 900 rows each:
    # each distinct Country text at most once
    asked = {text: n for text, n in counting.calls.items() if text in _COUNTRIES}
    assert asked and max(asked.values()) == 1, asked


def _uncached_own_code(lead: str, code: int) -> bool:
    digits = "".join(ch for ch in lead[:6] if ch.isdigit()).removeprefix("00")
    return digits.startswith(str(code))


_LEADS = st.builds(lambda sign, body: sign + body, st.sampled_from(["+", "00", "+ ", "＋", "00 ", "+(", "0"]),
                   st.text(alphabet="0123456789 -()１２٣", max_size=10))
_REGIONS = st.sampled_from(["CN", "GB", "US", "DE", "FR", "JP", "KR", "AE", "IN", "BR"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_REGIONS, _LEADS), min_size=1, max_size=30))
def test_a_numbers_own_calling_code_is_what_its_digits_say_under_every_region(pairs):
    collectors = {}
    for region, lead in pairs:
        ev = collectors.setdefault(region, pe.AssumedRegionEvidence(region, [], (), (), (), ()))
        assert ev._own_code(lead) == _uncached_own_code(lead, ev.code)
        assert ev._own_code(lead) == _uncached_own_code(lead, ev.code)       # remembered


_CELLS = st.one_of(
    st.none(), st.integers(-5, 99), st.floats(allow_nan=True), st.just(math.nan),
    st.text(alphabet=[" ", "\t", "\n", "\u3000", "\u200b", "\u200e", "\ufeff", "\u00a0", "a", "英", "4", "-"],
            max_size=8),
    st.text(max_size=80))


@settings(max_examples=400, deadline=None)
@given(st.lists(_CELLS, min_size=1, max_size=40), st.integers(0, 5))
def test_a_remembered_blank_answer_is_is_blanks_own_also_when_the_memory_is_full(cells, room):
    saved, saved_max = dict(pe._BLANK_TEXTS), pe._BLANK_TEXTS_MAX
    pe._BLANK_TEXTS.clear()
    pe._BLANK_TEXTS_MAX = room
    try:
        for value in cells + cells:
            assert pe._filled(value) == (not nz.is_blank(value))
        assert len(pe._BLANK_TEXTS) <= room
    finally:
        pe._BLANK_TEXTS.clear()
        pe._BLANK_TEXTS.update(saved)
        pe._BLANK_TEXTS_MAX = saved_max


def test_what_one_import_remembers_does_not_change_the_next_under_another_region(tmp_path):
    """The same file under the store's region and then under --region GB, in one process,
    stores what each stores when it is the process's first import."""
    src = tmp_path / "mixed.csv"
    lines = ["Name,Phone,Country"]
    for i in range(60):
        country = ["", "44", "United Kingdom", "China", ""][i % 5]
        phone = ["020 7946 0%03d" % i, "+44 20 7946 0%03d" % i, "+86 139 1234 %04d" % i,
                 "0044 20 7946 0%03d" % i][i % 4]
        lines.append(f"P{i},{phone},{country}")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(name, region):
        session = _store(tmp_path, name)
        try:
            result = import_file(session, src, region=region)
            outcome = (result.created, result.rejected, sorted(
                (o.row, o.status, tuple(sorted(o.warnings.items()))) for o in result.outcomes))
        except Exception as exc:            # a refusal is a result too
            outcome = (type(exc).__name__, str(exc))
        stored = sorted((c["name"], c["phone"], c.get("notes")) for c in records.list_records(session, "customer"))
        return outcome, stored

    getattr(pe, "_BLANK_TEXTS", {}).clear()
    cn_first = run("a.cims", None)
    gb_after = run("b.cims", "GB")
    getattr(pe, "_BLANK_TEXTS", {}).clear()
    gb_first = run("c.cims", "GB")
    cn_after = run("d.cims", None)
    assert gb_after == gb_first
    assert cn_after == cn_first
    assert gb_first != cn_first             # the region mattered: the file tells them apart
