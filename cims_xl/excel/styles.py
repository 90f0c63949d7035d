"""Fonts, fills and table style of the built workbook, kept apart from the layout logic.

Header cells carry explicit formatting as well as the Excel table style, because
LibreOffice (and Excel Online's print path) ignore table styles; the explicit fill is
what makes the header readable everywhere.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

TABLE_STYLE = "TableStyleMedium2"

_WHITE = "FFFFFF"
# Every font names its face: a Font without one falls back to the viewer's default
# (a serif face in LibreOffice), unlike the workbook's Calibri body text.
_FACE = "Calibri"
# Editable business columns: the same blue as TableStyleMedium2's header.
EDITABLE_HEADER_FILL = PatternFill("solid", start_color="4472C4", end_color="4472C4")
# Columns the system fills (ID, Created, Updated, Status, computed fields): grey, so a
# user sees at a glance which columns typing into is pointless.
SYSTEM_HEADER_FILL = PatternFill("solid", start_color="595959", end_color="595959")
HIDDEN_HEADER_FILL = PatternFill("solid", start_color="BFBFBF", end_color="BFBFBF")
HEADER_FONT = Font(name=_FACE, size=11, bold=True, color=_WHITE)
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
# Over numbers and dates (which Excel right-aligns) the header is right-aligned too.
HEADER_ALIGNMENT_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)

TITLE_FONT = Font(name=_FACE, size=16, bold=True, color="1F3864")
SECTION_FONT = Font(name=_FACE, size=12, bold=True, color="1F3864")
LABEL_FONT = Font(name=_FACE, size=11, bold=True)
NOTE_FONT = Font(name=_FACE, size=11, italic=True, color="595959")

# Cells Python writes into (signed-in user, store path, report filters, import file).
INPUT_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
INPUT_BORDER = Border(bottom=Side(style="thin", color="BF9000"))

SECTION_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
