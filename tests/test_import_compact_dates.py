"""Dates written as digits alone ("240305", "050324", "20240305", "05032024"; text in a CSV,
numbers in a workbook) are read in the one order that gives every value of the column a
date a CRM can hold, never as Excel day numbers centuries away; the summary says which;
several fitting orders, or none, stop naming the column with examples and --date-order.
German and other languages' activity files map their kind, date and subject columns."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cims_xl.domain import normalize as nz
from cims_xl.importer import compact_dates, import_file
from cims_xl.importer.errors import AmbiguousDates, ImportRefused
from cims_xl.services import records

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Whether a date is in the future depends on today: these files are read as of TODAY."""
    monkeypatch.setattr(compact_dates, "today", lambda: TODAY)


def dates_of(session, kind: str, key: str, field: str) -> dict:
    return {r[key]: r[field] for r in records.list_records(session, kind)}


def orders_csv(tmp_path, name: str, dates: list[str]):
    path = tmp_path / name
    path.write_text("Order No,Customer,Order Date,Amount\n"
                    + "".join(f"{i},Firm {i},{d},10\n" for i, d in enumerate(dates, 1)), encoding="utf-8")
    return path


def digits_line(result) -> dict:
    (said,) = [i for i in result.inferences if i["what"].startswith("dates written as digits")]
    return said


def test_six_digit_year_first_dates_in_a_csv_are_read_as_yymmdd_and_the_summary_says_so(admin, tmp_path):
    path = orders_csv(tmp_path, "jp.csv", ["240305", "231128", "221231"])
    dry = import_file(admin, path, kind="orders", dry_run=True)
    said = digits_line(dry)
    assert said["what"] == "dates written as digits in 'Order Date'"
    assert said["decided"] == "yymmdd ('240305' is 2024-03-05)"
    assert "2557-12-05" in said["evidence"]            # what the day-number reading would have stored
    assert not [i for i in dry.inferences if "day numbers in" in i["what"]]
    import_file(admin, path, kind="orders")
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28), "3": dt.date(2022, 12, 31)}


def test_a_leading_zero_in_text_is_never_a_day_number_and_ddmmyy_is_decided_on_the_column(admin, tmp_path):
    path = orders_csv(tmp_path, "de.csv", ["050324", "281123", "311222"])
    result = import_file(admin, path, kind="orders")
    assert digits_line(result)["decided"].startswith("ddmmyy")
    assert "leading 0" in digits_line(result)["evidence"]
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28), "3": dt.date(2022, 12, 31)}


def test_eight_digit_day_first_dates_are_read_as_ddmmyyyy_not_refused(admin, tmp_path):
    path = orders_csv(tmp_path, "dmy8.csv", ["05032024", "28112023"])
    result = import_file(admin, path, kind="orders")
    assert result.rejected == 0 and digits_line(result)["decided"].startswith("ddmmyyyy")
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28)}


def test_eight_digit_month_first_dates_are_read_as_mmddyyyy(admin, tmp_path):
    path = orders_csv(tmp_path, "mdy8.csv", ["03052024", "11282023", "12312022"])
    result = import_file(admin, path, kind="orders")
    assert digits_line(result)["decided"].startswith("mmddyyyy")
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28), "3": dt.date(2022, 12, 31)}


