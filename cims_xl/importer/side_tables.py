"""A second table beside the first, past an entirely empty column.

People keep a small lookup or summary to the right of their list ("Sales team | City"
in F:G beside the customers in A:D, a column E left empty between them). Read as one
table, its cells would be merged into the rows beside them: the first customer would get
the first team's city. So when a column is empty from the header row to the last row
(heading and every value) and has columns with headings or values on both sides, the
block right of it is weighed against the block on the left, over the whole file:

- another table, not read, when its rows do not line up with the left block's: a row
  filled on the right and empty on the left, a right block headed in another row than
  the table's header (its own header lower down), or a right block filled only in a run
  of the first rows and empty in the left block's later rows (a short lookup list);
- one table (a blank spacer column inside it), read as before, when the right block's
  rows are the left block's rows.

The summary says which columns were not read and why (`inference`); to import the other
table, move it to a sheet of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .table import column_letter, is_blank_cell


@dataclass
class Beside:
    """The columns of the table beside this one (blanked in every row read) and why."""

    gap: int                       # the empty column between the two blocks
    columns: frozenset[int]        # the other table's columns
    headers: list[str]
    why: str
    rows: int                      # rows holding a value of the other table
    left_rows: int
    example: str = ""
    _keep: int = field(default=0)

    def blank(self, values: list) -> list:
        if len(values) <= self.gap:
            return values
        return [None if i in self.columns else v for i, v in enumerate(values)]

    def blanked(self, rows: Iterable[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        for number, values in rows:
            yield number, self.blank(values)

    def inference(self) -> dict:
        letters = sorted(self.columns)
        span = column_letter(letters[0]) + (f":{column_letter(letters[-1])}" if len(letters) > 1 else "")
        shown = ", ".join(f"'{h}'" for h in self.headers[:5]) + (" …" if len(self.headers) > 5 else "")
        return {"what": "another table beside",
                "decided": f"columns {span}{' (' + shown + ')' if shown else ''} not read: another table",
                "evidence": f"column {column_letter(self.gap)} is empty from the header row to the last row, and "
                            f"the columns right of it {self.why}{self.example}. Only the table left of it was "
                            "imported; to import the other one, move it to a sheet of its own and import that"}


def _filled(values: list, cols: Iterable[int]) -> bool:
    return any(c < len(values) and not is_blank_cell(values[c]) for c in cols)


def candidate_gaps(header_values: list, window_rows: list[list]) -> list[int]:
    """Columns with no heading that have a heading on their left and a heading or a value
    of the first rows on their right, and no value in the first rows themselves: where a
    table beside may begin. Cheap: only the header row and the first rows are looked at."""
    width = max([len(header_values)] + [len(v) for v in window_rows])
    headed = [c for c, v in enumerate(header_values) if not is_blank_cell(v)]
    if not headed:
        return []
    used = {c for v in window_rows for c, x in enumerate(v) if not is_blank_cell(x)} | set(headed)
    out = []
    for c in range(headed[0] + 1, width):
        if c in used:
            continue
        if any(u > c for u in used):
            out.append(c)
    return out


def find(rows: Callable[[], Iterable[tuple[int, list]]], header_row: int, header_values: list,
         window_rows: list[list], names_field: Callable[[str], bool] | None = None) -> Beside | None:
    """The table beside this one, or None. `rows()` reads the sheet again from its top
    (only when the header row or the first rows show a column with nothing in it).
    `names_field(heading)`: does the heading name a field of the records imported."""
    gaps = candidate_gaps(header_values, window_rows)
    if not gaps:
        return None
    empty = set(gaps)
    per_row: list[tuple[int, list]] = []
    for number, values in rows():
        if number <= header_row:
            continue
        for c in list(empty):
            if c < len(values) and not is_blank_cell(values[c]):
                empty.discard(c)
        if any(not is_blank_cell(v) for v in values):
            per_row.append((number, values))
        if not empty:
            return None
    headed = [c for c, v in enumerate(header_values) if not is_blank_cell(v)]
    for gap in sorted(empty):
        left = [c for c in headed if c < gap]
        right_headed = [c for c in headed if c > gap]
        right = sorted({c for _, v in per_row for c, x in enumerate(v) if c > gap and not is_blank_cell(x)}
                       | set(right_headed))
        if not left or not right:
            continue
        found = _weigh(per_row, header_values, left, right, right_headed, names_field)
        if found is not None:
            why, example = found
            rows_l = sum(1 for _, v in per_row if _filled(v, left))
            rows_r = sum(1 for _, v in per_row if _filled(v, right))
            return Beside(gap, frozenset(range(gap + 1, max(right) + 1)),
                          [str(header_values[c]).strip() for c in right_headed], why, rows_r, rows_l, example)
        return None            # the first empty column with blocks on both sides decides
    return None


def _own_columns(per_row: list[tuple[int, list]], header_values: list, left: list[int], right: list[int],
                 right_headed: list[int], names_field: Callable[[str], bool] | None) -> bool:
    """Are the right block's columns the table's own, filled in some rows only ("Notes",
    "Phone" past a spacer column): each headed on the header row with a field's name that
    no left heading has, and not a lookup's rectangle (one column, or rows that fill only
    some of its columns)?"""
    if names_field is None or set(right) != set(right_headed):
        return False
    heads = [str(header_values[c]).strip() for c in right_headed]
    left_heads = {str(header_values[c]).strip().casefold() for c in left}
    if not all(names_field(h) for h in heads) or any(h.casefold() in left_heads for h in heads):
        return False
    filled = [v for _, v in per_row if _filled(v, right)]
    return len(right) == 1 or any(not all(c < len(v) and not is_blank_cell(v[c]) for c in right) for v in filled)


def _weigh(per_row: list[tuple[int, list]], header_values: list, left: list[int], right: list[int],
           right_headed: list[int], names_field: Callable[[str], bool] | None = None) -> tuple[str, str] | None:
    """(why the right block is another table, an example) or None when its rows line up."""
    rows_l = [n for n, v in per_row if _filled(v, left)]
    rows_r = [n for n, v in per_row if _filled(v, right)]
    if not rows_r:
        return None
    alone = [(n, v) for n, v in per_row if _filled(v, right) and not _filled(v, left)]
    # (a row of one table missing its left cells, beside every other row filled on both
    # sides, is no table of its own: only rows past the left block's end, or a right
    # block that leaves some of the left block's rows empty, say so)
    if alone and rows_l and set(rows_l) <= set(rows_r) and any(n < rows_l[-1] for n, _ in alone):
        alone = []
    if alone:
        n, v = alone[0]
        value = next(str(v[c]).strip() for c in right if c < len(v) and not is_blank_cell(v[c]))
        return "hold values in rows where the left block is empty", f" (row {n}: '{value[:40]}')"
    if not right_headed:
        return "have no heading in the header row (their own header, if any, is lower down)", ""
    set_l = set(rows_l)
    if set(rows_r) <= set_l and len(rows_r) < len(rows_l):
        # one run of the first rows, then nothing beside the left block's later rows
        index = [rows_l.index(n) for n in rows_r]
        if (index == list(range(len(rows_r))) and len(rows_l) - len(rows_r) >= 2
                and not _own_columns(per_row, header_values, left, right, right_headed, names_field)):
            return (f"are filled only in the first {len(rows_r)} of the {len(rows_l)} rows, then empty beside "
                    f"the rest (a list of their own, not values of those rows)"), ""
    return None
