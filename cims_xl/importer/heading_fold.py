"""The one fold every comparison of column headings uses (mapping, own_columns, net_gross,
time_columns): two headings that differ only in how a letter was typed are the same.

- NFKC: full-width Latin ("Ｎａｍｅ"), ligatures ("ﬁrma"), compatibility forms, the
  Arabic presentation forms; format characters (bidi marks, zero-width spaces) dropped.
- case folding: "STRASSE"/"Straße" (ß folds to "ss"), "ŞEHİR"/"şehir" (the dot a Turkish
  capital "İ" keeps when folded, U+0307, is dropped).
- look-alike letters that no language sets against each other: Romanian s and t with a
  cedilla (ş ţ, as older fonts and keyboards write them) and with a comma below (ș ț,
  CLDR and modern text) are one letter; in a word written mostly in Latin letters, a
  Cyrillic or Greek letter that looks like a Latin one ("Nаme" with a Cyrillic "а") is
  that Latin letter. A word written wholly in Cyrillic or Greek is left as it is, so no
  two words that differ are merged.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..domain.invisible import without_format

# comma below -> cedilla (both folded to one; which one does not matter)
_ONE_LETTER = str.maketrans({"ș": "ş", "ț": "ţ", "\u0307": None})
# Cyrillic and Greek letters drawn as Latin ones (lower case: after case folding)
_LATIN_LOOKALIKE = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "к": "k", "в": "b", "м": "m", "н": "h", "т": "t",
    "ο": "o", "α": "a", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ε": "e"})
# Capital Greek and Cyrillic letters drawn as Latin capitals: read before case folding, which
# would make Greek "Ν" (N) a "ν" (drawn as v) and "Ε" an "ε"
_LATIN_CAPITAL = str.maketrans({
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y"})
_MIXED_WORD = re.compile(r"[\w\-.'’]+")     # "Е-mail": a hyphen does not part the word


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "\u00df" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def _is_lookalike_script(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff" or "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def _mostly_latin(word: str) -> bool:
    """Whether `word` mixes Latin letters with Cyrillic or Greek ones, the Latin ones at
    least as many (case aside)."""
    lower = word.lower()
    latin = sum(map(_is_latin, lower))
    other = sum(map(_is_lookalike_script, lower))
    return bool(latin and other and latin >= other)


def _latin_word(m: re.Match) -> str:
    word = m.group(0)
    return word.translate(_LATIN_LOOKALIKE) if _mostly_latin(word) else word


def _latin_capitals(m: re.Match) -> str:
    word = m.group(0)
    return word.translate(_LATIN_CAPITAL) if _mostly_latin(word) else word


@lru_cache(maxsize=16384)
def fold(text: object) -> str:
    """`text` (a heading, or a word compared with one) in the form headings are compared
    in: NFKC, format characters dropped, case-folded, look-alike letters as one."""
    out = without_format(unicodedata.normalize("NFKC", str(text)))
    if out.isascii():
        return out.casefold()
    out = _MIXED_WORD.sub(_latin_capitals, out).casefold().translate(_ONE_LETTER)
    if out.isascii():
        return out
    return _MIXED_WORD.sub(_latin_word, out)
