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
              cells: Iterable[tuple[int, int]], drawn: Iterable[tuple[int, int]] = ()) -> Room:
    """`old_tables`: the report tables' areas on the sheet now (cleared by the rebuild);
    `new_tables`: where the rebuild writes them (header row to totals row); `cells`: the
    sheet's non-empty cells; `drawn`: the top-left cells of the user's pictures, shapes and
    charts (they float over cells: they move with the rows as cells do, but never stop a
    rebuild). Only cells from the tables' header row down count: what is
    above (titles, filters, charts) does not move with a table's length."""
    old = list(old_tables)
    if not new_tables:
        return Room(sheet, None, (), 0)
    top = min(b[1] for b in new_tables)
    new_bottom = max(b[3] for b in new_tables)

    def inside(r: int, c: int, boxes: Iterable[Box]) -> bool:
        return any(c1 <= c <= c2 and r1 <= r <= r2 for c1, r1, c2, r2 in boxes)

    mine = sorted((r, c) for r, c in cells if r >= top and not inside(r, c, old))
    floating = [(r, c) for r, c in drawn if r >= top and not inside(r, c, old)]
    change = None
    old_bottom = max((b[3] for b in old if b[1] <= top <= b[3] or b[1] == top), default=None)
    if old_bottom is not None and any(r > old_bottom for r, _ in mine + floating):
        if new_bottom > old_bottom:
            change = Change(old_bottom + 1, new_bottom - old_bottom)
        elif new_bottom < old_bottom and not any(new_bottom < r <= old_bottom for r, _ in mine + floating):
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


# (c1, c2, old totals row, new totals row) of one report table on a sheet
TotalMove = tuple[int, int, int, int]


def total_moves(old: Mapping[str, Box], new: Mapping[str, Box]) -> list[TotalMove]:
    """Where each report table's Total row goes in the rebuild ({name: box} before and
    after): the rows a formula pointing at a total must follow."""
    out = []
    for name, (c1, _r1, c2, r2) in old.items():
        box = new.get(name)
        if box is not None and box[3] != r2:
            out.append((max(c1, box[0]), min(c2, box[2]), r2, box[3]))
    return out


def move_total_refs(wb, sheet: str, moves: Sequence[TotalMove]) -> None:
    """Point every formula (on any sheet, and defined names) that reads a report table's
    Total cell by address (=C33*2, ='Report - Sales'!C33) at the cell where that Total
    now is, as Excel keeps such a reference when rows are inserted inside the table."""
    if not moves:
        return
    from .row_shift import _CELL, _sheet_of
    from openpyxl.formula.tokenizer import Token, Tokenizer
    from openpyxl.utils.cell import column_index_from_string

    def to(ref: str) -> str | None:
        m = _CELL.match(ref)
        if not m:
            return None
        c, r = column_index_from_string(m.group(2).upper()), int(m.group(4))
        for c1, c2, old, new in moves:
            if c1 <= c <= c2 and r == old:
                return f"{m.group(1)}{m.group(2)}{m.group(3)}{new}"
        return None

    def rewrite(formula: str, own: str | None) -> str:
        bare = not formula.startswith("=")
        try:
            tok = Tokenizer(("=" + formula) if bare else formula)
        except Exception:       # noqa: BLE001 - text the tokenizer cannot read is left as it is
            return formula
        changed = False
        for t in tok.items:
            if t.type != Token.OPERAND or t.subtype != Token.RANGE or "[" in t.value.split("!")[-1]:
                continue
            prefix, ref = "", t.value
            if "!" in ref:
                cut = ref.rindex("!")
                prefix, ref = ref[:cut + 1], ref[cut + 1:]
                target = _sheet_of(prefix)
            else:
                target = own
            if target != sheet:
                continue
            parts = ref.split(":")
            moved = [to(p) for p in parts]
            if len(parts) == 1 and moved[0]:
                new = moved[0]
            elif len(parts) == 2 and all(moved):      # C33:D33, the Total row's cells
                new = ":".join(moved)
            else:
                continue
            t.value = prefix + new
            changed = True
        if not changed:
            return formula
        out = tok.render()
        return out[1:] if bare else out

    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell.data_type == "f" and isinstance(cell._value, str):
                cell._value = rewrite(cell._value, ws.title)
    for names in [wb.defined_names] + [ws.defined_names for ws in wb.worksheets]:
        for dn in names.values():
            if isinstance(dn.attr_text, str) and dn.attr_text:
                dn.attr_text = rewrite(dn.attr_text, None)


