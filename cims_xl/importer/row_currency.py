"""A row's own evidence for a currency symbol several currencies share (issue 14).

"¥1,200" is yen in Japan and yuan in China; "Rs." is a rupee of India, Pakistan, Sri
Lanka, Mauritius or the Seychelles. Where a row names its country (a Country column,
mapped or not, in any language or as an ISO code: `domain.countries`), the symbol is
the one of its candidates that is legal tender in that country (CLDR supplemental
territory_currencies via babel, tender only), as a phone number without "+" takes its
country from the row. A country that uses none of the candidates, or several, settles
nothing: the file-wide rules (run.settle_bare_symbols) then decide or stop.

The same holds for a Currency column that writes a shared symbol ("¥", "$", "Rs.")
instead of a code: read as an amount's symbol is, never as the first currency CLDR
happens to list for it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ..domain import money
from ..domain.countries import region_for_country

COUNTRY_TARGETS = ("country", "customer_country")


def country_columns(headers: list[str], targets: list[str | None], columns: Iterable[int] | None = None
                    ) -> tuple[int, ...]:
    """The table columns that give a row's country, the mapped Country field's first,
    then unmapped columns headed like a country ("Country", "Pays", "国家"). `columns`:
    the table column of each header (default: their positions)."""
    from .plan import is_country_header

    index = list(columns) if columns is not None else list(range(len(headers)))
    mapped = [index[j] for j, t in enumerate(targets) if t in COUNTRY_TARGETS]
    unmapped = [index[j] for j, (h, t) in enumerate(zip(headers, targets)) if t is None and is_country_header(h)]
    return tuple(mapped + unmapped)


def row_country(values: list, columns: tuple[int, ...]) -> str | None:
    """The first filled country cell of a row (its text), else None."""
    n = len(values)
    for c in columns:
        v = values[c] if c < n else None
        if isinstance(v, str) and v.strip():
            return v
    return None


@functools.lru_cache(maxsize=1024)
def local_currencies(country: str) -> frozenset[str]:
    """The currencies legal tender today in the country a cell names ("Japan", "日本",
    "JP" -> {"JPY"}); empty for a cell naming no country we know."""
    from babel.numbers import get_territory_currencies

    region = region_for_country(country)
    if region is None:
        return frozenset()
    try:
        return frozenset(get_territory_currencies(region, tender=True))
    except Exception:                    # babel: a region CLDR has no currency data for
        return frozenset()


def by_country(codes: Iterable[str], country: str | None) -> str | None:
    """The one currency among `codes` legal tender in `country`, else None."""
    if not country:
        return None
    hits = local_currencies(country.strip()) & set(codes)
    return next(iter(hits)) if len(hits) == 1 else None


def shared_symbol(value: object) -> tuple[str, tuple[str, ...]] | None:
    """(symbol, candidates) when an amount or a currency cell writes a symbol several
    currencies share and nothing in the cell settles which ("¥1,200", "¥", "Rs."),
    else None."""
    if isinstance(value, money.ShownAmount):
        return money.bare_symbol(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[0].isdigit() and text[-1].isdigit():
        return None                      # a bare number: no symbol
    codes = money.currency_candidates(text)
    if len(codes) > 1:
        return text, codes
    if codes:
        return None
    return money.bare_symbol(value)
