"""The CIMS_* worksheet functions as plain Python (no xlwings here; `udfs.py` wraps them).

Read-only. Each call uses the session signed in from the ribbon (`live_session`) or
the `session=` given (tests, scripts); the signed-in role applies (personal fields are
refused to roles that may not read them). Errors come back as a short `#CIMS: …`
text, never a traceback: `#CIMS: sign in first` when no one is signed in.

Speed: Excel calls a function once per cell and recalculates often, so reads are
served from a per-session cache of record sets. After a write (by this process or
another one) the cache re-reads only the records written since it last looked, by the
store's change clock (see `ReadCache`), so the first call after a Save costs about
what the Save changed, not the size of the store. A warm scalar call is a few
dictionary lookups plus one `PRAGMA data_version`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import weakref
from decimal import Decimal
from typing import Any, Callable

from ..domain import pipeline
from ..domain.invisible import code_key
from ..domain.schema import (BY_PREFIX, CUSTOMER, ENTITIES, ENUM_SYNONYMS, NOT_REVENUE_STATUSES, OPEN_STAGES,
                             STAGES, Entity, normalize_id, source_ids)
from ..errors import CimsError, NotFound, SessionExpired
from ..services import query_text
from .sheet_codec import local_zone

PREFIX = "#CIMS: "
SIGN_IN_FIRST = PREFIX + "sign in first"
MAX_MESSAGE = 90
FIND_LIMIT = 1000
DEFAULT_FIND_FIELDS = ("ID", "Name", "Company", "Email", "Phone", "City")
FIND_FILTERS = query_text.FIND_FILTERS
META_FIELDS = {"id": "id", "created": "created_at", "updated": "updated_at", "created by": "created_by",
               "updated by": "updated_by", "version": "version", "created_at": "created_at",
               "updated_at": "updated_at", "created_by": "created_by", "updated_by": "updated_by"}


def _short(message: str) -> str:
    text = " ".join(str(message).split())
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    return PREFIX + text


def guarded(fn: Callable) -> Callable:
    """Turn every failure into a `#CIMS: …` text (tracebacks go to the log)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SessionExpired:
            return SIGN_IN_FIRST
        except CimsError as exc:
            return _short(exc.message)
        except Exception as exc:  # noqa: BLE001 - a cell must never show a traceback
            from .live_session import log_error

            log_error(f"worksheet function {fn.__name__}", exc)
            return _short(f"internal error ({type(exc).__name__}); details are in the log")

    return wrapper


# ----- the read cache ---------------------------------------------------------------------

