"""A header in two rows: group headings over the columns' own headings.

    Company                      | Contact
    Name      | Phone    | City  | Name    | Email       | Phone
    Acme GmbH | +49 30 … | Berlin| Anna S. | anna@acme.de| +49 171 …

The top row's group cells are merged across their columns in a workbook ("Company"
over A1:C1), or, in a CSV or a sheet without merges, each is a filled cell followed by
blank ones (`Company,,,Contact,,`). The row below names every column under each group
with a heading (no cell shaped as data: `header_evidence.value_shape` None), most of
them headings of the kind's fields. The columns are then read as "Company - Name",
"Contact - Email"… (mapping.segment_hit picks the field from the parts) and the data
starts below the second row.

A group heading that names a field itself ("Company", "Contact") must not make the
group's cells be read as parts of one value (table.MergeFiller joins the cells under a
header cell merged across columns: "Name" over first and last name). When the row below
such a group looks like headings but the two rows cannot be read as one header,
`refuse_unreadable` stops the import naming both rows.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .errors import ImportRefused
from .header_evidence import value_shape
from .table import MAX_HEADER_TEXT, header_text, is_blank_cell

Merged = Iterable[tuple[tuple[int, int], tuple[int, int]]]
_NUMBER = re.compile(r"^[-−+]?[\d.,\s]+$")


def _heading(value: object) -> bool:
    """Whether a cell reads as a heading: text, not too long, not shaped as data."""
    return (isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_HEADER_TEXT
            and value_shape(value) is None and not _NUMBER.match(value))


def _merged_groups(number: int, merged: list) -> list[tuple[int, int]]:
    """Column spans (0-based, inclusive) of the cells merged across columns within the
    one sheet row `number` (1-based)."""
    return sorted((c0, c1) for (r0, c0), (r1, c1) in merged if r0 == number - 1 and r1 == r0 and c1 > c0)


def _blank_run_groups(top: list, width: int) -> list[tuple[int, int]] | None:
    """Spans of a row without merges whose filled cells each start a run of blanks
    (`Company,,,Contact,,` over six columns): each filled cell's group reaches to the
    next filled cell, the last one to `width`. None unless there are at least two
    filled cells and each is followed by at least one blank."""
    filled = [c for c, v in enumerate(top) if not is_blank_cell(v)]
    if len(filled) < 2:
        return None
    spans = [(c, (filled[k + 1] if k + 1 < len(filled) else width) - 1) for k, c in enumerate(filled)]
    if any(c1 <= c0 for c0, c1 in spans):
        return None
    return spans


def grouped_header(rows: list[tuple[int, list]], j: int, merged: Merged,
                   names_field: Callable[[str], bool], infer: bool = True,
                   below_is_header: bool = False) -> tuple[int, list] | None:
    """(row number of the second header row, header values) when `rows[j]` holds group
    headings over the row right below it, which names the columns (see the module's
    docstring); None otherwise.

    Groups are the top row's cells merged across columns; with none merged in that row
    and `infer`, each filled cell followed by blanks up to the next one. Every column
    under a group must be named in the row below; a column outside the groups is named
    by the row below only where the top cell is blank (or merged down over both rows),
    and keeps the top cell's heading otherwise. At least two cells of the row below, and
    more than half of them, must be headings of the kind's fields (`names_field`); two
    are enough when the row below was found to be the header by its own field names
    (`below_is_header`: "名称, 城市, 地址, 姓名…" under merged "公司", "联系人")."""
    if j + 1 >= len(rows):
        return None
    number, top = rows[j]
    below_number, below = rows[j + 1]
    if below_number != number + 1:
        return None
    merged = list(merged)
    width = max(len(top), len(below))
    spans = _merged_groups(number, merged)
    if not spans:
        if not infer or any(r0 == number - 1 and (r1 > r0 or c1 > c0) for (r0, c0), (r1, c1) in merged):
            return None
        spans = _blank_run_groups(top, width)
        if spans is None:
            return None
    under = {c for c0, c1 in spans for c in range(c0, c1 + 1)}
    down = {c0 for (r0, c0), (r1, c1) in merged if r0 == number - 1 and r1 >= number and c0 == c1}
    filled = [(c, v) for c, v in enumerate(below) if not is_blank_cell(v)]
    if len(filled) < 2 or not all(_heading(v) for _, v in filled):
        return None
    if any(c >= len(below) or is_blank_cell(below[c]) for c in under):
        return None                       # a group with a column the row below leaves unnamed
    for c, v in filled:
        if c not in under and c < len(top) and not is_blank_cell(top[c]) and c not in down:
            return None                   # a single-level heading with something under it
    if any(not _heading(top[c0]) for c0, _ in spans if c0 < len(top) and not is_blank_cell(top[c0])):
        return None
    fields = sum(1 for _, v in filled if names_field(header_text(v)))
    if fields < 2 or (fields * 2 <= len(filled) and not below_is_header):
        return None
    values: list = list(top) + [""] * max(0, width - len(top))
    for c0, c1 in spans:
        group = header_text(values[c0]) if not is_blank_cell(values[c0]) else ""
        for c in range(c0, c1 + 1):
            sub = header_text(below[c])
            values[c] = f"{group} - {sub}" if group else sub
    for c, v in filled:
        if c not in under:
            values[c] = v
    return below_number, values


def refuse_unreadable(file: str, rows: list[tuple[int, list]], i: int, merged: Merged,
                      names_field: Callable[[str], bool]) -> None:
    """Raise ImportRefused when the header `rows[i]` has group headings that name a field
    ("Company" merged over A1:C1, or a CSV's `Company,,,Contact,,`) and the row right
    below reads as headings (at least two, none shaped as data, at least one naming a
    field: "Name", "Ort", "Strasse"), yet the two rows were not read as one header
    (`grouped_header`): reading on would join each group's headings, then its values,
    into one value, or store the second header row as a record. Returns None otherwise."""
    if i + 1 >= len(rows):
        return
    number, top = rows[i]
    below_number, below = rows[i + 1]
    if below_number != number + 1:
        return
    merged = list(merged)
    spans = _merged_groups(number, merged)
    if not spans and not any(r0 == number - 1 for (r0, _), _ in merged):
        spans = _blank_run_groups(top, max(len(top), len(below))) or []
    named = [c0 for c0, _ in spans if c0 < len(top) and not is_blank_cell(top[c0])]
    if not any(names_field(header_text(top[c0])) for c0 in named):
        return
    filled = [v for v in below if not is_blank_cell(v)]
    if len(filled) < 2 or not all(_heading(v) for v in filled):
        return
    if not any(names_field(header_text(v)) for v in filled):
        return
    groups = ", ".join(f"'{header_text(top[c0])}'" for c0 in named)
    shown = ", ".join(f"'{header_text(v)}'" for v in filled[:6]) + (" …" if len(filled) > 6 else "")
    raise ImportRefused(
        f"{file}: rows {number} and {below_number} look like a header in two rows (groups {groups} over "
        f"{shown}), but they cannot be read as one: row {below_number} must name every column under a group, "
        "most of them with field headings. Nothing was imported. Make one header row (e.g. 'Company Name', "
        "'Contact Email') or name every column in the second row, and import that.")
