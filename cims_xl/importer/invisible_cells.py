"""Invisible characters taken out of the cells where they cannot mean anything.

A phone cell "+49 30 1234567" followed by a left-to-right mark, an amount "1 234,5"
after one, a customer id "C001" with a zero-width space or written in full-width
letters: each looks right and reads wrong (a phone refused, a row rejected, a second
customer made). The cells of the columns mapped to such fields are cleaned before
anything reads them, in the first pass that weighs the evidence (phone regions, decimal
marks, date orders) and in the second that imports, so both see the same values
(domain.invisible says which characters and why):

- ids of another system and order numbers, postal codes: `code_text` (compatibility
  form, no format characters, spaces collapsed);
- names (people, companies, cities, countries, tags, users): `name_without_format`
  (the joiners a script or an emoji needs between two of its characters are kept);
- phones, emails, amounts, numbers, dates, yes/no, choices, currencies:
  `without_format`.

Free text (notes, addresses, subjects, products) and the columns no field takes (kept
in Notes) are left as written: a zero-width joiner inside an emoji or a Hindi word, a
right-to-left mark in an Arabic note, mean something there.
"""

from __future__ import annotations

from typing import Callable

from ..domain.invisible import REORDERING, code_text, name_without_format, without_format
from ..domain.schema import CUSTOMER, Entity

# Text fields that hold a code, not words (their own and a linked customer's).
CODE_TARGETS = frozenset({"customer_ref", "order_number", "postal_code", "customer_postal_code"})
# Field kinds whose text is words a person may write with joiners.
_NAME_KINDS = frozenset({"name", "tags", "user"})
# Field kinds of free text: left as written.
_FREE_KINDS = frozenset({"text"})
# Text fields that are no free text (a currency code or symbol).
_PLAIN_TEXT_TARGETS = frozenset({"currency", "customer_currency"})


def _blank_code(text: str) -> str:
    return code_text(text) or ""


def _cleaner(target: str, kind: str) -> Callable[[str], str] | None:
    if target in CODE_TARGETS:
        return _blank_code
    if kind in _NAME_KINDS:
        return name_without_format
    if kind in _FREE_KINDS and target not in _PLAIN_TEXT_TARGETS:
        return None
    return without_format


class CellCleaner:
    """Cleans the cells of a row (as the sheet gives it: indexed by sheet column) in
    the columns mapped to fields where invisible characters cannot mean anything.

    ent: what is imported; targets: (sheet column, field or None) of the mapping."""

    def __init__(self, ent: Entity, targets: list[tuple[int, str | None]]):
        kinds = {f.key: f.kind for f in ent.fields}
        kinds.update({f"customer_{f.key}": f.kind for f in CUSTOMER.fields})
        self.columns: tuple[tuple[int, Callable[[str], str]], ...] = tuple(
            (col, fn) for col, target in targets
            if target is not None and (fn := _cleaner(target, kinds.get(target, "text"))) is not None)

    def __bool__(self) -> bool:
        return bool(self.columns)

    def clean(self, values: list) -> list:
        """`values` with the cleaned cells; the same list when none changes (ASCII text
        and numbers never do), a copy otherwise."""
        out = values
        n = len(values)
        for col, fn in self.columns:
            if col < n:
                v = values[col]
                if type(v) is str and not v.isascii():
                    cleaned = fn(v)
                    if cleaned != v:
                        if out is values:
                            out = list(values)
                        out[col] = cleaned
        return out


def without_reordering(values: list) -> tuple[list, int]:
    """(`values` without the bidirectional embeddings, overrides and isolates
    (domain.invisible.REORDERING: U+202A-202E, U+2066-2069), how many cells held one).

    Such a control makes a cell show in another order than it is stored ("\u202eexe.txt"
    shows as "txt.exe"); cims refuses them where text is typed or saved. A file's cells are
    not refused for them (a right-to-left document copied into a sheet carries them): the
    import takes them out of every cell, free text too, and says how many. The same list
    when no cell holds one (a row of ASCII costs one check)."""
    joined = "".join([v for v in values if type(v) is str])
    if joined.isascii() or REORDERING.search(joined) is None:
        return values, 0
    out = list(values)
    n = 0
    for i, v in enumerate(out):
        if type(v) is str and REORDERING.search(v) is not None:
            out[i] = REORDERING.sub("", v)
            n += 1
    return out, n
