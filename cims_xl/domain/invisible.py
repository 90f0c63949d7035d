"""Invisible characters, and ids compared as a person reads them.

Text copied from web pages, chat apps, PDF files and right-to-left documents brings
*format characters* (Unicode general category Cf, Unicode 15 section 23.2): zero-width
space U+200B, zero-width non-joiner and joiner U+200C/U+200D, word joiner U+2060,
byte-order mark U+FEFF, soft hyphen U+00AD, the directional marks LRM/RLM/ALM
(U+200E, U+200F, U+061C), embeddings and overrides LRE…PDF (U+202A-U+202E) and
isolates LRI…PDI (U+2066-U+2069). They are not seen, so "+49 30 1234567" followed by
an LRM looks like a phone number and "C001" followed by a zero-width space looks like
the id C001; read as they are, the first is refused and the second is another customer.

Where such a character cannot mean anything (phones, emails, amounts, dates, postal
codes, ids, yes/no, names of things) it is dropped before reading (`without_format`).
In a person's or company's name the joiners can mean something: ZWNJ inside a Persian
word (نیک‌نام), ZWJ inside an Indic conjunct or an emoji sequence: they are kept there
and dropped elsewhere (`name_without_format`). Free text (notes, addresses) is kept as
written.

An id of another system (a customer id, an order number) is compared as a person reads
it (`code_key`): its compatibility form (NFKC, Unicode Standard Annex #15: full-width
"Ｃ００１" is "C001", a no-break space is a space), without format characters, spaces
collapsed and trimmed, and case aside ("c001" is "C001", as the tag "src:C001" and
order numbers have always been compared). Two different customers whose ids differ
only in case are told apart by their names and emails (importer.plan refuses a row
whose id is another person's).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["FORMAT_CHARS", "FORMAT_SET", "REORDERING", "code_key", "code_text", "name_without_format", "reordering_problem",
           "without_format"]

# Every character of general category Cf (Unicode 15.0; test_invisible checks it holds
# every Cf character of the running Python's unicodedata).
_FORMAT_CLASS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                 "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
FORMAT_CHARS = re.compile(f"[{_FORMAT_CLASS}]")


def _class_members(spec: str) -> frozenset[str]:
    """The characters of a regular expression's character class written as literal
    characters and ranges "a-z" (no escapes, no negation): `_FORMAT_CLASS`."""
    out: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.update(map(chr, range(ord(spec[i]), ord(spec[i + 2]) + 1)))
            i += 3
        else:
            out.add(spec[i])
            i += 1
    return frozenset(out)


# The same characters as a set: a test of one character without a regular expression's
# call (`normalize.is_blank` asks it of the first character of every text cell).
FORMAT_SET = _class_members(_FORMAT_CLASS)

# The format characters a name may need: ZWNJ and ZWJ between two letters of a script
# that joins (Arabic, Persian, Indic) or inside an emoji sequence, and the tag characters
# of a flag emoji after its black flag.
_JOINERS = frozenset("\u200c\u200d")
_TAGS = re.compile("[\U000e0020-\U000e007f]")


def without_format(text: str) -> str:
    """`text` without its format characters (see the module): "+49 30 1234567\\u200e"
    -> "+49 30 1234567", "\\u200e1 234,5" -> "1 234,5". ASCII text comes back as it is."""
    if text.isascii():
        return text
    return FORMAT_CHARS.sub("", text)


def _joins(before: str, after: str) -> bool:
    """Whether a joiner between `before` and `after` can mean something: both are
    characters outside ASCII that are not spaces or format characters themselves."""
    return (bool(before) and bool(after) and not before.isascii() and not after.isascii()
            and not before.isspace() and not after.isspace()
            and not FORMAT_CHARS.match(before) and not FORMAT_CHARS.match(after))


def name_without_format(text: str) -> str:
    """A name without the format characters that cannot mean anything in it: all but
    ZWNJ/ZWJ between two non-ASCII letters or symbols ("نیک\\u200cنام", "👨\\u200d👩"
    keep theirs; "\\u200fمحمد علي" and "Dora\\u00adKim" lose the RLM and the soft hyphen,
    "Anna\\u200b Schmidt" its zero-width space) and the tag characters of a flag emoji."""
    if text.isascii() or not FORMAT_CHARS.search(text):
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if not FORMAT_CHARS.match(ch):
            out.append(ch)
        elif ch in _JOINERS and _joins(out[-1] if out else "", text[i + 1:i + 2]):
            out.append(ch)
        elif _TAGS.match(ch) and out and (not out[-1].isascii() or _TAGS.match(out[-1])):
            out.append(ch)
    return "".join(out)


def code_text(value: object) -> str | None:
    """An id or code as stored: its compatibility form (NFKC: full-width "Ｃ００１" is
    "C001", a no-break space a space), without format characters, runs of whitespace
    one space, trimmed. None when nothing is left. Case is kept as written."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", text))
    text = " ".join(text.split())
    return text or None


def code_key(value: object) -> str:
    """An id or code as ids are compared (`code_text`, then case folded: Unicode
    case folding, str.casefold): "C001", "c001", "C001\\u200b", "C001\\u00a0" and
    "Ｃ００１" are one id. "" for a blank value."""
    return (code_text(value) or "").casefold()


# The bidirectional embeddings, overrides and isolates (UAX #9 section 2: LRE RLE PDF LRO
# RLO, LRI RLI FSI PDI). Unlike the marks LRM/RLM they reorder what follows, letters too:
# "\u202eexe.txt" shows as "txt.exe". The terminal writes them escaped (terminal.shown);
# a workbook cell cannot (what it shows is the value Save reads back), so new free text
# holding one is refused where it is typed or imported.
REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")


def reordering_problem(text: str | None) -> str | None:
    """Why `text` cannot be stored as free text, or None: it holds a character that
    makes it show in another order than it is stored (REORDERING)."""
    if not text or text.isascii():
        return None
    m = REORDERING.search(text)
    if m is None:
        return None
    c = m.group()
    return (f"holds U+{ord(c):04X} {unicodedata.name(c)}, an invisible control that shows the text in another "
            "order than it is stored (\"exe.txt\" after it shows as \"txt.exe\"): remove it; right-to-left "
            "text needs no such control (the marks U+200F and U+200E are allowed)")
