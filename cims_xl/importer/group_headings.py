"""Reports grouped by customer: the name on a heading row above its lines (issue 14).

QuickBooks' "Sales by Customer Detail" (and "Sales by Customer Summary", Xero's and
Sage's "by contact" reports) write each customer's name alone on a row, in a first
column whose header cell is empty, then the customer's lines below it with that cell
empty, then "Total for <name>":

    ,Date,Transaction Type,Num,…,Amount
    Amy's Bird Sanctuary
    ,01/15/2024,Invoice,1001,…,225.00
    ,02/03/2024,Invoice,1005,…,100.00
    Total for Amy's Bird Sanctuary,,,,…,$325.00

Read row by row, the heading is a record with a name and nothing else and each line a
record with no name: every row is rejected, or worse, stored. `GroupHeadings` watches
the first pass; `decide` says whether the whole table has that layout (at least one
heading, every line below a heading, no row filling both the first column and others
but "Total for …" rows); then the heading rows are not records, and each heading's name
is carried down to its lines as the customer's name (run._scan, run._run), which the
summary says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .evidence import _TOTAL
from .shape import _TOTAL_ALONE
from .table import is_blank_cell

# a group's total beside its figures: "Total for Amy's", "Summe für Müller GmbH", "合计 华东"
_TOTAL_START = re.compile(rf"^\s*(?:grand\s+)?(?:{_TOTAL})(?:$|[\s:：=(（]|\d)", re.IGNORECASE)

EXAMPLES = 3


@dataclass
class GroupHeadings:
    """Evidence for the layout in the column `col` (0-based; its header cell is empty)."""

    col: int
    headings: dict[int, str] = field(default_factory=dict)   # row -> the name alone on it
    lines: int = 0              # rows with `col` empty and other cells filled
    orphans: int = 0            # such rows above every heading
    breaks: list[int] = field(default_factory=list)          # rows filling `col` and others, no total
    totals: int = 0

    def add(self, number: int, values: list) -> None:
        col = self.col
        n = len(values)
        own = values[col] if col < n else None
        mine = own is not None and not is_blank_cell(own)
        others = any(not is_blank_cell(v) for c, v in enumerate(values) if c != col)
        if mine and not others:
            if isinstance(own, str) and not _TOTAL_ALONE.match(own) and not _TOTAL_START.match(own) \
                    and len(own) <= 120:
                self.headings[number] = " ".join(own.split())
        elif others and not mine:
            self.lines += 1
            if not self.headings:
                self.orphans += 1
        elif mine and others:
            if isinstance(own, str) and (_TOTAL_ALONE.match(own) or _TOTAL_START.match(own)):
                self.totals += 1
            elif len(self.breaks) < EXAMPLES:
                self.breaks.append(number)

    def decide(self, not_data: set[int]) -> dict[int, str] | None:
        """The heading rows ({row: name}) when the table has the layout, rows in
        `not_data` (footers found at the end) left out; None otherwise."""
        headings = {n: t for n, t in self.headings.items() if n not in not_data}
        if not headings or not self.lines or self.orphans or self.breaks:
            return None
        if len(headings) < 2 and not self.totals:
            return None         # one stray line of text above the table is no grouping
        return headings


def carried(values: list, col: int, name: str | None) -> list:
    """A line's values with the current heading's `name` in the empty cell `col`."""
    if name is None:
        return values
    if col < len(values) and not is_blank_cell(values[col]):
        return values
    out = list(values) + [""] * (col + 1 - len(values))
    out[col] = name
    return out


def inference(headings: dict[int, str], lines: int, header: str, field_label: str) -> dict:
    """The summary's line: how many headings were carried down to how many lines, as which field."""
    shown = "; ".join(f"row {n} '{t}'" for n, t in list(headings.items())[:EXAMPLES]) + (
        " …" if len(headings) > EXAMPLES else "")
    return {"what": "group headings",
            "decided": f"{len(headings)} heading row(s) carried down to the {lines} line(s) below them as "
                       f"{field_label} ('{header}'); the heading rows are not records",
            "evidence": f"{shown}: a name alone in the first column, whose header is empty, the lines below "
                        "it with that cell empty, 'Total for …' rows closing the groups: a report grouped by "
                        "customer (such as QuickBooks' Sales by Customer Detail)"}
