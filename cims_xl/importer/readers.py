"""Readers: any spreadsheet or text file people have, as rows of raw cell values.

`open_sheet(path, sheet)` looks at the file's bytes (not its extension), picks a
reader and returns a `RawSheet` whose `rows()` yields `(row_number, values)` with the
row number as Excel shows it (1-based) and values as the cells hold them: str,
float, int, bool, datetime.date/datetime/time, or "" for an empty cell. `rows()` may
be called more than once (the importer reads twice: once to look, once to write).

- .xlsx/.xlsm/.xlsb/.xls/.ods: python-calamine (fast; also reads Strict OOXML, which
  openpyxl sees as a workbook without sheets). A sheet whose XML is larger than
  `STREAM_THRESHOLD` is read by `xlsx_stream` instead, which keeps memory flat
  whatever the number of rows (calamine loads the whole sheet). Sizes are checked
  before calamine opens a file (`limits` for .xlsx and .ods, `xls_limits` for .xls,
  `xlsb_limits` for .xlsb).
- .csv/.txt/.tsv (and "xls" files that are really text): the encoding is detected
  (BOMs, UTF-8, GB18030, Shift_JIS, Big5, cp1252, UTF-16 without BOM), the
  delimiter sniffed (comma, semicolon, tab, pipe). Decimal marks are decided per
  column by the importer (run.py), on the whole column's values.
- JSON: one document (our `--format json` lists, the GDPR export) or JSON Lines
  (.jsonl/.ndjson, or a file whose first line is a whole object): one record per
  line; a line that is not an object is a rejected row with its line number.
"""

from __future__ import annotations

import codecs
import datetime as dt
import contextlib
import csv
import io
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import encoding as encoding_mod
from . import limits
from .cells import DateText, shown_date
from .errors import ImportRefused
from .limits import MAX_COLUMNS, check_row_width
from .text_dialect import hide_escapes, null_cell_pattern, text_dialect, unescape, unwrap_text_guard

COVER_ROWS = 10                         # a cover page: at most this many lines, none with two values
STREAM_THRESHOLD = 64 * 1024 * 1024   # uncompressed sheet XML; ~150k rows of 10 columns
SAMPLE_BYTES = 1 << 20
CSV_FIELD_LIMIT = 64 * 1024 * 1024

MergedRange = tuple[tuple[int, int], tuple[int, int]]   # ((row0, col0), (row1, col1)), 0-based


@dataclass
class RawSheet:
    """One sheet (or a whole text file) ready to be read row by row."""

    path: Path
    format: str                        # "xlsx", "xls", "ods", "xlsb", "csv"
    sheet: str | None = None
    sheet_names: list[str] = field(default_factory=list)
    encoding: str | None = None
    encoding_evidence: str | None = None
    sheet_evidence: str | None = None
    formulas: dict = field(default_factory=dict)   # col -> [(row, formula)] with no saved result
    shown_cells: int = 0                           # numbers read as their displayed text ("02134")
    serial_offset: int = 0                         # days to add to a date serial (1462: a 1904 workbook)
    priced_cells: int = 0                          # numbers whose format shows a currency ("€1,200.00")
    delimiter: str | None = None
    # How a text file was written beyond its delimiter (text_dialect), for the summary:
    # [{"what", "decided", "evidence"}], one per rule applied.
    text_rules: list[dict] = field(default_factory=list)
    merged: list[MergedRange] = field(default_factory=list)
    streamed: bool = False
    # Visible sheets holding values that were not read (the first sheet with a table was
    # chosen, no --sheet given): the summary names them, so no sheet is left out unseen.
    unread_sheets: list[str] = field(default_factory=list)
    # rows (1-based) and columns (0-based) the sheet hides: read all the same, the summary says so
    hidden_rows: list[int] = field(default_factory=list)
    hidden_cols: list[int] = field(default_factory=list)
    # cells whose font strikes them through: row (1-based) -> {col (0-based)} (cell_facts.struck)
    struck: dict = field(default_factory=dict)
    # number cells whose format shows text no reader reads ('0.0" pts"'): col -> [(row, text,
    # as shown)] (cell_facts.format_text); an amount column holding them stops (run)
    format_texts: dict = field(default_factory=dict)
    # number cells shown with fixed decimals: col -> {places: cells} (cell_facts.CellFacts.places)
    places: dict = field(default_factory=dict)
    # the rows come from memory (calamine read the whole sheet): a forked copy of this
    # process may read them too (run.py's first pass splits its evidence so); a text or a
    # streamed file is read through a file offset the copy would share
    in_memory: bool = False
    _rows_factory: object = None
    _closer: object = None

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, values) of each row; raises ImportRefused once the rows' text
        passes the memory budget (`limits.TextBudget`)."""
        from .limits import TextBudget

        budget = TextBudget(self.path.name)
        for number, values in self._rows_factory():  # type: ignore[misc]
            budget.add(values)
            yield number, values

    def close(self) -> None:
        if self._closer is not None:
            try:
                self._closer()
            finally:
                self._closer = None

    def __enter__(self) -> "RawSheet":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Files people pick that hold no table we can read: what each is, and how to get a
# table out of it. (name, how to export)
_EXPORT = "export it from the program that made it as CSV or Excel (.xlsx) and import that"
_OTHER_FILES = {
    "pdf": ("a PDF document", _EXPORT + " (a PDF holds the printed page, not the table)"),
    "vcard": ("a vCard contacts file (.vcf)",
              "export the contacts as CSV instead (Google Contacts: Export, Google CSV; Outlook: "
              "File, Open & Export, Import/Export, Export to a file, CSV), or open the .vcf in one "
              "of them and export it from there"),
    "ical": ("an iCalendar file (.ics)", _EXPORT),
    "numbers": ("an Apple Numbers file",
                "in Numbers choose File, Export To, CSV… or Excel…, and import that file"),
    "word": ("a Word document", "copy its table into Excel and save it as .xlsx, or " + _EXPORT),
    "powerpoint": ("a PowerPoint presentation", _EXPORT),
    "rtf": ("a rich-text document (.rtf)", _EXPORT),
    "image": ("an image", _EXPORT),
}


def _not_a_table(path: Path, head: bytes, names: set[str] | None = None) -> ImportRefused | None:
    """The refusal for a file that is no table (a PDF, a vCard, an Apple Numbers file …),
    naming what it is and how to export a CSV or .xlsx from it; None for anything else."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif text.startswith(b"BEGIN:VCARD"):
        kind = "vcard"
    elif text.startswith(b"BEGIN:VCALENDAR"):
        kind = "ical"
    elif head.startswith(b"{\\RTF") or head.startswith(b"{\\rtf"):
        kind = "rtf"
    elif head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        kind = "image"
    elif names is not None:
        if any(n.startswith("Index/") and n.endswith(".iwa") for n in names) or path.suffix.lower() == ".numbers":
            kind = "numbers"
        elif any(n.startswith("word/") for n in names):
            kind = "word"
        elif any(n.startswith("ppt/") for n in names):
            kind = "powerpoint"
    elif path.suffix.lower() == ".numbers" and head.startswith(b"PK"):
        kind = "numbers"
    if kind is None:
        return None
    what, how = _OTHER_FILES[kind]
    return ImportRefused(f"{path.name} is {what}, which cannot be imported: {how}. Nothing was imported.")


