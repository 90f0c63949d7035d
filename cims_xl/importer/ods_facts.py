"""What an .ods sheet's content.xml says about its cells beyond their values.

The OpenDocument twin of `cell_facts` (.xlsx) and `xls_facts` (.xls). calamine gives a
cell's value only; three facts it drops change what the importer must store:
- an error value (`#N/A`, `#DIV/0!`, LibreOffice's `Err:502`): calamine reads it as
  an empty cell. LibreOffice marks it `calcext:value-type="error"`; other writers give
  the formula and the error as the cell's text with no value;
- a formula with no saved value (`table:formula` and no `office:value-type`, as
  generators that never ran a spreadsheet write it; OpenDocument 1.2 Part 1, 19.642
  table:formula, 19.387 office:value-type): calamine reads it as empty; listed per
  column so the importer refuses the column instead of storing blanks;
- rows and columns not shown (`table:visibility` "collapse" or "filter"), listed in
  the summary as an .xlsx file's hidden rows and columns are;
- a currency cell (`office:value-type="currency"` with `office:currency="EUR"`,
  OpenDocument 1.2 Part 1, 19.385 office:value-type and 19.369 office:currency):
  calamine gives its number only; `amounts` holds it as a `money.ShownAmount` in the
  currency the cell names (else the symbol its text shows), as an .xlsx number
  formatted `[$€-407]` is, so the amount is stored in its own currency;
- a number shown through its format (`00000` shows 2134 as `02134`, `"ID-"0000`
  shows 17 as `ID-0017`, a percentage 0.25 as `25%`): an .ods file keeps the text as
  shown in the cell's paragraph, which is taken for text fields (`cells.ShownText`)
  when it is the number's digits with zeros or text around them.

Read with lxml's iterparse over the chosen table only, for content.xml up to
FACTS_LIMIT bytes (`limits.check_ods` has bounded the file before).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..domain import money
from .cell_facts import FACTS_LIMIT, FORMAT_TEXTS_MAX, HIDDEN_MAX, CellFacts, _known_word
from .cells import ERROR_TEXT, DateText, ShownText, error_cell

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_T = "{%s}" % _TABLE
_O = "{%s}" % _OFFICE
_ROW, _CELL, _COVERED, _TABLE_EL = _T + "table-row", _T + "table-cell", _T + "covered-table-cell", _T + "table"
_COLUMN = _T + "table-column"
# number styles (OpenDocument 1.2 Part 1, 16.27.7 number:currency-style, 16.27.8
# number:currency-symbol with number:language / number:country, 19.351 number:country)
# and the cell styles that use them (style:data-style-name, 19.476)
_STYLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_NUMBER_NS = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_CURRENCY_STYLE, _CURRENCY_SYMBOL = _NUMBER_NS + "currency-style", _NUMBER_NS + "currency-symbol"
_CELL_STYLE, _STYLE_MAP = _STYLE_NS + "style", _STYLE_NS + "map"
# table:visibility of a row or column (OpenDocument 1.2 Part 1, 19.740): "collapse"
# (hidden by the user) and "filter" (hidden by a filter) are not shown
_NOT_SHOWN = ("collapse", "filter")
MAX_REPEAT = 1024       # a repeated cell with content is applied to at most this many columns
_DIGITS = re.compile(r"\D")


MERGED_MAX = 200_000          # merged cells kept (table.MergeFiller bounds the cells they cover)
MAX_SPAN = 1_048_576         # rows one merged cell may span


def read_ods_facts(path: Path, sheet_name: str) -> CellFacts | None:
    """The facts of one sheet of an .ods file; None when there are none, the part is
    too big, or it cannot be read (calamine reports a damaged file itself)."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("content.xml")
            if info.file_size > FACTS_LIMIT:
                return None
            data = z.read(info)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    offset = _serial_offset(data)
    if (b"table:formula" not in data and b"style-name" not in data and b"table:visibility" not in data
            and b'value-type="currency"' not in data and b"-spanned" not in data):
        return CellFacts(serial_offset=offset) if offset else None
    try:
        common = _styles_part(path) if b"line-through" in data or b"parent-style-name" in data else b""
        facts = _facts(data, sheet_name, _StyleLocales(common or _styles_part(path))
                       if b'value-type="currency"' in data else None, common)
    except Exception:   # noqa: BLE001 - lxml's XMLSyntaxError and friends: no facts
        facts = None
    if offset:
        facts = facts or CellFacts()
        facts.serial_offset = offset
    return facts


