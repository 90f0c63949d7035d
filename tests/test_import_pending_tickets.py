"""An imported Pending (On hold) ticket is paused from the file's time, not the import's.

The help desk's time of the ticket's last change (Zendesk "Updated at", a "Status
changed" column, Chinese "更新时间") is when its pause started at the latest: the
response-target clock stops there. A ticket without one is paused from the import and
the summary says so; the column's text stays in Description for every ticket.
"""

from __future__ import annotations

import datetime as dt

from cims_xl.domain import sla
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

UTC = dt.timezone.utc
ZENDESK = ["Id", "Subject", "Requester", "Requester email", "Status", "Priority", "Created at", "Updated at"]


def by_subject(session) -> dict[str, dict]:
    return {t["subject"]: t for t in records.list_records(session, "ticket")}


def pause_line(result) -> dict:
    return next(i for i in result.inferences if i["what"] == "pause of Pending tickets")


def zendesk_file(tmp_path):
    return write_csv(tmp_path / "zendesk.csv", [
        ZENDESK,
        ["1", "Waiting for logs", "Ana Souza", "ana@example.com", "Pending", "High", "2026-03-02 09:00",
         "2026-03-02 15:30"],
        ["2", "Printer jam", "Li Wei", "li@example.cn", "Open", "Low", "2026-03-03 09:00", "2026-03-04 11:00"],
        ["3", "Refund", "Jo Brandt", "jo@example.de", "On-hold", "Normal", "2026-03-04 08:00", ""]])


def test_a_pending_tickets_pause_starts_at_the_files_updated_time(admin, tmp_path):
    result = import_file(admin, zendesk_file(tmp_path), kind="tickets")
    assert (result.created, result.rejected) == (3, 0)
    waiting = by_subject(admin)["Waiting for logs"]
    assert waiting["status"] == "Pending"
    assert waiting["pending_since"] == dt.datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    # paused 6.5 hours after opening: a P2 ticket (4 h to respond) had not missed its
    # response target when the pause started, so it has not missed it now either
    later = waiting["pending_since"] + dt.timedelta(days=30)
    assert sla.breach_flags(waiting, later)["first_response_breached"] is False
    assert "Updated at: 2026-03-02 15:30" in waiting["description"]


def test_a_ticket_in_another_status_gets_no_pause_from_its_updated_time(admin, tmp_path):
    import_file(admin, zendesk_file(tmp_path), kind="tickets")
    jam = by_subject(admin)["Printer jam"]
    assert (jam["pending_since"], jam["paused_seconds"]) == (None, 0)
    assert "Updated at: 2026-03-04 11:00" in jam["description"]


def test_a_pending_ticket_without_a_time_is_paused_from_the_import_and_the_summary_says_so(admin, tmp_path):
    before = dt.datetime.now(UTC)
    result = import_file(admin, zendesk_file(tmp_path), kind="tickets")
    refund = by_subject(admin)["Refund"]
    assert refund["status"] == "Pending"
    assert refund["pending_since"] >= before.replace(microsecond=0)
    line = pause_line(result)
    assert "1 Pending ticket(s) paused from their 'Updated at' time" in line["decided"]
    assert "1 paused from the import" in line["decided"]
    assert "no 'Updated at' value" in line["evidence"]


def test_a_file_without_an_updated_column_says_the_pause_counts_from_the_import(admin, tmp_path):
    path = write_csv(tmp_path / "desk.csv", [
        ["Subject", "Customer", "Email", "Status", "Created"],
        ["Waiting", "Ana Souza", "ana@example.com", "On hold", "2026-03-02 09:00"]])
    result = import_file(admin, path, kind="tickets", dry_run=True)
    assert records.list_records(admin, "ticket") == []
    line = pause_line(result)
    assert line["decided"].startswith("1 paused from the import")
    assert '--map "Column=Pending Since"' in line["evidence"]


