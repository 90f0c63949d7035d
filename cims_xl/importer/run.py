"""The import use case: `import_file(session, path, ...)` -> ImportResult.

Two passes over the file. The first looks: finds the table and the mapping, counts
the rows and reads every date column whole to decide its day/month order; an
ambiguous column stops the import here, before anything is written. The second
plans and writes in chunks inside ONE unit of work (one transaction): a crash, a
refused permission or an unexpected error rolls everything back. Only the duplicate
keys stay in memory, so memory does not grow with the file.

Who may import: admin and manager. Sales may not (decision): an import creates and
updates records in bulk, and its duplicate updates can touch customers owned by other
people; a salesperson hands the file to a manager, or adds customers one by one.
"""

from __future__ import annotations

from collections import Counter

import codecs
import contextlib
import functools
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..domain import money
from ..domain import normalize as nz
from ..domain.display import display_zone, display_zone_source, zone_label
from .heading_zone import heading_tz
from . import derived_amount, yearless_dates
from ..domain.models import DEFAULT_REGION
from ..domain.schema import CUSTOMER, Entity
from ..errors import InterruptedAfterSave
from ..domain.invisible import code_key
from . import mapping as mp
from . import swapped_columns
from . import (discount_reading, amount_notes, calendar_evidence, compact_dates, unix_times, file_language, ledger_marks, net_gross, paid_amount, parallel, plan, refunds,
               side_tables, continued_rows,
               row_currency, shop_orders, tag_columns)
from . import activity_status, heading_language, merged_rows, scan_split, status_heading, template_rows
from .fallback_columns import Fallbacks
from . import group_header, group_headings, header_evidence, own_columns, sheet_choice, time_columns
from .collector import bounded_garbage, collector_paused
from .ticket_pauses import PendingPauses
from .user_values import UserValues
from . import fill_down as fill_down_rows
from .values import ValueEvidence, parse_values, value_key
from .header_currency import header_code, header_sign
from . import amount_parts, amount_units, format_marks
from .plain_amounts import PlainAmounts, PlainVerdict, plain_text
from .errors import AmbiguousCurrency, AmbiguousDates, ImportRefused
from .evidence import FooterWatch, NumberEvidence, decide_marks, fraction_fields, mixed_share_fields, subtotal_text
from .plan import SEVERAL_SEPARATORS, Options, Outcome, Planned, Planner, cell_text
from .readers import RawSheet, open_sheet
from . import shape
from .damaged_text import DamagedText
from .float_exports import FloatExports, code_fields, id_fields, postal_whole
from .invisible_cells import CellCleaner, without_reordering
from . import split_fields, struck_rows, transaction_types
from .table import (HEADER_WINDOW, MergeFiller, Table, build_table, column_letter, data_rows, find_header,
                    header_text, is_blank_cell, two_row_header, units_row, with_extra_columns)

CHUNK_ROWS = 5_000
MAX_OUTCOMES = 100_000          # per-row outcomes kept in the result (the report has all)
DATE_SAMPLE_MAX = 50_000        # distinct text values looked at per date column and chunk
ON_DUPLICATE = ("skip", "update", "create")
UPDATE_MODES = ("fill", "overwrite")
DATE_ORDERS = ("DMY", "MDY", "YMD")
YEAR_SPREAD = 20                # distinct first parts that show a two-digit-year column is not YMD

Progress = Callable[[int, int, str], None]


@dataclass
class ImportResult:
    file: str
    kind: str
    sheet: str | None
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    blank_rows: int = 0
    footer_rows: int = 0
    # rows of another table below the one read (shape.StackedTables), and repeated header rows: not read
    other_table_rows: int = 0
    # a payment bill's transactions closed before they were paid (transaction_types): no sale, skipped
    closed_rows: int = 0
    # rows struck through (every filled cell), left out with --struck skip (struck_rows)
    struck_rows: int = 0
    warnings: int = 0               # rows imported without an unreadable optional field
    batch: str | None = None
    dry_run: bool = False
    header_row: int | None = None
    # Non-blank rows above the header row (titles, notes): not read, but counted, so a
    # data row taken for a title would show here.
    above_header: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    mapping: list[dict] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    date_orders: dict[str, str] = field(default_factory=dict)
    # What the importer decided about the file and on what evidence: one
    # {"what", "decided", "evidence"} per inference (encoding, sheet, decimal marks, ...).
    inferences: list[dict] = field(default_factory=list)
    customers_created: int = 0
    customers_linked: int = 0
    # The names of the first customers created (at most plan.NEW_NAMES_KEPT), as the
    # customer records got them: the summaries name who was added.
    customers_created_names: list[str] = field(default_factory=list)
    # Other visible sheets of the workbook holding values, not read (no --sheet given).
    unread_sheets: list[str] = field(default_factory=list)
    report: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    outcomes_truncated: bool = False
    # A few values of each column, in mapping order, for the Import sheet only: they are
    # the file's own (personal) data, so as_dict / --format json leave them out.
    samples: list[list[str]] = field(default_factory=list, repr=False)
    # Ambiguous symbols read by guess, e.g. {"$ = USD": 12} (no other dollar named
    # in the file or by --currency), for the summary to say so.
    currency_assumed: dict[str, int] = field(default_factory=dict)
    currency_defaulted: dict[str, int] = field(default_factory=dict)   # store currency -> rows

    def currency_notes(self) -> list[str]:
        """One sentence per ambiguous symbol read by guess, for the summaries."""
        notes = [f"Assumed {reading} in {n:,} row(s): the file names no other such currency "
                 "(write the code, e.g. CAD 12.00, or give a currency for the import, to say otherwise)."
                 for reading, n in self.currency_assumed.items()]
        notes += [f"{n:,} row(s) gave no currency: their amounts were taken as {code}, the store's currency "
                  "(give --currency CODE, or a Currency column, to say otherwise)."
                  for code, n in self.currency_defaulted.items()]
        return notes

    def sheet_notes(self) -> list[str]:
        """One sentence naming the workbook's other sheets with values that this import did
        not read, and the option that imports each; [] when there are none."""
        if not self.unread_sheets:
            return []
        shown = ", ".join(f"'{n}'" for n in self.unread_sheets)
        first = self.unread_sheets[0]
        quoted = f'"{first}"' if any(c.isspace() for c in first) else first
        return [f"Only sheet '{self.sheet}' was read. Not read: {shown}; import each on its own "
                f"with --sheet (e.g. --sheet {quoted})."]

    def customers_created_text(self) -> str:
        """'2 (K999, Zhang Wei)': how many customers rows of another kind created, and the
        first names; '25 (A, …, J and 15 more)' beyond those kept; '0' for none."""
        n = self.customers_created
        if not n:
            return "0"
        names = ", ".join(self.customers_created_names)
        more = n - len(self.customers_created_names)
        if more > 0:
            names = f"{names} and {more:,} more" if names else f"{more:,} not named"
        return f"{n:,} ({names})"

    @property
    def accounted(self) -> bool:
        return self.created + self.updated + self.duplicates + self.rejected == self.rows

    def as_dict(self, *, outcomes: bool = False) -> dict:
        d = {
            "file": self.file, "kind": self.kind, "sheet": self.sheet, "rows": self.rows,
            "created": self.created, "updated": self.updated, "duplicates": self.duplicates,
            "rejected": self.rejected, "blank_rows": self.blank_rows, "footer_rows": self.footer_rows,
            "other_table_rows": self.other_table_rows, "closed_rows": self.closed_rows,
            "struck_rows": self.struck_rows, "warnings": self.warnings,
            "batch": self.batch,
            "dry_run": self.dry_run, "header_row": self.header_row, "above_header": self.above_header, "encoding": self.encoding,
            "mapping": self.mapping, "unmapped": self.unmapped, "ignored": self.ignored,
            "date_orders": self.date_orders, "inferences": self.inferences, "report": self.report,
            "currency_assumed": self.currency_assumed, "currency_defaulted": self.currency_defaulted,
            "unread_sheets": list(self.unread_sheets),
        }
        if self.kind != "customer":
            d["customers_created"] = self.customers_created
            d["customers_created_names"] = list(self.customers_created_names)
            d["customers_linked"] = self.customers_linked
        if outcomes:
            d["outcomes"] = [o.as_dict() for o in self.outcomes]
            d["outcomes_truncated"] = self.outcomes_truncated
        else:
            d["problems"] = [o.as_dict() for o in self.outcomes
                             if o.action in ("rejected", "duplicate") or o.warnings][:50]
        return d


# ----- pass 1: look --------------------------------------------------------------------

@dataclass
class Scan:
    table: Table
    mapping: mp.Mapping
    rows: int
    blank_rows: int
    date_orders: dict[str, str]
    filler_merged: list
    samples: list[list[str]] = field(default_factory=list)   # per table column
    inferences: list[dict] = field(default_factory=list)
    decimal_marks: dict[str, str] = field(default_factory=dict)
    # lines above the header stating the amounts' unit ("单位：万元", "(USD in thousands)"): amount_units
    units_above: list = field(default_factory=list)
    # money cells whose number format shows " Cr" (a credit mark or India's crore): format_marks
    format_marks: "format_marks.FormatMarks | None" = None
    fraction_fields: frozenset[str] = frozenset()   # percent-points fields written as fractions of 1
    # the Discount column and the forms of its values (importer.discount_reading)
    discount: tuple[str, object] | None = None
    mixed_shares: frozenset[str] = frozenset()      # ... written both ways: values up to 1 left empty
    footer_rows: list[int] = field(default_factory=list)
    other_rows: set[int] = field(default_factory=set)    # another table's rows, repeated headers
    closed_rows: list[int] = field(default_factory=list)  # transactions closed before payment: no sale
    struck_rows: list[int] = field(default_factory=list)  # struck through, left out with --struck skip
    currencies: tuple[str, ...] = ()        # named plainly somewhere in the file
    calendars: dict[str, str] = field(default_factory=dict)   # date field -> calendar of its years
    compact_dates: dict[str, str] = field(default_factory=dict)   # date field -> order of "240305" (compact_dates)
    swapped_cells: frozenset[str] = frozenset()   # date fields whose date cells are read day for month (--date-cells swap)
    unix_dates: dict[str, str] = field(default_factory=dict)      # date field -> "s" | "ms" (unix_times)
    named: _CurrencyEvidence | None = None  # those and the bare symbols ("$20"): settle_bare_symbols
    refunds: dict = field(default_factory=dict)       # payment row -> amounts of the rows refunding it
    refund_rows: dict = field(default_factory=dict)   # refund row -> the payment row it refunds, or None
    refund_outside: dict = field(default_factory=dict)   # refund row -> (refs, own ids, cell): payment not in the file
    refund_ids: dict = field(default_factory=dict)    # payment row -> own ids of the refund rows folded into it
    refund_other_currency: dict = field(default_factory=dict)   # refund row -> why not subtracted (its currency)
    related_rows: dict = field(default_factory=dict)  # row -> (type, transaction): about another payment, no sale
    not_sale_rows: dict = field(default_factory=dict)  # row -> (type, column): a bill, expense, void (transaction_types)
    repeated_rows: dict = field(default_factory=dict)  # row -> the earlier row it repeats cell for cell (order_numbers)
    # the first row labelled as a total whose amounts are not the rows' sum: row -> label (its rejection says so)
    total_like: dict = field(default_factory=dict)
    shared_numbers: dict = field(default_factory=dict)  # row -> (number, earlier row, its customer): order_numbers
    amount_per: str | None = None           # rows sharing an order number (shop_orders)
    order_folds: dict = field(default_factory=dict)   # first row -> further lines added to it
    merged_once: frozenset[int] = frozenset()         # amount/quantity columns merged down: not filled (merged_rows)
    merged_further: dict = field(default_factory=dict)   # row under a merged order amount -> the order's first row
    merged_folds: dict = field(default_factory=dict)     # that first row -> its further lines
    not_done_rows: dict = field(default_factory=dict)    # interaction row -> (status column, value): did not happen
    # field -> other countries its numbers without a country code read in (phone_evidence)
    foreign_regions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blank_country: dict = field(default_factory=dict)   # Options.blank_country
    # the country the file's numbers without a country code are read in, decided on the
    # whole file where the region was only assumed (phone_evidence.AssumedRegionEvidence.file_region)
    file_region: str | None = None
    plain: PlainAmounts | None = None       # amounts naming no currency beside ones naming one
    values: ValueEvidence | None = None     # stages, statuses, currencies: decided after the mapping check
    fill_down: dict = field(default_factory=dict)   # --fill-down: heading -> sheet column (importer.fill_down)
    # amount columns of a Shift_JIS file, where "\1,200" is "¥1,200" (file_language.yen_signs)
    yen_columns: frozenset[int] = frozenset()
    # amount columns' magnitude suffixes and tax notes ("10k", "1,200円（税込）": importer.amount_notes)
    amount_notes: object = None
    # date columns' dates written without a year, read in --year (importer.yearless_dates)
    yearless: object = None
    # amount columns whose credit/debit marks are read as signs in this ledger (ledger_marks):
    # (file column -> header, --ledger, the column of the marks, the amount columns it marks)
    ledger: tuple[dict[int, str], str, int | None, frozenset[int]] | None = None
    float_wholes: frozenset[str] = frozenset()   # code/id fields whose column writes 2134 as "2134.0"
    # a report grouped by customer (group_headings): (column, {heading row: name}) carried down
    carried: tuple[int, dict[int, str]] | None = None
    # the customer numbers of the file's Customer ID column -> the first name a row gives with it
    file_refs: dict[str, str] = field(default_factory=dict)
    amount_parts: "amount_parts.AmountParts | None" = None   # a total beside a subtotal: decided on its values
    area_prefix: str = ""   # the trunk prefix restored before a phone's area codes typed as numbers (area_codes)
    # the home amount against the foreign amount × an Exchange Rate column (paid_amount.RateCheck)
    rates: "paid_amount.RateCheck | None" = None
    reordered: dict[int, int] = field(default_factory=dict)   # row -> cells that held a bidi control (removed)
    # records printed on two lines (continued_rows): the rows folded into the record above
    continued: "continued_rows.Folds | None" = None


class _CurrencyEvidence:
    """The currencies a file names without doubt: Currency cells and amounts written
    with an unambiguous symbol or code ("C$ 5", "USD 12"); and the amounts of rows
    with no Currency of their own written with a symbol several currencies share
    ("$20", "100 kr"): `bare` maps (symbol, column) to (its codes, examples). A bare
    symbol never takes a currency from another row (settle_bare_symbols)."""

    def __init__(self, ent: Entity, mapping: mp.Mapping, columns: list[int]):
        kinds = {f.key: f.kind for f in ent.fields}
        self.money = [(columns[j], c.header) for j, c in enumerate(mapping.columns)
                      if c.target and kinds.get(c.target) == "money"]
        self.code = [columns[j] for j, c in enumerate(mapping.columns) if c.target == "currency"]
        self.code_headers = {columns[j]: c.header for j, c in enumerate(mapping.columns) if c.target == "currency"}
        self.headers = [c.header for c in mapping.columns]     # their script settles a shared mark (SR, Br)
        self.found: set[str] = set()
        # column heading -> the codes its own cells write ("USD 50" beside "100 Dollars")
        self.found_in: dict[str, set[str]] = {}
        self.bare: dict[tuple[str, str], tuple[tuple[str, ...], list[str]]] = {}
        self.active = "currency" in kinds
        # a row's Country settles its shared symbol ("¥1,200" in Japan): (symbol, column) -> codes
        self.countries = row_currency.country_columns([c.header for c in mapping.columns],
                                                      [c.target for c in mapping.columns], columns)
        self.by_country: dict[tuple[str, str], Counter] = {}
        # "Amount (EUR)": a money column whose heading states its currency (header_currency)
        self.headed = {h: code for _, h in self.money if (code := header_code(h))}
        # "Amount ($)", "Belopp (kr)": a heading stating a sign several currencies share;
        # the column's bare amounts are written in it (plain_amounts)
        self.headed_signs = {h: sign for _, h in self.money if (sign := header_sign(h))}
        self.found.update(self.headed.values())
        # a heading's currency against the row's Currency cell: heading -> rows agreeing, and
        # heading -> (rows naming another currency, examples "USD beside 500")
        self.agree: Counter = Counter()
        self.disagree: dict[str, tuple[int, list[str], Counter]] = {}
        self.given: dict[str, str] = {}         # --value for currency cells ("Rs.=INR")
        # heading -> (unit, scale) of number formats showing a unit ('0.0"万元"') -> cells
        self.format_units: dict[str, Counter] = {}
        # heading -> (cells written with a decimal part, examples): evidence against a
        # heading in cents ("$12.50" under "Amount (cents)": amount_units.decide)
        self.major: dict[str, tuple[int, list[str]]] = {}
        # the language the file is written in ("¥" is JPY in Japanese): file_language
        self.language: file_language.LanguageVerdict = file_language.LanguageVerdict()
        # ... as its encoding, headings and dates alone say (the writer's, not the customers')
        self.origin: file_language.LanguageVerdict = file_language.LanguageVerdict()
        # ... as its headings' words say, for a file headed in Latin letters (heading_language)
        self.latin: file_language.LanguageVerdict | None = None

    def add(self, values: list) -> None:
        n = len(values)
        stated = False
        own: tuple[int, str] | None = None      # (Currency column, the code it names) of this row
        country = row_currency.row_country(values, self.countries) if self.countries else None
        for c in self.code:
            v = values[c] if c < n else None
            if isinstance(v, str) and v.strip():
                stated = True
                if (said := self.given.get(value_key(v))) is not None:
                    self.found.add(said)
                    own = own or (c, said)
                    continue
                try:
                    code = money.check_currency(v)
                except money.CurrencyError as exc:
                    if exc.codes:               # "¥", "Rs." in a Currency column: as an amount's symbol
                        self._shared((v.strip(), exc.codes), self.code_headers[c], v, country)
                    continue
                except ValueError:
                    continue
                if code:
                    self.found.add(code)
                    self.found_in.setdefault(self.code_headers[c], set()).add(code)
                    own = own or (c, code)
        if own is not None and (self.headed or self.headed_signs):
            self._against_heading(values, own)
        for c, header in self.money:
            v = values[c] if c < n else None
            if v is not None and (shown := amount_units.major_unit_example(v)) is not None:
                count, examples = self.major.get(header, (0, []))
                if len(examples) < 3:
                    examples.append(shown)
                self.major[header] = (count + 1, examples)
            if not stated and header in self.headed_signs and not is_blank_cell(v) and plain_text(v):
                self._shared(self.headed_signs[header], header, cell_text(v).strip(), country)
                continue
            if isinstance(v, str) and v.strip() and not (v[0].isdigit() and v[-1].isdigit()):
                if code := money.named_currency(v):
                    self.found.add(code)
                    self.found_in.setdefault(header, set()).add(code)
                elif not stated and (bare := money.bare_symbol(v)):
                    self._shared(bare, header, v, country)
            elif isinstance(v, money.ShownAmount):
                if v.scale is not None:          # '0.0"万元"': the format's unit (amount_units)
                    self.format_units.setdefault(header, Counter())[(v.unit, v.scale)] += 1
                if code := money.named_currency(v):
                    self.found.add(code)
                elif not stated and (bare := money.bare_symbol(v)):
                    self._shared(bare, header, f"{v.token}{cell_text(v)}", country)

    def _against_heading(self, values: list, own: tuple[int, str]) -> None:
        """A row's Currency against the currency its amount column's heading names ("Amount
        (yen)", "Total ¥"): counted as agreeing, or kept with an example as naming another."""
        n = len(values)
        for c, header in self.money:
            v = values[c] if c < n else None
            if is_blank_cell(v):
                continue
            if header in self.headed:
                agrees, said = own[1] == self.headed[header], self.headed[header]
            elif header in self.headed_signs:
                agrees, said = own[1] in self.headed_signs[header][1], self.headed_signs[header][0]
            else:
                continue
            if agrees:
                self.agree[header] += 1
                continue
            count, examples, codes = self.disagree.get(header, (0, [], Counter()))
            if len(examples) < 3:
                examples.append(f"'{self.code_headers[own[0]]}' {own[1]} beside {cell_text(v).strip()[:20]}")
            codes[own[1]] += 1
            self.disagree[header] = (count + 1, examples, codes)

    def country_code(self, header: str, value: object, values: list) -> str | None:
        """The currency the row's country settles an amount's shared symbol to (JPY for
        "¥1,200" in Japan), else None (also for a row whose Currency cell says one)."""
        if not any(h == header for _, h in self.money) or not isinstance(value, (str, money.ShownAmount)):
            return None
        n = len(values)
        if any(isinstance(v := values[c] if c < n else None, str) and v.strip() for c in self.code):
            return None
        shared = row_currency.shared_symbol(value)
        if shared is None:
            return None
        return row_currency.by_country(shared[1], row_currency.row_country(values, self.countries))

    def _shared(self, bare: tuple[str, tuple[str, ...]], header: str, shown: str, country: str | None) -> None:
        """A shared symbol: settled by the row's country when it uses one of its
        currencies (row_currency.by_country), else left to settle_bare_symbols."""
        code = self.headed.get(header)
        if code is not None and code in bare[1]:
            return                              # "¥1,200" under "Amount (JPY)"
        if (code := row_currency.by_country(bare[1], country)) is not None:
            self.found.add(code)
            self.by_country.setdefault((bare[0], header), Counter())[code] += 1
            return
        self._bare(bare, header, shown)

    def _bare(self, bare: tuple[str, tuple[str, ...]], header: str, shown: str) -> None:
        symbol, codes = bare
        _, examples = self.bare.setdefault((symbol, header), (codes, []))
        if len(examples) < 3 and shown.strip() not in examples:
            examples.append(shown.strip())


def _named_currencies(named: _CurrencyEvidence | None) -> dict[str, tuple[str, ...]]:
    """The currencies the file's cells name (a Currency cell, "USD 12.50", "$12.50"), each
    with the codes it may be ("$": AUD, CAD, … USD …): evidence against a unit line or a
    minor unit naming another (amount_units.decide). Headings' own are left out."""
    if named is None:
        return {}
    out = {code: (code,) for code in named.found - set(named.headed.values())}
    for (symbol, _header), (codes, _examples) in named.bare.items():
        out[symbol] = tuple(codes)
    for (symbol, _header), counts in named.by_country.items():
        out.update({code: (code,) for code in counts})
    return out


def _column_agrees(named: "_CurrencyEvidence", header: str) -> str:
    """The summary's words on the Currency column beside a heading naming a currency."""
    column = ", ".join(f"'{h}'" for h in named.code_headers.values())
    if header in named.disagree:
        count, _examples, codes = named.disagree[header]
        return (f"; {column} names another currency on {count} row(s) ("
                + ", ".join(f"{k}: {n}" for k, n in codes.most_common(3))
                + f"): those rows are in the currency {column} names (--map \"{next(iter(named.code_headers.values()))}"
                  "=Currency\")")
    if named.agree.get(header):
        return f"; {column} names the same currency on all {named.agree[header]} row(s) that name one"
    return ""


def _refuse_heading_against_column(scan: "Scan", name: str) -> list[dict]:
    """An amount heading naming a currency ("Amount (yen)", "Total ¥") beside a Currency
    column naming another on some rows: two statements about one amount. Stops before
    writing, naming both columns, the rows and the options, unless the Currency column is
    mapped by --map (each row's Currency is then its amounts')."""
    named = scan.named
    if named is None or not (named.disagree or named.agree):
        return []
    currency_columns = [c for c in scan.mapping.columns if c.target == "currency"]
    out: list[dict] = []
    for header, count in named.agree.items():
        if header in named.headed_signs and header not in named.headed and header not in named.disagree:
            # "Total ¥" beside a Currency naming JPY on every row: the sign is that currency
            codes = sorted({code for code in named.found if code in named.headed_signs[header][1]})
            out.append({"what": f"currency of '{header}'", "decided": ", ".join(codes),
                        "evidence": f"the heading writes '{named.headed_signs[header][0]}', and "
                                    + ", ".join(f"'{c.header}'" for c in currency_columns)
                                    + f" names {' or '.join(codes)} on all {count} row(s) that name one"})
    for header, (count, examples, codes) in named.disagree.items():
        said = named.headed.get(header) or named.headed_signs[header][0]
        if any(c.how == "override" for c in currency_columns):
            if header in named.headed_signs and header not in named.headed:
                out.append({"what": f"currency of '{header}'",
                            "decided": f"'{said}' for rows without a Currency of their own; {count} row(s) in the "
                                       "currency "
                                       + ", ".join(f"'{c.header}'" for c in currency_columns) + " names ("
                                       + ", ".join(f"{k}: {n}" for k, n in codes.most_common(3)) + ")",
                            "evidence": "--map says the Currency column gives each row's currency"})
            continue
        column = currency_columns[0].header if currency_columns else "Currency"
        raise ImportRefused(
            f"{name}: column '{header}' names {said} in its heading, but '{column}' names another currency on "
            f"{count} of its rows ({'; '.join(examples)}). Nothing was imported. Give --map \"{column}=-\" if every "
            f"amount of '{header}' is in {said} (the heading; '{column}' is left out), or --map "
            f"\"{column}=Currency\" if each row's amounts are in the currency '{column}' names.")
    return out


def settle_bare_symbols(named: _CurrencyEvidence, given: str | None,
                        store: str | None, said: dict[str, str] | None = None) -> tuple[tuple[str, ...], list[dict]]:
    """(codes that settle the file's bare symbols, for money.read_money's `prefer`;
    inferences for the summary) on this evidence, in order: `given` (--currency) when
    the symbol may stand for it; the store's currency when the symbol may stand for it
    and the file names no other currency the symbol may stand for; the house reading
    (read_money: "$" is USD, said to be assumed) when the file names none. Raises
    AmbiguousCurrency naming the columns, examples and --currency otherwise: a "$" in a
    file that also writes "C$" or "AUD" may be either; "kr" is DKK, NOK or SEK.

    A symbol the file's language tells apart ("¥": JPY in Japanese, CNY in simplified
    Chinese; file_language) is settled by it after --currency and before the store's
    currency; where that evidence is mixed it stops, and where there is none only the
    store's currency settles it (no house reading). `said`: --value items for the currency
    ({value_key(symbol): code}, "lei=RON"): a symbol they name is that currency, in the
    amounts as in a Currency column, first of all."""
    prefer: set[str] = set()
    inferences: list[dict] = []
    stops: list[tuple[str, str, list[str], tuple[str, ...], list[str]]] = []
    for header, code in named.headed.items():
        inferences.append({"what": f"currency of '{header}'", "decided": code,
                           "evidence": "the column's heading (or the units row under it) names it; amounts there that name no currency "
                                       "of their own, in rows without a Currency, are in it"
                                       + _column_agrees(named, header)})
    for (symbol, header), counts in named.by_country.items():
        inferences.append({"what": f"currency of '{symbol}' in '{header}'",
                           "decided": ", ".join(f"{code} ({n} row(s))" for code, n in counts.most_common()),
                           "evidence": "the row's country, where that one of the currencies "
                                       f"'{symbol}' is used for is legal tender (CLDR)"})
    language_note = ""
    for (symbol, header), (codes, examples) in named.bare.items():
        if said and (code := said.get(value_key(symbol))):
            if code not in codes and code not in money.written_alike(symbol):
                raise ImportRefused(
                    f"--value \"{symbol}={code}\": '{symbol}' in column '{header}' is written for "
                    f"{', '.join(codes)}, not {code}. Nothing was imported. Give one of those, or --currency CODE.")
            prefer.add(code)
            inferences.append({"what": f"currency of '{symbol}' in '{header}'", "decided": code,
                               "evidence": f"--value \"{symbol}={code}\""})
            continue
        if given and (given in codes or given in money.written_alike(symbol)):
            continue                          # --currency: the plan's prefer has it
        others = sorted(named.found & (set(codes) | money.written_alike(symbol)))
        by_language = file_language.settles(codes)
        # "元" (money._UNIT_WORDS) is written alike for CNY, TWD, HKD and MOP: the store's
        # currency, when it is one of them and the file's language does not point elsewhere
        # (a traditional-Chinese file in a CNY store), settles it before the language does
        unit_store = money.is_unit_word(symbol) and bool(store) and store in codes
        if unit_store and set(others) <= {store} and store in (named.language.candidates(codes) or codes):
            prefer.add(store)
            inferences.append({"what": f"currency of '{symbol}' in '{header}'", "decided": store,
                               "evidence": f"the store's currency, one of the currencies '{symbol}' is the unit of "
                                           f"({', '.join(codes)})" + (f"; the file is written in "
                                                                      f"{named.language.describe()}"
                                                                      if named.language.candidates(codes) else "")
                                           + " (--currency CODE says otherwise)"})
            continue
        if by_language and not unit_store and (code := named.language.currency_for(codes)) \
                and set(others) <= {code}:
            prefer.add(code)
            inferences.append({"what": f"currency of '{symbol}' in '{header}'", "decided": code,
                               "evidence": f"the file is written in {named.language.describe()} "
                                           "(--currency CODE says otherwise)"})
            continue
        column_codes = named.found_in.get(header, set()) & set(codes)
        if money.is_currency_noun(symbol) and len(column_codes) == 1 and set(others) <= column_codes:
            # "100 Dollars" in a column whose other cells write "USD 50": the one code the
            # column names that the word may stand for
            code = next(iter(column_codes))
            prefer.add(code)
            inferences.append({"what": f"currency of '{symbol}' in '{header}'", "decided": code,
                               "evidence": f"the column's other cells write {code}, the one currency '{symbol}' "
                                           "is used for that the column names (--currency CODE says otherwise)"})
            continue
        if by_language and named.language.mixed:
            language_note = ("; the file's language does not say which: "
                             + "; ".join(named.language.evidence))
            stops.append((header, symbol, examples, tuple(codes), others))
            continue
        spoken = named.language.candidates(codes) if by_language else frozenset()
        if spoken and store not in spoken and set(others) <= spoken:
            # "1,200元" under traditional-Chinese headings in a CNY store: the file's language
            # says Taiwan, Hong Kong or Macau, the store says mainland China; neither is taken
            language_note = (f"; the file is written in {named.language.describe()}, whose countries use "
                             f"{', '.join(sorted(spoken))}" + (f", not the store's {store}" if store else ""))
            stops.append((header, symbol, examples, tuple(sorted(spoken)) + tuple(sorted(set(codes) - spoken)),
                          others))
            continue
        if store and store in codes and set(others) <= {store}:
            prefer.add(store)
            inferences.append({"what": f"currency of '{symbol}' in '{header}'", "decided": store,
                               "evidence": "the store's currency; the file names no other currency "
                                           f"'{symbol}' is used for (--currency CODE says otherwise)"})
        elif (scripted := _settled_by_script(named, codes, others)) is not None:
            prefer.add(scripted[0])
            inferences.append({"what": f"currency of '{symbol}' in '{header}'", "decided": scripted[0],
                               "evidence": scripted[1]})
        elif others or _no_default(symbol) or by_language:
            house = () if _no_default(symbol) else (money.currency_of_token(symbol)[0],)
            stops.append((header, symbol, examples, (*house, *(c for c in codes if c not in house)), others))
            if by_language and not others and not language_note:
                language_note = ("; nothing in the file says which: no row names its country, and neither its "
                                 "text, its encoding nor its dates say it is written in "
                                 + file_language.home_languages(codes))
    if stops:
        raise AmbiguousCurrency(stops, frozenset(named.code_headers.values()), bool(named.countries),
                                note=language_note)
    return tuple(sorted(prefer)), inferences


