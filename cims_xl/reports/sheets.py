"""Writing report sheets: one layout plan, two writers (openpyxl headless, xlwings live).

`plan_sheet(report)` turns a computed `ReportSheet` into positions and cell values;
`render(writer, plans)` drives a `ReportWriter` through it. `cims_xl.excel.report_writer.OpenpyxlWriter`
writes a workbook file; `cims_xl.excel.report_writer_live.XlwingsWriter` writes into an
open workbook. Both produce the same sheets because the plan is the same.

Layout of a report sheet (the filter block is the workbook builder's,
cims_xl/excel/build.py; a standalone report workbook gets the same block):

    A1 title · A4:B7 filters, defined names <P>_From, <P>_To, <P>_Owner, <P>_Region
    (P = Sales | Pipeline | Service | Segments) · <P>_Output = A9, the top-left of the
    report body:
      row +0  Computed <local date-time> (<time zone>)
      row +1  Filters used: <one line>
      rows +3 … +18   one native chart per table that has one, above its table
      row +20 table title, row +21 note, row +22 table header, data, totals row

Every table owns a fixed band of columns (BANDS below), so a table that grows only
grows downwards inside its band, and its anchor is the same on every refresh. A
refresh clears the previous table's whole area first (stale rows never linger), and
keeps the table's name, so a formula like =SUM(tblSalesByRegion[Sales]) elsewhere in
the workbook keeps pointing at the report. Charts on report sheets are the report's:
a refresh replaces them all. Filter cells are never overwritten once they exist.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import numpy as np
import pandas as pd

from ..cell_text import text_width_chars, wrapped_line_count
from ..report_layout import OUTPUT_CELL, PIPELINE, REPORT_SHEETS, SALES, SEGMENTS, SERVICE, report_prefix
from .currency import CURRENCY
from .model import COUNT, DATE, DATETIME, MONEY, MONTH, ChartSpec, ReportSheet, ReportTable, Stored, money_format

# ----- layout constants -----------------------------------------------------------------


CHART_ROW_OFFSET = 3           # charts start 3 rows below the output anchor
CHART_ROWS = 16
CHART_COLS = 6                 # a chart spans at least this many band columns
CHART_WIDTH_CM = 15.5
CHART_HEIGHT_CM = 7.8
TABLE_TITLE_OFFSET = 20        # table title row, relative to the output anchor
TABLE_HEADER_OFFSET = 22
BAND_GAP = 1
GAP_WIDTH = 3                  # the empty column between two bands
FIRST_COL_WIDTH = 18
COL_WIDTH = 13                 # numbers; wider where the values need it (_content_widths)
MAX_COL_WIDTH = 40             # a column widened for long names stops here (characters)
COMPUTED_WIDTH = 19            # the column holding the "Computed" date-time
FONT_FACE = "Calibri"          # every styled font names its face (no serif fallback)
HEADER_LINE_HEIGHT = 15        # points per line of a wrapped table header
NOTE_LINE_HEIGHT = 15          # points per line of a wrapped note (11 pt text)

# Category axis labels: Excel's default chart text is 10 pt; a character of it is about
# 5.5 pt wide (text_width_chars units), a line about 13 pt high. The plot is the chart
# less the value axis (its labels and title) and the margins.
AXIS_CHAR_PT = 5.5
AXIS_LINE_PT = 13.0
AXIS_LABEL_GAP_PT = 8.0        # room between two labels
VALUE_AXIS_PT = 90.0           # chart width taken by the value axis and the margins
TITLE_AREA_PT = 60.0           # chart height taken by the title, legend and margins
POINTS_PER_CM = 72 / 2.54
MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240, 600, 1200)

# Printing: every band (a table and its chart) starts a new page across, at one scale
# that fits the widest band to the page width; pages run down as far as the table does.
# Widths in points are estimated at 7 pt per character (LibreOffice's column unit,
# wider than Excel's), and the page is the smaller of A4 and Letter minus margins.
PAGE_WIDTH_PT = {"landscape": 684.0, "portrait": 487.0}
PAGE_FILL = 0.95               # headroom: LibreOffice rounds widths to its own units
POINTS_PER_CHAR = 7.0
MIN_PRINT_SCALE = 40

# Each sheet's tables in band order with the most columns each may have (tables with
# money have one more: the Currency column when a store holds several currencies).
BANDS: dict[str, tuple[tuple[str, int], ...]] = {
    SALES: (("tblSalesByMonth", 5), ("tblSalesByYear", 6), ("tblSalesByRegion", 6),
            ("tblSalesByMonthRegion", 12), ("tblSalesByMonthProvince", 12),
            ("tblSalesByMonthSegment", 12), ("tblSalesByMonthCategory", 12)),
    PIPELINE: (("tblPipelineByStage", 6), ("tblForecast", 7), ("tblWinRateByOwner", 9),
               ("tblWinRateBySource", 9), ("tblStageVelocity", 4), ("tblLostReasons", 5)),
    SERVICE: (("tblOpenTicketsByAge", 6), ("tblServiceByPriority", 8), ("tblServiceByAssignee", 8),
              ("tblTicketsByMonth", 5), ("tblOpenTickets", 11)),
    SEGMENTS: (("tblRfmSegments", 8), ("tblRfmQuintiles", 5), ("tblNewCustomers", 3),
               ("tblTopCustomers", 10)),
}
TABLE_NAMES = tuple(name for bands in BANDS.values() for name, _ in bands)


def band_columns(sheet: str) -> dict[str, int]:
    """First column (1-based) of each table's band on a sheet."""
    col = OUTPUT_CELL[1]
    out = {}
    for name, width in BANDS[sheet]:
        out[name] = col
        col += max(width, CHART_COLS) + BAND_GAP
    return out