class ReadCache:
    """Record sets and computed answers of one session, kept up to date by what changed.

    Each call first compares the store's data version (one PRAGMA). When it moved, the
    store's change clock says whether any record was written; if so, only the records
    written since the clock value this cache last saw are read again (`changes_since`),
    and only the answers they can affect are dropped: the lifetime value of a customer
    whose orders changed, the pipeline when an opportunity changed, searches on any
    change. A write by another process is caught the same way; a replaced file (a new
    clock epoch), a clock that went back, or a change of role reloads everything.
    """

    OWNED_KINDS = tuple(k for k in ENTITIES if k != "customer")

    def __init__(self, session):
        self.session = session
        self.token: object = None
        self.clock: tuple[str, int] | None = None
        self.role: str | None = None
        self.personal = False
        self.tz = local_zone()
        self._records: dict[str, dict[str, dict]] = {}
        self._owners: dict[str, dict[str, str]] = {}     # kind -> {record id: customer id}
        self.memo: dict[tuple, Any] = {}
        self._shared_keys: set[tuple] = set()   # memo keys not of one customer (find, count, pipeline …)
        self.reloads = 0           # full reloads, for tests and benchmarks
        self.catch_ups = 0         # incremental updates

    def _reset(self) -> None:
        self._records.clear()
        self._owners.clear()
        self.memo.clear()
        self._shared_keys.clear()
        self.reloads += 1

    def fresh(self) -> "ReadCache":
        token = self.session.store.data_version()
        if token == self.token:
            return self
        from ..services import records

        role = self.session.role
        clock = records.change_clock(self.session)
        old = self.clock
        if role != self.role or old is None or clock[0] != old[0] or clock[1] < old[1]:
            self._reset()
            self.role = role
            self.personal = self.session.may("read_personal", "customer")
        else:
            # Settings (the store's currency) are not records: re-read them on any commit.
            self.memo.pop(("store_currency",), None)
            self._drop_if_rates_changed()
            if clock[1] != old[1]:
                self._catch_up(old[1])
        self.clock = clock
        self.token = token
        return self

    def _drop_if_rates_changed(self) -> None:
        """Forget lifetime values (and 360 lines) when the store's currency or exchange
        rates changed since they were computed: they are converted with them, and
        settings are not records, so the change clock does not see them."""
        seen = self.memo.get(("money settings",))
        if seen is None:
            return
        now = self._money_settings()
        if seen != now:
            for key in [k for k in self.memo if k[0] in ("ltv", "360", "pipeline")]:
                del self.memo[key]
        self.memo[("money settings",)] = now

    def _money_settings(self) -> tuple:
        from ..services.settings import money_settings

        base, rates = money_settings(self.session)
        return base, tuple(rates)

    def note_money_settings(self) -> tuple:
        """The store's currency and rates that lifetime values computed now use (read
        once, then kept until a commit changes them)."""
        seen = self.memo.get(("money settings",))
        if seen is None:
            seen = self.memo[("money settings",)] = self._money_settings()
        return seen

    def _catch_up(self, since: int) -> None:
        """Apply the records written after clock `since` and drop what they affect."""
        from ..services import records

        self.catch_ups += 1
        touched: set[str] = set()          # kinds with a change
        customers: set[str] = set()        # customers whose derived answers are stale
        every_360 = False
        for kind in ENTITIES:
            rows, removed = records.changes_since(self.session, kind, since)
            if not rows and not removed:
                continue
            touched.add(kind)
            recs = self._records.get(kind)
            owners = self._owners.get(kind)
            if kind != "customer" and owners is None and any(k[0] == "360" for k in self.memo):
                every_360 = True            # who owned a changed record before is not known
            for rec in rows:
                rid = rec["id"]
                old = recs.get(rid) if recs is not None else None
                if kind == "customer":
                    customers.add(rid)
                    self._drop_source_ids(old, rec)
                else:
                    if owners is not None and rid in owners:
                        customers.add(owners[rid])
                    if rec.get("customer_id"):
                        customers.add(rec["customer_id"])
                live = rec.get("deleted_at") is None
                if recs is not None:
                    if live:
                        recs[rid] = rec
                    else:
                        recs.pop(rid, None)
                if owners is not None:
                    if live and rec.get("customer_id"):
                        owners[rid] = rec["customer_id"]
                    else:
                        owners.pop(rid, None)
            for rid in removed:
                old = recs.pop(rid, None) if recs is not None else None
                if kind == "customer":
                    customers.add(rid)
                    self._drop_source_ids(old, None)
                elif owners is not None and rid in owners:
                    customers.add(owners.pop(rid))
        memo = self.memo
        if len(customers) < len(memo):
            for cid in customers:           # per-customer answers: by key, not by scanning
                memo.pop(("ltv", cid), None)
                memo.pop(("360", cid), None)
        else:
            for key in [k for k in memo if k[0] in ("ltv", "360") and k[1] in customers]:
                del memo[key]
        for key in list(self._shared_keys):
            what = key[0]
            if what in ("find", "count") or (what == "pipeline" and "opportunity" in touched):
                memo.pop(key, None)
                self._shared_keys.discard(key)
        if every_360:
            for key in [k for k in memo if k[0] == "360"]:
                del memo[key]

    def _drop_source_ids(self, old: dict | None, new: dict | None) -> None:
        """Forget the old-id index when a customer's `src:` tags (before or after) change it."""
        if ("source ids",) not in self.memo:
            return
        if old is None and new is not None and not source_ids(new.get("tags")):
            return                          # a new customer without an old id
        before = source_ids((old or {}).get("tags"))
        after = source_ids((new or {}).get("tags")) if new is not None and new.get("deleted_at") is None else []
        if old is None or before != after:
            del self.memo[("source ids",)]

    def records(self, kind: str) -> dict[str, dict]:
        recs = self._records.get(kind)
        if recs is None:
            from ..services import records

            recs = {r["id"]: r for r in records.list_records(self.session, kind)}
            self._records[kind] = recs
        return recs

    def owners(self, kind: str) -> dict[str, str]:
        """{record id: customer id} of a child entity, kept current like the records."""
        owners = self._owners.get(kind)
        if owners is None:
            from ..services import records

            owners = self._owners[kind] = records.customer_of(self.session, kind)
        return owners

    def remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        try:
            return self.memo[key]
        except KeyError:
            if key[0] in ("ltv", "360"):
                self.note_money_settings()
            if key[0] == "ltv":
                self.owners("order")        # to know whose lifetime value an order change moves
            elif key[0] == "360":
                for kind in self.OWNED_KINDS:
                    self.owners(kind)
            value = self.memo[key] = compute()
            if key[0] not in ("ltv", "360"):
                self._shared_keys.add(key)
            return value


