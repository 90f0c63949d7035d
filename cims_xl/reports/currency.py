"""Reports never add two currencies: conversion with entered rates, else one block per currency.

The design (docs/currency.md):

1. Amounts in a currency that has an exchange rate the owner entered (`cims fx set USD
   7.10 --from 2024-01-01`: 1 USD = 7.10 in the store's currency from that day until
   the next rate) are converted to the store's currency at the rate of the order's
   date (an opportunity's close date, else its expected close, else its creation).
   The sheet lists every rate used and how many rows it converted.
2. Amounts with no rate for their date stay in their own currency.
3. If everything is then in one currency, tables are as they always were and their
   titles and chart axes name the currency ("Sales by month (CNY)").
4. If more than one currency remains, every table with money columns has a Currency
   column (second) and one block of rows per currency, each computed only from that
   currency's rows (shares are within the currency); totals rows keep counts but no
   money total; the chart shows the first block only (the store's currency when it
   has rows) and says so: a chart axis holds one currency.
   Tables without money (service, stage velocity) are computed over everything.

Input frames as `compute` takes them, with a "currency" column on orders and
opportunities (missing: the currency is unknown and nothing is labelled).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd

from .model import MONEY, ReportSheet, ReportTable, Stored

MONEY_KINDS = ("order", "opportunity")
CURRENCY = "Currency"


@dataclasses.dataclass(frozen=True)
class FxRate:
    """1 `currency` = `rate` in the store's currency from `valid_from` on."""

    currency: str
    valid_from: dt.date
    rate: Decimal | float


def _decimal(value) -> Decimal:
    """A Decimal of an amount or rate; a float by its shortest text (0.1 is 0.1)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value))


def convert(frames: Mapping[str, pd.DataFrame], base: str | None,
            rates: Sequence[FxRate]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """(frames with convertible amounts in `base`, notes naming the rates used)."""
    out = dict(frames)
    if not base or not rates:
        return out, []
    by_cur: dict[str, list[FxRate]] = {}
    for r in sorted(rates, key=lambda r: (r.currency, r.valid_from)):
        if r.currency != base:
            by_cur.setdefault(r.currency, []).append(r)
    used: dict[tuple[str, dt.date, float], int] = {}
    left: dict[str, int] = {}
    for kind in MONEY_KINDS:
        df = frames.get(kind)
        if df is None or "currency" not in df.columns or not len(df):
            continue
        df = df.copy()
        when = _rate_date(df, kind)
        cur = df["currency"].astype(object).to_numpy().copy()
        # per row, the rate that converted it (code, from, rate, base) or (code, None, None,
        # base) for a row dated before the currency's first rate: `fx_note` counts the rows
        # a table is computed from, not every row of the store
        fx = np.full(len(df), None, dtype=object)
        money_cols = [c for c in ("amount", "profit") if c in df.columns]
        for code, rs in by_cur.items():
            mask = cur == code
            if not mask.any():
                continue
            starts = np.array([np.datetime64(r.valid_from, "D") for r in rs])
            days = when[mask]
            idx = np.searchsorted(starts, days, side="right") - 1
            ok = (idx >= 0) & ~np.isnat(days)
            rows = np.flatnonzero(mask)
            conv = rows[ok]
            for c in money_cols:
                if df[c].dtype == object:
                    # exact amounts (Decimal, as the reports load them) times the rate as
                    # entered: no binary fraction in a sum of money
                    values = df[c].to_numpy(dtype=object).copy()
                    for row, i in zip(conv, idx[ok]):
                        v = values[row]
                        if v is not None and v == v:
                            values[row] = _decimal(v) * _decimal(rs[i].rate)
                    df[c] = pd.Series(values, index=df.index, dtype=object)
                else:
                    factor = np.array([float(rs[i].rate) if good else np.nan for i, good in zip(idx, ok)],
                                      dtype="float64")
                    values = df[c].to_numpy(dtype="float64", na_value=np.nan).copy()
                    values[conv] = values[conv] * factor[ok]
                    df[c] = values
            cur[conv] = base
            for row, i in zip(conv, idx[ok]):
                fx[row] = (code, rs[i].valid_from, rs[i].rate, base)
            for row in rows[~ok]:
                fx[row] = (code, None, None, base)
            for i in idx[ok]:
                key = (code, rs[i].valid_from, rs[i].rate)
                used[key] = used.get(key, 0) + 1
            if (~ok).any():
                left[code] = left.get(code, 0) + int((~ok).sum())
        df["currency"] = cur
        df[FX] = fx
        out[kind] = df
    notes = [f"Converted to {base} at 1 {c} = {format(_decimal(r).normalize(), 'f')} {base} from {d.isoformat()} ({n:,} rows)"
             for (c, d, r), n in sorted(used.items())]
    notes += [f"{n:,} {c} rows are dated before the first {c} rate and stay in {c}"
              for c, n in sorted(left.items())]
    return out, notes


FX = "_fx_rate"      # column `convert` adds: the rate each row was converted at


def fx_note(df: pd.DataFrame | None) -> list[str]:
    """The rates used for these rows (the ones a sheet's tables are computed from: no
    cancelled order, only the period and filters asked for), each with how many rows it
    converted, and the rows left in their own currency, as `convert`'s notes read."""
    if df is None or FX not in df.columns or not len(df):
        return []
    used: dict[tuple, int] = {}
    for key in df[FX].tolist():
        if key is not None:
            used[key] = used.get(key, 0) + 1
    converted = sorted((k, n) for k, n in used.items() if k[1] is not None)
    left = sorted((k, n) for k, n in used.items() if k[1] is None)
    return ([f"Converted to {b} at 1 {c} = {format(_decimal(r).normalize(), 'f')} {b} from {d.isoformat()} "
             f"({n:,} rows)" for (c, d, r, b), n in converted]
            + [f"{n:,} {c} rows are dated before the first {c} rate and stay in {c}" for (c, _d, _r, _b), n in left])


