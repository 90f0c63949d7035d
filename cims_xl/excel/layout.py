"""Sheet layout: which columns each data sheet's Excel Table has, in which order.

Pure data derived from `cims_xl.domain.schema`; the workbook builder, the
Save/Refresh sync (both adapters) and the tests all read it. No xlwings here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..domain.schema import CUSTOMER, ENTITIES, Entity, Field
from ..cell_text import text_width_chars  # noqa: F401 (re-exported)
from ..report_layout import REPORT_SHEETS  # noqa: F401 (re-exported)

HIDDEN_KEY = "_key"
HIDDEN_VERSION = "_version"
HIDDEN_FINGERPRINT = "_fingerprint"
HIDDEN_HEADERS = (HIDDEN_KEY, HIDDEN_VERSION, HIDDEN_FINGERPRINT)
STATUS_HEADER = "Status"
# Read-only column beside a customer id: the customer's current name, filled on Refresh
# (and on Save write-back) from the store, never sent to it and not in the fingerprint.
CUSTOMER_NAME_HEADER = "Customer Name"

SHEET_ORDER = ("Home", "Customers", "Contacts", "Interactions", "Orders", "Opportunities",
               "Tickets", "Import", *REPORT_SHEETS, "xlwings.conf")

NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "money": "#,##0.00",
    "decimal": "0.00",
    "int": "0",
    "phone": "@",
    "text": "@",
}


@dataclass(frozen=True)
class Column:
    header: str
    role: str                  # "id" | "field" | "lookup" | "created" | "updated" | "status" | "hidden"
    key: str | None = None     # field key for role "field"; the id field a "lookup" names
    field: Field | None = None
    width: float = 14
    number_format: str | None = None
    hidden: bool = False
    editable: bool = False


@dataclass(frozen=True)
class SheetLayout:
    entity: Entity
    sheet: str
    table: str
    columns: tuple[Column, ...]
    header_row: int = 1

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, header: str) -> Column:
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)

    def index(self, header: str) -> int:
        """0-based position of a column in the table."""
        return self.headers.index(header)

    @property
    def field_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == "field")

    @property
    def lookup_columns(self) -> tuple[Column, ...]:
        """Read-only columns showing a referenced record's current value (Customer Name)."""
        return tuple(c for c in self.columns if c.role == "lookup")


def _field_column(f: Field) -> Column:
    fmt = NUMBER_FORMATS.get(f.kind)
    if f.key == "postal_code":
        fmt = "@"  # keeps leading zeros
    if f.kind in ("name", "email", "enum", "tags", "ref", "user", "bool"):
        fmt = None
    return Column(f.header, "field", f.key, f, f.width, fmt, False, f.editable)


def _layout(ent: Entity) -> SheetLayout:
    """ID, the business fields (a customer id followed by the customer's name), Created,
    Updated, then Status as the last visible column (where people look for it), then
    the hidden protocol columns."""
    cols: list[Column] = [Column("ID", "id", width=11)]
    for f in ent.fields:
        if f.internal:
            continue
        cols.append(_field_column(f))
        if f.kind == "ref" and f.ref == CUSTOMER.kind:
            cols.append(Column(CUSTOMER_NAME_HEADER, "lookup", f.key, width=22))
    cols += [Column("Created", "created", width=17, number_format=NUMBER_FORMATS["datetime"]),
             Column("Updated", "updated", width=17, number_format=NUMBER_FORMATS["datetime"]),
             Column(STATUS_HEADER, "status", width=36)]
    cols += [Column(h, "hidden", width=4, hidden=True) for h in HIDDEN_HEADERS]
    return SheetLayout(ent, ent.sheet, "tbl" + ent.sheet, tuple(cols))


# A column widened to fit its values stops here (characters): a long note is cut off
# rather than making the table scroll sideways for a screen.
MAX_FIT_WIDTH = 60


def fit_widths(layout: SheetLayout, rows: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Column widths (header -> characters) that show every visible text value whole,
    for the columns where the layout's width is too narrow; capped at MAX_FIT_WIDTH.

    rows: cell values by header as Refresh writes them. Money columns are made as wide
    as their widest amount shown in its row's currency format (`money_cell_format`:
    9,999,999,999,999.99 needs 22, never "###"); other numbers and dates keep the
    layout's width (their formats are sized for them).
    """
    need = {c.header: float(c.width) for c in layout.columns
            if not c.hidden and c.role in ("field", "lookup")}
    start = dict(need)
    money_cols = money_headers(layout)
    currency = currency_header(layout)
    for row in rows:
        for header in money_cols:
            if header in need and (width := money_width(row.get(header), row.get(currency))) > need[header]:
                need[header] = width
        for header, width in need.items():
            value = row.get(header)
            # Most values are far shorter than their column: the bound (every character
            # wide) settles them without looking at each character (100k-row refreshes).
            if not isinstance(value, str) or width >= MAX_FIT_WIDTH or len(value) * 2.2 + 2 <= width:
                continue
            if value.isascii() and "\n" not in value:
                longest = len(value) * 1.1 + 2          # what text_width_chars gives, faster
            else:
                longest = max(text_width_chars(line) for line in value.split("\n")) + 2
            if longest > width:
                need[header] = longest
    return {h: float(min(MAX_FIT_WIDTH, round(w + 0.49))) for h, w in need.items() if w > start[h]}


def money_headers(layout: SheetLayout) -> tuple[str, ...]:
    """The headers of the layout's money columns (Amount, Profit)."""
    return tuple(c.header for c in layout.field_columns if c.field is not None and c.field.kind == "money")