_caches: "weakref.WeakKeyDictionary[Any, ReadCache]" = weakref.WeakKeyDictionary()


def _cache(session) -> ReadCache:
    if session is None:
        from .live_session import current

        session = current()
    else:
        session.check()
    cache = _caches.get(session)
    if cache is None:
        cache = _caches[session] = ReadCache(session)
    return cache.fresh()


# ----- values and fields --------------------------------------------------------------------

def excel_value(value: Any, tz: dt.tzinfo) -> Any:
    """A stored value as Excel takes it: no Decimal, no time zones, blank as ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value
    return value


@dataclasses.dataclass(frozen=True)
class _Heading:
    """How CIMS_GET reads one name of a record's value: the record key (for a lookup,
    the id field naming the customer), whether it is personal, and the field kind the
    sheet writes it as (`sheet_codec.to_cell`; None: as stored)."""

    key: str
    personal: bool
    kind: str | None = None
    lookup: bool = False


@functools.cache
def _field_index(kind: str) -> dict[str, _Heading]:
    """lower-case heading or key -> _Heading: every heading the entity's sheet shows
    (fields, the Customer Name beside a customer id, ID, Created, Updated), every field
    key, and the record's bookkeeping (created by, version …)."""
    from .layout import LAYOUTS

    ent = ENTITIES[kind]
    out = {name: _Heading(key, False, "datetime" if key in ("created_at", "updated_at") else None)
           for name, key in META_FIELDS.items()}
    for f in ent.fields:
        if f.internal:
            continue
        # may name a person (schema: personal, free text, may_name)
        out[f.header.lower()] = out[f.key.lower()] = _Heading(f.key, f.private, f.kind)
    for col in LAYOUTS[kind].columns:
        if col.role == "lookup":        # the customer's current name, as the sheet shows it
            out[col.header.lower()] = _Heading(col.key, CUSTOMER.field("name").private, "name", lookup=True)
    return out


def _resolve_field(cache: ReadCache, ent: Entity, field: Any) -> _Heading:
    name = " ".join((cell_text(field, "field") or "").split())
    if not name:
        raise CimsError("which field? e.g. \"Email\"")
    hit = _field_index(ent.kind).get(name.lower())
    if hit is None:
        raise CimsError(f"{ent.plural} have no field {name!r}")
    if hit.personal and not cache.personal:
        f = CUSTOMER.field("name") if hit.lookup else ent.field(hit.key)
        what = "is personal data" if f.personal or f.free_text else "may name a person"
        raise CimsError(f"{name} {what}; {cache.session.role} may not read it")
    return hit


def _sheet_value(cache: ReadCache, heading: _Heading, rec: dict) -> Any:
    """The value as the entity's sheet holds it after Refresh (`sync.record_cells`: the
    same `to_cell`), "" for a blank: Yes/No for a yes-no field, a percent-points field
    in points (Probability % 33, its column formatted "0"), times in local time."""
    from .sheet_codec import to_cell

    value = rec.get(heading.key)
    if heading.lookup:
        value = cache.records("customer").get(value, {}).get("name") if value else None
    value = to_cell(heading.kind, value, cache.tz) if heading.kind else excel_value(value, cache.tz)
    return "" if value is None else value


# Excel's error values as xlwings hands them with err_to_str (udfs.py asks for that on
# every argument read as text: without it an error cell arrives as None, a blank).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
                          "#PYTHON!"})


def _cells(value: Any) -> int:
    return sum(_cells(v) for v in value) if isinstance(value, (list, tuple)) else 1


def one_cell(value: Any, what: str) -> Any:
    """The value of the one cell a worksheet function's argument names: a one-cell range
    (xlwings: [[x]] or [x]) is that cell; a range of several cells is refused in words
    ("give one cell …, not a range of 2 cells"), never read as the text of a list."""
    while isinstance(value, (list, tuple)):
        n = _cells(value)
        if n > 1:
            raise CimsError(f"give one cell as the {what}, not a range of {n} cells")
        if n == 0 or not value:
            return None
        value = value[0]
    return value


