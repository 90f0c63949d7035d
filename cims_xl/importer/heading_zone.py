"""A heading that names the zone its times are written in ("Created (UTC)", "Order Date (UTC)",
"UTC time", "Zeit (GMT)", "时间(UTC)", "Opened (GMT+8)", "Date [UTC-05:00]", "時刻 (JST)"): the
column's times without a zone of their own are moments in that zone (a payment system's log).
A date field dates such a moment in the user's zone like a time written with Z when the heading
names UTC (importer.plan; another zone keeps the date written, as a time with another offset
does); a date-and-time field (a ticket's Opened, an interaction's When) takes the moment itself.
UTC/GMT with or without an offset are read as a word; an abbreviation ("JST", "CET") only in
brackets, and only one naming a single offset in CLDR (time_zones.named_zone: "IST" names three).
A time of the column written with its own offset that differs stops the import (importer.run)."""
from __future__ import annotations

import datetime as dt
import re

from ..domain.time_zones import UTC, named_zone, offset_text
from .heading_fold import fold

# UTC / GMT, optionally with an offset (+0, +8, +08:00, -0530), standing as a word (in brackets or not)
_ZONE = re.compile(r"[\(\[（【]?\s*\b(?:utc|gmt)(?:\s*(?P<sign>[+±−-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?\b\s*"
                   r"[\)\]）】]?", re.IGNORECASE)
# an abbreviation in brackets: "(JST)", "[CET]", "（JST）"
_ABBREVIATION = re.compile(r"[\(\[（【]\s*(?P<name>[A-Za-z]{2,5})\s*[\)\]）】]")
# words that say "time" alone: with the zone, the heading is a time of the record's own date
TIME_WORDS = frozenset({"time", "timestamp", "datetime", "date time", "date/time", "zeit", "uhrzeit", "zeitstempel",
                        "heure", "horodatage", "hora", "ora", "tijd", "tid", "czas", "время", "時間", "时间", "時刻",
                        "시간", "日時", "日时", "日期时间", "时间戳"})


def heading_zone(header: object) -> tuple[str, str] | None:
    """(the heading without the zone, the zone's label: "UTC", "UTC+08:00", "JST (UTC+09:00)")
    when the heading names the zone of its times, else None."""
    found = heading_tz(header)
    return (found[0], found[1]) if found else None


def heading_tz(header: object) -> tuple[str, str, dt.tzinfo] | None:
    """(the heading without the zone, the zone's label, the zone as a fixed offset), or None."""
    if not isinstance(header, str) or not header or len(header) > 80:
        return None
    text = fold(header)
    zone: dt.tzinfo | None = None
    m = _ZONE.search(text)
    if m is not None:
        hours, minutes = int(m["h"] or 0), int(m["m"] or 0)
        if hours > 14 or minutes > 59 or (m["sign"] == "±" and (hours or minutes)):
            return None
        delta = dt.timedelta(hours=hours, minutes=minutes)
        zone = UTC if not delta else dt.timezone(-delta if m["sign"] in "-−" else delta)
        label = "UTC" if not delta else f"UTC{offset_text(zone.utcoffset(None))}"
    else:
        m = _ABBREVIATION.search(header)
        if m is None or (zone := named_zone(m["name"])) is None:
            return None
        text = header
        shift = zone.utcoffset(None)
        label = m["name"].upper() + (f" (UTC{offset_text(shift)})" if shift else "")
    rest = (text[:m.start()] + " " + text[m.end():]).strip(" -_:/,")
    rest = re.sub(r"\s+", " ", rest).strip()
    if m.re is _ABBREVIATION:
        rest = fold(rest)
    return rest, label, zone


def is_utc(header: object) -> bool:
    """The heading names UTC (or GMT, +0) as the zone of its times."""
    found = heading_tz(header)
    return bool(found) and found[2].utcoffset(None) == dt.timedelta(0)


def bare_time(rest: str) -> bool:
    """The heading without its zone says only "time" ("UTC time", "Zeit (UTC)", "时间(UTC)")."""
    return rest.strip().lower() in TIME_WORDS or not rest.strip()
