"""A streaming .xlsx sheet reader for sheets too large to load at once.

python-calamine loads a whole sheet into memory (about 1 GB for a million rows of ten
columns), so for very large sheets the importer reads the sheet XML itself, a block
at a time, with a few regular expressions. Memory stays flat: the current block, a
bounded cache of shared strings and the shared-string offsets (the strings
themselves wait in a temporary file, since a big customer list has millions of
distinct strings; the file is encrypted with a key that lives only in memory for
as long as the sheet is open, so no personal data lands on disk in clear). Handles
the transitional and the Strict OOXML namespaces, shared, inline and formula
strings, booleans, errors, ISO dates (t="d") and numbers with a date format (1900
and 1904 date systems).
"""

from __future__ import annotations

import array
import datetime as dt
import html
import os
import pickle
import posixpath
import re
import tempfile
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Iterator

from ..excel.safe import ooxml_unescape
from . import limits
from .errors import ImportRefused

_P = rb"(?:[\w.-]+:)?"
_ROW_END = re.compile(rb"</" + _P + rb"row>|<" + _P + rb"row\b[^>]*/>")
_ROW = re.compile(rb"<" + _P + rb"row\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"row>)", re.S)
_CELL = re.compile(rb"<" + _P + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_ATTR_R = re.compile(rb'\br="([A-Za-z]*)(\d*)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_V = re.compile(rb"<" + _P + rb"v>(.*?)</" + _P + rb"v>", re.S)
_T = re.compile(rb"<" + _P + rb"t\b[^>]*?(?:/>|>(.*?)</" + _P + rb"t>)", re.S)
_RPH = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_SI = re.compile(rb"<" + _P + rb"si>(.*?)</" + _P + rb"si>|<" + _P + rb"si/>", re.S)
# The common shape of a cell, attributes in the order Excel, LibreOffice and openpyxl
# write them: <c r="B2" s="3" t="s"><v>12</v></c>. Rows where some cell has another
# shape go through the general path.
_CELL_FAST = re.compile(rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?:/>|>(?:<v>([^<]*)</v>)?</c>)')
_MERGE = re.compile(rb'<' + _P + rb'mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')

BLOCK = 1 << 20
MAX_FORMULAS_KEPT = 100_000   # formula cells without a result listed per column (the refusal needs a few)
SST_CACHE = 50_000        # strings kept decoded (the most recently used)
BLOCK_STRINGS = 256       # strings per read of the spilled shared strings
CACHED_BLOCKS = 1024      # blocks kept decrypted (a few MB)
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


def _unescape(raw: bytes) -> str:
    """A cell's text: XML entities, then Excel's _xHHHH_ escapes (CR, control characters)."""
    text = raw.decode("utf-8", "replace")
    if "&" in text:
        text = html.unescape(text)
    return ooxml_unescape(text) if "_x" in text else text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(path: Path) -> list[tuple[str, zipfile.ZipInfo | None]]:
    """(sheet name, zip entry of its XML or None) for every sheet, in workbook order."""
    import xml.etree.ElementTree as ET

    out: list[tuple[str, zipfile.ZipInfo | None]] = []
    try:
        with zipfile.ZipFile(path) as z:
            wb = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target") for r in rels if _local(r.tag) == "Relationship"}
            for el in wb.iter():
                if _local(el.tag) != "sheet":
                    continue
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                target = targets.get(rid) or ""
                name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
                try:
                    out.append((el.get("name") or "", z.getinfo(name) if target else None))
                except KeyError:
                    out.append((el.get("name") or "", None))
    except (KeyError, zipfile.BadZipFile, ET.ParseError):
        return []
    return out


def hidden_sheets(path: Path) -> set[str]:
    """The names of the sheets whose state is hidden or veryHidden (ECMA-376 Part 1,
    18.2.19 sheet, ST_SheetState)."""
    import xml.etree.ElementTree as ET

    try:
        with zipfile.ZipFile(path) as z:
            wb = ET.fromstring(z.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, ET.ParseError):
        return set()
    return {el.get("name") or "" for el in wb.iter()
            if _local(el.tag) == "sheet" and el.get("state") in ("hidden", "veryHidden")}


def sheet_part(path: Path, sheet_name: str) -> zipfile.ZipInfo | None:
    """The zip entry holding `sheet_name`'s XML, or None when it cannot be told."""
    return next((info for name, info in sheet_parts(path) if name == sheet_name), None)


def has_cells(path: Path, info: zipfile.ZipInfo) -> bool:
    """Does the sheet hold any value? (Looks at the start of its XML only.)"""
    with zipfile.ZipFile(path) as z, z.open(info) as f:
        head = f.read(BLOCK)
    return re.search(rb"<(?:[\w.-]+:)?(?:v|t|is)\b", head) is not None


class _TempFile:
    """A temporary file of ours, removed on close (what goes in is encrypted).

    In the system temp folder, named as all cims scratch is (`.cims-<purpose>-<pid>-…`,
    0600): a killed import's file is removed by the next import or sign-in once its
    process is gone (scratch.sweep, services.leftovers), never another running one's."""

    def __init__(self, purpose: str) -> None:
        from ..scratch import scratch_file

        path = scratch_file(tempfile.gettempdir(), purpose)
        self._tmp = str(path)
        try:
            self._fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    # os.pread/os.pwrite do not exist on Windows; one thread uses the file at a time.
    def _pread(self, size: int, offset: int) -> bytes:
        os.lseek(self._fd, offset, os.SEEK_SET)
        parts, left = [], size
        while left > 0:
            part = os.read(self._fd, left)
            if not part:
                break
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    def _pwrite(self, data: bytes, offset: int) -> None:
        os.lseek(self._fd, offset, os.SEEK_SET)
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None  # type: ignore[assignment]
            try:
                os.unlink(self._tmp)
            except OSError:  # pragma: no cover
                pass


class _SharedStrings(_TempFile):
    """Shared strings spilled to a temporary file; offsets and a cache in memory.

    The file is encrypted (AES-256-CTR, a fresh key in memory only). It is read a
    block of BLOCK_STRINGS strings at a time: sheets mostly use their strings in the
    order they were first written, so a block serves the rows after it too.
    """

    def __init__(self, z: zipfile.ZipFile, name: str = "the file"):
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._offsets = array.array("q", [0])
        self._cache: OrderedDict[int, str] = OrderedDict()
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._nonce = os.urandom(16)
        aes = algorithms.AES(os.urandom(32))   # never leaves this object
        self._cipher = lambda counter: Cipher(aes, modes.CTR(counter))
        super().__init__("sst")
        try:
            entry = next((n for n in z.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
            if entry is None:
                return
            pos = 0
            encrypt = self._cipher(self._nonce).encryptor()
            with z.open(entry) as f:
                buf = bytearray()      # grows in place: linear however long a string is
                while True:
                    block = f.read(BLOCK)
                    buf += block
                    # only the new bytes can hold the first end of a string
                    since = max(0, len(buf) - len(block) - 8)
                    last = max(buf.rfind(b"</si>", since), buf.rfind(b"<si/>", since))
                    if block and last < 0:
                        if len(buf) > limits.MAX_STRING_XML:
                            raise limits.too_long(name, "a shared string", limits.MAX_STRING_XML)
                        continue
                    end = len(buf) if not block else buf.find(b">", last) + 1
                    part, buf = bytes(buf[:end]), buf[end:]
                    chunk, start = [], pos
                    for m in _SI.finditer(part):
                        inner = m.group(1) or b""
                        if b"<rPh" in inner:
                            inner = _RPH.sub(b"", inner)
                        text = b"".join(t or b"" for t in _T.findall(inner))
                        data = _unescape(text).encode("utf-8")
                        chunk.append(data)
                        pos += len(data)
                        self._offsets.append(pos)
                    if len(self._offsets) > limits.MAX_SHARED_STRINGS:   # 8 bytes each, in memory
                        raise limits.too_many_strings(name)
                    # one write per block of XML (CTR keeps the length, so offsets hold)
                    self._pwrite(encrypt.update(b"".join(chunk)), start)
                    if not block:
                        break
        except BaseException:
            self.close()
            raise

    def _read(self, start: int, end: int) -> bytes:
        aligned = start - start % 16
        counter = (int.from_bytes(self._nonce, "big") + aligned // 16) % (1 << 128)
        data = self._pread(end - aligned, aligned)
        return self._cipher(counter.to_bytes(16, "big")).decryptor().update(data)[start - aligned:]

    def __getitem__(self, index: int) -> str:
        cache = self._cache
        text = cache.get(index)
        if text is not None:
            cache.move_to_end(index)
            return text
        offsets = self._offsets
        if not 0 <= index < len(offsets) - 1:
            return ""
        b = index // BLOCK_STRINGS
        blocks = self._blocks
        data = blocks.get(b)
        if data is None:
            first, last = b * BLOCK_STRINGS, min((b + 1) * BLOCK_STRINGS, len(offsets) - 1)
            data = blocks[b] = self._read(offsets[first], offsets[last])
            if len(blocks) > CACHED_BLOCKS:
                blocks.popitem(last=False)
        else:
            blocks.move_to_end(b)
        base = offsets[b * BLOCK_STRINGS]
        text = data[offsets[index] - base:offsets[index + 1] - base].decode("utf-8")
        cache[index] = text
        if len(cache) > SST_CACHE:
            cache.popitem(last=False)
        return text


def _date_styles(z: zipfile.ZipFile) -> set[int]:
    import xml.etree.ElementTree as ET

    entry = next((n for n in z.namelist() if n.lower() == "xl/styles.xml"), None)
    if entry is None:
        return set()
    try:
        root = ET.fromstring(z.read(entry))
    except ET.ParseError:
        return set()
    custom: dict[int, str] = {}
    out: set[int] = set()
    for el in root.iter():
        if _local(el.tag) == "numFmt":
            try:
                custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
            except ValueError:
                pass
    for el in root.iter():
        if _local(el.tag) == "cellXfs":
            for i, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                try:
                    fmt = int(xf.get("numFmtId", "0"))
                except ValueError:
                    continue
                if fmt in _BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                    out.add(i)
    return out


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
    return "general" not in code and any(ch in code for ch in "dmyhs") and "0" not in code.split(";")[0][:1]


def _date1904(z: zipfile.ZipFile) -> bool:
    try:
        head = z.read("xl/workbook.xml")[:4096]
    except KeyError:
        return False
    return re.search(rb'date1904="(1|true)"', head) is not None


def _serial_to_python(serial: float, date1904: bool):
    if date1904:
        serial += 1462
    if serial < 0 or serial > 2958465:
        return serial
    if serial < 1:
        seconds = round(serial * 86400)
        return (dt.datetime.min + dt.timedelta(seconds=seconds % 86400)).time()
    base = dt.datetime(1899, 12, 30) if serial >= 61 else dt.datetime(1899, 12, 31)
    moment = base + dt.timedelta(days=int(serial))
    frac = serial - int(serial)
    if frac == 0:
        return moment.date()
    return moment + dt.timedelta(milliseconds=round(frac * 86_400_000))


class _RowSpill(_TempFile):
    """Rows already parsed, kept for the next pass (the importer reads a sheet twice:
    once to look, once to write) in a temporary file, pickled a chunk at a time and
    sealed with AES-GCM under a key that exists only in this object. Reading them back
    is several times faster than parsing the XML again; memory stays flat."""

    CHUNK = 2000

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        super().__init__("rows")
        self._chunks: list[tuple[int, int, bytes]] = []   # (offset, length, nonce)
        self._pos = 0
        self.complete = False

    def add(self, rows: list) -> None:
        if not rows:
            return
        nonce = os.urandom(12)
        data = self._aead.encrypt(nonce, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL), None)
        self._pwrite(data, self._pos)
        self._chunks.append((self._pos, len(data), nonce))
        self._pos += len(data)

    def replay(self) -> Iterator[tuple[int, list]]:
        from cryptography.exceptions import InvalidTag

        for offset, length, nonce in self._chunks:
            try:   # authenticated: a changed file is refused, never unpickled
                data = self._aead.decrypt(nonce, self._pread(length, offset), None)
            except InvalidTag:
                raise ImportRefused("the temporary copy of the sheet was changed while it was being "
                                    "read; nothing was imported") from None
            yield from pickle.loads(data)


class StreamingSheet:
    """Rows of one worksheet part, read block by block."""

    def __init__(self, path: Path, part: str):
        self.path, self.part = Path(path), part
        self._zip = zipfile.ZipFile(self.path)
        self._name = self.path.name
        self._sst = _SharedStrings(self._zip, self._name)
        self._date_styles = _date_styles(self._zip)
        from .cell_facts import ShownFormat, _style_maps, format_currency
        # "€#,##0.00": amounts with their currency; "00000", "ID-0000", "0%": numbers as shown
        self._currency_styles, self._shown_styles = _style_maps(self._zip, format_currency, ShownFormat.of)
        self._date1904 = _date1904(self._zip)
        self.date1904 = self._date1904          # dates count from 1904 (workbookPr date1904)
        from .cell_facts import _full_calc_on_load
        self._recalc = _full_calc_on_load(self._zip)
        # col -> [(row, formula)] of formulas with no saved result, filled as the rows are
        # read (the importer looks at it after its first pass; cell_facts.CellFacts.formulas)
        self.formulas: dict[int, list[tuple[int, str]]] = {}
        self._columns: dict[bytes, int] = {}
        self._spill: _RowSpill | None = None
        self.merged = self._scan_merges()

    def close(self) -> None:
        self._sst.close()
        self._zip.close()
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def rows(self) -> Iterator[tuple[int, list]]:
        """Every row; a pass that went to the end is replayed by the next one."""
        if self._spill is not None and self._spill.complete:
            yield from self._spill.replay()
            return
        if self._spill is not None:
            self._spill.close()
        spill = self._spill = _RowSpill()
        buf: list = []
        for number, values in self._parse_rows():
            buf.append((number, list(values)))   # a copy: the reader of the row may change it
            if len(buf) >= spill.CHUNK:
                spill.add(buf)
                buf = []
            yield number, values
        spill.add(buf)
        spill.complete = True

    def _scan_merges(self) -> list:
        out = []
        with self._zip.open(self.part) as f:
            tail = b""
            while True:
                block = f.read(BLOCK)
                if not block:
                    break
                data = tail + block
                if b"mergeCell" in data:
                    for a, r1, b, r2 in _MERGE.findall(data):
                        for r in (r1, r2):
                            limits.check_row_number(int(r), self._name)
                        out.append(((int(r1) - 1, limits.column_number(a, self._name) - 1),
                                    (int(r2) - 1, limits.column_number(b, self._name) - 1)))
                tail = data[-200:]
                if b"mergeCell" in tail:    # do not count a range twice across blocks
                    tail = tail[tail.rfind(b"/>") + 2:] if b"/>" in tail else b""
        return sorted(set(out))

    def _parse_rows(self) -> Iterator[tuple[int, list]]:
        next_row = 1
        with self._zip.open(self.part) as f:
            buf = bytearray()      # grows in place: linear however long a row is
            while True:
                block = f.read(BLOCK)
                buf += block
                if block:
                    last = None
                    for last in _ROW_END.finditer(buf, max(0, len(buf) - len(block) - 16)):
                        pass
                    if last is None:
                        if len(buf) > limits.MAX_ROW_XML:
                            raise limits.too_long(self._name, f"row {next_row:,}", limits.MAX_ROW_XML)
                        continue
                    part, buf = bytes(buf[:last.end()]), buf[last.end():]
                else:
                    part, buf = bytes(buf), bytearray()
                for m in _ROW.finditer(part):
                    attrs, body = m.group(1), m.group(2)
                    rm = _ROW_NUMBER.search(attrs)
                    number = int(rm.group(1)) if rm else next_row
                    limits.check_row_number(number, self._name)
                    next_row = number + 1
                    yield number, self._cells(body) if body else []
                if not block:
                    break

    def _cells(self, body: bytes) -> list:
        if body.count(b"<c") > limits.MAX_COLUMNS:   # cheap first; rich text has <color> too
            limits.check_row_width(len(limits._CELL_TAG.findall(body)), self._row_hint(body), self._name)
        cells = _CELL_FAST.findall(body)
        if not cells or len(cells) != body.count(b"<c"):   # every cell has the common shape
            return self._cells_general(body)
        out: list = []
        sst, date_styles, columns = self._sst, self._date_styles, self._columns
        for letters, style, kind, raw in cells:
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = limits.column_number(letters, self._name) - 1
            if col > len(out):
                out.extend([""] * (col - len(out)))
            if not raw:
                out.append("")
            elif kind == b"s":
                try:
                    out.append(sst[int(raw)])
                except ValueError:
                    out.append("")
            elif not kind or kind == b"n":
                try:
                    number = float(raw)
                except ValueError:
                    out.append(_unescape(raw))
                    continue
                if style and int(style) in date_styles:
                    out.append(_serial_to_python(number, self._date1904))
                elif style and int(style) in self._currency_styles:
                    out.append(self._priced(raw, number, int(style)))
                elif style and int(style) in self._shown_styles:
                    out.append(self._shown(raw, number, int(style)))
                else:
                    out.append(number)
            else:
                out.append(self._typed(kind, raw))
        return out

    def _cells_general(self, body: bytes) -> list:
        out: list = []
        sst, date_styles = self._sst, self._date_styles
        for attrs, inner in _CELL.findall(body):
            ref = _ATTR_R.search(attrs)
            if ref and ref.group(1):
                col = limits.column_number(ref.group(1), self._name) - 1
                if col > len(out):
                    out.extend([""] * (col - len(out)))
            t = _ATTR_T.search(attrs)
            kind = t.group(1) if t else b"n"
            value: object = ""
            if inner and (b"<f" in inner or b":f" in inner) and ref:
                self._note_formula(inner, kind, ref, len(out))
            if inner:
                if kind == b"inlineStr":
                    inner2 = _RPH.sub(b"", inner) if b"<rPh" in inner else inner
                    value = _unescape(b"".join(x or b"" for x in _T.findall(inner2)))
                else:
                    vm = _V.search(inner)
                    raw = vm.group(1) if vm else None
                    if raw is not None:
                        if kind == b"s":
                            try:
                                value = sst[int(raw)]
                            except ValueError:
                                value = ""
                        elif kind in (b"str", b"e", b"b", b"d"):
                            value = self._typed(kind, raw)
                        else:
                            try:
                                number = float(raw)
                            except ValueError:
                                value = _unescape(raw)
                            else:
                                s = _ATTR_S.search(attrs)
                                if s and int(s.group(1)) in date_styles:
                                    value = _serial_to_python(number, self._date1904)
                                elif s and int(s.group(1)) in self._currency_styles:
                                    value = self._priced(raw, number, int(s.group(1)))
                                elif s and int(s.group(1)) in self._shown_styles:
                                    value = self._shown(raw, number, int(s.group(1)))
                                else:
                                    value = number
            out.append(value)
        return out

    def _priced(self, raw: bytes, number: float, style: int) -> object:
        """A number whose format shows a currency, exact, with it (cell_facts.format_currency)."""
        from ..domain.money import ShownAmount
        try:
            return ShownAmount(raw.decode("ascii").strip(), *self._currency_styles[style])
        except (ArithmeticError, UnicodeDecodeError, ValueError):
            return number

    def _note_formula(self, inner: bytes, kind: bytes, ref: "re.Match[bytes]", col: int) -> None:
        """Remember a formula cell with no saved result (as cell_facts.read_facts does)."""
        from .cell_facts import _EMPTY_VALUE, _FORMULA, _formula_text
        vm = _V.search(inner)
        raw = vm.group(1) if vm else None
        if kind == b"str" and (vm is not None or _EMPTY_VALUE.search(inner)):
            return                                   # a saved empty text
        if raw and not (self._recalc and raw == b"0" and kind == b"n"):
            return                                   # a saved result
        formula = _FORMULA.search(inner)
        if formula is None:
            return
        found = self.formulas.setdefault(col, [])
        if len(found) < MAX_FORMULAS_KEPT:
            found.append((int(ref.group(2) or 0), _formula_text(formula)))

    def _shown(self, raw: bytes, number: float, style: int) -> object:
        """A number as its format shows it ("02134", "ID-0017", "25%"; cell_facts.ShownFormat)."""
        from decimal import Decimal, InvalidOperation
        from .cells import ShownText
        try:
            fmt = self._shown_styles[style]
            text = fmt.show(Decimal(raw.decode("ascii").strip()))
        except (ArithmeticError, InvalidOperation, UnicodeDecodeError, ValueError):
            return number
        return number if text is None else ShownText(text, fmt.value(number), number)

    @staticmethod
    def _row_hint(body: bytes) -> int:
        """The row number in a row's first cell reference (for messages), or 0."""
        m = _ATTR_R.search(body[:200])
        return int(m.group(2)) if m and m.group(2) else 0

    @staticmethod
    def _typed(kind: bytes, raw: bytes) -> object:
        """A cell's value for the types other than shared strings and numbers."""
        if kind == b"b":
            return raw.strip() in (b"1", b"true")
        if kind == b"d":
            text = raw.decode("ascii", "replace")
            try:
                value = dt.datetime.fromisoformat(text.rstrip("Z"))
            except ValueError:
                return text
            return value.date() if value.time() == dt.time(0) else value
        if kind == b"e":        # #N/A, #REF!: no value (cells.Unreadable), never the text
            from .cells import error_cell
            return error_cell(_unescape(raw))
        return _unescape(raw)   # str and types this reader does not know