def _settled_by_script(named: _CurrencyEvidence, codes, others) -> tuple[str, str] | None:
    """(code, the summary's evidence) when the file's headings are written in a script
    (file_language.MARK_SCRIPTS: Arabic, Cyrillic) in whose countries exactly one of a
    shared mark's currencies is legal tender ("SR": SAR, not the Seychelles' SCR, under
    Arabic headings; "Br": BYN, not ETB, under Cyrillic ones), and the file names no other
    of them; else None."""
    found = file_language.heading_script(getattr(named, "headers", ()))
    if found is None:
        return None
    script, examples = found
    hits = file_language.script_currencies(script) & set(codes)
    if len(hits) != 1 or not set(others) <= hits:
        return None
    code = next(iter(hits))
    return code, (f"the file's headings are written in {file_language.MARK_SCRIPTS[script]} (e.g. "
                  + ", ".join(f"'{e}'" for e in examples) + f"), where {code} is the one of "
                  f"{', '.join(sorted(codes))} in use (--currency CODE says otherwise)")


def _writers_language(named: _CurrencyEvidence | None) -> file_language.LanguageVerdict | None:
    """The file's language when the writer's own evidence (encoding, headings, dates'
    calendars) says it and the whole file agrees: evidence for its bare amounts'
    currency (plain_amounts). Customers' names in another script alone are not."""
    if named is None:
        return None
    if named.origin.language is None and not named.origin.mixed and named.language.language is None \
            and not named.language.mixed:
        return named.latin          # headings in German, French, Polish … (heading_language)
    if named.origin.language is None or named.origin.language != named.language.language:
        return None
    return named.language


def _no_default(symbol: str) -> bool:
    """Whether read_money has no reading of its own for `symbol` ("kr")."""
    try:
        money.currency_of_token(symbol)
    except money.CurrencyError:
        return True
    return False


_OUR_ID = re.compile(r"[A-Z]{1,2}-\d{6}")     # schema.format_id: an id our exports write


class _RowNumbers:
    """Whether a column headed like a row counter ("No.", "#", "id") holds the row
    numbers: whole numbers going up by one from 0 or 1 with the data rows, or each its
    row's spreadsheet number (blank cells aside). Anything else is data (1001, ch_3Mx).
    A value that breaks the run on a footer row ("Total") does not count."""

    def __init__(self) -> None:
        self.k = 0
        self.offsets: dict[str, int | None] = {"count": None, "row": None}
        self.broken: dict[str, int] = {}        # "count"/"row" -> the row that broke the run
        self.firsts: list[str] = []
        self.ours = True                        # every value one of our record ids (O-000012)

    def add(self, number: int, value: object) -> None:
        k, self.k = self.k, self.k + 1
        if is_blank_cell(value):
            return
        text = str(value).strip()
        if self.ours and not _OUR_ID.fullmatch(text):
            self.ours = False
        if len(self.broken) == 2:
            return
        if len(self.firsts) < 3:
            self.firsts.append(cell_text(value).strip())
        if isinstance(value, float) and value.is_integer():
            whole: int | None = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            whole = value
        else:
            whole = int(text) if text.isdigit() else None
        for how, offset in (("count", None if whole is None else whole - k),
                            ("row", None if whole is None else whole - number)):
            if how in self.broken:
                continue
            if offset is None or (self.offsets[how] is not None and offset != self.offsets[how]):
                self.broken[how] = number
            else:
                self.offsets[how] = offset

    def are_row_numbers(self, footer_rows: set[int]) -> bool:
        def kept(how: str) -> bool:
            return self.broken.get(how) is None or self.broken[how] in footer_rows
        return (kept("count") and self.offsets["count"] in (0, 1)) or (kept("row") and self.offsets["row"] == 0)


BUDDHIST = "Thai Buddhist era"          # the calendar words of a date naming it ("พ.ศ. 2567")


@functools.lru_cache(maxsize=4096)
def _year_keys(text: str) -> tuple[tuple[str, int], ...]:
    """The years a date text writes in fewer than four digits, by where: ("last", 67) for
    "05/03/67", ("first", 95) for "95/12/31", ("roc", 113) for "113/03/05"."""
    if not text or text[:4].isdigit() or not text[:1].isdigit() and not nz.short_year_last(text):
        return ()                     # (four digits first: ISO "2024-03-05", a four-digit year)
    if nz.roc_year_first(text):
        return (("roc", int(text[:3])),)
    keys = []
    if nz.SHORT_YEAR_FIRST.match(text):
        keys.append(("first", int(text[:2])))
    if last := nz.short_year_last(text):
        keys.append(("last", last[0]))
    return tuple(keys)


FAR_YEARS = 20      # a date read in an inferred calendar this many years from the column's others is doubted


def _far_years(ev: "_DateEvidence", kinds: tuple[str, ...], reading) -> list[tuple[int, int, int, list[int]]]:
    """The two-digit years of `kinds` that, read by `reading` (year -> CE year), land more than
    FAR_YEARS from the middle (median) of the column's years so read: [(year, CE year, middle,
    rows)]."""
    # the middle of the years only the calendar writes (Minguo's three-digit ones) when the column
    # has them, else of every year so read
    sure = [kind for kind in kinds if kind == "roc" and any(key[0] == kind for key in ev.year_counts)]
    read = sorted((reading(kind, y), k) for (kind, y), k in ev.year_counts.items() if kind in (sure or kinds))
    total = sum(k for _y, k in read)
    if total < 2:
        return []
    seen, middle = 0, read[0][0]
    for year, k in read:
        seen += k
        if seen * 2 >= total:
            middle = year
            break
    return [(y, reading(kind, y), middle, ev.year_rows.get((kind, y), []))
            for (kind, y) in sorted(ev.year_counts) if kind in kinds and kind != "roc"
            and abs(reading(kind, y) - middle) > FAR_YEARS]


def _far_words(far: list[tuple[int, int, int, list[int]]], ev: "_DateEvidence", kind: str) -> str:
    return "; ".join(
        f"'{_value_of(ev, kind, y)}' (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}"
        f"{' …' if ev.year_counts[(kind, y)] > len(rows) else ''}) would be {ce}, {abs(ce - middle)} years from "
        f"the column's other dates (around {middle})" for y, ce, middle, rows in far[:3])


def _value_of(ev: "_DateEvidence", kind: str, year: int) -> str:
    if kind == "last":
        return ev.short_last.get(year) or ev.short_last_named.get(year) or f"..{year:02d}"
    return ev.short_first_by_year.get(year) or f"{year:02d}/.."


class _DateEvidence:
    """Streams a date column's text values through date_order_candidates, chunk by
    chunk, keeping the orders that fit every value so far."""

    def __init__(self, column: str, serial_offset: int = 0):
        self.column = column
        self.digits = compact_dates.DigitEvidence(column, serial_offset)   # "240305", 45352: digits alone
        self.short_years = compact_dates.ShortYears()   # "24.03.05": what each order makes of two-digit years
        self.unix = unix_times.UnixEvidence(column)     # "1709600000": Unix seconds (or milliseconds)
        self.calendar: str | None = None    # --calendar, for the years' readings
        self.thai = ""                      # what points the file to Thailand (calendar_evidence)
        # distinct texts in the order first seen (a dict: examples and the first value
        # quoted are the file's first, not a hash order's)
        self.values: dict[str, None] = {}
        self.candidates: frozenset[str] | None = None
        self.ambiguous: list[str] = []
        self.conflict: str | None = None
        self.firsts: set[str] = set()      # first parts of "a/b/yy" values (years under YMD)
        self.lasts: set[str] = set()       # last parts (years under DMY and MDY)
        self.spread: str | None = None
        self.by_rule = False               # decided by how parts vary or by dots, not by the values alone
        self.serials = 0                   # cells that are Excel day numbers, not dates
        self.serial_example: object = None
        self.separators: set[str] = set()  # what stands between the parts of "a/b/y" values
        self.dotted_example: str | None = None
        self.era: list[str] = []           # values with a year of 2400–2700 (Buddhist era?), a few
        self.era_count = 0
        self.common: list[str] = []        # values with another four-digit year
        self.common_count = 0
        self.roc: list[str] = []           # values with a three-digit (Minguo) year first, a few
        self.lunar: list[str] = []         # values with a year of 1300–1500 (Hijri or Persian?), a few
        self.lunar_count = 0
        self.roc_count = 0
        self.short_first: list[str] = []   # "95/12/31": a two-digit first part (a year under YMD), a few
        self.short_first_count = 0
        self.short_year_word = 0           # of them written "95年12月31日"
        self.short_first_high: tuple[int, str] | None = None   # (highest such two-digit year, its value)
        self.short_first_by_year: dict[int, str] = {}
        # "05/03/67", "5 มี.ค. 67": a two-digit year last ({year: a value}); by month name apart
        self.short_last: dict[int, str] = {}
        self.short_last_named: dict[int, str] = {}
        self.short_last_count = 0
        self.reiwa_count = 0               # values naming the Reiwa era ("令和6年3月5日", "R06/03/05")
        self.named_eras: dict[str, list[str]] = {}   # calendar words -> a few values naming their era
        self.named_count: dict[str, int] = {}
        self.shapes: set[tuple[str, int]] = set()   # (separator, digits of the year) of "a/b/y" values
        self.decisive: str | None = None   # a value only one order reads as a date
        self.refusal: str | None = None    # why no order is plausible ("23.11.28" would be 2028-11-23)
        # Real date cells whose day could be a month (2024-05-04: Excel with month-first
        # settings made "05/04/2024" 4 May), and a few of them; beside text dates only a
        # day-first order reads ("25/03/2024", which that Excel left as text), the sign of
        # a day-first file opened in a month-first Excel (day_first_cells).
        self.cells_swappable = 0
        self.cell_examples: list[str] = []
        self.day_first_text: list[str] = []   # a few text dates whose first part is a day over 12
        # the zone the heading names ("Created (UTC)"), and a few times written with another offset
        self.zone = heading_tz(column)
        self.other_offsets: list[str] = []
        self.other_offset_count = 0
        # (kind of year, year) -> values, and their first rows: "last" two-digit years ("05/03/67"),
        # "first" ("95/12/31"), "roc" three-digit ones ("113/03/05"); for outliers (_far_years)
        self.year_counts: Counter = Counter()
        # dates written with their weekday whose day and month read two ways: how many, the
        # orders every weekday fits, and per order the values whose weekday it contradicts
        self.weekday_count = 0
        self.weekday_fit: frozenset[str] | None = None
        self.weekday_against: Counter = Counter()
        self.weekday_examples: dict[str, list[str]] = {}
        self.year_rows: dict[tuple[str, int], list[int]] = {}
        # dates written without a time of day, and a few of them (dates_alone_stop)
        self.alone = 0
        self.alone_examples: list[str] = []

    def add(self, value: object, number: int | None = None) -> None:
        if (isinstance(value, str) and value.strip() and not value.strip().isdigit()
                and any(c.isdigit() for c in value)      # "yesterday-ish" is no date (rejected as such)
                and not _HAS_TIME.search(value)) or (isinstance(value, _dt.date)
                                                     and not isinstance(value, _dt.datetime)):
            self.alone += 1
            shown = value.strip() if isinstance(value, str) else value.isoformat()
            if len(self.alone_examples) < 3 and shown not in self.alone_examples:
                self.alone_examples.append(shown[:40])
        if number is not None and isinstance(value, str):
            for key in _year_keys(value.strip()):
                self.year_counts[key] += 1
                if len(rows := self.year_rows.setdefault(key, [])) < 3:
                    rows.append(number)
        if nz.roc_compact(value) is not None:
            # "1130307" (yyyMMdd): Taiwan's compact Minguo date, never an Excel day of ours
            self.roc_count += 1
            if len(self.roc) < 3:
                self.roc.append(str(value).strip())
            return
        if isinstance(value, str) and value.strip():
            text = value.strip()
            self.unix.add(text)
            self.digits.add(text)
            if len(self.day_first_text) < 3 and (m := nz.DAY_MONTH.match(text)) and int(m["a"]) > 12 \
                    and int(m["b"]) <= 12 and text not in self.day_first_text:
                self.day_first_text.append(text)
            if nz.is_day_number_text(text):
                self._serial(text)
            self.values[text] = None
            if len(self.values) >= DATE_SAMPLE_MAX:
                self.flush()
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            self.unix.add(value)
            self.digits.add(value)
            self._serial(value)          # a number in a date column: read as Excel's day count
        elif isinstance(value, _dt.date):
            self.unix.add(value)
            # a date cell typed with a Buddhist-era year (2569) holds that year, not 2026
            if 2400 <= value.year <= 2700:
                self.era_count += 1
                if len(self.era) < 3:
                    self.era.append(value.strftime("%Y-%m-%d"))
            else:
                self.common_count += 1
                if len(self.common) < 3:
                    self.common.append(value.strftime("%Y-%m-%d"))
                if value.day <= 12 and value.day != value.month:
                    self.cells_swappable += 1
                    if len(self.cell_examples) < 3:
                        self.cell_examples.append(value.strftime("%Y-%m-%d"))

    def _serial(self, value: object) -> None:
        self.serials += 1
        if self.serial_example is None:
            self.serial_example = value

    def serial_inference(self) -> dict | None:
        """The summary's line for a column whose cells are Excel day numbers (45352 is
        2024-03-01 in Excel's 1900 date system), or None."""
        if not self.serials:
            return None
        example = self.serial_example
        try:
            shown = f" = {nz.parse_date(example).isoformat()}"
        except ValueError:
            shown = ""
        text = f"{example:g}" if isinstance(example, float) else str(example)
        return {"what": f"Excel day numbers in '{self.column}'",
                "decided": "read as dates (Excel's day count from 1900)",
                "evidence": f"{self.serials} cell(s) such as '{text}'{shown}"}

    def flush(self) -> None:
        if not self.values:
            return
        values, self.values = self.values, {}
        for v in values:
            era, common = nz.era_years(v)
            if nz.buddhist_marked(v):
                era = False                # names its era: read as it says
                self.named_count[BUDDHIST] = self.named_count.get(BUDDHIST, 0) + 1
                if len(found := self.named_eras.setdefault(BUDDHIST, [])) < 3:
                    found.append(v)
            elif era:
                self.era_count += 1
                if len(self.era) < 3:
                    self.era.append(v)
            if common and not nz.ce_marked(v):      # "ค.ศ. 2024" names its era: no evidence against another
                self.common_count += 1
                if len(self.common) < 3:
                    self.common.append(v)
            if short := nz.SHORT_YEAR_FIRST.match(v):
                # "95/12/31": a year first under YMD, "95年12月31日" in any order; in a
                # Taiwanese file a Minguo year (95 = 2006) as well as 1995
                self.short_first_count += 1
                self.short_year_word += "年" in short["sep"]
                year = int(v.strip()[:2])
                if self.short_first_high is None or year > self.short_first_high[0]:
                    self.short_first_high = (year, v)
                if len(self.short_first) < 3:
                    self.short_first.append(v)
                self.short_first_by_year.setdefault(year, v)
            # (a weekday's name in several languages, "Sa" in German and Turkish, may say nothing)
            if (not v.isascii() or "(" in v or v[:1].isalpha()) and (wd := nz.weekday_orders(v)) \
                    and wd[0] != wd[1]:
                fit, readable = wd
                self.weekday_count += 1
                self.weekday_fit = fit if self.weekday_fit is None else self.weekday_fit & fit
                for o in readable - fit:
                    self.weekday_against[o] += 1
                    if len(got := self.weekday_examples.setdefault(o, [])) < 3:
                        got.append(v)
            if self.zone is not None and ":" in v and (own := nz.written_offset(v)) is not None \
                    and own != self.zone[2].utcoffset(None):
                self.other_offset_count += 1
                if len(self.other_offsets) < 3:
                    self.other_offsets.append(v)
            if last := nz.short_year_last(v):
                self.short_last_count += 1
                kept = self.short_last_named if last[1] else self.short_last
                if len(kept) < 100:
                    kept.setdefault(last[0], v)
            if nz.lunar_solar_parts(v) is not None:
                self.lunar_count += 1
                if len(self.lunar) < 3:
                    self.lunar.append(v)
            if nz.roc_year_first(v):
                self.roc_count += 1
                if len(self.roc) < 3:
                    self.roc.append(v)
            elif not v[:1].isdigit():
                try:
                    named = nz.era_date(v)
                except ValueError:
                    named = None
                if named is not None:
                    self.named_count[named[1]] = self.named_count.get(named[1], 0) + 1
                    self.reiwa_count += named[0] >= nz.REIWA_FIRST_DAY and named[1] == "Japanese era"
                    if len(found := self.named_eras.setdefault(named[1], [])) < 3:
                        found.append(v)
        if self.conflict:
            return
        try:
            found = nz.date_order_candidates(values)
        except ValueError as exc:
            self.conflict = str(exc)
            return
        if found is None:
            return
        if len(self.shapes) < 3:
            for v in values:
                if m := nz.DAY_MONTH.match(_SPACED_DOTS.sub(".", v)):
                    self.shapes.add((m["s"], len(m["y"])))
                    if len(self.shapes) >= 3:
                        break
        if self.separators <= {"."}:
            for v in values:
                # "5. 3. 2026": Czech, Slovak, German and Hungarian write a space after each dot
                m = nz.DAY_MONTH.match(_SPACED_DOTS.sub(".", v))
                if m:
                    self.separators.add(m["s"])
                    if m["s"] != ".":
                        break
                    self.dotted_example = self.dotted_example or v
        if len(found if self.candidates is None else self.candidates & found) > 1:
            for v in values:            # orders left to tell apart: what each makes of the values
                self.short_years.add(v)
        if "YMD" in found and len(self.firsts) < 100:
            for v in values:
                m = nz.DAY_MONTH.match(v)
                if m and len(m["y"]) == 2:
                    self.firsts.add(m["a"].zfill(2))
                    self.lasts.add(m["y"])
        self.candidates = found if self.candidates is None else self.candidates & found
        if self.decisive is None and len(self.candidates) == 1:
            self.decisive = min((v for v in values if nz.date_fits(v) == self.candidates), default=None)
        if not self.candidates:
            self.conflict = "some dates fit only one order and others only another"
            return
        if len(self.ambiguous) < 5:
            for v in sorted(values):
                fits = nz.date_fits(v)
                if fits is not None and len(fits & self.candidates) > 1:
                    self.ambiguous.append(v)
                    if len(self.ambiguous) >= 5:
                        break

    def result(self, target: str | None = None) -> tuple[str | None, str | None]:
        """(order or None, problem or None). `target`: the field the column fills, whose
        plausible dates (compact_dates.latest_day) rule out orders of two-digit years."""
        self.flush()
        if self.conflict:
            return None, self.conflict
        if self.candidates is None:
            return None, None
        self._narrow_by_year_spread()
        if target is not None:
            try:
                self.candidates, words = self.short_years.narrow(self.column, self.candidates, target,
                                                                 self.calendar, self.thai)
            except ImportRefused as stop:
                self.refusal = stop.message
                return None, "implausible"
            if words:
                self.spread = words if self.spread is None else f"{self.spread}; {words}"
        self._narrow_by_dots()
        if len(self.candidates) == 1:
            return next(iter(self.candidates)), None
        return None, "ambiguous"

    def _narrow_by_dots(self) -> None:
        """Dots between day, month and year ("05.03.2026") are written day-first where
        they are used (German, Russian, Polish, Czech, Finnish, Turkish …; year-first
        dotted dates start with the year, "2026.03.05"): with only dots in the column and
        every value readable day-first, the column is day-first."""
        assert self.candidates is not None
        if self.separators == {"."} and self.candidates == {"DMY", "MDY"}:
            self.candidates = frozenset({"DMY"})
            dots = (f"dots between the parts ('{self.dotted_example}'): day-first where dates are "
                    "written with dots (de, ru, pl, cs, fi, tr …), and no value contradicts it")
            self.spread = f"{self.spread}; {dots}" if self.spread else dots
            self.by_rule = True

    def _narrow_by_year_spread(self) -> None:
        """Two-digit years: the year part of a column takes few values, the day part up
        to 31. With at least YEAR_SPREAD distinct first parts against a quarter as many
        last parts, the first part is a day (not YMD); the other way round, a year."""
        assert self.candidates is not None
        if "YMD" not in self.candidates or len(self.candidates) == 1:
            return
        firsts, lasts = len(self.firsts), len(self.lasts)
        if firsts >= YEAR_SPREAD and lasts * 4 <= firsts:
            self.candidates = self.candidates - {"YMD"}
            self.by_rule = True
            self.spread = (f"the first part takes {firsts} different values like a day, the last part "
                           f"{lasts} like a year")
        elif lasts >= YEAR_SPREAD and firsts * 4 <= lasts:
            self.candidates = frozenset({"YMD"})
            self.by_rule = True
            self.spread = (f"the last part takes {lasts} different values like a day, the first part "
                           f"{firsts} like a year")


_SPACED_DOTS = re.compile(r"\.\s+(?=\d)")


def _status_refunds(listed: ValueEvidence) -> list[dict]:
    """A status column whose texts hold the amount refunded ("已退款(￥50.00)", "Partially
    refunded ($5.00)": importer.refunds.refund_in_status): those texts are read as Paid,
    and the plan subtracts the amount as a refund column's (apply_refund); the summary
    line, or []."""
    out: list[dict] = []
    for c, (header, key) in listed.columns.items():
        if key != "status":
            continue
        found = refunds.status_refund_values(listed.seen[c])
        if not found:
            continue
        given = listed.given.setdefault("status", {})
        for text, status in found.items():
            if value_key(text) not in given:
                given[value_key(text)] = status
                listed.implied.add(("status", value_key(text)))
        rows = sum(listed.seen[c][t] for t in found)
        example = next(iter(found))
        out.append({"what": f"refunds in '{header}'",
                    "decided": f"{rows} row(s) give the amount refunded inside the status ('{example}'): "
                               "subtracted from the row's amount as a refunded-amount column is (the amount kept is "
                               "stored; refunded in full: Returned, not a sale)",
                    "evidence": f"refund words and an amount in the status text ('{example}' = "
                                f"{refunds.refund_in_status(example)} refunded)"})
    return out


def _placeholders_inference(counts: Counter, headers: list[str]) -> dict:
    """The summary's line for cells that held a placeholder for "no value" ("N/A", "-",
    "未知"): per column in file order, the count and the texts."""
    by_column: dict[str, Counter] = {}
    for (header, text), n in counts.items():
        by_column.setdefault(header, Counter())[text] += n
    order = {h: i for i, h in enumerate(headers)}
    parts = [f"'{h}': {sum(c.values())} cell(s) (" + ", ".join(f"'{t}'" for t, _ in sorted(c.items(), key=lambda tn: (-tn[1], tn[0]))[:4]) + ")"
             for h, c in sorted(by_column.items(), key=lambda hc: order.get(hc[0], len(order)))]
    return {"what": "placeholders for no value", "decided": "read as empty cells",
            "evidence": "; ".join(parts) + ": words and signs written for 'no value' (N/A, -, none, 未知 …)"}


def _own_sheet_of(ent: Entity) -> str | None:
    """The sheet of cims's own workbook that holds `ent`'s records ("Customers")."""
    from ..excel.layout import LAYOUTS

    lay = LAYOUTS.get(ent.kind)
    return lay.sheet if lay is not None else None


def _zeros_inference(counts: Counter, examples: Counter, separators: Counter | None = None) -> dict:
    """The summary's line for postal codes given back the leading zeros (and the separator)
    a spreadsheet dropped (domain.postal): per column the count and up to three examples."""
    parts = []
    for header, n in counts.items():
        shown = [f"'{t}' → '{r}' ({c})" for h, t, r, c in sorted(examples) if h == header][:3]
        parts.append(f"'{header}': {n} code(s) such as {', '.join(shown)}")
    if separators:
        parts.append("separator put back in " + ", ".join(f"{k} code(s) of '{h}'" for h, k in separators.items())
                     + " (written as the country's codes are: 02134-1234, 01-234, 01310-100)")
    return {"what": "postal codes", "decided": "leading zeros and separators put back" if separators
            else "leading zeros put back",
            "evidence": "; ".join(parts) + ": digits (and a suffix the format allows) short of the postal code format of the row's "
                        "country (Google's address data), as when a spreadsheet keeps a code as a number"}


def _beside(ev: _DateEvidence, order: str | None, problem: str | None,
            settled: tuple[str, str] | None) -> compact_dates.Beside | None:
    """What a date column's values written with separators ("25/03/2024") say of the
    order of its values written as digits alone ("050324"): the order they decided
    (on their own or by the file's other columns), or the orders they leave open; None
    when they say nothing (no such value, or they stop the import themselves)."""
    if ev.candidates is None or not ev.candidates or problem not in (None, "ambiguous"):
        return None
    examples = [ev.decisive] if order and ev.decisive else ev.ambiguous[:2]
    if order:
        return compact_dates.Beside(frozenset({order}), examples)
    if settled is not None:
        return compact_dates.Beside(frozenset({settled[0]}), examples)
    return compact_dates.Beside(frozenset(ev.candidates), examples)


def _zone_name() -> str:
    """"Asia/Shanghai (UTC+08:00) ($CIMS_TZ)": the zone a Unix time's date is taken in."""
    return f"{zone_label(display_zone())} ({display_zone_source()})"


def _unmapped_date_columns(mapping: mp.Mapping, columns: list[int], rows: list[list]) -> list[tuple[int, str]]:
    """(column, header) of the columns no field takes whose values in the first rows are
    all dates written day, month and year with separators ("03/18/2024"), at least two:
    the file's other dates ("Due Date", "Delivered", "Created"), evidence of its order."""
    found = []
    for j, c in enumerate(mapping.columns):
        if c.target is not None or c.how != "unmapped":
            continue
        col = columns[j]
        texts = [v[col].strip() for v in rows if col < len(v) and isinstance(v[col], str) and v[col].strip()]
        if len(texts) >= 2 and all(nz.DAY_MONTH.match(_SPACED_DOTS.sub(".", t)) for t in texts):
            found.append((col, c.header))
    return found


def _refuse_disagreeing_orders(evidence: dict[int, _DateEvidence],
                               results: dict[int, tuple[str | None, str | None]], mapped: set[int]) -> list[dict]:
    """ImportRefused when two date columns the import reads, written in the same shape
    (one program's dates), each decide another order on their own values ("25/03/2024":
    day first; "03/28/2024": month first): their dates would be read in different
    orders. Columns of different shapes ("25.03.2024" beside "03/28/2024") are two
    writers' and keep their own orders: the summary lines returned say so."""
    decided = [(col, order) for col, (order, problem) in results.items()
               if col in mapped and order in ("DMY", "MDY") and not problem and evidence[col].shapes
               and not evidence[col].by_rule and evidence[col].decisive]
    apart: list[dict] = []
    for i, (a, first) in enumerate(decided):
        for b, second in decided[i + 1:]:
            ea, eb = evidence[a], evidence[b]
            if first != second and not ea.shapes & eb.shapes:
                apart.append({"what": f"date orders of '{ea.column}' and '{eb.column}'",
                              "decided": f"each its own: {first} and {second}",
                              "evidence": f"written in different shapes ('{ea.decisive}', '{eb.decisive}'), "
                                          "each read in the only order its values fit; give --date-order to "
                                          "read both in one (rows that do not fit it are rejected)"})
            elif first != second:
                words = nz.ORDER_WORDS
                raise ImportRefused(
                    f"columns '{ea.column}' and '{eb.column}' are written alike but their dates read in different "
                    f"orders: '{ea.decisive}' only as {words[first]}, '{eb.decisive}' only as {words[second]}; "
                    "one file's dates are written in one order. Nothing was imported. Check those dates, or give "
                    f"--date-order {first} or --date-order {second} (rows whose dates do not fit it are rejected).")
    return apart


def _orders_from_other_columns(evidence: dict[int, _DateEvidence],
                               results: dict[int, tuple[str | None, str | None]],
                               mapped: set[int], others: set[int] = frozenset()) -> dict[int, tuple[str, str]]:
    """Date orders the file's other date columns settle: {column: (order, evidence)}.

    One program writes all the dates of an export the same way, so a column whose every
    value reads under two orders ("05/03/2026") takes the order of the file's other
    date columns that decide it on their own values ("25/03/2026": day first), when
    they are written in the same shape (the same separator and year digits, every
    value) and none of the same shape decides another order. Columns of another shape,
    or deciders that disagree, settle nothing: the import then stops as before.
    `others`: date columns no field takes ("Due Date"), which decide but are not settled."""
    deciders: dict[frozenset, list[tuple[str, str, str]]] = {}
    for col, (order, problem) in results.items():
        ev = evidence[col]
        if (col in mapped or col in others) and order and not problem and ev.shapes and not ev.by_rule:
            example = ev.decisive or ""
            deciders.setdefault(frozenset(ev.shapes), []).append(
                (order, f"'{ev.column}'" + (" (not imported as a date)" if col in others else ""), example))
    settled: dict[int, tuple[str, str]] = {}
    for col, (_order, problem) in results.items():
        ev = evidence[col]
        if problem != "ambiguous" or col not in mapped or not ev.shapes:
            continue
        found = deciders.get(frozenset(ev.shapes), [])
        orders = {o for o, _, _ in found}
        if len(orders) != 1 or not orders <= set(ev.candidates or ()):
            continue
        order = next(iter(orders))
        named = "; ".join(name + (f" ('{ex}')" if ex else "") for _, name, ex in found[:3])
        settled[col] = (order, f"every value reads two ways; the file's other date column(s) written the same "
                               f"way read only as {order}: {named}")
    return settled


def _grouped_header(window: list[tuple[int, list]], i: int, merged, ent: Entity) -> tuple[int, int, list] | None:
    """(index of the group row, header row number, header values) when the header found
    at `window[i]` is, or sits right below, a row of group headings over a row naming
    each column (importer.group_header); None otherwise. Groups inferred from blank
    runs (a CSV's `Company,,,Contact,,`) count only when the group row itself was taken
    for the header, which leaves most columns unnamed."""
    def names_field(h: str) -> bool:
        return mp.known_header_count(ent, [h]) > 0

    for j in (i, i - 1):
        if j < 0:
            continue
        found = group_header.grouped_header(window, j, merged, names_field, infer=(j == i),
                                              below_is_header=(j == i - 1))
        if found is not None:
            return j, found[0], found[1]
    return None


