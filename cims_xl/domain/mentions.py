"""How free text may write a person's name or postal address, for finding it there
(GDPR/PIPL erase: services/gdpr.py).

Text and the person's values are compared *folded* (`fold`): case (Unicode casefold,
"ß" is "ss"), width (NFKC: "８８号" is "88号", "Ｋｏｖáｃｓ" is "kovacs"), the marks of
Latin letters ("Kovács" is "Kovacs"; ä, ö, ü become "ae", "oe", "ue", the German
transliteration of ICAO Doc 9303 and DIN 5007-2) and Traditional Han characters
(OpenCC t2s, one character at a time: "王曉明" is "王晓明"). A match in the folded
text is mapped back to the characters of the original, which are what is replaced.

What counts as the same name (`name_pattern`):
- the words in the order written, or with the last word first or the first word last
  ("Anna Kovács" is "Kovács Anna", "Kovács, Anna"; "Wang Xiaoming" is "Xiaoming Wang"),
  any case, with a comma or spaces between the words;
- a letter's marks dropped or (ä/ö/ü) transliterated: a name written "Müller" is found
  as "Müller", "Mueller" and "Muller"; one written "Mueller" as "Mueller" and "Müller",
  but not "Muller" (which may be another family's name); one written "Muller" only as
  "Muller" and "MULLER";
- a hyphen in a name may be a space or nothing ("Soo-jin": "Soo jin", "Soojin");
  a CJK name may have spaces between its characters ("王 小明").
Not: initials ("A. Kovács": a family name and an initial may be anyone), nicknames,
a given name or a family name alone (see services/gdpr.py: in other people's records a
name in a script with spaces counts only with two words), a middle name left out,
other romanisations ("Wang Hsiao-ming").

What counts as the same street address (`address_pattern`): the same words and house
number, any case, with any spaces, commas, dots, dashes or slashes between them
("12 Baker Street" is "12, baker street."); a street type written in full or
abbreviated (`STREET_TYPES`: "Baker St.", "Rue"/"R.", "Hauptstraße"/"Hauptstr.",
"Calle"/"C/", "Via"/"V."); the house number before or after the street ("Rue de la
Paix 12"); full-width digits. Never another house number ("14 Baker Street", "112 Baker
Street").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from .duplicates import fold_latin, simplified

# ----- folding -------------------------------------------------------------------------

# Punctuation written in more than one way: typographic apostrophes and dashes.
_PUNCT = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u2012": "-",
          "\u2013": "-", "\u2014": "-", "\u2212": "-"}
_DIAERESIS = "\u0308"


@functools.lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character folded (see the module docstring); may be "" (a lone combining
    mark) or longer than one character ("ß": "ss", "ü": "ue")."""
    if ch.isascii():
        return ch.lower()
    if ch in _PUNCT:
        return _PUNCT[ch]
    if unicodedata.combining(ch):
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c.isascii():
            out.append(c)
            continue
        decomposed = unicodedata.normalize("NFD", c)
        if decomposed[0] in "aou" and _DIAERESIS in decomposed[1:]:
            out.append(decomposed[0] + "e")           # ä ö ü -> ae oe ue
            continue
        c = fold_latin(c)
        out.append(simplified(c) if len(c) == 1 and not c.isascii() else c)
    return "".join(out)


