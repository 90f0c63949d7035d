"""Pydantic models for every entity, built from the layout definition in `schema`.

`validate_record` is what services, the sheet sync and the importer call: it takes a
dict of raw values (strings from a sheet, numbers, dates, ...), normalises every value
with the shared normalisers and returns clean values keyed by field, or raises
`ValidationFailed` naming each field (by its sheet header) and the reason in plain
words.
"""

from __future__ import annotations

from collections import Counter

import datetime as dt
import functools
import inspect
import math
import re
from decimal import Decimal
from typing import Annotated, Any, NamedTuple, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, create_model
from pydantic_core import PydanticCustomError

from ..errors import ValidationFailed
from . import money as mn
from . import normalize as nz
from .invisible import code_text, reordering_problem
from .countries import region_for_country, region_for_dial_code, unknown_country
# (imported here, not in the functions that use them: an import statement runs for every row)
from .places import against_region, own_mobile, region_script, script_word
from . import deal_words
from .schema import (ENTITIES, ENUM_SYNONYMS, INTERACTION_KIND_SYNONYMS, INTERACTION_KINDS, ORDER_STATUS_SYNONYMS,
                     ORDER_STATUSES, STAGE_SYNONYMS, STAGES, Entity, Field, ROLES)

DEFAULT_REGION = "CN"
_PHONE_REGIONS = frozenset(nz.phonenumbers.SUPPORTED_REGIONS)
MAX_TEXT = 32_000  # Excel's cell limit is 32,767 characters


def _ctx(info: ValidationInfo) -> dict:
    return info.context or {}


def _fail(reason: str):
    raise PydanticCustomError("cims", reason)


def _guard(fn):
    """Turn a normaliser's ValueError into a pydantic error whose text is the reason.

    Validators that take no context are plain one-argument functions: pydantic calls
    those faster, and this runs for every value of every imported row.
    """
    if len(inspect.signature(fn).parameters) == 1:
        @functools.wraps(fn)
        def plain(value):
            if value is None:
                return None
            try:
                return fn(value)
            except ValueError as exc:
                _fail(str(exc))

        return plain

    @functools.wraps(fn)
    def with_info(value, info):
        if value is None:
            return None
        try:
            return fn(value, info)
        except ValueError as exc:
            _fail(str(exc))

    return with_info


def _unless_blank(fn):
    """For normalisers that do not take blank cells themselves."""

    @functools.wraps(fn)
    def wrapper(*args):
        return None if nz.is_blank(args[0]) else fn(*args)

    return wrapper


# Normalisers and parsers return None for blank cells themselves; the few validators
# below that do not call one are marked @_unless_blank.
@_guard
def _text(value):
    out = nz.normalize_text(value)
    if out is not None and len(out) > MAX_TEXT:
        _fail(f"too long ({len(out)} characters; at most {MAX_TEXT})")
    if (problem := reordering_problem(out)) is not None:
        _fail(problem)
    return out


@_guard
def _name(value):
    out = nz.normalize_name(value)
    if out is not None and len(out) > 500:
        _fail(f"too long ({len(out)} characters; at most 500)")
    return out


@_guard
def _email(value):
    return nz.normalize_email(value)


@_guard
def _phone(value, info):
    ctx = _ctx(info)
    if ctx.get("country_unknown") and not nz.has_country_code(value):
        _fail(f"no country code, and the row's country {ctx['country_unknown']}; "
              "write the number with + and its country code, or correct the country")
    region = ctx.get("region", DEFAULT_REGION)
    hint = ctx.get("region_hint") or nz.ASSUMED_REGION_HINT
    try:
        out = nz.normalize_phone(value, region, assumed=ctx.get("region_assumed", True), hint=hint)
    except ValueError as exc:
        if (place := ctx.get("region_written")) and not nz.has_country_code(value):
            _other_place_of_the_name(value, region, place, str(exc))
        raise
    if out and ctx.get("region_default") and not ctx.get("region_assumed", True) \
            and not nz.has_country_code(value):
        _check_valid_here(value, out, region, ctx, info.field_name, hint)
    if out and ctx.get("region_default") and not nz.has_country_code(value):
        _check_other_evidence(value, out, region, ctx, info.field_name, hint)
        against = ctx.get("region_against") or ctx.get("region_unsupported")
        if against and ctx.get("region_assumed", True) and not _own_mobile(value, region):
            _fail(f"no country code, and {against}: not read as a number of {region}, the region only "
                  f"assumed for numbers without one; {hint}: {str(value).strip()!r}")
    return out


def _other_place_of_the_name(value, region: str, place: str, why: str) -> None:
    """A number not valid in the row's country, written by a name that is also a part of
    another country where the number is valid ("Georgia" and "(404) 555-0134": the US
    state, ISO 3166-2 subdivision names from pycountry): the failure says so and names
    the number's form with its country code, which settles it."""
    import pycountry

    key = " ".join(place.split()).casefold()
    for other, e164 in nz.valid_elsewhere(value, region):
        parts = pycountry.subdivisions.get(country_code=other) or ()
        if part := next((p for p in parts if " ".join(p.name.split()).casefold() == key), None):
            country = pycountry.countries.get(alpha_2=other)
            name = getattr(country, "common_name", None) or (country.name if country else other)
            kind = (getattr(part, "type", "") or "place").lower()
            _fail(f"{why}; it is a valid number of {name}: is '{place.strip()}' the {kind} in {name}? write the "
                  f"number with its country code ({e164}), or give the country as {other}")


def _check_valid_here(value, out: str, region: str, ctx: dict, field: str | None, hint: str) -> None:
    """A number without a country code read in the store's region (no country in its row,
    none given for the file) that is only *possible* there (a length the region uses, in
    no range its numbering plan lists) while it is a valid number of another country
    ("0121 496 0000", a Birmingham number, in a CN store): another country's number, not
    one of a range opened after phonenumbers' metadata was built. Refused, naming the
    countries it is valid in (the import leaves it empty, its text in Notes, and counts
    it in context "invalid_here": field -> countries, for the summary)."""
    if not nz.possible_only(out):
        return
    others = nz.valid_elsewhere(value, region)
    if not others:
        return          # valid nowhere: a new range of the region's (normalize_phone's policy)
    counts = ctx.get("invalid_here")
    if counts is not None:
        counts[(field or "", "")] += 1
        for r, _alt in others:
            counts[(field or "", r)] += 1
    codes = sorted(r for r, _alt in others)
    shown = ", ".join(codes[:24]) + (f" and {len(codes) - 24} more" if len(codes) > 24 else "")
    _fail(f"no valid number in {region} (the store's region), only a possible one ({out}), but a valid "
          f"number in {shown}; {hint}: {str(value).strip()!r}")


_TRUNK_ZERO = re.compile(r"[\s(（]*[0０](?![0０])")


