"""Dates with a two-digit year are decided on the whole column, as digits alone are.

1. Written with separators ("24.03.05", "23/11/28", "05-03-24"): an order (year/month/day,
   day/month/year, month/day/year) that puts some value before 1900 or more than a year
   after today (ten for an expected close) is no candidate: "23.11.28" as day/month/year
   would be 2028-11-23, so a Korean order file is year first. The summary says which
   order was taken and why the other was not; several orders left stop as before; none
   left stops naming the values. A lone value at the command line cannot be decided:
   it is refused naming both readings.
2. Digits alone beside dates with separators ("050324" beside "25/03/2024"): the digits
   take the one order both allow (ddmmyy); orders that cannot agree stop naming both.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cims_xl.importer import compact_dates, import_file
from cims_xl.importer.errors import AmbiguousDates, ImportRefused
from cims_xl.services import records

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """What lies ahead depends on today: these files are read as of TODAY."""
    monkeypatch.setattr(compact_dates, "today", lambda: TODAY)


def write(tmp_path, name: str, rows: list[list[str]]):
    """A CSV, or an .xlsx whose cells are all text (as a hand-typed or exported sheet holds them)."""
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        for r in rows:
            book.active.append(r)
        for row in book.active.iter_rows():
            for cell in row:
                cell.number_format = "@"
        book.save(path)
    return path


def said(result, what: str) -> dict:
    (line,) = [i for i in result.inferences if i["what"] == what]
    return line


def stored(session, kind: str, key: str, field: str) -> dict:
    got = {r[key]: r[field] for r in records.list_records(session, kind)}
    return {k: v.date() if isinstance(v, dt.datetime) else v for k, v in got.items()}


def nothing_written(session) -> bool:
    return all(records.list_records(session, k) == [] for k in ("customer", "order", "ticket", "interaction",
                                                                  "opportunity"))


# ----- 1. two-digit years with separators ------------------------------------------------

def test_a_korean_order_file_written_yy_mm_dd_is_read_year_first_and_the_summary_says_why(admin, tmp_path):
    # Korean headings and bare amounts in a CNY store: --currency KRW says they are won (plain_amounts)
    path = write(tmp_path, "주문.csv", [["주문번호", "고객명", "주문일자", "금액"],
                                       ["K-1", "김민준", "24.03.05", "15000"], ["K-2", "이서연", "23.11.28", "8000"],
                                       ["K-3", "박지호", "24.01.15", "12000"]])
    dry = import_file(admin, path, kind="orders", currency="KRW", dry_run=True)
    line = said(dry, "date order in '주문일자'")
    assert line["decided"] == "YMD"
    assert "'23.11.28' would be 2028-11-23" in line["evidence"] and "day/month/year" in line["evidence"]
    assert nothing_written(admin)
    result = import_file(admin, path, kind="orders", currency="KRW")
    assert said(result, "date order in '주문일자'") == line
    assert stored(admin, "order", "order_number", "order_date") == {
        "K-1": dt.date(2024, 3, 5), "K-2": dt.date(2023, 11, 28), "K-3": dt.date(2024, 1, 15)}


@pytest.mark.parametrize("name", ["受付.csv", "受付.xlsx"])
def test_japanese_tickets_written_yy_slash_mm_slash_dd_in_text_cells_are_read_year_first(admin, tmp_path, name):
    path = write(tmp_path, name, [["Subject", "Customer", "Email", "Opened"],
                                  ["プリンター故障", "山田商事", "yamada@example.jp", "24/03/05 09:30"],
                                  ["ログイン不可", "佐藤工業", "sato@example.jp", "22/12/31 17:00"],
                                  ["請求書の再発行", "山田商事", "yamada@example.jp", "23/11/28 10:15"]])
    result = import_file(admin, path, kind="tickets")
    assert said(result, "date order in 'Opened'")["decided"] == "YMD"
    assert stored(admin, "ticket", "subject", "opened_at") == {
        "プリンター故障": dt.date(2024, 3, 5), "ログイン不可": dt.date(2022, 12, 31),
        "請求書の再発行": dt.date(2023, 11, 28)}


def test_chinese_interactions_written_with_dashes_are_read_year_first(admin, tmp_path):
    path = write(tmp_path, "跟进.csv", [["Kind", "When", "Subject", "Customer", "Email"],
                                      ["Call", "25-01-15", "首次联系", "王芳", "wang@example.cn"],
                                      ["Visit", "24-12-30", "上门拜访", "王芳", "wang@example.cn"],
                                      ["Email", "24-06-02", "报价", "李娜", "li@example.cn"]])
    result = import_file(admin, path, kind="interactions")
    assert "'24-12-30' would be 2030-12-24" in said(result, "date order in 'When'")["evidence"]
    assert stored(admin, "interaction", "subject", "occurred_at") == {
        "首次联系": dt.date(2025, 1, 15), "上门拜访": dt.date(2024, 12, 30), "报价": dt.date(2024, 6, 2)}


@pytest.mark.parametrize("name", ["kunden.csv", "kunden.xlsx"])
def test_german_consent_dates_written_dd_mm_yy_are_read_day_first_when_year_first_lies_ahead(admin, tmp_path, name):
    path = write(tmp_path, name, [["Name", "Email", "Consent Date"],
                                  ["Jürgen Weiß", "jw@example.de", "05.03.24"],
                                  ["Anna Schmidt", "as@example.de", "28.11.23"],
                                  ["Lena Wolf", "lw@example.de", "12.10.22"]])
    result = import_file(admin, path)
    line = said(result, "date order in 'Consent Date'")
    assert line["decided"] == "DMY" and "'28.11.23' would be 2028-11-23" in line["evidence"]
    assert stored(admin, "customer", "name", "marketing_consent_at") == {
        "Jürgen Weiß": dt.date(2024, 3, 5), "Anna Schmidt": dt.date(2023, 11, 28), "Lena Wolf": dt.date(2022, 10, 12)}


def test_an_expected_close_may_lie_years_ahead_so_the_same_values_stay_ambiguous(admin, tmp_path):
    rows = [["Opportunity", "Customer", "Email", "Expected Close"],
            ["Renewal", "Kim Corp", "kim@example.kr", "24.03.05"], ["Upsell", "Lee Ltd", "lee@example.kr", "23.11.28"]]
    with pytest.raises(AmbiguousDates) as stop:
        import_file(admin, write(tmp_path, "deals.csv", rows), kind="opportunities")
    assert "'Expected Close'" in stop.value.message and "--date-order YMD" in stop.value.message
    assert nothing_written(admin)
    import_file(admin, write(tmp_path, "deals.csv", rows), kind="opportunities", date_order="YMD")
    assert stored(admin, "opportunity", "name", "expected_close") == {
        "Renewal": dt.date(2024, 3, 5), "Upsell": dt.date(2023, 11, 28)}


def test_a_ship_date_column_takes_the_year_first_order_the_order_dates_prove_by_their_plausible_dates(
        admin, tmp_path):
    path = write(tmp_path, "주문.csv", [["주문번호", "고객명", "주문일자", "Ship Date", "금액"],
                                       ["K-1", "김민준", "24.03.05", "24.03.07", "15000"],
                                       ["K-2", "이서연", "23.11.28", "23.12.01", "8000"]])
    result = import_file(admin, path, kind="orders", currency="KRW")
    assert "'주문일자'" in said(result, "date order in 'Ship Date'")["evidence"]
    assert stored(admin, "order", "order_number", "ship_date") == {
        "K-1": dt.date(2024, 3, 7), "K-2": dt.date(2023, 12, 1)}


def test_values_every_order_reads_as_a_past_date_still_stop_and_the_option_reads_them(admin, tmp_path):
    path = write(tmp_path, "주문.csv", [["주문번호", "고객명", "주문일자", "금액"],
                                       ["K-1", "김민준", "24.03.05", "15000"], ["K-2", "이서연", "23.11.12", "8000"]])
    with pytest.raises(AmbiguousDates) as stop:
        import_file(admin, path, kind="orders", currency="KRW")
    message = stop.value.message
    assert "'주문일자'" in message and "'24.03.05'" in message and "--date-order YMD" in message
    assert nothing_written(admin)
    result = import_file(admin, path, kind="orders", currency="KRW", date_order="YMD")
    assert said(result, "date order in '주문일자'")["evidence"] == "--date-order"
    assert stored(admin, "order", "order_number", "order_date") == {
        "K-1": dt.date(2024, 3, 5), "K-2": dt.date(2023, 11, 12)}


def test_a_column_every_order_puts_some_value_years_ahead_stops_naming_the_value(admin, tmp_path):
    rows = [["Order No", "Customer", "Order Date", "Amount"],
            ["A-1", "Acme Inc", "03/05/24", "10"], ["A-2", "Bolt LLC", "04/06/31", "10"]]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, write(tmp_path, "us.csv", rows), kind="orders")
    message = stop.value.message
    assert "'Order Date'" in message
    assert "'04/06/31' would be 2031-06-04" in message and "'04/06/31' would be 2031-04-06" in message
    assert "--date-order MDY" in message and "Nothing was imported" in message
    assert nothing_written(admin)
    result = import_file(admin, write(tmp_path, "us.csv", rows), kind="orders", date_order="MDY")
    # read as the option says; an order dated 2031 is then in the future: that row is
    # rejected naming it (tests/test_order_dates_never_in_the_future.py)
    assert stored(admin, "order", "order_number", "order_date") == {"A-1": dt.date(2024, 3, 5)}
    assert result.rejected == 1 and "2031-04-06 is in the future" in str([o.problems for o in result.outcomes])


def test_the_command_line_import_shows_the_order_taken_and_why(run, tmp_path):
    path = write(tmp_path, "orders.csv", [["Order No", "Customer", "Order Date", "Amount"],
                                         ["K-1", "Kim", "24.03.05", "10"], ["K-2", "Lee", "23.11.28", "10"]])
    code, out, err = run("--format", "json", "import", str(path), "--kind", "orders", "--dry-run")
    assert code == 0, err
    assert "'23.11.28' would be 2028-11-23" in out and "YMD" in out


@pytest.mark.parametrize("typed, readings", [
    ("24.03.05", ("2024-03-05", "2005-03-24")),
    ("23/11/28", ("2023-11-28", "2028-11-23")),
    ("05-05-24", ("2005-05-24", "2024-05-05")),
])
def test_a_lone_two_digit_year_date_at_the_command_line_is_refused_naming_both_readings(run, typed, readings):
    run("customer", "add", "--name", "Kim Min-jun")
    code, out, err = run("order", "add", "--customer-id", "C-000001", "--order-date", typed, "--amount", "5")
    assert code not in (0, 70), err
    assert all(r in err for r in readings) and "YYYY-MM-DD" in err and len(err.strip().splitlines()) <= 3
    code, out, err = run("--format", "json", "order", "list")
    assert typed not in out and readings[0] not in out
    code, out, err = run("order", "add", "--customer-id", "C-000001", "--order-date", "2024-03-05", "--amount", "5")
    assert code == 0, err


# ----- 2. digits alone beside dates with separators ---------------------------------------

@pytest.mark.parametrize("name", ["mixed.csv", "mixed.xlsx"])
def test_digits_alone_beside_day_first_dates_are_read_ddmmyy_and_the_summary_says_so(admin, tmp_path, name):
    path = write(tmp_path, name, [["Order No", "Customer", "Order Date", "Amount"],
                                  ["1", "Dupont SA", "25/03/2024", "10"], ["2", "Dupont SA", "050324", "10"],
                                  ["3", "Martin SARL", "13/01/2024", "10"], ["4", "Martin SARL", "150124", "10"]])
    result = import_file(admin, path, kind="orders")
    line = said(result, "dates written as digits in 'Order Date'")
    assert line["decided"].startswith("ddmmyy")
    assert "separators" in line["evidence"] and "day/month/year" in line["evidence"]
    assert said(result, "date order in 'Order Date'")["decided"] == "DMY"
    assert stored(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 25), "2": dt.date(2024, 3, 5), "3": dt.date(2024, 1, 13), "4": dt.date(2024, 1, 15)}


def test_digits_alone_beside_month_first_dates_are_read_mmddyy(admin, tmp_path):
    path = write(tmp_path, "us.csv", [["Order No", "Customer", "Order Date", "Amount"],
                                     ["1", "Acme Inc", "03/25/2024", "10"], ["2", "Acme Inc", "030524", "10"],
                                     ["3", "Bolt LLC", "12/31/2023", "10"], ["4", "Bolt LLC", "110623", "10"]])
    result = import_file(admin, path, kind="orders")
    assert said(result, "dates written as digits in 'Order Date'")["decided"].startswith("mmddyy")
    assert stored(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 25), "2": dt.date(2024, 3, 5), "3": dt.date(2023, 12, 31), "4": dt.date(2023, 11, 6)}


def test_digits_that_read_one_way_settle_the_dates_with_separators_that_read_two(admin, tmp_path):
    path = write(tmp_path, "tickets.csv", [["Subject", "Customer", "Email", "Opened"],
                                          ["Printer", "Ann", "ann@example.com", "05/03/2024"],
                                          ["Login", "Ben", "ben@example.com", "11/04/2024"],
                                          ["Invoice", "Ann", "ann@example.com", "281123"]])
    result = import_file(admin, path, kind="tickets", time_unknown="start-of-day")
    line = said(result, "date order in 'Opened'")
    assert line["decided"] == "DMY" and "ddmmyy" in line["evidence"]
    assert stored(admin, "ticket", "subject", "opened_at") == {
        "Printer": dt.date(2024, 3, 5), "Login": dt.date(2024, 4, 11), "Invoice": dt.date(2023, 11, 28)}


def test_digits_and_dates_with_separators_that_both_read_two_ways_stop_showing_both(admin, tmp_path):
    path = write(tmp_path, "orders.csv", [["Order No", "Customer", "Order Date", "Amount"],
                                         ["1", "Acme", "05/03/2024", "10"], ["2", "Acme", "110423", "10"]])
    with pytest.raises(AmbiguousDates) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "'Order Date'" in message and "'110423'" in message and "'05/03/2024'" in message
    assert "--date-order DMY" in message and "--date-order MDY" in message
    assert nothing_written(admin)
    import_file(admin, path, kind="orders", date_order="MDY")
    assert stored(admin, "order", "order_number", "order_date") == {"1": dt.date(2024, 5, 3), "2": dt.date(2023, 11, 4)}


def test_month_first_dates_beside_yymmdd_digits_stop_with_a_message_naming_both(admin, tmp_path):
    rows = [["Order No", "Customer", "Order Date", "Amount"],
            ["1", "Acme", "03/25/2024", "10"], ["2", "Acme", "240305", "10"], ["3", "Bolt", "231128", "10"]]
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, write(tmp_path, "mixed.csv", rows), kind="orders")
    message = stop.value.message
    assert not isinstance(stop.value, AmbiguousDates)
    assert "'Order Date'" in message and "'03/25/2024'" in message and "'240305'" in message
    assert "month/day/year" in message and "yymmdd" in message and "--date-order MDY" in message
    assert nothing_written(admin)
    # the option reads the column in one order: the rows written otherwise are refused, none stored wrong
    result = import_file(admin, write(tmp_path, "mixed.csv", rows), kind="orders", date_order="MDY")
    assert (result.created, result.rejected) == (1, 2)
    assert stored(admin, "order", "order_number", "order_date") == {"1": dt.date(2024, 3, 25)}


def test_iso_basic_digits_beside_day_first_dates_are_read_as_before(admin, tmp_path):
    path = write(tmp_path, "orders.csv", [["Order No", "Customer", "Order Date", "Amount"],
                                         ["1", "Acme", "25/03/2024", "10"], ["2", "Acme", "20240305", "10"]])
    import_file(admin, path, kind="orders")
    assert stored(admin, "order", "order_number", "order_date") == {"1": dt.date(2024, 3, 25), "2": dt.date(2024, 3, 5)}


# ----- property: a column of two-digit-year dates, some written as digits alone, is read right or refused ----

from hypothesis import assume, given, settings, strategies as st  # noqa: E402

from cims_xl.domain import normalize as nz  # noqa: E402
from cims_xl.importer import run as import_run  # noqa: E402

_PARTS = {"YMD": ("%y", "%m", "%d"), "DMY": ("%d", "%m", "%y"), "MDY": ("%m", "%d", "%y")}


@settings(max_examples=300, deadline=None)
@given(order=st.sampled_from(["YMD", "DMY", "MDY"]), sep=st.sampled_from(["/", ".", "-", " "]),
       cells=st.lists(st.tuples(st.dates(min_value=dt.date(1970, 1, 1), max_value=TODAY),
                                st.sampled_from(["separated", "separated", "digits", "four-digit year"])),
                      min_size=1, max_size=30))
def test_a_two_digit_year_column_in_any_order_is_read_as_written_or_refused_never_wrong(order, sep, cells):
    """As the import's first pass decides a date column (run._scan): the values with
    separators, then the digits alone beside them. Month first with dots is left out:
    dots are read day-first where dates are written with them (run._narrow_by_dots)."""
    assume(not (order == "MDY" and sep == "."))
    parts = _PARTS[order]
    written = []
    for day, how in cells:
        if how == "digits":
            written.append(day.strftime("".join(parts)))
        elif how == "four-digit year" and order != "YMD":
            written.append(day.strftime(sep.join(p.replace("%y", "%Y") for p in parts)))
        else:
            written.append(day.strftime(sep.join(parts)))
    evidence = import_run._DateEvidence("Order Date")
    for text in written:
        evidence.add(text)
    separated, problem = evidence.result("order_date")
    try:
        digits = evidence.digits.decide("order_date", None, import_run._beside(evidence, separated, problem, None))
    except ImportRefused:
        return                                  # stopped: nothing stored
    if problem == "ambiguous" and digits is not None and digits.beside:
        separated, problem = digits.order, None
    if problem:
        return                                  # stopped
    got = []
    for text in written:
        if nz.compact_digits(text) is not None:
            got.append(nz.from_compact(text, digits.order) if digits and digits.how == "compact"
                       else nz.day_number_date(text))
        else:
            got.append(nz.parse_date(text, separated))
    assert got == [d for d, _ in cells], (written, separated, digits)
