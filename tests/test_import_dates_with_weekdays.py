"""Dates written with a weekday (Japanese, Korean, Chinese systems; English in brackets), with a
bracketed GMT offset, or as ISO timestamps are read as dates, and offered as the date column; a
weekday that does not match its date is not read."""
from __future__ import annotations

import pytest

from cims_xl.importer import ImportRefused, import_file
from cims_xl.services import records
from table_files import rejected_problems, write_csv


@pytest.mark.parametrize("first,second", [
    ("2024/03/05(火)", "2024/03/10(日)"),
    ("2024年3月5日(火)", "2024年3月10日（日）"),
    ("2024년 3월 5일 (화)", "2024년 3월 10일 (일)"),
    ("2024년 3월 5일 화요일", "2024년 3월 10일 일요일"),
    ("2024年3月5日 星期二", "2024年3月10日 星期日"),
    ("2024-03-05 周二 14:00", "2024-03-10 週日"),
    ("2024/03/05(Tue)", "2024/03/10 (Sun.)"),
    ("2024-03-05 (GMT+8)", "2024-03-10 09:30 (UTC+08:00)"),
])
def test_dates_written_with_their_weekday_or_a_bracketed_offset_are_read(admin, tmp_path, first, second):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Customer", "Order Date", "Amount", "Currency"],
                                          ["1", "Ann Lee", first, "10.00", "JPY"],
                                          ["2", "Bob Ray", second, "20.00", "JPY"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    got = {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(admin, "order")}
    assert got == {"1": "2024-03-05", "2": "2024-03-10"}


def test_a_weekday_that_does_not_match_its_date_is_not_read(admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Customer", "Order Date", "Amount", "Currency"],
                                          ["1", "Ann Lee", "2024/03/05(火)", "10", "JPY"],
                                          ["2", "Bob Ray", "2024/03/06(金)", "20", "JPY"],
                                          ["3", "Cy Dee", "2024年3月7日 星期五", "30", "JPY"]])
    result = import_file(admin, path, kind="orders")
    problems = rejected_problems(result)
    assert sorted(problems) == [3, 4]
    assert "weekday" in problems[3] and "2024-03-06" in problems[3] and "Wednesday" in problems[3]
    assert [str(o["order_date"])[:10] for o in records.list_records(admin, "order")] == ["2024-03-05"]


@pytest.mark.parametrize("values", [
    ("2024-03-05T10:00:00Z", "2024-03-06T23:30:00.000Z"),
    ("2024/03/05(火)", "2024/03/06(水)"),
    ("2024年3月5日 星期二", "2024年3月6日 星期三"),
])
def test_a_column_of_timestamps_or_weekday_dates_is_suggested_for_the_missing_date(admin, tmp_path, values):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Customer", "Stamp", "Amount"],
                                          ["1", "Ann Lee", values[0], "10.00"],
                                          ["2", "Bob Ray", values[1], "20.00"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path, kind="orders")
    assert '--map "Stamp=Order Date"' in str(refused.value)
    result = import_file(admin, path, kind="orders", mapping=["Stamp=Order Date"])
    assert (result.created, result.rejected) == (2, 0)