def general_number(x: float) -> str:
    """A number as Excel shows it in General format when it is read as text (=A1&""):
    at most 15 significant digits, an integral value as its digits (4155550100.0 ->
    "4155550100", never "4155550100.0"), a fraction without trailing zeros (12.5), and
    Excel's E notation ("1E+20", "1.23456789012346E+17", "1E-10") outside 1E-9 .. 1E+15."""
    if x != x or x in (float("inf"), float("-inf")):
        raise CimsError("give one cell of text, not an error or an infinite number")
    if x == 0:
        return "0"
    d = Decimal(f"{x:.14e}")                    # 15 significant digits, as Excel keeps them
    if 1e-9 <= abs(x) < 1e15:
        text = format(d.normalize(), "f")
        return text
    mantissa, _, exp = f"{x:.14E}".partition("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    sign, digits = exp[0], exp[1:].lstrip("0").rjust(2, "0")
    return f"{mantissa}E{sign}{digits}"


def cell_text(value: Any, what: str) -> str | None:
    """The text a worksheet function reads from a cell given as its `what` (query, stage,
    currency, field, id): the one reader of every text argument. Text as it is; a number
    as Excel shows it in General format (xlwings passes a number cell as float:
    4155550100.0 is "4155550100", `general_number`); None for a blank. TRUE/FALSE, a date,
    an error value and a range of several cells are refused in words ("give one cell of
    text …"), never searched as their Python text ("True", "[['Alice', 'Boston']]")."""
    value = one_cell(value, what)
    if value is None or isinstance(value, str) and not value.strip():
        return None if value is None else value
    if isinstance(value, bool):
        raise CimsError(f"give one cell of text as the {what}, not {'TRUE' if value else 'FALSE'}")
    if isinstance(value, str):
        if value.strip().upper() in EXCEL_ERRORS:
            raise CimsError(f"the {what} cell shows the error {value.strip().upper()}: give one cell of text")
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return general_number(value)
    if isinstance(value, Decimal):
        return general_number(float(value)) if value == value.to_integral_value() and abs(value) >= 10 ** 15 \
            else format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.time)):
        raise CimsError(f"give one cell of text as the {what}, not a date or time")
    raise CimsError(f"give one cell of text as the {what}")


def _record_id(cache: ReadCache, value: Any) -> tuple[Entity, str]:
    """(entity, record id) for a cell value: one of our ids (C-000123), or the id an
    imported customer had in the system it came from (kept as the tag "src:<id>").
    Our own prefixes come first: in another system's "C-12" is read as ours."""
    # a range where one cell is asked for: never "[['C-000001'], …] is not a record id"; a
    # number cell reaches Python as 12520.0 (xlwings): the id 12520 (`cell_text`)
    value = cell_text(value, "id")
    rid = _norm_id(value)
    ent = _our_entity(rid)
    if ent is not None:
        return ent, rid
    found = _by_source_id(cache).get(code_key(value))
    if found is None:
        raise CimsError(f"{rid[:20]!r} is not a record id (e.g. C-000123)")
    return CUSTOMER, found


def _customer_id(cache: ReadCache, value: Any) -> str:
    """A customer id for a cell value: ours as written, or an imported customer's old id."""
    value = cell_text(value, "customer id")     # 12520.0 is the id 12520; a range is refused
    cid = _norm_id(value)
    ent = _our_entity(cid)
    if ent is not None and ent is not CUSTOMER:
        # an order's or a deal's id: said as such, never looked up as a customer
        raise CimsError(f"{cid} is {'an' if ent.label[0] in 'aeiou' else 'a'} {ent.label} id, not a customer id "
                        "(e.g. C-000123)")
    if ent is not None:
        return cid
    return _by_source_id(cache).get(code_key(value), cid)


def _our_entity(rid: str) -> Entity | None:
    """The entity of one of our ids (C-000123, O-…), or None for any other text."""
    prefix, _, number = rid.partition("-")
    ent = BY_PREFIX.get(prefix)
    return ent if ent is not None and number.isdigit() else None


def _by_source_id(cache: ReadCache) -> dict[str, str]:
    def compute() -> dict[str, str]:
        out: dict[str, str] = {}
        for rid, rec in cache.records("customer").items():
            for ref in source_ids(rec.get("tags")):
                out.setdefault(code_key(ref), rid)
        return out

    return cache.remember(("source ids",), compute)


def _blank(value: Any) -> bool:
    """An empty id cell (nothing, or spaces only): every function taking an id gives "" for it."""
    if isinstance(value, (list, tuple)) and _cells(value) <= 1:
        value = one_cell(value, "id")           # a one-cell range is that cell
    return value is None or (isinstance(value, str) and not value.strip())


