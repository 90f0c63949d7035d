"""Dates written without a year: ``05.03.``, ``3月5日``, ``3월 5일``, ``Mar 5``, ``5. März``,
``03/05``, ``24/3``, and DATEV's ``Belegdatum`` ``0503`` (day and month, DDMM; the year is
in the DATEV header line, which the table does not carry).

The year is never taken from today: an import whose date column holds such dates stops
before writing, naming the column, its examples and ``--year YYYY``; with ``--year`` each
is read in that year (the summary says how many). A day and month written with a slash or
dash ("03/05") keeps its order to the column's evidence (``--date-order``), as a full
date does; the others say the order themselves (a dotted ``05.03.`` is day first, DIN 5008;
a month name or 月 names the month) and are written as ISO dates.
"""

from __future__ import annotations

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

    def add(self, values: list) -> None:
        n = len(values)
        for c in self.columns:
            v = values[c] if c < n else None
            if v is None or isinstance(v, dt.date) or (isinstance(v, float) and c not in self.ddmm):
                continue
            if with_year(v, _PROBE_YEAR, c in self.ddmm) is not None:
                self.rows[c] += 1
                if len(self.examples[c]) < EXAMPLES:
                    self.examples[c].append(str(v).strip()[:30])

    def decide(self) -> list[dict]:
        out = []
        for c, header in self.columns.items():
            if not self.rows[c]:
                continue
            shown = ", ".join(repr(e) for e in self.examples[c])
            what = "day and month (DDMM, as DATEV writes Belegdatum)" if c in self.ddmm else "a day and month"
            if self.year is None:
                raise ImportRefused(
                    f"column '{header}' holds dates without a year ({shown}; {self.rows[c]} cell(s), each "
                    f"{what}): cims never takes the year from today. Say which year with --year YYYY (e.g. "
                    "--year 2024), or write the year in the file. Nothing was imported.")
            out.append({"what": f"dates without a year in '{header}'",
                        "decided": f"{self.rows[c]} date(s) read in {self.year} (--year): {shown}",
                        "evidence": f"each cell writes {what} only" + (
                            "; DATEV's Belegdatum is DDMM" if c in self.ddmm else "")})
        return out

    def rewrite(self, values: list) -> list:
        if self.year is None:
            return values
        out = values
        n = len(values)
        for c in self.columns:
            v = values[c] if c < n else None
            if v is None or isinstance(v, dt.date) or (isinstance(v, float) and c not in self.ddmm):
                continue
            new = with_year(v, self.year, c in self.ddmm)
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
