"""A user's total line under a data table: labels beside formulas that sum, count or
average the table's own columns ("Total" | =SUBTOTAL(109,L2:L11)).

Such a row is the user's summary of the table, never a record typed under it: Save does
not take it in (and gives it no Status), Refresh moves it with the table as Excel's row
insert/delete does (`row_shift`). The label's words do not matter (Total, Summe, 合计,
합계, Totale, "Grand total incl. VAT"): what decides is a formula in the row that
aggregates a range of the table's columns within its rows, or the table's structured
reference (tblOrders[Amount]), or adds cells of one column (=L2+L3+L4); that every formula
of the row does so (=TODAY(), =Home!B2, =COUNTIF(tblCustomers[City],I12) make it a
record's); and that beside them stand only labels, in at most one of the record's field
columns (a number, a date or two typed fields make it a record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import range_boundaries


class FormulaText(str):
    """A cell's formula (its text, "=SUM(L2:L11)") as the rows-below rules see it."""


def is_formula(value: Any, marker: Any = None) -> bool:
    return isinstance(value, FormulaText) or (marker is not None and value is marker)


# Excel's functions that summarise a range (what a total line under a column uses).
AGGREGATES = frozenset("""
SUBTOTAL AGGREGATE SUM SUMIF SUMIFS SUMPRODUCT SUMSQ AVERAGE AVERAGEA AVERAGEIF AVERAGEIFS
COUNT COUNTA COUNTIF COUNTIFS COUNTBLANK MIN MINA MINIFS MAX MAXA MAXIFS MEDIAN MODE MODE.SNGL
PRODUCT STDEV STDEV.S STDEV.P STDEVA STDEVP VAR VAR.S VAR.P VARA VARP LARGE SMALL ROWS
""".split())
_XLFN = re.compile(r"^(?:_xlfn\.|_xlws\.)+", re.I)


@dataclass(frozen=True)
class TableArea:
    """Where a data table is: its sheet, name, columns c1..c2 and rows r1 (headers)..last.
    `reach`: how many rows past `last` a range may run (the empty rows between the table
    and a total line under it: SUM(L2:L12) with row 12 left empty)."""
    sheet: str
    table: str
    c1: int
    c2: int
    r1: int
    last: int
    reach: int = 2


def _bounds_on_sheet(ref: str, area: TableArea) -> tuple | None:
    """(min col, min row, max col, max row) of an A1 reference (optionally Sheet!-qualified,
    `$` allowed) on the table's sheet; None for another sheet or text that is no reference."""
    sheet = None
    if "!" in ref:
        sheet, ref = ref.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
    if sheet is not None and sheet.casefold() != area.sheet.casefold():
        return None
    try:
        return range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None


def _range_in_table(ref: str, area: TableArea) -> bool:
    """Does an A1 reference (optionally Sheet!-qualified) lie within the table's columns
    and rows (headers to last data row), reaching at least one data row?"""
    if "[" in ref:          # a structured reference: tblOrders[Amount], tblOrders[[#Data],[Amount]]
        name = ref.split("[", 1)[0].split("!")[-1].strip("'")
        return name.casefold() == area.table.casefold()
    if ref.casefold() == area.table.casefold():     # the whole table: ROWS(tblOrders)
        return True
    bounds = _bounds_on_sheet(ref, area)
    if bounds is None or None in bounds:
        return False
    c1, r1, c2, r2 = bounds
    return area.c1 <= c1 <= c2 <= area.c2 and area.r1 <= r1 <= r2 <= area.last + area.reach and r2 > area.r1


def _tokens(formula: str):
    try:
        return Tokenizer(formula if formula.startswith("=") else "=" + formula).items
    except Exception:       # openpyxl's tokenizer raises plain errors on text it cannot read
        return None


def _one_cell_in_data(ref: str, area: TableArea) -> int | None:
    """The column of a single-cell reference (L3, Orders!$L$3) in the table's data rows."""
    if "[" in ref or ":" in ref:
        return None
    bounds = _bounds_on_sheet(ref, area)
    if bounds is None:
        return None
    c1, r1, c2, r2 = bounds
    if None in (c1, r1) or c1 != c2 or r1 != r2:
        return None
    return c1 if area.c1 <= c1 <= area.c2 and area.r1 < r1 <= area.last else None


def _adds_cells_of_one_column(tokens, area: TableArea) -> bool:
    """=L2+L3+L4: a sum written with +, of two or more cells of one of the table's
    columns within its data rows (nothing else in the formula)."""
    cols = set()
    for tok in tokens:
        if tok.type == Token.OPERAND and tok.subtype == Token.RANGE:
            col = _one_cell_in_data(tok.value, area)
            if col is None:
                return False
            cols.add(col)
        elif tok.type == Token.OP_IN and tok.value == "+":
            continue
        elif tok.type == Token.WSPACE:
            continue
        else:
            return False
    n = sum(1 for t in tokens if t.type == Token.OPERAND)
    return len(cols) == 1 and n >= 2


def aggregates_table(formula: str, area: TableArea) -> bool:
    """A formula that summarises the table's own columns and nothing else: SUM/SUBTOTAL/
    COUNT/… on a range of the table (by address within its rows, or by its structured
    reference), every reference in it being such a range; or a sum written with + of
    cells of one of the table's columns (=L2+L3+L4). A formula reading one cell of a row
    (=COUNTIF(tblCustomers[City],I12), =L2*2), another sheet (=Home!B2) or nothing of the
    table (=TODAY()) is a record's, not a total's."""
    tokens = _tokens(formula)
    if not tokens:
        return False
    if _adds_cells_of_one_column(tokens, area):
        return True
    depth: list[bool] = []          # per open function: is it an aggregate?
    found = False
    for tok in tokens:
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            depth.append(_XLFN.sub("", tok.value[:-1]).upper() in AGGREGATES)
        elif tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            if depth:
                depth.pop()
        elif tok.type == Token.OPERAND and tok.subtype == Token.RANGE:
            ref = tok.value
            whole = "[" in ref or ":" in ref or ref.casefold() == area.table.casefold()
            if not (whole and _range_in_table(ref, area)):
                return False        # a single cell, another sheet, a name: not the column's summary
            found = found or any(depth)
    return found


def is_total_line(row: Sequence[Any], area: TableArea | None, marker: Any = None,
                  fields: Sequence[int] | None = None) -> bool:
    """The row's cells in the table's columns (None: empty; FormulaText: a formula):
    a total line when a formula aggregates the table, every formula in it does
    (`aggregates_table`), and every other cell holds a label: text that is no number,
    in at most one of the record's field columns (`fields`, positions in the row; a
    record fills several: name and email, order no, customer id and product)."""
    if area is None:
        return False
    found = False
    typed_fields = 0
    for i, value in enumerate(row):
        if value is None:
            continue
        if isinstance(value, FormulaText):
            if not aggregates_table(value, area):
                return False
            found = True
        elif is_formula(value, marker):
            return False            # a formula whose text cannot be read: not known to be a total
        elif not isinstance(value, str) or _numeric_text(value):
            return False
        elif fields is not None and i in fields:
            typed_fields += 1
            if typed_fields > 1:
                return False
    return found


def _numeric_text(text: str) -> bool:
    """Text that is a number ("12.50", "1 234"): a value typed in a record, not a label."""
    t = text.strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    try:
        float(t)
    except ValueError:
        return False
    return True
