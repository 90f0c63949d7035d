"""Build workbook/cims.xlsm from sources, byte for byte the same on every run.

Sources
    cims_xl/excel/layout.py   sheets, Excel Tables, columns, formats, enumerations
    vba/customUI14.xml        the CIMS ribbon tab (also the text of the Home sheet's
                              button list: each button's supertip)
    vba/*.bas                 our VBA modules (the source of truth for all VBA)
    installed xlwings package xlwings/xlwings.bas and xlwings/addin/Dictionary.cls,
                              the same files `xlwings quickstart --standalone` embeds;
                              taken at build time, never copied into our sources

How: openpyxl writes the sheets; the zip is then rewritten to add xl/vbaProject.bin
(compiled from the module sources with ms-ovba, no Excel needed) and
customUI/customUI14.xml, switch the content types to a macro-enabled workbook, pin
docProps dates and give every zip entry a fixed time, order and compression.

Names other code relies on (workbook-scoped defined names)
    Home      CIMS_SignedInUser, CIMS_StorePath, CIMS_StatusLine (single cells)
    Import    CIMS_ImportFile (path of the file to import), CIMS_ImportKind (record
              type: customer, contact, ...; empty = as `cims import` without --kind), CIMS_ImportCurrency (ISO 4217 code for
              order and opportunity rows that give none; empty = the store's currency),
              CIMS_ImportOptions (`cims import` options as a stop message names them,
              e.g. --decimal comma; see excel/import_options.py),
              CIMS_ImportMapping (header row of the
              mapping table: Column in file | CIMS field | Sample values; rows go
              below it), CIMS_ImportSummary (top-left cell of the dry-run summary)
    Reports   <Report>_From, <Report>_To (dates), <Report>_Owner, <Report>_Region
              (text; empty = all) and <Report>_Output (top-left cell of the report
              body), where <Report> is the sheet name after "Report - ":
              Sales, Pipeline, Service, Segments (e.g. Sales_From, Segments_Output).
    Data      one Excel Table per entity sheet, named layout.LAYOUTS[kind].table.

Run: `cims workbook build [--out PATH]` or `python -m cims_xl.excel.build [--out PATH]`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Iterator, Sequence
from xml.etree import ElementTree as ET

from openpyxl import Workbook
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..cell_text import wrapped_line_count
from ..domain.schema import ENTITIES
from ..errors import CimsError
from ..report_layout import FILTER_CELLS, FILTER_LABELS, FILTER_SUFFIXES, OUTPUT_CELL, filter_name, report_prefix
from . import styles
from .layout import BY_SHEET, REPORT_SHEETS, SHEET_ORDER, Column, SheetLayout
from .print_setup import fit_print_width

REPO_ROOT = Path(__file__).resolve().parents[2]
VBA_DIR = REPO_ROOT / "vba"
RIBBON_XML = VBA_DIR / "customUI14.xml"
DEFAULT_OUT = REPO_ROOT / "workbook" / "cims.xlsm"

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_PART = "xl/vbaProject.bin"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
XLSM_MAIN_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

# Fixed, so two builds are identical: zip entry times (the earliest DOS date), the
# document dates and the VBA project id.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
DOC_DATE = "2024-01-01T00:00:00Z"
VBA_PROJECT_ID = "{6A3F1D2E-4C5B-4E7A-9B1C-2D3E4F5A6B7C}"
# ms-ovba encrypts the project's protection fields with random salt bytes; a seeded
# generator keeps them (and so the whole file) stable without touching global `random`.
VBA_CRYPTO_SEED = 20240101

WORKBOOK_CODE_NAME = "ThisWorkbook"
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

XLWINGS_CONF = {
    # key -> (value, what it does); keys spelled as in xlwings' quickstart template.
    "UDF Modules": ("cims_xl.excel.udfs", "Python module with the CIMS_* worksheet functions."),
    "Use UDF Server": (True, "One Python process keeps your sign-in; functions answer fast."),
    "Show Console": (False, "True opens a console window with Python's output (for debugging)."),
    "Debug UDFs": (False, "True lets a developer run the UDF server from their editor."),
}
XLWINGS_CONF_OPTIONAL = (
    ("Interpreter_Win", r"C:\Users\you\cims\.venv\Scripts\pythonw.exe",
     "Windows: the Python with cims_xl installed (default: pythonw on PATH)."),
    ("Interpreter_Mac", "/Users/you/cims/.venv/bin/python",
     "macOS: the Python with cims_xl installed (default: python on PATH)."),
    ("Conda Path", r"C:\Users\you\miniconda3", "Windows with conda: the conda installation."),
    ("Conda Env", "cims", "Windows with conda: the environment name."),
    ("PYTHONPATH", r"C:\path\to\cims_xl-checkout", "Only if cims_xl is not pip-installed."),
)

UDF_HELP = (
    ("CIMS_GET(id, field)", '=CIMS_GET("C-000001", "Email")', "One field of one record."),
    ("CIMS_FIND(query, [fields])", '=CIMS_FIND("Shanghai", "ID,Name,Phone")',
     "Matching customers as a table with a header row (spills into the cells below)."),
    ("CIMS_COUNT(query)", '=CIMS_COUNT("VIP")', "How many customers match."),
    ("CIMS_LTV(id, [currency])", '=CIMS_LTV("C-000001")',
     "Lifetime value: the customer's orders; a number in the store's currency, else per currency."),
    ("CIMS_PIPELINE([stage])", '=CIMS_PIPELINE("Proposal")',
     "Open and probability-weighted amount of opportunities, one row per currency."),
    ("CIMS_360(id)", '=CIMS_360("C-000001")', "A one-cell summary of a customer."),
)

REPORT_DESCRIPTIONS = {
    "Sales": "Revenue and profit from orders, by period, region, category and customer.",
    "Pipeline": "Open opportunities by stage: amount and probability-weighted amount.",
    "Service": "Tickets opened and resolved, response and resolution times against targets.",
    "Segments": "Customers by segment and by RFM group (recency, frequency, monetary value).",
}

BOOL_CHOICES = ("Yes", "No")
HOME_WIDTHS = (26, 40, 70)
MAX_ROW = 1048576


# ----- the ribbon -------------------------------------------------------------------

@dataclass(frozen=True)
class RibbonButton:
    id: str
    label: str
    group: str
    on_action: str
    supertip: str


def parse_ribbon(xml_text: str) -> tuple[RibbonButton, ...]:
    """Every button of the ribbon XML, in the order the tab shows them."""
    root = ET.fromstring(xml_text)
    ns = {"ui": CUSTOMUI_NS}
    return tuple(
        RibbonButton(b.get("id", ""), b.get("label", ""), g.get("label", ""),
                     b.get("onAction", ""), b.get("supertip", ""))
        for g in root.iterfind(".//ui:group", ns)
        for b in g.iterfind("ui:button", ns)
    )


# (id, label, group) of every ribbon button, parsed from vba/customUI14.xml on first
# use (see __getattr__ below) so that importing this module reads no files.
RIBBON_CONTROLS: tuple[tuple[str, str, str], ...]


@cache
def ribbon_buttons() -> tuple[RibbonButton, ...]:
    return parse_ribbon(_read_text(RIBBON_XML))


def __getattr__(name: str) -> object:
    if name == "RIBBON_CONTROLS":
        return tuple((b.id, b.label, b.group) for b in ribbon_buttons())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----- small helpers ----------------------------------------------------------------

def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CimsError(f"workbook source missing: {path} (build from a cims_xl source checkout)") from None


def _ref(ws: Worksheet, coord: str) -> str:
    return f"{quote_sheetname(ws.title)}!{absolute_coordinate(coord)}"


def _name(ws: Worksheet, name: str, coord: str) -> None:
    ws.parent.defined_names[name] = DefinedName(name, attr_text=_ref(ws, coord))


def _text(ws: Worksheet, coord: str, value: str, font=None) -> None:
    """Write text that must stay text even when it starts with '=' (formula examples)."""
    cell = ws[coord]
    cell.value = value
    cell.data_type = "s"
    if font is not None:
        cell.font = font


def _title(ws: Worksheet, title: str, subtitle: str) -> None:
    _text(ws, "A1", title, styles.TITLE_FONT)
    _text(ws, "A2", subtitle, styles.NOTE_FONT)


def _section(ws: Worksheet, row: int, title: str, width: int) -> None:
    _text(ws, f"A{row}", title, styles.SECTION_FONT)
    for col in range(1, width + 1):
        ws.cell(row, col).fill = styles.SECTION_FILL
    if width > 1:  # the title may be longer than column A: it gets the whole band
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _input_cell(ws: Worksheet, coord: str, name: str, value: object = None,
                number_format: str | None = None) -> None:
    cell = ws[coord]
    cell.value = value
    cell.fill = styles.INPUT_FILL
    cell.border = styles.INPUT_BORDER
    if number_format:
        cell.number_format = number_format
    _name(ws, name, coord)


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _wrapped(ws: Worksheet, coord: str, text: str, width: float) -> None:
    """Wrapped text with a row tall enough for it: neither Excel nor LibreOffice fits
    row heights to wrapped text in a file they did not lay out themselves."""
    _text(ws, coord, text)
    ws[coord].alignment = styles.WRAP_TOP
    lines = _line_count(text, width)
    row = ws[coord].row
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, 15 * lines)


def _line_count(text: str, width: float) -> int:
    """Lines a text wraps to in a column `width` characters wide (word wrap, estimated)."""
    return max(1, len(textwrap.wrap(text, width=max(int(width) - 1, 1))))


def _note_across(ws: Worksheet, row: int, text: str, widths: Sequence[float], font=None,
                 first_col: int = 1) -> None:
    """A help line merged across the columns of `widths` (from `first_col`), wrapped, in a
    row tall enough for it (15 pt a line; `cell_text.wrapped_line_count`, CJK two units).

    A long line left to run over empty cells prints past the page's right edge: Excel
    cuts it at the print area, LibreOffice prints the rest on a page of its own
    (docs/workbook-rendering.md). Keep the band within the columns the sheet prints.
    """
    last = first_col + len(widths) - 1
    if last > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last)
    cell = ws.cell(row, first_col)
    _text(ws, cell.coordinate, text, font)
    cell.alignment = styles.WRAP_TOP
    lines = wrapped_line_count(text, sum(widths))
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, 15 * lines)


def _print_fit_width(ws: Worksheet, landscape: bool) -> None:
    """Print all visible columns on one page width, as many pages down as needed."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


