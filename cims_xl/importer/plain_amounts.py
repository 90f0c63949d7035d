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
the column, rows and examples, and --currency CODE. Where the file names several
currencies (an export of orders in EUR, CHF, GBP), a bare amount takes the store's
currency as before, and the summary says so (ImportResult.currency_notes).

Bare amounts under a heading that states a currency ("Amount (EUR)", header_currency)
and amounts written with a symbol several currencies share ("$5", run.settle_bare_symbols
decides those) are not counted here; --currency decides for all of them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from ..domain import money
from .errors import ImportRefused

EXAMPLES = 3
# the characters a number written without a currency is made of ("3,000", "1.234,56", "(12)")
_PLAIN = frozenset("0123456789.,'-−+() \u00a0\u202f\u2009")


def plain_text(value: object) -> bool:
    """Whether a cell is an amount written with digits alone: "3,000", "1 234,50", a
    number cell, or a number whose format shows no currency."""
    if isinstance(value, bool):
        return False
    if isinstance(value, money.ShownAmount):
        return money.named_currency(value) is None and money.bare_symbol(value) is None
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return any(ch.isdigit() for ch in text) and all(ch in _PLAIN for ch in text)


class PlainAmounts:
    """Collects, over the whole file, the currencies its amounts and Currency cells name
    and the amounts that name none in rows without a Currency of their own. `decide`
    weighs them (see the module)."""

    def __init__(self, money_cols: list[tuple[int, str]], code_cols: list[int], headed: dict[str, str]):
        self.money = [(c, h) for c, h in money_cols if h not in headed]
        self.code_cols = code_cols
        self.named: Counter[str] = Counter()            # currency -> amounts and cells naming it
        self.named_examples: dict[str, list[str]] = {}
        self.plain: Counter[str] = Counter()            # column -> amounts naming no currency
        self.plain_examples: dict[str, list[tuple[int, str]]] = {}

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
        for c, header in self.money:
            v = values[c] if c < n else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            if plain_text(v):
                if not stated:
                    self.plain[header] += 1
                    shown = self.plain_examples.setdefault(header, [])
                    if len(shown) < EXAMPLES:
                        shown.append((number, v.strip() if isinstance(v, str) else str(v)))
            elif code := money.named_currency(v):
                self._named(code, v.strip() if isinstance(v, str) else f"{v}")

    def _named(self, code: str, shown: str) -> None:
        self.named[code] += 1
        examples = self.named_examples.setdefault(code, [])
        if len(examples) < EXAMPLES and shown not in examples:
            examples.append(shown)

    def decide(self, store: str | None) -> tuple[str | None, dict | None]:
        """(the currency the bare amounts take, when it is not the store's; the summary's
        line). Raises ImportRefused where they cannot be told (see the module)."""
        bare = sum(self.plain.values())
        if not bare or len(self.named) != 1 or set(self.named) == {store}:
            return None, None           # no one currency against the store's (see the module)
        header = max(self.plain, key=lambda h: self.plain[h])
        rows = ", ".join(f"row {r}: '{t}'" for r, t in self.plain_examples[header])
        named = "; ".join(f"{code} ({self.named[code]}, e.g. "
                          + ", ".join(f"'{e}'" for e in self.named_examples[code]) + ")"
                          for code, _ in self.named.most_common())
        if len(self.named) == 1 and sum(self.named.values()) >= bare:
            code = next(iter(self.named))
            return code, {"what": "currency of amounts written without one",
                          "decided": code,
                          "evidence": f"{bare} amount(s) name no currency ('{header}' {rows}); every other amount "
                                      f"of the file names {named}; give --currency CODE to say otherwise"}
        raise ImportRefused(
            f"column '{header}': {bare} amount(s) name no currency ({rows}), and only a few name one: {named}"
            f"{f'; the store keeps its amounts in {store}' if store else ''}. Nothing was imported. Give the "
            "currency of the amounts that name none with --currency CODE (e.g. --currency "
            f"{self.named.most_common(1)[0][0]}), or write each amount's currency (a Currency column).")
