"""Other variants of the value kinds of issue 14, tried as a new user's files would
bring them: each is read right, or the import stops before writing and names the
column, examples and the option that settles it. Never a wrong value stored silently."""

from __future__ import annotations

import itertools
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cims_xl.importer import import_file
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF


def customers(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def orders(admin) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(admin, "order")}


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# ----- 11. footers ----------------------------------------------------------------------------

@pytest.mark.parametrize("footer", ["Grand Total,2,", "合计,2,", "Summe,,2", "Total général,2,",
                                    "TOTALES,2,", "Razem:,2,", "Count: 2,,", ",Total,2"])
@pytest.mark.parametrize("blank_before", [True, False])
def test_a_total_label_followed_by_figures_is_a_footer_however_many_columns_it_fills(
        admin, tmp_path, footer, blank_before):
    path = write(tmp_path / "report.csv", "Name,Email,City\nAna Souza,ana@example.com,Curitiba\n"
                 "Bo Wu,bo@example.com,Hangzhou\n" + ("\n" if blank_before else "") + footer + "\n")
    result = import_file(admin, path)
    assert (result.rows, result.created, result.footer_rows, result.rejected) == (2, 2, 1, 0)
    assert sorted(customers(admin)) == ["Ana Souza", "Bo Wu"]
    assert decided(result, "footer")["evidence"]


@pytest.mark.parametrize("footer", ["Report generated 2024-05-01 by ReportServer", "--- end of report ---",
                                    "*** End of Report ***", "Confidential", "Exporté le 01/05/2024"])
def test_a_report_tools_closing_line_is_a_footer_even_without_a_blank_row_before_it(admin, tmp_path, footer):
    path = write(tmp_path / "report.csv", "Name,Email,City\nAna Souza,ana@example.com,Curitiba\n"
                 f"Bo Wu,bo@example.com,Hangzhou\n{footer},,\n")
    result = import_file(admin, path)
    assert (result.rows, result.created, result.footer_rows) == (2, 2, 1)
    assert sorted(customers(admin)) == ["Ana Souza", "Bo Wu"]


def test_a_total_line_under_an_orders_table_with_its_amounts_spread_out_is_not_an_order(admin, tmp_path):
    path = write(tmp_path / "orders.csv", "Order ID;Order Date;Customer Name;Sales;Quantity\n"
                 "A-1;2024-01-05;Ana Souza;1.234,50 €;2\nA-2;2024-01-06;Bo Wu;99,90 €;1\n"
                 "Gesamtsumme;;;1.334,40 €;3\n")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.footer_rows, result.rejected) == (2, 1, 0)
    assert sorted(orders(admin)) == ["A-1", "A-2"]


@pytest.mark.parametrize("last", ["Total Wine Shop,shop@example.com,Austin", "Summe GmbH,,2",
                                  "Total,total@example.com,Lyon"])
def test_a_last_customer_whose_name_is_or_starts_with_a_total_word_is_still_a_customer(admin, tmp_path, last):
    path = write(tmp_path / "c.csv", "Name,Email,City\nAna,ana@example.com,Curitiba\n" + last + "\n")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (2, 0)


# ----- 2. phone country ----------------------------------------------------------------------

@pytest.mark.parametrize("country, phone, stored", [
    ("U.S.", "(415) 555-0132", "+14155550132"),
    ("U.S.A.", "(415) 555-0133", "+14155550133"),
    ("United States of America", "(415) 555-0134", "+14155550134"),
    ("us", "(415) 555-0135", "+14155550135"),
    ("England", "020 7946 0958", "+442079460958"),
    ("Scotland", "0131 496 0123", "+441314960123"),
    ("GBR", "020 7946 0959", "+442079460959"),
    ("Royaume-Uni", "020 7946 0960", "+442079460960"),
    ("英國", "020 7946 0961", "+442079460961"),
    ("Korea, Republic of", "02-312-3456", "+8223123456"),
    ("Japan", "03-1234-5678", "+81312345678"),
    ("Australia", "(02) 9876 5432", "+61298765432"),
    ("India", "098765 43210", "+919876543210"),
    ("Brasil", "(11) 98765-4321", "+5511987654321"),
    ("México", "55 1234 5678", "+525512345678"),
    ("United States", "011 44 20 7946 0962", "+442079460962"),
    ("China", "0049 30 901820", "+4930901820"),
])
def test_a_number_without_plus_takes_the_country_its_row_names_in_any_usual_form(admin, tmp_path, country, phone, stored):
    path = write(tmp_path / "contacts.csv", f'Name,Phone,Country\nAna,"{phone}","{country}"\n')
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (1, 0)
    assert customers(admin)["Ana"]["phone"] == stored


