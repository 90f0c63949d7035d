"""Date columns whose cells are digits alone: Excel day numbers, or dates written
without separators, decided on the whole column.

"45352" in a date column is Excel's day count (2024-03-01); "240305" is not: as a day
number it would be 2557-12-05. Japanese and Korean exports, SAP and hand-typed sheets
write dates as digits alone: yymmdd ("240305"), ddmmyy ("050324"), mmddyy, and with
four-digit years yyyymmdd ("20240305"), ddmmyyyy ("05032024"), mmddyyyy. A number cell
loses a leading zero (050324 is stored as 50324).

`DigitEvidence` sees every such cell of a column in the import's first pass and keeps,
for each reading (day number, YMD, DMY, MDY), whether every value is a date under it
and the earliest and latest date it gives. `DigitEvidence.decide` then takes the
reading that gives every value a date a customer record can hold: from 1900-01-01 to a
year after today (ten years for an opportunity's expected close; `AHEAD_YEARS`).
Day numbers keep precedence when they fit (as before); a leading 0 in text is never a
day number. Two compact readings that both fit stop the import naming the column, its
examples and --date-order; none that fits, when the values cannot be day numbers of our
times either, stops it too. --date-order settles both (rows that do not fit are then
refused one by one).

The same rule decides dates written with separators and a two-digit year ("24.03.05",
"23/11/28": yy.mm.dd in Korean and Japanese exports, dd.mm.yy in German ones):
`ShortYears` keeps, per order, the earliest and latest date the column's values give,
and `ShortYears.narrow` drops an order that puts some value before 1900 or after the
field's latest plausible day ("23.11.28" as dd.mm.yy is 2028-11-23: no order of today).
One order left decides; none left stops naming the values.

A column can hold both kinds ("25/03/2024" beside "050324"): `DigitEvidence.decide`
then reads the digits in the order the values written with separators allow
(`Beside`), when only one order fits both, and stops naming both when none does.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..domain import normalize as nz
from .errors import AmbiguousDates, ImportRefused

ORDERS = ("YMD", "DMY", "MDY")
FIRST_DAY = _dt.date(1900, 1, 1)    # a CRM's dates (orders, consents, birthdays, tickets) start here
AHEAD_YEARS = {"expected_close": 10, "customer_expected_close": 10}   # fields whose dates lie years ahead
AHEAD_DEFAULT = 1                   # others: events that happened (an order, a ticket, a consent), a year's slack
FAR_YEARS = nz.DAY_NUMBER_YEARS_AHEAD   # a day number later than this is no date of ours at all
SEEN_MAX = 50_000                   # distinct values remembered to skip repeats
YEAR_SPREAD = 20                    # distinct first (or last) pairs that show they are no year


def today() -> _dt.date:
    """Today's date (a function so tests can fix it)."""
    return _dt.date.today()


def _years_after(day: _dt.date, years: int) -> _dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                      # 29 February
        return day.replace(year=day.year + years, day=28)


def latest_day(target: str, now: _dt.date | None = None) -> _dt.date:
    """The latest date a field's values plausibly have: today + AHEAD_YEARS (or a year)."""
    return _years_after(now or today(), AHEAD_YEARS.get(target, AHEAD_DEFAULT))


@dataclass
class _Reading:
    """What one reading makes of a column's values."""
    count: int = 0
    bad: object = None                  # a value that is no date under this reading
    low: tuple | None = None            # (date, value) earliest
    high: tuple | None = None           # (date, value) latest

    def add(self, day: _dt.date | None, value: object) -> None:
        if day is None:
            if self.bad is None:
                self.bad = value
            return
        self.count += 1
        if self.low is None or day < self.low[0]:
            self.low = (day, value)
        if self.high is None or day > self.high[0]:
            self.high = (day, value)

    def fits(self, last: _dt.date) -> bool:
        return (self.bad is None and self.low is not None and self.low[0] >= FIRST_DAY
                and self.high[0] <= last)


