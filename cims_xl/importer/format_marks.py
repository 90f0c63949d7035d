"""A number format that shows " Cr" after an amount ('#,##0.00" Cr"'): two opposite things.

- An accounting format's credit mark, with " Dr" its debit mark ('#,##0.00" Cr";#,##0.00"
  Dr"'): the amount is a credit or a debit of the ledger, read as CR/DR written in a cell
  are (importer.ledger_marks: the import stops until --ledger sales|bank says which side
  is negative).
- India's crore (10⁷): "1.25 Cr" is ₹1,25,00,000.

The file decides, on the evidence of all of it (`FormatMarks`): a Dr beside the Cr (a
format's section or a cell's text "120.00 Dr" in a money column) makes them marks; a Cr
with no Dr beside rupees (₹, INR, Rs. in a format, a cell, a heading or a line above the
header) or lakh/crore words is the crore; otherwise --ledger (marks) or --amount-scale
(10000000 for crore, 1 for the amounts as written) settles it, and without either the
import stops before writing, naming the column and its cells. The formats are read by
cell_facts.format_currency (ShownAmount with `unit` "Cr", "Cr|Dr": a mark per section).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ..domain import money
from .errors import ImportRefused
from .ledger_marks import CREDIT, DEBIT, split_mark

CRORE = Decimal("1e7")
MARKS, CRORES, AS_WRITTEN = "marks", "crore", "as written"
# India in a heading or a line above the header: the rupee, its code and abbreviations,
# and the number words lakh and crore
_INDIA = re.compile(r"₹|\bINR\b|\bRs\.?(?![A-Za-z])|\brupees?\b|\blakhs?\b|\blacs?\b|\bcrores?\b", re.IGNORECASE)


def marks_of(value: object) -> str | None:
    """"CR" or "DR" for a number whose format shows that mark for it (its sign picks the
    format's section: positive, negative, zero), else None."""
    if not isinstance(value, money.ShownAmount) or value.scale is not None or not value.unit:
        return None
    sections = value.unit.split("|")
    if value < 0 and len(sections) > 1:
        mark = sections[1]
    elif value == 0 and len(sections) > 2:
        mark = sections[2]
    else:
        mark = sections[0]
    return {"cr": CREDIT, "dr": DEBIT}.get(mark.casefold())


def shown(value: money.ShownAmount) -> str:
    """The cell as Excel shows it: "1.25 Cr" (a second section shows a negative number
    without its minus)."""
    mark = marks_of(value)
    number = abs(Decimal(value)) if value < 0 and "|" in value.unit else Decimal(value)
    return f"{value.token}{number} {mark.capitalize()}" if mark else str(value)


class FormatMarks:
    """The scan's side: `add(values)` per data row, then `decide(...)`; `unmark(values)`
    then gives each row as the verdict reads it (both passes)."""

    def __init__(self, money_cols: dict[int, str]):
        self.money_cols = money_cols               # file column -> heading
        self.formats: dict[int, Counter] = {}     # column -> marks shown by formats
        self.examples: dict[int, dict[str, str]] = {}
        self.text_debits: list[str] = []          # "120.00 Dr" written in a money cell
        self.india: list[str] = []                # where rupees are seen
        self.verdict: dict[int, str] = {}

    @property
    def seen(self) -> bool:
        return bool(self.formats)

    def add(self, values: list) -> None:
        n = len(values)
        for c in self.money_cols:
            v = values[c] if c < n else None
            if isinstance(v, money.ShownAmount):
                if (mark := marks_of(v)) is not None:
                    self.formats.setdefault(c, Counter())[mark] += 1
                    self.examples.setdefault(c, {}).setdefault(mark, shown(v))
                if not self.india and ("INR" in v.locale_currencies or v.token in ("₹", "INR", "Rs", "Rs.")):
                    self.india.append(f"'{shown(v)}' in '{self.money_cols[c]}'")
            elif isinstance(v, str) and v:
                if len(self.text_debits) < 3 and (found := split_mark(v)) is not None and found[1] == DEBIT:
                    self.text_debits.append(v.strip())
                if not self.india and _INDIA.search(v):
                    self.india.append(f"'{v.strip()[:30]}' in '{self.money_cols[c]}'")

    def decide(self, headings: list[str], lines: list[str], ledger: str | None) -> list[dict]:
        """The verdict for each column whose formats show Cr (`self.verdict`), and the
        summary's lines. A column left undecided (no Dr, no rupees, no --ledger) is in
        `undecided()`, for `settle` once --amount-scale is known."""
        out: list[dict] = []
        if not self.formats:
            return out
        debits = [self.examples[c][DEBIT] for c in self.formats if DEBIT in self.formats[c]] + self.text_debits
        india = list(self.india)
        india += [f"the heading '{h}'" for h in headings if _INDIA.search(h or "")]
        india += [f"the line '{t}' above the header" for t in lines if _INDIA.search(t or "")]
        for c, counts in self.formats.items():
            heading = self.money_cols[c]
            crs = ", ".join(f"'{e}'" for e in self.examples[c].values())
            if debits:
                self.verdict[c] = MARKS
            elif india:
                self.verdict[c] = CRORES
                out.append({"what": f"'Cr' in the number format of '{heading}'",
                            "decided": f"crore: each number × 10,000,000 ({counts[CREDIT]} cell(s), such as {crs})",
                            "evidence": f"India's crore (10⁷): the file writes rupees or lakh/crore "
                                        f"({'; '.join(india[:2])}) and no 'Dr' beside the 'Cr' (a credit mark "
                                        "would have one); give --ledger sales|bank if 'Cr' marks credits"})
            elif ledger is not None:
                self.verdict[c] = MARKS
        return out

    def undecided(self) -> list[int]:
        return [c for c in self.formats if c not in self.verdict]

    def settle(self, name: str, given_scale: Decimal | None) -> list[dict]:
        """The columns nothing in the file decides: as written when --amount-scale is given
        (it then multiplies them), else ImportRefused naming the column, its cells and the
        options."""
        open_cols = self.undecided()
        if not open_cols:
            return []
        if given_scale is not None:
            for c in open_cols:
                self.verdict[c] = AS_WRITTEN
            return [{"what": f"'Cr' in the number format of '{self.money_cols[c]}'",
                     "decided": "no mark, no crore: the number as the cell holds it, times --amount-scale",
                     "evidence": "--amount-scale"} for c in open_cols]
        c = open_cols[0]
        heading = self.money_cols[c]
        crs = ", ".join(f"'{e}'" for e in self.examples[c].values())
        raise ImportRefused(
            f"{name}: column '{heading}' has cells whose number format shows 'Cr' ({crs}), and the file does "
            "not say what it is: India's crore (10,000,000; no rupee sign, INR, lakh or crore is written) or "
            "an accounting format's credit mark (no 'Dr' is written beside it). Nothing was imported. Give "
            f"--amount-scale 10000000 if '{heading}' is in crores (1.25 Cr is 12,500,000), --amount-scale 1 "
            "for the numbers as written, or --ledger sales|bank if 'Cr' marks credits.")

    def unmark(self, values: list) -> list:
        """The row with each Cr/Dr-formatted cell as the verdict reads it: a marked text
        ("99.90 Cr", for ledger_marks.signed), the number × 10⁷ (crore), or the number."""
        out = values
        n = len(values)
        for c, how in self.verdict.items():
            v = values[c] if c < n else None
            if marks_of(v) is None:
                continue
            if out is values:
                out = list(values)
            if how == MARKS:
                out[c] = shown(v)
            elif how == CRORES:
                out[c] = money.ShownAmount(str(Decimal(v)), v.token, v.locale_currencies, CRORE, "Cr")
            else:
                out[c] = money.ShownAmount(str(Decimal(v)), v.token, v.locale_currencies) if v.token else Decimal(v)
        return out

    def ledger_counts(self) -> dict[int, tuple[Counter, dict[str, str]]]:
        """The marks of the columns read as marks, for the ledger's evidence."""
        return {c: (self.formats[c], self.examples[c]) for c, how in self.verdict.items() if how == MARKS}