def _norm_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_id(value)


def _map(values: Any, one: Callable[[Any], Any]) -> Any:
    """Apply `one` per id: scalars stay scalars, lists (1-D or 2-D ranges) keep their shape."""
    if isinstance(values, (list, tuple)):
        return [_map(v, one) for v in values]
    return one(values)


# ----- the functions -------------------------------------------------------------------------

@guarded
def cims_get(record_id: Any, field: Any, *, session=None) -> Any:
    """CIMS_GET(id, field): one field of one record; an id range gives a range of values."""
    cache = _cache(session)

    @guarded
    def one(value: Any) -> Any:
        if _blank(value):
            return ""
        ent, rid = _record_id(cache, value)
        heading = _resolve_field(cache, ent, field)
        rec = cache.records(ent.kind).get(rid)
        if rec is None:
            raise NotFound(f"no {ent.label} {rid}")
        return _sheet_value(cache, heading, rec)

    return _map(record_id, one)


# Filters that read what only a role seeing personal data may search by (a tag may name
# a person: services.search refuses it): never suggested to other roles.
PERSONAL_FILTERS = frozenset({"tag"})


def _parse_query(query: Any, usable: tuple[str, ...] = FIND_FILTERS) -> tuple[str | None, dict[str, str]]:
    """(free text, {filter: value}) of a CIMS_FIND/CIMS_COUNT query: services.query_text;
    `usable`: the filters a refused key's message suggests (the role's)."""
    return query_text.parse_query(query, usable=usable)


def _find_fields(cache: ReadCache, fields: Any) -> list[str]:
    if fields is None or fields == "" or fields == []:
        names = [f for f in DEFAULT_FIND_FIELDS
                 if cache.personal or not _field_index("customer")[f.lower()].personal]
    elif isinstance(fields, (list, tuple)):
        flat = fields
        while flat and isinstance(flat[0], (list, tuple)):
            flat = [x for row in flat for x in row]
        # each cell as Excel shows it (cell_text: a number cell 1.0 is "1")
        names = [cell_text(f, "field").strip() for f in flat if f not in (None, "")]
    else:
        names = [f.strip() for f in (cell_text(fields, "field") or "").replace(";", ",").split(",") if f.strip()]
    for name in names:
        _resolve_field(cache, CUSTOMER, name)
    return names


def _search(cache: ReadCache, query: Any, limit: int):
    from ..services.search import search_customers

    usable = FIND_FILTERS if cache.personal else tuple(f for f in FIND_FILTERS if f not in PERSONAL_FILTERS)
    text, filters = _parse_query(cell_text(query, "query"), usable)
    # Free text looks in names, emails and phones, which a viewer may not read: a count or
    # list of what it may read would look like a real answer, and is not (every door refuses it).
    query_text.refuse_text_for_role(cache.session, text)
    return search_customers(cache.session, text, limit=limit, **filters)


@guarded
def cims_find(query: Any, fields: Any = None, *, session=None) -> list[list[Any]]:
    """CIMS_FIND(query, [fields]): matching customers with a header row (spills).

    The query is free text (name, company, email, phone, notes, tags, city, province,
    country: every word must match one of them) plus optional
    `city:`, `province:`, `country:`, `segment:`, `tag:`, `owner:`, `source:` filters.
    At most FIND_LIMIT customers are listed; when more match, a last row says how many
    of how many are shown. A role that may not read personal data is refused free text
    (it would search names it may not read), as CIMS_COUNT is: it uses the filters.
    """
    cache = _cache(session)
    names = _find_fields(cache, fields)

    def compute():
        headings = [_resolve_field(cache, CUSTOMER, n) for n in names]
        page = _search(cache, query, FIND_LIMIT)
        rows = [[_sheet_value(cache, h, rec) for h in headings] for rec in page.rows]
        if page.total > len(rows):
            # the list stops at FIND_LIMIT: its last row says so, never a list that looks whole
            rows.append([f"… {len(rows):,} of {page.total:,} shown: narrow the query"] + [""] * (len(headings) - 1))
        return [list(names)] + rows

    return cache.remember(("find", cell_text(query, "query"), tuple(names)), compute)


@guarded
def cims_count(query: Any, *, session=None) -> int:
    """CIMS_COUNT(query): how many customers match (same query as CIMS_FIND)."""
    cache = _cache(session)
    return cache.remember(("count", cell_text(query, "query")), lambda: _search(cache, query, 1).total)


