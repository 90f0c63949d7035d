"""Find the table inside a sheet: skip titles and instructions, find the header row,
unmerge merged cells, drop blank rows and unused columns.

Works on a stream of rows: only the first `HEADER_WINDOW` non-blank rows are held to
find the header; everything after it flows through.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..domain.invisible import name_without_format
from ..domain.normalize import is_blank
from .errors import ImportRefused
from .limits import MAX_MERGED_CELLS

HEADER_WINDOW = 30
MAX_HEADER_TEXT = 200


# A cell is blank exactly when the shared normaliser says so.
is_blank_cell = is_blank


def column_letter(index: int) -> str:
    s, i = "", index + 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Table:
    """Where the table is: its header row and the names of its columns."""

    header_row: int                         # 1-based row number of the header
    headers: list[str]                      # one per column kept (unique)
    columns: list[int]                      # source column index of each header
    skipped_above: int = 0                  # title/instruction/blank rows above the header
    notes: list[str] = field(default_factory=list)


def header_text(value: object) -> str:
    text = value if isinstance(value, str) else _plain(value)
    text = unicodedata.normalize("NFKC", text)
    # a BOM, a direction mark, a zero-width space or a soft hyphen in a heading is no
    # part of its words ("Name" + ZWSP is Name); the joiners a script needs stay
    text = " ".join(name_without_format(text).split())
    return text[:MAX_HEADER_TEXT]


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def find_header(rows: list[tuple[int, list]], score: Callable[[list[str]], int]) -> int:
    """Index (into `rows`) of the header row among the first non-blank rows.

    A header has at least two filled cells (one when the sheet has a single column),
    all of them text, mostly distinct, covering a good part of the table's width; a
    title or instruction row (one filled cell, maybe merged across) does not qualify.
    Among the qualifying rows the one whose cells name the most known fields wins;
    with no known names, the first qualifying row.
    """
    if not rows:
        raise ImportRefused("the sheet has no rows with data")
    filled = [[v for v in values if not is_blank_cell(v)] for _, values in rows]
    widest = max(len(f) for f in filled)
    scored: list[tuple[int, int]] = []
    for i, cells in enumerate(filled):
        if not cells:
            continue
        if widest > 1 and len(cells) < 2:
            continue
        if len(cells) < max(1, widest * 0.5):
            continue
        texts = [c for c in cells if isinstance(c, str)]
        if len(texts) < len(cells) * 0.8:
            continue
        names = [header_text(c).casefold() for c in texts]
        if len(set(names)) < len(names) * 0.8:
            continue
        if any(len(c) > MAX_HEADER_TEXT for c in texts):
            continue
        if any(looks_like_value(c) for c in texts):
            continue                  # an email address or a phone number: a data row
        scored.append((i, score([header_text(c) for c in texts])))
    best = None
    if scored:
        # The earliest row that names at least half as many known fields as the best
        # one: the header comes before the data, whose values may look like names too.
        top = max(k for _, k in scored)
        best = next(i for i, k in scored if k >= (top + 1) // 2)
        best = _header_above_data(rows, scored, best)
        best = _header_below_parameters(rows, scored, best)
    if best is None:
        # no row looks like a header: take the first non-blank row and let mapping say so
        best = next(i for i, f in enumerate(filled) if f)
    return best


_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BARE_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?$")
VALUE_DIGITS = 7      # a cell with this many digits is a phone number, an id or a timestamp


def looks_like_value(text: str) -> bool:
    """Is this cell a value rather than a column's name: an email address, or text of
    VALUE_DIGITS digits or more and hardly a letter (a phone number, a date with a time;
    "Mobile (e.g. 13800138000)" in a template's header is words)? Headers name
    columns with words ("Phone 1 - Value", "Sales 2024") or, in a pivot table, with a
    bare date ("2024-01-31"), not with such values."""
    t = text.strip()
    if _EMAIL_VALUE.match(t):
        return True
    return (sum(ch.isdigit() for ch in t) >= VALUE_DIGITS and sum(ch.isalpha() for ch in t) <= 3
            and not _BARE_DATE.match(t))


def _filled_columns(values: list) -> frozenset[int]:
    return frozenset(c for c, v in enumerate(values) if not is_blank_cell(v))


def _header_above_data(rows: list[tuple[int, list]], scored: list[tuple[int, int]], best: int) -> int:
    """The header chosen by its known names (`best`), unless an earlier row that could be
    a header stands above rows shaped like the data: then `best` is a data row whose
    cells happen to be field names (a Label column holding "Customer"), and the earlier
    row is the table's header. Rows "shaped like the data" fill at least half of the
    earlier row's columns, within them; titles and notes above a header do not."""
    first = scored[0][0]
    if first >= best or dict(scored)[best] > 2:
        return best                     # three known names or more: a real header
    head = _filled_columns(rows[first][1])
    between = [_filled_columns(values) for _, values in rows[first + 1:best]]
    between = [cols for cols in between if cols]
    if not between or not all(cols <= head and len(cols) * 2 >= len(head) for cols in between):
        return best
    if not _filled_columns(rows[best][1]) <= head:
        return best
    return first


def _header_below_parameters(rows: list[tuple[int, list]], scored: list[tuple[int, int]], best: int) -> int:
    """The header chosen so far (`best`), unless a later row after a blank line names
    more known fields: a report's parameter block ("Customer | Region | Period" over
    "All customers | North | Q3 2024") stands above the real table. That later row wins
    when the rows under it hold values only data has (an email address, a phone number)
    and the rows between do not; when they do not say which, the import stops naming
    both rows (ImportRefused) rather than store values under the wrong header."""
    known = dict(scored)
    for j, k in scored:
        if j <= best or k <= known[best]:
            continue
        if rows[j][0] <= rows[j - 1][0] + 1:
            continue                    # no blank line above it: part of the same block
        below = rows[j + 1:]
        between = rows[best + 1:j]

        def valued(block: list[tuple[int, list]]) -> bool:
            return any(isinstance(v, str) and looks_like_value(v) for _, values in block for v in values)

        if valued(below) and not valued(between):
            return j
        wider = any(len(_filled_columns(values)) > len(_filled_columns(rows[best][1])) for _, values in below)
        if wider:
            raise ImportRefused(
                f"two rows could be the header: row {rows[best][0]} and row {rows[j][0]}, "
                f"which names more known fields; remove the rows above the table's header "
                f"and import again")
    return best


def two_row_header(rows: list[tuple[int, list]], i: int,
                   merged: Iterable[tuple[tuple[int, int], tuple[int, int]]]) -> tuple[int, list] | None:
    """(row number, header values) when the header at `rows[i]` goes on in the row
    below it: a header cell merged across several columns ("Phone" over C:D) with the
    row below naming each of them ("Work", "Mobile"), and nothing else in that row.
    The headers then read "Phone - Work", "Phone - Mobile" (mapping.segment_hit: the
    sub-header's own field wins, "地址 - 省份" is the province); the data starts below
    the second row. None for a one-row header. (Group cells over a row of field
    headings without merges down, "Contact" over Email and Phone: importer.group_header.)"""
    if i + 1 >= len(rows):
        return None
    number, top = rows[i]
    below_number, below = rows[i + 1]
    if below_number != number + 1:
        return None
    merged = list(merged)
    spans = [(c0, c1) for (r0, c0), (r1, c1) in merged if r0 == number - 1 and c1 > c0 and r1 == r0]
    # ... and the header's single-level cells merged down over both rows (A1:A2): a first
    # data row that happens to fill only the merged columns is not taken for a header.
    # ... and the header's single-level cells merged down over both rows (A1:A2): a first
    # data row that happens to fill only the merged columns is not taken for a header.
    if not spans or not any(r0 == number - 1 and r1 == number and c0 == c1 for (r0, c0), (r1, c1) in merged):
        return None
    filled = [(c, v) for c, v in enumerate(below) if not is_blank_cell(v)]
    if not filled or not all(isinstance(v, str) and any(c0 <= c <= c1 for c0, c1 in spans) for c, v in filled):
        return None
    values = list(top) + [""] * max(0, len(below) - len(top))
    for c0, c1 in spans:
        group = header_text(values[c0]) if c0 < len(values) and not is_blank_cell(values[c0]) else ""
        for c in range(c0, c1 + 1):
            sub = header_text(below[c]) if c < len(below) and not is_blank_cell(below[c]) else ""
            values[c] = " - ".join(t for t in (group, sub) if t) if sub else (group if c == c0 else "")
    return below_number, values


# A units row's cell: a short word in brackets ("(EUR)", "[kg]", "（元）", "(yyyy-mm-dd)").
# No digits: "(1,234.00)" is an accounting negative, not a unit.
_UNIT = re.compile(r"^\s*[(\[（【]\s*(?P<unit>[^()\[\]（）【】\d]{1,20}?)\s*[)\]）】]\s*$")


def units_row(rows: list[tuple[int, list]], i: int) -> tuple[int, list] | None:
    """(row number, header values) when the row right below the header at `rows[i]`
    gives the columns' units: every filled cell a short bracketed word under a filled
    header ("(EUR)", "(yyyy-mm-dd)", "[kg]"), at least one of them naming a currency
    (domain.money). A unit naming a currency joins its header ("Amount (EUR)", whose
    amounts are then in EUR: importer.header_currency); the others are left out. The
    data starts below the units row. None otherwise."""
    from ..domain.money import currency_candidates
    from .amount_units import read_unit

    if i + 1 >= len(rows):
        return None
    number, top = rows[i]
    below_number, below = rows[i + 1]
    if below_number != number + 1:
        return None
    filled = [(c, v) for c, v in enumerate(below) if not is_blank_cell(v)]
    if not filled or not all(isinstance(v, str) and _UNIT.match(v) and c < len(top) and not is_blank_cell(top[c])
                             for c, v in filled):
        return None
    values = list(top)
    money = False
    for c, v in filled:
        unit = _UNIT.match(v).group("unit")
        if currency_candidates(unit) or ((said := read_unit(unit)) is not None and said.codes):
            # "(EUR)", or a currency with a scale: "(万元)", "(USD thousands)" (amount_units)
            values[c] = f"{header_text(top[c])} ({unit})"
            money = True
    return (below_number, values) if money else None


def build_table(header_row: int, header_values: list, skipped_above: int) -> Table:
    headers: list[str] = []
    columns: list[int] = []
    seen: dict[str, int] = {}
    for col, value in enumerate(header_values):
        if is_blank_cell(value):
            continue
        name = header_text(value)
        key = name.casefold()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(name)
        columns.append(col)
    return Table(header_row, headers, columns, skipped_above)


class MergeFiller:
    """Copies a merged range's value into every cell of the range, for data rows."""

    def __init__(self, merged: Iterable[tuple[tuple[int, int], tuple[int, int]]], header_row0: int):
        # row0 (0-based) -> list of (col0, col1, top_row0, left_col0)
        self._by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        self._wanted: set[tuple[int, int]] = set()
        self._values: dict[tuple[int, int], object] = {}
        # ranges merged down over several data rows: (first row0, last row0, col0, col1)
        self.down: list[tuple[int, int, int, int]] = []
        # columns whose merged-down value stays on its first row only (an amount or a
        # quantity merged over an order's lines belongs to the order, once: `keep_first`)
        self._first_only: frozenset[int] = frozenset()
        # row0 -> its values as filled, for the rows under a merged-down range (`keep_rows`)
        self.kept: dict[int, list] | None = None
        # A header cell merged across columns (one row, no second header row under it):
        # the cells under it are parts of one value ("Name" over first and last name).
        merged = list(merged)
        self._joins = [(c0, c1) for (r0, c0), (r1, c1) in merged
                       if r0 == header_row0 and r1 == header_row0 and c1 > c0][:1000]
        count = cells = 0
        for (r0, c0), (r1, c1) in merged:
            if r1 <= header_row0:
                continue                       # titles and the header itself
            count += 1
            if count > 200_000:
                break
            top = max(r0, header_row0 + 1)
            cells += (r1 + 1 - top) * (c1 + 1 - c0)
            if cells > MAX_MERGED_CELLS:       # filling them would take memory and time without end
                raise ImportRefused(f"the sheet's merged cells cover more than {MAX_MERGED_CELLS:,} cells "
                                    "below the header; unmerge them in Excel and save it again. "
                                    "Nothing was imported")
            self._wanted.add((r0, c0))
            if r1 > top:
                self.down.append((top, r1, c0, c1))
            for r in range(top, r1 + 1):
                self._by_row.setdefault(r, []).append((c0, c1, r0, c0))

    def __bool__(self) -> bool:
        return bool(self._by_row) or bool(self._joins) or bool(getattr(self, "down_columns", None))

    def fill_down(self, columns) -> "MergeFiller":
        """Columns (0-based sheet columns) whose blank cells take the value above them
        (--fill-down: a report writing a group's label once; importer.fill_down)."""
        self.down_columns = frozenset(columns)
        self._above: dict[int, object] = {}
        self.filled_down: dict[int, int] = {}
        return self

    def keep_first(self, columns) -> "MergeFiller":
        """Columns (0-based sheet columns) whose merged-down value is not copied to the
        rows below the first: amounts and quantities (a merged total is the group's, once)."""
        self._first_only = frozenset(columns)
        return self

    def keep_rows(self) -> "MergeFiller":
        """Keep each filled row under a merged-down range (`kept`), for the scan."""
        if self.down:
            self.kept = {}
        return self

    def fill(self, row0: int, values: list) -> list:
        for c0, c1, tr, tc in self._by_row.get(row0, ()):
            if (tr, tc) == (row0, c0):
                if c0 < len(values):
                    self._values[(tr, tc)] = values[c0]
                else:
                    self._values[(tr, tc)] = ""
            source = self._values.get((tr, tc), "")
            if len(values) <= c1:
                values = values + [""] * (c1 + 1 - len(values))
            if row0 != tr and c0 in self._first_only:
                continue
            for c in range(c0, c1 + 1):
                if (row0, c) != (tr, tc) and is_blank_cell(values[c]):
                    values[c] = source
        for c0, c1 in self._joins:
            parts = [v for v in values[c0:c1 + 1] if not is_blank_cell(v)]
            if len(parts) > 1:
                values = list(values)
                values[c0] = " ".join(v.strip() if isinstance(v, str) else _plain(v) for v in parts)
                for c in range(c0 + 1, min(c1 + 1, len(values))):
                    values[c] = ""
        if getattr(self, "down_columns", None) and any(not is_blank_cell(v) for v in values):
            for c in self.down_columns:
                if c < len(values) and not is_blank_cell(values[c]):
                    self._above[c] = values[c]
                elif c in self._above:
                    if c >= len(values):
                        values = values + [""] * (c + 1 - len(values))
                    values[c] = self._above[c]
                    self.filled_down[c] = self.filled_down.get(c, 0) + 1
        if self.kept is not None and row0 in self._by_row:
            self.kept[row0] = list(values)
        return values


def data_rows(rows: Iterator[tuple[int, list]], header_row: int, filler: MergeFiller | None,
              stats: dict | None = None) -> Iterator[tuple[int, list]]:
    """Rows below the header with merged ranges filled in; blank rows are dropped
    (and counted in stats["blank"] when a dict is given)."""
    for number, values in rows:
        if number <= header_row:
            continue
        if filler:
            values = filler.fill(number - 1, list(values))
        for v in values:
            if not is_blank_cell(v):
                yield number, values
                break
        else:
            if stats is not None:
                stats["blank"] = stats.get("blank", 0) + 1


def with_extra_columns(table: Table, used: set[int]) -> Table:
    """Add the columns that have data but no header, named after their letter."""
    extra = sorted(c for c in used if c not in set(table.columns))
    if not extra:
        return table
    pairs = list(zip(table.columns, table.headers))
    taken = {h.casefold() for h in table.headers}
    for c in extra:
        name = f"Column {column_letter(c)}"
        while name.casefold() in taken:
            name += "'"
        taken.add(name.casefold())
        pairs.append((c, name))
    pairs.sort()
    return Table(table.header_row, [h for _, h in pairs], [c for c, _ in pairs],
                 table.skipped_above, table.notes)
