"""Multi-condition customer search and the customer 360 view."""

from __future__ import annotations

import unicodedata

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ..domain import normalize as nz
from ..domain.countries import region_for_country
from ..domain.invisible import code_key, code_text
from ..domain.money import require_currency
from ..domain.schema import CUSTOMER, ENTITIES, SOURCE_TAG, kind_of_id, normalize_id, source_ids
from ..errors import CimsError, NotFound, ValidationFailed
from ..store import queries
from ..store.db import MONEY_SCALE, to_db
from . import query_text
from .records import _mask, get, list_records
from .session import Session
from .settings import store_currency


@dataclass
class Page:
    total: int
    rows: list[dict]
    offset: int = 0
    limit: int = 50
    note: str | None = None      # what the caller should say under the rows (a sort not used)


_CUSTOMER_ID = re.compile(r"[Cc]-\d{1,9}")


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                         "\uff02": '"'})
_PIECE = re.compile(r'"([^"]*)"|([^\s"]+)')
WILDCARD_HINT = ("a search finds any part of a word already (Acme finds Acme Ltd and Acmeco), so * at the start "
                 "or end of a word may be left out; * or ? inside a word is not supported: write the part you "
                 'know, or put the text in quotes ("A?B") to search for it as written')


# Punctuation that ends a clause or wraps a word: at a word's edge it is no part of the
# word ("Smith," in "Smith, John"; "Re:" in "Re: order"; "(Acme)"), so it is not searched
# for. Signs that may belong to what is searched stay: + - # & @ / % and digits' dots
# inside a word ("12.50", "O'Brien", "Smith-Jones"); * and ? are wildcards (WILDCARD_HINT).
_EDGE = ",;:.!()[]{}\"'«»“”„‘’、。，；：！？（）【】「」『』《》〈〉…¡¿"


_CLAUSE_END = ",;:.!、。，；：！"


def _edge_stripped(word: str) -> str:
    """`word` without the punctuation at its edges (_EDGE); "" for punctuation alone."""
    return word.strip(_EDGE)


def _query_terms(text: str) -> list[tuple[str, bool]]:
    """(term, quoted) of a search text: a phrase in quotes ("Acme Ltd", typographic
    quotes too) is one term, its words kept together and compared as written; other
    words are terms on their own. A `*` at the start or end of a word is dropped (a search
    matches any part of a word already: "Acme*" is "Acme"); `*` or `?` elsewhere in a
    word, a quote left open and an empty phrase are refused (ValidationFailed) with what
    to write instead, never searched as literal text that matches nothing."""
    text = text.translate(_QUOTES)
    if text.count('"') % 2:
        raise ValidationFailed({"Search": f'a quote is left open in {text[:30]!r}: close it ("Acme Ltd") or '
                                          "leave it out"})
    out: list[tuple[str, bool]] = []
    for phrase, word in _PIECE.findall(text):
        if not word:
            if not phrase.strip():
                raise ValidationFailed({"Search": 'an empty quoted phrase ("") finds nothing: write words in it, '
                                                  "or leave it out"})
            out.append((" ".join(phrase.split()), True))
            continue
        bare = _edge_stripped(word).strip("*")
        if "*" in bare or "?" in bare:
            raise ValidationFailed({"Search": f"{word}: {WILDCARD_HINT}"})
        bare = _edge_stripped(bare)
        if bare:
            out.append((bare, False))
    if len(out) > query_text.MAX_TERMS:
        try:
            query_text.refuse_too_many_terms(len(out))
        except CimsError as exc:
            raise ValidationFailed({"Search": str(exc)}) from None
    return out