def ahead_words(target: str) -> str:
    """"a year after today", "10 years after today": the latest plausible day of a field, in words."""
    years = AHEAD_YEARS.get(target, AHEAD_DEFAULT)
    return "a year after today" if years == 1 else f"{years} years after today"


ORDER_WORDS = nz.ORDER_WORDS


@dataclass
class ShortYears:
    """Dates written with separators and a two-digit year ("24.03.05", "23/11/28") seen
    in a column: per order, the earliest and latest date its values give under it
    (`nz.short_year_readings`). Every distinct value is added once."""
    readings: dict = field(default_factory=lambda: {k: _Reading() for k in ORDERS})
    # the same day-or-month-first values with their two-digit year read as a Thai
    # Buddhist-era year ("05/03/67": 2567 BE, 2024), per order
    buddhist: dict = field(default_factory=lambda: {k: _Reading() for k in ("DMY", "MDY")})

    def add(self, value: str) -> None:
        found = nz.short_year_readings(value)
        if not found:
            return
        for order, day in found.items():
            self.readings[order].add(day, value)
        if nz.short_year_last(value) is not None:
            moved = nz.buddhist_short_readings(value)
            for order in self.buddhist:
                if order in found:
                    self.buddhist[order].add(moved.get(order), value)

    def _wrong(self, order: str, last: _dt.date, readings: dict | None = None) -> str | None:
        """"'23.11.28' would be 2028-11-23": a value the order reads as no plausible date."""
        r = (readings or self.readings)[order]
        if r.count and r.low[0] < FIRST_DAY:
            return f"'{r.low[1]}' would be {r.low[0].isoformat()}"
        if r.count and r.high[0] > last:
            return f"'{r.high[1]}' would be {r.high[0].isoformat()}"
        return None

    def narrow(self, column: str, candidates: frozenset[str], target: str, calendar: str | None = None,
               thai: str = "") -> tuple[frozenset[str], str | None]:
        """(the candidate orders that give every two-digit-year value a plausible date,
        the summary's words on those dropped); (candidates, None) when that drops none.
        ImportRefused, naming the values, when it drops them all: every reading puts
        some value before 1900 or after `latest_day(target)`; when the years read as Thai
        Buddhist-era years ("05/03/67": 2567 BE, 2024) give plausible dates, the stop
        names those readings and --calendar beside --date-order (`thai`: the words
        pointing the file to Thailand, if any). `calendar` "buddhist" (--calendar): the
        two-digit years last are read so."""
        if len(candidates) < 2:
            return candidates, None
        last = latest_day(target)
        readings = {**self.readings, **self.buddhist} if calendar == "buddhist" else self.readings
        wrong = {o: w for o in sorted(candidates) if (w := self._wrong(o, last, readings)) is not None}
        if not wrong:
            return candidates, None
        kept = candidates - set(wrong)
        against = "; ".join(f"as {ORDER_WORDS[o]} {w}" for o, w in wrong.items())
        if not kept:
            options = " or ".join(f"--date-order {o}" for o in ("DMY", "MDY", "YMD") if o in candidates)
            be = [o for o in ("DMY", "MDY") if o in candidates and self.buddhist[o].count
                  and self.buddhist[o].fits(last)] if calendar is None else []
            if be:
                shown = "; ".join(f"as {ORDER_WORDS[o]} '{self.buddhist[o].high[1]}' is "
                                  f"{self.buddhist[o].high[0].isoformat()}" for o in be)
                orders = " or ".join(f"--date-order {o}" for o in be)
                y = nz.short_year_last(self.buddhist[be[0]].high[1])[0]
                raise ImportRefused(
                    f"column '{column}': the years are written in two digits, and as Common Era years no "
                    f"order reads every value as a date from {FIRST_DAY.year} to {last.isoformat()} "
                    f"({ahead_words(target)}): {against}. As Thai Buddhist-era years (25yy − 543: {y:02d} is "
                    f"{2500 + y} BE, {1957 + y}) they do: {shown}"
                    + (f"; the file points to Thailand ({thai})" if thai else "")
                    + f". Nothing was imported. Give --calendar buddhist with {orders} (e.g. --calendar "
                      f"buddhist --date-order {be[0]}), or --calendar gregorian with {options} to read the "
                      "years as 19yy/20yy, or write the years in four digits.")
            raise ImportRefused(
                f"column '{column}': no order reads every value as a date from {FIRST_DAY.year} to "
                f"{last.isoformat()} ({ahead_words(target)}): {against}. Nothing was imported. Fix those "
                f"values, or say {options} to read the column so.")
        words = (" or ".join(ORDER_WORDS[o] for o in sorted(kept)) + f" reads every value as a date from "
                 f"{FIRST_DAY.year} to {last.isoformat()} ({ahead_words(target)}); {against}")
        return frozenset(kept), words


