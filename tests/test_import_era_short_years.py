"""Two-digit and compact years of other calendars are never stored as a wrong Common Era
year: in a Thai file "05/03/67" is Buddhist year 2567 (2024) when the Common Era reading
(2067) is no order of today, and stops naming --calendar when both fit; in a Japanese
file "06/03/05" may be Reiwa 6 or 2006 and stops naming --calendar japanese|gregorian;
Taiwan's compact "1130307" is Minguo 113 (2024-03-07); a date naming the Common Era
("ค.ศ. 2024", "西暦2024年", "2024 AD") is read as it says whatever --calendar says."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings, strategies as st

from cims_xl.domain import normalize as nz
from cims_xl.importer import compact_dates, import_file
from cims_xl.importer.errors import ImportRefused
from test_import_era_dates import order_dates, write

TODAY = dt.date(2026, 12, 1)     # Reiwa 8, Buddhist era 2569


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(compact_dates, "today", lambda: TODAY)


THAI_EVIDENCE = [("Currency", "THB", "THB"), ("Customer", "บริษัท สยาม", "สมชาย"), ("Note", "Bangkok", "+66 2 123 4567")]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("column, first, second", THAI_EVIDENCE)
@pytest.mark.parametrize("days", [("05/03/67", "15/12/66"), ("5 มี.ค. 67", "12 ม.ค. 66"),
                                  ("5 มีนาคม 67", "15 ธันวาคม 66"), ("05-03-67", "15-12-66")])
def test_thai_two_digit_years_that_would_be_decades_ahead_are_buddhist_years(admin, tmp_path, shape, column,
                                                                            first, second, days):
    rows = [["Order No", "Order Date", "Amount", column], ["T1", days[0], "1000", first],
            ["T2", days[1], "2000", second]]
    if column != "Customer":
        rows = [r + [c] for r, c in zip(rows, ["Customer", "Ann", "Bo"])]
    path = write(tmp_path, shape, rows)
    dry = import_file(admin, path, kind="orders", dry_run=True)
    said = [i for i in dry.inferences if i["what"] == "calendar in 'Order Date'"]
    assert said and "Buddhist" in said[-1]["decided"] and "2067" in said[-1]["evidence"], said
    import_file(admin, path, kind="orders")
    first_day = dt.date(2024, 3, 5)
    second_day = dt.date(2023, 1, 12) if "ม.ค." in days[1] else dt.date(2023, 12, 15)
    assert order_dates(admin) == {"T1": first_day, "T2": second_day}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_thai_two_digit_years_both_readings_fit_stop_naming_the_calendar_option(admin, tmp_path, shape):
    path = write(tmp_path, shape, [["Order No", "Order Date", "Amount", "Customer"],
                                   ["T1", "28/03/24", "1000", "สมชาย"], ["T2", "29/03/25", "2000", "สมหญิง"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = str(stop.value)
    assert "'Order Date'" in message and "'29/03/25'" in message
    assert "--calendar buddhist" in message and "--calendar gregorian" in message
    assert order_dates(admin) == {}
    import_file(admin, path, kind="orders", calendar="buddhist")
    assert order_dates(admin) == {"T1": dt.date(1981, 3, 28), "T2": dt.date(1982, 3, 29)}


@pytest.mark.parametrize("calendar, stored", [(None, dt.date(1975, 3, 28)), ("gregorian", dt.date(1975, 3, 28))])
def test_thai_two_digit_years_that_would_be_buddhist_years_ahead_are_read_as_written_and_said(
        admin, tmp_path, calendar, stored):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Amount", "Customer"],
                                   ["T1", "28/03/75", "1000", "สมชาย"], ["T2", "6 มี.ค. 24", "2000", "สมหญิง"]])
    result = import_file(admin, path, kind="orders", calendar=calendar)
    said = [i for i in result.inferences if i["what"] == "calendar in 'Order Date'"]
    assert said and ("2032" in said[-1]["evidence"] if calendar is None else said[-1]["decided"] == "gregorian")
    assert order_dates(admin) == {"T1": stored, "T2": dt.date(2024, 3, 6)}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_calendar_buddhist_reads_two_digit_years_and_four_digit_buddhist_years_alike(admin, tmp_path, shape):
    path = write(tmp_path, shape, [["Order No", "Customer", "Order Date", "Amount"],
                                   ["T1", "บริษัท สยาม", "5 มี.ค. 67", "1000"],
                                   ["T2", "บริษัท ไทย", "5 มีนาคม 2567", "2000"],
                                   ["T3", "วิชัย", "05/03/2567", "5000"],
                                   ["T4", "มานี", "5 มี.ค. ค.ศ. 2024", "6000"]])
    import_file(admin, path, kind="orders", calendar="buddhist", date_order="DMY")
    assert order_dates(admin) == {t: dt.date(2024, 3, 5) for t in ("T1", "T2", "T3", "T4")}


@pytest.mark.parametrize("marked, calendar", [("5 มี.ค. ค.ศ. 2024", None), ("5 มี.ค. ค.ศ. 2024", "buddhist"),
                                              ("ค.ศ. 2024-03-05", "buddhist"), ("2024-03-05 CE", "buddhist"),
                                              ("5 Mar 2024 AD", "buddhist"), ("西暦2024年3月5日", "roc"),
                                              ("公元2024年3月5日", "roc"), ("西元2024年3月5日", "roc")])
def test_a_date_naming_the_common_era_is_read_as_written_whatever_calendar_is_given(admin, tmp_path, marked, calendar):
    path = write(tmp_path, "csv", [["Order No", "Customer", "Order Date", "Amount"],
                                   ["T1", "สมชาย", marked, "1000"], ["T2", "มานี", "2024-02-28", "5"]])
    import_file(admin, path, kind="orders", calendar=calendar)
    assert order_dates(admin) == {"T1": dt.date(2024, 3, 5), "T2": dt.date(2024, 2, 28)}


def test_a_refused_date_is_quoted_as_written_not_as_rewritten_for_the_calendar(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Customer", "Order Date", "Amount"],
                                   ["T1", "สมชาย", "31 ก.พ. 2567", "1000"], ["T2", "มานี", "1 มี.ค. 2567", "5"]])
    result = import_file(admin, path, kind="orders", calendar="buddhist")
    shown = " ".join(o.reason for o in result.outcomes if o.action == "rejected")
    assert "31 ก.พ. 2567" in shown and "2024" not in shown.replace("2567", ""), shown
    assert order_dates(admin) == {"T2": dt.date(2024, 3, 1)}


def test_a_common_era_year_under_calendar_buddhist_is_refused_quoting_the_value_as_written(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Customer", "Order Date", "Amount"],
                                   ["T1", "สมชาย", "5 มี.ค. 2024", "1000"], ["T2", "มานี", "1 มี.ค. 2567", "5"]])
    result = import_file(admin, path, kind="orders", calendar="buddhist")
    (reason,) = [o.reason for o in result.outcomes if o.action == "rejected"]
    assert "'5 มี.ค. 2024'" in reason and "ค.ศ." in reason, reason
    assert order_dates(admin) == {"T2": dt.date(2024, 3, 1)}


def test_a_thai_two_digit_year_no_buddhist_reading_fits_beside_buddhist_years_stops(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Customer", "Order Date", "Amount"],
                                   ["T1", "สมชาย", "5 มีนาคม 2567", "1000"], ["T2", "วิชัย", "7 มี.ค. 75", "5"]])
    with pytest.raises(ImportRefused, match="'Order Date'.*'7 มี.ค. 75'.*--calendar buddhist"):
        import_file(admin, path, kind="orders")
    assert order_dates(admin) == {}


@pytest.mark.parametrize("day", ["5 มี.ค. 67", "05 มีนาคม 66"])
def test_order_add_refuses_a_thai_date_with_a_two_digit_year(run, admin, day):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Acme")
    code, out, err = run("order", "add", "--customer-id", json.loads(out)["id"], "--order-date", day,
                         "--amount", "5", "--currency", "THB")
    assert code != 0 and "two-digit" in err and "four digits" in err
    assert order_dates(admin) == {}


JAPAN_EVIDENCE = [("顧客名", "やまだ商事", "たなか工業"), ("顧客名", "ヤマダ", "タナカ"), ("通貨", "JPY", "JPY"),
                  ("電話", "+81 3-1234-5678", "+81 6-1234-5678")]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("column, first, second", JAPAN_EVIDENCE)
def test_japanese_two_digit_years_first_within_reiwa_stop_naming_japanese_and_gregorian(admin, tmp_path, shape,
                                                                                      column, first, second):
    # (--currency CNY: a Japanese file's bare amounts in the CNY store would stop asking for it; CNY is no
    # evidence of a calendar, as JPY or TWD would be)
    rows = [["受注番号", "受注日", "金額", column], ["J1", "06/03/05", "1000", first], ["J2", "05/12/28", "2000", second]]
    if column != "顧客名":
        rows = [r + [c] for r, c in zip(rows, ["顧客名", "Yamada Co", "Tanaka Co"])]
    path = write(tmp_path, shape, rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders", currency="CNY")
    message = str(stop.value)
    assert "'受注日'" in message and ("'06/03/05'" in message or "'05/12/28'" in message)
    assert "--calendar japanese" in message and "--calendar gregorian" in message
    assert order_dates(admin) == {}
    import_file(admin, path, kind="orders", currency="CNY", calendar="japanese")
    assert order_dates(admin) == {"J1": dt.date(2024, 3, 5), "J2": dt.date(2023, 12, 28)}
    again = write(tmp_path, shape, [[{"J1": "J3", "J2": "J4"}.get(r[0], r[0])] + r[1:] for r in rows])
    import_file(admin, again, kind="orders", currency="CNY", calendar="gregorian")
    assert order_dates(admin)["J3"] == dt.date(2006, 3, 5) and order_dates(admin)["J4"] == dt.date(2005, 12, 28)


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("named", ["令和5年12月28日", "R05/12/28", "R5.12.28"])
def test_two_digit_years_first_beside_reiwa_dates_of_their_column_are_reiwa_years(admin, tmp_path, shape, named):
    path = write(tmp_path, shape, [["Order No", "Order Date", "Amount", "Customer"], ["J1", "06/03/05", "1000", "Ann"],
                                   ["J2", named, "2000", "Bo"], ["J3", "05/12/28", "5", "Cy"]])
    dry = import_file(admin, path, kind="orders", currency="CNY", dry_run=True)
    said = [i for i in dry.inferences if i["what"] == "calendar in 'Order Date'"]
    assert said and "Reiwa" in said[-1]["decided"], said
    import_file(admin, path, kind="orders", currency="CNY")
    assert order_dates(admin) == {"J1": dt.date(2024, 3, 5), "J2": dt.date(2023, 12, 28), "J3": dt.date(2023, 12, 28)}


def test_two_digit_years_first_beside_heisei_dates_stop_naming_the_calendar(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Amount", "Customer"], ["J1", "06/03/05", "1000", "Ann"],
                                   ["J2", "H30.12.28", "2000", "Bo"], ["J3", "05/12/28", "5", "Cy"]])
    with pytest.raises(ImportRefused, match="--calendar japanese"):
        import_file(admin, path, kind="orders", currency="CNY")
    assert order_dates(admin) == {}


def test_japanese_two_digit_years_past_the_reiwa_year_are_gregorian_and_said(admin, tmp_path):
    path = write(tmp_path, "csv", [["受注番号", "受注日", "金額", "顧客名"], ["J1", "24/03/05", "1000", "やまだ"],
                                   ["J2", "06/04/15", "2000", "たなか"], ["J3", "05/12/28", "5", "すずき"]])
    dry = import_file(admin, path, kind="orders", currency="CNY", dry_run=True)
    said = [i for i in dry.inferences if i["what"] == "calendar in '受注日'"]
    assert said and "Gregorian" in said[-1]["decided"] and "'24/03/05'" in said[-1]["evidence"], said
    import_file(admin, path, kind="orders", currency="CNY")
    assert order_dates(admin) == {"J1": dt.date(2024, 3, 5), "J2": dt.date(2006, 4, 15), "J3": dt.date(2005, 12, 28)}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
@pytest.mark.parametrize("evidence, calendar", [("TWD", None), ("台北貿易", None), ("", "roc")])
def test_taiwan_compact_minguo_dates_are_read_with_taiwan_evidence_or_calendar_roc(admin, tmp_path, shape,
                                                                                  evidence, calendar):
    path = write(tmp_path, shape, [["訂單編號", "訂單日期", "金額", "備註", "客戶"],
                                   ["R1", "1130307", "3000", evidence, "Chen"], ["R2", "1121231", "10", evidence, "Lin"],
                                   ["R3", "0991001", "5", evidence, "Wang"]])
    import_file(admin, path, kind="orders", currency="CNY", calendar=calendar)
    assert order_dates(admin) == {"R1": dt.date(2024, 3, 7), "R2": dt.date(2023, 12, 31), "R3": dt.date(2010, 10, 1)}


def test_compact_minguo_dates_beside_other_minguo_dates_of_the_column_read_alike(admin, tmp_path):
    path = write(tmp_path, "csv", [["訂單編號", "客戶名稱", "訂單日期", "金額", "幣別"],
                                   ["R1", "台北貿易", "113年3月5日", "1000", "TWD"],
                                   ["R2", "新竹科技", "113.03.06", "2000", "TWD"],
                                   ["R3", "高雄公司", "1130307", "3000", "TWD"],
                                   ["R4", "台南公司", "民國113年3月9日", "5000", "TWD"]])
    import_file(admin, path, kind="orders", currency="CNY")
    assert order_dates(admin) == {"R1": dt.date(2024, 3, 5), "R2": dt.date(2024, 3, 6), "R3": dt.date(2024, 3, 7),
                                  "R4": dt.date(2024, 3, 9)}


def test_compact_minguo_dates_in_a_file_pointing_nowhere_stop_naming_calendar_roc(admin, tmp_path):
    path = write(tmp_path, "csv", [["Order No", "Order Date", "Amount", "Customer"], ["R1", "1130307", "3000", "Ann"],
                                   ["R2", "1121231", "10", "Bo"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "'Order Date'" in str(stop.value) and "--calendar roc" in str(stop.value)
    assert order_dates(admin) == {}


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_a_common_era_date_beside_buddhist_years_does_not_stop_the_column_being_read_buddhist(admin, tmp_path, shape):
    path = write(tmp_path, shape, [["Order No", "Customer", "Order Date", "Amount"],
                                   ["T1", "สมชาย", "5 มีนาคม 2567", "1000"], ["T2", "มานี", "6 มี.ค. ค.ศ. 2024", "5"],
                                   ["T3", "วิชัย", "7 มี.ค. 67", "5"]])
    import_file(admin, path, kind="orders")
    assert order_dates(admin) == {"T1": dt.date(2024, 3, 5), "T2": dt.date(2024, 3, 6), "T3": dt.date(2024, 3, 7)}


@pytest.mark.parametrize("day", ["5 มี.ค. ค.ศ. 2024", "西暦2024年3月5日", "2024-03-05 CE"])
def test_order_add_reads_a_date_naming_the_common_era(run, admin, day):
    code, out, err = run("--format", "json", "customer", "add", "--name", "Acme")
    code, out, err = run("order", "add", "--customer-id", json.loads(out)["id"], "--order-date", day,
                         "--amount", "5", "--currency", "THB")
    assert code == 0, err
    assert list(order_dates(admin).values()) == [dt.date(2024, 3, 5)]


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1957, 1, 1), max_value=dt.date(2056, 12, 31)), st.booleans(),
       st.sampled_from(["{d} {mon} {yy:02d}", "{d:02d}/{m:02d}/{yy:02d}", "{d}-{m}-{yy:02d}"]))
def test_any_day_written_with_a_short_buddhist_year_reads_back_under_calendar_buddhist(day, wide, shape):
    from babel import Locale

    mon = Locale.parse("th").months["format"]["wide" if wide else "abbreviated"][day.month]
    text = shape.format(d=day.day, m=day.month, mon=mon, yy=(day.year + 543) % 100)
    assert nz.parse_date(nz.from_calendar(text, "buddhist"), "DMY") == day


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1912, 1, 1), max_value=dt.date(2110, 12, 31)), st.booleans())
def test_any_day_written_as_a_compact_minguo_date_reads_back_under_calendar_roc(day, number):
    text = f"{day.year - 1911:03d}{day.month:02d}{day.day:02d}"
    value = int(text) if number and text[0] != "0" else text
    assert nz.parse_date(nz.from_calendar(value, "roc"), "YMD") == day


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(2019, 5, 1), max_value=dt.date(2117, 12, 31)),
       st.sampled_from(["{y:02d}/{m:02d}/{d:02d}", "{y}.{m}.{d}", "{y:02d}年{m}月{d}日"]))
def test_any_day_written_with_a_two_digit_reiwa_year_reads_back_under_calendar_japanese(day, shape):
    text = shape.format(y=day.year - 2018, m=day.month, d=day.day)
    assert nz.parse_date(nz.from_calendar(text, "japanese"), "YMD") == day