def _criteria_for_text(text: str, crit: queries.CustomerCriteria, region: str) -> None:
    text = (nz.normalize_name(text) or "").strip()
    if not text:
        return
    pieces = _query_terms(text)
    phrase = False
    if any(ch in text.translate(_QUOTES) for ch in '"*'):
        if not pieces:
            return                   # "*": every customer
        if len(pieces) > 1:
            for term, _quoted in pieces:
                (crit.fts_terms if len(term) >= 3 else crit.like_terms).append(term)
            return
        text, phrase = pieces[0]     # one phrase or word: an id, email or number in quotes too
    if not phrase:
        # a clause's end after the last word ("415 555 0112,", "C-000012.") is no part of it
        text = text.rstrip(_CLAUSE_END) or text
    if _CUSTOMER_ID.fullmatch(_edge_stripped(text)):
        crit.ids.append(normalize_id(_edge_stripped(text)))
        return
    if "@" in text and " " not in text:
        try:
            crit.emails.append(nz.normalize_email(_edge_stripped(text) if not phrase else text))
            return
        except ValueError:
            pass
    if nz.looks_like_phone(text):
        # A number written with its country code is one exact number (the index finds
        # it); one without ("555-0134", "(415) 555-0134") may belong to any country, so
        # it is matched by its digits, wherever the stored number is from.
        if text.lstrip().startswith(("+", "＋", "00")):
            try:
                e164 = nz.normalize_phone(text, region)
            except ValueError:
                e164 = None
            if e164:
                crit.phones.append(e164)
                # a customer's other numbers are kept in Notes in E.164 ("Phone: +8613900139000",
                # the import's lists): the number as stored there matches too
                crit.number_texts.append(e164)
        # any script's digits as ASCII (٥٠ ١٢٣ ٤٥٦٧, ５５５): stored numbers are E.164
        digits = "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())
        nsn = nz.national_number_after_zero(digits)
        if nsn:
            # a whole national number with its trunk 0 ("03-1234-5678" in Tokyo): the
            # stored numbers it can be end with it, not any number holding its digits
            crit.digit_endings.append(nsn)
        else:
            crit.digits.append(digits.lstrip("0") or digits)
        # "8 495 123-45-67" (Russia), "06 1 234 5678" (Hungary): one whole number, country code and all
        crit.digit_endings.extend(nz.after_trunk_prefix(digits))
        if not text.lstrip().startswith(("+", "＋")):
            # digits may be a date, an order or VAT number, an old system's id in notes or
            # tags ("2024-03-05", "98765432"): the text as written matches too
            crit.number_texts.append(text.strip())
            # ...and its digits alone, as an E.164 number in Notes holds them ("415 555 0112"
            # finds "+14155550112"; a trunk 0 is not in it: "03-1234-5678" finds "+81312345678")
            bare = nsn or digits.lstrip("0")
            if len(bare) >= 7 and bare != text.strip():
                crit.number_texts.append(bare)
        return
    for term in [text] if phrase else [w for w in map(_edge_stripped, text.split()) if w]:
        # punctuation at a word's edge is no part of it ("Smith, John" is Smith and John)
        (crit.fts_terms if len(term) >= 3 else crit.like_terms).append(term)


def _date_bound(value, field: str, *, end: bool = False, tz: dt.tzinfo | None = None) -> str | None:
    """The stored (UTC) time where a day of `tz` begins (`end`: where the next one does,
    so the "to" day is inclusive): the day as the times are shown, in the zone they are
    shown in (domain.display.display_zone: $CIMS_TZ), not the UTC day."""
    if value in (None, ""):
        return None
    try:
        day = nz.parse_date(value, "YMD") if not isinstance(value, dt.date) else value
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from None
    if isinstance(day, dt.datetime):
        day = day.date()
    if end:
        try:
            day = day + dt.timedelta(days=1)  # inclusive "to" date
        except OverflowError:
            return None                       # to the calendar's last day: no bound
    if tz is None:
        from ..domain.display import display_zone

        tz = display_zone()
    try:
        start = dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.timezone.utc)
    except OverflowError:
        return None                           # the calendar's first or last day: no bound
    return to_db("datetime", start)


def _money(value, field: str, currency: str | None = None):
    """A bound typed for an amount in `currency`: "1.001" in a KWD store is 1.001
    (money.three_decimal_reading), "1.200" in a JPY store 1200."""
    if value in (None, ""):
        return None
    try:
        from ..domain import money as mn

        if currency:
            reading = mn.whole_currency_reading(str(value), currency) or mn.three_decimal_reading(str(value), currency)
            if reading is not None:
                return reading.amount
        return nz.parse_money(value)
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from None


