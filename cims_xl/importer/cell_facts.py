"""What an .xlsx sheet's XML says about its cells beyond their values.

calamine gives a cell's value only. Two facts it drops change what a person sees:
- a number shown through a zero-padded format (`00000`: 2134 is shown as 02134, a
  US ZIP code; `000000` a Chinese postal code): `shown` holds the text as Excel
  displays it, so text fields keep their leading zeros (ECMA-376 Part 1, 18.8.30
  numFmt and 18.8.31 numFmts);
- a formula cell with no saved result (`<c><f>…</f></c>` and no or an empty `<v>`, as written by
  generators that never ran Excel; ECMA-376 Part 1, 18.3.1.40 f): calamine reads it
  as an empty cell. `formulas` lists such cells per column so the importer can refuse
  the column instead of storing blanks;
- a number shown through a format that names a currency (`#,##0.00 [$€-407]`,
  `[$$-409]#,##0.00`, `"£"#,##0.00`, `¥#,##0`; ECMA-376 Part 1, 18.8.31 numFmts, the
  `[$SYMBOL-LCID]` form of 18.8.30): `amounts` holds it as a `money.ShownAmount`, the
  exact number with that currency, so an amount is stored in the currency it shows.

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

from ..domain import money
from .amount_units import FORMAT_WORDS, read_unit
from .cells import DateText, ShownText, error_cell
from .date_formats import BUILTIN_DATE_FORMATS, DateFormat

FACTS_LIMIT = 64 * 1024 * 1024
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>")
_ZEROS = re.compile(r"^0{2,}$")
_EMPTY_VALUE = re.compile(rb"<(?:\w+:)?v\s*/>")
_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\bhidden=\"(?:1|true)\"[^>]*>")
_HIDDEN_COL = re.compile(rb"<(?:\w+:)?col\b[^>]*?\bhidden=\"(?:1|true)\"[^>]*>")
_ROW_NUMBER = re.compile(rb'\br="(\d{1,7})"')
_COL_SPAN = re.compile(rb'\bmin="(\d{1,5})"[^>]*?\bmax="(\d{1,5})"|\bmax="(\d{1,5})"[^>]*?\bmin="(\d{1,5})"')
HIDDEN_MAX = 100_000            # hidden rows listed (a sheet may hide a million)
FORMAT_TEXTS_MAX = 10_000       # cells listed per column whose format shows unread text


@dataclass
class CellFacts:
    shown: dict[int, dict[int, str]] = field(default_factory=dict)       # row -> col -> displayed text
    formulas: dict[int, list[tuple[int, str]]] = field(default_factory=dict)   # col -> [(row, formula)]
    amounts: dict[int, dict[int, money.ShownAmount]] = field(default_factory=dict)  # row -> col -> amount
    errors: int = 0                       # cells of `shown` that hold an error value (#N/A)
    # days to add to a date serial read in Excel's 1900 system: 1462 in a workbook that
    # counts from 1904 (xlsx workbookPr date1904, xls DATEMODE, ods null-date 1904-01-01)
    serial_offset: int = 0
    # rows and columns the sheet hides (ECMA-376 Part 1, 18.3.1.73 row and 18.3.1.13 col,
    # attribute hidden): 1-based row numbers, 0-based column indexes
    hidden_rows: list[int] = field(default_factory=list)
    hidden_cols: list[int] = field(default_factory=list)
    # cells merged over others (.ods table:number-rows-spanned/-columns-spanned, which
    # calamine does not give): ((row0, col0), (row1, col1)), 0-based, inclusive
    merged: list = field(default_factory=list)
    # number cells whose format shows text that is no scale, currency or mark the importer
    # reads ('0.0" pts"', '#,##0" 件"': `format_text`): col -> [(row, the text, the cell as shown)]
    format_texts: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)
    # number cells shown with a fixed number of decimals ("0.00", "#,##0.00": `fixed_places`):
    # col -> {places: cells}, so a column's numbers are weighed as Excel shows them ("0.50")
    places: dict[int, dict[int, int]] = field(default_factory=dict)
    # cells whose font strikes their text through (ECMA-376 Part 1, 18.8.44 strike in a
    # font of `fonts`, used by a cellXfs xf's fontId; .xls FONT fStrikeout; .ods
    # style:text-line-through-style): row (1-based) -> {col (0-based)}; importer.struck_rows
    # decides which rows are struck through (a cancelled order in a hand-kept sheet)
    struck: dict[int, set[int]] = field(default_factory=dict)


_SECTION = re.compile(r'(?:"[^"]*"|\\.|[^;])+')
_BRACKET = re.compile(r"\[\$([^\]]*)\]")
# Number-format syntax that shows no literal text (ECMA-376 Part 1, 18.8.31): digit
# placeholders, separators, percent, exponent, and the characters Excel shows as they are.
_SYNTAX = set("0#?.,%+-/()!^&'~{}<>=: ")


def _literal_at(code: str, i: int) -> tuple[str, int, bool] | None:
    """Literal text a number format shows at code[i] (ECMA-376 Part 1, 18.8.31): a quoted
    string ("ID-") or an escaped character (\\#), as (text, index after it, whether a
    quote was closed); None for anything else."""
    ch = code[i]
    if ch == '"':
        end = code.find('"', i + 1)
        if end < 0:
            return code[i + 1:], len(code), False
        return code[i + 1:end], end + 1, True
    if ch == "\\" and i + 1 < len(code):
        return code[i + 1], i + 2, True
    return None


def format_currency(code: str) -> tuple[str, tuple[str, ...]] | None:
    """(currency token, currencies of the locale the format names) that a number
    format code shows, else None: `#,##0.00 [$€-407]` -> ("€", ("EUR",)),
    `[$$-1009]#,##0.00` -> ("$", ("CAD",)), `"£"#,##0.00` -> ("£", ()), `¥#,##0` ->
    ("¥", ()), `"USD "0.00` -> ("USD", ()). The first section that shows one counts; a
    date, time or text format (letters outside quotes) shows none. The token may still
    be ambiguous ("kr", "$"): the amount reader settles or refuses it like typed text.
    Format syntax: ECMA-376 Part 1, 18.8.31 (numFmts); [$SYMBOL-LCID]: 18.8.30; the
    LCID is a Windows locale id ([MS-LCID]).

    A format showing a unit with a scale ('0.0"万元"', '#,##0"千円"', '0.0"万"':
    importer.amount_units) gives (currency token or "", locale currencies, scale, the
    unit as shown): the cell's number times the scale is the amount; one that divides
    the number for display ('#,##0,"K€"') shows the amount itself."""
    sections = []
    for section in _SECTION.findall(code or ""):
        if (shown := _shown_literal(section)) is None:
            break                         # a date, time or text section: none from here on
        sections.append(shown)
    if (marked := _marked_format(sections)) is not None:
        return marked
    for token, lcid, literal, rest in sections:
        if not token:
            token = literal
            first = literal.split(" ", 1)[0]
            if first != literal and money.names_currency(first) and (
                    scaled := _currency_and_scale(first, literal, lcid, rest)) is not None:
                return scaled                 # '"₹"#,##0.00" L"': the sign, then the scale
        if token and money.names_currency(token):
            scaled = _currency_and_scale(token, literal, lcid, rest)
            if scaled is not None:
                return scaled
            return token, _locale_currencies(lcid)
        if token and (unit := read_unit(token)) is not None and unit.scale != 1 and (
                unit.codes or unit.scale_word.casefold() in FORMAT_WORDS | _FORMAT_LETTERS):
            # '0.0"万元"', '#,##0"千円"': the number is in 10,000s / 1,000s of the currency,
            # unless the format itself divides it for display ('#,##0,"K€"': Excel shows
            # 1200000 as 1,200K€, the cell holds the amount)
            divided = re.search(r"[0#?],+(?![0#?])", re.sub(r'"[^"]*"', "", rest))
            if divided:
                return (unit.currency, _locale_currencies(lcid)) if unit.codes else None
            return unit.currency or "", _locale_currencies(lcid), unit.scale, token
    return None


# Short scale suffixes a number format shows after an amount ('0.0"K"', '#,##0.0" Mn"',
# '#,##0.0"Bn"'): K a thousand, M and Mn a million, Bn a billion. L, Lac and Lakh are a
# lakh (100,000) only beside the rupee (₹, Rs, INR), where nothing else is meant by them.
_FORMAT_LETTERS = frozenset({"k", "m", "mn", "bn"})
_LAKH_LETTERS = frozenset({"l", "lac", "lacs", "lakh", "lakhs", "lk"})
_RUPEE_SIGNS = frozenset({"₹", "rs", "rs.", "inr"})


def _currency_and_scale(token: str, literal: str, lcid: int | str | None, rest: str) -> tuple | None:
    """(token, locale currencies, scale, as shown) for a format showing a currency sign and
    a short scale suffix ('[$₹]#,##0.00" L"', '[$€]0.0"K"'), else None. A format that
    divides the number for display ('#,##0,"K"') shows the amount itself: None."""
    extra = literal.replace(token, " ", 1).strip() if token in literal else literal.strip()
    word = extra.casefold()
    if not word or word == token.casefold():
        return None
    if word in _FORMAT_LETTERS or word in FORMAT_WORDS:
        scale = read_unit(extra).scale if read_unit(extra) is not None else None
    elif word in _LAKH_LETTERS and (token.casefold() in _RUPEE_SIGNS
                                    or "INR" in (_locale_currencies(lcid))):
        scale = Decimal("1e5")
    else:
        return None
    if scale is None or scale == 1 or re.search(r"[0#?],+(?![0#?])", re.sub(r'"[^"]*"', "", rest)):
        return None
    return token, _locale_currencies(lcid), scale, f"{token} {extra}"


def _locale_currencies(locale: int | str | None) -> tuple[str, ...]:
    """The currencies of the country a format's locale names: an LCID ([$$-1009]) or a
    BCP 47 tag ([$$-en-CA]); () for none."""
    if not locale:
        return ()
    if isinstance(locale, str):
        return money.currencies_of_locale_tag(locale)
    return money.currencies_of_lcid(locale)


def _shown_literal(section: str) -> tuple[str, int | str | None, str, str] | None:
    """(the [$SYMBOL-LCID] symbol, its LCID, the literal text the section shows, the
    section without brackets) of one number-format section; None for a date, time or
    text section (letters outside quotes)."""
    token, lcid = "", None
    for m in _BRACKET.finditer(section):
        sym, _, tail = m.group(1).partition("-")
        if tail:
            try:
                lcid = int(tail.split(",")[0], 16)
            except ValueError:
                # "[$¥-ja-JP]": a BCP 47 tag where older files write the LCID (411)
                lcid = tail.split(",")[0].strip() or None
        token = token or sym.strip()
    rest = re.sub(r"\[[^\]]*\]", "", section)
    literal, i = [], 0
    while i < len(rest):
        ch = rest[i]
        if (shown := _literal_at(rest, i)) is not None:
            literal.append(shown[0])      # an unclosed quote runs to the end
            i = shown[1]
            continue
        if ch in "_*":                   # padding and fill: the next character is not shown
            i += 2
            continue
        if ch.isascii() and ch.isalpha() and ch not in "Ee":
            return None                   # General, dates, times: no currency
        if ch not in _SYNTAX and ch not in "Ee" and not ch.isspace():
            literal.append(ch)
        else:
            literal.append(" ")
        i += 1
    return token, lcid, " ".join("".join(literal).split()), rest


# A credit or debit mark a format shows after (or before) the number: '#,##0.00" Cr"',
# '#,##0.00" Cr";#,##0.00" Dr"' (an accounting format), '"₹"#,##0.00" Cr"' (or India's
# crore: importer.amount_units.format_marks decides which on the file's evidence)
_FORMAT_MARK = re.compile(r"(?<![^\W\d_])(CR|DR)\.?(?![^\W\d_])", re.IGNORECASE)


def _marked_format(sections: list[tuple[str, int | str | None, str, str]]) -> tuple | None:
    """(currency token or "", locale currencies, None, "Cr|Dr") for a format whose
    sections show a Cr or Dr mark: the marks of the sections for positive, negative and
    zero numbers, "|" between them ("" for a section showing none); else None."""
    marks, token, lcid = [], "", None
    for bracket, at, literal, _rest in sections:
        found = _FORMAT_MARK.findall(literal)
        if len(found) > 1:
            return None
        marks.append(found[0].capitalize() if found else "")
        rest = _FORMAT_MARK.sub(" ", literal).strip()
        token, lcid = token or bracket or (rest if rest and money.names_currency(rest) else ""), lcid or at
    if not any(marks):
        return None
    return token, _locale_currencies(lcid), None, "|".join(marks)


def format_text(code: str) -> tuple[str, bool] | None:
    """(the text, whether it comes before the digits) a number format shows that says the
    number is counted in something the importer does not read as a scale, a currency or a
    ledger mark: '0.0" pts"' -> ("pts", False), '#,##0" 件"' -> ("件", False), '"Score: "0'
    -> ("Score:", True). None for formats showing no such text (digits, grouping, signs,
    brackets, percent), for those format_currency reads ('0.0"K"', '#,##0" Cr"', '[$€-407]…',
    '"USD "0.00'), for percentages and for dates, times and text formats. An id format
    ('"ID-"0000') has one: in a text field it is shown as it is (ShownFormat), only an
    amount column asks what it means. Format syntax: ECMA-376 Part 1, 18.8.31."""
    for found in format_texts_by_sign(code) or ():
        if found is not None:
            return found
    return None


def format_texts_by_sign(code: str) -> tuple | None:
    """`format_text` for each sign a number can have: (for positive numbers, for negative
    ones, for zero), each (text, before) or None; None when no section shows such text.
    A format's sections apply by sign (ECMA-376 Part 1, 18.8.31: one section for all,
    two for positive-and-zero / negative, three for positive / negative / zero):
    '0;[Red]-0" pts"' shows "pts" only beside negative numbers. A percent sign written as
    text ('0"%"', '0.0\\%') is literal text too: Excel shows 120 as "120%" without scaling
    it, so in an amount column it is text the importer does not read (only an unquoted %
    scales the number). Conditions ([>100]) make the sections not by sign: any section's
    text then counts for every number."""
    if not code or format_currency(code) is not None or (
            (pattern := ShownFormat.of(code)) is not None and pattern.percent is not None and pattern.scaled):
        return None
    found: list = []
    for section in _SECTION.findall(code)[:3]:
        if (shown := _shown_literal(section)) is None:
            break                         # a date, time or text section
        token, _lcid, literal, rest = shown
        if token:
            found.append(None)            # [$€-407]: a currency
            continue
        words = literal.replace("@", " ").split()
        kept = [w for w in words if not _known_word(w)]
        text = " ".join(kept)
        if any(ch.isalpha() for ch in text):
            found.append((text, _text_first(rest)))
        elif any("%" in w for w in words):
            found.append(("%", False))    # 0"%": a percent sign as text, not a scale
        else:
            found.append(None)
    if not any(found):
        return None
    if re.search(r"\[[<>=]", re.sub(r'"[^"]*"', "", code)):
        first = next(f for f in found if f)
        return first, first, first
    pos = found[0] if found else None
    neg = found[1] if len(found) > 1 else pos
    zero = found[2] if len(found) > 2 else pos
    return pos, neg, zero


def format_text_of(texts: tuple, number: float) -> tuple[str, bool] | None:
    """The (text, before) of `format_texts_by_sign` for the section that shows `number`."""
    return texts[0] if number > 0 else texts[1] if number < 0 else texts[2]


def _text_first(rest: str) -> bool:
    """Whether a format section shows literal letters before its first digit placeholder."""
    i = 0
    while i < len(rest):
        if (shown := _literal_at(rest, i)) is not None:
            if any(ch.isalpha() for ch in shown[0]):
                return True
            i = shown[1]
            continue
        if rest[i] in "0#?":
            return False
        i += 2 if rest[i] in "_*" else 1
    return False


def _known_word(word: str) -> bool:
    """A word of a format's literal text that the importer reads: a currency ("kr", "€",
    "USD"), a scale or unit (amount_units.read_unit: "K", "Mn", "万元", "cents"), a lakh
    letter, a credit or debit mark, or punctuation."""
    w = word.strip(".,:;()[]{}-–—+/*'\"")
    if not w or not any(ch.isalpha() for ch in w):
        return True
    low = w.casefold()
    return (money.names_currency(word.strip()) or money.names_currency(w) or read_unit(w) is not None
            or low in _FORMAT_LETTERS or low in _LAKH_LETTERS or low in ("cr", "dr") or low in FORMAT_WORDS)


def currency_styles(z: zipfile.ZipFile) -> dict[int, tuple[str, tuple[str, ...]]]:
    """cellXfs index -> format_currency(...) for styles whose custom number format
    shows a currency. Built-in formats 5-8 and 37-40 show the currency of the reader's
    Windows locale (ECMA-376 Part 1, 18.8.30: "implied"), which the file does not say:
    not read."""
    return _style_maps(z, format_currency)[0]


def _zeros_width(code: str) -> int | None:
    """The width of an all-zeros number format ("00000" -> 5), else None."""
    return len(code) if _ZEROS.match(code) else None


_LOCALE_ONLY = re.compile(r"^\[\$-[0-9A-Fa-f]{1,8}\]")
_PERCENT = re.compile(r"^[#,]*0(?:\.(0+))?%$")
# The same digits with a percent sign written as text (`0"%"`, `0.0\%`, `0" %"`): Excel
# shows the number itself, not a hundred times it, before the sign.
_TEXT_PERCENT = re.compile(r'^[#,]*0(?:\.(0+))?(?:"( ?)%"|\\%)$')
# Digit placeholders, kept apart from literal text that happens to be "0" or "#" ("\#").
_PLACE = {"0": "\ue000", "#": "\ue001", "?": "\ue002"}
_PLACES = frozenset(_PLACE.values())
_EMPTY_PLACE = {_PLACE["0"]: "0", _PLACE["#"]: "", _PLACE["?"]: " "}


class ShownFormat:
    """How a whole-number format shows a number, for the formats whose text a person
    reads as an id or code: digit placeholders with literal text around them (`00000`,
    `000-0000`, `"ID-"0000`, `00000-0000`, `(000) 000-0000`; ECMA-376 Part 1, 18.8.31:
    `0` shows a digit or 0, `#` a digit or nothing, `?` a digit or a space; digits
    beyond the placeholders go to the first one), and percentages (`0%`, `0.0%`: the
    number times 100). Anything else (grouping, decimals, dates, conditions, colours,
    several sections) is not read: None from `of`."""

    __slots__ = ("tokens", "places", "percent", "scaled", "sign")

    def __init__(self, tokens: list[str], percent: int | None = None, scaled: bool = True, sign: str = "%"):
        self.tokens = tokens                  # literal text, or a placeholder (_PLACES)
        self.places = sum(1 for t in tokens if t in _PLACES)
        self.percent = percent                # decimals of a percentage format
        self.scaled = scaled                  # False: the sign is text (0"%"), 15 shows as 15%
        self.sign = sign                      # what follows the digits of a percentage ("%", " %")

    def value(self, number: float) -> float:
        """The number the shown text means: a share of 1 for a number whose format
        writes the percent sign as text (15 shown as "15%" is 0.15), else `number`."""
        return number / 100 if self.percent is not None and not self.scaled else number

    @classmethod
    def of(cls, code: str) -> "ShownFormat | None":
        code = _LOCALE_ONLY.sub("", code or "")       # "[$-409]000-0000": a locale, no currency
        if ";" in code or "[" in code:
            return None
        m = _PERCENT.match(code)
        if m:
            return cls([], percent=len(m.group(1) or ""))
        m = _TEXT_PERCENT.match(code)
        if m:
            return cls([], percent=len(m.group(1) or ""), scaled=False, sign=(m.group(2) or "") + "%")
        tokens: list[str] = []
        i = 0
        while i < len(code):
            ch = code[i]
            if (shown := _literal_at(code, i)) is not None:
                if not shown[2]:
                    return None               # an unclosed quote: not a format we read
                tokens.append(shown[0])
                i = shown[1]
                continue
            if ch in "0#?":
                tokens.append(_PLACE[ch])
            elif ch in "-()/ :_+":
                tokens.append(ch)
            else:
                return None                   # grouping, decimals, letters, @, %, E
            i += 1
        zeros = sum(1 for t in tokens if t == _PLACE["0"])
        literal = any(t not in _PLACES for t in tokens)
        if zeros == 0 or (not literal and zeros < 2):
            return None                       # "0", "#": shown as the plain number
        return cls(tokens)

    def show(self, number: Decimal) -> str | None:
        """The text Excel shows for `number`, or None when this reading does not apply
        (a fraction or a negative number under a digit format)."""
        if self.percent is not None:
            return f"{number * 100 if self.scaled else number:.{self.percent}f}{self.sign}"
        if number != number.to_integral_value() or number < 0:
            return None
        digits = str(int(number))
        out: list[str] = []
        left = len(digits)
        for t in reversed(self.tokens):
            if t not in _PLACES:
                out.append(t)
                continue
            if left > 0:
                out.append(digits[left - 1])
                left -= 1
            else:
                out.append(_EMPTY_PLACE[t])
        text = "".join(reversed(out))
        if left > 0:                           # more digits than places: all shown, first place first
            first = next(i for i, t in enumerate(self.tokens) if t in _PLACES)
            prefix = "".join(t for t in self.tokens[:first])
            text = prefix + digits[:left] + text[len(prefix):]
        return text


# Built-in number formats that a fact reader may read (ECMA-376 Part 1, 18.8.30): the
# percentages. (The built-in currency formats show the reader's locale: not read.)
_BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}
# ... and the plain numbers with two decimals (`fixed_places` alone reads them)
_BUILTIN_PLACES = {2: "0.00", 4: "#,##0.00"}
_FIXED = re.compile(r"#?,?#*0*\.(0+)")


def fixed_places(code: str) -> int | None:
    """The decimals a plain number format always shows ("0.00", "#,##0.00", "0.000": 2, 2,
    3); None for any other format (General, percentages, currencies, text, sections)."""
    code = _LOCALE_ONLY.sub("", code or "").strip()
    m = _FIXED.fullmatch(code)
    return len(m.group(1)) if m else None


def _style_maps(z: zipfile.ZipFile, *readers) -> list[dict[int, object]]:
    """For each reader (format code -> a fact or None): cellXfs index -> that fact, for
    the styles whose custom number format (numFmt, ECMA-376 Part 1, 18.8.30-31) gives
    one. styles.xml is parsed once for all of them; a missing or damaged part gives
    empty maps."""
    import xml.etree.ElementTree as ET

    empty: list[dict[int, object]] = [{} for _ in readers]
    entry = next((n for n in z.namelist() if n.lower() == "xl/styles.xml"), None)
    if entry is None:
        return empty
    try:
        root = ET.fromstring(z.read(entry))
    except ET.ParseError:
        return empty
    local = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
    by_format: list[dict[int, object]] = [{} for _ in readers]
    for number, code in {**_BUILTIN_FORMATS, **BUILTIN_DATE_FORMATS, **_BUILTIN_PLACES}.items():   # used by id
        for found, read in zip(by_format, readers):
            fact = read(code)
            if fact:
                found[number] = fact
    for el in root.iter():
        if local(el.tag) == "numFmt" and el.get("numFmtId", "").isdigit():
            for found, read in zip(by_format, readers):
                fact = read(el.get("formatCode", ""))
                if fact:
                    found[int(el.get("numFmtId"))] = fact
    out = empty
    if not any(by_format):
        return out
    for el in root.iter():
        if local(el.tag) == "cellXfs":
            for i, xf in enumerate(x for x in el if local(x.tag) == "xf"):
                fmt = xf.get("numFmtId", "0")
                if fmt.isdigit():
                    for mine, found in zip(out, by_format):
                        if int(fmt) in found:
                            mine[i] = found[int(fmt)]
    return out


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def read_facts(path: Path, sheet_name: str) -> CellFacts | None:
    """The facts of one sheet of an .xlsx file; None when there are none or it is too big."""
    from .xlsx_stream import sheet_part

    info = sheet_part(path, sheet_name)
    if info is None or info.file_size > FACTS_LIMIT:
        return None
    try:
        with zipfile.ZipFile(path) as z:
            padded, priced, dated, texted, fixed = _style_maps(z, ShownFormat.of, format_currency, DateFormat.of,
                                                               format_texts_by_sign, fixed_places)
            data = z.read(info)
            z_styles = _styles_part(z)
            recalc_1904 = _workbook_flags(z)
            recalc = recalc_1904[0]
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    offset = 1462 if recalc_1904[1] else 0
    hidden_rows, hidden_cols = _hidden(data)
    struck = _struck_cells(data, struck_styles(z_styles)) if z_styles else {}
    if not padded and not priced and not dated and not texted and not fixed and b"<f" not in data and b":f" not in data and b't="e"' not in data:
        return (CellFacts(serial_offset=offset, hidden_rows=hidden_rows, hidden_cols=hidden_cols, struck=struck)
                if offset or hidden_rows or hidden_cols or struck else None)
    facts = CellFacts(serial_offset=offset, hidden_rows=hidden_rows, hidden_cols=hidden_cols, struck=struck)
    for match in _CELL.finditer(data):
        attrs, body = match.group(1), match.group(2) or b""
        ref = _REF.search(attrs)
        if ref is None:
            continue
        col, row = _col(ref.group(1)), int(ref.group(2))
        value = _VALUE.search(body)
        kind = _TYPE.search(attrs)
        t = kind.group(1) if kind is not None else b"n"
        if t == b"e":
            # An error value (#N/A, #REF!): calamine reads it as an empty cell.
            shown = unescape(value.group(1).decode("utf-8", "replace")) if value is not None else ""
            facts.shown.setdefault(row, {})[col] = error_cell(shown)
            facts.errors += 1
            continue
        if value is None or not value.group(1):       # openpyxl writes <v></v>
            if t == b"str" and (value is not None or _EMPTY_VALUE.search(body)):
                continue                              # a saved result: the empty text
            formula = _FORMULA.search(body)
            if formula is not None:
                facts.formulas.setdefault(col, []).append((row, _formula_text(formula)))
            continue
        if recalc and t == b"n" and value.group(1) == b"0":
            # A writer that asks for every formula to be computed on opening (XlsxWriter,
            # which saves 0 as every formula's result unless told otherwise) saved no result.
            formula = _FORMULA.search(body)
            if formula is not None:
                facts.formulas.setdefault(col, []).append((row, _formula_text(formula)))
                continue
        style = _STYLE.search(attrs)
        if style is None or t != b"n":
            continue
        index = int(style.group(1))
        if (places := fixed.get(index)) is not None:
            count = facts.places.setdefault(col, {})
            count[places] = count.get(places, 0) + 1
            continue
        if index in priced:
            try:
                facts.amounts.setdefault(row, {})[col] = money.ShownAmount(
                    value.group(1).decode(), *priced[index])
            except (InvalidOperation, UnicodeDecodeError):
                pass
            continue
        if (by_sign := texted.get(index)) is not None:
            number = value.group(1).decode("ascii", "replace")
            try:
                texts = format_text_of(by_sign, float(number))
            except ValueError:
                texts = None
            found = facts.format_texts.setdefault(col, []) if texts is not None else []
            if texts is not None and len(found) < FORMAT_TEXTS_MAX:
                found.append((row, texts[0], f"{texts[0]} {number}" if texts[1] else
                              f"{number}{texts[0]}" if texts[0] == "%" else f"{number} {texts[0]}"))
        if (when := dated.get(index)) is not None:
            # a date cell: the text its date format shows ("12-Oct"), for text fields
            try:
                text = when.show(_serial_date(float(value.group(1)) + offset))
            except (ValueError, OverflowError, UnicodeDecodeError):
                continue
            facts.shown.setdefault(row, {})[col] = DateText(text)
            continue
        fmt = padded.get(index)
        if fmt is None:
            continue
        try:
            number = Decimal(value.group(1).decode())
            text = fmt.show(number)
        except (InvalidOperation, UnicodeDecodeError, ValueError):
            continue
        if text is not None:
            facts.shown.setdefault(row, {})[col] = ShownText(text, fmt.value(float(number)), float(number))
    return (facts if facts.shown or facts.formulas or facts.amounts or facts.serial_offset
            or facts.hidden_rows or facts.hidden_cols or facts.format_texts or facts.places or facts.struck else None)


def _serial_date(serial: float):
    """A date serial in Excel's 1900 system as a datetime (its day 60 is the 29 February
    1900 Excel counts; ECMA-376 Part 1, 18.17.4.1)."""
    import datetime as dt

    if serial < 0:
        raise ValueError("a negative date serial")
    base = dt.datetime(1899, 12, 31) if serial < 60 else dt.datetime(1899, 12, 30)
    moment = base + dt.timedelta(days=serial)
    return moment.replace(microsecond=0) + dt.timedelta(seconds=round(moment.microsecond / 1e6))


def _hidden(data: bytes) -> tuple[list[int], list[int]]:
    """(hidden row numbers, 1-based; hidden column indexes, 0-based) of a sheet's XML."""
    if b"hidden=" not in data:
        return [], []
    rows: list[int] = []
    for match in _HIDDEN_ROW.finditer(data):
        number = _ROW_NUMBER.search(match.group())
        if number is not None:
            rows.append(int(number.group(1)))
            if len(rows) >= HIDDEN_MAX:
                break
    cols: list[int] = []
    head = data[:data.find(b"sheetData")] if b"sheetData" in data else data[:1 << 20]
    for match in _HIDDEN_COL.finditer(head):
        span = _COL_SPAN.search(match.group())
        if span is None:
            continue
        low, high = (int(span.group(1)), int(span.group(2))) if span.group(1) else (int(span.group(4)), int(span.group(3)))
        cols.extend(range(low - 1, min(high, low + 1000)))       # at most 1,000 per range (16,384 is "to the end")
    return rows, cols


