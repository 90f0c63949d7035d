"""Reports: sales, pipeline, service and customer segments as pivots and report sheets.

    compute   pure pandas: entity frames -> ReportSheet (tables, formats, chart specs);
              rfm_segments for the customer field rfm_segment
    sheets    the layout plan and the headless openpyxl writer
    xlwings_writer  the live writer (imports xlwings lazily)
    refresh   use cases over a session: refresh a workbook file, a standalone report
              workbook, the reports as data
"""

from .compute import REPORT_SHEETS, build_report, build_reports, rfm_changes, rfm_segments
from .model import ChartSpec, ReportSheet, ReportTable, to_jsonable
from .refresh import (build_for_session, refresh_reports_file, refresh_with_writer,
                      write_report_workbook)
from .sheets import TABLE_NAMES, write_reports_openpyxl

__all__ = ["REPORT_SHEETS", "TABLE_NAMES", "ChartSpec", "ReportSheet", "ReportTable",
           "build_for_session", "build_report", "build_reports", "refresh_reports_file",
           "refresh_with_writer", "rfm_changes", "rfm_segments", "to_jsonable", "write_report_workbook",
           "write_reports_openpyxl"]