def currency_header(layout: SheetLayout) -> str | None:
    """The header of the column naming each row's currency, None when the sheet has none."""
    return next((c.header for c in layout.field_columns if c.key == "currency"), None)


@functools.lru_cache(maxsize=1024)     # a 100k-row refresh asks for a few pairs, many times
def money_cell_format(currency: Any, current: str | None) -> str | None:
    """The number format a money cell of a row in `currency` gets (`money.number_format`:
    its ISO 4217 decimals, up to the store's 4 where the value has more: 1.235 BHD shows
    1.235, 1507 JPY 1,507), or None to leave `current`: a format the user chose (not
    General and not one cims writes) is kept. An unknown currency text gets two
    decimals and up to four."""
    from ..domain.money import number_format

    if not is_cims_money_format(current):
        return None
    wanted = number_format(_code(currency))
    return None if wanted == current else wanted


def is_cims_money_format(fmt: str | None) -> bool:
    """Whether a money cell's number format is one cims may change: General (none set)
    or one cims writes (`money.number_formats`); any other is the user's choice."""
    from ..domain.money import number_formats

    return fmt in (None, "", "General") or fmt in number_formats()


def money_width(value: Any, currency: Any) -> float:
    """Characters a money column needs to show `value` whole in its row's currency
    format (digits are one character wide in the body font, plus the cell's margins);
    0 for a value that is no number."""
    from ..domain.display import money

    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return 0.0
    return float(len(money(value, _code(currency), code=False)) + 2)


def _code(currency: Any) -> str | None:
    """A row's Currency cell as an ISO code, None when it is none (blank, unknown text)."""
    from ..domain.money import is_currency_code

    code = currency.strip().upper() if isinstance(currency, str) else None
    return code if code and is_currency_code(code) else None


LAYOUTS: dict[str, SheetLayout] = {kind: _layout(e) for kind, e in ENTITIES.items()}
BY_SHEET: dict[str, SheetLayout] = {lay.sheet: lay for lay in LAYOUTS.values()}


def layout_for_table(table: str) -> SheetLayout | None:
    """The layout whose Excel Table has this name (tblCustomers, ...), None for another
    table. Table names are case-insensitive in Excel (ECMA-376 Part 1, §18.5.1.2 table
    name)."""
    folded = str(table).casefold()
    for lay in LAYOUTS.values():
        if lay.table.casefold() == folded:
            return lay
    return None


