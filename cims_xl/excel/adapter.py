"""One small interface over a table on a sheet, with two engines behind it.

`FileWorkbook` edits a closed .xlsx/.xlsm file with openpyxl (headless: CLI, batch
jobs, Linux, tests); `LiveWorkbook` drives the open workbook in Excel through xlwings.
The sync, the ribbon handlers and the reports talk only to this interface:

    book.table_sheet("Customers") -> SheetAdapter
    sheet.read() -> TableData(headers, rows)      # row identity = position at read time
    sheet.write({row: {header: value}})            # update cells in place
    sheet.append([{header: value}, ...])           # new rows at the end, table grows
    sheet.delete_rows([row, ...])                  # table rows only, table shrinks
    sheet.highlight([(row, header), ...], on=True) # mark / unmark a bad cell
    book.ui.message / confirm / ask / ask_password / progress

Only table cells are touched: columns beside the table, and the user's own columns
inside it, keep their values and formulas. Every text written that a spreadsheet would
read as a formula (=, +, -, @, tab, CR) lands as text in both engines.

xlwings is imported only inside `LiveWorkbook`, never at import time.
"""

from __future__ import annotations

import copy
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from ..errors import CimsError
from .layout import (BY_SHEET, HIDDEN_HEADERS, HIDDEN_KEY, STATUS_HEADER, SheetLayout, canonical_headers,
                     locate_data_sheets, match_by_headers)
from .safe import ooxml_escape, ooxml_unescape
from .package import deflated_info
from .print_setup import patch_print_titles, repair_print_width
from .row_shift import Change, Deletion
from .total_line import FormulaText, TableArea, is_formula, is_total_line
from .scratch_files import save_workbook
from ..scratch import replace_keeping_mode
from .percent_cells import PERCENT_FIELDS, read_percent, write_percent
from .date_cells import TIME_FIELDS, read_time_cell
from .sheet_codec import Uncomputed, is_risky_text

HIGHLIGHT_RGB = "FFFFC7CE"          # Excel's "light red fill"
HIGHLIGHT_RGB_TUPLE = (255, 199, 206)

Progress = Callable[[int, int, str], None]


# ----- the interface -----------------------------------------------------------------

@dataclass
class TableData:
    """A table as read: headers in sheet order and the body rows' values."""

    sheet: str
    headers: list[str]
    rows: list[list[Any]]
    columns: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.columns:
            for i, h in enumerate(self.headers):
                self.columns.setdefault(h, i)

    def value(self, row: int, header: str) -> Any:
        i = self.columns.get(header)
        return None if i is None else self.rows[row][i]

    def record(self, row: int) -> dict[str, Any]:
        return {h: self.rows[row][i] for h, i in self.columns.items()}


class UI(Protocol):
    def message(self, text: str, title: str = "CIMS") -> None: ...
    def confirm(self, text: str, title: str = "CIMS") -> bool: ...
    def ask(self, prompt: str, title: str = "CIMS", default: str = "") -> str | None: ...
    def ask_password(self, prompt: str, title: str = "CIMS") -> str | None: ...
    def progress(self, done: int, total: int, text: str) -> None: ...
    def clear_progress(self) -> None: ...


class SheetAdapter(Protocol):
    name: str
    layout: SheetLayout

    def read(self) -> TableData: ...
    def write(self, updates: Mapping[int, Mapping[str, Any]]) -> None: ...
    def append(self, rows: Sequence[Mapping[str, Any]]) -> None: ...
    def delete_rows(self, rows: Iterable[int]) -> None: ...
    def highlight(self, cells: Iterable[tuple[int, str]], on: bool = True) -> None: ...
    def selected_rows(self) -> list[int]: ...


