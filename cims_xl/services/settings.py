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
from ..errors import NeedsConfirmation, NotFound, ValidationFailed
from ..security.audit import AuditEvent
from ..store.db import utcnow

CURRENCY_KEY = "currency"
REGION_KEY = "phone_region"    # meta key of the country of phone numbers typed without one
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


def store_region(session) -> str | None:
    """The country (ISO 3166-1 alpha-2) of phone numbers typed without a country code that
    the administrator set (`set_store_region`), or None: then a region is only assumed
    (`assumed_region`: the store currency's country, else China) and numbers not written
    as that country writes them are refused."""
    return session.store.get_meta(REGION_KEY)


def set_store_region(session, value: str) -> str:
    """Set the country of phone numbers typed without a country code (administrators
    only, audited as "settings.region"); returns its code. `value` is a code or a
    country's name in any language cims knows ("DE", "Germany", "德国").

    Numbers already stored keep the country they have. Raises ValidationFailed for a
    country that is not known or has no telephone numbering plan.
    """
    from ..domain.countries import region_for_country

    session.ensure("admin")
    code = region_for_country(value) if isinstance(value, str) else None
    if code is None or code not in nz.phonenumbers.SUPPORTED_REGIONS:
        raise ValidationFailed({"Region": f"{value!r} is not a country cims knows; give a two-letter code "
                                          "such as CN, DE, US"})
    old = store_region(session)
    with session.unit_of_work() as uow:
        session.store.set_meta(REGION_KEY, code)
        session.audit([AuditEvent(utcnow(), session.username, "settings.region", None, None, None,
                                  {"region": [old, code]})])
        uow.commit()
    return code


def currency_region(currency: str) -> str | None:
    """The one country whose own currency `currency` is, or None: an ISO 4217 code
    begins with its issuer's ISO 3166 code (USD: US, GBP: GB, KRW: KR), taken when that
    country uses the currency (CLDR, via babel) and has a telephone numbering plan.
    EUR (no country "EU") and other shared codes give None."""
    from babel.numbers import get_territory_currencies

    code = str(currency or "").upper()[:2]
    if len(code) != 2 or code not in nz.phonenumbers.SUPPORTED_REGIONS:
        return None
    try:
        used = get_territory_currencies(code)
    except Exception:           # babel: a territory it has no data for
        return None
    return code if str(currency).upper() in used else None


def assumed_region(session) -> str:
    """The country assumed (not known) for phone numbers typed without a country code
    when no region is set (`store_region`): the country of the store's currency
    (`currency_region`: a USD store reads "(415) 555-0132" as American), else China
    (domain.models.DEFAULT_REGION). Only assumed: numbers not written as that country
    writes them at home are refused (domain.normalize.normalize_phone)."""
    from ..domain.models import DEFAULT_REGION

    return currency_region(store_currency(session)) or DEFAULT_REGION


def phone_context(session) -> dict:
    """The validation context of phone numbers typed without a country code: the store's
    region as given (not assumed) when an administrator set one, else the assumed one
    (`assumed_region`). "region_default": the region is the store's, not the row's
    or the file's, so other evidence (an email's country domain) may contradict it."""
    code = store_region(session)
    if code:
        return {"region": code, "region_assumed": False, "region_default": True}
    return {"region": assumed_region(session), "region_assumed": True, "region_default": True}


def set_fx_rate(session, currency: str, rate: object, valid_from: object, *,
                confirm: bool = False) -> Rate:
    """Enter 1 `currency` = `rate` store currency from `valid_from` (administrators,
    audited). rate: a positive number ("7.10", "7,10"); valid_from: a date.
    Raises ValidationFailed for an unknown code, the store's own currency, a rate that
    is not a positive number, or a date that is not one; NeedsConfirmation (nothing
    stored) for a rate that looks like a slip (`_implausible_rate`) unless `confirm`."""
    session.ensure("admin")
    code = money.require_currency(currency)
    base = store_currency(session)
    if code == base:
        raise ValidationFailed({"Currency": f"{code} is the store's own currency (its rate is 1)"})
    try:
        value = money.parse_money(rate)[0] if not isinstance(rate, Decimal) else rate
    except nz.AmbiguousNumber as exc:          # "7,100": 7100 or 7.1
        raise ValidationFailed({"Rate": str(exc)}) from None
    except (ValueError, InvalidOperation) as exc:
        # read as a typed amount is: the amount's reason ('_' groups, scientific notation)
        why = str(exc).removeprefix("not an amount: ")
        raise ValidationFailed({"Rate": "must be a positive number, e.g. 7.10"
                                        + (f": {why}" if str(exc).startswith("not an amount: ") else "")}) from None
    if value is None or not value.is_finite() or value <= 0:
        raise ValidationFailed({"Rate": "must be a positive number, e.g. 7.10"})
    try:
        start = nz.parse_date(valid_from, "YMD")
    except ValueError as exc:
        raise ValidationFailed({"From": str(exc)}) from None
    if start is None:
        raise ValidationFailed({"From": "required (the first day the rate applies)"})
    if not confirm:
        known = [Rate(r["currency"], r["base"], r["valid_from"], r["rate"], r["set_by"])
                 for r in session.store.fx_rates(base) if r["currency"] == code]
        if (why := _implausible_rate(code, base, start, value, known)) is not None:
            raise NeedsConfirmation({"Rate": why})
    with session.unit_of_work() as uow:
        session.store.set_fx_rate(code, base, start, value, utcnow(), session.username)
        session.audit([AuditEvent(utcnow(), session.username, "settings.fx", None, None, None,
                                  {f"{code}/{base} from {start.isoformat()}": [None, str(value)]})])
        uow.commit()
    return Rate(code, base, start, value, session.username)