def _own_mobile(value, region: str) -> bool:
    """Whether a phone cell is a mobile number of `region` written as it writes one at
    home without a trunk prefix (China's "139 1234 5678"): that shape is evidence of its
    own, which a city or postal code elsewhere does not outweigh (a customer in Paris
    with a Chinese mobile)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            value = nz.phone_text_from_number(value)        # a number cell: 13800138000.0
        except ValueError:
            return False
    return isinstance(value, str) and own_mobile(value, region)


def _check_other_evidence(value, out: str, region: str, ctx: dict, field: str | None, hint: str) -> None:
    """A number read in the default region (no country in its row, none given for the
    file) that also reads in the country other evidence names: the row's email domain
    ("…@example.kr"), or the countries the rest of its column reads in (context
    "foreign_regions": {field: (codes)}, importer.phone_evidence). Two readings and no
    way to choose: refused (the import leaves it empty, its text in Notes)."""
    why = []
    email = ctx.get("email_region")
    if email and email != region:
        why.append((email, "the email's domain"))
    if _TRUNK_ZERO.match(str(value)):
        # The column's evidence is numbers written with a trunk 0 (phone_evidence); only
        # such a number reads in those countries' national form as well.
        for r in (ctx.get("foreign_regions") or {}).get(field or "", ()):
            if r != region and r != email:
                why.append((r, "other numbers in its column"))
    readings: dict[str, list[str]] = {}         # why -> "+82… in KR"
    for other, because in why:
        alt = nz.reading_in(value, other)
        if alt and alt != out:
            readings.setdefault(because, []).append(f"{alt} in {other}")
    # Written in another country's national style: valid here only by accident.
    column = (ctx.get("foreign_regions") or {}).get(field or "", ())
    evidence = (frozenset((email, *column)) if email else frozenset(column)) if (email or column) else frozenset()
    for other, alt, because in nz.foreign_style_readings(value, region, evidence=evidence):
        if alt != out:
            readings.setdefault(because, []).append(f"{alt} in {other}")
    if readings:
        how = "assumed" if ctx.get("region_assumed", True) else "the store's region"
        also = "; ".join(", ".join(alts[:4]) + (" …" if len(alts) > 4 else "") + f" ({because} point there)"
                         for because, alts in readings.items())
        _fail(f"reads as {out} in {region} ({how}) and as {also}; {hint}: {str(value).strip()!r}")


def _calendar_for(info: ValidationInfo, value):
    """The value with its year in the Common Era, by the field's calendar (import's
    "calendars": field -> "buddhist"/"gregorian", decided per column or --calendar)."""
    calendars = _ctx(info).get("calendars") or {}
    return nz.from_calendar(value, calendars.get(info.field_name))


def _compact_for(info: ValidationInfo, value):
    """The value as a date when its column writes dates as digits alone (import's
    "compact_dates": field -> "YMD"/"DMY"/"MDY", decided on the whole column or by
    --date-order): "240305" under YMD is 2024-03-05; any other value as it is."""
    order = (_ctx(info).get("compact_dates") or {}).get(info.field_name)
    if (_ctx(info).get("calendars") or {}).get(info.field_name) == "roc" and nz.roc_compact(value):
        return value                     # "1130307": a Minguo date, read by _calendar_for
    if order is None and (far := nz.far_day_number(value)) is not None:
        _fail(f"{str(value).strip()!r} as an Excel day number would be {far.isoformat()}: no date of ours. "
              "A date written as digits (yymmdd, ddmmyy …) cannot be told from its order: write it YYYY-MM-DD")
    return nz.from_compact(value, order)


def _order_for(info: ValidationInfo) -> str | None:
    orders = _ctx(info).get("date_orders") or {}
    return orders.get(info.field_name) or _ctx(info).get("date_order")


# Dates a customer record can hold: nothing before 1800 or after 2999 is a real order,
# consent or ticket time (a "9999-12-31" is a placeholder: it would be stored as a date,
# and response targets computed from it overflow the calendar).
FIRST_YEAR, LAST_YEAR = 1800, 2999


# Years the Islamic (Hijri, 1446 AH began in July 2024) and the Persian Solar Hijri
# (1403 SH began in March 2024) calendars write today: a date of one of them, which
# cims does not convert (lunar months are no offset of the Gregorian year).
_HIJRI_YEARS = range(1300, 1500)


# Years of the Thai Buddhist era today (BE = CE + 543): as Common Era years they are
# centuries ahead. Stored as written only when the field's calendar says Gregorian
# (import's --calendar gregorian); otherwise refused naming the era.
_BUDDHIST_YEARS = range(2400, 2701)
# A three-digit year first ("113/03/05"): Taiwan's Minguo count (year + 1911).
_ROC_FIRST = re.compile(r"^\s*1\d\d\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}")


def _era_checked(value, day, info: ValidationInfo):
    """`day` (read from `value`) unless its year is only another calendar's: a Buddhist-era
    year (2569) where no calendar was decided for the field; ValueError naming the era."""
    if day is None or day.year not in _BUDDHIST_YEARS:
        return day
    if (_ctx(info).get("calendars") or {}).get(info.field_name) == "gregorian":
        return day
    shown = str(value).strip()[:40] if isinstance(value, str) else day.isoformat()
    _fail(f"the year {day.year} looks like the Thai Buddhist era ({day.year} BE is {day.year - 543}); "
          f"write the date in the Common Era (YYYY-MM-DD) or with พ.ศ. before its year: {shown!r}")


def _parsed(parse, value, moved, info: ValidationInfo, *args):
    """`parse(moved, *args)`; a refusal of a text with a Buddhist-era year (2400–2700)
    where no calendar was decided says that year's Common Era one as well."""
    try:
        return parse(moved, *args)
    except ValueError as exc:
        if isinstance(value, str) and isinstance(moved, str) and moved != value:
            # the value as written, not as moved to the Common Era ("31 ก.พ. 2567", not "… 2024")
            written, rewritten = nz._shown(value), nz._shown(moved)
            if written and rewritten and rewritten in str(exc):
                raise ValueError(str(exc).replace(rewritten, written)) from None
        if (isinstance(value, str) and not (_ctx(info).get("calendars") or {}).get(info.field_name)
                and nz.era_years(value)[0] and not nz.buddhist_marked(value)):
            year = int(next(y for y in re.findall(r"(?<!\d)\d{4}(?!\d)", value) if int(y) in _BUDDHIST_YEARS))
            raise ValueError(f"{exc}; the year {year} also looks like the Thai Buddhist era ({year} BE is "
                             f"{year - 543}): write the date YYYY-MM-DD in the Common Era") from None
        raise


def _roc_refusal(value, info: ValidationInfo) -> None:
    """A text starting with a three-digit year ("113/03/05") named as Taiwan's Minguo year;
    a Thai date with a two-digit year ("5 มี.ค. 67": Buddhist 2567 = 2024, or 2067) refused."""
    if nz.thai_short_year(value) and not (_ctx(info).get("calendars") or {}).get(info.field_name):
        year = nz.short_year_last(value)[0]
        _fail(f"{value.strip()[:40]!r} has a two-digit year: Buddhist-era {2500 + year} ({1957 + year}) "
              f"or {2000 + year if year <= 68 else 1900 + year}; write the year in four digits "
              f"(25{year:02d} with พ.ศ., or YYYY-MM-DD)")
    if isinstance(value, str) and _ROC_FIRST.match(value):
        year = int(value.strip()[:3])
        _fail(f"{value.strip()[:40]!r} starts with a three-digit year, as Taiwan's Minguo count writes "
              f"({year} is {year + 1911}): write it 民國{year}年… or in the Common Era (YYYY-MM-DD)")


def _in_calendar(day, written=None, moved=None):
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        if isinstance(written, str) and isinstance(moved, str) and moved != written:
            # moved by the column's calendar ("5 มี.ค. 2024" under buddhist is 1481): say it as written
            _fail(f"{written.strip()[:40]!r} read in the column's calendar is the year {day.year}, outside "
                  f"{FIRST_YEAR}–{LAST_YEAR}: its year is already a Common Era one (write ค.ศ. or CE beside "
                  "it) or the calendar given does not fit it")
        hint = (" (it looks like a Hijri or Persian calendar year: cims reads Gregorian dates, and Thai or "
                "Taiwanese years with --calendar; convert the column to Gregorian dates first)"
                if day.year in _HIJRI_YEARS else "")
        _fail(f"the year {day.year} is outside {FIRST_YEAR}–{LAST_YEAR}: no real date here{hint}")
    return day


