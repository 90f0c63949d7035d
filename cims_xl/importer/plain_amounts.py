"""Amounts written without a currency in a file whose other amounts name one (issue 14:
never silently wrong).

"12,000원", "₩1,500", "5,500원" and a bare "3,000" in one column: the bare amount is in
won like the others, not in the store's currency (CNY) because it names none. As a row
whose Country cell is blank among rows naming one country takes that country
(importer.phone_evidence), an amount with no currency, in a row without a Currency of
its own, takes the one currency every other amount of the file names, when those
amounts are at least as many as the bare ones; the summary says so, with examples.
Where a few amounts name one currency other than the store's among many bare ones,
the bare amounts' currency cannot be told: the import stops before writing, naming
the column, rows and examples, and --currency CODE.

A bare amount is never put in the store's currency unless that is the only currency
the file names (cur20b). Where the file names several (amounts "$1,200.00" and
"300.00 EUR", a Currency column of USD and EUR rows, "Rs" read as PKR in a Pakistan row
and INR in an India row), its bare amounts stop the import before writing, naming the
column, examples of the bare and of each named currency, and --currency CODE, which
then settles them (amounts naming their own currency, or whose row's country reads
their sign, keep theirs). A file naming no currency keeps the store's, said
(ImportResult.currency_notes), unless it is written in a language whose country uses
another currency (file_language: a Japanese file, JPY, in a CNY store): the language
says where the file comes from, the store where the books are kept, and neither says
which the amounts are in, so it stops naming --currency JPY and --currency CNY. A file
headed in Thai, Vietnamese, Hebrew or Greek (THB, VND, ILS, EUR) or in Cyrillic (the
currencies of every country writing it: RUB, UAH, BYN, KZT …) stops likewise, as does a
file headed in German, French, Spanish, Italian, Portuguese, Polish, Dutch … (its headings'
words: heading_language; never English); where the store's currency is one of the
language's, the import goes on and the summary says so.

A sign several currencies share counts as the currency the file's evidence reads it as
(issue 14, cur20): "$1,200.00" beside a bare "350.00" is one file in dollars, so the bare
amount is in the currency the "$" is read as (run.settle_bare_symbols: the store's when
it is one of them, the file's language, the house reading "$" = USD, said to be assumed
and counted so), never the store's CNY beside USD. A row whose country makes the sign
one currency (row_currency.by_country: "$" in Canada) settles its own amounts, bare
ones too, whatever the other rows say. The same weighing then holds: a few "$" amounts
among many bare ones stop the import before writing, naming the column, examples of
both kinds and --currency.

Bare amounts under a heading that states a currency ("Amount (EUR)", header_currency)
are not counted here; --currency decides for all of them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from decimal import Decimal
from typing import NamedTuple

from ..domain import money
from .errors import ImportRefused
from .file_language import LATIN_LANGUAGES, NAMES, SCRIPT_LANGUAGES, LanguageVerdict, first_currency, home_currencies
from .row_currency import by_country, row_country

EXAMPLES = 3
COUNTRIES_MAX = 1000      # (column, country) pairs remembered for bare amounts; more: no country
# the characters a number written without a currency is made of ("3,000", "1.234,56", "(12)")
_PLAIN = frozenset("0123456789.,'-−+() \u00a0\u202f\u2009")


def plain_text(value: object) -> bool:
    """Whether a cell is an amount written with digits alone: "3,000", "1 234,50", a
    number cell, or a number whose format shows no currency."""
    if isinstance(value, bool):
        return False
    if isinstance(value, money.ShownAmount):
        return money.named_currency(value) is None and money.bare_symbol(value) is None
    if isinstance(value, (int, float, Decimal)):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    # "2,750/-" (Indian: no paise), "△3,000" (the Japanese minus): digits alone too
    text = money.triangle_minus(money.dash_cents(text))
    return any(ch.isdigit() for ch in text) and all(ch in _PLAIN for ch in text)


def _shown(value: object) -> str:
    """A cell as the message shows it: a whole number cell as "800", not "800.0"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, money.ShownAmount):    # a number cell formatted "€#,##0.00": '€1234.5'
        return f"{value.token}{' ' if value.token[-1:].isalpha() else ''}{value}"
    return str(value)


