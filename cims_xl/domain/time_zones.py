"""Time zones in what people type: named zones after a time, and wall-clock times.

Pure functions, no I/O beyond reading the tz database and CLDR (babel) once.

- `zone_suffix("2:30:00 PM PST")` splits a zone written after a time: an offset written
  with its name (`GMT+0800`, `UTC+8`, `UTC-05:30`), a zone's abbreviation (`PST`, `CET`,
  `JST`) or its long name (`(China Standard Time)`, as JavaScript's Date writes it,
  `Pacific Standard Time`, `中国标准时间`). A name is read only when it names one
  offset: the offsets CLDR's metazones give its short and long names (standard and
  daylight, babel's locale data) together with the abbreviations the tz database
  uses today (`zoneinfo`). `IST` (India +05:30, Ireland +01:00, Israel +02:00), `CST`
  (US Central -06:00, Cuba -05:00, China +08:00) and `PST` (US Pacific -08:00, the
  Philippines +08:00) each name several, and are refused naming them.
- `wall_clock(naive, zone)` is the instant a date and time without a zone stand for
  in `zone`. A time the clocks skip (a spring-forward gap) or pass twice (the autumn
  hour) is refused naming the zone and the offsets: no instant is guessed.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re

UTC = _dt.timezone.utc

# "GMT+0800", "UTC+8", "UTC -05:30", "GMT+08:00": an offset after its name.
_NAMED_OFFSET = re.compile(r"(?:^|\s)(?:utc|gmt)\s*(?P<sign>[+-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$",
                           re.IGNORECASE)
# "(China Standard Time)" or "(中国标准时间)" at the end, as JavaScript writes it.
_PAREN_NAME = re.compile(r"(?<!\s)\s*[(（](?P<name>[^()（）]+)[)）]\s*$")
# An abbreviation after the time: "PST", "CEST", "ChST"; also a long English name.
_ABBREVIATION = re.compile(r"(?:^|\s)(?P<name>[A-Za-z]{2,5})$")
_LONG_NAME = re.compile(r"(?:^|\s)(?P<name>(?:[A-Za-z]+\s+){1,4}time)$", re.IGNORECASE)
# Words after a time that are not zones: "2:30 PM", "14:30 Uhr", "14 h".
_NOT_ZONES = frozenset({"am", "pm", "uhr", "h", "hs", "hrs", "ч", "giờ"})
# The languages whose long zone names are read (CLDR): JavaScript writes the name in
# the browser's language.
_NAME_LOCALES = ("en", "en_AU", "en_CA", "en_GB", "en_IE", "en_IN", "en_NZ", "en_SG", "en_ZA", "zh", "zh_Hant",
                 "ja", "ko", "de", "fr", "es", "pt", "it", "nl", "ru")


class ZoneNameError(ValueError):
    """A zone named after a time that names no single offset (ambiguous or unknown)."""


def zone_suffix(text: str) -> tuple[str, _dt.tzinfo | None]:
    """(the time without its zone, the zone's fixed offset) for a time of day written
    with a named zone after it; (text, None) when none is written. ZoneNameError when
    a zone name is written that names several offsets, or a long name no data knows."""
    text = text.strip()
    zone: _dt.tzinfo | None = None
    if (paren := _PAREN_NAME.search(text)) is not None:
        if _NAMED_OFFSET.search(paren["name"].strip()):
            # "(GMT+8)", "(UTC+05:30)": the offset in brackets, read as written without them
            text = f"{text[:paren.start()].strip()} {paren['name'].strip()}"
        else:
            zone = _named(paren["name"].strip(), long=True)
            text = text[:paren.start()].strip()
    if (named := _NAMED_OFFSET.search(text)) is not None:
        hours, minutes = int(named["h"]), int(named["m"] or 0)
        if hours > 14 or minutes > 59:
            raise ZoneNameError(f"no such offset: {named.group().strip()!r}")
        delta = _dt.timedelta(hours=hours, minutes=minutes)
        offset = _dt.timezone(-delta if named["sign"] in "-−" else delta)
        if zone is not None and zone.utcoffset(None) != offset.utcoffset(None):
            raise ZoneNameError(f"the offset {named.group().strip()} and the zone's name disagree")
        return text[:named.start()].strip(), offset
    if zone is not None:
        return text, zone
    if (long := _LONG_NAME.search(text)) is not None:
        zone = _named(long["name"], long=True, unknown_ok=True)
        if zone is not None:
            return text[:long.start()].strip(), zone
    if (abbr := _ABBREVIATION.search(text)) is not None and abbr["name"].casefold() not in _NOT_ZONES:
        if abbr["name"].upper() in ("UTC", "GMT", "Z", "UT"):
            return text[:abbr.start()].strip(), UTC
        zone = _named(abbr["name"], long=False, unknown_ok=True)
        if zone is not None:
            return text[:abbr.start()].strip(), zone
    return text, None


def _named(name: str, *, long: bool, unknown_ok: bool = False) -> _dt.tzinfo | None:
    offsets = (_long_names() if long else _abbreviations()).get(_key(name))
    if not offsets:
        if unknown_ok:
            return None
        raise ZoneNameError(f"unknown time zone {name!r}: write the time with its offset (e.g. +08:00)")
    if len(offsets) > 1:
        shown = ", ".join(_offset_text(o) for o in sorted(offsets))
        raise ZoneNameError(f"the zone {name!r} names more than one offset ({shown}): "
                            f"write the time with its offset (e.g. 14:30 {_offset_text(min(offsets))})")
    offset = next(iter(offsets))
    return UTC if not offset else _dt.timezone(offset)


def named_zone(name: str) -> _dt.tzinfo | None:
    """The fixed offset an abbreviation names ("JST", "CET", "PST"), or None when it names no
    zone or several offsets ("IST")."""
    if name.upper() in ("UTC", "GMT", "UT", "Z"):
        return UTC
    try:
        return _named(name, long=False, unknown_ok=True)
    except ZoneNameError:
        return None


def offset_text(offset: _dt.timedelta) -> str:
    """"+08:00", "-05:00"."""
    return _offset_text(offset)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _offset_text(offset: _dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@functools.cache
def _metazone_offsets() -> dict[str, dict[str, frozenset[_dt.timedelta]]]:
    """metazone -> {"standard": offsets, "daylight": offsets} of the zones that use it
    today (CLDR's zone -> metazone table, babel; offsets from the tz database in
    January and July of this year)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from babel.core import get_global

    year = _dt.date.today().year
    out: dict[str, dict[str, set[_dt.timedelta]]] = {}
    for zone_name, metazone in get_global("meta_zones").items():
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        kinds = out.setdefault(metazone, {"standard": set(), "daylight": set()})
        for month in (1, 7):
            moment = _dt.datetime(year, month, 15, 12, tzinfo=zone)
            kinds["daylight" if moment.dst() else "standard"].add(moment.utcoffset())
    return {m: {k: frozenset(v) for k, v in kinds.items()} for m, kinds in out.items()}


def _names(width: str) -> dict[str, set[_dt.timedelta]]:
    from babel import Locale

    metazones = _metazone_offsets()
    names: dict[str, set[_dt.timedelta]] = {}
    generic: dict[str, set[_dt.timedelta]] = {}
    for tag in _NAME_LOCALES:
        for metazone, widths in Locale.parse(tag).meta_zones.items():
            offsets = metazones.get(metazone)
            if not offsets:
                continue
            for kind, name in widths.get(width, {}).items():
                if kind == "generic":
                    # "Pacific Time", "PT": either offset of the year
                    generic.setdefault(_key(name), set()).update(offsets["standard"] | offsets["daylight"])
                elif offsets.get(kind):
                    names.setdefault(_key(name), set()).update(offsets[kind])
    # A name that is also a standard or summer name ("CET" is both in CLDR) is that.
    for name, offsets in generic.items():
        names.setdefault(name, offsets)
    return names


@functools.cache
def _abbreviations() -> dict[str, frozenset[_dt.timedelta]]:
    """Abbreviation (case-folded) -> the offsets it names: CLDR's short metazone names
    and the abbreviations the tz database's zones use this year."""
    from zoneinfo import ZoneInfo, available_timezones

    names = _names("short")
    year = _dt.date.today().year
    for zone_name in available_timezones():
        try:
            zone = ZoneInfo(zone_name)
        except (ValueError, OSError):
            continue
        for month in (1, 7):
            moment = _dt.datetime(year, month, 15, 12, tzinfo=zone)
            abbreviation = moment.tzname() or ""
            if abbreviation[:1].isalpha():             # "+08" is an offset, not a name
                names.setdefault(_key(abbreviation), set()).add(moment.utcoffset())
    return {k: frozenset(v) for k, v in names.items()}


@functools.cache
def _long_names() -> dict[str, frozenset[_dt.timedelta]]:
    """Long zone name (case-folded) -> the offsets it names (CLDR, _NAME_LOCALES)."""
    names = _names("long")
    names.setdefault(_key("Coordinated Universal Time"), set()).add(_dt.timedelta(0))
    return {k: frozenset(v) for k, v in names.items()}


def zone_name(zone: _dt.tzinfo) -> str:
    """"Asia/Shanghai" for a zoneinfo zone, "UTC+08:00" for a fixed offset."""
    key = getattr(zone, "key", None)
    if key:
        return key
    offset = zone.utcoffset(None)
    return "UTC" if not offset else "UTC" + _offset_text(offset)


def wall_clock(naive: _dt.datetime, zone: _dt.tzinfo) -> _dt.datetime:
    """The aware datetime a date and time without a zone stand for in `zone` (a
    zoneinfo zone or a fixed offset). ValueError naming the zone when the time does not
    exist there (the clocks skip it) or exists twice (the hour the clocks go back)."""
    first = naive.replace(tzinfo=zone, fold=0)
    if first.utcoffset() is None:
        return first
    second = naive.replace(tzinfo=zone, fold=1)
    before, after = first.utcoffset(), second.utcoffset()
    if before == after:
        return first
    shown = naive.strftime("%Y-%m-%d %H:%M")
    if before > after:      # autumn: the hour is passed twice
        raise ValueError(f"{shown} happens twice in {zone_name(zone)} (the clocks go back: "
                         f"{_offset_text(before)} or {_offset_text(after)}); write the time with its offset")
    raise ValueError(f"{shown} does not exist in {zone_name(zone)} (the clocks move forward from "
                     f"{_offset_text(before)} to {_offset_text(after)} and skip it); write the time with its offset")
