"""Every inference the importer makes is decided on evidence from the whole file or
column, shown in the result, or the import stops before writing and names the column,
examples and the option that settles it (issue 14)."""

from __future__ import annotations

import pytest

import datetime as dt
from decimal import Decimal

from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.excel.import_report import error_report
from cims_xl.importer import AmbiguousDates, AmbiguousNumbers, ImportRefused, import_file
from cims_xl.importer.encoding import EncodingUncertain
from cims_xl.services import records


def customers(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


# ----- 1. encoding ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding, rows", [
    ("cp1252", [("Ana Souza", "Fundação Educação Brasil"), ("Bruno Lima", "Construções Silva Ltda"),
                ("Carla Rocha", "Soluções em Comunicação")]),
    ("cp1252", [("José Peña", "Logroño Añejo S.L."), ("Renée Müller", "Straßenbau Köln")]),
    ("cp1251", [("Иван Петров", "Москва Строй"), ("Ольга Смирнова", "Санкт-Петербург Трейд")]),
    ("gb18030", [("张伟", "北京华信科技有限公司"), ("李娜", "上海永安贸易")]),
    ("big5", [("張偉", "臺北華信科技"), ("李娜", "香港永安貿易")]),
    ("cp932", [("山田太郎", "東京商事株式会社"), ("佐藤花子", "大阪物産")]),
])
def test_a_csv_in_a_windows_ansi_encoding_is_read_in_that_encoding_and_says_so(admin, tmp_path, encoding, rows):
    path = tmp_path / "ansi.csv"
    text = "Name,Company,City\r\n" + "".join(f"{n},{c},X\r\n" for n, c in rows)
    path.write_bytes(text.encode(encoding))
    result = import_file(admin, path)
    assert result.encoding == encoding
    assert decided(result, "encoding")["evidence"]
    got = customers(admin)
    assert {n: got[n]["company"] for n, _ in rows} == dict(rows)


def test_bytes_that_two_encodings_read_equally_well_stop_the_import_and_the_option_settles_it(admin, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_bytes("Name,Code\r\nAnna,\xff\r\nBert,\xe9\r\n".encode("cp1252"))
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    message = exc.value.message
    assert "column 'Code'" in message and "--encoding cp1252" in message and "--encoding cp1251" in message
    assert "'ÿ'" in message and "'я'" in message
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, encoding="cp1252", mapping=["Code=Notes"])
    assert customers(admin)["Anna"]["notes"] == "ÿ"
    assert customers(admin)["Bert"]["notes"] == "é"


def test_a_utf8_file_with_one_stray_byte_is_not_read_as_cp1251(admin, tmp_path):
    path = tmp_path / "damaged.csv"
    path.write_bytes("Name,City\r\n张伟,北京\r\nZoë,Zürich\r\n".encode() + b"Caf\xff,Paris\r\n")
    with pytest.raises(EncodingUncertain) as exc:
        import_file(admin, path)
    assert "line 4" in exc.value.message and "--encoding utf-8" in exc.value.message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, encoding="utf-8")
    assert "1 unreadable byte" in decided(result, "encoding")["evidence"]
    got = customers(admin)
    assert got["张伟"]["city"] == "北京" and got["Zoë"]["city"] == "Zürich" and "Caf\ufffd" in got


