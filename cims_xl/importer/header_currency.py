"""The currency a column's heading states: "Amount (EUR)", "Total [USD]", "Sales in
EUR", "Amount EUR", "金额（元）", "Betrag (€)", "Total ¥" (issue 14: a currency the file states is
evidence, never replaced by the store's).

`header_currency` splits such a heading into the heading proper ("Amount") and the
currency it names, read as a Currency cell is (domain.money: ISO codes, CLDR symbols
and names). The importer maps the heading proper ("Amount (EUR)" is the Amount field)
and takes the currency for the column's amounts that name none of their own, in rows
without a Currency of their own.
"""

from __future__ import annotations

import functools
import re

from ..domain import money
from .amount_units import read_unit

# "Amount (EUR)", "Amount [EUR]", "金额（元）", "金额【人民币】"
_BRACKETED = re.compile(r"^(?P<head>.*?\S)\s*[(\[（【](?P<cur>[^()\[\]（）【】]{1,20})[)\]）】]\s*$")
# "Sales in EUR", "Amount in US dollars"
_IN = re.compile(r"^(?P<head>.*?\S)\s+in\s+(?P<cur>.{1,20}?)\s*$", re.IGNORECASE)
# "Amount EUR", "Amount_USD", "Amount-GBP": an ISO code in capitals only, and not one
# that is also an English word a heading ends with ("Sales ALL", "Rank TOP")
_CODE = re.compile(r"^(?P<head>.*?[^\s_/-])[\s_/-]+(?P<cur>[A-Z]{3})\s*$")
# "Total ¥", "Betrag €", "Amount $": a currency sign (no letters) after the heading, spaced
_SIGN = re.compile(r"^(?P<head>.*?[^\W_])\s+(?P<cur>[^\w\s()\[\]（）【】%#.,:;'\"/-]{1,3})\s*$")
# Currency nouns that are everyday words too (amount_units._WORDS_TOO), read as the currency in
# brackets after an amount's heading: "Amount (won)", "금액 (won)". Not "real" ("Importe
# (real)" is the actual amount in Spanish) nor "mark".
_NOUNS_AFTER_AN_AMOUNT = frozenset({"won"})
# What accounting exports write after "in" or in brackets for a currency they do not name:
# "Amount in FC" (foreign currency), "Betrag in HW" (Hauswährung), SAP's "in LC" / "in DC"
# (local, document currency), "in TC" (transaction), "in RC" (reporting). "FC" is also the
# Congolese franc's sign (CLDR), which these headings never mean.
_CURRENCY_ROLES = frozenset({"FC", "LC", "DC", "TC", "RC", "HC", "GC", "HW", "FW", "BW"})
_WORD_CODES = frozenset({"ALL", "TOP", "CUP", "PEN", "MOP", "BOB", "TRY", "SOS", "MAD", "GEL", "BAM", "DOP"})


@functools.lru_cache(maxsize=256)
def header_currency(header: str) -> tuple[str, tuple[str, ...]] | None:
    """(the heading without its currency, the currencies it may be) when `header` ends
    by naming a currency: ("Amount", ("EUR",)) for "Amount (EUR)"; ("Amount",
    ("ARS", "AUD", … "USD", …)) for "Amount ($)". None for a heading naming none
    ("Amount", "Amount (net)", "Price (incl. VAT)")."""
    found = _split(header)
    return (found[0], found[2]) if found else None


@functools.lru_cache(maxsize=256)
def _split(header: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(the heading proper, the currency as the heading writes it, its candidates)."""
    if not isinstance(header, str):
        return None
    for pattern in (_BRACKETED, _IN, _CODE, _SIGN):
        match = pattern.match(header.strip())
        if match is None:
            continue
        cur = match.group("cur").strip()
        if cur.upper() in _CURRENCY_ROLES:
            continue
        if pattern is _CODE and (cur in _WORD_CODES or not money.is_currency_code(cur)):
            continue
        if pattern is _SIGN and not money.names_currency(cur):
            continue
        codes = money.currency_candidates(cur)
        if not codes and pattern is not _CODE and (unit := read_unit(cur)) is not None and unit.codes:
            cur, codes = unit.currency, unit.codes      # "金额(万元)": yuan, in 10,000s (amount_units)
        if not codes and pattern is _BRACKETED and cur.casefold() in _NOUNS_AFTER_AN_AMOUNT:
            from .mapping import money_headings, norm

            if norm(match.group("head")) in money_headings():
                codes = money.currency_noun(cur) or ()    # "Amount (won)": won, the currency
        if codes:
            return match.group("head").strip(), cur, codes
    # an ISO code among a split heading's words ("amount_cents_usd", "totalUsdCents",
    # "amount_usd_total"): that currency; the heading proper is the other words
    from .amount_units import heading_words

    words = heading_words(header)
    coded = {code for w in words if (code := code_word(w, header)) is not None}
    if len(coded) == 1 and len(words) > 1:
        code = next(iter(coded))
        rest = [w for w in words if code_word(w, header) is None]
        return "_".join(rest), code, (code,)
    # a minor unit only one currency has, as a split heading's last word ("price_in_pence",
    # "金额_分", "amountPence"): that currency (amount_units.header_unit)
    from .amount_units import header_unit

    if (unit := header_unit(header)) is not None and unit[1].codes and unit[1].currency:
        return unit[0], unit[1].currency, unit[1].codes
    return None


def code_word(word: str, header: str) -> str | None:
    """The ISO code a word of a split heading is ("usd" in "amount_cents_usd", "USD" in
    "amountUSD"), else None: in capitals, or in lower case in a heading split by "_", ".",
    "-" or camelCase; never a code that is also an English word ("all", "top", "try")."""
    if len(word) != 3 or not word.isalpha() or not (word.isupper() or word.islower()
                                                     or (word.istitle() and re.search(r"[a-z][A-Z]", header))):
        return None
    if word.islower() and not re.search(r"[_.\-]|[a-z][A-Z]", header):
        return None
    code = word.upper()
    if code in _WORD_CODES or code in _ALSO_WORDS or not money.is_currency_code(code):
        return None
    return code


# lower-case heading words that are ISO codes and also abbreviations ("amount_std": standard)
_ALSO_WORDS = frozenset({"STD", "XXX", "XTS"})


def header_code(header: str) -> str | None:
    """The one currency a heading states ("Amount (EUR)" -> "EUR"), else None."""
    found = header_currency(header)
    return found[1][0] if found and len(found[1]) == 1 else None


def header_sign(header: str) -> tuple[str, tuple[str, ...]] | None:
    """(the sign, the currencies it may be) when a heading states a sign several
    currencies share ("Amount ($)" -> ("$", ("ARS", "AUD", … "USD", …)), "Belopp (kr)"):
    the column's amounts are written in it as if each carried it, and are settled as
    such a sign is (run.settle_bare_symbols, plain_amounts). None otherwise."""
    found = _split(header)
    return (found[1], found[2]) if found and len(found[2]) > 1 else None
