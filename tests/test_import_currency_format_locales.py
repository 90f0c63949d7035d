"""The locale a currency format names settles the symbol it shows: an .xlsx format's BCP 47
tag (`[$¥-ja-JP]`, as newer Excel writes it in place of the LCID 411) and an .ods currency
style's number:language / number:country ("¥ Japanese" in LibreOffice). "¥" under ja-JP is
JPY, under zh-CN CNY; "$" under en-CA CAD; "kr" under sv-SE SEK, whatever the store's
currency, and the summary does not say the file names no other currency."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from cims_xl.importer.run import import_file
from cims_xl.services import records

HEAD = ["Order No", "Customer", "Order Date", "Amount"]

# (symbol, BCP 47 tag, the currency it names)
LOCALES = [("¥", "ja-JP", "JPY"), ("¥", "zh-CN", "CNY"), ("¥", "zh-Hans-CN", "CNY"), ("$", "en-CA", "CAD"),
           ("$", "en-AU", "AUD"), ("$", "es-MX", "MXN"), ("$", "zh-TW", "TWD"), ("kr", "sv-SE", "SEK"),
           ("kr", "nb-NO", "NOK"), ("kr", "da-DK", "DKK"), ("£", "ar-EG", "EGP"), ("Rs", "ur-PK", "PKR")]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _said_no_other(result) -> list[dict]:
    return [i for i in result.inferences if "currency of" in i["what"] and "names no other" in i["evidence"]]


def _xlsx(path: Path, cells: list[tuple[float, str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for i, (number, fmt) in enumerate(cells):
        ws.append([f"X-{i}", f"Buyer {i}", f"2025-01-{i + 1:02d}", number])
        ws.cell(row=i + 2, column=4).number_format = fmt
    wb.save(path)
    return path


@pytest.mark.parametrize("symbol, tag, code", LOCALES, ids=[f"{s}-{t}" for s, t, _ in LOCALES])
def test_an_xlsx_format_naming_its_locale_by_a_language_tag_stores_that_countrys_currency(
        admin, tmp_path, symbol, tag, code):
    path = _xlsx(tmp_path / "o.xlsx", [(1200, f"[${symbol}-{tag}]#,##0"), (2400, f"#,##0 [${symbol}-{tag}]")])
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"X-0": (Decimal("1200"), code), "X-1": (Decimal("2400"), code)}
    assert _said_no_other(result) == []


def test_xlsx_cells_in_several_countries_dollars_each_keep_their_own(admin, tmp_path):
    path = _xlsx(tmp_path / "o.xlsx", [(10, "[$$-en-CA]#,##0.00"), (20, "[$$-en-AU]#,##0.00"),
                                       (30, "[$$-en-NZ]#,##0.00"), (40, "[$$-en-SG]#,##0.00")])
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"X-0": (Decimal("10"), "CAD"), "X-1": (Decimal("20"), "AUD"),
                              "X-2": (Decimal("30"), "NZD"), "X-3": (Decimal("40"), "SGD")}


# ----- .ods ----------------------------------------------------------------------------------

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
       'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def _number_style(name: str, symbol: str, language: str, country: str, mapped: bool = False) -> str:
    """A currency number style as LibreOffice writes one; `mapped`: its positive numbers
    go through a second style (N1P0, style:map) whose symbol names no locale."""
    symbol_el = f'<number:currency-symbol number:language="{language}" number:country="{country}">{symbol}</number:currency-symbol>'
    number = '<number:number number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/>'
    if not mapped:
        return f'<number:currency-style style:name="{name}">{symbol_el}{number}</number:currency-style>'
    return (f'<number:currency-style style:name="{name}P0" style:volatile="true"><number:currency-symbol>{symbol}'
            f'</number:currency-symbol>{number}</number:currency-style>'
            f'<number:currency-style style:name="{name}"><number:text>-</number:text>{symbol_el}{number}'
            f'<style:map style:condition="value()&gt;=0" style:apply-style-name="{name}P0"/></number:currency-style>')


def _ods(path: Path, symbol: str, language: str, country: str, where: str, values=(1200, 2400)) -> Path:
    """An .ods whose Amount cells are currency cells (office:currency the symbol, as
    LibreOffice saves "¥ Japanese") in a cell style ce1 using number style N1 with the
    given language and country. `where`: "content" (automatic styles), "styles" (the common
    styles.xml), "mapped" (the locale on the style that maps positive numbers to another),
    "column" (the cells name no style; their column's default style is ce1)."""
    data_style = _number_style("N1", symbol, language, country, mapped=where == "mapped")
    cell_style = '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    auto = data_style + cell_style if where != "styles" else cell_style
    common = data_style if where == "styles" else ""

    def cell(text: str, attrs: str = 'office:value-type="string"') -> str:
        return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"

    styled = '' if where == "column" else ' table:style-name="ce1"'
    rows = ["<table:table-row>" + "".join(cell(h) for h in HEAD) + "</table:table-row>"]
    for i, v in enumerate(values):
        money_cell = cell(f"{symbol}{v:,}", f'office:value-type="currency" office:currency="{symbol}" '
                                           f'office:value="{v}"{styled}')
        rows.append("<table:table-row>" + cell(f"J-{i}") + cell(f"Buyer {i}") + cell(f"2025-02-{i + 1:02d}")
                    + money_cell + "</table:table-row>")
    columns = ('<table:table-column table:number-columns-repeated="3"/>'
               '<table:table-column table:default-cell-style-name="ce1"/>') if where == "column" else ""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.3">'
               f'<office:automatic-styles>{auto}</office:automatic-styles><office:body><office:spreadsheet>'
               f'<table:table table:name="Orders">{columns}{"".join(rows)}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS} office:version="1.3">'
              f'<office:styles>{common}</office:styles></office:document-styles>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("styles.xml", styles)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


ODS_LOCALES = [("¥", "ja", "JP", "JPY"), ("$", "en", "CA", "CAD"), ("kr", "sv", "SE", "SEK"),
               ("kr", "da", "DK", "DKK"), ("$", "es", "MX", "MXN")]


@pytest.mark.parametrize("where", ["content", "styles", "mapped", "column"])
@pytest.mark.parametrize("symbol, language, country, code", ODS_LOCALES, ids=[f"{s}-{l}-{c}" for s, l, c, _ in ODS_LOCALES])
def test_an_ods_currency_style_naming_a_country_stores_that_countrys_currency(
        admin, tmp_path, where, symbol, language, country, code):
    path = _ods(tmp_path / "o.ods", symbol, language, country, where)
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"J-0": (Decimal("1200"), code), "J-1": (Decimal("2400"), code)}
    assert _said_no_other(result) == []
