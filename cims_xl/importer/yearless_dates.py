"""Dates written without a year: ``05.03.``, ``3月5日``, ``3월 5일``, ``Mar 5``, ``5. März``,
``03/05``, ``24/3``, and DATEV's ``Belegdatum`` ``0503`` (day and month, DDMM; the year is
in the DATEV header line, which the table does not carry).

The year is never taken from today: an import whose date column holds such dates stops
before writing, naming the column, its examples and ``--year YYYY``; with ``--year`` each
is read in that year (the summary says how many). A day and month written with a slash or
dash ("03/05") keeps its order to the column's evidence (``--date-order``), as a full
date does; the others say the order themselves (a dotted ``05.03.`` is day first, DIN 5008;
a month name or 月 names the month) and are written as ISO dates.

A column whose dates run in the file's order across a year end (a sorted list ``28.12.``,
``30.12.``, ``02.01.``, ``05.01.``; or newest first) is read in two years: --year is the
year of the December rows, the January ones after the year end are the next. That is
decided on the whole column's order (`year_end`): every date in order but for one step
back over the year end, spanning less than a year; a column in order without one (or
not in order at all) is read in the one year --year gives, as before.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from ..domain import normalize as nz
from .errors import ImportRefused
from .heading_fold import fold

EXAMPLES = 3
_PROBE_YEAR = 2000            # a leap year: 29.02. has a year it is a date in

_DOTTED = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.$")
_SLASHED = re.compile(r"^(\d{1,2})\s?([/-])\s?(\d{1,2})$")
_CJK = re.compile(r"^(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]$")
_DDMM = re.compile(r"^\d{3,4}$")
# one day number (1-2 digits, perhaps 5th or 5.) and words: "Mar 5", "5 March", "5. März"
# "Mar-05": Excel's mmm-yy (March 2005), not the 5th of March
_MONTH_YEAR = re.compile(r"^[^\W\d_]+\.?-\d{2}$")
_NAMED = re.compile(r"^[^\d]*\b\d{1,2}(?:st|nd|rd|th|\.)?(?:\b[^\d]*)?$")


def _datev(header: str) -> bool:
    return "belegdatum" in fold(header)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def with_year(value: object, year: int, ddmm: bool = False) -> str | None:
    """`value` as a date in `year` when it is a date written without one (an ISO date,
    or "03/05/2024" where the column's order decides); None otherwise."""
    if isinstance(value, bool):
        return None
    if ddmm and isinstance(value, float) and value.is_integer():
        value = int(value)              # a workbook's number cell: 503 is 05.03.
    if ddmm and isinstance(value, int) and 101 <= value <= 3112:
        value = str(value)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or len(text) > 30:
        return None
    if ddmm and _DDMM.match(text):
        text = text.zfill(4)
        d = _date(year, int(text[2:]), int(text[:2]))
        return d.isoformat() if d else None
    if (m := _DOTTED.match(text)) is not None:
        d = _date(year, int(m[2]), int(m[1]))
        return d.isoformat() if d else None
    if (m := _CJK.match(text)) is not None:
        d = _date(year, int(m[1]), int(m[2]))
        return d.isoformat() if d else None
    if (m := _SLASHED.match(text)) is not None:
        a, b = int(m[1]), int(m[3])
        if 1 <= min(a, b) <= 12 and max(a, b) <= 31 and (_date(year, a, b) or _date(year, b, a)):
            return f"{m[1]}{m[2]}{m[3]}{m[2]}{year}"
        return None
    if any(ch.isalpha() for ch in text) and _NAMED.match(text) and not _MONTH_YEAR.match(text):
        for shaped in (f"{text} {year}", f"{text}, {year}"):
            try:
                d = nz.parse_date(shaped)
            except ValueError:
                continue
            if isinstance(d, dt.date) and d.year == year:
                return d.isoformat()
    return None


def _month_day(value: object, ddmm: bool) -> tuple[int, int] | None:
    """(month, day) of a date written without a year whose text says which is which
    (not "03/05", whose order is the column's evidence); None otherwise."""
    iso = with_year(value, _PROBE_YEAR, ddmm)
    if iso is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return None
    return int(iso[5:7]), int(iso[8:10])


def year_end(days: list[tuple[int, int]]) -> tuple[int, bool] | None:
    """Where a column's dates (month, day, in the file's order) cross a year end:
    (the index of the first date of the other year, True when the dates go up) for dates
    in order but for one step back (up, when newest first) that wraps past where they
    started, so they span less than a year; None when they are in order without one
    (one year), or not in order at all. A column that reads in order both ways (two
    dates) is in order without one."""
    if len(days) < 2:
        return None
    steps = list(zip(days, days[1:]))
    if all(a <= b for a, b in steps) or all(a >= b for a, b in steps):
        return None
    down = [i + 1 for i, (a, b) in enumerate(steps) if b < a]
    up = [i + 1 for i, (a, b) in enumerate(steps) if b > a]
    if len(down) == 1 and days[-1] < days[0]:
        return down[0], True            # 28.12., 30.12. | 02.01., 05.01.
    if len(up) == 1 and days[-1] > days[0]:
        return up[0], False             # 05.01., 02.01. | 30.12., 28.12.
    return None


class YearlessDates:
    """The date columns' dates written without a year (`columns`: file column -> heading),
    decided on the whole column; `year` is --year."""

    def __init__(self, columns: dict[int, str], year: int | None):
        self.columns = dict(columns)
        self.year = year
        self.ddmm = {c for c, h in columns.items() if _datev(h)}
        self.rows: dict[int, int] = {c: 0 for c in columns}
        self.examples: dict[int, list[str]] = {c: [] for c in columns}
        self.active = bool(columns)
        # each column's (row, (month, day)) in the file's order, while every date says
        # its month itself; None once one does not ("03/05")
        self.days: dict[int, list | None] = {c: [] for c in columns}
        self.next_year: dict[int, tuple[int, bool]] = {}    # column -> (first row of the other year, going up)

    def add(self, values: list, number: int | None = None) -> None:
        n = len(values)
        for c in self.columns:
            v = values[c] if c < n else None
            if v is None or isinstance(v, dt.date) or (isinstance(v, float) and c not in self.ddmm):
                continue
            if with_year(v, _PROBE_YEAR, c in self.ddmm) is not None:
                self.rows[c] += 1
                if len(self.examples[c]) < EXAMPLES:
                    self.examples[c].append(str(v).strip()[:30])
                seq = self.days[c]
                if seq is not None:
                    md = _month_day(v, c in self.ddmm)
                    self.days[c] = None if md is None or number is None else seq
                    if md is not None and number is not None:
                        seq.append((number, md))

    def decide(self) -> list[dict]:
        out = []
        for c, header in self.columns.items():
            if not self.rows[c]:
                continue
            shown = ", ".join(repr(e) for e in self.examples[c])
            what = "day and month (DDMM, as DATEV writes Belegdatum)" if c in self.ddmm else "a day and month"
            seq = self.days[c] or []
            wrap = year_end([md for _n, md in seq])
            if self.year is None:
                across = ""
                if wrap is not None:
                    across = (" They run in the file's order across a year end ("
                              f"{self._around(seq, wrap)}): --year names the year of the earlier dates, those "
                              "after the year end are read in the next.")
                raise ImportRefused(
                    f"column '{header}' holds dates without a year ({shown}; {self.rows[c]} cell(s), each "
                    f"{what}): cims never takes the year from today. Say which year with --year YYYY (e.g. "
                    f"--year 2024), or write the year in the file.{across} Nothing was imported.")
            if wrap is not None:
                at, going_up = wrap
                self.next_year[c] = (seq[at][0], going_up)
                later = len(seq) - at if going_up else at
                y = self.year
                first, last = seq[at - 1][1] if going_up else seq[at][1], seq[at][1] if going_up else seq[at - 1][1]
                out.append({"what": f"dates without a year in '{header}'",
                            "decided": f"dates without a year: {y} ({calendar.month_abbr[first[0]]}) and {y + 1} "
                                       f"({calendar.month_abbr[last[0]]}), from the file's order: "
                                       f"{len(seq) - later} date(s) in {y} (--year), {later} in {y + 1}",
                            "evidence": f"each cell writes {what} only; the column's dates are in "
                                        + ("date order" if going_up else "date order, newest first")
                                        + f" but for one step across the year end ({self._around(seq, wrap)}): "
                                        f"the dates after it are the next year's (--year names the earlier year)"})
                continue
            out.append({"what": f"dates without a year in '{header}'",
                        "decided": f"{self.rows[c]} date(s) read in {self.year} (--year): {shown}",
                        "evidence": f"each cell writes {what} only" + (
                            "; DATEV's Belegdatum is DDMM" if c in self.ddmm else "")})
        return out

    @staticmethod
    def _around(seq: list, wrap: tuple[int, bool]) -> str:
        at = wrap[0]
        return " -> ".join(f"{d:02d}.{m:02d}." for _n, (m, d) in seq[at - 1:at + 1])

    def _year(self, c: int, number: int | None) -> int:
        """The year of column `c`'s date on row `number`: --year, or the next one after
        a year end the column's order shows (decide)."""
        wrap = self.next_year.get(c)
        if wrap is None or number is None:
            return self.year
        first, going_up = wrap
        return self.year + 1 if (number >= first if going_up else number < first) else self.year

    def rewrite(self, values: list, number: int | None = None) -> list:
        if self.year is None:
            return values
        out = values
        n = len(values)
        for c in self.columns:
            v = values[c] if c < n else None
            if v is None or isinstance(v, dt.date) or (isinstance(v, float) and c not in self.ddmm):
                continue
            new = with_year(v, self._year(c, number), c in self.ddmm)
            if new is not None:
                if out is values:
                    out = list(values)
                out[c] = new
        return out


def check_year(value) -> int | None:
    """--year as a number (1900-2100); ImportRefused otherwise."""
    if value is None or value == "":
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        year = 0
    if not 1900 <= year <= 2100:
        raise ImportRefused(f"--year needs a year such as 2024, not {value!r}")
    return year