# ----- data sheets ------------------------------------------------------------------

def _header_fill(col: Column):
    if col.hidden:
        return styles.HIDDEN_HEADER_FILL
    return styles.EDITABLE_HEADER_FILL if col.editable else styles.SYSTEM_HEADER_FILL


def _validation_for(col: Column) -> DataValidation | None:
    """A dropdown for enumerations and Yes/No columns; strict ones refuse other values."""
    f = col.field
    if f is None or f.kind not in ("enum", "bool"):
        return None
    choices = BOOL_CHOICES if f.kind == "bool" else f.choices
    strict = f.kind == "bool" or f.strict
    return DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                          showDropDown=False, showErrorMessage=True, showInputMessage=False,
                          errorStyle="stop" if strict else "warning",
                          errorTitle=col.header,
                          error=("Choose one of: " if strict else "Not in the usual list: ")
                          + ", ".join(choices))


def _add_data_sheet(wb: Workbook, lay: SheetLayout) -> Worksheet:
    ws = wb.create_sheet(lay.sheet)
    _data_header(ws, lay)
    for i, col in enumerate(lay.columns, start=1):
        letter = get_column_letter(i)
        if col.number_format:
            # Rows Excel adds to the table copy the format of the row above.
            ws.cell(lay.header_row + 1, i).number_format = col.number_format
        dim = ws.column_dimensions[letter]
        dim.width, dim.hidden = col.width, col.hidden
        dv = _validation_for(col)
        if dv is not None:
            dv.add(f"{letter}{lay.header_row + 1}:{letter}{MAX_ROW}")
            ws.add_data_validation(dv)
    ws.add_table(_data_table(lay))
    ws.freeze_panes = f"A{lay.header_row + 1}"
    # Every column on one page width (landscape), as many pages down as the rows need,
    # each repeating the header row (print_setup: Save and Refresh do the same on older workbooks).
    ws.print_title_rows = f"{lay.header_row}:{lay.header_row}"
    fit_print_width(ws)
    return ws


