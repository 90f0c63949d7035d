"""A user's total line under a data table: labels beside formulas that sum, count or
average the table's own columns ("Total" | =SUBTOTAL(109,L2:L11)).

Such a row is the user's summary of the table, never a record typed under it: Save does
not take it in (and gives it no Status), Refresh moves it with the table as Excel's row
insert/delete does (`row_shift`). The label's words do not matter (Total, Summe, 合计,
합계, Totale, "Grand total incl. VAT"): what decides is a formula in the row that
aggregates a range of the table's columns within its rows, or the table's structured
reference (tblOrders[Amount]), and that every other cell of the row is text or a formula
(a number or a date typed beside it makes it a record).
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
PRODUCT STDEV STDEV.S STDEV.P STDEVA STDEVP VAR VAR.S VAR.P VARA VARP LARGE SMALL
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


def _range_in_table(ref: str, area: TableArea) -> bool:
    """Does an A1 reference (optionally Sheet!-qualified) lie within the table's columns
    and rows (headers to last data row), reaching at least one data row?"""
    if "[" in ref:          # a structured reference: tblOrders[Amount], tblOrders[[#Data],[Amount]]
        name = ref.split("[", 1)[0].split("!")[-1].strip("'")
        return name.casefold() == area.table.casefold()
    sheet = None
    if "!" in ref:
        sheet, ref = ref.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
    if sheet is not None and sheet.casefold() != area.sheet.casefold():
        return False
    try:
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return False
    if None in (c1, r1, c2, r2):
        return False
    return area.c1 <= c1 <= c2 <= area.c2 and area.r1 <= r1 <= r2 <= area.last + area.reach and r2 > area.r1


def aggregates_table(formula: str, area: TableArea) -> bool:
    """A formula calling SUM/SUBTOTAL/COUNT/… on a range of the table (by address within
    its rows, or by its structured reference)."""
    try:
        tokens = Tokenizer(formula if formula.startswith("=") else "=" + formula).items
    except Exception:       # openpyxl's tokenizer raises plain errors on text it cannot read
        return False
    depth: list[bool] = []          # per open function: is it an aggregate?
    for tok in tokens:
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            depth.append(_XLFN.sub("", tok.value[:-1]).upper() in AGGREGATES)
        elif tok.type == Token.FUNC and tok.subtype == Token.CLOSE:
            if depth:
                depth.pop()
        elif tok.type == Token.OPERAND and tok.subtype == Token.RANGE and any(depth):
            if _range_in_table(tok.value, area):
                return True
    return False


def is_total_line(row: Sequence[Any], area: TableArea | None, marker: Any = None) -> bool:
    """The row's cells in the table's columns (None: empty; FormulaText: a formula):
    a total line when a formula aggregates the table and every other cell holds text
    (a label, in any language) or a formula."""
    if area is None:
        return False
    found = False
    for value in row:
        if value is None:
            continue
        if isinstance(value, FormulaText):
            found = found or aggregates_table(value, area)
        elif is_formula(value, marker):
            continue
        elif not isinstance(value, str) or _numeric_text(value):
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
