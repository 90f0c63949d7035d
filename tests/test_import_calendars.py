"""Dates written in the Thai Buddhist era (CE + 543) are never stored as Common Era years
silently: a Thai file whose years are all 2400–2700 is read as BE and the summary says so;
any other column with such years stops, naming the column, examples and --calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records


def consent_dates(session) -> dict[str, dt.date | None]:
    return {r["name"]: r["marketing_consent_at"] for r in records.list_records(session, "customer")}


def order_dates(session) -> dict[str, dt.date | None]:
    return {r["order_number"]: r["order_date"] for r in records.list_records(session, "order")}


def test_a_thai_order_file_with_buddhist_era_years_is_stored_in_the_common_era(admin, tmp_path):
    path = tmp_path / "th.csv"
    path.write_text("เลขที่คำสั่งซื้อ,วันที่,ลูกค้า,ยอดรวม,สถานะ\n"
                    'TH1,05/03/2569,สมชาย ใจดี,"฿1,500.00",สำเร็จ\n'
                    'TH2,29/02/2567,สมหญิง รักไทย,"฿250.00",สำเร็จ\n', encoding="utf-8")
    dry = import_file(admin, path, kind="orders", date_order="DMY", dry_run=True,
                      values=["สำเร็จ=Completed"])
    (said,) = [i for i in dry.inferences if i["what"].startswith("calendar in")]
    assert "Buddhist" in said["decided"] and "'05/03/2569'" in said["evidence"]
    import_file(admin, path, kind="orders", date_order="DMY", values=["สำเร็จ=Completed"])
    # 2567 BE is 2024, a leap year: 29 February exists
    assert order_dates(admin) == {"TH1": dt.date(2026, 3, 5), "TH2": dt.date(2024, 2, 29)}


def test_buddhist_era_years_in_a_file_that_is_not_thai_stop_and_the_option_settles_them(admin, tmp_path):
    path = tmp_path / "consent.csv"
    path.write_text("Name,Consent Date\nAna,2569-03-05\nBob,2568-12-31\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    message = str(stop.value)
    assert "'Consent Date'" in message and "'2569-03-05'" in message and "--calendar buddhist" in message
    assert consent_dates(admin) == {}
    import_file(admin, path, calendar="buddhist")
    assert consent_dates(admin) == {"Ana": dt.date(2026, 3, 5), "Bob": dt.date(2025, 12, 31)}


def test_a_column_mixing_buddhist_and_common_era_years_stops_even_in_thai(admin, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("ชื่อ,Consent Date\nสมชาย,2569-03-05\nสมหญิง,2026-03-05\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    assert "'Consent Date'" in str(stop.value) and "'2026-03-05'" in str(stop.value)
    assert consent_dates(admin) == {}
    import_file(admin, path, calendar="gregorian")
    assert sorted(consent_dates(admin).values()) == [dt.date(2026, 3, 5), dt.date(2569, 3, 5)]


def test_common_era_dates_in_a_thai_file_say_nothing_about_calendars(admin, tmp_path):
    path = tmp_path / "ce.csv"
    path.write_text("ชื่อ,Consent Date\nสมชาย,2026-03-05\n", encoding="utf-8")
    result = import_file(admin, path)
    assert not [i for i in result.inferences if i["what"].startswith("calendar")]
    assert list(consent_dates(admin).values()) == [dt.date(2026, 3, 5)]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)),
       st.sampled_from(["{d:02d}/{m:02d}/{y}", "{y}-{m:02d}-{d:02d}", "{d}.{m}.{y} 10:30"]))
def test_any_buddhist_era_date_text_reads_back_as_its_common_era_day(day, shape):
    text = shape.format(d=day.day, m=day.month, y=day.year + 543)
    order = "YMD" if text.startswith(str(day.year + 543)) else "DMY"
    assert nz.parse_date(nz.from_calendar(text, "buddhist"), order) == day
    assert nz.era_years(text)[0]


def test_japanese_era_names_are_read_as_common_era_dates_and_the_summary_says_so(admin, tmp_path):
    path = tmp_path / "ja.csv"
    path.write_text("氏名,Consent Date\n山田太郎,令和6年3月5日\n佐藤花子,R6.3.6\n鈴木一郎,平成元年1月8日\n"
                    "高橋二郎,H31.4.30\n", encoding="utf-8")
    result = import_file(admin, path)
    (said,) = [i for i in result.inferences if i["what"] == "calendar in 'Consent Date'"]
    assert "Japanese era" in said["decided"] and "4 value(s)" in said["evidence"]
    assert sorted(consent_dates(admin).values()) == [dt.date(1989, 1, 8), dt.date(2019, 4, 30),
                                                     dt.date(2024, 3, 5), dt.date(2024, 3, 6)]


def test_a_day_outside_its_japanese_era_is_rejected_not_moved(admin, tmp_path):
    path = tmp_path / "ja.csv"
    path.write_text("Name,Consent Date\nAna,平成32年1月1日\nBob,令和2年1月1日\n", encoding="utf-8")
    result = import_file(admin, path)
    assert result.warnings == 1                      # an optional field: left empty, said
    assert consent_dates(admin) == {"Ana": None, "Bob": dt.date(2020, 1, 1)}


def test_minguo_years_are_read_plus_1911_with_the_summary_saying_so(admin, tmp_path):
    path = tmp_path / "tw.csv"
    path.write_text("姓名,Consent Date\n陳小明,113/03/05\n林美玲,112/12/31\n王大同,民國113年3月7日\n",
                    encoding="utf-8")
    result = import_file(admin, path)
    said = {i["decided"] for i in result.inferences if i["what"] == "calendar in 'Consent Date'"}
    assert any(d.startswith("Minguo (ROC) years: year + 1911") and ("'113/03/05' is 2024/03/05" in d
               or "'112/12/31' is 2023/12/31" in d) for d in said), said
    assert sorted(consent_dates(admin).values()) == [dt.date(2023, 12, 31), dt.date(2024, 3, 5),
                                                     dt.date(2024, 3, 7)]


def test_minguo_years_beside_common_era_years_stop_and_the_option_settles_them(admin, tmp_path):
    path = tmp_path / "tw.csv"
    path.write_text("Name,Consent Date\nAna,113/03/05\nBob,2024/03/06\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path)
    assert "'Consent Date'" in str(stop.value) and "'113/03/05'" in str(stop.value)
    assert "--calendar roc" in str(stop.value) and consent_dates(admin) == {}
    result = import_file(admin, path, calendar="roc")
    assert result.warnings == 0                      # a four-digit year is no Minguo year: as written
    assert consent_dates(admin) == {"Ana": dt.date(2024, 3, 5), "Bob": dt.date(2024, 3, 6)}


def test_the_cli_stops_on_buddhist_years_and_calendar_buddhist_imports_them(run, admin, tmp_path):
    path = tmp_path / "consent.csv"
    path.write_text("Name,Consent Date\nAna,05/03/2569\n", encoding="utf-8")
    code, out, err = run("import", str(path), "--date-order", "DMY")
    assert code != 0 and "--calendar buddhist" in out + err and consent_dates(admin) == {}
    code, out, err = run("import", str(path), "--date-order", "DMY", "--calendar", "buddhist", "--dry-run")
    assert code == 0, err
    assert "calendar in 'Consent Date'" in out and consent_dates(admin) == {}
    code, out, err = run("import", str(path), "--date-order", "DMY", "--calendar", "buddhist")
    assert code == 0, err
    assert consent_dates(admin) == {"Ana": dt.date(2026, 3, 5)}


def test_date_cells_typed_with_buddhist_years_in_a_thai_workbook_are_moved_back(admin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ชื่อ", "Consent Date"])
    ws.append(["สมชาย", dt.datetime(2569, 3, 5)])     # typed "5/3/2569" into a date cell
    ws.append(["สมหญิง", dt.datetime(2568, 12, 31)])
    path = tmp_path / "th.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert [i for i in result.inferences if i["what"] == "calendar in 'Consent Date'"]
    assert sorted(consent_dates(admin).values()) == [dt.date(2025, 12, 31), dt.date(2026, 3, 5)]


def test_date_cells_with_buddhist_years_outside_a_thai_file_stop(admin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Consent Date"])
    ws.append(["Ana", dt.datetime(2569, 3, 5)])
    path = tmp_path / "be.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused, match="'Consent Date'.*2569-03-05.*--calendar buddhist"):
        import_file(admin, path)
    assert consent_dates(admin) == {}


@pytest.mark.parametrize("dates, want", [
    (["二〇二四年三月五日", "二〇二四年十二月三十一日"], [dt.date(2024, 3, 5), dt.date(2024, 12, 31)]),
    (["二〇二四年三月五日 星期二", "二〇二四年三月十日 星期日"], [dt.date(2024, 3, 5), dt.date(2024, 3, 10)]),
    (["令和六年三月五日", "令和元年五月一日"], [dt.date(2024, 3, 5), dt.date(2019, 5, 1)]),
    (["平成三十一年四月三十日", "令和二年一月十日"], [dt.date(2019, 4, 30), dt.date(2020, 1, 10)]),
    (["民國一一三年十月二十日", "民國一一二年一月二日"], [dt.date(2024, 10, 20), dt.date(2023, 1, 2)]),
], ids=["common-era", "with-weekday", "reiwa", "heisei-reiwa", "minguo"])
def test_dates_written_in_chinese_numerals_are_stored_as_the_days_they_name(admin, tmp_path, dates, want):
    path = tmp_path / "orders.csv"
    path.write_text("Order No,Customer,Order Date,Amount,Currency\n"
                    + "".join(f"N{i},Buyer {i},{d},100,CNY\n" for i, d in enumerate(dates)), encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected) == (2, 0)
    assert order_dates(admin) == {f"N{i}": w for i, w in enumerate(want)}


@pytest.mark.parametrize("text", ["二〇二四年三十二月五日", "令和六年十十月五日", "平成三十二年一月一日"])
def test_a_chinese_numeral_date_that_names_no_day_is_refused(text):
    with pytest.raises(ValueError):
        nz.parse_date(text)
