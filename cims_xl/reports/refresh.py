"""Report use cases over a signed-in session: load frames, compute, write sheets.

- `build_for_session` : the reports as data (for `cims report --format json`).
- `refresh_with_writer` : rebuild the report sheets through any ReportWriter, each
  sheet with the filters typed in its cells. The writers (file and live) and the
  file-level use cases are in `cims_xl.excel.report_writer` / `report_writer_live`.

Roles: running reports needs the "report" permission; personal data (customer names,
ticket subjects) appears only for roles with "read_personal" (not viewers).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from ..errors import CimsError, PermissionDenied
from ..report_layout import FILTER_KEYS, FILTER_LABELS, FILTER_SUFFIXES
from .compute import DEFAULT_TZ, REPORT_SHEETS, build_report, build_reports
from .model import ReportSheet
from .sheets import ReportWriter, render

# The columns the reports read (a third of the stored ones: reading is most of the cost).
REPORT_COLUMNS = {
    "customer": ["id", "created_at", "name", "segment", "province", "country", "owner"],
    "order": ["id", "order_number", "customer_id", "order_date", "amount", "profit", "currency", "region",
              "province", "category", "status"],
    "opportunity": ["id", "created_at", "customer_id", "stage", "amount", "currency", "probability",
                    "expected_close", "closed_at", "lost_reason", "owner", "source"],
    "ticket": ["id", "created_at", "customer_id", "subject", "priority", "status", "assignee",
               "opened_at", "first_response_at", "resolved_at", "closed_at", "first_response_due",
               "resolution_due", "pending_since", "paused_seconds"],
}
KINDS = tuple(REPORT_COLUMNS)


def load_frames(session) -> dict[str, pd.DataFrame]:
    """Every frame the reports read, from the store (role-checked by the frames service)."""
    from ..services.frames import load_frame, stage_history_frame, ticket_time_edits_frame
    frames = {kind: load_frame(session, kind, list(cols), exact_money=True) for kind, cols in REPORT_COLUMNS.items()}
    frames["stage_history"] = stage_history_frame(session)
    frames["ticket_time_edits"] = ticket_time_edits_frame(session)
    return frames


def include_personal(session) -> bool:
    return session.may("read_personal", "customer")


def _targets(session):
    from ..domain import sla
    from ..services.settings import sla_targets
    try:
        return sla_targets(session)
    except (AttributeError, KeyError):
        return sla.DEFAULT_TARGETS


def money_options(session) -> dict:
    """build_report keywords: the store's currency and the exchange rates entered into it."""
    from ..services import settings
    from .currency import FxRate
    try:
        base, rates = settings.store_currency(session), settings.fx_rates(session)
    except AttributeError:          # a session without a store (as _targets): nothing to convert
        return {"currency": None, "rates": []}
    return {"currency": base, "rates": [FxRate(r.currency, r.valid_from, Decimal(str(r.rate))) for r in rates]}


SHOWN_NAMES = 12     # values a refused filter lists


def checked_filters(session, frames, owner=None, region=None, where: str = "") -> tuple[str | None, str | None]:
    """(owner, region) as the reports filter by them, or ValidationFailed when one would
    match nothing in the store (whatever the dates), so an empty report never looks like
    no business: an owner that is no user and owns nothing is refused naming the users
    whose names are close; a user's display name ("Maria Lopez") is that user. A region
    no order or customer is in (by its text, or as the same country: `compute._eq_region`)
    is refused naming the regions in the store. A real user who owns nothing is an
    empty report: that is true."""
    import difflib

    from ..errors import ValidationFailed
    from .compute import _fold, unmatched_filters

    owner = owner.strip() if isinstance(owner, str) and owner.strip() else None
    region = region.strip() if isinstance(region, str) and region.strip() else None
    try:
        users = list(session.store.fetch_users())
    except AttributeError:      # a session without a store (tests' stand-ins): rows only
        users = []
    if owner is not None:
        by_name = {_fold(u["username"]): u["username"] for u in users}
        shown = {}
        for u in users:
            if u.get("display_name"):
                shown.setdefault(_fold(" ".join(u["display_name"].split())), set()).add(u["username"])
        if _fold(owner) not in by_name and len(shown.get(_fold(owner), ())) == 1:
            owner = next(iter(shown[_fold(owner)]))     # the display name of one user
    missing = unmatched_filters(frames, owner, region)
    label = f"{where}: " if where else ""
    if "owner" in missing and not any(_fold(u["username"]) == _fold(owner) for u in users):
        names = sorted({u["username"] for u in users} | set(missing["owner"]), key=str.casefold)
        close = difflib.get_close_matches(owner, names, n=3, cutoff=0.5) or difflib.get_close_matches(
            owner.casefold(), [n.casefold() for n in names], n=3, cutoff=0.5)
        raise ValidationFailed({"": f"{label}no user {owner!r}: no user has that name and no customer or "
                                    f"opportunity names that owner" + (f"; did you mean {', '.join(close)}?" if close else "")
                                    + f" Users: {_listed(names)}"})
    if "region" in missing:
        regions = missing["region"]
        close = difflib.get_close_matches(region.casefold(), [r.casefold() for r in regions], n=3, cutoff=0.6)
        close = [r for r in regions if r.casefold() in close]
        raise ValidationFailed({"": f"{label}no orders or customers match region {region!r} (by name, or as the same "
                                    "country)" + (f"; did you mean {', '.join(close)}?" if close else "")
                                    + (f" Regions in the store: {_listed(regions)}" if regions
                                       else " The store's orders name no region and no country.")})
    return owner, region


