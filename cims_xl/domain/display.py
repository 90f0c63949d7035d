"""How values read for a person: money, percentages, times. Pure functions, no I/O.

Machine output (`--format json|csv`, the store) keeps machine values; these helpers
are for text a person reads (`--format table`). Times are stored in UTC and shown in
the zone the caller passes: the CLI passes the machine's zone (`$CIMS_TZ` overrides),
the zone the workbook's sheets use (`excel.sheet_codec.local_zone`), and every table
that shows a time names it (`zone_label`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .schema import ENTITIES, META_KEYS

# Field keys whose values are amounts of money, or percentages (header "… %"), derived
# from the one layout definition; lifetime values are sums of order amounts.
MONEY_KEYS = frozenset({f.key for e in ENTITIES.values() for f in e.fields if f.kind == "money"}
                       | {"lifetime_value", "ltv"})
PERCENT_KEYS = frozenset(f.key for e in ENTITIES.values() for f in e.fields if f.header.endswith("%"))
# Keys whose values are points in time (stored in UTC): datetime fields, the meta
# columns created_at/updated_at/deleted_at, and the audit trail's "at".
TIME_KEYS = frozenset({f.key for e in ENTITIES.values() for f in e.fields if f.kind == "datetime"}
                      | {k for k in META_KEYS if k.endswith("_at")} | {"at"})


def money(amount: object, currency: str | None = None, *, code: bool = True) -> str:
    """`1234.5, "CNY"` -> `"1,234.50 CNY"`: the currency's decimal places (ISO 4217 minor
    units, `money.minor_units`: BHD 3, JPY 0, two without a currency), or more when the
    value has more, up to the store's 4 (`money.shown_amount`: 0.001 CNY reads
    "0.001 CNY", never "0.00"); thousands separated, code after; never "-0".

    A mapping of currency -> amount (sums kept per currency) reads `"1.00 CNY, 2.00 USD"`.
    A value that is not a number comes back as text unchanged; None and "" give "".
    code=False leaves the code out (a table whose title names the currency).
    """
    from .money import round_money, shown_amount

    if isinstance(amount, Mapping):
        return ", ".join(money(v, str(k)) for k, v in amount.items())
    if amount is None or amount == "":
        return ""
    number = round_money(amount, currency)
    if number is None:
        return str(amount)
    number = shown_amount(amount, currency)
    text = format(number, f",.{-number.as_tuple().exponent}f")
    return f"{text} {currency.upper()}" if currency and code else text


def converted_money(amount: object, currency: str | None = None, *, code: bool = True) -> str:
    """A figure computed at an exchange rate ("14.014 USD" from 100 CNY at 0.14014) as a
    person reads it: rounded to `currency`'s minor units (ISO 4217: USD 2, BHD 3, JPY 0),
    half up, as Council Regulation (EC) No 1103/97 Art. 5 rounds a converted sum ("if
    the application of the conversion rate gives a result which is exactly half-way, the
    sum shall be rounded up"); "14.01 USD". Stored amounts are shown as stored (`money`,
    up to 4 places); machine output (json) keeps the exact converted figure."""
    from .money import round_money

    rounded = round_money(amount, currency)
    return money(amount if rounded is None else rounded, currency, code=code)


def percent(value: object, *, fraction: bool = False, decimals: int = 0) -> str:
    """`75` -> `"75%"`; with fraction=True, `0.342` -> `"34.2%"` (decimals=1)."""
    if value is None or value == "":
        return ""
    try:
        number = float(value) * (100 if fraction else 1)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,.{decimals}f}%"


def display_zone() -> dt.tzinfo:
    """The one zone times are shown in, and a time written without a zone is taken in:
    $CIMS_TZ, else $TZ (IANA names: "Asia/Shanghai"), else the system's zone
    (/etc/localtime), else the machine's fixed offset. The sheets, the CLI and the
    import all use it."""
    for var in ("CIMS_TZ", "TZ"):
        name = os.environ.get(var, "").lstrip(":")
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return dt.datetime.now().astimezone().tzinfo or dt.timezone.utc


def display_zone_source() -> str:
    """Which setting gave `display_zone()`: "$CIMS_TZ", "$TZ" or "the computer's zone"."""
    for var in ("CIMS_TZ", "TZ"):
        name = os.environ.get(var, "").lstrip(":")
        if name:
            try:
                ZoneInfo(name)
                return f"${var}"
            except (ZoneInfoNotFoundError, ValueError):
                pass
    return "the computer's zone"


def local_time(value: dt.datetime, tz: str | dt.tzinfo) -> str:
    """An aware datetime as `YYYY-MM-DD HH:MM` in `tz` (a naive one is taken as UTC)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def as_time(value: object) -> dt.datetime | None:
    """A datetime from a datetime or an ISO 8601 text with a UTC offset; None otherwise."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) >= 19 and value[10:11] in ("T", " "):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else None
    return None


def zone_label(tz: str | dt.tzinfo, at: dt.datetime | None = None) -> str:
    """`"Asia/Shanghai (UTC+08:00)"`: the zone's name and its offset at `at` (default now)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    moment = (at or dt.datetime.now(dt.timezone.utc)).astimezone(zone)
    offset = moment.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    name = getattr(zone, "key", None)           # a fixed offset (no IANA name) is just "UTC+hh:mm"
    return f"{name} ({utc})" if name else utc


def trim_empty_ends(rows: Sequence[Mapping], label_columns: Iterable[str]) -> list[Mapping]:
    """Rows without the leading and trailing ones whose figures are all zero or empty.

    For month-by-month tables: months before the first order and after the last one say
    nothing. Empty months in between stay (a gap is information). label_columns are the
    columns that are not figures (e.g. "Month").
    """
    labels = set(label_columns)

    def empty(row: Mapping) -> bool:
        return all(v in (None, 0, "", 0.0) for k, v in row.items() if k not in labels)

    rows = list(rows)
    start, end = 0, len(rows)
    while start < end and empty(rows[start]):
        start += 1
    while end > start and empty(rows[end - 1]):
        end -= 1
    return rows[start:end]