def _data_header(ws: Worksheet, lay: SheetLayout) -> None:
    for i, col in enumerate(lay.columns, start=1):
        head = ws.cell(lay.header_row, i, col.header)
        numeric = col.number_format not in (None, "@")   # numbers and dates: right-aligned
        head.font, head.fill = styles.HEADER_FONT, _header_fill(col)
        head.alignment = styles.HEADER_ALIGNMENT_RIGHT if numeric else styles.HEADER_ALIGNMENT
    # Headers wrap in narrow columns ("Marketing Consent"); the row is made tall enough.
    lines = max(_line_count(c.header, c.width) for c in lay.columns if not c.hidden)
    ws.row_dimensions[lay.header_row].height = 15 * lines


def _data_table(lay: SheetLayout) -> Table:
    """The sheet's Excel Table: header row plus one empty data row (a table needs one;
    Refresh replaces it)."""
    last = get_column_letter(len(lay.columns))
    table = Table(displayName=lay.table, ref=f"A{lay.header_row}:{last}{lay.header_row + 1}")
    table.tableStyleInfo = TableStyleInfo(name=styles.TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)
    return table


# ----- Home, Import, reports, xlwings.conf ------------------------------------------

def _add_home(wb: Workbook) -> Worksheet:
    ws = wb.create_sheet("Home")
    _widths(ws, HOME_WIDTHS)
    _text(ws, "A1", "CIMS - customer information", styles.TITLE_FONT)
    ws.merge_cells("A2:C2")
    _wrapped(ws, "A2", "Customers, contacts, orders, opportunities and service tickets in one "
                       "encrypted store, edited here in Excel.  客户、联系人、订单、商机和服务工单集中在"
                       "一个加密存储中，在 Excel 中编辑。", sum(HOME_WIDTHS))
    ws["A2"].font = styles.NOTE_FONT
    rows = (("Signed in as", "CIMS_SignedInUser", "(not signed in)"),
            ("Store", "CIMS_StorePath", None),
            ("Status", "CIMS_StatusLine", "Use Sign in on the CIMS tab to start."))
    for r, (label, name, value) in enumerate(rows, start=4):
        _text(ws, f"A{r}", label, styles.LABEL_FONT)
        _input_cell(ws, f"B{r}", name, value)
    row = _home_buttons(ws, 8)
    row = _home_functions(ws, row + 1)
    _home_setup(ws, row + 1)
    _print_fit_width(ws, landscape=False)
    return ws