def sniff_format(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(64)
    if (refused := _not_a_table(path, head)) is not None:
        raise refused
    head = head[:8]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            if path.suffix.lower() == ".numbers":
                raise _not_a_table(path, b"", set()) from None   # type: ignore[misc]
            raise ImportRefused(f"{path.name} looks like a zip/xlsx file but is damaged") from None
        if (refused := _not_a_table(path, head, names)) is not None:
            raise refused
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        # An .xlsb's workbook part is binary (ECMA-376 has none: [MS-XLSB] 2.1.1); an .xlsm
        # holds a binary vbaProject.bin too but is an .xlsx, and must get its checks.
        if any(n.lower() == "xl/workbook.bin" for n in names):
            return "xlsb"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise ImportRefused(f"{path.name} is a zip file but not a spreadsheet")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"       # OLE compound file: .xls, or an encrypted .xlsx
    return "csv"


def open_sheet(path: str | Path, sheet: str | int | None = None, *,
               encoding: str | None = None, own_sheet: str | None = None) -> RawSheet:
    """Open `path` and choose the sheet (by name, 1-based number, or the first one with data).

    encoding: a text file's codec as the user gave it (`--encoding`); otherwise decided
    on evidence by `encoding.decide`, which raises EncodingUncertain when it cannot.
    own_sheet: the sheet of cims's own workbook that holds this kind of record
    ("Customers"): taken when no sheet is given and the file is that workbook (its Home
    sheet beside every data sheet), not the Home sheet's instructions.
    """
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"no such file: {path}")
    if path.is_dir():
        if path.suffix.lower() == ".numbers":     # an older Numbers document is a folder
            raise _not_a_table(path, b"", set())  # type: ignore[misc]
        raise ImportRefused(f"{path} is a folder, not a file")
    if path.stat().st_size == 0:
        raise ImportRefused(f"{path.name} is empty")
    try:
        fmt = sniff_format(path)
    except OSError as exc:        # locked by another program, no permission, offline share
        raise ImportRefused(f"{path.name} could not be opened ({exc.strerror or type(exc).__name__}); "
                            "if another program has it open, close it there and try again") from None
    if fmt == "csv":
        return _open_text(path, encoding, sheet)
    return _open_workbook(path, fmt, sheet, own_sheet)


# ----- workbooks -----------------------------------------------------------------------

def _open_workbook(path: Path, fmt: str, sheet: str | int | None, own_sheet: str | None = None) -> RawSheet:
    import python_calamine as pc

    opening: _Beside | None = None
    if fmt == "xlsx":
        # Sizes first: calamine allocates a sheet's whole used range and every shared
        # string before Python sees an error (see limits). It opens the workbook (shared
        # strings, no sheet) beside the sheets' scan once the parts it reads then passed.
        from . import limits

        def start_opening() -> None:
            nonlocal opening
            opening = _Beside(pc.CalamineWorkbook.from_path, str(path))

        try:
            safe = limits.calamine_safe(path, on_parts_checked=start_opening)
            streamed = _open_big_xlsx(path, sheet, force=not safe)
        except BaseException:
            if opening is not None:
                opening.discard()
            raise
        if streamed is not None:
            if opening is not None:
                opening.discard()
            return streamed
    elif fmt == "ods":
        from . import limits

        limits.check_ods(path)
    elif fmt == "xls":
        # calamine parses every sheet of an .xls when it opens it (see xls_limits)
        from .xls_limits import check_xls

        check_xls(path)
    elif fmt == "xlsb":
        from .xlsb_limits import check_xlsb

        check_xlsb(path)

    try:
        wb = opening.result() if opening is not None else pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated classes
        text = str(exc)
        if fmt == "xls" and _is_encrypted_ooxml(path):
            raise ImportRefused(f"{path.name} is protected with a password; open it in Excel, "
                                "remove the password and save it again") from None
        if "password" in text.lower():
            raise ImportRefused(f"{path.name} is protected with a password; open it in Excel, "
                                "remove the password and save it again") from None
        raise ImportRefused(f"{path.name} could not be read as a spreadsheet "
                            f"({text.splitlines()[0][:120] if text else type(exc).__name__}); "
                            "open it in Excel and save it as .xlsx or .csv") from None
    except BaseException as exc:
        if not _is_panic(exc):          # KeyboardInterrupt, SystemExit: on their way
            raise
        from .limits import _damaged

        text = " ".join(str(exc).split())[:120] or "a malformed record"
        raise _damaged(path.name, f"its records cannot be read ({text})") from None
    if fmt == "xls":
        wb = _double_byte_book(path, wb)
    names = list(wb.sheet_names)
    worksheet_names = [m.name for m in wb.sheets_metadata
                       if str(m.typ).endswith("WorkSheet")] or names
    hidden = {m.name for m in wb.sheets_metadata if not str(m.visible).endswith(".Visible")}
    # Hidden sheets (old archives, lookup lists) are never chosen on their own: the
    # first visible worksheet with data is the one a person looking at the file sees.
    visible = [n for n in worksheet_names if n not in hidden]
    ours = (sheet is None or str(sheet) == "") and own_sheet is not None and _is_cims_workbook(names)
    if ours:
        sheet = own_sheet
    if not names:
        wb.close()
        raise ImportRefused(f"{path.name} has no sheets")
    loaded: dict = {}
    # The cell facts of the sheet most likely chosen are read beside calamine reading
    # its cells (both mostly without the GIL); again below if another one is chosen.
    likely = (_choose_sheet(wb, path, names, visible, sheet) if sheet is not None and str(sheet) != ""
              else visible[0] if visible else None)
    early = _Beside(_facts_of, fmt, path, likely) if fmt in ("xlsx", "xls", "ods") and likely else None
    how = ("cims's own workbook: the sheet of this kind of record" if ours
           else "given with --sheet" if sheet is not None and str(sheet) != ""
           else "the first visible sheet with a table")
    covers: list[str] = []
    try:
        chosen = _choose_sheet(wb, path, names, visible, sheet, loaded,
                               hidden=[n for n in worksheet_names if n in hidden], skipped=covers)
        for name in covers:
            loaded.pop(name, None)
        try:
            ws = loaded.get(chosen) or wb.get_sheet_by_name(chosen)   # read once, not twice
        except Exception as exc:
            if _unknown_error_value(exc):
                raise _NeedsStreaming(chosen) from None
            raise ImportRefused(f"sheet '{chosen}' of {path.name} could not be read: {exc}") from None
    except _NeedsStreaming as needs:
        wb.close()
        if early is not None:
            early.discard()
        if fmt != "xlsx":
            raise ImportRefused(f"sheet '{needs.sheet}' of {path.name} holds an error value this "
                                "reader does not know; open it in Excel and save it as .xlsx") from None
        streamed = _open_big_xlsx(path, needs.sheet, force=True)
        assert streamed is not None
        streamed.sheet_evidence = (how + "; read cell by cell: it holds an error value of a newer Excel "
                                   "(such as #SPILL!)")
        return streamed
    except BaseException:
        wb.close()
        if early is not None:
            early.discard()
        raise
    merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (ws.merged_cell_ranges or [])]
    start = ws.start
    if early is not None and chosen == likely:
        facts = early.result()
    else:
        if early is not None:
            early.discard()
        facts = _facts_of(fmt, path, chosen)
    shown = facts.shown if facts is not None else {}
    priced = facts.amounts if facts is not None else {}
    serial_offset = facts.serial_offset if facts is not None else 0
    if not merged and fmt == "ods" and facts is not None:
        merged = list(getattr(facts, "merged", ()))     # calamine gives none for .ods
    decoded = wb.texts(chosen) if isinstance(wb, _DoubleByteBook) else {}

    def rows() -> Iterator[tuple[int, list]]:
        if start is None:
            return
        r0, c0 = start
        pad = [""] * c0
        for i, values in enumerate(ws.iter_rows()):
            number = r0 + i + 1
            row = (pad + list(values)) if c0 else list(values)
            if decoded and (own := decoded.get(number)):
                for col, text in own.items():      # texts in the workbook's code page
                    if col < len(row):
                        row[col] = text
            texts = shown.get(number)
            if texts:
                for col, text in texts.items():    # numbers as Excel shows them
                    if col < len(row):
                        if type(text) is DateText:  # a date with the text its format shows
                            if isinstance(row[col], (dt.date, dt.time)):
                                row[col] = shown_date(row[col], text)
                        else:
                            row[col] = text
            amounts = priced.get(number)
            if amounts:
                for col, amount in amounts.items():    # with the currency their format shows
                    if col < len(row):
                        row[col] = amount
            yield number, row

    others = [n + (" (hidden)" if n in hidden else "") + (" (a cover page: no table)" if n in covers else "")
              for n in names if n != chosen]
    evidence = how + ("; other sheets: " + ", ".join(f"'{o}'" for o in others) if others else "")
    if serial_offset:
        evidence += "; the workbook counts dates from 1904 (numbers in date columns are read so)"
    unread = ([] if sheet is not None and str(sheet) != ""
              else _sheets_with_values(wb, fmt, path, [n for n in visible if n != chosen and n not in covers],
                                       loaded))
    code_page = ({"encoding": wb.codec, "encoding_evidence": wb.evidence or f"the workbook's CODEPAGE record "
                  f"({wb.codepage}): an Excel 5.0/95 file, its texts read in that code page"}
                 if isinstance(wb, _DoubleByteBook) else {})
    return RawSheet(path, fmt, chosen, names, merged=merged, sheet_evidence=evidence, **code_page,
                    serial_offset=serial_offset, unread_sheets=unread,
                    formulas=facts.formulas if facts is not None else {},
                    format_texts=dict(getattr(facts, "format_texts", None) or {}),
                    places=dict(getattr(facts, "places", None) or {}),
                    hidden_rows=list(getattr(facts, "hidden_rows", ())), hidden_cols=list(getattr(facts, "hidden_cols", ())),
                    struck=dict(getattr(facts, "struck", None) or {}),
                    shown_cells=sum(type(t) is not DateText for v in shown.values() for t in v.values()) - (facts.errors if facts is not None else 0),
                    priced_cells=sum(len(v) for v in priced.values()), in_memory=True,
                    _rows_factory=rows, _closer=wb.close)


