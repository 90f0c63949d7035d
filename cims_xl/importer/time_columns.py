"""A date and its time of day in two columns: one point in time.

Activity and help-desk exports often write the day and the time apart: Pipedrive's
"Activity - Due date" and "Activity - Due time", "Date" and "Time", German "Datum" and
"Uhrzeit", French "Date" and "Heure", Chinese 日期 and 时间, Japanese 日付 and 時刻. Read
one by one, the time went to Notes and every activity was stored at midnight.

`pair_time_columns` finds such pairs once the header is known, on two kinds of
evidence: the headings (the same words once with a date word, once with a time word:
"Created date" / "Created time"; or a date word alone beside a time word alone), and
the first rows' values (the date column holds dates without a time, the time column
mostly times of day). The date column then gives the field (When, Opened, Resolved …) and the
time column its time of day (`join`); the mapping's decisions say so for the summary.
A row whose time cell holds no time of day, or a time without a date, is refused with
the reason (never stored at midnight, never with the time dropped).
"""

from __future__ import annotations

import datetime as dt
import re

from ..domain import normalize as nz
from ..domain.schema import Entity
from .cells import Unreadable
from .table import is_blank_cell
from .heading_fold import fold

# Words for "date" and for "time (of day)" in headings, in the languages of the files
# the importer reads. Compared with the heading case-folded, as whole words (or inside
# the heading for scripts written without spaces).
DATE_WORDS = ("date", "datum", "fecha", "data", "dato", "datum", "päivämäärä", "päiväys", "tarih", "tanggal",
              "ngày", "дата", "日期", "日付", "年月日", "날짜", "일자", "일시")
TIME_WORDS = ("time", "uhrzeit", "zeit", "heure", "hora", "ora", "orario", "tijd", "tijdstip", "tid", "klokkeslett",
              "klockslag", "aika", "kellonaika", "czas", "godzina", "saat", "waktu", "jam", "giờ", "thời gian",
              "время", "час", "时间", "時間", "時刻", "时刻", "시간", "시각")
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_PUNCT = re.compile(r"[\W_]+")
TIME_HOW = "time of day"      # ColumnMap.how of a column that gives a date field its time


def _norm(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def _stem(header: str, words: tuple[str, ...]) -> str | None:
    """The heading without its one date (or time) word: "activity due" for "Activity -
    Due date"; "" for "Datum"; None when it has no such word."""
    text = _norm(header)
    tokens = text.split()
    for word in sorted(words, key=len, reverse=True):
        if _SPACELESS.search(word):
            if word in text:
                return _norm(text.replace(word, " ", 1))
            continue
        parts = word.split()
        for i in range(len(tokens) - len(parts) + 1):
            if tokens[i:i + len(parts)] == parts:
                return " ".join(tokens[:i] + tokens[i + len(parts):])
    return None


def _is_time_cell(value: object) -> bool:
    try:
        return nz.parse_time_of_day(value) is not None
    except ValueError:
        return False


def _is_day_cell(value: object) -> bool:
    """A cell that holds a date and no time of day (a date cell at midnight, text
    without a ':')."""
    if isinstance(value, dt.datetime):
        return value.time() == dt.time(0)
    if isinstance(value, dt.date):
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value).is_integer()            # an Excel day number, no fraction
    return isinstance(value, str) and ":" not in value and any(c.isdigit() for c in value)


def _column_is(rows: list[list], index: int, test, *, most: bool = False) -> bool:
    """Whether the column's cells in `rows` pass `test`: all of them, or with `most`
    more than half (a time column with a stray word: its row is refused later, the
    column is still the time column its heading says)."""
    cells = [r[index] for r in rows if index < len(r) and not is_blank_cell(r[index])]
    passed = sum(1 for c in cells if test(c))
    return bool(cells) and (passed * 2 > len(cells) if most else passed == len(cells))


