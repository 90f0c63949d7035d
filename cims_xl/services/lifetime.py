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
from decimal import Decimal

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
    def shown(self) -> dict[str, Decimal]:
        """{currency: total} after conversion: the store's currency (when it has orders or
        nothing is left over) then the currencies left unconverted; what a text shows."""
        out = {self.base: self.in_base} if (self.in_base or not self.unconverted) else {}
        out.update(self.unconverted)
        return out


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
    values = _convert(session, wanted, base, rates) if wanted else {}
    return {cid: values.get(cid) or LifetimeValue(base) for cid in wanted}


def all_lifetime_values(session: Session) -> dict[str, LifetimeValue]:
    """{customer id: LifetimeValue} of every customer with revenue orders (deleted
    customers too: a search's other conditions leave them out)."""
    session.ensure("read", "customer")
    return _convert(session, None, *money_settings(session))


def _convert(session: Session, customer_ids: list[str] | None, base: str,
             rates: Sequence[Rate]) -> dict[str, LifetimeValue]:
    import pandas as pd

    from ..reports.currency import FxRate, convert

    rows = queries.order_totals_by_day(session.store, customer_ids, base)
    if not rows:
        return {}
    by_currency: dict[str, dict[str, int]] = {}
    for cid, cur, _day, units in rows:
        acc = by_currency.setdefault(cid, {})
        acc[cur] = acc.get(cur, 0) + int(units)
    frame = pd.DataFrame(rows, columns=["customer_id", "currency", "order_date", "amount"])
    frame["amount"] = frame["amount"].astype("float64")
    fx = [FxRate(r.currency, r.valid_from, float(r.rate)) for r in rates]
    converted = convert({"order": frame}, base, fx)[0]["order"]
    in_base: dict[str, float] = {}
    left: dict[str, dict[str, int]] = {}
    for cid, cur, amount in zip(converted["customer_id"], converted["currency"], converted["amount"]):
        if cur == base:
            in_base[cid] = in_base.get(cid, 0.0) + float(amount)
        else:
            acc = left.setdefault(cid, {})
            acc[cur] = acc.get(cur, 0) + int(amount)
    out = {}
    for cid, by in by_currency.items():
        order = sorted(by, key=lambda c: (c != base, c))
        out[cid] = LifetimeValue(
            base=base,
            by_currency={c: Decimal(by[c]) / MONEY_SCALE for c in order},
            in_base=Decimal(round(in_base.get(cid, 0.0))) / MONEY_SCALE,
            unconverted={c: Decimal(v) / MONEY_SCALE for c, v in sorted(left.get(cid, {}).items())})
    return out


def ensure_convertible(session: Session, values, *, what: str = "Lifetime values") -> None:
    """Raise NotConvertible when any of `values` (LifetimeValue) has orders left in their
    own currency: one line naming each such currency, why (no rate entered, or orders
    dated before its first rate) and how to go on (`cims fx set`, or one currency)."""
    stuck = [v for v in values if v.unconverted]
    if not stuck:
        return
    first: dict[str, dt.date] = {}
    for r in money_settings(session)[1]:
        if r.currency not in first or r.valid_from < first[r.currency]:
            first[r.currency] = r.valid_from
    codes = sorted({c for v in stuck for c in v.unconverted})
    parts = [f"{c} (orders dated before the first {c} rate, {first[c].isoformat()})" if c in first
             else f"{c} (no exchange rate entered)" for c in codes]
    n = len(stuck)
    raise NotConvertible(
        f"{what} cannot be compared in {stuck[0].base}: {n:,} customer{'s have' if n != 1 else ' has'} "
        f"orders in {', '.join(parts)}; enter a rate with `cims fx set {codes[0]} RATE --from DATE`, "
        f"or compare one currency only (--ltv-currency {codes[0]})")


__all__ = ["LifetimeValue", "NotConvertible", "lifetime_values_converted", "all_lifetime_values",
           "ensure_convertible"]