@dataclass(frozen=True)
class _SheetMeta:
    name: str
    typ: object
    visible: object


class _DoubleByteBook:
    """A calamine workbook of an Excel 5.0/95 file in a double-byte code page, with its
    sheet names and text cells as the code page writes them (`xls_facts.DoubleByteTexts`):
    the same methods the readers use, sheets named by their real names."""

    def __init__(self, wb, texts):
        self._wb, self._texts = wb, texts
        self.sheet_names = list(texts.names)
        self.sheets_metadata = [_SheetMeta(real, m.typ, m.visible)
                                for real, m in zip(texts.names, wb.sheets_metadata)]

    @property
    def codec(self) -> str:
        return self._texts.codec

    @property
    def evidence(self) -> str:
        return self._texts.evidence

    @property
    def codepage(self) -> int:
        return self._texts.codepage

    def get_sheet_by_name(self, name: str):
        return self._wb.get_sheet_by_index(self.sheet_names.index(name))

    def texts(self, name: str) -> dict[int, dict[int, str]]:
        return self._texts.cells(self.sheet_names.index(name))

    def close(self) -> None:
        self._wb.close()


def _double_byte_book(path: Path, wb):
    """`wb`, or its `_DoubleByteBook` when the file is an Excel 5.0/95 workbook in a
    double-byte code page (GBK, Big5, Shift_JIS, Korean), whose texts calamine garbles.
    ImportRefused when its sheets cannot be matched to calamine's (nothing is read then
    rather than garbled text)."""
    from .xls_facts import double_byte_texts

    texts = double_byte_texts(path)
    if texts is None:
        return wb
    if len(texts.names) != len(wb.sheet_names) or len(set(texts.names)) != len(texts.names):
        wb.close()
        raise ImportRefused(f"{path.name} is an Excel 5.0/95 workbook in code page {texts.codepage} "
                            f"whose sheets this reader cannot tell apart; open it in Excel or LibreOffice "
                            "and save it as .xlsx. Nothing was imported.")
    return _DoubleByteBook(wb, texts)


def _sheets_with_values(wb, fmt: str, path: Path, names: list[str], loaded: dict) -> list[str]:
    """Those of `names` that hold a value. An .xlsx sheet is judged by the start of its
    XML (`xlsx_stream.has_cells`), without loading it; other formats' sheets are loaded
    (calamine), a sheet that cannot be read counts as holding values."""
    if not names:
        return []
    parts: dict = {}
    if fmt == "xlsx":
        from . import xlsx_stream

        with contextlib.suppress(Exception):
            parts = dict(xlsx_stream.sheet_parts(path))
    out = []
    for name in names:
        try:
            if name in loaded:
                ws = loaded[name]
                has = bool(ws.height) and any(str(v).strip() for row in ws.to_python(nrows=50) for v in row)
            elif parts.get(name) is not None:
                has = xlsx_stream.has_cells(path, parts[name])
            else:
                ws = wb.get_sheet_by_name(name)
                has = bool(ws.height) and any(str(v).strip() for row in ws.to_python(nrows=50) for v in row)
        except Exception:  # calamine raises several unrelated classes; name it rather than hide it
            has = True
        if has:
            out.append(name)
    return out


def _facts_of(fmt: str, path: Path, sheet_name: str):
    """Number formats and formulas of one sheet (cell_facts, xls_facts); None for others."""
    if fmt == "xlsx":
        from .cell_facts import read_facts
        return read_facts(path, sheet_name)
    if fmt == "xls":
        from .xls_facts import read_xls_facts
        return read_xls_facts(path, sheet_name)
    if fmt == "ods":
        from .ods_facts import read_ods_facts
        return read_ods_facts(path, sheet_name)
    return None


