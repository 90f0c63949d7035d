"""Which text encoding a CSV file is written in, decided on evidence or not at all.

"It decodes" is no evidence: the byte pair of "çã" in cp1252 is also a valid GB2312
character, and almost any byte string decodes as cp1251. So every plausible reading
of the file's non-ASCII lines is weighed with charset-normalizer's mess measure
(`charset_normalizer.md.mess_ratio`: a CJK character between Latin letters of one
word, Cyrillic inside a Latin word, odd case changes and symbols all count as mess),
and for the CJK encodings with the share of characters common in that language, and
with our own word-shape check (`_odd_words`), which short files need. The
reading with clearly the least mess wins; when two readings that give different
text stay about as plausible, `EncodingUncertain` stops the import and shows both.

UTF-8 is decided by validity: text with UTF-8 multi-byte sequences and no invalid
byte is UTF-8. A file that is UTF-8 except for a few bytes (one stray 0xFF) is
damaged UTF-8, not cp1251: it stops with the line, unless the user says
`--encoding utf-8`, when the unreadable bytes are kept visible as U+FFFD "�" and
the summary says how many there were.

Candidates weighed when the file is not UTF-8: gb18030, big5, cp932 (Shift_JIS),
cp1252 (Western Windows "ANSI"), cp1251 (Cyrillic Windows). Regional code pages are
weighed too, and taken only when their reading is clearly better than every reading
above (they read much common text as well, only differently): cp949 (EUC-KR, Korean),
cp1250 (Central European: Polish, Czech, Hungarian), cp1253 (Greek) and Mac Roman.
For that comparison two more measures count: whether each word's accented letters
are those of one language's alphabet (CLDR exemplar characters of the languages
these code pages write: "Dvoøák" mixes Danish ø and Czech á, "Dvořák" is Czech), and
for CJK readings the share of characters that CLDR's own texts in that language use
(babel's locale data: Korean read as GB18030 gives rare characters such as "辫刮荐").
Any other Python codec is used when given with `--encoding NAME`.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from dataclasses import dataclass

from .errors import ImportRefused

_WORDS = re.compile(r"[\s!-/:-@\[-`{-~\u3000-\u3002\uff0c]+")

CANDIDATES = ("gb18030", "big5", "cp932", "cp1252", "cp1251")
# Taken only when clearly better than every reading in CANDIDATES (see the docstring).
REGIONAL = ("cp949", "cp1250", "cp1253", "mac_roman")
CJK = {"gb18030", "big5", "cp932", "cp949"}
_CJK_LOCALE = {"gb18030": "zh", "big5": "zh_Hant", "cp932": "ja", "cp949": "ko"}
WEIGH_CHARS = 64 * 1024      # non-ASCII lines looked at when weighing readings
CLOSE = 0.05                 # mess ratios closer than this cannot tell two readings apart

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))

NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
         "utf-16-be": "UTF-16", "utf-32": "UTF-32", "gb18030": "GB18030 (Chinese, simplified)",
         "big5": "Big5 (Chinese, traditional)", "cp932": "Shift_JIS (Japanese)",
         "cp1252": "Windows-1252 (Western European)", "cp1251": "Windows-1251 (Cyrillic)",
         "cp949": "EUC-KR / CP949 (Korean)", "cp1250": "Windows-1250 (Central European)",
         "cp1253": "Windows-1253 (Greek)", "mac_roman": "Mac Roman (old Mac Western)",
         "ascii": "ASCII"}


class EncodingUncertain(ImportRefused):
    """The file's bytes read as more than one plausible text, or as damaged UTF-8."""


@dataclass(frozen=True)
class Encoding:
    """The decision: the codec name, why, and how to decode (errors="replace" only when asked)."""

    name: str
    evidence: str
    errors: str = "strict"
    replaced: int = 0           # bytes that could not be read (only with errors="replace")

    @property
    def label(self) -> str:
        return describe(self.name)


def describe(name: str) -> str:
    """A readable name for a codec ("cp1252" -> "Windows-1252 (Western European)")."""
    try:
        key = codecs.lookup(name).name
    except LookupError:
        return name
    key = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf_16": "utf-16", "utf-16": "utf-16",
           "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be", "gb18030": "gb18030", "big5": "big5",
           "cp932": "cp932", "cp1252": "cp1252", "cp1251": "cp1251", "cp949": "cp949",
           "euc_kr": "cp949", "cp1250": "cp1250", "cp1253": "cp1253", "mac-roman": "mac_roman",
           "mac_roman": "mac_roman"}.get(key, key)
    return NAMES.get(key, name)


