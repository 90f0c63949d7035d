"""Whether a column headed like tags holds tags, on the whole column's evidence.

A heading says "Tags" in many languages ("Tags", "Labels", "タグ", "태그", numbered
"Tag 1"), but one word is also another language's: German "Tag 1", "Tag 2" are day 1
and day 2 of an event list, and their cells hold dates ("05.03.2026"), times
("14:30") or weekdays ("Montag"). Such values are no tags. A column the synonyms gave
to Tags whose every value is a date, a time, a weekday or a number is left unmapped
(kept like the file's other unmapped columns) and the summary says why, naming
`--map "Column=Tags"` to take it as tags after all. A column mostly of such values
with some words among them cannot be decided: the import stops naming the column,
examples of both and the options. A column of tags with a few numbers or dates among
them ("VIP", "2024") stays Tags. A year, alone or in a list of tags ("2024", "2024,
2025", "2024, 2025, VIP"), is a tag and no evidence of days: no day's or event's column
holds a bare year, while tag lists often do (the years a customer bought in). `--map`
and a saved profile decide a column outright.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from functools import lru_cache

from ..domain import normalize as nz
from ..domain.models import TAG_SEPARATORS
from . import mapping as mp
from .errors import ImportRefused

EXAMPLES = 3
TARGET = "tags"

_NUMBER = re.compile(r"^[+\-\u2212]?\d[\d.,'\s\u00a0\u202f]*%?$")
_CLOCK = r"\d{1,2}(?:[:.h]\d{2}(?::\d{2})?)?\s*(?:[ap]\.?\s?m\.?|uhr|h|时|時|시)?"
_TIME = re.compile(rf"^(?:{_CLOCK})(?:\s*(?:-|–|—|~|〜|bis|to|à|a)\s*(?:{_CLOCK}))?$", re.IGNORECASE)
# "05.03." and "5.3." as German write a day without its year, "03/05" without a year
_DAY_MONTH = re.compile(r"^\d{1,2}(?:\.\s*\d{1,2}\.|/\d{1,2})$")
# "5. März", "Mar 5", "Mai 2026"
_DAY_MONTH_NAME = re.compile(r"^(?:\d{1,2}\.?\s*([^\W\d_]+)\.?|([^\W\d_]+)\.?\s*(?:\d{1,2}(?:st|nd|rd|th)?|\d{4}))$")
_WORDS = re.compile(r"[\s,]+")
# a calendar year as a tag: 1900 to 2099
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEARS_SPLIT = re.compile("|".join(re.escape(sep) for sep in TAG_SEPARATORS) + r"|\s+")


def calendar_kind(value: object) -> str | None:
    """"date", "time", "weekday" or "number" for a cell that is one ("05.03.2026",
    "5. März", "14:30", "9-17 Uhr", "Montag", "Mo, 05.03.2026", 3, "1.5"); None for
    any other (a word, a code such as "A-12", a year or a list of years: "2024",
    "2024, 2025", 2024)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, _dt.datetime | _dt.date):
        return "date"
    if isinstance(value, _dt.time | _dt.timedelta):
        return "time"
    if isinstance(value, int | float | Decimal):
        whole = isinstance(value, int) or float(value).is_integer()
        return None if whole and _YEAR.match(str(int(value))) else "number"       # a year: a tag
    text = str(value).strip()
    return _text_kind(text) if text else None


@lru_cache(maxsize=4096)            # a tag column repeats its values: read each once
def _text_kind(text: str) -> str | None:
    if not any(ch.isdigit() for ch in text):
        # no date or time without digits: a weekday ("Montag", "Mo.") or a word
        return "weekday" if nz.is_weekday_name(text) else None
    if _TIME.match(text) and not text.isdigit():
        return "time"
    if _NUMBER.match(text):
        if _are_years(text):
            return None                # "2024", "2024, 2025": tags, as words are
        return "date" if _is_date(text) else "number"
    if nz.is_weekday_name(text):
        return "weekday"
    head, _, rest = text.partition(" ")
    if rest and nz.is_weekday_name(head.rstrip(",")):          # "Mo, 05.03.2026", "Monday 14:30"
        return _text_kind(rest.strip(" ,")) and "date"
    return "date" if _is_date(text) else None


def _are_years(text: str) -> bool:
    """Whether every tag of the cell is a year ("2024", "2024, 2025", "2023; 2024")."""
    parts = [p for p in _YEARS_SPLIT.split(text) if p]
    return bool(parts) and all(_YEAR.match(p) for p in parts)