class _Beside:
    """fn(*args) run on a thread of its own while this one goes on: for readers that
    work without the GIL (calamine, zlib), so that opening a big workbook uses two
    cores. `result()` waits and returns its value or raises what it raised, here;
    `discard()` waits and drops both (a workbook opened is closed)."""

    def __init__(self, fn, *args) -> None:
        import threading

        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True,
                                        name="cims-import-read")
        self._thread.start()

    def _run(self, fn, args) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:     # a calamine panic too: raised where result() is
            self._error = exc

    def result(self):
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error
        return self._value

    def discard(self) -> None:
        self._thread.join()
        close = getattr(self._value, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()
        self._value = self._error = None


def _open_big_xlsx(path: Path, sheet: str | int | None, *, force: bool = False) -> RawSheet | None:
    """The streaming reader, when the chosen sheet is too big for calamine (which also
    loads every shared string as soon as it opens the file) or `force`; None otherwise."""
    from . import xlsx_stream

    parts = xlsx_stream.sheet_parts(path)
    if not force and not any(info is not None and info.file_size > STREAM_THRESHOLD for _n, info in parts):
        return None
    names = [n for n, _ in parts]
    infos = dict(parts)
    if sheet is not None and str(sheet) != "":
        chosen = _choose_sheet(None, path, names, names, sheet)
    else:
        hidden = xlsx_stream.hidden_sheets(path)
        with_cells = [n for n, info in parts if info is not None and xlsx_stream.has_cells(path, info)]
        chosen = next((n for n in with_cells if n not in hidden), None)
        if chosen is None and with_cells:
            raise ImportRefused(f"every visible sheet of {path.name} is empty; the hidden sheet(s) "
                                + ", ".join(f"'{n}'" for n in with_cells)
                                + " hold data. Nothing was imported. Say which with --sheet NAME.")
        if chosen is None:
            raise ImportRefused(f"every sheet of {path.name} is empty")
    info = infos.get(chosen)
    if info is None or (info.file_size <= STREAM_THRESHOLD and not force):
        return None
    reader = xlsx_stream.StreamingSheet(path, info.filename)
    return RawSheet(path, "xlsx", chosen, names, merged=reader.merged, streamed=True,
                    formulas=reader.formulas, serial_offset=1462 if reader.date1904 else 0,
                    _rows_factory=reader.rows, _closer=reader.close)


# The data sheets of cims's own workbook (excel.layout.SHEET_ORDER), beside its Home sheet.
_CIMS_SHEETS = frozenset({"Home", "Customers", "Contacts", "Interactions", "Orders", "Opportunities", "Tickets"})


def _is_cims_workbook(names: list[str]) -> bool:
    return _CIMS_SHEETS <= set(names)


def _choose_sheet(wb, path: Path, names: list[str], worksheets: list[str],
                  sheet: str | int | None, loaded: dict | None = None, hidden: list[str] = (),
                  skipped: list[str] | None = None) -> str:
    """The sheet's name; a sheet read to see whether it has data is left in `loaded`.
    `worksheets` are the candidates when no sheet is given (visible ones); `hidden`
    are named in the refusal when only they hold data; a cover page passed over for a
    later sheet with a table is added to `skipped`."""
    if sheet is not None and str(sheet) != "":
        if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
            n = int(sheet)
            if 1 <= n <= len(names):
                return names[n - 1]
            raise ImportRefused(f"{path.name} has {len(names)} sheet(s); there is no sheet {n}")
        if sheet in names:
            return sheet
        # Case and spacing as people type them: "customer list" for "Customer  List ".
        lowered = {" ".join(n.split()).casefold(): n for n in names}
        if " ".join(str(sheet).split()).casefold() in lowered:
            return lowered[" ".join(str(sheet).split()).casefold()]
        raise ImportRefused(f"{path.name} has no sheet '{sheet}'; its sheets are: "
                            + ", ".join(f"'{n}'" for n in names))
    unreadable: tuple[str, Exception] | None = None
    first = None
    for name in worksheets:
        try:
            ws = wb.get_sheet_by_name(name)
        except Exception as exc:
            if _unknown_error_value(exc):
                raise _NeedsStreaming(name) from None
            unreadable = unreadable or (name, exc)
            continue
        head = ws.to_python(nrows=50) if ws.height else []
        if not any(str(v).strip() for row in head for v in row):
            continue
        if loaded is not None:
            loaded[name] = ws
        filled = [row for row in head if any(str(v).strip() for v in row)]
        if len(filled) > COVER_ROWS or any(sum(1 for v in row if str(v).strip()) >= 2 for row in filled):
            if first is not None and skipped is not None:
                skipped.append(first)
            return name
        # A cover page (a title, "prepared by" lines: no row with two values) is not
        # the table when a later sheet has one.
        first = first or name
    if unreadable is not None:
        # Not "empty": a sheet that cannot be read may be the one with the data.
        from .limits import _damaged

        name, exc = unreadable
        text = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise _damaged(path.name, f"its sheet '{name}' cannot be read ({text})")
    if first is not None and not _hidden_with_data(wb, hidden):
        return first
    if hidden:
        raise ImportRefused(f"every visible sheet of {path.name} is empty or a cover page; the hidden sheet(s) "
                            + ", ".join(f"'{n}'" for n in hidden)
                            + " hold data. Nothing was imported. Say which with --sheet NAME.")
    raise ImportRefused(f"every sheet of {path.name} is empty")


class _NeedsStreaming(Exception):
    """calamine cannot read this sheet (`sheet`), the streaming reader can."""

    def __init__(self, sheet: str) -> None:
        super().__init__(sheet)
        self.sheet = sheet


def _unknown_error_value(exc: Exception) -> bool:
    """calamine refuses a whole sheet for one cell holding an error value it does not
    know: those of Excel 365 (#SPILL!, #CALC!, #GETTING_DATA, #FIELD!, #BLOCKED!,
    #BUSY!, #CONNECT!, #UNKNOWN!), valid in a cell of type "e" (ECMA-376 Part 1,
    18.18.11 ST_CellType). The streaming reader reads them as their text."""
    return str(exc).startswith("Unsupported cell error value")


def _hidden_with_data(wb, hidden) -> bool:
    """Does a hidden sheet hold data (when the visible ones hold only a cover page)?"""
    for name in hidden:
        try:
            ws = wb.get_sheet_by_name(name)
        except Exception:
            continue
        if ws.height and any(str(v).strip() for row in ws.to_python(nrows=50) for v in row):
            return True
    return False


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine on a malformed file: pyo3's PanicException, which
    derives from BaseException (and is not importable by name)."""
    return type(exc).__name__ == "PanicException"


def _is_encrypted_ooxml(path: Path) -> bool:
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    return "EncryptedPackage".encode("utf-16-le") in data


# ----- text files ----------------------------------------------------------------------

def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The text encoding of `sample` (the start of a file, or all of it when `complete`),
    decided on evidence (see `encoding.decide`); EncodingUncertain when it cannot be."""
    return encoding_mod.decide(sample, complete=complete, file_name="the file").name


def _open_text(path: Path, encoding: str | None = None, sheet: str | int | None = None) -> RawSheet:
    size = path.stat().st_size
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    complete = size <= SAMPLE_BYTES
    announced = encoding_mod.bom_or_utf16(sample)
    if announced or sample.isascii():
        # A web page or XML file saved as .xls is recognised whatever its encoding.
        kind = _markup_kind(codecs.getincrementaldecoder(announced or "utf-8")("replace")
                            .decode(sample[:4096], final=False))
        if kind:
            return _markup(path, sample, kind, announced)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES and b"\x00" in sample[:4096] and not announced:
        # named as a workbook but not one (a .xlsx is a zip, a .xls an OLE file): said
        # before any text encoding is weighed for bytes that are no text
        raise ImportRefused(f"{path.name} is not a readable {suffix} workbook (its contents are not "
                            "what Excel writes: damaged, cut short, or another kind of file renamed); "
                            "open it in Excel or LibreOffice and save it again as .xlsx or .csv")
    if not announced and not encoding and b"\x00" in sample[:4096]:
        # NUL bytes read as NUL in every code page weighed (only UTF-16/32, announced or
        # given, hold them in text): said before any encoding is weighed for binary data
        raise ImportRefused(f"{path.name} is not a text file (it contains binary data); "
                            "open it in Excel and save it as .xlsx or .csv")
    decided = encoding_mod.decide(sample, complete=complete, file_name=path.name, given=encoding)
    encoding, errors = decided.name, decided.errors
    text = codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=complete)
    if text.startswith("\ufeff"):
        text = text[1:]
    kind = _markup_kind(text[:4096])
    if kind:
        return _markup(path, sample, kind, encoding)
    if path.suffix.lower() in JSON_LINES_SUFFIXES or _looks_like_json_lines(text):
        return _json_lines_sheet(path, encoding, errors, decided.evidence)
    if text.lstrip()[:1] in ("[", "{"):
        head = text.lstrip()
        if size > JSON_MAX_BYTES and (head[:1] == "{" or head[1:].lstrip()[:1] == "{"):
            raise ImportRefused(f"{path.name} looks like JSON and is larger than "
                                f"{JSON_MAX_BYTES >> 20} MB, too large to read whole; export the records "
                                "as CSV (--format csv) or split the file. Nothing was imported.")
        found = _json_document(path, encoding, errors)
        if found is not None:
            return _json_sheet(path, found, sheet, encoding, decided.evidence)
    if "\x00" in text[:4096]:
        raise ImportRefused(f"{path.name} is not a text file (it contains binary data); "
                            "open it in Excel and save it as .xlsx or .csv")
    if drawn := _pipe_table(text):
        return _pipe_sheet(path, encoding, errors, decided.evidence, drawn)
    if (fixed := _fixed_width(text, complete)) is not None:
        return _fixed_sheet(path, encoding, errors, decided.evidence, *fixed)
    delimiter = _sniff_delimiter(text)
    # Windows-1258 writes Vietnamese tone marks as separate characters ("a" + U+0323);
    # composed ("ạ") they compare, search and display as people type them.
    compose = codecs.lookup(encoding).name == "cp1258"
    dialect = text_dialect(text, delimiter)
    null_cell = null_cell_pattern(delimiter) if dialect.nulls else None
    quoting = (dict(doublequote=False, escapechar="\\") if dialect.backslash else dict(doublequote=True))
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)

    def rows() -> Iterator[tuple[int, list]]:
        with open(path, "r", encoding=encoding, errors=errors, newline="") as f:
            if encoding in ("utf-8",):
                first = f.read(1)
                if first != "\ufeff":
                    f.seek(0)
            lines = f if null_cell is None else (null_cell.sub(r"\1", ln) for ln in f)
            if dialect.backslash:
                lines = (hide_escapes(ln) for ln in lines)
            reader = csv.reader(lines, delimiter=delimiter, quotechar='"', **quoting,
                                skipinitialspace=False, strict=False)
            n = 0
            line = 0                    # the file's line the record ends on
            width = 0                   # the first record's delimiter count
            spread = 0                  # the first line of the last record, when it spans lines
            try:
                for n, values in enumerate(reader, start=1):
                    if len(values) > MAX_COLUMNS:
                        check_row_width(len(values), n, path.name)
                    if n == 1:
                        width = len(values) - 1
                    else:
                        _refuse_unclosed_quote(values, delimiter, width, line + 1, path.name)
                    spread = line + 1 if reader.line_num > line + 1 else 0
                    line = reader.line_num
                    if compose:
                        values = [unicodedata.normalize("NFC", v) for v in values]
                    if dialect.guards:
                        values = [unwrap_text_guard(v) for v in values]
                    if dialect.backslash:
                        values = [unescape(v) for v in values]
                    yield n, values
                if spread:
                    _refuse_quote_open_at_end(path, encoding, errors, spread, line)
            except UnicodeDecodeError as exc:
                raise ImportRefused(
                    f"{path.name} is not consistently {encoding} (a byte near row {n + 1} "
                    f"cannot be read: {exc.reason}). Nothing was imported. Give the file's encoding "
                    "with --encoding NAME, or save it again as UTF-8 CSV") from None
            except csv.Error as exc:
                raise ImportRefused(f"{path.name} row {n + 1}: not a readable CSV line ({exc})") from None

    return RawSheet(path, "csv", None, [], encoding=encoding, delimiter=delimiter,
                    encoding_evidence=decided.evidence, text_rules=dialect.rules, _rows_factory=rows)


