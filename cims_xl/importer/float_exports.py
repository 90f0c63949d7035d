"""Codes and ids a float export wrote as "2134.0", and the row counter it wrote first.

pandas writes a column of whole numbers that has a blank in it, or was once read as
floats, with ".0" after every value (`DataFrame.to_csv`: "2134.0", "1001.0",
"4155550132.0"), and it writes the frame's index as a first column with no header
counting 0, 1, 2 … (R's `write.csv` counts 1, 2, 3 under ""). Read as written, a postal
code becomes "2134.0" (its zero lost, and never restored), a customer's id in the other
system "src:1001.0" (so the next file, which writes 1001, links to nobody), and the
index lands in Notes.

`FloatExports` watches the table's columns in the importer's first pass: a column of a
text, code or id field (postal code, phone, order number, the other system's id) every
filled value of which is a whole number written with ".0" is read as those whole
numbers; the summary says so. A column with one real decimal ("2.5"), or any other
text, is left as written: that is a column of numbers, or of text. Postal codes are
then given back the zeros the number lost where the row's country proves them
(plan.RowPreparer._restore_zeros, domain/postal.py).
"""

from __future__ import annotations

import re

from ..domain.schema import CUSTOMER, Entity

# a whole number followed by ".0", as float exports write one
_WHOLE_FLOAT = re.compile(r"\s*[+-]?[0-9]{1,30}\.0\s*")
_BIG_FLOAT = re.compile(r"\s*[+-]?[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}\s*")
EXAMPLES = 3
# fields that hold codes and ids as text (the other system's id is the mapping's own)
_CODE_KINDS = frozenset({"text", "phone", "ref"})
_ID_FIELDS = frozenset({"customer_ref"})


def whole_of(text: str) -> str:
    """"2134.0" -> "2134", " +1001.0 " -> "+1001": the whole number a float export wrote."""
    return text.strip()[:-2]


def is_float_whole(text: str) -> bool:
    """Whether `text` is a whole number written with ".0" ("2134.0")."""
    return bool(_WHOLE_FLOAT.fullmatch(text))


def code_fields(ent: Entity) -> frozenset[str]:
    """The fields of `ent` (and `customer_…` for an order's customer) that hold a code or
    an id as text: text, phone and reference fields other than free text and notes, and
    the other system's id (customer_ref)."""
    def codes(entity: Entity) -> set[str]:
        return {f.key for f in entity.fields
                if f.kind in _CODE_KINDS and not f.free_text and f.key not in ("notes", "description", "address")}
    out = codes(ent) | set(_ID_FIELDS)
    if ent.kind != "customer":
        out |= {f"customer_{k}" for k in codes(CUSTOMER)}
    return frozenset(out)


class FloatExports:
    """The table's columns (sheet column indexes) every filled value of which so far is
    a whole number written with ".0" (strings, as a CSV holds them), with examples.

    A column leaves the watch at its first other value, so a file without such columns
    costs one look per column at its first row."""

    def __init__(self, columns: list[int]) -> None:
        self.alive: dict[int, list[str]] = {c: [] for c in columns}
        self.filled: dict[int, int] = dict.fromkeys(columns, 0)

    def add(self, values: list) -> None:
        if not self.alive:
            return
        n = len(values)
        for col in tuple(self.alive):
            v = values[col] if col < n else None
            if v is None:
                continue
            if type(v) is str:
                if not v or v.isspace():
                    continue
                if v[-1:] in "0 " and _WHOLE_FLOAT.fullmatch(v):
                    self.filled[col] += 1
                    examples = self.alive[col]
                    if len(examples) < EXAMPLES:
                        examples.append(v.strip())
                    continue
                if ("e+" in v or "E+" in v) and _BIG_FLOAT.fullmatch(v):
                    continue        # a float export writes 10**16 and up so: lost digits (plan), not a decimal
            del self.alive[col]

    def decide(self, columns: list[tuple[int, str, str | None]], fields: frozenset[str]
               ) -> tuple[frozenset[str], list[dict]]:
        """(fields whose column writes whole numbers with ".0", their inferences) for
        `columns`: (sheet column, header, field) of the final mapping; `fields`: the
        fields that hold codes and ids (code_fields)."""
        found: set[str] = set()
        inferences: list[dict] = []
        for col, header, target in columns:
            examples = self.alive.get(col)
            if not examples or target not in fields:
                continue
            found.add(target)
            shown = ", ".join(f"'{e}'" for e in examples)
            inferences.append({
                "what": f"column '{header}'",
                "decided": f"whole numbers written with '.0' read without it ('{examples[0]}' is "
                           f"'{whole_of(examples[0])}')",
                "evidence": f"every one of its {self.filled[col]} value(s) is a whole number followed by '.0' "
                            f"({shown}), as a float export (pandas) writes a number column; a code or id has no "
                            "decimals"})
        return frozenset(found), inferences
