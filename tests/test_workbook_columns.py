"""Column ranges (`<col min max>`) stay sorted and never overlap after a headless sync.

LibreOffice saves neighbouring columns of one width as one range. A refresh that widens
one column of such a range, a report refresh that sets a report column's width, and a
save that puts back the hidden columns used to add a second `<col>` for that column
(Excel then calls the file corrupt). Here the ranges are written by hand into the
package (several shapes: ranges inside and around the table, a style on them, a range
running to the sheet's last column, a file that already has overlapping ranges) and, if
LibreOffice is installed, made by LibreOffice's own round trip. Every written sheet is
read back part by part, its columns checked and the part validated against sml.xsd.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from cims_xl.excel import sync
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.columns import column_dimension
from cims_xl.excel.package import Package
from cims_xl.excel.xlsx_patch import sheet_parts
from cims_xl.services import records
from test_package_preserved import SML, _parts, _validate
from test_sync_support import new_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
S = f"{{{SML}}}"


def _sheet_part(path: Path, title: str) -> str:
    return sheet_parts(Package(path))[1][title]


def _set_cols(path: Path, title: str, cols_xml: str) -> None:
    """Replace a sheet's `<cols>` with `cols_xml` (SpreadsheetML, default namespace)."""
    part = _sheet_part(path, title)
    parts = _parts(path)
    root = etree.fromstring(parts[part])
    old = root.find(S + "cols")
    new = etree.fromstring(f'<cols xmlns="{SML}">{cols_xml}</cols>')
    if old is not None:
        old.addnext(new)
        root.remove(old)
    else:
        root.find(S + "sheetData").addprevious(new)
    parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _cols(path: Path, title: str) -> list[dict[str, str]]:
    root = etree.fromstring(_parts(path)[_sheet_part(path, title)])
    cols = root.find(S + "cols")
    return [dict(el.attrib) for el in (cols if cols is not None else [])]


def assert_tidy(path: Path, title: str) -> dict[int, dict[str, str]]:
    """Assert the sheet's `<col>` ranges are sorted and disjoint and its part validates;
    return {column: attributes of the `<col>` that covers it}."""
    part = _sheet_part(path, title)
    _validate(part, _parts(path)[part])
    end, out = 0, {}
    for attrs in _cols(path, title):
        first, last = int(attrs["min"]), int(attrs["max"])
        assert end < first <= last, f"{title}: column {first} defined twice or out of order: {_cols(path, title)}"
        end = last
        for col in range(first, min(last, 300) + 1):
            out[col] = attrs
    return out


def _customers(admin, rows: list[dict]) -> None:
    for row in rows:
        records.create(admin, "customer", row)


# ----- refresh widens one column of a range --------------------------------------------------

@pytest.mark.parametrize("shape", [
    # (cols as LibreOffice or a person left them, customer rows, columns that keep their width)
    ('<col min="1" max="8" width="11" customWidth="1" style="0"/>'
     '<col min="9" max="13" width="9" customWidth="true" style="0" hidden="false" outlineLevel="0"/>'
     '<col min="14" max="23" width="12" customWidth="1"/>'
     '<col min="24" max="26" width="4" customWidth="1" hidden="1"/>'
     '<col min="27" max="16384" width="9" style="0"/>',
     [{"name": "乌兰", "province": "内蒙古自治区呼和浩特市新城区", "country": "CN"}], [9, 11, 12, 13]),
    ('<col min="1" max="26" width="10" customWidth="1"/>',
     [{"name": "Jean-Baptiste Lefèvre-Moreau de la Tour d'Auvergne", "city": "Saint-Rémy-de-Provence",
       "country": "FR"}], [3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20]),
    ('<col min="2" max="3" width="10" customWidth="1"/><col min="10" max="12" width="6" customWidth="1"/>',
     [{"name": "Nguyễn Thị Minh Khai", "province": "Bà Rịa–Vũng Tàu Province", "country": "VN"}], [3, 11, 12]),
])
def test_refresh_widening_a_column_inside_a_range_splits_the_range_and_keeps_its_other_columns(
        tmp_path, admin, shape):
    cols_xml, rows, kept = shape
    path = new_workbook(tmp_path / "cims.xlsx")
    _set_cols(path, "Customers", cols_xml)
    before = assert_tidy(path, "Customers")
    _customers(admin, rows)
    sync.sync_file(admin, path, "refresh")
    after = assert_tidy(path, "Customers")
    headers = [c.header for c in FileWorkbook(path).table_sheet("Customers").layout.columns]
    widened = [i for i in range(1, len(headers) + 1)
               if float(after.get(i, {}).get("width", 0)) > float(before.get(i, {}).get("width", 0))]
    assert widened, "the long values widened a column"
    for col in kept:   # short or no values: the range's width, whether first in it or not
        assert after[col] and after[col].get("width") == before[col].get("width"), col
    for col, attrs in before.items():
        if col in widened:
            continue
        assert after.get(col, {}).get("width") == attrs.get("width"), f"column {col} kept its width"
        assert after[col].get("style") == attrs.get("style"), f"column {col} kept its style"
        assert (after[col].get("hidden") in ("1", "true")) == (attrs.get("hidden") in ("1", "true"))
    book = FileWorkbook(path)
    ws = book.wb["Customers"]
    for col in widened:   # read back through openpyxl too: one definition, the wider width
        assert column_dimension(ws, col).width == float(after[col]["width"])


