"""The workbook is built from sources, deterministically, and reads back as designed.

Every check opens the real built file (openpyxl for the sheets, zipfile for the
package parts) rather than trusting the builder's in-memory objects.
"""

from __future__ import annotations

import random
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from cims_xl.excel import build
from cims_xl.excel.layout import LAYOUTS, REPORT_SHEETS, SHEET_ORDER

COMMITTED = build.DEFAULT_OUT
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

CONTRACT_CONTROLS = (
    ("btnSignIn", "Session"), ("btnSignOut", "Session"),
    ("btnRefreshSheet", "Data"), ("btnRefreshAll", "Data"), ("btnSave", "Data"),
    ("btnDelete", "Data"), ("btnFind", "Customer"), ("btn360", "Customer"),
    ("btnNewTicket", "Customer"), ("btnLogInteraction", "Customer"),
    ("btnImport", "Import & Reports"), ("btnReports", "Import & Reports"),
    ("btnBackup", "Admin"), ("btnUsers", "Admin"),
)


@pytest.fixture(scope="module")
def built_path(tmp_path_factory) -> Path:
    return build.build_workbook(tmp_path_factory.mktemp("build") / "cims.xlsm")


@pytest.fixture(scope="module")
def book(built_path):
    return openpyxl.load_workbook(built_path)


