"""What an .xlsx sheet's XML says about its cells beyond their values.

calamine gives a cell's value only. Two facts it drops change what a person sees:
- a number shown through a zero-padded format (`00000`: 2134 is shown as 02134, a
  US ZIP code; `000000` a Chinese postal code): `shown` holds the text as Excel
  displays it, so text fields keep their leading zeros (ECMA-376 Part 1, 18.8.30
  numFmt and 18.8.31 numFmts);
- a formula cell with no saved result (`<c><f>…</f></c>` and no or an empty `<v>`, as written by
  generators that never ran Excel; ECMA-376 Part 1, 18.3.1.40 f): calamine reads it
  as an empty cell. `formulas` lists such cells per column so the importer can refuse
  the column instead of storing blanks.

Read with a regular expression over the sheet's XML, only for sheets up to
FACTS_LIMIT bytes (bigger ones go through the streaming reader).
"""

from __future__ import annotations

import re
import zipfile
from xml.sax.saxutils import unescape
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

FACTS_LIMIT = 64 * 1024 * 1024
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>")
_ZEROS = re.compile(r"^0{2,}$")


@dataclass
class CellFacts:
    shown: dict[int, dict[int, str]] = field(default_factory=dict)       # row -> col -> displayed text
    formulas: dict[int, list[tuple[int, str]]] = field(default_factory=dict)   # col -> [(row, formula)]


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _padded_styles(z: zipfile.ZipFile) -> dict[int, int]:
    """cellXfs index -> width, for styles whose number format is all zeros ("00000")."""
    import xml.etree.ElementTree as ET

    entry = next((n for n in z.namelist() if n.lower() == "xl/styles.xml"), None)
    if entry is None:
        return {}
    try:
        root = ET.fromstring(z.read(entry))
    except ET.ParseError:
        return {}
    local = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
    widths = {int(el.get("numFmtId", "-1")): len(el.get("formatCode", ""))
              for el in root.iter() if local(el.tag) == "numFmt"
              and _ZEROS.match(el.get("formatCode", "")) and el.get("numFmtId", "").isdigit()}
    out: dict[int, int] = {}
    for el in root.iter():
        if local(el.tag) == "cellXfs":
            for i, xf in enumerate(x for x in el if local(x.tag) == "xf"):
                fmt = xf.get("numFmtId", "0")
                if fmt.isdigit() and int(fmt) in widths:
                    out[i] = widths[int(fmt)]
    return out


def read_facts(path: Path, sheet_name: str) -> CellFacts | None:
    """The facts of one sheet of an .xlsx file; None when there are none or it is too big."""
    from .xlsx_stream import sheet_part

    info = sheet_part(path, sheet_name)
    if info is None or info.file_size > FACTS_LIMIT:
        return None
    try:
        with zipfile.ZipFile(path) as z:
            padded = _padded_styles(z)
            data = z.read(info)
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    if not padded and b"<f" not in data and b":f" not in data:
        return None
    facts = CellFacts()
    for match in _CELL.finditer(data):
        attrs, body = match.group(1), match.group(2) or b""
        ref = _REF.search(attrs)
        if ref is None:
            continue
        col, row = _col(ref.group(1)), int(ref.group(2))
        value = _VALUE.search(body)
        if value is None or not value.group(1):       # openpyxl writes <v></v>
            formula = _FORMULA.search(body)
            if formula is not None:
                text = unescape((formula.group(1) or b"").decode("utf-8", "replace"))
                facts.formulas.setdefault(col, []).append((row, "=" + text[:60] if text else "(shared formula)"))
            continue
        style = _STYLE.search(attrs)
        kind = _TYPE.search(attrs)
        if style is None or (kind is not None and kind.group(1) != b"n"):
            continue
        width = padded.get(int(style.group(1)))
        if width is None:
            continue
        try:
            number = Decimal(value.group(1).decode())
        except (InvalidOperation, UnicodeDecodeError):
            continue
        if number == number.to_integral_value() and number >= 0:
            facts.shown.setdefault(row, {})[col] = str(int(number)).zfill(width)
    return facts if facts.shown or facts.formulas else None