def test_a_width_inside_a_range_reads_as_the_range_width_and_is_never_narrowed(tmp_path, admin):
    path = new_workbook(tmp_path / "cims.xlsx")
    _set_cols(path, "Customers", '<col min="8" max="12" width="40" customWidth="1" style="0"/>')
    _customers(admin, [{"name": "Ana Souza", "city": "São José dos Campos do Norte", "province": "SP", "country": "BR"}])
    sync.sync_file(admin, path, "refresh")
    after = assert_tidy(path, "Customers")
    assert [after[c]["width"] for c in range(8, 13)] == ["40"] * 5, "a wider column stays as wide"


def test_a_file_with_overlapping_ranges_is_made_tidy_by_the_next_sync(tmp_path, admin):
    """What cims_xl wrote before this fix: the later, single-column `<col>` was ours."""
    path = new_workbook(tmp_path / "cims.xlsx")
    _set_cols(path, "Customers",
              '<col min="12" max="13" width="12" customWidth="1" style="0"/>'
              '<col min="13" max="13" width="18" customWidth="1" style="0"/>'
              '<col min="2" max="5" width="20" customWidth="1"/>')
    _customers(admin, [{"name": "Kim Min-jun", "country": "KR"}])
    sync.sync_file(admin, path, "refresh")
    after = assert_tidy(path, "Customers")
    assert after[12]["width"] == "12" and after[13]["width"] == "18"
    assert all(after[c]["width"] == "20" for c in range(2, 6))


def test_overlapping_ranges_left_by_an_earlier_version_are_repaired_in_sheets_nothing_else_changes(
        tmp_path, admin):
    path = new_workbook(tmp_path / "cims.xlsx")
    broken = ('<col min="1" max="4" width="14" customWidth="1"/><col min="3" max="3" width="30" customWidth="1"/>'
              '<col min="9" max="9" width="11" customWidth="1"/><col min="6" max="8" width="9" customWidth="1"/>')
    _set_cols(path, "Tickets", broken)               # refresh writes nothing else there
    _set_cols(path, "Report - Service", broken)
    _set_cols(path, "Home", broken)                  # a CIMS sheet no sync edits
    before = _parts(path)
    sync.sync_file(admin, path, "refresh", sheets=["Customers"])
    for title in ("Tickets", "Report - Service", "Home"):
        after = assert_tidy(path, title)
        assert [after[c]["width"] for c in range(1, 10) if c != 5] == ["14", "14", "30", "14", "9", "9", "9", "11"]
        assert 5 not in after
    now = _parts(path)
    for name, data in before.items():   # the user's parts and untouched CIMS parts keep their bytes
        if name.startswith(("xl/worksheets/_rels", "xl/media", "xl/theme", "docProps")):
            assert now[name] == data, name


# ----- save: hidden columns put back inside a range -----------------------------------------

