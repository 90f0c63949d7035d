"""Cell values a reader hands over when the plain value would mislead.

- `Unreadable`: a cell whose value cannot be known from the file: a formula error
  (`#N/A`, `#REF!`, `#VALUE!`, `#DIV/0!`, LibreOffice's `Err:502`), or a whole number
  too long for a spreadsheet to have kept every digit. calamine reads error cells as
  empty; the importer must not store a blank (nor the error text) as if it were the
  value. The planner leaves such a field empty with a warning (its text kept in Notes),
  or rejects the row when the field is required (`plan.validate`).
- `ShownText`: a number that its number format shows with text around its digits
  (`"ID-"0000` shows 17 as `ID-0017`, `000-0000` shows 1000001 as `100-0001`). It is
  that text for text fields (ids, postal codes, order numbers: what the person sees)
  and keeps the number for number fields (`.number`).

Both survive pickling (the import may plan chunks in a worker process).
"""

from __future__ import annotations

import datetime as dt
import re

# Excel's error values (ECMA-376 Part 1, 18.17.2.6 / [MS-XLS] 2.5.97.2 BErr) and
# LibreOffice's "Err:NNN".
ERROR_TEXT = re.compile(r"^(?:#NULL!|#DIV/0!|#VALUE!|#REF!|#NAME\?|#NUM!|#N/A|#GETTING_DATA|#SPILL!|#CALC!"
                        r"|#FIELD!|#BLOCKED!|#CONNECT!|#BUSY!|#UNKNOWN!|#N/A\(\)|Err:\d{3})$", re.IGNORECASE)
# Excel keeps 15 significant digits of a number (IEEE 754 double, shown to 15 digits).
EXACT_DIGITS = 15


class Unreadable:
    """A cell whose value the file does not hold: `shown` is what the cell shows,
    `reason` why it cannot be taken as the value."""

    __slots__ = ("shown", "reason")

    def __init__(self, shown: str, reason: str):
        self.shown = shown
        self.reason = reason

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"Unreadable({self.shown!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unreadable) and (self.shown, self.reason) == (other.shown, other.reason)

    def __hash__(self) -> int:
        return hash(self.shown)

    def __reduce__(self):
        return (Unreadable, (self.shown, self.reason))


def error_cell(text: str) -> Unreadable:
    """The value of a cell that shows the error `text` (#N/A, #REF!, Err:502 …)."""
    text = text.strip()[:40] or "#VALUE!"
    return Unreadable(text, f"the cell shows the error {text}, not a value")


def long_number(value: float) -> Unreadable | None:
    """An Unreadable for a whole number that has more digits than a spreadsheet keeps
    (an order number or id typed as a number: 12345678901234567 is held as
    1.2345678901234568E+16, its last digits lost); None for an exact number."""
    if value != value or value in (float("inf"), float("-inf")) or abs(value) < 2 ** 53:
        return None                      # every whole number below 2**53 is held exactly
    shown = format(value, ".15g").upper()
    if float(shown) == value:
        return None                      # 15 digits and zeros: what the sheet shows, exactly
    return Unreadable(shown, f"a number of more than {EXACT_DIGITS} digits ({shown}): the file kept only its "
                             f"first {EXACT_DIGITS}; format the column as text in the source and export again")


def lost_digits(text: str) -> Unreadable:
    """An id or code written as a number in scientific notation ("1.23457E+16", as a CSV
    saved from Excel writes a long number): its digits are gone."""
    return Unreadable(text, f"a number in scientific notation ({text}): its digits were lost when the file "
                            "was saved; format the column as text (or as the number 0) and save it again")


class ShownText(str):
    """A number as its number format shows it ("ID-0017"); `.number` is the number it
    means (a share of 1 for 15 shown "15%" by a format writing the sign as text), `.cell`
    the number the cell holds (15: an amount is that, the sign being only text)."""

    __slots__ = ("number", "cell")

    def __new__(cls, text: str, number: float, cell: float | None = None):
        self = super().__new__(cls, text)
        self.number = number
        self.cell = number if cell is None else cell
        return self

    def __reduce__(self):
        return (ShownText, (str(self), self.number, self.cell))


class DateText(str):
    """What a date cell's date/time number format shows ("12-Oct" under `d-mmm`): a fact
    read beside the cell's value, joined to it by `shown_date`."""

    __slots__ = ()


class ShownDateValue:
    """A date, datetime or time read from a cell, with `.shown`: the text its number
    format shows. Date fields take the value; text fields (an order number, a postal
    code) take `.shown`, as Excel shows it."""

    __slots__ = ()

    def __reduce_ex__(self, protocol):
        return (shown_date, (self._plain(), self.shown))

    __reduce__ = lambda self: self.__reduce_ex__(2)  # noqa: E731


class ShownDate(ShownDateValue, dt.date):
    __slots__ = ("shown",)

    def _plain(self):
        return dt.date(self.year, self.month, self.day)


class ShownDateTime(ShownDateValue, dt.datetime):
    __slots__ = ("shown",)

    def _plain(self):
        return dt.datetime(self.year, self.month, self.day, self.hour, self.minute, self.second,
                           self.microsecond, self.tzinfo, fold=self.fold)


class ShownTime(ShownDateValue, dt.time):
    __slots__ = ("shown",)

    def _plain(self):
        return dt.time(self.hour, self.minute, self.second, self.microsecond, self.tzinfo, fold=self.fold)


def shown_date(value, text: str):
    """`value` (a date, datetime or time) carrying the text its format shows."""
    if isinstance(value, dt.datetime):
        out = ShownDateTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                            value.microsecond, value.tzinfo, fold=value.fold)
    elif isinstance(value, dt.date):
        out = ShownDate(value.year, value.month, value.day)
    elif isinstance(value, dt.time):
        out = ShownTime(value.hour, value.minute, value.second, value.microsecond, value.tzinfo, fold=value.fold)
    else:
        return value
    out.shown = str(text)
    return out
