"""Service desk: due times, the status workflow, pausing while pending, breaches, medians.

Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving); the
fixture puts tickets on both sides of a local month boundary that UTC does not cross.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from cims_xl.domain import sla
from cims_xl.errors import ValidationFailed
from cims_xl.reports.compute import SERVICE, build_report, ticket_metrics

UTC = dt.timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# ----- targets ---------------------------------------------------------------------------------

def test_default_targets_are_the_product_targets():
    hours = {p: (t.first_response / dt.timedelta(hours=1), t.resolution / dt.timedelta(hours=1))
             for p, t in sla.DEFAULT_TARGETS.items()}
    assert hours == {"P1": (1, 8), "P2": (4, 24), "P3": (8, 72), "P4": (24, 168)}


def test_targets_are_configurable_per_priority_and_keep_defaults_otherwise():
    targets = sla.load_targets({"P1": {"first_response": "30m"}, "P4": {"resolution": "14d"}})
    assert targets["P1"] == sla.SlaTarget(dt.timedelta(minutes=30), dt.timedelta(hours=8))
    assert targets["P4"].resolution == dt.timedelta(days=14)
    assert targets["P2"] == sla.DEFAULT_TARGETS["P2"]


def test_an_unknown_priority_or_duration_in_the_configuration_is_refused():
    with pytest.raises(ValueError, match="unknown priority"):
        sla.load_targets({"P9": {"resolution": "1h"}})
    with pytest.raises(ValueError, match="not a duration"):
        sla.parse_duration("soon")


# ----- the workflow -----------------------------------------------------------------------------

def test_opening_a_ticket_sets_its_due_times_from_the_priority():
    out = sla.apply_ticket_change(None, {"priority": "P2", "status": "New"}, at("2024-01-01T10:00"))
    assert out["opened_at"] == at("2024-01-01T10:00")
    assert out["first_response_due"] == at("2024-01-01T14:00")
    assert out["resolution_due"] == at("2024-01-02T10:00")
    assert out["paused_seconds"] == 0 and out["first_response_at"] is None


def test_times_given_in_local_time_are_stored_in_utc():
    local_now = dt.datetime(2024, 1, 1, 18, 0, tzinfo=SHANGHAI)
    out = sla.apply_ticket_change(None, {"priority": "P1"}, local_now)
    assert out["opened_at"] == at("2024-01-01T10:00")
    assert out["opened_at"].tzinfo == UTC


def walk(*steps):
    """Apply (time, changes) steps to one ticket like the ticket service does."""
    record: dict = {}
    before = None
    for when, changes in steps:
        record = {**record, **changes}
        record.update(sla.apply_ticket_change(before, changes if before else record, at(when)))
        before = dict(record)
    return record


def test_leaving_new_records_the_first_response():
    t = walk(("2024-01-01T10:00", {"priority": "P2", "status": "New"}),
             ("2024-01-01T11:00", {"status": "Open"}))
    assert t["first_response_at"] == at("2024-01-01T11:00")


def test_pending_pauses_the_clock_and_moves_the_resolution_due_time():
    t = walk(("2024-01-01T10:00", {"priority": "P2", "status": "New"}),
             ("2024-01-01T11:00", {"status": "Open"}),
             ("2024-01-01T12:00", {"status": "Pending"}))
    assert t["pending_since"] == at("2024-01-01T12:00")
    assert t["resolution_due"] == at("2024-01-02T10:00")          # not moved yet
    t2 = sla.apply_ticket_change(t, {"status": "Open"}, at("2024-01-01T15:00"))
    assert t2["pending_since"] is None
    assert t2["paused_seconds"] == 3 * 3600
    assert t2["resolution_due"] == at("2024-01-02T13:00")         # 3 hours later
    assert t2["first_response_due"] == at("2024-01-01T14:00")     # responded before the pause


def test_a_missed_first_response_stays_missed_after_a_pause():
    t = walk(("2024-01-01T10:00", {"priority": "P1", "status": "New"}),
             ("2024-01-01T13:00", {"status": "Pending"}),          # responded 2 h late
             ("2024-01-01T18:00", {"status": "Open"}))
    assert t["paused_seconds"] == 5 * 3600
    assert t["first_response_due"] == at("2024-01-01T11:00")
    assert sla.breach_flags(t, at("2024-01-01T18:00"))["first_response_breached"] is True


def test_resolving_and_closing_record_their_times_and_reopening_clears_them():
    t = walk(("2024-01-01T10:00", {"priority": "P3"}),
             ("2024-01-01T11:00", {"status": "Open"}),
             ("2024-01-01T20:00", {"status": "Resolved"}),
             ("2024-01-02T09:00", {"status": "Closed"}))
    assert (t["resolved_at"], t["closed_at"]) == (at("2024-01-01T20:00"), at("2024-01-02T09:00"))
    reopened = sla.apply_ticket_change(t, {"status": "Open"}, at("2024-01-03T09:00"))
    assert reopened["resolved_at"] is None and reopened["closed_at"] is None
    assert reopened["first_response_at"] == at("2024-01-01T11:00")


def test_closing_straight_from_open_also_records_the_resolution_time():
    t = walk(("2024-01-01T10:00", {"priority": "P3"}),
             ("2024-01-01T11:00", {"status": "Closed"}))
    assert t["resolved_at"] == t["closed_at"] == at("2024-01-01T11:00")
    assert t["first_response_at"] is None       # closed unanswered: no response (tix27)


def test_nothing_goes_back_to_new():
    t = walk(("2024-01-01T10:00", {"priority": "P3"}), ("2024-01-01T11:00", {"status": "Open"}))
    with pytest.raises(ValidationFailed) as exc:
        sla.apply_ticket_change(t, {"status": "New"}, at("2024-01-01T12:00"))
    assert exc.value.problems == {"Ticket Status": "cannot go from Open to New"}


def test_changing_the_priority_recomputes_the_due_times():
    t = walk(("2024-01-01T10:00", {"priority": "P3"}))
    out = sla.apply_ticket_change(t, {"priority": "P1"}, at("2024-01-01T10:30"))
    assert out["first_response_due"] == at("2024-01-01T11:00")
    assert out["resolution_due"] == at("2024-01-01T18:00")


def test_imported_history_keeps_its_own_times():
    out = sla.apply_ticket_change(None, {"priority": "P2", "status": "Resolved",
                                         "opened_at": at("2020-05-01T00:00"),
                                         "first_response_at": at("2020-05-01T01:00"),
                                         "resolved_at": at("2020-05-01T09:00")}, at("2024-01-01T00:00"))
    assert out["resolved_at"] == at("2020-05-01T09:00")
    assert out["first_response_at"] == at("2020-05-01T01:00")
    assert out["resolution_due"] == at("2020-05-02T00:00")


def test_an_old_ticket_imported_with_its_status_gets_no_times_it_did_not_have():
    # Closed in 2024 at a time the file does not say: not "closed today", and no breach.
    now = at("2026-11-29T12:00")
    out = sla.apply_ticket_change(None, {"priority": "P1", "status": "Closed",
                                         "opened_at": at("2024-05-02T09:00")}, now)
    assert (out["first_response_at"], out["resolved_at"], out["closed_at"]) == (None, None, None)
    assert out["resolution_due"] == at("2024-05-02T17:00")
    flags = sla.breach_flags({"status": "Closed", "priority": "P1", **out}, now)
    assert flags == {"first_response_breached": False, "resolution_breached": False}
    still_open = sla.apply_ticket_change(None, {"priority": "P1", "status": "Open",
                                                "opened_at": at("2024-05-02T09:00")}, now)
    flags = sla.breach_flags({"status": "Open", "priority": "P1", **still_open}, now)
    assert flags == {"first_response_breached": False, "resolution_breached": True}   # open for 2 years


def test_a_ticket_opened_now_and_answered_at_once_is_answered_now():
    now = at("2026-11-29T12:00")
    out = sla.apply_ticket_change(None, {"priority": "P2", "status": "Open"}, now)
    assert out["first_response_at"] == now and out["opened_at"] == now
    given = sla.apply_ticket_change(None, {"priority": "P2", "status": "Open", "opened_at": at("2026-11-29T11:58")}, now)
    assert given["first_response_at"] == now      # two minutes ago is clock skew, not history
    typed = sla.apply_ticket_change(None, {"priority": "P2", "status": "Open", "opened_at": at("2026-11-29T00:00")}, now)
    # a ticket typed in back-dated (today's date too) was answered at a time nobody gave:
    # unknown, never "now" (tests/test_times_never_invented.py)
    assert typed["first_response_at"] is None


# ----- breaches ---------------------------------------------------------------------------------

def test_an_open_ticket_is_breached_once_its_due_time_has_passed():
    t = walk(("2024-01-01T10:00", {"priority": "P1"}))
    assert sla.breach_flags(t, at("2024-01-01T11:00")) == {"first_response_breached": False,
                                                         "resolution_breached": False}
    assert sla.breach_flags(t, at("2024-01-01T11:01"))["first_response_breached"] is True
    assert sla.breach_flags(t, at("2024-01-01T18:01"))["resolution_breached"] is True


def test_a_ticket_pending_now_is_not_breached_while_its_clock_is_stopped():
    t = walk(("2024-01-01T10:00", {"priority": "P1"}),
             ("2024-01-01T10:30", {"status": "Pending"}))
    # 8 h target, 7.5 h of it left when the pause began at 10:30
    assert sla.breach_flags(t, at("2024-01-02T10:00"))["resolution_breached"] is False
    resumed = sla.apply_ticket_change(t, {"status": "Open"}, at("2024-01-02T10:00"))
    t2 = {**t, "status": "Open", **resumed}
    assert sla.breach_flags(t2, at("2024-01-02T17:29"))["resolution_breached"] is False
    assert sla.breach_flags(t2, at("2024-01-02T17:31"))["resolution_breached"] is True


# ----- the service report on a fixture with known answers ---------------------------------------

AS_OF = at("2024-04-02T00:00")   # 08:00 on April 2 in Shanghai


def ticket_frame() -> pd.DataFrame:
    cols = ["id", "priority", "status", "assignee", "opened_at", "first_response_at", "resolved_at",
            "closed_at", "pending_since", "paused_seconds"]
    rows = [
        # opened 17:30 UTC on March 31 = 01:30 local on April 1: an April ticket locally
        ("T-000001", "P1", "Resolved", "amy", "2024-03-31T17:30", "2024-03-31T18:00", "2024-04-01T01:30", None, None, 0),
        # 5 h to respond (4 h target: missed); 10 h pending; resolved at its moved due time
        ("T-000002", "P2", "Resolved", "bob", "2024-03-31T10:00", "2024-03-31T15:00", "2024-04-01T20:00", None, None, 36000),
        # never answered: response due 08:00 UTC on April 1, missed by now
        ("T-000003", "P3", "New", "amy", "2024-04-01T00:00", None, None, None, None, 0),
        # pending since March 30: resolution due April 1 moves past now
        ("T-000004", "P4", "Pending", "bob", "2024-03-25T00:00", "2024-03-25T12:00", None, None, "2024-03-30T00:00", 0),
        # answered in 30 min but not resolved by 20:00 UTC on April 1
        ("T-000005", "P1", "Open", "amy", "2024-04-01T12:00", "2024-04-01T12:30", None, None, None, 0),
    ]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("opened_at", "first_response_at", "resolved_at", "closed_at", "pending_since"):
        df[c] = pd.to_datetime(df[c], utc=True)
    # as the ticket service stores them: every pause here came after the first response,
    # so only the resolution due time has moved
    due = [sla.due_times(o.to_pydatetime(), p, s) for o, p, s in zip(df["opened_at"], df["priority"], df["paused_seconds"])]
    df["first_response_due"] = pd.to_datetime([d[0] - dt.timedelta(seconds=int(s)) for d, s in zip(due, df["paused_seconds"])], utc=True)
    df["resolution_due"] = pd.to_datetime([d[1] for d in due], utc=True)
    df["customer_id"] = "C-000001"
    df["subject"] = "Printer"
    df["created_at"] = df["opened_at"]
    return df


def service(**kw):
    return build_report(SERVICE, {"ticket": ticket_frame()}, include_personal=True, as_of=AS_OF, **kw)


def test_breach_flags_per_ticket():
    m = ticket_metrics(ticket_frame(), AS_OF).set_index("id")
    assert m["first_response_breached"].to_dict() == {
        "T-000001": False, "T-000002": True, "T-000003": True, "T-000004": False, "T-000005": False}
    assert m["resolution_breached"].to_dict() == {
        "T-000001": False, "T-000002": False, "T-000003": False, "T-000004": False, "T-000005": True}
    assert m.loc["T-000002", "resolution_hours"] == 24.0     # 34 h elapsed minus 10 h pending


def test_the_vectorised_flags_agree_with_the_domain_rule():
    frame = ticket_frame()
    m = ticket_metrics(frame, AS_OF).set_index("id")
    for rec in frame.to_dict(orient="records"):
        flags = sla.breach_flags(rec, AS_OF)
        assert flags["first_response_breached"] == m.loc[rec["id"], "first_response_breached"], rec["id"]
        assert flags["resolution_breached"] == m.loc[rec["id"], "resolution_breached"], rec["id"]


def test_medians_and_share_within_target_by_priority():
    by = service().table("tblServiceByPriority").data.set_index("Priority")
    assert by.loc["P1", ["Median First Response (h)", "Median Resolution (h)"]].tolist() == [0.5, 8.0]
    assert by.loc["P1", "Response Within Target"] == 1.0
    assert by.loc["P1", "Resolution Within Target"] == 0.5        # T1 met, T5 missed
    assert by.loc["P2", ["Response Within Target", "Resolution Within Target"]].tolist() == [0.0, 1.0]
    assert by.loc["P3", "Response Within Target"] == 0.0
    assert pd.isna(by.loc["P3", "Resolution Within Target"])      # not known yet
    assert pd.isna(by.loc["P4", "Resolution Within Target"])      # paused, not due
    assert by["Breached Open"].tolist() == [1, 0, 1, 0]


def test_medians_and_share_within_target_by_assignee():
    t = service().table("tblServiceByAssignee")
    by = t.data.set_index("Assignee")
    assert by.loc["amy", "Median First Response (h)"] == 0.5
    assert by.loc["amy", "Response Within Target"] == pytest.approx(2 / 3)
    assert by.loc["bob", "Median First Response (h)"] == 8.5      # 5 h and 12 h
    assert by.loc["bob", "Median Resolution (h)"] == 24.0
    assert t.totals["Median First Response (h)"] == 2.75         # 0.5, 0.5, 5, 12


def test_open_tickets_by_age_bucket():
    df = service().table("tblOpenTicketsByAge").data.set_index("Age")
    assert df["Total"].to_dict() == {"< 1 day": 1, "1-3 days": 1, "3-7 days": 0, "7-30 days": 1, "30+ days": 0}
    assert df.loc["7-30 days", "P4"] == 1 and df.loc["1-3 days", "P3"] == 1


def test_tickets_are_counted_in_their_local_month():
    df = service().table("tblTicketsByMonth").data
    got = {m.strftime("%Y-%m"): (o, r) for m, o, r in zip(df["Month"], df["Opened"], df["Resolved"])}
    # in UTC, March would hold three openings (T1 opened 17:30 UTC on March 31)
    assert got == {"2024-03": (2, 0), "2024-04": (3, 2)}
    utc = build_report(SERVICE, {"ticket": ticket_frame()}, include_personal=True, as_of=AS_OF, tz="UTC")
    assert utc.table("tblTicketsByMonth").data["Opened"].tolist() == [3, 2]


def test_the_open_ticket_list_shows_due_times_in_local_time():
    df = service().table("tblOpenTickets").data.set_index("Ticket ID")
    # by resolution due as of now: T4's due time has moved 3 days while it is pending
    assert list(df.index) == ["T-000005", "T-000003", "T-000004"]
    assert df.loc["T-000004", "Resolution Due"] == pd.Timestamp("2024-04-04 08:00")
    assert df.loc["T-000005", "Resolution Due"] == pd.Timestamp("2024-04-02 04:00")
    assert df.loc["T-000003", "Response Due"] == pd.Timestamp("2024-04-01 16:00")
    assert bool(df.loc["T-000003", "Response Breached"]) is True


def test_a_date_range_uses_the_local_opening_date():
    rep = service(date_from="2024-04-01", date_to="2024-04-01")
    assert rep.table("tblServiceByPriority").data["Tickets"].sum() == 3   # T1, T3, T5


def test_viewers_do_not_see_ticket_subjects():
    rep = build_report(SERVICE, {"ticket": ticket_frame()}, include_personal=False, as_of=AS_OF)
    assert "Subject" not in rep.table("tblOpenTickets").data.columns


# ----- through the store -----------------------------------------------------------------------

def test_the_ticket_service_stores_due_times_and_the_paused_clock(admin):
    from cims_xl.services import records
    from cims_xl.services.frames import load_frame
    cust = records.create(admin, "customer", {"name": "Wang Fang"})
    t = records.create(admin, "ticket", {"customer_id": cust["id"], "subject": "Broken", "priority": "P1"})
    assert t["first_response_due"] - t["opened_at"] == dt.timedelta(hours=1)
    assert t["resolution_due"] - t["opened_at"] == dt.timedelta(hours=8)
    t = records.update(admin, t["id"], {"status": "Pending"})
    assert t["first_response_at"] is not None and t["pending_since"] is not None
    t = records.update(admin, t["id"], {"status": "Resolved"})
    assert t["pending_since"] is None and t["resolved_at"] is not None
    frame = load_frame(admin, "ticket")
    rep = build_report(SERVICE, {"ticket": frame}, include_personal=True)
    assert rep.table("tblServiceByPriority").data.set_index("Priority").loc["P1", "Tickets"] == 1