@guarded
def cims_ltv(customer_id: Any, currency: Any = None, *, session=None) -> Any:
    """CIMS_LTV(id, [currency]): lifetime value, the total of the customer's orders (not
    cancelled/returned), never adding two currencies.

    With a currency (ISO code): the total of the orders in it, a number. Without: a
    number in the store's currency when every order is in it or converted by the rates
    entered (`cims fx set`, at each order's date; so =SUM over a column adds one
    currency only); else a text naming each currency left, "1,200.00 CNY; 300.00 USD",
    which SUM leaves out (services.lifetime).
    """
    cache = _cache(session)
    wanted = cell_text(currency, "currency")
    code = _currency(wanted) if wanted and wanted.strip() else None
    if isinstance(customer_id, (list, tuple)):
        _ltv_prefetch(cache, customer_id)

    @guarded
    def one(value: Any) -> Any:
        if _blank(value):
            return ""
        cid = _customer_id(cache, value)

        def compute():
            from ..services.lifetime import lifetime_values_converted

            lv = lifetime_values_converted(cache.session, [cid], money=cache.note_money_settings()).get(cid)
            if lv is None:
                raise NotFound(f"no customer {cid}")
            return lv

        lv = cache.remember(("ltv", cid), compute)
        if code is not None:
            return cell_number(lv.by_currency.get(code, Decimal(0)), code)
        if lv.total is not None:
            return cell_number(round_money(lv.total, lv.base) if lv.converted else lv.total, lv.base)
        return money_text(lv.shown)

    return _map(customer_id, one)


def cell_number(amount: Decimal, code: str | None) -> float | str:
    """A money figure as a UDF returns it: a number when a spreadsheet cell holds it
    exactly (`fits_a_cell`: 15 significant digits at most, as every stored amount has), else
    its exact text with the currency ("10,000,000,000,252.251 USD"), which SUM leaves out
    as it does a text of several currencies: a total is never handed back rounded by the
    float it would become."""
    from ..domain.display import money
    from ..domain.money import fits_a_cell

    if fits_a_cell(amount):
        return float(amount)
    return money(amount, code)


def round_money(amount: Any, code: str | None) -> Decimal:
    from ..domain.money import round_money as rounded

    return rounded(amount, code)


def money_text(by_currency: dict) -> str:
    """{currency: amount} as "1,200.00 USD; 2.469 BHD; 300 JPY" (never one added-up
    figure): each with its currency's decimal places, in Decimal (`display.money`)."""
    from ..domain.display import money

    return "; ".join(money(v, c) for c, v in by_currency.items()) or "0.00"


def _currency(value: Any) -> str:
    from ..domain.money import check_currency

    try:
        return check_currency(value)
    except ValueError as exc:
        raise CimsError(str(exc)) from None


def _store_currency(cache: "ReadCache") -> str:
    from ..services.settings import store_currency

    return cache.remember(("store_currency",), lambda: store_currency(cache.session))


def _ltv_prefetch(cache: ReadCache, values: Any) -> None:
    """Compute the lifetime values of a whole range of ids at once (two queries) rather
    than one by one; ids that are not customers are left to `one` and its message."""
    wanted: list[str] = []

    def collect(v: Any) -> None:
        if isinstance(v, (list, tuple)):
            for x in v:
                collect(x)
        elif not _blank(v):
            try:
                cid = _customer_id(cache, v)
            except CimsError:
                return          # another kind's id: its cell says so
            if cid.startswith("C-") and ("ltv", cid) not in cache.memo:
                wanted.append(cid)

    collect(values)
    if len(wanted) > 1:
        from ..services.lifetime import lifetime_values_converted

        try:
            found = lifetime_values_converted(cache.session, wanted, money=cache.note_money_settings())
        except CimsError:
            return          # each cell then shows the reason (e.g. not allowed) itself
        cache.owners("order")
        for cid, lv in found.items():
            cache.memo[("ltv", cid)] = lv


def _stage(value: Any) -> str | None:
    text = (cell_text(value, "stage") or "").strip()
    if not text:
        return None
    for s in STAGES:
        if s.lower() == text.lower():
            return s
    syn = ENUM_SYNONYMS.get(text.lower()) or ENUM_SYNONYMS.get(text)
    if syn in STAGES:
        return syn
    raise CimsError(f"no stage {text!r}; use one of: {', '.join(STAGES)}")