_NULL_DATE = re.compile(rb'<table:null-date\b[^>]*table:date-value="(\d{4})-(\d\d)-(\d\d)')


def _serial_offset(data: bytes) -> int:
    """Days between the document's null date (OpenDocument 1.2 Part 1, 9.4.2
    table:null-date; 1899-12-30 when not given) and Excel's, for numbers in date columns."""
    import datetime as dt

    m = _NULL_DATE.search(data[:1 << 20])
    if m is None:
        return 0
    try:
        null = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return 0
    return (null - dt.date(1899, 12, 30)).days


def _styles_part(path: Path) -> bytes:
    """styles.xml (the document's common styles, where LibreOffice keeps the number styles
    of currency formats), or b"" when it is missing or over FACTS_LIMIT."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("styles.xml")
            return z.read(info) if info.file_size <= FACTS_LIMIT else b""
    except (OSError, KeyError, zipfile.BadZipFile):
        return b""


class _StyleLocales:
    """The country a currency cell's style names: its cell style (style:style, in
    content.xml's automatic styles or styles.xml) uses a number style whose currency
    symbol carries number:language / number:country ("¥" with ja / JP: LibreOffice's
    "¥ Japanese" format), or one that style maps to (style:map). The currencies of that
    country settle the symbol as an .xlsx format's [$¥-411] does."""

    def __init__(self, styles: bytes = b""):
        self.data: dict[str, str] = {}            # number style -> locale tag ("ja-JP")
        self.maps: dict[str, list[str]] = {}      # number style -> the styles it maps to
        self.cells: dict[str, str] = {}           # cell style -> its number style
        if styles:
            from lxml import etree
            try:
                for _event, el in etree.iterparse(io.BytesIO(styles), events=("end",), huge_tree=False,
                                                  resolve_entities=False, no_network=True):
                    self.note(el)
            except Exception:   # noqa: BLE001 - lxml's XMLSyntaxError: no locales from it
                pass

    def note(self, el) -> None:
        """One style element at its end (others are passed over)."""
        if el.tag == _CURRENCY_STYLE and (name := el.get(_STYLE_NS + "name")):
            for sym in el.iter(_CURRENCY_SYMBOL):
                tag = sym.get(_NUMBER_NS + "rfc-language-tag") or "-".join(
                    x for x in (sym.get(_NUMBER_NS + "language"), sym.get(_NUMBER_NS + "script"),
                                sym.get(_NUMBER_NS + "country")) if x)
                if tag:
                    self.data[name] = tag
                    break
            self.maps[name] = [m.get(_STYLE_NS + "apply-style-name") for m in el.iter(_STYLE_MAP)
                               if m.get(_STYLE_NS + "apply-style-name")]
        elif el.tag == _CELL_STYLE and (name := el.get(_STYLE_NS + "name")) \
                and (data := el.get(_STYLE_NS + "data-style-name")):
            self.cells[name] = data

    def currencies(self, cell_style: str | None) -> tuple[str, ...]:
        """The currencies of the country the cell style's currency format names, else ()."""
        data = self.cells.get(cell_style or "")
        if data is None:
            return ()
        tag = self.data.get(data) or next((self.data[m] for m in self.maps.get(data, ()) if m in self.data), "")
        return money.currencies_of_locale_tag(tag) if tag else ()