@_guard
def _date(value, info):
    if type(value) is str:
        # A column's dates repeat ("2024-03-05" on many rows): read once per text and the
        # field's decided calendar, digit order and date order, which are all it depends on.
        field = info.field_name
        ctx = _ctx(info)
        ok, out = _date_text(value, field, (ctx.get("calendars") or {}).get(field),
                             (ctx.get("compact_dates") or {}).get(field), _order_for(info))
        if ok:
            return out
        _fail(out)
    return _date_value(value, info)


class _DateInfo(NamedTuple):
    """What the date readers below take from pydantic's ValidationInfo."""
    context: dict
    field_name: str | None


@functools.lru_cache(maxsize=8192)
def _date_text(value: str, field: str | None, calendar: str | None, compact: str | None,
               order: str | None) -> tuple[bool, Any]:
    """(True, the date) or (False, why not) for a date text, as `_date_value` reads it."""
    info = _DateInfo({"calendars": {field: calendar}, "compact_dates": {field: compact}, "date_order": order}, field)
    try:
        return True, _date_value(value, info)
    except ValueError as exc:
        return False, str(exc)
    except PydanticCustomError as exc:
        return False, exc.message_template


def _swapped_cell(info: ValidationInfo, value):
    """A date cell of a field whose cells Excel made month first from day-first text
    (import's "swapped_cells", --date-cells swap): 2024-05-04 is 5 April; any other value
    as it is."""
    if (isinstance(value, dt.date) and value.day <= 12
            and info.field_name in (_ctx(info).get("swapped_cells") or ())):
        return value.replace(month=value.day, day=value.month)
    return value


def _date_value(value, info):
    value = _swapped_cell(info, value)
    moved = _calendar_for(info, _compact_for(info, value))
    if moved is value:
        _roc_refusal(value, info)
    return _in_calendar(_era_checked(value, _parsed(nz.parse_date, value, moved, info, _order_for(info)), info),
                        value, moved)


@_guard
def _datetime(value, info):
    """context "tz": the zone a time without one is taken in (default UTC); "zoneless":
    a Counter of the values read so ("times", "dates"), for the import's summary."""
    value = written = _swapped_cell(info, value)
    if isinstance(value, nz.DayAndTime):        # a date column and a time column
        written = value.day
        value = value._replace(day=_calendar_for(info, _compact_for(info, value.day)))
    else:
        moved = _calendar_for(info, _compact_for(info, value))
        if moved is value:
            _roc_refusal(value, info)
        value = moved
    ctx = _ctx(info)
    tz, zoneless = ctx.get("tz"), ctx.get("zoneless")
    headed = (ctx.get("field_zones") or {}).get(info.field_name)
    if headed is not None:
        # the column's heading names the zone its times are written in ("Created (UTC)"):
        # a time without a zone of its own is that moment (importer.heading_zone)
        tz, zoneless = headed, None
    seen: Counter = Counter()
    out = _in_calendar(_parsed(nz.parse_datetime, written, value, info, _order_for(info), tz, seen),
                       written, value if isinstance(value, str) else None)
    if seen.get("dates") and info.field_name in EVENT_TIMES and info.field_name not in ctx.get("day_only_ok", ()):
        # a date alone for the time something happened: its time is unknown, never midnight
        local = out.astimezone(tz or dt.timezone.utc).date().isoformat()
        if ctx.get("time_unknown") == "start-of-day":
            if zoneless is not None:
                zoneless.update(seen)
            return _era_checked(written, out, info)     # the user said: the start of the day
        if ctx.get("time_unknown") == "empty":
            if info.field_name == "opened_at":
                _fail(f"{nz._shown(written) or local!s} is a date without a time, and a ticket's Opened sets its "
                      f"due times: give the time too ({local} 14:30)")
            return None
        _fail(f"{nz._shown(written) or local!s} is a date without a time: give the time too ({local} 14:30); "
              "cims never stores a time nobody gave")
    if zoneless is not None:
        zoneless.update(seen)
    if headed is not None and seen.get("times") and ctx.get("zone_headed") is not None:
        ctx["zone_headed"][info.field_name] += 1
    return _era_checked(written, out, info)


# The times something happened (a ticket's Opened, First Response, Resolved, Closed; an
# interaction's When): a date alone is refused, or with an import's `--time-unknown empty`
# stored empty (unknown), never as midnight. (An import's activity dates, context
# "day_only_ok", keep their day as before: they decide no SLA.)
EVENT_TIMES = frozenset({"opened_at", "first_response_at", "resolved_at", "closed_at", "occurred_at"})


def _decimal_for(info: ValidationInfo) -> str | None:
    marks = _ctx(info).get("decimal_marks") or {}
    return marks.get(info.field_name)


@_guard
def _money(value, info):
    amount = nz.parse_money(value, _decimal_for(info))
    if amount is not None:
        if not amount.is_finite():
            _fail("not an amount")
        if abs(amount) >= Decimal("1e14"):
            _fail("amount is too large")
        if amount != amount.quantize(Decimal("0.0001")):
            _fail("more than 4 decimal places")
        if len(amount.normalize().as_tuple().digits) > MONEY_DIGITS:
            _fail(f"more than {MONEY_DIGITS} significant digits: a workbook cell holds 15 (an Excel number "
                  f"is a double), so the amount would change on its way through the workbook")
    return amount


# Significant digits an amount may have: every workbook cell (and the report cells and
# charts) holds a double, exact to 15 digits; the reports add amounts in Decimal.
MONEY_DIGITS = 15




@_guard
def _fraction(value, info):
    """A decimal field (Discount): a fraction from 0 to 1 (0.15), also written "15%",
    "12,5 %", "%15" or "150‰" (`normalize.parse_share`, with the column's decimal mark). A value outside 0..1 is refused: 15 could be 15 % or 15 of the currency."""
    written = value
    if isinstance(value, str) and (points := nz.parse_share(value, _decimal_for(info))) is not None:
        if not 0 <= points <= 100:
            _fail(f"a discount is a share of the price, from 0 % to 100 %; {written.strip()!r} "
                  f"is {format(points.normalize(), 'f')} %")
        value = points / 100
    out = _money(value, info)
    if out is not None and not 0 <= out <= 1:
        # 15 is 1,500 % of the price, or 15 of the currency: either way not a fraction,
        # and which one the file meant cannot be known.
        _fail(f"a discount is a share of the price, from 0 to 1 (0.15) or a percentage (15%); "
              f"{format(out.normalize(), 'f')} is neither")
    return out


@_guard
def _currency(value):
    return mn.check_currency(value)


@_guard
def _int(value, info):
    if isinstance(value, str) and (counted := _COUNTED.match(value)) and counted.group(1) != value:
        try:                          # "3 pcs", "3件", "x3": a count with its unit word
            out = nz.parse_int(counted.group(1), _decimal_for(info))
        except ValueError as exc:     # the message quotes what was written
            raise ValueError(str(exc).replace(repr(counted.group(1)), repr(value))) from None
    elif isinstance(value, str) and (unit := _OTHER_UNIT.match(value)) is not None \
            and info.field_name == "quantity":
        _fail(f"'{value.strip()}' is counted in '{unit.group(1)}' (a package, a number of items or a measure), "
              "not in items: not read as a quantity")
    elif isinstance(value, str) and info.field_name in PERCENT_POINTS and (
            points := nz.parse_share(value, _decimal_for(info))) is not None:
        # "25%", "٪25", "250‰" (a sheet cell, a typed text): percent points as written, never rescaled
        if points != points.to_integral_value():
            _fail(f"{value.strip()!r} is {format(points.normalize(), 'f')} %, not a whole percentage")
        out = int(points)
    else:
        out = nz.parse_int(value, _decimal_for(info))
    if out is not None and abs(out) > 2**53:
        _fail("number is too large")
    if out is not None and info.field_name in PERCENT_POINTS and not 0 <= out <= 100:
        _fail(f"{out} is no percentage: a probability is from 0 to 100")
    return out