@pytest.mark.parametrize("country, suggestion", [("Untied Kingdom", "United Kingdom"), ("Atlantis", None),
                                                 ("Great Britian", None)])
def test_a_country_cell_naming_no_country_keeps_the_number_out_of_the_field_rather_than_guess(
        admin, tmp_path, country, suggestion):
    # Read as the store's default region (China), 020 7946 0958 is a valid Guangzhou number.
    path = write(tmp_path / "contacts.csv", f"Name,Phone,Country\nAna,020 7946 0958,{country}\n"
                 f"Bo,+44 20 7946 0321,{country}\n")
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (2, 1)
    got = customers(admin)
    assert got["Ana"]["phone"] is None and "020 7946 0958" in got["Ana"]["notes"]
    assert got["Bo"]["phone"] == "+442079460321"          # it carries its own code
    (warned,) = [o for o in result.outcomes if o.warnings]
    reason = " ".join(warned.warnings.values())
    assert country in reason and "+ and its country code" in reason
    if suggestion:
        assert f"did you mean {suggestion}" in reason


def test_customer_add_with_a_country_that_names_no_country_refuses_the_number(run, admin):
    code, _, err = run("customer", "add", "--name", "Ana", "--phone", "020 7946 0958", "--country", "Untied Kingdom")
    assert code != 0 and "Untied Kingdom" in err and "did you mean United Kingdom" in err
    assert records.list_records(admin, "customer") == []
    code, _, err = run("customer", "add", "--name", "Ana", "--phone", "020 7946 0958", "--country", "U.K.")
    assert code == 0, err
    assert customers(admin)["Ana"]["phone"] == "+442079460958"


# ----- 1. encoding ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, rows", [
    ("cp1250", [("Jan Kowalski", "Łódzkie Zakłady Sp. z o.o."), ("Anna Nowak", "Przedsiębiorstwo Żółć"),
                ("Piotr Wiśniewski", "Gdańska Stocznia")]),
    ("cp1250", [("Jiří Novák", "Škoda Čeština s.r.o."), ("Petr Dvořák", "Řeznictví Šťastný")]),
    ("cp1250", [("Kovács Péter", "Győri Kft."), ("Szabó Ödön", "Hűtőgép Zrt.")]),
    ("cp1253", [("Γιώργος Παπαδόπουλος", "Εταιρεία Αθηνών ΑΕ"), ("Μαρία Νικολάου", "Ελληνικά Τρόφιμα")]),
    ("cp1253", [("Νίκος", "Αθήνα")]),
    ("cp949", [("김민수", "삼성전자 주식회사"), ("이영희", "서울무역")]),
    ("mac_roman", [("François Müller", "Société Générale"), ("José Peña", "Café Zürich")]),
    ("cp932", [("鈴木", "ｽｽﾞｷ ｼｮｳｼﾞ")]),
])
def test_a_csv_in_a_regional_code_page_is_read_in_it_when_the_usual_ones_garble_it(admin, tmp_path, encoding, rows):
    path = write(tmp_path / "regional.csv", "Name,Company\r\n" + "".join(f"{n},{c}\r\n" for n, c in rows),
                 encoding)
    result = import_file(admin, path)
    assert result.encoding == encoding
    assert decided(result, "encoding")["evidence"]
    got = customers(admin)
    # Names are stored NFKC-normalised (half-width katakana become full-width).
    assert {n: got[n]["company"] for n, _ in rows} == {n: unicodedata.normalize("NFKC", c) for n, c in rows}