def _listed(values: list[str]) -> str:
    more = len(values) - SHOWN_NAMES
    return ", ".join(values[:SHOWN_NAMES]) + (f" and {more} more" if more > 0 else "")


def build_for_session(session, *, date_from=None, date_to=None, owner=None, region=None,
                      tz: str | ZoneInfo = DEFAULT_TZ, as_of: dt.datetime | None = None,
                      frames=None) -> dict[str, ReportSheet]:
    session.ensure("report")
    frames = frames if frames is not None else load_frames(session)
    owner, region = checked_filters(session, frames, owner, region)
    return build_reports(frames, date_from=parse_filter_date(date_from, "From date"),
                         date_to=parse_filter_date(date_to, "To date"), owner=owner, region=region,
                         include_personal=include_personal(session), tz=tz, as_of=as_of,
                         targets=_targets(session), **money_options(session))


def build_for_file(session, **kw) -> dict[str, ReportSheet]:
    """The reports for a workbook file of their own (`cims report --out FILE`), with the
    keywords of `build_for_session`, once `ensure_may_write_report_file` allows it."""
    ensure_may_write_report_file(session)
    return build_for_session(session, **kw)


def ensure_may_write_report_file(session) -> None:
    """Raise PermissionDenied (audited) unless `session` may write reports to a file.

    A file written elsewhere is an export (PRODUCT.md, roles): reports that name people
    (customer names, ticket subjects: every role that reads personal fields) need the
    export permission, which managers and administrators have and sales and support
    users do not (PermissionDenied, audited). A viewer's reports name nobody and may be
    written. The report sheets of a user's own workbook (`cims sync WORKBOOK reports`)
    are their view, not an export.
    """
    if include_personal(session):
        try:
            session.ensure("export")
        except PermissionDenied as exc:
            raise PermissionDenied(f"{exc.message}: a report written to a file is an export (ask a manager); "
                                   "the report sheets of your own workbook refresh with "
                                   "`cims sync WORKBOOK reports`") from None


REPORT_FILE_ACTION = "report.file"


def record_report_file(session, path) -> None:
    """Audit a report workbook written to a file, with where it went, when its reports
    name people (customer names, ticket subjects): `gdpr erase` names the file as a copy
    it cannot reach (services.erase_copies). A viewer's reports name nobody."""
    from pathlib import Path

    from ..security.audit import AuditEvent
    from ..store.db import utcnow

    if not include_personal(session):
        return
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, REPORT_FILE_ACTION, None, None, None,
                                  {"path": [None, str(Path(path).resolve())]})])
        uow.commit()


def refresh_with_writer(writer: ReportWriter, session, *, tz: str | ZoneInfo = DEFAULT_TZ,
                        as_of: dt.datetime | None = None, frames=None,
                        sheets: tuple[str, ...] = REPORT_SHEETS) -> dict[str, ReportSheet]:
    """Rebuild each report sheet with the filters typed on that sheet."""
    unknown = [s for s in sheets if s not in REPORT_SHEETS]
    if unknown:
        raise CimsError(f"not a report sheet: {', '.join(unknown)} (use: {', '.join(REPORT_SHEETS)})")
    session.ensure("report")
    frames = frames if frames is not None else load_frames(session)
    personal = include_personal(session)
    targets = _targets(session)
    money = money_options(session)
    reports = {}
    for sheet in sheets:
        writer.ensure_sheet(sheet)
        filters = filters_from_cells(writer.read_filters(sheet), sheet)
        filters["owner"], filters["region"] = checked_filters(session, frames, filters.get("owner"),
                                                              filters.get("region"), sheet)
        reports[sheet] = build_report(sheet, frames, **filters, include_personal=personal,
                                      tz=tz, as_of=as_of, targets=targets, **money)
    render(writer, reports)
    return reports


def standalone_note(rep: ReportSheet) -> tuple[str, str]:
    """The two subtitle lines of a standalone report sheet: its filters, and how to get
    new figures (it cannot be refreshed)."""
    return (f"Made with: {rep.filters_text()}",
            "This file cannot be refreshed: run cims report --out again for new figures.")


def filters_from_cells(raw: dict, sheet: str = "") -> dict:
    """Filter cell values -> build_report keywords; a bad date is a plain error."""
    out = {}
    for suffix in FILTER_SUFFIXES:
        value = raw.get(suffix)
        key = FILTER_KEYS[suffix]
        if suffix in ("From", "To"):
            out[key] = parse_filter_date(value, f"{sheet}: {FILTER_LABELS[suffix]}" if sheet else FILTER_LABELS[suffix])
        else:
            text = "" if value is None else str(value).strip()
            out[key] = text or None
    return out


def parse_filter_date(value, label: str = "date") -> dt.date | None:
    from ..domain.normalize import is_blank, parse_date
    if value is None or is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(value, "YMD")
    except ValueError as exc:
        raise CimsError(f"{label}: {exc}") from None
    if parsed is None:
        return None
    return parsed
