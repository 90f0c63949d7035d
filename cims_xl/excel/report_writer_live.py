"""The live writer: report sheets into a workbook open in Excel, through xlwings.

The same plan as the headless writer (`cims_xl.excel.report_writer`; plan in `cims_xl.reports.sheets`) drives it, so the
ribbon's "Refresh reports" and `cims sync WORKBOOK reports` give the same sheets.
xlwings is imported only inside functions: importing this module never needs Excel.

Live Excel differs from a file in one way that matters: deleting a table turns every
formula pointing at it into #REF!. So a refresh never deletes a report table; it
empties it and resizes it over the new rows, keeping its name and its place.

Not exercised by the test suite (no Excel on the CI machine); it uses only xlwings
calls available on Windows and macOS plus `.api` for the totals row and chart series
on Windows.
"""

from __future__ import annotations

from ..cell_text import is_risky
from ..report_layout import (FILTER_CELLS, FILTER_LABELS, FILTER_SUFFIXES, OUTPUT_CELL, filter_name,
                             report_prefix)
from ..reports.refresh import refresh_with_writer
from ..reports.sheets import BANDS, FONT_FACE, ChartPlan, PagePlan, TablePlan

CM = 28.3465           # points per centimetre
XL_TOTALS_SUM = 1      # XlTotalsCalculation.xlTotalsCalculationSum
XL_CATEGORY = 1        # XlAxisType.xlCategory
XL_VALUE = 2           # XlAxisType.xlValue
XL_MARKER_CIRCLE = 8   # XlMarkerStyle.xlMarkerStyleCircle
XL_TIME_SCALE = 3      # XlCategoryType.xlTimeScale
XL_MONTHS = 1          # XlTimeUnit.xlMonths
XL_TOP = -4160         # XlVAlign.xlVAlignTop
CHART_TYPES = {"line": "line", "column": "column_clustered", "bar": "bar_clustered",
               "funnel": "bar_clustered"}
STACKED_TYPES = {"column": "column_stacked", "bar": "bar_stacked"}


