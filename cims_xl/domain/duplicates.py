"""When two customers are the same one: the name, company and address comparisons
duplicate checks share.

An email address belongs to one person; a landline often does not (a company's
switchboard, a family's or a shop's phone). The importer therefore takes a match on
such a number for a duplicate only when the names are one person's (`name_match`: a
title, "Last, First", case, width, Latin marks or a middle initial aside): the same
landline under another name is a second customer who shares it, imported with a
warning that says so, never dropped. Where the names do not say ("王先生" beside
"王伟", "Mr Smith" beside "John Smith") the row is kept apart too and its warning and
the summary say it may be the same person. A mobile number is one person's
(`may_be_shared`), unless the two also have different email addresses: then it was
passed on, or a family shares it. (`cims customer add`, where a person decides, refuses
any number already stored and says how to add a shared one anyway.)

Companies compare without their legal form where one name has none or the forms agree
(`same_company`: "Acme Ltd" is "ACME Limited"; "Acme Inc" is not "Acme Ltd"). Email
addresses compare by `email_key` (case; Gmail's dots and +tags).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable, NamedTuple

import phonenumbers
from nameparser.config import CONSTANTS as _NAMEPARSER

from .divisions import with_division, without_division

_WORDS = re.compile(r"\w+")
# Scripts that write a name without spaces between its parts (Han, kana, Hangul).
_UNSPACED = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                       r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]+")
# Marks a writer may leave out without changing the name: Arabic harakat and tatweel,
# Hebrew niqqud ("مُحَمَّد" is "محمد").
_OPTIONAL_MARKS = re.compile(r"[\u0591-\u05c7\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")


def _words(text: str) -> list[str]:
    """Runs of letters, digits and combining marks: a vowel sign or virama (Devanagari,
    Thai, Arabic vowel marks; Unicode category M) belongs to its word, where \\w would
    cut the word there and lose it ("मीना" and "मीनू" would both be "म न")."""
    if text.isascii():
        return _WORDS.findall(text)
    text = _OPTIONAL_MARKS.sub("", text)
    return "".join(ch if ch.isalnum() or unicodedata.category(ch)[0] == "M" else " " for ch in text).split()


# What follows a comma in a name that is not "Last, First": "Acme, Inc.", "John Smith, Jr.".
_SUFFIXES = frozenset("inc ltd llc llp lp plc co corp company limited gmbh ag kg ug sa sas sarl srl spa bv nv "
                      "ab as oy pty ltda kk jr sr ii iii iv phd md esq".split())


# ----- forms of address, generations, legal forms --------------------------------------
#
# Titles written before a name and honorifics written after a CJK name come from
# nameparser's lists (CONSTANTS.titles, .suffix_not_acronyms: English, German, French,
# Spanish, Italian, Dutch, Nordic, Slavic, Hebrew, Arabic, Indic, Chinese, Japanese,
# Korean). Added here, what it lacks: French "M."/"MM." (Monsieur, Messieurs), Spanish
# "Doña"/"Dña", Italian "Sig.", Polish "Pan"/"Pani" and the Chinese 太太, 夫人, 老师, 女史.
_EXTRA_TITLES = frozenset({"m", "mm", "doña", "dona", "dña", "sig", "sigra", "pan", "pani", "frl", "mw"})
_TITLES = frozenset(t.rstrip(".") for t in _NAMEPARSER.titles if t.isalpha() or "." in t) | _EXTRA_TITLES
# Which titles say a man or a woman (nameparser has no such list; the usual forms of
# address of the languages above). Two names whose titles disagree are two people.
_MALE = frozenset("mr mister herr herrn hr m monsieur sr señor senor senhor sig signor signore dhr meneer "
                  "pan 先生".split())
_FEMALE = frozenset("mrs ms miss frau fru fräulein frl mme madame mlle mademoiselle sra señora senora srta "
                    "señorita senorita senhora senhorita sig.ra sigra signora signorina sig.na mevr mevrouw mw "
                    "pani paní doña dona dña 女士 小姐 太太 夫人 女史".split())
# The titles taken off a person's name before comparing: forms of address and academic
# or medical titles only (nameparser's list also holds "King", "Sister", "Judge" ... that
# begin company names: "King Fook Jewellery", "Sister Act Ltd").
_HONORIFICS = _MALE | _FEMALE | frozenset(
    "mr mrs ms miss mx dr doctor prof professor sir dame lady lord mme mlle mmes messrs dott dottssa ing "
    "dipl mag univprof".split())
# Honorifics after a Chinese, Japanese or Korean name (山田様, 王先生, 김민수 씨), longest
# first; not 군 and 양, which are also the last syllable of Korean given names.
_CJK_HONORIFICS = tuple(sorted(
    {s for s in _NAMEPARSER.suffix_not_acronyms | _NAMEPARSER.titles if _UNSPACED.fullmatch(s)}
    - {"군", "양"} | {"太太", "夫人", "老师", "老師", "女史", "经理", "經理", "总经理", "總經理"},
    key=len, reverse=True))
# The end of a name that tells a generation apart ("John Smith Jr." is not his father).
_GENERATIONS = {"jr": "jr", "jnr": "jr", "junior": "jr", "sr": "sr", "snr": "sr", "senior": "sr",
                "ii": "ii", "iii": "iii", "iv": "iv", "2nd": "ii", "3rd": "iii"}
# Degrees written after a name without a comma: only those that are no name's last word
# ("Nguyen Van Ba" ends in a name, not a Bachelor of Arts); after a comma, any of
# nameparser's suffixes ("John Smith, MD").
_DEGREES = frozenset({"phd", "esq", "mba", "cpa", "dds"})
_AFTER_COMMA = frozenset(s.replace(".", "") for s in _NAMEPARSER.suffix_acronyms | _NAMEPARSER.suffix_not_acronyms)

# Latin letters whose marks a writer may leave out ("José" is "Jose", "Nguyễn" is
# "Nguyen"); a mark on a letter of another script stays (Cyrillic й is not и, kana ガ
# is not カ). Letters with no decomposition, as keyboards without them write them.
_LATIN_MARKED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")
_LATIN_PLAIN = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"})


def fold_latin(text: str) -> str:
    """`text` (already NFKC and casefolded) with the marks of its Latin letters taken off."""
    if not _LATIN_MARKED.search(text):
        return text
    out = []
    latin = False
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if latin:
                continue
        else:
            latin = ch.isalpha() and (ch < "\u0250" or "\u1e00" <= ch <= "\u1eff")
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).translate(_LATIN_PLAIN)


# Han characters (CJK Unified Ideographs, extension A, compatibility, extensions B-H).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc       # OpenCC's own dictionaries: Traditional (Taiwan, Hong Kong) to Simplified
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """`text` with its Traditional Chinese characters in their Simplified form (OpenCC's
    t2s conversion: "深圳明達科技有限公司" -> "深圳明达科技有限公司", "臺灣" -> "台湾"), for
    comparing names only: a record keeps its name as written. Text without Han characters
    is returned as it is; Japanese kana and kanji that are no Traditional form stay."""
    if text.isascii() or _traditional().isdisjoint(text):
        return text
    return _t2s().convert(text)


@functools.lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """The Han characters OpenCC's t2s changes (about 2,700 of the ~28,000 in the BMP's
    CJK blocks), found once by converting each: text with none of them is its own
    Simplified form, and most names are checked by one set operation instead of a
    conversion."""
    convert = _t2s().convert
    blocks = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
    return frozenset(c for lo, hi in blocks for c in map(chr, range(lo, hi + 1)) if convert(c) != c)


def _normal(name: str) -> str:
    text = (name if name.isascii() else unicodedata.normalize("NFKC", name)).casefold()
    return text if text.isascii() else fold_latin(text)


class PersonName(NamedTuple):
    """A name as duplicate checks read it (see `name_key`): `key` compares, the other
    parts decide whether two different keys may still be one person (`name_match`)."""

    key: str
    given: tuple[str, ...] = ()      # given and middle names, in order
    family: str = ""                 # the last name; a CJK name: the name without honorific
    gender: str = ""                 # "m" | "f" from a title, "" when none says
    generation: str = ""             # "jr" | "sr" | "ii" ...
    titled: bool = False             # written with a title or honorific
    cjk: bool = False


@functools.lru_cache(maxsize=65536)
def parse_name(name: str) -> PersonName:
    """The parts of a person's name: titles and honorifics (nameparser's lists) and
    degrees set aside, "Last, First" read as "First Last", Latin marks folded."""
    text = _normal(name)
    if not text.isascii() and _UNSPACED.fullmatch(text):
        return _cjk_name(text)                        # "王伟", written as most are: one word
    written = _words(text)
    if len(written) > 1 and all(len(w) == 1 for w in written) and text.isascii():
        return PersonName("".join(written))           # "J K": initials, as written
    if written and not text.isascii() and all(_UNSPACED.fullmatch(w) for w in written):
        return _cjk_name("".join(written))            # "王 伟", "김민수 씨"
    if (written and "," not in text and written[0] not in _TITLES and written[-1] not in _TAIL
            and text.split(None, 1)[0].rstrip(".") not in _TITLES):
        return PersonName(" ".join(written), tuple(written[:-1]), written[-1])    # most names
    last, comma, first = text.partition(",") if "," in text else (text, "", "")
    after: list[str] = []
    if comma:
        fw, lw = _words(first), _words(last)
        if "," not in first and fw and lw and not (_SUFFIXES | _AFTER_COMMA).issuperset(fw):
            text = first + " " + last                 # "Chen, Alice": a list's Last, First
        elif fw and (_SUFFIXES | _AFTER_COMMA | _GENERATIONS.keys()).issuperset(fw):
            text, after = last, fw                    # "John Smith, Jr.", "Acme, Inc."
    tokens = text.split()
    gender = ""
    titled = False
    # A title goes only from a person's name: a real form of address (not "King",
    # "Sister", which begin company names), in a name without a legal form ("Doctor Who
    # Ltd" is a company); before a single word it stays in the key (below).
    # ("Mr Smith", a title and a family name alone, keeps it: see below.)
    strip = bool(tokens) and tokens[0].rstrip(".") in _HONORIFICS and not _legal_forms(name)[1]
    while strip and len(tokens) > 1 and tokens[0].rstrip(".") in _HONORIFICS:
        title = tokens.pop(0).rstrip(".")
        titled = True
        gender = gender or ("m" if title in _MALE else "f" if title in _FEMALE else "")
    words = _words(" ".join(tokens))
    generation = ""
    for w in after:
        generation = _GENERATIONS.get(w, generation)
    if after and not generation and _COMPANY_SUFFIXES.issuperset(after):
        return PersonName(" ".join(written))           # a company: "Acme, Inc."
    while len(words) > 1 and (words[-1] in _GENERATIONS or words[-1] in _DEGREES):
        generation = _GENERATIONS.get(words.pop(), generation)
    if not words:
        return PersonName(" ".join(written) or " ".join(text.split()))
    if titled and len(words) == 1:
        key = " ".join(written)          # "Mr Smith" is not "Smith" nor "Mrs Smith"
    else:
        key = " ".join(words + ([generation] if generation else []))
    return PersonName(key, tuple(words[:-1]), words[-1], gender, generation, titled)


def _cjk_name(joined: str) -> PersonName:
    for n in _CJK_HONORIFIC_LENGTHS:
        h = joined[-n:]
        if h in _CJK_HONORIFIC_SET and len(joined) > n:
            rest = joined[:-n]
            gender = "m" if h in _MALE else "f" if h in _FEMALE else ""
            # 王伟先生 is 王伟; 王先生 (a family name alone) keeps its honorific: 王女士 is another.
            return PersonName(rest if len(rest) >= 2 else joined, family=rest, gender=gender, titled=True,
                              cjk=True)
    return PersonName(joined, family=joined, cjk=True)


_COMPANY_SUFFIXES = _SUFFIXES - _GENERATIONS.keys() - {"phd", "md", "esq"}
_TAIL = _GENERATIONS.keys() | _DEGREES
_CJK_HONORIFIC_SET = frozenset(_CJK_HONORIFICS)
_CJK_HONORIFIC_LENGTHS = sorted({len(h) for h in _CJK_HONORIFICS}, reverse=True)


def name_key(name: object) -> str:
    """A name as duplicate checks compare it: Unicode compatibility forms (NFKC), case,
    spacing, punctuation and the marks of Latin letters aside ("José" is "jose"), a
    list's "Last, First" read as "First Last" ("Chen, Alice" and "alice CHEN" are
    "alice chen"), a title before a full name and a degree after it left out ("Mr. John
    Smith", "Dr. John Smith PhD" are "john smith"; titles from nameparser's lists in many
    languages: Herr, Frau, Mme, Sra., Sig.ra ...). A title before a family name alone
    stays ("Mr Smith" is "mr smith", not "smith"): it does not say which Smith. Word order
    otherwise counts: "Li Wei" and "Wei Li" are two people (in pinyin either part may be
    the surname). A Chinese, Japanese or Korean name is the same with or without spaces
    between its parts ("王 伟" and "王伟") and with an honorific after a full name
    ("王伟先生", "山田太郎様"), not after a family name alone ("王先生"). A name of no
    letters or digits is compared as written ("???"). "" for no name."""
    if not isinstance(name, str) or not name:
        return ""
    return parse_name(name).key


def _forms(name: str) -> tuple[str, ...]:
    p = parse_name(name)
    if p.cjk:
        return (p.key, "\x00" + p.family[:1])
    if not p.family:
        return (p.key,)
    core = p.given[0] + " " + p.family if p.given else p.key
    return (p.key, "\x00" + p.family) if core == p.key else (p.key, core, "\x00" + p.family)


def name_forms(name: object) -> tuple[str, ...]:
    """Keys under which a phone's holders meet to be compared (`name_match`): the name's
    key, its first given name with its family name, and its family name alone (the first
    character of a CJK name), so "John A. Smith" meets "John Smith" and "Mr Smith"."""
    if not isinstance(name, str) or not name:
        return ()
    return _forms(name)


SAME, OTHER, UNSURE = "same", "other", "unsure"


def name_match(mine: str | None, theirs: str | None) -> str:
    """Whether two names written on one phone or record are one person: SAME ("Mr. John
    Smith" and "SMITH, John", "John A. Smith" and "John Smith", "José" and "Jose", "王伟先生"
    and "王伟"), OTHER (another family or given name, another middle initial, "Mr" and "Mrs",
    "Jr." and "Sr.", "Acme Inc" and "Acme Ltd") or UNSURE, where the names do not say:
    a family name alone with a title ("Mr Smith", "王先生") beside a full name of that
    family ("John Smith", "王伟"), an initial beside a given name ("J. Smith", "John
    Smith"), "John Smith Jr." beside "John Smith". SAME when either name is unknown."""
    if not mine or not theirs or mine == theirs:
        return SAME
    if company_parts(mine)[1] or company_parts(theirs)[1]:
        return SAME if same_company(mine, theirs) else OTHER
    a, b = parse_name(mine), parse_name(theirs)
    if a.gender and b.gender and a.gender != b.gender:
        return OTHER
    if a.key == b.key:
        return SAME
    if a.cjk or b.cjk:
        if not (a.cjk and b.cjk):
            return OTHER
        if a.family == b.family:
            return SAME
        if (a.titled and b.family.startswith(a.family)) or (b.titled and a.family.startswith(b.family)):
            return UNSURE      # 王先生 and 王伟: a family name and a full name of it
        return OTHER
    if a.family != b.family or (a.generation and b.generation and a.generation != b.generation):
        return OTHER
    if not a.given or not b.given:
        return UNSURE
    verdict = SAME if a.generation == b.generation else UNSURE
    if a.given[0] != b.given[0]:
        if not _initial_of(a.given[0], b.given[0]):
            return OTHER
        verdict = UNSURE                # "J. Smith", "John Smith"
    middle_a, middle_b = a.given[1:], b.given[1:]
    if middle_a and middle_b and (len(middle_a) != len(middle_b)
                                  or not all(x == y or _initial_of(x, y) for x, y in zip(middle_a, middle_b))):
        return OTHER                    # "John A. Smith", "John B. Smith"
    return verdict


def _initial_of(x: str, y: str) -> bool:
    return (len(x) == 1 or len(y) == 1) and x[0] == y[0]


# ----- companies ------------------------------------------------------------------------
#
# Legal forms at the end of a company's name, by canonical form. Latin: the usual
# abbreviations and their long forms (UK Companies Act "Ltd"/"Limited", US "Inc"/
# "Incorporated", "Corp", "Co"; GmbH, AG, SA, S.p.A., B.V. ...). A short form that is
# also a word of people's names (Sá, Ag, Co, As) counts only as companies write it: in
# capitals or with a dot ("SA", "S.A.", "Co."). CJK: PRC Company Law (有限公司,
# 有限责任公司 = limited liability; 股份有限公司 = joint-stock), Japan's Companies Act
# (株式会社, 合同会社, 有限会社), Korea's Commercial Act (주식회사, 유한회사).
_LONG_FORMS = {"ltd": "ltd", "limited": "ltd", "inc": "inc", "incorporated": "inc", "corp": "corp",
               "corporation": "corp", "company": "co", "llc": "llc", "llp": "llp", "plc": "plc", "pty": "pty",
               "gmbh": "gmbh", "sarl": "sarl", "ltda": "ltda", "sas": "sas", "srl": "srl", "spa": "spa",
               "kgaa": "kgaa", "oyj": "oyj", "bhd": "bhd", "sdn": "sdn", "pte": "pte"}
_SHORT_FORMS = {"co": "co", "ag": "ag", "kg": "kg", "ug": "ug", "sa": "sa", "bv": "bv", "nv": "nv",
                "ab": "ab", "oy": "oy", "as": "as", "kk": "kk", "lp": "lp", "se": "se"}
_CJK_FORMS = (("股份有限公司", "股份"), ("有限责任公司", "有限"), ("有限責任公司", "有限"), ("有限公司", "有限"),
              ("株式会社", "kk"), ("(株)", "kk"), ("合同会社", "gk"), ("(合)", "gk"), ("有限会社", "yk"),
              ("(有)", "yk"), ("주식회사", "jsh"), ("(주)", "jsh"), ("유한회사", "yh"), ("(유)", "yh"))
_FORM_TOKEN = re.compile(r"[^\s,&()/]+")


_CJK_FORM_OF = dict(_CJK_FORMS)
_JA_KO_FORMS = frozenset({"kk", "gk", "yk", "jsh", "yh"})
_CJK_FORM_LENGTHS = sorted({len(w) for w in _CJK_FORM_OF}, reverse=True)
# Written before the name too: 株式会社山田 (前株) beside 山田株式会社 (後株); (주)한빛 beside
# 한빛(주). The bracketed short forms are how both countries abbreviate them, also as one
# character (㈱, ㈲, ㈜, which NFKC reads as (株), (有), (주)).
_CJK_FORM_STARTS = frozenset({"株式会社", "(株)", "合同会社", "(合)", "有限会社", "(有)", "주식회사", "(주)", "유한회사",
                              "(유)"})
# The last token could be a legal form: a cheap test before the token walk below.
_FORM_WORDS = frozenset(_LONG_FORMS) | frozenset(_SHORT_FORMS)
_ONE_WORD = re.compile(r"[^\W_]+")


def company_parts(name: str) -> tuple[str, frozenset[str]]:
    """(the name without its legal form, as name_key compares it; the canonical legal
    forms it ends or, in Japanese and Korean, begins with). A Chinese province or city
    it begins with is written in full (`divisions.with_division`: 深圳 and 深圳市 are one
    city). ("Acme Co., Ltd." -> ("acme", {"co", "ltd"}); "深圳明达科技有限公司" ->
    ("深圳市明达科技", {"有限"}); "(주)한빛", "한빛 주식회사" -> ("한빛", {"jsh"}); "John
    Smith" -> ("john smith", {}).)"""
    text, forms = _legal_forms(name)
    if not forms:
        base = _company_name_key(name)
        return (base if base.isascii() else with_division(base)), frozenset()
    text = text.strip().casefold()
    if text.isascii():
        return (text if _ONE_WORD.fullmatch(text) else " ".join(_words(text)) or name_key(name)), frozenset(forms)
    text = fold_latin(text)
    # one word as it stands (北京恒通) needs no splitting into words
    base = text if _ONE_WORD.fullmatch(text) else " ".join(_words(text)) or name_key(name)
    # a Japanese or Korean company's name is not read for a Chinese city (大同生命保険株式会社)
    return (base if forms & _JA_KO_FORMS else with_division(base)), frozenset(forms)


def company_core(name: object) -> str:
    """A Chinese company's name without legal form and without the province or city it
    begins with ("北京明达科技有限公司" -> "明达科技"); "" when it begins with none. A
    name written with a city and the same name without one ("明达科技") may or may not
    be one company: the importer warns, it does not merge them."""
    if not isinstance(name, str) or not name.strip() or name.isascii():
        return ""
    base, forms = company_parts(name)
    return "" if forms & _JA_KO_FORMS else without_division(base)


def written_key(name: object) -> str:
    """A company's name as `name_key` compares names, but with no word taken off or
    moved ("Mrs. Fields Cookies" is "mrs fields cookies", not "fields cookies"); its legal
    form stays as written ("ACME Limited" is "acme limited"). "" for no name."""
    if not isinstance(name, str) or not name:
        return ""
    return _company_name_key(name)


def _company_name_key(name: str) -> str:
    """A company's name without a legal form as `name_key` compares it, no leading word
    taken for a title ("Mrs. Fields Cookies" is not "Fields Cookies")."""
    text = _normal(name)
    return " ".join(_words(text)) or " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def _legal_forms(name: str) -> tuple[str, frozenset[str]]:
    """(the name with its legal forms cut off, as written; the canonical forms)."""
    text = name.strip() if name.isascii() else unicodedata.normalize("NFKC", name).strip()
    forms: set[str] = set()
    if not text.isascii():
        for n in _CJK_FORM_LENGTHS:
            if len(text) > n:
                if (form := _CJK_FORM_OF.get(text[-n:])) is not None:
                    forms.add(form)
                    text = text[:-n]
                    break
                if text[:n] in _CJK_FORM_STARTS:
                    forms.add(_CJK_FORM_OF[text[:n]])
                    text = text[n:]
                    break
    if not forms:
        last = text.rsplit(None, 1)[-1] if text else ""
        if last.replace(".", "").strip(",&()/").casefold() in _FORM_WORDS:
            tokens = list(_FORM_TOKEN.finditer(text))
            cut = len(text)
            while len(tokens) > 1:
                token = tokens[-1].group()
                plain = token.replace(".", "").casefold()
                form = _LONG_FORMS.get(plain) or (_SHORT_FORMS.get(plain) if ("." in token or token.isupper())
                                                  else None)
                if form is None:
                    break
                forms.add(form)
                cut = tokens.pop().start()
            text = text[:cut]
    return text, frozenset(forms)


@functools.lru_cache(maxsize=65536)   # a file names its companies again and again
def _company_key(name: str) -> str:
    base, forms = company_parts(name)
    return base + "|" + ",".join(sorted(forms)) if forms else base


def company_key(name: object) -> str:
    """A company's name as exact look-ups compare it: `company_parts`, its legal forms
    in canonical order ("Acme Ltd" and "ACME Limited" are "acme|ltd")."""
    if not isinstance(name, str) or not name.strip():
        return ""
    return _company_key(name)


def company_name(name: str, company: object = None, kind: object = None) -> bool:
    """Whether a customer's name is a company's, so that no title is taken off it ("Mrs.
    Fields Cookies" is not "Fields Cookies"): a Company type (`kind`), a legal form in
    the name, or the name of its own Company field (`is_its_company`)."""
    if not name:
        return False
    return kind == "Company" or is_its_company(name, company) or bool(_legal_forms(name)[1])


def _COMPAT_FIRST(ch: str) -> bool:
    """Whether NFKC may change a name's first character: full-width forms (Ａ), enclosed
    CJK (㈱, ㈜) and the like."""
    return "\u3200" <= ch <= "\u33ff" or "\uff00" <= ch <= "\uffef" or "\u2460" <= ch <= "\u24ff"


def is_its_company(name: str, company: object) -> bool:
    """Whether a name is its Company field's, written the same or another way as
    `company_key` compares them ("Mrs. Fields Cookies" at "MRS FIELDS COOKIES", "Acme
    Ltd" at "ACME Limited")."""
    if not name or not isinstance(company, str) or not company:
        return False
    if name == company:
        return True
    # A cheap test first (the rows of most files have a person's name beside a company):
    # one company written two ways begins with the same letter, case aside, and differs
    # in length by its punctuation and the spelling of its legal form at most.
    first, other = name[0], company[0]
    if first != other:
        if _COMPAT_FIRST(first):
            first = unicodedata.normalize("NFKC", first)[:1]
        if _COMPAT_FIRST(other):
            other = unicodedata.normalize("NFKC", other)[:1]
        if first.casefold() != other.casefold():
            return False
    if abs(len(name) - len(company)) > 12:
        return False
    return company_key(name) == company_key(company)


def same_company(a: str, b: str) -> bool:
    """Whether two company names are one company: the same name without legal form, and
    forms that do not disagree (one names none, or the forms of one are among the
    other's: "Acme Ltd", "ACME Limited", "Acme Co., Ltd.", "Acme" are one; "Acme Inc"
    and "Acme Ltd", "北京恒通有限公司" and "北京恒通股份有限公司" are two)."""
    base_a, forms_a = company_parts(a)
    base_b, forms_b = company_parts(b)
    return bool(base_a) and base_a == base_b and (forms_a <= forms_b or forms_b <= forms_a)


def two_people(me: tuple[str, str, bool], other: tuple[str, str, bool] | None,
               shareable: Callable[[], bool]) -> str | None:
    """Whether a phone match is between two people: (name, email key, whether the name is
    a company's: `company_name`) of one holder and of the other. Names that are not one
    person's (`name_match`, or `same_company` when either is a company's: "Mrs. Fields
    Cookies" is not "Fields Cookies"; OTHER, or UNSURE when they do not say), and either
    different emails or a number several people may share (`shareable()`: a landline,
    `may_be_shared`): OTHER or UNSURE; None for one person (a duplicate). The import and
    the sheet's Save both decide with it (see the module docstring)."""
    if other is None:
        return None
    if me[2] or other[2]:
        verdict = SAME if same_company(me[0], other[0]) else OTHER
    else:
        verdict = name_match(me[0], other[0])
    if verdict == SAME:
        return None
    return verdict if (me[1] and other[1] and me[1] != other[1]) or shareable() else None


# ----- email addresses ------------------------------------------------------------------

# Gmail ignores dots in the part before @ and everything after a "+" there
# (support.google.com/mail/answer/7436150, /answer/12096); googlemail.com is the same
# service. Other providers' rules differ (a dot is a different mailbox at most), so
# only these are folded.
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def email_key(email: object) -> str:
    """An email address as duplicate checks compare it: case aside (as every common
    provider treats it), a domain written in IDNA's ASCII form read in Unicode
    ("xn--fsqu00a.xn--fiqs8s" is "例子.中国"), and for Gmail addresses without dots or
    "+tag" in the part before @ ("John.Smith+shop@gmail.com" is "johnsmith@gmail.com").
    "" for none."""
    if not isinstance(email, str) or not email:
        return ""
    text = email.casefold()
    local, at, domain = text.rpartition("@")
    if at and "xn--" in domain:
        try:     # "例子.中国" written as its IDNA (RFC 5891) ASCII form is the same domain
            domain = domain.encode("ascii").decode("idna").casefold()
            text = local + "@" + domain
        except UnicodeError:
            pass
    if at and domain in _DOTLESS_DOMAINS:
        return local.split("+", 1)[0].replace(".", "") + "@gmail.com"
    return text


# Mailboxes of a role, not of a person: RFC 2142 §3–5 (info, marketing, sales, support,
# abuse, noc, security, postmaster, hostmaster, usenet, news, webmaster, www, uucp, ftp)
# and the role names businesses commonly give them, in the languages cims reads.
ROLE_MAILBOXES = frozenset({
    "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster",
    "usenet", "news", "webmaster", "www", "uucp", "ftp",
    "office", "contact", "contacts", "hello", "admin", "team", "billing", "accounts", "accounting",
    "enquiries", "enquiry", "inquiries", "inquiry", "service", "services", "help", "helpdesk",
    "reception", "orders", "order", "mail", "hr", "jobs", "careers", "press", "invoices", "invoice",
    "kontakt", "buero", "büro", "bureau", "contacto", "contato", "ventas", "vendas", "vente", "ventes",
    "verkauf", "vertrieb", "rechnung", "rechnungen", "buchhaltung", "verwaltung", "empfang", "zentrale",
    "bestellung", "bestellungen", "anfrage", "anfragen", "kundenservice", "personal",
    "comercial", "atendimento", "financeiro", "administracion", "administración", "facturacion",
    "facturación", "compras", "commercial", "compta", "comptabilite", "comptabilité", "accueil",
    "secretariaat", "boekhouding", "administratie", "verkoop", "klantenservice", "biuro", "ksiegowosc",
    "księgowość", "sprzedaz", "sprzedaż", "amministrazione", "vendite", "segreteria", "ufficio",
    "secretariat", "sekretariat", "kefu", "bangong", "caiwu", "xiaoshou", "support-team", "finance",
    "purchasing", "procurement", "shop", "store", "customerservice", "customercare", "feedback",
})


def is_role_mailbox(email: object) -> bool:
    """Whether an address is a role's mailbox several people may share ("info@acme.com",
    "sales-eu@…", "Office@…"): its part before @, up to a ".", "-", "_" or "+", is one of
    ROLE_MAILBOXES (RFC 2142 and common role names)."""
    return isinstance(email, str) and _ROLE_MAILBOX.match(email) is not None and "@" in email


_ROLE_MAILBOX = re.compile("(?:" + "|".join(sorted(map(re.escape, ROLE_MAILBOXES), key=len, reverse=True))
                           + r")[.\-_+@]", re.IGNORECASE)


_PERSONAL_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.PAGER,
                             phonenumbers.PhoneNumberType.PERSONAL_NUMBER})


@functools.lru_cache(maxsize=4096)
def may_be_shared(e164: str) -> bool:
    """Whether a stored number (E.164) may belong to several people: any number but a
    mobile, pager or personal number by its country's numbering plan (phonenumbers'
    number type; a US/CA number that may be either is taken as possibly shared). A
    mobile under two names is still one customer written two ways ("王五", "王先生")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) not in _PERSONAL_TYPES
