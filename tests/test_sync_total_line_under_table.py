"""A user's total line under a data table (a label in any language beside a formula that
sums, counts or averages the table's column) is never a record: Save leaves it alone (no
Status, no growing of the table, exit 0), and Refresh moves it with the table as Excel's
row insert/delete does, its range kept covering every record, formulas pointing at it
on other sheets following it. A record really typed under the table is still saved."""
from __future__ import annotations

import json

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from cims_xl.excel.adapter import FORMULA_CELL, rows_typed_below
from cims_xl.excel.layout import BY_SHEET
from cims_xl.excel.total_line import FormulaText, TableArea, is_total_line
from cims_xl.services import records

from test_sync_support import new_workbook

LABELS = ["Total", "Summe", "合计", "合計", "합계", "Totale", "Итого"]


def _geometry(path, sheet="Orders"):
    ws = openpyxl.load_workbook(path)[sheet]
    c1, r1, c2, r2 = range_boundaries(ws.tables[BY_SHEET[sheet].table].ref)
    return c1, r1, c2, r2, [ws.cell(r1, c).value for c in range(c1, c2 + 1)]


def _orders_book(run, admin, tmp_path, n=4):
    cid = records.create(admin, "customer", {"name": "Kunde Eins"})["id"]
    ids = [records.create(admin, "order", {"customer_id": cid, "order_date": f"2025-03-0{i + 1}",
                                           "amount": 10 * (i + 1)})["id"] for i in range(n)]
    book = new_workbook(tmp_path / "shop.xlsx")
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    return book, cid, ids


def _add_total_line(book, label, *, gap=1, structured=False):
    """Under Orders: the label in the column left of Amount, a SUBTOTAL over Amount in
    Amount, `gap` empty rows between; a sheet Calc pointing at the total. Returns
    (total row, Amount column letter)."""
    c1, r1, _c2, end, headers = _geometry(book)
    amount = get_column_letter(c1 + headers.index("Amount"))
    label_col = c1 + headers.index("Amount") - 1
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    t = end + 1 + gap
    ws.cell(t, label_col).value = label
    ws[f"{amount}{t}"] = ("=SUBTOTAL(109,tblOrders[Amount])" if structured
                          else f"=SUBTOTAL(109,{amount}{r1 + 1}:{amount}{end})")
    calc = wb.create_sheet("Calc")
    calc["A4"] = f"=Orders!{amount}{t}"
    wb.save(book)
    return t, amount, label_col


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("gap", [0, 1])
def test_a_labelled_total_line_under_the_orders_table_is_not_saved_as_a_record(run, admin, tmp_path, label, gap):
    book, _cid, _ids = _orders_book(run, admin, tmp_path)
    end = _geometry(book)[3]
    t, amount, label_col = _add_total_line(book, label, gap=gap)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err + out
    assert len(records.list_records(admin, "order")) == 4
    c1, _r1, _c2, new_end, headers = _geometry(book)
    assert new_end == end                                   # the table did not take the line
    ws = openpyxl.load_workbook(book)["Orders"]
    assert ws.cell(t, c1 + headers.index("Status")).value is None
    assert ws.cell(t, label_col).value == label
    assert ws[f"{amount}{t}"].value == f"=SUBTOTAL(109,{amount}2:{amount}{end})"


@pytest.mark.parametrize("label", ["Total", "合计", "합계"])
def test_refresh_adding_and_removing_orders_moves_the_total_line_and_keeps_its_range_over_every_record(
        run, admin, tmp_path, label):
    book, cid, ids = _orders_book(run, admin, tmp_path)
    end = _geometry(book)[3]
    t, amount, label_col = _add_total_line(book, label)
    for i in range(2):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-04-01", "amount": 5})
    records.delete(admin, ids[0])
    code, out, err = run("sync", str(book), "refresh")         # no --force needed: nothing unsaved
    assert code == 0, err + out
    new_end = _geometry(book)[3]
    assert new_end == end + 1
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    n = t + 1
    assert ws.cell(n, label_col).value == label
    assert ws[f"{amount}{n}"].value == f"=SUBTOTAL(109,{amount}2:{amount}{new_end})"
    assert wb["Calc"]["A4"].value == f"=Orders!{amount}{n}"
    assert all(ws.cell(r, label_col).value != label for r in range(1, n))


