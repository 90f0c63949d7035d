"""The error report: rejected rows with their original values and the reason, ready to
fix and import again; skipped duplicates on a second sheet with what they matched;
rows imported with a warning (a field they could not read, a phone another customer
shares) on a third.

Written as it goes (openpyxl write-only): the rows wait deflated in memory (about a
tenth of their XML, `scratch_files.DeflatedSpool`), never in a plain-text temp
file, so a million-row import does not hold the report as cells. Every text cell is written as a text cell: a value such as
"=HYPERLINK(...)", "+1-822-569-0302", "-1692" or "@SUM(A1)" stays the characters the
file had and never becomes a live formula (they also get Excel's quote prefix, so
editing the cell keeps it text). Control characters and CR are written the way Excel
writes them (_xHHHH_), so they read back exactly; cells are cut at Excel's
32,767-character limit, with a note saying so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ..crashpoints import crash_point
from ..cell_text import is_risky, ooxml_escape
from ..importer.mapping import DUPLICATES_LEAD, REPORT_LEAD, WARNINGS_LEAD, report_lead
from .scratch_files import keep_openpyxl_in_memory, save_workbook

EXCEL_MAX_CHARS = 32_767
ERRORS_SHEET = "Import Errors"
DUPLICATES_SHEET = "Skipped Duplicates"
WARNINGS_SHEET = "Imported With Warnings"
_TRUNCATED = " …[cut: longer than Excel allows]"


def safe_text(text: str) -> str:
    """The cell text for a value: cut to Excel's limit, then escaped for the file (control
    characters and CR kept exactly, as Excel writes them)."""
    if len(text) > EXCEL_MAX_CHARS:
        text = text[:EXCEL_MAX_CHARS - len(_TRUNCATED)] + _TRUNCATED
    return ooxml_escape(text)


class ErrorReport:
    """`with ErrorReport(path, headers) as rep: rep.rejected(row, values, reason)`.

    When the file being imported is itself such a report, its own Row and Reason
    columns are not carried over (`report_lead` of the headers says how many there are).
    Columns in `left_out` (positions in `headers`: passwords) keep their header and are
    written empty.
    """

    def __init__(self, path: str | Path, headers: list[str], left_out: list[int] = ()):
        self.path = Path(path)
        self.skip = report_lead(headers)
        self.headers = list(headers[self.skip:])
        self._blank = sorted(i - self.skip for i in left_out if i >= self.skip)
        keep_openpyxl_in_memory()   # the rows wait in memory (deflated), never in a temp file
        self._wb = Workbook(write_only=True)
        self._errors = self._wb.create_sheet(ERRORS_SHEET)
        self._dups = self._wb.create_sheet(DUPLICATES_SHEET)
        self._warned = self._wb.create_sheet(WARNINGS_SHEET)
        bold = Font(bold=True)
        for ws, first in ((self._errors, list(REPORT_LEAD)), (self._dups, list(DUPLICATES_LEAD)),
                          (self._warned, list(WARNINGS_LEAD))):
            ws.freeze_panes = "C2"
            ws.append([self._cell(ws, h, font=bold) for h in first + self.headers])
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.rejected_count = 0
        self.duplicate_count = 0
        self._closed = False

    def _cell(self, ws, value, font=None) -> WriteOnlyCell:
        if isinstance(value, str):
            text = safe_text(value)
            cell = WriteOnlyCell(ws)
            cell.value = text
            cell.data_type = "s"          # never "f", whatever the first character
            if is_risky(value):
                cell.quotePrefix = True  # type: ignore[attr-defined]
        elif isinstance(value, (bool, int, float, Decimal, dt.date, dt.datetime, dt.time)) or value is None:
            if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
                value = str(value)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
        else:
            return self._cell(ws, str(value), font)
        if font is not None:
            cell.font = font
        return cell

    def _row(self, ws, first: list, values: list) -> None:
        values = values[self.skip:]
        if self._blank:
            values = list(values)
            for i in self._blank:
                if i < len(values):
                    values[i] = ""
        cells = [self._cell(ws, v) for v in first]
        cells[1].alignment = self._wrap
        width = len(self.headers)
        padded = list(values[:width]) + [""] * (width - len(values))
        extra = values[width:]
        cells += [self._cell(ws, v) for v in padded]
        cells += [self._cell(ws, v) for v in extra]
        ws.append(cells)

    def rejected(self, row: int, values: list, reason: str) -> None:
        self._row(self._errors, [row, reason], values)
        self.rejected_count += 1
        if self.rejected_count == 2_000:
            crash_point("report.row-2000")     # tests: killed while rows are still coming

    def warned(self, row: int, values: list, what: str) -> None:
        """A row that was imported with a warning (a field it could not read left out, a
        phone another customer shares)."""
        self._row(self._warned, [row, what], values)

    def duplicate(self, row: int, values: list, what: str) -> None:
        self._row(self._dups, [row, what], values)
        self.duplicate_count += 1

    def close(self, *, keep: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        if not keep:
            self._wb.close() if hasattr(self._wb, "close") else None
            return
        crash_point("report.rows-written")
        save_workbook(self._wb, self.path)   # 0600: rejected rows are personal data

    def discard(self) -> None:
        """Nothing is written. The sheets' XML writers (generators openpyxl keeps open
        inside lxml's xmlfile) are closed here: stopped half-way through a row by Ctrl-C,
        they raised LxmlSyntaxError when Python collected them, printed on the terminal
        as "Exception ignored in ... WorksheetWriter.get_stream" tracebacks."""
        self._closed = True
        for ws in (self._errors, self._dups, self._warned):
            # the rows' generator inside the sheet's, as openpyxl's write-only sheet nests them
            for stream in (getattr(ws, "_rows", None), getattr(getattr(ws, "_writer", None), "xf", None)):
                if stream is not None:
                    try:
                        stream.close()
                    except Exception:   # noqa: BLE001 - the half-written XML is dropped anyway
                        pass

    def __enter__(self) -> "ErrorReport":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def error_report(path: str | Path):
    """The `report` argument of `cims_xl.importer.import_file`: opens an ErrorReport
    at `path` (an .xlsx, written 0600) once the importer knows the headers."""
    path = Path(path)

    def open_report(headers: list[str], left_out: list[int] = ()) -> ErrorReport:
        return ErrorReport(path, headers, left_out=left_out)
    return open_report
