"""Date columns written as Unix times: seconds (or milliseconds) since 1970-01-01 UTC, as
APIs and their exports write them (Stripe's `created: 1709632800`, a log's
`1709600000000`), decided on the whole column.

A date column whose every value is a whole number of ten digits ("1709600000") is read
as Unix seconds, of thirteen digits as Unix milliseconds, when every one falls from
2000-01-01 to 2100-01-01 UTC (`FIRST`, `LAST`; seconds before 2001-09-09 have nine
digits, read so beside ten-digit ones only): a moment a system logged, dated in the
user's zone for a date field, kept as the instant for a time field. No other date is
written so (eight digits are yyyymmdd, five an Excel day), so the digits decide; but
the heading must be a date's (`date_heading`): an id column the user maps to a date
is never read as one. A column mixing ten and thirteen digits, or holding a value out
of that range beside them, stops the import naming the column and its values: nothing
in the column tells which reading its odd ones want.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import ImportRefused

FIRST = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)
LAST = _dt.datetime(2100, 1, 1, tzinfo=_dt.timezone.utc)
UNITS = {"s": ("Unix seconds", 1), "ms": ("Unix milliseconds", 1000)}
_LENGTHS = {10: "s", 13: "ms"}

# "1709600000", "1709600000.25" (a fraction of a second), "1709600000000"
_DIGITS = re.compile(r"^\+?(\d{9,14})(?:\.(\d{1,6}))?$")

# Words of a heading that name a date or a moment ("Created", "created_at", "Timestamp",
# "Zeitstempel", "日期", "时间", "作成日時", "일시"): a heading without one (or that names
# an id, a number or a code) is no date heading, whatever field it was mapped to.
_DATE_WORDS = re.compile(
    r"date|time|created|updated|modified|paid|closed|opened|resolved|stamp|epoch|when|day|"
    r"datum|zeit|fecha|hora|data|heure|jour|creado|creada|erstellt|aangemaakt|"
    r"日期|时间|時間|日時|日付|时刻|時刻|일자|일시|날짜|시간|(?:^|_)at$|(?:^|\s)at$",
    re.IGNORECASE)
_ID_WORDS = re.compile(r"(?:^|[\s_#.-])(?:id|no|nr|number|num|code|ref|#)(?:$|[\s_#.-])|编号|番号|번호|单号|號|号$",
                       re.IGNORECASE)


def date_heading(header: str) -> bool:
    """Whether a heading names a date or a moment, and no id or number ("Created",
    "created_at", "Order Date", "Zeitstempel"; not "Order No", "Customer ID")."""
    text = str(header or "").strip()
    return bool(_DATE_WORDS.search(text)) and not _ID_WORDS.search(text)


def _whole(value: object) -> tuple[str, Decimal] | None:
    """(the digits before any fraction, the number) of a cell that may be a Unix time."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(abs(value)), Decimal(value)
    if isinstance(value, float):
        if value != value or value < 0 or value >= 1e15:
            return None
        number = Decimal(repr(value))
        return str(int(number)), number
    if isinstance(value, str) and (match := _DIGITS.match(value.strip())):
        try:
            return match[1], Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def moment(value: object, unit: str) -> _dt.datetime | None:
    """The UTC instant of a Unix time in `unit` ("s" or "ms"); None when `value` is none."""
    found = _whole(value)
    if found is None:
        return None
    number = found[1]
    try:
        return _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(
            milliseconds=float(number * (1000 // UNITS[unit][1])))
    except (OverflowError, ValueError):
        return None


def compact_hour(digits: str) -> _dt.datetime | None:
    """`digits` (ten) read as a date and hour written YYYYMMDDHH ("2026010512" is
    2026-01-05 12:00), from 1900 to 2100; else None."""
    if len(digits) != 10 or not digits.isdigit() or not 1900 <= int(digits[:4]) < 2100:
        return None
    try:
        return _dt.datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:]))
    except ValueError:
        return None


@dataclass
class Decision:
    unit: str                       # "s" | "ms"
    inference: dict