_ADDRESS_CELL = re.compile(r"[^\s@,;<>\"]{1,64}@[^\s@,;<>\"]{1,255}\.[^\W\d_]{2,}")


def _refuse_unclosed_quote(values: list[str], delimiter: str, width: int, line: int, name: str) -> None:
    """Stop when a quoted field swallowed the lines after it: a field with line breaks
    whose lines after the first are, at least two of them and at least half, whole
    records (as many delimiters as the header line, `width`). That is a quote opened
    (`"Doc Brown,doc@…`) and never closed, not a note written over several lines.
    `line` is the file's line the record starts on (1-based). Raises ImportRefused."""
    if width < 1:
        return
    for v in values:
        if "\n" not in v and "\r" not in v:
            continue
        inner = [part for part in v.splitlines()[1:] if part.strip()]
        records = [part for part in inner if part.count(delimiter) == width]
        whole = len(records)
        # one swallowed line is enough when it is a whole record with an email address in
        # a cell of its own ("Cat,c@x.com,screen 27"): a note does not read like that
        addressed = any(_ADDRESS_CELL.fullmatch(cell.strip()) for part in records for cell in part.split(delimiter))
        if (whole >= 2 and whole * 2 >= len(inner)) or addressed:
            raise ImportRefused(
                f"{name} line {line}: a quote (\") opens a field and is not closed, so the "
                f"{len(inner)} line(s) after it would be read as one cell. Close or remove the quote "
                "on that line and import again. Nothing was imported.")


def _refuse_quote_open_at_end(path: Path, encoding: str, errors: str, first: int, last: int) -> None:
    """Stop when the file's last record, lines `first`..`last`, holds an odd number of
    quote characters: a quote opened and never closed, which swallowed the line(s) after
    it up to the end of the file ("Paris` then `A3,a3@x.com,Rome" read as one city).
    Every closed quoted field has an even number of them (`"` … `""` … `"`)."""
    quotes = 0
    with open(path, "r", encoding=encoding, errors=errors, newline="") as f:
        for number, text in enumerate(f, start=1):
            if number >= first:
                quotes += text.count('"')
    if quotes % 2:
        raise ImportRefused(
            f"{path.name} line {first}: a quote (\") opens a field and is not closed, so the "
            f"{last - first} line(s) after it would be read as one cell. Close or remove the quote "
            "on that line and import again. Nothing was imported.")