def search_customers(session: Session, text: str | None = None, *, city=None, province=None, country=None,
                     segment=None, tag=None, owner=None, source=None, created_from=None, created_to=None,
                     updated_from=None, updated_to=None, has_open_tickets: bool | None = None,
                     ltv_min=None, ltv_max=None, sort: str | None = None, descending: bool = False,
                     limit: int = 50, offset: int = 0, region: str = "CN",
                     ltv_currency: str | None = None, tz: dt.tzinfo | None = None) -> Page:
    """Customers matching every given condition; each free-text word matches name,
    company, email, phone, notes, tags (so an imported customer's old id, kept as the
    tag "src:<id>", finds it), city, province or country (only city, province and
    country for a role that may not read personal fields: company and tags may name a
    person, `CUSTOMER.private_keys`; an email or phone then matches nothing, and a `tag`
    filter is refused), or is a customer id (C-000123); a phone number or email
    in the text is normalised first (a Gmail address as the duplicate check reads it:
    dots and +tags aside); names and places match without the marks of Latin letters
    ("Alvarez" finds "Álvarez", "Mueller" "Müller"; Persian ک/ی as Arabic ك/ي; Simplified
    Chinese finds Traditional and the reverse); punctuation at a word's edge is no part
    of it ("Smith, John"); a phrase in quotes is one term, a
    `*` at a word's start or end is dropped, and `*`/`?` inside a word, an open quote
    or an empty phrase are refused (_query_terms); a customer another was merged into is found by the
    retired one's values too (services.merge). ltv_min/ltv_max (amounts) and sort="ltv" compare
    lifetime values in the store's currency (the bounds with the value as shown: one
    converted at a rate rounded half up to the currency's minor units, stored amounts as
    stored), orders in other currencies converted with
    the entered rates at their date (services.lifetime); with `ltv_currency`, the
    orders in that currency only, unconverted. A city or province filter finds a place in
    Han characters with or without its suffix (divisions.place_forms: 上海 is 上海市).
    `sort` None is by name; for a role that
    may not read personal fields, by id instead (said in the Page's `note`: sorting by a
    hidden field would tell its order), and a sort it names on a hidden field (name,
    company: `CUSTOMER.private_keys`) is refused. Raises ValidationFailed for a bad date,
    amount, currency or sort; NotConvertible when a lifetime value must be compared but
    a customer selected has orders with no rate for their date. The created/updated
    days are days of `tz` (default: the zone times are shown in, $CIMS_TZ), from its
    midnight to the next."""
    session.ensure("read", "customer")
    crit = queries.CustomerCriteria()
    if text:
        _criteria_for_text(str(text), crit, region)
    if not session.may("read_personal", "customer"):
        # Nor may a role that cannot read personal fields learn them by searching:
        # free text looks only at the other columns, and an email or phone matches nothing.
        if crit.emails or crit.phones or crit.digits or crit.digit_endings:
            return Page(0, [], offset, limit)
        crit.text_columns = tuple(c for c in queries.TEXT_COLUMNS if c not in CUSTOMER.private_keys)
    # A customer merged into another (`customer merge`) is kept stored, retired: its
    # email, numbers and name find the customer that holds its data now.
    try:
        retired = queries.deleted_customers_matching(session.store, crit)
    except UnicodeError:        # lone surrogates: bytes from argv that were not text (PEP 383)
        raise ValidationFailed({"Search": "the text holds bytes that are not valid text; type it again"}) from None
    if retired:
        from .merge import kept_for

        crit.also_ids = sorted(set(kept_for(session, retired).values()))
    sort, note = _sort_for_role(session, sort)
    owner = _owner_username(session, owner)
    crit.equals = {"city": city, "province": province, "country": _same_country(session, country),
                   "segment": segment,
                   "owner": owner.lower() if isinstance(owner, str) else owner, "source": source}
    if tag and not session.may("read_personal", "customer"):
        raise ValidationFailed({"Tag": f"{session.role} may not search by tag: tags may name a person and are "
                                       "hidden for your role; use the segment instead"})
    crit.tag = nz.normalize_name(tag) if tag else None
    # days as the times are shown: in `tz`, else the display zone ($CIMS_TZ)
    crit.created_from = _date_bound(created_from, "Created from", tz=tz)
    crit.created_to = _date_bound(created_to, "Created to", end=True, tz=tz)
    crit.updated_from = _date_bound(updated_from, "Updated from", tz=tz)
    crit.updated_to = _date_bound(updated_to, "Updated to", end=True, tz=tz)
    for low, high, what in ((crit.created_from, crit.created_to, "Created"),
                            (crit.updated_from, crit.updated_to, "Updated")):
        if low is not None and high is not None and low >= high:   # "to" is the next day's start
            # a range written backwards matches nothing: say so, never an answer of 0
            raise ValidationFailed({what: f"the range ends before it starts ({what.lower()} from "
                                          f"{created_from if what == 'Created' else updated_from} to "
                                          f"{created_to if what == 'Created' else updated_to}); swap the two days"})
    crit.has_open_tickets = has_open_tickets
    # Lifetime values filter and sort in the store's currency: never dollars against yuan.
    crit.ltv_currency = (require_currency(ltv_currency, "Lifetime value currency") if ltv_currency
                         else store_currency(session))
    crit.ltv_min = _money(ltv_min, "Lifetime value from", crit.ltv_currency)
    crit.ltv_max = _money(ltv_max, "Lifetime value to", crit.ltv_currency)
    if crit.ltv_min is not None and crit.ltv_max is not None and crit.ltv_min > crit.ltv_max:
        raise ValidationFailed({"Lifetime value": f"the range ends before it starts (from {ltv_min} to {ltv_max}); "
                                                  "swap the two amounts"})
    limit = max(1, min(int(limit), 10_000))
    offset = max(0, int(offset))
    uses_ltv = crit.ltv_min is not None or crit.ltv_max is not None or sort == "ltv"
    try:
        if uses_ltv and not ltv_currency and queries.has_revenue_outside(session.store, crit.ltv_currency):
            # Orders in other currencies count converted at the rates entered (as in the
            # reports), which SQL cannot do: the other conditions select, Python compares.
            total, ids = _by_converted_ltv(session, crit, sort, descending, limit, offset)
        else:
            total, ids = queries.search_customer_ids(session.store, crit, sort=sort, descending=descending,
                                                     limit=limit, offset=offset)
    except UnicodeError:        # lone surrogates: bytes from argv that were not text (PEP 383)
        raise ValidationFailed({"Search": "the text holds bytes that are not valid text; type it again"}) from None
    except ValueError as exc:
        raise ValidationFailed({"Sort": str(exc)}) from None
    if not total:
        # nothing found: a filter naming no user, no segment, no source or no country, and
        # no customer's either, is a typing error to say, not an answer of 0
        _refuse_unknown_values(session, owner=owner, segment=segment, source=source, country=country)
    by_id = {r["id"]: r for r in session.store.fetch_records(CUSTOMER, ids=ids)}
    rows = [_mask(session, CUSTOMER, by_id[i]) for i in ids if i in by_id]
    return Page(total, rows, offset, limit, note)