PERCENT_POINTS = frozenset({"probability"})     # int fields that hold percent points


# A whole count written with a unit of items (order lines: "3 pcs", "12 units", "3件",
# "2 个", "x3", "3x"): counters of the items themselves, in every language alike. Units
# that pack or measure several items are not read, whatever the language: a package
# ("2箱", "3 boxes", "2 cartons", "盒", "包", "袋"), a number of items ("2打", "3 dozen")
# or a measure ("3斤", "2 kg"): the field is left empty with a warning, the text kept in
# Notes (one rule: never a silent 2 for two cartons).
_COUNTED = re.compile(r"^\s*(?:[x×]\s*)?([0-9０-９][0-9０-９,.\s]*?)\s*(?:pcs?\.?|pieces?|units?|items?|ea\.?|each|"
                      r"stk\.?|stück|pièces?|unidades?|[x×]|件|个|個|只|套|台|本|瓶|支|条|張|张|双|份|把|块|辆|개)?\s*$",
                      re.IGNORECASE)

_OTHER_UNIT = re.compile(r"^\s*[0-9０-９][0-9０-９,.\s]*?\s*([^\W\d_][^\d]*?)\.?\s*$")


@_guard
def _bool(value):
    return nz.parse_bool(value)


_TAG_QUOTES = "\"'“”„‟«»「」『』"
# What separates the tags of one cell ("VIP, Wholesale", "VIP; 2024", "VIP|Retail", "VIP、卸売").
TAG_SEPARATORS = (",", ";", "；", "，", "、", "|", "\n")


@_guard
@_unless_blank
def _tags(value):
    if isinstance(value, (list, tuple, set)):
        parts = [str(v) for v in value]
    else:
        text = str(value).strip()
        if text[:1] == "[" and text[-1:] == "]":
            text = text[1:-1]            # a JSON-like list: ["VIP", "Wholesale"]
        for sep in TAG_SEPARATORS[1:]:
            text = text.replace(sep, ",")
        parts = text.split(",")
    seen: dict[str, str] = {}
    for p in parts:
        # Mailchimp writes a cell's tags quoted, as a CSV line: "VIP","Wholesale"
        t = nz.normalize_name(p.strip().strip(_TAG_QUOTES).strip())
        if t:
            # one tag whatever its case (VIP, vip, Vip): the first spelling is kept
            seen.setdefault(nz.tag_key(t), t)
    return ", ".join(seen.values()) or None


@_guard
@_unless_blank
def _ref(value):
    text = str(value).strip().upper()
    prefix, _, number = text.partition("-")
    if not prefix or not number.isdigit():
        _fail(f"not a record id (expected e.g. C-000123): {str(value)[:40]}")
    return f"{prefix}-{int(number):06d}"


# Fields that hold a code or an id of another system: compared as a person reads them
# (invisible.code_text: full-width forms, invisible characters), kept in that form.
CODE_FIELDS = frozenset({"order_number", "postal_code"})


@_guard
def _code(value):
    """An order number or postal code: `invisible.code_text` of what was written
    ("１０１１５" -> "10115", "M1" + a zero-width space -> "M1"), numbers as Excel shows
    them (13.0 -> "13")."""
    if type(value) is str and value.isascii():
        # ASCII text has no format character and is its own NFKC: code_text of the
        # trimmed text is its words joined by one space (the same as below; tested)
        out = " ".join(value.split()) or None
    elif nz.is_blank(value):
        return None
    else:
        out = code_text(nz.normalize_text(value))
    if out is not None and len(out) > MAX_TEXT:
        _fail(f"too long ({len(out)} characters; at most {MAX_TEXT})")
    return out


@_guard
def _user(value):
    # As written: a name that is a cims user's becomes that user's name as stored
    # (services.records.as_user_names); another system's agent ("Maria Lopez") keeps its case.
    return nz.normalize_name(value) or None


def _enum_validator(f: Field):
    canonical = {c.lower(): c for c in f.choices}
    if f.choices == ORDER_STATUSES:     # an order's words first ("已完成" is Completed here)
        canonical.update(ORDER_STATUS_SYNONYMS)
    elif f.choices == STAGES:           # CRMs' stage names (Salesforce, HubSpot, Pipedrive …)
        canonical.update(STAGE_SYNONYMS)
        canonical.update(deal_words.LOCAL_STAGES)     # their German, French, Japanese … names
    elif f.choices == INTERACTION_KINDS:   # "Anruf", "Réunion", "打ち合わせ"
        canonical.update(INTERACTION_KIND_SYNONYMS)
    # Turkish capitals: "TAMAMLANDI" lowers to a dotted i, "İptal" to i + U+0307.
    canonical.update({k.replace("ı", "i"): v for k, v in canonical.items() if "ı" in k})

    seen: dict[str, str] = {}       # a column's few words, again and again (Segment, Status)

    @_guard
    def check(value):
        if type(value) is str:
            if (known := seen.get(value)) is not None:
                return known
            out = choose(value)
            if out is not None and len(seen) < 4096:
                seen[value] = out
            return out
        return choose(value)

    def choose(value):
        text = nz.normalize_name(value)
        if text is None:
            return None
        low = text.lower().replace("\u0307", "")
        if low in canonical:
            return canonical[low]
        spaced = " ".join(low.replace("_", " ").replace("-", " ").split())    # "on-hold", "partially_paid"
        if spaced in canonical:
            return canonical[spaced]
        syn = ENUM_SYNONYMS.get(low) or ENUM_SYNONYMS.get(text) or ENUM_SYNONYMS.get(spaced)   # "On-hold"
        if syn in f.choices:
            return syn
        if f.choices == STAGES and (outcome := deal_words.stage_outcome(text)):
            return outcome            # "Abgeschlossen und gewonnen", "Fermé perdu", "已关闭赢单"
        if f.strict:
            _fail(f"must be one of: {', '.join(f.choices)}")
        return text

    return check


_VALIDATORS = {
    "text": (_text, str), "name": (_name, str), "email": (_email, str), "phone": (_phone, str),
    "date": (_date, dt.date), "datetime": (_datetime, dt.datetime), "money": (_money, Decimal),
    "decimal": (_fraction, Decimal), "int": (_int, int), "bool": (_bool, bool), "tags": (_tags, str),
    "ref": (_ref, str), "user": (_user, str),
}


def _annotation(f: Field):
    if f.kind == "enum":
        return Annotated[Optional[str], BeforeValidator(_enum_validator(f))]
    if f.key == "currency":
        return Annotated[Optional[str], BeforeValidator(_currency)]
    if f.key in CODE_FIELDS and f.kind == "text":
        return Annotated[Optional[str], BeforeValidator(_code)]
    fn, typ = _VALIDATORS[f.kind]
    return Annotated[Optional[typ], BeforeValidator(fn)]


def _build_model(ent: Entity) -> type[BaseModel]:
    fields: dict[str, Any] = {f.key: (_annotation(f), None) for f in ent.fields}
    return create_model(
        ent.kind.title().replace("_", "") + "Record",
        __config__=ConfigDict(extra="ignore", validate_default=False, frozen=False),
        **fields,
    )


