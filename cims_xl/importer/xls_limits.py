"""Bounds a legacy Excel 97-2003 .xls must keep before python-calamine opens it.

An .xls is a BIFF8 record stream (the "Workbook" stream; "Book" for Excel 5/95) in
an OLE2 compound file ([MS-CFB]). python-calamine parses EVERY sheet as soon as it
opens the file, and for each sheet allocates:

- a vector of the size the sheet's DIMENSIONS record claims (rows × columns, with
  32-bit row numbers: up to 4 billion rows);
- then one array of cells (about 32 bytes each) over the used range, from the
  smallest to the largest row and column of any cell record (16-bit indexes: a cell
  at A1 and one at row 65,536, column 65,536 make 4.3 billion cells, 137 GB);
- one copy of a shared string (SST) per LABELSST cell that names it;
- a vector of the size the SST record's count of strings claims.

A few KB can therefore make it allocate tens of GB, and the process is killed
before Python sees an error. `check_xls` reads the container with olefile (the
standard Python reader of compound files) and walks the BIFF records itself, one
record at a time, in time linear in the stream and with memory for one record and
one 4-byte length per shared string ([MS-XLS] 2.1.4 records, 2.4 record types):

- the container must not claim streams or tables larger than the file;
- every sheet's used range and its DIMENSIONS claim stay within
  `limits.CALAMINE_MAX_CELLS`, and so do all sheets together (calamine holds them
  all at once);
- the text the cells expand to (each LABELSST reference counted with its shared
  string's length, plus LABEL, RSTRING and formula STRING texts) stays within
  `limits.MAX_TEXT_TOTAL` characters, all sheets together;
- records must lie inside the stream, the SST must hold the strings it claims, a
  sheet must start inside the stream, and the workbook records calamine reads
  without checking must be as long as their fields (calamine panics on such files;
  readers turns any other panic into the same "damaged" refusal).

BLANK and MULBLANK records (formatted empty cells) are not counted: calamine keeps
no cell for them, so they allocate nothing. A FILEPASS record means the workbook is
encrypted: refused with the "protected with a password" message.

Everything here raises ImportRefused (one line, nothing imported) or returns None.
"""

from __future__ import annotations

import array
import struct
from pathlib import Path

from . import limits
from .errors import ImportRefused
from .limits import _damaged, text_too_big

# The Workbook stream an import may load whole (olefile reads a stream into memory,
# and calamine does too): an .xls holds at most 65,536 rows × 256 columns per sheet,
# so an honest one this big is already too large for calamine.
MAX_STREAM = 256 * 1024 * 1024

BOF, EOF, CONTINUE = 0x0809, 0x000A, 0x003C
FILEPASS, BOUNDSHEET, SST = 0x002F, 0x0085, 0x00FC
DIMENSIONS, MERGECELLS = 0x0200, 0x00E5
NUMBER, LABEL, BOOLERR, RK, LABELSST = 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD
RSTRING, MULRK, FORMULA, STRING = 0x00D6, 0x00BD, 0x0006, 0x0207
# Globals records calamine reads fields of without checking their length (it panics
# on shorter ones): the bytes each needs at least. LBL (2.4.150) also needs its
# formula (cce bytes) after the 14-byte header.
LBL = 0x0018
_GLOBAL_MIN_LENGTH = {BOF: 2, 0x0042: 2, 0x0022: 2, 0x0017: 2, LBL: 14, 0x041E: 2}
# Cell records whose first two fields are the cell's row and column (2.5.170 Cell).
_POSITIONED = frozenset({NUMBER, LABEL, BOOLERR, RK, RSTRING, FORMULA})

_HEADER = struct.Struct("<HH")
_U32 = struct.Struct("<I")


def password_refusal(name: str) -> ImportRefused:
    return ImportRefused(f"{name} is protected with a password; open it in Excel, "
                         "remove the password and save it again")


def _too_big(name: str, what: str) -> ImportRefused:
    return ImportRefused(f"{name}: {what}, more than can be read safely; nothing was imported. "
                         "Open it in Excel or LibreOffice and save it as .xlsx or .csv, then import that")