@pytest.mark.parametrize("encoding, rows", [
    ("cp1252", [("José Peña", "Compañía Española"), ("María Ibáñez", "Señor Niño")]),
    ("cp1252", [("Hélène Crème", "Brûlée à la carte"), ("Åsa Ström", "Göteborg")]),
    ("cp1252", [("John Smith", "Acme Ltd"), ("Mary Jones", "Café Central"), ("Bob Brown", "Widgets Inc")]),
    ("cp1251", [("Ольга Смирнова", "ЗАО Северный ветер"), ("Київ", "Україна")]),
    ("gb18030", [("王小明", "深圳市腾达电子有限公司"), ("刘洋", "广州白云酒店")]),
    ("big5", [("陳大文", "台灣電子股份有限公司")]),
])
def test_files_in_the_usual_code_pages_are_not_taken_for_a_regional_one(admin, tmp_path, encoding, rows):
    path = write(tmp_path / "usual.csv", "Name,Company\r\n" + "".join(f"{n},{c}\r\n" for n, c in rows), encoding)
    result = import_file(admin, path)
    assert result.encoding == encoding
    got = customers(admin)
    assert {n: got[n]["company"] for n, _ in rows} == dict(rows)


@pytest.mark.parametrize("encoding, rows", [
    ("cp1252", [("Ana", "€ 1.234,56"), ("Bo", "£99")]),
    ("cp1252", [("Ana", "1.234,56 €")]),
    ("cp1251", [("Цена", "№5"), ("Иван", "в 5 часов")]),
    ("mac_roman", [("Ana", "São Paulo")]),
    ("cp1250", [("Łukasz", "Warszawa")]),
])
def test_currency_signs_and_single_letters_do_not_tip_a_file_into_another_code_page(admin, tmp_path, encoding, rows):
    path = write(tmp_path / "f.csv", "Name,Notes\r\n" + "".join(f'{n},"{c}"\r\n' for n, c in rows), encoding)
    result = import_file(admin, path)
    assert result.encoding == encoding
    got = customers(admin)
    assert {n: got[n]["notes"] for n, _ in rows} == dict(rows)


def test_two_regional_readings_equally_plausible_stop_and_name_both(admin, tmp_path):
    from cims_xl.importer.encoding import EncodingUncertain

    path = write(tmp_path / "lt.csv", "Name,City\r\nJonas,Šiauliai\r\n", "cp1257")
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    assert "--encoding cp1257" in exc.value.message and "--encoding cp1250" in exc.value.message
    assert "'Šiauliai'" in exc.value.message and "'Điauliai'" in exc.value.message
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, encoding="cp1257")
    assert customers(admin)["Jonas"]["city"] == "Šiauliai"


def test_a_regional_reading_whose_letters_sit_as_its_language_writes_them_is_offered_first(admin, tmp_path):
    # "Jürgen" read as Windows-1250 is "Jźrgen": Polish writes no "jź" or "źr" (CLDR's texts)
    # Two words are thin evidence: the reading least garbled is offered first, not taken.
    from cims_xl.importer.encoding import EncodingUncertain

    path = write(tmp_path / "mac.csv", "Name,City\r\nJürgen,München\r\n", "mac_roman")
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    assert exc.value.message.split("Say which with ")[1].startswith("--encoding mac_roman ")
    result = import_file(admin, path, encoding="mac_roman")
    assert result.encoding in ("mac_roman", "mac-roman")
    assert customers(admin)["Jürgen"]["city"] == "München"
    assert customers(admin)["Jürgen"]["city"] == "München"