_STRUCK_MAX = 100_000       # struck cells listed (a sheet may strike a million)


def _styles_part(z: zipfile.ZipFile) -> bytes:
    entry = next((n for n in z.namelist() if n.lower() == "xl/styles.xml"), None)
    return z.read(entry) if entry is not None else b""


def struck_styles(styles: bytes) -> frozenset[int]:
    """The cellXfs indexes (a cell's s="N") whose font strikes the text through: a font
    of `fonts` holding <strike/> (val absent, 1 or true; ECMA-376 Part 1, 18.8.44 and
    18.8.22 font) named by the xf's fontId (18.8.45 xf). Empty when none does: a sheet
    then costs nothing more."""
    import xml.etree.ElementTree as ET

    if b"strike" not in styles:
        return frozenset()
    try:
        root = ET.fromstring(styles)
    except ET.ParseError:
        return frozenset()
    local = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
    struck_fonts: set[int] = set()
    for el in root:
        if local(el.tag) == "fonts":
            for i, font in enumerate(f for f in el if local(f.tag) == "font"):
                for part in font:
                    if local(part.tag) == "strike" and part.get("val", "1").lower() in ("1", "true"):
                        struck_fonts.add(i)
    if not struck_fonts:
        return frozenset()
    out: set[int] = set()
    for el in root:
        if local(el.tag) == "cellXfs":
            for i, xf in enumerate(x for x in el if local(x.tag) == "xf"):
                font = xf.get("fontId", "0")
                if font.isdigit() and int(font) in struck_fonts:
                    out.add(i)
    return frozenset(out)