@dataclasses.dataclass(frozen=True)
class RateStart:
    """A currency whose orders `convert` splits at its first rate (`day`): the years
    holding orders of it dated before that day (they stay in their own currency) and
    those holding orders converted from that day on."""

    day: dt.date
    years_before: frozenset[int]
    years_from: frozenset[int]

    def splits(self, *years: int) -> bool:
        """Whether these years together hold orders of the currency on both sides of the
        day: a figure compared across them (a year's growth) compares different orders."""
        return bool(self.years_before.intersection(years)) and bool(self.years_from.intersection(years))


def partly_converted(frames: Mapping[str, pd.DataFrame], base: str | None,
                     rates: Sequence[FxRate]) -> dict[str, RateStart]:
    """Currencies whose orders `convert` splits at their first rate: code -> RateStart,
    for each currency with orders dated both before it (they stay in their own
    currency) and on or after it (converted to `base`)."""
    orders = frames.get("order")
    if not base or not rates or orders is None or "currency" not in orders.columns or not len(orders):
        return {}
    first: dict[str, dt.date] = {}
    for r in rates:
        if r.currency != base and (r.currency not in first or r.valid_from < first[r.currency]):
            first[r.currency] = r.valid_from
    when = _rate_date(orders, "order")
    cur = orders["currency"].astype(object).to_numpy()
    out = {}
    for code, start in sorted(first.items()):
        days = when[(cur == code) & ~np.isnat(when)]
        day = np.datetime64(start, "D")
        years = days.astype("datetime64[Y]").astype(np.int64) + 1970
        before, after = years[days < day], years[days >= day]
        if len(before) and len(after):
            out[code] = RateStart(start, frozenset(int(y) for y in before), frozenset(int(y) for y in after))
    return out