@pytest.fixture(scope="module")
def parts(built_path) -> dict[str, bytes]:
    with zipfile.ZipFile(built_path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _column_dimension(ws, index: int):
    """The <col> entry covering a column (openpyxl keys grouped entries by their first)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return dim
    return None


def _validations_covering(ws, coord: str):
    return [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]


def _defined(book, name: str) -> tuple[str, str]:
    dest = list(book.defined_names[name].destinations)
    assert len(dest) == 1, f"{name} should point at one place, got {dest}"
    return dest[0]


# ----- determinism -------------------------------------------------------------------

def test_two_builds_are_byte_identical(tmp_path, built_path):
    again = build.build_workbook(tmp_path / "again.xlsm")
    assert again.read_bytes() == built_path.read_bytes()


def test_committed_workbook_equals_a_fresh_build(built_path):
    assert COMMITTED.exists(), "workbook/cims.xlsm is missing: run `cims workbook build` and commit it"
    assert COMMITTED.read_bytes() == built_path.read_bytes(), (
        f"workbook/cims.xlsm differs from a fresh build (sources changed, or another xlwings "
        f"({build._xlwings_version()}) / openpyxl ({openpyxl.__version__}) is installed): run "
        "`cims workbook build` (or `python -m cims_xl.excel.build`) and commit workbook/cims.xlsm")


def test_zip_entries_have_fixed_times_and_start_with_content_types(built_path):
    with zipfile.ZipFile(built_path) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {build.ZIP_DATE_TIME}
    assert [i.filename for i in infos[2:]] == sorted(i.filename for i in infos[2:])


def test_document_properties_carry_fixed_dates(parts):
    core = parts["docProps/core.xml"].decode()
    assert core.count(build.DOC_DATE) == 2


def test_build_runs_from_the_command_line(tmp_path, built_path):
    out = tmp_path / "cli.xlsm"
    done = subprocess.run([sys.executable, "-m", "cims_xl.excel.build", "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=build.REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert out.read_bytes() == built_path.read_bytes()


# ----- sheets and tables --------------------------------------------------------------

def test_sheets_come_in_layout_order(book):
    assert book.sheetnames == list(SHEET_ORDER)


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_each_data_sheet_holds_its_table_with_the_layout_headers(book, kind):
    lay = LAYOUTS[kind]
    ws = book[lay.sheet]
    assert list(ws.tables) == [lay.table]
    table = ws.tables[lay.table]
    last = get_column_letter(len(lay.columns))
    assert table.ref == f"A1:{last}2", "header row plus one empty data row, starting at A1"
    assert [c.name for c in table.tableColumns] == list(lay.headers)
    assert len(set(lay.headers)) == len(lay.headers), "Excel repairs tables with duplicate headers"
    assert [ws.cell(1, i).value for i in range(1, len(lay.columns) + 1)] == list(lay.headers)
    assert all(ws.cell(2, i).value is None for i in range(1, len(lay.columns) + 1))
    assert table.tableStyleInfo.name == build.styles.TABLE_STYLE


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_hidden_columns_are_hidden_and_the_rest_visible(book, kind):
    lay = LAYOUTS[kind]
    ws = book[lay.sheet]
    hidden = {c.header for i, c in enumerate(lay.columns, start=1)
              if (dim := _column_dimension(ws, i)) is not None and dim.hidden}
    assert hidden == {"_key", "_version", "_fingerprint"}


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_header_row_is_frozen_and_widths_follow_the_layout(book, kind):
    lay = LAYOUTS[kind]
    ws = book[lay.sheet]
    assert ws.freeze_panes == "A2"
    for i, col in enumerate(lay.columns, start=1):
        assert _column_dimension(ws, i).width == col.width, col.header


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_data_row_carries_the_layout_number_formats(book, kind):
    lay = LAYOUTS[kind]
    ws = book[lay.sheet]
    for i, col in enumerate(lay.columns, start=1):
        expected = col.number_format or "General"
        assert ws.cell(2, i).number_format == expected, col.header


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_every_enumeration_column_offers_a_dropdown(book, kind):
    lay = LAYOUTS[kind]
    ws = book[lay.sheet]
    for i, col in enumerate(lay.columns, start=1):
        letter = get_column_letter(i)
        found = _validations_covering(ws, f"{letter}2") + _validations_covering(ws, f"{letter}5000")
        f = col.field
        if f is None or f.kind not in ("enum", "bool"):
            assert not found, f"{col.header} should have no dropdown"
            continue
        assert len(found) == 2 and found[0] is found[1], f"{col.header}: one list from row 2 down"
        dv = found[0]
        choices = ("Yes", "No") if f.kind == "bool" else f.choices
        assert dv.type == "list"
        assert dv.formula1 == '"' + ",".join(choices) + '"'
        strict = f.kind == "bool" or f.strict
        assert dv.errorStyle == ("stop" if strict else "warning"), col.header
        assert dv.showErrorMessage


def test_enumeration_lists_fit_excels_limit_for_inline_lists():
    # Excel refuses an inline list longer than 255 characters when it opens the file.
    for lay in LAYOUTS.values():
        for col in lay.columns:
            if col.field is not None and col.field.kind == "enum":
                assert len(",".join(col.field.choices)) <= 255, col.header


# ----- Home, Import, reports, xlwings.conf ------------------------------------------

@pytest.mark.parametrize("name, label", [("CIMS_SignedInUser", "Signed in as"),
                                         ("CIMS_StorePath", "Store"), ("CIMS_StatusLine", "Status")])
def test_home_has_named_cells_for_the_session(book, name, label):
    sheet, coord = _defined(book, name)
    assert sheet == "Home"
    assert ":" not in coord, "a single cell"
    row = book["Home"][coord.replace("$", "")].row
    assert book["Home"].cell(row, 1).value == label


def test_home_explains_every_ribbon_button(book):
    ws = book["Home"]
    rows = {(ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(1, ws.max_row + 1)}
    for button in build.ribbon_buttons():
        assert button.supertip, f"{button.id} needs a supertip: it is its line on Home"
        assert (button.label, button.supertip) in rows


def test_home_shows_formula_examples_as_text(book):
    ws = book["Home"]
    examples = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=CIMS_")]
    assert len(examples) == len(build.UDF_HELP)
    assert all(c.data_type == "s" for c in examples)


@pytest.mark.parametrize("name", ["CIMS_ImportFile", "CIMS_ImportKind", "CIMS_ImportCurrency",
                                  "CIMS_ImportOptions", "CIMS_ImportMapping", "CIMS_ImportSummary"])
def test_import_sheet_has_its_named_places(book, name):
    sheet, _ = _defined(book, name)
    assert sheet == "Import"


def test_the_import_options_cell_is_labelled_explained_and_keeps_what_is_typed_as_text(book):
    # Text format: Excel would read "--decimal comma" typed in a General cell as a formula.
    _, coord = _defined(book, "CIMS_ImportOptions")
    ws = book["Import"]
    cell = ws[coord.replace("$", "")]
    assert cell.number_format == "@" and cell.value is None
    assert ws.cell(cell.row, 1).value == "Options"
    note = ws.cell(cell.row + 1, cell.column).value
    assert "--decimal comma" in note and "stop message" in note
    _, mapping = _defined(book, "CIMS_ImportMapping")
    assert int(mapping.split("$")[-1]) > cell.row + 1


def test_import_record_type_is_a_dropdown_of_entity_kinds(book):
    _, coord = _defined(book, "CIMS_ImportKind")
    (dv,) = _validations_covering(book["Import"], coord.replace("$", ""))
    assert dv.formula1 == '"' + ",".join(LAYOUTS) + '"'


@pytest.mark.parametrize("sheet", REPORT_SHEETS)
def test_report_sheets_have_named_filter_cells_at_the_top(book, sheet):
    from cims_xl.report_layout import FILTER_LABELS

    prefix = build.report_prefix(sheet)
    for suffix, label in FILTER_LABELS.items():
        where, coord = _defined(book, f"{prefix}_{suffix}")
        assert where == sheet
        cell = book[sheet][coord.replace("$", "")]
        assert cell.row <= 8
        assert book[sheet].cell(cell.row, 1).value == label
        if suffix in ("From", "To"):
            assert cell.number_format == "yyyy-mm-dd"
            assert _validations_covering(book[sheet], cell.coordinate)[0].type == "date"
    where, _ = _defined(book, f"{prefix}_Output")
    assert where == sheet


def test_xlwings_conf_block_sets_the_udf_module_and_server(book):
    ws = book["xlwings.conf"]
    block = {}
    row = 1
    while ws.cell(row, 1).value not in (None, ""):  # xlwings reads down to the first gap
        block[ws.cell(row, 1).value] = ws.cell(row, 2).value
        row += 1
    assert block == {"UDF Modules": "cims_xl.excel.udfs", "Use UDF Server": True,
                     "Show Console": False, "Debug UDFs": False}
    documented = {ws.cell(r, 1).value for r in range(row, ws.max_row + 1)}
    assert {"Interpreter_Win", "Interpreter_Mac"} <= documented


def test_xlwings_conf_keys_are_ones_the_installed_xlwings_reads():
    vba = (build._xlwings_file("xlwings.bas")).upper()
    for key, _, _ in build.XLWINGS_CONF_OPTIONAL:
        assert f'GETCONFIG("{key.upper()}"' in vba, key
    for key in build.XLWINGS_CONF:
        assert f'GETCONFIG("{key.upper()}"' in vba, key


# ----- help texts stay on their page --------------------------------------------------

def _span(ws, cell) -> tuple[int, int]:
    """(first, last) column of the merged range a cell starts, or of the cell itself."""
    for merged in ws.merged_cells.ranges:
        if (merged.min_row, merged.min_col) == (cell.row, cell.column):
            return merged.min_col, merged.max_col
    return cell.column, cell.column


def _width(ws, first: int, last: int) -> float:
    dims = ws.column_dimensions      # reading a missing key would add it: use get
    return sum(getattr(dims.get(get_column_letter(c)), "width", None) or 8.43 for c in range(first, last + 1))


def _laid_out(ws) -> int:
    """The last column the sheet sets a width for."""
    from openpyxl.utils import column_index_from_string
    return max(column_index_from_string(k) for k, d in ws.column_dimensions.items() if d.width)


def _points(chars: float) -> float:
    """Points of a column `chars` wide (Excel: 7 px a character + 5 px padding, 0.75 pt a px)."""
    return (chars * 7 + 5) * 0.75


def _page_points(ws) -> float:
    """Points of the sheet one printed page holds across: the narrower of A4 and Letter
    less margins at 100 %; a sheet printed fit to one page wide holds its laid-out
    columns (Excel shrinks its print area, which ends at the last of them)."""
    paper = 11 * 72 if ws.page_setup.orientation == "landscape" else 8.27 * 72
    page = paper - (ws.page_margins.left + ws.page_margins.right) * 72
    if ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage \
            and ws.page_setup.fitToWidth == 1:
        page = max(page, sum(_points(_width(ws, c, c)) for c in range(1, _laid_out(ws) + 1)))
    return page


def _help_lines_left_to_run_over(ws) -> list[str]:
    """Texts, not wrapped, that run over the empty cells to their right past the right edge
    of the printed page (`_page_points`; text widths estimated: `cell_text.text_width_chars`, CJK two units,
    scaled by the font size). Excel cuts them at the print area; LibreOffice prints the
    rest on a page of its own or shrinks the sheet."""
    from cims_xl.cell_text import text_width_chars
    merged_away = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                   for c in range(m.min_col, m.max_col + 1) if (r, c) != (m.min_row, m.min_col)}
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or (cell.row, cell.column) in merged_away:
                continue
            first, last = _span(ws, cell)
            if cell.alignment.wrap_text or ws.cell(cell.row, last + 1).value is not None:
                continue
            size = float(cell.font.sz or 11) / 11
            need = max(text_width_chars(line) for line in cell.value.split("\n")) * 7 * 0.75 * size
            start = sum(_points(_width(ws, c, c)) for c in range(1, first))
            if start + need > _page_points(ws):
                out.append(f"{ws.title}!{cell.coordinate}")
    return out


@pytest.mark.parametrize("sheet", sorted(build.SPECIAL_SHEETS))
def test_every_long_help_line_wraps_within_the_columns_its_sheet_prints(book, sheet):
    """Home, Import and xlwings.conf: no help text runs over empty cells past the printed
    page; wrapped ones (in a band of merged columns or a single cell) end within the
    columns the sheet lays out. Whether their rows are tall enough is measured with
    LibreOffice's fonts in tests/test_rendering.py ("cut off below")."""
    ws = book[sheet]
    assert not _help_lines_left_to_run_over(ws)
    laid_out = _laid_out(ws)
    wrapped = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.alignment.wrap_text]
    assert wrapped
    for cell in wrapped:
        assert _span(ws, cell)[1] <= laid_out, (sheet, cell.coordinate)


