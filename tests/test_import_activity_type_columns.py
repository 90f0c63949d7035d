"""An interaction file's activity-type column is read as Kind under the headings CRMs and
people write (Category, Typ, 種別, 유형 …), its values in many languages; a value it cannot
read stops the import; 일시/日時/日期时间 are the interaction's date (try23f A5)."""

from __future__ import annotations

import datetime as dt

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _kinds(session) -> list[str]:
    rows = sorted(records.list_records(session, "interaction"), key=lambda r: r["occurred_at"])
    return [r["kind"] for r in rows]


@pytest.mark.parametrize("heading, words, kinds", [
    ("Activity Category", ["Phone call", "On-site visit"], ["Call", "Visit"]),
    ("Category", ["Outbound call", "In-person meeting"], ["Call", "Meeting"]),
    ("种类", ["电话", "拜访"], ["Call", "Visit"]),
    ("種別", ["架電", "商談"], ["Call", "Meeting"]),
    ("区分", ["電話", "来訪"], ["Call", "Visit"]),
    ("유형", ["전화", "방문"], ["Call", "Visit"]),
    ("활동유형", ["미팅", "이메일"], ["Meeting", "Email"]),
])
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_the_activity_type_column_is_read_as_the_kind(admin, tmp_path, writer, heading, words, kinds):
    path = writer(tmp_path / ("a.csv" if writer is write_csv else "a.xlsx"), [
        [heading, "Date", "Customer", "Subject"],
        [words[0], "2024-03-05 10:00", "Acme", "Pricing"],
        [words[1], "2024-03-06 10:00", "Acme", "Demo"]])
    import_file(admin, path, kind="interactions")
    assert _kinds(admin) == kinds


@pytest.mark.parametrize("heading", ["Activity Category", "유형", "Category"])
def test_an_activity_type_cims_cannot_read_stops_and_value_settles_it(admin, tmp_path, heading):
    path = write_csv(tmp_path / "a.csv", [
        [heading, "Date", "Customer"],
        ["Phone call", "2024-03-05 10:00", "Acme"],
        ["Webinar xyz", "2024-03-06 10:00", "Acme"],
        ["Webinar xyz", "2024-03-07 10:00", "Beta"]])
    with pytest.raises(ImportRefused, match="Webinar xyz.*--value"):
        import_file(admin, path, kind="interactions")
    assert _kinds(admin) == []
    import_file(admin, path, kind="interactions", values=["Webinar xyz=Meeting"])
    assert _kinds(admin) == ["Call", "Meeting", "Meeting"]


@pytest.mark.parametrize("when, subject, kind_heading, customer", [
    ("일시", "제목", "유형", "고객"),
    ("日時", "件名", "種別", "顧客"),
    ("日期时间", "主题", "类型", "客户"),
])
def test_a_date_with_time_heading_in_other_languages_is_the_interaction_s_date(admin, tmp_path, when, subject,
                                                                              kind_heading, customer):
    path = write_csv(tmp_path / "a.csv", [
        [kind_heading, when, customer, subject],
        ["전화" if kind_heading == "유형" else "Call", "2024-03-05 14:30", "Acme", "Pricing"]])
    import_file(admin, path, kind="interactions")
    (row,) = records.list_records(admin, "interaction")
    assert row["kind"] == "Call" and row["subject"] == "Pricing"
    assert row["occurred_at"].replace(tzinfo=None) == dt.datetime(2024, 3, 5, 14, 30)