def _facts(data: bytes, sheet_name: str, locales: _StyleLocales | None = None,
           styles_part: bytes = b"") -> CellFacts | None:
    from lxml import etree

    facts = CellFacts()
    column_styles: dict[int, str] = {}        # column -> its default cell style (table:default-cell-style-name)
    # cell styles whose text is struck through (style:text-line-through-style other than
    # none, OpenDocument 1.2 Part 1, 20.380), and the others' parents (style:parent-style-name)
    struck: set[str] = set(_struck_styles(styles_part)) if styles_part else set()
    parents: dict[str, str] = {}
    listed = 0
    inside = False
    row = 0                  # rows before the current one (the current one is row + 1)
    col = 0
    columns = 0              # table:table-column elements' columns so far
    for event, el in etree.iterparse(io.BytesIO(data), events=("start", "end"), huge_tree=False,
                                     resolve_entities=False, no_network=True):
        tag = el.tag
        if tag == _TABLE_EL:
            if event == "start":
                inside = el.get(_T + "name") == sheet_name
                row = columns = 0
            elif inside:
                break
            else:
                el.clear()
            continue
        if not inside:
            if locales is not None and event == "end" and tag in (_CURRENCY_STYLE, _CELL_STYLE):
                locales.note(el)          # content.xml's automatic styles
            if event == "end" and tag == _CELL_STYLE and (name := el.get(_STYLE_NS + "name")):
                if _strikes(el):
                    struck.add(name)
                elif parent := el.get(_STYLE_NS + "parent-style-name"):
                    parents[name] = parent
            continue
        if tag == _ROW:
            if event == "start":
                col = 0
            else:
                repeat = int(el.get(_T + "number-rows-repeated") or 1)
                if el.get(_T + "visibility") in _NOT_SHOWN and len(facts.hidden_rows) < HIDDEN_MAX:
                    facts.hidden_rows.extend(range(row + 1, row + 1 + min(repeat, HIDDEN_MAX)))
                row += repeat
                el.clear()
            continue
        if tag == _COLUMN:
            if event == "end":
                repeat = int(el.get(_T + "number-columns-repeated") or 1)
                if el.get(_T + "visibility") in _NOT_SHOWN:
                    facts.hidden_cols.extend(range(columns, columns + min(repeat, MAX_REPEAT)))
                if (default := el.get(_T + "default-cell-style-name")):
                    column_styles.update((c, default) for c in range(columns, columns + min(repeat, MAX_REPEAT)))
                columns += repeat
            continue
        if event != "end" or tag not in (_CELL, _COVERED):
            continue
        repeat = int(el.get(_T + "number-columns-repeated") or 1)
        down = int(el.get(_T + "number-rows-spanned") or 1)
        across = int(el.get(_T + "number-columns-spanned") or 1)
        if (down > 1 or across > 1) and tag == _CELL and len(facts.merged) < MERGED_MAX:
            facts.merged.append(((row, col), (row + min(down, MAX_SPAN) - 1, col + min(across, MAX_REPEAT) - 1)))
        fact = _cell_fact(el, row + 1, facts, locales.currencies(el.get(_T + "style-name") or column_styles.get(col))
                          if locales is not None and el.get(_O + "value-type") == "currency" else ())
        if el.get(_O + "value-type") == "float" and not isinstance(fact, money.ShownAmount) \
                and (shown := _text(el)) and (unread := shown_text(shown) or (
                    "%" if _PERCENT_TEXT.match(shown) else None)) is not None:
            # a float (not a percentage) cell shown "120%": the style writes the sign as
            # text, the number is not scaled (an amount column asks what it means)
            found = facts.format_texts.setdefault(col, [])
            if len(found) < FORMAT_TEXTS_MAX:
                found.append((row + 1, unread, shown))
        if struck and tag == _CELL and listed < STRUCK_MAX and (
                el.get(_O + "value-type") is not None or _text(el)):
            style = el.get(_T + "style-name") or column_styles.get(col)
            if style in struck or parents.get(style or "") in struck:
                facts.struck.setdefault(row + 1, set()).update(range(col, col + min(repeat, MAX_REPEAT)))
                listed += 1
        if isinstance(fact, money.ShownAmount):
            for c in range(col, col + min(repeat, MAX_REPEAT)):
                facts.amounts.setdefault(row + 1, {})[c] = fact
        elif fact is not None:
            for c in range(col, col + min(repeat, MAX_REPEAT)):
                facts.shown.setdefault(row + 1, {})[c] = fact
        elif el.get(_T + "formula") and el.get(_O + "value-type") is None and not _text(el):
            text = el.get(_T + "formula")
            text = re.sub(r"^(?:of|oooc|msoxl):", "", text)
            facts.formulas.setdefault(col, []).append((row + 1, text[:61]))
        col += repeat
    del facts.hidden_rows[HIDDEN_MAX:]
    return facts if (facts.shown or facts.formulas or facts.amounts or facts.hidden_rows or facts.hidden_cols
                     or facts.merged or facts.format_texts or facts.struck) else None


