"""What a legacy .xls sheet's records say about its numbers beyond their values.

The .xls twin of `cell_facts` for its first fact: calamine gives a number cell's value
only, so a postal code 2134 that Excel shows as 02134 through a zero-padded format
(`00000`) would be stored as "2134". Here the Workbook stream ([MS-XLS], BIFF8 and
BIFF5) is walked once: FORMAT records (2.4.126) give the custom number formats, XF
records (2.4.353) the format of each cell style, and the chosen sheet's NUMBER (2.4.180),
RK (2.4.220) and MULRK (2.4.175) records each cell's style and value. `shown` then holds
the text as Excel displays it for whole numbers under an all-zeros format, as
`cell_facts.CellFacts.shown` does for .xlsx; ROW and COLINFO records the rows and
columns the sheet hides, listed in the summary as for .xlsx.

Runs after `xls_limits.check_xls` accepted the file (sizes and record bounds are
checked there); anything unexpected here only means no facts (None), never a refusal.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from decimal import Decimal

from ..domain import money
from .cell_facts import _BUILTIN_FORMATS, HIDDEN_MAX, CellFacts, ShownFormat, _serial_date, format_currency
from .cells import DateText, ShownText, error_cell
from .date_formats import BUILTIN_DATE_FORMATS, DateFormat
from .errors import ImportRefused
from .xls_limits import _records      # the same record walk check_xls made (it bounded the stream)

FORMAT, XF, BOUNDSHEET, BOF, EOF = 0x041E, 0x00E0, 0x0085, 0x0809, 0x000A
FORMAT_BIFF5 = 0x001E
NUMBER, RK, MULRK = 0x0203, 0x027E, 0x00BD
FORMULA, BOOLERR = 0x0006, 0x0205
CODEPAGE, LABEL, RSTRING, STRING = 0x0042, 0x0204, 0x00D6, 0x0207
# Rows and columns the sheet does not show: ROW (2.4.221) with fDyZero (bit 5 of its
# flags at offset 12), COLINFO (2.4.53) with fHidden (bit 0 of its flags at offset 8)
ROW, COLINFO = 0x0208, 0x007D
FONT, LABELSST = 0x0031, 0x00FD            # 2.4.122 Font (fStrikeOut: bit 3 of its flags), 2.4.149 LabelSst
STRUCK_MAX = 100_000                        # struck cells listed
# Code pages whose characters take one or two bytes ([MS-XLS] 2.4.52 CODEPAGE): Japanese,
# Chinese simplified, Korean, Chinese traditional, Korean Johab.
DOUBLE_BYTE = {932: "cp932", 936: "gbk", 949: "cp949", 950: "big5", 1361: "johab"}
DATEMODE = 0x0022                          # 2.4.77: 1 when dates count from 1904
SERIAL_1904 = 1462                         # days from Excel's 1900 serial 0 to 1904-01-01's
# BErr ([MS-XLS] 2.5.97.2): error codes and the text Excel shows
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
           0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}

_CELL = struct.Struct("<HHH")              # row, column, XF index


def read_xls_facts(path: Path, sheet_name: str) -> CellFacts | None:
    """The facts of one sheet of an .xls file; None when there are none (or the stream
    is not what `check_xls` let through)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = "Workbook" if ole.exists("Workbook") else "Book"
            data = ole.openstream(stream).read()
    except Exception:   # noqa: BLE001 - no facts; calamine reports a damaged file itself
        return None
    try:
        return _facts(memoryview(data), sheet_name)
    except (struct.error, IndexError, UnicodeDecodeError, ValueError, ArithmeticError, ImportRefused):
        return None


