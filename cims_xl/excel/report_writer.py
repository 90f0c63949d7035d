"""The headless report writer: report sheets into an openpyxl Workbook (a file, no Excel).

The plan (positions, values, formats) is `cims_xl.reports.sheets`; this module only
turns it into cells, tables, charts and page setup. Also the file-level use cases:
`refresh_reports_file` (rebuild the report sheets of a workbook file in place) and
`write_report_workbook` (a standalone report workbook, `cims report --out FILE`).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..cell_text import is_risky, ooxml_escape
from ..report_layout import (FILTER_CELLS, FILTER_LABELS, FILTER_SUFFIXES, OUTPUT_CELL, filter_name,
                             report_prefix)
from ..reports.model import ReportSheet
from ..reports.refresh import build_for_file, refresh_with_writer, standalone_note
from ..reports.model import MONTH
from ..reports.sheets import (BANDS, FONT_FACE, AxisPlan, ChartPlan, PagePlan, SheetPlan, TablePlan, _col_letter,
                              note_height, render)
from .adapter import FileWorkbook
from .columns import column_dimension
from .scratch_files import save_workbook


# ----- openpyxl (headless) -------------------------------------------------------------------

class OpenpyxlWriter:
    """Writes report sheets into an openpyxl Workbook (a file, no Excel needed)."""

    def __init__(self, workbook, row_changes: dict | None = None, drawn: dict | None = None):
        self.wb = workbook
        # Sheet rows make_room inserted or deleted, by sheet title (FileWorkbook.row_changes:
        # its save moves comments, pictures and conditional formats with them).
        self.row_changes = row_changes
        # {sheet title: top-left cells of the user's pictures, shapes and charts}: they
        # move with the rows under the report tables as the user's cells do
        self.drawn = drawn or {}
        # what the rebuild did to the user's references that they should hear of (a formula
        # reading a column the rebuilt table no longer has: #REF!)
        self.notes: list[str] = []

    def make_room(self, plans) -> None:
        """Before anything is written: insert or delete whole sheet rows under the report
        tables so the user's cells below them move with the tables' new length, or refuse
        naming the cells a table would still cover (`report_room`)."""
        from .report_room import (column_moves, lost_column_notes, move_report_columns, move_total_refs, plan_room,
                                  refuse_if_in_the_way, table_boxes, total_moves)
        from .row_shift import ColumnMap, RowShift

        rooms = []
        totals = []
        for plan in plans:
            ws = self.wb[plan.sheet]
            names = [name for name, _ in BANDS[plan.sheet]]
            refs = dict(ws.tables.items())
            old = table_boxes(refs, names)
            new = [(t.col, t.header_row, t.last_col, t.totals_row) for t in plan.tables]
            cells = [(r, c) for (r, c), cell in ws._cells.items()
                     if cell.value not in (None, "") or cell.comment is not None]
            rooms.append(plan_room(plan.sheet, old, new, cells, self.drawn.get(plan.sheet, ())))
            totals.append(total_moves({n: table_boxes(refs, [n])[0] for n in names if refs.get(n)},
                                      {t.name: b for t, b in zip(plan.tables, new)}))
        refuse_if_in_the_way(rooms)
        # Columns first (the tables' old areas): a formula reading a report cell keeps its
        # heading when a column comes or goes (Currency with rates) or moves (regions).
        lost: list = []
        for plan in plans:
            ws = self.wb[plan.sheet]
            found = column_moves(ws, dict(ws.tables.items()), plan.tables)
            if found:
                cmap = ColumnMap(found)
                self.notes += [n for n in move_report_columns(self.wb, plan.sheet, cmap, lost) if n not in self.notes]
                if self.row_changes is not None:
                    self.row_changes.setdefault(plan.sheet, []).append(cmap)
        for room, moves in zip(rooms, totals):
            # formulas reading a table's Total cell follow it; done before rows are deleted
            # under a shrinking table (its old Total row may go), after rows are inserted
            # under a growing one (its old Total row stays where it was)
            grows = room.change is not None and room.change.n > 0
            if not grows:
                move_total_refs(self.wb, room.sheet, moves)
            if room.change is not None:
                RowShift(self.wb, self.wb[room.sheet]).apply(room.change)
                if self.row_changes is not None:
                    self.row_changes.setdefault(room.sheet, []).append(room.change)
            if grows:
                move_total_refs(self.wb, room.sheet, moves)
        # named where they are now that the rows moved too
        self.notes += [n for n in lost_column_notes(lost) if n not in self.notes]

    # sheets and names
    def ensure_sheet(self, sheet: str) -> None:
        if sheet in self.wb.sheetnames:
            return
        from openpyxl.styles import Font
        ws = self.wb.create_sheet(sheet)
        prefix = report_prefix(sheet)
        self._text(ws["A1"], f"{prefix} report")
        ws["A1"].font = Font(name=FONT_FACE, bold=True, size=16, color="1F3864")
        self._text(ws["A2"], "Set the filters, then refresh the reports.")
        ws["A2"].font = Font(name=FONT_FACE, italic=True, color="595959")
        for suffix in FILTER_SUFFIXES:
            coord = FILTER_CELLS[suffix]
            row = int(coord[1:])
            self._text(ws.cell(row, 1), FILTER_LABELS[suffix])
            ws.cell(row, 1).font = Font(name=FONT_FACE, bold=True)
            cell = ws[coord]
            cell.number_format = "yyyy-mm-dd" if suffix in ("From", "To") else "@"
            self._style_input(cell)
            self._define(ws, filter_name(sheet, suffix), coord)
        self._define(ws, filter_name(sheet, "Output"), f"A{OUTPUT_CELL[0]}")

    def output_cell(self, sheet: str) -> tuple[int, int]:
        cell = self._named_cell(filter_name(sheet, "Output"))
        return (cell.row, cell.column) if cell is not None else OUTPUT_CELL

    def read_filters(self, sheet: str) -> dict:
        out = {}
        for suffix in FILTER_SUFFIXES:
            cell = self._named_cell(filter_name(sheet, suffix))
            if cell is None:
                ws = self.wb[sheet]
                cell = ws[FILTER_CELLS[suffix]]
            out[suffix] = cell.value
        return out

    # tables
    def clear_table(self, sheet: str, name: str) -> None:
        from openpyxl.utils.cell import range_boundaries
        ws = self.wb[sheet]
        table = ws.tables.get(name)
        if table is None:
            return
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
            for cell in row:
                cell.value = None
                cell.style = "Normal"
        del ws.tables[name]

    def write_cells(self, sheet, row, col, rows, formats=None, style=None) -> None:
        ws = self.wb[sheet]
        font, fill = _openpyxl_style(style)
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                cell = ws.cell(row + i, col + j)
                if isinstance(value, str):
                    self._text(cell, value)
                else:
                    cell.value = value
                fmt = formats[j] if formats and j < len(formats) else None
                if fmt:
                    cell.number_format = fmt
                if font is not None:
                    cell.font = font
                if fill is not None:
                    cell.fill = fill

    def put_table(self, sheet: str, plan: TablePlan) -> None:
        from openpyxl.styles import Alignment, Font
        from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
        ws = self.wb[sheet]
        columns = []
        trow = plan.totals_row
        bold = Font(name=FONT_FACE, bold=True)
        right = Alignment(horizontal="right", vertical="bottom", wrap_text=True)
        left = Alignment(vertical="bottom", wrap_text=True)
        for i, numeric in enumerate(plan.numeric):
            # Headers sit over their values: right over numbers, wrapped when long.
            ws.cell(plan.header_row, plan.col + i).alignment = right if numeric else left
        for i, numeric in enumerate(plan.numeric):
            if numeric:     # a figure written as exact text (sheets._rows_exact) sits right, as numbers do
                for k, values in enumerate(plan.rows):
                    if i < len(values) and isinstance(values[i], str):
                        ws.cell(plan.header_row + 1 + k, plan.col + i).alignment = Alignment(horizontal="right")
        for i, header in enumerate(plan.headers):
            tc = TableColumn(id=i + 1, name=header)
            kind, value = plan.totals[i]
            cell = ws.cell(trow, plan.col + i)
            if kind == "label":
                tc.totalsRowLabel = value
                self._text(cell, value)
            elif kind == "sum":
                tc.totalsRowFunction = "sum"
                cell.value = "=" + plan.totals_formula(i)
            elif kind == "value":
                cell.value = value
                if isinstance(value, str) and plan.numeric[i]:
                    cell.alignment = right      # a figure written as exact text (sheets._rows_exact)
            if plan.formats[i]:
                cell.number_format = plan.formats[i]
            cell.font = bold
            columns.append(tc)
        table = Table(displayName=plan.name, name=plan.name, ref=plan.ref, totalsRowCount=1,
                      tableColumns=columns)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True,
                                              showColumnStripes=False, showFirstColumn=False,
                                              showLastColumn=False)
        ws.add_table(table)

    def format_sheet(self, sheet: str, widths: dict[int, float], page: PagePlan | None = None,
                     header_rows: dict[int, float] | None = None) -> None:
        from openpyxl.worksheet.pagebreak import Break, ColBreak
        ws = self.wb[sheet]
        for col, width in widths.items():
            column_dimension(ws, col).width = width   # a range read from the file is split
        for row, height in (header_rows or {}).items():
            ws.row_dimensions[row].height = height
        if page is not None:
            ws.sheet_properties.pageSetUpPr.fitToPage = False   # fit-to-page made a thumbnail
            ws.page_setup.orientation = page.orientation
            ws.page_setup.scale = page.scale
            ws.col_breaks = ColBreak()
            for col in page.col_breaks:
                # OOXML brk id: 0-based, the break falls left of that column (ECMA-376 18.3.1.3)
                ws.col_breaks.append(Break(id=col - 1))

    def replace_charts(self, sheet: str, charts: list[ChartPlan], left_out: tuple[str, ...] = ()) -> None:
        """Replace the charts cims made on a report sheet; the user's charts stay.

        openpyxl keeps the charts read from the file in `ws._charts` (the user's and the
        report's, told apart only in the file: `xlsx_patch.is_report_chart`); they stay in
        the model, and the save drops the report's own anchors and keeps the user's bytes."""
        from .xlsx_patch import ReportCharts

        ws = self.wb[sheet]
        ws._charts = [c for c in ws._charts if getattr(c, "_cims_report_title", None) is None]
        ws._cims_report_charts = ReportCharts(frozenset([p.title for p in charts] + list(left_out)),
                                              frozenset(name for name, _ in BANDS[sheet]))
        for plan in charts:
            chart = openpyxl_chart(ws, plan)
            chart._cims_report_title = plan.title
            ws.add_chart(chart, f"{_col_letter(plan.col)}{plan.row}")

    def wrap_across(self, sheet: str, row: int, col: int, last_col: int) -> None:
        from openpyxl.styles import Alignment
        ws = self.wb[sheet]
        for merged in list(ws.merged_cells.ranges):
            if merged.min_row <= row <= merged.max_row and merged.min_col <= last_col and merged.max_col >= col:
                ws.unmerge_cells(merged.coord)
        if last_col > col:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last_col)
        ws.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")

    # helpers
    def _named_cell(self, name: str):
        dn = self.wb.defined_names.get(name)
        if dn is None:
            return None
        for title, coord in dn.destinations:
            if title in self.wb.sheetnames:
                return self.wb[title][coord.replace("$", "").split(":")[0]]
        return None

    def _define(self, ws, name: str, coord: str) -> None:
        from openpyxl.utils import absolute_coordinate, quote_sheetname
        from openpyxl.workbook.defined_name import DefinedName
        self.wb.defined_names[name] = DefinedName(
            name, attr_text=f"{quote_sheetname(ws.title)}!{absolute_coordinate(coord)}")

    @staticmethod
    def _text(cell, value: str) -> None:
        cell.value = ooxml_escape(value)
        cell.data_type = "s"   # never a formula, whatever the first character
        if is_risky(value):
            cell.quotePrefix = True

    def plain_cell(self, sheet: str, row: int, col: int) -> None:
        """A cell shown as text, not as a filter to type in (a static report file)."""
        from openpyxl.styles import Border, Font, PatternFill
        cell = self.wb[sheet].cell(row, col)
        cell.fill = PatternFill(fill_type=None)
        cell.border = Border()
        cell.font = Font(name=FONT_FACE, color="595959")

    @staticmethod
    def _style_input(cell) -> None:
        from openpyxl.styles import Border, PatternFill, Side
        cell.fill = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
        cell.border = Border(bottom=Side(style="thin", color="BF9000"))


def _openpyxl_style(style: str | None):
    from openpyxl.styles import Font, PatternFill
    if style == "section":
        return Font(name=FONT_FACE, bold=True, size=12, color="1F3864"), None
    if style == "note":
        return Font(name=FONT_FACE, italic=True, color="595959"), None
    if style == "label":
        return Font(name=FONT_FACE, bold=True), None
    if style == "header":
        # explicit, because LibreOffice and printing ignore table styles
        return (Font(name=FONT_FACE, bold=True, color="FFFFFF"),
                PatternFill("solid", start_color="4472C4", end_color="4472C4"))
    return None, None


def openpyxl_chart(ws, plan: ChartPlan):
    """A native chart (openpyxl.chart) for one table."""
    from openpyxl.chart import BarChart, LineChart, Reference
    if plan.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "col" if plan.kind == "column" else "bar"
        if plan.stacked:
            chart.grouping = "stacked"
            chart.overlap = 100
        if plan.kind in ("bar", "funnel"):
            chart.x_axis.scaling.orientation = "maxMin"   # first row (first stage) on top
        if plan.kind == "funnel":
            chart.gapWidth = 40
    chart.title = plan.title
    chart.width, chart.height = plan.width_cm, plan.height_cm
    chart.style = 10
    if plan.y_title:
        chart.y_axis.title = plan.y_title
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then draws none
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    if len(plan.series_cols) == 1:
        chart.legend = None
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import absolute_coordinate, quote_sheetname
    for col in plan.series_cols:
        # Values from first_row (a trend may skip leading empty months), name from the header.
        data = Reference(ws, min_col=col, min_row=plan.first_row, max_row=plan.last_row)
        chart.add_data(data, titles_from_data=False)
        header = absolute_coordinate(f"{_col_letter(col)}{plan.header_row}")
        chart.series[-1].tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(ws.title)}!{header}"))
    cats = Reference(ws, min_col=plan.category_col, min_row=plan.first_row, max_row=plan.last_row)
    chart.set_categories(cats)
    _label_categories(chart, plan.axis)
    if plan.kind == "line":
        from openpyxl.chart.marker import Marker
        for series in chart.series:
            series.smooth = False   # a trend line must not invent curves between months
            # a marker on every point: a line of one month (or a point between two gaps)
            # has no segment to draw, and without markers the plot is empty
            series.marker = Marker(symbol="circle", size=6)
    if plan.from_zero:
        chart.y_axis.scaling.min = 0    # amounts from 0: a dip is drawn to scale
    _colour(chart, line=plan.kind == "line")
    return chart


# Series colours, written into the chart: the accents of the Office theme (the one
# openpyxl and Excel give a new workbook), then darker shades of them.
SERIES_COLOURS = ("4F81BD", "C0504D", "9BBB59", "8064A2", "4BACC6", "F79646",
                  "2C4D75", "772C2A", "5F7530", "4D3B62", "276A7C", "B65708")
GRIDLINE_COLOUR = "D9D9D9"
AXIS_COLOUR = "A6A6A6"


def _colour(chart, *, line: bool) -> None:
    """Give every series, the gridlines and the axes their own colour.

    Without one, a series is drawn in the workbook theme's accent colours (chart style,
    ECMA-376 Part 1 §21.2.2.195 and §20.1.6.2). LibreOffice saves a workbook without a
    theme part: its reader then draws our series and gridlines in nothing at all (titles
    and axis labels only), and so did every report chart after a sync of such a file.
    """
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    for i, series in enumerate(chart.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        props = series.graphicalProperties or GraphicalProperties()
        if line:
            props.line = LineProperties(solidFill=colour, w=28575)   # 2.25 pt, Excel's default
            if series.marker is not None:      # the marker in the line's colour (no theme needed)
                series.marker.graphicalProperties = GraphicalProperties(
                    solidFill=colour, ln=LineProperties(solidFill=colour))
        else:
            props.solidFill = colour
            props.line = LineProperties(solidFill=colour)
        series.graphicalProperties = props
    chart.y_axis.majorGridlines = ChartLines(spPr=GraphicalProperties(ln=LineProperties(solidFill=GRIDLINE_COLOUR)))
    for axis in (chart.x_axis, chart.y_axis):
        axis.spPr = GraphicalProperties(ln=LineProperties(solidFill=AXIS_COLOUR))


def _label_categories(chart, axis: AxisPlan) -> None:
    """Category labels that cannot overlap (see `reports.sheets.AxisPlan`): months on a
    date axis labelled every `step` months, other categories every `step`-th."""
    if axis.months:
        from openpyxl.chart.axis import DateAxis
        old = chart.x_axis
        date_axis = DateAxis(axId=old.axId, crossAx=old.crossAx, delete=False,
                             auto=False, lblOffset=100, baseTimeUnit="months",
                             majorUnit=axis.step, majorTimeUnit="months")
        date_axis.scaling.orientation = old.scaling.orientation
        date_axis.number_format = MONTH
        date_axis.numFmt.sourceLinked = False
        chart.x_axis = date_axis
    elif axis.step > 1:
        chart.x_axis.tickLblSkip = axis.step
        chart.x_axis.tickMarkSkip = axis.step


def write_reports_openpyxl(workbook, reports: dict[str, ReportSheet]) -> dict[str, SheetPlan]:
    """Write (or rebuild in place) the report sheets of an openpyxl Workbook."""
    return render(OpenpyxlWriter(workbook), reports)


# ----- file-level use cases -----------------------------------------------------------------

def refresh_reports_file(path: str | Path, session, notes: list[str] | None = None, **kw) -> dict[str, ReportSheet]:
    """Rebuild the report sheets of a workbook file in place (.xlsx or .xlsm).

    Opened and saved through the Excel adapter's FileWorkbook, which keeps the VBA
    project and the ribbon of a .xlsm (openpyxl alone drops the ribbon's relationship).
    `notes` (a list) gets what Refresh tells the user: a formula of theirs that read a
    report column the rebuilt table no longer has (#REF!), objects moved with rows.
    """
    book = FileWorkbook(path)
    writer = OpenpyxlWriter(book.wb, book.row_changes, drawn_objects(book))
    reports = refresh_with_writer(writer, session, **kw)
    book.save()
    if notes is not None:      # what moved references could not keep, and what the save left
        notes.extend(n for n in writer.notes + book.saved_notes if n not in notes)
    return reports


def write_report_workbook(path: str | Path, session, *, date_from=None, date_to=None,
                          owner=None, region=None, **kw) -> dict[str, ReportSheet]:
    """A new workbook holding only the four report sheets, computed with these filters.

    An export: PermissionDenied for a user whose reports name people and who may not
    export (sales, support; reports.refresh.ensure_may_write_report_file)."""
    reports = build_for_file(session, date_from=date_from, date_to=date_to, owner=owner,
                             region=region, **kw)
    wb = Workbook()
    wb.remove(wb.active)
    writer = OpenpyxlWriter(wb)
    for sheet, rep in reports.items():
        writer.ensure_sheet(sheet)
        values = {"From": rep.filters["date_from"], "To": rep.filters["date_to"],
                  "Owner": rep.filters["owner"], "Region": rep.filters["region"]}
        for suffix, value in values.items():
            cell = writer._named_cell(f"{report_prefix(sheet)}_{suffix}")
            # the filters this file was made with, as plain text: nothing here can be
            # changed and refreshed, so no cell looks like an input (yellow, underlined)
            writer.write_cells(sheet, cell.row, cell.column, [[value]])
            writer.plain_cell(sheet, cell.row, cell.column)
    plans = render(writer, reports)
    for sheet, rep in reports.items():
        # This file has no Python behind it: say what it shows instead of "refresh".
        lines = standalone_note(rep)
        writer.write_cells(sheet, 2, 1, [[line] for line in lines], style="note")
        last = plans[sheet].first_band_last_col
        if last > 1:   # each line wraps within the first page, however long the filters
            heights = {}
            for row, line in enumerate(lines, start=2):
                writer.wrap_across(sheet, row, 1, last)
                heights[row] = note_height(line, plans[sheet].widths, 1, last)
            writer.format_sheet(sheet, {}, None, heights)
    _save(wb, Path(path))
    from ..reports.refresh import record_report_file

    record_report_file(session, path)
    return reports


def drawn_objects(book: FileWorkbook) -> dict[str, list[tuple[int, int]]]:
    """{sheet title: the top-left cells of its drawing objects that are not cims's charts}."""
    from .package import Package
    from .xlsx_patch import sheet_parts, user_anchor_cells

    pkg = Package(book.path, book.original_bytes)
    _wb_part, parts = sheet_parts(pkg)
    return {title: cells for title, part in parts.items()
            if pkg.has(part) and (cells := user_anchor_cells(pkg, part))}


def _save(wb, path: Path) -> None:
    save_workbook(wb, path)   # 0600: reports can name customers
