"""Time fields in cells that show a date alone: read as the date they show.

A Tickets Opened/First Response/Resolved/Closed or an Interactions When cell holding
2026-12-01 with a date-only number format (`yyyy-mm-dd`, `d mmm yyyy`, `dd/mm/yyyy`)
arrives from Excel as a midnight datetime; nobody gave that 00:00. Such a cell is read
as a `date`, which the field's own check refuses like the text "2026-12-01" ("give the
time too"). A midnight shown with a time part (`yyyy-mm-dd hh:mm`) is a real 00:00, and
a cell with no date format is left as it is. No xlwings or openpyxl cell here: the
adapters hand in a value and the cell's format code (openpyxl's format classifier).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from ..domain.models import EVENT_TIMES

TIME_FIELDS = EVENT_TIMES


@lru_cache(maxsize=256)
def _date_only_format(code: str | None) -> bool:
    if not code:
        return False
    from openpyxl.styles.numbers import is_datetime

    try:
        return is_datetime(code) == "date"
    except Exception:           # a format code openpyxl cannot classify: not a date alone
        return False


def read_time_cell(value: Any, code: str | None) -> Any:
    """`value` of a time field's cell with number format `code`: a midnight datetime in a
    format that shows no time of day becomes the date alone; anything else as is."""
    if (isinstance(value, dt.datetime) and value.time() == dt.time(0) and value.tzinfo is None
            and _date_only_format(code)):
        return value.date()
    return value
