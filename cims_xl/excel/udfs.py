"""The CIMS_* worksheet functions for Excel (xlwings UDFs).

Listed in the workbook's `xlwings.conf` sheet as `UDF Modules = cims_xl.excel.udfs`.
Each function here is a thin xlwings wrapper around the plain, testable function of
the same name in `worksheet_functions`; the logic, the role check, the cache and the
`#CIMS: …` error texts live there. Arguments are read with `err_to_str` so an error cell
(#N/A) arrives as its text and is refused in words (`worksheet_functions.cell_text`),
never as None, which would read as a blank cell.

Examples:
    =CIMS_GET("C-000001", "Email")          =CIMS_GET(A2:A500, "City")
    =CIMS_FIND("Shanghai segment:VIP", "ID,Name,Phone")
    =CIMS_COUNT("tag:wholesale")             =CIMS_LTV("C-000001")
    =CIMS_PIPELINE()   =CIMS_PIPELINE("Proposal")   =CIMS_360("C-000001")
"""

from __future__ import annotations

import xlwings as xw

from . import worksheet_functions as wf


def _scalar_if_single(result):
    """A 1×1 result as a plain value, so a single-cell call needs no spill range."""
    if isinstance(result, list) and len(result) == 1 and isinstance(result[0], list) and len(result[0]) == 1:
        return result[0][0]
    return result


@xw.func
@xw.arg("record_id", err_to_str=True, ndim=2, doc="A record id such as C-000001, or a range of ids")
@xw.arg("field", err_to_str=True, doc='A column name such as "Email" or "City"')
def CIMS_GET(record_id, field):
    """One field of one record (or of each id in a range)."""
    return _scalar_if_single(wf.cims_get(record_id, field))


@xw.func
@xw.arg("query", err_to_str=True, doc='Free text plus optional filters, e.g. "Shanghai segment:VIP"')
@xw.arg("fields", doc='Optional: columns to show, e.g. "ID,Name,Phone"')
def CIMS_FIND(query, fields=None):
    """Matching customers as a table with a header row (spills)."""
    return wf.cims_find(query, fields)


@xw.func
@xw.arg("query", err_to_str=True, doc="The same query as CIMS_FIND")
def CIMS_COUNT(query):
    """How many customers match the query."""
    return wf.cims_count(query)


@xw.func
@xw.arg("customer_id", err_to_str=True, ndim=2, doc="A customer id such as C-000001, or a range of ids")
@xw.arg("currency", err_to_str=True, doc="Optional: an ISO code, e.g. USD (only the orders in it)")
def CIMS_LTV(customer_id, currency=None):
    """Lifetime value: the customer's orders (cancelled/returned excluded), one currency at a time."""
    return _scalar_if_single(wf.cims_ltv(customer_id, currency))


@xw.func
@xw.arg("stage", err_to_str=True, doc="Optional: one stage, e.g. Proposal (default: all open stages)")
def CIMS_PIPELINE(stage=None):
    """Open and probability-weighted amount of opportunities, one row per currency (with a header row)."""
    return wf.cims_pipeline(stage)


@xw.func
@xw.arg("customer_id", err_to_str=True, doc="A customer id such as C-000001")
def CIMS_360(customer_id):
    """A one-cell summary of a customer."""
    return wf.cims_360(customer_id)