@dataclass
class UnixEvidence:
    """What a date column's values say of Unix times: per length (ten, thirteen digits),
    how many and a few of them; values of those lengths out of 2000–2100; other values."""
    column: str
    counts: dict = field(default_factory=lambda: {"s": 0, "ms": 0})
    examples: dict = field(default_factory=lambda: {"s": [], "ms": []})
    outside: list = field(default_factory=list)     # (value, its reading) out of FIRST..LAST
    others: int = 0                                 # values of other shapes (a date, "45352")
    other_example: object = None
    compact: int = 0                                # ten digits that are also a date and hour YYYYMMDDHH
    nine: list = field(default_factory=list)        # nine digits that are seconds of 2000-01-01 to 2001-09-09


    def add(self, value: object) -> None:
        found = _whole(value)
        unit = _LENGTHS.get(len(found[0])) if found is not None else None
        if unit is None and found is not None and len(found[0]) == 9 and not found[0].startswith("0"):
            when = moment(value, "s")
            if when is not None and FIRST <= when:
                # 978307200 is 2001-01-01 as Unix seconds: seconds had nine digits until
                # 2001-09-09. Read so only beside ten-digit seconds (`decide`).
                self.nine.append(found[0] if isinstance(value, (int, float)) else str(value).strip())
                return
        if unit is None:
            self.others += 1
            if self.other_example is None:
                self.other_example = value
            return
        self.counts[unit] += 1
        if unit == "s" and compact_hour(found[0]) is not None:
            self.compact += 1
        shown = found[0] if isinstance(value, (int, float)) else str(value).strip()
        if len(self.examples[unit]) < 3 and shown not in self.examples[unit]:
            self.examples[unit].append(shown)
        when = moment(value, unit)
        if when is None or not FIRST <= when < LAST:
            if len(self.outside) < 3:
                self.outside.append((shown, when))

    @property
    def seen(self) -> int:
        return self.counts["s"] + self.counts["ms"]

    def decide(self, header: str, zone_name: str, timed: bool = False) -> Decision | None:
        """The column's unit, or None when no value is a Unix time. ImportRefused when its
        values mix seconds and milliseconds, or some is out of 2000–2100, or the rest of
        the column holds other dates beside them: the column and its values named.
        `timed`: the field keeps a time (stored as the instant), else its date in `zone_name`."""
        if self.nine:
            if self.counts["s"] and not self.counts["ms"]:
                self.counts["s"] += len(self.nine)      # seconds before 2001-09-09, beside later ones
                self.examples["s"] = (self.examples["s"] + [e for e in self.nine if e not in self.examples["s"]])[:3]
            else:
                self.others += len(self.nine)           # alone, nothing says they are seconds
                if self.other_example is None:
                    self.other_example = self.nine[0]
            self.nine = []
        if not self.seen:
            return None
        shown = ", ".join(f"'{e}'" for e in self.examples["s"][:2] + self.examples["ms"][:2])
        if not date_heading(header):
            if self.others:
                return None             # ids or counts among dates: refused row by row
            raise ImportRefused(
                f"column '{self.column}' is taken as a date, but its heading names no date and its values "
                f"({shown}) are whole numbers of {'ten' if self.counts['s'] else 'thirteen'} digits: ids or "
                "numbers, or Unix times under a heading that does not say so. Nothing was imported. Take a date "
                "column instead (--map \"Column=Field\"); if these are Unix times, give the column a heading that "
                "names a date or time (\"Created\", \"Timestamp\") and import again.")
        if self.counts["s"] and self.counts["ms"]:
            raise ImportRefused(
                f"column '{self.column}': its values look like Unix times, but some have ten digits (seconds: "
                f"{', '.join(repr(e) for e in self.examples['s'][:2])}) and some thirteen (milliseconds: "
                f"{', '.join(repr(e) for e in self.examples['ms'][:2])}): one system writes one of them. Nothing "
                "was imported. Write the column in one unit (or as dates, YYYY-MM-DD HH:MM), and import again.")
        unit = "s" if self.counts["s"] else "ms"
        words = UNITS[unit][0]
        if unit == "s" and self.compact == self.counts["s"]:
            # "2026010512": every value is also a date and hour written without separators
            # (YYYYMMDDHH, 2026-01-05 12:00); seconds that all happen to be so are rare, but
            # nothing in the column decides it
            first = self.examples["s"][0]
            as_unix = moment(first, "s")
            raise ImportRefused(
                f"column '{self.column}': its values ({shown}) read two ways: as dates and hours written "
                f"YYYYMMDDHH ('{first}' is {compact_hour(first).strftime('%Y-%m-%d %H:00')}) or as Unix seconds "
                f"('{first}' is {as_unix.strftime('%Y-%m-%d %H:%M:%S')} UTC). Nothing was imported. Write the "
                "column as dates (YYYY-MM-DD HH:MM), or leave it out with --map \"" + self.column + "=-\", "
                "and import again.")
        if self.outside:
            odd = "; ".join(f"'{v}' is " + (w.strftime("%Y-%m-%d") if w else "no date") for v, w in self.outside)
            raise ImportRefused(
                f"column '{self.column}': its values look like {words} ({shown}), but {odd}: outside "
                f"{FIRST.year}–{LAST.year}, so the column holds no Unix times or some are damaged. Nothing was "
                "imported. Fix those values (or leave the column out with --map \"" + self.column + "=-\"), and "
                "import again.")
        if self.others:
            raise ImportRefused(
                f"column '{self.column}': {self.seen} value(s) are {words} ({shown}) and {self.others} are "
                f"not (e.g. '{self.other_example}'): one column is written one way. Nothing was imported. "
                "Write the column one way (dates YYYY-MM-DD, or Unix times alone), and import again.")
        first = self.examples[unit][0]
        when = moment(first, unit)
        return Decision(unit, {
            "what": f"Unix times in '{self.column}'",
            "decided": f"read as {words} since 1970-01-01 UTC, "
                       + ("stored as that moment (shown in " + zone_name + ")" if timed else f"dated in {zone_name}")
                       + f" ('{first}' is {when.strftime('%Y-%m-%d %H:%M')} UTC)",
            "evidence": f"all {self.seen:,} value(s) are whole numbers of {10 if unit == 's' else 13} digits "
                        f"from {FIRST.year} to {LAST.year} as {words} ({shown}), under a date heading"})