DATE_CELLS = ("swap", "keep")
TIME_UNKNOWN = ("empty", "start-of-day")
# A time of day in a date text: 14:30, 14：30, 14h30, 14时30分, 14時, 14시, 2024-03-05T14,
# 9am / 9 p.m. (an hour and its day period, as English writes it)
_HAS_TIME = re.compile(r"\d\s*[:：]\s*\d|\d\s*[hH]\s*\d|\d\s*(?:时|時|시|點|点)|\dT\d"
                       r"|(?<![\d/.-])\d{1,2}\s*[aApP]\.?[mM]\b\.?")


def dates_alone_stop(evidence: dict, mapping: mp.Mapping, table: Table, time_unknown: str | None) -> list[dict]:
    """The summary's lines for the columns of a ticket's times (Opened, First Response,
    Resolved, Closed; an activity's date decides no SLA and keeps its day) holding dates without a time:
    cims never stores a time nobody gave (midnight would count as a real 0 h response or a
    breach). Without --time-unknown the import stops before writing, naming each such
    column and examples; with `--time-unknown empty` those times are stored empty (unknown),
    and the rows whose Opened is a date alone are rejected (it sets the due times)."""
    from ..domain.models import EVENT_TIMES

    lines: list[dict] = []
    stops: list[str] = []
    for col, ev in evidence.items():
        target = mapping.columns[table.columns.index(col)].target
        if target not in EVENT_TIMES or target == "occurred_at" or target in mapping.time_columns or not ev.alone:
            continue
        label = mapping.labels.get(target, target)
        shown = ", ".join(repr(v) for v in ev.alone_examples)
        if time_unknown == "empty":
            lines.append({"what": f"dates without a time in '{ev.column}'",
                          "decided": ("rows rejected: a ticket's Opened sets its due times" if target == "opened_at"
                                      else f"'{label}' stored empty (time unknown), in no SLA hours and no breach"),
                          "evidence": f"--time-unknown empty: {ev.alone} date(s) with no time of day, such as {shown}"})
        elif time_unknown == "start-of-day":
            lines.append({"what": f"dates without a time in '{ev.column}'",
                          "decided": f"'{label}' taken as the start of its day (00:00), as you said",
                          "evidence": f"--time-unknown start-of-day: {ev.alone} date(s) with no time of day, such as "
                                      f"{shown}; the SLA hours of these tickets count from those midnights"})
        else:
            stops.append(f"column '{ev.column}' ({label}) holds {ev.alone} date(s) with no time of day, such as {shown}")
    if stops:
        raise ImportRefused("; ".join(stops) + ". Nothing was imported: cims never stores a time nobody gave "
                            "(midnight would count as a real response or resolution time). Write the times in the "
                            "file, or add --time-unknown empty to store those times empty (unknown: in no SLA hours "
                            "and no breach; a ticket whose Opened is a date alone is then rejected), or "
                            "--time-unknown start-of-day if each is to count from the start of its day (00:00).")
    return lines


def day_first_cells(evidence: dict, mapping: mp.Mapping, table: Table, orders: dict[str, str],
                    date_cells: str | None) -> tuple[frozenset[str], list[dict]]:
    """(the date fields whose date cells are read with day and month swapped, the summary's
    lines) for the columns read day first whose text dates only that order reads
    ("25/03/2024") beside real date cells whose day could be the month (2024-05-04): the
    sign of a day-first file opened in an Excel set to month first, which made
    "05/04/2024" a date cell of 4 May and left "25/03/2024" as text. Neither the cells nor
    the text can tell whether the cells were made so: without --date-cells (swap: the
    cells were written day first too; keep: they are right) the import stops, naming the
    column and examples of both. Month-first text beside date cells is no such sign."""
    swapped: set[str] = set()
    lines: list[dict] = []
    stops: list[str] = []
    for col, ev in evidence.items():
        target = mapping.columns[table.columns.index(col)].target
        if target is None or orders.get(target) != "DMY" or not ev.cells_swappable or not ev.day_first_text:
            continue
        text = ", ".join(repr(v) for v in ev.day_first_text)
        cells = ", ".join(ev.cell_examples)
        if date_cells == "swap":
            swapped.add(target)
            lines.append({"what": f"date cells in '{ev.column}'", "decided": "day and month swapped",
                          "evidence": f"--date-cells swap: {ev.cells_swappable} date cell(s) such as {cells} "
                                      f"were made month first from day-first text like {text}"})
        elif date_cells == "keep":
            lines.append({"what": f"date cells in '{ev.column}'", "decided": "kept as they are",
                          "evidence": f"--date-cells keep: {ev.cells_swappable} date cell(s) such as {cells} "
                                      f"beside day-first text like {text}"})
        else:
            stops.append(f"column '{ev.column}' holds text dates only a day-first order reads ({text}) and "
                         f"{ev.cells_swappable} real date cell(s) whose day could be the month ({cells}): "
                         "Excel set to month first makes '05/04/2024' 4 May and leaves '25/03/2024' as text")
    if stops:
        raise ImportRefused("; ".join(stops) + ". Nothing was imported. Add --date-cells swap if the file was "
                            "written day first (its date cells then read day for month: 2024-05-04 is 5 April), "
                            "or --date-cells keep if the date cells are right as they are.")
    return frozenset(swapped), lines


def _scan(*args, **kwargs) -> Scan:
    """The file's first pass (`_scan_pass`): on a big workbook with part of its evidence
    gathered in a forked copy (importer.scan_split); where that fails, in this process alone."""
    src = args[0]
    for _ in range(3):
        try:
            try:
                return _scan_pass(*args, split=True, **kwargs)
            except scan_split.SplitFailed:
                return _scan_pass(*args, split=False, **kwargs)
        except split_fields.Reshape as again:
            # rows whose fields moved (split_fields): read again, rejoined or without the
            # empty field every row carries, by both passes
            again.install(src)
            kwargs["reshaped"] = [*kwargs.get("reshaped", ()), again.inference]
    raise ImportRefused(f"{src.path.name}: its rows could not be read into the header's columns")


def _scan_pass(src: RawSheet, ent: Entity, overrides: dict, profile_map: dict,
               date_order: str | None, decimal: str | None = None, amount_per: str | None = None,
               phone_region: str | None = None, values_given: dict[str, dict[str, str]] | None = None,
               mapped: dict | None = None, calendar: str | None = None, currency: str | None = None,
               no_header: bool = False, region_assumed: bool = False, ledger: str | None = None,
               no_header_from: str = "", area_region: str | None = None, continued: str | None = None,
               split: bool = False, date_cells: str | None = None, store_currency: str | None = None,
               year: int | None = None, rejoin: dict | None = None, reshaped: list | None = None,
               struck: str | None = None, time_unknown: str | None = None, fill_down=None) -> Scan:
    """The file's first pass: header, mapping, evidence. `mapped` (a dict) gets the
    final mapping under "mapping" as soon as it is known, for a caller whose scan stops
    on the values (dates, decimal marks) to say what else stops the import. no_header:
    the file has no header row (--no-header): its columns are named A, B, C…; otherwise
    a header row holding data (emails, phones, dates, amounts) stops it
    (header_evidence). no_header_from: the profile that said no_header (not the caller):
    a first row that reads as this kind's header then stops it (`_refuse_profile_no_header`)."""
    rows = src.rows()
    seen_rows: list[tuple[int, list]] = []
    window: list[tuple[int, list]] = []
    for number, values in rows:
        seen_rows.append((number, values))
        if any(not is_blank_cell(v) for v in values):
            window.append((number, values))
            if len(window) >= HEADER_WINDOW:
                break
    if not window:
        raise ImportRefused(f"{src.path.name}{_sheet_words(src)} has no data")
    i = find_header(window, lambda hs: mp.known_header_count(ent, hs))
    grouped = None if no_header else _grouped_header(window, i, src.merged, ent)
    two_rows = None
    translated = None           # a second header row translating the first (mapping.translation_row)
    if grouped is not None:
        i, header_number, header_values = grouped
    elif not no_header:
        two_rows = two_row_header(window, i, src.merged)
        if two_rows is None:        # group headings over a row of headings that cannot be read: stop
            group_header.refuse_unreadable(f"{src.path.name}{_sheet_words(src)}", window, i, src.merged,
                                           lambda h: mp.known_header_count(ent, [h]) > 0)
    if no_header:
        i = 0
        if no_header_from:
            _refuse_profile_no_header(src, ent, window[0][1], no_header_from)
    elif grouped is not None:
        _refuse_data_header(src, ent, window, i, header_values)
    elif (turned := shape.transposed(window, i, lambda hs: mp.known_header_count(ent, hs))) is not None:
        letter, names, in_row = turned
        shown = ", ".join(f"'{n}'" for n in names[:6]) + (" …" if len(names) > 6 else "")
        raise ImportRefused(
            f"{src.path.name}{_sheet_words(src)}: the table looks transposed: column {letter} names the fields "
            f"({shown}) and each record is a column, while row {window[i][0]} names {in_row} known field(s). "
            "Nothing was imported. Turn it round (in Excel: copy the table, then Paste Special, Transpose) "
            "so that each record is a row under one header row, and import that.")
    if no_header:
        header_number = window[0][0] - 1
        header_values = header_evidence.no_header_names(max(len(v) for _, v in window))
    elif grouped is None:
        translated = None if two_rows else mp.translation_row(ent, window, i)
        if translated is None and not two_rows and (clash := mp.disagreeing_header_row(ent, window, i)):
            shown = ", ".join(f"'{b}' under '{a}'" for a, b in clash[1][:4])
            raise ImportRefused(
                f"{src.path.name}{_sheet_words(src)}: row {clash[0]} names the fields of the header row "
                f"{window[i][0]} in another order ({shown}): the two header rows disagree about which column "
                "is which, so neither is read as a record and nothing was imported. Keep one header row whose "
                "headings name each column's values (delete the other), and import again.")
        header_number, header_values = two_rows or units_row(window, i) or (translated[:2] if translated else window[i])
        _refuse_data_header(src, ent, window, i, header_values)
    table = build_table(header_number, header_values, skipped_above=i)
    beside = None if no_header else side_tables.find(
        src.rows, header_number, list(header_values), [v for n, v in window if n > header_number],
        lambda h: mp.names_whole(ent, h))
    if beside is not None:
        # a table beside this one, past an empty column: its cells are blanked in every
        # row read from here on (both passes), so none is merged into this table's rows
        header_values = beside.blank(list(header_values))
        table = build_table(header_number, header_values, skipped_above=i)
        seen_rows = [(n, beside.blank(v)) for n, v in seen_rows]
        window = [(n, beside.blank(v)) for n, v in window]
        rows = beside.blanked(rows)
        factory = src._rows_factory
        src._rows_factory = lambda: beside.blanked(factory())
    units_above = [] if no_header else amount_units.lines_above(window, window[i][0])
    stated = {u.codes for _, u in units_above if u.codes}
    if currency is None and len(stated) == 1 and len(codes := next(iter(stated))) == 1:
        currency = codes[0]         # "币种：日元" above the header: as --currency for the numbers' reading
    lenient = {k: v for k, v in overrides.items()
               if any(mp.norm(k) == mp.norm(h) for h in table.headers)}
    # a date and its time of day in two columns ("Date" + "Time"): one field
    first_rows = [values for number, values in window if number > header_number]
    # the shapes of the values (emails, IP and web addresses…): a column guessed from a
    # word of its heading is checked against them, first those of the rows seen, then the file's
    shapes = own_columns.tally(first_rows, table.columns)
    mapping = mp.build_mapping(ent, table.headers, lenient, profile_map, own_columns.by_position(shapes, table.columns))
    # an import template's rows under the header (required/optional, types, descriptions,
    # an example): not records, and no evidence of the columns' values
    template = template_rows.find([(n, v) for n, v in window if n > header_number], table.columns, table.headers,
                                  {table.columns[j]: c.target for j, c in enumerate(mapping.columns)})
    if template.rows:
        first_rows = [values for number, values in window if number > header_number and number not in template.rows]
        shapes = own_columns.tally(first_rows, table.columns)
        mapping = mp.build_mapping(ent, table.headers, lenient, profile_map,
                                   own_columns.by_position(shapes, table.columns))
    time_columns.pair_time_columns(ent, mapping, [[v[c] if c < len(v) else None for c in table.columns]
                                                  for v in first_rows])

    kinds = {f.key: f.kind for f in ent.fields}
    date_cols = [(table.columns[j], c.header) for j, c in enumerate(mapping.columns)
                 if c.target and kinds.get(c.target) in ("date", "datetime")]
    evidence = {col: _DateEvidence(name, src.serial_offset) for col, name in date_cols}
    # the file's other date columns, not imported as dates ("Due Date", "Delivered" in an
    # orders file): evidence of the order the file's program writes its dates in
    date_evidence_only = _unmapped_date_columns(mapping, table.columns, first_rows)
    evidence.update({col: _DateEvidence(name, src.serial_offset) for col, name in date_evidence_only})
    countries = calendar_evidence.CountryWords(table.headers) if evidence else None
    counters = {table.columns[j]: _RowNumbers() for j, c in enumerate(mapping.columns)
                if c.how == "ignored" and mp.row_counter_header(ent, c.header)}
    # a bare "No"/"#" right after the street column: a house number or a row counter, by its values
    bare_houses = _bare_house_columns(mapping, table.columns, {mp.norm(k) for k in (*overrides, *profile_map)}) \
        if table.columns and not no_header else {}
    # a first column with no header (pandas' index, R's row names; "Unnamed: 0" when
    # pandas read such a file and wrote it again): a row counter when its values count the rows
    unnamed = _RowNumbers() if table.columns and (
        (table.columns[0] > 0 and is_blank_cell(header_values[0]))
        or (table.columns[0] == 0 and _PANDAS_UNNAMED.fullmatch(table.headers[0]))) else None
    float_wholes = FloatExports(list(table.columns), tuple(
        table.columns[j] for j, c in enumerate(mapping.columns)
        if c.target in ("postal_code", "customer_postal_code") and j < len(table.columns)), tuple(
        table.columns[j] for j, c in enumerate(mapping.columns)
        if c.target in id_fields(ent) and j < len(table.columns)))
    # the file's customer numbers: a number typed in its customer name column is linked by
    # one of them (plan.RowPreparer._numbers_not_names)
    file_refs: dict[int, dict[str, str]] = ({table.columns[j]: {} for j, c in enumerate(mapping.columns)
                                             if c.target == "customer_ref"}
                                            if any(f.key == "customer_id" for f in ent.fields) else {})
    name_col = next((table.columns[j] for j, c in enumerate(mapping.columns) if c.target == "customer_name"), None)
    # a workbook's text cells damaged before it was made (a CSV's are weighed as bytes)
    damaged = DamagedText(table.headers, table.columns) if src.encoding is None else None
    numbers = {table.columns[j]: NumberEvidence(c.header, c.target) for j, c in enumerate(mapping.columns)
               if c.target and kinds.get(c.target) in ("money", "decimal", "int")}
    for col, nev in numbers.items():
        if nev.target == "discount":
            # a share or money off? number cells weighed as Excel shows them ("0.00": "0.50")
            nev.discount = discount_reading.DiscountForms(getattr(src, "places", {}).get(col))
    currency_cols = [table.columns[j] for j, c in enumerate(mapping.columns) if c.target == "currency"]
    for nev in numbers.values():
        if kinds.get(nev.target) == "money" and len(currency_cols) == 1:
            nev.currency_column = currency_cols[0]      # its row's Currency names the amount's
    known_cols = set(table.columns)
    used_extra: set[int] = set()
    filler = MergeFiller(src.merged, header_number - 1).keep_rows()
    down_cols = fill_down_rows.columns_named(table.headers, table.columns, fill_down)
    if down_cols:
        filler.fill_down(down_cols.values())
    gaps = fill_down_rows.CustomerGaps(ent.kind, mapping, table.columns)
    count = 0
    stats: dict = {}

    def rest() -> Iterator[tuple[int, list]]:
        yield from (r for r in seen_rows if r[0] > header_number)
        yield from rows

    samples: dict[int, list[str]] = {c: [] for c in table.columns}
    wanting = set(samples)
    # only the columns no synonym names whole are judged by their values (build_mapping)
    whole_shapes = own_columns.tally([], [c for j, c in enumerate(table.columns)
                                          if not mp.names_whole(ent, table.headers[j])])
    # a name, place or postal code column every value of which is an email or a phone:
    # swapped or shifted under the header (swapped_columns); no-header files are checked
    # by position instead (_check_columns_by_position)
    contradicted = {} if no_header else swapped_columns.watched_columns(mapping, table.columns)
    phone_cols = _phone_columns(ent, mapping, table.columns)
    watch = FooterWatch(len(table.headers), phone_columns=phone_cols)
    subtotals: list[tuple[int, str]] = []      # a group's "Total for …" rows, anywhere
    named = _CurrencyEvidence(ent, mapping, table.columns)
    named.given = (values_given or {}).get("currency", {})
    rates = paid_amount.RateCheck.of(table.headers, mapping.columns, table.columns) if named.active else None
    language = file_language.LanguageEvidence(src.encoding, table.headers) if named.active else None
    if named.active:
        named.latin = heading_language.latin_verdict(table.headers)
    plain = (PlainAmounts(named.money, named.code, named.headed, named.countries, named.headed_signs)
             if named.active else None)
    yen_cols = (frozenset(col for col, nev in numbers.items() if kinds.get(nev.target) == "money")
                if named.active and file_language.backslash_is_yen(src.encoding) else frozenset())
    yen_fixed: dict[int, int] = {}
    money_cols = {col: nev.column for col, nev in numbers.items() if kinds.get(nev.target) == "money"}
    marks_at = (ledger_marks.mark_column(table.headers, table.columns, {table.columns[j] for j, c in
                                                                         enumerate(mapping.columns) if c.target is None})
                if money_cols else None)
    late_marks = None                        # columns blank in the first rows: watched to the end
    marks_by_values = money_cols and marks_at is None
    if marks_by_values:
        marks_at, late_marks = _marks_by_values(src, table, mapping, header_number, first_rows)
    marked_amounts = frozenset(col for col, nev in numbers.items() if nev.target == "amount")
    notes = amount_notes.AmountNotes(money_cols, currency,
                                     named.latin.language if named.active and named.latin is not None else
                                     heading_language.latin_verdict(table.headers).language)
    yearless = yearless_dates.YearlessDates(
        {table.columns[j]: c.header for j, c in enumerate(mapping.columns)
         if kinds.get(c.target) in ("date", "datetime")}, year)
    ledger_ev = ledger_marks.LedgerMarks(money_cols, ledger, marks_at,
                                     table.headers[table.columns.index(marks_at)] if marks_at is not None else None,
                                     marked_amounts) if money_cols else None
    if ledger_ev is not None and marks_at is not None and marks_by_values:
        ledger_ev.by_values = True
    cr_formats = format_marks.FormatMarks(money_cols) if money_cols else None
    shop = shop_orders.ShopEvidence(table.headers, table.columns, mapping, overrides) if ent.kind == "order" else None
    _refuse_unordered_house_numbers(src, mapping, table.columns, first_rows, region_assumed)
    phones = _phone_evidence(ent, mapping, table.columns, phone_region)
    area_why = ""
    if area_region is None and phone_region and region_assumed \
            and _area_code_evidence(mapping, table.columns) is not None:
        # no region given or set: the trunk prefix is the region the file's other evidence
        # (its script, cities) decides, else the assumed one, before its numbers are weighed
        area_region, area_why = _area_region_of_file(ent, mapping, table.columns, phone_region, first_rows,
                                                     src.encoding)
    from .area_codes import trunk_prefix
    # the numbers weighed as they will be stored: a code typed as a number with its
    # trunk prefix back (a column mixing both stops the import: AreaCodeEvidence.decide)
    phone_view = plan.phone_parts_view(mapping, table.columns, trunk_prefix(area_region))
    area_ev = _area_code_evidence(mapping, table.columns) if area_region else None
    postal_ev = _PostalLengths(mapping, table.columns) if region_assumed else None
    if postal_ev is not None and not postal_ev.cols:
        postal_ev = None
    assumed_ev = _assumed_region_evidence(ent, mapping, table.columns, phone_region) if region_assumed else None
    # the store's region, set: most numbers no numbers of it stop the import (phone_evidence)
    set_ev = _assumed_region_evidence(ent, mapping, table.columns, phone_region, set_region=True) \
        if phone_region and not region_assumed else None
    from .order_numbers import RoundedIds, SameNumbers
    same_numbers = SameNumbers(mapping, table.columns) if ent.kind == "order" else None
    rounded_ids = RoundedIds(mapping, table.columns)
    # (a file whose writer put ="…" around values kept its ids as text on purpose)
    rounded_ids = rounded_ids if rounded_ids.columns and not any(
        r.get("what") == "Excel text wrappers" for r in getattr(src, "text_rules", ())) else None
    # a column left out (--map "Type=-") says no row's type either
    refund_rows = refunds.RefundRows(
        [("" if j < len(mapping.columns) and mapping.columns[j].how == "ignored" else h)
         for j, h in enumerate(table.headers)], table.columns, (values_given or {}).get("transaction_type")) \
        if ent.kind == "order" else None
    status_ev = activity_status.ActivityStatus.find(ent, table, mapping, overrides)
    either_status = status_heading.AmbiguousStatus.find(ent, table, mapping)
    implied: set = set()
    if refund_rows is not None and (refund_rows.active or refunds.refund_columns(table.headers)):
        # a partly refunded order was paid, and the file gives the refunded amount; without
        # one the amount kept is not known: the status stays unread and the import asks
        values_given, implied = refunds.with_partial_refund_status(values_given or {})
    listed = ValueEvidence(ent, mapping, table.columns, values_given)
    listed.implied = implied
    listed.region = area_region or (None if region_assumed else phone_region)
    tagged = tag_columns.TagColumnEvidence(mapping, table.columns)
    stacked = shape.StackedTables(list(header_values))
    pages = shape.PageLines(shape.one_cell_lines([(n, v) for n, v in window if n < header_number]))
    other_rows: set[int] = set()
    # our own export's records that were deleted (gdpr export holds them): skipped, counted
    deleted_rows: list[int] = []
    deleted_at = next((table.columns[j] for j, h in enumerate(table.headers)
                       if isinstance(h, str) and h.strip() == "deleted"), None) \
        if mp.is_own_export([h for h in table.headers if isinstance(h, str)]) else None
    # a payment bill's transaction closed before it was paid (交易关闭, no 付款时间): no sale
    closed_at = transaction_types.closed_columns(ent, mapping, table.columns)
    closed_rows: list[tuple[int, str]] = []
    # rows struck through in the sheet (its fonts' strikethrough): struck_rows
    strikes = struck_rows.StruckRows(src.struck, table.columns, struck)
    grouped = (group_headings.GroupHeadings(0) if not no_header and header_values and is_blank_cell(header_values[0])
               and table.columns and table.columns[0] > 0 else None)
    long_rows = (shape.LongRows(len(header_values), list(header_values), frozenset(
        col for col, nev in numbers.items() if kinds.get(nev.target) in ("money", "decimal")),
        header_number=header_number) if src.format == "csv" else None)
    split_rows = (split_fields.SplitFields(len(header_values), list(header_values), frozenset(
        col for col, nev in numbers.items() if kinds.get(nev.target) in ("money", "decimal")), first_rows,
        src.delimiter, frozenset(numbers), [table.columns[j] for j, c in enumerate(mapping.columns) if c.target and (
            c.target in ("name", "company", "address", "product") or c.target.startswith("customer_"))])
        if src.format == "csv" and not no_header else None)
    groups: list[tuple[int, str]] = []         # group headings and totals alone in the first column
    sums = shape.SubtotalRows([col for col, nev in numbers.items() if kinds.get(nev.target) == "money"],
                              [table.columns[j] for j, c in enumerate(mapping.columns) if c.target and (
                                  kinds.get(c.target) in ("text", "name") or c.target.startswith("customer_"))],
                              [table.columns[j] for j, c in enumerate(mapping.columns)
                               if c.target and kinds.get(c.target) in ("int", "decimal")])
    # invisible characters out of the cells where they mean nothing, before any evidence
    cleaner = CellCleaner(ent, [(table.columns[j], c.target) for j, c in enumerate(mapping.columns)])
    parts = None
    if any(f.key == "amount" for f in ent.fields):
        # a total beside a subtotal or net amount: the values say which is the order's (amount_parts)
        totals = [table.columns[j] for j, c in enumerate(mapping.columns)
                  if c.target == "amount" or (c.target is None and _TOTAL_HEADING.search(str(c.header)))]
        quantity = next((table.columns[j] for j, c in enumerate(mapping.columns) if c.target == "quantity"), None)
        parts = amount_parts.AmountParts(table.headers, table.columns, totals, quantity)
        if not parts.active:
            parts = None
    reordered: dict[int, int] = {}
    # a row holding only an address or attention line under a record (continued_rows)
    lines_under = (continued_rows.ContinuedRows(frozenset(
        table.columns[j] for j, c in enumerate(mapping.columns) if c.target in ("name", "company", "address")))
        if ent.kind == "customer" and not no_header else None)
    # on a big workbook, a forked copy feeds some collectors from SPLIT_AFTER_ROWS on
    # while this process feeds the others (importer.scan_split): `here` / `there` say which
    # this process feeds; each collector still sees every row, in order
    split_at = (scan_split.SPLIT_AFTER_ROWS if split and scan_split.available(src.in_memory)
                and (phones or assumed_ev is not None or set_ev is not None or whole_shapes) else None)
    splitter = None
    here = there = True
    read = 0
    try:
        for number, values in data_rows(rest(), header_number, filler, stats):
            if read == split_at:
                splitter = scan_split.ScanSplit.start()
                if splitter is not None:
                    here, there = not splitter.child, splitter.child
            read += 1
            values, held = without_reordering(values)
            if held:
                reordered[number] = held
            if rounded_ids is not None and here:
                rounded_ids.add(values)         # as read: a ="…" wrapper says text on purpose
            if cleaner:
                values = cleaner.clean(values)
            if yearless.active:
                if here:
                    yearless.add(values, number)
                values = yearless.rewrite(values, number)   # "05.03." with --year (importer.yearless_dates)
            if yen_cols:
                values = file_language.yen_signs(values, yen_cols, yen_fixed)
            as_written = values                      # the cells as the file wrote them, for evidence
            if notes.active:
                if here:
                    notes.add(values)
                values = notes.rewrite(values)       # "10k", "1,200円（税込）" (importer.amount_notes)
            if cr_formats is not None and here:
                cr_formats.add(values)
            if ledger_ev is not None:
                if here:
                    if late_marks is not None and late_marks.open:
                        late_marks.add(values)
                    ledger_ev.add(values)
                values = ledger_marks.signed(values, money_cols, ledger, marks_at, marked_amounts)
            if number in template.rows:
                other_rows.add(number)
                continue
            if deleted_at is not None and deleted_at < len(values) and _marked_deleted(values[deleted_at]):
                other_rows.add(number)          # a deleted record of our own export: not brought back
                deleted_rows.append(number)
                continue
            if closed_at is not None and (said := transaction_types.closed_unpaid(values, *closed_at)):
                closed_rows.append((number, said))
                continue
            if strikes.active and strikes.skip(number, values):
                continue
            if (other := stacked.add(number, values)) is not None:
                if other == "repeat":
                    pages.repeat()
                other_rows.add(number)
                continue
            count += 1
            if there:
                # read only after the pass: past the split the copy feeds them (scan_split)
                pages.add(number, values)
                watch.add(number, values)
                if lines_under is not None:
                    lines_under.add(number, values)
            if here:
                if long_rows is not None:
                    long_rows.add(number, values)
                if split_rows is not None:
                    split_rows.add(number, values)
                if grouped is not None:
                    grouped.add(number, values)
            if (label := shape.label_row(values, table.columns[0], len(table.headers), phone_cols)) is not None:
                groups.append((number, label))
                continue
            if (sub := subtotal_text(values, is_blank_cell, phone_cols)) is not None:
                subtotals.append((number, sub))
            elif sums.add(number, values):
                continue
            if here:
                if shop is not None:
                    shop.add(number, values)
                if status_ev is not None:
                    status_ev.add(number, values)
                if either_status is not None:
                    either_status.add(values)
                if refund_rows is not None and refund_rows.active:
                    refund_rows.add(number, values)
                if same_numbers is not None:
                    same_numbers.add(number, values)
            if here and area_ev is not None:
                area_ev.add(values)
            if here and postal_ev is not None:
                postal_ev.add(values)
            if there:
                # a number in parts is weighed whole (mapping._phone_parts)
                whole = phone_view(values) if phone_view is not None else values
                for pev in phones:
                    pev.add(whole)
                if assumed_ev is not None:
                    assumed_ev.add(whole)
                if set_ev is not None:
                    set_ev.add(whole)
            if here:
                if damaged is not None:
                    damaged.add(number, values)
                if named.active:
                    named.add(values)
                    language.add(values)
                    plain.add(number, values)
                if rates is not None:
                    rates.add(number, values)
                if listed.active:
                    listed.add(values)
                if gaps.active:
                    gaps.add(number, values)
                if tagged.active:
                    tagged.add(values)
                if wanting:
                    _take_samples(values, samples, wanting)
            if there:
                for c, got in whole_shapes.items():
                    if c < len(values):
                        got.add(values[c])
            if here:
                for c, tally in contradicted.items():
                    if c < len(values):
                        tally.add(values[c])
                for col, ev in evidence.items():
                    if col < len(values):
                        ev.add(values[col], number)
            if not here:
                continue
            if countries is not None:
                countries.add(values)
            for col, rn in counters.items():
                rn.add(number, values[col] if col < len(values) else None)
            for col, bh in bare_houses.items():
                if col < len(values) and not is_blank_cell(values[col]):
                    bh.add(cell_text(values[col]))
            if unnamed is not None:
                unnamed.add(number, values[0] if values else None)
            float_wholes.add(values)
            if parts is not None:
                parts.add(number, values)
            for col, refs in file_refs.items():
                if col < len(values) and not is_blank_cell(values[col]):
                    key = code_key(plan.cell_text(values[col]).strip())
                    name = values[name_col] if name_col is not None and name_col < len(values) else None
                    name = "" if is_blank_cell(name) or plan.number_not_name(name) else plan.cell_text(name).strip()
                    if not refs.get(key):
                        refs[key] = name
            for col, nev in numbers.items():
                if col < len(values):
                    if named.countries and (code := named.country_code(nev.column, values[col], values)):
                        nev.add_in(values[col], code)       # "¥1,200" in a row whose Country is Japan
                        continue
                    nev.add(values[col], values, as_written[col] if col < len(as_written) else None)
            if len(values) > len(known_cols) or (table.columns and len(values) > table.columns[-1]):
                for c, v in enumerate(values):
                    if c not in known_cols and not is_blank_cell(v):
                        used_extra.add(c)
        if splitter is not None and splitter.child:
            splitter.send((phones, assumed_ev, set_ev, whole_shapes, pages, watch, lines_under))   # ends the copy
    except BaseException as exc:
        if splitter is not None:
            if splitter.child:
                splitter.fail()           # ends the copy
            splitter.abandon()
            if isinstance(exc, Exception):     # the refusal the rows give in order: in one process
                raise scan_split.SplitFailed(type(exc).__name__) from None
        raise
    if splitter is not None:
        phones, assumed_ev, set_ev, whole_shapes, pages, watch, lines_under = splitter.receive()
    note_inferences = notes.decide() if notes.active else []
    if yearless.active:
        note_inferences = yearless.decide() + note_inferences
    at_end = watch.footer(is_blank_cell)
    ends = {n for n, _ in at_end}
    subtotals = [s for s in subtotals if s[0] not in ends]
    groups = [g for g in groups if g[0] not in ends]
    sums.decide_top()
    repeated = [s for s in sums.found if s[0] not in ends]
    tops = [s for s in sums.top_found if s[0] not in ends]
    footer = sorted(subtotals + at_end + groups + repeated + tops)
    page_lines, page_kept = pages.decide({n for n, _ in footer})
    footer = sorted(footer + page_lines)
    headings = grouped.decide(ends | {n for n, _ in footer}) if grouped is not None else None
    if headings and _names_elsewhere(ent, mapping):
        headings = None         # another column gives the customer: the first column is not it
    if headings:
        footer = sorted(footer + list(headings.items()))
    padding = (long_rows.check(src.path.name, src.delimiter, {n for n, _ in footer})
               if long_rows is not None else None)
    if split_rows is not None and (again := split_rows.decide(src.path.name, {n for n, _ in footer},
                                                               rejoin)) is not None:
        raise again
    if used_extra:
        table = with_extra_columns(table, used_extra)
        for c in used_extra:
            samples.setdefault(c, [])
    # (columns a synonym names whole are tallied on the first rows only: enough to tell a
    # column of numbers under a heading meaning "customer")
    mapping = mp.build_mapping(ent, table.headers, overrides, profile_map,
                               own_columns.by_position({**shapes, **whole_shapes} if count else shapes,
                                                       table.columns))
    time_columns.pair_time_columns(ent, mapping, [[v[c] if c < len(v) else None for c in table.columns]
                                                  for v in first_rows])
    if contradicted and (stop := swapped_columns.check(mapping, table.columns, contradicted)) is not None:
        raise ImportRefused(f"{src.path.name}{_sheet_words(src)}: {stop}")
    heading_inferences = _carry_headings(src, ent, table, mapping, headings, grouped)
    shop_inferences: list[dict] = []
    if shop is not None:
        changes, shop_inferences, amount_per = shop.decide(mapping, amount_per, {n for n, _ in footer})
        _apply_evidence(mapping, changes)
    tag_inferences: list[dict] = []
    if tagged.active:
        changes, tag_inferences = tagged.decide(mapping, table.columns)
        _apply_evidence(mapping, changes)
        tag_columns.without_stale_decision(mapping)
    not_done, status_inferences = (status_ev.decide(f"{src.path.name}{_sheet_words(src)}")
                                   if status_ev is not None else ({}, []))
    if either_status is not None:
        status_inferences = [*status_inferences, *either_status.decide(
            mapping, table, f"{src.path.name}{_sheet_words(src)}")]
    merged_once, merged_further, merged_folds, merged_inferences = merged_rows.decide(
        filler, ent, table, mapping, frozenset(shop.folds) if shop is not None and amount_per == "order" else frozenset(),
        frozenset(n for n, _ in footer))
    if mapped is not None:
        mapped["mapping"] = mapping
        mapped["table"] = table
    counted = _bare_house_numbers(src, mapping, table, counters, bare_houses, footer)
    if counted:
        _refuse_unordered_house_numbers(src, mapping, table.columns, first_rows, region_assumed)
    counted += _kept_counters(mapping, table, counters, footer, {mp.norm(k) for k in (*overrides, *profile_map)})
    counted += _unnamed_counter(mapping, table, unnamed, footer, {mp.norm(k) for k in (*overrides, *profile_map)})
    wholes, whole_inferences = float_wholes.decide(
        [(table.columns[j], c.header, c.target) for j, c in enumerate(mapping.columns)], code_fields(ent))
    counted += whole_inferences
    if damaged is not None:
        counted += damaged.inferences()

    orders: dict[str, str] = {}
    compact: dict[str, str] = {}            # date field -> order of its dates written as digits alone
    unix_dates: dict[str, str] = {}         # date field -> "s" | "ms": its Unix times (unix_times)
    ambiguous: dict[str, list[str]] = {}
    candidates: dict[str, list[str]] = {}
    for ev in evidence.values():
        ev.calendar = calendar
        ev.thai = countries.why("TH") if countries is not None else ""
    results = {col: ev.result(mapping.columns[table.columns.index(col)].target) for col, ev in evidence.items()}
    mapped_dates = {col for col in evidence if mapping.columns[table.columns.index(col)].target is not None}
    settled_by_file = _orders_from_other_columns(evidence, results, mapped_dates,
                                                 {col for col, _ in date_evidence_only} - mapped_dates)
    date_inferences: list[dict] = [] if date_order else _refuse_disagreeing_orders(evidence, results, mapped_dates)
    for col, ev in evidence.items():
        order, problem = results[col]
        j = table.columns.index(col)
        target = mapping.columns[j].target
        if target is None:
            continue
        if ev.other_offset_count:
            raise ImportRefused(
                f"column '{ev.column}': its heading says its times are in {ev.zone[1]}, but "
                f"{ev.other_offset_count} time(s) such as {', '.join(repr(v) for v in ev.other_offsets)} are "
                "written with another offset. Nothing was imported. Fix those times, or name the column's "
                "zone rightly in its heading (without a zone, each time with an offset is read by it).")
        unix = ev.unix.decide(mapping.columns[j].header, _zone_name(), kinds.get(target) == "datetime")
        if unix is not None:                    # "1709600000": Unix seconds, decided on the column
            unix_dates[target] = unix.unit
            date_inferences.append(unix.inference)
            continue
        try:
            digits = ev.digits.decide(target, date_order, _beside(ev, order, problem, settled_by_file.get(col)))
        except AmbiguousDates as stop:          # "240305": yymmdd or ddmmyy; stops with the others
            ambiguous.update(stop.columns)
            candidates.update(stop.candidates)
            continue
        if digits is not None and digits.how == "compact":
            compact[target] = digits.order
            date_inferences.append(digits.inference)
        elif (serials := ev.serial_inference()) is not None:
            date_inferences.append(serials)
        if date_order:
            if ev.weekday_count >= 2 and ev.weekday_against[date_order] == ev.weekday_count and ev.weekday_fit:
                fits = " or ".join(f"--date-order {o}" for o in sorted(ev.weekday_fit))
                raise ImportRefused(
                    f"column '{ev.column}': the weekday written with each of its {ev.weekday_count} dates "
                    f"contradicts --date-order {date_order} (such as "
                    f"{', '.join(repr(v) for v in ev.weekday_examples[date_order])}), and fits {fits}: "
                    "day and month are the other way round. Nothing was imported. Give "
                    f"{fits}, or fix those dates.")
            orders[target] = date_order
            date_inferences.append({"what": f"date order in '{ev.column}'", "decided": date_order,
                                    "evidence": "--date-order"})
        elif problem == "ambiguous" and col in settled_by_file:
            orders[target], evidence_text = settled_by_file[col]
            date_inferences.append({"what": f"date order in '{ev.column}'", "decided": orders[target],
                                    "evidence": evidence_text})
        elif problem == "ambiguous" and digits is not None and digits.beside:
            orders[target] = digits.order          # "05/03/2024" beside "150124": only ddmmyy reads that
            date_inferences.append({"what": f"date order in '{ev.column}'", "decided": digits.order,
                                    "evidence": f"the dates written with separators read two ways; {digits.why}"})
        elif problem == "implausible":
            raise ImportRefused(ev.refusal)
        elif problem == "ambiguous":
            ambiguous[ev.column] = ev.ambiguous
            candidates[ev.column] = sorted(ev.candidates or ())
        elif problem:
            raise ImportRefused(f"column '{ev.column}': {problem}. Nothing was imported. "
                                "Fix those dates, or give --date-order DMY|MDY|YMD and the rows "
                                "that do not fit will be rejected.")
        elif order:
            orders[target] = order
            weekdays = (f"; {ev.weekday_count} date(s) are written with their weekday, which falls on "
                        f"the date only when read {order}" if ev.weekday_count and ev.weekday_fit == {order}
                        and ev.weekday_against else "")
            date_inferences.append({"what": f"date order in '{ev.column}'", "decided": order,
                                    "evidence": (ev.spread or "the only order that reads every value "
                                    "as a real date") + weekdays})
    swapped, cell_lines = day_first_cells(evidence, mapping, table, orders, date_cells)
    date_inferences += cell_lines
    date_inferences += dates_alone_stop(evidence, mapping, table, time_unknown)
    final_targets = {c.header: c.target for c in mapping.columns}
    number_cols = [nev for nev in numbers.values() if final_targets.get(nev.column) == nev.target]
    headed = {named.headed.get(h) for _, h in named.money}
    if currency is None and len(headed) == 1 and None not in headed:
        # every amount column's heading states one currency ("金額（千円）"): as --currency for
        # the reading of its numbers (a currency without a minor unit groups "1,200")
        currency = next(iter(headed))
    settled = _settle_by_language(named, language, evidence, number_cols, currency)
    whole = None
    whole_source = None
    if currency is None and store_currency and named.found <= {store_currency} \
            and money.minor_units(store_currency) == 0:
        # the file names no other currency, so its amounts are in the store's (`cims init
        # --currency JPY`): a currency without a minor unit groups "11,000" as --currency does
        whole_source = f"the store's currency {store_currency} (the file names no other)"
    whole_code = store_currency if whole_source else currency
    if whole_code and named.found <= {whole_code}:   # --currency for every amount the file does not name
        whole = (whole_code, frozenset(f.key for f in ent.fields if f.kind == "money")
                 | frozenset(f"customer_{f.key}" for f in ent.fields if f.kind == "money"))
    if ambiguous:
        stop = AmbiguousDates(ambiguous, candidates)
        try:                         # the numbers' decimal marks may stop it too: say both
            decide_marks(number_cols, given=decimal, delimiter=src.delimiter, whole_currency=whole, settled=settled,
                         whole_source=whole_source)
        except ImportRefused as more:
            stop.message = f"{stop.message} Also: {more.message.replace(' Nothing was imported.', '')}"
        raise stop
    _refuse_unsaved_formulas(src, table, mapping, skip={n for n, _ in footer})
    if late_marks is not None and (late := late_marks.column()) is not None:
        # a column of marks blank in the first rows: its marks are read again from the top
        # (the write pass signs the amounts with them)
        marks_at = late
        ledger_ev = ledger_marks.LedgerMarks(money_cols, ledger, marks_at, late_marks.candidates[late],
                                             marked_amounts)
        ledger_ev.by_values = True
        for _number, values in data_rows(src.rows(), header_number, MergeFiller(src.merged, header_number - 1)
                                         .fill_down(fill_down_rows.columns_named(table.headers, table.columns,
                                                                                 fill_down).values())):
            values = without_reordering(values)[0]
            ledger_ev.add(cleaner.clean(values) if cleaner else values)
    cr_inferences: list[dict] = []
    if cr_formats is not None and cr_formats.seen:
        # " Cr" in a number format: a credit mark beside " Dr", India's crore beside rupees
        cr_inferences = cr_formats.decide(
            [table.headers[table.columns.index(c)] for c in money_cols],
            [v for n, vs in window if n < header_number for v in vs if isinstance(v, str) and v.strip()], ledger)
        for c, (counts, examples) in cr_formats.ledger_counts().items():
            ledger_ev.counts[c].update(counts)        # read as the marks written in cells are
            for mark, example in examples.items():
                ledger_ev.examples[c].setdefault(mark, example)
    ledger_inferences = (ledger_ev.decide(ent.kind) if ledger_ev is not None else []) + cr_inferences
    marks, inferences = decide_marks(number_cols, given=decimal, delimiter=src.delimiter, whole_currency=whole,
                                     settled=settled, whole_source=whole_source)
    inferences += ledger_inferences + note_inferences
    if yen_fixed:
        inferences.append(_yen_inference(src, table, yen_fixed))
    fractions, share_inferences = fraction_fields(number_cols)
    mixed_shares, mixed_inferences = mixed_share_fields(number_cols)
    share_inferences += mixed_inferences
    listed.keep_only(final_targets)
    inferences += fill_down_rows.inference(down_cols, getattr(filler, "filled_down", {}))
    if ent.kind == "order":
        inferences += _status_refunds(listed)
        adjusted = [h for h in table.headers if final_targets.get(h) is None and refunds.names_adjusted_total(h)]
        if adjusted:
            inferences.append({
                "what": f"total after refunds '{adjusted[0]}'",
                "decided": "where it is less than the amount, the difference is a refund: the amount kept is "
                           "stored (Notes say what was charged and refunded; refunded in full: Returned, not a sale)",
                "evidence": "the heading names the order's total after refunds"})
    area_prefix, area_inferences = area_ev.decide(area_region, area_why) if area_ev is not None else ("", [])
    inferences = (heading_inferences + date_inferences + counted + inferences + share_inferences + shop_inferences
                  + tag_inferences + area_inferences)
    if no_header:
        inferences.insert(0, {"what": "header row", "decided": "none (--no-header"
                              + (f", kept in profile '{no_header_from}')" if no_header_from else ")"),
                              "evidence": "the columns are named A, B, C… by their position; every row is data"})
    if at_end:
        inferences.append({"what": "footer", "decided": "row(s) " + ", ".join(str(n) for n, _ in at_end)
                           + " skipped: not data",
                           "evidence": "; ".join(f"'{t}'" for _, t in at_end)
                           + " at the end of the table, not filling its columns"})
    if subtotals:
        inferences.append({"what": "subtotal rows", "decided": "row(s) " + ", ".join(str(n) for n, _ in subtotals[:10])
                           + (", …" if len(subtotals) > 10 else "") + " skipped: not data",
                           "evidence": "; ".join(f"'{t}'" for _, t in subtotals[:3])
                           + ": a group's total label followed only by figures"})
    inferences += _shape_inferences(groups, repeated, stacked)
    if tops:
        inferences.append({"what": "total row under the header", "decided": f"row {tops[0][0]} skipped: not data",
                           "evidence": f"'{tops[0][1]}' beside amounts that are the sum of all the rows below it"})
    if beside is not None:
        inferences.append(beside.inference())
    if page_lines:
        inferences.append({"what": "page lines", "decided": "row(s) " + ", ".join(str(n) for n, _ in page_lines[:10])
                           + (", …" if len(page_lines) > 10 else "") + " skipped: not data",
                           "evidence": "; ".join(f"'{t}'" for _, t in page_lines[:3])
                           + ": a page's title or footer alone in one cell, right before a repeated header row "
                           "(a page number, or printed on several pages)"})
    if page_kept:
        inferences.append({"what": "page lines?", "decided": "row(s) " + ", ".join(str(n) for n, _ in page_kept[:10])
                           + (", …" if len(page_kept) > 10 else "") + " kept as records",
                           "evidence": "; ".join(f"'{t}'" for _, t in page_kept[:3])
                           + ": alone in one cell right before a repeated header row, as a page's title would be, but "
                           "no page number and not on other pages: a record may be a name alone. If it is a "
                           "title, undo the import, delete the line and import again"})
    if padding is not None:
        inferences.append(padding)
    inferences.extend(reshaped or ())
    if closed_rows:
        inferences.append(transaction_types.closed_inference(closed_rows, table.headers[table.columns.index(
            closed_at[0])], table.headers[table.columns.index(closed_at[1])]))
    if deleted_rows:
        inferences.append({"what": "deleted records", "decided": f"{len(deleted_rows)} row(s) marked deleted "
                           "skipped (not brought back as live records): row(s) "
                           + ", ".join(str(n) for n in deleted_rows[:10]) + (", …" if len(deleted_rows) > 10 else ""),
                           "evidence": "the file is a cims export (gdpr export) whose 'deleted' column says so"})
    inferences += _hidden_inferences(src, table, header_number, {n for n, _ in footer} | other_rows)
    if strikes.active:
        inferences += strikes.decide(f"{src.path.name}{_sheet_words(src)}")
    if translated is not None:
        inferences.append({"what": "header row in two languages",
                           "decided": f"row {translated[0]} read as the headings of row {translated[0] - 1} "
                                      "translated, not a record",
                           "evidence": "its cells name the same fields as the headings above them: "
                                       + ", ".join(f"'{a}' = '{b}'" for a, b in translated[2][:6])
                                       + (" …" if len(translated[2]) > 6 else "") + "; nothing in it is a number "
                                       "or date"})
    count -= len(footer)
    folds = None
    if lines_under is not None:
        folds = lines_under.decide({n for n, _ in footer} | other_rows, dict(zip(table.columns, table.headers)),
                                   continued, f"{src.path.name}{_sheet_words(src)}",
                                   next((table.columns[j] for j, c in enumerate(mapping.columns)
                                         if c.target == "address"), None))
        if folds is not None:
            inferences += folds.inferences
            count -= len(folds.further)
            table = _with_continued_columns(table, mapping, folds)
    refund_folds: dict = {}
    refund_of: dict = {}
    refund_outside: dict = {}
    refund_ids: dict = {}
    refund_other: dict = {}
    related_rows: dict = {}
    not_sales: dict = {}
    if refund_rows is not None and refund_rows.active:
        amount_col = next((table.columns[j] for j, c in enumerate(mapping.columns) if c.target == "amount"), None)
        currency_col = next((table.columns[j] for j, c in enumerate(mapping.columns) if c.target == "currency"), None)
        who_cols = tuple(next((table.columns[j] for j, c in enumerate(mapping.columns) if c.target == t), None)
                         for t in ("customer_name", "customer_email"))
        refund_folds, refund_of, refund_inferences = refund_rows.decide(amount_col, currency_col, who_cols)
        inferences += refund_inferences
        refund_outside, refund_ids = refund_rows.outside, refund_rows.fold_ids
        refund_other = refund_rows.other_currency
        related_rows = refund_rows.related
        not_sales = {n: (t, refund_rows.documents.header) for n, t in refund_rows.not_sales.items()}
    repeated_rows: dict = {}
    shared_numbers: dict = {}
    if rounded_ids is not None:
        rounded_ids.decide()                        # raises on a column of ids Excel rounded
    if same_numbers is not None:
        inferences += same_numbers.decide()         # raises on one number on two customers
        repeated_rows = same_numbers.repeated
        shared_numbers = same_numbers.shared
    secret = set(mapping.secret_columns)       # passwords are never shown
    # the region only assumed and most numbers another country's: the file's country,
    # decided once (or the import stops naming --region), never a warning per row
    file_region = assumed_ev.file_region(src.encoding) if assumed_ev is not None else None
    if file_region is not None:
        phones, assumed_ev = [], None
        inferences.append(file_region[1])
    if postal_ev is not None and file_region is None:
        postal_ev.refuse(src)                       # codes that lost zeros, and no country to say which
    foreign: dict[str, tuple[str, ...]] = {}
    for pev in phones:
        j = table.columns.index(pev.column) if pev.column in table.columns else None
        target = mapping.columns[j].target if j is not None else None
        if target and (regions := pev.foreign_regions()):
            foreign[target] = regions
            if target.startswith("customer_"):         # an order's new customer: its own field
                foreign[target.removeprefix("customer_")] = regions
            inferences.append(pev.inference())
    if phones and (by_email := _email_countries(phones[0])):
        inferences.append(by_email)
    blank_country: dict = {}
    if set_ev is not None:
        set_ev.decide(src.encoding)        # raises when most numbers are another country's
    if assumed_ev is not None:
        one, several = assumed_ev.blank_country()
        if one:
            blank_country = {"blank_region": one}
            inferences.append({"what": "blank Country cells",
                               "decided": f"phone numbers without a country code in rows with a blank Country "
                                          f"read in {one}",
                               "evidence": f"every other row's Country is {one} "
                                           f"({assumed_ev.countries[one]} row(s)); the store's region is only "
                                           "assumed"})
        elif several:
            blank_country = {"blank_mixed": several}
            inferences.append({"what": "blank Country cells",
                               "decided": "phone numbers without a country code in rows with a blank Country are "
                                          "left empty (their text in Notes, the row warned)",
                               "evidence": f"the other rows name several countries ({', '.join(several[:6])}); "
                                           "fill the Country cells, or give --region"})
        if (line := assumed_ev.decide(src.encoding, assumed_ev.blank_rows if one else 0)) is not None:
            inferences.append(line)
        if assumed_ev.unsupported:
            blank_country["region_unsupported"] = assumed_ev.unsupported
        if assumed_ev.examples:
            # the option a refused number's message names: the country the file points to
            blank_country["region_examples"] = assumed_ev.examples
    if countries is not None:
        countries.given(currency)
    calendars = _decide_calendars(evidence, table, mapping, calendar, countries, orders)
    inferences = ([i for c in calendars.values() for i in c[1]] + template.inferences() + inferences
                  + merged_inferences + status_inferences)
    if reordered:
        inferences.append({
            "what": "direction controls",
            "decided": f"removed from {sum(reordered.values())} cell(s) in {len(reordered)} row(s), "
                       f"e.g. row {min(reordered)}; the text is kept without them",
            "evidence": "U+202A-202E and U+2066-2069 (Unicode bidirectional embeddings, overrides and isolates, "
                        "UAX #9) make a cell show in another order than it is stored (\"exe.txt\" after U+202E "
                        "shows as \"txt.exe\"); right-to-left text needs none of them"})
    if not (shop is not None and shop.folds) and not merged_further:
        # (rows that are lines of one order, footers and subtotals name no customer of their own)
        gaps.check(down_cols, {n for n, _ in footer} | set(other_rows) | {n for n, _ in closed_rows})
    return Scan(table, mapping, count, stats.get("blank", 0), orders, src.merged,
                [[] if j in secret else samples.get(c, []) for j, c in enumerate(table.columns)],
                inferences=inferences, decimal_marks=marks, fraction_fields=fractions, mixed_shares=mixed_shares,
                discount=next(((nev.column, nev.discount) for nev in number_cols if nev.discount is not None), None),
                footer_rows=[n for n, _ in footer], other_rows=other_rows,
                closed_rows=[n for n, _ in closed_rows],
                struck_rows=strikes.rows if struck == "skip" else [],
                currencies=tuple(sorted(named.found)), named=named if named.active else None,
                amount_per=amount_per, refunds=refund_folds, refund_rows=refund_of,
                refund_outside=refund_outside, refund_ids=refund_ids, related_rows=related_rows,
                refund_other_currency=refund_other,
                not_sale_rows=not_sales, repeated_rows=repeated_rows, shared_numbers=shared_numbers,
                total_like=dict(sums.total_like),
                order_folds=shop.folds if shop is not None else {}, foreign_regions=foreign,
                file_region=file_region[0] if file_region is not None else None,
                merged_once=merged_once, merged_further=merged_further, merged_folds=merged_folds,
                not_done_rows=not_done,
                blank_country=blank_country, plain=plain,
                values=listed, fill_down=down_cols, calendars={t: c for t, (c, _) in calendars.items()}, compact_dates=compact, unix_dates=unix_dates,
                swapped_cells=swapped,
                yen_columns=yen_cols, float_wholes=wholes, amount_notes=notes if notes.active else None,
                yearless=yearless if yearless.active else None,
                ledger=(money_cols, ledger, marks_at, marked_amounts) if money_cols and (
                    ledger or marks_at is not None or (ledger_ev is not None and ledger_ev.crores)) else None,
                carried=(grouped.col, headings) if headings and grouped is not None else None,
                units_above=units_above, format_marks=cr_formats if cr_formats is not None and cr_formats.seen
                else None,
                amount_parts=parts, reordered=reordered, area_prefix=area_prefix, rates=rates,
                continued=folds,
                file_refs=next((file_refs.get(table.columns[j], {}) for j, c in enumerate(mapping.columns)
                                if c.target == "customer_ref"), {}))