def check_codec(name: str) -> str:
    """The Python codec for `--encoding NAME`; ImportRefused when there is none."""
    try:
        return codecs.lookup(str(name).strip()).name
    except LookupError:
        raise ImportRefused(f"--encoding {str(name)[:40]!r} is not an encoding Python knows; "
                            "try utf-8, cp1252, gb18030, big5, shift_jis or cp1251") from None


def bom_or_utf16(sample: bytes) -> str | None:
    """An encoding the bytes announce (BOM) or show (UTF-16's NUL pattern), or None."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return "utf-16-le"
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return "utf-16-be"
        # Text mostly in CJK or another script has few NULs, but in UTF-16 every one of
        # them is the high byte of an ASCII character (the delimiters, the line ends):
        # all on one side, and the whole reads as clean text.
        for nuls, others, name in ((odd_nuls, even_nuls, "utf-16-le"), (even_nuls, odd_nuls, "utf-16-be")):
            if nuls >= 2 and not others and _clean_text(sample[: len(sample) & ~1], name):
                return name
    return None


def _clean_text(sample: bytes, name: str) -> bool:
    try:
        text = codecs.getincrementaldecoder(name)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


def decide(sample: bytes, *, complete: bool, file_name: str, given: str | None = None) -> Encoding:
    """The encoding of a text file whose first bytes (all of them when `complete`) are `sample`.

    given: the user's `--encoding` (wins; damaged bytes then show as "�").
    Raises EncodingUncertain when the evidence does not decide.
    """
    if given:
        name = check_codec(given)
        replaced = _undecodable(sample, name, complete)
        how = f"given with --encoding {given}"
        if replaced:
            how += f"; {replaced} unreadable byte(s) kept as \ufffd"
        return Encoding(name, how, errors="replace" if replaced else "strict", replaced=replaced)
    announced = bom_or_utf16(sample)
    if announced == "utf-8-sig":
        # A UTF-8 byte order mark does not vouch for every byte after it: a stray byte
        # typed in another program is damaged UTF-8 (shown with its line), as below.
        body = codecs.getincrementaldecoder("utf-8")("replace").decode(sample[3:], final=complete)
        if "\ufffd" in body and "\ufffd".encode() not in sample:
            _refuse_damaged(sample, body.count("\ufffd"), file_name)
    if announced:
        return Encoding(announced, "byte order mark" if sample[:2] in (b"\xff\xfe", b"\xfe\xff")
                        or sample[:3] == codecs.BOM_UTF8 else "UTF-16 byte pattern")
    if sample.isascii():
        return Encoding("utf-8", "only ASCII characters")
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=complete)
    bad = text.count("\ufffd")
    if not bad:
        return Encoding("utf-8", "valid UTF-8 throughout")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= 3 and good >= 2 * bad:
        _refuse_damaged(sample, bad, file_name)
    return _weigh(sample, complete, file_name)


def _refuse_damaged(sample: bytes, bad: int, file_name: str):
    line, shown = _first_bad_line(sample)
    raise EncodingUncertain(
        f"{file_name} is UTF-8 text except for {bad} byte(s) that are not valid UTF-8 "
        f"(first on line {line}: {shown!r}). Nothing was imported. Fix that text, or give "
        "--encoding utf-8 to import it with the unreadable byte(s) shown as \ufffd.")


def _undecodable(sample: bytes, name: str, complete: bool) -> int:
    dec = codecs.getincrementaldecoder(name)("replace")
    text = dec.decode(sample, final=complete)
    clean = codecs.getincrementaldecoder(name)("ignore").decode(sample, final=complete)
    return max(0, text.count("\ufffd") - clean.count("\ufffd"))


def _first_bad_line(sample: bytes) -> tuple[int, str]:
    for number, line in enumerate(sample.removeprefix(codecs.BOM_UTF8).splitlines(), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number, line.decode("utf-8", "replace")[:60]
    return 1, ""


def _non_ascii_lines(sample: bytes, complete: bool) -> tuple[bytes, list[int]]:
    """The lines that hold non-ASCII bytes (up to WEIGH_CHARS), and their line numbers."""
    lines = sample.splitlines()
    if not complete and lines:
        lines = lines[:-1]               # the last line may be cut in the middle
    picked, numbers, size = [], [], 0
    for number, line in enumerate(lines, start=1):
        if not line.isascii():
            picked.append(line)
            numbers.append(number)
            size += len(line)
            if size >= WEIGH_CHARS:
                break
    return b"\n".join(picked), numbers


def _score(lines: bytes, name: str) -> tuple[float, float, str] | None:
    """(how garbled `lines` read in codec `name` look: charset-normalizer's mess ratio
    plus odd words plus, for CJK codecs, how implausible the characters are; that
    plausibility; the text), or None when they do not decode."""
    from charset_normalizer.md import mess_ratio

    try:
        text = lines.decode(name)
    except UnicodeDecodeError:
        return None
    plausible = _cjk_plausibility(text, name) if name in CJK else 1.0
    return mess_ratio(text, 1.0) + _odd_words(text) + (1.0 - plausible), plausible, text


def _weigh(sample: bytes, complete: bool, file_name: str) -> Encoding:
    lines, numbers = _non_ascii_lines(sample, complete)
    # (mess, -plausibility, rank, name, text): equal readings go to the more common encoding
    readings: list[tuple[float, float, int, str, str]] = []
    for name in CANDIDATES:
        scored = _score(lines, name)
        if scored is not None:
            score, plausible, text = scored
            readings.append((score, -plausible, CANDIDATES.index(name), name, text))
    if not readings:
        raise EncodingUncertain(
            f"{file_name}: the text encoding could not be recognised (it is not UTF-8, GB18030, "
            "Big5, Shift_JIS, Windows-1252 or Windows-1251). Nothing was imported. Save it again "
            "as UTF-8 CSV, or give its encoding with --encoding NAME.")
    readings.sort()
    regional = _regional_reading(lines, readings, sample, file_name, numbers)
    if regional is not None:
        return regional
    best = readings[0]
    rivals = [r for r in readings[1:] if r[0] - best[0] < CLOSE and r[4] != best[4]]
    if rivals:
        raise EncodingUncertain(_uncertain_message(file_name, sample, best, rivals[0], numbers))
    others = ", ".join(f"{r[3]} {r[0]:.2f}" for r in readings[1:]) or "none other"
    return Encoding(best[3], f"least garbled reading (mess {best[0]:.2f}; {others})")


def _regional_reading(lines: bytes, readings: list, sample: bytes, file_name: str,
                      numbers: list[int]) -> Encoding | None:
    """A regional code page (REGIONAL) whose reading of `lines` is clearly better
    (by CLOSE, with the alphabet and CJK measures added) than every reading in
    `readings` and than any other regional reading of a different text; else None.
    Two regional readings about as good, both clearly better than the usual ones,
    stop the import (EncodingUncertain) naming both."""
    scored: list[tuple[float, str, str]] = []
    for name in REGIONAL:
        reading = _score(lines, name)
        if reading is not None:
            scored.append((reading[0], name, reading[2]))
    if not scored:
        return None
    regional = sorted((score + _refinement(name, text), name, text) for score, name, text in scored)
    best = regional[0]
    usual = [(score + _refinement(name, text), name, text) for score, _p, _r, name, text in readings]
    if any(u[0] - best[0] < CLOSE for u in usual):
        return None
    rival = next((r for r in regional[1:] if r[0] - best[0] < CLOSE and r[2] != best[2]), None)
    if rival is not None:
        as_reading = (lambda r: (r[0], 0, 0, r[1], r[2]))
        raise EncodingUncertain(_uncertain_message(file_name, sample, as_reading(best), as_reading(rival), numbers))
    others = ", ".join(f"{name} {score:.2f}" for score, name, _ in sorted(usual)[:3])
    return Encoding(best[1], f"least garbled reading (mess {best[0]:.2f}, alphabets and common "
                             f"characters counted; {others})")


def _refinement(name: str, text: str) -> float:
    """The extra measure a reading is compared with when a regional code page is weighed."""
    if name in CJK:
        return 1.0 - _cldr_share(text, _CJK_LOCALE[name])
    return (1.0 - _alphabet_fit(text)) + (1.0 - _voweled(text))


_VOWELS = frozenset("аеёиоуыэюяіїєўαεηιουωάέήίόύώϊϋΐΰ")


def _voweled(text: str) -> float:
    """Share of Greek and Cyrillic words (two letters or more) holding a vowel of their
    script, as words of those languages do: Greek bytes read as Cyrillic give
    "Рбрбдьрпхлпт" (1.0 when there is no such word)."""
    words = voweled = 0
    for word in _WORDS.split(text):
        letters = [c for c in word.lower() if c.isalpha()]
        if len(letters) < 2 or not all(0x370 <= ord(c) < 0x530 for c in letters):
            continue
        words += 1
        voweled += any(c in _VOWELS for c in letters)
    return voweled / words if words else 1.0


# Accented letters of the languages cp1250, cp1252 and Mac Roman write (CLDR exemplar
# characters, main set, lower case): a word whose accented letters no single alphabet
# holds is a misreading.
_ALPHABETS = tuple(frozenset(a) for a in (
    "ąćęłńóśźż",                 # Polish
    "áčďéěíňóřšťúůýž",           # Czech
    "áäčďéíĺľňóôŕšťúýž",         # Slovak
    "áéíóöőúüű",                 # Hungarian
    "ăâîșțşţ",                   # Romanian
    "čćđšž",                     # Croatian, Bosnian, Slovene
    "çë",                        # Albanian
    "äöüß",                      # German
    "àâæçéèêëîïôœùûüÿ",          # French
    "áéíñóúü",                   # Spanish, Galician
    "áàâãçéêíóôõú",              # Portuguese
    "àèéìíîòóùú",                # Italian
    "áäéëíïóöúü",                # Dutch
    "àçèéíïòóú·",                # Catalan
    "åäöé",                      # Swedish
    "åæøé",                      # Danish, Norwegian
    "äöšž",                      # Finnish
    "áðéíóúýþæö",                # Icelandic
    "äöõüšž",                    # Estonian
    "âêîôûŵŷ",                   # Welsh
))


def _alphabet_fit(text: str) -> float:
    """Share of words with accented Latin letters whose accented letters are all in one
    language's alphabet (1.0 when no word has any)."""
    words = fit = 0
    for word in _WORDS.split(text):
        if word.isascii():
            continue
        letters = {c for c in word.lower() if ord(c) > 127 and c.isalpha()}
        if not letters or any(ord(c) >= 0x250 for c in letters):
            continue                     # not a Latin-script word: other measures judge it
        words += 1
        fit += any(letters <= a for a in _ALPHABETS)
    return fit / words if words else 1.0