class _Folding(dict):
    """str.translate table filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> str:
    """`text` folded, for matching only (see the module docstring)."""
    return text.lower() if text.isascii() else text.translate(_FOLDING)


@functools.lru_cache(maxsize=65536)
def search_spellings(text: str) -> tuple[str, ...]:
    """The ways a free-text search compares `text` beyond case (normalize.search_key):
    the marks of Latin letters taken off as the duplicate check takes them off
    (duplicates.fold_latin: "José Álvarez" is "jose alvarez", "Müller" "muller") and
    with ä, ö, ü written ae, oe, ue as the erase reads a name (`fold`: "Müller" is
    "mueller"). One or two spellings; a search term matches a value when one of the
    term's spellings is part of one of the value's."""
    from .normalize import search_key

    folded = fold_arabic(search_key(text))
    if _HAN_ANY.search(folded):
        # Traditional and Simplified Chinese are one spelling to a search ("王曉明" is "王晓明")
        folded = simplified(folded)
    plain = fold_latin(folded)
    german = fold(folded)
    return (plain,) if german == plain else (plain, german)


_HAN_ANY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Arabic as it is commonly typed: alef without its hamza or madda (أ إ آ ٱ are ا), no
# harakat, shadda, superscript alef or tatweel (مُحَمَّد, محمّد and محـمد are محمد), final
# ى as ي and ة as ه (the pairs keyboards and habits interchange at a word's end); the
# letters Persian, Kurdish and Urdu keyboards type for Arabic's: ک (U+06A9) as ك, ی
# (U+06CC) as ي, ە (U+06D5) and ۀ (U+06C0) as ه (Unicode's Arabic chapter: the same
# letters in another language's form; "کریمی" and "كريمي" are one name).
ARABIC_FOLDABLE = ("\u0622\u0623\u0625\u0671\u0649\u0629\u0640\u064b-\u065f\u0670"
                   "\u06a9\u06cc\u06d5\u06c0")
_ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")
_ARABIC_LETTERS = str.maketrans({"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
                                 "\u0649": "\u064a", "\u0629": "\u0647", "\u06a9": "\u0643",
                                 "\u06cc": "\u064a", "\u06d5": "\u0647", "\u06c0": "\u0647"})
_ARABIC_ANY = re.compile("[" + ARABIC_FOLDABLE + "]")


def fold_arabic(text: str) -> str:
    """`text` with the Arabic spelling variants a search treats as one taken out
    (ARABIC_FOLDABLE): "أحمد" and "إحمد" are "احمد", "مُحَمَّد" is "محمد", "مدرسة" is "مدرسه",
    Persian "کریمی" is "كريمي"."""
    if text.isascii() or not _ARABIC_ANY.search(text):
        return text
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)


def _origins(text: str) -> list[int]:
    """For each character of `fold(text)`, the index of the character of `text` it
    comes from."""
    out: list[int] = []
    for i, ch in enumerate(text):
        out.extend([i] * len(fold_char(ch)))
    return out


def replace_folded(pattern: re.Pattern, text: str, marker: str, folded: str | None = None) -> str:
    """`text` with every match of `pattern` in its folded form (`folded`, or computed)
    replaced by `marker`, the match widened to whole characters of `text`. `pattern`
    must be built from folded text (`name_pattern`, `address_pattern`,
    `literal_pattern`)."""
    folded = fold(text) if folded is None else folded
    matches = [(m.start(), m.end()) for m in pattern.finditer(folded) if m.end() > m.start()]
    if not matches:
        return text
    if text.isascii():
        origin = None
    else:
        origin = _origins(text)
    out, last = [], 0
    for start, end in matches:
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        if start < last:
            continue
        out.append(text[last:start])
        out.append(marker)
        last = end
    out.append(text[last:])
    return "".join(out)


class Finder:
    """Many patterns over folded text as one (`alternatives`: (pattern, anchors) pairs,
    tried in that order, then `others`), run only on a text whose folded form holds
    every anchor of one of them (literals that every match of its pattern contains:
    `name_anchor`, `address_anchor`, `literal_anchor`) or matches one of `others`: most
    text mentions nobody, and substring tests are much cheaper than the pattern."""

    def __init__(self, alternatives: list[tuple[str, tuple[str, ...]]], others: list[str] = ()):
        patterns = [p for p, _a in alternatives if p] + list(others)
        self.pattern = re.compile("|".join(patterns)) if patterns else None
        self._anchors = tuple(dict.fromkeys(a for p, a in alternatives if p))
        self._others = re.compile("|".join(others)).search if others else None

    def replace(self, text: str, marker: str) -> str:
        """`text` with every match replaced by `marker` (see `replace_folded`)."""
        if self.pattern is None:
            return text
        folded = fold(text)
        if not (any(all(a in folded for a in anchors) for anchors in self._anchors)
                or (self._others and self._others(folded))):
            return text
        return replace_folded(self.pattern, text, marker, folded)


# ----- pieces of patterns ----------------------------------------------------------------

# Scripts written without spaces between words (Han, kana, Hangul): a name or address
# in them is found inside a longer run ("张伟的订单", "김민수가").
_UNSPACED_CHARS = (r"\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                   r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f")
_UNSPACED = re.compile(f"[{_UNSPACED_CHARS}]")
# A letter or digit of a script that spaces its words: what must not continue a match.
_SPACED_ALNUM = rf"[^\W_{_UNSPACED_CHARS}]"


def _bounded(body: str, first: str, last: str) -> str:
    """`body` as a whole word where it starts or ends with a letter or digit of a
    spaced script ("Wei" not inside "Weimar"); a CJK end matches inside a run."""
    start = f"(?<!{_SPACED_ALNUM})" if _is_spaced_alnum(first) else ""
    end = f"(?!{_SPACED_ALNUM})" if _is_spaced_alnum(last) else ""
    return f"{start}{body}{end}"


def _is_spaced_alnum(ch: str) -> bool:
    return ch.isalnum() and not _UNSPACED.match(ch)


def spaced_script(text: str) -> bool:
    """Whether `text` starts and ends with a letter or digit of a script that puts
    spaces between words (Latin, Cyrillic, Greek, Arabic …), where one word of a name is
    a given or a family name alone; False for Han, kana and Hangul, whose names are
    written as one run."""
    folded = fold(text.strip())
    return bool(folded) and _is_spaced_alnum(folded[0]) and _is_spaced_alnum(folded[-1])


def literal_pattern(text: str) -> str:
    """`text` (an email, a name as a whole) as a pattern over folded text: any run of
    spaces where it has one, whole words at a Latin end."""
    folded = fold(text.strip())
    if not folded:
        return ""
    body = r"\s+".join(re.escape(w) for w in folded.split())
    return _bounded(body, folded[0], folded[-1])


def literal_anchor(text: str) -> tuple[str, ...]:
    """The words of `fold(text)`: in every match of `literal_pattern(text)`."""
    return tuple(dict.fromkeys(fold(text).split()))


# ----- names -----------------------------------------------------------------------------

_NAME_WORDS = re.compile(r"[^\s,，、]+")


def _word_pattern(word: str) -> str:
    """One word of a name as a pattern over folded text: an umlaut's "e" optional
    ("Müller": "mue?ller"), a hyphen a space or nothing, an apostrophe or a dot
    ("Dr.") optional, spaces allowed between CJK characters."""
    out = []
    prev_unspaced = False
    for ch in word:
        folded = fold_char(ch)
        unspaced = bool(_UNSPACED.match(folded))
        if unspaced and prev_unspaced:
            out.append(r"\s?")
        prev_unspaced = unspaced
        if not ch.isascii() and folded in ("ae", "oe", "ue"):
            out.append(folded[0] + "e?")
        elif folded == "-":
            out.append(r"[\s\-]?")
        elif folded in ("'", "."):
            out.append(re.escape(folded) + "?")
        else:
            out.append(re.escape(folded))
    return "".join(out)


def _literal_runs(word: str) -> list[str]:
    """The runs of a name word that `_word_pattern` matches as they are (between an
    optional umlaut "e", hyphen, apostrophe or dot, and between CJK characters)."""
    runs, run = [], ""
    for ch in word:
        folded = fold_char(ch)
        if _UNSPACED.match(folded):
            runs += [run, folded]
            run = ""
        elif not ch.isascii() and folded in ("ae", "oe", "ue"):
            runs.append(run + folded[0])
            run = ""
        elif folded in ("-", "'", "."):
            runs.append(run)
            run = ""
        else:
            run += folded
    return [r for r in runs + [run] if r]


def name_anchor(name: str) -> tuple[str, ...]:
    """The longest literal run of each word of `name` (each character of a CJK one):
    in every match of `name_pattern(name)`."""
    out: dict[str, None] = {}
    for word in name_words(name):
        runs = _literal_runs(word)
        if any(_UNSPACED.match(r) for r in runs):
            out.update(dict.fromkeys(runs))
        elif runs:
            out[max(runs, key=len)] = None
    return tuple(out)


def name_words(name: str) -> list[str]:
    """The words of a name, commas and spaces apart: "Kovács, Anna" -> ["Kovács", "Anna"]."""
    return _NAME_WORDS.findall(name)


def name_pattern(name: str, *, reorder: bool = True) -> str:
    """A pattern over folded text for a person's name, the words in the order written
    and (with `reorder`, for a name of two words or more in a spaced script) with the
    last word first or the first word last; commas or spaces between the words. See
    the module docstring for what else is the same name. "" for an empty name."""
    words = name_words(name)
    if not words:
        return ""
    n = len(words)
    orders = [list(range(n))]
    spaced = not any(_UNSPACED.match(fold(w)[:1]) or _UNSPACED.match(fold(w)[-1:]) for w in words)
    if reorder and spaced and n >= 2:
        orders += [[n - 1, *range(n - 1)], [*range(1, n), 0]]
    sep = r"(?:\s*,\s*|\s+)" if spaced else r"\s*,?\s*"
    pieces = [_word_pattern(w) for w in words]
    folded = [fold(w) for w in words]
    alts: dict[str, None] = {}
    for order in orders:
        body = sep.join(pieces[i] for i in order)
        alts[_bounded(body, folded[order[0]][:1], folded[order[-1]][-1:])] = None
    return next(iter(alts)) if len(alts) == 1 else f"(?:{'|'.join(alts)})"


# ----- street addresses ---------------------------------------------------------------------

# Street types and their abbreviations, folded (lower case, marks off, ß as ss). Each
# group is one type; a word of an address found in a group may be written as any form
# of every group it is in. Sources:
# - English: USPS Publication 28, Appendix C1 (Street Suffix Abbreviations): the
#   primary name, the standard abbreviation and the common variants of the usual types;
#   UK Close/Cl, Crescent/Cres, Gardens/Gdns as Royal Mail addresses write them.
# - French: the type-of-way abbreviations of AFNOR NF Z 10-011 (La Poste): Av, Bd, Pl,
#   Che, Imp, Rte, Crs, Fg, Sq, All; "R." for Rue as commonly written.
# - German/Dutch: Straße/Strasse/Str., Platz/Pl., Straat/Str., Laan/Ln., Plein/Pln.
# - Spanish: the INE/Correos street types: Calle C/ Cl, Avenida Av Avda, Plaza Pl Pza,
#   Paseo Pº Pso, Carretera Ctra, Camino Cno, Ronda Rda, Travesía Trva.
# - Italian: the DUG abbreviations of the Poste Italiane address standard: Via V.,
#   Viale V.le, Piazza P.za P.zza, Corso C.so, Largo L.go, Vicolo V.lo.
# - Portuguese: Rua R., Avenida Av., Travessa Tv., Praça Pç., Estrada Estr.
# Not exhaustive; a type not here must be written the same way to match. A form with a
# dot inside ("v.le") is its words with any separator between them.
STREET_TYPES: tuple[tuple[str, ...], ...] = (
    ("street", "st", "str", "strt", "strasse", "straat"),
    ("avenue", "ave", "av", "aven", "avenu", "avn", "avnue", "avenida", "avda", "avd"),
    ("boulevard", "blvd", "boul", "boulv", "bd", "bld"),
    ("road", "rd"),
    ("drive", "dr", "drv", "driv"),
    ("lane", "ln"),
    ("court", "ct", "crt"),
    ("place", "pl"),
    ("plaza", "plz", "plza", "pza", "pl"),
    ("platz", "pl"),
    ("piazza", "p.za", "p.zza", "pza", "pzza"),
    ("praca", "pc", "pca"),
    ("plein", "pln"),
    ("square", "sq", "sqr", "squ"),
    ("terrace", "ter", "terr"),
    ("circle", "cir", "circ", "crcl"),
    ("crescent", "cres", "crsnt"),
    ("close", "cl"),
    ("gardens", "gdns"),
    ("highway", "hwy"),
    ("parkway", "pkwy", "pky"),
    ("expressway", "expy"),
    ("freeway", "fwy"),
    ("turnpike", "tpke"),
    ("alley", "aly", "ally"),
    ("allee", "all"),
    ("way", "wy"),
    ("trail", "trl"),
    ("grove", "grv"),
    ("heights", "hts"),
    ("rue", "r"),
    ("chemin", "che", "chem", "ch"),
    ("impasse", "imp"),
    ("route", "rte"),
    ("cours", "crs"),
    ("faubourg", "fg", "fbg"),
    ("passage", "pas", "psge"),
    ("quai", "qu"),
    ("laan", "ln"),
    ("calle", "c", "cl", "cll"),
    ("paseo", "po", "pso", "p"),
    ("carretera", "ctra", "crta"),
    ("camino", "cno"),
    ("ronda", "rda"),
    ("travesia", "trva"),
    ("via", "v"),
    ("viale", "v.le", "vle"),
    ("corso", "c.so", "cso"),
    ("largo", "l.go", "lgo"),
    ("vicolo", "v.lo", "vlo", "vic"),
    ("rua", "r"),
    ("travessa", "tv", "trav"),
    ("estrada", "estr"),
)
# Compounds that end in a street type (German, Dutch): "hauptstrasse" is "hauptstr".
_COMPOUND_ENDS = (("strasse", ("strasse", "str")), ("straat", ("straat", "str")), ("str", ("strasse", "str")))

_TOKENS = re.compile(r"\d+|[^\W\d_]+")
# What may stand between the words and the number of an address.
_SEP = r"[\s,.;:\-/#]"


def _tokens(text: str) -> list[str]:
    """Runs of digits and runs of letters of folded text ("221b" -> "221", "b";
    "建国路88号" -> "建国路", "88", "号")."""
    return _TOKENS.findall(text)


@functools.lru_cache(maxsize=1)
def _street_forms() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """{a form as tokens: every form (as tokens) of every group holding it}."""
    groups: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for group in STREET_TYPES:
        forms = {tuple(_tokens(f)) for f in group}
        for form in forms:
            groups.setdefault(form, set()).update(forms)
    return {k: tuple(sorted(v, key=lambda f: (-sum(map(len, f)), f))) for k, v in groups.items()}


def _join(tokens: list[str], pieces: list[str]) -> str:
    """Token patterns joined: a separator required between two letter runs or two digit
    runs, optional between a letter and a digit ("88号", "221b") or around CJK."""
    out = [pieces[0]]
    for (a, b), piece in zip(zip(tokens, tokens[1:]), pieces[1:]):
        same = (a[-1].isdigit() and b[0].isdigit()) or (
            _is_spaced_alnum(a[-1]) and _is_spaced_alnum(b[0]) and not a[-1].isdigit() and not b[0].isdigit())
        out.append(f"{_SEP}+" if same else f"{_SEP}*")
        out.append(piece)
    return "".join(out)


def _street_type(forms: tuple[tuple[str, ...], ...]) -> str:
    """A street type as any of its forms (a dot after it is a separator, `_SEP`)."""
    alts = [f"{_SEP}*".join(re.escape(t) for t in form) for form in forms]
    return f"(?:{'|'.join(alts)})"


class _Word(NamedTuple):
    first: str          # its first token (a two-token street type: "v" of "v.le")
    pattern: str
    literal: str        # what every match of `pattern` holds ("" for a street type)


def _token_patterns(tokens: list[str]) -> list[_Word]:
    """Each word of an address: a street type (one or two tokens, "v.le") as all its
    forms, a German/Dutch compound's ending as its forms ("hauptstrasse":
    "haupt(?:strasse|str)"), anything else as itself."""
    forms = _street_forms()
    out: list[_Word] = []
    i = 0
    while i < len(tokens):
        two = tuple(tokens[i:i + 2])
        if len(two) == 2 and two in forms:
            out.append(_Word(tokens[i], _street_type(forms[two]), ""))
            i += 2
            continue
        tok = tokens[i]
        if (tok,) in forms:
            out.append(_Word(tok, _street_type(forms[(tok,)]), ""))
        else:
            word = _Word(tok, re.escape(tok), tok)
            for end, alts in _COMPOUND_ENDS:
                if tok.endswith(end) and len(tok) >= len(end) + 3:
                    stem = tok[:-len(end)]
                    word = _Word(tok, re.escape(stem) + f"(?:{'|'.join(alts)})", stem)
                    break
            out.append(word)
        i += 1
    return out


def _address_words(tokens: list[str]) -> list[_Word]:
    """`_token_patterns`, or the tokens as written when the address has no word besides
    a street type and a number ("Rue 5": "R 5" could be anything)."""
    words = _token_patterns(tokens)
    if any(w.literal and not w.literal.isdigit() for w in words):
        return words
    return [_Word(t, re.escape(t), t) for t in tokens]


def _house_number(tokens: list[str]) -> int:
    """How many tokens at the start of `tokens` are a house number: runs of digits, each
    with a single letter after it ("221", "b"; "12", "14" of "12-14"); 0 when it does
    not start with one."""
    n = 0
    while n < len(tokens) and tokens[n].isdigit():
        n += 1
        if n < len(tokens) - 1 and len(tokens[n]) == 1 and tokens[n].isalpha():
            n += 1
    return n


def address_anchor(part: str) -> tuple[str, ...]:
    """Literals in every match of `address_pattern(part)`: its longest run of digits
    (the house number, as a rule) and its longest word that is no street type (a
    compound's part before the type: "haupt" of "hauptstraße")."""
    words = _address_words(_tokens(fold(part)))
    digits = max((w.literal for w in words if w.literal.isdigit()), key=len, default="")
    word = max((w.literal for w in words if not w.literal.isdigit()), key=len, default="")
    return tuple(a for a in (digits, word) if a)


def address_pattern(part: str, *, reorder: bool = True) -> str:
    """A pattern over folded text for a street address or a part of one (see the
    module docstring). With `reorder`, a part that starts or ends with a house number
    in a spaced script is also found with the number at the other end: "12 Rue de la
    Paix" as "Rue de la Paix 12", "Hauptstraße 5" as "5 Hauptstraße". "" when `part`
    has no letter or digit."""
    tokens = _tokens(fold(part))
    if not tokens:
        return ""
    words = _address_words(tokens)
    starts = [w.first for w in words]
    pieces = [w.pattern for w in words]
    orders = [(starts, pieces)]
    spaced = not any(_UNSPACED.match(t[0]) for t in tokens)
    if reorder and spaced and len(words) >= 2:
        n = _house_number(starts)
        if n and any(not t.isdigit() for t in starts[n:]):
            orders.append((starts[n:] + starts[:n], pieces[n:] + pieces[:n]))
        elif starts[-1].isdigit() and any(not t.isdigit() for t in starts[:-1]):
            orders.append((starts[-1:] + starts[:-1], pieces[-1:] + pieces[:-1]))
    alts = [_bounded(_join(t, p), t[0][0], t[-1][-1]) for t, p in orders]
    return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