# Headings of an order's total other than the column the amount was mapped from
_TOTAL_HEADING = re.compile(r"(?i)(?:^|[^a-z])(?:total|totale|totaal|gesamt\w*|summe|итого)(?:$|[^a-z])|合计|合計|总计|總計|"
                            r"总额|總額|합계")


def _finer_than_minor_inference(counts: Counter, examples: dict) -> dict:
    """The summary's line for amounts written with more decimals than their currency's
    minor unit (plan.RowPreparer's context "finer_than_minor"): stored as written."""
    columns = sorted({c for c, _code in counts})
    said = "; ".join(f"'{c}': {n} {code} amount(s) such as "
                     + ", ".join(f"'{v}'" for v in examples.get((c, code), []))
                     + f" ({code} has {money.minor_units(code)} decimal(s))"
                     for (c, code), n in sorted(counts.items()))
    return {"what": "amounts finer than the currency's minor unit in " + ", ".join(f"'{c}'" for c in columns),
            "decided": "stored exactly as written (never rounded; the store keeps up to 4 decimals)",
            "evidence": said + ": ISO 4217 minor units from CLDR; a unit price or rate may have more; if they "
                               "are errors, correct the file and import it again"}


def _numbers_not_names_inferences(counts: Counter, examples: Counter, ref_column: str) -> list[dict]:
    """The summary's lines on name cells holding a number alone (plan.number_not_name), by
    column: how many rows were rejected, how many linked by the customer number."""
    out = []
    for column in dict.fromkeys(c for c, _ in counts):
        rejected, linked = counts.get((column, "rejected"), 0), counts.get((column, "linked"), 0)
        said = [f"{rejected} row(s) rejected (a number is no name; each listed)"] if rejected else []
        if linked:
            said.append(f"{linked} row(s) linked by '{ref_column}' (the number is a customer number of the file)")
        shown = ", ".join([f"'{n}'" for (c, n), _k in examples.most_common() if c == column][:3])
        out.append({"what": f"numbers in '{column}'", "decided": "; ".join(said),
                    "evidence": f"cells holding only a number where a name belongs, such as {shown}; real names "
                                "written with digits (3M, 7-Eleven) have letters and stay names"})
    return out


def _marks_by_values(src: RawSheet, table: Table, mapping: mp.Mapping, header_number: int,
                     first_rows: list[list]) -> tuple[int | None, "ledger_marks.MarkValues | None"]:
    """(the unmapped column whose values, over the whole file, are all credit/debit marks
    whatever its heading (ledger_marks.MarkValues: "Type" holding CR/DR, "Soll/Haben"
    holding S/H, "Debe/Haber", "Sens"), else None; the unmapped columns blank in the first
    rows, for the scan to watch: a MarkValues, or None). The file is read again only when
    a column of the first rows writes marks alone."""
    # a column left out (--map 'Type=-', a row counter) is not read for marks
    candidates = {table.columns[j]: table.headers[j] for j, c in enumerate(mapping.columns)
                  if c.target is None and c.how not in ("ignored", "secret")}
    first = ledger_marks.MarkValues(candidates)
    for values in first_rows:
        first.add(values)
    blank = {c: h for c, h in first.candidates.items() if not first.words[c]}
    late = ledger_marks.MarkValues(blank) if blank else None
    # (a column of dashes alone in the first rows, "-" for no value, is not read again for signs)
    marked = {c: h for c, h in first.candidates.items() if first.says_something(c)}
    if not marked:
        return None, late
    whole = ledger_marks.MarkValues(marked)
    for number, values in src.rows():
        if number > header_number:
            whole.add(values)
            if not whole.open:
                return None, late
    return whole.column(), late


def _settle_by_language(named: _CurrencyEvidence, language: "file_language.LanguageEvidence | None",
                        dates: dict, numbers: list[NumberEvidence], given: str | None
                        ) -> tuple[dict[tuple[str, ...], str], str] | None:
    """Weigh the file's language (file_language) once its rows are seen: kept on `named`
    for settle_bare_symbols, and returned as decide_marks' `settled` (the shared
    symbols' candidates -> the currency the language settles them to, and its words)
    for the amount columns' decimal marks. A symbol --currency may stand for is left to
    it. None when the language settles nothing."""
    if language is None:
        return None
    for ev in dates.values():
        for calendar, examples in ev.named_eras.items():
            language.add_calendar(calendar, examples)
    named.language = verdict = language.verdict()
    named.origin = language.origin()
    if verdict.language is None:
        return None
    settled = {}
    for nev in numbers:
        for codes in nev.q_symbols:
            if given and given in codes:
                continue
            if (code := verdict.currency_for(codes)) is not None:
                settled[codes] = code
    return (settled, f"the file is written in {file_language.NAMES[verdict.language]}") if settled else None


def _yen_inference(src: RawSheet, table: Table, fixed: dict[int, int]) -> dict:
    from .encoding import describe

    columns = ", ".join(f"'{table.headers[table.columns.index(c)]}' ({n})" for c, n in sorted(fixed.items())
                        if c in table.columns)
    return {"what": "yen sign", "decided": f"'\\' before an amount read as ¥: {columns}",
            "evidence": f"the file is read as {describe(src.encoding)}, where the byte of '\\' is the yen sign "
                        "(JIS X 0201), as Excel on Japanese Windows saves ¥"}


def _names_elsewhere(ent: Entity, mapping: mp.Mapping) -> bool:
    """Does a column of the file give the record's customer (its name, or for another
    kind a customer id, name or email)?"""
    sources = mp.CUSTOMER_NAME_SOURCES if ent.kind == "customer" else mp.CUSTOMER_LINKS
    return any(mapping.has(t) for t in sources)


def _carry_headings(src: RawSheet, ent: Entity, table: Table, mapping: mp.Mapping,
                    headings: dict[int, str] | None, grouped) -> list[dict]:
    """A report grouped by customer (group_headings): its first column, holding the
    headings, becomes the customer's name (Name for customers), the summary's line
    says so. Stops when --map or a profile gave that column another field: then every
    line would be stored without its customer."""
    if not headings or grouped is None or grouped.col not in table.columns:
        return []
    j = table.columns.index(grouped.col)
    target = "name" if ent.kind == "customer" else "customer_name"
    labels = mp.targets(ent)
    column = mapping.columns[j]
    if column.how in ("override", "profile") and column.target != target:
        first = next(iter(headings.items()))
        raise ImportRefused(
            f"{src.path.name}{_sheet_words(src)}: the table is a report grouped by customer: each customer's name "
            f"stands alone on a heading row in '{column.header}' (row {first[0]}: '{first[1]}') above its lines, "
            f"whose '{column.header}' is empty, but --map gives '{column.header}' "
            f"{'no field' if not column.target else labels.get(column.target, column.target)}, so every line "
            f"would lose its customer. Nothing was imported. Leave '{column.header}' to the import (its names "
            f"are carried down to the lines as {labels.get(target, target)}), or --map \"{column.header}="
            f"{labels.get(target, target)}\".")
    _apply_evidence(mapping, {j: target})
    return [group_headings.inference(headings, grouped.lines, column.header, labels.get(target, target))]