# ----- the plan ----------------------------------------------------------------------

@dataclass(frozen=True)
class ChartPlan:
    kind: str
    title: str
    row: int                    # top-left cell of the chart
    col: int
    header_row: int
    first_row: int              # data rows charted (inclusive)
    last_row: int
    category_col: int
    series_cols: tuple[int, ...]
    stacked: bool = False
    y_title: str | None = None
    width_cm: float = CHART_WIDTH_CM
    height_cm: float = CHART_HEIGHT_CM
    months: bool = False        # the categories are months (dates shown yyyy-mm)
    label_chars: float = 0.0    # the widest category label, in text_width_chars units
    # no charted value is below 0: the value axis starts at 0, so a 12 % dip is drawn as
    # one (an axis the program starts near the smallest value makes it look like a crash)
    from_zero: bool = True

    @property
    def categories(self) -> int:
        return self.last_row - self.first_row + 1

    @property
    def axis(self) -> "AxisPlan":
        return category_axis(self)


@dataclass(frozen=True)
class AxisPlan:
    """How a chart's category axis labels its categories so no two labels overlap.

    months: a date axis (c:dateAx) with a label and a tick mark every `step` months
    (c:majorUnit, c:majorTimeUnit = months; ECMA-376 Part 1 §21.2.2.101, .102), which
    Excel and LibreOffice both honour. Otherwise a category axis (c:catAx) showing every
    `step`-th label and tick mark (c:tickLblSkip, c:tickMarkSkip, §21.2.2.208-.209):
    Excel honours them; LibreOffice leaves out overlapping labels by itself.
    `shown` labels of `pitch_pt` each fit the axis `length_pt` long.
    """

    months: bool
    step: int
    shown: int
    pitch_pt: float
    length_pt: float