def _facts(data: memoryview, sheet_name: str) -> CellFacts | None:
    # format index -> how it shows a number ("00000", "ID-0000", "0%": cell_facts.ShownFormat);
    # the built-in percentages are used by index without a FORMAT record
    formats: dict[int, ShownFormat] = {i: f for i, code in _BUILTIN_FORMATS.items()
                                       if (f := ShownFormat.of(code)) is not None}
    xf_formats: list[ShownFormat | None] = []    # XF index -> its format's reading, or None
    # format index -> a unit the format shows ('0.0"万元"': format_currency's (token, locale,
    # scale, unit)); XF index -> the same: such a number is an amount in that unit (amount_units)
    units: dict[int, tuple] = {}
    xf_units: dict[int, tuple] = {}
    # format index -> a date format's reading ("d-mmm"); XF index -> the same: a date cell shows that text
    dates: dict[int, DateFormat] = {i: f for i, code in BUILTIN_DATE_FORMATS.items()
                                    if (f := DateFormat.of(code)) is not None}
    xf_dates: dict[int, DateFormat] = {}
    sheets: dict[str, int] = {}
    fonts: list[bool] = []                       # FONT records in order: whether each strikes through
    struck_xf: set[int] = set()                  # XF indexes whose font strikes through
    biff5 = date1904 = False
    codec = "cp1252"
    for typ, off, length in _records(data, 0, ""):
        if typ == BOF and length >= 2:
            biff5 = _u16(data, off) == 0x0500
        elif typ in (FORMAT, FORMAT_BIFF5) and length >= 3:
            code = _format_code(data[off + 2:off + length], biff5)
            if (priced := format_currency(code)) is not None:
                # '#,##0.00 [$€-407]', '"€"#,##0.00': the amount's currency, as the .xlsx
                # reader takes it (cell_facts.currency_styles); '0.0"万"' a unit, not an id's digits
                units[_u16(data, off)] = priced
            elif (shown := ShownFormat.of(code)) is not None:
                formats[_u16(data, off)] = shown
            elif (when := DateFormat.of(code)) is not None:
                dates[_u16(data, off)] = when
        elif typ == FONT and length >= 4:
            fonts.append(bool(_u16(data, off + 2) & 0x0008))
        elif typ == XF and length >= 4:
            # ifnt: a FONT record's index, 4 skipped (2.5.129 FontIndex: 5 is the fifth record)
            ifnt = _u16(data, off)
            font = ifnt if ifnt < 4 else ifnt - 1
            if 0 <= font < len(fonts) and fonts[font] and ifnt != 4:
                struck_xf.add(len(xf_formats))
            if (when := dates.get(_u16(data, off + 2))) is not None:
                xf_dates[len(xf_formats)] = when
            if (unit := units.get(_u16(data, off + 2))) is not None:
                xf_units[len(xf_formats)] = unit
            xf_formats.append(formats.get(_u16(data, off + 2)))
        elif typ == CODEPAGE and length >= 2:
            codec = codec_of(_u16(data, off))
        elif typ == BOUNDSHEET and length >= 8:
            (pos,) = struct.unpack_from("<I", data, off)
            sheets.setdefault(_sheet_name(data[off + 6:off + length], biff5, codec), pos)
        elif typ == DATEMODE and length >= 2:
            date1904 = _u16(data, off) == 1
        elif typ == EOF:
            break
    padded = {i: f for i, f in enumerate(xf_formats) if f is not None}
    start = sheets.get(sheet_name)
    if start is None:
        return None
    facts = CellFacts(serial_offset=SERIAL_1904 if date1904 else 0)

    def show(row: int, col: int, xf: int, value: float) -> None:
        if (unit := xf_units.get(xf)) is not None:
            facts.amounts.setdefault(row + 1, {})[col] = money.ShownAmount(repr(value), *unit)
            return
        if (when := xf_dates.get(xf)) is not None:
            try:         # a date cell: the text its date format shows, for text fields
                facts.shown.setdefault(row + 1, {})[col] = DateText(
                    when.show(_serial_date(value + facts.serial_offset)))
            except (ValueError, OverflowError):
                pass
            return
        fmt = padded.get(xf)
        if fmt is not None:
            text = fmt.show(Decimal(repr(value)))
            if text is not None:
                facts.shown.setdefault(row + 1, {})[col] = ShownText(text, fmt.value(value), value)

    def error(row: int, col: int, code: int) -> None:
        # calamine reads an error cell as empty: never a value (cells.Unreadable)
        facts.shown.setdefault(row + 1, {})[col] = error_cell(_ERRORS.get(code, "#VALUE!"))
        facts.errors += 1

    first = True
    # The sheet's records in a plain loop (a cell is a record: this runs once per cell);
    # only these types are looked at. check_xls has bounded every record already.
    wanted = {BOF, EOF, FORMULA, BOOLERR, ROW, COLINFO} | ({NUMBER, RK, MULRK} if padded or xf_units or xf_dates else set())
    if struck_xf:
        wanted |= {NUMBER, RK, MULRK, LABELSST, LABEL, RSTRING}

    listed = [0]

    def strike(row: int, col: int, xf: int) -> None:
        if xf in struck_xf and listed[0] < STRUCK_MAX:
            facts.struck.setdefault(row + 1, set()).add(col)
            listed[0] += 1

    header = struct.Struct("<HH").unpack_from
    pos, end = start, len(data)
    while pos + 4 <= end:
        typ, length = header(data, pos)
        off = pos + 4
        pos = off + length
        if typ not in wanted:
            continue
        if pos > end:
            break
        if typ == BOF:
            if not first:
                break                     # the next substream: this sheet had no EOF
            first = False
        elif typ == EOF:
            break
        elif typ == NUMBER and length >= 14:
            row, col, xf = _CELL.unpack_from(data, off)
            if struck_xf:
                strike(row, col, xf)
            show(row, col, xf, struct.unpack_from("<d", data, off + 6)[0])
        elif typ == RK and length >= 10:
            row, col, xf = _CELL.unpack_from(data, off)
            if struck_xf:
                strike(row, col, xf)
            show(row, col, xf, _rk(struct.unpack_from("<I", data, off + 6)[0]))
        elif typ == MULRK and length >= 12:
            row, col = struct.unpack_from("<HH", data, off)
            for i in range((length - 6) // 6):
                xf, rk = struct.unpack_from("<HI", data, off + 4 + 6 * i)
                if struck_xf:
                    strike(row, col + i, xf)
                show(row, col + i, xf, _rk(rk))
        elif typ in (LABELSST, LABEL, RSTRING) and length >= 6:
            strike(*_CELL.unpack_from(data, off))
        elif typ == FORMULA and length >= 20:
            if struck_xf:
                strike(*_CELL.unpack_from(data, off))
            # FormulaValue (2.5.133): an error when fExprO is 0xFFFF and its type byte is 2
            if data[off + 12] == 0xFF and data[off + 13] == 0xFF and data[off + 6] == 2:
                row, col = struct.unpack_from("<HH", data, off)
                error(row, col, data[off + 8])
        elif typ == BOOLERR and length >= 8 and data[off + 7] == 1:    # Bes (2.5.10): fError
            row, col = struct.unpack_from("<HH", data, off)
            error(row, col, data[off + 6])
        elif typ == ROW and length >= 16:
            if _u16(data, off + 12) & 0x20 and len(facts.hidden_rows) < HIDDEN_MAX:
                facts.hidden_rows.append(_u16(data, off) + 1)
        elif typ == COLINFO and length >= 10:
            first_col, last_col = struct.unpack_from("<HH", data, off)
            if _u16(data, off + 8) & 0x01 and last_col >= first_col:
                facts.hidden_cols.extend(range(first_col, min(last_col, first_col + MAX_HIDDEN_COLS) + 1))
    return (facts if facts.shown or facts.amounts or facts.serial_offset or facts.hidden_rows or facts.hidden_cols
            or facts.struck else None)


MAX_HIDDEN_COLS = 255      # BIFF8 has 256 columns; a COLINFO may cover all of them


def _u16(data: memoryview, off: int) -> int:
    return data[off] | data[off + 1] << 8


def _rk(rk: int) -> float:
    """An RkNumber ([MS-XLS] 2.5.217): a 30-bit integer or the top 30 bits of a double,
    divided by 100 when its lowest bit is set."""
    if rk & 0x02:
        value: float = rk >> 2
        if value >= 1 << 29:
            value -= 1 << 30
    else:
        value = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return value / 100 if rk & 0x01 else value


def _format_code(raw: memoryview, biff5: bool) -> str:
    """FORMAT's string: XLUnicodeString (2.5.294) in BIFF8, a byte count and 8-bit
    characters in BIFF5."""
    if biff5:
        return bytes(raw[1:1 + raw[0]]).decode("latin-1")
    cch, flags = raw[0] | raw[1] << 8, raw[2]
    if flags & 1:
        return bytes(raw[3:3 + 2 * cch]).decode("utf-16-le")
    return bytes(raw[3:3 + cch]).decode("latin-1")


def _sheet_name(raw: memoryview, biff5: bool, codec: str = "cp1252") -> str:
    cch = raw[0]
    if biff5:       # 8-bit text in the workbook's code page (CODEPAGE, 2.4.52)
        return bytes(raw[1:1 + cch]).decode(codec, "replace")
    if raw[1] & 1:
        return bytes(raw[2:2 + 2 * cch]).decode("utf-16-le")
    return bytes(raw[2:2 + cch]).decode("latin-1")


def codec_of(codepage: int) -> str:
    """The Python codec of an .xls CODEPAGE value ([MS-XLS] 2.4.52: a Windows code page,
    or 1200 UTF-16, 10000 and 32768 Mac Roman, 32769 Windows-1252, 367 ASCII)."""
    import codecs

    special = {1200: "utf-16-le", 10000: "mac_roman", 32768: "mac_roman", 32769: "cp1252", 367: "ascii"}
    name = special.get(codepage) or DOUBLE_BYTE.get(codepage) or f"cp{codepage}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1252"


@dataclass
class DoubleByteTexts:
    """An Excel 5.0/95 (BIFF5) workbook written in a double-byte code page (GBK, Big5,
    Shift_JIS, Korean): python-calamine reads its 8-bit texts one byte at a time, so
    "客户" comes out as "����". Here are its sheet names (BOUNDSHEET, 2.4.28, in file
    order) and, per sheet, its text cells (LABEL 2.4.148, RSTRING 2.4.225, a formula's
    text result in STRING 2.4.268) decoded in the workbook's code page."""

    codepage: int
    codec: str
    names: list[str]
    starts: list[int]
    data: memoryview
    evidence: str = ""          # why `codec` and not the CODEPAGE record's (single-byte books)

    def cells(self, index: int) -> dict[int, dict[int, str]]:
        """{row (1-based): {column (0-based): text}} of sheet `index`."""
        out: dict[int, dict[int, str]] = {}
        header = struct.Struct("<HH").unpack_from
        data, pos, end = self.data, self.starts[index], len(self.data)
        first, formula_at = True, None
        while pos + 4 <= end:
            typ, length = header(data, pos)
            off = pos + 4
            pos = off + length
            if pos > end:
                break
            if typ == BOF:
                if not first:
                    break
                first = False
            elif typ == EOF:
                break
            elif typ in (LABEL, RSTRING) and length >= 8:
                row, col, _xf, cch = struct.unpack_from("<HHHH", data, off)
                out.setdefault(row + 1, {})[col] = bytes(data[off + 8:off + 8 + cch]).decode(self.codec, "replace")
            elif typ == FORMULA and length >= 14:
                # FormulaValue (2.5.133): a text result follows in a STRING record
                text_result = data[off + 12] == 0xFF and data[off + 13] == 0xFF and data[off + 6] == 0
                formula_at = struct.unpack_from("<HH", data, off) if text_result else None
            elif typ == STRING and length >= 2 and formula_at is not None:
                cch = _u16(data, off)
                row, col = formula_at
                out.setdefault(row + 1, {})[col] = bytes(data[off + 2:off + 2 + cch]).decode(self.codec, "replace")
                formula_at = None
        return out


def double_byte_texts(path: Path) -> DoubleByteTexts | None:
    """The decoded names and texts of an Excel 5.0/95 workbook in a double-byte code
    page (see DoubleByteTexts); None for any other .xls (calamine reads those right:
    BIFF8 texts are UTF-16, single-byte code pages it decodes)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("Workbook") or not ole.exists("Book"):
                return None
            data = memoryview(ole.openstream("Book").read())
    except Exception:   # noqa: BLE001 - calamine reports a damaged file itself
        return None
    codepage, names, starts, raw_names = None, [], [], []
    try:
        for typ, off, length in _records(data, 0, ""):
            if typ == BOF and length >= 2 and _u16(data, off) != 0x0500:
                return None
            if typ == CODEPAGE and length >= 2:
                codepage = _u16(data, off)
            elif typ == BOUNDSHEET and length >= 7:
                (start,) = struct.unpack_from("<I", data, off)
                starts.append(start)
                raw_names.append(data[off + 6:off + length])
            elif typ == EOF:
                break
    except (struct.error, IndexError, ImportRefused):
        return None
    codec, evidence = DOUBLE_BYTE.get(codepage), ""
    if codec is None:
        # calamine decodes 8-bit texts in the declared code page; a CODEPAGE record that
        # does not fit the texts (1252 or 65001 declared, Turkish bytes written) is not trusted
        texts = [bytes(r[1:1 + r[0]]) for r in raw_names if len(r)] + _texts_8bit(data, starts)
        codec, evidence = _checked_codec(codepage, texts, path.name)
        if codec is None:
            return None
    names = [_sheet_name(r, True, codec) for r in raw_names]
    return DoubleByteTexts(codepage or 0, codec, names, starts, data, evidence)


def _texts_8bit(data: memoryview, starts: list[int]) -> list[bytes]:
    """The raw bytes of every LABEL and RSTRING text (2.4.148, 2.4.225) of the sheets at `starts`."""
    out: list[bytes] = []
    header = struct.Struct("<HH").unpack_from
    for start in starts:
        pos, end, first = start, len(data), True
        while pos + 4 <= end:
            typ, length = header(data, pos)
            off, pos = pos + 4, pos + 4 + length
            if pos > end or typ == EOF or (typ == BOF and not first):
                break
            first = False
            if typ in (LABEL, RSTRING) and length >= 8:
                cch = _u16(data, off + 6)
                out.append(bytes(data[off + 8:off + 8 + cch]))
    return out


def _checked_codec(codepage: int | None, texts: list[bytes], file_name: str) -> tuple[str | None, str]:
    """(the codec to read a single-byte Excel 5.0/95 book's `texts` in, why) when the
    CODEPAGE record's does not fit them, or (None, "") when it does (calamine reads it).
    The texts are weighed as a CSV's are (`encoding.decide`): the declared code page
    stands when it reads them without "�" and is the reading chosen or among the
    plausible ones; EncodingUncertain when neither it nor another clearly fits."""
    import codecs

    from .encoding import EncodingUncertain, decide

    sample = b"\n".join(texts)
    if sample.isascii():
        return None, ""
    declared = codec_of(codepage) if codepage is not None else "cp1252"
    if codepage == 65001:
        declared = "utf-8"
    clean = declared not in ("utf-16-le", "ascii") and "\ufffd" not in sample.decode(declared, "replace")
    record = f"CODEPAGE record ({codepage})" if codepage is not None else "no CODEPAGE record"
    try:
        chosen = decide(sample, complete=True, file_name=file_name)
    except EncodingUncertain as stop:
        if clean and f"--encoding {declared} " in str(stop) + " ":
            return None, ""
        raise EncodingUncertain(f"{file_name} is an Excel 5.0/95 workbook whose {record} does not fit "
                                f"its texts, and they read as more than one text: {stop.message.split(': ', 1)[1]}"
                                .split(" Say which with")[0] + " Open it in Excel or LibreOffice and save it "
                                "as .xlsx.") from None
    name = codecs.lookup(chosen.name).name
    if clean and name == codecs.lookup(declared).name:
        return None, ""
    return name, (f"the workbook's {record} does not fit its texts"
                  + (" (unreadable bytes)" if not clean else "") + f"; read as {chosen.label}: {chosen.evidence}")