def _hidden_inferences(src: RawSheet, table: Table, header_row: int, skipped: set[int]) -> list[dict]:
    """The summary's word on rows and columns the sheet hides (an .xlsx's row and col
    `hidden` attributes): they are imported like the others, as the file holds them, and
    the summary names them, so a row hidden in Excel is not added unseen."""
    out: list[dict] = []
    rows = [n for n in src.hidden_rows if n > header_row and n not in skipped]
    if rows:
        shown = ", ".join(str(n) for n in rows[:10]) + (", …" if len(rows) > 10 else "")
        out.append({"what": "hidden rows", "decided": f"{len(rows):,} row(s) imported though hidden in the sheet: "
                    f"{shown}", "evidence": "the sheet hides them (or a filter does); the file holds them. To leave "
                    "them out, delete them in a copy of the file and import that"})
    cols = [(c, h) for c, h in zip(table.columns, table.headers) if c in set(src.hidden_cols)]
    if cols:
        out.append({"what": "hidden columns", "decided": "read like the others: " + ", ".join(
                    f"'{h}' ({column_letter(c)})" for c, h in cols[:10]), "evidence": "the sheet hides them; "
                    "the file holds them. To leave one out, give --map \"" + cols[0][1].replace('"', "'") + '=-"'})
    return out


CONTINUED_COLUMN = 1 << 20      # where an address or note from the line under a record goes


def _with_continued_columns(table: Table, mapping: mp.Mapping, folds) -> Table:
    """The table, with a column of its own for the address lines and notes folded into the
    records above them (continued_rows) when the file has no Address or Notes column;
    `folds.columns` gets the file column each goes into."""
    headers, columns = list(table.headers), list(table.columns)
    folds.columns = {}
    for key, label in (("address", "Address (line below)"), ("notes", "Notes (line below)")):
        if not any(a[key] and any(a[key]) for a in folds.adds.values()):
            continue
        at = next((table.columns[j] for j, c in enumerate(mapping.columns) if c.target == key), None)
        if at is None:
            at = CONTINUED_COLUMN + len(columns)
            headers.append(label)
            columns.append(at)
            mapping.columns.append(mp.ColumnMap(label, key, "continued"))
        folds.columns[key] = at
    return Table(table.header_row, headers, columns, table.skipped_above, table.notes)


def _continued(out: list, cols: list[int], folds, number: int) -> list:
    """A record's cells with the address lines and notes of the rows under it added
    (continued_rows): after the address it has, on a line of their own in its notes."""
    out = list(out)
    for key, sep in (("address", ", "), ("notes", "\n")):
        texts = [t for t in folds.adds[number].get(key, []) if t]
        if not texts or key not in folds.columns:
            continue
        j = cols.index(folds.columns[key])
        have = out[j]
        out[j] = sep.join(([str(have).strip()] if not is_blank_cell(have) else []) + texts)
    return out


def _shape_inferences(groups: list[tuple[int, str]], repeated: list[tuple[int, str]],
                      stacked: shape.StackedTables) -> list[dict]:
    """What the summary says about rows that are not records of the table (importer.shape)."""
    out: list[dict] = []

    def rows(found: list[tuple[int, str]]) -> str:
        return ", ".join(str(n) for n, _ in found[:10]) + (", …" if len(found) > 10 else "")

    if groups:
        out.append({"what": "group and total rows", "decided": f"row(s) {rows(groups)} skipped: not data",
                    "evidence": "; ".join(f"'{t}'" for _, t in groups[:3])
                    + ": a group's heading or a total alone in the first column, inside the table"})
    if repeated:
        out.append({"what": "subtotal rows", "decided": f"row(s) {rows(repeated)} skipped: not data",
                    "evidence": "; ".join(f"'{t}'" for _, t in repeated[:3])
                    + " beside amounts that are the sum of the rows above it"})
    if stacked.repeats:
        out.append({"what": "repeated header rows", "decided": f"row(s) {rows([(n, '') for n in stacked.repeats])} "
                    "skipped", "evidence": "the same cells as the table's header row"})
    if stacked.start is not None:
        shown = ", ".join(f"'{h}'" for h in stacked.start_headers[:5]) + (" …" if len(stacked.start_headers) > 5 else "")
        kind = f" (they look like {stacked.start_kind})" if stacked.start_kind else ""
        out.append({"what": "another table", "decided": f"row {stacked.start} and the rows below it not read",
                    "evidence": f"after a blank row, row {stacked.start} names fields again: {shown}{kind}. "
                    "Only the table above it was imported; to import the other one, move it to a sheet of "
                    "its own (or delete the rows above it in a copy) and import that"})
    return out


def _decide_calendars(evidence: dict, table: Table, mapping: mp.Mapping, given: str | None,
                      countries, orders: dict) -> dict[str, tuple[str, list[dict]]]:
    """{date field: (calendar, inferences)} for date columns whose years may be counted
    in another calendar. Dates naming their era ("令和6年3月5日", "民國113年3月5日",
    "พ.ศ. 2567") are read as they say, and said. Bare numbers only another calendar
    writes are read in it only when the file points to its country
    (calendar_evidence.CountryWords): years of 2400–2700 in the Thai Buddhist era (CE + 543)
    when every four-digit year of the column is one and the file points to Thailand;
    a three-digit year first ("113/03/05") in Taiwan's Minguo count (+ 1911) when the file
    points to Taiwan. A two-digit year first ("95/12/31", read YMD) in a file pointing to
    Taiwan is 1995 or Minguo 95 (2006): Minguo when other dates of the column are written
    in it, otherwise the import stops. ``given`` (--calendar) decides any column.
    Raises ImportRefused naming the column, examples and --calendar where the values
    and the file cannot decide."""
    decided: dict[str, tuple[str, list[dict]]] = {}
    countries = countries or calendar_evidence.CountryWords()
    thai = countries.points_to("TH")
    taiwan = countries.points_to("TW")
    for col, ev in evidence.items():
        j = table.columns.index(col)
        target = mapping.columns[j].target
        if target is None:
            continue
        what = f"calendar in '{ev.column}'"
        said = [{"what": what,
                 "decided": f"{words} read as Common Era years ('{found[0]}' is "
                            f"{_named_example(found[0], orders.get(target))})",
                 "evidence": f"{ev.named_count[words]} value(s) name it, such as "
                             + ", ".join(repr(v) for v in found)}
                for words, found in ev.named_eras.items()]
        # "95/12/31" read year first (or "95年12月31日"): a Minguo year too, in a Taiwanese file
        short_years = bool(ev.short_year_word or ev.short_first_count and orders.get(target) == "YMD")
        # "05/03/67" read day or month first, "5 มี.ค. 67": a Buddhist year 2567 too, in a Thai file
        short_last = dict(ev.short_last if orders.get(target) in ("DMY", "MDY") else {})
        short_last.update(ev.short_last_named)
        if ev.lunar_count or given in nz.LUNAR_SOLAR:
            lunar = _lunar_solar_calendar(ev, given)      # raises unless --calendar hijri|persian fits
            if lunar is not None:
                decided[target] = lunar
            if given in nz.LUNAR_SOLAR or lunar is not None:
                continue
        if given:
            _given_calendar_outliers(ev, given, short_last, short_years)
            if said or ev.era_count or ev.roc_count or short_years or (
                    short_last and given in ("buddhist", "gregorian")):
                decided[target] = (given, said + [{"what": what, "decided": given, "evidence": "--calendar"}])
            continue
        named_roc = "Minguo (ROC) year" in ev.named_eras
        short_roc = short_years and (taiwan or ev.roc_count)
        if ev.roc_count or short_roc:
            examples = ", ".join(repr(v) for v in (ev.roc or ev.short_first))
            if ev.roc_count and (ev.common_count or ev.era_count):
                other = (ev.common + ev.era)[0]
                raise ImportRefused(
                    f"column '{ev.column}': dates such as '{ev.roc[0]}' start with a three-digit year "
                    f"(Taiwan's Minguo count, year + 1911) but '{other}' is written otherwise. Nothing was "
                    "imported. Give --calendar roc (Minguo years) or --calendar gregorian, or fix those dates.")
            if ev.roc_count and not taiwan:
                raise ImportRefused(
                    f"column '{ev.column}': dates such as {examples} start with a three-digit year, as "
                    f"Taiwan's Minguo count writes ('{ev.roc[0]}' would be {_roc_example(ev.roc[0])}), but "
                    "nothing else in the file points to Taiwan (no TWD, NT$, Taiwanese place or 民國 date). "
                    "Nothing was imported. Give --calendar roc (years + 1911) or --calendar gregorian "
                    "(years as written), or write those dates YYYY-MM-DD.")
            if not ev.roc_count and not named_roc:
                short = ev.short_first[0]
                raise ImportRefused(
                    f"column '{ev.column}': dates such as {examples} start with a two-digit year, and the "
                    f"file points to Taiwan ({countries.why('TW')}): '{short}' may be "
                    f"{_short_example(short)} or Minguo year {int(short.strip()[:2])} "
                    f"({_roc_example(short)}). Nothing was imported. Give --calendar roc (Minguo years, "
                    "+ 1911) or --calendar gregorian (two-digit years as 19xx/20xx), or write those dates "
                    "YYYY-MM-DD.")
            if ev.short_first_count and (far := _far_years(ev, ("roc", "first"), lambda _k, y: y + 1911)):
                raise ImportRefused(
                    f"column '{ev.column}': read in Taiwan's Minguo count (year + 1911), "
                    f"{_far_words(far, ev, 'first')}. Nothing was imported. Give --calendar roc (every year "
                    "a Minguo year) or --calendar gregorian (two-digit years as 19xx/20xx), and fix those "
                    "dates or write them with a four-digit year (YYYY-MM-DD).")
            example = (ev.roc or ev.short_first)[0]
            two = (f"; two-digit years such as {', '.join(repr(v) for v in ev.short_first)} are Minguo years "
                   "as well, as the other dates of the column are" if ev.short_first_count else "")
            why = (f"{ev.roc_count} value(s) such as {', '.join(repr(v) for v in ev.roc)} start with a "
                   "three-digit year, which only Taiwan's Minguo count writes" if ev.roc_count else
                   f"{ev.named_count['Minguo (ROC) year']} value(s) of the column name the Minguo count")
            decided[target] = ("roc", said + [{
                "what": what,
                "decided": f"Minguo (ROC) years: year + 1911 ('{example}' is "
                           f"{nz.from_calendar(example, 'roc').split()[0]})",
                "evidence": f"{why}, and the file points to Taiwan ({countries.why('TW')}){two}"}])
            continue
        thai_here = thai or BUDDHIST in ev.named_eras
        era_column = ev.era_count and not ev.common_count     # every four-digit year a Buddhist one
        latest = compact_dates.latest_day(target).year
        if short_last and thai_here and (not era_column or any(1957 + y > latest for y in short_last)):
            decided[target] = _thai_short_years(ev, short_last, target, countries, said)
            continue
        if short_years and (countries.points_to("JP") or "Japanese era" in ev.named_eras):
            decided[target] = _japanese_short_years(ev, countries, said)
            continue
        if not ev.era_count:
            if said:
                decided[target] = ("gregorian", said)
            continue
        examples = ", ".join(f"'{v}'" for v in ev.era[:3])
        if not ev.common_count and thai_here:
            because = countries.why("TH") or "its dates name the Buddhist era (พ.ศ.)"
            decided[target] = ("buddhist", said + [{
                "what": what,
                "decided": "Thai Buddhist era: years read as year − 543 (" + ev.era[0] + " is "
                           + str(_era_example(ev.era[0])) + ")",
                "evidence": f"every year in the column is 2400–2700 ({examples}) and the file points "
                            f"to Thailand ({because})"}])
        else:
            also = (f"; other values have years such as {', '.join(repr(v) for v in ev.common[:2])}"
                    if ev.common_count else "")
            raise ImportRefused(
                f"column '{ev.column}': years such as {examples} are in the future as Common Era "
                f"years; they look like the Thai Buddhist era (year + 543){also}. Nothing was imported. "
                "Give --calendar buddhist (years read as year − 543) or --calendar gregorian "
                "(years as written).")
    return decided


def _given_calendar_outliers(ev: _DateEvidence, given: str, short_last: dict, short_years: bool) -> None:
    """ImportRefused when, read in the calendar --calendar gives (Buddhist, Minguo), a two-digit
    year of the column lands more than FAR_YEARS from the column's other dates ("07/03/24" = 1981
    among "05/03/67" = 2024): the option says the calendar, not that such a date is meant; the
    stop names the column, the values and their rows, and how to write them so they are kept."""
    if given == "buddhist" and short_last:
        far, kind, words = _far_years(ev, ("last",), lambda _k, y: 1957 + y), "last", "the Thai Buddhist era (25yy − 543)"
    elif given == "roc" and short_years and ev.short_first_count:
        far, kind, words = _far_years(ev, ("roc", "first"), lambda _k, y: y + 1911), "first", "Taiwan's Minguo count (year + 1911)"
    else:
        return
    if far:
        raise ImportRefused(
            f"column '{ev.column}': read in {words} as --calendar {given} says, "
            f"{_far_words(far, ev, kind)}. Nothing was imported. Fix those dates, or write them with a "
            "four-digit year (YYYY-MM-DD) if they are meant.")


def _lunar_solar_calendar(ev: _DateEvidence, given: str | None) -> tuple[str, list[dict]] | None:
    """(calendar, inferences) of a date column whose years are 1300–1500 with months of
    1–12 ("1445/08/24", "1402/12/15"): years the Islamic Hijri and the Persian calendars
    write today, which cims reads only when --calendar names which (their months are not
    the Gregorian ones: no year shift reads them, and both calendars write such years).
    ImportRefused naming the column, examples, what each calendar makes of one and the
    option, when --calendar does not name one of them, or the column mixes such dates
    with others. None for a column without such years (--calendar hijri|persian given for
    the file's other date columns)."""
    if not ev.lunar_count:
        return None
    examples = ", ".join(f"'{v}'" for v in ev.lunar)
    first = ev.lunar[0]
    if ev.common_count:
        raise ImportRefused(
            f"column '{ev.column}': dates such as {examples} have years of 1300–1500, as the Islamic Hijri and "
            f"Persian calendars write, but '{ev.common[0]}' is written in Gregorian years: one column is "
            "written in one calendar. Nothing was imported. Convert the column to one calendar and import again.")
    if given not in nz.LUNAR_SOLAR:
        readings = []
        for calendar, words in nz.LUNAR_SOLAR.items():
            try:
                day = nz.lunar_solar_date(first, calendar)
                readings.append(f"as {words} '{first}' is {day.isoformat()}")
            except ValueError:
                readings.append(f"as {words} '{first}' is no date")
        said = " (--calendar gregorian keeps them out: they are no Gregorian years of ours)" if given else ""
        raise ImportRefused(
            f"column '{ev.column}': dates such as {examples} have years of 1300–1500, as the Islamic Hijri "
            f"and the Persian (Solar Hijri) calendars write them today; they are not read as Gregorian years"
            f"{said}: {'; '.join(readings)}. Nothing was imported. Give --calendar hijri (Umm al-Qura, Saudi "
            "Arabia) or --calendar persian (Iran, Afghanistan) to read the column in that calendar, or convert "
            "it to Gregorian dates (YYYY-MM-DD).")
    day = nz.lunar_solar_date(first, given)
    return given, [{"what": f"calendar in '{ev.column}'",
                    "decided": f"{nz.LUNAR_SOLAR[given]} dates converted to Gregorian ('{first}' is "
                               f"{day.isoformat()})",
                    "evidence": f"--calendar {given}; {ev.lunar_count} value(s) such as {examples} have years "
                                "of 1300–1500"}]


def _thai_short_years(ev: _DateEvidence, years: dict[int, str], target: str, countries,
                      said: list[dict]) -> tuple[str, list[dict]]:
    """(calendar, inferences) of a column of a Thai file writing two-digit years last
    ("05/03/67"): the Buddhist era (25yy − 543, 2024) or the Common Era (19yy/20yy, as
    parse_date reads them), whichever alone gives every value a plausible day (none after
    compact_dates.latest_day, none before 1900). ImportRefused naming --calendar when both
    or neither do, or when the column also writes four-digit Common Era years."""
    what = f"calendar in '{ev.column}'"
    last = compact_dates.latest_day(target).year
    common = {y: (2000 + y if y <= 68 else 1900 + y) for y in years}
    buddhist = {y: 1957 + y for y in years}
    late_ce = [y for y, c in common.items() if c > last]
    late_be = [y for y, b in buddhist.items() if b > last]
    examples = ", ".join(repr(v) for v in list(years.values())[:3])
    why = f"the file points to Thailand ({countries.why('TH') or 'Thai dates'})"
    if late_ce and not late_be and not ev.common_count:
        if far := _far_years(ev, ("last",), lambda _k, y: 1957 + y):
            raise ImportRefused(
                f"column '{ev.column}': dates such as {examples} write the year in two digits and {why}; read "
                f"in the Thai Buddhist era (25yy − 543), {_far_words(far, ev, 'last')}, and as a Common Era "
                f"year '{_value_of(ev, 'last', far[0][0])}' is {common[far[0][0]]}. Nothing was imported. Give "
                "--calendar buddhist (every two-digit year as 25yy − 543) or --calendar gregorian (as "
                "19yy/20yy), and fix those dates or write them with a four-digit year (YYYY-MM-DD).")
        y = max(late_ce)
        return "buddhist", said + [{
            "what": what,
            "decided": f"Thai Buddhist era: two-digit years are 25yy − 543 ('{years[y]}' is {buddhist[y]})",
            "evidence": f"as Common Era years values such as '{years[y]}' would be {common[y]}, after "
                        f"{compact_dates.ahead_words(target)}; {why}"}]
    if late_be and not late_ce and not ev.era_count:
        y = max(late_be)
        return "gregorian", said + [{
            "what": what,
            "decided": f"two-digit years as 19yy/20yy ('{years[y]}' is {common[y]})",
            "evidence": f"as Buddhist years values such as '{years[y]}' would be {buddhist[y]}, after "
                        f"{compact_dates.ahead_words(target)}"}]
    y = max(years)
    also = (f"; other values write four-digit Common Era years such as "
            f"{', '.join(repr(v) for v in ev.common[:2])}" if ev.common_count else "")
    readings = (f"may be Buddhist year {2500 + y} ({buddhist[y]}) or {common[y]}" if not (late_ce or late_be)
                else f"is no plausible date as Buddhist year {2500 + y} ({buddhist[y]}) nor as {common[y]}"
                if late_ce and late_be else
                f"would be {common[y]} as a Common Era year, so Buddhist year {2500 + y} ({buddhist[y]})")
    raise ImportRefused(
        f"column '{ev.column}': dates such as {examples} write the year in two digits and {why}: "
        f"'{years[y]}' {readings}{also}. Nothing was "
        "imported. Give --calendar buddhist (two-digit years as 25yy − 543) or --calendar gregorian "
        "(as 19yy/20yy), or write those years in four digits.")


def _japanese_short_years(ev: _DateEvidence, countries, said: list[dict]) -> tuple[str, list[dict]]:
    """(calendar, inferences) of a column of a Japanese file writing two-digit years first
    ("06/03/05", read year first): Gregorian when some year is past the current Reiwa year
    (24/03/05 cannot be Reiwa 24); ImportRefused naming --calendar japanese|gregorian when
    every one of them may be a Reiwa year."""
    what = f"calendar in '{ev.column}'"
    reiwa = compact_dates.today().year - 2018
    high, value = ev.short_first_high or (0, ev.short_first[0])
    if high > reiwa:
        return "gregorian", said + [{
            "what": what, "decided": "Gregorian: two-digit years first as 20yy (or 19yy)",
            "evidence": f"'{value}' is past the current Reiwa year ({reiwa}), and the file points to "
                        f"Japan ({countries.why('JP') or 'Japanese era dates'})"}]
    if ev.reiwa_count and ev.reiwa_count == ev.named_count.get("Japanese era"):
        # every other date of the column that names its era names Reiwa: these are Reiwa years too
        return "japanese", said + [{
            "what": what, "decided": f"Reiwa years: two-digit years first + 2018 ('{value}' is "
                                     f"{_reiwa_example(value)})",
            "evidence": f"{ev.reiwa_count} value(s) of the column name the Reiwa era, and every two-digit "
                        f"year ({', '.join(repr(v) for v in ev.short_first)}) is at most the current Reiwa "
                        f"year ({reiwa})"}]
    examples = ", ".join(repr(v) for v in ev.short_first)
    reiwa_day = _reiwa_example(value)
    raise ImportRefused(
        f"column '{ev.column}': dates such as {examples} start with a two-digit year, and the file points "
        f"to Japan ({countries.why('JP') or 'Japanese era dates'}): '{value}' may be {_short_example(value)} or Reiwa {high} "
        f"({reiwa_day}). Nothing was imported. Give --calendar japanese (Reiwa years, + 2018) or "
        "--calendar gregorian (two-digit years as 19xx/20xx), or write those dates YYYY-MM-DD.")


def _reiwa_example(text: str) -> str:
    try:
        return nz.parse_date(nz.from_calendar(text, "japanese"), "YMD").isoformat()
    except ValueError:
        return "not a date"


def _named_example(text: str, order: str | None) -> str:
    """The Common Era day of a date naming its era, for the summary."""
    try:
        era = nz.era_date(text)
        return (era[0] if era else nz.parse_date(text, order or "DMY")).isoformat()
    except ValueError:
        return "not a date"


def _roc_example(text: str) -> str:
    try:
        return nz.parse_date(nz.from_calendar(text, "roc"), "YMD").isoformat()
    except ValueError:
        return "not a date"


def _short_example(text: str) -> str:
    try:
        return nz.parse_date(text, "YMD").isoformat()
    except ValueError:
        return "not a date"


def _era_example(text: str) -> str:
    moved = nz.from_calendar(text, "buddhist")
    return moved if isinstance(moved, str) else text


def _apply_evidence(mapping: mp.Mapping, changes: dict[int, str]) -> None:
    """Set the columns the file's values decided ({position: target}, "" for none);
    a column that held the target before is left unmapped (kept in Notes)."""
    for j, target in changes.items():
        header = mapping.columns[j].header
        if not target:
            mapping.columns[j] = mp.ColumnMap(header, None, "unmapped")
            continue
        for k, c in enumerate(mapping.columns):
            if k != j and c.target == target:
                mapping.columns[k] = mp.ColumnMap(c.header, None, "unmapped")
        mapping.columns[j] = mp.ColumnMap(header, target, "evidence")


SAMPLES = 3


def _bare_house_columns(mapping: mp.Mapping, columns: list[int], named: set[str]) -> dict:
    """Columns headed only "No", "No." or "#" (a row counter's heading, left out at first)
    right after the street column, no house number joined yet, not named by --map: file
    column -> their values over the whole file (mapping.BareHouseNumbers)."""
    if mapping.house_numbers:
        return {}
    lead = next((j for j, c in enumerate(mapping.columns) if c.target == "address"), None)
    if mapping.address_lines:
        lead = mapping.address_lines[0]
    j = None if lead is None else lead + 1
    if j is None or j >= len(mapping.columns) or j >= len(columns):
        return {}
    c = mapping.columns[j]
    if c.how != "ignored" or mp.norm(c.header) in named or c.header.strip() not in ("No", "No.", "NO", "NO.", "no",
                                                                                      "no.", "#", "Nº", "No:"):
        return {}
    return {columns[j]: mp.BareHouseNumbers()}


def _bare_house_numbers(src, mapping: mp.Mapping, table: Table, counters: dict, bare: dict, footer: list) -> list[dict]:
    """A bare "No"/"#" right after the street whose values are not the row numbers:
    joined to the street as its house number when its values show it; stops the import
    where they cannot tell (mapping.join_bare_house_number)."""
    out = []
    for col, values in bare.items():
        j = table.columns.index(col)
        rn = counters.get(col)
        if rn is not None and rn.firsts and rn.are_row_numbers({n for n, _ in footer}):
            continue                      # 1, 2, 3…: the rows' numbers, left out
        out += mp.join_bare_house_number(mapping, j, values, f"{src.path.name}{_sheet_words(src)}")
    return out


def _kept_counters(mapping: mp.Mapping, table: Table, counters: dict, footer: list,
                   named: set[str]) -> list[dict]:
    """Columns headed like a row counter whose values are not the row numbers: kept
    (mp.keep_counter), one inference each saying why. Columns --map or a profile named
    are left as they said."""
    decided = []
    for j, c in enumerate(mapping.columns):
        rn = counters.get(table.columns[j])
        if rn is None or c.how != "ignored" or mp.norm(c.header) in named or not rn.firsts:
            continue
        if rn.ours:
            continue                 # our own export's record ids: the store sets its own
        if rn.are_row_numbers({n for n, _ in footer}):
            decided.append({"what": f"column '{c.header}'", "decided": "left out: row numbers",
                            "evidence": "its values are the rows' numbers (" + ", ".join(rn.firsts) + ", …)"})
            continue
        what = mp.keep_counter(mapping, j)
        decided.append({"what": f"column '{c.header}'", "decided": what,
                        "evidence": "its values (" + ", ".join(rn.firsts) + ", …) are not the row numbers"})
    return decided


_PANDAS_UNNAMED = re.compile(r"Unnamed: \d{1,5}")     # pandas' name for a column without a header


def _unnamed_counter(mapping: mp.Mapping, table: Table, rn: _RowNumbers | None, footer: list,
                     named: set[str]) -> list[dict]:
    """A first column with no header whose values count the rows (0, 1, 2 … as pandas
    writes a DataFrame's index; 1, 2, 3 as R writes row names; or each row's own
    number): left out as a row counter, one inference saying so. Any other values are
    kept (in Notes, as "Column A: …"); a column --map or a profile named is left as said."""
    if rn is None or not rn.firsts or not table.columns or table.columns[0] != 0:
        return []
    column = mapping.columns[0]
    if column.how != "unmapped" or mp.norm(column.header) in named or not rn.are_row_numbers({n for n, _ in footer}):
        return []
    mapping.columns[0] = mp.ColumnMap(column.header, None, "ignored")
    named_so = " (no header)" if not _PANDAS_UNNAMED.fullmatch(column.header) else ""
    return [{"what": f"column '{column.header}'{named_so}", "decided": "left out: row numbers",
             "evidence": "its values count the rows (" + ", ".join(rn.firsts) + ", …), as a program's "
                         "export (pandas' index) writes them"}]


def _refuse_unsaved_formulas(src: RawSheet, table: Table, mapping: mp.Mapping, skip: set[int] = frozenset()) -> None:
    """A mapped column holding formulas with no saved result would be stored blank
    (footer rows, `skip`, are not stored: their totals do not count)."""
    for j, column in enumerate(mapping.columns):
        kept = column.target or (column.how == "unmapped" and _has_notes(mapping))   # in Notes
        found = src.formulas.get(table.columns[j]) if kept else None
        found = [(r, f) for r, f in (found or ()) if r > table.header_row and r not in skip]
        if not found:
            continue
        rows = ", ".join(str(r) for r, _ in found[:5]) + (" …" if len(found) > 5 else "")
        raise ImportRefused(
            f"column '{column.header}': {len(found)} cell(s) are formulas with no saved result "
            f"(rows {rows}; e.g. {found[0][1]!r}): the file was written by a program and never "
            "opened in Excel, so they would be stored empty. Nothing was imported. Open the file "
            "in Excel or LibreOffice and save it (the results are then saved too), or leave the "
            f"column out with --map \"{column.header}=-\".")


def _has_notes(mapping: mp.Mapping) -> bool:
    """Whether unmapped columns are kept (in Notes, or plan.KEPT_IN's field)."""
    return any(f.key == "notes" for f in mapping.entity.fields) or mapping.entity.kind in plan.KEPT_IN


def _take_samples(values: list, samples: dict[int, list[str]], wanting: set[int]) -> None:
    """The first SAMPLES non-blank values of each column, as short text."""
    for c in list(wanting):
        if c < len(values) and not is_blank_cell(values[c]):
            got = samples[c]
            got.append(cell_text(values[c]).strip()[:40])
            if len(got) >= SAMPLES:
                wanting.discard(c)


def _sheet_words(src: RawSheet) -> str:
    return f" (sheet '{src.sheet}')" if src.sheet else ""


def _refuse_data_header(src: RawSheet, ent: Entity, window: list[tuple[int, list]], i: int,
                        header_values: list) -> None:
    """Stop when the header row found holds data by its shape (header_evidence): the
    file has no header row. The --no-header suggestion maps a column whose values fit
    the name the kind cannot do without (the header row's own value counted)."""
    known = mp.known_header_count(ent, [header_text(v) for v in header_values if not is_blank_cell(v)])
    if not header_evidence.data_cells(header_values, known):
        return
    width = max(len(v) for _, v in window)
    rows = [v for _, v in window[i:i + SAMPLES + 2]]
    columns = [(column_letter(c), [cell_text(r[c]).strip()[:40] for r in rows if c < len(r) and not is_blank_cell(r[c])])
               for c in range(width)]
    field = "Name" if ent.kind == "customer" else "Customer Name"
    letter = header_evidence.fitting_column("name", "name", columns)
    said = (f'--map "{letter}={field}"' if letter else
            f'--map "LETTER=Field" (`cims import fields --kind {_kind_word(ent)}` lists the fields)')
    targets = mp.targets(ent)
    for kind, key in (("email", "email"), ("phone", "phone")):
        key = key if key in targets else f"customer_{key}"
        if letter and key in targets and (other := header_evidence.fitting_column(
                kind, key, [c for c in columns if c[0] != letter])):
            said += f' --map "{other}={targets[key]}"'

    stop = header_evidence.refuse_data_header(f"{src.path.name}{_sheet_words(src)}", header_values, known, said)
    if stop is not None:
        raise stop


def _profile_columns_absent(profile_map: dict, mapping: mp.Mapping) -> dict[str, str]:
    """The entries of a profile's map ({column: target}) whose column this file does not
    have (compared as `mapping.norm` compares headers), in the profile's order."""
    have = {mp.norm(c.header) for c in mapping.columns}
    return {str(h): str(t) for h, t in profile_map.items() if mp.norm(str(h)) not in have}


def _refuse_profile_no_header(src: RawSheet, ent: Entity, first: list, profile: str) -> None:
    """Stop when a profile says the file has no header row (it was saved from an import
    with --no-header) and this file's first row reads as a header of this kind: most of
    its cells name fields (`known_header_count`) and none is data by its shape
    (`header_evidence.data_cells`). Read as data, that row would be stored as a record
    and the profile's columns A, B, C… might not be the header's."""
    cells = [header_text(v) for v in first if not is_blank_cell(v)]
    known = mp.known_header_count(ent, cells)
    if not cells or known * 2 < len(cells) or header_evidence.data_cells(first, known):
        return
    shown = ", ".join(f"'{c}'" for c in cells[:6]) + (" …" if len(cells) > 6 else "")
    raise ImportRefused(
        f"{src.path.name}{_sheet_words(src)}: profile '{profile}' says the file has no header row (it was saved "
        f"from a file without one), but this file's first row ({shown}) names columns: {known} of its "
        f"{len(cells)} cells are field names. Nothing was imported. Import it with --header to read that row "
        "as the header (the profile's columns A, B, C… are then not used), or delete the row.")


