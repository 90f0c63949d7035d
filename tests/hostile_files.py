"""Hostile spreadsheet files, made in the test: small on disk, huge or endless inside.

Holds no tests itself. Big parts are written through zipfile a chunk at a time, so
making a file with a 1 GB shared string costs CPU but no memory.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Iterable

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = ('<?xml version="1.0" encoding="UTF-8"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_R}">'
       '<sheets><sheet name="Kunden" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')

CHUNK = 1 << 22


def _write_parts(z: zipfile.ZipFile, name: str, parts: Iterable[bytes]) -> None:
    with z.open(name, "w", force_zip64=True) as f:
        for p in parts:
            f.write(p)


def xlsx(path: Path, sheet_parts: Iterable[bytes], sst_parts: Iterable[bytes] | None = None) -> Path:
    """A minimal .xlsx whose sheet XML (and shared strings) are the given byte chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        _write_parts(z, "xl/worksheets/sheet1.xml", sheet_parts)
        _write_parts(z, "xl/sharedStrings.xml", sst_parts if sst_parts is not None else [
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="1" uniqueCount="1">'
            '<si><t>Name</t></si></sst>'.encode()])
    return path


def sheet(rows_xml: str, dimension: str | None = None) -> list[bytes]:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">{dim}<sheetData>'
            f'{rows_xml}</sheetData></worksheet>'.encode()]


def two_cells(path: Path, far: str) -> Path:
    """A header cell in A1 and one more cell at `far` (e.g. XFD1048576)."""
    row = "".join(ch for ch in far if ch.isdigit())
    rows = (f'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            f'<row r="{row}"><c r="{far}" t="inlineStr"><is><t>x</t></is></c></row>')
    return xlsx(path, sheet(rows, dimension=f"A1:{far}"))


def repeated(head: bytes, unit: bytes, total: int, tail: bytes = b"") -> Iterable[bytes]:
    """head, then `unit` repeated to about `total` bytes, then tail (a chunk at a time)."""
    yield head
    block = unit * max(1, CHUNK // len(unit))
    written = 0
    while written < total:
        yield block
        written += len(block)
    if tail:
        yield tail


def huge_shared_string(path: Path, size: int) -> Path:
    """One shared string of `size` bytes (closed properly), used by cell A1."""
    sst = repeated(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="1" uniqueCount="1">'
                   '<si><t>'.encode(), b"a", size, b"</t></si></sst>")
    return xlsx(path, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), sst)


def endless_shared_string(path: Path, size: int) -> Path:
    """A shared string that is never closed (the XML simply ends)."""
    sst = repeated(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}"><si><t>'.encode(), "名".encode(), size)
    return xlsx(path, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), sst)


def endless_row(path: Path, size: int) -> Path:
    """A row that never closes: cells (all in column A) until the file ends."""
    head = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">').encode()
    return xlsx(path, repeated(head, b'<c r="A2"><v>1</v></c>', size))