def test_force_refresh_with_a_total_line_never_deletes_it(run, admin, tmp_path):
    book, cid, ids = _orders_book(run, admin, tmp_path, n=5)
    t, amount, label_col = _add_total_line(book, "Summe")
    for oid in ids[:2]:
        records.delete(admin, oid)
    code, out, err = run("sync", str(book), "refresh", "--force")
    assert code == 0, err + out
    new_end = _geometry(book)[3]
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    assert ws.cell(t - 2, label_col).value == "Summe"
    assert ws[f"{amount}{t - 2}"].value == f"=SUBTOTAL(109,{amount}2:{amount}{new_end})"
    assert wb["Calc"]["A4"].value == f"=Orders!{amount}{t - 2}"


def test_a_total_line_by_structured_reference_is_left_alone_too(run, admin, tmp_path):
    book, _cid, _ids = _orders_book(run, admin, tmp_path)
    end = _geometry(book)[3]
    _add_total_line(book, "Totale", structured=True)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err + out
    assert _geometry(book)[3] == end


def test_a_record_typed_under_the_table_above_the_total_line_is_still_saved(run, admin, tmp_path):
    book, cid, _ids = _orders_book(run, admin, tmp_path)
    t, amount, label_col = _add_total_line(book, "合計")
    c1, _r1, _c2, end, headers = _geometry(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    ws.cell(end + 1, c1 + headers.index("Customer ID")).value = cid
    ws.cell(end + 1, c1 + headers.index("Order No.")).value = "SO-4711"
    ws.cell(end + 1, c1 + headers.index("Amount")).value = 99
    ws.cell(end + 1, c1 + headers.index("Order Date")).value = "2025-05-02"
    wb.save(book)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err + out
    assert json.loads(out)["sheets"]["Orders"]["created"] == 1
    assert sorted(r.get("order_number") or "" for r in records.list_records(admin, "order"))[-1] == "SO-4711"
    assert _geometry(book)[3] == end + 1
    assert openpyxl.load_workbook(book)["Orders"].cell(t, label_col).value == "合計"


AREA = TableArea("Orders", "tblOrders", 1, 26, 1, 11)


@pytest.mark.parametrize("row, total", [
    (["Total", FormulaText("=SUBTOTAL(109,L2:L11)")], True),
    (["Summe", FormulaText("=SUM($L$2:$L$11)")], True),
    (["合计", FormulaText("=Orders!L2:L11*0+SUM(Orders!L2:L11)")], True),
    (["Average", FormulaText("=_xlfn.AGGREGATE(1,6,L2:L11)")], True),
    (["Total", FormulaText("=SUM(tblOrders[Amount])")], True),
    (["Total", FormulaText("=SUM(Other!L2:L11)")], False),     # another sheet's range
    (["Total", FormulaText("=SUM(L2:L13)")], True),             # over the empty rows between too
    (["Total", FormulaText("=SUM(L20:L30)")], False),          # not the table's rows
    (["Total", FormulaText("=SUM(M2:M11)")], True),            # another of the table's columns
    (["Total", FormulaText("=SUM(AA2:AA11)")], False),         # beside the table
    (["Total", FormulaText("=L2*2")], False),                  # no aggregate
    (["Total", 125.5, FormulaText("=SUM(L2:L11)")], False),    # a number typed: a record
    (["SO-1", "12.5", FormulaText("=SUM(L2:L11)")], False),
    (["Total", FORMULA_CELL], False),
])
def test_the_total_line_rule_needs_an_aggregate_over_the_table_and_only_labels_beside_it(row, total):
    assert is_total_line(row, AREA, FORMULA_CELL) is total
    assert rows_typed_below(lambda i: row, [0, 1, 2], 1,
                            total_line=lambda r: is_total_line(r, AREA, FORMULA_CELL)) == (0 if total else 1)


def _turn_on_total_row(book, label="Total"):
    """Table Design > Total Row on tblOrders: a label in the first column and Excel's
    SUBTOTAL over Amount in the row under the records, inside the table."""
    from openpyxl.utils.cell import range_boundaries as rb

    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    table = ws.tables["tblOrders"]
    c1, r1, c2, end = rb(table.ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    t = end + 1
    ws.cell(t, c1).value = label
    amount = c1 + headers.index("Amount")
    ws.cell(t, amount).value = "=SUBTOTAL(109,tblOrders[Amount])"
    table.tableColumns[0].totalsRowLabel = label
    table.tableColumns[headers.index("Amount")].totalsRowFunction = "sum"
    table.totalsRowCount = 1
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{t}"
    calc = wb.create_sheet("Calc")
    calc["A4"] = f"=Orders!{get_column_letter(amount)}{t}"
    wb.save(book)
    return t, c1, amount


@pytest.mark.parametrize("label", ["Total", "합계"])
def test_excels_own_total_row_is_kept_through_save_and_moves_with_refresh(run, admin, tmp_path, label):
    book, cid, ids = _orders_book(run, admin, tmp_path)
    t, c1, amount = _turn_on_total_row(book, label)
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err + out
    assert len(records.list_records(admin, "order")) == 4
    for _ in range(3):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-04-01", "amount": 5})
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    table = ws.tables["tblOrders"]
    n = t + 3
    assert range_boundaries(table.ref)[3] == n and table.totalsRowCount == 1
    assert range_boundaries(table.autoFilter.ref)[3] == n - 1
    assert ws.cell(n, c1).value == label
    assert ws.cell(n, amount).value == "=SUBTOTAL(109,tblOrders[Amount])"
    assert wb["Calc"]["A4"].value == f"=Orders!{get_column_letter(amount)}{n}"
    assert len([r for r in range(t, n) if ws.cell(r, c1).value]) == 3      # the new records above it
    records.delete(admin, ids[0])
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    ws = openpyxl.load_workbook(book)["Orders"]
    assert ws.cell(n - 1, c1).value == label and range_boundaries(ws.tables["tblOrders"].ref)[3] == n - 1


def test_the_live_sheet_leaves_a_labelled_total_line_alone_by_the_same_rule():
    import fake_xlwings_sheet as fake
    from cims_xl.excel.adapter import LiveSheet

    layout = BY_SHEET["Orders"]
    amount = layout.headers.index("Amount") + 1
    letter = get_column_letter(amount)
    cells = {(1, i + 1): h for i, h in enumerate(layout.headers)}
    cells[(2, amount)] = 10
    cells[(3, amount)] = 20
    cells[(5, amount - 1)] = "Summe"                       # after one empty row
    cells[(5, amount)] = f"=SUBTOTAL(109,{letter}2:{letter}3)"
    sheet = fake.Sheet("Orders", cells)
    sheet.tables.append(fake.Table(sheet, "tblOrders", 1, 1, 3, len(layout.headers)))
    live = LiveSheet(object(), sheet, layout)
    assert len(live.read().rows) == 2
    assert live.left_below == []


# ----- a record typed under a table is never taken for a total line ---------------------

@pytest.mark.parametrize("row, total", [
    # typed fields beside a formula reading the row's own cell: a record
    (["Ann Lee", "ann@example.com", "Lyon", FormulaText("=COUNTIF(tblOrders[City],D12)")], False),
    (["Ann Lee", "ann@example.com", "Lyon", FormulaText("=COUNTIF(L2:L11,D12)")], False),
    # formulas pulling a record from another sheet
    ([FormulaText("=Home!B2"), FormulaText("=Home!B3"), FormulaText("=Home!B5*1.2")], False),
    # typed order no, customer id, product beside =TODAY() and a SUM
    (["ORD-77", "C-000001", "Widget", FormulaText("=TODAY()"), FormulaText("=SUM(L2:L4)")], False),
    (["ORD-77", None, "Widget", None, FormulaText("=SUM(L2:L4)")], False),
    (["Total", None, None, FormulaText("=TODAY()"), FormulaText("=SUM(L2:L4)")], False),
    # sums written with +, of one column of the table
    (["Grand total", FormulaText("=L2+L3+L4")], True),
    (["Grand total", FormulaText("=$L$2 + $L$3")], True),
    (["Total", FormulaText("=L2+M3")], False),                 # two columns: no column's total
    (["Total", FormulaText("=L2+L30")], False),                # row 30 is not the table's
    (["Total", FormulaText("=Home!L2+Home!L3")], False),
    (["Total", FormulaText("=SUBTOTAL(109,L2:L2)")], True),     # a one-row table's range
    (["Total", None, None, "incl. VAT", FormulaText("=SUM(L2:L11)")], True),   # labels outside the fields
])
def test_a_total_line_is_only_labels_and_aggregates_of_the_tables_own_columns(row, total):
    assert is_total_line(row, AREA, FORMULA_CELL, fields=[0, 1, 2]) is total


def _put(book, sheet, row_values, *, at=1):
    """Write {header: value} `at` rows under the sheet's table; returns the row."""
    c1, _r1, _c2, end, headers = _geometry(book, sheet)
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    for header, value in row_values.items():
        ws.cell(end + at, c1 + headers.index(header)).value = value
    wb.save(book)
    return end + at


def _status(book, sheet, row):
    c1, _r1, _c2, _end, headers = _geometry(book, sheet)
    return openpyxl.load_workbook(book)[sheet].cell(row, c1 + headers.index("Status")).value


def test_an_order_typed_under_the_table_with_today_and_a_sum_beside_it_is_saved(run, admin, tmp_path):
    book, cid, _ids = _orders_book(run, admin, tmp_path)
    end = _geometry(book)[3]
    amount = get_column_letter(_geometry(book)[0] + _geometry(book)[4].index("Amount"))
    _put(book, "Orders", {"Order No.": "ORD-77", "Customer ID": cid, "Product": "Widget",
                          "Order Date": "=TODAY()", "Amount": f"=SUM({amount}2:{amount}{end})"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    if code == 0:
        assert json.loads(out)["sheets"]["Orders"]["created"] == 1
        assert "ORD-77" in {r.get("order_number") for r in records.list_records(admin, "order")}
    else:       # not saved (a formula Excel has not calculated): then never silently
        assert code == 13, err + out
        assert _status(book, "Orders", end + 1)


def test_an_order_built_of_formulas_from_another_sheet_gets_a_status_and_exit_13(run, admin, tmp_path):
    book, cid, _ids = _orders_book(run, admin, tmp_path)
    wb = openpyxl.load_workbook(book)
    home = wb.create_sheet("Home")
    home["B2"], home["B3"], home["B5"] = cid, "2025-06-01", 100
    wb.save(book)
    row = _put(book, "Orders", {"Customer ID": "=Home!B2", "Order Date": "=Home!B3", "Amount": "=Home!B5*1.2"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 13, err + out
    assert _status(book, "Orders", row).startswith("Not saved")
    assert len(records.list_records(admin, "order")) == 4


def _add_same_city_column(book):
    """A column of the user's inside tblCustomers: =COUNTIF(tblCustomers[City],<City of the row>)."""
    from openpyxl.worksheet.table import TableColumn

    c1, r1, c2, end, headers = _geometry(book, "Customers")
    wb = openpyxl.load_workbook(book)
    ws = wb["Customers"]
    t = ws.tables[BY_SHEET["Customers"].table]
    new = c2 + 1
    ws.cell(r1, new).value = "Same city"
    city = get_column_letter(c1 + headers.index("City"))
    for r in range(r1 + 1, end + 1):
        ws.cell(r, new).value = f"=COUNTIF(tblCustomers[City],{city}{r})"
    t.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(new)}{end}"
    if t.autoFilter is not None:
        t.autoFilter.ref = t.ref
    t.tableColumns.append(TableColumn(id=max(c.id for c in t.tableColumns) + 1, name="Same city"))
    wb.save(book)
    return new, city


def test_a_customer_typed_under_the_table_with_the_users_countif_column_copied_down_is_saved(run, admin, tmp_path):
    records.create(admin, "customer", {"name": "Bestand AG", "city": "Lyon"})
    book = new_workbook(tmp_path / "crm.xlsx")
    code, _out, err = run("sync", str(book), "refresh")
    assert code == 0, err
    new, city = _add_same_city_column(book)
    end = _geometry(book, "Customers")[3]
    wb = openpyxl.load_workbook(book)
    wb["Customers"].cell(end + 1, new).value = f"=COUNTIF(tblCustomers[City],{city}{end + 1})"
    wb.save(book)
    _put(book, "Customers", {"Name": "Ann Lee", "Email": "ann@example.com", "City": "Lyon"})
    code, out, err = run("--format", "json", "sync", str(book), "save")
    assert code == 0, err + out
    assert json.loads(out)["sheets"]["Customers"]["created"] == 1
    stored = {r["name"]: r for r in records.list_records(admin, "customer")}
    assert stored["Ann Lee"]["email"] == "ann@example.com" and stored["Ann Lee"]["city"] == "Lyon"


@pytest.mark.parametrize("label", ["Grand total", "Gesamt", "总计"])
def test_a_total_written_as_a_sum_with_plus_is_a_total_line_not_a_record(run, admin, tmp_path, label):
    book, _cid, _ids = _orders_book(run, admin, tmp_path, n=3)
    c1, _r1, _c2, end, headers = _geometry(book)
    amount = get_column_letter(c1 + headers.index("Amount"))
    row = _put(book, "Orders", {"Order Date": label,
                                "Amount": "=" + "+".join(f"{amount}{r}" for r in range(2, end + 1))})
    for _ in range(2):
        code, out, err = run("--format", "json", "sync", str(book), "save")
        assert code == 0, err + out
        assert _status(book, "Orders", row) is None
    assert len(records.list_records(admin, "order")) == 3
    assert _geometry(book)[3] == end


@pytest.mark.parametrize("gap", [0, 1])
def test_when_every_order_is_deleted_the_total_lines_stay_under_one_empty_row_and_regrow(run, admin, tmp_path, gap):
    book, cid, ids = _orders_book(run, admin, tmp_path, n=3)
    c1, _r1, _c2, end, headers = _geometry(book)
    amount = get_column_letter(c1 + headers.index("Amount"))
    label_col = c1 + headers.index("Amount") - 1
    wb = openpyxl.load_workbook(book)
    ws = wb["Orders"]
    lines = {"Total": "SUBTOTAL(109,{})", "Avg": "AVERAGE({})"}
    for k, (label, f) in enumerate(lines.items()):
        ws.cell(end + 1 + gap + k, label_col).value = label
        ws[f"{amount}{end + 1 + gap + k}"] = "=" + f.format(f"{amount}2:{amount}{end}")
    wb.save(book)
    for oid in ids:
        records.delete(admin, oid)
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    assert _geometry(book)[3] == 2                           # one empty data row kept
    ws = openpyxl.load_workbook(book)["Orders"]
    assert all(ws.cell(2, c1 + headers.index(h)).value in (None, "") for h in ("ID", "Order No.", "Amount"))
    for k, (label, f) in enumerate(lines.items()):
        assert ws.cell(3 + gap + k, label_col).value == label
        assert ws[f"{amount}{3 + gap + k}"].value == "=" + f.format(f"{amount}2:{amount}2")
    code, out, err = run("--format", "json", "sync", str(book), "save")      # nothing to save, no Status
    assert code == 0, err + out
    assert _status(book, "Orders", 3 + gap) is None and _status(book, "Orders", 2) is None
    for i in range(3):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-04-01", "amount": 5 + i})
    code, out, err = run("sync", str(book), "refresh")      # no "unsaved rows": the lines are no records
    assert code == 0, err + out
    new_end = _geometry(book)[3]
    assert new_end == 4
    assert len(records.list_records(admin, "order")) == 3
    ws = openpyxl.load_workbook(book)["Orders"]
    for k, (label, f) in enumerate(lines.items()):
        assert ws.cell(new_end + 1 + gap + k, label_col).value == label
        assert ws[f"{amount}{new_end + 1 + gap + k}"].value == "=" + f.format(f"{amount}2:{amount}{new_end}")


@pytest.mark.parametrize("label, formula, expect", [
    ("Total", "SUBTOTAL(109,{a}2:{a}{e})", lambda v: sum(v)),
    ("Summe", "SUM({a}2:{a}{e})", lambda v: sum(v)),
    ("Avg", "AVERAGE({a}2:{a}{e})", lambda v: sum(v) / len(v)),
    ("合计", "COUNT({a}2:{a}{e})", len),
    ("Grand total", "{plus}", lambda v: sum(v)),
])
def test_refresh_saves_the_users_total_lines_with_their_values(run, admin, tmp_path, label, formula, expect):
    book, cid, ids = _orders_book(run, admin, tmp_path, n=3)
    c1, _r1, _c2, end, headers = _geometry(book)
    amount = get_column_letter(c1 + headers.index("Amount"))
    plus = "+".join(f"{amount}{r}" for r in range(2, end + 1))
    _put(book, "Orders", {"Order Date": label, "Amount": "=" + formula.format(a=amount, e=end, plus=plus)})
    for i in range(2):
        records.create(admin, "order", {"customer_id": cid, "order_date": "2025-04-01", "amount": 7.5 + i})
    code, out, err = run("sync", str(book), "refresh")
    assert code == 0, err + out
    new_end = _geometry(book)[3]
    amounts = [float(r["amount"]) for r in records.list_records(admin, "order")]
    cached = openpyxl.load_workbook(book, data_only=True)["Orders"][f"{amount}{new_end + 1}"].value
    if formula == "{plus}":         # a +-sum written by hand does not grow: it keeps its own cells
        amounts = [float(r["amount"]) for r in records.list_records(admin, "order")
                   if r["id"] in ids]
    assert cached == pytest.approx(expect(amounts))
