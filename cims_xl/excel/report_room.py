"""Room for a report table that grows or shrinks, without writing over the user's cells.

A report sheet's tables stand side by side (one band each) from the same header row and
end where their data does. What the user keeps below them (a note, a formula, a total of
their own) must never be overwritten by a rebuild with more rows, so before anything is
written:

- when the lowest table ends lower than before and the user has cells under the old
  lowest end, whole sheet rows are inserted under it, as Excel's Insert Sheet Rows does
  (`row_shift`): those cells, and formulas on any sheet pointing at them, move down;
- when it ends higher and the rows freed hold nothing of the user's, they are deleted
  (Delete Sheet Rows), so the user's cells below move up with the report;
- a user cell that would still lie in a table's new area (below a short table but above
  a longer one's end, or beside a table that gains a column) stops the rebuild before
  anything is written, naming the cells and what to do (`ReportCellsInTheWay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from openpyxl.utils import get_column_letter

from ..errors import CimsError
from .row_shift import Change

Box = tuple[int, int, int, int]         # c1, r1, c2, r2 (1-based, inclusive)


class ReportCellsInTheWay(CimsError):
    """A report rebuild would write over the user's cells; nothing was written (the
    exit code of Refresh refusing to overwrite unsaved rows)."""

    exit_code = 12


@dataclass(frozen=True)
class Room:
    sheet: str
    change: Change | None
    in_the_way: tuple[str, ...]         # A1 coordinates (where they are now)
    bottom: int                         # the lowest row the rebuilt tables reach


def plan_room(sheet: str, old_tables: Iterable[Box], new_tables: Sequence[Box],
              cells: Iterable[tuple[int, int]]) -> Room:
    """`old_tables`: the report tables' areas on the sheet now (cleared by the rebuild);
    `new_tables`: where the rebuild writes them (header row to totals row); `cells`: the
    sheet's non-empty cells. Only cells from the tables' header row down count: what is
    above (titles, filters, charts) does not move with a table's length."""
    old = list(old_tables)
    if not new_tables:
        return Room(sheet, None, (), 0)
    top = min(b[1] for b in new_tables)
    new_bottom = max(b[3] for b in new_tables)

    def inside(r: int, c: int, boxes: Iterable[Box]) -> bool:
        return any(c1 <= c <= c2 and r1 <= r <= r2 for c1, r1, c2, r2 in boxes)

    mine = sorted((r, c) for r, c in cells if r >= top and not inside(r, c, old))
    change = None
    old_bottom = max((b[3] for b in old if b[1] <= top <= b[3] or b[1] == top), default=None)
    if old_bottom is not None and any(r > old_bottom for r, _ in mine):
        if new_bottom > old_bottom:
            change = Change(old_bottom + 1, new_bottom - old_bottom)
        elif new_bottom < old_bottom and not any(new_bottom < r <= old_bottom for r, _ in mine):
            change = Change(new_bottom + 1, new_bottom - old_bottom)
    way = []
    for r, c in mine:
        nr = change.row(r) if change is not None else r
        if nr is not None and inside(nr, c, new_tables):
            way.append(f"{get_column_letter(c)}{r}")
    return Room(sheet, change, tuple(way), new_bottom)


def refuse_if_in_the_way(rooms: Iterable[Room]) -> None:
    """Raise ReportCellsInTheWay naming every sheet's cells a rebuild would overwrite."""
    parts = []
    for room in rooms:
        if room.in_the_way:
            shown = ", ".join(room.in_the_way[:8]) + (f" and {len(room.in_the_way) - 8} more"
                                                      if len(room.in_the_way) > 8 else "")
            parts.append(f"{room.sheet!r} {shown}")
    if parts:
        raise ReportCellsInTheWay(
            "the reports were not refreshed: their tables now need rows or columns where you have "
            f"cells of your own ({'; '.join(parts)}). Nothing was changed. Move those cells below the "
            "lowest report table or into an empty column between the tables, then refresh the reports again.")


def table_boxes(refs: Mapping[str, str], names: Iterable[str]) -> list[Box]:
    """The areas of the report tables named `names` among a sheet's tables {name: ref}."""
    from openpyxl.utils.cell import range_boundaries

    out = []
    for name in names:
        ref = refs.get(name)
        if ref:
            out.append(tuple(range_boundaries(ref)))
    return out