# A new rate more than this factor away from the reference rate is checked with the
# user: an inverted rate (0.14 for 7.10) or a slipped decimal point (710) is far beyond
# it, while real rates seldom move by half between two entries.
RATE_JUMP = Decimal(2)
# A first rate for a currency has nothing to compare with: outside this range it is
# checked (real rates beyond it exist, e.g. 1 USD = 25000 VND: then confirm).
FIRST_RATE_RANGE = (Decimal(1) / 10000, Decimal(10000))
_NEAR = Decimal("1.25")          # an inverse or power-of-ten slip "explains" a jump within this


def _implausible_rate(code: str, base: str, start: dt.date, value: Decimal, known: list[Rate]) -> str | None:
    """Why 1 `code` = `value` `base` from `start` looks like a slip, or None when it does not.

    known: the rates already entered for the pair. The reference is the one in force on
    `start` (the latest from that day or before), else the first after it. A rate more
    than RATE_JUMP times larger or smaller than the reference is a slip; so is a first
    rate outside FIRST_RATE_RANGE. The reason says which way round the rate was read
    ("1 USD = 0.14 CNY"), shows the reference rate and its date and, when 1/value is near
    the reference, "did you mean 1/value?" (an inverted rate), or asks about the decimal
    point when the jump is near a power of ten. A reference that agrees with no other
    rate of the pair (a first rate, never checked) may be the slip itself: the reason
    then offers the command that fixes it (`cims fx set ... --confirm` on its date, or
    `cims fx delete`) and suggests no value derived from it."""
    before = [r for r in known if r.valid_from <= start]
    after = [r for r in known if r.valid_from > start]
    ref = max(before, key=lambda r: r.valid_from) if before else (
        min(after, key=lambda r: r.valid_from) if after else None)
    typed = f"1 {code} = {_shown_rate(value)} {base}"
    inverse = 1 / value
    if ref is None:
        if (ecb := money.reference_rate(code, base, start)) is not None:
            return _against_reference(typed, code, base, value, *ecb)
        low, high = FIRST_RATE_RANGE
        if low <= value <= high:
            return None
        # (the range is symmetric: the inverse of a rate outside it is outside it too)
        return (f"{typed} is outside the usual range ({_shown_rate(low)} to {_shown_rate(high)}) and "
                f"there is no other {code} rate to compare it with. Nothing was stored.")
    ratio = value / ref.rate
    if 1 / RATE_JUMP <= ratio <= RATE_JUMP:
        return None
    size = f"{_times(ratio)} times" if ratio > 1 else f"1/{_times(1 / ratio)} of"
    power = round(ratio.log10())
    if not any(r is not ref and 1 / RATE_JUMP <= r.rate / ref.rate <= RATE_JUMP for r in known):
        # The reference agrees with no other rate (a first rate has nothing to be checked
        # against): it may be the slip, so the message does not steer towards it.
        when = "in force" if ref in before else "after it"
        day = ref.valid_from.isoformat()
        said = (f"{typed} is {size} the rate {when} ({_shown_rate(ref.rate)} from {day}); if that earlier "
                f"rate was wrong, fix it with `cims fx set {code} {_shown_rate(value)} --from {day} --confirm` "
                f"(or remove it: `cims fx delete {code} --from {day}`)")
        if 1 / _NEAR <= inverse / ref.rate <= _NEAR:
            said += f"; if {_shown_rate(value)} is the slip, its inverse is {_rounded(inverse, value)}"
        elif power and 1 / _NEAR <= ratio.scaleb(-power) <= _NEAR:
            said += f"; if {_shown_rate(value)} is the slip, check its decimal point"
        return said + ". Nothing was stored."
    said = (f"{typed} is {size} the {code} rate from {ref.valid_from.isoformat()} "
            f"(1 {code} = {_shown_rate(ref.rate)} {base})")
    if 1 / _NEAR <= inverse / ref.rate <= _NEAR:
        said += f"; did you mean {_rounded(inverse, value)} (1 ÷ {_shown_rate(value)})?"
    elif power and 1 / _NEAR <= ratio.scaleb(-power) <= _NEAR:
        said += "; is the decimal point in the right place?"
    else:
        said += "."
    return said + " Nothing was stored."


