"""A weekday's name before a date written in digits ("Tue 03/05/2024" as Outlook writes it,
"Di., 05.03.2024", "mar. 05/03/2024") is read and checked against the date; a weekday
written with a date settles its day/month/year order ("24/03/05(火)" is 5 March 2024, a
Tuesday: YMD). An import that rejects every row does not exit 0."""
from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records

from table_files import write_csv


def _orders(tmp_path, dates):
    rows = [["Order No", "Customer", "Order Date", "Amount"]] + [
        [f"A{i}", f"Ann Lee {chr(65 + i)}", d, "10.00"] for i, d in enumerate(dates)]
    return write_csv(tmp_path / "o.csv", rows)


def _stored(admin):
    return {o["order_number"]: str(o["order_date"])[:10] for o in records.list_records(admin, "order")}


@pytest.mark.parametrize("dates,expected", [
    (["Tue 03/05/2024", "Wed 03/06/2024"], ["2024-03-05", "2024-03-06"]),                 # Outlook, US
    (["Tue 05/03/2024", "Wed 06/03/2024"], ["2024-03-05", "2024-03-06"]),
    (["Di., 05.03.2024", "Mi., 06.03.2024"], ["2024-03-05", "2024-03-06"]),              # German
    (["mar. 05/03/2024", "mer. 06/03/2024"], ["2024-03-05", "2024-03-06"]),              # French
    (["Fri, 01/03/2024", "Mon, 04/03/2024"], ["2024-03-01", "2024-03-04"]),
])
def test_a_weekday_before_a_date_in_digits_is_read_and_settles_the_order(admin, tmp_path, dates, expected):
    result = import_file(admin, _orders(tmp_path, dates), kind="orders", currency="EUR")
    assert (result.created, result.rejected) == (len(dates), 0)
    assert _stored(admin) == {f"A{i}": d for i, d in enumerate(expected)}


@pytest.mark.parametrize("dates,expected", [
    (["24/03/05(火)", "24/03/06(水)"], ["2024-03-05", "2024-03-06"]),     # Japanese, year first
    (["24/03/05 (화)", "24/03/07 (목)"], ["2024-03-05", "2024-03-07"]),   # Korean
    (["05/03/24 (Tue)", "06/03/24 (Wed)"], ["2024-03-05", "2024-03-06"]),  # day first
])
def test_a_weekday_settles_the_order_of_a_two_digit_year_date(admin, tmp_path, dates, expected):
    result = import_file(admin, _orders(tmp_path, dates), kind="orders", currency="EUR")
    assert (result.created, result.rejected) == (len(dates), 0)
    assert _stored(admin) == {f"A{i}": d for i, d in enumerate(expected)}
    assert any(i["what"] == "date order in 'Order Date'" for i in result.inferences)


def test_a_leading_weekday_that_is_not_the_dates_is_rejected(admin, tmp_path):
    result = import_file(admin, _orders(tmp_path, ["Tue 05/03/2024", "Wed 05/03/2024", "Thu 07/03/2024"]),
                         kind="orders", currency="EUR")
    assert _stored(admin) == {"A0": "2024-03-05", "A2": "2024-03-07"}
    assert result.rejected == 1


def test_an_import_that_rejects_every_row_exits_with_13_and_says_so(run, admin, tmp_path):
    path = _orders(tmp_path, ["not a day", "nor this"])
    code, out, err = run("import", "file", str(path), "--kind", "orders", "--currency", "EUR")
    assert code == 13 and "every row was rejected (2)" in err
    assert records.list_records(admin, "order") == []
    code, out, err = run("--format", "json", "import", "file", str(path), "--kind", "orders", "--currency", "EUR")
    assert code == 13
    good = _orders(tmp_path, ["2024-03-05", "nor this"])
    code, out, err = run("import", "file", str(good), "--kind", "orders", "--currency", "EUR")
    assert code == 0