@guarded
def cims_pipeline(stage: Any = None, *, session=None) -> list[list[Any]]:
    """CIMS_PIPELINE([stage]): open amount and probability-weighted amount per currency.

    Without a stage: all open stages (Lead … Negotiation). Returns a header row
    (Currency, Open amount, Weighted amount) and one row per currency, the store's
    first (a row for it even when there is nothing open): amounts in two currencies
    are never added. Deals in another currency are converted to the store's at the
    rates entered (`cims fx set`), by the Pipeline report's own function
    (`reports.currency.convert`, at each deal's close, expected close or creation date),
    so both give the same figures; a converted sum is rounded to the store currency's
    minor units (`display.converted_money`), and a deal dated before its currency's first
    rate keeps its own row. Deals with no probability (an import left it empty) count in
    the Open amount, not the Weighted one, and a last row says how many. A store
    currency or rate changed (by anyone) is used at the next recalculation.
    """
    cache = _cache(session)
    wanted = _stage(stage)

    def compute():
        from ..domain.money import round_money

        base, rates = cache.note_money_settings()
        stages = (wanted,) if wanted else OPEN_STAGES
        chosen = [rec for rec in cache.records("opportunity").values()
                  if (rec.get("stage") or STAGES[0]) in stages and rec.get("amount") is not None]
        frame = deals_in_base(chosen, base, rates)[0]
        sums: dict[str, list[Decimal]] = {base: [Decimal(0), Decimal(0)]}
        converted: set[str] = set()
        unknown: list[str] = []
        rows_fx = frame["_fx_rate"].tolist() if "_fx_rate" in frame else [None] * len(frame)
        for rid, code, amount, prob, how in zip(frame["id"], frame["currency"], frame["amount"],
                                                 frame["probability"], rows_fx):
            acc = sums.setdefault(code, [Decimal(0), Decimal(0)])
            acc[0] += amount
            if how is not None and how[1] is not None:
                converted.add(code)
            if prob is None or prob != prob:    # left empty by an import: unknown, never the stage default
                unknown.append(rid)
            else:
                acc[1] += pipeline.weighted_amount(amount, int(prob))
        order = sorted(sums, key=lambda c: (c != base, c))
        # a closed stage's deals are not open: "Won amount", "Lost amount"
        heading = f"{wanted} amount" if wanted and not pipeline.is_open(wanted) else "Open amount"

        def shown(value: Decimal, code: str):
            return cell_number(round_money(value, code) if code in converted else value, code)

        rows = [["Currency", heading, "Weighted amount"]] + [
            [c, shown(sums[c][0], c), shown(sums[c][1], c)] for c in order]
        if unknown:
            # said in the table itself: a Weighted amount that leaves deals out never looks whole
            rows.append([f"Not weighted: {len(unknown):,} deal(s) with no probability "
                         f"({', '.join(unknown[:3])}{', …' if len(unknown) > 3 else ''})", "", ""])
        return rows

    return cache.remember(("pipeline", wanted), compute)


def _money(value: Any, code: str | None = None) -> str:
    """An amount with `code`'s decimal places, without the code (`display.money`)."""
    from ..domain.display import money

    return money(value or 0, code, code=False)


def _latest(rows: list[dict], key: str) -> Any:
    values = [r.get(key) for r in rows if r.get(key) is not None]
    return max(values) if values else None


def deals_in_base(chosen: list[dict], base: str, rates) -> tuple[Any, set[str], list[str]]:
    """The deals `chosen` (opportunity records) as the Pipeline report converts them:
    (frame of id, currency, amount, probability after conversion to `base` at the rates
    entered, by `reports.currency.convert` at each deal's close, expected close or
    creation date; the currencies converted; the ids of deals left in their currency, no
    rate for their date)."""
    import pandas as pd

    from ..reports.currency import FxRate, convert

    frame = pd.DataFrame({
        "id": [r["id"] for r in chosen],
        "currency": [r.get("currency") or base for r in chosen],
        "amount": pd.Series([Decimal(r["amount"]) for r in chosen], dtype=object),
        "probability": [r.get("probability") for r in chosen],
        **{k: [r.get(k) for r in chosen] for k in ("closed_at", "expected_close", "created_at")}})
    fx = [FxRate(r.currency, r.valid_from, Decimal(str(r.rate))) for r in rates]
    frame = convert({"opportunity": frame}, base, fx)[0]["opportunity"] if len(frame) else frame
    rows_fx = frame["_fx_rate"].tolist() if "_fx_rate" in frame else [None] * len(frame)
    converted = {was for was, how in zip([r.get("currency") or base for r in chosen], rows_fx)
                 if how is not None and how[1] is not None}
    left = [rid for rid, code in zip(frame["id"], frame["currency"]) if code != base]
    return frame, converted, left