# A first rate is compared with the ECB's reference rate of its day (money.reference_rate);
# wider than RATE_JUMP: the reference may be from another day, and a business's own
# rate (a bank's, a card's) differs from the ECB's by a few percent.
REFERENCE_JUMP = Decimal(3)


def _against_reference(typed: str, code: str, base: str, value: Decimal, ref: Decimal, on: dt.date) -> str | None:
    """Why a first rate looks like a slip next to the ECB's reference rate `ref` of day
    `on`, or None when it is within REFERENCE_JUMP of it."""
    ratio = value / ref
    if 1 / REFERENCE_JUMP <= ratio <= REFERENCE_JUMP:
        return None
    size = f"{_times(ratio)} times" if ratio > 1 else f"1/{_times(1 / ratio)} of"
    said = (f"{typed} is {size} the European Central Bank's reference rate (1 {code} = "
            f"{_rounded(ref, value, 4)} {base} on {on.isoformat()})")
    inverse = 1 / value
    power = round(ratio.log10())
    if 1 / REFERENCE_JUMP <= inverse / ref <= REFERENCE_JUMP:
        said += (f"; written the other way round (1 {base} = {_shown_rate(value)} {code})? Then it is "
                 f"{_rounded(inverse, value)}")
    elif power and 1 / _NEAR <= ratio.scaleb(-power) <= _NEAR:
        return said + "; is the decimal point in the right place? Nothing was stored."
    return said + ". Nothing was stored."


def _shown_rate(value: Decimal) -> str:
    """A rate as written (7.10, 0.0001, 10000): no exponent."""
    return format(value, "f")


def _times(ratio: Decimal) -> str:
    """51, 100, 2.82: whole from 10 on, else three significant digits."""
    return _rounded(ratio, Decimal(1), 3) if ratio < 10 else str(round(ratio))


def _rounded(value: Decimal, typed: Decimal, digits: int | None = None) -> str:
    """`value` to as many significant digits as `typed` has (3 to 12), or `digits`."""
    if digits is None:
        digits = min(max(3, len(typed.normalize().as_tuple().digits)), 12)
    quantum = Decimal(1).scaleb(value.adjusted() - digits + 1)
    return format(value.quantize(quantum).normalize(), "f")


def delete_fx_rate(session, currency: str, valid_from: object) -> Rate:
    """Remove the rate of `currency` (against the store's currency) entered for
    `valid_from` (administrators, audited as a "settings.fx" change to nothing, which
    `audit verify` replays). Returns the rate removed. Raises ValidationFailed for an
    unknown code or a date that is not one; NotFound when no rate starts that day
    (the message lists the days that have one)."""
    session.ensure("admin")
    code = money.require_currency(currency)
    base = store_currency(session)
    try:
        start = nz.parse_date(valid_from, "YMD")
    except ValueError as exc:
        raise ValidationFailed({"From": str(exc)}) from None
    if start is None:
        raise ValidationFailed({"From": "required (the first day of the rate to remove)"})
    known = [r for r in session.store.fx_rates(base) if r["currency"] == code]
    found = next((r for r in known if r["valid_from"] == start), None)
    if found is None:
        days = ", ".join(r["valid_from"].isoformat() for r in known)
        raise NotFound(f"no {code} rate starts on {start.isoformat()}"
                       + (f"; {code} rates start on {days}" if days else f"; there is no {code} rate"))
    with session.unit_of_work() as uow:
        session.store.delete_fx_rate(code, base, start)
        session.audit([AuditEvent(utcnow(), session.username, "settings.fx", None, None, None,
                                  {f"{code}/{base} from {start.isoformat()}": [str(found["rate"]), None]})])
        uow.commit()
    return Rate(code, base, start, found["rate"], found["set_by"])


def fx_rates(session) -> list[Rate]:
    """The rates entered against the store's current currency, by currency then date."""
    session.ensure("read")
    base = store_currency(session)
    return [Rate(r["currency"], r["base"], r["valid_from"], r["rate"], r["set_by"])
            for r in session.store.fx_rates(base)]


def money_settings(session) -> tuple[str, list[Rate]]:
    """(the store's currency, the rates entered against it): what converting amounts to
    the store's currency needs, read once (two small queries)."""
    session.ensure("read")
    base = store_currency(session)
    return base, [Rate(r["currency"], r["base"], r["valid_from"], r["rate"], r["set_by"])
                  for r in session.store.fx_rates(base)]
