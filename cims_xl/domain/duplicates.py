"""When two customers are the same one: the name comparison duplicate checks share.

An email address belongs to one person; a landline often does not (a company's
switchboard, a family's or a shop's phone). The importer therefore takes a match on
such a number for a duplicate only when the names do not differ: the same landline under
another name is a second customer who shares it, imported with a warning that says so,
never dropped. A mobile number is one person's (`may_be_shared`), unless the two also
have different email addresses: then it was passed on, or a family shares it. (`cims customer add`,
where a person decides, refuses any number already stored and says how to add a shared
one anyway.)
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers

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


def name_key(name: object) -> str:
    """A name as duplicate checks compare it: Unicode compatibility forms (NFKC), case,
    spacing and punctuation aside, and a list's "Last, First" read as "First Last"
    ("Chen, Alice" and "alice CHEN" are "alice chen"). Word order otherwise counts: "Li
    Wei" and "Wei Li" are two people (in pinyin either part may be the surname). A
    Chinese, Japanese or Korean name is the same with or without spaces between its
    parts ("王 伟" and "王伟", "山田 太郎" and "山田太郎"). A name of no letters or digits
    is compared as written ("???"). "" for no name."""
    if not isinstance(name, str) or not name:
        return ""
    text = (name if name.isascii() else unicodedata.normalize("NFKC", name)).casefold()
    written = _words(text)
    if len(written) > 1 and (all(len(w) == 1 for w in written)
                             or (not text.isascii() and all(_UNSPACED.fullmatch(w) for w in written))):
        return "".join(written)        # CJK names written with spaces between their parts
    last, comma, first = text.partition(",") if "," in text else (text, "", "")
    if comma and "," not in first and _words(first) and _words(last) \
            and not _SUFFIXES.issuperset(_words(first)):
        return " ".join(_words(first) + _words(last))    # "Chen, Alice": a list's Last, First
    # A name of no letters ("???", "-", an emoji) is still a name: another one is another.
    return " ".join(written) or " ".join(text.split())


def other_name(mine: str, theirs: str | None) -> bool:
    """Whether a phone match is between two different names (both known), as name keys."""
    return bool(mine) and bool(theirs) and mine != theirs


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
