"""Order numbers that collide in one orders file, and rows repeated whole (try23f A6).

Read in the import's first pass, before anything is written:

- **A row with an order number the same as an earlier one in every column** (a copy
  pasted twice, a download that overlaps itself) is not a second order nor a second line of it: it is skipped and
  counted as a duplicate of the earlier row ("duplicate of row 2 (same in every column)"),
  listed in the summary. A real second line of an order differs in some column (its line
  number, product, time); a file whose lines carry none of these is the exception, and the
  summary names the rows so such a line can be re-imported on its own. Rows without an
  order number are left as they were: two equal purchases on one day are two orders.
- **One order number on two different customers** (another name that is not a variant of
  it; without names, another email or customer id) is two orders under one number: each
  row is stored as its own order (as before: the realworld Superstore samples hold such
  numbers), the later row warned naming the number, the earlier row and its customer, and
  the summary counts them. Give each order its own number to tell them apart.
- **Ids Excel rounded**: a CSV written by Excel holds a number of more than 15 digits as
  its first 15 digits and zeros (``1234567890123450000`` for a Taobao order number). When
  such numbers collide (two customers under one), the stop says the real numbers are lost:
  re-export the file with the column formatted as text.
- **A column of ids Excel rounded** (`RoundedIds`, any order number or other-system customer
  id column): when every id of more than 15 digits in it ends in zeros after the 15th
  digit, and together they end in at least `ROUNDED_EVIDENCE` such zeros or one of them in
  `ROUNDED_ONE` (one real id of 16 digits ends in a zero one time in ten; six of them one
  time in a million; a real 19-digit id ends in 0000 one time in 10^4), the ids were
  rounded and the real ones are lost: stored, they would link nothing (an orders file with
  the real `2088102123456789012` would not find its customer). An id is read as Excel and
  CSV write one: grouped (`2,088,102,123,456,780,000`, spaces, no-break spaces, `'`) or with
  `.0` after it. The import stops before writing, naming the column and examples, and says
  what settles it: the file exported again with the column as text, or the column left
  out (`--map "Customer ID=-"`). A column holding any long id that is not zero-filled was
  kept as text, and so was a CSV whose writer put ``="…"`` around values (Excel's text
  wrapper, `="9876543210987650000"`): their zero-filled ids are real and stored.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import ImportRefused

EXCEL_DIGITS = 15
_ZERO_FILLED = re.compile(r"^\d{%d}0+$" % EXCEL_DIGITS)
SHOWN = 3
ROUNDED_EVIDENCE = 6      # zeros past the 15th digit, summed over a column's long ids
ROUNDED_ONE = 4           # ... or in one id (a 19-digit id Excel kept 15 digits of)
# a long id as a CSV writes a number: grouped by thousands, or with ".0" after it
_GROUPED = re.compile(r"^\d{1,3}(?:(?P<sep>[,. \u00a0\u202f'’])\d{3})(?:(?P=sep)\d{3})+$")
_POINT_ZERO = re.compile(r"^(\d+)\.0+$")
ID_TARGETS = ("order_number", "customer_ref")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else " ".join(str(v).split())


def excel_rounded(number: str) -> bool:
    """A digit string of 16+ digits whose digits after the 15th are all zeros: what Excel
    writes for a longer number it kept only 15 digits of."""
    return len(number) > EXCEL_DIGITS and bool(_ZERO_FILLED.match(number))


class RoundedIds:
    """`add(values)` per data row; `decide()` raises ImportRefused for a column of ids Excel
    rounded (see the module's docstring)."""

    def __init__(self, mapping, columns: list[int]):
        self.columns = [(c.header, columns[j]) for j, c in enumerate(mapping.columns)
                        if c.target in ID_TARGETS and j < len(columns)]
        self.zeros = {h: 0 for h, _ in self.columns}            # zeros past the 15th digit
        self.kept_as_text: set[str] = set()                     # a long id not zero-filled
        self.examples: dict[str, list[str]] = {h: [] for h, _ in self.columns}
        self.count = {h: 0 for h, _ in self.columns}
        self.most = {h: 0 for h, _ in self.columns}             # the most zeros in one id

    def add(self, values: list) -> None:
        """One data row's cells as read (before `="…"` text wrappers are taken off)."""
        for header, col in self.columns:
            if header in self.kept_as_text or col >= len(values):
                continue
            v = values[col]
            if isinstance(v, float) and v.is_integer() and abs(v) >= 10 ** EXCEL_DIGITS:
                # a number cell of 16+ digits: the sheet held its first 15 (what it shows)
                text = format(int(Decimal(format(v, f".{EXCEL_DIGITS}g"))), "d")
            elif isinstance(v, str):
                text = v.strip()
                if text[:2] == '="' and text[-1:] == '"' and text[2:-1].strip().isdigit():
                    if len(text[2:-1].strip()) > EXCEL_DIGITS:
                        self.kept_as_text.add(header)       # text on purpose: its digits are all there
                    continue
                if len(text) > EXCEL_DIGITS and not text.isdigit():
                    if (m := _POINT_ZERO.match(text)) is not None:
                        text = m.group(1)
                    elif _GROUPED.match(text):
                        text = re.sub(r"\D", "", text)
            else:
                continue
            if len(text) <= EXCEL_DIGITS or not text.isdigit() or not text.isascii():
                continue
            if not excel_rounded(text):
                self.kept_as_text.add(header)
                continue
            self.zeros[header] += len(text) - EXCEL_DIGITS
            self.most[header] = max(self.most[header], len(text) - EXCEL_DIGITS)
            self.count[header] += 1
            if len(self.examples[header]) < SHOWN and text not in self.examples[header]:
                self.examples[header].append(text)

    def decide(self) -> None:
        for header, _col in self.columns:
            if header in self.kept_as_text or (self.zeros[header] < ROUNDED_EVIDENCE
                                               and self.most[header] < ROUNDED_ONE):
                continue
            shown = ", ".join(f"'{e}'" for e in self.examples[header])
            raise ImportRefused(
                f"Column '{header}': {self.count[header]} id(s) such as {shown} are ids Excel rounded: a number of "
                f"more than {EXCEL_DIGITS} digits was saved as its first {EXCEL_DIGITS} digits and zeros, so the "
                "real ids are lost and stored they would link nothing. Nothing was imported. Export the file again "
                "with the column formatted as text (or from the source system), or leave the column out with "
                f'--map "{header}=-".')


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
        self.shared: dict[int, tuple[str, int, str]] = {}   # row -> (number, first row, its customer)

    def add(self, number: int, values: list) -> None:
        if self.number is None:
            return
        col = self.number[1]
        order = _text(values[col]) if col < len(values) else ""
        if not order or _SCIENTIFIC.match(order):
            # (a number in scientific notation is never stored as the number: cells.lost_digits)
            return              # without a number, two equal rows may be two purchases (test_import_rows_linking)
        key = tuple(_text(v) for v in values)
        while key and not key[-1]:
            key = key[:-1]
        if (first := self.rows.get(key)) is not None:
            self.repeated[number] = first
            return
        self.rows[key] = number
        if not self.who:
            return
        who = {t: _text(values[c]) for t, (_h, c) in self.who if c < len(values) and _text(values[c])}
        if not who:
            return
        seen = self.first.get(order)
        if seen is None:
            self.first[order] = (number, who)
        elif self._others(seen[1], who):
            if len(self.clashes) < 50:
                self.clashes.append((order, seen[0], seen[1], number, who))
            self.shared[number] = (order, seen[0], self._who(seen[1]))

    @staticmethod
    def _others(a: dict[str, str], b: dict[str, str]) -> bool:
        # the name first: one name under two customer ids (Superstore's HO-15231/HO-15234
        # "Harry Olson") is not evidence enough of two orders
        from ..domain.duplicates import OTHER, name_match
        for t in ("customer_name", "customer_company"):
            if a.get(t) and b.get(t):
                return name_match(a[t], b[t]) == OTHER
        for t in ("customer_email", "customer_ref"):
            if a.get(t) and b.get(t):
                return a[t].casefold() != b[t].casefold()
        return False

    def _who(self, who: dict[str, str]) -> str:
        return ", ".join(f"{who[t]}" for t, _ in self.who if t in who)

    def decide(self) -> list[dict]:
        """Inferences for the summary; raises ImportRefused on ids Excel rounded that collide."""
        lines: list[dict] = []
        if self.clashes:
            header = self.number[0]
            shown = "; ".join(f"'{o}' on row {r1} ({self._who(w1)}) and row {r2} ({self._who(w2)})"
                              for o, r1, w1, r2, w2 in self.clashes[:SHOWN])
            more = f" and {len(self.clashes) - SHOWN} more" if len(self.clashes) > SHOWN else ""
            rounded = [o for o, *_ in self.clashes if excel_rounded(o)]
            if rounded:
                raise ImportRefused(
                    f"Column '{header}': {shown}{more}: one order number on different customers. These are ids "
                    f"Excel rounded: a number of more than {EXCEL_DIGITS} digits was saved as its first "
                    f"{EXCEL_DIGITS} digits and zeros, so different orders now share a number and the real numbers "
                    "are lost. Nothing was imported. Export the file again with the column formatted as text "
                    "(or from the source system), then import it.")
            lines.append({"what": "order numbers on two customers",
                          "decided": f"{len(self.shared)} row(s) share an order number with an earlier row of another "
                                     f"customer: each stored as its own order, the row warned ({shown}{more})",
                          "evidence": f"column '{header}' holds these numbers for different customers (another name, "
                                      "email or id); give each order its own number to tell them apart"})
        if not self.repeated:
            return lines
        pairs = ", ".join(f"row {r} = row {f}" for r, f in list(self.repeated.items())[:SHOWN])
        more = f" and {len(self.repeated) - SHOWN} more" if len(self.repeated) > SHOWN else ""
        return lines + [{"what": "repeated rows",
                 "decided": f"{len(self.repeated)} row(s) the same as an earlier row in every column skipped "
                            f"(counted as duplicates, not stored again): {pairs}{more}",
                 "evidence": "every cell equal to the earlier row's: a copy, not a further order or line (a "
                             "real second line differs in its product, line number or time)"}]


def shared_number_warning(order: str, first: int, who: str) -> str:
    return (f"order number '{order}' is also row {first}'s, another customer's ({who}): stored as a separate order; "
            "give each order its own number in the file")