def test_year_first_eight_digit_numbers_in_a_workbook_are_named_as_yyyymmdd_not_day_numbers(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Opportunity", "Customer", "Expected Close", "Amount"])
    ws.append(["Renewal", "Acme", 20290630, 1000])       # years ahead: an expected close may be
    ws.append(["Upsell", "Bolt", 20240305, 500])
    path = tmp_path / "deals.xlsx"
    wb.save(path)
    result = import_file(admin, path, kind="opportunities")
    assert digits_line(result)["decided"] == "yyyymmdd ('20290630' is 2029-06-30)"
    assert not [i for i in result.inferences if "day numbers in" in i["what"]]
    assert dates_of(admin, "opportunity", "name", "expected_close") == {
        "Renewal": dt.date(2029, 6, 30), "Upsell": dt.date(2024, 3, 5)}


def test_numbers_that_lost_their_leading_zero_in_a_workbook_are_day_first_dates(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Email", "Consent Date"])
    ws.append(["Ana", "ana@example.com", 50324])          # 05.03.24 typed as a number: 2037-10-11 as a day number
    ws.append(["Bob", "bob@example.com", 281123])
    ws.append(["Cai", "cai@example.com", 311222])
    path = tmp_path / "consent.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert digits_line(result)["decided"].startswith("ddmmyy")
    assert dates_of(admin, "customer", "name", "marketing_consent_at") == {
        "Ana": dt.date(2024, 3, 5), "Bob": dt.date(2023, 11, 28), "Cai": dt.date(2022, 12, 31)}


def test_compact_numbers_in_a_1904_workbook_are_not_moved_by_its_day_count(admin, tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["Subject", "Customer", "Opened"])
    ws.append(["Login fails", "Acme", 240305])
    ws.append(["Invoice copy", "Bolt", 231128])
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    import_file(admin, path, kind="tickets", time_unknown="start-of-day")
    opened = dates_of(admin, "ticket", "subject", "opened_at")
    assert {k: v.date() for k, v in opened.items()} == {
        "Login fails": dt.date(2024, 3, 5), "Invoice copy": dt.date(2023, 11, 28)}


def test_ods_number_cells_written_yymmdd_are_read_as_dates(admin, tmp_path):
    from hostile_files import ods

    def text(t: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>'

    def number(n: int) -> str:
        return f'<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>'

    def row(*cells: str) -> str:
        return "<table:table-row>" + "".join(cells) + "</table:table-row>"

    path = ods(tmp_path / "orders.ods", row(text("Order No"), text("Customer"), text("Order Date"), text("Amount"))
               + row(text("A1"), text("Acme"), number(240305), number(10))
               + row(text("A2"), text("Bolt"), number(221231), number(20)))
    result = import_file(admin, path, kind="orders")
    assert digits_line(result)["decided"].startswith("yymmdd")
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "A1": dt.date(2024, 3, 5), "A2": dt.date(2022, 12, 31)}


def test_an_interaction_date_written_as_digits_is_read_like_any_other(admin, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("Type,Date,Subject,Customer\nCall,20240305,First call,Acme\nMeeting,20231128,Demo,Bolt\n",
                    encoding="utf-8")
    import_file(admin, path, kind="interactions")
    got = {r["subject"]: r["occurred_at"].date() for r in records.list_records(admin, "interaction")}
    assert got == {"First call": dt.date(2024, 3, 5), "Demo": dt.date(2023, 11, 28)}


def test_digits_that_two_orders_read_stop_naming_the_column_and_the_option_settles_them(admin, tmp_path):
    # yymmdd 2024-03-05, 2023-04-12, 2022-01-01; ddmmyy 2005-03-24, 2012-04-23, 2001-01-22: both fit
    path = orders_csv(tmp_path, "two.csv", ["240305", "230412", "220101"])
    with pytest.raises(AmbiguousDates) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "'Order Date'" in message and "'240305'" in message
    assert "--date-order DMY" in message and "--date-order YMD" in message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", date_order="YMD")
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "2": dt.date(2023, 4, 12), "3": dt.date(2022, 1, 1)}


def test_many_rows_settle_the_year_by_how_many_values_each_pair_of_digits_takes(admin, tmp_path):
    # years 2020-2023 first, days 1-26 last: both orders give dates of the past, but the
    # first pair takes 4 values and the last 26: the year is first
    dates = [f"{20 + i % 4}{1 + i % 12:02d}{1 + i % 26:02d}" for i in range(60)]
    path = orders_csv(tmp_path, "many.csv", dates)
    result = import_file(admin, path, kind="orders")
    said = digits_line(result)
    assert said["decided"].startswith("yymmdd") and "the year is first" in said["evidence"]
    got = dates_of(admin, "order", "order_number", "order_date")
    assert got["1"] == dt.date(2020, 1, 1) and got["26"] == dt.date(2021, 2, 26)


def test_digits_no_order_reads_stop_unless_an_order_is_given_and_then_only_their_rows_are_refused(
        admin, tmp_path):
    path = orders_csv(tmp_path, "bad.csv", ["240305", "999999", "231128"])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "column 'Order Date'" in message and "'240305'" in message and "--date-order" in message
    assert "Nothing was imported" in message
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders", date_order="YMD")
    assert (result.created, result.rejected) == (2, 1)
    (refused,) = [o for o in result.outcomes if o.action == "rejected"]
    assert "999999" in refused.problems["Order Date"]
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "3": dt.date(2023, 11, 28)}


def test_day_numbers_of_our_times_stay_day_numbers(admin, tmp_path):
    path = orders_csv(tmp_path, "serial.csv", ["45356", "45357", "41203"])
    result = import_file(admin, path, kind="orders")
    assert not [i for i in result.inferences if i["what"].startswith("dates written as digits")]
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "1": dt.date(2024, 3, 5), "2": dt.date(2024, 3, 6), "3": dt.date(2012, 10, 21)}


