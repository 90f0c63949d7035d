"""Numbers read on the evidence of the whole file (issue 14): a column whose own values
cannot decide the decimal mark takes the mark the file's other number columns decided;
the --decimal stop shows what each option makes of the column's own values; a float
export's "2134.0" codes and its row-counting index column; a percent sign a number
format writes as text."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cims_xl.services import settings
from cims_xl.importer import AmbiguousNumbers, import_file
from cims_xl.services import records


def orders(admin) -> dict[str, dict]:
    return {o["order_number"]: o for o in records.list_records(admin, "order")}


def customers(admin) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(admin, "customer")}


def decided(result, what: str) -> dict:
    return next(i for i in result.inferences if i["what"] == what)


# ----- 1. a column that cannot decide takes the file's mark ---------------------------------

SAP = ["--map", "Auftraggeber=Customer Name", "Nettowert=Amount", "Auftragsmenge=Quantity",
       "Verkaufsbeleg=Order No."]


def test_sap_quantities_with_three_decimals_beside_decimal_comma_amounts_are_ones_not_thousands(admin, tmp_path):
    path = tmp_path / "sap.csv"
    path.write_text("Verkaufsbeleg;Auftraggeber;Belegdatum;Auftragsmenge;Nettowert;Währung\n"
                    "4500000001;Müller GmbH;15.03.2024;1,000;1.234,50;EUR\n"
                    "4500000002;Schmidt AG;16.03.2024;10,000;12.000,00;EUR\n"
                    "4500000003;Weber KG;17.03.2024;2,000;99,90;EUR\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders", mapping=SAP[1:])
    got = orders(admin)
    assert {k: o["quantity"] for k, o in got.items()} == {"4500000001": 1, "4500000002": 10, "4500000003": 2}
    assert {k: o["amount"] for k, o in got.items()} == {
        "4500000001": Decimal("1234.5"), "4500000002": Decimal("12000"), "4500000003": Decimal("99.9")}
    said = decided(result, "decimal mark in 'Auftragsmenge'")
    assert said["decided"] == "comma"
    assert "other number columns" in said["evidence"] and "'Nettowert'" in said["evidence"]
    assert "'1.234,50'" in said["evidence"]


def test_a_quantity_of_one_and_a_half_in_a_decimal_comma_file_is_not_stored_as_fifteen_hundred(admin, tmp_path):
    path = tmp_path / "sap15.csv"
    path.write_text("Verkaufsbeleg;Auftraggeber;Belegdatum;Auftragsmenge;Nettowert\n"
                    "4500000001;Müller GmbH;15.03.2024;1,000;1.234,50\n"
                    "4500000003;Weber KG;17.03.2024;1,500;99,90\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders", mapping=SAP[1:])
    got = orders(admin)
    assert got["4500000001"]["quantity"] == 1
    # 1.5 items is no whole quantity: left empty with its text kept and a warning, never 1500
    assert got["4500000003"]["quantity"] in (None, 1) and got["4500000003"]["quantity"] != 1500
    assert "Auftragsmenge: 1,500" in (got["4500000003"]["notes"] or "")
    assert result.warnings == 1


def test_a_point_file_reads_its_quantities_with_the_point_its_amounts_show(admin, tmp_path):
    # the mirror image: "2.000" quantities beside "1,234.50" amounts are 2, not 2000
    path = tmp_path / "us.csv"
    path.write_text('Order No,Customer,Order Date,Qty,Amount\n'
                    'U-1,Ann Lee,2024-03-05,2.000,"1,234.50"\nU-2,Bo Chen,2024-03-06,12.000,99.90\n',
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert {k: o["quantity"] for k, o in orders(admin).items()} == {"U-1": 2, "U-2": 12}
    assert decided(result, "decimal mark in 'Qty'")["decided"] == "point"


def test_an_amount_column_of_ambiguous_values_takes_the_mark_a_quantity_column_shows(admin, tmp_path):
    settings.set_store_currency(admin, "EUR")  # fix26m: a German file's bare amounts stop in a CNY store; its store is in EUR
    # any number column is evidence, not only amounts: "1,5" items say comma
    path = tmp_path / "fr.csv"
    path.write_text("N° commande;Client;Date;Quantité;Montant\n"
                    "F-1;Dupont SA;25/03/2024;1,5;1,250\nF-2;Martin SARL;26/03/2024;2;30\n",
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders",
                         mapping=["N° commande=Order No.", "Client=Customer Name", "Montant=Amount",
                                  "Quantité=Quantity"])
    assert orders(admin)["F-1"]["amount"] == Decimal("1.25")
    said = decided(result, "decimal mark in 'Montant'")
    assert said["decided"] == "comma" and "'Quantité': '1,5'" in said["evidence"]


def test_whole_number_quantities_still_decide_alone_when_no_other_column_shows_a_mark(admin, tmp_path):
    path = tmp_path / "qty.csv"
    path.write_text("Order No;Customer;Order Date;Quantity;Amount\n"
                    "Q-1;Ann;2024-03-05;2.500;12\nQ-2;Bo;2024-03-06;1.250;30\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert {k: o["quantity"] for k, o in orders(admin).items()} == {"Q-1": 2500, "Q-2": 1250}
    assert "whole numbers" in decided(result, "decimal mark in 'Quantity'")["evidence"]


def test_when_the_files_columns_decide_differently_an_undecided_column_stops_naming_them(admin, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Order No;Customer;Order Date;Quantity;Amount;Discount\n"
                    "M-1;Ann;2024-03-05;2,000;1.234,50;0.25\nM-2;Bo;2024-03-06;3,000;99,90;0.1\n",
                    encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders", mapping=["Discount=Discount"])
    message = stop.value.message
    assert "column 'Quantity'" in message and "'2,000'" in message
    assert "'Amount'" in message and "'Discount'" in message and "disagree" in message
    assert records.list_records(admin, "order") == [] and records.list_records(admin, "customer") == []


# ----- 2. the stop explains each option with the column's own values -----------------------

def test_the_decimal_stop_says_what_each_option_makes_of_the_columns_own_value(admin, tmp_path):
    path = tmp_path / "us_int.csv"
    path.write_text('Order No,Customer,Order Date,Amount\n1,Cust A,2024-03-01,757\n'
                    '2,Cust B,2024-03-02,"3,945"\n3,Cust C,2024-03-03,"22,136"\n', encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "--decimal point: '3,945' is 3945" in message
    assert "--decimal comma: '3,945' is 3.945" in message
    assert "one thousand" not in message and "1.234" not in message
    assert records.list_records(admin, "order") == []
    import_file(admin, path, kind="orders", decimal="point")
    assert {k: o["amount"] for k, o in orders(admin).items()} == {
        "1": Decimal("757"), "2": Decimal("3945"), "3": Decimal("22136")}


def test_a_point_grouped_column_shows_the_readings_of_its_own_value_and_comma_settles_it(admin, tmp_path):
    settings.set_store_currency(admin, "EUR")  # fix26m: a German file's bare amounts stop in a CNY store; its store is in EUR
    path = tmp_path / "dots.csv"
    path.write_text("Bestellung;Kunde;Datum;Betrag\nB-1;Firma A;2024-03-05;1.500\nB-2;Firma B;2024-03-06;12.750\n",
                    encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders", mapping=["Bestellung=Order No.", "Kunde=Customer Name",
                                                          "Betrag=Amount"])
    message = stop.value.message
    assert "--decimal point: '1.500' is 1.5" in message and "--decimal comma: '1.500' is 1500" in message
    import_file(admin, path, kind="orders", decimal="comma",
                mapping=["Bestellung=Order No.", "Kunde=Customer Name", "Betrag=Amount"])
    assert orders(admin)["B-1"]["amount"] == Decimal("1500")


def test_two_undecided_columns_with_different_separators_show_a_value_of_each(admin, tmp_path):
    path = tmp_path / "two.csv"
    path.write_text('Order No;Customer;Order Date;Amount;Profit\nT-1;Ann;2024-03-05;1.500;"2,250"\n',
                    encoding="utf-8")
    with pytest.raises(AmbiguousNumbers) as stop:
        import_file(admin, path, kind="orders")
    message = stop.value.message
    assert "--decimal point: '1.500' is 1.5, '2,250' is 2250" in message
    assert "--decimal comma: '1.500' is 1500, '2,250' is 2.25" in message


def test_the_cli_stop_shows_the_readings_and_the_import_sheet_names_the_options_cell(run, tmp_path):
    from cims_xl.excel.import_options import with_sheet_hint

    path = tmp_path / "us_int.csv"
    path.write_text('Order No,Customer,Order Date,Amount\n1,Cust A,2024-03-01,"7,616"\n', encoding="utf-8")
    code, out, err = run("import", str(path), "--kind", "orders")
    assert code == 4
    assert "'7,616' is 7616" in out + err and "'7,616' is 7.616" in out + err
    exc = AmbiguousNumbers({}, {"Amount": "'7,616'"}, readings=["7,616"])
    assert "--decimal point" in with_sheet_hint(exc.message)


# ----- 3. a float export's codes and its index column ---------------------------------------

PANDAS = (",Name,Phone,Zip,Country,Customer ID\n"
          "0,Ann Lee,4155550132.0,2134.0,US,1001.0\n"
          "1,Ben Roe,2125550187.0,10001.0,US,1002.0\n"
          "2,Li Wei,13800138000.0,200000.0,CN,1003.0\n")


def test_a_pandas_export_stores_codes_without_dot_zero_and_restores_the_zip_zero(admin, tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text(PANDAS, encoding="utf-8")
    result = import_file(admin, path)
    got = customers(admin)
    assert {n: c["postal_code"] for n, c in got.items()} == {"Ann Lee": "02134", "Ben Roe": "10001",
                                                             "Li Wei": "200000"}
    assert {n: c["tags"] for n, c in got.items()} == {"Ann Lee": "src:1001", "Ben Roe": "src:1002",
                                                      "Li Wei": "src:1003"}
    assert got["Ann Lee"]["phone"] == "+14155550132"
    assert "'2134.0'" in decided(result, "column 'Zip'")["evidence"]
    assert "'1001'" in decided(result, "column 'Customer ID'")["decided"]


def test_the_unnamed_index_column_of_a_pandas_export_is_left_out_as_row_numbers(admin, tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text(PANDAS, encoding="utf-8")
    result = import_file(admin, path)
    assert all(not c["notes"] for c in customers(admin).values())
    said = next(i for i in result.inferences if i["what"].startswith("column 'Column A'"))
    assert said["decided"] == "left out: row numbers"


def test_an_unnamed_first_column_counting_from_one_is_a_row_counter_but_other_values_are_kept(admin, tmp_path):
    counted = tmp_path / "r.csv"
    counted.write_text('"",Name,Email\n"1",Ann,ann@example.com\n"2",Bo,bo@example.com\n', encoding="utf-8")
    import_file(admin, counted)
    assert all(not c["notes"] for c in customers(admin).values())
    kept = tmp_path / "codes.csv"
    kept.write_text(",Name,Email\nK7,Cy,cy@example.com\nK9,Di,di@example.com\n", encoding="utf-8")
    import_file(admin, kept)
    assert customers(admin)["Cy"]["notes"] == "Column A: K7"


def test_an_order_file_writing_the_plain_ids_links_to_the_customers_a_pandas_export_made(admin, tmp_path):
    frame = tmp_path / "frame.csv"
    frame.write_text(PANDAS, encoding="utf-8")
    import_file(admin, frame)
    sold = tmp_path / "orders.csv"
    sold.write_text("Order No,Customer ID,Order Date,Amount\n5001,1001,2024-03-05,10\n5002,1003,2024-03-06,20\n",
                    encoding="utf-8")
    import_file(admin, sold, kind="orders")
    by_id = {c["id"]: c["name"] for c in records.list_records(admin, "customer")}
    assert {k: by_id[o["customer_id"]] for k, o in orders(admin).items()} == {"5001": "Ann Lee", "5002": "Li Wei"}
    assert len(by_id) == 3


def test_an_order_number_column_of_float_wholes_is_read_as_the_numbers(admin, tmp_path):
    path = tmp_path / "ord.csv"
    path.write_text("Order No,Customer,Order Date,Amount\n7001.0,Ann,2024-03-05,10.5\n7002.0,Bo,2024-03-06,2.0\n",
                    encoding="utf-8")
    import_file(admin, path, kind="orders")
    got = orders(admin)
    assert set(got) == {"7001", "7002"}
    # an amount column is numbers: 2.0 is 2, 10.5 stays 10.5
    assert {k: o["amount"] for k, o in got.items()} == {"7001": Decimal("10.5"), "7002": Decimal("2")}


def test_a_code_column_with_one_real_decimal_reads_the_float_codes_and_leaves_the_decimal_unreadable(admin, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Name,Zip,Country\nAnn,2134.0,US\nBo,2.5,US\n", encoding="utf-8")
    result = import_file(admin, path)
    got = customers(admin)
    assert got["Ann"]["postal_code"] == "02134"
    assert got["Bo"].get("postal_code") in (None, "")
    assert any(i["what"] == "column 'Zip'" and "'2.5'" in i["evidence"] for i in result.inferences)


# ----- 4. a percent sign the number format writes as text ---------------------------------

@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("fmt, typed, share", [
    ('0"%"', 15, "0.15"), ('0\\%', 15, "0.15"), ('0" %"', 15, "0.15"), ('"Rabatt "0"%"', 15, "0.15"),
    ('0.0"%"', 12.5, "0.125"), ('0.00\\%', 7.25, "0.0725")])
def test_a_number_shown_with_a_literal_percent_sign_is_the_percentage_excel_shows(
        admin, tmp_path, monkeypatch, fmt, typed, share, stream):
    from cims_xl.importer import readers

    if stream:                  # the reader of big sheets shows numbers the same way
        monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    path = tmp_path / "pct.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order No", "Customer", "Order Date", "Amount", "Discount"])
    for i, (number, value, code) in enumerate([("A1", typed, fmt), ("A2", 10, fmt), ("A3", 0.05, "0%")], start=2):
        ws.append([number, f"Co {i}", "2024-03-05", 100, value])
        ws.cell(row=i, column=5).number_format = code
    wb.save(path)
    result = import_file(admin, path, kind="orders")
    assert result.warnings == 0 and result.rejected == 0
    assert {k: o["discount"] for k, o in orders(admin).items()} == {
        "A1": Decimal(share), "A2": Decimal("0.1"), "A3": Decimal("0.05")}


def test_a_probability_shown_with_a_literal_percent_sign_is_those_points(admin, tmp_path):
    path = tmp_path / "deals.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Opportunity", "Customer", "Amount", "Probability"])
    ws.append(["Big deal", "Ann Lee", 1000, 40])
    ws.append(["Small deal", "Bo Chen", 200, 0.75])
    ws.cell(row=2, column=4).number_format = '0"%"'
    ws.cell(row=3, column=4).number_format = "0%"
    wb.save(path)
    import_file(admin, path, kind="opportunities")
    got = {o["name"]: o["probability"] for o in records.list_records(admin, "opportunity")}
    assert got == {"Big deal": 40, "Small deal": 75}


def test_a_pandas_index_headed_unnamed_or_in_a_workbook_is_left_out_too(admin, tmp_path):
    again = tmp_path / "again.csv"
    again.write_text("Unnamed: 0,Name,Email\n0,Ann,ann@example.com\n1,Bo,bo@example.com\n", encoding="utf-8")
    result = import_file(admin, again)
    assert decided(result, "column 'Unnamed: 0'")["decided"] == "left out: row numbers"
    book = tmp_path / "frame.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, "Name", "Zip", "Country"])
    ws.append([0, "Cy", 2134, "US"])
    ws.append([1, "Di", 10001, "US"])
    wb.save(book)
    import_file(admin, book)
    got = customers(admin)
    assert all(not c["notes"] for c in got.values())
    assert got["Cy"]["postal_code"] == "02134"


def test_an_ods_number_whose_style_writes_a_percent_sign_is_the_percentage_shown(admin, tmp_path):
    from hostile_files import ods

    def text(value: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    def number(value, shown: str, kind: str = "float") -> str:
        return (f'<table:table-cell table:style-name="ce1" office:value-type="{kind}" office:value="{value}">'
                f'<text:p>{shown}</text:p></table:table-cell>')

    def row(*cells: str) -> str:
        return "<table:table-row>" + "".join(cells) + "</table:table-row>"

    path = ods(tmp_path / "pct.ods",
               row(text("Order No"), text("Customer"), text("Order Date"), text("Amount"), text("Discount"))
               + row(text("O1"), text("Co A"), text("2024-03-05"), number(100, "100"), number(12.5, "12,5 %"))
               + row(text("O2"), text("Co B"), text("2024-03-06"), number(100, "100"), number(15, "15%"))
               + row(text("O3"), text("Co C"), text("2024-03-07"), number(100, "100"),
                     number(0.05, "5%", "percentage")))
    result = import_file(admin, path, kind="orders")
    assert result.warnings == 0
    assert {k: o["discount"] for k, o in orders(admin).items()} == {
        "O1": Decimal("0.125"), "O2": Decimal("0.15"), "O3": Decimal("0.05")}


@pytest.mark.parametrize("written", ["2.024030512345679e+17", "2.02403E+17", "1e+16", "9.007199254740993E+15"])
def test_an_order_number_a_float_export_wrote_in_scientific_notation_is_never_stored_as_written(
        admin, tmp_path, written):
    # pandas writes floats of 10**16 and more as "2.024030512345679e+17" (Excel as
    # "2.02403E+17"): the id's last digits are gone, and two orders share the text.
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer Name,Amount\n"
                    f"{written},2024-03-05,Ann Lee,10\n{written},2024-03-06,Bob Ray,20\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    orders = records.list_records(admin, "order")
    assert len(orders) == 2 and all(not o["order_number"] for o in orders)
    assert all(written in (o["notes"] or "") for o in orders)           # kept where it can be seen
    assert result.warnings == 2
    assert all("scientific notation" in " ".join((o.warnings or {}).values()) for o in result.outcomes)


def test_a_customer_id_column_a_float_export_wrote_keeps_its_small_ids_and_refuses_the_big_one(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Customer ID\nAnn Lee,1e+16\nBob Ray,2.0\nCat Poe,4.0\n", encoding="utf-8")
    import_file(admin, path)
    tags = {c["name"]: c["tags"] for c in records.list_records(admin, "customer")}
    assert tags["Bob Ray"] == "src:2" and tags["Cat Poe"] == "src:4"
    assert not (tags["Ann Lee"] or "").startswith("src:")