def check_xls(path: Path) -> None:
    """Refuse an .xls (OLE2 compound file) that would make calamine allocate more than
    the memory budget, or that is damaged in a way calamine does not survive.

    Raises ImportRefused: for an encrypted workbook (FILEPASS record, or an encrypted
    .xlsx in a compound file), for a sheet or workbook whose used range (or DIMENSIONS
    claim) passes `CALAMINE_MAX_CELLS` cells, for cells whose text passes
    `MAX_TEXT_TOTAL` characters, and for a damaged container or record stream.
    Returns None when calamine may open the file. Time linear in the file.
    """
    import olefile

    name = path.name
    size = path.stat().st_size
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:      # olefile raises OSError, ValueError, struct.error… on damage
        raise _damaged(name, f"its compound-file container cannot be read ({_short(exc)})") from None
    try:
        found = _check_container(ole, name, size)
        if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
            raise password_refusal(name)          # an encrypted .xlsx
        # calamine reads the first directory entry named exactly "Workbook" (else
        # "Book"), wherever it is; olefile only those in the directory tree. Both
        # must mean the same stream, or the check would look at another one.
        sid = found.get("Workbook", found.get("Book"))
        if sid is None:
            raise ImportRefused(f"{name} could not be read as a spreadsheet (it holds no Workbook stream: "
                                "not an Excel file); open it in Excel and save it as .xlsx or .csv")
        entry = ole.direntries[sid] if sid < len(ole.direntries) else None
        if entry is None or entry.entry_type != olefile.STGTY_STREAM:
            raise _damaged(name, "its Workbook stream is not in the container's directory tree")
        if entry.size > MAX_STREAM:
            raise _too_big(name, f"its workbook stream is {entry.size / 2**20:,.0f} MB")
        try:
            # olefile's openstream finds a stream by name, case-insensitively: open
            # this very entry as openstream does.
            data = ole._open(entry.isectStart, entry.size).read()
        except Exception as exc:      # a sector chain that breaks off or loops
            raise _damaged(name, f"its workbook stream cannot be read ({_short(exc)})") from None
    finally:
        ole.close()
    _check_workbook(memoryview(data), name)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return text or type(exc).__name__


