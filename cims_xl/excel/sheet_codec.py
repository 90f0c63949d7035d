"""Cell values <-> stored values, and the row fingerprint.

Both workbook adapters (openpyxl on a file, xlwings live) hand the sync plain Python
values, but not the same ones: openpyxl gives back an `int` where xlwings gives a
`float`, a date cell comes back as a midnight `datetime`, a blank as `None` or `""`.
`canonical` maps all of these to one token so that a fingerprint taken when a row was
written equals the one taken when the same values are read back by either engine.
No xlwings or openpyxl here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from .safe import FORMULA_TRIGGERS, is_risky

# Text starting with one of these is a formula (or DDE payload) to a spreadsheet.
RISKY_PREFIXES = FORMULA_TRIGGERS

# Field kinds whose sheet value is text; a number typed into such a cell is read as text.
TEXT_KINDS = frozenset({"text", "name", "email", "phone", "enum", "tags", "ref", "user"})


class Uncomputed:
    """A live formula in a data cell whose value the engine cannot compute (headless)."""

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula

    def __repr__(self) -> str:
        return f"Uncomputed({self.formula!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Uncomputed) and other.formula == self.formula

    def __hash__(self) -> int:
        return hash(("Uncomputed", self.formula))


def is_risky_text(value: object) -> bool:
    """Would a spreadsheet read this text as a formula if written as is?"""
    return isinstance(value, str) and is_risky(value)


def local_zone() -> dt.tzinfo:
    """The time zone sheet datetimes are shown in: $CIMS_TZ, else $TZ, else the system's
    (`domain.display.display_zone`, which the CLI and the import use too)."""
    from ..domain.display import display_zone

    return display_zone()


def report_zone_kwargs() -> dict[str, ZoneInfo]:
    """`{"tz": local_zone()}` for the report builders, so reports show times in the zone
    the sheets and the CLI use; `{}` (the reports' own default) when the machine's zone
    has no IANA name."""
    zone = local_zone()
    return {"tz": zone} if isinstance(zone, ZoneInfo) else {}


# ----- store -> cell ---------------------------------------------------------------

def to_cell(kind: str, value: Any, tz: dt.tzinfo) -> Any:
    """The value to put in a cell for a stored value of field kind `kind`.

    Excel has no decimal or time-zone types: money becomes a float, an aware datetime
    becomes local wall-clock time in `tz` without tzinfo.
    """
    if value is None:
        return None
    if kind == "bool":
        return "Yes" if value else "No"  # the sheet's drop-down offers Yes / No
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz).replace(tzinfo=None)
        return value.replace(microsecond=0)
    return value


# ----- cell -> input for validate_record --------------------------------------------

def from_cell(kind: str, value: Any) -> Any:
    """A cell value as input for `validate_record`, undoing what Excel does to typed text.

    A phone typed into a General cell arrives as 13800138000.0; a date cell as a
    midnight datetime.
    """
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if kind in TEXT_KINDS:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            if math.isfinite(value) and value == int(value):
                return str(int(value))
            return format(value, ".15g")
        if isinstance(value, int):
            return str(value)
        return value
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date()
    if kind in ("money", "decimal") and isinstance(value, float):
        # 12.34 as a binary float is 12.339999...; Excel shows 15 significant digits.
        return Decimal(format(value, ".15g"))
    if kind == "int" and isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    return value


# ----- canonical tokens and fingerprints -------------------------------------------

def _number_token(value: float | int | Decimal) -> str:
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return f"n{value}"
    if not math.isfinite(number):
        return f"n{number}"
    if isinstance(value, int) and abs(value) < 10**15:
        return f"n{value}"
    try:
        dec = Decimal(format(number, ".15g")).normalize()
    except InvalidOperation:  # pragma: no cover - finite floats always format
        return f"n{number!r}"
    if dec == 0:
        return "n0"
    text = format(dec, "f")
    return f"n{text}"


def canonical(value: Any) -> str:
    """One token per value, equal for values that are the same cell content.

    Blank (None/"") -> ""; bools; numbers to 15 significant digits (int 3 == 3.0);
    datetimes to the second, and a midnight datetime equals the date; text as is.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return "s" + value if value else ""
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, (int, float, Decimal)):
        return _number_token(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        if value.microsecond:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == dt.time(0):
            return "d" + value.date().isoformat()
        return "t" + value.isoformat()
    if isinstance(value, dt.date):
        return "d" + value.isoformat()
    if isinstance(value, dt.time):
        return "h" + value.replace(microsecond=0).isoformat()
    if isinstance(value, Uncomputed):
        return "f" + value.formula
    return "x" + repr(value)


def fingerprint(values: Iterable[Any]) -> str:
    """Hash of a row's business values in layout order (24 hex characters)."""
    h = hashlib.sha256()
    for v in values:
        token = canonical(v).encode("utf-8", "surrogatepass")
        h.update(len(token).to_bytes(4, "big"))  # length-prefixed: no two rows run together
        h.update(token)
    return h.hexdigest()[:24]


def same(a: Any, b: Any) -> bool:
    """Do two cell values hold the same content?"""
    return canonical(a) == canonical(b)


# ----- for messages ----------------------------------------------------------------

def display(value: Any, tz: dt.tzinfo | None = None, *, limit: int = 40) -> str:
    """A short human form of a stored value, for Status texts."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None and tz is not None:
            value = value.astimezone(tz)
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