def pair_time_columns(ent: Entity, mapping, rows: list[list]) -> None:
    """Find a date column and a time column that make one date field of `ent` (see the
    module docstring) and set them in `mapping` (an importer.mapping.Mapping): the date
    column maps to the field, the time column to none (how TIME_HOW), and
    `mapping.time_columns[field]` is the time column's position. `rows`: the first data
    rows (cells by mapping position). Columns a person mapped (--map) are left as they are."""
    datetime_keys = [f.key for f in ent.fields if f.kind == "datetime" and f.editable and not f.internal]
    if not datetime_keys:
        return
    columns = mapping.columns
    free = [i for i, c in enumerate(columns) if c.target is None and c.how == "unmapped"]
    fixed = {"override"}
    for key in datetime_keys:
        if key in mapping.time_columns:
            continue
        mapped = next((i for i, c in enumerate(columns) if c.target == key), None)
        if mapped is not None and columns[mapped].how in fixed:
            continue
        # Every column that could hold this field's date or time: the mapped one and the
        # free ones; pairs whose headings match, the date column first.
        candidates = ([mapped] if mapped is not None else []) + free
        if mapped is None and len([k for k in datetime_keys if not mapping.has(k)]) > 1 and ent.kind != "interaction":
            continue            # several date fields without a column: which one a free pair is cannot be told
        pair = _find_pair(columns, candidates, mapped, rows)
        if pair is None:
            _say_not_taken(mapping, key, candidates, mapped, rows)
            continue
        day, time = pair
        label = mapping.labels.get(key, key)
        how_day = columns[day].how if day == mapped else "date and time"
        columns[day].target, columns[day].how = key, how_day
        columns[time].target, columns[time].how = None, TIME_HOW
        mapping.time_columns[key] = time
        free = [i for i in free if i not in (day, time)]
        mapping.decisions.append({
            "what": f"date and time of '{label}'",
            "decided": f"'{columns[day].header}' + '{columns[time].header}'",
            "evidence": f"'{columns[day].header}' holds dates and '{columns[time].header}' times of day; "
                        "each row's date and time make one point in time"})


def _say_not_taken(mapping, key: str, candidates: list[int], mapped: int | None, rows: list[list]) -> None:
    """A time column by its heading, beside the date column, whose values are mostly no
    times of day ("10.3", "1.5": decimal numbers, which may be hours and tenths, 10:30
    or 10:03): not taken as the time, and the summary says why (never quietly)."""
    columns = mapping.columns
    for d in candidates:
        day_stem = _stem(columns[d].header, DATE_WORDS)
        for t in candidates:
            if t == d or (mapped is not None and mapped not in (d, t)) or day_stem is None:
                continue
            if _stem(columns[t].header, TIME_WORDS) != day_stem or not _column_is(rows, d, _is_day_cell):
                continue
            cells = [r[t] for r in rows if t < len(r) and not is_blank_cell(r[t])]
            odd = [str(c).strip()[:20] for c in cells if not _is_time_cell(c)]
            if not odd:
                continue
            shown = ", ".join(f"'{v}'" for v in dict.fromkeys(odd).keys() if v)[:120]
            decimal = all(_DECIMAL.match(v) for v in odd)
            label = mapping.labels.get(key, key)
            mapping.decisions.append({
                "what": f"column '{columns[t].header}'",
                "decided": f"not taken as the time of day of '{label}' (kept in Notes; "
                           f"'{label}' stored without a time)",
                "evidence": (f"its heading says a time, but its values such as {shown} are "
                             + ("decimal numbers, not times of day: '10.3' may be 10:30, 10:03 or 10.3 hours"
                                if decimal else "no times of day")
                             + "; write them as 10:30 to have them read")})
            return


_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def _find_pair(columns, candidates: list[int], mapped: int | None, rows: list[list]) -> tuple[int, int] | None:
    for d in candidates:
        day_stem = _stem(columns[d].header, DATE_WORDS)
        for t in candidates:
            if t == d or (mapped is not None and mapped not in (d, t)):
                continue
            time_stem = _stem(columns[t].header, TIME_WORDS)
            if day_stem is None or time_stem is None or day_stem != time_stem:
                continue
            if _column_is(rows, d, _is_day_cell) and _column_is(rows, t, _is_time_cell, most=True):
                return d, t
    return None


def join(day: object, time_cell: object, column: str = "Time") -> object:
    """A date cell and a time cell (of the column headed `column`) as one value for a
    datetime field: a `normalize.DayAndTime` (the date read later with the column's date
    order), the date cell as it is when the time cell is blank, or `Unreadable` with the
    reason (a time cell holding no time of day, a time without a date)."""
    if is_blank_cell(time_cell):
        return day
    shown = str(time_cell).strip()
    try:
        read = nz.parse_time_of_day(time_cell.strip() if isinstance(time_cell, str) else time_cell)
    except ValueError as exc:
        why = str(exc).replace("not a date: ", "").split(" ('")[0].split(": '")[0]
        return Unreadable(shown, f"'{shown}' in '{column}' is no time of day ({why})")
    if read is None:
        return day
    if day is None or is_blank_cell(day):
        return Unreadable(shown, f"a time ('{shown}' in '{column}') without a date")
    return nz.DayAndTime(day, read[0], read[1])
