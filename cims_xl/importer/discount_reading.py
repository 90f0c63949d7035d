"""A Discount column of values up to 1 with no % sign: a share of the price or money off?
(imp25c, issue 14: never silently wrong)

The store keeps a discount as a share of the price (0.15 = 15 %). "0.50" under
"Discount" beside an amount of "19.50" may be that (50 %) or fifty cents off. Decided on
the whole column:

- a share: a cell written with a % sign or formatted as a percentage ("15%"), a heading
  saying so ("Discount %", "Discount Rate", "折扣率"), a value written as shares are and
  money is not: one decimal or more than two ("0.2", "0.125");
- money off: a cell naming a currency ("$0.50", "0,50 €") or formatted as money;
- a number cell (.xlsx) is weighed as the text Excel shows for it, by the same rule: 0.5
  formatted "0.00" is "0.50" (cents), in General "0.5";
- neither said: every value written with two decimals, cents as money writes them, and
  some with a trailing zero ("0.50", "0.10"): the import stops before writing, naming the
  column, examples and --discount share|amount.

--discount share reads the values as shares (0.50 = 50 %); --discount amount keeps the
column in Notes as money off ("Discount: 0.50"; the store has no field for it), said in
the summary. A value above 1 ("15") is neither and is left as before (the field's own
check, a warning); "0.1" beside "15" is left empty (evidence.mixed_share_fields).
"""

from __future__ import annotations

import re
import unicodedata

from decimal import Decimal

from ..domain.money import ShownAmount
from .errors import ImportRefused

EXAMPLES = 3
SHARE, AMOUNT = "share", "amount"
_NUMBER = re.compile(r"^\s*[+-]?\d*(?:[.,](\d+))?\s*$")
_CODE = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")
_PERCENT_HEADING = re.compile(r"%|％|\b(?:rate|percent|percentage|pct|satz|prozent|taux|pourcentage|porcentaje|"
                              r"percentual|percentuale|tasa)\b|率|比例|割合|비율", re.IGNORECASE)


class DiscountForms:
    """The forms a Discount column's values are written in (`add`, per cell)."""

    __slots__ = ("percent", "money", "above", "loose", "cents", "trailing", "examples", "places")

    def __init__(self, places: dict[int, int] | None = None) -> None:
        # the column's number cells shown with fixed decimals ({places: cells}, .xlsx
        # formats such as "0.00": cell_facts.fixed_places); a number cell is weighed as
        # the text Excel shows for it, by the same rule as a text cell
        self.places = next(iter(places)) if places and len(places) == 1 else None
        self.percent = 0        # "15%", a percent-formatted cell
        self.money = 0          # "$0.50", "0,50 €"
        self.above = 0          # a value above 1
        self.loose = 0          # "0.2", "0.125", a number cell: written as shares are
        self.cents = 0          # "0.50", "0.25": two decimals, as money is written
        self.trailing = 0       # ... of them with a trailing zero ("0.50")
        self.examples: list[str] = []

    def add(self, value: object) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, ShownAmount):
            if value > 1:
                self.above += 1
            elif value:
                self.money += 1         # a number cell formatted as money ("$0.50")
            return
        if isinstance(value, (int, float, Decimal)):
            if value > 1:
                self.above += 1
            elif value != int(value):
                # a number cell, as Excel shows it: with its format's decimals ("0.00":
                # "0.50", money's two), else as General does ("0.5")
                value = f"{value:.{self.places}f}" if self.places is not None else f"{float(value):.10g}"
            else:
                return
        if not isinstance(value, str) or not value.strip():
            return
        text = value.strip()
        if "%" in text or "％" in text:
            self.percent += 1
            return
        m = _NUMBER.match(text)
        if m is None:
            if any(ch.isdigit() for ch in text) and (any(unicodedata.category(ch) == "Sc" for ch in text)
                                                     or _CODE.search(text)):
                self.money += 1
            return
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return
        if number > 1:
            self.above += 1
            return
        places = m.group(1)
        if not places or number in (0, 1) and set(places) == {"0"}:
            return                      # "0", "1", "0.00": either way the same
        if len(places) == 2:
            self.cents += 1
            if places.endswith("0"):
                self.trailing += 1
            if len(self.examples) < EXAMPLES and text not in self.examples:
                self.examples.append(text)
        else:
            self.loose += 1


def decide(column: str, forms: DiscountForms | None, given: str | None, source: str) -> tuple[str | None, list[dict]]:
    """(SHARE, AMOUNT or None: as before, the summary's lines) for the Discount column;
    raises ImportRefused where its values read both ways and --discount is not given."""
    if forms is None:
        return None, []
    if given == AMOUNT:
        return AMOUNT, [{"what": f"discount in '{column}'", "decided": "money off, kept in Notes",
                         "evidence": "--discount amount: the store keeps a discount as a share of the price, "
                                     "so the amounts off are kept in each order's Notes"}]
    if given == SHARE:
        return SHARE, ([{"what": f"discount in '{column}'", "decided": "shares of the price (0.50 = 50 %)",
                         "evidence": "--discount share"}] if forms.cents else [])
    if forms.above or forms.percent or forms.loose or _PERCENT_HEADING.search(column):
        return None, []
    if forms.money:
        return AMOUNT, [{"what": f"discount in '{column}'", "decided": "money off, kept in Notes",
                         "evidence": f"{forms.money} value(s) name a currency, none a % sign; the store keeps a "
                                     "discount as a share of the price, so the amounts off are kept in each "
                                     "order's Notes (--discount share says otherwise)"}]
    if not forms.cents or not forms.trailing:
        return None, []
    raise ImportRefused(
        f"column '{column}' ({source}): every discount is 1 or less and written with cents, as money is "
        f"(e.g. {', '.join(repr(e) for e in forms.examples)}), with no % sign, no percent heading and no "
        f"currency: '{forms.examples[0]}' may be {_percent(forms.examples[0])} of the price or "
        f"{forms.examples[0]} off it. Nothing was imported. Say which with --discount share (a share of the "
        "price: 0.50 = 50 %) or --discount amount (money off, kept in Notes), or write the discounts with a % "
        "sign.")


def _percent(text: str) -> str:
    try:
        return f"{float(text.replace(',', '.')) * 100:g} %"
    except ValueError:
        return "a share"