def _struck_cells(data: bytes, styles: frozenset[int]) -> dict[int, set[int]]:
    """row -> {col} of the cells of a sheet's XML whose style strikes them through (only
    cells with a value: an empty cell formatted so marks nothing)."""
    if not styles:
        return {}
    # a fast pass for the attribute alone (the rare struck cells), each hit then read as a
    # cell from its tag's start: no second walk through every cell of a big sheet
    out: dict[int, set[int]] = {}
    listed = 0
    for at in _places(data, [b's="%d"' % i for i in sorted(styles)]):
        start = data.rfind(b"<", 0, at)
        match = _CELL.match(data, start) if start >= 0 else None
        if match is None or match.end() <= at or not match.group(2) or data[at - 1:at] not in (b" ", b"\t", b"\n", b"\r"):
            continue
        body = match.group(2)
        if _VALUE.search(body) is None and b"is>" not in body:
            continue
        ref = _REF.search(match.group(1))
        if ref is None:
            continue
        out.setdefault(int(ref.group(2)), set()).add(_col(ref.group(1)))
        listed += 1
        if listed >= _STRUCK_MAX:
            break
    return out


def _places(data: bytes, needles: list[bytes]):
    """Where each of `needles` occurs in `data` (bytes.find: no regex over a big sheet)."""
    for needle in needles:
        at = data.find(needle)
        while at >= 0:
            yield at
            at = data.find(needle, at + len(needle))


def _formula_text(formula: "re.Match[bytes]") -> str:
    text = unescape((formula.group(1) or b"").decode("utf-8", "replace"))
    return "=" + text[:60] if text else "(shared formula)"


_CALC_PR = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")


_DATE1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')


def _workbook_flags(z: zipfile.ZipFile) -> tuple[bool, bool]:
    """(fullCalcOnLoad, date1904) of the workbook part (ECMA-376 Part 1, 18.2.2 calcPr,
    18.2.28 workbookPr: dates count from 1904-01-01 instead of 1900)."""
    entry = next((n for n in z.namelist() if n.lower() == "xl/workbook.xml"), None)
    if entry is None:
        return False, False
    data = z.read(entry)
    return _CALC_PR.search(data) is not None, _DATE1904.search(data) is not None


def _full_calc_on_load(z: zipfile.ZipFile) -> bool:
    """Does the workbook ask for every formula to be computed when it is opened
    (calcPr fullCalcOnLoad, ECMA-376 Part 1, 18.2.2)? Its saved results are then
    placeholders, not evidence."""
    entry = next((n for n in z.namelist() if n.lower() == "xl/workbook.xml"), None)
    if entry is None:
        return False
    return _CALC_PR.search(z.read(entry)) is not None