def _owner_username(session: Session, owner):
    """An owner filter as the user name: a user's display name ("Maria Lopez") is that
    user when no user name is the same text and only one user has it."""
    if not isinstance(owner, str) or not owner.strip():
        return owner
    users = session.store.fetch_users()
    if any(_fold(u["username"]) == _fold(owner) for u in users):
        return owner
    named = [u["username"] for u in users if u.get("display_name") and _fold(u["display_name"]) == _fold(owner)]
    return named[0] if len(named) == 1 else owner


_CLOSED = {"owner": ("user", "Users"), "segment": ("segment", "Segments"), "source": ("source", "Sources"),
           "country": ("country", "Countries in the store")}
SHOWN_VALUES = 12       # values a refused filter lists


def _fold(text) -> str:
    return unicodedata.normalize("NFKC", " ".join(str(text).split())).casefold()


def _refuse_unknown_values(session: Session, **values) -> None:
    """ValidationFailed for a filter of a closed set (owner, segment, source, country)
    whose value is none of the set and no customer's either, as `cims report --owner`
    refuses an owner that is no user: the message names the close values (did you
    mean …) and the values there are. A real user who owns nothing, a segment of the
    list no customer is in yet, a country by any of its names: known, not refused."""
    import difflib

    from ..domain.schema import SEGMENTS, SOURCES

    for key, value in values.items():
        if value is None or not str(value).strip():
            continue
        typed = " ".join(str(value).split())
        if key == "country" and region_for_country(typed) is not None:
            continue
        known = set(queries.distinct_customer_values(session.store, key))
        if key == "owner":
            for u in session.store.fetch_users():
                known.add(u["username"])
                if u.get("display_name"):
                    known.add(u["display_name"])
        elif key == "segment":
            known.update(SEGMENTS)
        elif key == "source":
            known.update(SOURCES)
        if _fold(typed) in {_fold(k) for k in known}:
            continue
        names = sorted(known, key=lambda k: (_fold(k), k))
        folded = {_fold(k): k for k in names}
        close = [folded[c] for c in difflib.get_close_matches(_fold(typed), list(folded), n=3, cutoff=0.5)]
        what, those = _CLOSED[key]
        listed = ", ".join(names[:SHOWN_VALUES]) + (f" … ({len(names):,} in all)" if len(names) > SHOWN_VALUES else "")
        raise ValidationFailed({CUSTOMER.field(key).header: (
            f"no {what} {typed!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
            + (f" {those}: {listed}" if names else f" No customer has a {what} yet."))})