class XlwingsWriter:
    """ReportWriter over an xlwings Book."""

    def __init__(self, book):
        self.book = book

    def _sheet(self, sheet: str):
        return self.book.sheets[sheet]

    def _named(self, name: str):
        try:
            return self.book.names[name].refers_to_range
        except Exception:  # noqa: BLE001 - xlwings raises backend-specific errors for a missing name
            return None

    def ensure_sheet(self, sheet: str) -> None:
        if sheet in [s.name for s in self.book.sheets]:
            return
        ws = self.book.sheets.add(sheet, after=self.book.sheets[-1])
        ws.range("A1").value = f"{report_prefix(sheet)} report"
        ws.range("A1").font.bold = True
        ws.range("A1").font.name = FONT_FACE
        for suffix in FILTER_SUFFIXES:
            coord = FILTER_CELLS[suffix]
            ws.range(f"A{coord[1:]}").value = FILTER_LABELS[suffix]
            ws.range(coord).number_format = "yyyy-mm-dd" if suffix in ("From", "To") else "@"
            self.book.names.add(filter_name(sheet, suffix), f"='{sheet}'!${coord[0]}${coord[1:]}")
        self.book.names.add(filter_name(sheet, "Output"), f"='{sheet}'!$A${OUTPUT_CELL[0]}")

    def make_room(self, plans) -> None:
        """As the file writer's: whole sheet rows inserted or deleted under the report
        tables (Excel moves everything below, and what points at it), or a refusal naming
        the user's cells a table would cover, before anything is written."""
        from .report_room import plan_room, refuse_if_in_the_way

        rooms = []
        for plan in plans:
            ws = self._sheet(plan.sheet)
            names = {name for name, _ in BANDS[plan.sheet]}
            old = []
            for t in ws.tables:
                if t.name in names:
                    rng = t.range
                    old.append((rng.column, rng.row, rng.column + rng.shape[1] - 1, rng.row + rng.shape[0] - 1))
            used = ws.used_range
            formulas = used.options(ndim=2).formula
            cells = [(used.row + i, used.column + j) for i, row in enumerate(formulas)
                     for j, f in enumerate(row) if f not in (None, "")]
            new = [(t.col, t.header_row, t.last_col, t.totals_row) for t in plan.tables]
            rooms.append(plan_room(plan.sheet, old, new, cells))
        refuse_if_in_the_way(rooms)
        for room in rooms:
            ch = room.change
            if ch is None:
                continue
            rows = self._sheet(room.sheet).range(f"{ch.at}:{ch.at + abs(ch.n) - 1}")
            if ch.n > 0:
                rows.insert("down")     # Insert Sheet Rows: Excel moves cells, formulas, shapes
            else:
                rows.delete("up")

    def output_cell(self, sheet: str) -> tuple[int, int]:
        rng = self._named(filter_name(sheet, "Output"))
        return (rng.row, rng.column) if rng is not None else OUTPUT_CELL

    def read_filters(self, sheet: str) -> dict:
        out = {}
        for suffix in FILTER_SUFFIXES:
            rng = self._named(filter_name(sheet, suffix)) or self._sheet(sheet).range(FILTER_CELLS[suffix])
            out[suffix] = rng.value
        return out

    def clear_table(self, sheet: str, name: str) -> None:
        ws = self._sheet(sheet)
        if name not in [t.name for t in ws.tables]:
            return
        table = ws.tables[name]
        table.show_totals = False
        table.range.clear()          # contents and formats; the ListObject itself stays

    def write_cells(self, sheet, row, col, rows, formats=None, style=None) -> None:
        ws = self._sheet(sheet)
        values = [[("'" + v) if isinstance(v, str) and is_risky(v) else v for v in r] for r in rows]
        if not values or not values[0]:
            return
        rng = ws.range((row, col)).resize(len(values), len(values[0]))
        rng.value = values
        for j, fmt in enumerate(formats or []):
            if fmt:
                rng.columns[j].number_format = fmt
        if style is not None:
            rng.font.name = FONT_FACE
        if style in ("section", "label", "header"):
            rng.font.bold = True
        if style == "header":
            rng.font.color = (255, 255, 255)
            rng.color = (68, 114, 196)
        if style == "note":
            rng.font.italic = True

    def put_table(self, sheet: str, plan: TablePlan) -> None:
        ws = self._sheet(sheet)
        body = ws.range((plan.header_row, plan.col), (plan.totals_row - 1, plan.last_col))
        if plan.name in [t.name for t in ws.tables]:
            table = ws.tables[plan.name]
            table.resize(body)
        else:
            table = ws.tables.add(source=body, name=plan.name, table_style_name="TableStyleMedium2")
        table.show_totals = True
        for i, (kind, value) in enumerate(plan.totals):
            cell = ws.range((plan.totals_row, plan.col + i))
            if kind == "label":
                cell.value = value
            elif kind == "sum":
                try:
                    table.api.ListColumns(i + 1).TotalsCalculation = XL_TOTALS_SUM
                except Exception:  # noqa: BLE001 - macOS: write the same formula by hand
                    cell.formula = "=" + plan.totals_formula(i)
            elif kind == "value":
                cell.value = value
            else:
                cell.value = None
            if plan.formats[i]:
                cell.number_format = plan.formats[i]
            cell.font.bold = True
        for i, numeric in enumerate(plan.numeric):
            head = ws.range((plan.header_row, plan.col + i))
            head.api.HorizontalAlignment = -4152 if numeric else -4131   # xlRight / xlLeft
            head.api.WrapText = True

    def format_sheet(self, sheet: str, widths: dict[int, float], page: PagePlan | None = None,
                     header_rows: dict[int, float] | None = None) -> None:
        ws = self._sheet(sheet)
        for col, width in widths.items():
            ws.range((1, col)).column_width = width
        for row, height in (header_rows or {}).items():
            ws.range((row, 1)).row_height = height
        if page is None:
            return
        try:
            setup = ws.api.PageSetup
            setup.Orientation = 2 if page.orientation == "landscape" else 1   # xlLandscape / xlPortrait
            setup.Zoom = page.scale
            ws.api.ResetAllPageBreaks()
            for col in page.col_breaks:
                ws.api.VerticalPageBreaks.Add(ws.range((1, col)).api)
        except Exception:  # noqa: BLE001 - printing settings are a nicety, not worth failing for
            pass

    def wrap_across(self, sheet: str, row: int, col: int, last_col: int) -> None:
        ws = self._sheet(sheet)
        rng = ws.range((row, col), (row, last_col))
        rng.unmerge()
        if last_col > col:
            rng.merge()
        rng.wrap_text = True
        try:
            rng.api.VerticalAlignment = XL_TOP
        except Exception:  # noqa: BLE001 - alignment is a nicety (macOS exposes it differently)
            pass

    def replace_charts(self, sheet: str, charts: list[ChartPlan], left_out: tuple[str, ...] = ()) -> None:
        """Replace the charts cims made (named with its mark, or titled as a report chart
        by a version before the mark); the user's charts on the sheet stay."""
        from .xlsx_patch import REPORT_CHART_MARK, _bare_title

        ws = self._sheet(sheet)
        titles = {_bare_title(t) for t in [p.title for p in charts] + list(left_out)}
        for chart in list(ws.charts):
            if _live_report_chart(chart, titles):
                chart.delete()
        for plan in charts:
            _add_chart(ws, plan)
            try:
                ws.charts[-1].name = f"{REPORT_CHART_MARK}{plan.title}"[:255]
            except Exception:  # noqa: BLE001 - a name Excel refuses leaves the chart unmarked
                pass