MODELS: dict[str, type[BaseModel]] = {kind: _build_model(e) for kind, e in ENTITIES.items()}
Customer = MODELS["customer"]
Contact = MODELS["contact"]
Interaction = MODELS["interaction"]
Order = MODELS["order"]
Opportunity = MODELS["opportunity"]
Ticket = MODELS["ticket"]


class User(BaseModel):
    """A person who signs in. The password never lives here."""

    username: str
    display_name: str | None = None
    role: str
    disabled: bool = False
    totp_enabled: bool = False


def validate_username(name: str) -> str:
    text = (nz.normalize_name(name) or "").lower()
    if not text or len(text) > 64 or any(c in text for c in " /\\:\"'<>|?*\t"):
        raise ValidationFailed({"User": "user names are 1-64 characters without spaces or / \\ : quotes"})
    return text


def validate_role(role: str) -> str:
    text = (role or "").strip().lower()
    if text not in ROLES:
        raise ValidationFailed({"Role": f"must be one of: {', '.join(ROLES)}"})
    return text


def _header_for(ent: Entity, key: str) -> str:
    for f in ent.fields:
        if f.key == key:
            return f.header
    return key


def _with_row_region(raw: dict, context: dict | None) -> dict | None:
    """The row's own country decides the region of its phone numbers without "+",
    before any region given for the whole file or the store's default (CLDR names in
    many languages and ISO codes: domain.countries)."""
    country = raw.get("country")
    if not isinstance(country, str) or not country.strip():
        # An update that does not change the country: the record's own (see for_update).
        country = (context or {}).get("row_country")
    if not isinstance(country, str) or not country.strip():
        if (context or {}).get("region_assumed", True) and (context or {}).get("region_default"):
            context = _assumed_region_row(raw, context)
        if (context or {}).get("region_default"):
            found = nz.email_region(raw.get("email") or raw.get("customer_email"))
            # An address of the region the numbers are read in points nowhere else (and
            # copying the context for it, row after row, is most of an import's cost here).
            if found and found != context.get("region", DEFAULT_REGION):
                return {**context, "email_region": found}
        return context
    code = region_for_country(country) or region_for_dial_code(country)
    if code is None:
        unknown = unknown_country(country)
        if unknown and (one := _settled_by_numbers(country, raw)):
            # "Korea" with "010-1234-5678": a number valid in only one of the countries the
            # name may be is evidence which; counted for the import's summary
            counts = (context or {}).get("country_by_number")
            if counts is not None:
                counts[(country.strip(), one)] += 1
            return {**(context or {}), "region": one, "region_assumed": False, "region_default": False}
        # A country we cannot read is no licence to read the number in another one.
        return {**(context or {}), "country_unknown": unknown} if unknown else context
    if code not in _PHONE_REGIONS:
        return context
    return {**(context or {}), "region": code, "region_assumed": False, "region_default": False,
            "region_written": country}


def _settled_by_numbers(country: str, raw: dict) -> str | None:
    """The one country a shared name may be ("Korea": KP or KR) in which every phone number
    of the row written without a country code is valid, when the others make none of them
    valid; None when no number is written or the numbers do not settle it."""
    from .countries import shared_candidates

    candidates = [c for c in shared_candidates(country) if c in _PHONE_REGIONS]
    numbers = [v for k in ("phone", "mobile") if isinstance(v := raw.get(k), str) and v.strip()
               and not nz.has_country_code(v)]
    if len(candidates) < 2 or not numbers:
        return None

    def valid_in(region: str) -> bool:       # valid, and a number of that country (NANP shares +1)
        import phonenumbers

        for number in numbers:
            try:
                e164 = nz.normalize_phone(number, region, assumed=False)
            except ValueError:
                return False
            if not e164 or nz.possible_only(e164) or \
                    phonenumbers.region_code_for_number(phonenumbers.parse(e164)) != region:
                return False
        return True

    fits = [c for c in candidates if valid_in(c)]
    return fits[0] if len(fits) == 1 else None


def _assumed_region_row(raw: dict, context: dict) -> dict:
    """A record without a country, its phone region only assumed: the one country the
    other rows of its file name (import context "blank_region"), or why its number is
    not read there ("region_against"): the other rows name several countries
    ("blank_mixed"), or its own city, province or postal code lies in another country
    (domain.places)."""
    if one := context.get("blank_region"):
        return {**context, "region": one, "region_assumed": False, "region_default": False}
    region = context.get("region", DEFAULT_REGION)
    script = region_script(region)

    def own() -> bool:          # the row's email domain or its name's script is the region's
        return nz.email_region(raw.get("email") or raw.get("customer_email")) == region or bool(script and any(
            ord(ch) > 127 and script_word(ch) in script for key in ("name", "company", "customer_name")
            if isinstance(raw.get(key), str) for ch in raw[key]))

    if (several := context.get("blank_mixed")) and not own():
        return {**context, "region_against": "its Country is blank while the other rows name "
                                             f"{', '.join(several[:6])}"}
    why = against_region(region, postal_code=raw.get("postal_code") or raw.get("customer_postal_code"),
                         city=raw.get("city") or raw.get("customer_city") or raw.get("province")
                         or raw.get("customer_province"))
    return {**context, "region_against": why} if why else context


def for_update(context: dict | None, current: dict | None) -> dict | None:
    """The validation context of a partial update of `current`: a phone typed without "+"
    takes the record's country, and an amount's symbol is checked against the record's
    currency, when the update does not change them (context keys "row_country",
    "row_currency")."""
    if not current:
        return context
    return {**(context or {}), "row_country": current.get("country"), "row_currency": current.get("currency"),
            # the amounts an update leaves as they are, checked against a new currency
            "row_amounts": {k: v for k, v in current.items() if isinstance(v, (Decimal, int, float))
                            and not isinstance(v, bool)}}


@functools.cache
def _points(kind: str) -> dict[str, str]:
    return {f.key: "." for f in ENTITIES[kind].fields if f.kind in ("money", "decimal", "int")}


def stored_text_context(ent: Entity, context: dict | None = None) -> dict:
    """`context` for validating values this program wrote itself as text (the audit
    trail's "1.234" is 1.234): every number field's decimal mark is the point, so none
    is refused as ambiguous the way the same text typed by a person is."""
    return {**(context or {}), "decimal_marks": dict(_points(ent.kind))}