def test_a_utf8_file_with_a_byte_order_mark_and_a_stray_byte_stops_with_its_line_and_the_option(admin, tmp_path):
    from cims_xl.importer.encoding import EncodingUncertain

    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "Name,Company\r\nZoë Dupont,Société Générale\r\n".encode()
                     + b"Ana,Caf\xe9 Central\r\n")
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    assert "line 3" in exc.value.message and "--encoding utf-8" in exc.value.message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding="utf-8")
    assert "1 unreadable byte" in decided(result, "encoding")["evidence"]
    got = customers(admin)
    assert got["Zoë Dupont"]["company"] == "Société Générale" and got["Ana"]["company"] == "Caf\ufffd Central"


# ----- 9. several values in one cell ---------------------------------------------------------

@pytest.mark.parametrize("emails", ["ana@example.com; ana.home@example.org", "ana@example.com;ana.home@example.org",
                                    "ana@example.com, ana.home@example.org", "ana@example.com\nana.home@example.org",
                                    "ana@example.com | ana.home@example.org", "ana@example.com / ana.home@example.org"])
def test_several_addresses_with_another_programs_separator_keep_the_first_and_the_rest_in_notes(admin, tmp_path, emails):
    path = write(tmp_path / "outlook.csv", f'Name,E-mail Address\nAna Souza,"{emails}"\n')
    result = import_file(admin, path)
    assert (result.created, result.warnings, result.rejected) == (1, 0, 0)
    ana = customers(admin)["Ana Souza"]
    assert ana["email"] == "ana@example.com" and "ana.home@example.org" in ana["notes"]
    assert "'E-mail Address': 1 cell(s)" in decided(result, "several values in one cell")["evidence"]


@pytest.mark.parametrize("phones", ["+44 7700 900123; +44 20 7946 0321", "+44 7700 900123\n+44 20 7946 0321",
                                    "+44 7700 900123, +44 20 7946 0321"])
def test_several_numbers_in_one_cell_keep_the_first_and_the_rest_in_notes(admin, tmp_path, phones):
    path = write(tmp_path / "contacts.csv", f'Name,Phone\nAna Souza,"{phones}"\n')
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (1, 0)
    ana = customers(admin)["Ana Souza"]
    assert ana["phone"] == "+447700900123" and "Phone: +442079460321" in ana["notes"]     # E.164, as Phone


def test_a_recipient_list_mixing_a_named_and_a_bare_address_gives_the_field_its_first_address(admin, tmp_path):
    """RFC 5322 lets a list mix `Name <addr>` and a bare address (try24f B16, email.utils):
    the first address is the Email, the other is kept in Notes."""
    path = write(tmp_path / "c.csv", 'Name,Email,Phone\nAna,"Ana Souza <ana@example.com>; bo@example.com",'
                 '"030/901820"\n')
    result = import_file(admin, path, region="DE")
    assert result.created == 1
    ana = customers(admin)["Ana"]
    assert ana["email"] == "ana@example.com" and "bo@example.com" in ana["notes"]
    assert ana["phone"] == "+4930901820"


def test_a_cell_that_is_no_list_of_addresses_is_left_to_the_fields_own_check(admin, tmp_path):
    path = write(tmp_path / "c.csv", 'Name,Email\nAna,"ana at example dot com <no address>"\n')
    result = import_file(admin, path, region="DE")
    assert (result.created, result.warnings) == (1, 1)
    ana = customers(admin)["Ana"]
    assert ana["email"] is None and "ana at example dot com" in ana["notes"]


# ----- 3. thousands and decimal marks ------------------------------------------------------------

def import_amounts(admin, tmp_path, values: list[str], delimiter: str = ",", **options):
    quote = (lambda v: f'"{v}"') if delimiter == "," else (lambda v: v)
    text = delimiter.join(["Order ID", "Order Date", "Customer Name", "Sales"]) + "\n" + "".join(
        delimiter.join([f"A-{i}", "2024-01-05", "Ana Souza", quote(v)]) + "\n" for i, v in enumerate(values))
    result = import_file(admin, write(tmp_path / "orders.csv", text), kind="orders", **options)
    got = orders(admin)
    return result, [got[f"A-{i}"]["amount"] if f"A-{i}" in got else None for i in range(len(values))]