def _live_report_chart(chart, titles: set[str]) -> bool:
    """Whether a chart of a live sheet is one cims made (see `xlsx_patch.is_report_chart`)."""
    from .xlsx_patch import REPORT_CHART_MARK, _bare_title

    try:
        if (chart.name or "").startswith(REPORT_CHART_MARK):
            return True
        api = chart.api[1]
        return bool(api.HasTitle) and _bare_title(str(api.ChartTitle.Text)) in titles
    except Exception:  # noqa: BLE001 - a chart we cannot read is the user's: left alone
        return False


def _add_chart(ws, plan: ChartPlan) -> None:
    anchor = ws.range((plan.row, plan.col))
    chart = ws.charts.add(left=anchor.left, top=anchor.top, width=plan.width_cm * CM,
                          height=plan.height_cm * CM)
    kind = STACKED_TYPES.get(plan.kind, CHART_TYPES[plan.kind]) if plan.stacked else CHART_TYPES[plan.kind]
    # set the category column plus the first series, then the other series one by one
    first = plan.series_cols[0] if plan.series_cols else plan.category_col
    chart.set_source_data(ws.range((plan.header_row, first), (plan.last_row, first)))
    chart.chart_type = kind
    api = chart.api[1]
    api.HasTitle = True
    api.ChartTitle.Text = plan.title
    cats = ws.range((plan.first_row, plan.category_col), (plan.last_row, plan.category_col)).api
    collection = api.SeriesCollection()
    collection(1).Values = ws.range((plan.first_row, first), (plan.last_row, first)).api
    collection(1).XValues = cats
    for col in plan.series_cols[1:]:
        series = collection.NewSeries()
        series.Name = ws.range((plan.header_row, col)).api
        series.Values = ws.range((plan.first_row, col), (plan.last_row, col)).api
        series.XValues = cats
    if plan.kind in ("bar", "funnel"):
        api.Axes(XL_CATEGORY).ReversePlotOrder = True   # first row on top
    api.HasLegend = len(plan.series_cols) > 1
    try:
        if plan.from_zero:
            api.Axes(XL_VALUE).MinimumScale = 0     # amounts from 0: a dip is drawn to scale
        if plan.kind == "line":     # a marker on every point: a one-month line is drawn too
            for i in range(1, len(plan.series_cols) + 1):
                collection(i).MarkerStyle = XL_MARKER_CIRCLE
                collection(i).MarkerSize = 6
    except Exception:  # noqa: BLE001 - macOS exposes the chart's API differently
        pass
    axis = plan.axis   # labels that cannot overlap (reports.sheets.AxisPlan)
    try:
        cat_axis = api.Axes(XL_CATEGORY)
        if axis.months:
            cat_axis.CategoryType = XL_TIME_SCALE
            cat_axis.BaseUnit = XL_MONTHS
            cat_axis.MajorUnitScale = XL_MONTHS
            cat_axis.MajorUnit = axis.step
            cat_axis.TickLabels.NumberFormat = "yyyy-mm"
        elif axis.step > 1:
            cat_axis.TickLabelSpacing = axis.step
            cat_axis.TickMarkSpacing = axis.step
    except Exception:  # noqa: BLE001 - macOS: Excel's own automatic label spacing stays
        pass


def refresh_reports_live(book, session, **kw):
    """The ribbon's "Refresh reports": rebuild the open workbook's report sheets."""
    app = book.app
    updating = app.screen_updating
    app.screen_updating = False
    try:
        return refresh_with_writer(XlwingsWriter(book), session, **kw)
    finally:
        app.screen_updating = updating
