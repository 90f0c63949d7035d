"""Hostile spreadsheet files, made in the test: small on disk, huge or endless inside.

Holds no tests itself. Big parts are written through zipfile a chunk at a time, so
making a file with a 1 GB shared string costs CPU but no memory.
"""

from __future__ import annotations

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


def ods(path: Path, rows_xml: str) -> Path:
    """A minimal .ods whose one sheet holds the given <table:table-row> elements."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Clientes">'
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