def test_an_unknown_encoding_name_is_refused_clearly(admin, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Name\nA\n")
    with pytest.raises(ImportRefused, match="not an encoding"):
        import_file(admin, path, encoding="klingon-8")


@pytest.mark.parametrize("encode", [
    lambda t: "\ufeff".encode() + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-le"),
    lambda t: t.encode("utf-8"),
])
def test_a_web_page_saved_as_xls_imports_its_table_whatever_its_encoding(admin, tmp_path, encode):
    page = ("<html><head><meta charset='utf-8'><title>Export</title></head><body>"
            "<table><tr><td>menu</td></tr></table>"
            "<table><tr><th>Name</th><th>Email</th><th>City</th></tr>"
            "<tr><td>张伟</td><td>zw@example.com</td><td>北京</td></tr>"
            "<tr><td>Zoë Martin</td><td>zoe@example.com</td><td>Zürich</td></tr></table></body></html>")
    path = tmp_path / "export.xls"
    path.write_bytes(encode(page))
    result = import_file(admin, path)
    assert (result.rows, result.created) == (2, 2)
    assert decided(result, "kind of file")["decided"].startswith("web page")
    got = customers(admin)
    assert got["张伟"]["email"] == "zw@example.com" and got["Zoë Martin"]["city"] == "Zürich"


# ----- 2. phone country -------------------------------------------------------------------

def test_numbers_without_a_country_code_take_the_rows_country_in_any_language(admin, tmp_path):
    path = tmp_path / "google.csv"
    path.write_text(
        "Name,E-mail 1 - Value,Phone 1 - Value,Address 1 - Country\n"
        "Karl Testmann,karl@example.com,(415) 555-0132,United States\n"
        "Lena Beispiel,lena@example.com,(212) 555-0187,USA\n"
        "Mona Sample,mona@example.co.uk,020 7946 0958,United Kingdom\n"
        "Hans Muster,hans@example.de,030 901820,Deutschland\n"
        "Jean Exemple,jean@example.fr,01 42 68 53 00,FR\n"
        "王小明,wxm@example.cn,138 0013 8000,中国\n"
        "李雷,ll@example.cn,139 0013 9000,\n"
        "Bob Yank,bob@example.com,(646) 555-0199,美国\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (8, 0)
    got = {n: c["phone"] or c["mobile"] for n, c in customers(admin).items()}
    assert got == {"Karl Testmann": "+14155550132", "Lena Beispiel": "+12125550187",
                   "Mona Sample": "+442079460958", "Hans Muster": "+4930901820",
                   "Jean Exemple": "+33142685300", "王小明": "+8613800138000", "李雷": "+8613900139000",
                   "Bob Yank": "+16465550199"}
    assert "Country" in decided(result, "phone region")["evidence"]


def test_a_number_valid_only_under_the_assumed_region_is_flagged_not_stored(admin, tmp_path):
    path = tmp_path / "nocountry.csv"
    path.write_text("Name,Email,Phone\nKarl,karl@example.com,(415) 555-0132\n"
                    "Wang,w@example.cn,13800138000\nLi,li@example.cn,010-6552 9988\n", encoding="utf-8")
    result = import_file(admin, path)
    got = customers(admin)
    assert all(c["phone"] != "+864155550132" for c in got.values())
    karl = next(o for o in result.outcomes if o.row == 2)
    assert any("region" in reason and "(415) 555-0132" in reason for reason in karl.warnings.values())
    assert got["Karl"]["phone"] is None and "(415) 555-0132" in got["Karl"]["notes"]
    assert (got["Wang"]["phone"] or got["Wang"]["mobile"]) == "+8613800138000"
    assert got["Li"]["phone"] == "+861065529988"


def test_the_region_option_settles_numbers_of_a_file_without_a_country_column(admin, tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("Name,Phone\nKarl,(415) 555-0132\nLena,212-555-0187\n", encoding="utf-8")
    result = import_file(admin, path, region="us")
    assert result.created == 2
    assert sorted(c["phone"] for c in customers(admin).values()) == ["+12125550187", "+14155550132"]
    assert decided(result, "phone region")["decided"].startswith("US")


def test_cli_customer_add_with_a_country_stores_that_countrys_number_and_search_finds_it(store_path, admin):
    from click.testing import CliRunner
    from cims_xl.cli import cli
    from conftest import ADMIN_PASSWORD

    env = {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    runner = CliRunner()
    out = runner.invoke(cli, ["--format", "json", "customer", "add", "--name", "Karl Testmann",
                              "--phone", "(415) 555-0134", "--country", "US"], env=env)
    assert out.exit_code == 0, out.output
    (karl,) = [c for c in records.list_records(admin, "customer") if c["name"] == "Karl Testmann"]
    assert karl["phone"] == "+14155550134"
    found = runner.invoke(cli, ["--format", "json", "customer", "search", "555-0134"], env=env)
    assert found.exit_code == 0 and "+14155550134" in found.output


# ----- 3. decimal mark per column -----------------------------------------------------------

def orders(admin) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(admin, "order")}


@pytest.mark.parametrize("encoding, nbsp", [("cp1252", "\u00a0"), ("utf-8", "\u202f"), ("utf-8", " ")])
def test_thousands_beside_decimal_commas_in_one_column_are_thousands(admin, tmp_path, encoding, nbsp):
    path = tmp_path / "eu.csv"
    path.write_bytes((f"Order ID;Order Date;Customer Name;Sales\r\n"
                      f"E-1;2024-03-05;Kunde Test;1.234,56\r\n"
                      f"E-2;2024-03-06;Kunde Test;1{nbsp}234,56\r\n"
                      f"E-3;2024-03-07;Kunde Zwei;1.234\r\n"
                      f"E-4;2024-03-08;Kunde Zwei;2.500\r\n"
                      f"E-5;2024-03-09;Kunde Drei;99,90\r\n").encode(encoding))
    result = import_file(admin, path, kind="orders")
    assert result.created == 5
    got = {k: o["amount"] for k, o in orders(admin).items()}
    assert got == {"E-1": Decimal("1234.56"), "E-2": Decimal("1234.56"), "E-3": Decimal("1234"),
                   "E-4": Decimal("2500"), "E-5": Decimal("99.9")}
    mark = decided(result, "decimal mark in 'Sales'")
    assert mark["decided"] == "comma" and "'1.234,56'" in mark["evidence"]


def test_a_column_of_only_ambiguous_numbers_takes_the_mark_of_the_files_other_number_columns(admin, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Order ID;Order Date;Customer Name;Sales;Discount\n"
                    "A-1;2024-03-05;Ana;1.500;0,25\nA-2;2024-03-06;Ana;2.750;0,1\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders", mapping=["Discount=Discount"])
    assert {k: o["amount"] for k, o in orders(admin).items()} == {"A-1": Decimal("1500"), "A-2": Decimal("2750")}
    assert "other number columns" in decided(result, "decimal mark in 'Sales'")["evidence"]


def test_a_column_that_cannot_be_decided_stops_and_the_decimal_option_settles_it(admin, tmp_path):
    path = tmp_path / "undecided.csv"
    path.write_text("Order ID;Order Date;Customer Name;Sales\n"
                    "A-1;2024-03-05;Ana;1.500\nA-2;2024-03-06;Ana;2.750\nA-3;2024-03-07;Bo;12\n",
                    encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as exc:
        import_file(admin, path, kind="orders")
    assert "column 'Sales'" in exc.value.message and "'1.500'" in exc.value.message
    assert "--decimal comma" in exc.value.message
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []
    import_file(admin, path, kind="orders", decimal="comma")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {
        "A-1": Decimal("1500"), "A-2": Decimal("2750"), "A-3": Decimal("12")}


def test_the_point_option_reads_the_same_undecided_file_as_decimals(admin, tmp_path):
    path = tmp_path / "undecided.csv"
    path.write_text("Order ID;Order Date;Customer Name;Sales\nA-1;2024-03-05;Ana;1.500\n", encoding="utf-8")
    import_file(admin, path, kind="orders", decimal="point")
    assert orders(admin)["A-1"]["amount"] == Decimal("1.5")


def test_a_column_with_both_decimal_marks_reads_each_unambiguous_value_by_its_own(admin, tmp_path):
    path = tmp_path / "both.csv"
    path.write_text('Order ID;Order Date;Customer Name;Sales\nA-1;2024-03-05;Ana;"1.234,50"\n'
                    'A-2;2024-03-06;Ana;"1,234.50"\nA-3;2024-03-07;Ana;"7,5"\n', encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {
        "A-1": Decimal("1234.5"), "A-2": Decimal("1234.5"), "A-3": Decimal("7.5")}
    assert decided(result, "decimal mark in 'Sales'")["decided"] == "per value"


def test_a_column_with_both_marks_and_an_ambiguous_value_stops_with_examples_of_each(admin, tmp_path):
    path = tmp_path / "both.csv"
    path.write_text('Order ID;Order Date;Customer Name;Sales\nA-1;2024-03-05;Ana;"1.234,50"\n'
                    'A-2;2024-03-06;Ana;"1,234.50"\nA-3;2024-03-07;Ana;"2.500"\n', encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as exc:
        import_file(admin, path, kind="orders")
    message = exc.value.message
    assert "'1.234,50'" in message and "'1,234.50'" in message and "'2.500'" in message
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders", decimal="point")
    # --decimal settles '2.500'; '1.234,50' reads one way only and keeps that reading
    assert (result.created, result.rejected) == (3, 0)
    assert {k: o["amount"] for k, o in orders(admin).items()} == {"A-1": Decimal("1234.5"), "A-2": Decimal("1234.5"),
                                                                  "A-3": Decimal("2.5")}


def test_a_comma_separated_file_with_only_lone_comma_groups_stops_and_the_point_option_reads_thousands(
        admin, tmp_path):
    # The delimiter is no evidence: a comma-separated file quotes "1,500" as readily as "1.500".
    path = tmp_path / "us.csv"
    path.write_text('Order ID,Order Date,Customer Name,Sales\nU-1,2024-03-05,Ann,"1,500"\n'
                    'U-2,2024-03-06,Ann,"12,000"\n', encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as exc:
        import_file(admin, path, kind="orders")
    assert "column 'Sales'" in exc.value.message and "'1,500'" in exc.value.message
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []
    result = import_file(admin, path, kind="orders", decimal="point")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {"U-1": Decimal("1500"), "U-2": Decimal("12000")}
    assert decided(result, "decimal mark in 'Sales'")["evidence"] == "--decimal point"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_quoted_point_groups_are_not_decided_by_the_delimiter_and_the_stop_names_column_and_examples(
        admin, tmp_path, delimiter):
    path = tmp_path / "quoted.csv"
    rows = [["Bestellnr", "Order Date", "Customer Name", "Amount"],
            ["Q-1", "2024-03-05", "Firma Eins", '"1.200"'], ["Q-2", "2024-03-06", "Firma Eins", '"2.500"'],
            ["Q-3", "2024-03-07", "Firma Zwei", '"1.050"']]
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as exc:
        import_file(admin, path, kind="orders", mapping=["Bestellnr=Order Number"])
    message = exc.value.message
    assert "column 'Amount'" in message and "'1.200'" in message and "'2.500'" in message
    assert "--decimal comma" in message and "--decimal point" in message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", mapping=["Bestellnr=Order Number"], decimal="comma")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {
        "Q-1": Decimal("1200"), "Q-2": Decimal("2500"), "Q-3": Decimal("1050")}


def test_in_a_comma_separated_file_another_number_column_decides_the_quoted_groups(admin, tmp_path):
    path = tmp_path / "de.csv"
    path.write_text('Order ID,Order Date,Customer Name,Sales,Discount\n'
                    'D-1,2024-03-05,Kunde,"1.200","0,15"\nD-2,2024-03-06,Kunde,"2.500","0,2"\n',
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {"D-1": Decimal("1200"), "D-2": Decimal("2500")}
    assert {k: o["discount"] for k, o in orders(admin).items()} == {"D-1": Decimal("0.15"), "D-2": Decimal("0.2")}
    assert "other number columns" in decided(result, "decimal mark in 'Sales'")["evidence"]


def test_a_separator_after_four_digits_can_only_be_the_decimal_mark(admin, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text('Order ID;Order Date;Customer Name;Sales\nL-1;2024-03-05;Ann;"1.500"\n'
                    'L-2;2024-03-06;Ann;"1250.750"\n', encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {"L-1": Decimal("1.5"),
                                                                 "L-2": Decimal("1250.75")}
    assert decided(result, "decimal mark in 'Sales'")["decided"] == "point"


# ----- 4. date order with two-digit years -----------------------------------------------------

def test_two_digit_year_first_dates_whose_day_first_reading_lies_years_ahead_are_read_year_first(
        admin, tmp_path, monkeypatch):
    from cims_xl.importer import compact_dates

    monkeypatch.setattr(compact_dates, "today", lambda: dt.date(2026, 12, 1))    # what lies ahead depends on it
    path = tmp_path / "jp.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nA-1,24/03/05,Test Kabushiki,1200\n"
                    "A-2,23/11/28,Test Kabushiki,800\nA-3,24/01/15,Sample Shoji,450\n"
                    "A-4,22/12/31,Sample Shoji,99\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    got = {k: o["order_date"] for k, o in orders(admin).items()}
    assert got == {"A-1": dt.date(2024, 3, 5), "A-2": dt.date(2023, 11, 28), "A-3": dt.date(2024, 1, 15),
                   "A-4": dt.date(2022, 12, 31)}
    said = decided(result, "date order in 'Order Date'")
    assert said["decided"] == "YMD" and "'22/12/31' would be 2031-12-22" in said["evidence"]


def test_two_digit_year_first_dates_every_reading_places_in_the_past_stop_and_the_order_option_settles_them(
        admin, tmp_path):
    path = tmp_path / "jp.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nA-1,24/03/05,Test Kabushiki,1200\n"
                    "A-2,23/11/12,Test Kabushiki,800\nA-3,24/01/15,Sample Shoji,450\n"
                    "A-4,22/12/10,Sample Shoji,99\n", encoding="utf-8")
    with pytest.raises(AmbiguousDates) as exc:
        import_file(admin, path, kind="orders")
    message = exc.value.message
    assert "'Order Date'" in message and "'22/12/10'" in message and "--date-order YMD" in message
    assert records.list_records(admin, "order") == []
    result = import_file(admin, path, kind="orders", date_order="YMD")
    got = {k: o["order_date"] for k, o in orders(admin).items()}
    assert got == {"A-1": dt.date(2024, 3, 5), "A-2": dt.date(2023, 11, 12), "A-3": dt.date(2024, 1, 15),
                   "A-4": dt.date(2022, 12, 10)}
    assert decided(result, "date order in 'Order Date'")["evidence"] == "--date-order"


@pytest.mark.parametrize("sep", ["/", ".", "-"])
def test_a_long_day_first_two_digit_year_column_is_decided_by_how_its_parts_vary(admin, tmp_path, sep):
    days = [dt.date(2021, 1, 1) + dt.timedelta(days=11 * i) for i in range(60)]
    path = tmp_path / "eu.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\n" + "".join(
        f"E-{i},{d:%d}{sep}{d:%m}{sep}{d:%y},Kunde,10\n" for i, d in enumerate(days)), encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert result.created == 60
    assert sorted(o["order_date"] for o in orders(admin).values()) == days
    assert "like a day" in decided(result, "date order in 'Order Date'")["evidence"]


def test_a_long_year_first_two_digit_column_is_read_year_first(admin, tmp_path):
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=13 * i) for i in range(60)]
    path = tmp_path / "kr.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\n" + "".join(
        f"K-{i},{d:%y/%m/%d},손님,10\n" for i, d in enumerate(days)), encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert result.created == 60
    assert sorted(o["order_date"] for o in orders(admin).values()) == days
    assert decided(result, "date order in 'Order Date'")["decided"] == "YMD"


# ----- 11. footer rows -----------------------------------------------------------------------

@pytest.mark.parametrize("footer", [["Total: 2 customers"], ["合计：2 位客户"], ["Summe", "", "", "2"],
                                    ["Generated 2024-05-01 by ReportServer"]])
def test_a_footer_after_the_data_is_counted_as_skipped_not_stored(admin, tmp_path, footer):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Email", "City", "Orders"])
    ws.append(["Ana Souza", "ana@example.com", "Curitiba", 3])
    ws.append(["Bo Wu", "bo@example.com", "Hangzhou", 5])
    ws.append([])
    ws.append(footer)
    path = tmp_path / "report.xlsx"
    wb.save(path)
    result = import_file(admin, path, mapping=["Orders=Notes"])
    assert (result.rows, result.created, result.footer_rows) == (2, 2, 1)
    assert sorted(customers(admin)) == ["Ana Souza", "Bo Wu"]
    assert decided(result, "footer")["decided"].startswith("row(s) 5")


def test_a_last_customer_whose_name_starts_with_a_total_word_is_still_a_customer(admin, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Name,Email,City\nAna,ana@example.com,Curitiba\n\n"
                    "Total Wine Shop,shop@example.com,Austin\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.footer_rows) == (2, 0)


# ----- 6. hidden sheets ------------------------------------------------------------------------

def test_a_hidden_first_sheet_is_not_imported_and_the_summary_names_the_sheet_used(admin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Archiv 2019"
    old.append(["Name", "Email"])
    old.append(["Alte Kundin", "alt@example.com"])
    old.sheet_state = "hidden"
    ws = wb.create_sheet("Kunden")
    ws.append(["Name", "Email"])
    for i in range(3):
        ws.append([f"Kunde {i}", f"k{i}@example.com"])
    wb.active = 1
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert (result.sheet, result.created) == ("Kunden", 3)
    assert "Alte Kundin" not in customers(admin)
    sheet = decided(result, "sheet")
    assert sheet["decided"] == "Kunden" and "'Archiv 2019 (hidden)'" in sheet["evidence"]
    import_file(admin, path, sheet="Archiv 2019")
    assert "Alte Kundin" in customers(admin)


def test_a_workbook_whose_only_data_is_hidden_stops_and_names_the_hidden_sheet(admin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Start"
    hidden = wb.create_sheet("数据")
    hidden.append(["姓名", "邮箱"])
    hidden.append(["张伟", "zw@example.com"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "only_hidden.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused, match="'数据'.*--sheet"):
        import_file(admin, path)
    assert records.list_records(admin, "customer") == []
    assert import_file(admin, path, sheet="数据").created == 1


# ----- 7. numbers shown with a format; 5. formulas with no saved result ---------------------

@pytest.mark.parametrize("code, values, shown", [
    ("00000", [2134, 7102, 78701], ["02134", "07102", "78701"]),
    ("000000", [10020, 200001], ["010020", "200001"]),
])
def test_postal_codes_formatted_with_leading_zeros_keep_them(admin, tmp_path, code, values, shown):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "City", "Postal Code"])
    for i, v in enumerate(values):
        ws.append([f"Person {i}", "Boston", v])
        ws.cell(row=i + 2, column=3).number_format = code
    path = tmp_path / "zips.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    got = customers(admin)
    assert [got[f"Person {i}"]["postal_code"] for i in range(len(values))] == shown
    assert decided(result, "number formats")["decided"].startswith(f"{len(values)} number")


def test_formulas_without_saved_results_stop_the_import_and_leaving_the_column_out_settles_it(admin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["First", "Last", "Email", "City"])
    for i, (first, last) in enumerate([("Ana", "Souza"), ("Bo", "Wu"), ("Cai", "Lin")], start=2):
        ws.append([first, last, f'=LOWER(A{i})&"."&LOWER(B{i})&"@example.com"', "X"])
    path = tmp_path / "generated.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused) as exc:
        import_file(admin, path)
    message = exc.value.message
    assert "column 'Email'" in message and "3 cell(s)" in message and "LOWER(A2)" in message
    assert '--map "Email=-"' in message
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, mapping=["Email=-"])
    assert result.created == 3
    assert all(c["email"] is None for c in customers(admin).values())


# ----- 12. which kind of records ---------------------------------------------------------------

def test_an_orders_file_imported_as_customers_says_it_looks_like_orders_and_how(admin, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer Name,Product Name,Sales,Quantity,City\n"
                    "US-1,2024-01-05,Claire Gute,Bookcase,261.96,2,Henderson\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as stop:       # clearly orders: it stops before writing
        import_file(admin, path, dry_run=True)
    assert "look like orders" in stop.value.message and "--kind orders" in stop.value.message
    assert "'Order Date'" in stop.value.message
    hint = decided(import_file(admin, path, kind="customers", dry_run=True), "kind of records")
    assert "as asked" in hint["decided"] and "--kind orders" in hint["evidence"]
    result = import_file(admin, path, kind="orders", dry_run=True)
    assert not [i for i in result.inferences if i["what"] == "kind of records"]


def test_a_plain_customer_list_gets_no_kind_hint(admin, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("姓名,手机,邮箱,城市,公司\n张伟,13800138000,zw@example.com,北京,华信\n", encoding="utf-8")
    assert not [i for i in import_file(admin, path, dry_run=True).inferences if i["what"] == "kind of records"]


# ----- 13. smaller ---------------------------------------------------------------------------------

def test_the_batch_list_counts_the_customers_an_orders_import_created(admin, tmp_path):
    from cims_xl.services import batches

    path = tmp_path / "o.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nA-1,2024-01-05,Ann,10\n"
                    "A-2,2024-01-06,Bo,20\nA-3,2024-01-07,Ann,30\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    (batch,) = [b for b in batches.list_batches(admin) if b["id"] == result.batch] or [
        b for b in batches.list_batches(admin) if result.batch in str(b)]
    assert "'customers_created': 2" in str(batch) or '"customers_created": 2' in str(batch)


def test_google_organization_name_is_the_company_and_two_columns_mapped_to_notes_both_stay(admin, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("Name,Organization 1 - Name,Nickname,Birthday\nAna Souza,Fundação Brasil,Aninha,05-03\n",
                    encoding="utf-8")
    import_file(admin, path, mapping=["Nickname=Notes", "Birthday=Notes"])
    ana = customers(admin)["Ana Souza"]
    assert ana["company"] == "Fundação Brasil"
    assert "Aninha" in ana["notes"] and "05-03" in ana["notes"]


def test_cli_customer_add_refuses_a_second_customer_with_the_same_email_or_phone(store_path, admin):
    from click.testing import CliRunner
    from cims_xl.cli import cli
    from conftest import ADMIN_PASSWORD

    env = {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    runner = CliRunner()
    first = runner.invoke(cli, ["customer", "add", "--name", "Ana", "--email", "ana@example.com",
                                "--phone", "+44 20 7946 0111"], env=env)
    assert first.exit_code == 0, first.output
    for extra in (["--email", "ANA@example.com"], ["--phone", "020 7946 0111", "--country", "UK"]):
        again = runner.invoke(cli, ["customer", "add", "--name", "Ana B"] + extra, env=env)
        assert again.exit_code != 0 and "already has this" in again.output + str(again.exception), extra
    assert len(records.list_records(admin, "customer")) == 1
    forced = runner.invoke(cli, ["customer", "add", "--name", "Ana B", "--email", "ana@example.com",
                                 "--allow-duplicate"], env=env)
    assert forced.exit_code == 0 and len(records.list_records(admin, "customer")) == 2


# ----- 9. several values in one cell -----------------------------------------------------------

def test_google_contacts_cells_with_several_values_keep_the_first_in_the_field_and_the_rest_in_notes(admin, tmp_path):
    path = tmp_path / "google.csv"
    path.write_text(
        "Name,E-mail 1 - Value,Phone 1 - Value,Address 1 - Country\n"
        "Mona Sample,mona@example.co.uk ::: mona.s@example.com,+44 7700 900123 ::: +44 20 7946 0321,UK\n"
        "王小明,wxm@example.cn,138 0013 8000 ::: 010-6552 9988,中国\n", encoding="utf-8")
    result = import_file(admin, path)
    assert (result.created, result.rejected) == (2, 0)
    got = customers(admin)
    mona, wang = got["Mona Sample"], got["王小明"]
    assert mona["email"] == "mona@example.co.uk" and "mona.s@example.com" in mona["notes"]
    assert (mona["phone"] or mona["mobile"]) == "+447700900123" and "+442079460321" in mona["notes"]
    assert (wang["phone"] or wang["mobile"]) == "+8613800138000" and "+861065529988" in wang["notes"]
    several = decided(result, "several values in one cell")
    assert "'Phone 1 - Value': 2 cell(s)" in several["evidence"]


# ----- 10. one unreadable optional field ----------------------------------------------------------

def test_an_unreadable_optional_field_leaves_it_empty_keeps_its_text_in_notes_and_warns(admin, tmp_path):
    path = tmp_path / "pager.csv"
    path.write_text("Name,Email,Pager,Consent Date\nAna Souza,ana@example.com,beep-me-maybe,2024-02-30\n"
                    ",nobody@example.com,,\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    result = import_file(admin, path, mapping=["Pager=Mobile"], error_report=error_report(report))
    assert (result.created, result.rejected, result.warnings) == (1, 1, 1)
    ana = customers(admin)["Ana Souza"]
    assert ana["email"] == "ana@example.com" and ana["mobile"] is None and ana["marketing_consent_at"] is None
    assert "Pager: beep-me-maybe" in ana["notes"] and "Consent Date: 2024-02-30" in ana["notes"]
    warned = next(o for o in result.outcomes if o.row == 2)
    assert warned.action == "created" and set(warned.warnings) == {"Pager (Mobile)", "Consent Date"}
    rejected = next(o for o in result.outcomes if o.row == 3)
    assert rejected.action == "rejected" and "required" in rejected.reason
    import openpyxl
    sheet = openpyxl.load_workbook(report)["Imported With Warnings"]
    assert [c.value for c in sheet[2]][0] == 2 and "Pager" in sheet["B2"].value


# ----- 8. our own exports come back as they went out ---------------------------------------------

TRICKY = [{"name": "Quinn Roundtrip", "company": "-Minus Studio", "email": "q@example.com",
           "phone": "+442079460111", "mobile": "+8613912345678", "city": "=London"},
          {"name": "@handle Person", "email": "h@example.com", "phone": "+14155550100", "city": "上海"},
          {"name": "王小明", "company": "+Plus 公司", "email": "wxm@example.cn", "mobile": "+8613800138000"}]
COMPARED = ("name", "company", "email", "phone", "mobile", "city")


def _fresh(tmp_path, name):
    from cims_xl.services import auth
    from conftest import ADMIN_PASSWORD, FAST_KDF

    path = tmp_path / name / "s.cims"
    path.parent.mkdir()
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    return path, auth.sign_in(path, "admin", ADMIN_PASSWORD)


def _business(session) -> list[tuple]:
    return sorted(tuple(c.get(k) for k in COMPARED) for c in records.list_records(session, "customer"))


def test_our_csv_export_imports_into_a_fresh_store_as_the_same_records(store_path, admin, tmp_path):
    from click.testing import CliRunner
    from cims_xl.cli import cli
    from conftest import ADMIN_PASSWORD

    for t in TRICKY:
        records.create(admin, "customer", t)
    env = {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    out = CliRunner().invoke(cli, ["--format", "csv", "customer", "list"], env=env)
    assert out.exit_code == 0 and "'+442079460111" in out.output      # the guard is there
    exported = tmp_path / "export.csv"
    exported.write_text(out.output, encoding="utf-8")
    _path, fresh = _fresh(tmp_path, "fresh")
    result = import_file(fresh, exported)
    assert (result.created, result.rejected) == (3, 0)
    assert _business(fresh) == _business(admin)


def test_the_gdpr_export_xlsx_imports_into_a_fresh_store_as_the_same_customer(admin, tmp_path):
    from cims_xl.services import gdpr

    rec = records.create(admin, "customer", {**TRICKY[0], "address": "1 =Main St", "postal_code": "02134",
                                              "country": "United Kingdom", "notes": "+VIP"})
    out = tmp_path / "export.xlsx"
    gdpr.export_customer(admin, rec["id"], out, write_xlsx=write_rows_xlsx)
    _path, fresh = _fresh(tmp_path, "fresh")
    result = import_file(fresh, out, sheet="Customer")
    assert (result.created, result.rejected) == (1, 0)
    (back,) = records.list_records(fresh, "customer")
    for k in COMPARED + ("address", "postal_code", "country", "notes"):
        assert back[k] == rec[k], k


def test_the_error_report_and_the_workbook_sheet_import_back_as_the_same_values(admin, tmp_path):
    import openpyxl

    path = tmp_path / "in.csv"
    path.write_text("Name,Email,Phone,City\n,nobody@example.com,'+442079460111,=London\n", encoding="utf-8")
    report = tmp_path / "errors.xlsx"
    assert import_file(admin, path, error_report=error_report(report)).rejected == 1
    wb = openpyxl.load_workbook(report)
    wb["Import Errors"]["C2"] = "Fixed Name"
    wb.save(report)
    result = import_file(admin, report)
    assert (result.created, result.rejected) == (1, 0)
    got = customers(admin)["Fixed Name"]
    assert (got["email"], got["phone"], got["city"]) == ("nobody@example.com", "+442079460111", "=London")


def test_the_workbooks_customers_sheet_imports_into_a_fresh_store_as_the_same_records(admin, tmp_path):
    from cims_xl.excel.build import build_sheets
    from cims_xl.excel.sync import sync_file

    for t in TRICKY:
        records.create(admin, "customer", t)
    book = tmp_path / "cims.xlsx"
    build_sheets().save(book)
    sync_file(admin, book, "refresh")
    _path, fresh = _fresh(tmp_path, "fresh")
    result = import_file(fresh, book, sheet="Customers")
    assert (result.created, result.rejected) == (3, 0)
    assert _business(fresh) == _business(admin)


def test_a_sheet_row_saved_from_excel_reads_its_phone_in_the_rows_country(admin, tmp_path):
    from cims_xl.excel import sync
    from test_sync_support import Editor, new_workbook

    book = new_workbook(tmp_path / "cims.xlsx")
    with Editor(book) as ed:
        ed.add_row({"Name": "Karl Testmann", "Phone": "(415) 555-0134", "Country": "United States"})
        ed.add_row({"Name": "Mona Sample", "Phone": "020 7946 0958", "Country": "英国"})
        ed.add_row({"Name": "王小明", "Mobile": "138 0013 8000"})
    assert sync.sync_file(admin, book, "save", sheets=["Customers"])["sheets"]["Customers"]["created"] == 3
    got = customers(admin)
    assert (got["Karl Testmann"]["phone"], got["Mona Sample"]["phone"], got["王小明"]["mobile"]) == (
        "+14155550134", "+442079460958", "+8613800138000")


@pytest.mark.parametrize("written, stored", [
    ("001-808-617-6467x12895", "+18086176467"),
    ("+1 415 555 0132 ext. 12", "+14155550132"),
    ("010-6512 3456转123", "+861065123456"),
    ("+44 20 7946 0958 #22", "+442079460958"),
    # the extension words of other languages (a Japanese 内線 cost the whole number)
    ("03-1234-5678 内線123", "+81312345678"),
    ("02-123-4567 내선 12", "+8221234567"),
    ("01 23 45 67 89 poste 12", "+33123456789"),
    ("(11) 3456-7890 ramal 23", "+551134567890"),
    ("+7 495 123-45-67 доб. 123", "+74951234567"),
    ("030 1234567 Durchwahl 89", "+49301234567"),
    ("+48 22 123 45 67 wew. 12", "+48221234567"),
    ("+90 212 123 45 67 dahili 12", "+902121234567"),
    ("02 123 4567 ต่อ 12", "+6621234567"),
    ("+420 212 345 678 linka 12", "+420212345678"),
    ("+36 1 234 5678 mellék 12", "+3612345678"),
    ("028-3812 3456 máy lẻ 12", "+842838123456"),
    ("+30 21 0123 4567 εσωτ. 12", "+302101234567"),
    ("+380 44 123 4567 дод. 12", "+380441234567"),
    ("08-123 456 78 anknytning 12", "+46812345678"),
])
def test_a_phone_extension_is_kept_in_notes_and_named_in_the_summary(admin, tmp_path, written, stored):
    import phonenumbers

    country = phonenumbers.region_code_for_number(phonenumbers.parse(stored)) if not stored.startswith("+86") else ""
    f = tmp_path / "people.csv"
    f.write_text(f"Name,Phone,Country\nRay Sun,{written},{country}\n", encoding="utf-8")
    result = import_file(admin, f)
    assert result.created == 1
    rec = records.list_records(admin, "customer")[0]
    assert rec["phone"] == stored
    assert written in rec["notes"]
    assert any(i["what"] == "phone extensions" for i in result.inferences)


def _xf(fmt_index: int) -> bytes:
    """A cell XF record (BIFF8, 20 bytes) using number format `fmt_index`."""
    import struct

    from hostile_files import biff
    return biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt_index, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def _rk_int(value: int) -> int:
    return (value << 2) | 0x02


@pytest.mark.parametrize("code, values, shown", [
    ("00000", [2134, 7102, 78701], ["02134", "07102", "78701"]),
    ("000000", [10020, 200001, 3005], ["010020", "200001", "003005"]),
])
def test_postal_codes_formatted_with_leading_zeros_keep_them_in_an_xls_too(admin, tmp_path, code, values, shown):
    import struct

    from hostile_files import _xl_string, biff, label, xls

    # FORMAT 164 = the zeros; XF 0 general, XF 1 with format 164. The three values come as
    # NUMBER, RK and MULRK records, the three ways Excel writes a number.
    fmt = biff(0x041E, struct.pack("<H", 164) + _xl_string(code, 2))
    cells = b"".join(label(0, c, h) for c, h in enumerate(["Name", "City", "Postal Code"]))
    cells += label(1, 0, "Person 0") + label(1, 1, "Boston") + \
        biff(0x0203, struct.pack("<HHHd", 1, 2, 1, float(values[0])))
    cells += label(2, 0, "Person 1") + label(2, 1, "Boston") + \
        biff(0x027E, struct.pack("<HHHI", 2, 2, 1, _rk_int(values[1])))
    cells += label(3, 0, "Person 2") + biff(0x00BD, struct.pack("<HHHIHIH", 3, 1, 0, _rk_int(7),
                                                                        1, _rk_int(values[2]), 2))
    path = xls(tmp_path / "zips.xls", [("Kunden", cells)], globals_extra=fmt + _xf(0) + _xf(164))
    result = import_file(admin, path)
    got = customers(admin)
    assert [got[f"Person {i}"]["postal_code"] for i in range(3)] == shown
    assert got["Person 2"]["city"] == "7"                  # the MULRK's other cell: General, as is
    assert decided(result, "number formats")["decided"].startswith("3 number")


def test_an_xls_saved_by_libreoffice_keeps_the_zeros_its_format_shows(admin, tmp_path):
    import shutil
    import subprocess

    import openpyxl

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kunden"
    ws.append(["Name", "Stadt", "PLZ"])
    for i, (city, zip_code) in enumerate([("Dresden", 1067), ("Leipzig", 4109), ("Berlin", 10115)]):
        ws.append([f"Kunde {i}", city, zip_code])
        ws.cell(row=i + 2, column=3).number_format = "00000"
    src = tmp_path / "plz.xlsx"
    wb.save(src)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xls",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    result = import_file(admin, tmp_path / "plz.xls", mapping=["PLZ=Postal Code", "Stadt=City"])
    got = customers(admin)
    assert [got[f"Kunde {i}"]["postal_code"] for i in range(3)] == ["01067", "04109", "10115"]
    assert result.created == 3


@pytest.mark.parametrize("cells, amounts, currency, mark", [
    (("₩5,000", "₩120,000"), ("5000", "120000"), "KRW", "point"),
    (("12.000円", "3.500円"), ("12000", "3500"), "JPY", "comma"),
    (("ISK 1.500", "ISK 22.000"), ("1500", "22000"), "ISK", "comma"),
])
def test_an_amount_in_a_currency_without_minor_units_has_its_separator_read_as_grouping(
        admin, tmp_path, cells, amounts, currency, mark):
    path = tmp_path / "nominor.csv"
    path.write_text("Order ID;Order Date;Customer Name;Sales\n"
                    + "".join(f'N-{i};2024-03-0{i + 1};Kim;"{c}"\n' for i, c in enumerate(cells)),
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert {k: (o["amount"], o["currency"]) for k, o in orders(admin).items()} == {
        f"N-{i}": (Decimal(a), currency) for i, a in enumerate(amounts)}
    assert decided(result, "decimal mark in 'Sales'")["decided"] == mark


def test_euro_amounts_with_a_lone_group_still_stop_because_euros_have_cents(admin, tmp_path):
    path = tmp_path / "eur.csv"
    path.write_text('Order ID,Order Date,Customer Name,Sales\nE-1,2024-03-05,Anne,"€1.200"\n'
                    'E-2,2024-03-06,Anne,"€2.500"\n', encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as exc:
        import_file(admin, path, kind="orders")
    assert "'€1.200'" in exc.value.message and records.list_records(admin, "order") == []