@pytest.mark.parametrize("values, delimiter, stored", [
    (["1,23,456.00", "2,50,000.50", "999.00"], ",", ["123456", "250000.5", "999"]),
    (["1,23,456", "12,34,56,789"], ",", ["123456", "123456789"]),
    (["₹1,00,000", "₹12,500.75"], ",", ["100000", "12500.75"]),
    (["1'234.50", "12'345.00", "99.90"], ",", ["1234.5", "12345", "99.9"]),
    (["1\u202f234,56", "2\u202f500", "12,50"], ";", ["1234.56", "2500", "12.5"]),
    (["1 234,56", "-2 500,00", "12,50"], ";", ["1234.56", "-2500", "12.5"]),
    (["(1.234,00)", "1.234-", "12,50"], ";", ["-1234", "-1234", "12.5"]),
    (["1.234.567", "2.500.000", "300"], ";", ["1234567", "2500000", "300"]),
    (["1’234.50", "12’345", "99.90"], ",", ["1234.5", "12345", "99.9"]),
    (["1.234,-", "12,-", "99,50"], ";", ["1234", "12", "99.5"]),
    (["1.234,– €", "12,50 €"], ";", ["1234", "12.5"]),
    (["CHF 99.-", "CHF 1'234.50"], ",", ["99", "1234.5"]),
    (["1.234,00-", "12,-"], ";", ["-1234", "12"]),
])
def test_amounts_in_other_grouping_conventions_are_read_to_the_right_value(admin, tmp_path, values, delimiter, stored):
    from decimal import Decimal

    result, amounts = import_amounts(admin, tmp_path, values, delimiter)
    # A negative order amount is read to its value, then refused: an order is no credit note.
    negative = [v for v in stored if v.startswith("-")]
    assert (result.created, result.rejected) == (len(values) - len(negative), len(negative))
    assert amounts == [None if v.startswith("-") else Decimal(v) for v in stored]
    reasons = [o.reason for o in result.outcomes if o.action == "rejected"]
    assert sorted(Decimal(r.split("a negative amount (")[1].split(")")[0]) for r in reasons) == sorted(
        Decimal(v) for v in negative)


def test_a_grouping_no_convention_writes_is_rejected_not_read(admin, tmp_path):
    result, amounts = import_amounts(admin, tmp_path, ["1,2,345.00", "12,34,5678.00", "10.00"])
    assert (result.created, result.rejected) == (1, 2) and amounts[:2] == [None, None]
    assert "1,2,345.00" in result.outcomes[0].reason


# ----- 4. dates -------------------------------------------------------------------------------

def import_dates(admin, tmp_path, values: list[str], **options):
    text = "Order ID,Order Date,Customer Name,Sales\n" + "".join(
        f'A-{i},"{v}",Ana Souza,10\n' for i, v in enumerate(values))
    result = import_file(admin, write(tmp_path / "orders.csv", text), kind="orders", **options)
    got = orders(admin)
    return result, [got[f"A-{i}"]["order_date"].isoformat() if f"A-{i}" in got else None
                    for i in range(len(values))]