def _check_columns_by_position(ent: Entity, scan: "Scan", src: RawSheet, profile: str) -> None:
    """A file without a header row maps its columns by position (--map "B=Email", or a
    profile saved from last month's file): when a column's values plainly are not its
    field's (names under Email, emails under Name: the columns moved since the profile
    was saved, or a letter was mistyped), stop before writing, naming the column, its
    values and the column whose values fit, rather than store each value in the wrong
    field with a warning per row."""
    fields = {f.key: f for f in ent.fields}
    wrong: list[str] = []
    fixes: list[str] = []
    for j, c in enumerate(scan.mapping.columns):
        f = fields.get(c.target or "")
        if f is None or j >= len(scan.samples):
            continue
        kind = header_evidence.field_kind(f)
        samples = scan.samples[j]
        if not header_evidence.plainly_not(kind, f.key, samples):
            continue
        shown = ", ".join(f"'{t}'" for t in samples[:2])
        wrong.append(f"column {c.header} ({f.header}) holds {shown}")
        others = [(o.header, scan.samples[i] if i < len(scan.samples) else [])
                  for i, o in enumerate(scan.mapping.columns) if i != j]
        fit = header_evidence.fitting_column(
            kind if kind in ("email", "phone", "int", "date", "datetime", "money") else "name", f.key, others)
        if fit:
            fixes.append(f'--map "{fit}={f.header}"')
    if not wrong:
        return
    where = f"profile '{profile}' maps" if profile else "--map gives"
    raise ImportRefused(
        f"{src.path.name}{_sheet_words(src)}: the file has no header row, so its columns are taken by position as "
        f"{where} them, but {'; '.join(wrong[:3])}: the columns are not where that says (they may have moved). "
        "Nothing was imported. Give the --map for this file's columns"
        + (f", e.g. {' '.join(fixes[:3])}" if fixes else "") + " (with --profile to save them).")


def _kind_word(ent: Entity) -> str:
    return next(k for k in mp.IMPORT_KINDS if mp.KINDS[k] == ent.kind)


def _refuse_other_kind(ent: Entity, headers: list[str], src: RawSheet) -> None:
    """Stop an import given no --kind whose headers say clearly that the rows are another
    kind of record (`mapping.clear_other_kind`): read as customers, an orders export
    makes a customer of each order, named by its order number ("#1003")."""
    found = mp.clear_other_kind(ent, headers)
    if found is None:
        return
    kind, own = found
    shown = ", ".join(f"'{h}'" for h in own[:5]) + (" …" if len(own) > 5 else "")
    raise ImportRefused(
        f"{src.path.name}{_sheet_words(src)}: the headers look like {kind} ({shown}), not {ent.kind} records, "
        f"and no --kind was given. Nothing was imported. Give --kind {kind} to import the rows as {kind}, "
        f"or --kind {_kind_word(ent)} to import each row as a {ent.kind} all the same.")


def _format_texts(scan: "Scan", src: RawSheet, ent: Entity, amount_scale, name: str) -> list[dict]:
    """An amount column whose cells' number format shows text that is no scale, currency or
    mark the importer reads ('0.0" pts"', '#,##0" units"', '0" Stk"', '#,##0" 件"':
    cell_facts.format_text, ods_facts.shown_text): the number may be points, pieces or
    kilograms, not money in the file's currency. --amount-scale says the numbers are
    amounts (as written, times it): said; without it the import stops before writing,
    naming the column, the text, its cells and the options."""
    if not src.format_texts:
        return []
    kinds = {f.key: f.kind for f in ent.fields}
    out: list[dict] = []
    for j, column in enumerate(scan.mapping.columns):
        if column.target and kinds.get(column.target) in ("int", "decimal") and j < len(scan.table.columns):
            _counted_format_text(column, [(r, t, shown) for r, t, shown in
                                          src.format_texts.get(scan.table.columns[j], ())
                                          if r > scan.table.header_row], ent, name)
        if not column.target or kinds.get(column.target) != "money" or j >= len(scan.table.columns):
            continue
        found = [(r, t, shown) for r, t, shown in src.format_texts.get(scan.table.columns[j], ())
                 if r > scan.table.header_row]
        if not found:
            continue
        texts = Counter(t for _r, t, _s in found)
        said = ", ".join(f"'{t}'" for t, _n in texts.most_common(3))
        examples = ", ".join(f"row {r}: '{shown}'" for r, _t, shown in found[:3])
        if amount_scale is not None:
            out.append({"what": f"text {said} in the number format of '{column.header}'",
                        "decided": f"amounts in the file's currency: each number as the cell holds it "
                                   f"{amount_units.scale_text(amount_scale)} ({len(found)} cell(s), {examples})",
                        "evidence": f"--amount-scale {amount_scale.normalize():f}: the format's text is not "
                                    "a scale, currency or mark the importer reads; the option says the numbers "
                                    "are the amounts"})
            continue
        raise ImportRefused(
            f"{name}: column '{column.header}' is read as {column.target.replace('_', ' ')}, but {len(found)} of "
            f"its cells have a number format that shows {said} ({examples}): not a scale (K, Mn, 万), a "
            "currency or a credit mark the importer reads, so the numbers may be points, pieces or weights, "
            "not money in the file's currency. Nothing was imported. Give --amount-scale 1 if they are "
            "amounts as written (the format's text is decoration), or --map "
            f"\"{column.header}=Notes\" to keep them in Notes (with --map \"OTHER COLUMN="
            f"{column.target.replace('_', ' ').title()}\" for the column holding the amounts).")
    return out


def _counted_format_text(column, found: list[tuple[int, str, str]], ent: Entity, name: str) -> None:
    """A number column other than an amount (Quantity, Discount) whose cells' number format
    shows a unit ('0 "dozen"', '0" 箱"', '0.0 "kg"'): read as the same text in a CSV would be
    (domain.models: "2 dozen" is no count of items), never as the bare number. A counter of
    items ('0 "pcs"', '0" 件"') or a percent sign is the number itself; any other text stops
    the import before writing, naming the column, the text, its cells and the option."""
    from ..domain.models import _COUNTED

    odd = [(r, t, shown) for r, t, shown in found if "%" not in t and "‰" not in t
           and not shown.startswith(t)       # a label before the number ("Rabatt 15%"), no unit
           and not _COUNTED.match(f"2 {t.strip()}") and not _COUNTED.match(f"2{t.strip()}")]
    if not odd:
        return
    texts = Counter(t.strip() for _r, t, _s in odd)
    said = ", ".join(f"'{t}'" for t, _n in texts.most_common(3))
    examples = ", ".join(f"row {r}: '{shown}'" for r, _t, shown in odd[:3])
    field = mp.targets(ent).get(column.target, column.target)
    raise ImportRefused(
        f"{name}: column '{column.header}' is read as {field}, but {len(odd)} of its cells have a number "
        f"format that shows {said} ({examples}): the numbers are counted in that unit (a package, a number "
        f"of items or a measure), not as the {field} the store keeps; the same text written in the cells "
        f"is refused. Nothing was imported. Give the cells a format without the unit once they hold "
        f"the {field} itself, or --map \"{column.header.replace(chr(34), chr(39))}=Notes\" to keep them "
        "in Notes.")


def _minor_units(scan: "Scan", src: RawSheet, units, amount_scale, name: str) -> None:
    """A payment API's JSON export (Stripe, Adyen, Square) writes amounts in the currency's
    minor unit (1250 = 12.50 USD; JPY has none, KWD thousandths): taken so on the file's
    evidence and said; whole-number amounts beside lowercase currency codes with nothing
    saying which system stop, naming --amount-scale (paid_amount.minor_units)."""
    if amount_scale is not None or "amount" in units.scales:
        return
    tabular = src.format not in ("json", "jsonl")
    cols = scan.mapping.columns
    at = next((j for j, c in enumerate(cols) if c.target == "amount"), None)
    if at is None:
        return
    currency = next((c.header for c in cols if c.target == "currency"), None)
    with_decimals = scan.named is not None and cols[at].header in scan.named.major
    if tabular and (not scan.samples or at >= len(scan.samples) or not scan.samples[at]
                    or not all(re.fullmatch(r"-?\d+", str(v).strip()) for v in scan.samples[at])):
        return          # a table's amounts: whole numbers, none written with a sign or a mark
    found = paid_amount.minor_units([c.header for c in cols], scan.samples, cols[at].header, currency,
                                    with_decimals, tabular=tabular)
    if found is None:
        return
    verdict, evidence = found
    if verdict == "ask":
        raise ImportRefused(
            f"{name}: the amounts of '{cols[at].header}' are whole numbers ({evidence}): they may be in cents "
            "(a payment API's minor units) or as written. Nothing was imported. Give --amount-scale 0.01 if "
            "they are in cents, or --amount-scale 1 if they are as written.")
    units.scales["amount"] = paid_amount.MINOR
    scan.inferences.append({
        "what": f"amount scale of '{cols[at].header}'",
        "decided": "minor units of each row's currency (1250 USD is 12.50; JPY has none, KWD thousandths)",
        "evidence": f"a payment API's export ({evidence}) and every amount a whole number; "
                    "--amount-scale 1 takes the amounts as written"})


def _check_mapping(ent: Entity, m: mp.Mapping, src: RawSheet, also: str | None = None,
                   scan: "Scan | None" = None) -> None:
    """Refuse up front when a required field has no column at all; `also`: another
    problem that stops the import, said after it; `scan`: the first pass, whose sample
    values choose the column a suggested --map names (one whose values fit the field)."""
    if any(f.key == "amount" for f in ent.fields):
        # an amount before tax beside the amount with tax: the user says which (net_gross)
        at = next((j for j, c in enumerate(m.columns) if c.target == "amount"), None)
        asked = net_gross.question([c.header for c in m.columns], at,
                                   ("override" if m.columns[at].how in ("override", "profile") else m.columns[at].how)
                                   if at is not None else None, scan.samples if scan is not None else None)
        if asked is None and ent.kind == "opportunity":
            # a weighted value (Expected Revenue = Amount × Probability) is never the amount (paid_amount)
            asked = paid_amount.weighted_question(
                [c.header if c.how not in ("ignored", "override", "profile") else "" for c in m.columns],
                at is not None and (m.columns[at].how in ("override", "profile")
                                    or not paid_amount.is_weighted(m.columns[at].header)),
                scan.samples if scan is not None else None)
        if asked is not None:
            raise ImportRefused(asked + (f" Also: {also.replace(' Nothing was imported.', '')}" if also else ""))
    has = m.has
    missing: list[tuple[str, str]] = []        # (what has no column, the field --map takes)
    if ent.kind == "customer":
        if not any(has(t) for t in mp.CUSTOMER_NAME_SOURCES):
            missing.append(("Name", "Name"))
    else:
        if not mp.links_customer(m):
            missing.append(("Customer (a customer id or name column)", "Customer Name"))
        for f in ent.fields:
            if f.required and f.key != "customer_id" and f.default is None and not has(f.key):
                if f.key == "name" and any(has(t) for t in ("first_name", "last_name")):
                    continue
                missing.append((f.header, f.header))
    for key in plan.MUST_READ_OF.get(ent.kind, ()):
        if not has(key):       # an activity needs its date: none would be saved with one
            header = ent.field(key).header
            missing.append((f"{header} (the date of each {ent.label})", header))
    if missing:
        raise ImportRefused(_no_column_message(ent, m, src, missing, scan)
                            + (f" Also: {also.replace(' Nothing was imported.', '')}" if also else ""))


COLUMNS_SHOWN = 40       # a message names this many of a file's headings, then counts the rest


def _no_column_message(ent: Entity, m: mp.Mapping, src: RawSheet, missing: list[tuple[str, str]],
                       scan: "Scan | None" = None) -> str:
    """The refusal for fields no column of the file gives: which fields, the file's
    headings, and the --map (with one of the file's own headings, a column whose values
    fit the field: header_evidence.fitting_column) that says which it is; without a
    fitting column, no column is suggested."""
    shown = m.columns[:COLUMNS_SHOWN]
    cols = (", ".join(f"'{c.header}'" for c in shown) or "none") + (
        f" and {len(m.columns) - len(shown):,} more" if len(m.columns) > len(shown) else "")
    free = [c.header for c in m.columns if c.target is None and c.how == "unmapped"]
    example = (free or [c.header for c in m.columns] or ["Column"])[0].replace('"', "'")
    kind = next(k for k in mp.IMPORT_KINDS if mp.KINDS[k] == ent.kind)
    if (other := _sheet_with_columns(src, ent)) is not None:
        # another sheet of the workbook has the columns: a --map here would import junk
        quoted = f'"{other}"' if any(c.isspace() for c in other) or '"' in other else other
        return (f"{src.path.name}{_sheet_words(src)}: no column found for "
                + " and ".join(what for what, _field in missing) + f" (columns: {cols}). Nothing was imported. "
                f"Sheet '{other}' has the columns: import it with --sheet {quoted}.")
    said = f"--map \"{example}={missing[0][1]}\""
    fit_note = ""
    if scan is not None:
        said, fit_note = _fitting_map(ent, m, scan, missing[0][1])
    elif free:
        said = f"--map \"Column={missing[0][1]}\""
    parts = (mp.name_part_columns(free) if missing[0][1] == "Customer Name"
             and "customer_last_name" in mp.targets(ent) else {})
    if len(parts) == 2:
        # a customer's name in two columns: both mapped, so no part of it is lost
        said = " ".join(f"--map \"{parts[k].replace(chr(34), chr(39))}=Customer {label} Name\""
                        for k, label in (("last_name", "Last"), ("first_name", "First")))
        fit_note = ""
    keys = [h for h in free if mp.is_search_key(h)] if missing[0][1] in ("Name", "Customer Name") else []
    if keys:
        fit_note += (" " + ", ".join(f"'{h}'" for h in keys) + " is a search key (a sorting key such as "
                     "'MUELLER'), never a name: it is not suggested.")
    return (f"{src.path.name}{_sheet_words(src)}: no column found for "
            + " and ".join(what for what, _field in missing) + f" (columns: {cols}). Nothing was imported. "
            + (f"Say which column it is with --map \"Column=Field\", e.g. {said} " if said else fit_note)
            + f"(`cims import fields --kind {kind}` lists the fields)."
            + (fit_note if said else "")
            + mp.kind_advice(ent, [c.header for c in m.columns]))


# Headings of a record's status or state in the languages the importer reads: a deals
# file's unmapped column so headed may hold the deals' stage.
_STATUS_WORDS = ("status", "statut", "état", "etat", "estado", "stato", "situação", "zustand",
                 "stav", "durum", "статус", "состояние", "állapot", "trạng thái", "สถานะ", "状态", "狀態", "状況",
                 "ステータス", "상태")


def _check_stage(m: mp.Mapping, src: RawSheet, scan: "Scan") -> list[dict]:
    """A deals file with no Stage column (nor a won/lost status) would store every deal
    as Lead, 10 %: stop when an unmapped column may hold the stage (its heading holds a
    stage or status word, mapping.STAGE_WORDS / _STATUS_WORDS, or one of its values is a
    stage or won/lost word of some CRM), naming the columns, their values and the --map
    that says so. With no such column, the summary says every deal is a Lead (the
    file's Probability, where it has one, is kept). Returns the summary's line, or []."""
    if m.has("stage") or m.has("deal_status"):
        return []
    from .values import deal_status_stage
    from ..domain.models import validate_record
    from ..errors import ValidationFailed

    def reads_stage(text: str) -> bool:
        try:
            if validate_record(mp.entity_for("opportunities"), {"stage": text}, partial=True).get("stage"):
                return True
        except ValidationFailed:
            pass
        try:
            return deal_status_stage(text) is not None
        except ValueError:
            return False

    found = []
    for j, c in enumerate(m.columns):
        if c.target is not None or c.how not in ("unmapped",):
            continue
        values = scan.samples[j] if j < len(scan.samples) else []
        n = mp.norm(c.header)
        worded = any(mp._contains_word(c.header, n, w) for w in (*mp.STAGE_WORDS, *_STATUS_WORDS))
        if worded or any(reads_stage(v) for v in values if v):
            found.append((c.header, values))
    if found:
        shown = "; ".join(f"'{h}'" + (" (e.g. " + ", ".join(f"'{v}'" for v in vals[:SAMPLES]) + ")" if vals else "")
                          for h, vals in found[:5])
        first = found[0][0].replace('"', "'")
        raise ImportRefused(
            f"{src.path.name}{_sheet_words(src)}: no column was read as the deals' Stage, so every deal would be "
            f"stored as Lead (10 %), a guess. Nothing was imported. The column(s) {shown} may hold it: say so "
            f"with --map \"{first}=Stage\" (or --map \"{first}=Deal Status\" for open/won/lost), or "
            f"--map \"{first}=-\" if it holds no stage (`cims import fields --kind opportunities` lists the fields).")
    return [{"what": "stage", "decided": "Lead for every deal (the store's first stage)",
             "evidence": "the file has no Stage or deal status column, and no other column's heading or values "
                         "name a stage; a Stage column in the file (or --map \"Column=Stage\") says where each "
                         "deal is"}]


_NAME_KEYS = frozenset({"name", "customer_name", "company", "customer_company", "first_name", "last_name",
                        "customer_first_name", "customer_last_name"})


# Headings of a category or a direction column (a transaction's type, income or expense):
# its values are a few words repeated, never whom a row is about ("交易类型", "구분", "收/支").
_CATEGORY_WORDS = ("type", "category", "kind", "class", "typ", "art", "kategorie", "tipo", "categoría", "categoria",
                   "catégorie", "categorie", "genre", "类型", "類型", "类别", "類別", "分类", "分類", "种类", "種類",
                   "区分", "區分", "種別", "구분", "유형", "종류", "분류", "收/支", "收支", "収支", "입출금", "入出金",
                   "direction", "debit/credit", "dr/cr", "in/out", "income/expense")


def _names_another_field(header: str) -> bool:
    """Does a heading name a field other than a name in some kind of record ("Status",
    "Subject", "Memo/Description") or a category ("交易类型", "구분")? Its column is no
    name, whatever its values look like."""
    return _field_named(header) is not None


def _field_named(header: str) -> str | None:
    """What a heading names other than a name ("Tax (orders)", "a category"), or None."""
    n = mp.norm(header)
    if any(mp._contains_word(header, n, w) if mp.norm(w) == w.casefold() else w in header.casefold()
           for w in _CATEGORY_WORDS):
        return "a category"
    words = [header, *(w for w in re.split(r"[\W_]+", header) if len(w) > 2)]
    for k in mp.IMPORT_KINDS:
        ent = mp.entity_for(k)
        for word in words if len(words) > 2 else words[:1]:
            target = mp.build_mapping(ent, [word]).columns[0].target
            if target is not None and target not in _NAME_KEYS:
                return f"{mp.targets(ent).get(target, target)} ({k})"
        # a deal's own name ("Nom de la transaction", "Deal Name") names the deal, no person
        # or company (a one-word "Name" is every kind's and stays a name)
        if ent.kind == "opportunity" and mp.build_mapping(ent, [header]).columns[0].target == "name" \
                and mp.build_mapping(mp.entity_for("customers"), [header]).columns[0].target is None:
            return "a deal's name (opportunities)"
    return None


def _fitting_map(ent: Entity, m: mp.Mapping, scan: "Scan", field: str) -> tuple[str | None, str]:
    """(the --map to suggest for `field`, naming a free column whose sample values fit it,
    or None; a sentence to add). With no fitting column the sentence says so (and names
    no column); when no heading of the file names a field of any kind and the fitting
    column's heading is shaped like its values ("Ann Lee" over names), it says the
    first row may be data, and offers --no-header."""
    target = next((f for f in ent.fields if f.header == field), None)
    kind, key = ((target.kind, target.key) if target is not None else ("name", "customer_name"))
    if field in ("Name", "Customer Name"):
        # a customers file names each customer once; other records name theirs again and again
        kind, key = "name", ("name" if field == "Name" else "customer_name")
    free = [(j, c.header) for j, c in enumerate(m.columns) if c.target is None and c.how == "unmapped"
            and not _names_another_field(c.header)
            and not (kind == "name" and mp.is_search_key(c.header))]     # "Matchcode": a sorting key
    counted = any(c.target == "quantity" for c in m.columns)     # a Qty column: a Price is per unit
    per_unit = [h for _j, h in free if kind == "money" and (net_gross.is_unit_price(h)
                                                             or (counted and net_gross.is_price(h)))]
    if per_unit:
        # a price per unit is not the amount: 3 mugs at 12.50 are 37.50, never 12.5
        free = [(j, h) for j, h in free if h not in per_unit]
    samples = scan.samples
    columns = [(h, samples[j] if j < len(samples) else []) for j, h in free]
    fit = header_evidence.fitting_column(kind, key, columns, varied=kind == "name")
    what = {"name": "names", "date": "dates", "datetime": "dates and times", "money": "amounts",
            "decimal": "numbers", "int": "whole numbers", "email": "email addresses",
            "phone": "phone numbers"}.get(kind, f"values of {field}")
    unit_note = (f"'{per_unit[0]}' is a price per unit, not the amount (a quantity multiplies it): it is not "
                 "suggested; give the file a column with each line's total. " if per_unit else "")
    if fit is None:
        # columns whose values fit but whose heading names another field ("Tax Amount",
        # "Due Date"): said, with why each was not taken
        held = [(c.header, named) for j, c in enumerate(m.columns)
                if c.target is None and c.how == "unmapped" and (named := _field_named(c.header))
                and header_evidence.fits(kind, key, samples[j] if j < len(samples) else [])]
        if held:
            shown = " and ".join(f"'{h}'" for h, _named in held[:3])
            why = "; ".join(f"'{h}': {named}" for h, named in held[:3] if not named.startswith(field + " "))
            first = held[0][0].replace('"', "'")
            return None, (f"{unit_note}{shown} hold{'s' if len(held) == 1 else ''} {what}, but the heading "
                          f"names something else than the {ent.label.lower()}'s own {field} (a tax, a balance or a due date is no "
                          f"{field}{'; ' + why if why else ''}), so no column was taken; if one is, say so with "
                          f"--map \"{first}={field}\" ")
        # a column left out as another system's bookkeeping ("created_at", "updated_at") whose
        # values fit: named, never "no column's values look like dates"
        left = [c.header for j, c in enumerate(m.columns) if c.target is None and c.how == "ignored"
                and header_evidence.fits(kind, key, samples[j] if j < len(samples) else [])]
        if left:
            shown = " and ".join(f"'{h}'" for h in left[:3])
            first = left[0].replace('"', "'")
            return None, (f"{unit_note}{shown} hold{'s' if len(left) == 1 else ''} {what}, but "
                          f"{'its heading is' if len(left) == 1 else 'their headings are'} a record's own "
                          f"bookkeeping (when a row was entered or changed, not the {ent.label.lower()}'s "
                          f"{field}), so no column was taken; if one is, say so with --map \"{first}={field}\" ")
        return None, (f"{unit_note}No column's values look like {what}, so no column is suggested; if one holds "
                      f"them, say which with --map \"Column=Field\", e.g. --map \"Column={field}\" ")
    said = f"--map \"{fit.replace(chr(34), chr(39))}={field}\""
    note = f" {unit_note.strip()}" if unit_note else ""
    j = next(j for j, h in free if h == fit)
    headers = [c.header for c in m.columns]
    names_nothing = not any(mp.known_header_count(mp.entity_for(k), headers) for k in mp.IMPORT_KINDS)
    if names_nothing and header_evidence.fits(kind, key, [fit]) and j < len(scan.table.columns):
        letter = column_letter(scan.table.columns[j])
        note = (f" If '{fit}' is not a heading but the first record, the file has no header row: give "
                f"--no-header --map \"{letter}={field}\" instead.")
    return said, note


SHEETS_LOOKED_AT = 20     # other sheets read for the columns a refusal misses


def _sheet_with_columns(src: RawSheet, ent: Entity) -> str | None:
    """The first other visible sheet with values (`src.unread_sheets`: the sheet was
    chosen, not given) whose header has a column for every field `ent` cannot do without;
    None when there is none or the file is no workbook."""
    for name in src.unread_sheets[:SHEETS_LOOKED_AT]:
        try:
            other = open_sheet(src.path, name)
        except ImportRefused:
            continue
        try:
            window: list[tuple[int, list]] = []
            for number, values in other.rows():
                if any(not is_blank_cell(v) for v in values):
                    window.append((number, values))
                    if len(window) >= HEADER_WINDOW:
                        break
            if not window:
                continue
            i = find_header(window, lambda hs: mp.known_header_count(ent, hs))
            table = build_table(window[i][0], window[i][1], skipped_above=i)
            if mp._has_required(ent, mp.build_mapping(ent, table.headers)):
                return name
        except ImportRefused:
            continue
        finally:
            other.close()
    return None


# ----- the store, as the planner sees it ------------------------------------------------

class _SessionStore:
    def __init__(self, session):
        self.session = session

    def customer_rows(self):
        store = self.session.store
        # A customer a merge retired stays stored: its email, numbers and name are the kept
        # customer's (services.merge), so a row with them duplicates that one. First, so
        # that what is said of the kept customer itself is its own (read after).
        from ..services.merge import retired_map

        retired = retired_map(self.session)
        if retired:
            for rec in store.fetch_records(CUSTOMER, ids=list(retired), include_deleted=True):
                yield (int(retired[rec["id"]].rsplit("-", 1)[1]),
                       *(rec.get(k) for k in ("name", "company", "email", "phone", "mobile", "tags", "type")))
        yield from store.iter_column_tuples(
            CUSTOMER, ["seq", "name", "company", "email", "phone", "mobile", "tags", "type"])

    def kind_rows(self, kind):
        from ..services import records
        yield from records.list_records(self.session, kind)

    def fetch(self, kind, ids):
        from ..services import records
        if not ids:
            return {}
        return {r["id"]: r for r in records.list_records(self.session, kind, ids=list(dict.fromkeys(ids)))}

    def orders_numbered(self, numbers):
        from ..services import records
        return {n: records.list_records(self.session, "order", order_number=n) for n in dict.fromkeys(numbers)}


# ----- the use case -----------------------------------------------------------------------

def _refund_headers(ent: Entity, headers: list[str]) -> set[str]:
    """The columns of an amount refunded an order file's rows subtract (importer.refunds):
    no field takes them, but they are used, not left unmapped."""
    if ent.kind != "order":
        return set()
    return {headers[i] for i in refunds.refund_columns(headers)}


def _with_refund_columns(ent: Entity, rows: list[dict]) -> list[dict]:
    """The mapping table, a refunded-amount column shown as used (subtracted from Amount)."""
    used = _refund_headers(ent, [str(r.get("column")) for r in rows])
    for r in rows:
        if str(r.get("column")) in used and not r.get("field") and r.get("how") == "unmapped":
            r["field"] = "refunded: subtracted from Amount (kept in Notes)"
            r["how"] = "refund"
    return rows


def _not_refund_columns(ent: Entity, unmapped: list[str]) -> list[str]:
    used = _refund_headers(ent, [str(h) for h in unmapped])
    return [h for h in unmapped if str(h) not in used]


@collector_paused
def import_file(session, path: str | Path, *, kind: str | None = None, sheet: str | int | None = None,
                profile: str | None = None, **options) -> ImportResult:
    """Import a spreadsheet or CSV file; see `_import_file` for the options.

    With `profile`, the reading options it keeps (PROFILE_OPTIONS: date order, calendar,
    decimal mark, encoding, amounts per order or line; the currency is taken as given)
    settle only what this file's own evidence cannot: the file is read without them first, and each is taken
    from the profile when, and only when, the import would stop for want of it (the
    stop names the option). A profile saved from last month's file never overrides
    what this file's values show (its dates, numbers, bytes): the file may not be like
    last month's.
    """
    saved = mp.load_profile(profile) if profile else None
    waiting = {name: str(saved[name]) for name in PROFILE_OPTIONS
               if saved and saved.get(name) and options.get(name) is None}
    _check_profile_options(mp.entity_for(kind or "customers"), profile, waiting)
    # The currency is what a file's bare amounts are in when nothing in the file names
    # one (the store's otherwise, without a stop): the profile's is taken at once, and a
    # currency the amounts name still wins over it, as over --currency.
    use: dict[str, str] = {k: v for k, v in waiting.items() if k == "currency"}
    while True:
        try:
            return _import_file(session, path, kind=kind, sheet=sheet, profile=profile,
                                _profile_use=dict(use), **options)
        except ImportRefused as exc:
            wanted = next((name for name in waiting if name not in use and
                           _names_option(exc.message, name)), None)
            if wanted is None:
                raise
            use[wanted] = waiting[wanted]


def _check_profile_options(ent: Entity, profile: str | None, options: dict[str, str]) -> None:
    """ImportRefused naming the profile when a reading option it keeps cannot be used
    (a hand-edited file), before anything is read, whether this file needs it or not."""
    for name, value in options.items():
        try:
            _checked_option(ent, name, value)
        except ImportRefused as exc:
            raise ImportRefused(f"profile '{profile}' holds {option_flag(name)} {value!r}, which cannot be "
                                f"used: {exc.message} Give the option to say otherwise, or import once with it "
                                "and --profile to save it.") from None


def _checked_option(ent: Entity, name: str, value):
    """A reading option's value as the import uses it (None stays None); ImportRefused
    naming the option when it cannot be used."""
    if value is None:
        return None
    if name == "date_order":
        return _choice("--date-order", str(value).upper(), DATE_ORDERS)
    if name == "decimal":
        return _choice("--decimal", value, ("comma", "point"))
    if name == "calendar":
        return _choice("--calendar", str(value).lower(), tuple(nz.CALENDAR_SHIFTS))
    if name == "ledger":
        return _choice("--ledger", str(value).lower(), ledger_marks.LEDGERS)
    if name == "date_cells":
        return _choice("--date-cells", str(value).lower(), DATE_CELLS)
    if name == "continued":
        return continued_rows.check_choice(value)
    if name == "amount_per":
        value = shop_orders.check_amount_per(value)
        if value and ent.kind != "order":
            raise ImportRefused(f"--amount-per applies to orders, not {ent.kind} records")
        return value
    if name == "currency":
        try:
            code = money.check_currency(value)
        except ValueError as exc:
            raise ImportRefused(f"--currency: {exc}") from None
        if code is None:
            raise ImportRefused("--currency needs an ISO 4217 code such as USD or EUR")
        if not has_currency(ent):
            raise ImportRefused(f"--currency applies to orders and opportunities, not {ent.kind} records")
        return code
    if name == "encoding":
        try:
            codecs.lookup(value)
        except LookupError:
            raise ImportRefused(f"--encoding: no encoding called {value!r}") from None
    return value


def _zoneless_inference(counts: Counter, zone) -> dict:
    """The summary's line for dates and times the file wrote without a zone: the zone
    they were taken in (the one cims shows times in) and what set it."""
    said = [f"{counts[k]:,} {what}" for k, what in (("times", "time(s)"), ("dates", "date(s) without a time"))
            if counts.get(k)]
    return {"what": "times without a zone",
            "decided": f"taken in {zone_label(zone)}",
            "evidence": " and ".join(said) + " name no zone: clock times in the zone cims shows times in "
                        f"({display_zone_source()}). Times with Z, an offset or a zone name keep their own"}


