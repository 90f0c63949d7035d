"""Reports: sales, pipeline, service and customer segments as pivots and report sheets.

    compute   pure pandas: entity frames -> ReportSheet (tables, formats, chart specs);
              rfm_segments for the customer field rfm_segment
    sheets    the layout plan and the ReportWriter protocol (the writers themselves,
              openpyxl and xlwings, are cims_xl.excel.report_writer / report_writer_live)
    refresh   use cases over a session: the reports as data, a refresh through a writer
"""

from .compute import REPORT_SHEETS, build_report, build_reports, rfm_changes, rfm_segments
from .model import ChartSpec, ReportSheet, ReportTable, to_jsonable
from .refresh import build_for_session, refresh_with_writer
from .sheets import TABLE_NAMES

__all__ = ["REPORT_SHEETS", "TABLE_NAMES", "ChartSpec", "ReportSheet", "ReportTable",
           "build_for_session", "build_report", "build_reports",
           "refresh_with_writer", "rfm_changes", "rfm_segments", "to_jsonable"]
