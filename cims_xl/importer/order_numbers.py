"""Order numbers that collide in one orders file, and rows repeated whole (try23f A6).

Read in the import's first pass, before anything is written:

- **A row the same as an earlier one in every column** (a copy pasted twice, a download
  that overlaps itself) is not a second order nor a second line of it: it is skipped and
  counted as a duplicate of the earlier row ("duplicate of row 2 (same in every column)"),
  listed in the summary. A real second line of an order differs in some column (its line
  number, product, time); a file whose lines carry none of these is the exception, and the
  summary names the rows so such a line can be re-imported on its own.
- **One order number on two different customers** (another name that is not a variant of
  it, or another email or customer id) is two orders under one number: the import stops,
  naming the number, both rows and both customers. Their numbers must differ in the file,
  or the column is not the order number (``--map "Column=-"`` leaves it out).
- **Ids Excel rounded**: a CSV written by Excel holds a number of more than 15 digits as
  its first 15 digits and zeros (``1234567890123450000`` for a Taobao order number). When
  such numbers collide (two customers under one), the stop says the real numbers are lost:
  re-export the file with the column formatted as text.
"""

from __future__ import annotations

import re

from .errors import ImportRefused

EXCEL_DIGITS = 15
_ZERO_FILLED = re.compile(r"^\d{%d}0+$" % EXCEL_DIGITS)
SHOWN = 3


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else " ".join(str(v).split())


def excel_rounded(number: str) -> bool:
    """A digit string of 16+ digits whose digits after the 15th are all zeros: what Excel
    writes for a longer number it kept only 15 digits of."""
    return len(number) > EXCEL_DIGITS and bool(_ZERO_FILLED.match(number))


class SameNumbers:
    """`add(row, values)` per data row; `decide()` once all are seen."""

    def __init__(self, mapping, columns: list[int]):
        by_target = {c.target: (c.header, columns[j]) for j, c in enumerate(mapping.columns) if c.target}
        self.number = by_target.get("order_number")
        self.who = [(t, by_target[t]) for t in ("customer_ref", "customer_email", "customer_name",
                                                "customer_company") if t in by_target]
        self.active = True
        self.rows: dict[tuple, int] = {}            # the whole row's cells -> its first row
        self.repeated: dict[int, int] = {}          # row -> the earlier row it repeats
        self.first: dict[str, tuple[int, dict[str, str]]] = {}   # order number -> (row, who)
        self.clashes: list[tuple[str, int, dict, int, dict]] = []

    def add(self, number: int, values: list) -> None:
        key = tuple(_text(v) for v in values)
        while key and not key[-1]:
            key = key[:-1]
        if (first := self.rows.get(key)) is not None:
            self.repeated[number] = first
            return
        self.rows[key] = number
        if self.number is None or not self.who:
            return
        col = self.number[1]
        order = _text(values[col]) if col < len(values) else ""
        if not order:
            return
        who = {t: _text(values[c]) for t, (_h, c) in self.who if c < len(values) and _text(values[c])}
        if not who:
            return
        seen = self.first.get(order)
        if seen is None:
            self.first[order] = (number, who)
        elif len(self.clashes) < 50 and self._others(seen[1], who):
            self.clashes.append((order, seen[0], seen[1], number, who))

    @staticmethod
    def _others(a: dict[str, str], b: dict[str, str]) -> bool:
        from ..domain.duplicates import OTHER, name_match
        for t in ("customer_ref", "customer_email"):
            if a.get(t) and b.get(t):
                return a[t].casefold() != b[t].casefold()
        for t in ("customer_name", "customer_company"):
            if a.get(t) and b.get(t):
                return name_match(a[t], b[t]) == OTHER
        return False

    def _who(self, who: dict[str, str]) -> str:
        return ", ".join(f"{who[t]}" for t, _ in self.who if t in who)

    def decide(self) -> list[dict]:
        """Inferences for the summary; raises ImportRefused on order numbers that collide."""
        if self.clashes:
            header = self.number[0]
            shown = "; ".join(f"'{o}' on row {r1} ({self._who(w1)}) and row {r2} ({self._who(w2)})"
                              for o, r1, w1, r2, w2 in self.clashes[:SHOWN])
            more = f" and {len(self.clashes) - SHOWN} more" if len(self.clashes) > SHOWN else ""
            if all(excel_rounded(o) for o, *_ in self.clashes):
                raise ImportRefused(
                    f"Column '{header}': {shown}{more}: one order number on different customers. These are ids "
                    f"Excel rounded: a number of more than {EXCEL_DIGITS} digits was saved as its first "
                    f"{EXCEL_DIGITS} digits and zeros, so different orders now share a number and the real numbers "
                    "are lost. Nothing was imported. Export the file again with the column formatted as text "
                    "(or from the source system), then import it.")
            raise ImportRefused(
                f"Column '{header}': {shown}{more}: one order number on different customers, so these are different "
                "orders under one number. Nothing was imported. Give each order its own number in the file; if the "
                f"column is not the order number, leave it out with --map \"{header}=-\" (or map it to another field).")
        if not self.repeated:
            return []
        pairs = ", ".join(f"row {r} = row {f}" for r, f in list(self.repeated.items())[:SHOWN])
        more = f" and {len(self.repeated) - SHOWN} more" if len(self.repeated) > SHOWN else ""
        return [{"what": "repeated rows",
                 "decided": f"{len(self.repeated)} row(s) the same as an earlier row in every column skipped "
                            f"(counted as duplicates, not stored again): {pairs}{more}",
                 "evidence": "every cell equal to the earlier row's: a copy, not a further order or line (a "
                             "real second line differs in its product, line number or time)"}]
