"""An amount's scale or currency stated outside its cell (a heading "金额(万元)", a line
above the header "单位：万元" / "(USD in thousands)" / "Account currency: EUR", a number
format 0.0"万元") is applied to the stored amounts, exactly, and said in the summary;
where the file states two scales, or a scale that may be about its quantities, the import
stops before writing and names --amount-scale, which then imports the file right."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

import pytest

from cims_xl.importer.amount_units import header_unit, preamble_unit
from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _said(result, start: str) -> list[dict]:
    return [i for i in result.inferences if i["what"].startswith(start)]


def _file(writer, tmp_path: Path, rows: list[list]) -> Path:
    return writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), rows)


# ----- a scale (and currency) in the amount's heading ------------------------------------------

@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("heading, written, amount, code", [
    ("金额(万元)", "1.2", "12000", "CNY"),
    ("订单金额(分)", "12050", "120.50", "CNY"),
    ("Amount (cents)", "999", "9.99", "CNY"),
    ("Amount ($000)", "12.5", "12500", "USD"),
    ("Sales (千円)", "1.2", "1200", "JPY"),
    ("Umsatz (T€)", "12.5", "12500", "EUR"),
    ("Revenue (in millions)", "1.5", "1500000", "CNY"),
    ("売上（百万円）", "3", "3000000", "JPY"),
    ("금액(억원)", "2", "200000000", "KRW"),
    ("Umsatz (Mio. €)", "1.25", "1250000", "EUR"),
    ("Montant (en milliers d'euros)", "4.5", "4500", "EUR"),
    ("Amount (USD thousands)", "0.75", "750", "USD"),
])
def test_a_scale_in_the_amount_heading_multiplies_the_stored_amounts(admin, tmp_path, writer, heading, written,
                                                                     amount, code):
    f = _file(writer, tmp_path, [["Order No", "Order Date", "Customer", heading],
                                 ["A1", "2024-03-05", "Ann", written]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}
    said = _said(result, "amount scale of")
    assert said and said[0]["decided"].startswith(("×", "÷")) and "heading" in said[0]["evidence"]


@pytest.mark.parametrize("heading, written, amount, code", [
    ("金额(万元)", "1.2", "12000", "CNY"), ("订单金额(分)", "12050", "120.50", "CNY"),
    ("Amount (cents)", "12050", "120.50", "CNY"), ("Amount ($000)", "12.5", "12500", "USD"),
])
def test_the_map_a_refusal_suggests_keeps_the_headings_scale(admin, tmp_path, heading, written, amount, code):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", heading],
                                       ["A1", "2024-03-05", "Ann", written]])
    import_file(admin, f, kind="orders", mapping=[f"{heading}=Amount"])
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


def test_cents_beside_a_currency_column_are_hundredths_of_that_currency(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount (cents)", "Currency"],
                                       ["A1", "2024-03-05", "Ann", "12050", "USD"],
                                       ["A2", "2024-03-06", "Bob", "999", "EUR"]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("120.50"), "USD"), "A2": (Decimal("9.99"), "EUR")}


# ----- a units or currency line above the header ---------------------------------------------

@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("above, written, amount, code", [
    (["2024年3月销售明细", "单位：万元"], "1.2", "12000", "CNY"),
    (["Sales by customer, March 2024", "(USD in thousands)"], "12.5", "12500", "USD"),
    (["売上明細 2024年3月", "（単位：千円）"], "350", "350000", "JPY"),
    (["Kontoauszug / Sales export", "Account currency: EUR"], "120.50", "120.50", "EUR"),
    (["销售明细", "币种：美元"], "45.00", "45.00", "USD"),
    (["Umsatzliste März", "Beträge in T€"], "2.5", "2500", "EUR"),
    (["3월 매출", "단위: 억원"], "1.5", "150000000", "KRW"),
    (["Ventes", "(en milliers d'euros)"], "7", "7000", "EUR"),
])
def test_a_units_line_above_the_header_is_applied_to_the_amounts(admin, tmp_path, writer, above, written, amount,
                                                                 code):
    f = _file(writer, tmp_path, [[line] for line in above] + [
        ["Order No", "Order Date", "Customer", "Amount"], ["A1", "2024-03-05", "Ann", written]])
    result = import_file(admin, f, kind="orders", dry_run=True)
    assert _orders(admin) == {}
    shown = " ".join(f"{i['what']} {i['decided']} {i['evidence']}" for i in result.inferences)
    assert above[1] in shown                       # the dry run names the line it read
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


@pytest.mark.parametrize("title", ["2024年3月销售明细", "Sales in 2024", "Q1 report (final)", "Top 10 customers",
                                   "Umsatz März 2024", "顧客一覧（2024年）", "In 2024 we sold more"])
def test_a_title_above_the_header_is_no_unit_beside_a_currency_line_that_is(admin, tmp_path, title):
    f = write_csv(tmp_path / "o.csv", [[title], ["Account currency: EUR"],
                                       ["Order No", "Order Date", "Customer", "Amount"],
                                       ["A1", "2024-03-05", "Ann", "12.5"]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("12.5"), "EUR")}      # not scaled by the title's words
    assert not _said(result, "amount scale") and title not in str(_said(result, "currency of the amounts"))
    assert preamble_unit(title) is None


@pytest.mark.parametrize("heading", ["Amount", "Amount (net)", "Weight (kg)", "Total (2024)", "Price (incl. VAT)",
                                     "Amount (EUR)", "金额（元）", "Paid in full"])
def test_a_heading_stating_no_scale_has_none(heading):
    assert header_unit(heading) is None


# ----- where the file cannot tell: stop, name the option, and the option imports it right -----

def test_two_scales_for_one_column_stop_and_amount_scale_settles_them(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["单位：万元"], ["订单号", "下单日期", "客户名称", "金额(千元)"],
                                       ["1001", "2024-03-05", "张伟", "1.2"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert "金额(千元)" in message and "单位：万元" in message and "--amount-scale" in message
    assert _orders(admin) == {}
    import_file(admin, f, kind="orders", amount_scale="1000")
    assert _orders(admin) == {"1001": (Decimal("1200"), "CNY")}


def test_a_scale_line_without_a_currency_beside_quantities_stops_naming_the_option(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["(in thousands)"], ["Order No", "Order Date", "Customer", "Quantity", "Amount"],
                                       ["A1", "2024-03-05", "Ann", "3", "2.5"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "(in thousands)" in stop.value.message and "--amount-scale 1000" in stop.value.message
    assert _orders(admin) == {}
    import_file(admin, f, kind="orders", amount_scale="1000")
    assert _orders(admin) == {"A1": (Decimal("2500"), "CNY")}


def test_two_currencies_stated_above_the_header_stop_naming_currency(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Currency: EUR"], ["币种：美元"], ["Order No", "Order Date", "Customer", "Amount"],
                                       ["A1", "2024-03-05", "Ann", "10"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "--currency" in stop.value.message and _orders(admin) == {}
    import_file(admin, f, kind="orders", currency="USD")
    assert _orders(admin) == {"A1": (Decimal("10"), "USD")}


def test_amount_scale_one_keeps_the_amounts_as_written(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "金额(万元)"],
                                       ["1", "2024-03-05", "张伟", "12000"]])
    import_file(admin, f, kind="orders", amount_scale="1")
    assert _orders(admin) == {"1": (Decimal("12000"), "CNY")}


# ----- a unit shown by the cells' number format -----------------------------------------------

def _formatted(path: Path, heading: str, numbers: list, fmt: str) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Order No", "Order Date", "Customer", heading])
    for i, n in enumerate(numbers, start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", n])
        sheet.cell(row=i + 1, column=4).number_format = fmt
    book.save(path)
    return path


@pytest.mark.parametrize("fmt, numbers, amounts, code", [
    ('0.0"万元"', [1.2, 35], ["12000", "350000"], "CNY"),
    ('#,##0"千円"', [1200, 350], ["1200000", "350000"], "JPY"),
    ('#,##0"억원"', [2], ["200000000"], "KRW"),
    ('#,##0.0" T€"', [12.5], ["12500"], "EUR"),
    # India's lakh and crore, and the cent sign, alone in a format (the final tester, round 20)
    ('0.00" Lakh"', [12.5, 3.3], ["1250000", "330000"], "CNY"),
    ('0.00" crore"', [1.25], ["12500000"], "CNY"),
    ('0" ¢"', [1250, 330], ["12.5", "3.3"], "CNY"),
])
def test_a_number_format_showing_a_unit_multiplies_the_amount(admin, tmp_path, fmt, numbers, amounts, code):
    result = import_file(admin, _formatted(tmp_path / "o.xlsx", "Amount", numbers, fmt), kind="orders")
    assert _orders(admin) == {f"A{i}": (Decimal(a), code) for i, a in enumerate(amounts, start=1)}
    assert _said(result, "amount scale of 'Amount' (number format)")


def test_a_format_that_divides_for_display_is_the_amount_itself(admin, tmp_path):
    # '#,##0,"K€"' shows 1200000 as 1,200K€: the cell holds the amount
    import_file(admin, _formatted(tmp_path / "o.xlsx", "Amount", [1200000], '#,##0,"K€"'), kind="orders")
    assert _orders(admin) == {"A1": (Decimal("1200000"), "EUR")}


def test_a_format_and_a_heading_stating_the_same_unit_multiply_once(admin, tmp_path):
    import_file(admin, _formatted(tmp_path / "o.xlsx", "金额(万元)", [1.2], '0.0"万元"'), kind="orders")
    assert _orders(admin) == {"A1": (Decimal("12000"), "CNY")}


def test_a_format_and_a_heading_stating_other_units_stop(admin, tmp_path):
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, _formatted(tmp_path / "o.xlsx", "金额(千元)", [1.2], '0.0"万元"'), kind="orders")
    assert "金额(千元)" in stop.value.message and "万元" in stop.value.message and _orders(admin) == {}


# ----- .ods: the same evidence from another reader --------------------------------------------

def _ods_cell(text: str, attrs: str = 'office:value-type="string"') -> str:
    return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"


def test_an_ods_file_with_a_units_line_and_a_scaled_heading(admin, tmp_path):
    from hostile_files import ods

    number = 'office:value-type="float" office:value="{0}"'
    rows = [[_ods_cell("（単位：千円）")], [_ods_cell(h) for h in ("受注番号", "受注日", "顧客名", "金額（千円）")],
            [_ods_cell("1001"), _ods_cell("2024-03-05"), _ods_cell("山田太郎"), _ods_cell("1200", number.format(1200))]]
    path = ods(tmp_path / "o.ods", "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"1001": (Decimal("1200000"), "JPY")}


@pytest.mark.parametrize("code, number, amount, currency", [
    ('#,##0"千円"', 1200.0, "1200000", "JPY"), ('0"万"', 3.0, "30000", "CNY"),
])
def test_an_xls_number_format_showing_a_unit_multiplies_the_amount(admin, tmp_path, code, number, amount, currency):
    import struct

    from hostile_files import _xl_string, biff, label, xls

    # FORMAT 164 = the unit's format; XF 0 general, XF 1 with format 164; the amount as a NUMBER record
    fmt = biff(0x041E, struct.pack("<H", 164) + _xl_string(code, 2))
    xf = lambda index: biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, index, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))  # noqa: E731
    # a Japanese file for yen; a Chinese one for a bare 万 in the store's CNY (a Japanese file's bare
    # amounts in a CNY store stop: test_import_bare_amounts_beside_several_currencies)
    heads = ["受注番号", "受注日", "顧客名", "金額"] if currency == "JPY" else ["订单号", "下单日期", "客户名称", "金額"]
    cells = b"".join(label(0, c, h) for c, h in enumerate(heads))
    cells += label(1, 0, "J-1") + label(1, 1, "2024-03-05") + label(1, 2, "山田太郎") + \
        biff(0x0203, struct.pack("<HHHd", 1, 3, 1, number))
    path = xls(tmp_path / "o.xls", [("売上", cells)], globals_extra=fmt + xf(0) + xf(164))
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"J-1": (Decimal(amount), currency)}
    assert _said(result, "amount scale of '金額' (number format)")


@pytest.mark.parametrize("unit, written, amount, code", [
    ("(万元)", "1.2", "12000", "CNY"), ("(T€)", "3.5", "3500", "EUR"), ("(USD thousands)", "2", "2000", "USD"),
])
def test_a_units_row_under_the_header_with_a_scale_is_applied(admin, tmp_path, unit, written, amount, code):
    f = write_csv(tmp_path / "o.csv", [["Order No", "Order Date", "Customer", "Amount"], ["", "", "", unit],
                                       ["A1", "2024-03-05", "Ann", written]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


@pytest.mark.parametrize("value, shown, amount, code", [
    ("1.2", "1.2万元", "12000", "CNY"), ("1200", "1,200千円", "1200000", "JPY"), ("2", "2억원", "200000000", "KRW"),
    ("1200000", "1,200K€", "1200000", "EUR"),       # the style divides it for display: the cell holds the amount
])
def test_an_ods_number_whose_style_shows_a_unit(admin, tmp_path, value, shown, amount, code):
    from hostile_files import ods

    cell = _ods_cell(shown, f'office:value-type="float" office:value="{value}" table:style-name="ce1"')
    rows = [[_ods_cell(h) for h in ("Order No", "Order Date", "Customer", "Amount")],
            [_ods_cell("A1"), _ods_cell("2024-03-05"), _ods_cell("Ann"), cell]]
    path = ods(tmp_path / "o.ods", "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


def test_a_cell_writing_its_own_wan_under_a_heading_in_wan_is_refused_not_multiplied_twice(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["订单号", "下单日期", "客户名称", "金额(万元)"],
                                       ["1", "2024-03-05", "张伟", "1.2万"], ["2", "2024-03-06", "王芳", "3"]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"2": (Decimal("30000"), "CNY")} and result.rejected == 1


@pytest.mark.parametrize("line, written, amount", [("通貨：円", "1,200", "1200"), ("（単位：千円）", "1,200", "1200000")])
def test_a_currency_without_a_minor_unit_stated_above_the_header_reads_its_grouping(admin, tmp_path, line, written,
                                                                                   amount):
    f = write_csv(tmp_path / "o.csv", [["売上明細"], [line], ["注文番号", "顧客名", "注文日", "金額"],
                                       ["1001", "山田太郎", "2024/03/05", written]])
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"1001": (Decimal(amount), "JPY")}


@pytest.mark.parametrize("fmt, numbers, amounts", [
    ('0.0"万"', [1.2], ["12000"]), ('#,##0"억"', [3], ["300000000"]), ('0.00"亿"', [0.5], ["50000000"]),
])
def test_a_number_format_showing_a_number_word_alone_multiplies_in_the_stores_currency(admin, tmp_path, fmt,
                                                                                      numbers, amounts):
    import_file(admin, _formatted(tmp_path / "o.xlsx", "Amount", numbers, fmt), kind="orders")
    assert _orders(admin) == {f"A{i}": (Decimal(a), "CNY") for i, a in enumerate(amounts, start=1)}


@pytest.mark.parametrize("heading, written, amount, code", [
    ("金額（千円）", "1,200", "1200000", "JPY"), ("金額（円）", "1,200", "1200", "JPY"), ("금액(천원)", "2,500", "2500000", "KRW"),
])
def test_a_heading_in_a_currency_without_a_minor_unit_reads_its_grouping(admin, tmp_path, heading, written, amount,
                                                                        code):
    f = write_csv(tmp_path / "o.csv", [["受注番号", "顧客名", "受注日", heading],
                                       ["1001", "山田太郎", "2024/03/05", written], ["1002", "鈴木花子", "2024/03/06", "350"]])
    import_file(admin, f, kind="orders")
    assert _orders(admin)["1001"] == (Decimal(amount), code)


@pytest.mark.parametrize("line, amount, code", [
    ("(in INR lakhs)", "1250000", "INR"), ("Amounts in lakhs", "1250000", "CNY"), ("Unit: 10,000 CNY", "125000", "CNY")])
def test_a_units_line_in_lakhs_or_ten_thousands_multiplies_the_amount(admin, tmp_path, line, amount, code):
    path = tmp_path / "o.csv"
    path.write_text(f'Sales report\n"{line}"\nOrder No,Order Date,Customer,Amount\nA1,2024-03-05,Customer 1,12.5\n',
                    encoding="utf-8")
    import_file(admin, path, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}