def _names_option(message: str, name: str) -> bool:
    """Whether a stop message asks for option `name` ("--date-order DMY|MDY", …)."""
    return re.search(rf"{re.escape(option_flag(name))}\b", message) is not None


def _import_file(session, path: str | Path, *, kind: str | None = None, sheet: str | int | None = None,
                mapping=None, profile: str | None = None, date_order: str | None = None,
                on_duplicate: str = "skip", update_mode: str = "fill", dry_run: bool = False,
                error_report=None, progress: Progress | None = None,
                region: str | None = None, currency: str | None = None,
                encoding: str | None = None, decimal: str | None = None,
                amount_per: str | None = None, values=None, chunk_rows: int = CHUNK_ROWS,
                calendar: str | None = None, no_header: bool | None = None, ledger: str | None = None,
                amount_scale=None, continued: str | None = None, date_cells: str | None = None,
                 year=None, rejoin=None, discount: str | None = None, struck: str | None = None,
                 time_unknown: str | None = None, fill_down=None, _profile_use: dict | None = None) -> ImportResult:
    """Import a spreadsheet or CSV file; see the module docstring.

    mapping: --map values ("Source Column=Field", a list of them, or a dict);
    profile: a saved mapping to start from, saved back (with these overrides) after
    the run; date_order: DMY|MDY|YMD for every date column; on_duplicate:
    skip|update|create; update_mode: fill (only empty fields) | overwrite;
    progress(done_rows, total_rows, phase) is called per chunk; currency: the ISO 4217
    code of amounts in rows without a currency of their own (default: the field's, CNY);
    encoding: a text file's codec, when its bytes do not decide it (importer.encoding);
    decimal: "comma" or "point" for every number column, when its values do not
    decide it (importer.evidence); values: --value items ("Text in the file=Value",
    a list) saying what a stage, status, priority or currency the synonyms do not read is
    (importer.values); error_report(headers, left_out=positions) opens the
    report of rejected, duplicate and warned rows (`cims_xl.excel.import_report.error_report`
    (path) makes one: the importer writes no workbook itself).
    Every inference is listed in `ImportResult.inferences`; one the evidence cannot
    decide raises an ImportRefused subclass naming the column, examples and the option.
    amount_per: "order" or "line", what an amount repeated on the rows of one order is
    when the file does not tell (importer.shop_orders). kind: the records the rows are
    (customers when None: the summary then says it was not asked). no_header: the file
    has no header row (--no-header): columns A, B, C… by position, every row data; None
    (not given): as the profile says (saved from an import with --no-header), else False.
    ledger: "sales" or "bank", what the credit and debit marks of amounts ("99.90 CR",
    a Dr/Cr column) mean (importer.ledger_marks); without it such a file stops.
    amount_scale: what each written amount is multiplied by (10000 for 万, 0.01 for
    cents, 1 for as written), over the scale a heading or a line above the header
    states (importer.amount_units).
    continued: "fold" or "records", what a row holding only a value right under a record
    is when the file holds both addresses and other values there (importer.continued_rows).
    """
    kind_asked = kind is not None
    ent = mp.entity_for(kind or "customers")
    session.ensure("import", ent.kind)
    overrides = mp.parse_overrides(mapping)
    saved = mp.load_profile(profile) if profile else None
    profile_map = dict((saved or {}).get("map", {}))
    if saved and saved.get("kind") and mp.entity_for(saved["kind"]).kind != ent.kind:
        raise ImportRefused(f"profile '{profile}' is for {saved['kind']}, not {ent.kind} records")
    # The options a profile keeps (PROFILE_OPTIONS) that this file's evidence could not
    # settle (`_profile_use`, see import_file); the summary says which came from it, and
    # which the profile holds but the file did not need.
    given = {"date_order": date_order, "calendar": calendar, "decimal": decimal, "encoding": encoding,
             "amount_per": amount_per, "currency": currency, "ledger": ledger, "date_cells": date_cells,
             "continued": continued}
    from_profile: dict[str, str] = {}      # option -> its value, where the profile gave it
    unused: dict[str, str] = {}            # kept in the profile, not needed by this file
    for name in PROFILE_OPTIONS:
        if given[name] is None and saved and saved.get(name):
            if name in (_profile_use or {}):
                given[name] = str(saved[name])
                from_profile[option_flag(name)] = given[name]
            else:
                unused[name] = str(saved[name])
    date_order, calendar, decimal, encoding, amount_per, currency, ledger, date_cells, continued = (
        given[k] for k in ("date_order", "calendar", "decimal", "encoding", "amount_per", "currency", "ledger",
                           "date_cells", "continued"))
    if sheet is None and saved and saved.get("sheet"):
        sheet = saved["sheet"]
    # a profile saved from a file without a header row reads next month's file alike
    no_header_from = profile if no_header is None and saved and saved.get("no_header") is True else ""
    no_header = bool(no_header_from) or bool(no_header)
    if not values and saved and isinstance(saved.get("values"), list):
        values = [str(v) for v in saved["values"]]
    on_duplicate = _choice("--on-duplicate", on_duplicate, ON_DUPLICATE)
    update_mode = _choice("--update-mode", update_mode, UPDATE_MODES)
    if date_cells is not None:
        date_cells = _choice("--date-cells", date_cells, DATE_CELLS)
    # (a profile's values were checked by import_file, with the profile named)
    date_order, decimal, calendar, amount_per, currency, ledger = (
        _checked_option(ent, name, value) for name, value in (
            ("date_order", date_order), ("decimal", decimal), ("calendar", calendar),
            ("amount_per", amount_per), ("currency", currency), ("ledger", ledger)))
    if amount_scale is not None:
        try:
            amount_scale = amount_units.check_scale(amount_scale)
        except ValueError as exc:
            raise ImportRefused(f"--amount-scale: {exc}") from None
        if not has_currency(ent):
            raise ImportRefused(f"--amount-scale applies to orders and opportunities, not {ent.kind} records")
    continued = continued_rows.check_choice(continued)
    year = yearless_dates.check_year(year)
    rejoin = split_fields.check_rejoin(rejoin)
    struck = struck_rows.check_choice(struck)
    if time_unknown is not None:
        time_unknown = _choice("--time-unknown", time_unknown, TIME_UNKNOWN)
    if region is not None:
        try:
            region = nz.check_region(region)
        except ValueError as exc:
            raise ImportRefused(f"--region: {exc}") from None
    set_region = None if region is not None else _store_region(session)   # `cims settings region`
    assumed = _assumed_region(session) if region is None and set_region is None else DEFAULT_REGION
    path = Path(path)

    values_given = parse_values(ent, values)
    src = open_sheet(path, sheet, encoding=encoding, own_sheet=_own_sheet_of(ent))
    try:
        # another sheet named for these records, with more of their fields, stops it
        if (weighed := sheet_choice.check(src, ent, lambda name: open_sheet(path, name))) is not None:
            src.sheet_evidence = f"{src.sheet_evidence or ''}; {weighed}"
        if progress:
            progress(0, 0, "reading")
        def scan_of(src: RawSheet, mapped: dict) -> Scan:
            return _scan(src, ent, overrides, profile_map, date_order, decimal, amount_per,
                         phone_region=None if region else set_region or assumed, values_given=values_given,
                         mapped=mapped, calendar=calendar, currency=currency, no_header=no_header,
                         region_assumed=region is None and set_region is None, ledger=ledger,
                         no_header_from=no_header_from, area_region=region or set_region,
                         continued=continued, date_cells=date_cells, year=year, rejoin=rejoin, struck=struck,
                         time_unknown=time_unknown, fill_down=fill_down,
                         store_currency=_store_currency(session) if has_currency(ent) else None)

        def derived_of(table, mapping) -> derived_amount.Derived | None:
            # no amount column, but Debit and Credit, or a unit price and a quantity (derived_amount)
            return derived_amount.find({f.key for f in ent.fields}, table.headers, table.columns,
                                       [c.target for c in mapping.columns]) if not no_header else None

        mapped: dict = {}
        derived = None
        try:
            try:
                scan = scan_of(src, mapped)
            except ImportRefused:
                if "table" not in mapped or (derived := derived_of(mapped["table"], mapped["mapping"])) is None:
                    raise
                header_row = mapped["table"].header_row
            else:
                if (derived := derived_of(scan.table, scan.mapping)) is not None:
                    header_row = scan.table.header_row
            if derived is not None:
                src = derived_amount.with_column(src, derived, header_row)
                mapped = {}
                try:
                    scan = scan_of(src, mapped)
                except ImportRefused as exc:
                    exc.message = f"{derived.said()}. {exc.message}"     # the 'Amount' it names is made so
                    exc.args = (exc.message,)
                    raise
                scan.inferences.insert(0, derived.inference())
        except ImportRefused as exc:
            if "mapping" in mapped:      # a missing column stops it too: say both at once
                _check_mapping(ent, mapped["mapping"], src, also=str(exc))
            raise
        _check_mapping(ent, scan.mapping, src, scan=scan)
        if any(f.key == "amount" for f in ent.fields) and (at := next(
                (j for j, c in enumerate(scan.mapping.columns) if c.target == "amount"), None)) is not None \
                and (line := net_gross.taken([c.header for c in scan.mapping.columns], at,
                                             scan.mapping.columns[at].how)) is not None:
            scan.inferences.append(line)
        if scan.amount_parts is not None and (at := next(
                (j for j, c in enumerate(scan.mapping.columns) if c.target == "amount"), None)) is not None \
                and scan.mapping.columns[at].how not in ("override", "profile", "evidence") \
                and net_gross.taken([c.header for c in scan.mapping.columns], at,
                                    scan.mapping.columns[at].how) is None:
            # a total beside a subtotal or net amount: the rows' values confirm it or stop the import
            line, refused = scan.amount_parts.decide(scan.table.columns[at], scan.decimal_marks.get("amount"))
            if refused is not None:
                raise ImportRefused(f"{path.name}{_sheet_words(src)}: {refused}")
            if line is not None:
                scan.inferences.append(line)
        if any(f.key == "amount" for f in ent.fields) or any(f.key == "customer_name" for f in ent.fields):
            # the amount paid beside a total, the buyer beside the recipient: said (paid_amount)
            cols = scan.mapping.columns
            scan.inferences.extend(paid_amount.decisions([c.header for c in cols], [c.target for c in cols],
                                                         [c.how for c in cols]))
        if not kind_asked and not (saved and saved.get("kind")):
            _refuse_other_kind(ent, scan.table.headers, src)
        if no_header:
            _check_columns_by_position(ent, scan, src, no_header_from)
        absent = _profile_columns_absent(profile_map, scan.mapping)
        if absent:
            labels = mp.targets(ent)
            scan.inferences.insert(0, {
                "what": f"columns of profile '{profile}' not in this file",
                "decided": ", ".join(f"'{h}' ({'left out' if t == mp.IGNORE else labels.get(t, t)})"
                                     for h, t in list(absent.items())[:8]) + (" …" if len(absent) > 8 else ""),
                "evidence": "the profile maps them, this file has no such column: their fields are not "
                            "filled from it (the profile keeps them for files that have them)"})
        if ent.kind == "opportunity":
            scan.inferences.extend(_check_stage(scan.mapping, src, scan))
        if from_profile:
            scan.inferences.insert(0, {
                "what": f"options from profile '{profile}'",
                "decided": ", ".join(f"{k} {v}" for k, v in from_profile.items()),
                "evidence": "this file's values could be read more than one way; the profile says how an "
                            "earlier file was read. Give the option again to say otherwise"})
        if unused:
            scan.inferences.insert(0, {
                "what": f"options kept in profile '{profile}', not used",
                "decided": ", ".join(f"{option_flag(k)} {v}" for k, v in unused.items()),
                "evidence": "this file's own values decide (see the lines below); the profile keeps them "
                            "for files that cannot"})
        store_currency = _store_currency(session) if has_currency(ent) else None
        kinds = {f.key: f.kind for f in ent.fields}
        units = amount_units.decide(
            [(c.header, c.target) for c in scan.mapping.columns if c.target and kinds.get(c.target) == "money"],
            [c.header for c in scan.mapping.columns if c.target and kinds.get(c.target) in ("int", "decimal")],
            scan.units_above, amount_scale, currency, f"{path.name}{_sheet_words(src)}",
            scan.named.format_units if scan.named is not None else {}, store=store_currency,
            major=scan.named.major if scan.named is not None else {},
            named=_named_currencies(scan.named))
        scan.inferences.extend(units.lines)
        scan.inferences.extend(_format_texts(scan, src, ent, amount_scale, f"{path.name}{_sheet_words(src)}"))
        scan.inferences.extend(_refuse_heading_against_column(scan, f"{path.name}{_sheet_words(src)}"))
        if scan.rates is not None:
            scan.inferences.extend(scan.rates.decide(f"{path.name}{_sheet_words(src)}", store_currency))
        _minor_units(scan, src, units, amount_scale, f"{path.name}{_sheet_words(src)}")
        if scan.format_marks is not None:
            scan.inferences.extend(scan.format_marks.settle(f"{path.name}{_sheet_words(src)}", amount_scale))
        stated_currency = currency or units.currency      # --currency, else a line above the header
        prefer: tuple[str, ...] = ()
        if scan.named is not None:
            prefer, currency_inferences = settle_bare_symbols(scan.named, stated_currency, store_currency,
                                                              (values_given or {}).get("currency"))
            said = {i["what"] for i in units.lines}      # "Amount (pence)": said with its minor unit
            scan.inferences.extend(i for i in currency_inferences if i["what"] not in said)
        file_currency = None
        plain = PlainVerdict()
        if scan.plain is not None and stated_currency is None:
            plain = scan.plain.decide(store_currency, prefer,
                                      _writers_language(scan.named))     # raises where it cannot tell
            file_currency = plain.currency
            scan.inferences.extend(plain.lines)
        discount_as = None
        if scan.discount is not None:
            discount_as, discount_lines = discount_reading.decide(
                scan.discount[0], scan.discount[1], (discount or "").lower() or None,
                f"{path.name}{_sheet_words(src)}")      # raises where the values read both ways
            scan.inferences.extend(discount_lines)
        value_inferences, probability_scale = scan.values.decide() if scan.values else ([], None)
        if "probability" in scan.fraction_fields:
            # the column's fractions are read once, with its decimal mark (evidence.fraction_fields)
            probability_scale = None
            value_inferences = [i for i in value_inferences if not i["what"].startswith("probability in ")]
        scan.inferences.extend(value_inferences)
        options = Options(on_duplicate=on_duplicate, update_mode=update_mode, time_unknown=time_unknown,
                          discount_amount=discount_as == discount_reading.AMOUNT,
                          date_orders=scan.date_orders, calendars=scan.calendars,
                          compact_dates=scan.compact_dates,
                          unix_dates=scan.unix_dates, swapped_cells=scan.swapped_cells,
                          region=region or set_region or scan.file_region or assumed,
                          region_assumed=region is None and set_region is None and scan.file_region is None,
                          region_from="--region" if region else "store setting" if set_region
                          else "the file's evidence" if scan.file_region else "",
                          region_default=region is None and scan.file_region is None,
                          foreign_regions=scan.foreign_regions,
                          blank_country=scan.blank_country,
                          decimal_marks=scan.decimal_marks, fraction_fields=scan.fraction_fields,
                          mixed_shares=scan.mixed_shares, float_wholes=scan.float_wholes,
                          currency=stated_currency or file_currency, amount_scales=units.scales,
                          store_currency=store_currency, currency_follows=plain.assumed,
                          plain_signs=plain.signs or (scan.plain.country_signs() if scan.plain is not None
                                                      and currency else ()),
                          currencies=prefer, serial_offset=src.serial_offset,
                          amount_per=scan.amount_per, order_folds=scan.order_folds,
                          merged_further=scan.merged_further, merged_folds=scan.merged_folds,
                          not_done_rows=scan.not_done_rows,
                          refunds=scan.refunds, refund_rows=scan.refund_rows,
                          refund_outside=scan.refund_outside, refund_ids=scan.refund_ids,
                          refund_other_currency=scan.refund_other_currency,
                          related_rows=scan.related_rows, not_sale_rows=scan.not_sale_rows,
                          repeated_rows=scan.repeated_rows, shared_numbers=scan.shared_numbers,
                          value_map=scan.values.given if scan.values else values_given,
                          bool_map=scan.values.bool_map if scan.values else {}, probability_share=probability_scale == "share",
                          erased=_erased(session, ent), tz=display_zone(), file_refs=scan.file_refs,
                          marks_position=(scan.table.columns.index(scan.ledger[2]) if scan.ledger is not None
                                          and scan.ledger[2] in scan.table.columns else None),
                          time_columns=dict(scan.mapping.time_columns), area_prefix=scan.area_prefix,
                          cell_formulas=src.format == "csv", decimal_given=bool(decimal))
        result = ImportResult(file=str(path), kind=ent.kind, sheet=src.sheet, rows=scan.rows,
                              blank_rows=scan.blank_rows, footer_rows=len(scan.footer_rows),
                              other_table_rows=len(scan.other_rows), closed_rows=len(scan.closed_rows),
                              struck_rows=len(scan.struck_rows), dry_run=dry_run, header_row=scan.table.header_row,
                              above_header=scan.table.skipped_above,
                              encoding=src.encoding, delimiter=src.delimiter,
                              mapping=_with_refund_columns(ent, scan.mapping.describe()),
                              unmapped=_not_refund_columns(ent, scan.mapping.unmapped),
                              ignored=scan.mapping.ignored, samples=scan.samples, date_orders={
                                  scan.mapping.labels.get(k, k): v for k, v in scan.date_orders.items()},
                              inferences=_inferences(src, scan, options, ent, kind_asked),
                              unread_sheets=list(src.unread_sheets))
        report = (error_report(scan.table.headers, left_out=scan.mapping.secret_columns)
                  if error_report else None)
        users = UserValues(ent)
        if any(c.target in users.keys or c.target in {f"customer_{k}" for k in users.customer_keys}
               for c in scan.mapping.columns):
            from ..services.records import disabled_user_names, user_names
            users = UserValues(ent, user_names(session), disabled_user_names(session))
        watchers: list = [users]
        fallbacks = Fallbacks(ent, scan.mapping)       # "Email (2)" where "Email" is empty
        if ent.kind == "ticket":
            pauses = PendingPauses(next((c.header for c in scan.mapping.columns if c.target == "pending_since"), None))
            watchers.append(pauses)
        try:
            if dry_run:
                planner = Planner(ent, scan.mapping, options, _SessionStore(session))
                _run(src, scan, planner, result, report, progress, chunk_rows, writer=None, watchers=watchers,
                     fallbacks=fallbacks)
            else:
                from ..services import batches
                with session.unit_of_work() as uow:
                    planner = Planner(ent, scan.mapping, options, _SessionStore(session))
                    batch = batches.new_batch(session, ent.kind, path.name,
                                              summary={"file": path.name, "sheet": src.sheet})
                    result.batch = batch
                    # Chunk k is written on the store's worker thread while chunk k+1
                    # is read and planned here (reads in between wait for the writes).
                    with session.store.write_behind():
                        _run(src, scan, planner, result, report, progress, chunk_rows,
                             writer=_Writer(session, ent, batch, planner), watchers=watchers,
                             fallbacks=fallbacks)
                    if planner.linker is not None:      # the batch list shows them too
                        result.customers_created = planner.linker.new_count
                    batches.finish_batch(session, batch, _summary(result))
                    uow.commit()
        except BaseException as exc:
            if report is not None:
                # Ctrl-C during the commit: the import is saved, so is its report of rows not imported
                report.close() if isinstance(exc, InterruptedAfterSave) else report.discard()
            raise
        if users.seen:
            from ..services.records import user_names
            result.inferences += users.inferences(user_names(session),
                                                  {c.target: c.header for c in scan.mapping.columns if c.target})
        if planner.stored_refunds is not None:
            result.inferences += planner.stored_refunds.inference()
        result.inferences += fallbacks.inferences()
        if ent.kind == "ticket":
            result.inferences += pauses.inferences(_dt.datetime.now(_dt.timezone.utc))
        if planner.prep.several:
            result.inferences.append({
                "what": "several values in one cell",
                "decided": "the first in the field, the others in Notes",
                "evidence": "; ".join(f"'{c}': {k} cell(s)" for c, k in _in_file_order(planner.prep.several,
                                                                                    planner.prep.headers))
                + " with " + SEVERAL_SEPARATORS + " between values"})
        if spaced := planner.prep.context.get("spaced_numbers"):
            result.inferences.append({
                "what": "phone numbers one after another",
                "decided": "the first in the field, the others in Notes",
                "evidence": "; ".join(f"'{c}': {k} cell(s)" for c, k in _in_file_order(spaced, planner.prep.headers))
                + " of two or more whole valid phone numbers with only spaces between them (phonenumbers' "
                  "matcher finds each, marked by its country code or parentheses)"})
        if planner.prep.extensions:
            result.inferences.append({
                "what": "phone extensions",
                "decided": "the number in the field (E.164 holds no extension nor a remark such as '(WhatsApp only)'), the whole text in Notes",
                "evidence": "; ".join(f"'{c}': {k} cell(s)" for c, k in _in_file_order(planner.prep.extensions,
                                                                                    planner.prep.headers))})
        if alternatives := planner.prep.context.get("phone_alternatives"):
            result.inferences.append({
                "what": "phone numbers with another ending",
                "decided": "the number before the slash in the field, the whole text in Notes",
                "evidence": "; ".join(f"'{c}': {k} cell(s)" for c, k in _in_file_order(alternatives,
                                                                                    planner.prep.headers))
                + " end with '/' and 1-2 digits ('030 1234567/8': …567 and …568), another line's "
                  "ending, not more digits of the number"})
        if placeholders := planner.prep.context.get("placeholders"):
            result.inferences.append(_placeholders_inference(placeholders, planner.prep.headers))
        if forms := planner.prep.context.get("legal_forms"):
            result.inferences.append(_legal_forms_inference(forms, ent))
        if own := planner.prep.context.get("own_shaped_refs"):
            shown = ", ".join(f"'{r}'" for r in list(own)[:3]) + (" …" if len(own) > 3 else "")
            result.inferences.append({
                "what": "old ids written as cims's own",
                "decided": f"{sum(own.values()):,} customer(s) keep their old id ({shown}) as the tag src:<id>, "
                           "but cims's own ids are written the same way: CIMS_GET, search and `customer show` of such "
                           "an id open cims's customer of that id, not this one",
                "evidence": "the file's customer id column holds ids shaped as cims's (C-000123); find these "
                            "customers by name or by their tag (`cims customer search --tag src:C-000001`), or rename the old ids before importing"})
        id_dates: dict[str, list[tuple[str, int]]] = {}
        for (column, value), k in (planner.prep.context.get("id_dates") or {}).items():
            id_dates.setdefault(column, []).append((value, k))
        for column, dates in id_dates.items():
            shown = ", ".join(f"'{d}'" for d, _k in dates[:3])
            result.inferences.append({
                "what": f"column '{column}': ids that are dates",
                "decided": f"{sum(k for _d, k in dates)} value(s) stored as read, such as {shown}: check them",
                "evidence": "an id column holding dates: Excel turns ids such as 10-12 or 1/3 into dates when "
                            "a file is opened in it, and the id as it was cannot be read back from the file. "
                            "Export the ids again from the system that made them, as text"})
        for (column, sign), k in sorted((planner.prep.context.get("short_signs") or {}).items()):
            try:
                code, _assumed = money.currency_of_token(sign, planner.prep.context.get("currencies") or ())
            except money.CurrencyError:
                continue                      # refused with the candidates (the first pass stops)
            result.inferences.append({
                "what": f"column '{column}': currency sign '{sign}'",
                "decided": f"{k} amount(s) read as {code}",
                "evidence": f"CLDR writes '{sign.rstrip('.')}' for {', '.join(money.short_sign_codes(sign)) or code} "
                            "in some locale; a one-letter sign is read only before a number "
                            "(after one it is no currency: 12K is thousands)"})
        if boxes := planner.prep.context.get("name_mailboxes"):
            result.inferences.append({
                "what": "names written with an email address",
                "decided": "the name is the text before the address; the address goes to Email when the row "
                           "has none (to Notes when it has another)",
                "evidence": "; ".join(f"'{c}': {k} cell(s) written 'Name <address>'"
                                      for c, k in _in_file_order(boxes, planner.prep.headers))})
        if parts := planner.prep.context.get("attention_parts"):
            result.inferences.append({
                "what": "attention lines inside names",
                "decided": "the name is the text before the attention line; the attention line (the person "
                           "it is for) goes to Notes",
                "evidence": "; ".join(f"'{c}': {k} cell(s) with 'z. Hd.', 'c/o', 'Attn', 'À l'attention de' or "
                                      "the like after the name" for c, k in _in_file_order(parts, planner.prep.headers))})
        if utc := planner.prep.context.get("utc_dates"):
            moved = planner.prep.context["utc_dates_moved"]
            result.inferences.append({
                "what": "times written in UTC",
                "decided": f"dated in {zone_label(options.tz)}, the zone cims shows times in",
                "evidence": "; ".join(f"'{c}': {k} time(s) " + (
                    "without a zone, the heading naming UTC" if planner.prep.context.get("utc_headed", {}).get(c) == k
                    else "with Z or +00:00") + (
                    f", {moved[c]} of them on another day there than in UTC" if moved.get(c) else "")
                    for c, k in _in_file_order(utc, planner.prep.headers))
                    + f" ({display_zone_source()}). A time with another offset keeps the date written"})
        for field, k in (planner.prep.context.get("zone_headed") or {}).items():
            column = planner.prep.source_of.get(field, field)
            found = heading_tz(column)
            if found is None:
                continue
            result.inferences.append({
                "what": f"times written in {found[1]}",
                "decided": f"'{column}': read as moments in {found[1]} (shown in {zone_label(options.tz)})",
                "evidence": f"'{column}': {k} time(s) without a zone of their own, the heading naming "
                            f"{found[1]}. A time with its own offset is read by it"})
        if zoneless := planner.prep.context.get("zoneless"):
            result.inferences.append(_zoneless_inference(zoneless, options.tz))
        if finer := planner.prep.context.get("finer_than_minor"):
            result.inferences.append(_finer_than_minor_inference(finer, planner.prep.context[
                "finer_than_minor_examples"]))
        if first := planner.prep.context.get("company_first"):
            shown = sorted(planner.prep.context["company_first_examples"])
            result.inferences.append({
                "what": "names written 'Company, Person'",
                "decided": "; ".join(f"'{c}': {k} person row(s) named without their company" for c, k in first.items()),
                "evidence": "the row is a person's (its Is a Company column) and its name begins with its own "
                            "Company and a comma, as Odoo writes a contact: "
                            + "; ".join(f"'{n}' -> '{p}'" for n, p in shown[:3])})
        if name_joined := planner.prep.context.get("name_continued"):
            col, target = scan.mapping.name_continuation
            shown = sorted(planner.prep.context["name_continued_examples"])
            result.inferences.append({
                "what": "Name 2",
                "decided": f"joined to the name in {name_joined['joined']} row(s) where it continues it; kept in "
                           f"Notes in {name_joined['kept']} row(s)",
                "evidence": "; ".join(f"'{a}' + '{b}'" + (" joined" if how == "joined" else ": not a continuation")
                                      for how, a, b in shown[:4])
                            + f" ('{planner.prep.headers[col]}' beside '{planner.prep.source_of.get(target, '')}')"})
        if shown_names := planner.prep.context.get("display_names"):
            result.inferences.append({
                "what": "names from email display names",
                "decided": f"{sum(shown_names.values())} row(s) with an empty Name took the name written before "
                           "the address in the email cell (\"Roe, Bob <bob@x.com>\")",
                "evidence": "the email cells are written as a mail program writes recipients (RFC 5322 mailboxes); "
                            "a row with a Name keeps it"})
        if kept := planner.prep.context.get("email_names_kept"):
            result.inferences.append({
                "what": "display names in email cells",
                "decided": f"kept in Notes in {sum(kept.values())} row(s): the Email field holds the address, and "
                           "the name written before it is not the row's name",
                "evidence": "; ".join(f"'{c}': {k} cell(s) written 'Display Name <address>'"
                                      for c, k in _in_file_order(kept, planner.prep.headers))})
        if apart := planner.prep.context.get("house_apart"):
            result.inferences.append({
                "what": "house number",
                "decided": "; ".join(f"'{h}': kept in Notes in {k} row(s)" for h, k in apart.items()),
                "evidence": "those rows have no street, or (an English heading) no country and no region "
                            "given, so the number's place in the address is not known (--region CC decides it)"})
        if numbers := planner.prep.context.get("numbers_not_names"):
            result.inferences += _numbers_not_names_inferences(numbers, planner.prep.context[
                "numbers_not_names_examples"], planner.prep.source_of.get("customer_ref", "Customer ID"))
        if by_number := planner.prep.context.get("country_by_number"):
            result.inferences.append({
                "what": "countries settled by phone numbers",
                "decided": "; ".join(f"'{name}': its phone numbers read as {code} in {k} row(s)"
                                     for (name, code), k in by_number.items()),
                "evidence": "the name may be several countries, and the row's phone number is valid in only one of "
                            "them (a --map of the Country column or the country written in full settles it otherwise)"})
        if invalid := planner.prep.context.get("invalid_here"):
            result.inferences.append(_invalid_here_inference(invalid, options.region, scan.mapping))
        if zeros := planner.prep.context.get("zeros_restored"):
            result.inferences.append(_zeros_inference(zeros, planner.prep.context["zeros_examples"],
                                                      planner.prep.context.get("separators_restored")))
        if planner.prep.name_parts:
            result.inferences.append({
                "what": "first and last names",
                "decided": f"kept in Notes where they differ from '{planner.prep.source_of.get('name', 'Name')}'",
                "evidence": "; ".join(f"'{c}': {k} cell(s)" for c, k in _in_file_order(planner.prep.name_parts,
                                                                                    planner.prep.headers))
                + " not part of the name (the record's name comes from the Name column)"})
        if fallback := planner.prep.context.get("address_fallback"):
            first = scan.mapping.address_groups[0][0]
            result.inferences.append({
                "what": "address of rows without one",
                "decided": "; ".join(f"{n} row(s) took their {name} address" for name, n in fallback.items()),
                "evidence": f"nothing in the {first} address of those rows; all the fields from that one address"})
        if labels := planner.prep.context.get("system_labels"):
            result.inferences.append({
                "what": "system labels",
                "decided": "left out of Tags (the user's own labels are the tags)",
                "evidence": "; ".join(f"'{c}': {k} cell(s)" for c, k in _in_file_order(labels, planner.prep.headers))
                + " with labels the address book sets itself, written with '* ' ('* myContacts', '* starred')"})
        if planner.shared_phones:
            kind = "contact" if ent.kind == "contact" else "customer"
            result.inferences.append({
                "what": "shared phone numbers",
                "decided": f"{planner.shared_phones} row(s) imported as {kind}s of their own, with a warning",
                "evidence": "the same landline as another row or record under another name (a switchboard, "
                            "a family's phone); the same name, or a mobile, is a duplicate"})
        if planner.shared_mailboxes:
            kind = "contact" if ent.kind == "contact" else "customer"
            result.inferences.append({
                "what": "shared mailboxes",
                "decided": f"{planner.shared_mailboxes} row(s) imported as {kind}s of their own, with a warning",
                "evidence": "the same role's mailbox (info@, sales@, office@…: RFC 2142 names) as another row or "
                            "record under another name; the same name is a duplicate"})
        result.inferences += planner.identity_inferences()
        if report is not None:
            report.close()
            result.report = str(report.path)
        if planner.linker is not None:
            result.customers_created = planner.linker.new_count
            result.customers_created_names = list(planner.linker.new_names)
            result.customers_linked = len(planner.linker.linked)
        assumed = planner.prep.context.get("assumed")
        defaulted = planner.prep.context.get("defaulted")
        if options.currency_follows and defaulted and assumed is not None:
            # bare amounts beside "$" amounts read as USD by assumption: assumed as those are
            sign, code = options.currency_follows
            if taken := defaulted.pop(code, 0):
                assumed[(sign, code)] += taken
        if assumed:
            result.currency_assumed = {f"{sym} = {code}": n for (sym, code), n in sorted(assumed.items())}
        if defaulted:
            result.currency_defaulted = dict(sorted(defaulted.items()))
        if profile and dry_run:
            # a dry run writes nothing, a profile included: it is saved by the import itself
            result.inferences.append({
                "what": f"profile '{profile}'",
                "decided": "not saved by a dry run",
                "evidence": "the mapping and options shown here are saved under that name when this file "
                            "is imported without --dry-run"})
        elif profile:
            kept = {"calendar": calendar, "decimal": decimal, "encoding": encoding,
                    "amount_per": amount_per, "currency": currency, "ledger": ledger,
                    "date_cells": date_cells, "continued": continued}
            for name, value in unused.items():
                if name == "date_order":
                    date_order = date_order or value
                elif not kept.get(name):
                    kept[name] = value
            _save_profile(profile, ent, scan.mapping, date_order, sheet, values, kept, no_header=no_header,
                          absent=absent)
        assert result.accounted, "every row must be accounted for"
        return result
    finally:
        src.close()