def ods(path: Path, rows_xml: str, settings: str = "") -> Path:
    """A minimal .ods, as LibreOffice writes one (with its calcext namespace), whose one
    sheet holds the given <table:table-row> elements; `settings` goes before the sheet
    (table:calculation-settings)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
               f'office:version="1.2"><office:body><office:spreadsheet>{settings}<table:table table:name="Clientes">'
               f'{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


def ods_row(*values: str, repeat_last: int = 1, rows_repeated: int = 1) -> str:
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                    for v in values[:-1])
    if values:
        cells += (f'<table:table-cell table:number-columns-repeated="{repeat_last}" office:value-type="string">'
                  f'<text:p>{values[-1]}</text:p></table:table-cell>')
    return f'<table:table-row table:number-rows-repeated="{rows_repeated}">{cells}</table:table-row>'


def shared_text_repeated(path: Path, strings: list[str], rows: int, columns: int = 2) -> Path:
    """Shared strings `strings` (a header "Name" first) and `rows` rows of `columns` cells
    each, cell k of row r naming string (r * columns + k) % len(strings): few distinct
    long texts, referred to by many cells."""
    sst = [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}"><si><t>Name</t></si>'.encode()]
    sst += [f"<si><t>{s}</t></si>".encode() for s in strings]
    sst.append(b"</sst>")
    letters = [chr(65 + k) for k in range(columns)]

    def sheet_xml() -> Iterable[bytes]:
        yield (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">'
               f'<dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>'
               '<row r="1"><c r="A1" t="s"><v>0</v></c></row>').encode()
        for r in range(2, rows + 2):
            cells = "".join(f'<c r="{c}{r}" t="s"><v>{1 + (r * columns + k) % len(strings)}</v></c>'
                            for k, c in enumerate(letters))
            yield f'<row r="{r}">{cells}</row>'.encode()
        yield b"</sheetData></worksheet>"

    return xlsx(path, sheet_xml(), sst)


def inline_text_repeated(path: Path, text: str, rows: int) -> Path:
    """`rows` rows whose one cell holds `text` as an inline string (t="inlineStr")."""
    def sheet_xml() -> Iterable[bytes]:
        yield (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}"><sheetData>'
               '<row r="1"><c r="A1" t="s"><v>0</v></c></row>').encode()
        cell = text.encode()
        for r in range(2, rows + 2):
            yield f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>'.encode() + cell + b"</t></is></c></row>"
        yield b"</sheetData></worksheet>"

    return xlsx(path, sheet_xml())


# ----- legacy .xls: BIFF8 records in an OLE2 compound file ----------------------------------------
# [MS-XLS] 2.1.4 (record = 2-byte type, 2-byte length, payload) and 2.4 (record types);
# [MS-CFB] 2.2 (header), 2.3 (FAT), 2.6 (directory entries). Enough for calamine,
# olefile and Excel's readers: one "Workbook" stream in 512-byte sectors.

XLS_MAX_RECORD = 8224          # payload bytes of one BIFF8 record (CONTINUE carries the rest)


def biff(typ: int, payload: bytes = b"") -> bytes:
    """One BIFF record: type, length, payload (no CONTINUE splitting)."""
    return struct.pack("<HH", typ, len(payload)) + payload


def _xl_string(text: str, length_bytes: int) -> bytes:
    """XLUnicodeString (2.5.294) / ShortXLUnicodeString (2.5.240): count, flags, characters
    (Latin-1 when every character fits, UTF-16LE otherwise)."""
    wide = any(ord(c) > 255 for c in text)
    raw = text.encode("utf-16-le" if wide else "latin-1")
    count = len(raw) // (2 if wide else 1)
    return struct.pack("<B" if length_bytes == 1 else "<H", count) + bytes([1 if wide else 0]) + raw


def sst_records(strings: list[str], references: int = 0) -> bytes:
    """SST (2.4.265) + CONTINUE records (2.4.58) holding `strings`; a string whose
    characters cross a record boundary goes on after one flags byte, as Excel writes it."""
    records: list[bytes] = []
    cur = bytearray(struct.pack("<II", references or len(strings), len(strings)))
    for text in strings:
        wide = any(ord(c) > 255 for c in text)
        width = 2 if wide else 1
        raw = text.encode("utf-16-le" if wide else "latin-1")
        if len(cur) + 3 + width > XLS_MAX_RECORD:      # header and one character fit, or a new record
            records.append(bytes(cur))
            cur = bytearray()
        cur += struct.pack("<HB", len(raw) // width, 1 if wide else 0)
        at = 0
        while at < len(raw):
            room = (XLS_MAX_RECORD - len(cur)) // width * width
            if room == 0:
                records.append(bytes(cur))
                cur = bytearray([1 if wide else 0])
                continue
            cur += raw[at:at + room]
            at += room
    records.append(bytes(cur))
    return biff(0x00FC, records[0]) + b"".join(biff(0x003C, r) for r in records[1:])


def label_sst(row: int, col: int, index: int) -> bytes:
    return biff(0x00FD, struct.pack("<HHHI", row, col, 0, index))


def number(row: int, col: int, value: float) -> bytes:
    return biff(0x0203, struct.pack("<HHHd", row, col, 0, value))


def label(row: int, col: int, text: str) -> bytes:
    return biff(0x0204, struct.pack("<HHH", row, col, 0) + _xl_string(text, 2))


def dimensions(first_row: int, last_row_plus_1: int, first_col: int, last_col_plus_1: int) -> bytes:
    return biff(0x0200, struct.pack("<IIHHH", first_row, last_row_plus_1, first_col, last_col_plus_1, 0))


def workbook_stream(sheets: list[tuple[str, bytes]], strings: list[str] = (),
                    globals_extra: bytes = b"") -> bytes:
    """A BIFF8 Workbook stream: globals (BOF, CODEPAGE 1200, BOUNDSHEETs, SST, EOF),
    then each sheet's BOF, the given cell records, EOF. Padded to 4,096 bytes so that
    the stream lives in ordinary sectors, as Excel writes it."""
    bof = lambda kind: biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))  # noqa: E731
    names = [biff(0x0085, struct.pack("<IBB", 0, 0, 0) + _xl_string(n, 1)) for n, _ in sheets]
    head = bof(0x0005) + biff(0x0042, struct.pack("<H", 1200)) + globals_extra
    tail = (sst_records(list(strings)) if strings else b"") + biff(0x000A)
    pos = len(head) + sum(map(len, names)) + len(tail)
    placed = []
    bodies = []
    for (sheet_name, cells), record in zip(sheets, names):
        placed.append(record[:4] + struct.pack("<I", pos) + record[8:])
        body = bof(0x0010) + cells + biff(0x000A)
        bodies.append(body)
        pos += len(body)
    stream = head + b"".join(placed) + tail + b"".join(bodies)
    return stream + b"\0" * max(0, 4096 - len(stream))


def compound_file(path: Path, streams: dict[str, bytes]) -> Path:
    """An OLE2 compound file (version 3, 512-byte sectors) holding `streams` (each at
    least 4,096 bytes, so no mini stream is needed) as children of the root entry."""
    assert all(len(c) >= 4096 for c in streams.values()), "a stream under 4,096 bytes needs a mini stream"
    sector = 512
    chains, data = [], bytearray()
    for content in streams.values():
        start = len(data) // sector
        data += content + b"\0" * (-len(content) % sector)
        chains.append((start, len(data) // sector))
    n_data = len(data) // sector
    n_dir = -(-(len(streams) + 1) // 4)
    n_fat = 1
    while n_data + n_dir + n_fat > 128 * n_fat:
        n_fat += 1
    assert n_fat <= 109, "too big for a header-only DIFAT"
    fat = [0xFFFFFFFF] * (128 * n_fat)
    for start, end in chains:
        for s in range(start, end):
            fat[s] = s + 1 if s + 1 < end else 0xFFFFFFFE
    for s in range(n_data, n_data + n_dir):
        fat[s] = s + 1 if s + 1 < n_data + n_dir else 0xFFFFFFFE
    for s in range(n_data + n_dir, n_data + n_dir + n_fat):
        fat[s] = 0xFFFFFFFD                                   # FATSECT

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    names = list(streams)
    # The streams hang as a chain of right siblings under the root (a valid, if
    # unbalanced, red-black tree: every node black).
    dirs = entry("Root Entry", 5, 1 if names else 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE, 0)
    for i, (stream_name, content) in enumerate(streams.items()):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        dirs += entry(stream_name, 2, 0xFFFFFFFF, right, chains[i][0], len(content))
    while len(dirs) < n_dir * sector:
        dirs += entry("", 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0)
    difat = list(range(n_data + n_dir, n_data + n_dir + n_fat)) + [0xFFFFFFFF] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, n_data, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == 512
    path.write_bytes(header + bytes(data) + dirs + struct.pack(f"<{len(fat)}I", *fat))
    return path


def xls(path: Path, sheets: list[tuple[str, bytes]], strings: list[str] = (), globals_extra: bytes = b"") -> Path:
    """A legacy .xls: `sheets` as (name, cell records), `strings` the shared strings."""
    return compound_file(path, {"Workbook": workbook_stream(sheets, strings, globals_extra)})


# ----- .xlsb (Excel binary workbook, [MS-XLSB]) ---------------------------------------------

def xlsb_record(typ: int, payload: bytes = b"") -> bytes:
    """One BIFF12 record: type and size in 7-bit groups ([MS-XLSB] 2.1.4), then the payload."""
    head = bytearray([typ] if typ < 0x80 else [(typ & 0x7F) | 0x80, typ >> 7])
    n = len(payload)
    while True:
        byte, n = n & 0x7F, n >> 7
        head.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(head) + payload


def _xlsb_text(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")      # XLWideString


def xlsb_sheet(rows: list[tuple[int, list[tuple[int, object]]]], dim: tuple[int, int, int, int]) -> bytes:
    """A worksheet part: BrtBeginSheet, BrtWsDim, rows (BrtRowHdr) of cells: str -> BrtCellSt,
    ("sst", i) -> BrtCellIsst, numbers -> BrtCellReal."""
    out = xlsb_record(129) + xlsb_record(148, struct.pack("<IIII", *dim)) + xlsb_record(145)
    for row, cells in rows:
        out += xlsb_record(0, struct.pack("<IIHHBI", row, 0, 0, 0, 0, 0))
        for col, value in cells:
            cell = struct.pack("<II", col, 0)
            if isinstance(value, tuple):
                out += xlsb_record(7, cell + struct.pack("<I", value[1]))
            elif isinstance(value, str):
                out += xlsb_record(6, cell + _xlsb_text(value))
            else:
                out += xlsb_record(5, cell + struct.pack("<d", float(value)))
    return out + xlsb_record(146) + xlsb_record(130)


def xlsb(path: Path, sheets: list[tuple[str, bytes]], strings: list[str] = ()) -> Path:
    """An .xlsb package: workbook.bin naming `sheets` (name, worksheet part), optional shared strings."""
    book = xlsb_record(131) + xlsb_record(143)
    for i, (name, _part) in enumerate(sheets, 1):
        book += xlsb_record(156, struct.pack("<II", 0, i) + _xlsb_text(f"rId{i}") + _xlsb_text(name))
    book += xlsb_record(144) + xlsb_record(132)
    rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i}.bin"/>' for i in range(1, len(sheets) + 1))
    if strings:
        rels += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/sharedStrings" Target="sharedStrings.bin"/>')
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.'
                   'sheet.binary.macroEnabled.main"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}"><Relationship Id="rId1" '
                                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                  'officeDocument" Target="xl/workbook.bin"/></Relationships>')
        z.writestr("xl/workbook.bin", book)
        z.writestr("xl/_rels/workbook.bin.rels", f'<?xml version="1.0"?><Relationships xmlns="{ns}">{rels}'
                                                 '</Relationships>')
        for i, (_name, part) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.bin", part)
        if strings:
            sst = xlsb_record(159, struct.pack("<II", len(strings), len(strings)))
            sst += b"".join(xlsb_record(19, b"\0" + _xlsb_text(s)) for s in strings)
            z.writestr("xl/sharedStrings.bin", sst + xlsb_record(160))
    return path
