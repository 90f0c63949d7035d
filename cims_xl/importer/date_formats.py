"""How a date/time number format shows a date: the text Excel displays for a date cell.

A cell holding a date shown through `d-mmm` reads "12-Oct" in Excel; text fields (an
order number, a customer id, a postal code) take that text, as they take "02134" for
a number under `00000`. Date fields keep the date itself.

Format syntax: ECMA-376 Part 1, 18.8.31 (numFmts) — y/m/d/h/s codes, AM/PM, quoted
and escaped literals, `[$-LCID]` locale prefixes (month names from CLDR through
babel for that locale, [MS-LCID] id -> tag through Python's locale.windows_locale),
`[h]`/`[mm]` elapsed times, and the Japanese era codes g/gg/ggg and e. The built-in
ids 14-22 (18.8.30) are read with their en-US display: Excel shows them in the
system's locale, which the file does not record.
"""

from __future__ import annotations

import datetime as dt
import locale as _locale
import re

# Built-in date/time formats (ECMA-376 Part 1, 18.8.30): 14 is "the system's short date",
# m/d/yyyy in en-US Excel; 22 is that date with h:mm.
BUILTIN_DATE_FORMATS = {14: "m/d/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
                        19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yyyy h:mm",
                        45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0"}

_BRACKET = re.compile(r"\[([^\]]*)\]")
_TOKEN = re.compile(r'"[^"]*"|\\.|AM/PM|am/pm|A/P|a/p|\[[hHmMsS]+\]|[yY]+|[mM]+|[dD]+|[hH]+|[sS]+(?:\.0+)?|[eE]+|[gG]+'
                    r'|[bB]{1,2}|0+|.', re.S)
# Japanese eras (the first day of each), for the g/e codes under a Japanese locale.
_JA_ERAS = ((dt.date(2019, 5, 1), "令和", "令", "R"), (dt.date(1989, 1, 8), "平成", "平", "H"),
            (dt.date(1926, 12, 25), "昭和", "昭", "S"), (dt.date(1912, 7, 30), "大正", "大", "T"),
            (dt.date(1868, 1, 25), "明治", "明", "M"))


def _section(code: str) -> str:
    """The section a positive date uses (the first) of a format code."""
    out, quoted = [], False
    for i, ch in enumerate(code):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted and (i == 0 or code[i - 1] != "\\"):
            break
        out.append(ch)
    return "".join(out)


class DateFormat:
    """A date/time number format: `of(code)` is None for any other format."""

    __slots__ = ("tokens", "tag")

    def __init__(self, tokens: list[str], tag: str | None):
        self.tokens = tokens
        self.tag = tag                         # a locale tag from [$-LCID], else None (English)

    @classmethod
    def of(cls, code: str) -> "DateFormat | None":
        code = _section(code or "")
        tag = None
        rest = []
        pos = 0
        for m in _BRACKET.finditer(code):
            inner = m.group(1)
            rest.append(code[pos:m.start()])
            pos = m.end()
            if inner.startswith("$"):
                lcid = inner.rsplit("-", 1)[-1] if "-" in inner else ""
                if inner[1:].split("-", 1)[0]:
                    return None                  # [$€-407]: a currency format
                try:
                    tag = _locale.windows_locale.get(int(lcid, 16) & 0xFFFF) if lcid else None
                except ValueError:
                    return None
            elif re.fullmatch(r"[hHmMsS]+", inner):
                rest.append(m.group(0))
            # colours and conditions ([Red], [>=100]) show nothing
        rest.append(code[pos:])
        tokens = _TOKEN.findall("".join(rest))
        low = [t.lower() for t in tokens]
        if not any(t[0] in "ydgeb" or t in ("mmm", "mmmm", "mmmmm") for t in low
                   if not t.startswith(('"', "\\"))):
            if not any(t[0] in "hs" or t.startswith("[") for t in low if not t.startswith(('"', "\\"))):
                return None                      # no date or time code: a number format
        if any(t in ("#", "?", "@", "%") or t.startswith("0") for t in tokens):
            return None                          # digits or text placeholders: not a date
        if any(len(t) == 1 and t.isalpha() and t.lower() not in "ymdhsegb" for t in tokens):
            return None                          # "General", or letters no date code uses
        return cls(tokens, tag)

    def show(self, value: dt.date | dt.datetime | dt.time) -> str:
        """The text this format shows for `value`."""
        if isinstance(value, dt.datetime):
            day, clock = value.date(), value.time()
        elif isinstance(value, dt.date):
            day, clock = value, dt.time()
        else:
            day, clock = dt.date(1899, 12, 30), value
        ampm = any(t.upper() in ("AM/PM", "A/P") for t in self.tokens)
        out: list[str] = []
        after_hour = False
        for i, t in enumerate(self.tokens):
            low = t.lower()
            if t.startswith('"'):
                out.append(t[1:-1])
                continue
            if t.startswith("\\"):
                out.append(t[1:])
                continue
            c = low[0]
            if c == "y":
                out.append(f"{day.year % 100:02d}" if len(t) <= 2 else f"{day.year:04d}")
            elif c == "m" and not low.startswith("[") :
                if len(t) <= 2 and (after_hour or self._seconds_follow(i)):
                    out.append(f"{clock.minute:02d}" if len(t) == 2 else str(clock.minute))
                else:
                    out.append(self._month(day, len(t)))
            elif c == "d":
                out.append(self._day(day, len(t)))
            elif c == "h":
                hour = clock.hour % 12 or 12 if ampm else clock.hour
                out.append(f"{hour:02d}" if len(t) >= 2 else str(hour))
            elif c == "s":
                out.append(f"{clock.second:02d}" if low.startswith("ss") else str(clock.second))
                if "." in t:
                    places = len(t.split(".", 1)[1])
                    out.append("." + f"{clock.microsecond:06d}"[:places])
            elif low.startswith("["):
                days = (day - dt.date(1899, 12, 30)).days if not isinstance(value, dt.time) else 0
                total = days * 86400 + clock.hour * 3600 + clock.minute * 60 + clock.second
                unit = low[1]
                out.append(str(total // 3600 if unit == "h" else total // 60 if unit == "m" else total))
            elif low in ("am/pm", "a/p"):
                pm = clock.hour >= 12
                word = ("PM" if pm else "AM") if low == "am/pm" else ("P" if pm else "A")
                out.append(word if t[0].isupper() else word.lower())
            elif c == "g":
                era = self._era(day)
                out.append(era[1] if len(t) >= 3 else era[2] if len(t) == 2 else era[3])
            elif c == "e":
                era = self._era(day)
                out.append(str(day.year - era[0].year + 1) if self.tag and self.tag.startswith("ja")
                           else str(day.year))
            elif c == "b":
                out.append(str(day.year + 543) if len(t) == 2 else f"{(day.year + 543) % 100:02d}")
            else:
                out.append(t)
            after_hour = c in "h" or (after_hour and c not in "ydm" and not t.strip().isalpha() and c != "s")
        return "".join(out)

    def _seconds_follow(self, i: int) -> bool:
        for t in self.tokens[i + 1:]:
            c = t[0].lower()
            if c == "s":
                return True
            if c in "ymdh":
                return False
        return False

    def _names(self, kind: str, context: str = "format"):
        from babel import Locale
        from babel.core import UnknownLocaleError

        try:
            loc = Locale.parse(self.tag or "en_US")
        except (ValueError, UnknownLocaleError):
            loc = Locale.parse("en_US")
        return getattr(loc, kind)[context]

    def _month(self, day: dt.date, n: int) -> str:
        if n <= 2:
            return f"{day.month:02d}" if n == 2 else str(day.month)
        if n == 3:          # Excel's short month names are CLDR's stand-alone ones (Okt, not Okt.)
            return self._names("months", "stand-alone")["abbreviated"][day.month]
        names = self._names("months")
        if n == 5:
            return names["narrow"][day.month] if "narrow" in names else names["wide"][day.month][:1]
        return names["wide"][day.month]

    def _day(self, day: dt.date, n: int) -> str:
        if n <= 2:
            return f"{day.day:02d}" if n == 2 else str(day.day)
        names = self._names("days")
        return (names["abbreviated"] if n == 3 else names["wide"])[day.weekday()]

    @staticmethod
    def _era(day: dt.date):
        for era in _JA_ERAS:
            if day >= era[0]:
                return era
        return _JA_ERAS[-1]


def date_format(code: str) -> DateFormat | None:
    """The date/time reading of a format code, else None."""
    return DateFormat.of(code)
