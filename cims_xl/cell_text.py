"""Text in spreadsheet cells, without any workbook library: pure functions both sides use.

- `is_risky`: text a spreadsheet would run as a formula (or DDE payload) if written as
  is: starting with =, +, -, @, tab or CR (OWASP "CSV injection"), or with their
  full-width forms ＝ ＋ － ＠, which Excel with a CJK input method turns into the
  ASCII ones when the cell is entered, and the small forms ﹦ ﹢ ﹣ ﹫ (Unicode's compatibility
  forms of the same signs, NFKC-equal to them: guarded the same way, in case a program
  folds them before it reads the cell).
- `ooxml_escape` / `ooxml_unescape`: text as an .xlsx file stores it (ECMA-376 Part 1
  §22.9.2.19 ST_Xstring: characters XML cannot carry are written _xHHHH_).
- `text_width_chars`: a line's width in Excel column units (wide CJK characters: two).
- `wrapped_line_count`: the lines a text wraps into in a cell of a given width.

The workbook writers (excel/, reports, importer) and the CLI import these from here or
through `cims_xl.excel.safe`; no openpyxl, lxml or xlwings here.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20",
                    "\ufe66", "\ufe62", "\ufe63", "\ufe6b")


def is_risky(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_TRIGGERS


# A CSV file is split into cells on whatever list separator the spreadsheet's locale uses
# (Excel in de/fr/nl/...: ";"; some: tab or "|"), and a quote inside a field is not a
# quote to a reader that splits elsewhere; a line break inside a field starts a new row
# for such a reader. So text after any of these, inside a field, can be a cell's start.
# (A "," inside a field is not: a reader splitting on "," sees the field quoted from its
# start, and one splitting on anything else does not split there.)
CSV_SPLITS = ";|\t\r\n"
_TRIGGER_CLASS = "".join("\\" + ch if ch in "-\\]^" else ch for ch in FORMULA_TRIGGERS)
_INNER_RISK = re.compile(f"([{CSV_SPLITS}] *)('*)(?=[{_TRIGGER_CLASS}])")
_INNER_GUARD = re.compile(f"([{CSV_SPLITS}] *)'('*)(?=[{_TRIGGER_CLASS}])")


def csv_guarded(text: str) -> str:
    """`text` as a CSV field that no spreadsheet runs as a formula, whatever list
    separator it splits on: an apostrophe before a formula start at the field's start
    and after every separator or line break inside it (spaces between allowed), one more
    where apostrophes already stand there, so that `csv_unguarded` gives back `text`
    exactly (our importer reads our exports back to the same records)."""
    text = _INNER_RISK.sub(lambda m: m[1] + "'" + m[2], text)
    return "'" + text if is_risky(text.lstrip("'")) else text


def csv_unguarded_inner(text: str) -> str:
    """Inverse of `csv_guarded` inside a field (its start: the importer's own guard rule)."""
    return _INNER_GUARD.sub(lambda m: m[1] + m[2], text) if "'" in text else text


# Text in an .xlsx file: characters XML cannot carry (control characters, and CR, which
# XML reads back as LF) are written as Excel writes them, _xHHHH_; a literal "_xHHHH"
# that would read as such an escape (followed by "_", or by a character escaped here)
# gets its "_" escaped as _x005F_. Excel, calamine and `ooxml_unescape` read it back
# exactly. openpyxl does neither: it refuses control characters and keeps escapes as
# they are.
_XML_UNSAFE = "\x00-\x08\x0b\x0c\r\x0e-\x1f"
_OOXML_ESCAPE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}[_{_XML_UNSAFE}])|[{_XML_UNSAFE}]")
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _escape_one(m: re.Match) -> str:
    ch = m.group()
    return "_x005F_" if ch == "_" else f"_x{ord(ch):04X}_"


def _unescape_one(m: re.Match) -> str:
    code = int(m.group(1), 16)
    return m.group() if 0xD800 <= code <= 0xDFFF else chr(code)   # no lone surrogates


def ooxml_escape(text: str) -> str:
    """Text as an .xlsx file stores it (see above)."""
    return _OOXML_ESCAPE.sub(_escape_one, text)


def ooxml_unescape(text: str) -> str:
    """Inverse of `ooxml_escape`, and what Excel reads from a file."""
    return _OOXML_ESCAPED.sub(_unescape_one, text) if "_x" in text else text


def text_width_chars(text: str) -> float:
    """Width of one line of text in Excel column units (characters of the body font).

    CJK and other wide characters take two units; a margin of 10 % covers capitals and
    proportional faces wider than the digit width a column unit is measured in.
    """
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return units * 1.1


# A wrapped cell breaks lines at spaces, and anywhere between two wide (CJK) characters,
# which have no spaces between words (UAX #14 class ID; what Excel and LibreOffice do).
def wrapped_line_count(text: str, width_chars: float) -> int:
    """Lines `text` takes when wrapped in a cell `width_chars` Excel column units wide.

    Greedy, as spreadsheets wrap: words (runs of narrow characters) stay whole, a wide
    (CJK) character may start a new line on its own, explicit newlines start a new line;
    a word wider than the cell takes a line per cell width. Widths are `text_width_chars`
    (so the same 10 % margin). At least 1, also for empty text.
    """
    width = max(float(width_chars), 1.0)
    total = 0
    for para in text.split("\n"):
        lines, used = 1, 0.0
        for token in _tokens(para):
            w = text_width_chars(token)
            if token.isspace():
                used += w
                continue
            if used > 0 and used + w > width:
                lines, used = lines + 1, 0.0
            while w > width:                 # a word longer than the cell is broken
                lines, w = lines + 1, w - width
            used += w
        total += lines
    return max(total, 1)


def _tokens(para: str) -> list[str]:
    """Spaces, single wide characters, and words of narrow characters."""
    out: list[str] = []
    word = ""
    for ch in para:
        if ch.isspace() or unicodedata.east_asian_width(ch) in "WF":
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
    if word:
        out.append(word)
    return out
