"""RFM segments written back to customers, so they can be searched and used in formulas."""

from __future__ import annotations

import datetime as dt

from .frames import load_frame
from .records import _SERVICE, _service_update_many
from .session import Session


def _today() -> dt.date:
    """The day the reports count as today (`as_of` of an unfiltered Segments report):
    in the zone the reports and the sheets use."""
    from zoneinfo import ZoneInfo

    from ..domain.display import display_zone
    from ..reports.compute import DEFAULT_TZ

    # excel.sheet_codec.report_zone_kwargs' zone (display_zone when it has an IANA name)
    zone = display_zone()
    return dt.datetime.now(zone if isinstance(zone, ZoneInfo) else ZoneInfo(DEFAULT_TZ)).date()


def update_rfm_segments(session: Session, *, as_of: dt.date | None = None) -> int:
    """Recompute every customer's RFM segment from orders; store the ones that changed.

    The segment is the one the Segments report (unfiltered, as of `as_of`, default
    today) shows for the customer: the same orders, converted at the same entered rates,
    scored by the same function (`reports.compute.rfm_segments`), per currency block
    where currencies remain; a customer in several blocks gets its main currency's."""
    from ..reports.compute import rfm_changes, rfm_segments

    session.ensure("update", "customer", owner=None)
    customers = load_frame(session, "customer", ["id", "version", "created_at", "rfm_segment"])
    from ..reports.currency import convert
    from ..reports.refresh import money_options

    orders = load_frame(session, "order", ["id", "order_number", "customer_id", "order_date", "amount",
                                           "currency", "status"], exact_money=True)   # as the reports: exact
    money = money_options(session)      # entered rates convert first; never two currencies added
    orders = convert({"order": orders}, money["currency"], money["rates"])[0]["order"]
    rfm = rfm_segments(orders, customers, as_of or _today(), base=money["currency"])
    changes = rfm_changes(rfm, customers)
    if changes:
        _service_update_many(session, changes, token=_SERVICE, validated=True, action="rfm")
    return len(changes)


def refresh_before_reports(session: Session, *, as_of: dt.date | None = None) -> int:
    """What every "refresh the reports" does first (CLI, `cims sync … reports`, the ribbon).

    The Segments report and customer searches read the stored RFM segments, so they are
    brought up to date from orders first - by a role that may update every customer
    (admin, manager). For other roles the stored segments are used as they are and
    nothing is written (no refusal is recorded either). Returns the number updated.
    """
    if not session.may("update", "customer", owner=None):
        return 0
    return update_rfm_segments(session, as_of=as_of)