def column_moves(ws, refs: Mapping[str, str], tables) -> list[tuple]:
    """For `row_shift.ColumnMap`: each report table on sheet `ws` whose rebuild (`tables`,
    TablePlans) puts a heading in another column than the sheet has it now: (name, old
    box, {old column: new column of the same heading, None when the rebuilt table has it
    no more}, {old column: heading}). Tables whose columns stay are left out."""
    from openpyxl.utils.cell import range_boundaries

    out = []
    for t in tables:
        ref = refs.get(t.name)
        if not ref:
            continue
        c1, r1, c2, r2 = range_boundaries(ref)
        old = {}
        for c in range(c1, c2 + 1):
            cell = ws._cells.get((r1, c))
            old[c] = " ".join(str(cell.value if cell is not None and cell.value is not None else "").split())
        spots: dict[str, list[int]] = {}
        for i, heading in enumerate(t.headers):
            spots.setdefault(" ".join(str(heading).split()), []).append(t.col + i)
        cols = {c: (spots[h].pop(0) if spots.get(h) else None) for c, h in old.items()}
        if any(new != c for c, new in cols.items()):
            out.append((t.name, (c1, r1, c2, r2), cols, old))
    return out


def move_report_columns(wb, sheet: str, cmap, lost: list) -> list[str]:
    """Carry a ColumnMap of `sheet` to the workbook model: formulas on every sheet,
    defined names, links to places and validation ranges (what the model does not write,
    conditional formats among it, `shift_package` moves at save). Each formula left
    reading a column the rebuilt table has no more (#REF!) goes in `lost` as (a function
    naming where it is, once the rows have moved too, table, heading), for
    `lost_column_notes`; returns the notes of what else could not move."""
    from .row_shift import RowShift, shift_formula

    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell.data_type == "f" and isinstance(cell._value, str):
                cmap.lost.clear()
                new = shift_formula(cell._value, ws.title, sheet, cmap)
                if new != cell._value:
                    cell._value = new
                    lost.extend((lambda t=ws.title, c=cell: f"your formula in {t}!{c.coordinate}", *hit)
                                for hit in dict.fromkeys(cmap.lost))
    for names in [wb.defined_names] + [ws.defined_names for ws in wb.worksheets]:
        for name, dn in names.items():
            if isinstance(dn.attr_text, str) and dn.attr_text:
                cmap.lost.clear()
                new = shift_formula(dn.attr_text, None, sheet, cmap)
                if new != dn.attr_text:
                    dn.attr_text = new
                    lost.extend((lambda n=name: f"the defined name {n}", *hit) for hit in dict.fromkeys(cmap.lost))
    # conditional formats' and validations' formulas are moved in the file at save
    # (`shift_package`); here only named when they lose their column
    for ws in wb.worksheets:
        texts = [(f"the conditional format on {ws.title}!{cf.sqref}", f) for cf in ws.conditional_formatting
                 for rule in cf.rules for f in (rule.formula or ())]
        texts += [(f"the validation (drop-down) on {ws.title}!{dv.sqref}", f)
                  for dv in ws.data_validations.dataValidation for f in (dv.formula1, dv.formula2) if f]
        for where, text in texts:
            cmap.lost.clear()
            shift_formula(str(text) if str(text).startswith("=") else "=" + str(text), ws.title, sheet, cmap)
            lost.extend((lambda w=where: w, *hit) for hit in dict.fromkeys(cmap.lost))
    shift = RowShift(wb, wb[sheet])
    shift._links(cmap)
    shift._validations(cmap)
    cmap.lost.clear()
    return shift.notes


def lost_column_notes(lost: list) -> list[str]:
    """The warnings of `move_report_columns`'s `lost`, naming each place where it is now."""
    out = []
    for where, table, heading in lost:
        note = (f"{where()} read the column {heading!r} of the report table {table}, which the refreshed "
                f"report no longer has; it now shows #REF!")
        if note not in out:
            out.append(note)
    return out