def validate_record(ent: Entity, data: dict, *, partial: bool = False,
                    context: dict | None = None) -> dict:
    """Normalise and check `data` for `ent`.

    Keys may be field keys or sheet headers. With `partial`, only the given keys are
    returned (for an update); otherwise every field is returned, with defaults for
    missing ones and required fields enforced.

    Records with a currency take it from an amount written with one ("£99.00",
    "1.200,00 €"; see `money.read_money`) unless the Currency value says otherwise,
    which rejects the record naming both. context keys used here: "currency" (the
    store's currency, the default), "currencies" (codes that settle an ambiguous
    symbol such as "$": --currency, the store's when the file
    names no other; never a currency another row named), "decimal" ("." or "," when known) and
    "assumed" (a Counter the caller passes to learn of (symbol, code) read by guess).
    """
    by_header = _headers(ent.kind)
    raw: dict[str, Any] = {key: (None if isinstance(v, float) and v != v else v)   # NaN, numpy floats too
                           for k, v in data.items() if (key := by_header.get(k)) is not None}
    _refuse_containers(ent, raw)
    context = _with_row_region(raw, context)
    if context and context.get("amount_scales"):
        _scale_numbers(raw, context["amount_scales"], context)
    counted: list[tuple[Counter, object]] = []     # guessed or defaulted currencies, told once valid
    if _MONEY_KEYS.get(ent.kind):
        counted = _currency_from_amounts(ent, raw, context or {})
    try:
        model = MODELS[ent.kind].model_validate(raw, context=context)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
            problems.setdefault(_header_for(ent, key), msg)
        raise ValidationFailed(problems) from None
    values = model.__dict__   # plain values already: no need for model_dump's copy
    defaults, required = _rules(ent.kind)
    if partial:
        out = {k: values[k] for k in raw}
    else:
        out = dict(values)
        if ent.kind == "ticket" and out.get("status") is None and (out.get("closed_at") or out.get("resolved_at")):
            # no status given, but a closing or resolution time: the ticket is so (a file
            # with no Status column), never New with a Closed time
            out["status"] = "Closed" if out.get("closed_at") else "Resolved"
        for key, default in defaults:
            if out[key] is None:
                out[key] = default
        if "currency" in out and out["currency"] is None:
            out["currency"] = (context or {}).get("currency") or mn.FALLBACK_CURRENCY
    problems = {header: "required" for key, header in required if key in out and out[key] in (None, "")}
    if problems:
        raise ValidationFailed(problems)
    if ent.kind == "ticket":
        from .sla import check_time_order

        check_time_order(out, (context or {}).get("tz"))
        if not partial:
            # times that cannot all be true with each other and the status (an import's row
            # is rejected naming the rule; an edit is checked merged with what is stored)
            from .sla import check_consistent

            check_consistent(out, (context or {}).get("tz"))
    refuse_negative(ent, out)
    for counter, key in counted:
        counter[key] += 1
    return out


class NegativeValue(ValidationFailed):
    """A sale, a count or a deal's amount below zero: the whole row is refused (an import
    never keeps such a row with the field left empty)."""


# The one rule for every way a value enters (the CLI, a sheet's Save, an import, an undo):
# an order is never negative (money paid out: a payment, credit note or refund line is not
# a sale, and stored it would subtract from Sales), nor its quantity (goods given back),
# nor a deal's amount (a Weighted forecast below zero). A Profit may be a loss.
_NOT_NEGATIVE: dict[str, dict[str, str]] = {
    "order": {
        "amount": ("a negative amount ({value}): money paid out, a payment, credit or refund line, not an "
                   "order; a refund is imported with the payment it refunds (see Refunds in the README)"),
        "quantity": ("a negative quantity ({value}): goods returned, not an order; a return is "
                     "imported as a refund of the order it returns (see Refunds in the README)")},
    "opportunity": {
        "amount": ("a negative amount ({value}): a deal is worth 0 or more; a discount or a lost deal is "
                   "not a negative opportunity (set the Stage to Lost, or the Amount to what is still open)")},
}


def refuse_negative(ent: Entity, values: dict) -> None:
    """NegativeValue naming the field when `values` holds an amount or count below zero
    that `_NOT_NEGATIVE` forbids for `ent`."""
    for key, reason in _NOT_NEGATIVE.get(ent.kind, {}).items():
        value = values.get(key)
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value < 0:
            shown = format(value, "f") if isinstance(value, Decimal) else str(value)
            raise NegativeValue({_header_for(ent, key): reason.format(value=shown)})


_MONEY_KEYS: dict[str, tuple[str, ...]] = {
    kind: tuple(f.key for f in e.fields if f.kind == "money")
    for kind, e in ENTITIES.items() if any(f.key == "currency" for f in e.fields)}


def _minor_scale(scale, raw: dict, context: dict | None = None) -> Decimal:
    """A scale as a factor: "minor" (a payment API's minor units, importer.paid_amount) is
    10^-e for the row's currency's ISO 4217 exponent e (USD 0.01, JPY 1, KWD 0.001)."""
    if scale != "minor":
        return scale
    from ..importer.paid_amount import minor_factor
    try:
        code = mn.check_currency(raw.get("currency"))
        if code is None and raw.get("currency") in (None, ""):
            # a row naming no currency is in the file's or the store's (context "currency")
            code = mn.check_currency((context or {}).get("currency"))
    except ValueError:
        code = None
    factor = minor_factor(code)
    if factor is None:
        raise ValidationFailed({"Currency": "an amount in minor units (cents) needs the row's currency to say "
                                            "how many make one"})
    return factor


def _scale_numbers(raw: dict, scales: dict, context: dict | None = None) -> None:
    """Number cells of the amount fields a file states a scale for (context
    "amount_scales": field -> Decimal, importer.amount_units) times that scale, exactly;
    text amounts are scaled once read (_currency_from_amounts)."""
    for key, scale in scales.items():
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)) or isinstance(value, mn.ShownAmount):
            continue
        scale = _minor_scale(scale, raw, context)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number.is_finite():
            raw[key] = number * scale


