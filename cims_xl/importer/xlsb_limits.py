"""Bounds an .xlsb (Excel binary workbook) must keep before python-calamine opens it.

The .xlsb twin of `limits.calamine_safe` and `xls_limits.check_xls`: calamine allocates
a sheet's whole used range (the rectangle between the smallest and largest row and
column that hold a cell), so a few hundred bytes with one cell at XFD1048576 abort the
process. Each worksheet part is walked once ([MS-XLSB] 2.1.4 records: a 1-2 byte type
and a 1-4 byte size, 7 bits each), reading the rows of BrtRowHdr (2.4.726) and the
columns of the cell records calamine reads (BrtCellBlank … BrtFmlaError, types 1-11;
2.5.9 Cell starts with the column), and the text they expand to (BrtCellSt, BrtFmlaString
inline; BrtCellIsst by the lengths of the shared strings' BrtSSTItem records, 2.4.737).

Raises ImportRefused (the same one-line refusals as for .xlsx) for a used range over
`CALAMINE_MAX_CELLS`, text over `MAX_TEXT_TOTAL`, a cell outside Excel's grid, a part
over its size bound, or records that run past their part. Linear in the file.
"""

from __future__ import annotations

import array
import struct
import zipfile
from pathlib import Path

from . import limits
from .errors import ImportRefused
from .limits import _damaged, check_part_size, check_row_number, text_too_big

MAX_SHEET_PART = limits.CALAMINE_MAX_SST     # a worksheet part calamine may load whole
ROW_HEADER, CELL_FIRST, CELL_LAST = 0, 1, 11
CELL_ST, CELL_ISST, FMLA_STRING = 6, 7, 8
SST_ITEM = 19
_U32 = struct.Struct("<I")


def check_xlsb(path: Path) -> None:
    """Refuse an .xlsb calamine could not open within the memory budget (see above)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            infos = {i.filename.lower(): i for i in z.infolist()}
            sst = infos.get("xl/sharedstrings.bin")
            lengths = array.array("I")
            if sst is not None:
                check_part_size(sst, name, limits.CALAMINE_MAX_SST)
                lengths = _sst_lengths(_read(z, sst, name), name)
            cells_total = text_total = 0
            for part, info in sorted(infos.items()):
                if not (part.startswith("xl/worksheets/") and part.endswith(".bin")):
                    continue
                check_part_size(info, name, MAX_SHEET_PART)
                cells, text = _walk_sheet(_read(z, info, name), lengths, name)
                cells_total += cells
                text_total += text
                if cells_total > limits.CALAMINE_MAX_CELLS:
                    raise ImportRefused(f"{name}: its sheets' cells spread over {cells_total:,} cells (up to "
                                        f"{info.filename}), more than can be read safely; nothing was imported. "
                                        "Open it in Excel and save it as .xlsx or .csv, then import that")
                if text_total > limits.MAX_TEXT_TOTAL:
                    raise text_too_big(name, text_total, " refer to long texts that")
    except zipfile.BadZipFile:
        raise ImportRefused(f"{name} looks like a zip/xlsb file but is damaged") from None


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> memoryview:
    try:
        return memoryview(z.read(info))        # the declared size was bounded by the caller
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _damaged(name, f"its part {info.filename} cannot be unpacked ({exc})") from None


def _records(data: memoryview, name: str):
    """(type, payload offset, payload length) of each record ([MS-XLSB] 2.1.4)."""
    pos, end = 0, len(data)
    while pos < end:
        typ = data[pos]
        pos += 1
        if typ & 0x80:
            if pos >= end:
                raise _damaged(name, "a record's type runs past the end of its part")
            typ = (typ & 0x7F) | (data[pos] & 0x7F) << 7
            pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                raise _damaged(name, "a record's size runs past the end of its part")
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if pos + size > end:
            raise _damaged(name, f"a record claims {size:,} bytes past the end of its part")
        yield typ, pos, size
        pos += size


def _sst_lengths(data: memoryview, name: str) -> array.array:
    """Characters of each shared string (BrtSSTItem: RichStr = flags byte + XLWideString)."""
    lengths = array.array("I")
    for typ, off, size in _records(data, name):
        if typ == SST_ITEM:
            lengths.append(_U32.unpack_from(data, off + 1)[0] if size >= 5 else 0)
    return lengths


def _walk_sheet(data: memoryview, lengths: array.array, name: str) -> tuple[int, int]:
    """(cells in the used range calamine would allocate, characters of text) of one sheet."""
    row = -1
    min_r = min_c = 1 << 32
    max_r = max_c = -1
    text = 0
    count = len(lengths)
    unpack = _U32.unpack_from
    for typ, off, size in _records(data, name):
        if typ == ROW_HEADER:
            if size >= 4:
                row = unpack(data, off)[0]
                check_row_number(row + 1, name)
            continue
        if not CELL_FIRST <= typ <= CELL_LAST or size < 4:
            continue
        col = unpack(data, off)[0]
        if col >= limits.MAX_COLUMNS:
            raise _damaged(name, f"a cell is in column {col + 1:,}, beyond the last column "
                                 f"{limits.LAST_COLUMN}")
        r = max(row, 0)
        min_r, max_r = min(min_r, r), max(max_r, r)
        min_c, max_c = min(min_c, col), max(max_c, col)
        if typ in (CELL_ST, FMLA_STRING) and size >= 12:
            text += unpack(data, off + 8)[0]
        elif typ == CELL_ISST and size >= 12:
            index = unpack(data, off + 8)[0]
            if index < count:
                text += lengths[index]
    cells = 0 if max_r < 0 else (max_r - min_r + 1) * (max_c - min_c + 1)
    return cells, text