def _rate_date(df: pd.DataFrame, kind: str) -> np.ndarray:
    if kind == "order":
        return pd.to_datetime(df["order_date"]).to_numpy().astype("datetime64[D]")
    when = pd.to_datetime(df.get("closed_at")) if "closed_at" in df else pd.Series(pd.NaT, index=df.index)
    for col in ("expected_close", "created_at"):
        if col in df:
            other = pd.to_datetime(df[col])
            if getattr(other.dt, "tz", None) is not None:
                other = other.dt.tz_localize(None)
            when = when.fillna(other) if len(when) else when
    return pd.to_datetime(when).to_numpy().astype("datetime64[D]")


def currencies_in(frames: Mapping[str, pd.DataFrame], base: str | None) -> list[str]:
    """Currencies present on orders and opportunities: the store's first, then A-Z."""
    found: set[str] = set()
    for kind in MONEY_KINDS:
        df = frames.get(kind)
        if df is not None and "currency" in df.columns and len(df):
            found.update(str(c) for c in df["currency"].dropna().unique())
            if df["currency"].isna().any() and base:
                found.add(base)
    return sorted(found, key=lambda c: (c != base, c))


def only(frames: Mapping[str, pd.DataFrame], code: str, base: str | None) -> dict[str, pd.DataFrame]:
    """The frames with orders and opportunities in `code` only (blank = the store's)."""
    out = dict(frames)
    for kind in MONEY_KINDS:
        df = frames.get(kind)
        if df is not None and "currency" in df.columns:
            cur = df["currency"].astype(object).where(df["currency"].notna(), base)
            out[kind] = df[(cur == code).to_numpy()]
    return out


def has_money(table: ReportTable) -> bool:
    return any(fmt == MONEY for fmt in table.formats.values())


def label(sheet: ReportSheet, code: str) -> ReportSheet:
    """Name the one currency in the titles and chart axes of the money tables."""
    for t in sheet.tables:
        if has_money(t):
            t.currency = code
            t.title = f"{t.title} ({code})"
            if t.chart is not None and any(t.formats.get(col) == MONEY for col in t.chart.series):
                # the chart's axis names the currency only when it plots money (a win rate,
                # a count of deals or customers is no amount in USD)
                t.chart = _labelled(t.chart, code)
    return sheet


def _labelled(chart, code: str):
    y = chart.y_title or "Amount"
    return dataclasses.replace(chart, title=f"{chart.title} ({code})", y_title=f"{y} ({code})")