STRUCK_MAX = 100_000       # struck cells listed
_TEXT_PROPERTIES = _STYLE_NS + "text-properties"


def _strikes(style) -> bool:
    """Whether a style:style strikes its text through (style:text-properties with
    style:text-line-through-style other than none; OpenDocument 1.2 Part 1, 20.380)."""
    for child in style:
        if child.tag == _TEXT_PROPERTIES:
            kind = child.get(_STYLE_NS + "text-line-through-style")
            return kind is not None and kind != "none"
    return False


def _struck_styles(styles: bytes) -> set[str]:
    """The common cell styles of styles.xml that strike their text through."""
    from lxml import etree

    if b"line-through" not in styles:
        return set()
    try:
        root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return set()
    return {el.get(_STYLE_NS + "name") for el in root.iter(_CELL_STYLE) if _strikes(el) and el.get(_STYLE_NS + "name")}


def _text(el) -> str:
    return "\n".join("".join(p.itertext()) for p in el if p.tag.endswith("}p")).strip()


def _cell_fact(el, row: int, facts: CellFacts, locale: tuple[str, ...] = ()):
    """An Unreadable (error), a ShownAmount (a currency cell) or a ShownText for this
    cell, else None. `locale`: the currencies of the country the cell's currency format
    names (_StyleLocales)."""
    vtype = el.get(_O + "value-type")
    formula = el.get(_T + "formula")
    if el.get("{%s}value-type" % _CALCEXT) == "error" or (
            formula and vtype in (None, "string") and not el.get(_O + "string-value")
            and ERROR_TEXT.match(_text(el))):
        facts.errors += 1
        return error_cell(_text(el))
    if vtype == "currency":
        return _currency_cell(el, locale)
    if vtype in ("date", "time"):
        # a date cell: the text its style shows ("12-Oct"), for text fields (cells.DateText)
        text = _text(el)
        return DateText(text) if text else None
    if vtype not in ("float", "percentage") or el.get(_T + "style-name") is None:
        return None
    try:
        number = float(el.get(_O + "value") or "")
    except ValueError:
        return None
    text = _text(el)
    if not text:
        return None
    if vtype == "float" and (amount := _unit_amount(el.get(_O + "value") or "", number, text)) is not None:
        return amount
    if vtype == "percentage":
        return ShownText(text, number) if text.endswith("%") else None
    if text.endswith("%") and _DIGITS.sub("", text):
        # a number whose style writes the percent sign as text (12.5 shown "12,5 %"): the
        # percentage shown, a share of 1, as a percentage cell holds it
        return ShownText(text, number / 100, number)
    if number < 0 or not number.is_integer() or "," in text or "." in text:
        return None
    plain = str(int(number))
    digits = _DIGITS.sub("", text)
    if text == plain or digits.lstrip("0") != plain.lstrip("0"):
        return None              # shown as itself, or not its digits (1.2E+10, a date)
    return ShownText(text, number)


_SHOWN_UNIT = re.compile(r"^\s*(?P<n>[-+\u2212]?\d[\d.,'\s\u00a0\u202f]*)\s*(?P<unit>[^\d\s.,][^\d]{0,15}?)\s*$")


_PERCENT_TEXT = re.compile(r"^\s*[-+\u2212]?\d[\d.,'\s\u00a0\u202f]*%\s*$")
_SHOWN_BEFORE = re.compile(r"^\s*(?P<unit>[^\d\s.,+\-\u2212(][^\d]{0,15}?)\s*(?P<n>[-+\u2212]?\d[\d.,'\s\u00a0\u202f]*)\s*$")