def locate_data_sheets(sheets: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Which sheet of a workbook holds each data sheet: layout sheet name -> sheet name.

    `sheets`: (sheet name, names of the Excel Tables on it) for every sheet, in order;
    the tables may be given as a mapping table name -> its header row, which lets a
    data sheet whose sheet AND table were both renamed (Customers -> 客户, tblCustomers
    -> Table1) be found by its columns (`match_by_headers`).
    A data sheet is the sheet of its name holding its table; a sheet the user renamed
    (Tickets -> 工单) is found by its table (tblTickets: the table is ours); a sheet of
    its name that holds no data table at all is still taken (its table may have been
    renamed: the adapter reports what is wrong with it). A data sheet deleted entirely
    is missing from the result.
    """
    given = [(name, tables) for name, tables in sheets]
    listed = [(name, {str(t).casefold() for t in tables}) for name, tables in given]
    ours = {lay.table.casefold() for lay in LAYOUTS.values()}
    out: dict[str, str] = {}
    for lay in LAYOUTS.values():
        table = lay.table.casefold()
        holders = [name for name, tables in listed if table in tables]
        same = [tables for name, tables in listed if name == lay.sheet]
        if lay.sheet in holders:
            out[lay.sheet] = lay.sheet
        elif holders:
            out[lay.sheet] = holders[0]
        elif same and not (same[0] & ours):
            out[lay.sheet] = lay.sheet
    taken = set(out.values())
    for name, tables in given:
        if name in taken or not isinstance(tables, Mapping):
            continue
        for table, headers in tables.items():
            if str(table).casefold() in ours:
                continue
            lay = match_by_headers(headers)
            if lay is not None and lay.sheet not in out:
                out[lay.sheet] = name
                taken.add(name)
                break
    return out


# How much of a table's header row must be a layout's (Jaccard: shared / all headings)
# for the table to be taken as that data sheet's when its name is not ours.
HEADER_MATCH = 0.6


def match_by_headers(headers: Iterable[Any]) -> "SheetLayout | None":
    """The layout whose columns a table's header row holds, or None: the best Jaccard
    overlap of the two sets of headings, at least HEADER_MATCH and better than every
    other layout's (Customers' and Contacts' tables share Name, Email, Phone, ...)."""
    have = {str(h).strip() for h in headers if h not in (None, "")}
    if not have:
        return None
    scores = sorted(((len(have & set(lay.headers)) / len(have | set(lay.headers)), lay.sheet)
                     for lay in LAYOUTS.values()), reverse=True)
    (best, sheet), (second, _) = scores[0], scores[1]
    return BY_SHEET[sheet] if best >= HEADER_MATCH and best > second else None


def looks_like_data_table(headers: Iterable[Any]) -> bool:
    """A table holding the hidden columns every data sheet has (_key, _version,
    _fingerprint): one of ours, whatever its name and headings now."""
    have = {str(h).strip() for h in headers if h not in (None, "")}
    return set(HIDDEN_HEADERS) <= have


def layout_for_sheet(sheet: str) -> SheetLayout:
    try:
        return BY_SHEET[sheet]
    except KeyError:
        raise ValueError(f"{sheet!r} is not a data sheet; data sheets are: {', '.join(BY_SHEET)}") from None


# ----- headings the user changed -----------------------------------------------------

def fold_heading(text: Any) -> str:
    """One form for comparing a table heading with ours: Unicode NFKC (full-width
    letters), case folded, runs of spaces (also non-breaking ones and line breaks) made
    one and trimmed. `city`, ` CITY `, `Ｃｉｔｙ` and `Postal  Code` are our headings."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def canonical_headers(layout: SheetLayout, headers: Iterable[Any]) -> list[Any]:
    """The table's header row with each heading that differs from one of ours only in
    case, width or spaces (`fold_heading`) replaced by ours, so that Save and Refresh
    read and write that column as before. Headings already ours keep priority."""
    headers = list(headers)
    exact = set(headers)
    ours = {fold_heading(h): h for h in layout.headers}
    out: list[Any] = []
    for h in headers:
        if isinstance(h, str) and h not in layout.headers:
            mine = ours.get(fold_heading(h))
            if mine is not None and mine not in exact and mine not in out:
                h = mine
        out.append(h)
    return out


@dataclass(frozen=True)
class UnknownHeading:
    heading: str
    position: int               # 0-based column in the table
    was: str | None             # the heading of ours it most likely replaced


def unknown_headings(layout: SheetLayout, headers: Iterable[Any],
                     original: Mapping[int, str] | None = None) -> list[UnknownHeading]:
    """Headings of a data table that name none of our columns although one of our
    columns is missing where they stand: a heading renamed, mistyped or translated
    (City -> Stadt), not a column the user added.

    `headers`: the table's header row after `canonical_headers`. `original`: position
    -> the table's own column definition name, when it still names one of ours
    (Excel keeps it while a cell heading is retyped; our builder writes each column in
    the layout's order). A heading the user added inside the table, with all of our
    columns still there, is never one of these; nor is a column of ours deleted with
    nothing in its place (its field is left as it is, the README says so).
    """
    headers = [None if h in (None, "") else str(h) for h in headers]
    have = set(headers)
    ours = [c.header for c in layout.columns if c.role != "hidden"]
    missing = [h for h in ours if h not in have]
    if not missing:
        return []
    out: list[UnknownHeading] = []
    taken: set[str] = set()
    for i, h in enumerate(headers):
        if h in layout.headers:
            continue
        was = (original or {}).get(i)
        if was not in missing or was in taken:
            was = None
            # by position: our columns known left and right of it bound where it stands
            left = next((headers[j] for j in range(i - 1, -1, -1) if headers[j] in ours), None)
            right = next((headers[j] for j in range(i + 1, len(headers)) if headers[j] in layout.headers), None)
            lo = ours.index(left) + 1 if left is not None else 0
            hi = (ours.index(right) if right in ours else len(ours))
            gap = [m for m in ours[lo:hi] if m in missing and m not in taken]
            if not gap:
                continue            # a column the user added between two of ours
            was = gap[0]
        taken.add(was)
        out.append(UnknownHeading(h if h is not None else f"Column{i + 1}", i, was))
    return out