def category_axis(chart: "ChartPlan") -> AxisPlan:
    """The label step that keeps a chart's category labels apart (see AxisPlan).

    Horizontal labels along a line or column chart's width need the label's width plus a
    gap; along a bar chart's height, a line each. The step is the smallest that fits all
    shown labels in the plot; for months, the next of 1, 2, 3, 4, 6, 12, 24 … months, so
    labels fall on quarters or years.
    """
    n = max(chart.categories, 1)
    if chart.kind in ("bar", "funnel"):
        length = chart.height_cm * POINTS_PER_CM - TITLE_AREA_PT
        pitch = AXIS_LINE_PT
    else:
        length = chart.width_cm * POINTS_PER_CM - VALUE_AXIS_PT
        pitch = chart.label_chars * AXIS_CHAR_PT + AXIS_LABEL_GAP_PT
    fit = max(1, int(length // pitch))
    step = -(-n // fit)
    months = chart.months and chart.kind not in ("bar", "funnel")
    if months:
        step = next((s for s in MONTH_STEPS if s >= step), step)
    return AxisPlan(months, step, -(-n // step), pitch, length)


@dataclass(frozen=True)
class TablePlan:
    name: str
    title: str
    note: str | None
    title_row: int
    header_row: int
    col: int
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]                 # python values (None for blanks)
    formats: tuple[str | None, ...]          # per column
    totals: tuple[tuple[str, object], ...]   # per column: ("label", text) | ("sum", None) | ("value", v) | ("", None)
    chart: ChartPlan | None
    band_cols: int = CHART_COLS              # columns of the table's band (its note wraps across them)
    # per row, where a Currency column gives rows different decimal places (BHD 3, JPY 0)
    row_formats: tuple[tuple[str | None, ...], ...] | None = None
    chart_left_out: str | None = None       # the title of the chart not drawn (a figure as exact text)

    @property
    def note_last_col(self) -> int:
        """The note is merged from `col` to here and wrapped: it stays on the band's page."""
        return self.col + max(self.band_cols, len(self.headers)) - 1

    @property
    def last_col(self) -> int:
        return self.col + len(self.headers) - 1

    @property
    def data_rows(self) -> int:
        """Rows between header and totals: at least one (an Excel table needs one)."""
        return max(1, len(self.rows))

    @property
    def totals_row(self) -> int:
        return self.header_row + self.data_rows + 1

    @property
    def ref(self) -> str:
        return f"{_col_letter(self.col)}{self.header_row}:{_col_letter(self.last_col)}{self.totals_row}"

    def totals_formula(self, i: int) -> str:
        return f"SUBTOTAL(109,{self.name}[{escape_column(self.headers[i])}])"

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Per column: does it hold numbers or dates (right-aligned, so is its header)?"""
        out = []
        for i in range(len(self.headers)):
            values = [row[i] for row in self.rows if row[i] is not None]
            # a money column's figure too long for a number is its exact text (_rows_exact)
            money = (self.formats[i] or "").startswith("#,##0")
            out.append(bool(values) and all((isinstance(v, (int, float, dt.date)) or money and isinstance(v, str))
                                            and not isinstance(v, bool) for v in values))
        return tuple(out)


@dataclass(frozen=True)
class SheetPlan:
    sheet: str
    prefix: str
    title: str
    computed_at: dt.datetime        # naive local time (what the sheet shows)
    tz: str
    filters_text: str
    output_row: int
    output_col: int
    tables: tuple[TablePlan, ...]
    widths: dict[int, float] = field(default_factory=dict)
    page: "PagePlan | None" = None
    first_band_last_col: int = 0    # the first page's last column (0: no table)


@dataclass(frozen=True)
class PagePlan:
    """How a report sheet prints: orientation, zoom (percent), and the 1-based columns
    that start a new page (the first column of each band but the first)."""

    orientation: str
    scale: int
    col_breaks: tuple[int, ...]


def plan_sheet(report: ReportSheet, output: tuple[int, int] = OUTPUT_CELL) -> SheetPlan:
    """Positions and values for one report sheet (pure: no workbook needed)."""
    if report.sheet not in BANDS:
        raise ValueError(f"not a report sheet: {report.sheet!r}")
    out_row, out_col = output
    shift = out_col - OUTPUT_CELL[1]
    starts = {name: c + shift for name, c in band_columns(report.sheet).items()}
    limits = dict(BANDS[report.sheet])
    tables = []
    widths: dict[int, float] = {}
    for t in report.tables:
        if t.name not in starts:
            raise ValueError(f"table {t.name} has no band on {report.sheet}")
        if len(t.data.columns) > limits[t.name]:
            raise ValueError(f"table {t.name} has {len(t.data.columns)} columns; its band holds {limits[t.name]}")
        col = starts[t.name]
        plan = dataclasses.replace(_plan_table(t, out_row, col), band_cols=max(limits[t.name], CHART_COLS))
        tables.append(plan)
        for i in range(max(limits[t.name], CHART_COLS)):
            widths[col + i] = FIRST_COL_WIDTH if i == 0 else COL_WIDTH
        for i, width in enumerate(_content_widths(plan)):
            widths[col + i] = max(widths[col + i], width)
    widths[out_col + 1] = max(widths.get(out_col + 1, COL_WIDTH), COMPUTED_WIDTH)
    computed = report.computed_at
    if computed.tzinfo is not None:
        computed = computed.replace(tzinfo=None)
    bands: list[tuple[int, int]] = []
    for name, width in BANDS[report.sheet]:
        if any(t.name == name for t in tables):
            last = starts[name] + max(width, CHART_COLS) - 1
            for gap in range(last + 1, last + 1 + BAND_GAP):
                widths[gap] = GAP_WIDTH
            bands.append((starts[name], last + BAND_GAP))   # a page holds a band and its gap
    return SheetPlan(report.sheet, report_prefix(report.sheet), report.title,
                     computed.replace(microsecond=0), report.tz, report.filters_text(),
                     out_row, out_col, tuple(tables), widths, plan_pages(bands, widths),
                     bands[0][1] - BAND_GAP if bands else 0)


def plan_pages(bands: list[tuple[int, int]], widths: dict[int, float]) -> PagePlan:
    """Print setup: a page break before each band, the scale that fits the widest band."""
    if not bands:
        return PagePlan("portrait", 100, ())
    widest = max(sum(widths.get(c, COL_WIDTH) for c in range(a, b + 1)) for a, b in bands) * POINTS_PER_CHAR
    orientation = "portrait" if widest <= PAGE_WIDTH_PT["portrait"] * PAGE_FILL else "landscape"
    scale = int(min(100, PAGE_WIDTH_PT[orientation] * PAGE_FILL * 100 // widest))
    return PagePlan(orientation, max(MIN_PRINT_SCALE, scale), tuple(a for a, _ in bands[1:]))


def _value_chars(value, fmt: str | None) -> float:
    """Characters a value takes as displayed with its number format (estimated)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max(text_width_chars(line) for line in value.split("\n"))
    if isinstance(value, bool):
        return 5
    if isinstance(value, (dt.date, dt.datetime)):
        return len(fmt or "yyyy-mm-dd")
    if isinstance(value, (int, float)):
        decimals = len(fmt.split(".")[1].rstrip("%")) if fmt and "." in fmt else 0
        text = f"{value:,.{decimals}f}"
        return len(text) + (1 if fmt and "%" in fmt else 0) + 1
    return len(str(value))


def _content_widths(t: TablePlan) -> list[float]:
    """Per column: characters needed to show every value whole (headers wrap, so only
    their longest word counts), capped at MAX_COL_WIDTH."""
    out = []
    for i, header in enumerate(t.headers):
        need = max([text_width_chars(w) for w in header.split()] or [0])
        for row in t.rows:
            need = max(need, _value_chars(row[i], t.formats[i]))
        out.append(min(MAX_COL_WIDTH, need + 2))
    return out


def header_lines(t: TablePlan, widths: dict[int, float]) -> int:
    """Lines the tallest wrapped header of a table takes in these column widths."""
    import textwrap
    return max((len(textwrap.wrap(h, width=max(int(widths.get(t.col + i, COL_WIDTH) / 1.1) - 2, 1))) or 1
                for i, h in enumerate(t.headers)), default=1)


def note_height(text: str, widths: dict[int, float], col: int, last_col: int) -> float:
    """Points a note needs when wrapped across columns col..last_col (1-based, inclusive;
    widths in Excel characters, COL_WIDTH where not given): NOTE_LINE_HEIGHT a line, the
    lines counted by `cell_text.wrapped_line_count` (CJK characters count two), less one
    character for the cell's inner margins."""
    width = sum(widths.get(k, COL_WIDTH) for k in range(col, last_col + 1)) - 1
    return NOTE_LINE_HEIGHT * wrapped_line_count(text, width)


def _plan_table(t: ReportTable, out_row: int, col: int) -> TablePlan:
    headers = unique_headers(t.data.columns)
    header_row = out_row + TABLE_HEADER_OFFSET
    # MONEY marks money: shown with the decimal places of the table's currency, or of
    # each row's Currency (one block per currency)
    formats = tuple(money_format(t.currency, t.converted is not None and t.currency == t.converted)
                    if t.formats.get(str(c)) == MONEY
                    else t.formats.get(str(c)) or _default_format(t.data[c]) for c in t.data.columns)
    cols = [str(c) for c in t.data.columns]
    rows, long_cols = _rows_exact(t, cols)
    row_formats = None
    if any(t.formats.get(c) == MONEY for c in cols):
        # each row in its currency's decimal places (a Currency column: one block per
        # currency); a fraction of a currency without minor unit (330.33 JPY weighted)
        # shown as every currency's extra digits are (money.cell_format)
        from ..domain.money import cell_format

        at = cols.index(CURRENCY) if CURRENCY in cols else None

        def code_of(row):
            return row[at] if at is not None and isinstance(row[at], str) else t.currency

        # a figure of stored amounts only (`Stored`) in the format of a stored amount
        planned = tuple(tuple(cell_format(code := code_of(row), row[i], converted=t.converted is not None
                                          and code == t.converted and not isinstance(raw[i], Stored))
                              if t.formats.get(c) == MONEY else formats[i] for i, c in enumerate(cols))
                        for row, raw in zip(rows, t.data.itertuples(index=False, name=None)))
        if at is not None or any(r != formats for r in planned):
            row_formats = planned
            # the column (its Total, rows added later) shows the fraction when a row has one
            # (a figure of stored amounts does not make the Total of converted ones one)
            converted_rows = tuple(tuple(cell_format(code := code_of(row), row[i], converted=t.converted is not None
                                                     and code == t.converted)
                                         if t.formats.get(c) == MONEY else formats[i] for i, c in enumerate(cols))
                                   for row in rows)
            formats = tuple(next((r[i] for r in converted_rows if r[i] != f), f)
                            if t.formats.get(cols[i]) == MONEY and at is None else f for i, f in enumerate(formats))
    totals = []
    for i, c in enumerate(t.data.columns):
        spec = t.totals.get(str(c), "") if t.totals is not None else ""
        if i == 0:
            totals.append(("label", "Total"))
        elif spec == "sum" and long_cols.get(i):
            totals.append(("value", long_cols[i]))
        elif spec == "sum":
            totals.append(("sum", None))
        elif spec is None or spec == "":
            totals.append(("", None))
        else:
            totals.append(("value", _cell_value(spec)))
    chart = None
    if t.chart is not None:
        chart = _plan_chart(t.chart, t, headers, out_row, col, header_row, len(rows))
    left_out = _exact_text_charted(chart, rows, headers, col, header_row) if chart is not None else []
    left_out_title = None
    if left_out:
        left_out_title = chart.title
        chart = None        # a chart reads a cell holding text as 0: it would draw a wrong bar
    note = t.note
    if long_cols:
        lo = (", or that LibreOffice draws rounded up (9,999,999,999,999.99 as 10,000,000,000,000.00),"
              if _lo_only(t, long_cols) else "")
        said = ("figures of more than 15 digits" + lo + " (" + ", ".join(headers[i] for i in sorted(long_cols))
                + ") are written as exact text: a cell holds 15 digits of a number, and would show them rounded")
        if left_out:
            said += ("; no chart is drawn, as a chart would draw " + ", ".join(left_out)
                     + " as 0")
        note = "; ".join(([note.rstrip(".")] if note else []) + [said])
    return TablePlan(t.name, t.title, note, out_row + TABLE_TITLE_OFFSET, header_row, col,
                     headers, rows, formats, tuple(totals), chart, row_formats=row_formats,
                     chart_left_out=left_out_title)


def _lo_only(t: ReportTable, long_cols: dict[int, str]) -> bool:
    """Whether a figure written as text fits a cell but is one LibreOffice draws
    rounded up (`money.drawn_exactly`): the note names that case."""
    from ..domain.money import drawn_exactly, fits_a_cell

    cols = [str(c) for c in t.data.columns]
    return any(isinstance(v, Decimal) and fits_a_cell(v) and not drawn_exactly(v)
               for i in long_cols for v in t.data[cols[i]].tolist())


def _rows_exact(t: ReportTable, cols: list[str]) -> tuple[tuple[tuple, ...], dict[int, str]]:
    """The table's cell values, a money figure a cell cannot hold exactly (more than 15
    significant digits: `money.fits_a_cell`, 10,000,000,000,252.251) as its exact text
    (a converted figure rounded to its currency's minor units, as its format shows it)
    instead of a double Excel would show rounded (10,000,000,000,252.30 in LibreOffice);
    and {column index: the exact text of its total} for each money column whose figures
    or whose sum a cell cannot hold, so that its Total is that text rather than a
    SUBTOTAL of rounded doubles (or one that leaves the text out). Tables with a Currency
    column per row keep their totals as they are (never added across currencies)."""
    from ..domain.display import converted_money, money
    from ..domain.money import drawn_exactly as fits_a_cell     # and as LibreOffice draws it

    def shown(value: Decimal, code: str | None) -> str:
        # a figure converted at a rate: to the currency's minor units, as the number format
        # would show it (display.converted_money); else (`Stored`, or no rate) every stored digit
        converted = t.converted is not None and code == t.converted and not isinstance(value, Stored)
        return (converted_money if converted else money)(value, code, code=False)

    money_at = [i for i, c in enumerate(cols) if t.formats.get(c) == MONEY]
    at = cols.index(CURRENCY) if CURRENCY in cols else None
    rows = []
    long_cols: dict[int, str] = {}
    sums: dict[int, Decimal] = {i: Decimal(0) for i in money_at}
    for rec in t.data.itertuples(index=False, name=None):
        row = [_cell_value(v) for v in rec]
        for i in money_at:
            v = rec[i]
            if isinstance(v, Decimal) and v.is_finite():
                sums[i] += v
                if not fits_a_cell(v):
                    code = rec[at] if at is not None and isinstance(rec[at], str) else t.currency
                    row[i] = shown(v, code)
                    long_cols[i] = ""
        rows.append(tuple(row))
    if at is None:
        for i in money_at:
            if i in long_cols or not fits_a_cell(sums[i]):
                long_cols[i] = shown(sums[i], t.currency)
    else:
        long_cols = {i: "" for i in long_cols}
    return tuple(rows), long_cols


def _exact_text_charted(chart: "ChartPlan", rows, headers, col: int, header_row: int) -> list[str]:
    """The charted figures written as exact text (`_rows_exact`), named by category and
    column ("2024-03 Sales"): a chart reads such a cell as 0."""
    out = []
    cat = chart.category_col - col
    for r in range(chart.first_row, chart.last_row + 1):
        i = r - header_row - 1
        if not 0 <= i < len(rows):
            continue
        for sc in chart.series_cols:
            if isinstance(rows[i][sc - col], str):
                label = rows[i][cat]
                if chart.months and isinstance(label, dt.date):
                    label = f"{label:%Y-%m}"
                out.append(f"{label} {headers[sc - col]}" if len(chart.series_cols) > 1 else f"{label}")
    return out


def _plan_chart(spec: ChartSpec, t: ReportTable, headers, out_row, col, header_row, n) -> ChartPlan:
    cols = [str(c) for c in t.data.columns]
    cat = cols.index(spec.categories) if spec.categories else 0
    series = tuple(col + cols.index(s) for s in spec.series if s in cols)
    shown = max(1, min(n, spec.max_points) if spec.max_points else n)
    first, last = 0, shown - 1
    if spec.kind == "line":
        # A trend starts at the first month with something to show and ends at the last:
        # years of zeros before the first order would flatten the line into the axis.
        picks = [cols.index(s) for s in spec.series if s in cols]
        active = [i for i, rec in enumerate(t.data.itertuples(index=False, name=None)) if i < shown
                  and any(_cell_value(rec[j]) not in (None, 0, 0.0) for j in picks)]
        if active:
            first, last = active[0], active[-1]
    fmt = t.formats.get(cols[cat])
    labels = t.data.iloc[first:last + 1, cat]
    months = fmt == MONTH and all(isinstance(_cell_value(v), (dt.date, type(None))) for v in labels)
    widest = text_width_chars("2000-01") if months else max(
        (_value_chars(_cell_value(v), fmt) for v in labels), default=0.0)
    picks = [cols.index(s) for s in spec.series if s in cols]
    charted = [_cell_value(rec[j]) for i, rec in enumerate(t.data.itertuples(index=False, name=None))
               if first <= i <= last for j in picks]
    from_zero = not any(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and v < 0
                        for v in charted)
    return ChartPlan(spec.kind, spec.title, out_row + CHART_ROW_OFFSET, col, header_row,
                     header_row + 1 + first, header_row + 1 + last, col + cat, series, spec.stacked,
                     spec.y_title, months=months, label_chars=max(widest, 1.0), from_zero=from_zero)


def unique_headers(columns) -> tuple[str, ...]:
    """Table headers as Excel needs them: non-empty one-line text, unique ignoring case."""
    out: list[str] = []
    seen: set[str] = set()
    for c in columns:
        text = " ".join(str(c).split()) or "(blank)"
        text = text[:250]
        candidate, k = text, 2
        while candidate.casefold() in seen:
            candidate, k = f"{text} ({k})", k + 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return tuple(out)


def escape_column(header: str) -> str:
    """A column name inside a structured reference: ' [ ] # are escaped with '."""
    return "".join("'" + ch if ch in "'[]#" else ch for ch in header)


def _default_format(series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series):
        return COUNT
    if pd.api.types.is_float_dtype(series):
        return "#,##0.00"
    if pd.api.types.is_datetime64_any_dtype(series):
        return DATE
    return None


def _cell_value(v):
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        if v is pd.NaT or pd.isna(v):
            return None
        if v.tzinfo is not None:
            v = v.tz_convert("UTC").tz_localize(None)
        return v.to_pydatetime()
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).to_pydatetime()
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if v is pd.NA:
        return None
    if isinstance(v, Decimal):      # a cell holds a double: Excel shows 15 significant digits
        return float(v) if v.is_finite() else None
    return v


def _col_letter(col: int) -> str:
    """1 -> "A", 27 -> "AA" (the spreadsheet column name of a 1-based column number)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ----- the writer interface --------------------------------------------------------------

class ReportWriter(Protocol):
    """What `render` needs from a workbook (openpyxl file or live Excel via xlwings)."""

    def ensure_sheet(self, sheet: str) -> None:
        """Create the report sheet with its filter block if the workbook lacks it."""

    def output_cell(self, sheet: str) -> tuple[int, int]:
        """(row, col) of the <P>_Output name, or OUTPUT_CELL."""

    def read_filters(self, sheet: str) -> dict:
        """Raw values of the sheet's filter cells: {"From": …, "To": …, "Owner": …, "Region": …}."""

    def clear_table(self, sheet: str, name: str) -> None:
        """Empty the whole area of an existing table of that name (no-op if absent)."""

    def write_cells(self, sheet: str, row: int, col: int, rows, formats=None, style: str | None = None) -> None:
        """Values from (row, col) on; risky text stays text; per-column number formats."""

    def put_table(self, sheet: str, plan: TablePlan) -> None:
        """Make (or resize) the Excel Table `plan.name` over plan.ref with its totals row."""

    def format_sheet(self, sheet: str, widths: dict[int, float], page: "PagePlan | None" = None,
                     header_rows: dict[int, float] | None = None) -> None:
        """Column widths of the report bands, heights of rows with wrapped text (row ->
        points) and print settings (orientation, zoom, a page break before each band)."""

    def replace_charts(self, sheet: str, charts: list[ChartPlan], left_out: tuple[str, ...] = ()) -> None:
        """Remove the charts cims made on the sheet (not the user's) and add these;
        `left_out`: titles of report charts not drawn this time."""

    def wrap_across(self, sheet: str, row: int, col: int, last_col: int) -> None:
        """Merge row's cells col..last_col (1-based, inclusive) into one, text wrapped and
        at the top (a long note stays on its page); earlier merges there are undone first."""

    def make_room(self, plans: list[SheetPlan]) -> None:
        """Optional, called before anything is written: insert or delete whole sheet rows
        so the user's cells under the tables move with their new length, or raise naming
        the user's cells a table would cover (excel/report_room.py)."""


def render(writer: ReportWriter, reports: dict[str, ReportSheet]) -> dict[str, SheetPlan]:
    """Write each report through the writer; returns the plans (for logging and tests)."""
    plans = {}
    for sheet in REPORT_SHEETS:
        if sheet not in reports:
            continue
        writer.ensure_sheet(sheet)
        plans[sheet] = plan_sheet(reports[sheet], writer.output_cell(sheet))
    # Before anything is written: rows for the tables' new length, moving the user's
    # cells below them, or a refusal naming the cells a table would cover.
    make_room = getattr(writer, "make_room", None)
    if make_room is not None:
        make_room(list(plans.values()))
    for plan in plans.values():
        render_sheet(writer, plan)
    return plans


def render_sheet(writer: ReportWriter, plan: SheetPlan) -> None:
    s, r, c = plan.sheet, plan.output_row, plan.output_col
    for name, _ in BANDS[s]:
        writer.clear_table(s, name)
    writer.write_cells(s, r, c, [["Computed", plan.computed_at, f"({plan.tz})"]],
                       formats=[None, DATETIME, None], style="label")
    writer.write_cells(s, r + 1, c, [["Filters used", plan.filters_text]], style="label")
    heights: dict[int, float] = {}
    if plan.first_band_last_col > c + 1:
        writer.wrap_across(s, r + 1, c + 1, plan.first_band_last_col)
        heights[r + 1] = note_height(plan.filters_text, plan.widths, c + 1, plan.first_band_last_col)
    for t in plan.tables:
        writer.write_cells(s, t.title_row, t.col, [[t.title]], style="section")
        writer.write_cells(s, t.title_row + 1, t.col, [[t.note]], style="note")
        writer.wrap_across(s, t.title_row + 1, t.col, t.note_last_col)
        need = note_height(t.note or "", plan.widths, t.col, t.note_last_col)
        heights[t.title_row + 1] = max(heights.get(t.title_row + 1, 0), need)
        writer.write_cells(s, t.header_row, t.col, [list(t.headers)], style="header")
        rows = [list(row) for row in t.rows] or [[None] * len(t.headers)]
        if not t.row_formats:
            writer.write_cells(s, t.header_row + 1, t.col, rows, formats=list(t.formats))
        else:       # one write per run of rows in one currency (its decimal places)
            start = 0
            for end in range(1, len(rows) + 1):
                if end == len(rows) or t.row_formats[end] != t.row_formats[start]:
                    writer.write_cells(s, t.header_row + 1 + start, t.col, rows[start:end],
                                       formats=list(t.row_formats[start]))
                    start = end
        writer.put_table(s, t)
    for t in plan.tables:
        lines = header_lines(t, plan.widths)
        heights[t.header_row] = max(heights.get(t.header_row, 0), HEADER_LINE_HEIGHT * lines)
    writer.format_sheet(s, plan.widths, plan.page, heights)
    writer.replace_charts(s, [t.chart for t in plan.tables if t.chart is not None],
                          tuple(t.chart_left_out for t in plan.tables if t.chart_left_out))