def test_the_check_catches_a_long_line_left_to_run_over_empty_cells_in_any_language():
    """Negative control of the check above, and the helper that fixes it: an English and a
    Chinese help line written as plain cells are found; across a band they are not, and
    the Chinese one (two units a character) gets the taller row with fewer characters."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Help"
    widths = (20, 30, 40)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    english = "Put the path of the file below and press Import spreadsheet on the CIMS tab; " * 2
    chinese = "将文件路径填在下面，然后在 CIMS 选项卡上按导入电子表格。列映射和试运行摘要会显示在这里。" * 2
    ws["A1"], ws["A2"], ws["A3"] = english, chinese, "Short label"
    assert _help_lines_left_to_run_over(ws) == ["Help!A1", "Help!A2"]
    build._note_across(ws, 1, english, widths)
    build._note_across(ws, 2, chinese, widths)
    assert _help_lines_left_to_run_over(ws) == []
    assert {str(m) for m in ws.merged_cells.ranges} == {"A1:C1", "A2:C2"}
    # 90 units across: 158 narrow characters wrap to 2 lines, 94 mostly CJK ones (176 units) to 3
    assert len(chinese) < len(english)
    assert ws.row_dimensions[1].height == 30 and ws.row_dimensions[2].height == 45


def test_the_sheet_parts_of_the_built_workbook_validate_against_the_ecma_376_schemas(parts):
    from test_package_preserved import _validate
    sheets = [n for n in parts if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]
    assert len(sheets) == len(SHEET_ORDER)
    for name in sheets:
        _validate(name, parts[name])


def test_the_defined_names_and_styles_of_the_built_workbook_validate_against_the_ecma_376_schemas(parts):
    # Where the Import sheet's named cells (CIMS_ImportOptions …) and their text format live.
    from test_package_preserved import _validate
    for name in ("xl/workbook.xml", "xl/styles.xml"):
        _validate(name, parts[name])


# ----- package parts ----------------------------------------------------------------

def test_content_types_declare_a_macro_enabled_workbook_with_vba(parts):
    root = ET.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{CT}Override")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    defaults = {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{CT}Default")}
    assert defaults["xml"] == "application/xml", "covers customUI/customUI14.xml"


def test_relationships_point_at_the_vba_project_and_the_ribbon(parts):
    root_rels = {r.get("Type"): r.get("Target") for r in ET.fromstring(parts["_rels/.rels"]).iter(RELS)}
    assert root_rels[build.CUSTOMUI_REL] == "customUI/customUI14.xml"
    wb_rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"]).iter(RELS)
    assert {r.get("Type"): r.get("Target") for r in wb_rels}[build.VBA_REL] == "vbaProject.bin"
    all_ids = [r.get("Id") for r in ET.fromstring(parts["xl/_rels/workbook.xml.rels"]).iter(RELS)]
    assert len(all_ids) == len(set(all_ids))


def test_custom_ui_part_is_the_ribbon_source(parts):
    assert parts["customUI/customUI14.xml"] == build.RIBBON_XML.read_bytes()
    assert parts["xl/vbaProject.bin"].startswith(bytes.fromhex("D0CF11E0A1B11AE1")), "an OLE file"


def test_sheets_and_workbook_have_code_names_matching_their_vba_modules(book, parts):
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    for i, ws in enumerate(book.worksheets, start=1):
        assert ws.sheet_properties.codeName == build.sheet_code_name(i)


def test_ribbon_controls_are_parsed_from_the_xml_in_contract_order():
    controls = build.RIBBON_CONTROLS
    assert [(cid, group) for cid, _, group in controls] == list(CONTRACT_CONTROLS)
    assert all(label for _, label, _ in controls)


# ----- the VBA compressor -----------------------------------------------------------

@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # oletools' pyparsing use
@pytest.mark.parametrize("data", [
    b"", b"a", b"abcabcabcabc",
    b"Sheet5 Sheet6 " * 800,              # long repeats: what ms-ovba-compression corrupts
    bytes(random.Random(7).randrange(256) for _ in range(9000)),
    (Path(build.__file__).read_bytes() * 2)[:20000],
], ids=["empty", "one-byte", "short-repeat", "long-repeats", "random", "source-text"])
def test_vba_compression_round_trips_through_oletools(data):
    from oletools.olevba import decompress_stream

    packed = build.ovba_compress(data)
    back = bytes(decompress_stream(bytearray(packed)))
    # A raw (incompressible) final chunk is padded to 4096 bytes by the format itself.
    assert back[:len(data)] == data
    assert set(back[len(data):]) <= {0}

