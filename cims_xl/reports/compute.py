"""The report pivots: pure pandas/numpy from entity frames to report tables.

Input frames are what `cims_xl.services.frames.load_frame(session, kind)` returns
(columns = field keys of `cims_xl.domain.schema` plus meta columns; money as exact Decimals (`load_frame(exact_money=True)`; float64 is read by its shortest text);
date fields datetime64 naive; datetime fields datetime64 UTC), keyed by entity kind
("customer", "order", "opportunity", "ticket") plus "stage_history"
(opportunity_id, from_stage, to_stage, changed_at, changed_by). Missing frames count
as empty, so every function can be tested on small hand-built frames.

Definitions (also shown to users in docs/reports.md terms):
- Sales are order amounts; cancelled orders are left out; no figure adds two
  currencies (converted with entered rates, else one block of rows per currency:
  `reports.currency`). "Orders" counts distinct orders: one order number for one customer on
  one day (a row without a number is one order).
- Filters: the date range applies to the order date, to an opportunity's close date
  (closed ones) or expected close (open ones), to a ticket's local opening date, and to
  the month a customer first ordered; `owner` keeps the customers that owner owns (and
  their orders and tickets) and the opportunities they own; `region` keeps orders in
  that region and the customers (with their opportunities and tickets) who ordered
  there or whose province is that name. Text filters ignore case.
- An order's region is its own Region, else its customer's Country; its province its
  own Province, else its customer's (`order_places`; the tables' notes count them).
- Times are stored in UTC and shown in the report's time zone (Asia/Shanghai unless
  configured); months and dates of datetimes are local.
- Service: a target is met when the response (resolution) came by its due time; a
  ticket still waiting counts as missed once its due time has passed, and is not
  counted before that. Resolution time leaves out time spent Pending.
- Pipeline: win rate = won ÷ (won + lost) closed in the period; days to close = close
  date − local creation date of won deals; stage velocity = average days between
  entering a stage and leaving it (stays not yet ended are left out).
- No duration is negative and none is clamped: a deal closed before it was entered, a
  stage left before it was entered, a ticket answered before it was opened or opened
  after the report's time, an order dated after the report date (recency) are left
  out of that figure and listed in the table's note by id.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..report_layout import PIPELINE, REPORT_SHEETS, SALES, SEGMENTS, SERVICE  # noqa: F401 (re-exported)
from ..domain import sla
from ..domain.schema import (ENTITIES, META_KEYS, NOT_REVENUE_STATUSES, OPEN_STAGES, OPEN_TICKET_STATUSES,
                             PRIORITIES, RFM_SEGMENTS, STAGE_PROBABILITY, STAGES)
from . import currency as cur
from .model import (COUNT, DATE, DATETIME, DAYS, HOURS, MONEY, MONTH, PERCENT, ChartSpec,
                    ReportSheet, ReportTable, Stored)

DEFAULT_TZ = "Asia/Shanghai"
EXCLUDED_ORDER_STATUSES = NOT_REVENUE_STATUSES   # one definition with lifetime value
TOP_DIMENSIONS = 8            # wide month × dimension pivots: top n columns + "Other"
TOP_CUSTOMERS = 20
TOP_LOST_REASONS = 10
MAX_LISTED_TICKETS = 500      # tblOpenTickets lists the most urgent ones
BLANK = "(blank)"
OTHER = "Other"
AGE_BUCKETS = (("< 1 day", 0.0), ("1-3 days", 1.0), ("3-7 days", 3.0),
               ("7-30 days", 7.0), ("30+ days", 30.0))



@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    owner: str | None = None
    region: str | None = None
    include_personal: bool = False

    def as_dict(self) -> dict:
        return {"date_from": self.date_from, "date_to": self.date_to, "owner": self.owner,
                "region": self.region, "include_personal": self.include_personal}


# ----- entry points -----------------------------------------------------------------

def build_reports(frames: Mapping[str, pd.DataFrame], *, date_from=None, date_to=None,
                  owner: str | None = None, region: str | None = None,
                  include_personal: bool, tz: str | ZoneInfo = DEFAULT_TZ,
                  as_of: dt.datetime | None = None, targets=None,
                  sheets: tuple[str, ...] = REPORT_SHEETS, currency: str | None = None,
                  rates: Sequence[cur.FxRate] = ()) -> dict[str, ReportSheet]:
    """All four report sheets (or those named in `sheets`) computed with one set of filters.

    include_personal=False (viewers) leaves customer names and ticket subjects out: the
    top-customers table then shows customer ids only. currency: the store's (ISO
    4217); rates: entered exchange rates into it. No figure adds two currencies: see
    `reports.currency` for conversion, labels and one block of rows per currency.
    """
    filters = Filters(_to_date(date_from), _to_date(date_to), _blank_to_none(owner),
                      _blank_to_none(region), include_personal)
    builders = {SALES: sales_report, PIPELINE: pipeline_report, SERVICE: service_report,
                SEGMENTS: segments_report}

    def build(fr: Mapping[str, pd.DataFrame]) -> dict[str, ReportSheet]:
        ctx = _Context(fr, filters, tz, as_of, targets, rate_starts=rate_starts)
        return {name: builders[name](ctx) for name in sheets}

    rate_starts = cur.partly_converted(frames, currency, rates)
    frames, fx_notes = cur.convert(frames, currency, rates)
    codes = cur.currencies_in(frames, currency)
    if len(codes) > 1:
        out = cur.by_currency(build, frames, codes, currency, top=TOP_DIMENSIONS, other=OTHER)
    else:
        out = build(frames)
        # no order or deal names a currency (an empty store or period): the figures, 0,
        # are still in the store's currency, labelled and shown with its decimals
        code = codes[0] if codes else currency
        for sheet in out.values():
            if code:
                cur.label(sheet, code)
    if fx_notes:
        # each sheet names the rates its own rows were converted at, counting those rows
        # (orders for sales and segments, opportunities for the pipeline)
        for sheet in out.values():
            said = sheet.fx_notes
            sheet.notes.extend(said)
            for t in sheet.tables:
                if cur.has_money(t) and said:
                    t.note = "; ".join(([t.note.rstrip(".")] if t.note else []) + said)
                if cur.has_money(t) and any(n.startswith("Converted to") for n in said):
                    t.converted = currency
    for sheet in out.values():
        cur.exact_money(sheet)
        cur.rounding_note(sheet)
    return out


def build_report(sheet: str, frames: Mapping[str, pd.DataFrame], **kw) -> ReportSheet:
    """One report sheet (each sheet has its own filter cells)."""
    return build_reports(frames, sheets=(sheet,), **kw)[sheet]


# ----- shared preparation -------------------------------------------------------------

class _Context:
    """Filtered frames and arrays computed once and shared by the pivots."""

    def __init__(self, frames, filters: Filters, tz, as_of, targets, rate_starts=None):
        self.filters = filters
        # currency -> the first rate's day, where orders before it stay in their currency
        # and later ones are converted (`currency.partly_converted`)
        self.rate_starts: dict[str, cur.RateStart] = rate_starts or {}
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        self.as_of = sla.to_utc(as_of) or dt.datetime.now(dt.timezone.utc)
        self.as_of_ts = pd.Timestamp(self.as_of)
        self.local_today = self.as_of.astimezone(self.tz).date()
        self.targets = targets or sla.DEFAULT_TARGETS
        self.raw = {k: _frame(frames, k) for k in ("customer", "order", "opportunity", "ticket")}
        self.raw["order"] = order_places(self.raw["order"], self.raw["customer"])
        self.history = frames.get("stage_history")
        # tickets whose recorded times were changed after being set (services.frames)
        self.time_edits = frames.get("ticket_time_edits")
        self._customers = None
        self._orders = None

    # customers kept by the owner/region filters (ids), None = all
    def customer_scope(self) -> pd.Index | None:
        f = self.filters
        if f.owner is None and f.region is None:
            return None
        cust = self.raw["customer"]
        keep = np.ones(len(cust), dtype=bool)
        if f.owner is not None:
            keep &= _eq_text(cust["owner"], f.owner)
        if f.region is not None:
            orders = self.raw["order"]
            in_region = orders.loc[_eq_region(orders["region"], f.region), "customer_id"]
            keep &= cust["id"].isin(pd.unique(in_region)).to_numpy() | _eq_region(cust["province"], f.region)
        return pd.Index(cust.loc[keep, "id"])

    def customers(self) -> pd.DataFrame:
        if self._customers is None:
            scope = self.customer_scope()
            cust = self.raw["customer"]
            self._customers = cust if scope is None else cust[cust["id"].isin(scope)]
        return self._customers

    def orders(self, *, dated: bool = True) -> "_Orders":
        """Orders after status, owner and region filters (and the date range if dated)."""
        if self._orders is None:
            o = self.raw["order"]
            keep = ~o["status"].isin(EXCLUDED_ORDER_STATUSES).to_numpy()
            f = self.filters
            if f.region is not None:
                keep &= _eq_region(o["region"], f.region)
            if f.owner is not None:
                keep &= o["customer_id"].isin(self.customer_scope()).to_numpy()
            self._orders = _Orders(o[keep] if not keep.all() else o, self.raw["customer"])
        if not dated:
            return self._orders
        return self._orders.between(self.filters.date_from, self.filters.date_to)

    def local(self, series: pd.Series) -> pd.Series:
        """UTC datetimes as naive local datetimes (what Excel shows)."""
        s = _utc(series)
        return s.dt.tz_convert(self.tz).dt.tz_localize(None)

    def in_range(self, dates: pd.Series) -> np.ndarray:
        """Mask of naive dates/datetimes inside the filter's date range (inclusive)."""
        f = self.filters
        keep = np.ones(len(dates), dtype=bool)
        d = pd.to_datetime(dates)
        if f.date_from is not None:
            keep &= (d >= pd.Timestamp(f.date_from)).to_numpy()
        if f.date_to is not None:
            keep &= (d < pd.Timestamp(f.date_to) + pd.Timedelta(days=1)).to_numpy()
        return keep