def _markup_kind(text: str) -> str | None:
    head = text.lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")):
        return "html"
    if head.startswith("<?xml") or head.startswith("<!--"):
        if "<html" in head or "<table" in head:
            return "html"
        return "xml"
    return None


def _markup(path: Path, sample: bytes, kind: str, encoding: str | None) -> RawSheet:
    """A web page saved with a spreadsheet name: its largest table, read with lxml."""
    if kind != "html":
        raise ImportRefused(f"{path.name} is an XML file, not a spreadsheet; "
                            "open it in Excel and save it as .xlsx or .csv")
    import lxml.html

    data = path.read_bytes()
    if encoding:
        text = data.decode(encoding, "replace").lstrip("\ufeff")
        doc = lxml.html.document_fromstring(text)
    else:
        doc = lxml.html.document_fromstring(data)
    tables = doc.xpath("//table")
    if not tables:
        raise ImportRefused(f"{path.name} is a web page without a table, not a spreadsheet; "
                            "open it in Excel and save it as .xlsx or .csv")

    budget = [limits.CALAMINE_MAX_CELLS]    # cells of every table together, spans included

    def table_rows(table) -> list[list[str]]:
        out = []
        for tr in table.iter("tr"):
            if next(tr.iterancestors("table")) is not table:
                continue                       # a row of a table nested inside this one
            cells = []
            for cell in tr.xpath("./td|./th"):
                value = " ".join(cell.text_content().split())
                cells.append(value)
                span = cell.get("colspan")
                if span and span.isdigit():
                    cells.extend([""] * min(int(span) - 1, 1000))
                limits.check_row_width(len(cells), len(out) + 1, path.name)
            budget[0] -= len(cells)
            if budget[0] < 0:
                raise ImportRefused(f"{path.name}: its tables hold more than {limits.CALAMINE_MAX_CELLS:,} cells "
                                    "(column spans included), too many to read safely; nothing was imported")
            out.append(cells)
        return out

    body = max((table_rows(t) for t in tables), key=lambda rs: sum(len(r) for r in rs))
    if not any(any(c for c in r) for r in body):
        raise ImportRefused(f"{path.name} is a web page whose tables are empty; nothing to import")

    def rows() -> Iterator[tuple[int, list]]:
        for n, values in enumerate(body, start=1):
            yield n, list(values)

    return RawSheet(path, "html", None, [], encoding=encoding or "declared in the page",
                    encoding_evidence="web page (HTML table)", _rows_factory=rows)


JSON_MAX_BYTES = 128 * 1024 * 1024      # a JSON file is parsed whole (several times its size in memory)


def _json_document(path: Path, encoding: str, errors: str):
    """The parsed JSON of a file that is one JSON document (our `--format json`
    exports, the GDPR export), else None: a text file that starts with "[" or "{" but
    is not JSON is read as delimited text."""
    import json

    if path.stat().st_size > JSON_MAX_BYTES:
        return None
    try:
        text = path.read_bytes().decode(encoding, errors).lstrip("\ufeff")
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, (list, dict)) else None


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".xltx", ".xltm", ".numbers")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def _looks_like_json_lines(text: str) -> bool:
    """Whether text is JSON Lines (https://jsonlines.org: one JSON object per line):
    its first line is a whole JSON object and another line follows it."""
    import json

    lines = [line for line in text.lstrip("\ufeff").splitlines()[:3] if line.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except (ValueError, RecursionError):
        return False


def _json_lines_sheet(path: Path, encoding: str, errors: str, evidence: str | None) -> RawSheet:
    """A JSON Lines file (.jsonl, .ndjson: one JSON object per line, as log and export
    tools write them) as rows: the header is every key in the order first met, read in
    a first pass that keeps only the keys; the row number of a record is its line
    number. A line that is not a JSON object is not dropped: its row holds the line's
    text as an unreadable value in every column, so the import rejects it with the
    line number and why (the required field cannot be read). Blank lines are skipped."""
    import json

    from .cells import Unreadable

    def lines() -> Iterator[tuple[int, str]]:
        with open(path, "r", encoding=encoding, errors=errors, newline="") as f:
            number = 0
            while True:
                line = f.readline(CSV_FIELD_LIMIT + 1)
                if not line:
                    return
                number += 1
                if len(line) > CSV_FIELD_LIMIT:
                    raise ImportRefused(f"{path.name} line {number} is longer than "
                                        f"{CSV_FIELD_LIMIT >> 20} MB; nothing was imported")
                if number == 1:
                    line = line.lstrip("\ufeff")
                if line.strip():
                    yield number, line

    def parse(line: str) -> tuple[dict | None, str]:
        try:
            value = json.loads(line.strip())
        except RecursionError:
            return None, "nested too deeply"
        except ValueError as exc:
            where = f" at character {exc.pos + 1}" if isinstance(exc, json.JSONDecodeError) else ""
            return None, f"not valid JSON ({getattr(exc, 'msg', exc)}{where})"
        if not isinstance(value, dict):
            return None, f"a JSON {type(value).__name__.replace('NoneType', 'null')}, not an object"
        return flat_record(value), ""

    header: dict[str, None] = {}
    records = 0
    for _, line in lines():
        record, _why = parse(line)
        records += 1
        if record is not None:
            for k in record:
                header.setdefault(str(k), None)
    if not header:
        raise ImportRefused(f"{path.name} is JSON Lines but no line holds a JSON object with fields; "
                            "nothing to import")
    keys = list(header)
    _check_json_cells(path, keys, records)

    def read() -> Iterator[tuple[int, list]]:
        yield 0, list(keys)
        for number, line in lines():
            record, why = parse(line)
            if record is None:
                bad = Unreadable(line.strip()[:60], f"line {number} is {why}")
                yield number, [bad] * len(keys)
            else:
                yield number, [_json_cell(record.get(k)) for k in keys]

    how = (f"the name ends in {path.suffix}" if path.suffix.lower() in JSON_LINES_SUFFIXES
           else "its first line is one whole JSON object and more lines follow")
    return RawSheet(path, "jsonl", None, [], encoding=encoding, encoding_evidence=evidence,
                    sheet_evidence=how, _rows_factory=read)


JSON_NESTING = 4      # levels of nested objects spread into dotted columns; deeper ones stay JSON text


def flat_record(record: dict) -> dict:
    """A JSON object with its nested objects spread into dotted keys, as API exports nest
    them (a Stripe charge's `billing_details: {name, email, address: {city}}` gives
    `billing_details.name`, `billing_details.address.city`): each is a column the import
    maps like any other. Lists, and objects nested deeper than JSON_NESTING, stay one
    cell (their JSON text); an empty object is an empty cell. A key met twice (a dotted
    key beside the object it spells) keeps the first value."""
    out: dict = {}

    def walk(obj: dict, prefix: str, depth: int) -> None:
        for k, v in obj.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict) and v and depth < JSON_NESTING:
                walk(v, key + ".", depth + 1)
            else:
                out.setdefault(key, None if v == {} else v)

    walk(record, "", 0)
    return out


def _json_cell(v):
    """A JSON value as a cell: null is empty, a nested value its JSON text."""
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        import json

        return json.dumps(v, ensure_ascii=False)
    return v