class WorkbookAdapter(Protocol):
    ui: UI

    def sheet_names(self) -> list[str]: ...
    def active_sheet_name(self) -> str: ...
    def data_sheets(self) -> dict[str, str]: ...
    def table_sheet(self, name: str) -> SheetAdapter: ...
    def get_name(self, name: str) -> Any: ...
    def set_name(self, name: str, value: Any) -> None: ...
    def write_block(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def write_below(self, name: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def check_writable(self) -> None: ...
    def recalc(self) -> None: ...
    def save(self) -> None: ...


class SheetError(CimsError):
    """The workbook does not have the table or columns the sync needs."""


class QuietUI:
    """UI for headless runs: progress to a callback, messages collected, no questions.

    `answers` maps a prompt's first words to the answer a script wants to give;
    `confirm` answers `assume_yes`.
    """

    def __init__(self, progress: Progress | None = None, *, assume_yes: bool = False,
                 answers: Mapping[str, str] | None = None):
        self._progress = progress
        self.assume_yes = assume_yes
        self.answers = dict(answers or {})
        self.messages: list[str] = []

    def message(self, text: str, title: str = "CIMS") -> None:
        self.messages.append(text)

    def confirm(self, text: str, title: str = "CIMS") -> bool:
        return self.assume_yes

    def ask(self, prompt: str, title: str = "CIMS", default: str = "") -> str | None:
        for start, answer in self.answers.items():
            if prompt.startswith(start):
                return answer
        return None

    def ask_password(self, prompt: str, title: str = "CIMS") -> str | None:
        return self.ask(prompt, title)

    def progress(self, done: int, total: int, text: str) -> None:
        if self._progress is not None:
            self._progress(done, total, text)

    def clear_progress(self) -> None:
        pass


def located_sheets(names: Callable[[], list], headers: Callable[[], list]) -> dict[str, str]:
    """`layout.locate_data_sheets` by table names, and only when that leaves a data
    sheet unfound, again with every table's header row (read only then: in Excel each
    is a call)."""
    found = locate_data_sheets(names())
    if len(found) == len(BY_SHEET):
        return found
    return locate_data_sheets(headers())


def file_table_headers(ws, table) -> list[Any]:
    """The header row of an openpyxl table, as the cells hold it."""
    from openpyxl.utils.cell import range_boundaries

    c1, r1, c2, _ = range_boundaries(table.ref)
    cells = ws._cells
    return [getattr(cells.get((r1, c)), "value", None) for c in range(c1, c2 + 1)]


def pick_table(layout: SheetLayout, headers: Mapping[str, Sequence[Any]]) -> str | None:
    """Which of a sheet's tables (name -> header row) holds `layout`: its own table by
    name, the only table, else the one whose header row is the layout's
    (`layout.match_by_headers`); None when none is."""
    folded = {name.casefold(): name for name in headers}
    if layout.table.casefold() in folded:
        return folded[layout.table.casefold()]
    if len(headers) == 1:
        return next(iter(headers))
    matched = [name for name, row in headers.items() if match_by_headers(row) is layout]
    return matched[0] if len(matched) == 1 else None


def layout_of(name: str, located: Mapping[str, str]) -> SheetLayout:
    """The layout of the workbook's sheet `name`, given `located` (layout sheet -> sheet
    name, `layout.locate_data_sheets`): a renamed data sheet has its table's layout.
    Raises SheetError for a sheet that is no data sheet."""
    for lay_sheet, actual in located.items():
        if actual == name:
            return BY_SHEET[lay_sheet]
    if name in BY_SHEET:        # a sheet of that name that holds another table: FileSheet says what is wrong
        return BY_SHEET[name]
    raise SheetError(f"{name!r} is not a data sheet; data sheets are: {', '.join(BY_SHEET)}")


def sheet_label(sheet: "SheetAdapter") -> str:
    """How a summary names a data sheet: "Tickets", or "Tickets (sheet renamed 工单)"."""
    return sheet.name if sheet.name == sheet.layout.sheet else f"{sheet.layout.sheet} (sheet renamed {sheet.name})"


# Rows typed under a table: taken in when right under it or after at most this many
# empty rows (a row left free by mistake); text further down is the user's (a note).
MAX_GAP_ROWS = 2
BELOW_SCAN_ROWS = 1_048_576        # Excel's last row: the search ends at the first long gap anyway
FORMULA_CELL = object()            # `rows_typed_below`: a cell holding a formula
LIVE_BLOCK_ROWS = 200


def rows_typed_below(row_at: Callable[[int], Sequence[Any]], fields: Sequence[int], limit: int,
                     max_gap: int = MAX_GAP_ROWS, total_line: Callable[[Sequence[Any]], bool] | None = None) -> int:
    """How many of the sheet rows right under a table it should take in (0: none).

    `row_at(i)`: the cells of the i-th row under the table (0: right under it), in the
    table's columns (None for an empty cell, FORMULA_CELL for a formula); rows from
    `limit` on are not looked at (another table, the sheet's end). `fields`: positions
    of the business field columns. A row is typed when a field cell holds a value that
    is no formula; a block of typed rows is taken when it starts right under the table
    (or the block before it) or after at most `max_gap` rows empty in every column. A
    row of only formulas (a total), the user's total line (`total_line(row)`: labels beside
    formulas that aggregate the table, `total_line.is_total_line`), a row with something
    only beside the fields, or a longer gap ends the search: a note written further down
    is not a record. A formula cell is FORMULA_CELL or a `FormulaText`.
    """
    def typed(i: int) -> bool:
        row = row_at(i)
        if total_line is not None and total_line(row):
            return False
        return any(row[f] is not None and not is_formula(row[f], FORMULA_CELL) for f in fields if f < len(row))

    def empty(i: int) -> bool:
        return all(v is None for v in row_at(i))

    taken = r = 0
    while r < limit:
        gap = 0
        while r + gap < limit and gap <= max_gap and empty(r + gap):
            gap += 1
        if gap > max_gap or r + gap >= limit or not typed(r + gap):
            break
        r += gap
        while r < limit and typed(r):
            r += 1
        taken = r
    return taken


# A row further down that still looks like a record is not taken in (it may be a note or
# a block of the user's own), but never passed over silently: Save gives it a Status
# starting so in the table's Status column, and lists it among the rows not saved.
NOT_TAKEN = "Not saved: typed below"


def looks_like_record(row: Sequence[Any], fields: Sequence[int],
                      total_line: Callable[[Sequence[Any]], bool] | None = None) -> bool:
    """Values (not formulas) in two or more of the table's field columns: a record typed
    in the wrong place, not a note (one cell of text) or a total (formulas, or labels
    beside formulas that aggregate the table: `total_line`)."""
    if total_line is not None and total_line(row):
        return False
    typed = sum(1 for f in fields if f < len(row) and row[f] is not None
                and not is_formula(row[f], FORMULA_CELL))
    if typed >= 2:
        return True
    # A row built of formulas (=Home!B2, =Home!B3, =TODAY()) in two or more field
    # columns that is no total line: a record pulled from elsewhere, never passed over.
    return total_line is not None and sum(1 for f in fields if f < len(row) and row[f] is not None) >= 2


def rows_left_below(row_at: Callable[[int], Sequence[Any]], fields: Sequence[int], offsets: Iterable[int],
                    status: int | None, total_line: Callable[[Sequence[Any]], bool] | None = None
                    ) -> tuple[list[int], list[int]]:
    """Of the rows under a table that `rows_typed_below` did not take (`offsets`, as
    there), (those that look like a record, those that no longer do but still carry
    a NOT_TAKEN Status an earlier Save wrote, to be cleared)."""
    left: list[int] = []
    stale: list[int] = []
    for i in offsets:
        row = row_at(i)
        if looks_like_record(row, fields, total_line):
            left.append(i)
        elif status is not None and status < len(row) and isinstance(row[status], str) \
                and row[status].startswith(NOT_TAKEN):
            stale.append(i)
    return left, stale


def _header_text(value: Any, i: int) -> str:
    return str(value) if value not in (None, "") else f"Column{i + 1}"


# ----- openpyxl: a closed file ------------------------------------------------------

def quiet_load(source, **kw):
    """`openpyxl.load_workbook(source, **kw)` without openpyxl's warnings on the terminal.

    openpyxl warns (UserWarning) about what it cannot model or read: a chart another
    program wrote ("Unable to read chart rId1 ... expected <class 'float'>", a
    LibreOffice-saved workbook's charts), a data validation or conditional format
    extension "that will be removed". None of it is lost here (a save edits the
    original package, `xlsx_patch`), and none of it is the user's to act on.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        # a package with two entries of one name (the trust check names it), copied by keep_vba
        warnings.filterwarnings("ignore", message="Duplicate name", category=UserWarning)
        return openpyxl.load_workbook(source, **kw)


# zip compression methods Python's zipfile reads (stored, deflate, bzip2, lzma)
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def _readable_zip(name: str, data: bytes) -> None:
    """SheetError for a package with an entry in a compression method zipfile cannot
    read (deflate64, method 9; ...), before openpyxl trips over it half way."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        odd = next((i for i in z.infolist() if i.compress_type not in _ZIP_METHODS), None)
    if odd is not None:
        raise SheetError(f"cannot open {name} as an Excel workbook: its part {odd.filename} is compressed "
                         f"with zip method {odd.compress_type}, which Excel does not write; open it in "
                         "Excel and save it again")


class FileWorkbook:
    """A workbook file edited with openpyxl; `save()` writes it back atomically.

    `selection` optionally says which table rows count as selected per sheet (else the
    selection saved in the file is used); `active` overrides the active sheet.
    """

    def __init__(self, path: str | os.PathLike, *, ui: UI | None = None,
                 selection: Mapping[str, Iterable[int]] | None = None,
                 active: str | None = None):
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = Path(path)
        if not self.path.exists():
            raise SheetError(f"workbook not found: {self.path}")
        self._keep_vba = self.path.suffix.lower() in (".xlsm", ".xltm")
        try:
            # One read: the model and the package save() edits come from the same bytes,
            # even if the file changes on disk in between.
            self._original = self.path.read_bytes()
            _readable_zip(self.path.name, self._original)
            self.wb = quiet_load(io.BytesIO(self._original), keep_vba=self._keep_vba)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise SheetError(f"cannot open {self.path.name} as an Excel workbook: {exc}") from None
        except (IndexError, NotImplementedError):
            # a part missing what the schema requires (an external link with no target)
            raise SheetError(f"cannot open {self.path.name} as an Excel workbook: part of it is damaged "
                             "or not what Excel writes; open it in Excel and save it again") from None
        except InvalidFileException:    # a file type openpyxl does not read (.xls, .csv)
            raise SheetError(f"cannot open {self.path.name} as an Excel workbook: it is not .xlsx, .xlsm, "
                             ".xltx or .xltm") from None
        except (SyntaxError, TypeError, AttributeError):
            # XML that does not parse (ElementTree and lxml errors are SyntaxErrors), or
            # parts that are not what the OOXML schema says they are.
            raise SheetError(f"cannot open {self.path.name} as an Excel workbook: part of it is damaged "
                             "(its XML does not read); open it in Excel and save it again") from None
        from .package import Package
        from .xlsx_patch import unfill_link_cells

        unfill_link_cells(self.wb, lambda: Package(self.path, self._original))   # before the snapshot
        self.ui: UI = ui or QuietUI()
        self._selection = {k: sorted(set(v)) for k, v in (selection or {}).items()}
        self._active = active
        self._cached = None  # data_only copy, loaded when a data cell holds a formula
        self._sheets: dict[str, FileSheet] = {}
        from .xlsx_patch import Snapshot

        self._snapshot = Snapshot.take(self.wb)  # what save() compares against
        # Sheet rows inserted or deleted (row_shift.Change), by sheet title, in order.
        self.row_changes: dict[str, list[Change]] = {}
        # What the last save could not move with those rows as it was (row_shift.shift_package).
        self.saved_notes: list[str] = []
        # Package edits save() makes after the model's changes (trust.restore: a sheet
        # shown again, the VBA project put back).
        self.after_save_edits: list[Callable[[Any], None]] = []

    @property
    def original_bytes(self) -> bytes:
        """The file's bytes as read when it was opened."""
        return self._original

    def original_bytes_of(self, part: str) -> bytes:
        """One package part as the file held it when opened."""
        with zipfile.ZipFile(io.BytesIO(self._original)) as z:
            return z.read(part)

    # -- workbook --
    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def active_sheet_name(self) -> str:
        return self._active or self.wb.active.title

    def data_sheets(self) -> dict[str, str]:
        """Layout sheet name -> the sheet holding it (renamed ones found by their table,
        a sheet whose table was renamed too by the table's header row)."""
        return located_sheets(self.table_names, self.table_headers)

    def table_names(self) -> list[tuple[str, list[str]]]:
        return [(ws.title, list(ws.tables)) for ws in self.wb.worksheets]

    def table_headers(self) -> list[tuple[str, dict[str, list[Any]]]]:
        """(sheet, {table name: its header row}) for every sheet."""
        return [(ws.title, {t.displayName: file_table_headers(ws, t) for t in ws.tables.values()})
                for ws in self.wb.worksheets]

    def table_sheet(self, name: str) -> "FileSheet":
        if name not in self._sheets:
            if name not in self.wb.sheetnames:
                raise SheetError(f"the workbook has no sheet {name!r}")
            self._sheets[name] = FileSheet(self, self.wb[name], layout_of(name, self.data_sheets()))
        return self._sheets[name]

    def _name_cell(self, name: str):
        dn = self.wb.defined_names.get(name)
        if dn is None:
            for ws in self.wb.worksheets:
                if name in ws.defined_names:
                    dn = ws.defined_names[name]
                    break
        if dn is None:
            return None
        for title, ref in dn.destinations:
            if title in self.wb.sheetnames:
                ref = ref.replace("$", "").split(":")[0]
                return self.wb[title][ref]
        return None

    def get_name(self, name: str) -> Any:
        cell = self._name_cell(name)
        if cell is None:
            return None
        return ooxml_unescape(cell.value) if isinstance(cell.value, str) else cell.value

    def set_name(self, name: str, value: Any) -> None:
        cell = self._name_cell(name)
        if cell is not None:
            put_file_cell(cell, value)

    def write_block(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        """Replace a results sheet's contents with `rows` (first row is the header)."""
        from openpyxl.styles import Font

        if sheet in self.wb.sheetnames:
            ws = self.wb[sheet]
            for row in ws.iter_rows():
                for cell in row:
                    cell.value = None
        else:
            ws = self.wb.create_sheet(sheet)
        for r, values in enumerate(rows, start=1):
            for c, v in enumerate(values, start=1):
                cell = ws.cell(r, c)
                put_file_cell(cell, v)
                if r == 1:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2" if rows else None

    def write_below(self, name: str, rows: Sequence[Sequence[Any]]) -> None:
        """Replace the rows under a named header row (a table on a form sheet) with `rows`."""
        dn = self._name_cell(name)
        if dn is None:
            return
        ws, top, left = dn.parent, dn.row + 1, dn.column
        width = max([self._name_width(name)] + [len(r) for r in rows])
        for r in range(top, max(ws.max_row, top) + 1):
            for c in range(left, left + width):
                ws.cell(r, c).value = None
        for r, values in enumerate(rows, start=top):
            for c, v in enumerate(values, start=left):
                put_file_cell(ws.cell(r, c), v)

    def _name_width(self, name: str) -> int:
        from openpyxl.utils.cell import range_boundaries

        dn = self.wb.defined_names.get(name)
        for _title, ref in (dn.destinations if dn is not None else []):
            min_col, _r1, max_col, _r2 = range_boundaries(ref.replace("$", ""))
            return max_col - min_col + 1
        return 1

    def check_writable(self) -> None:
        ensure_writable(self.path)

    def recalc(self) -> None:
        """Nothing to do: Excel recalculates a file when it opens it."""

    def cached_value(self, sheet: str, row: int, col: int) -> Any:
        """The value Excel last computed for a formula cell (None if never computed)."""
        if self._cached is None:
            self._cached = quiet_load(io.BytesIO(self._original), data_only=True, read_only=False)
        try:
            return self._cached[sheet].cell(row, col).value
        except KeyError:
            return None

    def save(self, path: str | os.PathLike | None = None) -> None:
        """Write back only what changed (see `xlsx_patch`), atomically; the rest keeps its bytes.

        Repairs what is ours on the way (see `repair.repair_package`). Raises SheetError
        when the file cannot be written.
        """
        from . import xlsx_patch
        from .package import Package
        from .repair import repair_package

        target = Path(path) if path else self.path
        ensure_writable(target)
        titles = {}
        for sheet in self._sheets.values():
            sheet.fit_lines()
            if repair_print_width(sheet.ws):    # older workbooks printed at 3 pt, or four columns a page
                titles[sheet.ws.title] = sheet.ws.print_titles
        pkg = Package(self.path, self._original)
        xlsx_patch.apply(self.wb, self._snapshot, pkg)
        if self.row_changes:    # what the model does not write, moved with the rows
            from .row_shift import shift_package
            for note in shift_package(pkg, self.row_changes):
                if note not in self.saved_notes:
                    self.saved_notes.append(note)
        repair_package(pkg)
        for title, text in titles.items():
            patch_print_titles(pkg, title, text)
        for edit in self.after_save_edits:
            edit(pkg)
        pkg.save(target)

    def save_openpyxl(self, path: str | os.PathLike | None = None) -> None:
        """The former save: the whole file re-written by openpyxl (kept for the benchmark)."""
        target = Path(path) if path else self.path
        ensure_writable(target)
        original = self.path.read_bytes() if self._keep_vba else None
        try:
            save_workbook(self.wb, target, fixup=None if original is None else
                          (lambda tmp: _restore_package_parts(original, tmp)))
        except PermissionError:
            raise SheetError(f"cannot write {target.name}: close it in Excel and try again") from None


def ensure_writable(path: Path) -> None:
    """Fail early (before anything is committed) when the file cannot be written."""
    try:
        if path.exists():
            with open(path, "r+b"):
                pass
        elif not os.access(path.parent, os.W_OK):
            raise PermissionError
    except PermissionError:
        raise SheetError(f"cannot write {path.name}: close it in Excel (or check permissions) and try again") from None


_REL_RE = re.compile(rb"<Relationship\b[^>]*/>")


def _restore_package_parts(original: bytes, saved: Path) -> None:
    """Put back root relationships openpyxl drops (the Office 2010 ribbon, customUI14).

    openpyxl copies customUI/* into the new package but keeps only the Office 2007
    ribbon relationship, so without this a headless save would remove the CIMS tab.
    """
    with zipfile.ZipFile(io.BytesIO(original)) as src:
        try:
            old_rels = src.read("_rels/.rels")
        except KeyError:
            return
    with zipfile.ZipFile(saved) as z:
        names = set(z.namelist())
        new_rels = z.read("_rels/.rels")
    missing = []
    for rel in _REL_RE.findall(old_rels):
        target = re.search(rb'Target="/?([^"]+)"', rel)
        if b"ui/extensibility" not in rel or target is None:
            continue
        if target.group(1).decode() in names and target.group(1) not in new_rels:
            missing.append(rel)
    if not missing:
        return
    used = set(re.findall(rb'Id="([^"]+)"', new_rels))
    fixed = []
    for rel in missing:
        rid = re.search(rb'Id="([^"]+)"', rel).group(1)
        n = 1
        while rid in used:
            rid = b"rIdCustomUI%d" % n
            n += 1
        used.add(rid)
        fixed.append(re.sub(rb'Id="[^"]+"', b'Id="' + rid + b'"', rel))
    new_rels = new_rels.replace(b"</Relationships>", b"".join(fixed) + b"</Relationships>")
    tmp = saved.with_suffix(saved.suffix + ".tmp")
    with zipfile.ZipFile(saved) as z, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = new_rels if info.filename == "_rels/.rels" else z.read(info.filename)
            out.writestr(deflated_info(info), data)
    replace_keeping_mode(tmp, saved)


def put_file_cell(cell, value: Any) -> None:
    """Set an openpyxl cell; text a spreadsheet would run as a formula stays text."""
    if isinstance(value, str) and value:
        cell.value = ooxml_escape(value)
        risky = is_risky_text(value)
        if risky or cell.data_type == "f":
            cell.data_type = "s"
        if bool(cell.quotePrefix) != risky:
            cell.quotePrefix = risky  # Excel keeps it text even when the cell is edited
    else:
        cell.value = None if value == "" else value
        if cell.quotePrefix:
            cell.quotePrefix = False


# A row of wrapped text: 15 pt a line of the body font (Calibri 11, as build.py lays out
# its help rows), a little room for the last line's descent, and Excel's largest row.
LINE_HEIGHT_PT = 15
ROW_PADDING_PT = 2
MAX_ROW_HEIGHT_PT = 409
DEFAULT_COLUMN_WIDTH = 8.43     # characters, a column no <col> element sizes


class FileSheet:
    """The layout's Excel Table on one worksheet of a `FileWorkbook`."""

    def __init__(self, book: FileWorkbook, ws, layout: SheetLayout):
        self.book = book
        self.ws = ws
        self.name = ws.title
        self.layout = layout
        tables = ws.tables
        chosen = pick_table(layout, {t.displayName: file_table_headers(ws, t) for t in tables.values()}) \
            if layout.table not in tables and len(tables) > 1 else None
        if layout.table in tables:
            self.table = tables[layout.table]
        elif len(tables) == 1:
            self.table = next(iter(tables.values()))
        elif chosen is not None:
            self.table = tables[chosen]
        else:
            raise SheetError(f"sheet {self.name!r} has no table {layout.table}; rebuild the workbook "
                             f"(cims workbook build) or add the table")
        # Excel's own Total Row (Table Design > Total Row) is the user's total line: never a
        # record; the table's rows end above it and Refresh moves it with them.
        self._totals = int(self.table.totalsRowCount or 0)
        self._formats = {c.header: c.number_format for c in layout.columns if c.number_format}
        self._keys = {c.header: c.key for c in layout.field_columns}
        self._multiline: list = []      # cells holding a line break that we wrote or wrote beside
        self.notes: list[str] = []      # what Refresh left where it was, said in its summary
        self._read_headers()
        self._restore_hidden_columns()
        self._take_rows_below()
        missing = [h for h in (*HIDDEN_HEADERS, STATUS_HEADER, "ID") if h not in self._col]
        if missing:
            raise SheetError(f"table {self.table.displayName} on {self.name!r} lacks the columns "
                             f"{', '.join(missing)}; rebuild the workbook")

    # -- repairs of what is ours (issue 16) --
    def _restore_hidden_columns(self) -> None:
        """Add back hidden _key/_version/_fingerprint columns someone deleted, at the table's end.

        Only when the sheet column right of the table is empty (else the table is left as
        it is and the missing columns are reported).
        """
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.table import TableColumn

        from .columns import column_dimension

        missing = [h for h in HIDDEN_HEADERS if h not in self._col]
        if not missing or STATUS_HEADER not in self._col or "ID" not in self._col:
            return
        c1, r1, c2, r2 = self._bounds()
        new_cols = range(c2 + 1, c2 + 1 + len(missing))
        if any(c in new_cols and cell.value not in (None, "") for (r, c), cell in self.ws._cells.items()):
            return
        ids = [tc.id for tc in self.table.tableColumns]
        for i, (header, col) in enumerate(zip(missing, new_cols)):
            put_file_cell(self.ws.cell(r1, col), header)
            self.table.tableColumns.append(TableColumn(id=max(ids) + 1 + i, name=header))
            dim = column_dimension(self.ws, col)
            dim.hidden = True
            dim.width = 4
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(new_cols[-1])}{r2}"
        self.table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(new_cols[-1])}{r2 + self._totals}"
        if self.table.autoFilter is not None:
            self.table.autoFilter.ref = ref
        self._read_headers()

    def _take_rows_below(self) -> None:
        """Rows typed under the table (not taken in, as LibreOffice or a script leave
        them) become table rows; `rows_typed_below` says which (right under it, or after
        at most MAX_GAP_ROWS empty rows). Another table below stops the search."""
        from openpyxl.utils.cell import range_boundaries

        c1, _, c2, last = self._bounds()
        self.left_below: list[int] = []
        self.stale_below: list[int] = []
        if self._totals:        # under Excel's Total Row: nothing Excel or LibreOffice would add
            return
        cols = [self._col[c.header] - c1 for c in self.layout.field_columns if c.header in self._col]
        limit = BELOW_SCAN_ROWS
        for t in self.ws.tables.values():
            t1, top, t2, _ = range_boundaries(t.ref)
            if t is not self.table and top > last and t1 <= c2 and t2 >= c1:
                limit = min(limit, top - last - 1)
        cells = self.ws._cells

        def row_at(i: int) -> list[Any]:
            out = []
            for c in range(c1, c2 + 1):
                cell = cells.get((last + 1 + i, c))
                out.append(None if cell is None or cell.value in (None, "") else
                           (FormulaText(cell.value) if isinstance(cell.value, str) else FORMULA_CELL)
                           if cell.data_type == "f" else cell.value)
            return out

        area = TableArea(self.ws.title, self.table.displayName, c1, c2, self._bounds()[1], last)
        total = partial(is_total_line, area=area, marker=FORMULA_CELL, fields=cols)
        n = rows_typed_below(row_at, cols, limit, total_line=total)
        below = sorted({r - last - 1 for (r, c) in cells if last + 1 + n <= r <= last + limit and c1 <= c <= c2})
        status = self._col.get(STATUS_HEADER)
        left, stale = rows_left_below(row_at, cols, below, None if status is None else status - c1, total)
        self.left_below = [last + 1 + i for i in left]      # worksheet rows
        self.stale_below = [last + 1 + i for i in stale]
        if n:
            self._grow_validations(last, last + n)
            self._set_ref(last + n)

    # -- geometry --
    def _bounds(self) -> tuple[int, int, int, int]:
        from openpyxl.utils.cell import range_boundaries

        c1, r1, c2, r2 = range_boundaries(self.table.ref)
        return c1, r1, c2, r2 - getattr(self, "_totals", 0)     # the last record's row

    def _read_headers(self) -> None:
        c1, r1, c2, _ = self._bounds()
        cells = self.ws._cells
        self.headers = []
        for i, c in enumerate(range(c1, c2 + 1)):
            cell = cells.get((r1, c))
            self.headers.append(_header_text(cell.value if cell is not None else None, i))
        self.headers = canonical_headers(self.layout, self.headers)
        # the table's own column definitions (Excel keeps a name there while the cell is retyped)
        self.defined_headers = {i: tc.name for i, tc in enumerate(self.table.tableColumns)
                                if tc.name in self.layout.headers}
        self._col = {}
        for i, h in enumerate(self.headers):
            self._col.setdefault(h, c1 + i)

    @property
    def first_row(self) -> int:
        return self._bounds()[1] + 1

    @property
    def last_row(self) -> int:
        return self._bounds()[3]

    def _set_ref(self, last_row: int) -> None:
        from openpyxl.utils import get_column_letter

        c1, r1, c2, _ = self._bounds()
        ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{max(last_row, r1 + 1)}"
        self.table.ref = ref if not self._totals else \
            f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{max(last_row, r1 + 1) + self._totals}"
        if self.table.autoFilter is not None:
            self.table.autoFilter.ref = ref         # the filter covers the records, not the Total Row
            self.table.autoFilter.sortState = None  # the saved sort covered the old rows
        if self.table.sortState is not None:
            self.table.sortState = None

    # -- reading --
    def read(self) -> TableData:
        c1, _, c2, _ = self._bounds()
        first, last = self.first_row, self.last_row
        cells = self.ws._cells
        ours = {self._col[c.header] for c in self.layout.columns if c.header in self._col}
        percent = {self._col[c.header]: c.key for c in self.layout.field_columns
                   if c.key in PERCENT_FIELDS and c.header in self._col}
        timed = {self._col[c.header] for c in self.layout.field_columns
                 if c.key in TIME_FIELDS and c.header in self._col}
        rows: list[list[Any]] = []
        for r in range(first, last + 1):
            values = []
            for c in range(c1, c2 + 1):
                cell = cells.get((r, c))
                if cell is None:
                    values.append(None)
                    continue
                v = cell.value
                if isinstance(v, str) and cell.data_type == "s":
                    v = ooxml_unescape(v)
                elif cell.data_type == "f" and c in ours:
                    cached = self.book.cached_value(self.name, r, c)
                    v = cached if cached is not None else Uncomputed(str(getattr(v, "text", v)))
                if c in percent:        # "25%" typed: 0.25 in a `0%` cell is 25 points
                    v = read_percent(percent[c], v, cell.number_format)
                elif c in timed:        # 2026-12-01 in a `yyyy-mm-dd` cell is a date alone, not 00:00
                    v = read_time_cell(v, cell.number_format)
                values.append(v)
            rows.append(values)
        return TableData(self.name, list(self.headers), rows)

    def selected_rows(self) -> list[int]:
        from openpyxl.worksheet.cell_range import MultiCellRange

        first, last = self.first_row, self.last_row
        if self.name in self.book._selection:
            return [i for i in self.book._selection[self.name] if 0 <= i <= last - first]
        rows: set[int] = set()
        for sel in self.ws.sheet_view.selection or ():
            if not sel.sqref:
                continue
            for rng in MultiCellRange(str(sel.sqref)).ranges:
                for r in range(max(rng.min_row, first), min(rng.max_row, last) + 1):
                    rows.add(r - first)
        return sorted(rows)

    # -- writing --
    def _cell(self, row: int, header: str):
        col = self._col.get(header)
        if col is None:
            return None
        return self.ws.cell(self.first_row + row, col)

    def _put(self, cell, header: str, value: Any) -> None:
        fmt = self._formats.get(header)
        if fmt and cell.number_format == "General" and value is not None:
            cell.number_format = fmt
        key = self._keys.get(header)
        if key in PERCENT_FIELDS:       # 25 points into a `0%` cell the user chose: 0.25
            value = write_percent(key, value, cell.number_format)
        put_file_cell(cell, value)

    def note_below(self, row: int, text: str | None) -> None:
        """Write (None: clear) the Status-column cell of worksheet row `row`, a row under
        the table that Save did not take in (`rows_left_below`)."""
        col = self._col.get(STATUS_HEADER)
        if col is not None:
            put_file_cell(self.ws.cell(row, col), text)

    def protect_formula_text(self) -> int:
        """Mark every text cell of the table body that starts like a formula (`is_risky`:
        = + - @ tab CR and their full-width forms) with the quote prefix, so that Excel
        keeps it text when the cell is edited; LibreOffice drops the mark when it saves
        (ECMA-376 Part 1, §18.8.45 xf quotePrefix). Formula cells are left alone.
        Returns how many cells were marked."""
        c1, _, c2, _ = self._bounds()
        cells = self.ws._cells
        marked = 0
        for r in range(self.first_row, self.last_row + 1):
            for c in range(c1, c2 + 1):
                cell = cells.get((r, c))
                if cell is not None and cell.data_type in ("s", "inlineStr") and isinstance(cell.value, str) \
                        and is_risky_text(ooxml_unescape(cell.value)) and not cell.quotePrefix:
                    cell.quotePrefix = True
                    marked += 1
        return marked

    def show_money(self) -> int:
        """Give every money cell of the table (Amount, Profit) its row's currency format
        (`layout.money_cell_format`: 1.235 BHD shows 1.235, 1507 JPY 1,507, 2.0005 KWD
        2.0005); a format the user chose is kept. Returns how many cells changed."""
        from .layout import currency_header, money_cell_format, money_headers

        cur = self._col.get(currency_header(self.layout) or "")
        cols = [self._col[h] for h in money_headers(self.layout) if h in self._col]
        if not cols:
            return 0
        cells = self.ws._cells
        changed = 0
        for r in range(self.first_row, self.last_row + 1):
            held = cells.get((r, cur)) if cur else None
            currency = ooxml_unescape(held.value) if held is not None and isinstance(held.value, str) else None
            for c in cols:
                cell = self.ws.cell(r, c)
                fmt = money_cell_format(currency, cell.number_format)
                if fmt is not None:
                    cell.number_format = fmt
                    changed += 1
        return changed

    def widen_columns(self, widths: Mapping[str, float]) -> None:
        """Make table columns at least this wide (characters); never narrows one."""
        from .columns import column_dimension

        for header, width in widths.items():
            col = self._col.get(header)
            if col is not None:
                dim = column_dimension(self.ws, col)   # a range read from the file is split
                if (dim.width or 0) < width:
                    dim.width = width

    def write(self, updates: Mapping[int, Mapping[str, Any]]) -> None:
        n = self.last_row - self.first_row + 1
        for row, values in updates.items():
            if not 0 <= row < n:
                raise IndexError(f"row {row} is outside table {self.table.displayName}")
            for header, value in values.items():
                cell = self._cell(row, header)
                if cell is not None:
                    self._put(cell, header, value)
            self._note_lines(self.first_row + row)

    def _note_lines(self, r: int) -> None:
        """Remember the cells of our columns in sheet row `r` whose text has a line break,
        for `fit_lines` (the user's typed ones too: a Save writes beside them)."""
        cells = self.ws._cells
        for c in self.layout.columns:
            col = self._col.get(c.header)
            cell = cells.get((r, col)) if col else None
            if cell is not None and isinstance(cell.value, str) and "\n" in cell.value:
                self._multiline.append(cell)

    def fit_lines(self) -> None:
        """Show every line of the multi-line texts written: their cells wrap, and their row
        is made tall enough (LINE_HEIGHT_PT a line, `cell_text.wrapped_line_count` in the
        column's width, at most MAX_ROW_HEIGHT_PT); a row already taller keeps its height.
        Neither Excel nor LibreOffice fits a row to wrapped text in a file they did not
        lay out themselves, and without wrap text only the first line shows (ECMA-376
        Part 1, §18.8.1 alignment wrapText; §18.3.1.73 row ht, customHeight)."""
        from openpyxl.styles import Alignment

        from ..cell_text import wrapped_line_count
        from .columns import column_dimension

        cells = self.ws._cells
        lines: dict[int, int] = {}
        widths: dict[int, float] = {}
        for cell in self._multiline:
            if cells.get((cell.row, cell.column)) is not cell or not (
                    isinstance(cell.value, str) and "\n" in cell.value):
                continue        # deleted or moved over since, or changed again
            a = cell.alignment
            if not a.wrap_text:
                cell.alignment = Alignment(horizontal=a.horizontal, vertical=a.vertical, wrap_text=True,
                                           shrink_to_fit=False, indent=a.indent, text_rotation=a.text_rotation,
                                           relativeIndent=a.relativeIndent, justifyLastLine=a.justifyLastLine,
                                           readingOrder=a.readingOrder)
            if cell.column not in widths:
                widths[cell.column] = column_dimension(self.ws, cell.column).width or DEFAULT_COLUMN_WIDTH
            n = wrapped_line_count(ooxml_unescape(cell.value), widths[cell.column])
            lines[cell.row] = max(lines.get(cell.row, 1), n)
        self._multiline.clear()
        for r, n in lines.items():
            height = min(MAX_ROW_HEIGHT_PT, LINE_HEIGHT_PT * n + ROW_PADDING_PT)
            dim = self.ws.row_dimensions[r]
            if (dim.height or 0) < height:
                dim.height = height

    def _blank_row(self, r: int) -> bool:
        cells = self.ws._cells
        for c in self.layout.columns:
            col = self._col.get(c.header)
            cell = cells.get((r, col)) if col else None
            if cell is not None and cell.value not in (None, ""):
                return False
        return True

    def append(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        first, last = self.first_row, self.last_row
        free = 0
        while last - free >= first and self._blank_row(last - free):
            free += 1
        start = last - free + 1           # first sheet row to fill
        extra = max(0, len(rows) - free)  # rows the table must grow by
        if extra:
            # sheet rows inserted inside the table, under its last row, as Excel's Insert
            # Table Rows: what sits below moves down with everything that points at it
            self._shift(Change(last + 1, extra, grow_from=last))
            self._grow_validations(last, last + extra)
            self._set_ref(last + extra)
        template = first  # the first body row carries the column formats
        c1, _, c2, _ = self._bounds()
        cells = self.ws._cells
        user_cols = [c for h, c in self._col.items() if h not in self.layout.headers]
        for i, values in enumerate(rows):
            r = start + i
            if r > last:
                for c in range(c1, c2 + 1):
                    src = cells.get((template, c))
                    if src is not None and src.has_style:
                        self.ws.cell(r, c)._style = copy.copy(src._style)
                self._fill_user_formulas(user_cols, last, r)
            for header, value in values.items():
                cell = self._cell(r - first, header)
                if cell is not None:
                    self._put(cell, header, value)
            if any(isinstance(v, str) and "\n" in v for v in values.values()):   # a new row holds only these
                self._note_lines(r)
        if start + len(rows) - 1 > last:
            new = [(r - first, c.header) for r in range(last + 1, start + len(rows))
                   for c in self.layout.columns]
            self.highlight(new, on=False)

    def _fill_user_formulas(self, cols: list[int], source_row: int, row: int) -> None:
        from openpyxl.formula.translate import Translator

        for c in cols:
            src = self.ws._cells.get((source_row, c))
            if src is not None and src.data_type == "f" and isinstance(src.value, str):
                self.ws.cell(row, c).value = Translator(src.value, src.coordinate).translate_formula(
                    row_delta=row - source_row)

    def _grow_validations(self, old_last: int, new_last: int) -> None:
        """Drop-down lists that covered the table body down to its last row follow it."""
        from openpyxl.worksheet.cell_range import MultiCellRange

        c1, _, c2, _ = self._bounds()
        for dv in self.ws.data_validations.dataValidation:
            changed = False
            ranges = []
            for rng in dv.sqref.ranges:
                if rng.max_row == old_last and c1 <= rng.min_col and rng.max_col <= c2:
                    rng = copy.copy(rng)
                    rng.expand(down=new_last - old_last)
                    changed = True
                ranges.append(rng.coord)
            if changed:
                dv.sqref = MultiCellRange(" ".join(ranges))

    def reapply_filter(self) -> None:
        """Hide and show the table's rows again by its filter's criteria, as Data >
        Reapply does, after Refresh changed, added or removed rows: a row is hidden by
        what it holds, never by the row number it had. Done for value-list filters
        (Text Filters ticked in the drop-down) on columns of text; any other criterion
        (custom, top 10, dates, colours, numbers) leaves the rows as they are and is
        said in `self.notes` (ECMA-376 Part 1 §18.3.2 AutoFilter Settings)."""
        from openpyxl.utils import get_column_letter

        af = self.table.autoFilter
        if af is None or not af.filterColumn:
            return
        c1, _, c2, _ = self._bounds()
        first, last = self.first_row, self.last_row
        cells = self.ws._cells
        crit: list[tuple[int, set[str], bool]] = []
        why = None
        for fc in af.filterColumn:
            col = c1 + fc.colId
            f = fc.filters
            if f is None or fc.customFilters or fc.top10 or fc.dynamicFilter or fc.colorFilter \
                    or fc.iconFilter or f.dateGroupItem or col > c2:
                why = f"its criteria on column {get_column_letter(col)} are not a list of values"
                break
            values = [getattr(cells.get((r, col)), "value", None) for r in range(first, last + 1)]
            if any(v not in (None, "") and not isinstance(v, str) for v in values):
                why = f"column {get_column_letter(col)} holds numbers or dates"
                break
            crit.append((col, {" ".join(str(v).split()).casefold() for v in f.filter}, bool(f.blank)))
        if why is not None:
            self.notes.append(f"{self.name}: the filter of table {self.table.displayName} was not re-applied "
                              f"({why}); each row kept its own hidden state, rows Refresh added are shown. "
                              f"Reapply it (Data > Reapply)")
            return

        def shown(r: int) -> bool:
            for col, allowed, blank in crit:
                v = getattr(cells.get((r, col)), "value", None)
                if v in (None, ""):
                    if not blank:
                        return False
                elif " ".join(ooxml_unescape(v).split()).casefold() not in allowed:
                    return False
            return True

        dims = self.ws.row_dimensions
        for r in range(first, last + 1):
            hide = not shown(r)
            dim = dims.get(r)
            if bool(dim is not None and dim.hidden) != hide:
                dims[r].hidden = hide

    def _shift(self, change) -> None:
        """Insert or delete whole sheet rows as Excel does (`row_shift`): cells of every
        column, row heights and hidden rows, references on every sheet and in defined
        names, validations, merged cells; what cannot move is said in `self.notes`."""
        from .row_shift import RowShift

        shift = RowShift(self.book.wb, self.ws, skip_tables=(self.table,))
        shift.apply(change)
        for note in shift.notes:
            if note not in self.notes:
                self.notes.append(note)
        self.book.row_changes.setdefault(self.ws.title, []).append(change)

    def delete_rows(self, rows: Iterable[int]) -> None:
        """Delete the table rows (0-based) as whole sheet rows, as Excel's Delete Sheet
        Rows: what stands beside a row in the user's columns goes with it (said in
        `self.notes`), what stands beside the rows that stay keeps to its record."""
        from openpyxl.utils import get_column_letter

        first, last = self.first_row, self.last_row
        drop = sorted({first + i for i in rows if 0 <= i <= last - first})
        if not drop:
            return
        c1, _, c2, _ = self._bounds()
        cells = self.ws._cells
        if len(drop) == last - first + 1:
            # Every record goes: the table keeps one empty data row, as Excel keeps it, so
            # that a total line under it stays under it and its range keeps pointing at the
            # table's data rows (=SUBTOTAL(109,L2:L2), never #REF!). The row's record cells
            # are emptied; the user's own columns inside the table keep their formulas.
            keep = drop.pop(0)
            ours = {self._col[c.header] for c in self.layout.columns if c.header in self._col}
            for c in ours:
                cell = cells.get((keep, c))
                if cell is not None:
                    cell.value = None
            if not drop:
                return
        dropset = set(drop)
        beside: dict[int, list[str]] = {}
        for (r, c), cell in cells.items():
            if r in dropset and not c1 <= c <= c2 and cell.value not in (None, ""):
                beside.setdefault(r, []).append(f"{get_column_letter(c)}{r}")
        for (r, c), cell in cells.items():
            if r in dropset and cell.comment is not None:
                self.notes.append(f"{self.name}: the comment on {cell.coordinate} was on a row that left the "
                                  f"table and was removed with it")
        key_col = self._col.get(HIDDEN_KEY)
        for r, where in sorted(beside.items()):
            key = getattr(cells.get((r, key_col)), "value", None) if key_col else None
            self.notes.append(f"{self.name}: row {r} ({key or 'a row not saved'}) left the table, and your cells "
                              f"beside it ({', '.join(sorted(where)[:5])}) were removed with it")
        self._shift(Deletion(_runs(drop)))
        self._set_ref(max(last - len(drop), first))

    def highlight(self, cells: Iterable[tuple[int, str]], on: bool = True) -> None:
        from openpyxl.styles import PatternFill

        first = self.first_row
        for row, header in cells:
            col = self._col.get(header)
            if col is None:
                continue
            if on:
                self.ws.cell(first + row, col).fill = PatternFill("solid", fgColor=HIGHLIGHT_RGB)
            else:
                cell = self.ws._cells.get((first + row, col))
                if cell is not None and cell.fill is not None and cell.fill.fill_type == "solid" \
                        and cell.fill.fgColor is not None and cell.fill.fgColor.rgb == HIGHLIGHT_RGB:
                    cell.fill = PatternFill(fill_type=None)


# ----- xlwings: the open workbook in Excel -------------------------------------------

_NUMBERLIKE = re.compile(r"^\s*+[-+(]?+[.,:/ ]*+\d[\d.,:/ %)eE-]*+\s*+$")


def live_value(value: Any) -> Any:
    """The value to hand Excel so that text stays text.

    A leading apostrophe is Excel's own "this is text" mark: it is not part of the
    value, reading the cell gives the text back without it. Used for text Excel would
    run as a formula and for text it would turn into a number or date (phones, codes).
    """
    if isinstance(value, str) and value:
        if is_risky_text(value) or _NUMBERLIKE.match(value) or value.upper() in ("TRUE", "FALSE") \
                or value.startswith("'"):
            return "'" + value
        return value
    if value == "":
        return None
    return value


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in sorted(set(rows)):
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


class LiveSheet:
    """The layout's table on a sheet of the workbook open in Excel (xlwings)."""

    def __init__(self, book: "LiveWorkbook", sheet, layout: SheetLayout):
        self.book = book
        self.sheet = sheet
        self.name = sheet.name
        self.layout = layout
        names = [t.name for t in sheet.tables]
        chosen = pick_table(layout, {t.name: list(t.header_row_range.options(ndim=1).value)
                                     for t in sheet.tables}) \
            if layout.table not in names and len(names) > 1 else None
        if layout.table in names:
            self.table = sheet.tables[layout.table]
        elif len(names) == 1:
            self.table = sheet.tables[0]
        elif chosen is not None:
            self.table = sheet.tables[chosen]
        else:
            raise SheetError(f"sheet {self.name!r} has no table {layout.table}; rebuild the workbook")
        self._load_geometry()
        self._take_rows_below()

    def _take_rows_below(self) -> None:
        """Rows typed under the table after an empty row (Excel grows a table only for a
        row typed right under it) become table rows, by the rule a closed file follows
        (`rows_typed_below`). Read in blocks of LIVE_BLOCK_ROWS: one Excel call each."""
        last = self._top + self._n
        ncols = len(self.headers)
        used = self.sheet.used_range
        limit = used.row + used.shape[0] - 1 - last
        right = self._left + ncols - 1
        for t in self.sheet.tables:
            rng = t.range
            if t.name != self.table.name and rng.row > last and rng.column <= right \
                    and rng.column + rng.shape[1] - 1 >= self._left:
                limit = min(limit, rng.row - last - 1)
        self.left_below: list[int] = []
        self.stale_below: list[int] = []
        if limit <= 0:
            return
        blocks: dict[int, list] = {}

        def row_at(i: int) -> list[Any]:
            b = i // LIVE_BLOCK_ROWS
            if b not in blocks:
                top = last + 1 + b * LIVE_BLOCK_ROWS
                bottom = min(top + LIVE_BLOCK_ROWS, last + 1 + limit) - 1
                formulas = self.sheet.range((top, self._left), (bottom, right)).options(ndim=2).formula
                blocks[b] = [[None if f in (None, "") else FormulaText(f) if str(f).startswith("=") else f
                              for f in row] for row in formulas]
            return blocks[b][i % LIVE_BLOCK_ROWS]

        fields = [self._col[c.header] for c in self.layout.field_columns if c.header in self._col]
        area = TableArea(self.sheet.name, self.table.name, self._left, right, self._top, last)
        total = partial(is_total_line, area=area, marker=FORMULA_CELL, fields=fields)
        n = rows_typed_below(row_at, fields, limit, total_line=total)
        left, stale = rows_left_below(row_at, fields, range(n, limit), self._col.get(STATUS_HEADER), total)
        self.left_below = [last + 1 + i for i in left]      # worksheet rows
        self.stale_below = [last + 1 + i for i in stale]
        if n:
            self.table.resize(self.sheet.range((self._top, self._left), (last + n, right)))
            self._load_geometry()

    def _load_geometry(self) -> None:
        header = self.table.header_row_range
        self.headers = canonical_headers(self.layout, [_header_text(v, i) for i, v in
                                                       enumerate(header.options(ndim=1).value)])
        self.defined_headers: dict[int, str] = {}
        self._col = {}
        for i, h in enumerate(self.headers):
            self._col.setdefault(h, i)
        self._top = header.row           # sheet row of the header
        self._left = header.column       # sheet column of the first table column
        body = self.table.data_body_range
        self._n = 0 if body is None else body.shape[0]

    def read(self) -> TableData:
        self._load_geometry()
        body = self.table.data_body_range
        rows = [] if body is None else body.options(ndim=2, empty=None).value
        rows = [list(r) for r in rows]
        for header, key, formats in self._percent_formats(len(rows)):
            i = self._col[header]
            for r, row in enumerate(rows):
                row[i] = read_percent(key, row[i], formats[r])
        for header, formats in self._time_formats(rows):
            i = self._col[header]
            for r, row in enumerate(rows):
                row[i] = read_time_cell(row[i], formats[r])
        return TableData(self.name, list(self.headers), rows)

    def _time_formats(self, rows: list[list]) -> list[tuple[str, list]]:
        """(header, each row's number format) of the time fields' columns that hold a
        midnight datetime (date_cells): one Excel call a column, one a cell where formats differ."""
        import datetime as dt

        out = []
        n = len(rows)
        for c in self.layout.field_columns:
            if c.key not in TIME_FIELDS or c.header not in self._col:
                continue
            i = self._col[c.header]
            if not any(isinstance(row[i], dt.datetime) and row[i].time() == dt.time(0) for row in rows):
                continue
            code = self._range(0, n - 1, c.header).number_format
            formats = [code] * n if code is not None else [
                self._range(r, r, c.header).number_format for r in range(n)]
            out.append((c.header, formats))
        return out

    def _percent_formats(self, n: int) -> list[tuple[str, str, list]]:
        """(header, field, each row's number format) of the percent fields' columns
        (percent_cells): one Excel call a column, one a cell only where formats differ."""
        out = []
        if not n:
            return out
        for c in self.layout.field_columns:
            if c.key not in PERCENT_FIELDS or c.header not in self._col:
                continue
            code = self._range(0, n - 1, c.header).number_format
            formats = [code] * n if code is not None else [
                self._range(r, r, c.header).number_format for r in range(n)]
            out.append((c.header, c.key, formats))
        return out

    def selected_rows(self) -> list[int]:
        sel = self.book.book.selection
        if sel is None or sel.sheet.name != self.name:
            return []
        out: set[int] = set()
        areas = getattr(sel, "areas", None) or [sel]
        first = self._top + 1
        for area in areas:
            for r in range(area.row, area.row + area.shape[0]):
                if first <= r < first + self._n:
                    out.add(r - first)
        return sorted(out)

    def _range(self, row0: int, row1: int, header: str):
        col = self._left + self._col[header]
        return self.sheet.range((self._top + 1 + row0, col), (self._top + 1 + row1, col))

    def protect_formula_text(self) -> int:
        """As `FileSheet.protect_formula_text`: every text cell of the table that starts
        like a formula is written again with Excel's leading apostrophe (`live_value`),
        which a workbook saved by LibreOffice lost. Only our columns: xlwings reads a
        formula's result, and a formula in the user's own column must stay one (in ours,
        Refresh writes values anyway). Returns how many cells were written."""
        data = self.read()
        ours = [h for h in self.layout.headers if h in data.columns]
        risky = [(i, h) for i, row in enumerate(data.rows) for h in ours if is_risky_text(row[data.columns[h]])]
        for i, h in risky:
            self._range(i, i, h).value = [[live_value(data.rows[i][data.columns[h]])]]
        return len(risky)

    def note_below(self, row: int, text: str | None) -> None:
        """Write (None: clear) the Status-column cell of worksheet row `row`, a row under
        the table that Save did not take in (`rows_left_below`)."""
        if STATUS_HEADER in self._col:
            self.sheet.range((row, self._left + self._col[STATUS_HEADER])).value = text

    @property
    def end_row(self) -> int:
        """The worksheet row of the table's last row (its header row when it has none)."""
        return self._top + self._n

    def show_money(self) -> int:
        """As `FileSheet.show_money`: every money cell gets its row's currency format (one
        Excel call per run of rows in one format); a format the user chose is kept."""
        from .layout import currency_header, is_cims_money_format, money_cell_format, money_headers

        data = self.read()
        cur = data.columns.get(currency_header(self.layout) or "")
        changed = 0
        for header in [h for h in money_headers(self.layout) if h in self._col]:
            want: dict[str, list[int]] = {}
            for i, row in enumerate(data.rows):
                want.setdefault(money_cell_format(row[cur] if cur is not None else None, None), []).append(i)
            for fmt, rows in want.items():
                for a, b in _runs(rows):
                    rng = self._range(a, b, header)
                    held = rng.number_format
                    if held is not None:        # one format over the run
                        if held != fmt and is_cims_money_format(held):
                            rng.number_format = fmt
                            changed += b - a + 1
                        continue
                    for r in range(a, b + 1):   # mixed formats: cell by cell
                        one = self._range(r, r, header)
                        if one.number_format != fmt and is_cims_money_format(one.number_format):
                            one.number_format = fmt
                            changed += 1
        return changed

    def widen_columns(self, widths: Mapping[str, float]) -> None:
        """Make table columns at least this wide (characters); never narrows one."""
        self._load_geometry()
        for header, width in widths.items():
            if header in self._col:
                cell = self.sheet.range((self._top, self._left + self._col[header]))
                if (cell.column_width or 0) < width:   # xlwings sets the whole column's width
                    cell.column_width = width

    def write(self, updates: Mapping[int, Mapping[str, Any]]) -> None:
        by_header: dict[str, dict[int, Any]] = {}
        for row, values in updates.items():
            for header, value in values.items():
                if header in self._col:
                    by_header.setdefault(header, {})[row] = value
        keys = {c.header: c.key for c in self.layout.field_columns if c.key in PERCENT_FIELDS}
        for header, column in by_header.items():
            for a, b in _runs(column):  # one Excel call per run of adjacent rows
                rng = self._range(a, b, header)
                if header in keys:      # 25 points into a `0%` column the user chose: 0.25
                    code = rng.number_format
                    codes = [code] * (b - a + 1) if code is not None else [
                        self._range(r, r, header).number_format for r in range(a, b + 1)]
                    column = {**column, **{r: write_percent(keys[header], column[r], codes[r - a])
                                           for r in range(a, b + 1)}}
                rng.value = [[live_value(column[r])] for r in range(a, b + 1)]
        # Texts of several lines wrap, as Alt+Enter makes them; Excel then fits a row
        # of no custom height to them (FileSheet.fit_lines does it for a closed file).
        for header, column in by_header.items():
            for row in [r for r, v in column.items() if isinstance(v, str) and "\n" in v]:
                rng = self._range(row, row, header)
                if not rng.wrap_text:
                    rng.wrap_text = True
                    rng.rows.autofit()

    def append(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        data = self.read()
        # A table with no rows still shows one empty row; empty rows at the end are reused.
        n = max(len(data.rows), 1)
        ours = [data.columns[c.header] for c in self.layout.columns if c.header in data.columns]
        free = 0
        while free < len(data.rows) and all(
                data.rows[-1 - free][i] in (None, "") for i in ours):
            free += 1
        free = max(free, n - len(data.rows))
        start = n - free
        extra = len(rows) - free
        if extra > 0:
            ncols = len(self.headers)
            last = self._top + n
            below = self.sheet.range((last + 1, self._left), (last + extra, self._left + ncols - 1))
            below.insert(shift="down")  # keep whatever sits under the table, as Excel does
            self.table.resize(self.sheet.range((self._top, self._left),
                                               (last + extra, self._left + ncols - 1)))
            self._n = n + extra
        self.write({start + i: values for i, values in enumerate(rows)})

    def delete_rows(self, rows: Iterable[int]) -> None:
        self._load_geometry()
        for i in sorted(set(rows), reverse=True):
            if 0 <= i < self._n:
                self.table.rows[i].delete()
        self._load_geometry()

    def highlight(self, cells: Iterable[tuple[int, str]], on: bool = True) -> None:
        for row, header in cells:
            if header not in self._col:
                continue
            rng = self._range(row, row, header)
            if on:
                rng.color = HIGHLIGHT_RGB_TUPLE
            elif rng.color == HIGHLIGHT_RGB_TUPLE:
                rng.color = None


class LiveWorkbook:
    """The workbook open in Excel; `LiveWorkbook.caller()` inside a RunPython call."""

    def __init__(self, book, ui: UI | None = None):
        self.book = book
        self.ui: UI = ui or ExcelUI(book)
        self._sheets: dict[str, LiveSheet] = {}

    @classmethod
    def caller(cls) -> "LiveWorkbook":
        import xlwings as xw

        return cls(xw.Book.caller())

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def active_sheet_name(self) -> str:
        return self.book.sheets.active.name

    def data_sheets(self) -> dict[str, str]:
        """Layout sheet name -> the sheet holding it (renamed ones found by their table,
        a sheet whose table was renamed too by the table's header row)."""
        return located_sheets(self.table_names, self.table_headers)

    def table_names(self) -> list[tuple[str, list[str]]]:
        return [(s.name, [t.name for t in s.tables]) for s in self.book.sheets]

    def table_headers(self) -> list[tuple[str, dict[str, list[Any]]]]:
        """(sheet, {table name: its header row}) for every sheet: one Excel call a table."""
        return [(s.name, {t.name: list(t.header_row_range.options(ndim=1).value) for t in s.tables})
                for s in self.book.sheets]

    def table_sheet(self, name: str) -> LiveSheet:
        if name not in self._sheets:
            if name not in self.sheet_names():
                raise SheetError(f"the workbook has no sheet {name!r}")
            self._sheets[name] = LiveSheet(self, self.book.sheets[name], layout_of(name, self.data_sheets()))
        return self._sheets[name]

    def _name_range(self, name: str):
        try:
            return self.book.names[name].refers_to_range
        except Exception:  # a missing name is not an error for the Home sheet
            return None

    def get_name(self, name: str) -> Any:
        rng = self._name_range(name)
        return None if rng is None else rng.value

    def set_name(self, name: str, value: Any) -> None:
        rng = self._name_range(name)
        if rng is not None:
            rng.value = live_value(value)

    def write_block(self, sheet: str, rows: Sequence[Sequence[Any]]) -> None:
        if sheet in self.sheet_names():
            ws = self.book.sheets[sheet]
            ws.clear_contents()
        else:
            ws = self.book.sheets.add(sheet, after=self.book.sheets[-1])
        if rows:
            ws.range("A1").value = [[live_value(v) for v in r] for r in rows]
            ws.range((1, 1), (1, len(rows[0]))).font.bold = True
        ws.activate()

    def write_below(self, name: str, rows: Sequence[Sequence[Any]]) -> None:
        rng = self._name_range(name)
        if rng is None:
            return
        ws = rng.sheet
        top, left = rng.row + 1, rng.column
        width = max([rng.columns.count] + [len(r) for r in rows])
        last = max(ws.used_range.last_cell.row, top)
        ws.range((top, left), (last, left + width - 1)).clear_contents()
        if rows:
            ws.range((top, left)).value = [[live_value(v) for v in r] + [None] * (width - len(r))
                                           for r in rows]

    def save(self) -> None:
        """Nothing to do: the user saves the open workbook in Excel."""

    def check_writable(self) -> None:
        """Nothing to check: cells of the open workbook can always be written."""

    def recalc(self) -> None:
        """Recalculate every formula, so CIMS_* functions show data after a change."""
        try:
            self.book.app.api.CalculateFull()
        except Exception:  # not available on every platform; F9 still works
            self.book.app.calculate()

    def busy(self):
        """Context manager: no screen redraw or recalculation while many cells change."""
        return _ExcelBusy(self.book.app)


class _ExcelBusy:
    def __init__(self, app):
        self.app = app

    def __enter__(self):
        self._state = (self.app.screen_updating, self.app.calculation)
        self.app.screen_updating = False
        self.app.calculation = "manual"
        return self

    def __exit__(self, *exc):
        self.app.screen_updating, self.app.calculation = self._state[0], self._state[1]
        return False


class ExcelUI:
    """Prompts for the live workbook: Excel's message box, and Tk for typed answers.

    Excel's InputBox cannot hide what is typed, so passwords (and, for consistency,
    every typed answer) are asked in a small Tk dialog in the Python process.
    """

    def __init__(self, book):
        self.app = book.app

    def message(self, text: str, title: str = "CIMS") -> None:
        self.app.alert(text, title=title, buttons="ok")

    def confirm(self, text: str, title: str = "CIMS") -> bool:
        return self.app.alert(text, title=title, buttons="yes_no") == "yes"

    def ask(self, prompt: str, title: str = "CIMS", default: str = "") -> str | None:
        from .live_session import tk_ask

        return tk_ask(title, prompt, default=default)

    def ask_password(self, prompt: str, title: str = "CIMS") -> str | None:
        from .live_session import tk_ask

        return tk_ask(title, prompt, secret=True)

    def progress(self, done: int, total: int, text: str) -> None:
        pct = f" {100 * done // total}%" if total else ""
        self.app.status_bar = f"CIMS: {text}{pct}"

    def clear_progress(self) -> None:
        self.app.status_bar = False
