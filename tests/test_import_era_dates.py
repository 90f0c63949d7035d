"""Dates whose year is counted in another calendar or era are never stored as a wrong
Common Era year: a date naming its era (民國, 令和/平成, พ.ศ./BE) is read as it says; bare
numbers that fit another calendar (a three-digit year first, a year of 2400–2700) are
read in it only when the file points to its country (TWD, Taipei, +886; THB, Thai
script); a two-digit year first in a Taiwanese file ("95/12/31": 1995 or Minguo 95 =
2006) stops naming --calendar unless other dates of its column are Minguo dates."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings, strategies as st

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def order_dates(session) -> dict[str, dt.date | None]:
    return {r["order_number"]: r["order_date"] for r in records.list_records(session, "order")}


def consent_dates(session) -> dict[str, dt.date | None]:
    return {r["name"]: r["marketing_consent_at"] for r in records.list_records(session, "customer")}


def write(tmp_path, shape: str, rows: list[list[str]]):
    """A file of text cells (CSV, or an xlsx whose date cells are text as typed)."""
    if shape == "csv":
        import csv

        path = tmp_path / "orders.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        return path
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.number_format = "@"             # text cells: what the person typed
    path = tmp_path / "orders.xlsx"
    wb.save(path)
    return path


# What points to Taiwan besides the dates: its currency, its places, its dialling code.
TAIWAN = [("Amount", "TWD 1,500", "TWD 200"), ("Amount", "NT$1,500", "NT$200"),
          ("Address", "台北市信義路5段7號", "臺中市西區"), ("Phone", "+886 2 2345 6789", "+886 4 2234 5678"),
          ("Address", "7 Xinyi Rd, Taipei", "Kaohsiung")]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("column, first, second", TAIWAN)
def test_a_taiwan_file_with_two_digit_minguo_years_stops_naming_the_option_that_settles_it(
        admin, tmp_path, shape, column, first, second):
    rows = [["Order No", "Order Date", "Customer", column], ["T1", "95/12/31", "陳小明", first],
            ["T2", "96/01/05", "林美玲", second]]
    if column != "Amount":
        rows = [r + [a] for r, a in zip(rows, ["Amount", "1500", "200"])]
    path = write(tmp_path, shape, rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", dry_run=True)
    message = str(stop.value)
    assert "'Order Date'" in message and ("'95/12/31'" in message or "'96/01/05'" in message)
    assert "--calendar roc" in message and "--calendar gregorian" in message
    with pytest.raises(ImportRefused):
        import_file(admin, path, kind="orders")
    assert order_dates(admin) == {}
    import_file(admin, path, kind="orders", calendar="roc")
    assert order_dates(admin) == {"T1": dt.date(2006, 12, 31), "T2": dt.date(2007, 1, 5)}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("first, second", [("95年12月31日", "96年1月5日"), ("95.12.31", "96.1.5"), ("95-12-31", "96-01-05")])
def test_two_digit_minguo_years_in_other_shapes_stop_too(admin, tmp_path, shape, first, second):
    path = write(tmp_path, shape, [["訂單編號", "訂單日期", "客戶", "金額"],
                                   ["T1", first, "陳小明", "NT$1,500"], ["T2", second, "林美玲", "NT$200"]])
    with pytest.raises(ImportRefused, match="'訂單日期'.*--calendar roc"):
        import_file(admin, path, kind="orders")
    assert order_dates(admin) == {}
    import_file(admin, path, kind="orders", calendar="roc")
    assert order_dates(admin) == {"T1": dt.date(2006, 12, 31), "T2": dt.date(2007, 1, 5)}


def test_calendar_gregorian_reads_two_digit_years_as_written_and_without_taiwan_nothing_stops(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Customer", "Amount"],
                                   ["T1", "95/12/31", "Ann", "TWD 5"]])
    import_file(admin, path, kind="orders", calendar="gregorian")
    assert order_dates(admin) == {"T1": dt.date(1995, 12, 31)}
    plain = write(tmp_path, "csv", [["Order No", "Order Date", "Customer", "Amount"],
                                    ["U1", "95/12/30", "Bob", "USD 5"]])
    import_file(admin, plain, kind="orders")
    assert order_dates(admin)["U1"] == dt.date(1995, 12, 30)
    # --currency TWD is the user's own word that the file is Taiwanese
    again = write(tmp_path, "xlsx", [["Order No", "Order Date", "Customer", "Amount"], ["V1", "95/12/29", "Cy", "5"]])
    with pytest.raises(ImportRefused, match="--calendar roc"):
        import_file(admin, again, kind="orders", currency="TWD")


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("minguo", ["113/03/05", "113年3月5日", "民國113年3月5日", "民国113年3月5日", "中華民國113年3月5日"])
def test_two_digit_years_beside_minguo_dates_of_their_column_are_minguo_years(admin, tmp_path, shape, minguo):
    path = write(tmp_path, shape, [["訂單編號", "訂單日期", "客戶", "金額"],
                                   ["T1", minguo, "陳小明", "TWD 1,500"], ["T2", "95/12/31", "林美玲", "TWD 200"],
                                   ["T3", "99.1.2", "王大同", "TWD 300"]])
    dry = import_file(admin, path, kind="orders", dry_run=True)
    said = [i for i in dry.inferences if i["what"] == "calendar in '訂單日期'" and i["decided"].startswith("Minguo")]
    assert said and any("'95/12/31'" in i["evidence"] and "Taiwan" in i["evidence"] for i in said), said
    import_file(admin, path, kind="orders")
    assert order_dates(admin) == {"T1": dt.date(2024, 3, 5), "T2": dt.date(2006, 12, 31), "T3": dt.date(2010, 1, 2)}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_three_digit_years_in_a_file_that_points_nowhere_stop_and_calendar_roc_reads_them(admin, tmp_path, shape):
    path = write(tmp_path, shape, [["Name", "Consent Date"], ["Ana", "113/03/05"], ["Bob", "112/12/31"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    message = str(stop.value)
    assert "'Consent Date'" in message and "'113/03/05'" in message and "Taiwan" in message
    assert "--calendar roc" in message and consent_dates(admin) == {}
    import_file(admin, path, calendar="roc")
    assert consent_dates(admin) == {"Ana": dt.date(2024, 3, 5), "Bob": dt.date(2023, 12, 31)}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("first, second", [("5 มี.ค. 2567", "31 ธ.ค. 2566"), ("5 มีนาคม 2567", "31 ธันวาคม 2566"),
                                           ("5 มี.ค. พ.ศ. 2567", "31 ธ.ค. พ.ศ. 2566")])
def test_thai_month_names_with_buddhist_years_are_stored_in_the_common_era(admin, tmp_path, shape, first, second):
    path = write(tmp_path, shape, [["เลขที่คำสั่งซื้อ", "วันที่สั่งซื้อ", "ลูกค้า", "ยอดรวม"],
                                   ["TH1", first, "สมชาย ใจดี", "฿1,500"], ["TH2", second, "สมหญิง รักไทย", "฿250"]])
    result = import_file(admin, path, kind="orders")
    assert [i for i in result.inferences if i["what"] == "calendar in 'วันที่สั่งซื้อ'"]
    assert order_dates(admin) == {"TH1": dt.date(2024, 3, 5), "TH2": dt.date(2023, 12, 31)}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("first, second", [("2567-03-05 BE", "31/12/2566 B.E."), ("พ.ศ. 2567-03-05", "31/12/2566 พ.ศ.")])
def test_a_date_naming_the_buddhist_era_is_read_in_a_file_that_is_not_thai(admin, tmp_path, shape, first, second):
    path = write(tmp_path, shape, [["Name", "Consent Date"], ["Ana", first], ["Bob", second]])
    result = import_file(admin, path, date_order="DMY")
    (said,) = [i for i in result.inferences if i["what"] == "calendar in 'Consent Date'"]
    assert "Thai Buddhist era" in said["decided"] and "2 value(s)" in said["evidence"]
    assert consent_dates(admin) == {"Ana": dt.date(2024, 3, 5), "Bob": dt.date(2023, 12, 31)}


@pytest.mark.parametrize("written, country", [("USD 5", "THB 5"), ("5", "Bangkok")])
def test_buddhist_years_are_read_when_the_file_names_thailand_in_latin_letters(admin, tmp_path, written, country):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Customer", "Amount", "Note"],
                                   ["A1", "05/03/2567", "Ann", "5", written], ["A2", "06/03/2567", "Bo", "6", country]])
    result = import_file(admin, path, kind="orders", date_order="DMY")
    (said,) = [i for i in result.inferences if i["what"] == "calendar in 'Order Date'"]
    assert "Thailand" in said["evidence"]
    assert order_dates(admin) == {"A1": dt.date(2024, 3, 5), "A2": dt.date(2024, 3, 6)}


@pytest.mark.parametrize("day, stored", [("民國113年3月5日", dt.date(2024, 3, 5)), ("令和6年3月5日", dt.date(2024, 3, 5)),
                                         ("R06/03/05", dt.date(2024, 3, 5)), ("H30.12.31", dt.date(2018, 12, 31)),
                                         ("5 มี.ค. พ.ศ. 2567", dt.date(2024, 3, 5)),
                                         ("2566-12-31 BE", dt.date(2023, 12, 31))])
def test_order_add_reads_a_date_that_names_its_era(run, admin, day, stored):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Acme")
    code, out, err = run("order", "add", "--customer-id", json.loads(out)["id"], "--order-date", day,
                         "--amount", "5", "--currency", "TWD")
    assert code == 0, err
    assert list(order_dates(admin).values()) == [stored]


@pytest.mark.parametrize("day, words", [("2567-03-05", "Thai Buddhist era"), ("05/03/2567", "Thai Buddhist era"),
                                        ("113/03/05", "Minguo"), ("113年3月5日", "Minguo")])
def test_order_add_refuses_a_bare_year_of_another_calendar_naming_it(run, admin, day, words):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Acme")
    code, out, err = run("order", "add", "--customer-id", json.loads(out)["id"], "--order-date", day,
                         "--amount", "5", "--currency", "TWD")
    assert code != 0 and words in err and "YYYY-MM-DD" in err
    assert order_dates(admin) == {}


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1941, 1, 1), max_value=dt.date(2150, 12, 31)), st.booleans(),
       st.sampled_from(["{d} {mon} {y}", "{d} {mon} พ.ศ. {y}", "{y}-{m:02d}-{d:02d} BE", "พ.ศ. {y}-{m:02d}-{d:02d}"]))
def test_any_day_written_with_a_thai_month_or_the_buddhist_era_named_reads_back(day, wide, shape):
    from babel import Locale

    mon = Locale.parse("th").months["format"]["wide" if wide else "abbreviated"][day.month]
    text = shape.format(d=day.day, m=day.month, mon=mon, y=day.year + 543)
    if nz.buddhist_marked(text):
        assert nz.parse_date(text) == day
    assert nz.parse_date(nz.from_calendar(text, "buddhist")) == day


def test_calendar_roc_leaves_a_day_first_column_of_a_taiwanese_file_as_written(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Ship Date", "Customer", "Amount"],
                                   ["T1", "95/12/31", "31/12/24", "陳小明", "TWD 5"],
                                   ["T2", "96/01/05", "05/01/24", "林美玲", "TWD 6"]])
    import_file(admin, path, kind="orders", calendar="roc")
    got = {r["order_number"]: (r["order_date"], r["ship_date"]) for r in records.list_records(admin, "order")}
    assert got == {"T1": (dt.date(2006, 12, 31), dt.date(2024, 12, 31)),
                   "T2": (dt.date(2007, 1, 5), dt.date(2024, 1, 5))}


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1922, 1, 1), max_value=dt.date(2110, 12, 31)),
       st.sampled_from(["{y}/{m:02d}/{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}日", "民國{y}年{m}月{d}日"]))
def test_any_day_written_in_minguo_years_reads_back_under_the_roc_calendar(day, shape):
    text = shape.format(y=day.year - 1911, m=day.month, d=day.day)
    assert nz.parse_date(nz.from_calendar(text, "roc"), "YMD") == day