def _check_json_cells(path: Path, keys: list[str], records: int) -> None:
    """Every key of a JSON (Lines) file is a column: the workbook's limits hold (at most
    MAX_COLUMNS keys, CALAMINE_MAX_CELLS cells) before rows times columns are read."""
    limits.check_row_width(len(keys), 1, path.name)
    if len(keys) * records > limits.CALAMINE_MAX_CELLS:
        raise ImportRefused(f"{path.name}: its {records:,} records with {len(keys):,} different keys make "
                            f"more than {limits.CALAMINE_MAX_CELLS:,} cells, too many to read safely; "
                            "nothing was imported")


def _json_tables(doc) -> dict[str, list[dict]]:
    """{name: records} of a JSON document: a list of objects is one table ("records");
    an object's members that are lists of objects, or one object of plain values
    (the GDPR export's "customer"), are tables named by their keys."""
    def records(value) -> list[dict] | None:
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
        if isinstance(value, dict) and value and not any(isinstance(v, (dict, list)) for v in value.values()):
            return [value]
        return None

    if isinstance(doc, list):
        found = records(doc)
        return {"records": found} if found else {}
    out = {}
    for key, value in doc.items():
        found = records(value)
        if found:
            out[str(key)] = found
    if not out and records(doc):
        out["records"] = [doc]
    return out


def _json_sheet(path: Path, doc, sheet: str | int | None, encoding: str, evidence: str | None) -> RawSheet:
    """A JSON document's table as rows: the header is every key in the order first met,
    nested objects spread into dotted keys (`flat_record`), values as JSON gives them
    (text, numbers, true/false; null is an empty cell; a list is its JSON text)."""
    tables = _json_tables(doc)
    if not tables:
        raise ImportRefused(f"{path.name} is JSON but holds no list of records to import")
    names = list(tables)
    if sheet is not None and str(sheet) != "":
        chosen = _choose_sheet(None, path, names, names, sheet)
        how = "given with --sheet"
    else:
        chosen = names[0]
        how = "the first list of records"
    rows = [flat_record(r) for r in tables[chosen]]
    header: dict[str, None] = {}
    for r in rows:
        for k in r:
            header.setdefault(str(k), None)
    keys = list(header)
    _check_json_cells(path, keys, len(rows))

    def read() -> Iterator[tuple[int, list]]:
        yield 1, list(keys)
        for i, r in enumerate(rows, start=2):
            yield i, [_json_cell(r.get(k)) for k in keys]

    others = [n for n in names if n != chosen]
    sheet_evidence = how + ("; other lists: " + ", ".join(f"'{o}'" for o in others) if others else "")
    return RawSheet(path, "json", chosen if len(names) > 1 or chosen != "records" else None, names,
                    encoding=encoding, encoding_evidence=evidence, sheet_evidence=sheet_evidence,
                    _rows_factory=read)