def test_numbers_that_read_both_as_day_numbers_and_as_compact_dates_stop_and_the_option_settles_them(
        admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order No", "Customer", "Order Date", "Amount"])
    # yymmdd of 2001-2004 in number cells: 10101 is 2001-01-01, or day 10101 (1927-08-27)
    for number, day in (("A1", 10101), ("A2", 40325), ("A3", 21231)):
        ws.append([number, "Acme", day, 10])
    path = tmp_path / "old.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "column 'Order Date'" in message and "Excel day numbers ('10101' = 1927-08-27)" in message
    assert "yymmdd 2001-01-01" in message and "--date-order YMD" in message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", date_order="YMD")
    assert dates_of(admin, "order", "order_number", "order_date") == {
        "A1": dt.date(2001, 1, 1), "A2": dt.date(2004, 3, 25), "A3": dt.date(2002, 12, 31)}


def test_the_command_line_stop_names_the_column_and_the_option(run, tmp_path):
    path = orders_csv(tmp_path, "two.csv", ["240305", "230412"])
    code, out, err = run("import", "file", str(path), "--kind", "orders")
    assert code != 0
    assert "'Order Date'" in out + err and "--date-order" in out + err
    code, out, err = run("import", "file", str(path), "--kind", "orders", "--date-order", "ymd")
    assert code == 0


# ----- activity files in other languages ----------------------------------------------


def interactions(session) -> dict[str, dict]:
    return {r["subject"]: r for r in records.list_records(session, "interaction")}


def test_a_german_activity_file_maps_type_date_and_subject(admin, tmp_path):
    path = tmp_path / "aktivitaeten.csv"
    path.write_text("Typ,Datum,Betreff,Firma,Notiz\n"
                    "Anruf,05.03.2024 14:30,Erstgespräch,Müller GmbH,Preise besprochen\n"
                    "Termin,06.03.2024 10:00,Demo,Schmidt AG,Produkt gezeigt\n"
                    "Telefonat,07.03.2024 09:15,Rückruf,Schmidt AG,\n"
                    "E-Mail,08.03.2024 08:00,Angebot,Müller GmbH,\n"
                    "Besprechung,11.03.2024 16:45,Workshop,Müller GmbH,\n", encoding="utf-8")
    result = import_file(admin, path, kind="interactions", mapping={"Firma": "Customer Name"})
    assert result.created == 5 and not result.unmapped
    got = interactions(admin)
    assert {s: r["kind"] for s, r in got.items()} == {
        "Erstgespräch": "Call", "Demo": "Meeting", "Rückruf": "Call", "Angebot": "Email", "Workshop": "Meeting"}
    first = got["Erstgespräch"]["occurred_at"]
    assert (first.date(), first.hour, first.minute) == (dt.date(2024, 3, 5), 14, 30)
    assert got["Erstgespräch"]["notes"] == "Preise besprochen"
    with pytest.raises(ImportRefused) as stop:                 # no --kind: it stops and names the kind
        import_file(admin, path, dry_run=True)
    assert "--kind interactions" in stop.value.message


@pytest.mark.parametrize("headers, rows, kinds", [
    ("Type,Date,Objet,Client", ["Appel,05/03/2024,Premier contact,Dupont SA", "Réunion,06/03/2024,Démo,Dupont SA",
                                "Rendez-vous,25/03/2024,Suivi,Dupont SA"], ["Call", "Meeting", "Meeting"]),
    ("Tipo,Fecha,Asunto,Cliente", ["Llamada,05/03/2024,Primer contacto,García SL",
                                  "Reunión,25/03/2024,Demo,García SL"], ["Call", "Meeting"]),
    ("Tipo,Data,Oggetto,Cliente", ["Telefonata,05/03/2024,Primo contatto,Rossi Srl",
                                  "Riunione,25/03/2024,Demo,Rossi Srl"], ["Call", "Meeting"]),
    ("Soort,Datum,Onderwerp,Klant", ["Telefoongesprek,05-03-2024,Kennismaking,Jansen BV",
                                    "Afspraak,25-03-2024,Demo,Jansen BV"], ["Call", "Meeting"]),
    ("Tipo,Data,Assunto,Cliente", ["Ligação,05/03/2024,Primeiro contato,Silva Ltda",
                                  "Reunião,25/03/2024,Demo,Silva Ltda"], ["Call", "Meeting"]),
    ("类型,日期,主题,客户", ["电话,2024-03-05,初次联系,华为", "会议,2024-03-25,演示,华为"], ["Call", "Meeting"]),
    ("種別,日時,件名,顧客名", ["電話,2024/03/05 14:30,初回連絡,山田商事", "打ち合わせ,2024/03/25,デモ,山田商事"],
     ["Call", "Meeting"]),
])
def test_activity_files_in_other_languages_map_kind_date_and_subject(admin, tmp_path, headers, rows, kinds):
    path = tmp_path / "activities.csv"
    path.write_text(headers + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = import_file(admin, path, kind="interactions")
    assert result.created == len(rows), result.outcomes
    got = sorted(records.list_records(admin, "interaction"), key=lambda r: r["occurred_at"])
    assert [r["kind"] for r in got] == kinds
    assert got[0]["occurred_at"].date() == dt.date(2024, 3, 5)
    assert all(r["subject"] for r in got)


def test_an_activity_kind_no_list_knows_stops_naming_it_and_the_value_option_settles_it(admin, tmp_path):
    path = tmp_path / "aufgaben.csv"
    path.write_text("Typ,Datum,Betreff,Firma\nAufgabe,05.03.2024,Angebot schreiben,Müller GmbH\n"
                    "Aufgabe,06.03.2024,Nachfassen,Müller GmbH\nAnruf,07.03.2024,Rückruf,Müller GmbH\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="interactions", mapping={"Firma": "Customer Name"})
    assert "'Typ'" in stop.value.message and "Aufgabe" in stop.value.message and "--value" in stop.value.message
    assert records.list_records(admin, "interaction") == []
    import_file(admin, path, kind="interactions", mapping={"Firma": "Customer Name"}, values=["Aufgabe=Note"])
    assert {s: r["kind"] for s, r in interactions(admin).items()} == {
        "Angebot schreiben": "Note", "Nachfassen": "Note", "Rückruf": "Call"}


def test_an_interaction_whose_date_cannot_be_read_is_refused_not_stored_undated(admin, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("Type,Date,Subject,Customer\nCall,2024-03-05,First call,Acme\n"
                    "Call,sometime in spring,Second call,Acme\nMeeting,,Undated meeting,Acme\n", encoding="utf-8")
    result = import_file(admin, path, kind="interactions")
    unreadable, empty = [o for o in result.outcomes if o.action == "rejected"]
    assert "sometime in spring" in str(unreadable.problems)
    assert "without its date" in str(empty.problems)        # never saved undated (README)
    got = interactions(admin)
    assert set(got) == {"First call"}


def test_a_date_typed_as_six_digits_at_the_command_line_is_refused_not_stored_centuries_ahead(run):
    run("customer", "add", "--name", "Digits Test")
    code, out, err = run("order", "add", "--customer-id", "C-000001", "--order-date", "240305", "--amount", "5")
    assert code not in (0, 70), err
    assert "2557-12-05" in err and "YYYY-MM-DD" in err and len(err.strip().splitlines()) <= 3
    code, out, err = run("order", "add", "--customer-id", "C-000001", "--order-date", "45352", "--amount", "5")
    assert code == 0, err                   # a day number of our times is still read (2024-03-01)


# ----- property: every column of digit dates is read right or refused -----------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_FORMATS = {("YMD", 6): "%y%m%d", ("DMY", 6): "%d%m%y", ("MDY", 6): "%m%d%y",
            ("YMD", 8): "%Y%m%d", ("DMY", 8): "%d%m%Y", ("MDY", 8): "%m%d%Y"}


@settings(max_examples=300, deadline=None)
@given(order=st.sampled_from(["YMD", "DMY", "MDY", "serial"]), width=st.sampled_from([6, 8]),
       as_numbers=st.booleans(),
       days=st.lists(st.dates(min_value=dt.date(1970, 1, 1), max_value=TODAY), min_size=1, max_size=40))
def test_a_column_of_digit_dates_is_read_as_written_or_refused_never_wrong(order, width, as_numbers, days):
    """Digits in every order and width, and Excel day numbers, as text or number cells."""
    evidence = compact_dates.DigitEvidence("Order Date")
    if order == "serial":
        cells = [str((d - dt.date(1899, 12, 30)).days) for d in days]
    else:
        cells = [d.strftime(_FORMATS[(order, width)]) for d in days]
    cells = [int(c) for c in cells] if as_numbers else cells
    for cell in cells:
        evidence.add(cell)
    try:
        decision = compact_dates.DigitEvidence.decide(evidence, "order_date")
    except ImportRefused:                       # AmbiguousDates included: stopped, nothing stored
        return
    if decision.how == "serial":                # read as day numbers: only when that is what they are
        got = [nz.day_number_date(c) for c in cells]
    else:
        got = [nz.compact_date(c, decision.order) for c in cells]
    assert got == days, (cells, decision)


@pytest.mark.parametrize("dates, want", [
    (["'240305", "'231128"], {"1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28)}),       # yymmdd
    (["'050324", "'281123"], {"1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28)}),       # ddmmyy
    (["'05032024", "'28112023"], {"1": dt.date(2024, 3, 5), "2": dt.date(2023, 11, 28)}),   # ddmmyyyy
])
def test_digit_dates_typed_with_excels_text_mark_are_read_as_without_it(admin, tmp_path, dates, want):
    # "'240305" (typed so to keep a leading zero) had been rejected as an Excel day number
    path = orders_csv(tmp_path, "marked.csv", dates)
    result = import_file(admin, path, kind="orders")
    assert result.rejected == 0
    assert dates_of(admin, "order", "order_number", "order_date") == want


@pytest.mark.parametrize("written, want", [
    ("2024年3月5日 14時30分", dt.datetime(2024, 3, 5, 14, 30)),
    ("2024年3月5日 14时30分15秒", dt.datetime(2024, 3, 5, 14, 30, 15)),
    ("2024年3月5日 午後2時", dt.datetime(2024, 3, 5, 14, 0)),
    ("2024년 3월 5일 14시 30분", dt.datetime(2024, 3, 5, 14, 30)),
    ("2024년 3월 5일 오후 2시 30분", dt.datetime(2024, 3, 5, 14, 30)),
])
def test_a_time_written_with_hour_and_minute_characters_is_read(written, want):
    # "14時30分" had been "not a date: cannot read the time", rejecting a Japanese activity
    got = nz.parse_datetime(written)
    assert got.replace(tzinfo=None) == want


def test_japanese_activities_timed_with_hour_and_minute_characters_are_imported(admin, tmp_path):
    path = tmp_path / "活動.csv"
    path.write_text("種別,日時,件名,顧客名\n電話,2024年3月5日 14時30分,見積の確認,田中工業\n", encoding="utf-8")
    result = import_file(admin, path, kind="interactions")
    assert result.rejected == 0
    (row,) = records.list_records(admin, "interaction")
    assert row["occurred_at"].replace(tzinfo=None) == dt.datetime(2024, 3, 5, 14, 30)