def _home_buttons(ws: Worksheet, row: int) -> int:
    _section(ws, row, "The CIMS tab on the ribbon", 3)
    for c, head in enumerate(("Group", "Button", "What it does"), start=1):
        ws.cell(row + 1, c, head).font = styles.LABEL_FONT
    row += 2
    for b in ribbon_buttons():
        # All three top-aligned: a description beside its own button, not the next one.
        _text(ws, f"A{row}", b.group)
        _text(ws, f"B{row}", b.label)
        ws[f"A{row}"].alignment = ws[f"B{row}"].alignment = styles.TOP
        _wrapped(ws, f"C{row}", b.supertip, HOME_WIDTHS[2])
        row += 1
    return row


def _home_functions(ws: Worksheet, row: int) -> int:
    _section(ws, row, "Worksheet functions (read-only, your role applies)", 3)
    for c, head in enumerate(("Function", "Example", "Returns"), start=1):
        ws.cell(row + 1, c, head).font = styles.LABEL_FONT
    row += 2
    for signature, example, what in UDF_HELP:
        _text(ws, f"A{row}", signature)
        _text(ws, f"B{row}", example)
        ws[f"A{row}"].alignment = ws[f"B{row}"].alignment = styles.TOP
        _wrapped(ws, f"C{row}", what, HOME_WIDTHS[2])
        row += 1
    _note_across(ws, row, "Not signed in, the cell shows #CIMS: sign in first; any other problem "
                          "shows a short #CIMS: message.", HOME_WIDTHS, styles.NOTE_FONT)
    return row + 1


def _home_setup(ws: Worksheet, row: int) -> int:
    version = _xlwings_version()
    steps = (
        f"1. Install Python 3.11+; in a terminal, in the cims_xl source folder, run `pip install -e .` "
        f"(cims_xl is installed from that folder; it brings xlwings {version}, the version this "
        "workbook's xlwings module is from, which must match).",
        "2. Windows: if Python is not on PATH, add Interpreter_Win on the xlwings.conf sheet. "
        "macOS: run `xlwings runpython install` once and add Interpreter_Mac.",
        "3. Allow macros for this file (Windows: file Properties > Unblock; then Enable Content).",
        "4. Worksheet functions (Windows): Alt+F8 > ImportPythonUDFs once, then save "
        "(needs Trust access to the VBA project object model).",
        "5. Create the store once with `cims init --admin NAME`, then Sign in on the CIMS tab.",
    )
    _section(ws, row, "Before first use", 3)
    for i, step in enumerate(steps, start=row + 1):
        ws.merge_cells(f"A{i}:C{i}")
        _wrapped(ws, f"A{i}", step, sum(HOME_WIDTHS))
    return row + 1 + len(steps)