# ----- tables drawn with | and ruled lines ------------------------------------------------
# SAP's list output, a Markdown table, a database console's result:
#   ------------------------------        |---|:---:|        +----+------+      id | name
#   | Order No | Customer | Amount |       | a |  b  |        | id | name |    ----+------
_PIPE_RULE = re.compile(r"^\s*[|+]?(?:[\s:]*[-=]{3,}[\s:]*[|+]?)+\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
# a ruled line with junctions between its runs of dashes (psql "----+----", Markdown "---|---")
_INNER_RULE = re.compile(r"^\s*:?[-=]{3,}:?(?:\s*[+|]\s*:?[-=]{3,}:?)+\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _pipe_table(text: str) -> str | None:
    """"outer" when the file's first lines are a table drawn with "|" between cells and at
    its ends and lines of dashes (SAP list output, Markdown, MySQL's console), "inner"
    when it has "|" only between cells and a ruled line whose junctions match them
    (psql, Markdown without outer pipes); None otherwise. Either needs at least two rows
    of one width, and most non-blank lines rows or rules (a title above is allowed)."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    rules = [ln for ln in lines if _PIPE_RULE.match(ln)]
    rows = [ln for ln in lines if _PIPE_ROW.match(ln) and ln.count("|") >= 3 and not _PIPE_RULE.match(ln)]
    if len(rows) >= 2 and len(rows) + len(rules) >= 0.6 * len(lines) \
            and len({len(_pipe_cells(ln, True)) for ln in rows}) == 1:
        return "outer"
    inner = [ln for ln in lines if _INNER_RULE.match(ln)]
    if not inner:
        return None
    joints = len(re.findall(r"[+|]", inner[0]))
    rows = [ln for ln in lines if not _PIPE_RULE.match(ln) and len(_UNESCAPED_PIPE.findall(ln)) == joints]
    if len(rows) >= 2 and len(rows) + len(rules) >= 0.6 * len(lines):
        return "inner"
    return None


def _pipe_cells(line: str, outer: bool) -> list[str]:
    """The cells of one drawn row ("| 1001 | Ann Lee |" -> ["1001", "Ann Lee"]), spaces
    around each taken off; Markdown's escaped "\\|" is a "|" inside a cell."""
    inner = line.strip()[1:-1] if outer else line.strip("\r\n")
    return [c.strip().replace("\\|", "|") for c in _UNESCAPED_PIPE.split(inner)]


def _pipe_sheet(path: Path, encoding: str, errors: str, evidence: str | None, how: str) -> RawSheet:
    """A drawn table (`_pipe_table`) as rows: each row line its cells; a ruled line, and
    any other line (a title, a page heading, psql's "(2 rows)": the drawing says which
    lines are rows), an empty row, so row numbers stay the file's lines."""
    outer = how == "outer"

    def rows() -> Iterator[tuple[int, list]]:
        with open(path, "r", encoding=encoding, errors=errors, newline="") as f:
            for n, line in enumerate(f, start=1):
                line = line.rstrip("\r\n")
                if n == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip() or _PIPE_RULE.match(line) or (not outer and _INNER_RULE.match(line)):
                    yield n, []
                elif (_PIPE_ROW.match(line) and line.count("|") >= 3) if outer else "|" in line:
                    cells = _pipe_cells(line, outer)
                    if len(cells) > MAX_COLUMNS:
                        check_row_width(len(cells), n, path.name)
                    yield n, cells
                else:
                    yield n, []

    return RawSheet(path, "csv", None, [], encoding=encoding, delimiter="|", encoding_evidence=evidence,
                    sheet_evidence="a table drawn with | between cells and ruled lines (SAP list output, "
                                   "Markdown, a database console): the ruled lines, and lines outside "
                                   "the drawn rows (a title, '(2 rows)'), are no rows",
                    _rows_factory=rows)


FIXED_LINES = 2_000        # lines of the sample weighed for fixed-width columns
_SEPARATORS = (",", ";", "\t", "|")


_WIDE_HALF = "\x00"        # the second display column of a wide character (display_columns)


def _wide(ch: str) -> bool:
    """A character that takes two columns on a terminal or in a fixed-width font: East
    Asian Width W or F (Unicode UAX #11): Chinese characters, kana, hangul, full-width forms."""
    return ch >= "\u1100" and unicodedata.east_asian_width(ch) in ("W", "F")


def display_columns(line: str) -> str:
    """The line as its display columns: each wide character followed by a placeholder,
    so that a position in the result is a column on the screen the file was aligned on."""
    if all(ch < "\u1100" for ch in line):
        return line
    return "".join(ch + _WIDE_HALF if _wide(ch) else ch for ch in line)


def _fixed_width(text: str, complete: bool) -> tuple[list[tuple[int, int]], bool] | None:
    """The columns of a fixed-width text file and whether they are counted in display
    columns (`_fixed_spans`). A file whose lines hold wide characters (Chinese, Japanese,
    Korean) was aligned either by display width (a Chinese character takes two columns,
    as a terminal, a fixed-width font, COBOL/AS-400 DBCS fields show it) or by characters
    (a program padding to a count of characters): decided on the whole sample, the cut
    that puts fewer gaps of two spaces or more inside a cell (two values cut into one
    column: "13812345678  上海" when ASCII rows and CJK rows line up only one way), then
    the one with more columns; on a tie, characters."""
    by_chars = _fixed_spans(text, complete)
    if not any(_wide(ch) for ch in text[:200_000] if ch >= "\u1100"):
        return (by_chars, False) if by_chars is not None else None
    shown = "\n".join(display_columns(ln) for ln in text.split("\n"))
    by_display = _fixed_spans(shown, complete)
    if by_display is None:
        return (by_chars, False) if by_chars is not None else None
    if by_chars is None:
        return by_display, True
    chars_key = (_gaps_inside(text, by_chars, complete), -len(by_chars))
    display_key = (_gaps_inside(shown, by_display, complete), -len(by_display))
    return (by_display, True) if display_key < chars_key else (by_chars, False)


_INNER_GAP = re.compile(r"\S {2,}\S")


def _gaps_inside(text: str, spans: list[tuple[int, int]], complete: bool) -> int:
    """The cells of the sample that hold a gap of two spaces or more between two
    values when cut at `spans`: a cut that joins two of the line's columns in one."""
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if not complete and len(lines) > 1:
        lines = lines[:-1]
    return sum(1 for ln in lines[:FIXED_LINES] if ln.strip()
               for a, b in spans if _INNER_GAP.search(ln[a:b].replace(_WIDE_HALF, "")))


def _fixed_spans(text: str, complete: bool) -> list[tuple[int, int]] | None:
    """Columns of a fixed-width text export (AS/400, bank and mainframe layouts: columns
    aligned by spaces, `CUSTNO  NAME    CITY`), as (start, end) character spans; None
    for any other text. Decided on the whole sample: the column boundaries are the
    positions blank in every line (as pandas.read_fwf infers them), and the header line
    (the first) must name every column, with two spaces or more between two of its
    names, and hold no comma, semicolon, tab or pipe; a file of one column is no table."""
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    if not complete and len(lines) > 1:
        lines = lines[:-1]               # the sample's last line may be cut short
    lines = [ln for ln in lines[:FIXED_LINES] if ln.strip()]
    if len(lines) < 2 or any(sep in lines[0] for sep in _SEPARATORS) or "  " not in lines[0].strip():
        return None
    if any(any(sep in ln for sep in ("\t",)) for ln in lines):
        return None
    width = max(len(ln) for ln in lines)
    used = [False] * width
    for ln in lines:
        for i, ch in enumerate(ln):
            if not ch.isspace():
                used[i] = True
    spans: list[list[int]] = []
    for i, u in enumerate(used):
        if u and (i == 0 or not used[i - 1]):
            spans.append([i, i + 1])
        elif u:
            spans[-1][1] = i + 1
    header = lines[0]
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and not header[a:b].strip():
            merged[-1][1] = b            # a part with no heading belongs to the column before it
        else:
            merged.append([a, b])
    if len(merged) < 2 or not header[merged[0][0]:merged[0][1]].strip():
        return None
    # every data line fills the columns as a record does: not prose wrapped in one column
    if sum(1 for ln in lines[1:] if sum(1 for a, b in merged if ln[a:b].strip()) >= 2) < max(1, (len(lines) - 1) // 2):
        return None
    return [(a, b) for a, b in merged]


def _fixed_sheet(path: Path, encoding: str, errors: str, evidence: str | None,
                 spans: list[tuple[int, int]], display: bool = False) -> RawSheet:
    """A fixed-width text file (`_fixed_width`) as rows: each line cut at the columns'
    spans (in display columns when `display`); a line with text where every other line
    is blank (past the sample the boundaries came from) stops the import, as the columns
    were misread."""
    gaps = [(spans[i][1], spans[i + 1][0]) for i in range(len(spans) - 1)]

    def rows() -> Iterator[tuple[int, list]]:
        with open(path, "r", encoding=encoding, errors=errors, newline="") as f:
            for n, line in enumerate(f, start=1):
                line = line.rstrip("\r\n")
                if n == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    yield n, []
                    continue
                if display:
                    line = display_columns(line)
                if any(line[a:b].strip() for a, b in gaps) or len(line) > spans[-1][1] and line[spans[-1][1]:].strip():
                    raise ImportRefused(
                        f"{path.name} line {n}: text between the fixed-width columns found from the lines "
                        "before it (positions blank in every other line). Nothing was imported. Open the file "
                        "in Excel (Data > From Text, Fixed width) or LibreOffice, set the column breaks and save "
                        "it as .xlsx or .csv")
                yield n, [line[a:b].replace(_WIDE_HALF, "").strip() for a, b in spans]

    return RawSheet(path, "csv", None, [], encoding=encoding, delimiter=None, encoding_evidence=evidence,
                    sheet_evidence="fixed-width text: columns aligned by spaces, cut at the positions blank in "
                                   "every line (" + ", ".join(f"{a + 1}–{b}" for a, b in spans) + ")"
                                   + ("; counted in display columns, a Chinese, Japanese or Korean character "
                                      "taking two (the lines' blank gaps line up so, not by characters)"
                                      if display else ""),
                    _rows_factory=rows)


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for cand in (",", ";", "\t", "|"):
        counts = []
        try:
            for row in csv.reader(io.StringIO("\n".join(lines[:30])), delimiter=cand):
                counts.append(len(row))
        except csv.Error:
            continue
        if not counts:
            continue
        score = _table_below_preamble(counts)
        header = counts[0]
        if header > 1:
            consistent = sum(1 for c in counts if c == header) / len(counts)
            score = max(score, consistent * 10 + min(header, 50) / 50)
        if score > best_score:
            best, best_score = cand, score
    return best


def _table_below_preamble(counts: list[int]) -> float:
    """The score of a table that starts below title lines (a bank statement's
    "Kontoauszug", "Konto: DE89…", a blank line, then "Datum;Kunde;…"): its width is the
    one most lines have (two or more fields, on two lines or more), and it is weighed by
    how many of the lines from its first one have it and by the share of the file it
    covers, so a separator met on a few lines never outweighs one every row has. -1 when
    no such width."""
    widths = Counter(c for c in counts if c > 1)
    if not widths:
        return -1.0
    width, seen = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
    if seen < 2:
        return -1.0
    start = counts.index(width)
    below = counts[start:]
    consistent = sum(1 for c in below if c == width) / len(below)
    return consistent * len(below) / len(counts) * 10 + min(width, 50) / 50


if sys.version_info < (3, 11):  # pragma: no cover
    raise ImportError("cims_xl needs Python 3.11 or later")