@dataclass
class Beside:
    """What a column's dates written with separators say, for its digit values: the
    orders they allow (one when they decide it) and a few of them as the file shows them."""
    orders: frozenset
    examples: list


@dataclass
class Decision:
    """How a column's digit values are read: "serial" (Excel day numbers, as before) or
    "compact" in `order`, with the summary's line (`inference`)."""
    how: str
    order: str | None = None
    inference: dict | None = None
    beside: bool = False                # decided with the column's dates written with separators
    why: str = ""                       # the evidence, without the values it is about


@dataclass
class DigitEvidence:
    column: str
    serial_offset: int = 0              # days a number cell's day count is moved (1462: a 1904 workbook)
    digits: int = 0                     # cells of digits alone (five to eight)
    examples: list = field(default_factory=list)    # a few values as the file shows them
    raw: list = field(default_factory=list)         # the same cells as read (numbers stay numbers)
    leading_zero: str | None = None     # a text value starting with 0: never a day number
    widths: set = field(default_factory=set)
    firsts: set = field(default_factory=set)    # first two digits of six-digit values
    lasts: set = field(default_factory=set)     # last two
    seen: set = field(default_factory=set)
    readings: dict = field(default_factory=lambda: {k: _Reading() for k in ("serial", *ORDERS)})

    def add(self, value: object) -> None:
        """One non-blank cell of the column (text stripped, or a number)."""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return
        if value in self.seen:
            return
        if len(self.seen) < SEEN_MAX:
            self.seen.add(value)
        digits = nz.compact_digits(value)
        serial = nz.day_number_date(value)
        if serial is not None and self.serial_offset and not isinstance(value, str):
            serial += _dt.timedelta(days=self.serial_offset)
        if digits is None:
            if serial is not None:              # 45352.5, 1234: a day number, no compact date
                self.readings["serial"].add(serial, value)
                for order in ORDERS:
                    self.readings[order].add(None, value)
            return
        self.digits += 1
        shown = str(int(value)) if isinstance(value, float) else str(value)
        if len(self.examples) < 4:
            self.examples.append(shown)
            self.raw.append(value)
        if isinstance(value, str) and value.startswith("0") and self.leading_zero is None:
            self.leading_zero = value
        self.widths.add(len(digits))
        if len(digits) == 6 and len(self.firsts) < 100:
            self.firsts.add(digits[:2])
            self.lasts.add(digits[4:])
        self.readings["serial"].add(serial, shown)
        for order in ORDERS:
            self.readings[order].add(nz.compact_date(value, order), shown)

    def _name(self, order: str) -> str:
        return " or ".join(nz.COMPACT_NAMES[(order, w)] for w in sorted(self.widths))

    def decide(self, target: str, date_order: str | None = None, beside: Beside | None = None) -> Decision | None:
        """The reading of the column's digit values for field `target`; None when it
        has none. `beside`: the orders the column's dates written with separators allow
        ("25/03/2024": day/month/year); the digits are read in the one order that fits
        both. Raises AmbiguousDates (several compact readings fit every value) or
        ImportRefused (none does, and the values cannot be day numbers of our times; or
        the digits and the dates with separators fit no order together)."""
        if not self.digits:
            return None
        now = today()
        last = latest_day(target, now)
        serial = self.readings["serial"]
        fitting = [o for o in ORDERS if self.readings[o].fits(last)]
        if serial.fits(last):
            if not fitting:
                return Decision("serial")
            if date_order in fitting:
                return self._compact(date_order, "--date-order", last)
            self._refuse_serial_or_compact(fitting)
        far = _years_after(now, FAR_YEARS)
        not_serial = serial.bad is not None or (serial.high is not None and serial.high[0] > far)
        spread = self._narrow_by_spread(fitting)
        if spread is not None:
            fitting, spread_words = spread
        else:
            spread_words = None
        if date_order and (not_serial or date_order in fitting):
            return self._compact(date_order, "--date-order", last)
        # yyyymmdd is ISO 8601's basic form, written so in every country: it says
        # nothing of the order of the column's other dates
        if beside is not None and fitting and not (fitting == ["YMD"] and self.widths == {8}):
            both = [o for o in fitting if o in beside.orders]
            if not both:
                self._refuse_beside(fitting, beside, last)
            if len(both) > 1:
                raise AmbiguousDates({self.column: self.examples[:2] + beside.examples[:2]}, {self.column: both})
            if len(fitting) > 1 or len(beside.orders) > 1:
                decision = self._compact(both[0], self._beside_words(both[0], fitting, beside), last)
                decision.beside = True
                return decision
        if len(fitting) == 1:
            why = spread_words or self._why(fitting[0], last)
            return self._compact(fitting[0], why, last)
        if len(fitting) > 1:
            raise AmbiguousDates({self.column: self.examples[:4]}, {self.column: fitting})
        if not not_serial:
            return Decision("serial")
        shown = ", ".join(f"'{e}'" for e in self.examples[:3])
        reasons = "; ".join(self._against(o, last) for o in ORDERS)
        raise ImportRefused(
            f"column '{self.column}': values such as {shown} are digits alone, but no reading gives every "
            f"one a date of {FIRST_DAY.year}–{last.year}: {reasons}; {self._serial_words(last)}. Nothing was "
            "imported. Fix those values, or give --date-order YMD (yymmdd, yyyymmdd), DMY (ddmmyy, ddmmyyyy) "
            "or MDY (mmddyy, mmddyyyy) to read them so: the rows that do not fit are then rejected.")

    def _beside_words(self, order: str, fitting: list[str], beside: Beside) -> str:
        """Why the digits are read in `order`: the orders they and the dates written
        with separators allow, and the one both allow."""
        shown = ", ".join(f"'{e}'" for e in beside.examples[:2])
        alone = " or ".join(self._name(o) for o in fitting)
        said = " or ".join(ORDER_WORDS[o] for o in ORDERS if o in beside.orders)
        return (f"the column's dates written with separators ({shown}) read as {said}; the digits alone read as "
                f"{alone}: only {ORDER_WORDS[order]} fits both")

    def _refuse_beside(self, fitting: list[str], beside: Beside, last: _dt.date) -> None:
        """The column's dates written with separators allow orders its digit values
        cannot take ("03/25/2024": month first, beside "240305": yymmdd only)."""
        shown = ", ".join(f"'{e}'" for e in beside.examples[:2])
        digits = ", ".join(f"'{e}'" for e in self.examples[:2])
        said = " or ".join(ORDER_WORDS[o] for o in ORDERS if o in beside.orders)
        against = "; ".join(self._against(o, last) for o in ORDERS if o in beside.orders)
        options = " or ".join(f"--date-order {o}" for o in ORDERS if o in beside.orders or o in fitting)
        raise ImportRefused(
            f"column '{self.column}': its dates written with separators ({shown}) read only as {said}, but its "
            f"dates written as digits alone ({digits}) read only as " + " or ".join(self._name(o) for o in fitting)
            + f" ({against}): no order fits both. Nothing was imported. Fix those values, or say {options} "
            "to read the column in that order (the rows that do not fit it are then rejected).")

    def _refuse_serial_or_compact(self, fitting: list[str]) -> None:
        """Every value is an Excel day number of 1900 to now and a compact date too
        (41203: 2012-10-21, or yymmdd 2004-12-03): nothing in the column tells."""
        example, value = self.examples[0], self.raw[0]
        serial = nz.day_number_date(value)
        readings = "; ".join(f"as {self._name(o)} {nz.compact_date(value, o).isoformat()}" for o in fitting)
        options = " or ".join(f"--date-order {o}" for o in fitting)
        raise ImportRefused(
            f"column '{self.column}': values such as " + ", ".join(f"'{e}'" for e in self.examples[:3])
            + f" read both as Excel day numbers ('{example}' = {serial.isoformat() if serial else '?'}) and as "
            f"dates written as digits ('{example}' {readings}), and no value tells which. Nothing was imported. "
            f"Say {options} to read them as written digits; if they are Excel day numbers, give the column a "
            "date format in the workbook (or write the dates out, YYYY-MM-DD) and import it again.")

    def _narrow_by_spread(self, fitting: list[str]) -> tuple[list[str], str] | None:
        """Six-digit values: the year pair takes few values, the day pair up to 31. With
        YEAR_SPREAD distinct first pairs against a quarter as many last pairs, the first
        pair is no year (not YMD); the other way round, the last pair is none."""
        if len(fitting) < 2 or self.widths != {6}:
            return None
        firsts, lasts = len(self.firsts), len(self.lasts)
        if "YMD" in fitting and firsts >= YEAR_SPREAD and lasts * 4 <= firsts:
            kept = [o for o in fitting if o != "YMD"]
            return kept, (f"the first two digits take {firsts} values and the last two {lasts}: "
                          "the year is last")
        if "YMD" in fitting and lasts >= YEAR_SPREAD and firsts * 4 <= lasts:
            return ["YMD"], (f"the first two digits take {firsts} values and the last two {lasts}: "
                             "the year is first")
        return None

    def _against(self, order: str, last: _dt.date) -> str:
        r = self.readings[order]
        name = self._name(order)
        if r.bad is not None:
            return f"'{r.bad}' is no date as {name}"
        if r.low is not None and r.low[0] < FIRST_DAY:
            return f"{name} reads '{r.low[1]}' as {r.low[0].isoformat()}"
        if r.high is not None:
            return f"{name} reads '{r.high[1]}' as {r.high[0].isoformat()}"
        return f"{name} reads none"

    def _serial_words(self, last: _dt.date) -> str:
        serial = self.readings["serial"]
        if self.leading_zero is not None:
            return f"Excel never writes a day number with a leading 0 ('{self.leading_zero}')"
        if serial.bad is not None:
            return f"'{serial.bad}' is no Excel day number"
        if serial.high is not None:
            return f"as Excel day numbers '{serial.high[1]}' would be {serial.high[0].isoformat()}"
        return "they are no Excel day numbers"

    def _why(self, order: str, last: _dt.date) -> str:
        others = [self._against(o, last) for o in ORDERS if o != order and self.readings[o].count + (
            self.readings[o].bad is not None) > 0]
        return (f"the only reading that gives every value a date of {FIRST_DAY.year}–{last.year}"
                + (f" ({'; '.join(others)})" if others else "") + f"; {self._serial_words(last)}")

    def _compact(self, order: str, why: str, last: _dt.date) -> Decision:
        example = self.examples[0]
        day = nz.compact_date(self.raw[0], order)
        shown = f" ('{example}' is {day.isoformat()})" if day else ""
        return Decision("compact", order, why=why, inference={
            "what": f"dates written as digits in '{self.column}'",
            "decided": f"{self._name(order)}{shown}",
            "evidence": f"{self.digits:,} different value(s) such as " + ", ".join(f"'{e}'" for e in self.examples[:3])
                        + f": {why}"})