def _currency_from_amounts(ent: Entity, raw: dict, context: dict) -> list[tuple[Counter, object]]:
    """Read the currency written with each amount of `raw` into raw["currency"]. Returns
    the (counter, key) pairs to count once the record is valid: a symbol read by guess
    (context "assumed"), an amount given the store's currency (context "defaulted")."""
    counted: list[tuple[Counter, object]] = []
    try:
        # An update that does not change the currency is checked against the record's own.
        stated = mn.check_currency(raw.get("currency") if "currency" in raw else context.get("row_currency"))
    except ValueError:
        return counted                  # the Currency validator reports it
    # The row's own Currency settles a "$" first; else --currency or the store's (run.settle_bare_symbols).
    prefer = (stated,) if stated else tuple(context.get("currencies") or ())
    if not prefer and "currencies" not in context and context.get("currency"):
        # one record typed (the CLI, a sheet's row): the store's currency settles a symbol
        # it may stand for ("¥" in a JPY store), as it does for an import naming no other
        prefer = (context["currency"],)
    found: tuple[str, str, str] | None = None     # (code, symbol, field)
    for key in _MONEY_KEYS[ent.kind]:
        value = raw.get(key)
        if not isinstance(value, (str, mn.ShownAmount)):     # a number formatted "€#,##0.00" too
            continue
        # "12.000 ₫", "1.200" in a row whose Currency is JPY: thousands whatever the column's mark
        reading = mn.whole_currency_reading(value, stated, prefer=prefer)
        mark = (context.get("decimal_marks") or {}).get(key) or context.get("decimal")
        if reading is None and mark is None:
            # "1.235" typed with BHD (three decimals): 1.235, "1,235" 1235 (no column's mark says otherwise)
            reading = mn.three_decimal_reading(value, stated or context.get("currency"), prefer=prefer)
        if reading is None and mark and context.get("decimal_given") and isinstance(value, str) \
                and (other := "," if mark == "." else ".") in value:
            # --decimal settles the values that read both ways; "2,5" under --decimal point
            # reads one way only, as written (beside "1.250" in KWD, which it settles)
            try:
                mn.read_money(value, mark, prefer=prefer)
            except ValueError:
                try:
                    reading = mn.read_money(value, other, prefer=prefer)
                except ValueError:
                    reading = None
        if reading is None:
            try:
                reading = mn.read_money(value, mark, prefer=prefer)
            except ValueError:
                # "€1,000" in a USD row: the currencies disagree, whichever number it is;
                # said first (the number's two readings are the lesser question)
                try:
                    either = mn.read_money(value, ".", prefer=prefer) if stated else None
                except ValueError:
                    either = None
                if (either is not None and either.currency and either.currency != stated
                        and stated not in (mn.currency_candidates(either.symbol) if either.symbol else ())):
                    raise ValidationFailed({_header_for(ent, key): _currency_disagrees(
                        value, either, stated, context)}) from None
                continue                    # the field's validator reports it
        raw[key] = reading.amount
        if ((scale := (context.get("amount_scales") or {}).get(key)) is not None and reading.amount is not None
                and getattr(value, "scale", None) is None):     # a number format's own unit is applied already
            if isinstance(value, str) and any(m in value for m in mn._MULTIPLIERS):
                # "1.2万" under "金额(万元)": the cell and the file each state a scale
                raise ValidationFailed({_header_for(ent, key): (
                    f"{value.strip()!r} states its own scale, and the file states another for the column "
                    + (f"(× {scale.normalize():f})" if scale != "minor" else "(in minor units)")
                    + ": write the number alone, or give --amount-scale 1")})
            raw[key] = reading.amount * _minor_scale(scale, {"currency": reading.currency or raw.get("currency")}, context)        # "1.2" under "金额(万元)": 12000 (importer.amount_units)
        if (problem := mn.whole_currency_problem(raw[key], reading.currency or stated)) is not None:
            raise ValidationFailed({_header_for(ent, key): problem})
        if reading.currency is None:
            continue
        header = _header_for(ent, key)
        if stated and reading.currency != stated:
            raise ValidationFailed({header: _currency_disagrees(value, reading, stated, context)})
        if found and found[0] != reading.currency:
            raise ValidationFailed({header: f"{reading.currency}, but {found[2]} is in {found[0]}"})
        found = (reading.currency, reading.symbol or "", header)
        if reading.assumed and (counter := context.get("assumed")) is not None:
            counted.append((counter, (reading.symbol, reading.currency)))
        elif reading.assumed and _needs_evidence(reading.symbol):
            # "¥" (CNY or JPY) with no Currency and a store in neither: what an import stops
            # for (importer.run.settle_bare_symbols, with no file language to tell them
            # apart), refused alike when typed; "$" keeps its house reading USD as there.
            raise ValidationFailed({header: _ambiguous_symbol(reading)})
    if stated and "currency" in raw and (kept := context.get("row_amounts")):
        # an update to a currency without minor unit that keeps an amount with a fraction
        # (1.5 USD made JPY): refused, never rounded
        for key in _MONEY_KEYS[ent.kind]:
            if key not in raw and (problem := mn.whole_currency_problem(kept.get(key), stated)) is not None:
                header = _header_for(ent, key)
                raise ValidationFailed({_header_for(ent, "currency"): (
                    f"{problem.split(', but')[0]} (the {header} as stored), but {stated} has no minor unit: "
                    f"change the {header} to a whole amount with it")})
    if stated and not found:
        # a number cell (1200.4) in a row whose Currency has no minor unit
        for key in _MONEY_KEYS[ent.kind]:
            value = raw.get(key)
            if isinstance(value, (int, float, Decimal)) and (
                    problem := mn.whole_currency_problem(value, stated)) is not None:
                raise ValidationFailed({_header_for(ent, key): problem})
    if found and not stated:
        raw["currency"] = found[0]
    elif not found and not stated and (counter := context.get("defaulted")) is not None \
            and any(raw.get(key) not in (None, "") for key in _MONEY_KEYS[ent.kind]):
        counted.append((counter, context.get("currency")))      # an amount with no currency: the default's
    return counted


def _needs_evidence(symbol: str | None) -> bool:
    """Whether a shared symbol has no house reading without evidence of the language it
    was written in ("¥": Chinese CNY, Japanese JPY; importer.file_language.settles)."""
    from ..importer.file_language import settles

    return bool(symbol) and settles(mn._candidates_of(symbol))


def _ambiguous_symbol(reading: "mn.MoneyReading") -> str:
    """Why an amount whose symbol several currencies use is refused, with the choices."""
    codes = [c for c in mn._candidates_of(reading.symbol or "") if c != reading.currency]
    choices = [reading.currency, *codes][:8]
    more = ", …" if len(codes) + 1 > len(choices) else ""
    return (f"'{reading.symbol}' is used by {', '.join(choices)}{more}, and no Currency says which: give the "
            f"Currency, or write the code with the amount ({' or '.join(choices[:2])})")


def stored_fractions(ent: Entity, rec: dict) -> dict[str, str]:
    """{field header: why} for the amounts of a stored record `rec` that have a fraction
    its currency has not (1.5 JPY, stored by an older version before amounts were checked:
    ISO 4217 exponent 0, money.whole_currency_problem); {} for a record without one.
    Shown so that such a record can be found and fixed, never rounded behind the user's back."""
    code = rec.get("currency")
    if not code or mn.has_minor_unit(code):
        return {}
    return {_header_for(ent, key): problem for key in _MONEY_KEYS.get(ent.kind, ())
            if (problem := mn.whole_currency_problem(rec.get(key), code)) is not None}


# The Python types a validated value of each field kind has (None: empty, everywhere).
_WRITTEN_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,), "name": (str,), "email": (str,), "phone": (str,), "enum": (str,), "user": (str,),
    "ref": (str,), "tags": (str,), "date": (dt.date,), "datetime": (dt.datetime,),
    "money": (Decimal, int, float), "decimal": (Decimal, int, float), "int": (int,), "bool": (bool,),
}
_KIND_WORDS = {"date": "a date", "datetime": "a date and time", "money": "an amount", "decimal": "a number",
               "int": "a whole number", "bool": "yes or no", "email": "an email address",
               "phone": "a phone number", "ref": "a record id", "user": "a user name"}


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _kind_of_value(value: object) -> str:
    """What a value is, as a message names it (never the value itself: it may be personal)."""
    if isinstance(value, (float, Decimal)) and not _finite(value):
        return "a number that is not finite (NaN or infinity)"
    words = {dict: "a mapping (dict)", list: "a list", tuple: "a tuple", set: "a set", frozenset: "a set",
             bytes: "bytes", bytearray: "bytes", bool: "True/False", int: "a whole number", float: "a number",
             Decimal: "a number", str: "text", dt.datetime: "a date and time", dt.date: "a date",
             dt.time: "a time of day without a date", dt.timedelta: "a duration"}
    return words.get(type(value), f"a Python {type(value).__name__}")


_NO_VALUE_TYPES = (dict, list, tuple, set, frozenset, bytes, bytearray, memoryview)
_NO_VALUE_SET = frozenset((*_NO_VALUE_TYPES, object))     # exact types (a subclass is read)


def _refuse_containers(ent: Entity, raw: dict) -> None:
    """ValidationFailed naming each field given a Python value no field holds (a dict, a
    list, bytes, a bare object): never stored as its repr ("{'a': 1}") nor failing deep
    inside with an AttributeError. What it was is said, never the value."""
    if _NO_VALUE_SET.isdisjoint(map(type, raw.values())):
        return                  # every row of an import: its types looked up at once
    problems = {}
    for key, value in raw.items():
        if type(value) in _NO_VALUE_SET:     # (cims's own NamedTuples are read)
            f = ent.field(key)
            word = _KIND_WORDS.get(f.kind, "text")
            problems[f.header] = f"{_kind_of_value(value)} is not {word}: give {word} or leave it empty"
    if problems:
        raise ValidationFailed(problems)


