"""How CIMS's data sheets print: every column on one page width.

A data table is 15 to 25 columns wide; printed at 100 % it took about four columns a
page (79 pages for nine customers in LibreOffice). Data sheets print landscape,
fitted to one page wide and as many pages down as the rows need (fitToWidth=1,
fitToHeight=0: "automatic"), each page repeating the header row (the sheet's
Print_Titles name, set when the workbook is built).

Sources: ECMA-376 Part 1, §18.3.1.63 pageSetup (orientation, fitToWidth, fitToHeight;
used only when sheetPr/pageSetUpPr fitToPage is on, §18.3.1.65), §18.2.6 definedName
_xlnm.Print_Titles.
"""

from __future__ import annotations


def fit_print_width(ws, *, landscape: bool = True) -> None:
    """Give an openpyxl worksheet the print setup above (landscape unless told)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.scale = None


def has_own_print_setup(ws) -> bool:
    """Whether a sheet was given a fit-to-page or a zoom (by us or by its user): then a
    Save or Refresh leaves its print setup as it is."""
    props = ws.sheet_properties.pageSetUpPr
    scale = ws.page_setup.scale
    return bool(props is not None and props.fitToPage) or (scale is not None and int(scale) != 100)


def repair_print_width(ws) -> bool:
    """A data sheet from a workbook built before data sheets fitted the page width gets
    `fit_print_width`; one with a print setup of its own is left alone. Returns whether
    it changed."""
    if has_own_print_setup(ws):
        return False
    fit_print_width(ws)
    return True