def test_a_chinese_workbooks_update_time_column_is_read_and_never_before_the_opening(admin, tmp_path):
    path = write_xlsx(tmp_path / "工单.xlsx", [
        ["主题", "客户", "状态", "优先级", "创建时间", "更新时间"],
        ["发票问题", "王芳", "Pending", "P3", dt.datetime(2026, 5, 6, 10, 0), dt.datetime(2026, 5, 7, 9, 15)],
        # the file's update time before the opening: the pause starts at the opening
        ["退款", "李雷", "Pending", "P3", dt.datetime(2026, 5, 8, 10, 0), dt.datetime(2026, 5, 1, 9, 0)]])
    result = import_file(admin, path, kind="tickets")
    assert result.rejected == 0
    stored = by_subject(admin)
    assert stored["发票问题"]["pending_since"] == dt.datetime(2026, 5, 7, 9, 15, tzinfo=UTC)
    assert stored["退款"]["pending_since"] == dt.datetime(2026, 5, 8, 10, 0, tzinfo=UTC)
    assert "2 Pending ticket(s) paused from their '更新时间' time" in pause_line(result)["decided"]


def test_a_status_changed_column_is_preferred_to_the_last_update(admin, tmp_path):
    path = write_csv(tmp_path / "desk.csv", [
        ["Subject", "Customer", "Status", "Created at", "Updated at", "Status changed at"],
        ["Waiting", "Ana Souza", "Pending", "2026-03-02 09:00", "2026-03-09 12:00", "2026-03-03 08:00"]])
    result = import_file(admin, path, kind="tickets")
    (ticket,) = records.list_records(admin, "ticket")
    assert ticket["pending_since"] == dt.datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert "'Status changed at'" in pause_line(result)["decided"]
    assert "Updated at: 2026-03-09 12:00" in ticket["description"]


def test_servicenow_priorities_and_numbered_severities_are_read_as_their_levels(admin, tmp_path):
    """ServiceNow writes "1 - Critical" … "5 - Planning"; help desks number severities
    ("Sev 2", "Severity 3"): read as P1-P4 (Planning, below Low, is our lowest), never a stop."""
    given = {"1 - Critical": "P1", "2 - High": "P2", "3 - Moderate": "P3", "4 - Low": "P4", "5 - Planning": "P4",
             "Sev 1": "P1", "Sev 2": "P2", "Severity 3": "P3", "SEV 4": "P4", "Moderate": "P3"}
    rows = [ZENDESK] + [[str(i), f"Case {i}", "Ana Souza", "ana@example.com", "Open", p, "2026-03-02 09:00", ""]
                        for i, p in enumerate(given, 1)]
    result = import_file(admin, write_csv(tmp_path / "servicenow.csv", rows), kind="tickets")
    assert result.created == len(given)
    tickets = by_subject(admin)
    assert {p: tickets[f"Case {i}"]["priority"] for i, p in enumerate(given, 1)} == given


def test_a_servicenow_incident_list_reads_its_state_severity_caller_and_short_description(admin, tmp_path):
    """ServiceNow's columns (Number, Short description, Caller, State, Opened) and a bug
    tracker's Severity were left unmapped: every ticket stored New and P3 (try24z 3)."""
    rows = [["Number", "Short description", "Caller", "Severity", "State", "Opened"],
            ["INC0010001", "Email down", "Abel Tuter", "Sev 1", "Resolved", "2024-03-05 10:00:00"],
            ["INC0010002", "VPN broken", "Beth Anglin", "Sev 2", "Closed", "2024-03-05 11:00:00"],
            ["INC0010003", "Printer", "Abel Tuter", "Severity 4", "In Progress", "2024-03-06 09:00:00"]]
    result = import_file(admin, write_csv(tmp_path / "incidents.csv", rows), kind="tickets")
    assert result.created == 3
    tickets = by_subject(admin)
    assert {s: (t["priority"], t["status"]) for s, t in tickets.items()} == {
        "Email down": ("P1", "Resolved"), "VPN broken": ("P2", "Closed"), "Printer": ("P4", "Open")}
    names = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    assert {names[t["customer_id"]] for t in tickets.values()} == {"Abel Tuter", "Beth Anglin"}
