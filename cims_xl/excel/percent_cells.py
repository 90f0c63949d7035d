"""Percent fields in cells with a percent number format: read as Excel shows them.

Typing "25%" in Excel stores 0.25 and gives the cell the format `0%`; a format that
writes its sign as text (`0"%"`, `0.0\\%`) shows 25 as "25%" without scaling. What
the user sees is the percentage they meant, so a percent field's cell is read by
what it shows (`importer.cell_facts.ShownFormat`):

- a percent-points field (Probability %: 25 is 25 %) reads a scaled percent cell as
  its value x 100 (0.25 shown "25%" is 25); a value that is not whole after that is
  handed on as the text shown ("12.5%"), which the field's own check refuses by name;
- a share field (Discount: 0.15 is 15 %) reads a cell whose sign is text (15 shown
  "15%") as value / 100.

Writing is the mirror image, so a refreshed cell keeps showing the stored percentage
in whatever percent format the user gave the column (25 into `0%` is 0.25).
No xlwings or openpyxl here: the adapters hand in a value and the cell's format code.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ..domain.models import PERCENT_POINTS

SHARE_FIELDS = frozenset({"discount"})      # decimal fields holding a share of 1
PERCENT_FIELDS = PERCENT_POINTS | SHARE_FIELDS


@lru_cache(maxsize=256)
def _percent_format(code: str | None) -> bool | None:
    """True: a scaled percent format (`0%`); False: its sign is text (`0"%"`); None:
    no percent format."""
    if not code or "%" not in code:
        return None
    from ..importer.cell_facts import ShownFormat

    try:
        shown = ShownFormat.of(code)
    except Exception:       # a format code we cannot parse is read as no format
        return None
    if shown is None or shown.percent is None:
        return None
    return bool(shown.scaled)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> int | Decimal:
    return int(number) if number == number.to_integral_value() else number.normalize()


def is_percent_format(code: str | None) -> bool:
    return _percent_format(code) is not None


def read_percent(key: str | None, value: Any, code: str | None) -> Any:
    """The value of field `key` in a cell holding `value` with number format `code`."""
    if key not in PERCENT_FIELDS or (scaled := _percent_format(code)) is None:
        return value
    number = _number(value)
    if number is None:
        return value
    if key in PERCENT_POINTS:
        if not scaled:
            return value
        points = number * 100
        if points == points.to_integral_value():
            return int(points)
        return f"{format(points.normalize(), 'f')}%"      # as shown: the field's check names it
    return _plain(number / 100) if not scaled else value


def write_percent(key: str | None, value: Any, code: str | None) -> Any:
    """What to put in a cell of number format `code` for field `key`'s `value`."""
    if key not in PERCENT_FIELDS or (scaled := _percent_format(code)) is None:
        return value
    number = _number(value)
    if number is None:
        return value
    if key in PERCENT_POINTS:
        return float(number / 100) if scaled else value
    return value if scaled else float(number * 100)