class _Orders:
    """Order rows as numpy arrays, with codes for customers and the first line of each order.

    Dimension codes (`codes`) are factorised once on all orders and shared by the
    date-filtered subsets, which keep only the values that occur in them.
    """

    def __init__(self, o: pd.DataFrame, customers: pd.DataFrame, *, _parent=None, _mask=None):
        if _parent is not None:
            p = _parent
            self.df = p.df[_mask]
            for name in ("date", "month", "amount", "profit", "profit_known", "order_code", "first_line",
                         "cust_code", "exact_amount", "exact_profit"):
                setattr(self, name, getattr(p, name)[_mask])
            self.cust_ids = p.cust_ids
            self.customers = p.customers
            self._cust_row = p._cust_row
            self._parent, self._mask = p, _mask
            self._codes = {}
            return
        self._parent, self._mask = None, None
        self._codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.df = o
        self.customers = customers
        self.date = pd.to_datetime(o["order_date"]).to_numpy().astype("datetime64[D]")
        self.month = self.date.astype("datetime64[M]")
        self.amount = np.nan_to_num(o["amount"].to_numpy(dtype="float64", na_value=np.nan))
        profit = o["profit"].to_numpy(dtype="float64", na_value=np.nan)
        self.profit_known = ~np.isnan(profit)       # an imported order may have no profit
        self.profit = np.nan_to_num(profit)
        # the same as exact Decimals (0 where blank): what the tables add (`_exact_sums`)
        converted = _converted_rows(o)
        self.exact_amount = Exact.of(o["amount"], converted)
        self.exact_profit = Exact.of(o["profit"], converted)
        # One order = one number for one customer on one day (numbers restart each year
        # in many small shops, and files merged from two shops reuse each other's).
        numbers = o["order_number"]
        same_order = pd.DataFrame({"n": numbers, "c": o["customer_id"], "d": self.date})
        self.first_line = (~same_order.duplicated() | numbers.isna()).to_numpy()
        # an id per order (a line without a number is an order of its own)
        self.order_code = np.where(numbers.isna().to_numpy(), -1 - np.arange(len(o)),
                                   same_order.groupby(["n", "c", "d"], dropna=False, sort=False).ngroup()
                                   .to_numpy()) if len(o) else np.zeros(0, dtype=np.int64)
        self.cust_code, uniques = pd.factorize(o["customer_id"])
        self.cust_ids = pd.Index(uniques)
        # row of each order customer in the customers frame (-1: unknown)
        self._cust_row = pd.Index(customers["id"]).get_indexer(self.cust_ids) if len(customers) \
            else np.full(len(self.cust_ids), -1)

    def __len__(self) -> int:
        return len(self.df)

    def between(self, lo: dt.date | None, hi: dt.date | None) -> "_Orders":
        if lo is None and hi is None:
            return self
        keep = np.ones(len(self.date), dtype=bool)
        if lo is not None:
            keep &= self.date >= np.datetime64(lo, "D")
        if hi is not None:
            keep &= self.date <= np.datetime64(hi, "D")
        return _Orders(None, None, _parent=self, _mask=keep)

    def codes(self, column: str, *, customer: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(codes per order row, labels) of an order column, or of a customer column
        (customer=True) looked up through the order's customer; blanks -> '(blank)'."""
        key = ("c:" if customer else "o:") + column
        if key not in self._codes:
            if self._parent is not None:
                codes, uniq = self._parent.codes(column, customer=customer)
                self._codes[key] = _compact(codes[self._mask], uniq)
            elif customer:
                values = (self.customers[column].to_numpy(dtype=object) if len(self.customers)
                          else np.array([], dtype=object))
                per_cust = np.array([values[r] if r >= 0 else None for r in self._cust_row], dtype=object)
                ccodes, uniq = _factorize(per_cust)
                self._codes[key] = _compact(ccodes[self.cust_code] if len(self.cust_code)
                                            else np.zeros(0, dtype=np.int64), uniq)
            else:
                self._codes[key] = _compact(*_factorize(self.df[column]))
        return self._codes[key]

    def last_date(self) -> np.ndarray:
        """Latest order date per customer code (NaT for none)."""
        return self._per_customer(np.maximum, np.iinfo(np.int64).min)

    def first_date(self) -> np.ndarray:
        """Earliest order date per customer code (NaT for none)."""
        return self._per_customer(np.minimum, np.iinfo(np.int64).max)

    def _per_customer(self, ufunc, start: int) -> np.ndarray:
        out = np.full(len(self.cust_ids), start, dtype=np.int64)
        ok = ~np.isnat(self.date)
        ufunc.at(out, self.cust_code[ok], self.date[ok].astype(np.int64))
        out[out == start] = np.iinfo(np.int64).min          # NaT
        return out.astype("datetime64[D]")


def _converted_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows whose amounts `currency.convert` converted at a rate (its FX column)."""
    if cur.FX not in df.columns:
        return np.zeros(len(df), dtype=bool)
    return np.array([k is not None and k[1] is not None for k in df[cur.FX].tolist()], dtype=bool)


def _compact(codes: np.ndarray, uniq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop labels that no row uses (after a filter) and renumber the codes."""
    if not len(uniq):
        return codes, uniq
    present = np.bincount(codes, minlength=len(uniq)) > 0
    if present.all():
        return codes, uniq
    remap = np.cumsum(present) - 1
    return remap[codes], uniq[present]


# ----- sales --------------------------------------------------------------------------

def sales_report(ctx: _Context) -> ReportSheet:
    o = ctx.orders()
    tables = [
        sales_by_month(o),
        sales_by_year(o, ctx.rate_starts),
        _place_note(sales_by_dimension(o, o.codes("region"), "Region", "tblSalesByRegion"), o, REGION_FROM),
        _place_note(month_pivot(o, o.codes("region"), "Region", "tblSalesByMonthRegion"), o, REGION_FROM),
        _place_note(month_pivot(o, o.codes("province"), "Province", "tblSalesByMonthProvince"), o, PROVINCE_FROM),
        month_pivot(o, o.codes("segment", customer=True), "Segment", "tblSalesByMonthSegment"),
        month_pivot(o, o.codes("category"), "Category", "tblSalesByMonthCategory"),
    ]
    return _sheet(ctx, SALES, "Sales", tables, fx=cur.fx_note(o.df))


# Where an order's place comes from when the order has none (`order_places`).
REGION_FROM = "_region_from_country"
PROVINCE_FROM = "_province_from_customer"


def _no_text(series: pd.Series) -> np.ndarray:
    return series.astype(object).map(lambda v: not (isinstance(v, str) and v.strip())).to_numpy(dtype=bool)


def order_places(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Orders whose place the reports group by: an order's Region, else its customer's
    Country; its Province, else its customer's Province.

    Orders typed or imported without a region (a shop that records no sales region)
    were all "(blank)" in Sales by region although every customer had a country. The
    columns REGION_FROM / PROVINCE_FROM mark the orders whose value came from the
    customer (the tables' notes count them). The region filter matches the same value.
    Returns a copy when something is filled; `orders` is not changed.
    """
    region, province = orders["region"], orders["province"]
    if not len(orders) or not len(customers):
        return orders.assign(**{REGION_FROM: False, PROVINCE_FROM: False})
    cust = customers.drop_duplicates("id").set_index("id")
    country = orders["customer_id"].map(cust["country"]).astype(object)
    cust_province = orders["customer_id"].map(cust["province"]).astype(object)
    from_country = _no_text(region) & ~_no_text(country)
    from_customer = _no_text(province) & ~_no_text(cust_province)
    out = orders.copy()
    out["region"] = region.astype(object).where(~from_country, country.map(lambda v: str(v).strip()))
    out["province"] = province.astype(object).where(~from_customer, cust_province.map(lambda v: str(v).strip()))
    out[REGION_FROM] = from_country
    out[PROVINCE_FROM] = from_customer
    return out


def _place_note(t: ReportTable, o: "_Orders", column: str) -> ReportTable:
    """Add to `t`'s note how many of its orders are placed by their customer's country
    (region) or province, if any."""
    flags = o.df[column].to_numpy(dtype=bool) if column in o.df.columns else np.zeros(len(o), dtype=bool)
    if not flags.any():
        return t
    n = len(np.unique(o.order_code[flags]))
    said = (f"{n:,} order(s) without a region are under their customer's country" if column == REGION_FROM
            else f"{n:,} order(s) without a province are under their customer's province")
    # a count of this computation's orders: per currency block (it follows the table's own
    # block note, so the two stay one run of the note)
    if t.block_note and t.note and t.note.endswith(t.block_note):
        t.block_note = f"{t.block_note}; {said}"
    elif not t.note:
        t.block_note = said
    t.note = f"{t.note}; {said}" if t.note else said
    return t


def sales_by_month(o: _Orders) -> ReportTable:
    months = _month_range(o.month)
    codes = _month_codes(o.month, months)
    n = len(months)
    df = pd.DataFrame({
        "Month": months,
        "Orders": np.bincount(codes, o.first_line.astype(np.int64), minlength=n).astype(np.int64),
        "Sales": _exact_sums(codes, o.exact_amount, n),
    })
    df["Profit"], note = _profits(o, codes, n, [str(m)[:7] for m in months])
    return ReportTable("tblSalesByMonth", "Sales by month", df,
                       {"Month": MONTH, "Orders": COUNT, "Sales": MONEY, "Profit": MONEY},
                       ChartSpec("line", "Sales by month", ("Sales",), y_title="Sales"),
                       _profit_total({"Orders": "sum", "Sales": "sum", "Profit": "sum"}, o), note=note,
                       block_note=note)


def sales_by_year(o: _Orders, rate_starts: Mapping[str, cur.RateStart] | None = None) -> ReportTable:
    """Orders, sales, profit and growth on the year before, per year. Growth is left
    blank (NaN) for a year that, with the year before, holds orders of a currency on both
    sides of the day its first exchange rate starts (`rate_starts`): those orders are in
    the store's currency from that day only, so the two years' figures hold different
    orders; the note says so."""
    years = o.date.astype("datetime64[Y]").astype(np.int64) + 1970
    uniq = np.arange(years.min(), years.max() + 1) if len(years) else np.array([], dtype=np.int64)
    codes = years - (uniq[0] if len(uniq) else 0)
    n = len(uniq)
    sales = _exact_sums(codes, o.exact_amount, n) if n else np.array([], dtype=object)
    as_float = sales.astype("float64")
    prev = np.r_[np.nan, as_float[:-1]] if n else np.array([])
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(prev > 0, as_float / prev - 1.0, np.nan)
    spans = {i: why for i, why in _growth_across_rate_starts(uniq, rate_starts or {}).items()
             if not np.isnan(growth[i])}
    for i in spans:
        growth[i] = np.nan
    df = pd.DataFrame({
        "Year": uniq.astype(np.int64),
        "Orders": np.bincount(codes, o.first_line.astype(np.int64), minlength=n).astype(np.int64) if n else [],
        "Sales": sales,
        "Profit": np.zeros(n),
        "Growth": growth,
    })
    df["Profit"], note = _profits(o, codes, n, [str(y) for y in uniq])
    counted = note                 # counts of this computation's orders: per currency block
    if spans:
        said = "; ".join(f"{int(uniq[i])}: {code} orders are converted from {day.isoformat()} only, earlier "
                         f"ones stay in {code}" for i, (code, day) in spans.items())
        note = "; ".join(([note] if note else []) + [f"Growth not shown where the years compared hold "
                                                      f"different orders ({said})"])
    return ReportTable("tblSalesByYear", "Sales by year", df,
                       {"Year": "0", "Orders": COUNT, "Sales": MONEY, "Profit": MONEY, "Growth": PERCENT},
                       ChartSpec("column", "Sales by year", ("Sales",), y_title="Sales"),
                       _profit_total({"Orders": "sum", "Sales": "sum", "Profit": "sum"}, o), note=note,
                       block_note=counted)


def sales_by_dimension(o: _Orders, coded: tuple[np.ndarray, np.ndarray], label: str,
                       name: str) -> ReportTable:
    codes, uniq = coded
    n = len(uniq)
    sales = _exact_sums(codes, o.exact_amount, n)
    total = float(sum(sales, Decimal(0)))
    df = pd.DataFrame({
        label: uniq,
        "Orders": np.bincount(codes, o.first_line.astype(np.int64), minlength=n).astype(np.int64),
        "Sales": sales,
        "Profit": (profits := _profits(o, codes, n, [_header(u) for u in uniq]))[0],
        "Share": sales.astype("float64") / total if total else np.zeros(n),
    }).sort_values(["Sales", label], ascending=[False, True], kind="stable").reset_index(drop=True)
    return ReportTable(name, f"Sales by {label.lower()}", df,
                       {"Orders": COUNT, "Sales": MONEY, "Profit": MONEY, "Share": PERCENT},
                       ChartSpec("column", f"Sales by {label.lower()}", ("Sales",), y_title="Sales"),
                       _profit_total({"Orders": "sum", "Sales": "sum", "Profit": "sum", "Share": "sum"}, o),
                       note=profits[1], block_note=profits[1])


PROFIT_NOTE_LISTED = 5        # rows named in a profit note where only some profits are known


def _growth_across_rate_starts(years: np.ndarray, rate_starts: Mapping[str, "cur.RateStart"]) -> dict[int, tuple]:
    """{row of `years`: (currency, first rate's day)} for each year whose growth compares
    it with the year before across a first rate's day (`RateStart.splits`)."""
    out: dict[int, tuple] = {}
    for i, year in enumerate(int(y) for y in years):
        for code, start in sorted(rate_starts.items()):
            if start.splits(year - 1, year):
                out.setdefault(i, (code, start.day))
    return out


def _profits(o: _Orders, codes: np.ndarray, n: int, labels: Sequence[str]) -> tuple[np.ndarray, str | None]:
    """(profit per row of a table, its note): the sum of the known profits of the row's
    order lines; NaN (a blank cell, "—" on the terminal) where none is known, never 0.
    The note says for how many orders profit is not known, and names the rows whose
    sum leaves some out ("2024-03: 1 of 4 orders"). codes: the row of each order line."""
    if not n:
        return np.zeros(0), None
    known = np.bincount(codes, o.profit_known.astype(np.int64), minlength=n) > 0
    # A row with no orders (a month without sales) has profit 0 where some order's profit
    # is known; where none is, the table knows no profit at all: a 0.00 there among
    # blanks would read as a profit that is known.
    empty = np.bincount(codes, minlength=n) == 0
    exact = _exact_sums(codes, o.exact_profit, n)
    sums = np.array([exact[i] if (known[i] or (empty[i] and o.profit_known.any())) else np.nan
                     for i in range(n)], dtype=object)
    unknown = ~o.profit_known
    if not unknown.any():
        return sums, None
    missing = len(np.unique(o.order_code[unknown]))
    # distinct orders per row: all of them, and those with a line of unknown profit
    def per_row(mask: np.ndarray) -> np.ndarray:
        pairs = np.unique(np.stack([codes[mask], o.order_code[mask]]), axis=1) if mask.any() \
            else np.zeros((2, 0), dtype=np.int64)
        return np.bincount(pairs[0].astype(np.int64), minlength=n)
    orders, lacking = per_row(np.ones(len(codes), dtype=bool)), per_row(unknown)
    note = f"Profit not known for {missing:,} order(s): none is shown where no order's profit is known"
    partial = [i for i in range(n) if known[i] and lacking[i]]
    if partial:
        listed = ", ".join(f"{labels[i]}: {lacking[i]:,} of {orders[i]:,}" for i in partial[:PROFIT_NOTE_LISTED])
        more = f" and {len(partial) - PROFIT_NOTE_LISTED:,} more row(s)" if len(partial) > PROFIT_NOTE_LISTED else ""
        note += f"; the profit of {len(partial):,} row(s) leaves out orders whose profit is not known ({listed}{more})"
    if o.profit_known.any():
        note += "; the Total adds the known profits only"
    return sums, note


def _profit_total(totals: dict[str, object], o: _Orders) -> dict[str, object]:
    """A sales table's totals without a Profit total when no order's profit is known:
    a sum of unknowns is unknown (blank, as its rows), not 0.00."""
    if not o.profit_known.any():        # no order at all (an empty store) knows none either
        return {k: v for k, v in totals.items() if k != "Profit"}
    return totals


def month_pivot(o: _Orders, coded: tuple[np.ndarray, np.ndarray], label: str, name: str,
                top: int = TOP_DIMENSIONS) -> ReportTable:
    """Sales by month (rows) × the top `top` values of a dimension (columns) + Other + Total."""
    months = _month_range(o.month)
    mcodes = _month_codes(o.month, months)
    dcodes, uniq = coded
    totals = _exact_sums(dcodes, o.exact_amount, len(uniq))
    order = sorted(range(len(uniq)), key=lambda i: (-totals[i], str(uniq[i])))
    keep = order[:top]
    col_of = np.full(len(uniq), len(keep), dtype=np.int64)   # "Other" by default
    col_of[keep] = np.arange(len(keep))
    headers = [_header(uniq[i]) for i in keep]
    has_other = len(uniq) > len(keep)
    ncol = len(keep) + 1
    cell = mcodes * ncol + col_of[dcodes]
    grid = _exact_sums(cell, o.exact_amount, len(months) * ncol).reshape(len(months), ncol)
    df = pd.DataFrame({"Month": months})
    for j, h in enumerate(headers):
        df[h] = grid[:, j]
    if has_other:
        df[OTHER] = grid[:, -1]
    df["Total"] = np.array([_total(row) for row in grid], dtype=object)
    series = tuple(h for h in df.columns[1:] if h != "Total")
    formats = {"Month": MONTH, **{h: MONEY for h in df.columns[1:]}}
    return ReportTable(name, f"Sales by month and {label.lower()}", df, formats,
                       ChartSpec("line", f"Sales by month and {label.lower()}", series, y_title="Sales"),
                       {h: "sum" for h in df.columns[1:]},
                       note=f"Top {top} by sales; the rest in {OTHER}" if has_other else None)


# ----- customer analysis / segments ---------------------------------------------------

def segments_report(ctx: _Context) -> ReportSheet:
    o = ctx.orders()
    as_of = ctx.filters.date_to or ctx.local_today
    rfm = rfm_segments(o, ctx.customers(), as_of)
    tables = [
        rfm_summary(rfm, o),
        rfm_quintiles(rfm),
        new_customers(ctx),
        top_customers(o, ctx.customers(), ctx.filters.include_personal),
    ]
    return _sheet(ctx, SEGMENTS, "Customer segments", tables, fx=cur.fx_note(o.df))


def quintile_edges(values) -> np.ndarray:
    """The four cut points between quintiles (20th, 40th, 60th, 80th percentiles)."""
    v = np.asarray(values, dtype="float64")
    v = v[~np.isnan(v)]
    if not len(v):
        return np.full(4, np.nan)
    # rounded so that interpolation noise (63.99999999999999) cannot move a value that
    # sits exactly on an edge into the upper quintile
    return np.round(np.quantile(v, [0.2, 0.4, 0.6, 0.8]), 9)


def _exact_edges(values) -> np.ndarray:
    """`quintile_edges` of exact amounts, computed in Decimals (numpy's linear
    interpolation: position q × (n − 1)), so an edge of sums near the 9,999,999,999,999.99
    maximum shows its last digits; NaN when there are none."""
    v = sorted(_exact(pd.Series(values, dtype=object)).tolist()) if len(values) else []
    out = np.full(4, np.nan, dtype=object)
    if not v:
        return out
    last = len(v) - 1
    for j, k in enumerate((1, 2, 3, 4)):          # q = k / 5
        i, rest = divmod(k * last, 5)
        lo = v[i]
        out[j] = lo if not rest else lo + (v[min(i + 1, last)] - lo) * Decimal(rest) / 5
    return out


def quintile_scores(values, edges, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5: bins (-inf, e1], (e1, e2], …, (e4, inf); reversed when lower is better."""
    v = np.asarray(values, dtype="float64")
    bins = np.searchsorted(np.asarray(edges, dtype="float64"), v, side="left")  # 0..4
    scores = bins + 1 if higher_is_better else 5 - bins
    return scores.astype(np.int64)


# R score (rows 1..5) × FM score (columns 1..5) -> segment; see segment_name.
_SEGMENT_GRID = (
    # FM: 1               2                     3                     4               5
    ("Lost",           "Lost",               "At risk",            "At risk",      "Cannot lose"),   # R1
    ("Hibernating",    "Hibernating",        "At risk",            "At risk",      "Cannot lose"),   # R2
    ("Need attention", "Need attention",     "Need attention",     "Loyal",        "Loyal"),         # R3
    ("Promising",      "Potential loyalist", "Potential loyalist", "Loyal",        "Loyal"),         # R4
    ("New",            "Potential loyalist", "Potential loyalist", "Champions",    "Champions"),     # R5
)


def segment_name(r: int, f: int, m: int) -> str:
    """The named segment for quintile scores; FM = (F + M) / 2 rounded half up.

    R5 FM4-5 Champions · R3-4 FM4-5 Loyal · R4-5 FM2-3 Potential loyalist · R5 FM1 New ·
    R4 FM1 Promising · R3 FM1-3 Need attention · R1-2 FM3-4 At risk · R1-2 FM5 Cannot lose ·
    R2 FM1-2 Hibernating · R1 FM1-2 Lost.
    """
    fm = (int(f) + int(m) + 1) // 2
    return _SEGMENT_GRID[int(r) - 1][fm - 1]


MIN_RANKED = 2      # customers a block needs before they can be ranked against each other


def rfm_segments(orders, customers: pd.DataFrame | None, as_of, *, base: str | None = None) -> pd.DataFrame:
    """RFM quintile scores and segment per customer: DataFrame(customer_id, recency_days,
    frequency, monetary, r, f, m, segment).

    Recency = days from the last order date to `as_of`; frequency = distinct orders;
    monetary = sum of order amounts (cancelled orders left out). Customers in
    `customers` without orders get blank scores and segment None (so a stale segment
    can be cleared); orders of customers not in `customers` are ignored (when given).
    `orders` is an orders frame (or the prepared orders of a report).

    One currency: every customer is ranked against the others. A block of fewer than
    MIN_RANKED customers cannot be ranked (one customer would be "New" whatever its
    dates): its customers get blank scores and segment None, counted in
    `attrs["unranked"]`.

    Orders in several currencies (a frame whose "currency" column holds more than one,
    after any conversion; blank = `base`): each currency is one block, scored on its
    own exactly as the Segments report's block of that currency is (this function on
    that currency's orders), and each customer gets the row of its main currency (the
    one most of its order lines are in; `base` first on a tie); the result then has a
    "currency" column. Amounts in two currencies are never added or compared.
    """
    if customers is not None:
        customers = _complete(customers, "customer")
    if not isinstance(orders, _Orders):
        frame = _complete(orders, "order")
        keep = ~frame["status"].isin(EXCLUDED_ORDER_STATUSES).to_numpy()
        if "currency" in orders.columns and frame.loc[keep, "currency"].nunique(dropna=True) > 1:
            return _rfm_by_currency(frame[keep], customers, as_of, base)
        orders = _Orders(frame[keep], customers if customers is not None else _empty("customer"))
    as_of = np.datetime64(_to_date(as_of), "D")
    # An order dated after as_of would give a negative recency: left out, and listed.
    future = orders.date > as_of
    future_ids = list(orders.df.loc[future, "id"]) if future.any() else []
    if future_ids:
        orders = _Orders(None, None, _parent=orders, _mask=~future)
    n = len(orders.cust_ids)
    codes = orders.cust_code
    last = orders.last_date()
    rfm = pd.DataFrame({
        "customer_id": orders.cust_ids.astype(object),
        "recency_days": (as_of - last).astype("timedelta64[D]").astype(np.int64),
        "frequency": np.bincount(codes, orders.first_line.astype(np.int64), minlength=n).astype(np.int64),
        # exact: what the Segments tables add and average (Decimal, never a float sum)
        "monetary": _exact_sums(codes, orders.exact_amount, n),
    })
    if future_ids:
        rfm = rfm[~np.isnat(last)]          # customers whose only orders are in the future
    if customers is not None:
        rfm = rfm[rfm["customer_id"].isin(customers["id"])]
    unranked = 0
    if len(rfm) >= MIN_RANKED:
        e_r, e_f, e_m = (quintile_edges(rfm[c]) for c in ("recency_days", "frequency", "monetary"))
        r = quintile_scores(rfm["recency_days"], e_r, higher_is_better=False)
        f = quintile_scores(rfm["frequency"], e_f)
        m = quintile_scores(rfm["monetary"], e_m)
        fm = (f + m + 1) // 2
        grid = np.array(_SEGMENT_GRID, dtype=object)
        rfm = rfm.assign(r=r, f=f, m=m, segment=grid[r - 1, fm - 1])
    else:
        unranked = len(rfm)
        rfm = rfm.assign(r=pd.Series(None, index=rfm.index, dtype="Int64"),
                         f=pd.Series(None, index=rfm.index, dtype="Int64"),
                         m=pd.Series(None, index=rfm.index, dtype="Int64"),
                         segment=pd.Series(None, index=rfm.index, dtype=object))
    rfm = _with_blank_customers(rfm, customers)
    rfm.attrs["future_orders"] = future_ids
    rfm.attrs["unranked"] = unranked
    return rfm


def _with_blank_customers(rfm: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """`rfm` with a blank row for each customer in `customers` it lacks, typed."""
    if customers is not None:
        missing = customers.loc[~customers["id"].isin(rfm["customer_id"]), "id"]
        if len(missing):
            blank = pd.DataFrame({"customer_id": missing.astype(object).to_numpy()})
            rfm = pd.concat([rfm, blank], ignore_index=True) if len(rfm) else \
                blank.reindex(columns=list(rfm.columns))
    for c in ("recency_days", "frequency", "r", "f", "m"):
        rfm[c] = rfm[c].astype("Int64")
    rfm["segment"] = rfm["segment"].astype(object).where(rfm["segment"].notna(), None)
    return rfm.reset_index(drop=True)


def _rfm_by_currency(frame: pd.DataFrame, customers: pd.DataFrame | None, as_of, base: str | None) -> pd.DataFrame:
    """rfm_segments of orders in several currencies: one block per currency, each
    customer's row from the block of its main currency."""
    cur = frame["currency"].astype(object).where(frame["currency"].notna(), base)
    dated = (pd.to_datetime(frame["order_date"]) <= pd.Timestamp(_to_date(as_of))).to_numpy()
    main = _main_currency_totals(frame[dated], base).set_index("customer_id")["currency"]
    parts, future, unranked = [], [], {}
    for code in sorted(pd.unique(cur.dropna()), key=lambda c: (c != base, str(c))):
        part = rfm_segments(frame[(cur == code).to_numpy()], customers, as_of)
        future += part.attrs.get("future_orders", [])
        if part.attrs.get("unranked"):
            unranked[code] = part.attrs["unranked"]
        part = part[part["customer_id"].map(main).eq(code).fillna(False).to_numpy(dtype=bool)]
        parts.append(part.assign(currency=code))
    cols = ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment", "currency"]
    rfm = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    rfm = _with_blank_customers(rfm[cols], customers)
    rfm.attrs["future_orders"] = future
    rfm.attrs["unranked"] = sum(unranked.values())
    rfm.attrs["unranked_by_currency"] = unranked
    return rfm


def _main_currency_totals(o: pd.DataFrame, base: str | None) -> pd.DataFrame:
    """(customer_id, currency, monetary): each customer's main currency and its total."""
    cur = o["currency"].astype(object).where(o["currency"].notna(), base)
    df = pd.DataFrame({"customer_id": o["customer_id"].to_numpy(), "currency": cur.to_numpy()})
    grouped = df.groupby(["customer_id", "currency"], sort=False, dropna=False)
    g = grouped.size().rename("size").reset_index()
    # exact Decimal sums (never a float sum of money), in the groups' order
    g["sum"] = _exact_sums(grouped.ngroup().to_numpy(), Exact.of(o["amount"]), len(g))
    g["not_base"] = g["currency"] != base
    g = g.sort_values(["customer_id", "size", "not_base", "currency"], ascending=[True, False, True, True],
                      kind="stable").drop_duplicates("customer_id")
    return pd.DataFrame({"customer_id": g["customer_id"].to_numpy(dtype=object),
                         "currency": g["currency"].to_numpy(dtype=object),
                         "monetary": g["sum"].to_numpy(dtype=object)})


def rfm_changes(rfm: pd.DataFrame, customers: pd.DataFrame) -> list[tuple[str, dict, int | None]]:
    """(customer id, {"rfm_segment": new}, version) for every customer whose stored
    segment differs from `rfm` (as records.update_many takes them; None clears it)."""
    if not len(rfm):
        return []
    new = rfm.set_index("customer_id")["segment"]
    cur = customers.set_index("id")
    old = cur["rfm_segment"].reindex(new.index) if "rfm_segment" in cur else pd.Series(None, index=new.index)
    version = cur["version"].reindex(new.index) if "version" in cur else pd.Series(None, index=new.index)
    out = []
    for cid, seg in new.items():
        before = old.get(cid)
        before = None if before is None or (isinstance(before, float) and np.isnan(before)) else before
        if seg != before:
            v = version.get(cid)
            out.append((cid, {"rfm_segment": seg}, None if v is None or pd.isna(v) else int(v)))
    return out


def rfm_summary(rfm: pd.DataFrame, o: _Orders) -> ReportTable:
    scored = rfm[rfm["segment"].notna()]
    g = scored.groupby("segment", sort=False)
    counts = g.size()
    total = counts.sum()
    df = pd.DataFrame({"Segment": list(RFM_SEGMENTS)})
    df["Customers"] = df["Segment"].map(counts).fillna(0).astype(np.int64)
    df["Share"] = df["Customers"] / total if total else 0.0
    # exact: a segment's sales are the Decimal sum of its customers' (never a float sum)
    seg_code = pd.Categorical(scored["segment"], categories=list(RFM_SEGMENTS)).codes.astype(np.int64)
    named = seg_code >= 0
    monetary = Exact.of(scored["monetary"].to_numpy(dtype=object))
    sums = _exact_sums(seg_code[named], monetary[named], len(RFM_SEGMENTS))
    df["Sales"] = sums
    df["Avg Recency Days"] = df["Segment"].map(g["recency_days"].mean()).astype("float64")
    df["Avg Orders"] = df["Segment"].map(g["frequency"].mean()).astype("float64")
    df["Avg Sales"] = pd.Series(_decimal_mean(sums, df["Customers"].tolist()), dtype=object)
    # Customers: each counted once (a value, not a sum): with one block of rows per
    # currency, a customer who bought in two has a row in each block, and a sum of the
    # blocks would count them twice
    totals = {"Customers": int(total), "Share": "sum", "Sales": "sum",
              "Avg Recency Days": _nan_none(scored["recency_days"].astype("float64").mean()),
              "Avg Orders": _nan_none(scored["frequency"].astype("float64").mean()),
              "Avg Sales": _decimal_mean([sum(monetary.tolist(), _ZERO)], [len(scored)])[0] if len(scored) else None}
    unranked = _unranked(rfm.attrs.get("unranked", 0))
    notes = [n for n in (_left_out("orders dated after the report date (no recency yet)",
                                   rfm.attrs.get("future_orders", ())), _in_several_currencies(scored, o),
                         unranked) if n]
    return ReportTable("tblRfmSegments", "Customers by RFM segment", df,
                       {"Customers": COUNT, "Share": PERCENT, "Sales": MONEY, "Avg Recency Days": DAYS,
                        "Avg Orders": "0.0", "Avg Sales": MONEY},
                       ChartSpec("bar", "Customers by RFM segment", ("Customers",), y_title="Customers"),
                       totals, note="; ".join(notes) or None, distinct=("Customers",), block_note=unranked)


def _unranked(n: int) -> str | None:
    """The note of a block whose customers are too few to rank (rfm_segments)."""
    if not n:
        return None
    return (f"{n:,} customer(s) with orders not segmented: a segment ranks customers against each other and "
            f"needs at least {MIN_RANKED} buying in one currency (their RFM Segment field is left blank)")


def _in_several_currencies(scored: pd.DataFrame, o: _Orders) -> str | None:
    """The note of a segments table whose customers bought in more than one currency
    (one block of rows per currency): the Total counts each customer once."""
    if "currency" not in o.df.columns or not len(scored):
        return None
    cur = o.df["currency"].astype(object)
    per = pd.DataFrame({"c": o.df["customer_id"].to_numpy(), "k": cur.to_numpy()}).dropna()
    per = per[per["c"].isin(scored["customer_id"])]
    several = int((per.groupby("c")["k"].nunique() > 1).sum())
    if not several:
        return None
    return (f"{several:,} customer(s) bought in more than one currency: they have a row (and a segment) "
            f"in each currency's block; the Total counts each customer once ({len(scored):,}); their RFM "
            f"Segment field holds the segment of their main currency (most order lines)")


def rfm_quintiles(rfm: pd.DataFrame) -> ReportTable:
    scored = rfm[rfm["segment"].notna()]
    df = pd.DataFrame({
        "Percentile": ["20%", "40%", "60%", "80%"],
        "Recency Days": quintile_edges(scored["recency_days"].astype("float64")),
        "Orders": quintile_edges(scored["frequency"].astype("float64")),
        "Sales": _exact_edges(scored["monetary"].tolist()),
    })
    return ReportTable("tblRfmQuintiles", "RFM quintile edges", df,
                       {"Recency Days": DAYS, "Orders": "0.0", "Sales": MONEY},
                       note="Score 5 = most recent / most orders / highest sales")


def new_customers(ctx: _Context) -> ReportTable:
    """Per month: customers whose first order falls in it, and customer records created."""
    all_orders = ctx.orders(dated=False)
    n = len(all_orders.cust_ids)
    first = all_orders.first_date().astype("datetime64[M]")
    cust = ctx.customers()
    known = all_orders.cust_ids.isin(cust["id"]) if len(cust) else np.zeros(n, dtype=bool)
    first = first[known]
    created = ctx.local(cust["created_at"]).to_numpy().astype("datetime64[M]") if len(cust) \
        else np.array([], dtype="datetime64[M]")
    created = created[~np.isnat(created)]
    first = first[~np.isnat(first)]
    f = ctx.filters
    lo = np.datetime64(f.date_from, "M") if f.date_from else None
    hi = np.datetime64(f.date_to, "M") if f.date_to else None

    def clip(a):
        if lo is not None:
            a = a[a >= lo]
        if hi is not None:
            a = a[a <= hi]
        return a

    first, created = clip(first), clip(created)
    months = _month_range(np.concatenate([first, created]))
    n_m = len(months)
    df = pd.DataFrame({
        "Month": months,
        "New Customers": np.bincount(_month_codes(first, months), minlength=n_m).astype(np.int64),
        "Records Created": np.bincount(_month_codes(created, months), minlength=n_m).astype(np.int64),
    })
    return ReportTable("tblNewCustomers", "New customers per month", df,
                       {"Month": MONTH, "New Customers": COUNT, "Records Created": COUNT},
                       ChartSpec("line", "New customers per month", ("New Customers",), y_title="Customers"),
                       {"New Customers": "sum", "Records Created": "sum"},
                       note="New = first order in that month")


def top_customers(o: _Orders, customers: pd.DataFrame, include_personal: bool,
                  top: int = TOP_CUSTOMERS) -> ReportTable:
    codes = o.cust_code
    n = len(o.cust_ids)
    ltv = _exact_sums(codes, o.exact_amount, n)      # exact Decimal sums, as the other tables
    orders = np.bincount(codes, o.first_line.astype(np.int64), minlength=n)
    last = o.last_date()
    ids = np.asarray(o.cust_ids, dtype=object)
    # the top n by exact value (ties by id): floats only narrow down the candidates (a float
    # of a larger Decimal is never smaller, so every one of the top n is at least the n-th
    # float), the exact values rank them
    value = np.where(orders > 0, ltv.astype("float64") if n else np.zeros(0), -np.inf)
    candidates = np.flatnonzero(orders > 0)
    if len(candidates) > top:
        kth = np.partition(value, len(value) - top)[len(value) - top]
        candidates = np.flatnonzero((value >= kth) & (orders > 0))
    rank = sorted(candidates, key=lambda i: (-ltv[i], str(ids[i])))[:top]
    info = customers.set_index("id") if len(customers) else _empty("customer").set_index("id")
    sel = pd.Index(ids[rank]) if rank else pd.Index([], dtype=object)
    df = pd.DataFrame({"Rank": np.arange(1, len(rank) + 1, dtype=np.int64),
                       "Customer ID": sel.to_numpy(dtype=object)})
    if include_personal:
        df["Name"] = info["name"].reindex(sel).to_numpy(dtype=object)
    df["Segment"] = info["segment"].reindex(sel).to_numpy(dtype=object)
    df["Province"] = info["province"].reindex(sel).to_numpy(dtype=object)
    df["Orders"] = orders[rank].astype(np.int64)
    df["Lifetime Value"] = pd.Series(list(ltv[rank]), dtype=object)
    df["Last Order"] = pd.to_datetime(last[rank])
    return ReportTable("tblTopCustomers", f"Top {top} customers by lifetime value", df,
                       {"Rank": "0", "Orders": COUNT, "Lifetime Value": MONEY, "Last Order": DATE},
                       # bars named as people know their customers; ids for roles that see no names
                       ChartSpec("bar", "Top customers by lifetime value", ("Lifetime Value",),
                                 categories="Name" if include_personal else "Customer ID", max_points=10),
                       {"Orders": "sum", "Lifetime Value": "sum"},
                       note=None if include_personal else "Names hidden for your role: ids only")


# ----- pipeline -----------------------------------------------------------------------

def pipeline_report(ctx: _Context) -> ReportSheet:
    opp = _scoped_opportunities(ctx)
    undated = _undated_by_range(ctx)
    tables = [
        pipeline_by_stage(opp, undated, _undated_by_range(ctx, closed=True)),
        forecast_by_month(opp, ctx.local_today, undated),
        win_rate(opp, "owner", "Owner", "tblWinRateByOwner", ctx),
        win_rate(opp, "source", "Source", "tblWinRateBySource", ctx),
        stage_velocity(ctx, opp),
        lost_reasons(opp),
    ]
    return _sheet(ctx, PIPELINE, "Sales pipeline", tables, fx=cur.fx_note(opp))


def _scoped_opportunities(ctx: _Context) -> pd.DataFrame:
    opp = ctx.raw["opportunity"]
    f = ctx.filters
    keep = np.ones(len(opp), dtype=bool)
    if f.owner is not None:
        keep &= _eq_text(opp["owner"], f.owner)
    if f.region is not None:
        keep &= opp["customer_id"].isin(ctx.customer_scope()).to_numpy()
    opp = opp[keep].copy()
    stage = opp["stage"].fillna(STAGES[0]).astype(object)
    opp["stage"] = stage
    # the amounts as exact Decimals (what every money figure adds: `_exact_sums`); the
    # floats only for ratios (a stage's probability)
    converted = _converted_rows(opp)
    opp[EXACT_AMOUNT] = pd.Series([a if conv else Stored(a) for a, conv in zip(_exact(opp["amount"]), converted)],
                                  index=opp.index, dtype=object)
    opp["amount"] = opp["amount"].astype("float64").fillna(0.0)
    # A probability left empty (an import could not read it: pipeline.LEFT_EMPTY) stays
    # unknown: the deal counts in Open and Best Case, not in Weighted, and the tables say so.
    opp["probability"] = opp["probability"].astype("float64")
    opp.loc[stage == "Won", "probability"] = 100.0
    opp.loc[stage == "Lost", "probability"] = 0.0
    # amount × probability ÷ 100 exactly (5000.5 × 0.1399 × 50 % is 349.784975, not a float)
    opp[EXACT_WEIGHTED] = pd.Series([Decimal(a) * _decimal_of(p) / 100 if p == p else _ZERO
                                     for a, p in zip(opp[EXACT_AMOUNT].tolist(), opp["probability"].tolist())],
                                    index=opp.index, dtype=object)
    opp["is_open"] = stage.isin(OPEN_STAGES).to_numpy()
    when = pd.to_datetime(opp["expected_close"]).where(opp["is_open"], pd.to_datetime(opp["closed_at"]))
    opp["when"] = when
    if f.date_from is not None or f.date_to is not None:
        opp = opp[ctx.in_range(when) & when.notna().to_numpy()]
    return opp


EXACT_AMOUNT = "_exact_amount"        # opportunity columns `_scoped_opportunities` adds
EXACT_WEIGHTED = "_exact_weighted"


def _decimal_of(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def _grouped(keys: pd.Series, values: pd.Series, labels: Sequence, converted=None) -> np.ndarray:
    """Exact Decimal sums of `values` per label (0 for a label no row has); `converted`:
    the rows converted at a rate (default: the values' own `Stored` marks)."""
    codes = pd.Index(list(labels)).get_indexer(keys.astype(object))
    keep = codes >= 0
    mask = None if converted is None else np.asarray(converted, dtype=bool)[keep]
    return _exact_sums(codes[keep], Exact.of(values.to_numpy(dtype=object)[keep], mask), len(labels))


def _undated_by_range(ctx: _Context, closed: bool = False) -> list[str]:
    """Ids of the open deals with no expected close (`closed`: of the won and lost deals
    whose close date nobody recorded) that a date range leaves out (an undated deal has no
    day to be inside the range): the pipeline tables name them."""
    f = ctx.filters
    if f.date_from is None and f.date_to is None:
        return []
    opp = ctx.raw["opportunity"]
    stage = opp["stage"].fillna(STAGES[0]).astype(object)
    is_open = stage.isin(OPEN_STAGES).to_numpy()
    keep = (~is_open & pd.to_datetime(opp["closed_at"]).isna().to_numpy()) if closed else \
        (is_open & pd.to_datetime(opp["expected_close"]).isna().to_numpy())
    if f.owner is not None:
        keep &= _eq_text(opp["owner"], f.owner)
    if f.region is not None:
        keep &= opp["customer_id"].isin(ctx.customer_scope()).to_numpy()
    return [str(i) for i in opp.loc[keep, "id"]]


def _joined(*notes: str | None) -> str | None:
    said = [n.strip("; ") for n in notes if n]
    return "; ".join(said) or None


def pipeline_by_stage(opp: pd.DataFrame, undated_by_range: Sequence[str] = (),
                      unknown_close_by_range: Sequence[str] = ()) -> ReportTable:
    g = opp.groupby("stage", sort=False)
    df = pd.DataFrame({"Stage": list(STAGES)})
    amount = _grouped(opp["stage"], opp[EXACT_AMOUNT], STAGES)
    weighted = _grouped(opp["stage"], opp[EXACT_WEIGHTED], STAGES, _converted_rows(opp))
    df["Opportunities"] = df["Stage"].map(g.size()).fillna(0).astype(np.int64)
    df["Amount"] = pd.Series(amount, dtype=object)
    # A stage's probability as its total is computed: Weighted ÷ Amount of its deals with a
    # known probability (a deal of 9,000 at 40 % and one of 350 at 43 % are 40.1 %, not the
    # plain mean 41.5 %); a stage whose deals have no amount, the plain mean.
    known = opp["probability"].notna()
    known_amount = opp["amount"].astype("float64").where(known, 0.0).groupby(opp["stage"]).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        by_amount = (np.asarray(weighted, dtype="float64")
                     / df["Stage"].map(known_amount).fillna(0.0).replace(0.0, np.nan).to_numpy(dtype="float64"))
    plain = df["Stage"].map(g["probability"].mean()).astype("float64").to_numpy() / 100.0
    df["Probability"] = np.where(np.isnan(by_amount), plain, by_amount)
    df["Weighted"] = pd.Series(weighted, dtype=object)
    open_ = opp[opp["is_open"]]
    open_amount = open_["amount"].astype("float64").where(open_["probability"].notna(), 0.0).sum()
    totals = {"Opportunities": "sum", "Amount": "sum", "Weighted": "sum",
              "Probability": (float((open_["amount"] * open_["probability"]).sum() / open_amount / 100.0)
                              if open_amount else None)}
    return ReportTable("tblPipelineByStage", "Pipeline by stage", df,
                       {"Opportunities": COUNT, "Amount": MONEY, "Probability": PERCENT, "Weighted": MONEY},
                       ChartSpec("funnel", "Pipeline funnel (open stages)", ("Amount", "Weighted"),
                                 max_points=len(OPEN_STAGES)),
                       totals, note=_joined("Probability = Weighted ÷ Amount (deals with a probability); "
                                            "its total: of the open stages"
                                            + _unknown_probability_note(open_),
                                            _left_out("open deal(s) with no expected close, so in no date range",
                                                      undated_by_range),
                                            _left_out("won or lost deal(s) whose close date nobody recorded "
                                                      "(unknown), so in no date range", unknown_close_by_range)))


def _unknown_probability_note(open_: pd.DataFrame) -> str:
    """What a Weighted figure leaves out: open deals whose probability is unknown."""
    unknown = open_[open_["probability"].isna()]
    if unknown.empty:
        return ""
    ids = ", ".join(unknown["id"].astype(str).head(5)) + (", …" if len(unknown) > 5 else "")
    return (f"; {len(unknown):,} open deal(s) with no probability ({ids}: left empty by an import that could "
            "not read it) count in Open and Best Case, not in Weighted or Expected: type a Probability")


def forecast_by_month(opp: pd.DataFrame, today: dt.date | None = None,
                      undated_by_range: Sequence[str] = ()) -> ReportTable:
    """Won (by close month) and open pipeline (by expected close month): weighted and best case.

    The note names what the months leave out or hold late: open deals with no expected
    close (no month to be in), and open deals whose expected close is before `today` (the
    report's day in its zone), counted in the past month they were expected."""
    month = pd.to_datetime(opp["when"]).to_numpy().astype("datetime64[M]")
    dated = ~np.isnat(month)
    all_open = opp["is_open"].to_numpy()
    is_open = all_open & dated
    undated = [str(i) for i in opp.loc[all_open & ~dated, "id"]] + list(undated_by_range)
    overdue: list[str] = []
    if today is not None:
        late = is_open & (pd.to_datetime(opp["when"]) < pd.Timestamp(today)).to_numpy()
        overdue = [str(i) for i in opp.loc[late, "id"]]
    won = (opp["stage"] == "Won").to_numpy() & dated
    # a won deal whose close date nobody recorded has no month: named, never put in today's
    unknown_close = [str(i) for i in opp.loc[(opp["stage"] == "Won").to_numpy() & ~dated, "id"]]
    months = _month_range(month[is_open | won])
    n = len(months)
    codes = _month_codes(month, months) if n else np.zeros(len(month), dtype=np.int64)
    amount = Exact.of(opp[EXACT_AMOUNT].to_numpy(dtype=object)) if EXACT_AMOUNT in opp else \
        Exact.of(opp["amount"])
    weighted = Exact.of(opp[EXACT_WEIGHTED].to_numpy(dtype=object), _converted_rows(opp)) if EXACT_WEIGHTED in opp else \
        Exact.of(pd.Series(np.nan_to_num(opp["amount"].to_numpy(dtype="float64")
                                         * opp["probability"].to_numpy(dtype="float64") / 100.0)))
    won_s = _exact_sums(codes[won], amount[won], n)          # unknown probability: not weighted
    open_s = _exact_sums(codes[is_open], amount[is_open], n)
    weighted_s = _exact_sums(codes[is_open], weighted[is_open], n)
    df = pd.DataFrame({
        "Month": months,
        "Won": won_s,
        "Open": open_s,
        "Weighted": weighted_s,
        "Expected": won_s + weighted_s,
        "Best Case": won_s + open_s,
    })
    return ReportTable("tblForecast", "Forecast by month of expected close", df,
                       {"Month": MONTH, **{c: MONEY for c in ("Won", "Open", "Weighted", "Expected", "Best Case")}},
                       ChartSpec("line", "Forecast by month", ("Expected", "Best Case", "Won"), y_title="Amount"),
                       {c: "sum" for c in ("Won", "Open", "Weighted", "Expected", "Best Case")},
                       note=_joined("Expected = won + open × probability; best case = won + all open"
                                    + _unknown_probability_note(opp[is_open]),
                                    _left_out("open deal(s) with no expected close, so in no month",
                                              undated),
                                    _left_out("won deal(s) whose close date nobody recorded (unknown), so in no "
                                              "month and not in Won, Expected or Best Case", unknown_close),
                                    _overdue_note(overdue, today)))


def _overdue_note(ids: Sequence[str], today: dt.date | None) -> str | None:
    """Open deals whose expected close has passed: still counted, in the month they were
    expected, and named so a past month's Open is not read as pipeline still to come."""
    if not ids:
        return None
    shown = ", ".join(ids[:MAX_LISTED_IDS]) + (f" and {len(ids) - MAX_LISTED_IDS:,} more"
                                              if len(ids) > MAX_LISTED_IDS else "")
    return (f"Overdue: {len(ids):,} open deal(s) expected to close before {today.isoformat()} ({shown}) "
            "are counted in the month they were expected: move their Expected Close or close them")


def win_rate(opp: pd.DataFrame, column: str, label: str, name: str, ctx: _Context) -> ReportTable:
    key = opp[column].astype(object).where(opp[column].notna(), BLANK)
    won = opp["stage"] == "Won"
    lost = opp["stage"] == "Lost"
    created = ctx.local(opp["created_at"]).dt.normalize() if len(opp) else pd.Series(dtype="datetime64[ns]")
    days = (pd.to_datetime(opp["closed_at"]) - created).dt.days.astype("float64").where(won)
    # Closed before it was entered (a past deal typed in later): no days to close; nor has a
    # won deal whose close date nobody recorded (unknown): both named in the note.
    unknown = (won & pd.to_datetime(opp["closed_at"]).isna()).to_numpy()
    before = (days < 0).to_numpy()
    days = days.where(~before)
    g = pd.DataFrame({"key": key, "won": won, "lost": lost, "open": opp["is_open"],
                      "days": days}).groupby("key", sort=True)
    exact = opp[EXACT_AMOUNT] if EXACT_AMOUNT in opp else pd.Series(_exact(opp["amount"]), index=opp.index)
    won_amount = exact.where(won, Stored(0))       # nothing to add: keeps a sum of stored amounts marked
    df = pd.DataFrame({
        label: g.size().index.astype(object),
        "Opportunities": g.size().to_numpy(dtype=np.int64),
        "Open": g["open"].sum().to_numpy(dtype=np.int64),
        "Won": g["won"].sum().to_numpy(dtype=np.int64),
        "Lost": g["lost"].sum().to_numpy(dtype=np.int64),
    })
    closed = df["Won"] + df["Lost"]
    df["Win Rate"] = np.where(closed > 0, df["Won"] / closed.where(closed > 0, 1), np.nan)
    df["Won Amount"] = pd.Series(_grouped(key, won_amount, df[label].tolist()), dtype=object)
    df["Avg Days to Close"] = g["days"].mean().to_numpy(dtype="float64")
    n_won, n_closed = int(won.sum()), int((won | lost).sum())
    totals = {"Opportunities": "sum", "Open": "sum", "Won": "sum", "Lost": "sum", "Won Amount": "sum",
              "Win Rate": n_won / n_closed if n_closed else None,
              "Avg Days to Close": _nan_none(days.mean())}
    return ReportTable(name, f"Win rate by {label.lower()}", df,
                       {"Opportunities": COUNT, "Open": COUNT, "Won": COUNT, "Lost": COUNT,
                        "Win Rate": PERCENT, "Won Amount": MONEY, "Avg Days to Close": DAYS},
                       ChartSpec("column", f"Win rate by {label.lower()}", ("Win Rate",), y_title="Win rate"),
                       totals, note=_joined(
                           _left_out("won deals closed before they were entered, so no days to close",
                                     opp.loc[before, "id"]),
                           _left_out("won deals whose close date nobody recorded (unknown), so no days to close",
                                     opp.loc[unknown, "id"])))


def stage_velocity(ctx: _Context, opp: pd.DataFrame) -> ReportTable:
    """Average days between entering a stage and leaving it, from the stage history."""
    hist = ctx.history
    rows = []
    bad_moves = []
    if hist is not None and len(hist):
        h = hist[hist["opportunity_id"].isin(_all_scoped_opportunity_ids(ctx))].copy()
        h["changed_at"] = _utc(h["changed_at"])
        h = h.sort_values(["opportunity_id", "changed_at"], kind="stable")
        prev = h.groupby("opportunity_id")["changed_at"].shift(1)
        created = ctx.raw["opportunity"].set_index("id")["created_at"]
        created = _utc(created.reindex(h["opportunity_id"]).set_axis(h.index)) if len(created) \
            else pd.Series(pd.NaT, index=h.index, dtype="datetime64[ns, UTC]")
        entered = prev.fillna(created)
        h["days"] = (h["changed_at"] - entered).dt.total_seconds() / 86400.0
        h = h[h["from_stage"].notna() & h["days"].notna()]
        h = h[ctx.in_range(ctx.local(h["changed_at"]))]
        backwards = (h["days"] < 0).to_numpy()     # left a stage before entering it
        bad_moves = pd.unique(h.loc[backwards, "opportunity_id"])
        rows = h[~backwards]
    stages = list(OPEN_STAGES)
    df = pd.DataFrame({"Stage": stages})
    if len(rows):
        g = rows.groupby("from_stage")["days"]
        extra = [s for s in g.size().index if s not in stages]
        df = pd.DataFrame({"Stage": stages + sorted(extra)})
        df["Moves Out"] = df["Stage"].map(g.size()).fillna(0).astype(np.int64)
        df["Avg Days"] = df["Stage"].map(g.mean()).astype("float64")
        df["Median Days"] = df["Stage"].map(g.median()).astype("float64")
        total_avg = float(rows["days"].mean())
    else:
        df["Moves Out"] = np.zeros(len(df), dtype=np.int64)
        df["Avg Days"] = np.nan
        df["Median Days"] = np.nan
        total_avg = None
    return ReportTable("tblStageVelocity", "Stage velocity (days in stage)", df,
                       {"Moves Out": COUNT, "Avg Days": DAYS, "Median Days": DAYS},
                       ChartSpec("bar", "Average days in stage", ("Avg Days",), y_title="Days"),
                       {"Moves Out": "sum", "Avg Days": total_avg},
                       note=_left_out("opportunities with a stage change dated before the one it follows",
                                      bad_moves))


def _all_scoped_opportunity_ids(ctx: _Context) -> pd.Index:
    """Opportunities kept by owner/region (not the date range: that applies to the moves)."""
    saved = ctx.filters
    ctx.filters = Filters(None, None, saved.owner, saved.region, saved.include_personal)
    try:
        return pd.Index(_scoped_opportunities(ctx)["id"])
    finally:
        ctx.filters = saved


def lost_reasons(opp: pd.DataFrame, top: int = TOP_LOST_REASONS) -> ReportTable:
    lost = opp[opp["stage"] == "Lost"]
    reason = lost["lost_reason"].astype(object).where(lost["lost_reason"].notna(), BLANK)
    reason = reason.map(lambda r: r.strip() if isinstance(r, str) and r.strip() else BLANK)
    g = pd.DataFrame({"reason": reason}).groupby("reason")
    reasons = g.size().index.astype(object)
    exact = lost[EXACT_AMOUNT] if EXACT_AMOUNT in lost else pd.Series(_exact(lost["amount"]), index=lost.index)
    sums = _grouped(reason, exact, list(reasons))
    rows = sorted(zip(g.size().to_numpy(np.int64).tolist(), sums.tolist(), list(reasons)),
                  key=lambda r: (-r[0], -r[1], str(r[2])))
    if len(rows) > top:
        rest = rows[top:]
        rows = rows[:top] + [(sum(r[0] for r in rest), _total([r[1] for r in rest]), OTHER)]
    df = pd.DataFrame({"Reason": pd.Series([r[2] for r in rows], dtype=object),
                       "Lost": np.array([r[0] for r in rows], dtype=np.int64),
                       "Amount": pd.Series([r[1] for r in rows], dtype=object)})
    total = df["Lost"].sum()
    df["Share"] = df["Lost"] / total if total else 0.0
    return ReportTable("tblLostReasons", "Lost reasons", df,
                       {"Lost": COUNT, "Amount": MONEY, "Share": PERCENT},
                       ChartSpec("bar", "Lost reasons", ("Lost",), y_title="Opportunities"),
                       {"Lost": "sum", "Amount": "sum", "Share": "sum"})


# ----- service ------------------------------------------------------------------------

def ticket_metrics(tickets: pd.DataFrame, as_of: dt.datetime, targets=None) -> pd.DataFrame:
    """Per ticket: due times (filled in where missing), breach flags, response and
    resolution hours, and whether each outcome is known yet. Vectorised `sla.breach_flags`."""
    targets = targets or sla.DEFAULT_TARGETS
    t = tickets
    now = pd.Timestamp(sla.to_utc(as_of))
    priority = t["priority"].astype(object).where(t["priority"].notna(), sla.DEFAULT_PRIORITY)
    fr_target = priority.map({p: pd.Timedelta(v.first_response) for p, v in targets.items()})
    res_target = priority.map({p: pd.Timedelta(v.resolution) for p, v in targets.items()})
    opened = _utc(t["opened_at"]).fillna(_utc(t["created_at"]))
    paused = pd.to_timedelta(t["paused_seconds"].astype("float64").fillna(0.0), unit="s")
    fr_due = _utc(t["first_response_due"]).fillna(opened + pd.to_timedelta(fr_target) + paused)
    res_due = _utc(t["resolution_due"]).fillna(opened + pd.to_timedelta(res_target) + paused)
    pending_since = _utc(t["pending_since"])
    ongoing = (now - pending_since).where((t["status"] == "Pending") & pending_since.notna(), pd.Timedelta(0))
    ongoing = ongoing.clip(lower=pd.Timedelta(0))
    responded = _utc(t["first_response_at"])
    resolved = _utc(t["resolved_at"]).fillna(_utc(t["closed_at"]))
    # a ticket still New, Open or Pending is not resolved, whatever time older data gives it
    resolved = resolved.where(~t["status"].isin(OPEN_TICKET_STATUSES), pd.NaT)
    fr_breached = (responded > fr_due).where(responded.notna(), now > fr_due + ongoing)
    res_breached = (resolved > res_due).where(resolved.notna(), now > res_due + ongoing)
    # answered (past New) or resolved at a time nobody recorded: unknown, never a breach
    # (as sla.breach_flags)
    status = t["status"].astype(object).fillna("New")
    fr_breached = fr_breached.where(responded.notna() | (status == "New"), False)
    res_breached = res_breached.where(resolved.notna() | ~status.isin(("Resolved", "Closed")), False)
    return pd.DataFrame({
        "id": t["id"], "priority": priority, "status": t["status"], "assignee": t["assignee"],
        "opened_at": opened, "first_response_due": fr_due, "resolution_due": res_due,
        # due times as of now: a ticket pending right now has them moved by the pause so far
        "first_response_due_now": fr_due + ongoing.where(responded.isna(), pd.Timedelta(0)),
        "resolution_due_now": res_due + ongoing.where(resolved.isna(), pd.Timedelta(0)),
        "first_response_breached": fr_breached.astype(bool),
        "resolution_breached": res_breached.astype(bool),
        "response_known": responded.notna() | fr_breached.astype(bool),
        "resolution_known": resolved.notna() | res_breached.astype(bool),
        "response_hours": (responded - opened).dt.total_seconds() / 3600.0,
        "resolution_hours": (resolved - opened - paused).dt.total_seconds() / 3600.0,
        "age_days": (now - opened).dt.total_seconds() / 86400.0,
        "is_open": t["status"].isin(OPEN_TICKET_STATUSES).to_numpy() if len(t) else np.array([], dtype=bool),
        "responded": responded.notna(), "resolved": resolved.notna(), "resolved_at": resolved,
    }, index=t.index)


def service_report(ctx: _Context) -> ReportSheet:
    t = ctx.raw["ticket"]
    scope = ctx.customer_scope()
    if scope is not None:
        t = t[t["customer_id"].isin(scope)]
    m = ticket_metrics(t, ctx.as_of, ctx.targets)
    if len(m) and (ctx.filters.date_from or ctx.filters.date_to):
        keep = ctx.in_range(ctx.local(m["opened_at"]))
        m, t = m[keep], t[keep]
    # Answered or resolved before it was opened: that time is left out of every figure made
    # of it (its hours and its within-target share), as the note listing the ticket says.
    early_r, early_s = m["response_hours"] < 0, m["resolution_hours"] < 0
    early = early_r | early_s
    m = m.assign(response_hours=m["response_hours"].where(~early_r),
                 resolution_hours=m["resolution_hours"].where(~early_s),
                 response_known=m["response_known"] & ~early_r,
                 resolution_known=m["resolution_known"] & ~early_s)
    times_note = _left_out("tickets answered or resolved before they were opened, that time counted in "
                           "neither the hours nor Within Target", m.loc[early, "id"])
    # Times that cannot all be true (closed before resolved, resolved before the first
    # response, a resolution on a ticket still open: older data, raw SQL): which one is wrong
    # is unknown, so none of its hours or Within Target counts, and the note names it.
    bad = _contradictory(t) & ~early
    m = m.assign(response_hours=m["response_hours"].where(~bad), resolution_hours=m["resolution_hours"].where(~bad),
                 response_known=m["response_known"] & ~bad, resolution_known=m["resolution_known"] & ~bad)
    bad_note = _left_out("tickets whose times cannot all be true (closed before resolved, resolved before "
                         "the first response, or a Resolved or Closed time on a ticket still open), counted in "
                         "neither the hours nor Within Target", m.loc[bad, "id"])
    # Answered or resolved at a time nobody gave (a back-dated or imported ticket): unknown,
    # counted in neither the hours nor Within Target, and said so.
    st = m["status"].astype(object)
    done = st.isin(("Resolved", "Closed"))
    unknown = ((st.isin(("Open", "Pending")) & ~m["responded"] & ~m["response_known"])
               | (done & ~m["resolved"] & ~m["resolution_known"])) & ~bad
    unknown_note = _left_out("tickets answered or resolved at a time nobody recorded (unknown, not now), "
                             "counted in neither the hours nor Within Target", m.loc[unknown & ~early, "id"])
    # resolved or closed with no first response: closed unanswered (a spam ticket), or
    # answered at a time nobody recorded; either way no response time, no breach
    unanswered = done & ~m["responded"] & ~bad
    unanswered_note = _left_out("tickets resolved or closed without a recorded first response (closed without "
                                "a response, or answered at a time nobody recorded), in no response figure",
                                m.loc[unanswered, "id"])
    times_note = "; ".join(n for n in (times_note, bad_note, unknown_note, unanswered_note, _times_edited(ctx, m))
                           if n) or None
    tables = [
        open_by_age(m),
        service_by(m, "priority", "Priority", "tblServiceByPriority", order=PRIORITIES, note=times_note),
        service_by(m, "assignee", "Assignee", "tblServiceByAssignee", note=times_note),
        tickets_by_month(ctx, m),
        open_tickets(ctx, m, t),
    ]
    return _sheet(ctx, SERVICE, "Service desk", tables)


def _contradictory(t: pd.DataFrame) -> pd.Series:
    """Per ticket: whether its times and status cannot all be true (sla.contradictions,
    vectorised): Closed before Resolved, Resolved or Closed before the First Response, a
    Closed time on a Resolved ticket, a Resolved or Closed time on a ticket still open."""
    status = t["status"].astype(object).fillna("New")
    responded = _utc(t["first_response_at"])
    resolved, closed = _utc(t["resolved_at"]), _utc(t["closed_at"])
    still_open = status.isin(OPEN_TICKET_STATUSES) & (resolved.notna() | closed.notna())
    return (still_open | ((status == "Resolved") & closed.notna()) | (closed < resolved)
            | (resolved < responded) | (closed < responded)).astype(bool)


def _times_edited(ctx: _Context, m: pd.DataFrame) -> str | None:
    """A note naming the tickets (of this report) whose recorded times were changed after
    they were set: "Times edited after they were recorded: 1 ticket (T-000001: Opened,
    First Response); its figures use the edited times, see its history"."""
    edits = ctx.time_edits
    if edits is None or not len(edits) or not len(m):
        return None
    edits = edits[edits["ticket_id"].isin(set(m["id"]))]
    if not len(edits):
        return None
    fields: dict[str, list[str]] = {}
    for tid, field in zip(edits["ticket_id"], edits["field"]):
        have = fields.setdefault(str(tid), [])
        if field not in have:
            have.append(field)
    ids = sorted(fields)
    shown = ", ".join(f"{t}: {', '.join(fields[t])}" for t in ids[:MAX_LISTED_IDS])
    if len(ids) > MAX_LISTED_IDS:
        shown += f" and {len(ids) - MAX_LISTED_IDS:,} more"
    n = len(ids)
    return (f"Times edited after they were recorded: {n:,} ticket{'s' if n != 1 else ''} ({shown}); "
            f"{'its' if n == 1 else 'their'} figures use the edited times (`cims ticket history ID` shows "
            "who changed them from what)")


def open_by_age(m: pd.DataFrame) -> ReportTable:
    future = m["is_open"] & (m["age_days"] < 0)      # opened after the report's time: no age yet
    open_ = m[m["is_open"] & ~future]
    edges = [lo for _, lo in AGE_BUCKETS[1:]]
    bucket = np.searchsorted(np.asarray(edges), open_["age_days"].to_numpy("float64"), side="right")
    df = pd.DataFrame({"Age": [label for label, _ in AGE_BUCKETS]})
    for p in PRIORITIES:
        sel = (open_["priority"] == p).to_numpy()
        df[p] = np.bincount(bucket[sel], minlength=len(AGE_BUCKETS)).astype(np.int64)
    df["Total"] = df[list(PRIORITIES)].sum(axis=1).astype(np.int64)
    return ReportTable("tblOpenTicketsByAge", "Open tickets by age", df,
                       {c: COUNT for c in (*PRIORITIES, "Total")},
                       ChartSpec("column", "Open tickets by age", PRIORITIES, stacked=True, y_title="Tickets"),
                       {c: "sum" for c in (*PRIORITIES, "Total")},
                       note=_left_out("open tickets opened after the report's time", m.loc[future, "id"]))


def _service_row(g: pd.DataFrame) -> dict:
    known_r = g["response_known"]
    known_s = g["resolution_known"]
    return {
        "Tickets": len(g),
        "Open": int(g["is_open"].sum()),
        "Median First Response (h)": _nan_none(g.loc[g["responded"], "response_hours"].median()),
        "Median Resolution (h)": _nan_none(g.loc[g["resolved"], "resolution_hours"].median()),
        "Response Within Target": (float((known_r & ~g["first_response_breached"]).sum() / known_r.sum())
                                   if known_r.sum() else None),
        "Resolution Within Target": (float((known_s & ~g["resolution_breached"]).sum() / known_s.sum())
                                     if known_s.sum() else None),
        "Breached Open": int((g["is_open"] & (g["first_response_breached"] | g["resolution_breached"])).sum()),
    }


def service_by(m: pd.DataFrame, column: str, label: str, name: str, order=None,
               note: str | None = None) -> ReportTable:
    key = m[column].astype(object).where(m[column].notna(), BLANK)
    keys = list(order) if order else sorted(set(key), key=str)
    rows = [{label: k, **_service_row(m[(key == k).to_numpy()])} for k in keys]
    cols = [label, "Tickets", "Open", "Median First Response (h)", "Median Resolution (h)",
            "Response Within Target", "Resolution Within Target", "Breached Open"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("Tickets", "Open", "Breached Open"):
        df[c] = df[c].fillna(0).astype(np.int64)
    for c in cols[3:7]:
        df[c] = df[c].astype("float64")
    overall = _service_row(m)
    totals = {"Tickets": "sum", "Open": "sum", "Breached Open": "sum",
              **{c: overall[c] for c in cols[3:7]}}
    return ReportTable(name, f"Service by {label.lower()}", df,
                       {"Tickets": COUNT, "Open": COUNT, "Median First Response (h)": HOURS,
                        "Median Resolution (h)": HOURS, "Response Within Target": PERCENT,
                        "Resolution Within Target": PERCENT, "Breached Open": COUNT},
                       ChartSpec("column", f"Within target by {label.lower()}",
                                 ("Response Within Target", "Resolution Within Target"), y_title="% within target"),
                       totals, note=note)


def tickets_by_month(ctx: _Context, m: pd.DataFrame) -> ReportTable:
    opened = ctx.local(m["opened_at"]).to_numpy().astype("datetime64[M]")
    resolved = ctx.local(m["resolved_at"]).to_numpy().astype("datetime64[M]")
    resolved_ok = ~np.isnat(resolved)
    months = _month_range(np.concatenate([opened, resolved[resolved_ok]]))
    n = len(months)
    oc = _month_codes(opened, months)
    df = pd.DataFrame({
        "Month": months,
        "Opened": np.bincount(oc, minlength=n).astype(np.int64),
        "Resolved": np.bincount(_month_codes(resolved[resolved_ok], months), minlength=n).astype(np.int64),
        "Response Breached": np.bincount(oc, m["first_response_breached"].to_numpy(np.int64), minlength=n).astype(np.int64),
        "Resolution Breached": np.bincount(oc, m["resolution_breached"].to_numpy(np.int64), minlength=n).astype(np.int64),
    })
    cols = ("Opened", "Resolved", "Response Breached", "Resolution Breached")
    return ReportTable("tblTicketsByMonth", "Tickets by month (local time)", df,
                       {"Month": MONTH, **{c: COUNT for c in cols}},
                       ChartSpec("line", "Tickets by month", ("Opened", "Resolved", "Resolution Breached"),
                                 y_title="Tickets"),
                       {c: "sum" for c in cols}, note="Breaches counted in the month the ticket was opened")


def open_tickets(ctx: _Context, m: pd.DataFrame, t: pd.DataFrame) -> ReportTable:
    open_ = m[m["is_open"]].sort_values(["resolution_due_now", "id"], kind="stable")
    n_open = len(open_)
    open_ = open_.iloc[:MAX_LISTED_TICKETS]
    src = t.loc[open_.index]
    df = pd.DataFrame({
        "Ticket ID": open_["id"].astype(object).to_numpy(),
        "Customer ID": src["customer_id"].astype(object).to_numpy(),
        "Priority": open_["priority"].to_numpy(dtype=object),
        "Ticket Status": open_["status"].astype(object).to_numpy(),
        "Assignee": open_["assignee"].astype(object).to_numpy(),
    })
    if ctx.filters.include_personal:
        df["Subject"] = src["subject"].astype(object).to_numpy()
    df["Opened"] = ctx.local(open_["opened_at"]).to_numpy()
    df["Response Due"] = ctx.local(open_["first_response_due_now"]).to_numpy()
    df["Resolution Due"] = ctx.local(open_["resolution_due_now"]).to_numpy()
    df["Response Breached"] = open_["first_response_breached"].to_numpy(bool)
    df["Resolution Breached"] = open_["resolution_breached"].to_numpy(bool)
    return ReportTable("tblOpenTickets", "Open tickets by resolution due time", df,
                       {"Opened": DATETIME, "Response Due": DATETIME, "Resolution Due": DATETIME},
                       totals={"Response Breached": None},
                       note=(f"The {MAX_LISTED_TICKETS} most urgent of {n_open} open tickets"
                             if n_open > MAX_LISTED_TICKETS else None))


# ----- helpers ------------------------------------------------------------------------

MAX_LISTED_IDS = 10


def _left_out(what: str, ids) -> str | None:
    """A table note naming rows left out of a duration that would be negative (never
    clamped to 0): "Left out: 2 won deals ... (OP-000003, OP-000007)"."""
    ids = [str(i) for i in ids]
    if not ids:
        return None
    shown = ", ".join(ids[:MAX_LISTED_IDS])
    if len(ids) > MAX_LISTED_IDS:
        shown += f" and {len(ids) - MAX_LISTED_IDS:,} more"
    return f"Left out: {len(ids):,} {what} ({shown})"


def _sheet(ctx: _Context, sheet: str, title: str, tables: list[ReportTable], fx: list[str] = ()) -> ReportSheet:
    return ReportSheet(sheet=sheet, title=title, computed_at=ctx.as_of.astimezone(ctx.tz),
                       filters=ctx.filters.as_dict(), tables=tables, tz=str(ctx.tz.key), fx_notes=list(fx))


def _empty(kind: str) -> pd.DataFrame:
    cols = list(META_KEYS) + list(ENTITIES[kind].keys)
    return pd.DataFrame({c: pd.Series(dtype=_dtype(kind, c)) for c in cols})


def _dtype(kind: str, key: str):
    if key in ("created_at", "updated_at", "deleted_at"):
        return "datetime64[ns, UTC]"
    if key in META_KEYS:
        return "int64" if key == "version" else object
    f = ENTITIES[kind].field(key)
    return {"money": "float64", "decimal": "float64", "int": "float64", "date": "datetime64[ns]",
            "datetime": "datetime64[ns, UTC]", "bool": object}.get(f.kind, object)


def _frame(frames: Mapping, kind: str) -> pd.DataFrame:
    df = frames.get(kind)
    return _empty(kind) if df is None else _complete(df, kind)


def _complete(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The frame with any schema column it lacks added as blanks (hand-built fixtures)."""
    cols = list(META_KEYS) + list(ENTITIES[kind].keys)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        df = df.assign(**{c: _blank(_dtype(kind, c), df.index) for c in missing})
    return df


def _blank(dtype, index: pd.Index) -> pd.Series:
    n = len(index)
    if dtype == object:
        return pd.Series(np.full(n, None, dtype=object), index=index, copy=False)
    if dtype in ("float64", "int64"):
        return pd.Series(np.full(n, np.nan), index=index, copy=False)
    return pd.Series(pd.NaT, index=index, dtype=dtype)


def _utc(series: pd.Series) -> pd.Series:
    s = pd.to_datetime(series)
    if s.dt.tz is None:
        return s.dt.tz_localize("UTC")
    return s.dt.tz_convert("UTC")


def _eq_text(series: pd.Series, value: str) -> np.ndarray:
    # NFKC as the store normalises text: a filter typed with full-width （） matches ()
    want = _fold(value)
    return (series.astype(object).map(lambda v: isinstance(v, str) and _fold(v) == want)
            .to_numpy(dtype=bool))


def _eq_region(series: pd.Series, value: str) -> np.ndarray:
    """Rows whose region is `value` (as `_eq_text`) or names the same country: a filter
    "United States" matches rows "US", "USA" or "美国", and "DE" matches "Deutschland"
    (CLDR names and ISO 3166 codes, `domain.countries`, as the importer reads them)."""
    from ..domain.countries import region_for_country

    same = _eq_text(series, value)
    code = region_for_country(str(value))
    if code is None:
        return same
    return same | series.astype(object).map(
        lambda v: isinstance(v, str) and region_for_country(v) == code).to_numpy(dtype=bool)


def unmatched_filters(frames: Mapping[str, pd.DataFrame], owner: str | None, region: str | None) -> dict:
    """The filters no row of the store matches, whatever the dates: {"owner": the
    owners the rows name} when no customer or opportunity has that owner, {"region":
    the regions and provinces the rows name} when no order (its region, else its
    customer's country) or customer province is in that region. A filter that matches
    nothing would show an empty report as if there were no business."""
    out: dict[str, list[str]] = {}
    cust = _frame(frames, "customer")
    if _blank_to_none(owner) is not None:
        opp = _frame(frames, "opportunity")
        if not (_eq_text(cust["owner"], owner).any() or _eq_text(opp["owner"], owner).any()):
            out["owner"] = _distinct(cust["owner"], opp["owner"])
    if _blank_to_none(region) is not None:
        orders = order_places(_frame(frames, "order"), cust)
        if not (_eq_region(orders["region"], region).any() or _eq_region(cust["province"], region).any()):
            out["region"] = _distinct(orders["region"], cust["province"])
    return out


def _distinct(*columns: pd.Series) -> list[str]:
    seen: dict[str, str] = {}
    for col in columns:
        for v in pd.unique(col.dropna().astype(object)):
            if isinstance(v, str) and v.strip():
                seen.setdefault(_fold(v), v.strip())
    return sorted(seen.values(), key=str.casefold)


def _fold(text) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def _factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """Codes and labels of a dimension column; blanks become one '(blank)' value."""
    if not isinstance(values, pd.Series):
        values = pd.Series(values, dtype=object)
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    uniq = np.asarray(uniq, dtype=object)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniq), codes)
        uniq = np.append(uniq, BLANK)
    return codes.astype(np.int64), uniq


def _month_range(months: np.ndarray) -> np.ndarray:
    """Every month from the first to the last present (gaps filled), as datetime64[ns]."""
    months = np.asarray(months, dtype="datetime64[M]")
    months = months[~np.isnat(months)]
    if not len(months):
        return np.array([], dtype="datetime64[ns]")
    return np.arange(months.min(), months.max() + 1).astype("datetime64[ns]")


def _month_codes(months: np.ndarray, month_range: np.ndarray) -> np.ndarray:
    if not len(month_range):
        return np.zeros(0, dtype=np.int64)
    start = month_range[0].astype("datetime64[M]")
    return (np.asarray(months, dtype="datetime64[M]") - start).astype(np.int64)


class Exact:
    """Exact amounts of rows: Decimals (0 for blank) and, when every sum of them fits,
    the same as int64 units of 10**-scale (scale: the most decimals any row has, 4 for
    stored amounts, more for one converted at a rate), so that sums per group are an
    integer `np.add.at`, exact and fast; beyond int64 (sum of |units| >= 2**63: a few
    amounts near the 9,999,999,999,999.99 maximum converted at a rate with many decimals)
    the Decimals are added one by one. Never a binary float."""

    __slots__ = ("decimals", "units", "scale", "converted")

    def __init__(self, decimals: np.ndarray, units: np.ndarray | None, scale: int,
                 converted: np.ndarray | None = None):
        self.decimals, self.units, self.scale = decimals, units, scale
        # rows converted at a rate (None: none is); a sum without one is `Stored`
        self.converted = converted

    @classmethod
    def of(cls, values, converted=None) -> "Exact":
        out = cls._of(values)
        if converted is None:
            # without a mask, each value's own mark: `Stored` (a stored amount, a sum of
            # them) or not (converted at a rate, or not known: shown as converted)
            converted = [not isinstance(v, Stored) for v in out.decimals.tolist()]
        out.converted = np.asarray(converted, dtype=bool)
        return out

    @classmethod
    def _of(cls, values) -> "Exact":
        decimals = _exact(values) if isinstance(values, pd.Series) else _exact(pd.Series(values, dtype=object))
        items = decimals.tolist()
        # the scale: guessed from a sample (stored amounts have 4 decimals), then checked on
        # every row: a truncated unit makes the sum of |units| smaller than the sum of |amounts|
        scale = _scale_of(items[:_SAMPLE])
        units = _units(items, scale)
        if units is None and len(items) > _SAMPLE:
            scale = _scale_of(items)
            units = _units(items, scale)
        return cls(decimals, units, scale)

    def __getitem__(self, mask) -> "Exact":
        return Exact(self.decimals[mask], None if self.units is None else self.units[mask], self.scale,
                     None if self.converted is None else self.converted[mask])

    def __len__(self) -> int:
        return len(self.decimals)

    def tolist(self) -> list:
        return self.decimals.tolist()


_INT64_LIMIT = 2 ** 63
_SAMPLE = 1000


def _scale_of(items: list) -> int:
    return max(0, max((-d.as_tuple().exponent for d in items if d), default=0))


def _units(items: list, scale: int) -> np.ndarray | None:
    """`items` (Decimals) as int64 units of 10**-scale, or None when one has more
    decimals than `scale` or a sum of them could leave int64."""
    from decimal import localcontext

    if scale > 18:
        return None
    ints = [int(d.scaleb(scale)) for d in items]          # truncates a digit beyond `scale`
    whole = sum(map(abs, ints))
    if whole >= _INT64_LIMIT:
        return None
    with localcontext() as ctx:
        ctx.prec = 60                                      # the sum below is exact
        exact = sum(map(abs, items), Decimal(0))
    if exact.scaleb(scale) != whole:
        return None
    return np.array(ints, dtype=np.int64)


def _exact(series: pd.Series) -> np.ndarray:
    """Amounts as exact Decimals (object array; 0 for blank): Decimals as loaded
    (`load_frame(exact_money=True)`), a float by its shortest text (12.34 is 12.34)."""
    out = np.empty(len(series), dtype=object)
    items = series.tolist()
    if set(map(type, items)) <= {Decimal, type(None)}:       # as loaded: the fast way
        out[:] = [_ZERO if v is None or not v.is_finite() else v for v in items]
        return out
    for i, v in enumerate(items):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            out[i] = _ZERO
        elif isinstance(v, Decimal):
            out[i] = v if v.is_finite() else _ZERO
        else:
            out[i] = Decimal(repr(v) if isinstance(v, float) else str(v))
    return out


_ZERO = Decimal(0)


def _exact_sums(codes: np.ndarray, values, n: int) -> np.ndarray:
    """Per code 0..n-1 the exact Decimal sum of `values` (an `Exact`, or an object array
    from `_exact`): sums of money never go through a binary float, so months add up to
    their year and a customer's lifetime value is the sum of its orders to the last digit."""
    codes = np.asarray(codes)
    if not isinstance(values, Exact):
        values = Exact.of(values)
    arr = np.empty(n, dtype=object)
    # a sum with no amount converted at a rate is made of stored amounts: `Stored`
    converted = (np.bincount(codes, values.converted.astype(np.int64), minlength=n) > 0
                 if values.converted is not None and len(codes) else np.zeros(n, dtype=bool))
    if values.units is not None:
        sums = np.zeros(n, dtype=np.int64)
        if len(codes):
            np.add.at(sums, codes.astype(np.int64, copy=False), values.units)
        scale = -values.scale
        out = [Decimal(s).scaleb(scale) for s in sums.tolist()]
    else:
        out = [_ZERO] * n
        for c, v in zip(codes.tolist(), values.tolist()):
            out[c] += v
    arr[:] = [v if conv else Stored(v) for v, conv in zip(out, converted.tolist())]
    return arr


def _total(cells) -> Decimal:
    """The exact sum of a row's cells; `Stored` when every cell is."""
    total = sum(cells, _ZERO)
    return Stored(total) if all(isinstance(c, Stored) for c in cells) else total


def _decimal_mean(sums, counts) -> list:
    """Exact sum / count per row at the store's 4 decimals (half up); NaN where no count."""
    from decimal import ROUND_HALF_UP

    return [(Decimal(s) / int(c)).quantize(_FOUR, rounding=ROUND_HALF_UP) if c else np.nan
            for s, c in zip(sums, counts)]


_FOUR = Decimal("0.0001")


def _header(value) -> str:
    text = str(value).strip() if value is not None else BLANK
    return text or BLANK


def _nan_none(value):
    if value is None:
        return None
    try:
        return None if np.isnan(value) else float(value)
    except TypeError:
        return value


def _to_date(value) -> dt.date | None:
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    return dt.date.fromisoformat(str(value).strip()[:10])


def _blank_to_none(value):
    if value is None:
        return None
    text = str(value).strip()
    return text or None
