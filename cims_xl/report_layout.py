"""Where the report sheets are: their names, their filter cells and the report body's anchor.

One definition for the workbook builder (`cims_xl.excel.build`, `excel.layout`), the
report plan (`cims_xl.reports.sheets`) and the report writers (`cims_xl.excel.report_writer*`).
No imports: the workbook side reads it without loading pandas.

A report sheet "Report - <P>" (P = Sales | Pipeline | Service | Segments) has the
filter cells B4:B7 (labels in A4:A7), defined names <P>_From, <P>_To, <P>_Owner,
<P>_Region, and <P>_Output = A9, the top-left cell of the report body.
"""

from __future__ import annotations

SALES, PIPELINE, SERVICE, SEGMENTS = ("Report - Sales", "Report - Pipeline",
                                      "Report - Service", "Report - Segments")
REPORT_SHEETS = (SALES, PIPELINE, SERVICE, SEGMENTS)

FILTER_SUFFIXES = ("From", "To", "Owner", "Region")
FILTER_KEYS = {"From": "date_from", "To": "date_to", "Owner": "owner", "Region": "region"}
FILTER_CELLS = {"From": "B4", "To": "B5", "Owner": "B6", "Region": "B7"}
FILTER_LABELS = {"From": "From date", "To": "To date", "Owner": "Owner", "Region": "Region"}
OUTPUT_CELL = (9, 1)           # <P>_Output: (row, column) = A9


def report_prefix(sheet: str) -> str:
    """'Report - Sales' -> 'Sales' (the prefix of the sheet's defined names)."""
    return sheet.removeprefix("Report - ")


def filter_name(sheet: str, suffix: str) -> str:
    """The defined name of a filter (or "Output") cell: ('Report - Sales', 'From') -> 'Sales_From'."""
    return f"{report_prefix(sheet)}_{suffix}"
