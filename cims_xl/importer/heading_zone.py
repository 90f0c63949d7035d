"""A heading that names the zone its times are written in ("Created (UTC)", "Order Date (UTC)",
"UTC time", "Zeit (GMT)", "时间(UTC)"): the column's times without a zone of their own are
moments in that zone (a payment system's log), dated in the user's zone like a time written
with Z (importer.plan). Only UTC/GMT (with +0 at most) are read: a heading naming another
zone or offset ("Time (CET)") is left as it was."""
from __future__ import annotations

import re

from .heading_fold import fold

# UTC / GMT, optionally +0 / +00:00, standing as a word (in brackets or not)
_ZONE = re.compile(r"[\(\[（【]?\s*\b(?:utc|gmt)(?:\s*[+±-]\s*0{1,2}(?::?00)?)?\b\s*[\)\]）】]?", re.IGNORECASE)
# words that say "time" alone: with the zone, the heading is a time of the record's own date
TIME_WORDS = frozenset({"time", "timestamp", "datetime", "date time", "date/time", "zeit", "uhrzeit", "zeitstempel",
                        "heure", "horodatage", "hora", "ora", "tijd", "tid", "czas", "время", "時間", "时间", "時刻",
                        "시간", "日時", "日时", "日期时间", "时间戳"})


def heading_zone(header: object) -> tuple[str, str] | None:
    """(the heading without the zone, "UTC") when the heading names UTC or GMT as the zone of
    its times, else None."""
    if not isinstance(header, str) or not header or len(header) > 80:
        return None
    text = fold(header)
    m = _ZONE.search(text)
    if m is None:
        return None
    rest = (text[:m.start()] + " " + text[m.end():]).strip(" -_:/,")
    rest = re.sub(r"\s+", " ", rest).strip()
    return rest, "UTC"


def bare_time(rest: str) -> bool:
    """The heading without its zone says only "time" ("UTC time", "Zeit (UTC)", "时间(UTC)")."""
    return rest.strip().lower() in TIME_WORDS or not rest.strip()
