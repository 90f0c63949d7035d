"""A customer import's duplicates do not depend on where its chunks end.

What went wrong: a role's mailbox (info@) or a shared landline held by an earlier row
under one name and, in a later chunk, by a row under another name: a third row with the
first row's name met only the holder in its own chunk (another person) and was created,
though it is the first row again. With one chunk it was a duplicate. Now every earlier
holder of a key is checked in file order, so each row's outcome (created, duplicate of
which row or record, warnings) and the stored records are the same for every chunk size,
and whether rows are prepared in the forked worker or here.
"""

from __future__ import annotations

import csv
import random

import pytest

from cims_xl.importer import import_file, parallel
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF

CHUNKS = (1, 2, 3, 7, 200)
HEADER = ["Name", "Company", "Email", "Phone", "Mobile", "Country"]

# one person written several ways: the name variants the import reads as one person
PEOPLE = [
    ("黄志明", "黃志明"),                         # Simplified / Traditional
    ("林淑芬", "林淑芬"),
    ("刘德华", "劉德華", "刘德华"),
    ("John Smith", "JOHN SMITH", "Smith, John"),
    ("Anna Schmidt", "Schmidt Anna", "ANNA SCHMIDT"),
    ("María García", "Maria Garcia"),
    ("王先生", "王伟"),                            # may be one person: the names do not say
    ("Иванов Иван", "Иван Иванов"),
]
MAILBOXES = ["info@firm.example", "sales@firm.example", "kontakt@firma.example", "Info@Firm.example"]
LANDLINES = [("020 7946 0053", "GB"), ("+49 30 2039701", "DE"), ("010-60000063", "中国"), ("(415) 555-0133", "US")]
MOBILES = [("+44 7700 900563", "GB"), ("13800001643", "中国")]


def _row(rnd: random.Random, i: int) -> list[str]:
    spellings = rnd.choice(PEOPLE)
    name = rnd.choice(spellings)
    company = rnd.choice(["", "", "Acme Ltd", "华信公司"])
    email = rnd.choice([*MAILBOXES, "", f"own{i % 5}@mail.example"])
    phone, country = rnd.choice([*LANDLINES, ("", "")])
    mobile = ""
    if rnd.random() < 0.2:
        mobile, country = rnd.choice(MOBILES)
    return [name, company, email, phone, mobile, country]


def _file(path, rows: list[list[str]]):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def _import(tmp_path, src, name: str, **kw):
    store = tmp_path / f"{name}.cims"
    auth.init_store(store, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(store, "admin", ADMIN_PASSWORD)
    try:
        result = import_file(session, src, kind="customers", **kw)
        stored = sorted(tuple(r[k] or "" for k in ("name", "company", "email", "phone", "mobile", "tags"))
                        for r in records.list_records(session, "customer"))
    finally:
        session.close()
    summary = result.as_dict(outcomes=True)
    for k in ("file", "batch", "report"):
        summary.pop(k, None)
    return summary, stored


def _same_whatever_the_chunks(tmp_path, src, monkeypatch=None) -> dict:
    want = _import(tmp_path, src, "one", chunk_rows=10_000)
    for chunk in CHUNKS:
        assert _import(tmp_path, src, f"c{chunk}", chunk_rows=chunk) == want, f"chunks of {chunk} rows"
    if monkeypatch is not None and parallel.available():
        monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 0)
        for chunk in (2, 7):
            assert _import(tmp_path, src, f"f{chunk}", chunk_rows=chunk) == want, f"forked, chunks of {chunk}"
    return want[0]


def _outcome(summary: dict, row: int) -> dict:
    return next(o for o in summary["outcomes"] if o["row"] == row)


def test_a_role_mailbox_held_under_another_name_in_a_later_chunk_hides_no_earlier_holder(tmp_path, monkeypatch):
    rows = [["黄志明", "", "info@firm.example", "", "", "DE"],                 # row 2
            ["Cat Poe", "", "cat@poe.example", "", "", "GB"],
            ["林淑芬", "", "info@firm.example", "020 7946 0053", "", "GB"],     # row 4: another person
            ["黄志明", "", "info@firm.example", "010-60000063", "", "中国"]]    # row 5: row 2 again
    summary = _same_whatever_the_chunks(tmp_path, _file(tmp_path / "mailbox.csv", rows), monkeypatch)
    assert _outcome(summary, 4)["action"] == "created"
    assert _outcome(summary, 5)["action"] == "duplicate" and _outcome(summary, 5)["duplicate_of_row"] == 2


@pytest.mark.parametrize("first, again", [("劉德華", "劉德華"), ("John Smith", "SMITH, John"),
                                          ("Anna Schmidt", "anna schmidt")])
def test_the_same_person_after_another_at_a_role_mailbox_is_a_duplicate_of_that_person(tmp_path, first, again):
    """One pass in row order checks every earlier holder, not only the first."""
    rows = [["林淑芬", "", "sales@firm.example", "", "", ""],                  # row 2
            [first, "", "sales@firm.example", "", "", ""],                    # row 3
            [again, "", "Sales@Firm.example", "", "", ""]]                    # row 4: row 3 again
    summary = _same_whatever_the_chunks(tmp_path, _file(tmp_path / "third.csv", rows))
    assert _outcome(summary, 3)["action"] == "created"
    assert _outcome(summary, 4)["action"] == "duplicate" and _outcome(summary, 4)["duplicate_of_row"] == 3


@pytest.mark.parametrize("seed", range(10))
def test_varied_files_give_the_same_outcomes_and_records_for_every_chunk_size(tmp_path, seed):
    rnd = random.Random(seed)
    rows = [_row(rnd, i) for i in range(rnd.randint(12, 30))]
    _same_whatever_the_chunks(tmp_path, _file(tmp_path / f"varied{seed}.csv", rows))


def test_a_varied_file_prepared_in_the_forked_worker_gives_the_same_outcomes(tmp_path, monkeypatch):
    rnd = random.Random(99)
    rows = [_row(rnd, i) for i in range(40)]
    _same_whatever_the_chunks(tmp_path, _file(tmp_path / "forked.csv", rows), monkeypatch)