def shown_text(text: str) -> str | None:
    """The text a number's style shows beside its digits ("12.5 pts", "40 Stk", "12 件",
    "Score: 7") when it is no scale, currency, mark or percent sign the importer reads
    (cell_facts.format_text, the .xlsx twin), else None."""
    m = _SHOWN_UNIT.match(text) or _SHOWN_BEFORE.match(text)
    if m is None:
        return None
    words = [w for w in m.group("unit").replace("%", " ").split() if not _known_word(w)]
    unread = " ".join(words)
    return unread if any(ch.isalpha() for ch in unread) else None


_MARK_SHOWN = re.compile(r"^(CR|DR)\.?$", re.IGNORECASE)


def _unit_amount(value: str, number: float, text: str) -> "money.ShownAmount | None":
    """A number whose style shows a unit after it ("1.2万元", "1,200千円", "12.5 T€"): the
    amount is the number times the unit's scale, in its currency (amount_units), unless
    the style divides the number for display (1200000 shown "1,200K€": the number shown is
    not the cell's, which holds the amount itself)."""
    from .amount_units import FORMAT_WORDS, read_unit

    m = _SHOWN_UNIT.match(text)
    if m is not None and (mark := _MARK_SHOWN.match(m.group("unit"))) is not None:
        # "99.90 Cr", "120.00 Dr" (-120 shown without its minus): a credit or debit mark,
        # or India's crore: format_marks decides on the whole file
        shown = mark.group(1).capitalize()
        hidden = number < 0 and not m.group("n").lstrip().startswith(("-", "\u2212"))
        try:
            return money.ShownAmount(value, "", (), None, f"{shown}|{shown}" if hidden else shown)
        except ArithmeticError:
            return None
    if m is None or (unit := read_unit(m.group("unit"))) is None or unit.scale == 1 or (
            not unit.codes and unit.scale_word.casefold() not in FORMAT_WORDS):
        return None
    digits = re.sub(r"[\s\u00a0\u202f']", "", m.group("n")).replace("\u2212", "-")
    readings = set()
    for group, mark in ((",", "."), (".", ",")):
        try:
            readings.add(float(digits.replace(group, "").replace(mark, ".")))
        except ValueError:
            continue
    divided = not any(abs(r - number) <= max(abs(number) * 1e-9, 0.5 * 10 ** -_decimals(digits)) for r in readings)
    try:
        if divided:                       # shown divided: the cell holds the amount, in the currency shown
            return money.ShownAmount(value, unit.currency, ()) if unit.codes else None
        return money.ShownAmount(value, unit.currency or "", (), unit.scale, m.group("unit").strip())
    except ArithmeticError:
        return None


def _decimals(digits: str) -> int:
    """Decimals shown after the last mark ("1.20" -> 2; "1,200" -> 0 counts as grouping)."""
    last = max(digits.rfind("."), digits.rfind(","))
    tail = digits[last + 1:] if last >= 0 else ""
    return len(tail) if last >= 0 and len(tail) != 3 else 0


_NOT_SYMBOL = re.compile(r"[\d\s.,'\u00a0\u202f+\-\u2212()]+")


def _currency_cell(el, locale: tuple[str, ...] = ()) -> "money.ShownAmount | None":
    """The amount of a currency cell with its currency: the ISO 4217 code the cell
    names (office:currency, OpenDocument 1.2 Part 1, 19.369), else the symbol or code
    its shown text writes beside the digits ("1.234,50 €"); None when the cell has no
    number or shows no currency (the number is then read as any number cell). A symbol
    several currencies share ("¥") is settled by `locale`, the currencies of the country
    the cell's currency format names ("¥ Japanese": JPY)."""
    value = el.get(_O + "value")
    if not value:
        return None
    code = (el.get(_O + "currency") or "").strip()
    try:
        if code and money.is_currency_code(code):
            return money.ShownAmount(value, code.upper(), (code.upper(),))
        token = " ".join(_NOT_SYMBOL.sub(" ", _text(el)).split())
        if token and money.names_currency(token):
            return money.ShownAmount(value, token, locale)
    except (ArithmeticError, ValueError):
        return None
    return None
