"""Lifetime values in the store's currency, converted with the rates the owner entered.

A customer's lifetime value is the total of its revenue orders (not cancelled, returned
or draft). Orders are kept in their own currencies; here they are converted to the
store's currency with the exchange rates entered (`cims fx set USD 7.10 --from
2026-01-01`) at the rate in force on each order's date, by the same function the
reports use (`reports.currency.convert`). An order with no rate for its date (its
currency has none, or it is dated before that currency's first rate) is never counted
as zero: the customer's total in the store's currency is then unknown (`total` is
None) and the orders left in their currency are named (`unconverted`).

See docs/currency.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..domain.schema import CUSTOMER, normalize_id
from ..errors import NotConvertible
from ..store import queries
from ..store.db import MONEY_SCALE
from .session import Session
from .settings import Rate, money_settings


@dataclass(frozen=True)
class LifetimeValue:
    """One customer's lifetime value.

    base: the store's currency. by_currency: {currency: total} as the orders were entered,
    the store's currency first (never added together). in_base: the orders in the store's
    currency plus those converted to it. unconverted: {currency: total} of the orders with
    no rate for their date, which stay in their currency. total: in_base when nothing is
    unconverted, else None (a partial sum is never presented as the total)."""

    base: str
    by_currency: dict[str, Decimal] = field(default_factory=dict)
    in_base: Decimal = Decimal(0)
    unconverted: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal | None:
        return None if self.unconverted else self.in_base

    @property
    def converted(self) -> bool:
        """Whether `in_base` holds orders converted at a rate (a computed figure, shown
        rounded to the store currency's minor units: `display.converted_money`): a
        currency some of whose orders had a rate counts, also when others of it had none
        (100 USD before the first rate left in USD, 200 USD after it converted)."""
        return any(total != self.unconverted.get(cur, Decimal(0))
                   for cur, total in self.by_currency.items() if cur != self.base)

    @property
    def shown(self) -> dict[str, Decimal]:
        """{currency: total} after conversion: the store's currency (when it has orders or
        nothing is left over) then the currencies left unconverted; what a text shows. A
        total converted at a rate is rounded half up to the store currency's minor units
        (`display.converted_money`); stored amounts stay as stored."""
        from ..domain.money import round_money

        in_base = round_money(self.in_base, self.base) if self.converted else self.in_base
        out = {self.base: in_base} if (self.in_base or not self.unconverted) else {}
        out.update(self.unconverted)
        return out


@dataclass(frozen=True)
class ConvertedTotals:
    """Lifetime values of many customers in stored units (amount × MONEY_SCALE), for
    comparing them: in_base {customer id: units in the store's currency (its orders and
    the converted ones)}, unconverted {customer id: {currency: units}} of orders with no
    rate for their date. Customers without revenue orders are in neither."""

    base: str
    in_base: dict[str, int]
    unconverted: dict[str, dict[str, int]]
    # customers whose in_base holds orders converted at a rate: a computed figure, shown
    # rounded half up to the base's minor units (`display.converted_money`)
    converted: frozenset[str] = frozenset()

    def shown(self, customer_id: str) -> int:
        """The customer's lifetime value in stored units as every surface shows it: a
        converted one rounded half up to the store currency's minor units (9.774375 USD
        is shown, and so compared, as 9.77), one of stored amounts only as stored."""
        units = self.in_base.get(customer_id, 0)
        if customer_id not in self.converted:
            return units
        from ..domain.money import round_money

        rounded = round_money(Decimal(units) / MONEY_SCALE, self.base)
        return units if rounded is None else int(rounded * MONEY_SCALE)


def lifetime_values_converted(session: Session, customer_ids, *,
                              money: tuple[str, Sequence[Rate]] | None = None) -> dict[str, LifetimeValue]:
    """{customer id: LifetimeValue} of each live customer among `customer_ids` (others left
    out); one query for the orders however many ids. `money`: (store currency, rates) as
    `settings.money_settings` gives them, when the caller has just read them (default:
    read here). Raises PermissionDenied for a role that may not read customers."""
    session.ensure("read", "customer")
    ids = list(dict.fromkeys(normalize_id(c) for c in customer_ids))
    live = queries.stored_ids(session.store, CUSTOMER, ids)
    wanted = [i for i in ids if i in live]
    base, rates = money if money is not None else money_settings(session)
    rows = queries.order_totals_by_day(session.store, wanted, base) if wanted else []
    totals = _converted(rows, base, rates)
    raw: dict[str, dict[str, int]] = {}
    for cid, cur, _day, units in rows:
        acc = raw.setdefault(cid, {})
        acc[cur] = acc.get(cur, 0) + int(units)
    out = {}
    for cid in wanted:
        by = raw.get(cid, {})
        out[cid] = LifetimeValue(
            base=base,
            by_currency={c: Decimal(by[c]) / MONEY_SCALE for c in sorted(by, key=lambda c: (c != base, c))},
            in_base=Decimal(totals.in_base.get(cid, 0)) / MONEY_SCALE,
            unconverted={c: Decimal(v) / MONEY_SCALE for c, v in sorted(totals.unconverted.get(cid, {}).items())})
    return out


def converted_totals(session: Session, customer_ids: list[str] | None = None) -> ConvertedTotals:
    """The lifetime values of these customers (None: every customer with revenue orders,
    deleted ones too, which a search's other conditions leave out), converted to the
    store's currency, for comparing many at once (one query, then column arithmetic)."""
    session.ensure("read", "customer")
    base, rates = money_settings(session)
    return _converted(queries.order_totals_by_day(session.store, customer_ids, base), base, rates)


def _converted(rows: list[tuple], base: str, rates: Sequence[Rate]) -> ConvertedTotals:
    """Rows of (customer id, currency, order date, units) converted by the reports' own
    `reports.currency.convert` at each order date's rate, then summed per customer."""
    if not rows:
        return ConvertedTotals(base, {}, {})
    import pandas as pd

    from ..reports.currency import FxRate, convert

    frame = pd.DataFrame(rows, columns=["customer_id", "currency", "order_date", "amount"])
    # stored units as exact Decimals, converted at the rate as entered: no float in the sum
    frame["amount"] = pd.Series([Decimal(int(u)) for u in frame["amount"].tolist()], index=frame.index, dtype=object)
    fx = [FxRate(r.currency, r.valid_from, Decimal(str(r.rate))) for r in rates]
    converted = convert({"order": frame}, base, fx)[0]["order"]
    is_base = (converted["currency"] == base).to_numpy()
    in_base = converted.loc[is_base].groupby("customer_id", sort=False)["amount"].sum()
    unconverted: dict[str, dict[str, int]] = {}
    rest = converted.loc[~is_base]
    if len(rest):
        for (cid, cur), units in rest.groupby(["customer_id", "currency"], sort=False)["amount"].sum().items():
            unconverted.setdefault(cid, {})[cur] = int(units)
    whole = {cid: int(Decimal(v).to_integral_value(ROUND_HALF_UP)) for cid, v in in_base.items()}
    foreign = frozenset(frame.loc[(frame["currency"] != base).to_numpy(), "customer_id"].tolist())
    return ConvertedTotals(base, whole, unconverted, foreign & frozenset(whole))


def ensure_convertible(session: Session, values, *, what: str = "Lifetime values") -> None:
    """Raise NotConvertible when any of `values` (LifetimeValue) has orders left in their
    own currency (see refuse_unconverted)."""
    values = list(values)
    if values:
        refuse_unconverted(session, values[0].base, [v.unconverted for v in values], what=what)


def refuse_unconverted(session: Session, base: str, unconverted, *, what: str = "Lifetime values") -> None:
    """Raise NotConvertible when any of `unconverted` (one {currency: amount} per
    customer) is not empty: one line naming each such currency, why (no rate entered,
    or orders dated before its first rate) and how to go on (`cims fx set`, or one
    currency)."""
    stuck = [u for u in unconverted if u]
    if not stuck:
        return
    first: dict[str, dt.date] = {}
    for r in money_settings(session)[1]:
        if r.currency not in first or r.valid_from < first[r.currency]:
            first[r.currency] = r.valid_from
    codes = sorted({c for u in stuck for c in u})
    parts = [f"{c} (orders dated before the first {c} rate, {first[c].isoformat()})" if c in first
             else f"{c} (no exchange rate entered)" for c in codes]
    n = len(stuck)
    raise NotConvertible(
        f"{what} cannot be compared in {base}: {n:,} customer{'s have' if n != 1 else ' has'} "
        f"orders in {', '.join(parts)}; enter a rate with `cims fx set {codes[0]} RATE --from DATE`, "
        f"or compare one currency only (--ltv-currency {codes[0]})")


__all__ = ["LifetimeValue", "ConvertedTotals", "NotConvertible", "lifetime_values_converted",
           "converted_totals", "ensure_convertible", "refuse_unconverted"]
