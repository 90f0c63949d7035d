"""Bounds a file must keep before any reader allocates memory for it.

A spreadsheet is a zip of XML, so a file of a few KB can claim a sheet of 16,384 ×
1,048,576 cells or hold a 1 GB string. python-calamine allocates the whole used range
of a sheet (and every shared string) up front, so a hostile file aborts the process
before Python sees an error. The importer therefore looks at the XML itself first, a
block at a time (memory flat, time proportional to the file):

- every cell reference must lie inside Excel's grid (columns A to XFD, rows 1 to
  1,048,576; ECMA-376 Part 1, 18.3.1.4 and Excel's specifications and limits);
- a sheet goes to calamine only when the cells it would allocate (the used range,
  and the range the sheet's <dimension> claims) stay within `CALAMINE_MAX_CELLS`, its
  shared strings within `CALAMINE_MAX_SST` bytes and every cell has a reference;
  otherwise the streaming reader (`xlsx_stream`) reads it, which keeps only one row;
- one row's XML, one shared string's XML and one row's width are bounded
  (`MAX_ROW_XML`, `MAX_STRING_XML`, `MAX_COLUMNS`), for every reader, CSV included;
- the TOTAL text a sheet expands to is bounded (`MAX_TEXT_TOTAL` characters): a file
  of a few KB can make one long text count thousands of times (a shared string that
  3,000 cells refer to; an .ods cell with number-rows-repeated and
  number-columns-repeated), and every reader, and calamine before Python sees
  anything, makes one copy per cell. For .xlsx the references × shared-string lengths
  and for .ods the repeat counts × text lengths are summed from the XML before calamine
  opens the file (`shared_text_total`, `check_ods`); every reader's rows are counted as
  they are read as well (`TextBudget`), which covers the streaming reader and CSV.

A single cell longer than any field accepts (`domain.models.MAX_TEXT`, 32,000
characters) is neither cut nor refused here: it counts with its full length, and the
row is rejected by the ordinary length check with its true length. Cutting would
change a value silently (and cannot happen before calamine copies it anyway);
refusing the whole file for one pasted e-mail thread would lose the good rows. What
bounds memory is the total, so that is what is refused.

Together these keep an import of any file under about 1 GB of memory. Everything here
raises ImportRefused (one line, nothing imported) or returns a plain verdict.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import ImportRefused

MAX_ROWS = 1_048_576            # Excel's grid
MAX_COLUMNS = 16_384            # column XFD
LAST_COLUMN = "XFD"
# calamine keeps a sheet as one array of cells (32 bytes each) over its used range.
CALAMINE_MAX_CELLS = 8_000_000
CALAMINE_MAX_SST = 64 * 1024 * 1024      # shared-strings XML calamine may load whole
MAX_PART_XML = 32 * 1024 * 1024          # workbook.xml, its relationships, styles.xml
# Excel holds at most 32,767 characters in a cell: a shared string's XML (with rich
# text runs and phonetic hints) stays well below this.
MAX_STRING_XML = 4 * 1024 * 1024
MAX_ROW_XML = 32 * 1024 * 1024           # one <row>…</row>
MAX_MERGED_CELLS = 2_000_000             # cells of merged ranges below the header, all together
# The streaming reader keeps an 8-byte offset per shared string (the strings wait on disk).
MAX_SHARED_STRINGS = 40_000_000
BLOCK = 1 << 20
# Characters of text a sheet may expand to, every copy counted (calamine's and then
# Python's copy of each cell; the streaming reader keeps 2,000 rows for a second
# pass): about 250 MB each for Western text, which keeps the import within a 1 GB
# memory budget. A million rows of ten ordinary fields are about 100 million.
MAX_TEXT_TOTAL = 250_000_000

# Literal prefixes keep these fast; a reference they miss (odd whitespace) makes the
# count of references fall short of the count of cells, and the sheet is streamed.
_COLUMNS = re.compile(rb' r="([A-Za-z]+)')
_CELL_ROWS = re.compile(rb' r="[A-Za-z]+(\d+)"')
_ROW_REF = re.compile(rb' r="(\d+)"')
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref="\$?([A-Za-z]+)\$?(\d+)(?::\$?([A-Za-z]+)\$?(\d+))?"')


def _damaged(name: str, what: str) -> ImportRefused:
    return ImportRefused(f"{name}: {what}; the file is damaged or was not made by a spreadsheet program. "
                         "Nothing was imported; open it in Excel and save it again, or export it as .csv")


def column_number(letters: bytes | str, name: str) -> int:
    """1-based column number of column letters ("A" -> 1, "XFD" -> 16384).

    Raises ImportRefused for a column beyond XFD (the grid's last column), without
    computing huge numbers for references of many letters.
    """
    raw = letters.encode("ascii", "replace") if isinstance(letters, str) else bytes(letters)
    if len(raw) > 3:
        shown = raw[:12].decode("ascii", "replace") + ("…" if len(raw) > 12 else "")
        raise _damaged(name, f"a cell is in column {shown}, beyond the last column {LAST_COLUMN}")
    n = 0
    for ch in raw.upper():
        n = n * 26 + ch - 64
    if n > MAX_COLUMNS or n < 1:
        raise _damaged(name, f"a cell is in column {raw.decode('ascii', 'replace')}, beyond the last "
                             f"column {LAST_COLUMN}")
    return n


def check_row_number(number: int, name: str) -> None:
    if not 1 <= number <= MAX_ROWS:
        raise _damaged(name, f"a cell is in row {number:,}, beyond the last row {MAX_ROWS:,}")


def check_row_width(width: int, row: int, name: str) -> None:
    """A row may hold at most MAX_COLUMNS values (a CSV line too)."""
    if width > MAX_COLUMNS:
        raise ImportRefused(f"{name}: row {row:,} has {width:,} columns; a sheet has at most {MAX_COLUMNS:,}. "
                            "Nothing was imported; check the delimiter, or split the file")


def text_too_big(name: str, total: int, how: str = "") -> ImportRefused:
    """The one-line refusal for a sheet whose cells expand to more text than the budget
    (`total`: the characters counted when the budget was passed, for the caller's use)."""
    return ImportRefused(f"{name}: its cells{how} expand to more than {MAX_TEXT_TOTAL / 1e6:,.0f} million "
                         "characters of text, too much to read safely; nothing was imported. Check the long "
                         "texts in it, or split the file")


class TextBudget:
    """Counts the characters of text a reader yields and refuses past `MAX_TEXT_TOTAL`.

    `add(values)` takes one row's values (str, numbers, dates) and raises ImportRefused
    (from `text_too_big`) once the running total of the strings' lengths is over the
    budget. Linear in the row."""

    def __init__(self, name: str, limit: int | None = None) -> None:
        self.name = name
        self.limit = MAX_TEXT_TOTAL if limit is None else limit
        self.total = 0

    def add(self, values) -> None:
        n = 0
        for v in values:
            if v.__class__ is str:
                n += len(v)
        self.total += n
        if self.total > self.limit:
            raise text_too_big(self.name, self.total)


def too_long(name: str, what: str, limit: int) -> ImportRefused:
    return _damaged(name, f"{what} is longer than {limit // (1024 * 1024)} MB of XML without an end")


def too_many_strings(name: str) -> ImportRefused:
    return ImportRefused(f"{name} holds more than {MAX_SHARED_STRINGS:,} different texts, more than can be "
                         "read safely; nothing was imported. Split it, or save it as .csv")


def check_part_size(info: zipfile.ZipInfo, name: str, limit: int = MAX_PART_XML) -> None:
    """Refuse a zip part (as its header declares it) bigger than `limit` before reading it.

    Python's zipfile never returns more than the declared size (and fails the CRC if
    the data goes on), so the declared size bounds what is read.
    """
    if info.file_size > limit:
        raise _damaged(name, f"its part {info.filename} unpacks to {info.file_size / 2**20:,.0f} MB")


@dataclass
class SheetExtent:
    """What calamine would allocate for one sheet's XML, found without allocating it."""

    cells: int            # cells in the used range (and in the range <dimension> claims)
    unreferenced: bool    # some cell has no r="…" (calamine then places it itself)

    @property
    def calamine_safe(self) -> bool:
        return self.cells <= CALAMINE_MAX_CELLS and not self.unreferenced


def scan_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> SheetExtent:
    """Every cell reference of one sheet's XML, a block at a time.

    Raises ImportRefused for a reference outside the grid (a 7-letter column, row
    2,000,000). Reading through the part also checks its size and CRC.
    """
    min_r = min_c = MAX_ROWS + 1
    max_r = max_c = 0
    tags = refs = 0
    dim_cells = 0
    tail = b""
    try:
        with z.open(info) as f:
            first = True
            while True:
                block = f.read(BLOCK)
                data = tail + block
                # Cut after the last '>': no tag (and so no reference) is split between
                # two rounds, and nothing is counted twice.
                cut = len(data) if not block else data.rfind(b">") + 1
                chunk, tail = data[:cut], data[cut:]
                if len(tail) > MAX_ROW_XML:
                    raise too_long(name, "a tag", MAX_ROW_XML)
                if first and chunk:
                    dim_cells = _dimension_cells(chunk, name)
                    first = False
                read = _references(chunk)
                if read is None:          # anything unusual: the regular expressions
                    read = _references_by_regex(chunk, name)
                n, cols, found_rows = read
                refs += n
                if cols is not None:
                    max_c, min_c = max(max_c, cols[1]), min(min_c, cols[0])
                for found in found_rows:
                    if found is not None:
                        max_r, min_r = max(max_r, found[1]), min(min_r, found[0])
                        check_row_number(max_r, name)
                        check_row_number(min_r, name)
                if b":c" in chunk:      # a namespace prefix on cells: the slower, exact count
                    tags += len(_CELL_TAG.findall(chunk))
                else:
                    tags += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
                if not block:
                    break
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _damaged(name, f"its sheet {info.filename} cannot be unpacked ({exc})") from None
    used = 0 if max_r == 0 or max_c == 0 else (max_r - min_r + 1) * (max_c - min_c + 1)
    return SheetExtent(max(used, dim_cells), unreferenced=tags > refs)


_References = tuple[int, "tuple[int, int] | None", "tuple[tuple[int, int] | None, tuple[int, int] | None]"]


def _references_by_regex(chunk: bytes, name: str) -> _References:
    """(references with a column, (first, last) column, ((first, last) row of the cells'
    references, (first, last) of the rows' own)) of one block of sheet XML, by the
    regular expressions; ImportRefused for a column beyond the grid."""
    columns = _COLUMNS.findall(chunk)
    cols = None
    for col in set(columns):
        c = column_number(col, name)
        cols = (c, c) if cols is None else (min(cols[0], c), max(cols[1], c))
    found_rows = []
    for found in (_CELL_ROWS.findall(chunk), _ROW_REF.findall(chunk)):
        # each row's number is written once per cell: read each text once
        rows = list(map(int, set(found)))
        found_rows.append((min(rows), max(rows)) if rows else None)
    return len(columns), cols, (found_rows[0], found_rows[1])


_LONGEST_REF = 10                # 3 letters (XFD) and 7 digits (1048576)


def _references(chunk: bytes) -> _References | None:
    """`_references_by_regex`'s answer computed on all references at once (numpy), or
    None when a value after ' r="' is anything but letters then digits then '"' within
    `_LONGEST_REF` characters, or a column is beyond the grid: the regular expressions
    then read the block (and raise what they raise)."""
    import numpy as np

    size = len(chunk)
    if size < 4:
        return 0, None, (None, None)
    data = np.frombuffer(chunk + bytes(_LONGEST_REF + 8), dtype=np.uint8)
    # where ' r="' begins, at each of the four byte offsets of 32-bit words (any order)
    mark = np.frombuffer(b' r="', dtype=np.uint32)[0]
    found = []
    for offset in range(4):
        words = (size - offset) // 4
        hits = np.flatnonzero(data[offset:offset + 4 * words].view(np.uint32) == mark)
        found.append(hits * 4 + offset + 4)
    at = np.concatenate(found)                        # where each value begins
    if not len(at):
        return 0, None, (None, None)
    cells = [data[at + k] for k in range(_LONGEST_REF + 1)]
    length = np.full(len(at), _LONGEST_REF + 1, dtype=np.int64)
    for k in range(_LONGEST_REF, -1, -1):             # the value ends at its first '"'
        length[cells[k] == 0x22] = k
    if int(length.max()) > _LONGEST_REF:
        return None
    # letters (a-z as A-Z), then digits: small integers, one array per place of the value
    letter = [((c & 0xDF) - 0x41) < 26 for c in cells[:4]]      # uint8 arithmetic wraps below 0
    digit = [c - 0x30 for c in cells[:_LONGEST_REF]]
    length = length.astype(np.int8)
    letters = np.zeros(len(at), dtype=np.int8)
    leading = np.ones(len(at), dtype=bool)
    for k in range(4):
        leading &= letter[k] & (k < length)
        letters += leading
    if int(letters.max()) > 3:
        return None
    number = np.zeros(len(at), dtype=np.int32)
    bad = np.zeros(len(at), dtype=bool)
    for k in range(_LONGEST_REF):
        inside = (letters <= k) & (length > k)
        bad |= inside & (digit[k] > 9)
        number = np.where(inside, number * 10 + digit[k], number)
    if bad.any():                                     # not letters then digits
        return None
    digits = length - letters
    if int(digits.max()) > 7:
        return None
    lettered = letters > 0
    refs = int(np.count_nonzero(lettered))
    cols = None
    if refs:
        col = np.zeros(len(at), dtype=np.int32)
        for k in range(3):
            col = np.where(letters > k, col * 26 + ((cells[k] & 0xDF) - 0x40), col)
        col = col[lettered]
        cols = (int(col.min()), int(col.max()))
        if cols[0] < 1 or cols[1] > MAX_COLUMNS:
            return None
    found_rows = []
    for which in (lettered & (digits > 0), ~lettered & (digits > 0)):
        rows = number[which]
        found_rows.append((int(rows.min()), int(rows.max())) if len(rows) else None)
    return refs, cols, (found_rows[0], found_rows[1])


def _dimension_cells(head: bytes, name: str) -> int:
    """Cells in the range the sheet's <dimension ref="A1:D20"> claims (0 without one)."""
    m = _DIMENSION.search(head)
    if not m:
        return 0
    c1, r1 = column_number(m.group(1), name), int(m.group(2))
    c2 = column_number(m.group(3), name) if m.group(3) else c1
    r2 = int(m.group(4)) if m.group(4) else r1
    check_row_number(max(r1, r2), name)
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def read_through(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> int:
    """Unpack a part without keeping it (checks size and CRC); returns its size."""
    size = 0
    try:
        with z.open(info) as f:
            while True:
                block = f.read(BLOCK)
                if not block:
                    return size
                size += len(block)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _damaged(name, f"its part {info.filename} cannot be unpacked ({exc})") from None


_MAIN_NS = ("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
            "{http://purl.oclc.org/ooxml/spreadsheetml/main}")      # transitional, Strict


def _longest_shared_string(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> tuple[int, int]:
    """(bytes the shared-strings part unpacks to, bytes of XML of its longest <si>):
    the second bounds the characters of any one shared string. A block at a time, at
    the speed of bytes.split (checks size and CRC as `read_through`)."""
    size = longest = 0
    tail = b""
    try:
        with z.open(info) as f:
            while True:
                block = f.read(BLOCK)
                size += len(block)
                pieces = (tail + block).split(b"<si")
                if block:
                    tail = pieces.pop()            # may go on in the next block
                    if len(tail) > MAX_STRING_XML:
                        raise too_long(name, "a shared string", MAX_STRING_XML)
                if pieces:
                    longest = max(longest, max(map(len, pieces)))
                if not block:
                    return size, longest
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _damaged(name, f"its part {info.filename} cannot be unpacked ({exc})") from None


def shared_string_lengths(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str):
    """Characters of each shared string (<si>, ECMA-376 Part 1, 18.4.8), in order, as
    an array('I'); phonetic runs are counted too (an upper bound). Read with lxml's
    iterparse, one string at a time; the part's size is bounded by the caller."""
    import array

    from lxml import etree

    lengths = array.array("I")
    tags = tuple(ns + "si" for ns in _MAIN_NS)
    try:
        with z.open(info) as f:
            for _event, el in etree.iterparse(f, events=("end",), tag=tags, resolve_entities=False,
                                              no_network=True, huge_tree=True):
                lengths.append(sum(len(t) for t in el.itertext()))
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except (zipfile.BadZipFile, EOFError, OSError, etree.XMLSyntaxError) as exc:
        raise _damaged(name, f"its shared strings cannot be read ({str(exc)[:120]})") from None
    return lengths


def shared_text_total(z: zipfile.ZipFile, info: zipfile.ZipInfo, lengths, name: str,
                      limit: int | None = None) -> int:
    """Characters of text one sheet's cells expand to: for every cell of type "s" the
    length of the shared string its <v> index names, plus the inline strings (<is>).
    Raises ImportRefused (`text_too_big`) as soon as the total passes `limit`
    (`MAX_TEXT_TOTAL`), so a few KB that refer to one 1 MB string 3,000 times are
    refused before calamine copies it 3,000 times. lxml's iterparse, one cell at a time."""
    from lxml import etree

    limit = MAX_TEXT_TOTAL if limit is None else limit
    cells = tuple(ns + "c" for ns in _MAIN_NS)
    total = 0
    count = len(lengths)
    try:
        with z.open(info) as f:
            for _event, el in etree.iterparse(f, events=("end",), tag=cells, resolve_entities=False,
                                              no_network=True, huge_tree=True):
                kind = el.get("t")
                if kind == "s":
                    for child in el:
                        if child.tag.endswith("}v"):
                            try:
                                index = int((child.text or "").strip())
                            except ValueError:
                                index = -1
                            if 0 <= index < count:
                                total += lengths[index]
                elif kind == "inlineStr":
                    total += sum(len(t) for t in el.itertext())
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
                if total > limit:
                    raise text_too_big(name, total, " refer to long shared texts that")
    except (zipfile.BadZipFile, EOFError, OSError, etree.XMLSyntaxError) as exc:
        raise _damaged(name, f"its sheet {info.filename} cannot be read ({str(exc)[:120]})") from None
    return total


def calamine_safe(path: Path, on_parts_checked: Callable[[], None] | None = None) -> bool:
    """May python-calamine open this .xlsx (every sheet, the shared strings) within the
    memory budget? False: read it with the streaming reader. Raises ImportRefused for
    what no reader should try (cells outside the grid, giant workbook parts).

    `on_parts_checked()` is called once the parts calamine reads when it opens a file
    (workbook, relationships, styles, shared strings) have passed, before the sheets are
    scanned: opening the workbook may start then (calamine reads no sheet until one is
    asked for), while the sheets are checked."""
    from .xlsx_stream import sheet_parts

    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            infos = {i.filename.lower(): i for i in z.infolist()}
            for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
                if part in infos:
                    check_part_size(infos[part], name)
                    read_through(z, infos[part], name)
            sst = infos.get("xl/sharedstrings.xml")
            longest = 0
            if sst is not None:
                if sst.file_size > CALAMINE_MAX_SST:
                    return False
                size, longest = _longest_shared_string(z, sst, name)
                if size > CALAMINE_MAX_SST:
                    return False
            if on_parts_checked is not None:
                on_parts_checked()
            safe = True
            lengths = None
            for _sheet, info in sheet_parts(path):
                if info is None:
                    continue
                if info.file_size > CALAMINE_MAX_SST:
                    safe = False     # streamed anyway; its rows are checked as they are read
                    continue
                extent = scan_sheet(z, info, name)
                if not extent.calamine_safe:
                    safe = False
                    continue
                # calamine makes one copy of a shared string per cell that names it:
                # count them exactly when the cells times the longest string could
                # reach the budget (an ordinary list stays far below it).
                if extent.cells * longest > MAX_TEXT_TOTAL:
                    if lengths is None:
                        lengths = shared_string_lengths(z, sst, name)
                    shared_text_total(z, info, lengths, name)
            return safe
    except zipfile.BadZipFile:
        raise ImportRefused(f"{name} looks like a zip/xlsx file but is damaged") from None


ODS_MAX_CONTENT = 256 * 1024 * 1024      # content.xml of an .ods (every sheet's cells)
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _count(text: str | None) -> int:
    """A repeat count attribute (1 when absent or not a number)."""
    try:
        return max(1, int(text or 1))
    except ValueError:
        return 1


def check_ods(path: Path) -> None:
    """Refuse an .ods whose repeated rows and cells (table:number-rows-repeated,
    table:number-columns-repeated; ODF 1.2 Part 1, 9.1.3 and 9.1.4) expand to more
    cells with values than calamine may allocate, or whose texts, each counted as often
    as it is repeated, pass `MAX_TEXT_TOTAL` characters. Empty repeats (LibreOffice ends every
    sheet with a million empty rows) cost nothing and are not counted. Read with lxml's
    iterparse, one row at a time, entities not resolved."""
    from lxml import etree

    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("content.xml")
            if info.file_size > ODS_MAX_CONTENT:
                raise ImportRefused(f"{name} is too large to read as .ods ({info.file_size / 2**20:,.0f} MB of "
                                    "XML); open it and save it as .xlsx or .csv")
            text = 0                   # characters the cells with text expand to, all sheets
            with z.open(info) as f:
                rows = width = 0       # extent of the current sheet's cells with values
                row_at = 0
                for event, el in etree.iterparse(f, events=("end",), resolve_entities=False,
                                                 no_network=True, huge_tree=False):
                    if el.tag == _ODS_TABLE + "table-row":
                        repeat = int(el.get(_ODS_TABLE + "number-rows-repeated", "1") or 1)
                        col = last = 0
                        for cell in el:
                            n = int(cell.get(_ODS_TABLE + "number-columns-repeated", "1") or 1)
                            col += n
                            if cell.get(_ODS_OFFICE + "value-type") or len(cell) or (cell.text or "").strip():
                                last = col
                                chars = sum(len(t) for t in cell.itertext()) + len(
                                    cell.get(_ODS_OFFICE + "string-value") or "")
                                for space in cell.iter(_ODS_TEXT + "s"):   # <text:s text:c="n"/>: n spaces
                                    chars += _count(space.get(_ODS_TEXT + "c"))
                                text += chars * n * repeat
                        if text > MAX_TEXT_TOTAL:
                            raise text_too_big(name, text, " (repeated with number-rows-repeated and "
                                                           "number-columns-repeated)")
                        if last:
                            width = max(width, last)
                            rows = row_at + repeat
                        row_at += repeat
                        if rows * width > CALAMINE_MAX_CELLS or width > MAX_COLUMNS:
                            raise ImportRefused(
                                f"{name}: a sheet's repeated cells expand to {rows:,} rows × {width:,} columns, "
                                "more than can be read safely; nothing was imported. Open it, delete the "
                                "repeated cells, and save it again (or as .csv)")
                        el.clear()
                    elif el.tag == _ODS_TABLE + "table":
                        rows = width = row_at = 0
                        el.clear()
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError) as exc:
        raise ImportRefused(f"{name} could not be read as an .ods spreadsheet ({str(exc)[:120]}); "
                            "open it and save it as .xlsx or .csv") from None
