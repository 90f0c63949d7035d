"""Rows struck through: the hand-kept sheet's mark for a cancelled order or a customer who left.

A person keeping orders or customers in a spreadsheet often strikes a row through
instead of deleting it (Ctrl+5 in Excel): the row is kept for the record, and it means
"no longer so". calamine gives the values only, so such a row was imported like any
other (a cancelled order stored Completed). The sheet's formatting says it:
- .xlsx: a cell whose cellXfs xf names (fontId) a font holding <strike/> (ECMA-376
  Part 1, 18.8.44 strike, 18.8.22 font, 18.8.45 xf): cell_facts.struck_styles;
- .xls: a cell whose XF record names a FONT record with fStrikeout ([MS-XLS] 2.4.122
  Font): xls_facts;
- .ods: a cell whose style has style:text-line-through-style other than none
  (OpenDocument 1.2 Part 1, 20.380): ods_facts.

A row is struck through when every filled cell of the table's columns is struck (the
way Excel strikes a selected row); a row with a struck cell or two among plain ones is
not (a corrected value, a note): the summary names those rows, nothing is decided from
them. What a struck row means cannot be told from the file (cancelled, left, paid off,
or just done): the import stops before writing, naming the rows and `--struck`:
skip = left out, counted in the summary as struck through; keep = imported like the
others, and the summary says so.
"""

from __future__ import annotations

from .errors import ImportRefused
from .table import is_blank_cell

CHOICES = ("skip", "keep")
SHOWN = 10


def check_choice(value: str | None) -> str | None:
    if value is None:
        return None
    choice = str(value).strip().lower()
    if choice not in CHOICES:
        raise ImportRefused(f"--struck: '{value}' is not one of {', '.join(CHOICES)}")
    return choice


def _rows(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:SHOWN]) + (", …" if len(numbers) > SHOWN else "")


class StruckRows:
    """Fed each data row of the first pass; says which rows are struck through."""

    def __init__(self, struck: dict[int, set[int]], columns: list[int], choice: str | None):
        self.struck = struck
        self.columns = columns
        self.choice = choice
        self.rows: list[int] = []          # every filled cell struck
        self.partly: list[int] = []        # some filled cells struck, not all

    @property
    def active(self) -> bool:
        return bool(self.struck)

    def skip(self, number: int, values: list) -> bool:
        """Whether row `number` is struck through and to be left out (--struck skip)."""
        cols = self.struck.get(number)
        if not cols:
            return False
        filled = {c for c in self.columns if c < len(values) and not is_blank_cell(values[c])}
        if not filled or not cols & filled:
            return False
        if filled <= cols:
            self.rows.append(number)
            return self.choice == "skip"
        self.partly.append(number)
        return False

    def decide(self, where: str) -> list[dict]:
        """The summary's lines; stops the import (before anything is written) when rows
        are struck through and --struck was not given."""
        out: list[dict] = []
        if self.rows and self.choice is None:
            raise ImportRefused(
                f"{where}: {len(self.rows):,} row(s) are struck through (every filled cell's font has "
                f"strikethrough): row(s) {_rows(self.rows)}. In a hand-kept sheet that often marks a cancelled "
                "order or a customer who left, but the file cannot say. Say what they are with --struck skip "
                "(leave them out; counted as struck through) or --struck keep (import them like the others). "
                "Nothing was imported.")
        if self.rows and self.choice == "skip":
            out.append({"what": "struck-through rows", "decided": f"{len(self.rows):,} row(s) skipped (struck "
                        f"through): {_rows(self.rows)}", "evidence": "every filled cell of these rows has "
                        "strikethrough; --struck skip leaves them out"})
        elif self.rows:
            out.append({"what": "struck-through rows", "decided": f"{len(self.rows):,} row(s) imported though "
                        f"struck through: {_rows(self.rows)}", "evidence": "every filled cell of these rows has "
                        "strikethrough; --struck keep imports them like the others"})
        if self.partly:
            out.append({"what": "struck-through cells", "decided": f"row(s) {_rows(self.partly)} imported as "
                        "written: some of their cells have strikethrough, not the whole row",
                        "evidence": "a struck cell among plain ones is not a struck row (a corrected value?); "
                        "check those values"})
        return out