@pytest.mark.parametrize("values", [
    ["5 mars 2024", "31 décembre 2023", "1er février 2024"],
    ["5. März 2024", "31. Dezember 2023", "1. Februar 2024"],
    ["5 de marzo de 2024", "31 de diciembre de 2023", "1 de febrero de 2024"],
    ["5 de março de 2024", "31 de dezembro de 2023", "1 de fevereiro de 2024"],
    ["5 maart 2024", "31 december 2023", "1 februari 2024"],
    ["5 marca 2024", "31 grudnia 2023", "1 lutego 2024"],
    ["5 janv. 2024".replace("janv.", "mars"), "31 déc. 2023", "1 févr. 2024"],
    ["mardi 5 mars 2024", "dimanche 31 décembre 2023", "jeudi 1 février 2024"],
    ["2024年3月5日", "2023年12月31日", "2024年2月1日"],
    ["2024년 3월 5일", "2023년 12월 31일", "2024년 2월 1일"],
    ["05 03 2024", "31 12 2023", "01 02 2024"],
    ["5. 3. 2024", "31. 12. 2023", "1. 2. 2024"],
    ["2024. 03. 05.", "2023. 12. 31.", "2024. 02. 01."],
    ["Mar 5, 2024", "Dec 31, 2023", "Feb 1, 2024"],
    ["2024/3/5 下午 02:30:00", "2023/12/31 上午 09:00:00", "2024/2/1 下午 11:59:59"],
    ["2024. 3. 5. 오후 3:00", "2023. 12. 31. 오전 9:00", "2024. 2. 1. 오후 11:00"],
])
def test_dates_with_month_names_in_other_languages_or_spaces_are_read_right(admin, tmp_path, values):
    result, dates = import_dates(admin, tmp_path, values)
    assert (result.created, result.rejected) == (3, 0)
    assert dates == ["2024-03-05", "2023-12-31", "2024-02-01"]


@pytest.mark.parametrize("values, option, dates", [
    # every reading a date of the past (a reading that puts a value years ahead is no candidate)
    (["05/03/24", "12/11/23", "15/12/22"], "DMY", ["2024-03-05", "2023-11-12", "2022-12-15"]),
    (["24.03.05", "23.11.12", "22.12.15"], "YMD", ["2024-03-05", "2023-11-12", "2022-12-15"]),
    (["05 03 2024", "01 02 2024", "12 11 2024"], "MDY", ["2024-05-03", "2024-01-02", "2024-12-11"]),
])
def test_a_date_column_that_fits_two_orders_stops_and_the_named_option_reads_it(admin, tmp_path, values, option, dates):
    from cims_xl.importer import AmbiguousDates

    with pytest.raises(AmbiguousDates) as exc:
        import_dates(admin, tmp_path, values)
    assert "'Order Date'" in exc.value.message and f"--date-order {option}" in exc.value.message
    assert values[0] in exc.value.message or values[1] in exc.value.message
    assert records.list_records(admin, "order") == []
    result, got = import_dates(admin, tmp_path, values, date_order=option)
    assert got == dates


def test_a_year_or_a_count_in_a_text_date_column_is_refused_not_stored_as_a_day_of_1900(admin, tmp_path):
    result, dates = import_dates(admin, tmp_path, ["2024", "12", "45356", "45356.5"])
    assert (result.created, result.rejected) == (2, 2)
    assert dates == [None, None, "2024-03-05", "2024-03-05"]
    assert "'2024'" in result.outcomes[0].reason and "year" in result.outcomes[0].reason


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_byte_order_mark_in_chinese_is_read_not_refused_as_binary(admin, tmp_path, encoding):
    rows = [("张伟", "北京华信科技有限公司"), ("李娜", "上海永安贸易有限公司"), ("王芳", "深圳市腾达电子有限公司")]
    path = write(tmp_path / "u16.csv", "客户名称,公司\r\n" + "".join(f"{n},{c}\r\n" for n, c in rows), encoding)
    result = import_file(admin, path)
    assert result.encoding == encoding
    got = customers(admin)
    assert {n: got[n]["company"] for n, _ in rows} == dict(rows)


@pytest.mark.parametrize("header", ["Country Code", "Dial Code", "Phone Country Code", "国际区号"])
def test_a_column_of_calling_codes_gives_its_rows_numbers_their_country(admin, tmp_path, header):
    path = write(tmp_path / "contacts.csv", f"Name,{header},Phone\nAna,+44,020 7946 0958\nBo,44,20 7946 0959\n"
                 "Ce,GB,020 7946 0960\nDe,+1,(415) 555-0132\nEf,,13800138000\n")
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (5, 0)
    got = {n: c["phone"] for n, c in customers(admin).items()}
    assert got == {"Ana": "+442079460958", "Bo": "+442079460959", "Ce": "+442079460960",
                   "De": "+14155550132", "Ef": "+8613800138000"}
    assert f"column '{header}'" in decided(result, "phone region")["evidence"]