def test_hidden_columns_put_back_on_save_split_the_range_right_of_the_table(tmp_path, admin):
    path = new_workbook(tmp_path / "cims.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Customers"]
    table = ws.tables["tblCustomers"]
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(table.ref)
    for col in range(c2 - 2, c2 + 1):
        ws.cell(r1, col).value = None
    table.tableColumns = table.tableColumns[:-3]
    table.ref = table.autoFilter.ref = f"A{r1}:{openpyxl.utils.get_column_letter(c2 - 3)}{r2}"
    ws.cell(r1 + 1, 2).value = "Ana Souza"
    wb.save(path)
    _set_cols(path, "Customers", f'<col min="1" max="{c2 - 3}" width="14" customWidth="1"/>'
                                 f'<col min="{c2 - 3 + 1}" max="{c2 + 5}" width="9" customWidth="1" style="0"/>')
    sync.sync_file(admin, path, "save", sheets=["Customers"])
    after = assert_tidy(path, "Customers")
    for col in range(c2 - 2, c2 + 1):
        assert after[col].get("hidden") in ("1", "true") and after[col]["width"] == "4"
    for col in range(c2 + 1, c2 + 6):
        assert after[col] == {"min": str(c2 + 1), "max": str(c2 + 5), "width": "9", "customWidth": "1",
                              "style": "0"}, "the columns beyond keep their range"


# ----- reports set every report column's width ------------------------------------------------

def test_a_report_refresh_on_ranged_columns_writes_each_plan_width_once(tmp_path, admin):
    from cims_xl.excel.layout import REPORT_SHEETS
    path = new_workbook(tmp_path / "cims.xlsx")
    for title in REPORT_SHEETS:
        _set_cols(path, title, '<col min="1" max="3" width="30" customWidth="1" style="0"/>'
                               '<col min="4" max="60" width="7" customWidth="1"/>')
    ids = [records.create(admin, "customer", {"name": n, "country": c})["id"]
           for n, c in (("Alice Wang", "CN"), ("Müller GmbH", "DE"))]
    for i, (day, amount) in enumerate((("2025-03-05", "1234.50"), ("2025-04-11", "99.99"))):
        records.create(admin, "order", {"customer_id": ids[i], "order_date": day, "amount": amount})
    sync.sync_file(admin, path, "reports")
    book = openpyxl.load_workbook(path)
    for title in REPORT_SHEETS:
        after = assert_tidy(path, title)
        ws = book[title]
        # openpyxl reads each tidy <col> as one dimension: the model's widths are the file's
        for key, dim in ws.column_dimensions.items():
            for col in range(dim.min, min(dim.max, 60) + 1):
                assert float(after[col]["width"]) == dim.width


# ----- LibreOffice's own round trip -------------------------------------------------------------

@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: no LibreOffice-saved "
                                            "workbook to sync")
def test_a_libreoffice_saved_workbook_keeps_disjoint_column_ranges_through_every_sync(tmp_path, admin):
    built = new_workbook(tmp_path / "cims.xlsx")
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(built)],
        capture_output=True, text=True, timeout=240)
    path = tmp_path / "lo" / "cims.xlsx"
    assert done.returncode == 0 and path.exists(), done.stderr
    merged = [a for a in _cols(path, "Customers") if a["min"] != a["max"]]
    assert merged, "LibreOffice merged neighbouring columns of one width into a range"
    ranged = {c for a in merged for c in range(int(a["min"]), int(a["max"]) + 1)}
    layout = FileWorkbook(path).table_sheet("Customers").layout
    long = {"province": "Provincia Autónoma de Santa Catarina e Região Metropolitana",
            "city": "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
            "country": "GB", "address": "Flat 12, 34 Long Lane Road, Little Snoring, Fakenham"}
    headers = {c.field.key: i for i, c in enumerate(layout.columns, start=1) if c.field}
    assert any(headers.get(k) in ranged for k in long), "a long value falls in a ranged column"
    ids = [records.create(admin, "customer", {"name": "Ana", **long})["id"]]
    records.create(admin, "order", {"customer_id": ids[0], "order_date": "2025-05-01", "amount": "10"})
    for action in ("refresh", "reports", "save"):
        sync.sync_file(admin, path, action)
        for title in FileWorkbook(path).sheet_names():
            assert_tidy(path, title)
