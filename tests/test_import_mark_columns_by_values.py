"""A column of credit/debit marks is known by its VALUES, whatever its heading (issue 14,
tester try19f): "Type" holding CR/DR, DATEV "Soll/Haben" holding S/H, French "Sens"
holding C/D, Spanish "Debe/Haber", a Chinese "方向" holding 贷方/借方. Such a file stops
until --ledger sales|bank says what the marks mean, and nothing is written; with the
option every amount is signed by its row's mark. A column that only looks like marks in
part (a size, a class letter, a type beside other words) stays plain text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.ledger_marks import LedgerUnsettled, MarkValues
from cims_xl.importer.run import import_file
from cims_xl.services import records

from table_files import write_csv, write_xlsx


def _stored(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])).normalize() for o in records.list_records(session, "order")}


def _nothing_written(session) -> bool:
    return records.list_records(session, "order") == [] and records.list_records(session, "customer") == []


# (header of the mark column, credit value, debit value, customer, amount, currency), in several languages
FILES = {
    "english-type": ("Type", "CR", "DR", "Acme Ltd", "99.90", "USD"),
    "english-entry-type-words": ("Entry Type", "Credit", "Debit", "Acme Ltd", "99.90", "GBP"),
    "english-indicator-dotted": ("Credit/Debit Indicator", "Cr.", "Dr.", "Acme Ltd", "99.90", "USD"),
    "german-datev": ("Soll/Haben", "H", "S", "Acme GmbH", "99,90", "EUR"),
    "french-sens": ("Sens", "C", "D", "Dupont SARL", "99,90", "EUR"),
    "spanish-debe-haber": ("Debe/Haber", "Haber", "Debe", "Acme SL", "99,90", "EUR"),
    "chinese-direction": ("方向", "贷方", "借方", "某某有限公司", "99.90", "CNY"),
    "japanese-kubun": ("区分", "貸方", "借方", "山田商事株式会社", "9990", "JPY"),
}


def _rows(name: str) -> list[list[str]]:
    header, credit, debit, customer, amount, currency = FILES[name]
    return [["Order No.", "Order Date", "Customer Name", "Amount", header, "Currency"],
            ["A1", "2024-03-05", customer, amount, credit, currency],
            ["A2", "2024-03-06", customer, "120" if currency == "JPY" else "120.00", debit, currency],
            ["A3", "2024-03-07", customer, "45" if currency == "JPY" else "45.00", debit, currency]]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(FILES))
def test_a_column_of_marks_under_any_heading_stops_and_nothing_is_written(admin, tmp_path, name, suffix):
    writer = write_csv if suffix == "csv" else write_xlsx
    with pytest.raises(LedgerUnsettled) as stop:
        import_file(admin, writer(tmp_path / f"marks.{suffix}", _rows(name)), kind="orders")
    message = str(stop.value)
    assert f"'{FILES[name][0]}'" in message and "--ledger sales" in message and "--ledger bank" in message
    assert f"{FILES[name][0]}: {FILES[name][1]}" in message       # the credit row shown with its mark
    assert _nothing_written(admin)


@pytest.mark.parametrize("ledger", ["sales", "bank"])
@pytest.mark.parametrize("name", list(FILES))
def test_with_a_ledger_each_amount_takes_the_sign_of_its_rows_mark(admin, tmp_path, name, ledger):
    result = import_file(admin, write_csv(tmp_path / "marks.csv", _rows(name)), kind="orders", ledger=ledger)
    jpy = FILES[name][5] == "JPY"
    if ledger == "sales":               # CR is a credit note: rejected; DR rows are sales
        assert _stored(admin) == {"A2": Decimal("120"), "A3": Decimal("45")}
        assert result.rejected == 1
    else:                               # CR is money received; DR money paid out: rejected
        assert _stored(admin) == {"A1": Decimal("9990" if jpy else "99.9")}
        assert result.rejected == 2
    assert any("--ledger " + ledger in i.get("decided", "") and FILES[name][0] in i.get("evidence", "")
               for i in result.inferences)


def test_a_workbook_mark_column_is_signed_with_the_ledger(admin, tmp_path):
    rows = _rows("german-datev")
    rows[1][3], rows[2][3], rows[3][3] = 99.9, 120, 45           # numbers, as Excel keeps them
    import_file(admin, write_xlsx(tmp_path / "datev.xlsx", rows), kind="orders", ledger="bank")
    assert _stored(admin) == {"A1": Decimal("99.9")}


@pytest.mark.parametrize("header,values", [
    ("Size", ["S", "M", "L"]),                 # a size, not Soll/Haben
    ("Class", ["C", "C", "C"]),                # one letter of a pair, under a heading not of marks
    ("Grade", ["C", "H", "D"]),                # letters of two pairs
])
def test_a_column_only_partly_like_marks_stays_plain_text(admin, tmp_path, header, values):
    rows = [["Order No.", "Order Date", "Customer Name", "Amount", header, "Currency"]]
    rows += [[f"A{i}", f"2024-03-0{i}", "Acme Ltd", "10.00", v, "USD"] for i, v in enumerate(values, 1)]
    import_file(admin, write_csv(tmp_path / "plain.csv", rows), kind="orders")
    assert _stored(admin) == {f"A{i}": Decimal("10") for i in range(1, 4)}


def test_marks_beside_document_types_in_a_type_column_stop_asking_what_each_row_is(admin, tmp_path):
    # "CR" beside "Invoice" may be a credit note: never read as a mark, nor stored as a sale unasked
    rows = [["Order No.", "Order Date", "Customer Name", "Amount", "Type", "Currency"]]
    rows += [[f"A{i}", f"2024-03-0{i}", "Acme Ltd", "10.00", v, "USD"] for i, v in enumerate(["CR", "Invoice", "DR"], 1)]
    path = write_csv(tmp_path / "plain.csv", rows)
    with pytest.raises(ImportRefused, match="'CR'") as stop:
        import_file(admin, path, kind="orders")
    assert '--value "CR=sale"' in stop.value.message and _nothing_written(admin)
    import_file(admin, path, kind="orders", values=["CR=sale"])
    assert _stored(admin) == {f"A{i}": Decimal("10") for i in range(1, 4)}


def test_one_letter_of_a_pair_is_a_mark_under_a_heading_of_marks(admin, tmp_path):
    rows = [["Order No.", "Order Date", "Customer Name", "Amount", "CD Flag", "Currency"],
            ["A1", "2024-03-05", "Acme Ltd", "10.00", "C", "USD"], ["A2", "2024-03-06", "Acme Ltd", "12.00", "C", "USD"]]
    with pytest.raises(LedgerUnsettled, match="CD Flag"):
        import_file(admin, write_csv(tmp_path / "flag.csv", rows), kind="orders")
    assert _nothing_written(admin)


def test_a_value_that_is_no_mark_far_down_the_file_keeps_the_column_plain(admin, tmp_path):
    rows = [["Order No.", "Order Date", "Customer Name", "Amount", "Type", "Currency"]]
    rows += [[f"A{i}", "2024-03-05", "Acme Ltd", "10.00", "DR", "USD"] for i in range(1, 60)]
    rows.append(["A60", "2024-03-05", "Acme Ltd", "10.00", "Sale", "USD"])
    import_file(admin, write_csv(tmp_path / "long.csv", rows), kind="orders")
    assert len(_stored(admin)) == 60


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_marks_that_begin_after_blank_first_rows_still_stop_and_are_signed_with_a_ledger(admin, tmp_path, suffix):
    rows = [["Order No.", "Order Date", "Customer Name", "Amount", "Soll/Haben", "Currency"]]
    rows += [[f"A{i}", "2024-03-05", "Acme GmbH", "10,00", "", "EUR"] for i in range(1, 50)]
    rows += [["A50", "2024-03-05", "Acme GmbH", "30,00", "H", "EUR"], ["A51", "2024-03-05", "Acme GmbH", "40,00", "S", "EUR"]]
    path = (write_csv if suffix == "csv" else write_xlsx)(tmp_path / f"late.{suffix}", rows)
    with pytest.raises(LedgerUnsettled, match="'Soll/Haben'") as stop:
        import_file(admin, path, kind="orders")
    assert "'30,00 (Soll/Haben: H)'" in str(stop.value)
    assert _nothing_written(admin)
    import_file(admin, path, kind="orders", ledger="sales")
    stored = _stored(admin)
    assert "A50" not in stored and stored["A51"] == Decimal("40") and len(stored) == 50


@pytest.mark.parametrize("header,values,expected", [
    ("Typ", ["S", "H", "", "S"], 4),
    ("Sens", ["c", "d."], 4),
    ("Haben/Soll", ["Haben", "Soll"], 4),
    ("X", ["Débit", "Crédit"], 4),
    ("Kind", ["H", "H"], None),
    ("Kind", ["CR", "12"], None),
])
def test_mark_values_decide_on_the_whole_column(header, values, expected):
    ev = MarkValues({4: header})
    for v in values:
        ev.add(["A", "2024-01-01", "Ann", "1.00", v])
    assert ev.column() == expected


def test_a_workbooks_number_amounts_beside_a_dr_cr_column_stop_and_are_signed_with_a_ledger(admin, tmp_path):
    rows = [["Invoice No", "Customer", "Date", "Amount", "Currency", "Dr/Cr"],
            ["I-1", "Ann Lee", "2024-06-01", 120, "USD", "Dr"], ["I-2", "Ann Lee", "2024-06-02", 99.9, "USD", "Cr"]]
    path = write_xlsx(tmp_path / "numbers.xlsx", rows)
    with pytest.raises(LedgerUnsettled, match="Dr/Cr"):
        import_file(admin, path, kind="orders")
    assert _nothing_written(admin)
    import_file(admin, path, kind="orders", ledger="sales")
    assert _stored(admin) == {"I-1": Decimal("120")}


def test_a_column_of_marks_left_out_with_map_is_not_read_and_the_stop_says_how(admin, tmp_path):
    path = write_csv(tmp_path / "type.csv", _rows("english-type"))
    with pytest.raises(LedgerUnsettled) as stop:
        import_file(admin, path, kind="orders")
    assert "--map 'Type=-'" in str(stop.value)
    import_file(admin, path, kind="orders", mapping=["Type=-"])
    assert _stored(admin) == {"A1": Decimal("99.9"), "A2": Decimal("120"), "A3": Decimal("45")}