class PlainVerdict(NamedTuple):
    """What `PlainAmounts.decide` found."""
    currency: str | None = None     # the currency the bare amounts take, when it is not the store's
    lines: tuple[dict, ...] = ()    # the summary's lines
    # (sign, code) when that currency is only a sign's assumed reading ("$" = USD): the rows
    # taking it are counted as assumed (ImportResult.currency_assumed), never as the file's own
    assumed: tuple[str, str] | None = None
    # the candidates of each shared sign the file's amounts write: a row's country settles
    # its bare amounts by them (plan._settle_currency), as it settles the sign
    signs: tuple[tuple[str, ...], ...] = ()


class PlainAmounts:
    """Collects, over the whole file, the currencies its amounts and Currency cells name,
    the shared signs its amounts write, and the amounts that name none in rows without
    a Currency of their own. `decide` weighs them (see the module)."""

    def __init__(self, money_cols: list[tuple[int, str]], code_cols: list[int], headed: dict[str, str],
                 countries: tuple[int, ...] = (), headed_signs: dict[str, tuple[str, tuple[str, ...]]] | None = None):
        self.money = [(c, h) for c, h in money_cols if h not in headed]
        self.headed_signs = headed_signs or {}          # "Amount ($)": its bare amounts are written in "$"
        self.code_cols = code_cols
        self.countries = tuple(countries)               # the columns giving a row's country
        self.named: Counter[str] = Counter()            # currency -> amounts and cells naming it
        self.named_examples: dict[str, list[str]] = {}
        self.by_country: Counter[str] = Counter()       # currency -> sign amounts their row's country settled
        # (column, the row's country or None) -> amounts naming no currency
        self.plain: Counter[tuple[str, str | None]] = Counter()
        self.plain_examples: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
        self.signs: dict[str, tuple[str, ...]] = {}     # a shared sign amounts write ("$") -> its candidates
        self.signed: Counter[str] = Counter()           # sign -> amounts written with it, left to the file
        self.sign_examples: dict[str, list[str]] = {}

    def add(self, number: int, values: list) -> None:
        """One data row (`number`: its row in the file)."""
        n = len(values)
        stated = False
        for c in self.code_cols:
            v = values[c] if c < n else None
            if isinstance(v, str) and v.strip():
                stated = True
                try:
                    code = money.check_currency(v)
                except ValueError:
                    continue
                if code:
                    self._named(code, v.strip())
        country = row_country(values, self.countries) if self.countries and not stated else None
        for c, header in self.money:
            v = values[c] if c < n else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            shown = v.strip() if isinstance(v, str) else _shown(v)
            sign = self.headed_signs.get(header) if not stated else None
            if sign is not None and plain_text(v):
                self._sign(sign, shown, country)
            elif plain_text(v):
                if not stated:
                    key = (header, " ".join(country.split()) if country else None)
                    if key not in self.plain and len(self.plain) >= COUNTRIES_MAX:
                        key = (header, None)    # a country too many: left to the file's rule
                    self.plain[key] += 1
                    kept = self.plain_examples.setdefault(key, [])
                    if len(kept) < EXAMPLES:
                        kept.append((number, shown))
            elif code := money.named_currency(v):
                self._named(code, _shown(v))
            elif not stated and (shared := money.bare_symbol(v)) is not None:
                self._sign(shared, f"{v.token}{v}" if isinstance(v, money.ShownAmount) else shown, country)

    def _sign(self, shared: tuple[str, tuple[str, ...]], shown: str, country: str | None) -> None:
        """An amount written with a sign several currencies share ("$5"), or under a
        heading stating one ("Amount ($)")."""
        sign, codes = shared
        self.signs.setdefault(sign, tuple(codes))
        if (code := by_country(codes, country)) is not None:
            self._named(code, shown)            # "$5" in a row whose Country is Canada
            self.by_country[code] += 1
            return
        self.signed[sign] += 1
        kept = self.sign_examples.setdefault(sign, [])
        if len(kept) < EXAMPLES and shown not in kept:
            kept.append(shown)

    def _named(self, code: str, shown: str) -> None:
        self.named[code] += 1
        examples = self.named_examples.setdefault(code, [])
        if len(examples) < EXAMPLES and shown not in examples:
            examples.append(shown)

    def _country_code(self, country: str | None) -> str | None:
        """The one currency a row's `country` makes the file's signs ("$" in Canada: CAD)."""
        if not country or not self.signs:
            return None
        codes = {code for cands in self.signs.values() if (code := by_country(cands, country))}
        return codes.pop() if len(codes) == 1 else None

    def country_signs(self) -> tuple[tuple[str, ...], ...]:
        """The file's shared signs' candidates when a row's country settles a bare amount
        by them (PlainVerdict.signs), for an import given --currency: that settles only
        the bare amounts no row's country settles, as it settles only signs no country does."""
        if any(self._country_code(country) is not None for _, country in self.plain):
            return tuple(self.signs.values())
        return ()

    def decide(self, store: str | None, prefer: tuple[str, ...] = (),
               language: LanguageVerdict | None = None) -> PlainVerdict:
        """The currency the bare amounts take, when it is not the store's, and the summary's
        lines; `prefer`: the codes the file's evidence settles its signs to
        (run.settle_bare_symbols); `language`: the language the file is written in
        (file_language). Raises ImportRefused where they cannot be told (see the module)."""
        lines: list[dict] = []
        signs = tuple(self.signs.values())
        # bare amounts in rows whose country settles the file's sign: theirs
        settled: Counter[str] = Counter()
        loose: Counter[str] = Counter()                 # column -> bare amounts left to the file
        loose_examples: dict[str, list[tuple[int, str]]] = {}
        for (header, country), count in self.plain.items():
            if (code := self._country_code(country)) is not None:
                settled[code] += count
                continue
            loose[header] += count
            loose_examples.setdefault(header, []).extend(self.plain_examples.get((header, country), ()))
        if settled:
            lines.append({"what": "currency of amounts written without one, by the row's country",
                          "decided": ", ".join(f"{code} ({k} row(s))" for code, k in settled.most_common()),
                          "evidence": "the file's amounts write "
                                      + ", ".join(f"'{s}'" for s in self.signs)
                                      + "; the row's country uses one of the currencies written so (CLDR)"})
        named = Counter(self.named)
        examples = {code: list(shown) for code, shown in self.named_examples.items()}
        how: dict[str, str] = {code: f"'{s}' read by the row's country" for code in self.by_country
                               for s in self.signs if code in self.signs[s]}
        guessed: dict[str, str] = {}                    # code -> the sign only assumed to be it
        for sign, count in self.signed.items():
            try:
                code, assumed = money.currency_of_token(sign, prefer)
            except money.CurrencyError:
                continue                # run.settle_bare_symbols has stopped on it, or --currency decides
            named[code] += count
            kept = examples.setdefault(code, [])
            kept += [e for e in self.sign_examples[sign] if e not in kept][:max(0, EXAMPLES - len(kept))]
            if assumed:
                guessed[code] = sign
                how[code] = (f"'{sign}' read as {code}, assumed: the file names no other currency written "
                             f"'{sign}'")
            else:
                how[code] = f"'{sign}' read as {code}, as the lines above say"
        bare = sum(loose.values())
        if bare and len(named) > 1:
            self._stop_several(store, named, examples, how, guessed, loose, loose_examples)
        if bare and not named:
            self._check_language(store, language, loose, loose_examples, lines)
        if not bare or len(named) != 1 or set(named) == {store}:
            # no currency, or the store's, named: the store's (said by ImportResult.currency_notes)
            return PlainVerdict(None, tuple(lines), None, signs if settled else ())
        header = max(loose, key=lambda h: loose[h])
        rows = ", ".join(f"row {r}: '{t}'" for r, t in sorted(loose_examples[header])[:EXAMPLES])
        described = "; ".join(f"{code} ({named[code]}, e.g. " + ", ".join(f"'{e}'" for e in examples[code])
                              + (f"; {how[code]}" if code in how else "") + ")"
                              for code, _ in named.most_common())
        code = next(iter(named))
        if sum(named.values()) >= bare:
            lines.append({"what": "currency of amounts written without one",
                          "decided": code + (" (assumed)" if code in guessed else ""),
                          "evidence": f"{bare} amount(s) name no currency ('{header}' {rows}); every other amount "
                                      f"of the file is in {described}; give --currency CODE to say otherwise"})
            return PlainVerdict(code, tuple(lines), (guessed[code], code) if code in guessed else None,
                                signs if settled else ())
        for code, sign in guessed.items():       # nothing is read here: say what the sign may be
            how[code] = (f"'{sign}', {code} only by assumption: {len(self.signs.get(sign, ()))} currencies "
                         "write it")
        described = "; ".join(f"{code} ({named[code]}, e.g. " + ", ".join(f"'{e}'" for e in examples[code])
                              + (f"; {how[code]}" if code in how else "") + ")"
                              for code, _ in named.most_common())
        raise ImportRefused(
            f"column '{header}': {bare} amount(s) name no currency ({rows}), and only a few name one: {described}"
            f"{f'; the store keeps its amounts in {store}' if store else ''}. Nothing was imported. Give the "
            "currency of the amounts that name none with --currency CODE (e.g. --currency "
            f"{named.most_common(1)[0][0]}), or write each amount's currency (a Currency column).")

    @staticmethod
    def _bare_rows(loose: Counter[str], loose_examples: dict[str, list[tuple[int, str]]]) -> tuple[str, str]:
        """(the column with most bare amounts, its examples "row 3: '500.00'")."""
        header = max(loose, key=lambda h: loose[h])
        return header, ", ".join(f"row {r}: '{t}'" for r, t in sorted(loose_examples[header])[:EXAMPLES])

    def _stop_several(self, store: str | None, named: Counter[str], examples: dict[str, list[str]],
                      how: dict[str, str], guessed: dict[str, str], loose: Counter[str],
                      loose_examples: dict[str, list[tuple[int, str]]]) -> None:
        """Bare amounts in a file naming several currencies: which one they are in cannot
        be told, the store's no more than any (cur20b). Stops before writing."""
        header, rows = self._bare_rows(loose, loose_examples)
        bare = sum(loose.values())
        for code, sign in guessed.items():
            how[code] = f"'{sign}' read as {code}, assumed"
        described = "; ".join(f"{code} ({named[code]}, e.g. " + ", ".join(f"'{e}'" for e in examples[code])
                              + (f"; {how[code]}" if code in how else "") + ")"
                              for code, _ in named.most_common())
        store_said = (f"; the store keeps its amounts in {store}, which is not taken for them either"
                      if store else "")
        raise ImportRefused(
            f"column '{header}': {bare} amount(s) name no currency ({rows}), and the file's other amounts "
            f"name {len(named)} currencies: {described}{store_said}. Nothing was imported. Give the currency "
            "of the amounts that name none with --currency CODE (e.g. --currency "
            f"{named.most_common(1)[0][0]}; amounts naming their own currency keep it), or write each "
            "amount's currency (a Currency column).")

    def _check_language(self, store: str | None, language: LanguageVerdict | None, loose: Counter[str],
                        loose_examples: dict[str, list[tuple[int, str]]], lines: list[dict]) -> None:
        """Bare amounts in a file naming no currency, written in a language whose country
        uses another currency than the store's (a Japanese file in a CNY store): the
        file's language says where it comes from, the store's currency says where the
        books are kept; which the amounts are in cannot be told. Stops before writing,
        naming the column, examples, the evidence and --currency for each reading."""
        if not store or language is None or language.language is None or language.mixed:
            return
        homes = home_currencies(language.language)
        if not homes:
            return
        name = NAMES[language.language]
        first = first_currency(language.language)
        home = ([first] if first in homes else []) + sorted(homes - {first})
        header, rows = self._bare_rows(loose, loose_examples)
        bare = sum(loose.values())
        if store in homes:
            if len(homes) > 1 or language.language in SCRIPT_LANGUAGES or language.language in LATIN_LANGUAGES:
                lines.append({"what": "currency of amounts written without one",
                              "decided": f"{store} (the store's)",
                              "evidence": f"{bare} amount(s) name no currency ('{header}' {rows}); the file is "
                                          f"written in {name} ({'; '.join(language.evidence)}), whose "
                                          f"countries use {', '.join(home)}, the store's among them; give "
                                          "--currency CODE to say otherwise"})
            return
        whose = (f"whose country's currency is {' or '.join(home)}" if len(home) == 1
                 else f"whose countries' currencies are {', '.join(home)}")
        raise ImportRefused(
            f"column '{header}': {bare} amount(s) name no currency ({rows}), and the file is written in "
            f"{name} ({'; '.join(language.evidence)}), {whose}, while the store keeps its amounts in {store}. "
            "Nothing was imported. Give their currency with --currency CODE "
            f"(--currency {home[0]} for "
            + (f"amounts of {', '.join(sorted(_first_regions(language.language)))}" if len(home) > 1
               else f"{name} amounts")
            + f", --currency {store} for the store's), or write each amount's currency (a Currency column).")


def _first_regions(language: str) -> set[str]:
    """The countries the first-named currency is for (CLDR likely subtags)."""
    from babel.core import get_global
    tag = get_global("likely_subtags").get({"Cyrl": "ru"}.get(language, language), "")
    return {tag.rsplit("_", 1)[-1]} if tag.count("_") == 2 else set()