def by_currency(build: Callable[[Mapping[str, pd.DataFrame]], dict[str, ReportSheet]],
                frames: Mapping[str, pd.DataFrame], codes: list[str], base: str | None,
                *, top: int, other: str) -> dict[str, ReportSheet]:
    """Sheets whose money tables hold one block of rows per currency (module docstring).

    Wide month pivots keep `top` dimension columns (those of the store's currency
    first); the others go into `other`, row by row (a row is one currency)."""
    full = build(frames)
    parts = {c: build(only(frames, c, base)) for c in codes}
    for name, sheet in full.items():
        tables = []
        for t in sheet.tables:
            if not has_money(t):
                tables.append(t)
                continue
            blocks = []
            shown: list[str] = []                              # currencies with rows in this table
            said: list[str] = []                               # the blocks' own notes, by currency
            first: tuple[str, ReportTable] | None = None      # the block the chart shows
            for c in codes:
                part = parts[c][name].table(t.name)
                if part.block_note:
                    said.append(f"{c}: {part.block_note}")
                d = part.data.copy()
                figures = pd.concat([d.select_dtypes("number")]
                                    + [pd.to_numeric(d[k], errors="coerce") for k, f in part.formats.items()
                                       if f == MONEY and k in d.columns and d[k].dtype == object], axis=1)
                # A block of only zeros (every stage of a pipeline with no deal in this
                # currency) holds nothing of the currency: left out like an empty one.
                if len(d) and (figures.empty or figures.fillna(0).ne(0).to_numpy().any()):
                    d.insert(1 if len(d.columns) else 0, CURRENCY, c)
                    blocks.append(d)
                    shown.append(c)
                    first = first or (c, part)
            data = pd.concat(blocks, ignore_index=True, sort=False) if blocks else \
                t.data.assign(**{CURRENCY: pd.Series(dtype=object)})
            if not blocks:
                cols = list(t.data.columns)
                data = data[cols[:1] + [CURRENCY] + cols[1:]]
            elif "Total" in t.data.columns and len(blocks) > 1:
                data = _fold_pivot(data, top, other)
                # a column only a later block has ("(blank)") came after Total in the concat
                data = data[[c for c in data.columns if c not in (other, "Total")]
                            + [c for c in (other, "Total") if c in data.columns]]
            totals = {k: v for k, v in t.totals.items()
                      if (v == "sum" and t.formats.get(k) not in (MONEY, "0.0%")) or k in t.distinct}
            chart = None
            if first is not None and first[1].chart is not None and len(blocks) > 1:
                code, part = first
                rows = len(blocks[0])
                chart = _labelled(dataclasses.replace(
                    part.chart, max_points=min(part.chart.max_points or rows, rows)), f"{code} only")
            elif first is not None and first[1].chart is not None:
                chart = _labelled(first[1].chart, first[0])
            # Only the currencies this table shows rows of: a currency whose orders are all
            # cancelled or filtered out has no block here, so the note does not name it.
            note = (f"In {len(shown)} currencies ({', '.join(shown)}): one block of rows per currency; "
                    f"nothing adds two currencies"
                    + (f"; the chart shows {first[0]} only" if chart is not None and len(blocks) > 1 else "")
                    + ". `cims fx set` rates convert them to one.") if len(shown) > 1 else ""
            own = t.note
            if t.block_note and own:     # the note of all currencies computed together: not a block's
                own = "; ".join(p.strip("; ") for p in own.split(t.block_note) if p.strip("; ")) or None
            if said:
                own = "; ".join([own, *said]) if own else "; ".join(said)
            joined = (f"{own}. {note}" if own else note) if note else own
            tables.append(dataclasses.replace(t, data=data, totals=totals, chart=chart, note=joined,
                                              block_note=None))
        sheet.tables = tables
    return full


def _fold_pivot(data: pd.DataFrame, top: int, other: str) -> pd.DataFrame:
    """A month x dimension pivot stacked from several currencies: at most `top`
    dimension columns, the rest added into `other` within each row (one currency)."""
    fixed = [data.columns[0], CURRENCY]
    dims = [c for c in data.columns if c not in (*fixed, other, "Total")]
    if len(dims) <= top:
        return data
    keep, fold = dims[:top], dims[top:]
    cols = fold + ([other] if other in data.columns else [])
    # exact: the cells are Decimal sums (a column another block lacks is NaN there)
    rest = [sum((_decimal(v) for v in row if v is not None and v == v), Decimal(0))
            for row in data[cols].itertuples(index=False, name=None)]
    out = data[fixed + keep].copy()
    out[other] = pd.Series(rest, index=data.index, dtype=object)
    out["Total"] = data["Total"]
    return out


def exact_money(sheet: ReportSheet) -> ReportSheet:
    """Every money cell as an exact Decimal at the store's precision (4 decimals, half
    up: a converted amount has the rate's decimals too; a figure computed in floats,
    an average, loses its binary noise). NaN marks a figure not known (blank cell, "—").

    The cells are not rounded to the currency's decimal places: rows then add up to
    their total exactly. What a person sees is rounded half up to the currency's ISO
    4217 minor units (`model.money_format` in the workbook, `display.money` on the
    terminal); json gives the exact decimal text."""
    for t in sheet.tables:
        cols = [k for k, f in t.formats.items() if f == MONEY and k in t.data.columns]
        if not cols:
            continue
        data = t.data.copy()
        for k in cols:
            data[k] = pd.Series([_store_precision(v) for v in data[k].tolist()], index=data.index, dtype=object)
        t.data = data
        if t.totals:
            t.totals = {k: (_store_precision(v) if k in cols and not isinstance(v, str) and v is not None else v)
                        for k, v in t.totals.items()}
    return sheet


