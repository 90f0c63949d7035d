"""Country names and codes -> ISO 3166-1 alpha-2 region codes, from CLDR (babel).

`region_for_country("United States")`, `("美国")`, `("Deutschland")`, `("US")`,
`("USA")`, `("UK")` all give the region code a phone number without "+" is read in.
Names come from CLDR's territory names in the locales below (CLDR via babel: no
hand-kept list); codes are ISO 3166-1 alpha-2, plus CLDR's territory aliases
(alpha-3 such as "GBR", and old codes such as "UK") that point to one region.
"""

from __future__ import annotations

import functools
import unicodedata

# Languages our users' files are written in; CLDR gives each its own territory names.
LOCALES = ("en", "zh", "zh_Hant", "fr", "de", "es", "pt", "it", "nl", "ja", "ko", "ru",
           "ar", "vi", "th", "id", "ms", "tr", "pl", "sv", "da", "nb", "fi", "cs", "el", "he")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.replace(".", " ").replace("_", " ").split())


@functools.cache
def _table() -> dict[str, str]:
    from babel import Locale
    from babel.core import get_global

    names: dict[str, set[str]] = {}
    for tag in LOCALES:
        for code, name in Locale.parse(tag).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_key(name), set()).add(code)
                names.setdefault(_key(code), set()).add(code)
    for alias, targets in get_global("territory_aliases").items():
        if len(targets) == 1 and alias.isalpha():
            names.setdefault(_key(alias), set()).add(targets[0])
    # A name two regions share (none in CLDR today) decides nothing.
    return {k: next(iter(v)) for k, v in names.items() if len(v) == 1}


def region_for_country(value: object) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country name or code in any of LOCALES; None
    for blank or unknown text (the caller then falls back to its default region)."""
    if not isinstance(value, str):
        return None
    return _region(value)


@functools.lru_cache(maxsize=4096)
def _region(value: str) -> str | None:
    key = _key(value)
    if not key or len(key) > 80:
        return None
    return _table().get(key)