def _cldr_share(text: str, locale: str) -> float:
    """Share of CJK characters (ideographs, Hangul, kana) in `text` that CLDR's own texts
    for `locale` use (babel's locale data: territory, language, script, currency, unit
    and calendar names)."""
    chars = [c for c in text if ord(c) >= 0x2E80]
    if not chars:
        return 1.0
    common = _cldr_chars(locale)
    return sum(c in common or 0x3040 <= ord(c) <= 0x30FF for c in chars) / len(chars)


@functools.cache
def _cldr_chars(locale: str) -> frozenset[str]:
    from babel import Locale

    loc = Locale.parse(locale)
    seen: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            seen.update(c for c in value if ord(c) >= 0x2E80)
        elif isinstance(value, dict) or hasattr(value, "items"):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                walk(v)

    for attr in ("territories", "languages", "scripts", "currencies", "variants", "months", "days",
                 "quarters", "eras", "unit_display_names", "time_zones", "meta_zones", "list_patterns",
                 "currency_unit_patterns", "measurement_systems"):
        try:
            walk(getattr(loc, attr))
        except (AttributeError, KeyError, TypeError):
            continue
    return frozenset(seen)


def _uncertain_message(file_name: str, sample: bytes, a, b, numbers: list[int]) -> str:
    a_lines, b_lines = a[4].split("\n"), b[4].split("\n")
    where, shown_a, shown_b = "", "", ""
    for i, (la, lb) in enumerate(zip(a_lines, b_lines)):
        if la != lb:
            column, cell_a, cell_b = _differing_cell(sample, a[3], la, lb)
            where = f"line {numbers[i]}" + (f", column '{column}'" if column else "")
            shown_a, shown_b = cell_a, cell_b
            break
    return (f"{file_name}: cannot tell the text encoding: {where} reads {shown_a!r} as {a[3]} "
            f"({describe(a[3])}) or {shown_b!r} as {b[3]} ({describe(b[3])}). Nothing was imported. "
            f"Say which with --encoding {a[3]} or --encoding {b[3]}.")