def _sort_for_role(session: Session, sort: str | None) -> tuple[str, str | None]:
    """(the sort to use, a note saying why it is not the one asked for, or None).
    A role that may not read personal fields does not sort by a field hidden from it: the
    order of the rows would tell what the hidden values are."""
    if session.may("read_personal", "customer"):
        return sort or "name", None
    hidden = [k for k in CUSTOMER.private_keys if k in queries.SORTABLE]
    if sort is None:
        return "id", f"sorted by id: names and companies are hidden for your role ({session.role})"
    if sort in hidden:
        header = CUSTOMER.field(sort).header
        raise ValidationFailed({"Sort": f"{session.role} may not sort by {header}: it may name a person and is "
                                        f"hidden for your role; sort by one of: "
                                        + ", ".join(k for k in queries.SORTABLE if k not in hidden)})
    return sort, None


# Up to this many customers selected, a converted lifetime value filter reads only their
# orders; more, and one pass over every order is cheaper than looking each one up.
FEW_FOR_LTV = 20_000


def _by_converted_ltv(session: Session, crit: queries.CustomerCriteria, sort: str, descending: bool,
                      limit: int, offset: int) -> tuple[int, list[str]]:
    """(total, ids of one page) of a search whose lifetime value bounds or sort compare
    in the store's currency, orders in other currencies converted with the entered rates
    at their order's date (services.lifetime). Raises NotConvertible when a customer
    the other conditions select has orders with no rate for their date: counting them as
    nothing would find the wrong customers."""
    from .lifetime import converted_totals, refuse_unconverted

    low, high = crit.ltv_min, crit.ltv_max
    crit.ltv_min = crit.ltv_max = None
    # Every customer the other conditions select, in the order asked for (ties of a
    # lifetime value sort in id order, as the SQL sort breaks them).
    _total, ids = queries.search_customer_ids(session.store, crit, sort="id" if sort == "ltv" else sort,
                                              descending=descending, limit=-1, offset=0)
    # A few customers: only their orders are read (by the orders' customer index).
    totals = converted_totals(session, ids if len(ids) <= FEW_FOR_LTV else None)
    unconverted = totals.unconverted
    refuse_unconverted(session, totals.base, [unconverted[i] for i in ids if i in unconverted])
    units = totals.in_base            # stored units: compared with the bounds in the same units
    # a bound is compared with the value as shown (a converted one rounded half up to the
    # currency's minor units): `--ltv-max 9.77` finds the customer shown "9.77 USD"
    if low is not None:
        low_units = to_db("money", low)
        ids = [i for i in ids if totals.shown(i) >= low_units]
    if high is not None:
        high_units = to_db("money", high)
        ids = [i for i in ids if totals.shown(i) <= high_units]
    if sort == "ltv":
        ids.sort(key=lambda i: units.get(i, 0), reverse=descending)    # stable: ties keep id order
    return len(ids), ids[offset:offset + limit]


def _same_country(session: Session, country):
    """A country filter as every name the store holds for that country: "DE" also finds
    customers whose Country says "Deutschland", "Germany" or "德国" (CLDR names and ISO
    codes, domain.countries). Text that names no country is compared as typed."""
    if not isinstance(country, str) or not country.strip():
        return country
    code = region_for_country(country)
    if code is None:
        return country
    names = {v for v in queries.distinct_customer_values(session.store, "country") if region_for_country(v) == code}
    return sorted(names | {country.strip()})


