"""When two customers are the same one: the name comparison duplicate checks share.

An email address belongs to one person; a landline often does not (a company's
switchboard, a family's or a shop's phone). The importer therefore takes a match on
such a number for a duplicate only when the names do not differ: the same landline under
another name is a second customer who shares it, imported with a warning that says so,
never dropped. A mobile number is one person's (`may_be_shared`). (`cims customer add`,
where a person decides, refuses any number already stored and says how to add a shared
one anyway.)
"""

from __future__ import annotations

import functools
import re

import phonenumbers

_WORDS = re.compile(r"\w+")


def name_key(name: object) -> str:
    """A name as duplicate checks compare it: case, spacing, punctuation and word order
    aside ("Chen, Alice" and "alice CHEN" are "alice chen"; "王 伟" is "王伟"). "" for
    no name."""
    if not isinstance(name, str) or not name:
        return ""
    words = _WORDS.findall(name.casefold())
    if len(words) > 1 and all(len(w) == 1 for w in words):
        return "".join(words)          # CJK names written with spaces between characters
    return " ".join(sorted(words))


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