def _differing_cell(sample: bytes, name: str, line_a: str, line_b: str) -> tuple[str | None, str, str]:
    header_bytes = sample.split(b"\n", 1)[0]
    header = header_bytes.decode(name, "replace").lstrip("\ufeff")
    delimiter = max(",;\t|", key=header.count)
    try:
        heads = next(csv.reader(io.StringIO(header), delimiter=delimiter))
        cells_a = next(csv.reader(io.StringIO(line_a), delimiter=delimiter))
        cells_b = next(csv.reader(io.StringIO(line_b), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None, line_a[:40], line_b[:40]
    for j, (ca, cb) in enumerate(zip(cells_a, cells_b)):
        if ca != cb:
            return (heads[j].strip() if j < len(heads) else None), ca[:40], cb[:40]
    return None, line_a[:40], line_b[:40]


_TYPOGRAPHY = set("’‘“”„«»‹›–—·…№")    # non-ASCII punctuation real words do hold


def _odd_words(text: str) -> float:
    """Share of words (runs between spaces and ASCII punctuation) holding non-ASCII
    characters that no language writes that way: scripts mixed inside the word (Latin
    and Cyrillic, Latin and CJK), a capital after a small letter ("ГыіЖ"), or symbols
    among the letters ("–¼–³‚µ"). Short files give charset-normalizer's measures
    little to go on; this does."""
    import unicodedata

    words = odd = 0
    for word in _WORDS.split(text):
        if not word or word.isascii():
            continue
        words += 1
        letters = [c for c in word if c.isalpha()]
        scripts = {_script(c, unicodedata) for c in letters}
        lower_then_upper = any(a.islower() and b.isupper() for a, b in zip(letters, letters[1:]))
        symbols = any(ord(c) > 127 and not c.isalpha() and c not in _TYPOGRAPHY
                      and not unicodedata.category(c).startswith(("M", "Sc", "Nd"))
                      for c in word)
        if len(scripts) > 1 or lower_then_upper or symbols or _misplaced(word):
            odd += 1
    # "Ђ 1.234,56": one accented or Cyrillic capital standing alone beside a number is a
    # currency sign misread ("€ 1.234,56" read as Windows-1251).
    lone = sum(1 for m in _LONE_LETTER.finditer(text) if (m.group(1) or m.group(2)).isupper())
    return (odd + lone) / (words + lone) if words else 0.0


_LONE_LETTER = re.compile(r"(?<!\w)([\u00c0-\u2dff])(?!\w)(?=\s?\d)|(?<=\d)\s?(?<!\w)([\u00c0-\u2dff])(?!\w)")


_INSIDE_WORDS = set("’‘·")           # l’homme, O’Brien, Catalan l·l


def _misplaced(word: str) -> bool:
    """Characters real words hold only elsewhere: a non-ASCII capital inside the word
    before a small letter ("JŸrgen", Mac Roman "ü" read as Windows-1252), punctuation
    or a currency sign glued to letters ("S‹o", "£ukasz"), one such letter on a number
    ("Ј99": "£99" read as Windows-1251)."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) == 1 and ord(letters[0]) > 127 and any(c.isdigit() for c in word) \
            and not 0x2E80 <= ord(letters[0]) <= 0xFFEF:
        return True                      # "Ј99": a lone accented or Cyrillic letter on a number
    for i in range(1, len(word) - 1):
        c, before, after = word[i], word[i - 1], word[i + 1]
        if ord(c) <= 127:
            continue
        if c.isupper() and before.isalpha() and after.islower():
            return True
        if not c.isalpha() and c not in _INSIDE_WORDS and before.isalpha() and after.isalpha():
            return True
    first = word[0]
    return ord(first) > 127 and not first.isalpha() and first not in _TYPOGRAPHY \
        and len(word) > 1 and word[1].islower()


def _script(ch: str, unicodedata) -> str:
    if ord(ch) < 0x250:
        return "latin"
    name = unicodedata.name(ch, "")
    for script in ("CYRILLIC", "GREEK", "HANGUL", "ARABIC", "HEBREW", "THAI"):
        if name.startswith(script):
            return script
    if "CJK" in name or name.startswith(("HIRAGANA", "KATAKANA")):
        return "cjk"                   # Japanese writes kanji and kana in one word
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def _cjk_plausibility(text: str, encoding: str) -> float:
    """Share of non-ASCII characters that are common in text written in `encoding`'s language."""
    chars = [c for c in text if ord(c) > 127]
    if not chars:
        return 0.0
    common = 0
    for c in chars:
        o = ord(c)
        if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:        # CJK punctuation, full-width
            common += 1
        elif encoding == "gb18030":
            common += _in_gb2312(c)
        elif encoding == "cp932":
            if 0x3040 <= o <= 0x30FF or 0xFF61 <= o <= 0xFF9F:     # hiragana, katakana (half-width too)
                common += 1
            elif 0x4E00 <= o <= 0x9FFF:
                common += _jis_level1(c)
        elif encoding == "big5" and 0x4E00 <= o <= 0x9FFF:
            common += _big5_common(c)
        elif encoding == "cp949":
            common += 0xAC00 <= o <= 0xD7A3                        # Hangul syllables
    return common / len(chars)


def _in_gb2312(c: str) -> bool:
    try:
        b = c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and b[0] >= 0xA1


def _jis_level1(c: str) -> bool:
    try:
        b = c.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0x88 <= b[0] <= 0x98


def _big5_common(c: str) -> bool:
    try:
        b = c.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA4 <= b[0] <= 0xC6