def _check_container(ole, name: str, size: int) -> dict[str, int]:
    """Tables the header claims, and the streams calamine opens (the root entry's mini
    stream; the first entry named exactly "Workbook", else "Book", also outside the
    directory tree) must fit in the file ([MS-CFB] 2.2 header, 2.6 directory
    entries): calamine reserves memory for the claimed sizes before reading them.
    Returns the index of the first entry named "Workbook" and of "Book"."""
    sector = ole.sector_size or 512
    for what, count in (("directory", ole.num_dir_sectors), ("allocation table", ole.num_fat_sectors),
                        ("mini allocation table", ole.num_mini_fat_sectors)):
        if (count or 0) * sector > size:
            raise _damaged(name, f"its container claims {count:,} sectors of {what}, more than the file holds")
    ole.directory_fp.seek(0)
    directory = ole.directory_fp.read()          # read by olefile already; bounded by the file
    size_field = struct.Struct("<Q" if sector == 4096 else "<I")    # as calamine reads it
    found: dict[str, int] = {}
    for sid in range(len(directory) // 128):
        at = sid * 128
        entry_name = directory[at:at + 64].decode("utf-16-le", "ignore").split("\0", 1)[0]
        first = entry_name in ("Workbook", "Book") and entry_name not in found
        if sid and not first:
            continue                 # calamine opens only the root's mini stream and these
        (claimed,) = size_field.unpack_from(directory, at + 120)
        if claimed > size:
            shown = "".join(ch for ch in entry_name if ch.isprintable())[:40]
            raise _damaged(name, f"its container claims a stream '{shown}' of {claimed:,} bytes, "
                                 f"more than the file's {size:,}")
        if first:
            found[entry_name] = sid
    return found


def _records(data: memoryview, start: int, name: str):
    """(type, payload offset, payload length) of each record from `start` to the end
    of the stream ([MS-XLS] 2.1.4: 2-byte type, 2-byte length, payload)."""
    end = len(data)
    pos = start
    unpack = _HEADER.unpack_from
    while pos < end:
        if pos + 4 > end:
            raise _damaged(name, f"its workbook stream ends inside a record header (at byte {pos:,})")
        typ, length = unpack(data, pos)
        pos += 4
        if pos + length > end:
            raise _damaged(name, f"a record at byte {pos - 4:,} claims {length:,} bytes past the end of "
                                 "its workbook stream")
        yield typ, pos, length
        pos += length


def _check_workbook(data: memoryview, name: str) -> None:
    sheets: list[tuple[int, str]] = []
    sst: list[tuple[int, int]] = []          # the SST's payload and its CONTINUE records
    in_sst = False
    biff5 = False                             # Excel 5/95: sheet names without a flags byte
    for typ, off, length in _records(data, 0, name):
        if typ == CONTINUE and in_sst:
            sst.append((off, length))
            continue
        in_sst = False
        if typ == FILEPASS:
            raise password_refusal(name)
        need = _GLOBAL_MIN_LENGTH.get(typ)
        if need is not None and (length < need or typ == LBL and 14 + (data[off + 4] | data[off + 5] << 8) > length):
            raise _damaged(name, f"its record 0x{typ:04X} at byte {off - 4:,} is shorter than what it holds")
        if typ == BOUNDSHEET:
            if length < 8:
                raise _damaged(name, "a sheet's entry in the workbook is too short")
            (pos,) = _U32.unpack_from(data, off)
            if pos >= len(data):
                raise _damaged(name, f"a sheet starts at byte {pos:,}, past the end of its workbook stream")
            sheets.append((pos, _sheet_name(data[off + 6:off + length], biff5)))
        elif typ == BOF and length >= 2:
            biff5 = (data[off] | data[off + 1] << 8) == 0x0500
        elif typ == SST:
            sst = [(off, length)]
            in_sst = True
        elif typ == EOF:
            break
    lengths = _sst_lengths(data, sst, name) if sst else array.array("I")
    cells_total = text_total = 0
    # Sheets are separate parts of the stream ([MS-XLS] 2.1.7.20): together they are
    # walked once at most. Sheets that overlap (entries pointing into one long run of
    # records) would make the walk, and calamine's, quadratic.
    left = len(data)
    for pos, sheet in sheets:
        cells, text, walked = _check_sheet(data, pos, sheet, lengths, name, left)
        left -= walked
        cells_total += cells
        text_total += text
        if cells_total > limits.CALAMINE_MAX_CELLS:
            raise _too_big(name, f"its sheets together span {cells_total:,} cells (up to sheet '{sheet}')")
        if text_total > limits.MAX_TEXT_TOTAL:
            raise text_too_big(name, text_total, " refer to long shared texts that")


def _sheet_name(raw: memoryview, biff5: bool = False) -> str:
    """A BOUNDSHEET's ShortXLUnicodeString (2.5.240; in BIFF5 a count and 8-bit
    characters), for messages only."""
    if len(raw) < 2:
        return "?"
    cch, flags = raw[0], raw[1]
    if biff5:
        text = bytes(raw[1:1 + cch]).decode("latin-1")
    elif flags & 1:
        text = bytes(raw[2:2 + 2 * cch]).decode("utf-16-le", "replace")
    else:
        text = bytes(raw[2:2 + cch]).decode("latin-1")
    return "".join(ch for ch in text if ch.isprintable())[:60] or "?"


def _sst_lengths(data: memoryview, segments: list[tuple[int, int]], name: str) -> array.array:
    """Characters of each string of the SST (2.4.265) as an array('I'), following the
    strings across CONTINUE records (2.4.58: a string's characters go on after one
    byte of flags). Raises ImportRefused when the SST claims more strings than its
    bytes can hold (calamine reserves the claimed count) or a string runs past it."""
    first_off, first_len = segments[0]
    if first_len < 8:
        raise _damaged(name, "its shared-string table is too short")
    total_bytes = sum(n for _o, n in segments)
    (unique,) = _U32.unpack_from(data, first_off + 4)
    # Every string takes at least 3 bytes (2.5.293 XLUnicodeRichExtendedString).
    if unique >= 1 << 31 or unique * 3 > total_bytes:
        raise _damaged(name, f"its shared-string table claims {unique:,} texts in {total_bytes:,} bytes")
    lengths = array.array("I")
    seg = 0
    pos, end = first_off + 8, first_off + first_len

    def next_segment() -> tuple[int, int]:
        nonlocal seg
        seg += 1
        if seg >= len(segments):
            raise _damaged(name, "a text of its shared-string table runs past the end of the table")
        off, n = segments[seg]
        return off, off + n

    for _ in range(unique):
        while pos >= end:                           # a new string starts a CONTINUE record
            pos, end = next_segment()
        if pos + 3 > end:
            raise _damaged(name, "a text of its shared-string table is cut inside its header")
        cch = data[pos] | data[pos + 1] << 8
        flags = data[pos + 2]
        pos += 3
        extra = 0
        if flags & 0x08:                            # fRichSt: cRun formatting runs of 4 bytes
            if pos + 2 > end:
                raise _damaged(name, "a text of its shared-string table is cut inside its header")
            extra += 4 * (data[pos] | data[pos + 1] << 8)
            pos += 2
        if flags & 0x04:                            # fExtSt: cbExtRst bytes of phonetic data
            if pos + 4 > end:
                raise _damaged(name, "a text of its shared-string table is cut inside its header")
            extra += _U32.unpack_from(data, pos)[0]
            pos += 4
        width = 2 if flags & 0x01 else 1
        left = cch
        while True:
            take = min(left, (end - pos) // width)
            pos += take * width
            left -= take
            if not left:
                break
            pos, end = next_segment()
            width = 2 if data[pos] & 0x01 else 1    # the characters go on after a flags byte
            pos += 1
        while extra:                                # runs and phonetic data: no flags byte
            take = min(extra, end - pos)
            pos += take
            extra -= take
            if extra:
                pos, end = next_segment()
        lengths.append(cch)
    return lengths


def _check_sheet(data: memoryview, start: int, sheet: str, lengths: array.array,
                 name: str, left: int) -> tuple[int, int, int]:
    """(cells calamine allocates for the sheet, characters of text its cells hold,
    bytes walked), reading its records from its BOF to its first EOF as calamine
    does. Raises ImportRefused for a sheet over `CALAMINE_MAX_CELLS` cells, and when
    the sheets walked so far pass the stream's length (`left`: bytes still allowed)."""
    min_r = min_c = 1 << 32
    max_r = max_c = -1
    claimed = 0
    text = 0
    count = len(lengths)
    u16 = _HEADER.unpack_from        # two little-endian u16: row, column
    limit = start + left
    end = start
    for typ, off, length in _records(data, start, name):
        end = off + length
        if end > limit:
            raise _damaged(name, f"its sheets overlap in the workbook stream (sheet '{sheet}')")
        if typ == EOF:
            break
        if typ in _POSITIONED or typ == LABELSST or typ == MULRK:
            if length < 4:
                continue              # calamine refuses the record (and the file) itself
            row, col = u16(data, off)
            last = col
            if typ == LABELSST:
                if length < 10:
                    continue
                (index,) = _U32.unpack_from(data, off + 6)
                if index >= count or not lengths[index]:
                    continue          # calamine keeps no cell for it
                text += lengths[index]
            elif typ == MULRK:
                if length < 6:
                    continue
                last = col + (length - 6) // 6 - 1
                if last < col:
                    continue
            elif typ in (LABEL, RSTRING) and length >= 8:
                text += data[off + 6] | data[off + 7] << 8
            min_r, max_r = min(min_r, row), max(max_r, row)
            min_c, max_c = min(min_c, col), max(max_c, last)
        elif typ == STRING and length >= 2:
            text += data[off] | data[off + 1] << 8
        elif typ == DIMENSIONS:
            claimed = max(claimed, _dimension_cells(data, off, length, sheet, name))
        elif typ == MERGECELLS:
            pairs = data[off] | data[off + 1] << 8 if length >= 2 else 0
            if length < 2 or 2 + 8 * pairs > length:
                raise _damaged(name, f"sheet '{sheet}' lists more merged ranges than its record holds")
        elif typ == FILEPASS:
            raise password_refusal(name)
    used = 0
    if max_r >= 0:
        rows, cols = max_r - min_r + 1, max_c - min_c + 1
        used = rows * cols
        if used > limits.CALAMINE_MAX_CELLS:
            raise _too_big(name, f"sheet '{sheet}' spreads its cells over {rows:,} rows × {cols:,} columns "
                                 f"(row {min_r + 1:,} to {max_r + 1:,}, column {min_c + 1:,} to {max_c + 1:,})")
    return max(used, claimed), text, end - start


def _dimension_cells(data: memoryview, off: int, length: int, sheet: str, name: str) -> int:
    """Cells of the range a DIMENSIONS record (2.4.90) claims: calamine reserves them."""
    if length == 14:
        rf, rl = struct.unpack_from("<II", data, off)
        cf, cl = struct.unpack_from("<HH", data, off + 8)
    elif length == 10:                           # Excel 5/95 (BIFF5): 16-bit rows
        rf, rl, cf, cl = struct.unpack_from("<HHHH", data, off)
    else:
        return 0                                 # calamine refuses the file itself
    if rl < 1 or cl < 1:
        return 1
    if rf >= rl or cf >= cl:
        raise _damaged(name, f"sheet '{sheet}' claims a range that ends before it starts")
    rows, cols = rl - rf, cl - cf
    if rows * cols > limits.CALAMINE_MAX_CELLS:
        raise _too_big(name, f"sheet '{sheet}' claims a used range of {rows:,} rows × {cols:,} columns "
                             "in its DIMENSIONS record")
    return rows * cols
