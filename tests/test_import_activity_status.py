"""Activity and task exports list planned, cancelled and missed activities beside the ones
that took place. An interaction is one that took place: the status, done or outcome
column is read, the rows not done are rejected with the reason, and a done one dated in
the future is warned. Each test writes its own small file and reads a real store back."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records


def write_csv(path, rows):
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def stored(session) -> list[tuple]:
    return sorted((i["subject"], i["kind"]) for i in records.list_records(session, "interaction"))


def rejected(result) -> dict[int, str]:
    return {o.row: o.reason for o in result.outcomes if o.action == "rejected"}


@pytest.mark.parametrize("header, done, not_done", [
    ("Activity - Done", "Done", ["To do", "Not done"]),                   # Pipedrive
    ("Status", "Completed", ["Not Started", "Deferred"]),                  # Salesforce tasks
    ("Meeting outcome", "Completed", ["No show", "Canceled"]),             # HubSpot meetings
    ("状态", "已完成", ["未开始", "已取消"]),
    ("Erledigt", "Ja", ["Nein", "Geplant"]),
    ("ステータス", "完了", ["予定", "キャンセル"]),
])
def test_planned_cancelled_and_missed_activities_are_not_stored_as_interactions(admin, tmp_path, header, done,
                                                                                 not_done):
    path = write_csv(tmp_path / "a.csv", [
        ["Subject", "Type", "Date", "Customer", header],
        ["Intro", "Call", "2024-03-05", "Ann Lee", done],
        ["Demo", "Meeting", "2024-03-06", "Bob Ray", not_done[0]],
        ["Follow up", "Email", "2024-03-07", "Cara Diaz", not_done[1]]])
    result = import_file(admin, path, kind="interaction")
    assert stored(admin) == [("Intro", "Call")]
    assert set(rejected(result)) == {3, 4}
    assert not_done[0] in rejected(result)[3] and "took place" in rejected(result)[3]
    assert any(i["what"] == f"status in '{header}'" and i["decided"].startswith("2 row(s) not stored")
               for i in result.inferences)


def test_an_unknown_status_stops_before_writing_and_the_option_named_imports_every_row(admin, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["Subject", "Type", "Date", "Customer", "Status"],
        ["Intro", "Call", "2024-03-05", "Ann Lee", "Completed"],
        ["Demo", "Meeting", "2024-03-06", "Bob Ray", "Awaiting approval"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="interaction")
    assert "'Awaiting approval'" in str(stop.value) and '--map "Status=Notes"' in str(stop.value)
    assert records.list_records(admin, "interaction") == []
    import_file(admin, path, kind="interaction", mapping=["Status=Notes"])
    assert stored(admin) == [("Demo", "Meeting"), ("Intro", "Call")]


def test_an_interaction_dated_in_the_future_is_rejected_naming_its_date_and_the_others_are_stored(admin, tmp_path):
    """An interaction is something that happened: a When in the future is refused on every
    path (CLI, sheet Save, import: the row rejected, never stored), as a ticket's times."""
    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    path = write_csv(tmp_path / "a.csv", [
        ["Subject", "Type", "Date", "Customer"],
        ["Intro", "Call", "2024-03-05", "Ann Lee"], ["Demo", "Meeting", later, "Bob Ray"]])
    result = import_file(admin, path, kind="interaction")
    assert stored(admin) == [("Intro", "Call")]
    rejected = {o.row: o.reason for o in result.outcomes if o.action == "rejected"}
    assert list(rejected) == [3] and "in the future" in rejected[3]


def test_a_pipedrive_activity_export_links_the_organization_before_the_person_as_the_customer(admin, tmp_path):
    """As for "Organization - Name" beside "Person - Name"
    (test_import_record_name_headings): the organisation is the customer."""
    path = write_csv(tmp_path / "a.csv", [
        ["Activity - Subject", "Activity - Type", "Activity - Due date", "Activity - Done", "Activity - Person",
         "Activity - Organization"],
        ["Intro", "Call", "2024-03-05", "Done", "Ann Lee", "Acme Ltd"],
        ["Demo", "Meeting", "2024-03-06", "To do", "Bob Ray", "Beta GmbH"]])
    import_file(admin, path, kind="interaction")
    assert stored(admin) == [("Intro", "Call")]
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Acme Ltd"]


def test_a_hubspot_meetings_export_links_the_associated_contact_and_skips_no_shows(admin, tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        ["Activity date", "Activity type", "Meeting outcome", "Associated Contact", "Meeting name"],
        ["2024-03-05 10:00", "Meeting", "No show", "Ann Lee", "Demo"],
        ["2024-03-07 10:00", "Meeting", "Completed", "Cara Diaz", "Review"]])
    import_file(admin, path, kind="interaction")
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["Cara Diaz"]
    assert len(records.list_records(admin, "interaction")) == 1


@pytest.mark.parametrize("statuses", [["Done", "To do", "Not done"], ["No show", "Canceled", "Completed"],
                                      ["已完成", "未开始", "已取消"]])
def test_a_column_of_status_words_is_never_suggested_as_the_customers_name(admin, tmp_path, statuses):
    path = write_csv(tmp_path / "a.csv", [
        ["Subject", "Type", "Date", "Progress", "Wer"],
        ["Intro", "Call", "2024-03-05", statuses[0], "Ann Lee"],
        ["Demo", "Meeting", "2024-03-06", statuses[1], "Bob Ray"],
        ["Call back", "Call", "2024-03-07", statuses[2], "Cara Diaz"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="interaction")
    assert "Progress=Customer Name" not in str(stop.value)
    assert '--map "Wer=Customer Name"' in str(stop.value)