def _phone_columns(ent: Entity, mapping: mp.Mapping, columns: list[int]) -> frozenset[int]:
    """Indexes of the columns mapped to a phone field (the entity's or the customer's)."""
    kinds = {f.key: f.kind for f in ent.fields}
    kinds.update({f"customer_{f.key}": f.kind for f in CUSTOMER.fields})
    return frozenset(columns[j] for j, c in enumerate(mapping.columns) if c.target and kinds.get(c.target) == "phone")


def _area_code_evidence(mapping: mp.Mapping, columns: list[int]):
    """An importer.area_codes.AreaCodeEvidence for the area-code part of a phone number
    written in parts (mapping._phone_parts), or None when there is none."""
    from .area_codes import AreaCodeEvidence

    j = next((j for j in mapping.phone_parts if mp.is_area_code(mapping.columns[j].header)), None)
    if any(mp.is_dial_part(mapping.columns[k].header) for k in mapping.phone_parts):
        return None     # numbers written with their country code: no trunk prefix to put back
    return None if j is None else AreaCodeEvidence(mapping.columns[j].header, columns[j])


def _area_region_of_file(ent: Entity, mapping: mp.Mapping, columns: list[int], assumed: str,
                         first_rows: list[list], encoding: str | None) -> tuple[str, str]:
    """The region whose trunk prefix an area-code column typed as numbers lost, when no
    region is given or set: the one country the file's writing points to (kana: JP,
    Hangul: KR; file_language, as the phone-region decision reads it), else the one its
    cities name, else the assumed region; with the words for the summary. Decided on the
    first rows' text, never on the numbers (their digits lack the prefix)."""
    probe = _assumed_region_evidence(ent, mapping, columns, assumed)
    if probe is None:
        return assumed, f"{assumed} is the store's assumed region"
    for values in first_rows:
        probe.add(values)
    script_regions, weak, why = probe._script_regions(encoding)
    if len(script_regions) == 1 and not weak:
        region = next(iter(script_regions))
        return region, f"the file is written in {why} ({region})"
    ranked = [(c, k) for c, k in probe.against.most_common() if not c.startswith("\x00")]
    if "cities in it" not in probe.for_ and ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        region = ranked[0][0]
        return region, f"the file's places are in {region}: {', '.join(probe.against_examples[region])}"
    return assumed, f"{assumed} is the store's assumed region"


class _PostalLengths:
    """The lengths of a postal code column's digits-only codes, for a file that names no
    country (no Country column, no region given, set or decided by the file): codes of
    different lengths (2134 and 90210; 1234 and 12345), none beginning with 0, are codes a
    spreadsheet kept as numbers, whose lost leading zeros and separator (02134, 01-234, 02134-1234) only the
    country's format could put back (domain.postal). The import stops before writing,
    naming the column, examples and --region."""

    def __init__(self, mapping: mp.Mapping, columns: list[int]):
        has_country = any(c.target in ("country", "customer_country") or (c.target is None and plan.is_country_header(c.header))
                          for c in mapping.columns)
        self.cols = [] if has_country else [
            (c.header, columns[j]) for j, c in enumerate(mapping.columns)
            if c.target in ("postal_code", "customer_postal_code") and j < len(columns)]
        self.seen: dict[str, dict[int, str]] = {}      # column -> digits count -> first code
        self.kept: set[str] = set()                    # columns with a code that begins with 0

    def add(self, values: list) -> None:
        for header, col in self.cols:
            v = values[col] if col < len(values) else None
            if v is None or is_blank_cell(v):
                continue
            text = cell_text(v).strip()
            if (whole := postal_whole(text)) is not None:
                text = whole                        # a float cell of a workbook, a float export: 2134.0
            if text.isascii() and text.isdigit():
                if text[0] == "0":
                    self.kept.add(header)           # a code that kept its zero: not kept as a number
                else:
                    self.seen.setdefault(header, {}).setdefault(len(text), text)

    def refuse(self, src) -> None:
        for header, lengths in self.seen.items():
            if len(lengths) < 2 or header in self.kept:
                continue
            shown = ", ".join(f"'{lengths[n]}'" for n in sorted(lengths)[:4])
            raise ImportRefused(
                f"{src.path.name}{_sheet_words(src)}: the postal codes in column '{header}' are digits of "
                f"different lengths ({shown}), and nothing says their country: a code kept as a number loses "
                "its leading zeros and its separator (02134 → 2134 in the US, 01-234 → 1234 in Poland, "
                "02134-1234 → 21341234), which only the country's format can put back. Nothing was imported. "
                "Give --region CC (e.g. --region US) or set the store's region (`cims settings region CC`), "
                "or add a Country column; codes that fit the country's format are kept as written.")


def _refuse_unordered_house_numbers(src, mapping, columns: list[int], first_rows: list, region_assumed: bool) -> None:
    """An English house-number heading ("House No", "Street Number") beside the street,
    with no Country column and no region given or set: whether the number goes before
    the street ("12 Main St") or after it ("Hauptstraße 12a") cannot be decided, so the
    import stops before writing, naming the column, examples and --region
    (mapping._house_number)."""
    if not region_assumed or not mapping.house_numbers:
        return
    if any(c.target in ("country", "customer_country") for c in mapping.columns):
        return
    for j, order in mapping.house_numbers.items():
        if order != "country":
            continue
        col = columns[j] if j < len(columns) else j
        lead = next((k for k in mapping.address_lines if k not in mapping.house_numbers), None)
        shown = []
        for values in first_rows:
            number = values[col] if col < len(values) else ""
            street = values[columns[lead]] if lead is not None and columns[lead] < len(values) else ""
            if str(cell_text(number)).strip():
                shown.append(f"'{cell_text(street).strip()}' + '{cell_text(number).strip()}'")
            if len(shown) == 3:
                break
        header = mapping.columns[j].header
        raise ImportRefused(
            f"{src.path.name}{_sheet_words(src)}: '{header}' is a house number beside the street "
            f"('{mapping.columns[lead].header if lead is not None else 'Address'}'; "
            + (", ".join(shown) if shown else "no examples in the first rows")
            + "), and nothing says the country: its number goes before the street in the US, UK, France "
            "(\"12 Main St\") and after it in Germany, the Netherlands, Brazil (\"Hauptstraße 12a\"). "
            "Nothing was imported. Give --region CC (e.g. --region US or --region DE) or set the store's "
            "region (`cims settings region CC`), or add a Country column; --map \"" + header
            + "=Notes\" keeps the numbers in Notes instead.")


def _phone_evidence(ent: Entity, mapping: mp.Mapping, columns: list[int], region: str | None) -> list:
    """One importer.phone_evidence collector per phone column, when numbers without a
    country code are read in a default region (no --region)."""
    if region is None:
        return []
    from .phone_evidence import PhoneColumnEvidence

    kinds = {f.key: f.kind for f in ent.fields}
    kinds.update({f"customer_{f.key}": f.kind for f in CUSTOMER.fields})
    country = set(plan.phone_country_headers(mapping))
    country_cols = tuple(columns[j] for j, c in enumerate(mapping.columns) if c.header in country)
    email = next((columns[j] for j, c in enumerate(mapping.columns) if c.target in ("email", "customer_email")),
                 None)
    found = [PhoneColumnEvidence(c.header, c.target, columns[j], country_cols, region)
             for j, c in enumerate(mapping.columns) if c.target and kinds.get(c.target) == "phone"]
    if found and email is not None:
        found[0].email_column = email           # the first counts the rows' email countries
    return found


def _assumed_region_evidence(ent: Entity, mapping: mp.Mapping, columns: list[int], region: str | None,
                             set_region: bool = False):
    """An importer.phone_evidence.AssumedRegionEvidence for the file's phone columns (a
    SetRegionEvidence when the region is the store's setting), or None when it has none
    (or no region)."""
    from .phone_evidence import AssumedRegionEvidence, SetRegionEvidence

    kinds = {f.key: f.kind for f in ent.fields}
    kinds.update({f"customer_{f.key}": f.kind for f in CUSTOMER.fields})
    phone = [(columns[j], c.header) for j, c in enumerate(mapping.columns) if c.target and kinds.get(c.target) == "phone"]
    if region is None or not phone:
        return None
    country = set(plan.phone_country_headers(mapping))

    def cols(*targets: str) -> tuple[int, ...]:
        return tuple(columns[j] for j, c in enumerate(mapping.columns) if c.target in targets)

    return (SetRegionEvidence if set_region else AssumedRegionEvidence)(
        region, phone, tuple(columns[j] for j, c in enumerate(mapping.columns) if c.header in country),
        cols("email", "customer_email"), cols("city", "customer_city", "province", "customer_province"),
        cols("postal_code", "customer_postal_code"), headers=tuple(c.header for c in mapping.columns),
        address_cols=cols("address", "customer_address"))


def _email_countries(pev) -> dict | None:
    """The summary's line on rows whose email domain names another country than the
    default phone region (domain.models: a number that reads in both is left empty),
    as the first phone column's collector (`pev`) counted them over the whole file."""
    counts = pev.email_countries
    if not counts:
        return None
    shown = ", ".join(f"{code} ({n})" for code, n in counts.most_common(5))
    return {"what": "phone country from email domains",
            "decided": f"a number without a country code that reads in {pev.region} and in its row's email "
                       "country is left empty (its text in Notes, the row warned)",
            "evidence": f"rows without a country whose email domain names another country: {shown}; give "
                        "the rows' country in a Country column, or the file's with --region"}


def _in_file_order(counts: dict[str, int], headers: list[str]) -> list[tuple[str, int]]:
    """(column, count) in the order of the file's columns, whichever rows were counted first
    (chunks may be prepared out of order: importer.parallel)."""
    at = {h: i for i, h in enumerate(headers)}
    return sorted(counts.items(), key=lambda kv: at.get(kv[0], len(at)))


def _inferences(src: RawSheet, scan: Scan, options: Options, ent: Entity, kind_asked: bool = True) -> list[dict]:
    """What was decided about this file, and the evidence, for the summary and dry run."""
    from .encoding import describe

    out: list[dict] = []
    if src.encoding:
        out.append({"what": "encoding", "decided": describe(src.encoding),
                    "evidence": src.encoding_evidence or ""})
    if src.sheet:
        out.append({"what": "sheet", "decided": src.sheet, "evidence": src.sheet_evidence or ""})
    if src.shown_cells:
        out.append({"what": "number formats", "decided": f"{src.shown_cells} number(s) read as shown",
                    "evidence": "cells formatted with leading zeros or text around the digits (00000, "
                                "000-0000, \"ID-\"0000) or as percentages: text fields (postal codes, "
                                "ids) take the text shown, number fields the number (a percent sign the format writes "
                                "as text, 0\"%\": 15 shown as 15% is 15 % in a share field; an amount is the number the "
                                "cell holds, the sign only text)"})
    out.extend(src.text_rules)
    if src.priced_cells:
        out.append({"what": "currency formats", "decided": f"{src.priced_cells} number(s) in the currency "
                    "their format shows",
                    "evidence": ("currency cells (OpenDocument office:currency, such as EUR)" if src.format == "ods"
                                 else "cells formatted with a currency (such as #,##0.00 [$€-407])")
                                + ": the amount is in that currency, as a symbol typed with it would say"})
    if src.format == "html":
        out.append({"what": "kind of file", "decided": "web page (HTML table)",
                    "evidence": "the file starts with HTML, whatever its name"})
    if src.format == "csv" and src.delimiter == "|" and src.sheet_evidence:
        out.append({"what": "kind of file", "decided": "text table drawn with | and ruled lines",
                    "evidence": src.sheet_evidence})
    if src.format == "csv" and (src.sheet_evidence or "").startswith("fixed-width"):
        out.append({"what": "kind of file", "decided": "fixed-width text (columns aligned by spaces)",
                    "evidence": src.sheet_evidence})
    if src.format == "jsonl":
        out.append({"what": "kind of file", "decided": "JSON Lines (one record per line)",
                    "evidence": src.sheet_evidence or ""})
    if scan.table.skipped_above:
        out.append(_header_inference(scan.table))
    out.extend(scan.inferences)
    unmapped = _not_refund_columns(ent, scan.mapping.unmapped)
    if unmapped and ent.kind in plan.KEPT_IN:
        shown = ", ".join(f"'{h}'" for h in unmapped[:5]) + (" …" if len(unmapped) > 5 else "")
        out.append({"what": "columns no field takes",
                    "decided": f"kept in {plan.kept_in_header(ent.kind)}, one 'Column: value' line each",
                    "evidence": f"{ent.plural} have no Notes field; columns {shown}"})
    for header, could_be in scan.mapping.ambiguous.items():
        # a heading with two meanings ("Estado": status or state) is never mapped by guess
        quoted = header.replace('"', "'")
        out.append({"what": f"column '{header}'",
                    "decided": f"kept in {plan.kept_in_header(ent.kind) if ent.kind in plan.KEPT_IN else 'Notes'}, "
                               "not mapped",
                    "evidence": "the heading means " + " or ".join(could_be) + f" in {ent.plural} files: say which "
                                "with " + " or ".join(f'--map "{quoted}={label}"' for label in could_be)})
    out.extend(scan.mapping.decisions)
    hints = mp.kind_hints(ent, scan.table.headers)
    if hints:
        kind, own = hints[0]
        shown = ", ".join(f"'{h}'" for h in own[:5]) + (" …" if len(own) > 5 else "")
        asked = "as asked" if kind_asked else "the default: no --kind was given"
        out.append({"what": "kind of records", "decided": f"{ent.kind} records ({asked})",
                    "evidence": f"the headers look like {kind} ({shown}): to import them as {kind}, "
                                f"give --kind {kind}"})
    phones = [c.header for c in scan.mapping.columns if c.target in ("phone", "mobile", "customer_phone")]
    if phones:
        country = "', '".join(plan.phone_country_headers(scan.mapping))
        fallback = (f"{options.region} ({options.region_from or '--region'})" if not options.region_assumed
                    else f"{options.region} (assumed"
                    + (", the store currency's country" if options.region != DEFAULT_REGION else "")
                    + "; `cims settings region CC` sets the store's)")
        out.append({"what": "phone region",
                    "decided": fallback if not country else f"row's country, else {fallback}",
                    "evidence": (f"column '{country}'" if country else "no Country column")
                    + "; +/00 numbers keep their code"})
    if due := [c for c in scan.mapping.columns
               if c.target in mp.FROM_FILE.get(ent.kind, ()) and c.target != "pending_since"]:
        out.append(_due_inference(ent, due))
    return out


def _invalid_here_inference(counts: Counter, region: str, mapping: mp.Mapping) -> dict:
    """The summary's line for numbers without a country code that are no valid numbers of
    the store's region but valid ones of another country (domain.models._check_valid_here):
    how many, per column and country."""
    headers = {c.target: c.header for c in mapping.columns if c.target}
    by_column: dict[str, Counter] = {}
    for (target, country), n in counts.items():
        by_column.setdefault(headers.get(target, target), Counter())[country] += n
    total = sum(c.pop("", 0) for c in by_column.values())
    parts = []
    for h, c in by_column.items():
        ranked = sorted(c.items(), key=lambda rn: (-rn[1], rn[0]))
        parts.append(f"'{h}': valid in " + ", ".join(f"{r} ({n})" for r, n in ranked[:24])
                     + (f" and {len(ranked) - 24} more countries" if len(ranked) > 24 else ""))
    return {"what": f"phone numbers not valid in {region}",
            "decided": f"{total} number(s) left empty (their text in Notes, the row warned), not stored as "
                       f"{region} numbers",
            "evidence": "; ".join(parts) + f": no valid {region} numbers ({region} is the store's region; only "
                        "their length fits), valid numbers of another country; give the rows' country in a "
                        "Country column, or the file's with --region, or write the numbers with + and their "
                        "country code"}


def _legal_forms_inference(forms: Counter, ent: Entity) -> dict:
    """The summary's line for customers typed Company by the legal form in their name."""
    from ..domain.legal_forms import form_count

    from ..domain.legal_forms import is_business_word

    total = sum(forms.values())
    shown = ", ".join(f"'{f}' ({n})" for f, n in forms.most_common(6)) + (" …" if len(forms) > 6 else "")
    whose = "row(s)" if ent.kind == "customer" else "new customer(s)"
    words = sum(n for f, n in forms.items() if is_business_word(f))
    named = ("a company's legal form" if not words else "a business's word (a shop, a trading house, a studio…)"
             if words == total else "a company's legal form or a business's word")
    return {"what": "customer type",
            "decided": f"Company for {total:,} {whose} named with {named}: {shown}",
            "evidence": f"the file has no Type column; {form_count()} legal forms of some 60 countries (cleanco's "
                        "list; 有限公司, 株式会社, 주식회사 of the Chinese, Japanese and Korean company laws), at the "
                        "end of the name (ООО, PT before it); and business words that are no legal form "
                        "(商店, 商事, 贸易, 工作室, ร้าน, Trading, Shop, Bäckerei…: cims's own list); others stay "
                        "Person (a Type or 'Is a Company' column says otherwise)"}


def _due_inference(ent: Entity, due: list) -> dict:
    """The summary's line for a help desk's own due times, taken as the tickets' (mapping.FROM_FILE)."""
    label = {f.key: f.header for f in ent.fields}
    return {"what": "due times", "decided": "taken from the file: " + ", ".join(
                f"'{c.header}' as {label[c.target]}" for c in due),
            "evidence": "the help desk's own due times (its SLA policy, its business hours) are the "
                        "tickets'; a row without one gets its opening time plus its priority's target"}


def _header_inference(table: Table) -> dict:
    """The summary's line for a header found below other rows: which row, and how many
    rows above it were not read (so that every row of the file is accounted for)."""
    n = table.skipped_above
    return {"what": "header row", "decided": f"row {table.header_row}",
            "evidence": f"{n} row(s) above it not read as data (titles or notes); the header is "
                        "the first row naming the columns, no email addresses or numbers in it"}


def _erased(session, ent: Entity):
    """The store's suppression list (services.suppression) for customer rows and the
    customers rows of other kinds would create, or None when it is empty: then nothing
    is checked per row."""
    from ..services.suppression import erased_list
    listed = erased_list(session)
    return listed if listed else None


def _store_region(session) -> str | None:
    from ..services.settings import store_region
    return store_region(session)


def _assumed_region(session) -> str:
    from ..services.settings import assumed_region
    return assumed_region(session)


def _store_currency(session) -> str:
    from ..services.settings import store_currency
    return store_currency(session)


def has_currency(ent: Entity) -> bool:
    """Whether `--currency` applies to records of this kind (those with amounts)."""
    return any(f.key == "currency" for f in ent.fields)


def _choice(flag: str, value: str, allowed: tuple[str, ...]) -> str:
    v = str(value).strip().lower() if flag != "--date-order" else str(value).strip().upper()
    if v not in allowed:
        raise ImportRefused(f"{flag} must be one of {', '.join(allowed)}, not {value!r}")
    return v


def _summary(r: ImportResult) -> dict:
    return {"file": Path(r.file).name, "sheet": r.sheet, "rows": r.rows, "created": r.created,
            "updated": r.updated, "duplicates": r.duplicates, "rejected": r.rejected,
            "customers_created": r.customers_created}


# Options that settle how a file's values are read, kept in a profile with the mapping
# (date order, calendar, decimal mark, encoding, amounts per order or line, currency,
# debit/credit marks, date cells Excel read month first, rows continuing the one above).
PROFILE_OPTIONS = ("date_order", "calendar", "decimal", "encoding", "amount_per", "currency", "ledger",
                   "date_cells", "continued")
_OPTION_FLAGS = {"continued": "--continued-rows"}     # where the keyword is not the flag's name


def option_flag(name: str) -> str:
    """The command-line flag of reading option `name` ("date_cells" -> "--date-cells")."""
    return _OPTION_FLAGS.get(name) or "--" + name.replace("_", "-")


def _save_profile(name: str, ent: Entity, m: mp.Mapping, date_order: str | None, sheet, values=None,
                  options: dict | None = None, no_header: bool = False, absent: dict | None = None) -> None:
    """Save the import's mapping and the options that read the file's values (date
    order, calendar, sheet, --value items; `no_header`: the file had no header row, its
    columns A, B, C… are the map's; `absent`: the profile's map entries of columns this
    file lacks, kept) as profile `name` (mapping.save_profile)."""
    data = {"kind": ent.kind,
            "map": {**(absent or {}),
                    **{c.header: (c.target if c.target else mp.IGNORE)
                       for c in m.columns if (c.target or c.how in ("ignored", "secret"))
                       and c.how != "continued"}}}
    if date_order:
        data["date_order"] = date_order
    if sheet is not None:
        data["sheet"] = sheet
    for key, value in (options or {}).items():
        if value:
            data[key] = value
    if values:
        data["values"] = [values] if isinstance(values, str) else list(values)
    if no_header:
        data["no_header"] = True
    mp.save_profile(name, data)


# ----- pass 2: plan and write ------------------------------------------------------------

class _Writer:
    def __init__(self, session, ent: Entity, batch: str, planner: Planner):
        self.session, self.ent, self.batch, self.planner = session, ent, batch, planner

    def write(self, planned: Planned) -> None:
        from ..services import records
        linker = self.planner.linker
        if planned.new_customers and linker is not None:
            made = records._service_create_many(self.session, "customer", [v for _p, v in planned.new_customers],
                                                token=records._SERVICE, batch_id=self.batch, validated=True)
            ids = {}
            for (placeholder, _v), rec in zip(planned.new_customers, made):
                if placeholder in ids:      # two customers, one placeholder: whose rows are whose?
                    raise RuntimeError(f"two new customers share the placeholder {placeholder!r}")
                linker.created(placeholder, rec["id"])
                ids[placeholder] = rec["id"]
            for _out, clean in planned.creates:
                cid = clean.get("customer_id")
                if cid in ids:
                    clean["customer_id"] = ids[cid]
        for _out, clean in planned.creates:
            cid = clean.get("customer_id")
            if isinstance(cid, str) and cid.startswith("new:"):
                # a row of a customer created in no chunk: never stored under another's id
                raise RuntimeError(f"a row's new customer was not created ({cid!r})")
        if planned.creates:
            made = records._service_create_many(self.session, self.ent.kind, [c for _o, c in planned.creates],
                                                token=records._SERVICE, batch_id=self.batch, validated=True,
                                                imported=True)
            for (out, _c), rec in zip(planned.creates, made):
                out.record = rec["id"]
        if planned.updates:
            records._service_update_many(self.session, [(rid, ch, ver) for _o, rid, ch, ver in planned.updates],
                                         token=records._SERVICE, action="update", batch_id=self.batch,
                                         validated=True, imported=True)
        if planned.refunds:       # stored orders a refund row reduces (importer.refunds.StoredRefunds)
            records._service_update_many(self.session, [(rid, ch, None) for _o, rid, ch in planned.refunds],
                                         token=records._SERVICE, action="update", batch_id=self.batch,
                                         validated=True, imported=True)


def _chunks(rows: Iterator[tuple[int, list]], size: int) -> Iterator[list[tuple[int, list]]]:
    chunk: list[tuple[int, list]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _marked_deleted(value) -> bool:
    """A gdpr export's `deleted` cell saying the record was deleted (TRUE, true, 1)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().casefold() in ("true", "1", "yes")


def _run(src: RawSheet, scan: Scan, planner: Planner, result: ImportResult,
         report, progress: Progress | None, chunk_rows: int,
         writer: _Writer | None, watchers: list | None = None, fallbacks: Fallbacks | None = None) -> None:
    table = scan.table
    cols = table.columns
    filler = MergeFiller(scan.filler_merged, table.header_row - 1).keep_first(scan.merged_once)
    if scan.fill_down:
        filler.fill_down(scan.fill_down.values())
    seen = 0

    footer = set(scan.footer_rows) | scan.other_rows | set(scan.closed_rows) | set(scan.struck_rows)
    carry_col, headings = scan.carried or (0, {})
    heading: list[str | None] = [None]
    # as the first pass cleaned them (see _scan)
    cleaner = CellCleaner(planner.ent, [(c, m.target) for c, m in zip(cols, scan.mapping.columns)])
    reordered = scan.reordered
    folds = scan.continued
    written: dict[int, dict[str, str]] = {}     # row -> {cell as read: cell as the file wrote it}

    def picked() -> Iterator[tuple[int, list]]:
        for number, values in data_rows(src.rows(), table.header_row, filler):
            if reordered and number in reordered:
                values = without_reordering(values)[0]
            if cleaner:
                values = cleaner.clean(values)
            if scan.yearless is not None:
                values = scan.yearless.rewrite(values, number)
            if headings and number in headings:
                heading[0] = headings[number]     # its name goes to the lines below it
            if number in footer:
                continue
            if scan.yen_columns:
                values = file_language.yen_signs(values, scan.yen_columns)
            if scan.amount_notes is not None:
                before, values = values, scan.amount_notes.rewrite(values)
                if values is not before:       # "1.2k" read as "1.2千": a message quotes the file's "1.2k"
                    written[number] = {str(new).strip(): str(old).strip() for old, new in zip(before, values)
                                       if new is not old and isinstance(old, str)}
            if scan.format_marks is not None:
                values = scan.format_marks.unmark(values)      # "1.25 Cr": a mark, a crore (format_marks)
            if scan.ledger is not None:
                values = ledger_marks.signed(values, scan.ledger[0], scan.ledger[1], scan.ledger[2], scan.ledger[3])
            if headings:
                values = group_headings.carried(values, carry_col, heading[0])
            if folds is not None and number in folds.further:
                continue                          # folded into the record above it
            n = len(values)
            out = [values[c] if c < n else "" for c in cols]
            if folds is not None and number in folds.adds:
                out = _continued(out, cols, folds, number)
            if fallbacks:
                out = fallbacks.apply(out)
            yield number, out

    chunks = _chunks(picked(), chunk_rows)
    ahead = (parallel.AheadPreparer(planner)
             if planner.ent.kind == "customer" and scan.rows >= parallel.PARALLEL_MIN_ROWS
             and parallel.available() else contextlib.nullcontext())
    with ahead:
        paired = (ahead.pipeline(chunks) if isinstance(ahead, parallel.AheadPreparer)
                  else ((chunk, None) for chunk in chunks))
        for chunk, prepared in paired:
            seen = _one_chunk(chunk, planner, writer, report, result, seen, prepared, watchers, written,
                              scan.total_like)
            bounded_garbage()
            if progress:
                progress(seen, scan.rows, "importing" if writer else "checking")
    if seen != scan.rows:
        raise ImportRefused(f"{src.path.name} changed while it was being imported "
                            f"({scan.rows} rows at first, {seen} the second time); try again")


def _one_chunk(chunk, planner: Planner, writer: _Writer | None, report,
               result: ImportResult, seen: int, prepared: list | None = None,
               watchers: list | None = None, written: dict | None = None,
               total_like: dict | None = None) -> int:
    """Plan one chunk, write it (unless a dry run), count its outcomes; `watchers`
    (UserValues, PendingPauses) see each planned chunk for the summary; `written`: row ->
    {cell as read: as the file wrote it} ("1.2千": "1.2k"), so a message quotes the file."""
    planned = planner.plan(chunk, prepared)
    for watcher in watchers or ():
        watcher.add(planned)
    if writer is not None:
        writer.write(planned)
    values_of = dict(chunk) if report is not None else None
    for out in planned.outcomes:
        if written and (cells := written.pop(out.row, None)):
            for said in (out.problems, out.warnings):
                for key, why in (said or {}).items():
                    for read, wrote in cells.items():
                        why = why.replace(f"'{read}'", f"'{wrote}'")
                    said[key] = why
        if total_like and out.action == "rejected" and out.row in total_like and out.problems:
            # "Total | 37.00 | USD" under the header whose amounts are not the sum below it
            key = next(iter(out.problems))
            out.problems[key] += (f" (the row looks like a total row: '{total_like[out.row]}', but its amounts "
                                  "are not the sum of the rows below it, so it was read as data)")
        if out.warnings and out.action in ("created", "updated"):
            # counted once: a skipped duplicate's warning is said with its reason
            result.warnings += 1
            if report is not None:
                report.warned(out.row, values_of[out.row], out.warning)
        if out.action == "created":
            result.created += 1
        elif out.action == "updated":
            result.updated += 1
        elif out.action == "duplicate":
            result.duplicates += 1
            if report is not None:
                report.duplicate(out.row, values_of[out.row], out.reason
                                 + (f"; also: {out.warning}" if out.warnings else ""))
        else:
            result.rejected += 1
            if report is not None:
                report.rejected(out.row, values_of[out.row], out.reason)
        if len(result.outcomes) < MAX_OUTCOMES:
            result.outcomes.append(out)
        else:
            result.outcomes_truncated = True
    if written:
        for number, _values in chunk:
            written.pop(number, None)
    return seen + len(chunk)