def test_a_country_cell_holding_a_calling_code_gives_the_numbers_country(admin, tmp_path):
    path = write(tmp_path / "contacts.csv", "Name,Country,Phone\nAna,+44,020 7946 0958\n")
    import_file(admin, path)
    assert customers(admin)["Ana"]["phone"] == "+442079460958"


@pytest.mark.parametrize("quantities, delimiter", [(["1.000", "2.500"], ";"), (["1,000", "2,500"], ",")])
def test_a_whole_number_column_whose_values_would_be_fractions_as_decimals_groups_thousands(
        admin, tmp_path, quantities, delimiter):
    q = (lambda v: f'"{v}"') if delimiter == "," else (lambda v: v)
    text = delimiter.join(["Order ID", "Order Date", "Customer Name", "Sales", "Quantity"]) + "\n" + "".join(
        delimiter.join([f"A-{i}", "2024-01-05", "Ana", "10", q(v)]) + "\n" for i, v in enumerate(quantities))
    result = import_file(admin, write(tmp_path / "orders.csv", text), kind="orders")
    assert [orders(admin)[f"A-{i}"]["quantity"] for i in range(2)] == [1000, 2500]
    assert "fractions" in decided(result, "decimal mark in 'Quantity'")["evidence"]


def test_a_whole_number_column_of_round_thousands_only_still_stops_and_the_option_settles_it(admin, tmp_path):
    from cims_xl.importer import AmbiguousNumbers

    path = write(tmp_path / "orders.csv", "Order ID;Order Date;Customer Name;Sales;Quantity\n"
                 "A-1;2024-01-05;Ana;10;1.000\nA-2;2024-01-05;Ana;5;3.000\n")
    with pytest.raises(AmbiguousNumbers) as exc:
        import_file(admin, path, kind="orders")
    assert "'Quantity'" in exc.value.message and "'1.000'" in exc.value.message
    assert "--decimal comma" in exc.value.message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", decimal="comma")
    assert [orders(admin)[n]["quantity"] for n in ("A-1", "A-2")] == [1000, 3000]



def test_a_discount_written_as_a_percentage_is_stored_as_the_fraction_the_other_rows_use(admin, tmp_path):
    from decimal import Decimal

    path = write(tmp_path / "orders.csv", "Order ID;Order Date;Customer Name;Sales;Discount\n"
                 "A-1;2024-01-05;Ana;1.234,56;15%\nA-2;2024-01-05;Ana;99,90;12,5 %\nA-3;2024-01-05;Ana;5,00;0,1\n"
                 "A-4;2024-01-05;Ana;5,00;viel%\n")
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.warnings) == (4, 1)
    got = {n: o["discount"] for n, o in orders(admin).items()}
    assert got == {"A-1": Decimal("0.15"), "A-2": Decimal("0.125"), "A-3": Decimal("0.1"), "A-4": None}
    assert "viel%" in orders(admin)["A-4"]["notes"]


# ----- property: other amount and date conventions, right or refused ---------------------------

def _styled_amount(value, style: str) -> str:
    """`value` (a Decimal with two places) written in one more convention."""
    negative, value = value < 0, abs(value)
    whole, frac = f"{value:.2f}".split(".")
    western = f"{int(whole):,}"
    digits = whole
    indian = digits[-3:]
    rest = digits[:-3]
    while rest:
        indian, rest = f"{rest[-2:]},{indian}", rest[:-2]
    text = {"swiss": f"{western.replace(',', '’')}.{frac}", "swiss_ascii": f"{western.replace(',', chr(39))}.{frac}",
            "indian": f"{indian}.{frac}", "nnbsp": f"{western.replace(',', chr(0x202F))},{frac}",
            "dash_cents": f"{western.replace(',', '.')},-"}[style]
    if negative:
        text = f"({text})" if style in ("swiss", "indian") else f"-{text}"
    return text