def _is_date(text: str) -> bool:
    if _DAY_MONTH.match(text):
        return True
    if (m := _DAY_MONTH_NAME.match(text)) and nz.is_month_name(m.group(1) or m.group(2)):
        return True
    for order in (None, "DMY", "MDY", "YMD"):
        try:
            if nz.parse_date(text, order) is not None and not nz.is_day_number_text(text):
                return True
        except ValueError:
            continue
    return False


class TagColumnEvidence:
    """The values of the columns a mapping gives to Tags by their headings alone (not
    --map, not a profile): how many are dates, times, weekdays or numbers, with examples."""

    def __init__(self, mapping: mp.Mapping, columns: list[int]):
        self.columns = {columns[j]: c.header for j, c in enumerate(mapping.columns)
                        if c.target == TARGET and c.how not in ("override", "profile")}
        self.active = bool(self.columns)
        self.filled = dict.fromkeys(self.columns, 0)
        self.calendar = dict.fromkeys(self.columns, 0)
        self.kinds: dict[int, dict[str, int]] = {c: {} for c in self.columns}
        self.dated: dict[int, list[str]] = {c: [] for c in self.columns}
        self.worded: dict[int, list[str]] = {c: [] for c in self.columns}

    def add(self, values: list) -> None:
        for col in self.columns:
            if col >= len(values) or nz.is_blank(values[col]):
                continue
            value = values[col]
            self.filled[col] += 1
            kind = calendar_kind(value)
            shown = value.isoformat() if isinstance(value, _dt.date | _dt.time) else str(value).strip()
            if kind is None:
                if len(self.worded[col]) < EXAMPLES:
                    self.worded[col].append(shown)
                continue
            self.calendar[col] += 1
            self.kinds[col][kind] = self.kinds[col].get(kind, 0) + 1
            if len(self.dated[col]) < EXAMPLES:
                self.dated[col].append(shown)

    def decide(self, mapping: mp.Mapping, columns: list[int]) -> tuple[dict[int, str], list[dict]]:
        """({mapping position: ""} for the columns that are no tag columns, the summary's
        inferences). Raises ImportRefused for a column mostly of dates, times, weekdays
        or numbers with words among them: the evidence cannot say which they are."""
        changes: dict[int, str] = {}
        inferences: list[dict] = []
        for col, header in self.columns.items():
            if col not in columns:
                continue
            j = columns.index(col)
            c = mapping.columns[j]
            if c.target != TARGET or c.how in ("override", "profile") or not self.calendar[col]:
                continue
            filled, calendar = self.filled[col], self.calendar[col]
            kinds = " or ".join(_KIND_WORDS[k] for k in sorted(self.kinds[col], key=_KIND_ORDER.index))
            dated = ", ".join(f"'{v}'" for v in self.dated[col])
            if calendar == filled:
                changes[j] = ""
                inferences.append({
                    "what": f"column '{header}'",
                    "decided": "not Tags: kept with the columns no field takes",
                    "evidence": f"its heading reads like tags, but all {filled} value(s) are {kinds} "
                                f"({dated}), as a day's or an event's column holds (German 'Tag' is "
                                f"'day'); --map \"{header}=Tags\" takes them as tags"})
            elif calendar * 2 > filled:
                worded = ", ".join(f"'{v}'" for v in self.worded[col])
                raise ImportRefused(
                    f"column '{header}': its heading reads like tags, but {calendar} of its {filled} "
                    f"values are {kinds} ({dated}) and the others are words ({worded}): it may be a "
                    "column of days (German 'Tag' is 'day') or of tags. Nothing was imported. Give "
                    f"--map \"{header}=Tags\" to take them as tags, or --map \"{header}=Notes\" to keep "
                    "them in Notes.")
        return changes, inferences


_KIND_ORDER = ("date", "time", "weekday", "number")
_KIND_WORDS = {"date": "dates", "time": "times of day", "weekday": "weekdays", "number": "numbers"}


def without_stale_decision(mapping: mp.Mapping) -> None:
    """Bring the "'Tag 1' and 'Tag 2' together" decision up to date after columns were
    found to hold days: it names the columns still feeding Tags, or goes when fewer than
    two are left."""
    label = mapping.labels.get(TARGET)
    feeding = [c.header for c in mapping.columns if c.target == TARGET]
    kept = []
    for d in mapping.decisions:
        if d.get("what") != label:
            kept.append(d)
        elif len(feeding) > 1:
            kept.append({**d, "decided": " and ".join(f"'{h}'" for h in feeding) + " together"})
    mapping.decisions[:] = kept