def _add_import(wb: Workbook) -> Worksheet:
    ws = wb.create_sheet("Import")
    # Column A fits its longest label, "Currency (orders, opportunities)".
    widths = (32, 26, 40, 4, 24, 40)
    _widths(ws, widths)
    _text(ws, "A1", "Import a spreadsheet", styles.TITLE_FONT)
    # Over the input and mapping columns (A:C): within the first printed page.
    _note_across(ws, 2, "Put the path of the file below and press Import spreadsheet on the CIMS tab. "
                        "The column mapping and a dry-run summary appear here; one import is one batch "
                        "and can be undone.", widths[:3], styles.NOTE_FONT)
    _text(ws, "A4", "File", styles.LABEL_FONT)
    _input_cell(ws, "B4", "CIMS_ImportFile")
    _text(ws, "A5", "Record type", styles.LABEL_FONT)
    # Left empty: the importer decides, as `cims import` without --kind (customers, unless
    # the file's headings say clearly that it holds another kind: then it stops, naming it).
    _input_cell(ws, "B5", "CIMS_ImportKind")
    _note_across(ws, 5, "empty = customers, unless the file's headings clearly say another kind "
                        "(the import then stops and names it)", widths[2:], styles.NOTE_FONT, first_col=3)
    kinds = DataValidation(type="list", formula1='"' + ",".join(ENTITIES) + '"', allow_blank=True,
                           showErrorMessage=True, errorStyle="stop", errorTitle="Record type",
                           error="Choose one of: " + ", ".join(ENTITIES))
    kinds.add("B5")
    ws.add_data_validation(kinds)
    _text(ws, "A6", "Currency (orders, opportunities)", styles.LABEL_FONT)
    _input_cell(ws, "B6", "CIMS_ImportCurrency")
    _note_across(ws, 6, "ISO code for rows that give none, e.g. USD; empty = the store's currency",
                 widths[2:], styles.NOTE_FONT, first_col=3)
    # Options: what an import's stop message says to add, typed as written there. Text
    # format, so Excel keeps "--decimal comma" as typed instead of reading a formula.
    _text(ws, "A7", "Options", styles.LABEL_FONT)
    _input_cell(ws, "B7", "CIMS_ImportOptions", None, "@")
    ws.merge_cells("B7:C7")      # room for a few options; the border follows the range
    ws["B7"].alignment = styles.WRAP_TOP
    _note_across(ws, 8, "The options an import's stop message names, typed as written there. "
                        "For example: --decimal comma --value \"DRAFT=Cancelled\" "
                        "--map \"Kundennr=Customer Ref\"", widths[1:3], styles.NOTE_FONT, first_col=2)
    _section(ws, 9, "Column mapping", 3)
    for c, head in enumerate(("Column in file", "CIMS field", "Sample values"), start=1):
        ws.cell(10, c, head).font = styles.LABEL_FONT
    _name(ws, "CIMS_ImportMapping", "A10:C10")
    _text(ws, "E9", "Dry-run summary", styles.SECTION_FONT)
    ws["E9"].fill = ws["F9"].fill = styles.SECTION_FILL
    _name(ws, "CIMS_ImportSummary", "E10")
    _print_fit_width(ws, landscape=True)
    return ws


def _add_report(wb: Workbook, sheet: str) -> Worksheet:
    ws = wb.create_sheet(sheet)
    prefix = report_prefix(sheet)
    _widths(ws, (18, 16, 16, 16, 16, 16, 16, 16))
    _title(ws, f"{prefix} report", REPORT_DESCRIPTIONS[prefix] + "  Set the filters, then Refresh reports.")
    for suffix in FILTER_SUFFIXES:
        cell, label = FILTER_CELLS[suffix], FILTER_LABELS[suffix]
        _text(ws, f"A{cell[1:]}", label, styles.LABEL_FONT)
        is_date = suffix in ("From", "To")
        _input_cell(ws, cell, filter_name(sheet, suffix), None, "yyyy-mm-dd" if is_date else "@")
        if is_date:
            _date_validation(ws, cell, label)
    _text(ws, "C6", "empty = everyone", styles.NOTE_FONT)
    _text(ws, "C7", "empty = all regions", styles.NOTE_FONT)
    _name(ws, filter_name(sheet, "Output"), f"A{OUTPUT_CELL[0]}")
    _print_fit_width(ws, landscape=True)
    return ws


def _date_validation(ws: Worksheet, coord: str, label: str) -> None:
    dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                        showErrorMessage=True, errorStyle="stop", errorTitle=label,
                        error="Enter a date, e.g. 2024-01-31.")
    dv.add(coord)
    ws.add_data_validation(dv)


def _add_conf(wb: Workbook) -> Worksheet:
    """xlwings reads A1:B(n) down to the first empty row in column A; notes sit in C (each
    short enough for C, the last column printed; longer lines wrap across A:C)."""
    ws = wb.create_sheet("xlwings.conf")
    widths = (22, 44, 80)
    _widths(ws, widths)
    for r, (key, (value, note)) in enumerate(XLWINGS_CONF.items(), start=1):
        ws.cell(r, 1, key)
        ws.cell(r, 2, value)
        ws.cell(r, 3, note).font = styles.NOTE_FONT
    # Optional keys are shown as inactive examples below a gap: an empty value inside
    # the block would hide the same setting in the xlwings add-in / ~/.xlwings/xlwings.conf.
    row = len(XLWINGS_CONF) + 3
    _note_across(ws, row, "Optional settings (not active: to use one, insert a row in the "
                          "block above, with no empty row before it):", widths, styles.LABEL_FONT)
    for r, (key, example, note) in enumerate(XLWINGS_CONF_OPTIONAL, start=row + 1):
        _text(ws, f"A{r}", key, styles.NOTE_FONT)
        _text(ws, f"B{r}", example, styles.NOTE_FONT)
        _text(ws, f"C{r}", note, styles.NOTE_FONT)
    row += len(XLWINGS_CONF_OPTIONAL) + 2
    _note_across(ws, row, f"The xlwings VBA module in this workbook is from xlwings {_xlwings_version()}; "
                          "install that version (or rebuild: cims workbook build).", widths, styles.NOTE_FONT)
    _print_fit_width(ws, landscape=True)
    return ws