def check_written_types(ent: Entity, values: dict) -> None:
    """ValidationFailed naming each field whose value is not of the Python type its kind
    stores (`_WRITTEN_TYPES`: text is str, a date a datetime.date, an amount a finite
    number, …) and what it was ("Consent Date: a mapping (dict) is not a date"), for
    values written without full validation (the private routes `check_written` guards):
    never an AttributeError or a database error from deep inside, nothing written. The
    value itself is never in the message."""
    from .pipeline import LEFT_EMPTY

    problems = {}
    fast = _written_fast(ent.kind)
    for key, value in values.items():
        if value is None:
            continue
        sure = fast.get(key)
        if sure is not None and type(value) in sure[0] and (sure[1] is None or value in sure[1]):
            continue            # text that is str, a date that is a date: nothing to look at further
        if value is LEFT_EMPTY:
            continue
        try:
            f = ent.field(key)
        except KeyError:
            continue            # not a field (a service's own key): not for this check
        allowed = _WRITTEN_TYPES.get(f.kind)
        if allowed is None:
            continue
        fits = isinstance(value, allowed) and not (f.kind in ("int", "money", "decimal") and isinstance(value, bool))
        if fits and isinstance(value, (float, Decimal)) and not _finite(value):
            fits = False
        if not fits:
            problems[f.header] = (f"{_kind_of_value(value)} is not {_KIND_WORDS.get(f.kind, 'text')}: "
                                  f"give {_KIND_WORDS.get(f.kind, 'text')} or leave it empty")
        elif isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
            problems[f.header] = "a whole number too large to store: give a number within range"
        elif f.kind == "enum" and f.strict and f.choices and value not in f.choices:
            problems[f.header] = f"not one of its values; give one of {', '.join(f.choices)}"
    if problems:
        raise ValidationFailed(problems)


@functools.lru_cache(maxsize=None)
def _written_fast(kind: str) -> dict[str, tuple[frozenset, frozenset | None]]:
    """Per field of entity `kind`: (the exact Python types `check_written_types` accepts
    with no further look, the values a strict list allows or None). Numbers are left out
    (finiteness and range are looked at); so are fields whose kind has no type rule."""
    from .schema import ENTITIES

    out = {}
    for f in ENTITIES[kind].fields:
        allowed = _WRITTEN_TYPES.get(f.kind)
        if allowed is None or f.kind in ("int", "money", "decimal"):
            continue
        exact = frozenset(allowed) | (frozenset({dt.datetime}) if f.kind == "date" else frozenset())
        choices = frozenset(f.choices) if f.kind == "enum" and f.strict and f.choices else None
        out[f.key] = (exact, choices)
    return out


def check_written(ent: Entity, values: dict, current: dict | None = None) -> None:
    """The domain's invariants, checked cheaply on values written without full
    validation (`services.records`' private routes with validated=True: the import, a workbook Save):
    each value of its field's Python type (`check_written_types`), an order's amount and
    quantity and a deal's amount never negative
    (`refuse_negative`), and no amount with a fraction its currency has not (1.5 JPY,
    `stored_fractions`). An update (`current` the record as stored) is checked on the
    fields it changes, its amounts against the currency the record will have."""
    check_written_types(ent, values)
    if ent.kind == "opportunity" and current is None and not values.get("stage"):
        # a validated deal has its stage (its default at least): its history records it
        raise ValidationFailed({ent.field("stage").header: "required: give one of "
                                + ", ".join(ent.field("stage").choices)})
    refuse_negative(ent, values)
    keys = _MONEY_KEYS.get(ent.kind, ())
    if not keys or not any(k in values for k in (*keys, "currency")):
        return
    merged = {**(current or {}), **values}
    problems = stored_fractions(ent, {"currency": merged.get("currency"),
                                      **{k: merged.get(k) for k in keys if k in values or "currency" in values}})
    if problems:
        raise ValidationFailed(problems)


def _currency_disagrees(value: object, reading: "mn.MoneyReading", stated: str, context: dict) -> str:
    """Why an amount's own currency and its row's Currency cell disagree, in the terms
    the amount was written in: a cell's number format ("the cell is formatted as US
    dollars"), a code ("written in USD"), a sign several currencies share ("'¥' is JPY
    in this file", the file's evidence in context "currencies"; else "the sign of CNY
    or JPY"), or a sign of one currency ("€ is EUR")."""
    code, symbol = reading.currency, (reading.symbol or "").strip()
    said = f"the Currency column says {stated}"
    if isinstance(value, mn.ShownAmount):
        from babel.numbers import get_currency_name

        try:
            name = get_currency_name(code, count=2, locale="en")
        except Exception:           # babel knows every code read_money gives; a name is a courtesy
            name = code
        return f"the cell is formatted as {name} ({code}) but {said}"
    if symbol.upper() == code:
        return f"the amount is written in {code} but {said}"
    candidates = mn.currency_candidates(symbol) if symbol else ()
    if len(candidates) > 1:
        settled = next((c for c in context.get("currencies") or () if c in candidates and c != stated), None)
        if settled:
            return f"'{symbol}' is {settled} in this file but {said}: the sign and the Currency disagree"
        shown = " or ".join(candidates) if len(candidates) <= 4 else (
            ", ".join(candidates[:4]) + f" or {len(candidates) - 4} more")
        # the cause first: the row's currency, which the sign is never written for
        return (f"the sign '{symbol}' conflicts with the row's currency {stated}: the sign and the Currency "
                f"disagree ('{symbol}' is the sign of {shown}, but {said})")
    return f"the sign '{symbol}' conflicts with the row's currency {stated}: '{symbol}' is {code}, but {said}"


@functools.cache
def _rules(kind: str) -> tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, str], ...]]:
    """(field, default) pairs and (field, header) of required fields, for validate_record."""
    ent = ENTITIES[kind]
    return (tuple((f.key, f.default) for f in ent.fields if f.default is not None),
            tuple((f.key, f.header) for f in ent.fields if f.required))


@functools.cache
def _headers(kind: str) -> dict[str, str]:
    ent = ENTITIES[kind]
    m = {f.header: f.key for f in ent.fields}
    m.update({f.header.lower(): f.key for f in ent.fields})
    m.update({f.key: f.key for f in ent.fields})
    return m


_TIMED_KINDS = frozenset({"ticket", "interaction", "order", "opportunity"})     # the kinds below


def check_given_times_and_rules(ent: Entity, values: dict, context: dict | None = None) -> None:
    """ValidationFailed for a row (an import's) whose values cims would not store as given:
    a time where the event must have happened (a ticket's Opened, First Response, Resolved,
    Closed; an interaction's When; an order's Order Date; a won or lost deal's Closed) later than now (beyond
    `sla.CLOCK_SKEW`), or a probability given with Won or Lost other than the rule's 100
    or 0. The same rules the services apply on every write (`sla.apply_ticket_change`,
    `pipeline.apply_opportunity_change`), checked where an import can name the row."""
    if ent.kind not in _TIMED_KINDS:
        return                  # customers, contacts: no such rule (every imported row asks)
    import datetime as _dt

    from . import sla

    now = _dt.datetime.now(_dt.timezone.utc)
    zone = (context or {}).get("tz")
    if ent.kind == "ticket":
        sla.check_not_future(None, values, now, sla._EVENT_TIMES, zone)
    elif ent.kind == "interaction":
        sla.check_not_future(None, values, now, (("occurred_at", ent.field("occurred_at").header),), zone)
    elif ent.kind == "order":
        sla.check_not_future(None, values, now, (("order_date", ent.field("order_date").header),), zone)
    elif ent.kind == "opportunity" and values.get("stage") in ("Won", "Lost"):
        from .pipeline import default_probability
        rule = default_probability(values["stage"])
        given = values.get("probability")
        if given not in (None, "") and isinstance(given, int) and given != rule:
            raise ValidationFailed({ent.field("probability").header: (
                f"a {values['stage']} deal's probability is {rule} (the rule: Won is 100, Lost is 0), "
                f"not {given}; give {rule} or leave it out")})
        sla.check_not_future(None, values, now, (("closed_at", ent.field("closed_at").header),), zone)
