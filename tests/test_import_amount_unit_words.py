"""Units stated in words (units21): a currency written as a word in a units line or a
heading ("Unit: 10,000 yuan", "Amount (yen)") is the currency of the bare amounts; a
minor unit naming one currency ("pence", "分", "Rappen") names it; a heading in cents
over amounts written in major units ("$12.50" under "Amount (cents)") stops, naming
--amount-scale; a number format's " Cr" is a credit mark beside " Dr", India's crore
beside ₹/lakh, and stops otherwise. Each reads back the stored amount from a real store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.run import import_file
from cims_xl.services import records, settings

from table_files import write_csv, write_xlsx

HEAD = ["Order No", "Order Date", "Customer"]


def _orders(session) -> dict[str, tuple[Decimal, str]]:
    return {o["order_number"]: (o["amount"], o["currency"]) for o in records.list_records(session, "order")}


def _shown(result) -> str:
    return " | ".join(f"{i['what']}: {i['decided']} ({i['evidence']})" for i in result.inferences)


def _file(writer, tmp_path: Path, rows: list[list]) -> Path:
    return writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), rows)


# ----- 1. a currency written as a word ---------------------------------------------------------

@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("line, written, amount, code", [
    ("Unit: 10,000 yuan", "12.5", "125000", "CNY"),
    ("Unit: yuan", "12.5", "12.5", "CNY"),
    ("Unit: million yen", "1.5", "1500000", "JPY"),
    ("Currency: yen", "1200", "1200", "JPY"),
    ("(in thousands of renminbi)", "3", "3000", "CNY"),
    ("Beträge in Tausend Yen", "2", "2000", "JPY"),
    ("Montants en milliers de yuans", "2.5", "2500", "CNY"),
    ("Unidad: miles de yenes", "4", "4000", "JPY"),
    ("Unit: 1,000 won", "2500", "2500000", "KRW"),
])
def test_a_currency_word_in_a_units_line_is_the_currency_of_the_bare_amounts(admin, tmp_path, writer, line,
                                                                             written, amount, code):
    settings.set_store_currency(admin, "USD")          # not the store's currency: the line's
    f = _file(writer, tmp_path, [["Sales report"], [line], HEAD + ["Amount"], ["A1", "2024-03-05", "Ann", written]])
    dry = import_file(admin, f, kind="orders", dry_run=True)
    assert line in _shown(dry) and code in _shown(dry)       # the dry run says what it read, and where
    import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}


@pytest.mark.parametrize("heading, written, amount, code", [
    ("Amount (yen)", "1200", "1200", "JPY"),
    ("Amount (10,000 yuan)", "1.2", "12000", "CNY"),
    ("Amount (thousand yen)", "3", "3000", "JPY"),
    ("Amount in millions of yuan", "1.5", "1500000", "CNY"),
    ("Amount (renminbi)", "88", "88", "CNY"),
    ("Montant (en milliers de yuans)", "2", "2000", "CNY"),
])
def test_a_currency_word_in_the_amount_heading_is_the_columns_currency(admin, tmp_path, heading, written, amount,
                                                                      code):
    settings.set_store_currency(admin, "USD")
    f = write_csv(tmp_path / "o.csv", [HEAD + [heading], ["A1", "2024-03-05", "Ann", written]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}
    assert heading in _shown(result)


def test_a_word_several_currencies_share_stops_naming_currency_and_the_option_settles_it(admin, tmp_path):
    f = write_csv(tmp_path / "o.csv", [["Unit: thousands of dollars"], HEAD + ["Amount"],
                                       ["A1", "2024-03-05", "Ann", "12.5"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")            # a yuan store: which dollars?
    assert "Unit: thousands of dollars" in stop.value.message and "--currency" in stop.value.message
    assert "AUD" in stop.value.message and "USD" in stop.value.message and _orders(admin) == {}
    import_file(admin, f, kind="orders", currency="AUD")
    assert _orders(admin) == {"A1": (Decimal("12500"), "AUD")}


def test_a_word_several_currencies_share_is_the_stores_currency_when_it_is_one_of_them(admin, tmp_path):
    settings.set_store_currency(admin, "CAD")
    f = write_csv(tmp_path / "o.csv", [["Amounts in thousands of dollars"], HEAD + ["Amount"],
                                       ["A1", "2024-03-05", "Ann", "12.5"]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("12500"), "CAD")}
    assert "store" in _shown(result)


@pytest.mark.parametrize("line, heading", [("Currency: EUR", "Amount (yen)"), ("Unit: 10,000 yuan", "Amount (yen)"),
                                           ("Währung: Yen", "Amount (EUR)")])
def test_a_currency_word_conflicting_with_a_currency_stated_elsewhere_stops(admin, tmp_path, line, heading):
    f = write_csv(tmp_path / "o.csv", [[line], HEAD + [heading], ["A1", "2024-03-05", "Ann", "12"]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert heading in stop.value.message and line in stop.value.message and _orders(admin) == {}


@pytest.mark.parametrize("rows, said", [
    ([["Unit: 10,000 yuan"], HEAD + ["Amount"], ["A1", "2024-03-05", "Ann", "$1.2"]], "'$'"),
    ([["单位：万元"], HEAD + ["Amount", "Currency"], ["A1", "2024-03-05", "Ann", "1.2", "USD"]], "USD"),
    ([["(in millions of yen)"], HEAD + ["Amount"], ["A1", "2024-03-05", "Ann", "EUR 3"]], "EUR"),
])
def test_a_units_line_naming_a_currency_beside_amounts_in_another_stops_naming_amount_scale(admin, tmp_path, rows,
                                                                                            said):
    f = write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert rows[0][0] in message and said in message and "--amount-scale" in message and _orders(admin) == {}
    import_file(admin, f, kind="orders", amount_scale="1")
    assert [a for a, _c in _orders(admin).values()] == [Decimal(rows[-1][3].split()[-1].lstrip("$"))]


# ----- 2. a heading in cents over amounts written in major units ----------------------------------

@pytest.mark.parametrize("heading, values, amounts", [
    ("Amount (cents)", ["$12.50", "$7.00"], ["12.50", "7.00"]),
    ("Betrag (Cent)", ["12,50 €", "3,99 €"], ["12.50", "3.99"]),
    ("金额(分)", ["12.50", "300"], ["12.50", "300"]),
    ("Amount (cents)", ["1250", "19.99"], ["1250", "19.99"]),
])
def test_a_cents_heading_over_amounts_written_in_major_units_stops_naming_amount_scale(admin, tmp_path, heading,
                                                                                      values, amounts):
    rows = [HEAD + [heading]] + [[f"A{i}", "2024-03-05", "Ann", v] for i, v in enumerate(values, start=1)]
    f = write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert heading in message and "--amount-scale 1" in message and _orders(admin) == {}
    assert any(v in message for v in values if "." in v or "," in v)      # an example of the file's own
    import_file(admin, f, kind="orders", amount_scale="1")
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {
        f"A{i}": Decimal(a) for i, a in enumerate(amounts, start=1)}


def test_number_cells_with_a_fraction_under_a_cents_heading_stop_too(admin, tmp_path):
    f = write_xlsx(tmp_path / "o.xlsx", [HEAD + ["Amount (cents)"], ["A1", "2024-03-05", "Ann", 12.5],
                                         ["A2", "2024-03-06", "Bob", 300]])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "Amount (cents)" in stop.value.message and "--amount-scale" in stop.value.message
    import_file(admin, f, kind="orders", amount_scale="0.01")
    assert _orders(admin)["A2"][0] == Decimal("3")


# ----- 3. a minor unit that names its currency --------------------------------------------------

@pytest.mark.parametrize("heading, written, amount, code", [
    ("Amount (pence)", "1250", "12.50", "GBP"),
    ("金额(分)", "12050", "120.50", "CNY"),
    ("Betrag (Rappen)", "995", "9.95", "CHF"),
    ("Amount (öre)", "4990", "49.90", "SEK"),
    ("Amount (groszy)", "1999", "19.99", "PLN"),
    ("Amount (satang)", "2575", "25.75", "THB"),
])
def test_a_minor_unit_only_one_currency_has_names_that_currency(admin, tmp_path, heading, written, amount, code):
    settings.set_store_currency(admin, "USD" if code != "USD" else "EUR")
    f = write_csv(tmp_path / "o.csv", [HEAD + [heading], ["A1", "2024-03-05", "Ann", written]])
    result = import_file(admin, f, kind="orders")
    assert _orders(admin) == {"A1": (Decimal(amount), code)}
    shown = _shown(result)
    assert code in shown and "ISO 4217" in shown        # says where the fact comes from


@pytest.mark.parametrize("rows", [
    [["Currency: EUR"], HEAD + ["Amount (pence)"], ["A1", "2024-03-05", "Ann", "1250"]],
    [HEAD + ["Amount (pence)", "Currency"], ["A1", "2024-03-05", "Ann", "1250", "EUR"]],
    [HEAD + ["金额(分)", "币种"], ["A1", "2024-03-05", "Ann", "1250", "USD"]],
])
def test_a_minor_unit_conflicting_with_a_currency_named_in_the_file_stops(admin, tmp_path, rows):
    f = write_csv(tmp_path / "o.csv", rows)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert ("pence" in stop.value.message or "分" in stop.value.message) and _orders(admin) == {}


# ----- 4. a number format's " Cr": a credit mark beside " Dr", India's crore beside ₹/lakh -------

def _formatted(path: Path, heading: str, cells: list[tuple[object, str | None]], above: list[str] = ()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in above:
        sheet.append([line])
    sheet.append(HEAD + [heading])
    for i, (value, fmt) in enumerate(cells, start=1):
        sheet.append([f"A{i}", "2024-03-05", f"Customer {i}", value])
        if fmt:
            sheet.cell(row=sheet.max_row, column=4).number_format = fmt
    book.save(path)
    return path


ACCOUNTING = '#,##0.00" Cr";#,##0.00" Dr"'


@pytest.mark.parametrize("cells", [
    [(99.9, ACCOUNTING), (-120, ACCOUNTING)],                        # one accounting format, both marks
    [(99.9, '#,##0.00" Cr"'), (120, '#,##0.00" Dr"')],                # a format for each mark
    [(99.9, '#,##0.00 "CR"'), ("120.00 Dr", None)],                   # Cr formats beside Dr written in cells
])
def test_a_cr_format_beside_dr_is_a_credit_mark_read_as_the_ledger_says(admin, tmp_path, cells):
    f = _formatted(tmp_path / "o.xlsx", "Amount", cells)
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    assert "--ledger" in stop.value.message and "Amount" in stop.value.message and _orders(admin) == {}
    result = import_file(admin, f, kind="orders", ledger="sales")       # CR a credit note: no sale
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {"A2": Decimal("120")} and result.rejected == 1
    assert "credit and debit marks in 'Amount'" in _shown(result)


def test_a_cr_format_read_from_a_bank_statement_is_money_received(admin, tmp_path):
    f = _formatted(tmp_path / "o.xlsx", "Amount", [(99.9, '#,##0.00" Cr"'), (120, '#,##0.00" Dr"')])
    result = import_file(admin, f, kind="orders", ledger="bank")
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {"A1": Decimal("99.9")} and result.rejected == 1


@pytest.mark.parametrize("heading, fmt, above, code", [
    ("Amount", '"₹"#,##0.00" Cr"', [], "INR"),
    ("Amount", '[$₹-4009]#,##0.00" Cr"', [], "INR"),
    ("Amount (INR)", '#,##0.00" Cr"', [], "INR"),
    ("Amount", '#,##0.00" Cr"', ["Figures in ₹ lakh and crore"], None),
    ("Amount", '0.00" Cr"', ["Rs. in lakhs / crores"], None),
])
def test_a_cr_format_with_rupees_or_lakh_and_no_dr_is_crore(admin, tmp_path, heading, fmt, above, code):
    f = _formatted(tmp_path / "o.xlsx", heading, [(1.25, fmt), (3, fmt)], above)
    dry = import_file(admin, f, kind="orders", dry_run=True)
    assert "crore" in _shown(dry) and _orders(admin) == {}
    import_file(admin, f, kind="orders")
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {"A1": Decimal("12500000"), "A2": Decimal("30000000")}
    assert code is None or {c for _a, c in _orders(admin).values()} == {code}


def test_a_cr_format_nothing_else_explains_stops_naming_amount_scale_and_ledger(admin, tmp_path):
    f = _formatted(tmp_path / "o.xlsx", "Amount", [(1.25, '#,##0.00" Cr"'), (3, '#,##0.00" Cr"')])
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, f, kind="orders")
    message = stop.value.message
    assert "'Amount'" in message and "1.25 Cr" in message and "--amount-scale 10000000" in message
    assert "--ledger" in message and _orders(admin) == {}
    import_file(admin, f, kind="orders", amount_scale="10000000")
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {"A1": Decimal("12500000"), "A2": Decimal("30000000")}


def test_an_ods_number_shown_with_cr_and_dr_is_a_credit_mark(admin, tmp_path):
    from html import escape

    from hostile_files import ods

    def cell(text: str, attrs: str = 'office:value-type="string"') -> str:
        return f"<table:table-cell {attrs}><text:p>{escape(text)}</text:p></table:table-cell>"

    number = 'office:value-type="float" office:value="{0}" table:style-name="ce1"'
    rows = [[cell(h) for h in HEAD + ["Amount"]],
            [cell("A1"), cell("2024-03-05"), cell("Ann"), cell("99.90 Cr", number.format(99.9))],
            [cell("A2"), cell("2024-03-06"), cell("Bob"), cell("120.00 Dr", number.format(-120))]]
    path = ods(tmp_path / "o.ods", "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows))
    with pytest.raises(ImportRefused) as stop:
        import_file(admin, path, kind="orders")
    assert "--ledger" in stop.value.message and _orders(admin) == {}
    result = import_file(admin, path, kind="orders", ledger="sales")
    assert {k: a for k, (a, _c) in _orders(admin).items()} == {"A2": Decimal("120")} and result.rejected == 1


def test_a_units_line_split_at_its_thousands_comma_in_a_csv_is_read_whole(admin, tmp_path):
    settings.set_store_currency(admin, "USD")
    path = tmp_path / "o.csv"
    path.write_text("Sales report\nUnit: 10,000 yuan\nOrder No,Order Date,Customer,Amount\nA1,2024-03-05,Ann,1.2\n",
                    encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {"A1": (Decimal("12000"), "CNY")} and "Unit: 10,000 yuan" in _shown(result)
