"""The openpyxl adapter on real workbook files: read, write, grow, shrink, highlight."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import TableColumn

from cims_xl.excel.adapter import FileWorkbook, QuietUI, SheetError, live_value
from cims_xl.excel.layout import LAYOUTS
from cims_xl.excel.sheet_codec import Uncomputed
from test_sync_support import new_workbook, table_ref

LAYOUT = LAYOUTS["customer"]


@pytest.fixture
def book_path(tmp_path):
    return new_workbook(tmp_path / "cims.xlsx")


def _append(path, rows, sheet="Customers"):
    book = FileWorkbook(path)
    book.table_sheet(sheet).append(rows)
    book.save()


def test_the_built_workbook_reads_as_the_layout_headers_with_no_data(book_path):
    data = FileWorkbook(book_path).table_sheet("Customers").read()
    assert tuple(data.headers) == LAYOUT.headers
    assert all(v is None for row in data.rows for v in row)


def test_appending_to_the_empty_table_fills_its_blank_row_and_grows_the_table(book_path):
    _append(book_path, [{"ID": "C-000001", "Name": "Alice"}, {"ID": "C-000002", "Name": "Bob"}])
    assert table_ref(book_path).endswith("3")
    ws = openpyxl.load_workbook(book_path)["Customers"]
    assert [ws["B2"].value, ws["B3"].value] == ["Alice", "Bob"]


def test_new_rows_take_the_column_formats_of_the_table(book_path):
    when = dt.datetime(2024, 5, 1, 10, 30)
    _append(book_path, [{"Name": "A", "Created": when}, {"Name": "B", "Created": when}])
    ws = openpyxl.load_workbook(book_path)["Customers"]
    col = LAYOUT.index("Created") + 1
    assert ws.cell(3, col).number_format == "yyyy-mm-dd hh:mm"
    assert ws.cell(3, col).value == when


def test_cells_beside_the_table_stay_beside_their_record_and_those_of_a_removed_one_are_said(book_path):
    wb = openpyxl.load_workbook(book_path)
    ws = wb["Customers"]
    beside = len(LAYOUT.columns) + 2
    ws.cell(2, beside).value = "my note"
    ws.cell(3, beside).value = "=1+2"
    wb.save(book_path)
    book = FileWorkbook(book_path)
    sheet = book.table_sheet("Customers")
    sheet.append([{"Name": f"N{i}"} for i in range(5)])
    sheet.delete_rows([0, 2])
    book.save()
    ws = openpyxl.load_workbook(book_path)["Customers"]
    # N0 (row 2) was deleted with the note beside it, which is said; the formula that stood
    # under the one blank table row was pushed down by the 4 rows inserted (row 7), then
    # up by the 2 deleted, as Excel's row insert and delete move it
    assert ws.cell(2, LAYOUT.index("Name") + 1).value == "N1"
    assert ws.cell(2, beside).value is None
    assert ws.cell(5, beside).value == "=1+2"
    assert any("row 2" in n and "removed with it" in n for n in sheet.notes)


def test_deleting_table_rows_closes_the_gap_and_shrinks_the_table(book_path):
    _append(book_path, [{"Name": n} for n in "ABCDE"])
    book = FileWorkbook(book_path)
    book.table_sheet("Customers").delete_rows([1, 3])
    book.save()
    data = FileWorkbook(book_path).table_sheet("Customers").read()
    assert [r[LAYOUT.index("Name")] for r in data.rows] == ["A", "C", "E"]
    assert table_ref(book_path).endswith("4")


def test_deleting_every_row_leaves_the_one_empty_row_a_table_needs(book_path):
    _append(book_path, [{"Name": "A"}, {"Name": "B"}])
    book = FileWorkbook(book_path)
    book.table_sheet("Customers").delete_rows([0, 1])
    book.save()
    assert table_ref(book_path).endswith("2")
    assert all(v is None for row in FileWorkbook(book_path).table_sheet("Customers").read().rows for v in row)


def test_a_formula_column_the_user_added_to_the_table_is_filled_for_new_rows(book_path):
    _append(book_path, [{"Name": "Alice"}])
    wb = openpyxl.load_workbook(book_path)
    ws = wb["Customers"]
    table = ws.tables["tblCustomers"]
    col = len(LAYOUT.columns) + 1
    letter = openpyxl.utils.get_column_letter(col)
    ws.cell(1, col).value = "Name length"
    ws.cell(2, col).value = "=LEN(B2)"
    table.tableColumns.append(TableColumn(id=col, name="Name length"))
    table.ref = table.autoFilter.ref = f"A1:{letter}2"
    wb.save(book_path)
    _append(book_path, [{"Name": "Bob"}, {"Name": "Carol"}])
    ws = openpyxl.load_workbook(book_path)["Customers"]
    assert [ws.cell(r, col).value for r in (2, 3, 4)] == ["=LEN(B2)", "=LEN(B3)", "=LEN(B4)"]
    data = FileWorkbook(book_path).table_sheet("Customers").read()
    assert data.headers[-1] == "Name length"


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+86 21 5555", "-3", "\tTab", "\rCR"])
def test_risky_text_is_written_as_a_text_cell_and_reads_back_the_same(book_path, text):
    _append(book_path, [{"Name": text, "Notes": text}])
    ws = openpyxl.load_workbook(book_path)["Customers"]
    cell = ws.cell(2, LAYOUT.index("Name") + 1)
    assert cell.data_type == "s" and cell.value == text.replace("\r", "_x000D_")  # as Excel stores CR
    assert cell.quotePrefix  # Excel keeps it text even after the cell is edited
    assert "<f>" not in zipfile.ZipFile(book_path).read("xl/worksheets/sheet2.xml").decode()
    data = FileWorkbook(book_path).table_sheet("Customers").read()
    assert data.value(0, "Name") == text


def test_overwriting_risky_text_with_plain_text_drops_the_text_mark(book_path):
    _append(book_path, [{"Name": "=x"}])
    book = FileWorkbook(book_path)
    book.table_sheet("Customers").write({0: {"Name": "Plain"}})
    cell = book.wb["Customers"].cell(2, LAYOUT.index("Name") + 1)
    assert cell.value == "Plain" and not cell.quotePrefix


def test_highlight_marks_a_cell_and_unhighlight_clears_only_our_mark(book_path):
    _append(book_path, [{"Name": "A", "Email": "bad"}])
    book = FileWorkbook(book_path)
    sheet = book.table_sheet("Customers")
    ws = book.wb["Customers"]
    own = ws.cell(2, LAYOUT.index("City") + 1)
    own.fill = PatternFill("solid", fgColor="FF00FF00")
    sheet.highlight([(0, "Email")])
    email = ws.cell(2, LAYOUT.index("Email") + 1)
    assert email.fill.fgColor.rgb == "FFFFC7CE"
    sheet.highlight([(0, "Email"), (0, "City")], on=False)
    assert email.fill.fill_type is None
    assert own.fill.fgColor.rgb == "FF00FF00"


def test_a_formula_typed_into_a_data_cell_that_excel_never_calculated_is_marked(book_path):
    _append(book_path, [{"Name": "A"}])
    wb = openpyxl.load_workbook(book_path)
    wb["Customers"].cell(2, LAYOUT.index("City") + 1).value = "=UPPER(B2)"
    wb.save(book_path)
    data = FileWorkbook(book_path).table_sheet("Customers").read()
    assert data.value(0, "City") == Uncomputed("=UPPER(B2)")


def test_the_selection_saved_in_the_file_gives_the_selected_table_rows(book_path):
    _append(book_path, [{"Name": n} for n in "ABCD"])
    wb = openpyxl.load_workbook(book_path)
    wb["Customers"].sheet_view.selection[0].sqref = "B3:C4 A1"
    wb.save(book_path)
    assert FileWorkbook(book_path).table_sheet("Customers").selected_rows() == [1, 2]
    assert FileWorkbook(book_path, selection={"Customers": [3]}).table_sheet("Customers").selected_rows() == [3]


def test_home_sheet_names_can_be_written_and_read(book_path):
    book = FileWorkbook(book_path)
    book.set_name("CIMS_SignedInUser", "alice (sales)")
    book.save()
    assert FileWorkbook(book_path).get_name("CIMS_SignedInUser") == "alice (sales)"
    assert FileWorkbook(book_path).get_name("NoSuchName") is None


def test_a_results_sheet_is_created_with_risky_text_kept_as_text(book_path):
    book = FileWorkbook(book_path)
    book.write_block("Find Results", [["ID", "Name"], ["C-000001", "=1+1"]])
    book.save()
    ws = openpyxl.load_workbook(book_path)["Find Results"]
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s"


def test_a_sheet_without_the_hidden_columns_is_refused_with_a_plain_message(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Customers"
    ws.append(["ID", "Name"])
    ws.append(["", ""])
    ws.add_table(openpyxl.worksheet.table.Table(displayName="tblCustomers", ref="A1:B2"))
    wb.save(tmp_path / "plain.xlsx")
    with pytest.raises(SheetError, match="_key"):
        FileWorkbook(tmp_path / "plain.xlsx").table_sheet("Customers")


def test_a_missing_file_is_a_plain_error(tmp_path):
    with pytest.raises(SheetError, match="not found"):
        FileWorkbook(tmp_path / "nope.xlsx")


def test_saving_a_macro_workbook_keeps_its_vba_and_its_ribbon(tmp_path):
    build = pytest.importorskip("cims_xl.excel.build")
    path = tmp_path / "cims.xlsm"
    try:
        path.write_bytes(build.build_bytes())
    except Exception as exc:  # pragma: no cover - the builder needs ms-ovba
        pytest.skip(f"cannot build the .xlsm here: {exc}")
    book = FileWorkbook(path)
    book.table_sheet("Customers").append([{"Name": "A"}])
    book.save()
    z = zipfile.ZipFile(path)
    assert "xl/vbaProject.bin" in z.namelist()
    assert "customUI/customUI14.xml" in z.namelist()
    rels = z.read("_rels/.rels").decode()
    assert "customUI/customUI14.xml" in rels and "ui/extensibility" in rels


def test_quiet_ui_reports_progress_and_answers_only_what_a_script_gave():
    seen = []
    ui = QuietUI(lambda d, t, s: seen.append((d, t, s)), answers={"User": "alice"})
    ui.progress(1, 2, "half")
    assert seen == [(1, 2, "half")]
    assert ui.ask("User name:") == "alice" and ui.ask("Other") is None
    assert ui.confirm("sure?") is False


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-5", "'-5"), ("13800138000", "'13800138000"),
    ("2024-05-01", "'2024-05-01"), ("TRUE", "'TRUE"), ("'quoted", "''quoted"),
    ("Alice", "Alice"), ("", None), (3.5, 3.5), (None, None),
])
def test_live_values_for_excel_keep_text_as_text(value, expected):
    assert live_value(value) == expected


@pytest.mark.parametrize("text", ["a\rb", "_x0041_", "_x005F_x0041_", "line\nbreak"])
def test_text_excel_would_decode_is_stored_so_it_reads_back_unchanged(book_path, text):
    _append(book_path, [{"Notes": text}])
    assert FileWorkbook(book_path).table_sheet("Customers").read().value(0, "Notes") == text


from hypothesis import example, given, settings, strategies as st  # noqa: E402

from cims_xl.excel.safe import ooxml_escape, ooxml_unescape  # noqa: E402


@given(st.text(alphabet="_x005FA1d\r\n \x01\x1f\t", max_size=30))
@example("_x0000\r")          # the CR's own escape would complete "_x0000" (found by hypothesis)
@example("_x005F_x000D_\r")
@settings(max_examples=500)
def test_ooxml_escaping_round_trips_any_text(text):
    assert ooxml_unescape(ooxml_escape(text)) == text


def test_nothing_but_the_udf_module_imports_xlwings_at_import_time():
    import subprocess
    import sys

    code = ("import sys\n"
            "import cims_xl.excel.adapter, cims_xl.excel.sync, cims_xl.excel.ribbon\n"
            "import cims_xl.excel.worksheet_functions, cims_xl.excel.live_session, cims_xl.excel.sheet_codec\n"
            "assert 'xlwings' not in sys.modules, 'xlwings imported'\n"
            "import cims_xl.excel.udfs\n"
            "assert 'xlwings' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
