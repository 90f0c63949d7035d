"""Service-desk rules: targets per priority, due times, the status workflow, breaches.

Pure functions, no I/O. Times are stored in UTC (aware datetimes); reports show them
in local time. The clock is calendar time (24 × 7) and stops while a ticket is
Pending: the time spent pending is added to ``paused_seconds`` when the ticket leaves
Pending, and the due times move later by that much.

The ticket service calls `apply_ticket_change(before, after, now, targets)` on every
create and update and merges the returned fields into the record it writes.

Workflow: New → Open → Pending → Resolved → Closed, with these moves allowed:
New → Open/Pending/Resolved/Closed; Open → Pending/Resolved/Closed;
Pending → Open/Resolved/Closed; Resolved → Closed, or back to Open (reopen);
Closed → Open (reopen). Nothing goes back to New.
Times recorded: leaving New for Open or Pending (taking the ticket up, asking its
customer: a response) sets ``first_response_at``; Resolved or Closed straight from New
(closed unanswered) sets none; entering Resolved (or Closed straight away) sets
``resolved_at`` (a Closed time given is that time too); entering Closed sets
``closed_at``; reopening clears both. A time the caller gives explicitly (an import of
history) is kept. The times must all be true together (`contradictions`): Closed not
before Resolved, neither before the First Response, and a Resolved or Closed time only on
a ticket that is so; checked on the record as it will be stored.

History: a ticket created with an ``opened_at`` given and earlier than now (beyond a
small clock skew, ``CLOCK_SKEW``) is back-dated: it already had its status then, so the times
not given are unknown (stored empty), never "now", whatever the ticket's age. Only a
status change made now through cims stamps "now". A time given in the future (Opened,
First Response, Resolved, Closed: events that must have happened) is refused. A ticket an import creates (``imported=True``) is history however recent: it was
answered or resolved in the help desk it came from, not at the moment of the import.
A response or resolution whose time is unknown is not counted as a breach.

An imported ticket that is Pending was paused from the time its file gives for its last
change (``pending_since``, e.g. Zendesk's "Updated at"), else from the import.

Due times: opened + target + time paused (the response target only by the part of a
pause before the first response: none when it came before the pause, or is unknown), except that an imported ticket keeps the due
times its file gives (``first_response_due``, ``resolution_due``: Freshdesk's "Due by
Time", Zendesk's "Due date"), and a stored due time moves only by later pauses, until a
change of priority or opening time sets it from the targets again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ValidationFailed
from .schema import OPEN_TICKET_STATUSES, PRIORITIES, TICKET_STATUSES

UTC = dt.timezone.utc
DEFAULT_PRIORITY = "P3"
# A time given this much after now is still "now" (clocks differ a little); later is the future.
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class SlaTarget:
    """How long a ticket of one priority may wait for a first response and a resolution."""

    first_response: dt.timedelta
    resolution: dt.timedelta


DEFAULT_TARGETS: dict[str, SlaTarget] = {
    "P1": SlaTarget(dt.timedelta(hours=1), dt.timedelta(hours=8)),
    "P2": SlaTarget(dt.timedelta(hours=4), dt.timedelta(hours=24)),
    "P3": SlaTarget(dt.timedelta(hours=8), dt.timedelta(hours=72)),
    "P4": SlaTarget(dt.timedelta(hours=24), dt.timedelta(days=7)),
}

ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    "New": ("Open", "Pending", "Resolved", "Closed"),
    "Open": ("Pending", "Resolved", "Closed"),
    "Pending": ("Open", "Resolved", "Closed"),
    "Resolved": ("Closed", "Open"),
    "Closed": ("Open",),
}

COMPUTED_FIELDS = ("opened_at", "first_response_at", "resolved_at", "closed_at",
                   "pending_since", "paused_seconds", "first_response_due", "resolution_due")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|hr|hours?|d|days?)?\s*$", re.I)


def parse_duration(value) -> dt.timedelta:
    """A target as configured: a timedelta, a number of hours, or text like '30m', '8h', '7d'."""
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.timedelta(hours=value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"not a duration: {value!r} (use e.g. 30m, 8h or 7d)")
    number, unit = float(m.group(1)), (m.group(2) or "h").lower()
    if unit.startswith("m"):
        return dt.timedelta(minutes=number)
    if unit.startswith("d"):
        return dt.timedelta(days=number)
    return dt.timedelta(hours=number)


def load_targets(config: Mapping | None = None) -> dict[str, SlaTarget]:
    """Targets from configuration, e.g. {"P1": {"first_response": "30m", "resolution": "4h"}}.

    Priorities or keys left out keep the defaults from PRODUCT.md.
    """
    targets = dict(DEFAULT_TARGETS)
    for priority, spec in (config or {}).items():
        if priority not in PRIORITIES:
            raise ValueError(f"unknown priority {priority!r}; use one of: {', '.join(PRIORITIES)}")
        if isinstance(spec, SlaTarget):
            targets[priority] = spec
            continue
        base = targets[priority]
        targets[priority] = SlaTarget(
            parse_duration(spec.get("first_response", base.first_response)),
            parse_duration(spec.get("resolution", base.resolution)),
        )
    return targets


def target_for(priority: str | None, targets: Mapping[str, SlaTarget] | None = None) -> SlaTarget:
    targets = targets or DEFAULT_TARGETS
    return targets[priority or DEFAULT_PRIORITY]


def due_times(opened_at: dt.datetime, priority: str | None, paused_seconds: int = 0,
              targets: Mapping[str, SlaTarget] | None = None) -> tuple[dt.datetime, dt.datetime]:
    """(first_response_due, resolution_due): opened + target + time paused so far."""
    t = target_for(priority, targets)
    pause = dt.timedelta(seconds=int(paused_seconds or 0))
    opened = to_utc(opened_at)
    return opened + t.first_response + pause, opened + t.resolution + pause


# The times that end a ticket, with the headers a message names. (A first response
# before the opening is kept: reports leave such tickets out of response times, saying so.)
_AFTER_OPENED = (("resolved_at", "Resolved", "resolved"), ("closed_at", "Closed", "closed"))


# The ticket times that record an event which must have happened (never in the future).
_EVENT_TIMES = (("opened_at", "Opened"), ("first_response_at", "First Response"),
                ("resolved_at", "Resolved"), ("closed_at", "Closed"))


def check_not_future(before: Mapping | None, after: Mapping, now: dt.datetime,
                     fields: tuple[tuple[str, str], ...], zone: dt.tzinfo | None = None) -> None:
    """ValidationFailed naming each field given in `after` (new or changed from `before`)
    whose time is later than `now` plus `CLOCK_SKEW`: an event that must have happened
    (opened, occurred, resolved, closed) cannot be in the future. Stored values left as
    they are are not checked again."""
    now = to_utc(now)
    problems = {}
    for key, header in fields:
        if key not in after or after[key] is None:
            continue
        given = after[key]
        if before is not None and before.get(key) == given:
            continue
        when = to_utc(given) if isinstance(given, dt.datetime) else None
        if when is None and isinstance(given, dt.date):
            from .display import display_zone
            tz = zone or display_zone()
            if given > (now + CLOCK_SKEW).astimezone(tz).date():
                problems[header] = f"{given.isoformat()} is in the future; give the date it happened"
            continue
        if when is not None and when > now + CLOCK_SKEW:
            problems[header] = (f"{_shown_time(when, zone)} is in the future (now: {_shown_time(now, zone)}); "
                                f"give the time it happened")
    if problems:
        raise ValidationFailed(problems)


def check_time_order(times: Mapping, zone: dt.tzinfo | None = None) -> None:
    """ValidationFailed when a ticket's resolution or closing time (keys of `times`,
    aware datetimes) is before its opening time ("opened_at"): a
    ticket resolved before it was opened is a wrong record (one of the times is in
    the wrong zone or mistyped). Keys absent or None are not checked. `zone`: the zone
    the message shows the times in (default: the one cims shows times in)."""
    opened = to_utc(times.get("opened_at"))
    if opened is None:
        return
    problems = {}
    for key, header, verb in _AFTER_OPENED:
        when = to_utc(times.get(key))
        if when is not None and when < opened:
            problems[header] = (f"{verb} at {_shown_time(when, zone)}, before the ticket was opened "
                                f"({_shown_time(opened, zone)})")
    if problems:
        raise ValidationFailed(problems)


# The statuses whose move from New is a response (the ticket was taken up, or its customer
# asked something): the move stamps First Response. Resolved or Closed straight from New is
# none (closed unanswered).
RESPONSE_STATUSES = ("Open", "Pending")


def contradictions(ticket: Mapping, zone: dt.tzinfo | None = None) -> dict[str, str]:
    """{header: why} for a ticket's times that cannot all be true with each other and its
    status: Closed before Resolved; Resolved or Closed before the First Response; a Resolved
    or Closed time on a ticket still New, Open or Pending. Empty when they can."""
    status = ticket.get("status") or "New"
    responded = to_utc(ticket.get("first_response_at"))
    resolved = to_utc(ticket.get("resolved_at"))
    closed = to_utc(ticket.get("closed_at"))
    problems: dict[str, str] = {}
    if status == "Resolved" and closed is not None:
        problems["Closed"] = (f"{_shown_time(closed, zone)} on a ticket that is Resolved, not Closed "
                              "(set Status to Closed, or clear Closed)")
    if status in OPEN_TICKET_STATUSES:
        for when, header in ((resolved, "Resolved"), (closed, "Closed")):
            if when is not None:
                problems[header] = (f"{_shown_time(when, zone)} on a ticket that is {status}: a ticket has a "
                                    f"{header} time only once it is {header} (set Status to {header}, "
                                    f"or clear {header})")
        return problems
    if resolved is not None and closed is not None and closed < resolved:
        problems["Closed"] = (f"closed at {_shown_time(closed, zone)}, before it was resolved "
                              f"({_shown_time(resolved, zone)})")
    if responded is not None:
        for when, header, verb in ((resolved, "Resolved", "resolved"), (closed, "Closed", "closed")):
            if when is not None and when < responded and header not in problems:
                problems[header] = (f"{verb} at {_shown_time(when, zone)}, before the first response "
                                    f"({_shown_time(responded, zone)})")
    return problems


def check_consistent(ticket: Mapping, zone: dt.tzinfo | None = None) -> None:
    """ValidationFailed naming each rule `contradictions` finds broken."""
    problems = contradictions(ticket, zone)
    if problems:
        raise ValidationFailed(problems)


# The times a person may type on a ticket (logging a call that came in earlier, a reply
# sent by phone), with their headers; everything else the clock reads is computed.
TYPED_TIMES = (("opened_at", "Opened"), ("first_response_at", "First Response"),
               ("resolved_at", "Resolved"), ("closed_at", "Closed"))
# A time typed to the minute is "now" until the minute is over (and clocks differ a little).
FUTURE_MARGIN = dt.timedelta(minutes=1)


def check_typed_times(given: Mapping, ticket: Mapping, now: dt.datetime, zone: dt.tzinfo | None = None) -> None:
    """ValidationFailed naming the field when a time a person typed on a ticket (`given`:
    the keys of TYPED_TIMES written, not an import's history) is in the future, or is a
    response, resolution or closing before the ticket was opened (`ticket`: the record as
    it will be written; an opening not given is `now`), or is an opening after the
    ticket's stored first response, or (an edit) after the ticket was entered in cims
    (`created_at`: it was open by then). Such a time would move the due times or hide a breach."""
    now = to_utc(now)
    opened = to_utc(ticket.get("opened_at")) or now
    entered = to_utc(ticket.get("created_at"))
    problems: dict[str, str] = {}
    for key, header in TYPED_TIMES:
        if key not in given or (when := to_utc(given[key])) is None:
            continue
        if when > now + FUTURE_MARGIN:
            problems[header] = (f"{_shown_time(when, zone)} is in the future (it is now {_shown_time(now, zone)}); "
                                "a time not yet reached cannot be typed")
        elif key == "opened_at" and entered is not None and when > entered + FUTURE_MARGIN:
            problems[header] = (f"{_shown_time(when, zone)} is after the ticket was entered in cims "
                                f"({_shown_time(entered, zone)}), so it was open by then")
        elif key != "opened_at" and when < opened:
            problems[header] = (f"{_shown_time(when, zone)} is before the ticket was opened "
                                f"({_shown_time(opened, zone)})")
    if "Opened" not in problems and "opened_at" in given:
        for key, header in TYPED_TIMES[1:]:
            when = to_utc(ticket.get(key))
            if key not in given and when is not None and when < opened:
                problems["Opened"] = (f"{_shown_time(opened, zone)} is after the ticket's {header.lower()} "
                                      f"({_shown_time(when, zone)})")
                break
    if problems:
        raise ValidationFailed(problems)


# A time filled in where none was recorded, and which decides the SLA: First Response
# against its due time, Resolved against the resolution's (a closing without one is
# resolved now, `apply_ticket_change`).
_FILLED_AGAINST = (("first_response_at", "First Response", "first_response_due", "first_response"),
                   ("resolved_at", "Resolved", "resolution_due", "resolution"))


def back_dated_fills(before: Mapping | None, after: Mapping, now: dt.datetime,
                     targets: Mapping[str, SlaTarget] | None = None) -> list[tuple[str, dt.datetime,
                                                                                   dt.datetime, dt.timedelta]]:
    """The times filled in now (empty in `before`, given in `after`: the ticket as it
    will be written, due times included) that turn a breach already past into a target
    met: the time is at or before its due time, and now is later than that due time by
    more than the priority's own target (the grace in which a time noted on paper or
    given by phone is still recorded as daily work). [(header, time, due, grace)]."""
    before = before or {}
    now = to_utc(now)
    target = target_for(after.get("priority"), targets)
    out = []
    for key, header, due_key, which in _FILLED_AGAINST:
        when, due = to_utc(after.get(key)), to_utc(after.get(due_key))
        if when is None or due is None or before.get(key) is not None:
            continue
        grace = getattr(target, which)
        if when <= due and now > due + grace:
            out.append((header, when, due, grace))
    return out


def _shown_time(when: dt.datetime, zone: dt.tzinfo | None) -> str:
    from .display import display_zone
    from .time_zones import zone_name

    zone = zone or display_zone()
    return f"{when.astimezone(zone).strftime('%Y-%m-%d %H:%M')} {zone_name(zone)}"


def apply_ticket_change(before: dict | None, after: dict, now: dt.datetime,
                        targets: Mapping[str, SlaTarget] | None = None, *, imported: bool = False) -> dict:
    """The computed ticket fields for one write (see the module docstring for the rules).

    `before` is the stored record (None on create); `after` is the full record as it
    will be written or only the changed fields (an absent key keeps its stored value).
    Raises ValidationFailed for a move the workflow does not allow.
    """
    targets = targets or DEFAULT_TARGETS
    now = to_utc(now)

    def value(key):
        if key in after:
            return after[key]
        return before.get(key) if before else None

    old_status = (before.get("status") or "New") if before else None
    status = value("status") or "New"
    if status not in TICKET_STATUSES:
        raise ValidationFailed({"Ticket Status": f"unknown status {status!r}"})
    if old_status is not None and status != old_status and status not in ALLOWED_MOVES[old_status]:
        raise ValidationFailed({"Ticket Status": f"cannot go from {old_status} to {status}"})
    priority = value("priority") or DEFAULT_PRIORITY
    if priority not in targets:
        raise ValidationFailed({"Priority": f"unknown priority {priority!r}"})

    opened_at = to_utc(value("opened_at")) or now
    first_response_at = to_utc(value("first_response_at"))
    resolved_at = to_utc(value("resolved_at"))
    closed_at = to_utc(value("closed_at"))
    pending_since = to_utc(value("pending_since"))
    paused = int(value("paused_seconds") or 0)

    check_not_future(before, after, now, _EVENT_TIMES)
    entering = old_status is None or status != old_status
    # A past ticket arriving with its status: it did not move now, so no time is "now"
    # (whatever its age: an unknown time stays unknown).
    back_dated = after.get("opened_at") is not None and opened_at < now - CLOCK_SKEW
    history = old_status is None and (imported or back_dated)
    if history:
        entering = False
    if history and imported:
        # The file's time of the ticket's last change ("Updated at", importer.mapping) starts
        # the pause of a ticket still Pending there, never before it opened nor after now;
        # for a ticket in another status it is no pause.
        pending_since = (min(max(pending_since, opened_at), now)
                         if status == "Pending" and pending_since is not None else None)
    # The part of a pause ending now during which the response target still ran: none
    # when the ticket was answered before the pause began (or at a time nobody recorded:
    # it was past New), only until the response when one was typed within the pause.
    response_paused = 0
    if status != "Pending" and pending_since is not None:
        paused += max(0, int((now - pending_since).total_seconds()))
        if first_response_at is not None and first_response_at > pending_since:
            response_paused = max(0, int((min(first_response_at, now) - pending_since).total_seconds()))
        pending_since = None
    if status == "Pending" and pending_since is None:
        pending_since = now
    if entering and old_status in (None, "New") and status in RESPONSE_STATUSES and first_response_at is None:
        # taking a ticket up (Open) or asking its customer (Pending) is a response; closing
        # it unanswered (a spam ticket) is none: its First Response stays empty
        first_response_at = now
    if entering and status in ("Resolved", "Closed") and old_status not in ("Resolved", "Closed") \
            and resolved_at is None:
        # closed straight away at a time given: resolved then too (never "now", after it closed)
        resolved_at = closed_at if status == "Closed" and closed_at is not None else now
    if entering and status == "Closed" and closed_at is None:
        closed_at = now
    if status in OPEN_TICKET_STATUSES and old_status in ("Resolved", "Closed"):
        resolved_at = closed_at = None
    if status == "Resolved" and old_status == "Closed":
        closed_at = None

    # The times given or stored (not those set to "now" above) in their order.
    check_time_order({k: to_utc(value(k)) for k in ("opened_at", "resolved_at", "closed_at")})
    if before is None or any(k in after for k in ("status", *(k for k, _h in _EVENT_TIMES))):
        # the record as it will be stored: its times and status must all be true together
        check_consistent({"status": status, "first_response_at": first_response_at,
                          "resolved_at": resolved_at, "closed_at": closed_at})
    fr_due, res_due = due_times(opened_at, priority, paused, targets)
    if first_response_at is not None or status != "New":
        # answered (or past New, answered at a time nobody recorded): a ticket is never
        # Pending while New, so every pause so far came after the response target stopped
        fr_due = due_times(opened_at, priority, 0, targets)[0]
    if history and imported:
        # The help desk's own due times (its SLA policy, business hours) are the ticket's.
        fr_due = to_utc(after.get("first_response_due")) or fr_due
        res_due = to_utc(after.get("resolution_due")) or res_due
    same_clock = (before is not None and (before.get("priority") or DEFAULT_PRIORITY) == priority
                  and to_utc(before.get("opened_at")) == opened_at)
    if same_clock:
        # A due time stored before moves only by the time paused since (a file's due time
        # stays the file's); one the targets set comes out as the targets set it.
        assert before is not None
        moved = dt.timedelta(seconds=paused - int(before.get("paused_seconds") or 0))
        if before.get("first_response_due") is not None:
            # The first-response clock stops at the first response: a pause moves it only
            # by the part before the response (a later pause must not turn a missed
            # response into a met one).
            fr_due = to_utc(before["first_response_due"]) + dt.timedelta(seconds=response_paused)
        if before.get("resolution_due") is not None:
            res_due = to_utc(before["resolution_due"]) + moved

    return {
        "opened_at": opened_at,
        "first_response_at": first_response_at,
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "pending_since": pending_since,
        "paused_seconds": paused,
        "first_response_due": fr_due,
        "resolution_due": res_due,
    }


def breach_flags(ticket: Mapping, now: dt.datetime,
                 targets: Mapping[str, SlaTarget] | None = None) -> dict[str, bool]:
    """Whether a ticket missed (or, still open, has already missed) each target at `now`.

    A ticket pending right now has its due times moved by the pause so far.
    """
    now = to_utc(now)
    opened = to_utc(ticket.get("opened_at"))
    paused = int(ticket.get("paused_seconds") or 0)
    fr_due = to_utc(ticket.get("first_response_due"))
    res_due = to_utc(ticket.get("resolution_due"))
    if (fr_due is None or res_due is None) and opened is not None:
        c_fr, c_res = due_times(opened, ticket.get("priority"), paused, targets)
        fr_due, res_due = fr_due or c_fr, res_due or c_res
    pending_since = to_utc(ticket.get("pending_since"))
    ongoing = dt.timedelta(0)
    if ticket.get("status") == "Pending" and pending_since is not None:
        ongoing = max(dt.timedelta(0), now - pending_since)

    responded = to_utc(ticket.get("first_response_at"))
    resolved = to_utc(ticket.get("resolved_at")) or to_utc(ticket.get("closed_at"))
    status = ticket.get("status") or "New"
    fr_breached = res_breached = False
    if responded is None and status != "New":
        fr_due = None        # responded at a time nobody recorded (imported history)
    if resolved is None and status in ("Resolved", "Closed"):
        res_due = None       # resolved at a time nobody recorded
    if fr_due is not None:
        fr_breached = (responded or now) > fr_due + (ongoing if responded is None else dt.timedelta(0))
    if res_due is not None:
        res_breached = (resolved or now) > res_due + (ongoing if resolved is None else dt.timedelta(0))
    return {"first_response_breached": fr_breached, "resolution_breached": res_breached}


def to_utc(value) -> dt.datetime | None:
    """An aware UTC datetime (naive values are taken as UTC); None for blanks."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        # pandas.NaT and float NaN are blanks too
        if value != value:  # noqa: PLR0124 - NaN/NaT test
            return None
        raise TypeError(f"not a datetime: {value!r}")
    if value != value:
        return None
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        value = value.to_pydatetime()
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