_FOUR = Decimal("0.0001")


def _store_precision(value):
    from decimal import ROUND_HALF_UP, InvalidOperation

    if value is None or isinstance(value, bool):
        return np.nan
    try:
        number = _decimal(value)
    except (InvalidOperation, ValueError):
        return np.nan
    if not number.is_finite():
        return np.nan
    exact = number.quantize(_FOUR, rounding=ROUND_HALF_UP)
    return Stored(exact) if isinstance(value, Stored) else exact      # stored amounts stay marked


ROUNDING_NOTE = "Converted figures are each rounded half up to {digits} decimal(s) ({code}), so they may not add up due to rounding"


def rounding_note(sheet: ReportSheet) -> ReportSheet:
    """A note on each table whose converted figures, as shown, do not add up to their
    total as shown. A converted figure (computed at an exchange rate) is shown rounded
    half up to its currency's minor units (`display.converted_money`), each one by
    itself, as accountants expect, and a total is the exact sum rounded once: three
    months of 100.005 show 100.01 each and a total (a year) of 300.02. Where that
    happens the table says so (ROUNDING_NOTE, then which column's rows add up to what
    against which total), in the workbook, the CSV and on the terminal alike; json keeps
    the exact figures. Checked: the columns summed in the Total row (totals "sum"; an
    average or a rate is no part of a sum), and in a pivot the row's cells against its
    Total column."""
    from ..domain.display import money
    from ..domain.money import minor_units, round_money

    def shown(v) -> Decimal:
        if isinstance(v, Stored):           # a stored amount is shown as stored
            return Decimal(v)
        return round_money(v, code) or Decimal(0)

    def known(v) -> bool:
        return v is not None and v == v

    for t in sheet.tables:
        code = t.converted
        if code is None or t.currency != code:
            continue
        summed = [k for k, how in t.totals.items()
                  if how == "sum" and t.formats.get(k) == MONEY and k in t.data.columns]
        said = []
        for k in summed:
            values = [v for v in t.data[k].tolist() if known(v)]
            parts = sum((shown(v) for v in values), Decimal(0))
            exact = sum((_decimal(v) for v in values), Decimal(0))
            # a total of stored amounts only is one too, shown as stored
            total = exact if all(isinstance(v, Stored) for v in values) else round_money(exact, code)
            if values and total is not None and parts != total:
                said.append(f"{k}: the rows shown add up to {money(parts, code)}, the total is {money(total, code)}")
        parts_of = [k for k in summed if k != "Total"]
        if "Total" in summed and parts_of:
            for i, row in enumerate(t.data[parts_of + ["Total"]].itertuples(index=False, name=None)):
                cells = [v for v in row[:-1] if known(v)]
                if known(row[-1]) and sum((shown(v) for v in cells), Decimal(0)) != shown(row[-1]):
                    first = t.data.iloc[i, 0]
                    if hasattr(first, "strftime"):      # a month as its column shows it
                        month = t.formats.get(str(t.data.columns[0])) == "yyyy-mm"
                        first = first.strftime("%Y-%m" if month else "%Y-%m-%d")
                    said.append(f"row {first}: its cells shown add up to "
                                f"{money(sum((shown(v) for v in cells), Decimal(0)), code)}, its Total is "
                                f"{money(shown(row[-1]), code)}")
                    break
        if said:
            note = ROUNDING_NOTE.format(code=code, digits=minor_units(code)) + " (" + "; ".join(said) + ")"
            t.note = "; ".join(([t.note.rstrip(".")] if t.note else []) + [note])
    return sheet
