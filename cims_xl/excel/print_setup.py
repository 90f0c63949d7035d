"""How CIMS's data sheets print: at a readable scale, as many pages wide as that takes.

A data table is 12 to 23 visible columns wide (the Customers sheet about 3,000 points at
100 %). Fitted to one page wide it printed at about 30 % (3 pt text: unreadable);
printed at 100 % it took four columns a page. So a data sheet prints landscape at the
largest scale of at most 100 % at which its visible columns fill whole pages, and never
below MIN_SCALE (70 %: 11 pt text prints at 7.7 pt). The number of pages wide follows
from the visible columns' widths (`readable_scale`); every page repeats the header row
and the record's identifying columns, ID up to its name column (Name, Customer Name,
Opportunity, ...) when they take at most a third of a page, else ID alone (the sheet's
_xlnm.Print_Titles name: `$A:$B,$1:$1`). Pages go down, then across.

The width used is the narrowest common landscape page (US Letter, 11 in; A4 is 11.69 in)
less the sheet's left and right margins; a column of width w characters is
trunc(7 w + 5) pixels of Calibri 11 at 96 dpi (ECMA-376 §18.3.1.13), 0.75 pt a pixel.

Sources: ECMA-376 Part 1, §18.3.1.63 pageSetup (orientation, scale, pageOrder;
fitToWidth/fitToHeight only when sheetPr/pageSetUpPr fitToPage is on, §18.3.1.65),
§18.2.6 definedName _xlnm.Print_Titles.
"""

from __future__ import annotations

import math

MIN_SCALE = 70
PAGE_WIDTH_PT = 11 * 72                 # US Letter landscape; A4 landscape is wider
DEFAULT_COLUMN_WIDTH = 8.43             # characters, when a column has no <col> of its own
TITLE_SHARE = 1 / 3                     # repeated columns take at most this much of a page
NAME_HEADERS = ("name", "opportunity", "subject", "order no.")


def column_points(width: float | None) -> float:
    return math.trunc(7 * (DEFAULT_COLUMN_WIDTH if width is None else width) + 5) * 0.75


def visible_columns(ws, header_row: int = 1) -> list[tuple[int, str, float]]:
    """(column number, header text, width in points) of the visible columns."""
    widths: dict[int, tuple[float | None, bool]] = {}
    for key, dim in ws.column_dimensions.items():
        lo = dim.min or _index(key)
        hi = dim.max or lo
        for i in range(lo, hi + 1):
            widths[i] = (dim.width if dim.width else None, bool(dim.hidden))
    out = []
    for i in range(1, ws.max_column + 1):
        width, hidden = widths.get(i, (None, False))
        if hidden or (width is not None and width <= 0):
            continue
        cell = ws._cells.get((header_row, i))        # read without creating the cell
        out.append((i, str(cell.value or "") if cell is not None else "", column_points(width)))
    return out


def _index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


def title_columns(cols: list[tuple[int, str, float]], page: float) -> list[tuple[int, str, float]]:
    """The leading columns every page repeats: ID up to the first name column, if they
    fit in a third of the page at MIN_SCALE; else ID alone."""
    if not cols:
        return []
    for n, (_i, header, _w) in enumerate(cols[:4], start=1):
        if any(header.strip().lower().endswith(word) for word in NAME_HEADERS):
            lead = cols[:n]
            contiguous = lead[-1][0] - lead[0][0] == n - 1
            if contiguous and sum(w for *_x, w in lead) * MIN_SCALE / 100 <= page * TITLE_SHARE:
                return lead
            break
    return cols[:1]


def readable_scale(total: float, titles: float, page: float) -> int:
    """The print scale (percent): the largest of at most 100 at which the columns fill
    whole pages, never below MIN_SCALE; `total` and `titles` (repeated on every page)
    are widths in points at 100 %, `page` the printable width."""
    if total <= page:
        return 100
    if total * MIN_SCALE / 100 <= page:
        return max(MIN_SCALE, math.floor(100 * page / total))
    room = page * 100 / MIN_SCALE - titles           # body width a page holds at MIN_SCALE
    pages = math.ceil((total - titles) / room)
    scale = math.floor(100 * page / (titles + (total - titles) / pages))
    return max(MIN_SCALE, min(100, scale))


def printable_width(ws) -> float:
    margins = ws.page_margins
    left = margins.left if margins is not None and margins.left is not None else 0.7
    right = margins.right if margins is not None and margins.right is not None else 0.7
    return PAGE_WIDTH_PT - 72 * (left + right)


def fit_print_width(ws, *, landscape: bool = True) -> None:
    """Give an openpyxl data worksheet the print setup above (landscape unless told)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    cols = visible_columns(ws)
    page = printable_width(ws)
    lead = title_columns(cols, page)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
    ws.page_setup.scale = readable_scale(sum(w for *_x, w in cols), sum(w for *_x, w in lead), page)
    ws.page_setup.pageOrder = "downThenOver"
    if lead:
        ws.print_title_cols = f"{get_column_letter(lead[0][0])}:{get_column_letter(lead[-1][0])}"
    ws.print_title_rows = "1:1"


def _older_cims_setup(ws) -> bool:
    """The setup cims wrote before: fitted to one page wide (text at about 3 pt)."""
    props, setup = ws.sheet_properties.pageSetUpPr, ws.page_setup
    return bool(props is not None and props.fitToPage) and str(setup.fitToWidth) == "1" \
        and str(setup.fitToHeight) == "0"


def has_own_print_setup(ws) -> bool:
    """Whether a sheet was given a fit-to-page or a zoom by its user: then a Save or
    Refresh leaves its print setup as it is. The one-page-wide fit older cims wrote is
    not the user's."""
    props = ws.sheet_properties.pageSetUpPr
    scale = ws.page_setup.scale
    if _older_cims_setup(ws):
        return False
    return bool(props is not None and props.fitToPage) or (scale is not None and int(scale) != 100)


def repair_print_width(ws) -> bool:
    """A data sheet from a workbook built before data sheets printed at a readable scale
    gets `fit_print_width`; one with a print setup of its own is left alone. Returns
    whether it changed (its print titles then need `patch_print_titles`)."""
    if has_own_print_setup(ws):
        return False
    before = (ws.page_setup.scale, ws.print_title_cols, ws.print_title_rows, ws.page_setup.pageOrder)
    fit_print_width(ws)
    return before != (ws.page_setup.scale, ws.print_title_cols, ws.print_title_rows, ws.page_setup.pageOrder)


def patch_print_titles(pkg, sheet_title: str, text: str) -> None:
    """Set a sheet's _xlnm.Print_Titles in workbook.xml (a Save of an older workbook:
    xlsx_patch adds only names a writer created)."""
    from lxml import etree

    from .package import SML_NS
    from .xlsx_patch import WORKBOOK_ORDER, insert_ordered

    s = f"{{{SML_NS}}}"
    book = pkg.xml("xl/workbook.xml", edit=True)
    titles = [el.get("name") for el in book.iter(s + "sheet")]
    if sheet_title not in titles:
        return
    index = str(titles.index(sheet_title))
    names = book.find(s + "definedNames")
    if names is None:
        names = etree.Element(s + "definedNames")
        insert_ordered(book, names, WORKBOOK_ORDER)
    for el in names:
        if el.get("name") == "_xlnm.Print_Titles" and el.get("localSheetId") == index:
            el.text = text
            return
    el = etree.SubElement(names, s + "definedName")
    el.set("name", "_xlnm.Print_Titles")
    el.set("localSheetId", index)
    el.text = text
