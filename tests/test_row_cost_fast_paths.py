"""Stop 23's shortcuts in preparing a customer row give exactly what the full paths give:
a text cell of a column no special rule of `RowPreparer.raw` applies to skips those
rules (`RowPreparer._cells`), an ASCII postal code or order number is read without the
invisible-character and NFKC steps, and an enum field's words are remembered per text."""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cims_xl.domain import models
from cims_xl.domain.invisible import code_text
from cims_xl.domain.normalize import is_blank, normalize_text
from cims_xl.domain.schema import ENTITIES
from cims_xl.importer import import_file, plan

# Cells that meet the rules of RowPreparer.raw: placeholders, errors, formulas, the
# apostrophe mark, several values, vCard parts, mailboxes in names, extensions, tags,
# ids that look like dates, money signs, UTC times; and plain text in several scripts.
_PIECES = ["N/A", "n/a", "-", "none", "—", "#N/A", "#REF!", "=A2*2", "=cmd|' /C calc'!A0", "'", "'0213", " ::: ",
           ";", ";;;;;;", ",", " / ", "|", "\n", "@", "ann@example.com", "Ann Lee <ann@example.com>",
           "<a@x.com>, <b@y.com>", "x12", "ext. 7", "转123", "* myContacts", "12-Oct", "Jan-24", "$", "USD 12",
           "12:30Z", "2024-01-01T10:00:00Z", "1709600000", "+86 138 0013 8000", "(415) 555-0132", "020 7946 0958",
           "0151 23456789", "王伟", "北京明达有限公司", "Acme GmbH", "Müller & Söhne", "محمد", "Ｃ００１",
           "\u200b", "\u00a0", "  ", "\t", "Small Business", "VIP", "10115", "SW1A 1AA", "100235", "0",
           "\nz. Hd. Frau Meier", "\nAttn: Mary Lee", ", c/o Bob Smith", "\n"]
_CELL = st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=3).map("".join)

_HEADERS = {
    "notes": ["Name", "Company", "Email", "Phone", "Mobile", "Tags", "Customer ID", "City", "Postal Code",
              "Address", "Segment", "Notes"],
    "no notes": ["Name", "Company", "Email", "Phone", "City", "Postal Code", "Segment", "Tags"],
}


def _planner(tmp_path, session, monkeypatch, headers: list[str], name: str):
    """The planner a real import of a small customers file makes (its mapping, options and
    context decided by the file), caught as it prepares the file's rows."""
    path = tmp_path / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for i in range(30):
            row = {"Name": f"Person {i}", "Company": f"Firm {i % 5} Ltd", "Email": f"p{i}@example.com",
                   "Phone": f"139{i:08d}", "Mobile": f"138{i:08d}", "Tags": "vip", "Customer ID": f"C{i:03d}",
                   "City": "Beijing", "Postal Code": "100020", "Address": f"{i} Main St", "Segment": "Corporate",
                   "Notes": "note"}
            w.writerow([row[h] for h in headers])
    seen = []
    prepare = plan.Planner.prepare_customers

    def spy(self, rows):
        seen.append(self)
        return prepare(self, rows)

    with monkeypatch.context() as m:
        m.setattr(plan.Planner, "prepare_customers", spy)
        import_file(session, path, kind="customers", dry_run=True)
    return seen[0]


def _every_rule(prep, i: int, target: str) -> tuple[bool, ...]:
    """The column's part of each of raw's rules for a text cell, as raw tested it cell by cell."""
    kind = prep.kinds.get(target)
    tz = prep.options.tz is not None
    return (target == "tags", i in prep.n_columns or i in prep.org_columns or i in prep.adr_columns,
            i in prep._several_columns, prep.has_notes and prep.kinds.get(target) == "phone",
            prep.kinds.get(target) == "money", target in plan._ID_DATE_FIELDS, target in plan._NAME_MAILBOX_FIELDS,
            target in plan._ATTENTION_FIELDS and prep.has_notes,
            target in prep.options.unix_dates and kind in ("date", "datetime"),
            i in prep._utc_headed and tz, tz and kind == "date",
            prep.has_notes and prep.kinds.get(target) == "email")


@pytest.mark.parametrize("columns", sorted(_HEADERS))
def test_a_text_cell_of_a_column_no_special_rule_applies_to_is_prepared_as_the_full_path_prepares_it(
        tmp_path, admin, monkeypatch, columns):
    headers = _HEADERS[columns]
    fast = _planner(tmp_path, admin, monkeypatch, headers, "fast").prep
    full = _planner(tmp_path, admin, monkeypatch, headers, "full").prep
    # every column through every rule, as raw did before the columns were told apart: each
    # rule's test of the column written out here as raw wrote it (not taken from _rules_of)
    full.__dict__["_cells"] = [(i, t, as_is, found, _every_rule(full, i, t)) for i, t, as_is, found, _ in full._cells]
    assert any(not special for *_, special in fast._cells)        # the shortcut is taken somewhere

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(_CELL, min_size=len(headers), max_size=len(headers)))
    def check(values):
        assert fast.raw(list(values)) == full.raw(list(values))
        assert fast.context == full.context
        assert fast.extensions == full.extensions

    check()


_ASCII = st.text(alphabet=st.characters(max_codepoint=127), max_size=12)


@settings(max_examples=2000, deadline=None)
@given(_ASCII | st.lists(st.sampled_from([" ", "\t", "\n", "\r", "\r\n", "\x1c", "\x0b", "M1", "1AA", "10115", "-"]),
                         max_size=6).map("".join))
def test_an_ascii_postal_code_or_order_number_reads_as_the_full_code_path_reads_it(text):
    assert models._code(text) == (None if is_blank(text) else code_text(normalize_text(text)))


_SEGMENT = next(f for f in ENTITIES["customer"].fields if f.key == "segment")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Small Business", "corporate", "VIP", "on-hold", "SMALL_BUSINESS", "İ", " x ",
                                 "\u200b", "", "Ｖｉｐ"]) | st.text(max_size=4), min_size=1, max_size=6))
def test_an_enum_field_answers_a_text_it_met_before_as_it_answered_it_the_first_time(texts):
    remembering, fresh = models._enum_validator(_SEGMENT), None

    def answer(check, text):
        try:
            return ("ok", check(text))
        except Exception as exc:
            return ("refused", str(exc))

    for text in texts + texts:
        fresh = models._enum_validator(_SEGMENT)        # no memory of the texts before
        assert answer(remembering, text) == answer(fresh, text)