SPECIAL_SHEETS = {"Home": _add_home, "Import": _add_import, "xlwings.conf": _add_conf}


def build_sheets() -> Workbook:
    """The workbook as openpyxl holds it, sheets in layout.SHEET_ORDER (no VBA yet)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.code_name = WORKBOOK_CODE_NAME
    for sheet in SHEET_ORDER:
        if sheet in BY_SHEET:
            _add_data_sheet(wb, BY_SHEET[sheet])
        elif sheet in REPORT_SHEETS:
            _add_report(wb, sheet)
        elif sheet in SPECIAL_SHEETS:
            SPECIAL_SHEETS[sheet](wb)
        else:
            raise CimsError(f"layout.SHEET_ORDER names {sheet!r}, which the builder does not know")
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = sheet_code_name(i)
    wb.active = 0
    return wb


def sheet_code_name(position: int) -> str:
    """VBA code name of the n-th sheet (1-based); each has a document module of that name."""
    return f"Sheet{position}"


# ----- VBA project ------------------------------------------------------------------

def _xlwings_file(*parts: str) -> str:
    """A VBA source shipped inside the installed xlwings package."""
    path = resources.files("xlwings").joinpath(*parts)
    try:
        return path.read_text(encoding="cp1252")
    except FileNotFoundError:
        raise CimsError(f"the installed xlwings {_xlwings_version()} has no {'/'.join(parts)}; "
                        "reinstall xlwings") from None


def _xlwings_version() -> str:
    return metadata.version("xlwings")


def _crlf(text: str) -> str:
    return "\r\n".join(text.splitlines()) + "\r\n"


def _document_module(name: str, base: str) -> str:
    return _crlf("\n".join((
        f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True")))


def _class_module(exported: str) -> str:
    """An exported .cls as the VBA project stores it: no VERSION/BEGIN..END header,
    plus the VB_Base/TemplateDerived/Customizable attributes Excel adds on import."""
    lines = exported.splitlines()
    lines = lines[lines.index("END") + 1:] if lines and lines[0].startswith("VERSION") else lines
    out: list[str] = []
    for line in lines:
        out.append(line)
        if line.startswith("Attribute VB_Name"):
            out.append(f'Attribute VB_Base = "{CLASS_BASE}"')
        elif line.startswith("Attribute VB_Exposed"):
            out += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    return _crlf("\n".join(out))


def module_name(source: str) -> str:
    match = re.search(r'^Attribute VB_Name = "([^"]+)"', source, re.M)
    if not match:
        raise CimsError("VBA module without an Attribute VB_Name line")
    return match.group(1)


def our_vba_modules() -> list[tuple[str, str]]:
    """(name, source) of vba/*.bas, sorted by file name; the name must match the file."""
    modules = []
    for path in sorted(VBA_DIR.glob("*.bas")):
        source = _read_text(path)
        name = module_name(source)
        if name != path.stem:
            raise CimsError(f"{path.name} declares VB_Name {name!r}; name the file {name}.bas")
        modules.append((name, _crlf(source)))
    return modules


def vba_modules(sheet_count: int) -> list[tuple[str, str, str]]:
    """(kind, name, source) of every module in the built project, in project order."""
    docs = [("document", WORKBOOK_CODE_NAME, _document_module(WORKBOOK_CODE_NAME, WORKBOOK_BASE))]
    docs += [("document", sheet_code_name(i), _document_module(sheet_code_name(i), WORKSHEET_BASE))
             for i in range(1, sheet_count + 1)]
    ours = [("standard", name, src) for name, src in our_vba_modules()]
    xlwings_bas = _crlf(_xlwings_file("xlwings.bas"))
    dictionary = _class_module(_xlwings_file("addin", "Dictionary.cls"))
    # xlwings.bas declares `Dim d As Dictionary` on macOS, so the class ships with it.
    return docs + ours + [("standard", "xlwings", xlwings_bas), ("class", "Dictionary", dictionary)]


@contextlib.contextmanager
def _seeded_ovba_crypto() -> Iterator[None]:
    from ms_ovba_crypto import ms_ovba_crypto as crypto

    saved = crypto.random
    crypto.random = random.Random(VBA_CRYPTO_SEED)
    try:
        yield
    finally:
        crypto.random = saved


def vba_project_bin(modules: Sequence[tuple[str, str, str]]) -> bytes:
    """Compile module sources into a vbaProject.bin (source only; Excel compiles on open).

    ms-ovba supplies the record layouts (PROJECT, dir, _VBA_PROJECT, PROJECTwm) and
    ms-cfb the OLE container; the compression is ours (see ovba_compress).
    """
    from ms_ovba.Views.dirStream import DirStream
    from ms_ovba.Views.project import Project
    from ms_ovba.Views.project_view import ProjectView
    from ms_ovba.Views.projectWm import ProjectWm

    project = _ovba_project(modules)
    vba_streams = {name: ovba_compress(source.encode("cp1252")) for _, name, source in modules}
    vba_streams["dir"] = ovba_compress(DirStream(project).to_bytes())
    vba_streams["_VBA_PROJECT"] = ProjectView(project).to_bytes()
    with _seeded_ovba_crypto():
        top_streams = {"PROJECTwm": ProjectWm(project).to_bytes(), "PROJECT": Project(project).to_bytes()}
    return _ole_file(vba_streams, top_streams)


def _ovba_project(modules: Sequence[tuple[str, str, str]]):
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.module_base import ModuleBase
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.vbaProject import VbaProject

    class ClassModule(ModuleBase):
        # ms-ovba 0.0.1 knows standard and document modules only. A class module is
        # stored like a document module (MODULETYPE 0x0022), listed as Class= in PROJECT.
        def __init__(self, name: str) -> None:
            super().__init__(name)
            self.type = "Document"

        def to_project_module_string(self) -> str:
            return "Class=" + self.name

    kinds = {"document": DocModule, "standard": StdModule, "class": ClassModule}
    project = VbaProject()
    project.project_id = VBA_PROJECT_ID
    project.include_projectwm()
    for ref in _vba_references():
        project.add_reference(ref)
    for kind, name, _ in modules:
        project.add_module(kinds[kind](name))
    return project


def _ole_file(vba_streams: dict[str, bytes], top_streams: dict[str, bytes]) -> bytes:
    """The OLE compound file: a VBA storage with the module streams, PROJECT, PROJECTwm."""
    from ms_cfb.Models.Directories.root_directory import RootDirectory
    from ms_cfb.Models.Directories.storage_directory import StorageDirectory
    from ms_cfb.Models.Directories.stream_directory import StreamDirectory
    from ms_cfb.ole_file import OleFile

    # ms-cfb reads streams from files and writes scratch files into the current
    # directory, so it runs in a private temporary one (chdir is process-wide: do
    # not build workbooks from several threads at once).
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        def stream(name: str, data: bytes, folder: str):
            path = Path(tmp, folder + "." + name + ".stream")
            path.write_bytes(data)
            return StreamDirectory(name, str(path))

        root = RootDirectory()
        storage = StorageDirectory("VBA")
        for name, data in vba_streams.items():
            storage.add_directory(stream(name, data, "VBA"))
        root.add_directory(storage)
        for name, data in top_streams.items():
            root.add_directory(stream(name, data, "ROOT"))
        ole = OleFile()
        ole.root_directory = root
        ole.create_file(str(Path(tmp, "vbaProject.bin")))
        return Path(tmp, "vbaProject.bin").read_bytes()


# MS-OVBA 2.4.1 compression. ms-ovba-compression 1.0.1 computes the longest allowed
# match as 0xFFFF << (bits + 3) instead of (0xFFFF >> bits) + 3, so long repeats (the
# dir stream of a project with many sheets) come out corrupt; and its search is
# quadratic. This is the algorithm of the specification with an indexed search.
_CHUNK = 4096
_MAX_CANDIDATES = 256


def ovba_compress(data: bytes) -> bytes:
    """Compress bytes into an MS-OVBA CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start:start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    seen: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset, length = _longest_match(chunk, pos, seen)
            if length:
                body[flag_at] |= 1 << bit
                count = _bit_count(pos)
                body += (((offset - 1) << (16 - count)) | (length - 3)).to_bytes(2, "little")
            else:
                body.append(chunk[pos])
                length = 1
            for p in range(pos, pos + length):
                seen.setdefault(chunk[p:p + 3], []).append(p)
            pos += length
    if len(body) > _CHUNK:
        # Incompressible: a raw chunk is always 4096 bytes (the spec pads with zeros).
        return (0x3FFF).to_bytes(2, "little") + chunk.ljust(_CHUNK, b"\x00")
    return (0xB000 | (len(body) - 1)).to_bytes(2, "little") + bytes(body)


def _bit_count(pos: int) -> int:
    return max((pos - 1).bit_length(), 4) if pos > 1 else 4


def _longest_match(chunk: bytes, pos: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    """(offset, length) of the longest earlier match of at least 3 bytes, else (0, 0)."""
    candidates = seen.get(chunk[pos:pos + 3])
    if not candidates or pos + 3 > len(chunk):
        return 0, 0
    max_length = (0xFFFF >> _bit_count(pos)) + 3
    best_at, best_len = 0, 0
    for cand in reversed(candidates[-_MAX_CANDIDATES:]):
        length = 0
        while (pos + length < len(chunk) and length < max_length
               and chunk[cand + length] == chunk[pos + length]):
            length += 1
        if length > best_len:
            best_at, best_len = cand, length
            if length == max_length:
                break
    return (pos - best_at, best_len) if best_len >= 3 else (0, 0)


def _vba_references() -> list:
    """stdole and the Office library (IRibbonControl, IRibbonUI), as Excel sets them."""
    import uuid

    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Fields.libid_reference import LibidReference

    stdole = LibidReference(uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
                            "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation")
    office = LibidReference(uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
                            "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL",
                            "Microsoft Office 16.0 Object Library")
    return [Reference(ReferenceRegistered(stdole), "stdole"),
            Reference(ReferenceRegistered(office), "Office")]


# ----- packaging --------------------------------------------------------------------

def _xml_bytes(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root)


def _content_types(xml: bytes) -> bytes:
    ET.register_namespace("", CT_NS)
    root = ET.fromstring(xml)
    for override in root.iterfind(f"{{{CT_NS}}}Override"):
        if override.get("PartName") == "/xl/workbook.xml":
            override.set("ContentType", XLSM_MAIN_CONTENT_TYPE)
    ET.SubElement(root, f"{{{CT_NS}}}Override", PartName="/" + VBA_PART, ContentType=VBA_CONTENT_TYPE)
    return _xml_bytes(root)


def _add_relationship(xml: bytes, rel_id: str, rel_type: str, target: str) -> bytes:
    ET.register_namespace("", REL_NS)
    root = ET.fromstring(xml)
    if any(r.get("Id") == rel_id for r in root):
        raise CimsError(f"relationship id {rel_id} already used")
    ET.SubElement(root, f"{{{REL_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    return _xml_bytes(root)


def _core_properties() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>CIMS</dc:title><dc:creator>cims_xl</dc:creator>"
        "<cp:lastModifiedBy>cims_xl</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{DOC_DATE}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{DOC_DATE}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def package(xlsx: bytes, vba_bin: bytes, custom_ui: bytes) -> bytes:
    """Turn openpyxl's .xlsx into the .xlsm: VBA, ribbon, content types, fixed metadata."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    parts["_rels/.rels"] = _add_relationship(parts["_rels/.rels"], "rIdCustomUI", CUSTOMUI_REL, CUSTOMUI_PART)
    parts["xl/_rels/workbook.xml.rels"] = _add_relationship(
        parts["xl/_rels/workbook.xml.rels"], "rIdVBA", VBA_REL, "vbaProject.bin")
    parts["docProps/core.xml"] = _core_properties()
    parts[VBA_PART] = vba_bin
    parts[CUSTOMUI_PART] = custom_ui
    return _zip(parts)


def _zip(parts: dict[str, bytes]) -> bytes:
    # Content types first (what Office and most readers expect), then a fixed order.
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = first + sorted(n for n in parts if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.create_system = 0
            info.external_attr = 0
            # Stored, not deflated: deflate output differs between zlib builds (zlib-ng
            # ships in some distributions), which would break "equals a fresh build".
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, parts[name])
    return out.getvalue()


# ----- entry points -----------------------------------------------------------------

def build_bytes() -> bytes:
    """The complete .xlsm as bytes (what build_workbook writes)."""
    wb = build_sheets()
    buf = io.BytesIO()
    wb.save(buf)
    modules = vba_modules(len(wb.worksheets))
    return package(buf.getvalue(), vba_project_bin(modules), _read_text(RIBBON_XML).encode("utf-8"))


def build_workbook(out_path: Path = DEFAULT_OUT) -> Path:
    """Build the workbook into out_path (replaced atomically) and return the path."""
    out_path = Path(out_path)
    data = build_bytes()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    from ..scratch import write_private

    write_private(out_path, data)      # 0600 when new; a workbook replaced keeps its mode and group
    return out_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cims_xl.excel.build",
                                     description="Build the CIMS workbook from sources.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the workbook (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        path = build_workbook(args.out)
    except CimsError as exc:
        parser.exit(exc.exit_code, f"Error: {exc.message}\n")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
