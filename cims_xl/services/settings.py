"""Store-wide settings: the store's own currency and the exchange rates the owner enters.

The store's currency is the currency of amounts typed without one (orders,
opportunities) and the one reports convert to. Exchange rates are entered by hand,
dated: ``set_fx_rate(session, "USD", "7.10", "2024-01-01")`` says 1 USD = 7.10 in the
store's currency from 2024-01-01 until the next rate entered for USD. Nothing is
fetched from anywhere: the owner decides which rates the books use.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from ..domain import money
from ..domain import normalize as nz
from ..errors import ValidationFailed
from ..security.audit import AuditEvent
from ..store.db import utcnow

CURRENCY_KEY = "currency"
SLA_KEY = "sla_targets"        # meta key of the ticket SLA targets (JSON; domain.sla.load_targets)


class Rate(NamedTuple):
    """1 `currency` = `rate` `base` from `valid_from` (a date) on."""

    currency: str
    base: str
    valid_from: dt.date
    rate: Decimal
    set_by: str


def sla_targets(session):
    """The ticket SLA targets the store holds (meta "sla_targets"), or the defaults
    (`cims_xl.domain.sla.DEFAULT_TARGETS`) when none are set; the one place they are loaded."""
    from ..domain import sla
    return sla.load_targets(session.store.get_meta(SLA_KEY))


def store_currency(session) -> str:
    """The store's currency (ISO 4217); stores made before it was a setting: CNY."""
    return session.store.get_meta(CURRENCY_KEY) or money.FALLBACK_CURRENCY


def set_store_currency(session, value: str) -> str:
    """Set the store's currency (administrators only, audited); returns the code.

    Amounts already stored keep their own currency; exchange rates entered against
    the old currency are no longer used (they convert to another currency). Setting the
    same currency again writes the entry too (`audit verify` then checks it).
    """
    session.ensure("admin")
    code = money.require_currency(value)
    old = store_currency(session)
    # Written also when unchanged: the entry puts the currency of a store made before it
    # was audited into the trail, so `audit verify` checks it from then on.
    with session.unit_of_work() as uow:
        session.store.set_meta(CURRENCY_KEY, code)
        session.audit([AuditEvent(utcnow(), session.username, "settings.currency", None, None, None,
                                  {"currency": [old, code]})])
        uow.commit()
    return code


def set_fx_rate(session, currency: str, rate: object, valid_from: object) -> Rate:
    """Enter 1 `currency` = `rate` store currency from `valid_from` (administrators,
    audited). rate: a positive number ("7.10", "7,10"); valid_from: a date.
    Raises ValidationFailed for an unknown code, the store's own currency, a rate that
    is not a positive number, or a date that is not one."""
    session.ensure("admin")
    code = money.require_currency(currency)
    base = store_currency(session)
    if code == base:
        raise ValidationFailed({"Currency": f"{code} is the store's own currency (its rate is 1)"})
    try:
        value = money.parse_money(rate)[0] if not isinstance(rate, Decimal) else rate
    except nz.AmbiguousNumber as exc:          # "7,100": 7100 or 7.1
        raise ValidationFailed({"Rate": str(exc)}) from None
    except (ValueError, InvalidOperation):
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise ValidationFailed({"Rate": "must be a positive number, e.g. 7.10"})
    try:
        start = nz.parse_date(valid_from, "YMD")
    except ValueError as exc:
        raise ValidationFailed({"From": str(exc)}) from None
    if start is None:
        raise ValidationFailed({"From": "required (the first day the rate applies)"})
    with session.unit_of_work() as uow:
        session.store.set_fx_rate(code, base, start, value, utcnow(), session.username)
        session.audit([AuditEvent(utcnow(), session.username, "settings.fx", None, None, None,
                                  {f"{code}/{base} from {start.isoformat()}": [None, str(value)]})])
        uow.commit()
    return Rate(code, base, start, value, session.username)


def fx_rates(session) -> list[Rate]:
    """The rates entered against the store's current currency, by currency then date."""
    session.ensure("read")
    base = store_currency(session)
    return [Rate(r["currency"], r["base"], r["valid_from"], r["rate"], r["set_by"])
            for r in session.store.fx_rates(base)]