def summary_360(view: dict, tz: dt.tzinfo, money: tuple | None = None) -> str:
    """One line about a customer from `search.customer_360`. money: (the store's
    currency, the rates entered), as `settings.money_settings` gives them.

    Every money figure it lists is converted to the store's currency, or none is: the
    lifetime value and the open deals both converted at the rates entered (each rounded
    half up to the currency's minor units, `display.converted_money`) when every order
    and every open deal has a rate for its date; otherwise both in their own currencies
    (never one converted beside the other unconverted)."""
    c = view["customer"]
    who = c.get("name") or c.get("company") or c["id"]
    if c.get("company") and c.get("name") and c["company"] != c["name"]:
        who += f" ({c['company']})"
    parts = [f"{c['id']} {who}"]
    if c.get("segment"):
        parts.append(str(c["segment"]))
    by = view.get("lifetime_values") or {}
    total, base = view.get("lifetime_value"), view.get("lifetime_value_currency")
    opps = [o for o in view.get("opportunities") or [] if pipeline.is_open(o.get("stage"))]
    open_by: dict[str, Decimal] = {}
    for o in opps:
        cur = o.get("currency") or base or "?"
        open_by[cur] = open_by.get(cur, Decimal(0)) + Decimal(o.get("amount") or 0)
    deals_base: Decimal | None = None
    deals_converted = False
    if money is not None and base and set(open_by) - {base}:
        priced = [o for o in opps if o.get("amount") is not None]
        frame, done, left = deals_in_base(priced, money[0], money[1])
        if not left:
            deals_base = sum(frame["amount"].tolist(), Decimal(0))
            deals_converted = bool(done)
    elif base and set(open_by) <= {base}:
        deals_base = open_by.get(base)
    # converted: every figure in the store's currency (the LTV and the deals), else none is
    in_base = total is not None and bool(base) and (not open_by or deals_base is not None)
    from ..domain.display import converted_money

    if in_base and set(by) - {base}:
        # Converted with the entered rates: the total (rounded to the currency's minor
        # units: a computed figure, display.converted_money), then what it was made of.
        parts.append(f"LTV {converted_money(total, base)} (from {money_text(by)})")
    else:
        parts.append(f"LTV {money_text(by) if by else _money(total or 0, base) + (' ' + base if base else '')}")
    # the orders the lifetime value counts (not cancelled, returned or draft), as the Top
    # customers report counts them
    orders = [o for o in view.get("orders") or [] if (o.get("status") or "") not in NOT_REVENUE_STATUSES]
    last_order = _latest(orders, "order_date")
    parts.append(f"{len(orders)} order{'s' if len(orders) != 1 else ''}"
                 + (f", last {last_order.isoformat()}" if last_order else ""))
    if opps:
        if in_base and deals_converted:
            shown = f"{converted_money(deals_base, base)} (from {money_text(open_by)})"
        else:
            shown = money_text(open_by)
        parts.append(f"{len(opps)} open opportunit{'ies' if len(opps) != 1 else 'y'} ({shown})")
    open_tickets = [t for t in view.get("tickets") or [] if t.get("status") in ("New", "Open", "Pending")]
    parts.append(f"{len(open_tickets)} open ticket{'s' if len(open_tickets) != 1 else ''}")
    last_contact = _latest(view.get("interactions") or [], "occurred_at")
    if last_contact is not None:
        parts.append("last contact " + excel_value(last_contact, tz).strftime("%Y-%m-%d"))
    return " · ".join(parts)


@guarded
def cims_360(customer_id: Any, *, session=None) -> str:
    """CIMS_360(id): a one-cell summary of a customer (LTV, orders, pipeline, tickets)."""
    cache = _cache(session)
    if _blank(customer_id):
        return ""               # a blank cell, as CIMS_GET and CIMS_LTV give for one
    cid = _customer_id(cache, customer_id)

    def compute():
        from ..services.search import customer_360

        return summary_360(customer_360(cache.session, cid), cache.tz, cache.note_money_settings())

    return cache.remember(("360", cid), compute)


FUNCTIONS = {"CIMS_GET": cims_get, "CIMS_FIND": cims_find, "CIMS_COUNT": cims_count,
             "CIMS_LTV": cims_ltv, "CIMS_PIPELINE": cims_pipeline, "CIMS_360": cims_360}
