"""What a computed report is: sheets of named tables, each with formats and a chart.

Plain data shared by the pivots (`compute`), the sheet plan (`sheets`), the writers (in
`cims_xl.excel.report_writer*`) and `cims report --format json`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass, field

import pandas as pd
from zoneinfo import ZoneInfo

# Number formats used in report tables (Excel format codes). MONEY marks a money
# column; the workbook shows it with its currency's decimal places (`money_format`).
MONEY = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.0%"
DAYS = "0.0"
HOURS = "0.0"
DATE = "yyyy-mm-dd"
MONTH = "yyyy-mm"
DATETIME = "yyyy-mm-dd hh:mm"


class Stored(Decimal):
    """A money figure made of stored amounts only, none converted at a rate (a sum of
    orders in the store's currency in a converted report): shown with every stored digit,
    as a stored amount is (0.005 USD stays 0.005, never 0.01), where a figure converted
    at a rate is shown rounded to its currency's minor units. Arithmetic on it gives a
    plain Decimal, which is shown as converted (the rounding the table's note names)."""

    __slots__ = ()


def is_converted_figure(value, table_converted: bool) -> bool:
    """Whether a money cell of a table (converted to the store's currency when
    `table_converted`) is shown as a converted figure (rounded to minor units)."""
    return table_converted and not isinstance(value, Stored)


def money_format(code: str | None, converted: bool = False) -> str:
    """The Excel number format of an amount in `code` (`domain.money.number_format`):
    "#,##0.000#" for BHD, "#,##0.00##" for CNY and without a currency, "#,##0" for JPY;
    `converted` (figures computed at an exchange rate): the minor units only, "#,##0.00"."""
    from ..domain.money import number_format

    return number_format(code, converted=converted)


@dataclass(frozen=True)
class ChartSpec:
    """A native chart over one table: categories from one column, series from others.

    kind: "line" (trends), "column" (comparisons), "bar" (horizontal comparisons) or
    "funnel" (horizontal bars, first category on top).
    """

    kind: str
    title: str
    series: tuple[str, ...]
    categories: str | None = None     # default: the table's first column
    y_title: str | None = None
    x_title: str | None = None
    stacked: bool = False
    max_points: int | None = None     # chart only the first n rows (long ranked tables)


@dataclass
class ReportTable:
    """One pivot written as an Excel Table named `name` (stable across refreshes).

    totals maps a column to "sum" (a live SUBTOTAL formula in the totals row) or to a
    fixed value computed over all rows (rates and medians, which do not add up); the
    first column's totals cell says "Total".
    """

    name: str
    title: str
    data: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    chart: ChartSpec | None = None
    totals: dict[str, object] = field(default_factory=dict)
    note: str | None = None
    currency: str | None = None       # of its MONEY columns when one (else a Currency column per row)
    # count columns whose Total is a value counted over all rows once (distinct customers),
    # kept when the table is split into one block per currency: a sum of the blocks overlaps
    distinct: tuple[str, ...] = ()
    # the currency its money figures were converted to at the entered rates (computed
    # figures: shown rounded to its minor units, `display.converted_money`), else None
    converted: str | None = None
    # a note about this computation only (customers too few to rank): kept per block, named
    # by its currency, when the table is split into one block per currency
    block_note: str | None = None

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.data.columns]


@dataclass
class ReportSheet:
    sheet: str                        # "Report - Sales", ...
    title: str
    computed_at: dt.datetime          # aware
    filters: dict[str, object]        # {"date_from": date|None, "date_to": ..., "owner": ..., "region": ...}
    tables: list[ReportTable]
    notes: list[str] = field(default_factory=list)
    tz: str = "Asia/Shanghai"
    fx_notes: list[str] = field(default_factory=list)   # rates used for this sheet's rows

    def table(self, name: str) -> ReportTable:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def filters_text(self) -> str:
        """The filters as one line a reader understands, e.g. 'From 2016-01-01 · Owner li'."""
        parts = []
        f = self.filters
        if f.get("date_from") or f.get("date_to"):
            lo = _fmt(f.get("date_from")) or "start"
            hi = _fmt(f.get("date_to")) or "today"
            parts.append(f"Dates {lo} to {hi}")
        if f.get("owner"):
            parts.append(f"Owner {f['owner']}")
        if f.get("region"):
            parts.append(f"Region {f['region']}")
        if not parts:
            parts.append("All data (no filter)")
        if not f.get("include_personal", True):
            parts.append("aggregates only (no personal data)")
        parts.append(f"times in {self.tz}")
        return " · ".join(parts)


def _fmt(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def to_jsonable(reports: dict[str, ReportSheet]) -> dict:
    """The reports as plain JSON-ready data (for `cims report --format json`)."""
    out = {}
    for sheet, rep in reports.items():
        out[sheet] = {
            "title": rep.title,
            "computed_at": _utc_text(rep.computed_at, rep.tz),     # UTC with "Z", as every JSON time
            "filters": {k: _fmt(v) if isinstance(v, (dt.date, dt.datetime)) else v
                        for k, v in rep.filters.items()},
            "tables": {t.name: _records(t.data, {c for c, f in t.formats.items() if f == DATETIME}, rep.tz)
                       for t in rep.tables},
            # each table's note (rates used, profit not known, ...): what the workbook shows above it
            "notes": {t.name: t.note for t in rep.tables if t.note},
            # the one currency of each money table's figures (none: a Currency column per row)
            "currencies": {t.name: t.currency for t in rep.tables if t.currency},
        }
    return out


def _utc_text(value, tz: str | None) -> str:
    """A time of a report table (naive: the report's local clock time, as the workbook
    shows it) as JSON times are written: UTC, whole seconds, "Z"."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(ZoneInfo(tz) if tz else dt.timezone.utc, ambiguous=True, nonexistent="shift_forward")
    return ts.tz_convert("UTC").floor("s").strftime("%Y-%m-%dT%H:%M:%SZ")


def _records(df: pd.DataFrame, times: set[str] = frozenset(), tz: str | None = None) -> list[dict]:
    """JSON-ready rows; the `times` columns (local clock times in `tz`) as UTC ISO 8601."""
    rows = []
    for rec in df.to_dict(orient="records"):
        clean = {}
        for k, v in rec.items():
            if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
                clean[str(k)] = None
            elif k in times and isinstance(v, (pd.Timestamp, dt.datetime)):
                clean[str(k)] = _utc_text(v, tz)
            elif isinstance(v, pd.Timestamp):
                clean[str(k)] = v.isoformat() if (v.hour or v.minute or v.second) else v.date().isoformat()
            elif isinstance(v, (dt.date, dt.datetime)):
                clean[str(k)] = v.isoformat()
            elif isinstance(v, Decimal):        # money: exact decimal text ("2.469"), never a float
                clean[str(k)] = format(v, "f") if v.is_finite() else None
            elif hasattr(v, "item"):
                clean[str(k)] = v.item()
            else:
                clean[str(k)] = v
        rows.append(clean)
    return rows