def customer_id_for(session: Session, typed: str) -> str:
    """Our id of the customer someone typed: one of our ids however written (c-5), or
    the id an imported customer had in the system it came from (tag "src:<id>").
    Anything else comes back normalised, for the caller's "no customer" message."""
    session.ensure("read", "customer")
    # as ids are compared: invisible characters and width forms aside (domain.invisible)
    text = code_text(typed) or ""
    ours = normalize_id(text)
    try:
        kind_of_id(ours)
        return ours
    except ValueError:
        pass
    if not session.may("read_personal", "customer"):
        return ours         # tags are hidden from this role: not looked up through them either
    want = code_key(text)
    for rid, tags in queries.customers_tagged(session.store, SOURCE_TAG + text):
        if any(code_key(ref) == want for ref in source_ids(tags)):
            return rid
    return ours


def lifetime_value(session: Session, customer_id: str, currency: str | None = None) -> Decimal:
    """The customer's lifetime value (revenue orders: not cancelled, returned or draft).

    With `currency`: the total of its orders in that currency only, unconverted. Without:
    the total in the store's currency, orders in other currencies converted with the
    entered rates at their order's date (services.lifetime). Raises NotFound for no such
    customer, NotConvertible when an order has no rate for its date (never counted as 0)."""
    cid = normalize_id(customer_id)
    if currency:
        value = lifetime_values(session, [cid], currency).get(cid)
    else:
        from .lifetime import ensure_convertible, lifetime_values_converted

        lv = lifetime_values_converted(session, [cid]).get(cid)
        if lv is not None:
            ensure_convertible(session, [lv], what="The lifetime value")
        value = lv.total if lv is not None else None
    if value is None:
        raise NotFound(f"no customer {customer_id}")
    return value


def lifetime_values(session: Session, customer_ids, currency: str | None = None) -> dict[str, Decimal | None]:
    """Lifetime value of each customer that exists (ids of no live customer are left out).
    With `currency`: its orders in that currency only, unconverted. Without: in the
    store's currency, converted with the entered rates; None for a customer with an
    order that has no rate for its date. Two or three queries however many ids."""
    if not currency:
        from .lifetime import lifetime_values_converted

        return {cid: lv.total for cid, lv in lifetime_values_converted(session, customer_ids).items()}
    code = require_currency(currency)
    return {cid: by.get(code, Decimal(0)) for cid, by in lifetime_values_by_currency(session, customer_ids).items()}


def lifetime_values_by_currency(session: Session, customer_ids) -> dict[str, dict[str, Decimal]]:
    """{customer id: {currency: total}} of non-cancelled orders, the store's currency
    first; {} for a customer without orders; ids of no live customer left out."""
    session.ensure("read", "customer")
    ids = list(dict.fromkeys(normalize_id(c) for c in customer_ids))
    live = queries.stored_ids(session.store, CUSTOMER, ids)
    base = store_currency(session)
    totals = queries.lifetime_values(session.store, [i for i in ids if i in live], base)
    return {cid: {c: Decimal(by[c]) / MONEY_SCALE for c in sorted(by, key=lambda c: (c != base, c))}
            for cid, by in totals.items()}


def customer_360(session: Session, customer_id: str) -> dict:
    """The customer with everything attached to it: "customer", lists "contacts",
    "interactions", "orders", "opportunities", "tickets", and its lifetime value:
    "lifetime_values" {currency: total} as the orders were entered; "lifetime_value"
    the total in "lifetime_value_currency" (the store's), other currencies converted with
    the entered rates at each order's date, or None when some orders have no rate for
    their date ("lifetime_value_unconverted" {currency: total} names them)."""
    customer = get(session, customer_id)
    cid = customer["id"]
    out = {"customer": customer}
    for kind, key in (("contact", "contacts"), ("interaction", "interactions"), ("order", "orders"),
                      ("opportunity", "opportunities"), ("ticket", "tickets")):
        out[key] = list_records(session, kind, customer_id=cid)
    from .lifetime import lifetime_values_converted

    lv = lifetime_values_converted(session, [cid])[cid]
    out["lifetime_values"] = lv.by_currency       # {currency: total} as ordered: never added together
    # The total in the store's currency, other currencies converted with the entered
    # rates; None when an order has no rate for its date (a partial sum is no total).
    out["lifetime_value"] = lv.total
    out["lifetime_value_currency"] = lv.base
    out["lifetime_value_unconverted"] = lv.unconverted   # {currency: total} with no rate for their date
    return out


__all__ = ["Page", "search_customers", "customer_360", "customer_id_for", "lifetime_value", "lifetime_values",
           "lifetime_values_by_currency",
           "ENTITIES"]