MARK_OF_STYLE = {"swiss": "point", "swiss_ascii": "point", "indian": "point", "nnbsp": "comma", "dash_cents": "comma"}


@st.composite
def amount_columns(draw):
    style = draw(st.sampled_from(sorted(MARK_OF_STYLE)))
    cents = draw(st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=6))
    if style == "dash_cents":
        cents = [c - c % 100 if c >= 0 else -((-c) - (-c) % 100) for c in cents]
    return style, [Decimal(c) / 100 for c in cents]


@pytest.fixture(scope="module")
def one_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("variants") / "p.cims"
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    yield session
    session.close()


_runs = itertools.count()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(column=amount_columns())
def test_amounts_in_more_conventions_are_read_right_or_refused_never_stored_wrong(one_store, tmp_path_factory, column):
    from cims_xl.importer import AmbiguousNumbers

    style, amounts = column
    run = next(_runs)
    lines = ["Order ID;Order Date;Customer Name;Sales"] + [
        f"V{run}-{i};2024-01-05;Kunde {run};{_styled_amount(a, style)}" for i, a in enumerate(amounts)]
    path = tmp_path_factory.mktemp("v") / "orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options: dict = {}
    try:
        result = import_file(one_store, path, kind="orders")
    except AmbiguousNumbers as exc:
        assert "'Sales'" in exc.message and f"--decimal {MARK_OF_STYLE[style]}" in exc.message
        assert not [o for o in records.list_records(one_store, "order") if o["order_number"].startswith(f"V{run}-")]
        options["decimal"] = MARK_OF_STYLE[style]
        result = import_file(one_store, path, kind="orders", **options)
    # A negative amount is read to its value and refused (an order is no credit note).
    refused = [o.reason for o in result.outcomes if o.problems]
    assert len(refused) == sum(1 for a in amounts if a < 0), refused
    assert all("a negative amount" in r for r in refused), refused
    stored = {o["order_number"]: o["amount"] for o in records.list_records(one_store, "order")
              if o["order_number"].startswith(f"V{run}-")}
    assert stored == {f"V{run}-{i}": a for i, a in enumerate(amounts) if a >= 0}, style


def test_outlooks_home_country_beside_an_empty_business_country_gives_the_numbers_country(admin, tmp_path):
    path = write(tmp_path / "outlook.csv", "First Name,Last Name,Mobile Phone,Business Country/Region,"
                 "Home Country/Region\nAna,Souza,020 7946 0958,,United Kingdom\nBo,Wu,030 901820,Deutschland,\n"
                 "Ce,Li,020 7946 0959,,Untied Kingdom\n")
    result = import_file(admin, path)
    got = customers(admin)
    assert got["Ana Souza"]["mobile"] == "+442079460958" and got["Bo Wu"]["mobile"] == "+4930901820"
    assert got["Ce Li"]["mobile"] is None and "020 7946 0959" in got["Ce Li"]["notes"]
    assert result.warnings == 1
    evidence = decided(result, "phone region")["evidence"]
    assert "Business Country/Region" in evidence and "Home Country/Region" in evidence


@pytest.mark.parametrize("written", ["Ana Souza <ana@example.com>", '"Souza, Ana" <ana@example.com>',
                                     "ana@example.com (work)", "<ana@example.com>"])
def test_an_address_as_mail_programs_write_it_with_a_display_name_is_read(admin, tmp_path, written):
    quoted = written.replace('"', '""')
    path = write(tmp_path / "c.csv", f'Name,Email\nAna Souza,"{quoted}"\n')
    result = import_file(admin, path)
    assert (result.created, result.warnings) == (1, 0)
    assert customers(admin)["Ana Souza"]["email"] == "ana@example.com"
